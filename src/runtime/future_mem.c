/*
 * Memory for futures: fixed blocks carved from 2 MiB chunks that the
 * kernel may back with huge pages, and recycled through per-thread caches.
 *
 * Why not malloc: a stress run keeps a million futures alive at once, a
 * quarter of a gigabyte, and malloc's fresh memory comes in 4 KiB pages,
 * each a page fault on first touch.  On the 2-core test machine (a
 * paravirtualised guest) such a fault costs about 6 µs, so the faults alone
 * were more than 1 µs of every future's 1.2-2 µs; a 2 MiB page is one fault
 * for 8192 futures.  Freed blocks are kept for the next futures rather than
 * given back, as malloc keeps most of what it frees.
 *
 * A thread allocates from and frees into its own list without a lock.  It
 * refills an empty list with a batch of blocks from a shared stack, or
 * carves a new batch from the current chunk, and hands a batch back when
 * its list grows past two batches, so that a thread that only frees (a
 * caller dropping results computed elsewhere) does not hoard.  A thread
 * that ends hands its list back.  Under AddressSanitizer every block comes
 * from malloc, so that a use after free is still caught.
 */
#include "future_mem.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "hugemap.h"

#if defined(__SANITIZE_ADDRESS__)
#define USE_BLOCKS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define USE_BLOCKS 0
#endif
#endif
#ifndef USE_BLOCKS
#define USE_BLOCKS 1
#endif

/* Blocks a thread takes or hands back at a time. */
#define BATCH 64

/* A free block.  Only the first block of a batch on the shared stack uses
 * next_batch and count. */
typedef struct block {
    struct block *next;
    struct block *next_batch;
    size_t count;
} block;

#define BATCH_BYTES ((size_t)BATCH * CV_FUTURE_MEM_BLOCK)

_Static_assert(CV_FUTURE_MEM_BLOCK % 64 == 0, "blocks are whole cache lines");

static struct {
    pthread_mutex_t mu;
    block *batches;    /* handed back by threads, each `count` blocks long */
    char *carve, *end; /* the part of the newest chunk not yet carved */
} shared = {.mu = PTHREAD_MUTEX_INITIALIZER};

typedef struct cache {
    block *list;
    size_t n;
    bool registered; /* its thread hands it back when it ends */
} cache;

static _Thread_local cache tc;
static pthread_key_t exit_key;
static pthread_once_t exit_key_once = PTHREAD_ONCE_INIT;

/* Puts a list of n blocks on the shared stack. */
static void hand_back(block *list, size_t n)
{
    if (list == NULL)
        return;
    list->count = n;
    pthread_mutex_lock(&shared.mu);
    list->next_batch = shared.batches;
    shared.batches = list;
    pthread_mutex_unlock(&shared.mu);
}

static void thread_ends(void *arg)
{
    cache *c = arg;
    hand_back(c->list, c->n);
    /* A later destructor may still free a future: it registers anew. */
    *c = (cache){0};
}

static void make_exit_key(void)
{
    if (pthread_key_create(&exit_key, thread_ends) != 0)
        exit_key = (pthread_key_t)-1;
}

static void register_cache(void)
{
    pthread_once(&exit_key_once, make_exit_key);
    if (exit_key != (pthread_key_t)-1 && pthread_setspecific(exit_key, &tc) == 0)
        tc.registered = true;
}

/* Fills the empty list: a batch handed back, or BATCH new blocks. */
static void refill(void)
{
    pthread_mutex_lock(&shared.mu);
    if (shared.batches != NULL) {
        block *b = shared.batches;
        shared.batches = b->next_batch;
        tc.list = b;
        tc.n = b->count;
    } else {
        /* A chunk's last few blocks, less than a batch, are left over. */
        if ((size_t)(shared.end - shared.carve) < BATCH_BYTES) {
            char *chunk = cv_hugemap(CV_HUGE_PAGE, 0);
            if (chunk != NULL) {
#ifdef MADV_HUGEPAGE
                madvise(chunk, CV_HUGE_PAGE, MADV_HUGEPAGE); /* a hint: fine if refused */
#endif
                shared.carve = chunk;
                shared.end = chunk + CV_HUGE_PAGE;
            }
        }
        if ((size_t)(shared.end - shared.carve) >= BATCH_BYTES) {
            block *first = (block *)shared.carve;
            for (size_t i = 0; i < BATCH; i++) {
                block *b = (block *)(shared.carve + i * CV_FUTURE_MEM_BLOCK);
                b->next = i + 1 < BATCH ? (block *)((char *)b + CV_FUTURE_MEM_BLOCK) : NULL;
            }
            shared.carve += BATCH_BYTES;
            tc.list = first;
            tc.n = BATCH;
        }
    }
    pthread_mutex_unlock(&shared.mu);
}

void *cv_future__alloc(size_t bytes, bool *pooled)
{
    if (USE_BLOCKS && bytes <= CV_FUTURE_MEM_BLOCK) {
        if (!tc.registered)
            register_cache();
        if (tc.list == NULL)
            refill();
        block *b = tc.list;
        if (b != NULL) { /* else no chunk could be mapped: try malloc */
            tc.list = b->next;
            tc.n--;
            *pooled = true;
            return b;
        }
    }
    *pooled = false;
    return malloc(bytes);
}

void cv_future__free(void *p, bool pooled)
{
    if (!pooled) {
        free(p);
        return;
    }
    if (!tc.registered)
        register_cache();
    block *b = p;
    b->next = tc.list;
    tc.list = b;
    if (++tc.n < 2 * BATCH)
        return;
    /* Keep one batch, hand the other back. */
    block *last = tc.list;
    for (size_t i = 1; i < BATCH; i++)
        last = last->next;
    block *rest = last->next;
    last->next = NULL;
    hand_back(tc.list, BATCH);
    tc.list = rest;
    tc.n -= BATCH;
}
