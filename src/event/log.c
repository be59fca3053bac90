/*
 * The event log (see log.h): fixed chunks that never move, a count
 * published with release order, and readers that never lock.
 *
 * A fresh chunk costs its first writer a page fault in which the kernel
 * zeroes 2 MiB: a third of the drainer's time at a million futures, long
 * enough for a busy producer's ring to fill.  So once a log is half way
 * through a chunk, a helper thread (started then, so that the many small
 * logs of tests and short runs never have one) maps and touches the next
 * chunk, and the writer takes it ready when it gets there.  If it is not
 * ready yet, the writer maps its own rather than wait: the spare then
 * serves the chunk after.
 *
 * Texts are copied into blocks of their own, one after another, and the
 * caller's allocation is freed at once: a million short texts ("noop(41)",
 * "sleep 0s") cost their bytes and not a malloc chunk each (17.5 bytes an
 * event at a million futures, against 5), and a log is destroyed by
 * freeing its blocks, not each text.  Blocks never move, so a text stays
 * where the event points for as long as the log lives.
 */
#include "log.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "clock.h"
#include "hugemap.h"

/* 32768 events of 64 bytes: 2 MiB a chunk, the size of a huge page; 8192
 * chunks: 268 M events, far beyond what a teaching run produces, with a
 * 64 KiB chunk table that never moves (so readers need no lock to find a
 * chunk).  A chunk is one huge page where the kernel allows it: a log
 * always fills its chunks, and one page fault per 2 MiB instead of 512 is
 * most of the cost of appending 100 000 futures' events. */
#define CHUNK_SHIFT 15
#define CHUNK_SIZE (1u << CHUNK_SHIFT)
#define CHUNK_BYTES (CHUNK_SIZE * sizeof(cv_event))
#define MAX_CHUNKS 8192u

struct cv_log {
    _Atomic(cv_event *) chunks[MAX_CHUNKS];
    atomic_size_t count;     /* published to readers */
    size_t written;          /* appended by the writer, maybe not published */
    int64_t last_t;
    atomic_bool closed;
    _Atomic uint64_t dropped;
    cv_log_meta meta;
    pthread_mutex_t mu;      /* for waiters and the waker only */
    pthread_cond_t cond;
    void (*waker)(void *);
    void *waker_arg;

    /* The texts' blocks, the newest (the one being filled) first. */
    struct text_block *texts;

    /* The next chunk, faulted in ahead by the prefaulter thread. */
    _Atomic(cv_event *) spare;
    pthread_mutex_t pre_mu;
    pthread_cond_t pre_cond;
    bool pre_wanted, pre_stopping, pre_started;
    pthread_t prefaulter;
};

/* 1 MiB of texts end to end; a text longer than a quarter of it gets a
 * block of its own. */
#define TEXT_BLOCK ((size_t)1 << 20)

struct text_block {
    struct text_block *next; /* older */
    size_t used, cap;
    char data[];
};

/* A copy of s in the log's blocks, or NULL without memory. */
static char *keep_text(cv_log *log, const char *s)
{
    size_t n = strlen(s) + 1;
    struct text_block *b = log->texts;
    if (b == NULL || b->cap - b->used < n) {
        bool own = n > TEXT_BLOCK / 4;
        size_t cap = own ? n : TEXT_BLOCK - sizeof *b;
        struct text_block *nb = malloc(sizeof *nb + cap);
        if (nb == NULL)
            return NULL;
        nb->used = 0;
        nb->cap = cap;
        if (own && b != NULL) {
            /* Behind the current block, which goes on filling. */
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            log->texts = nb;
        }
        b = nb;
    }
    char *p = b->data + b->used;
    memcpy(p, s, n);
    b->used += n;
    return p;
}

cv_log *cv_log_create(void)
{
    cv_log *log = calloc(1, sizeof *log);
    if (log == NULL)
        return NULL;
    cv_clock_cond_init(&log->cond);
    pthread_mutex_init(&log->mu, NULL);
    pthread_mutex_init(&log->pre_mu, NULL);
    pthread_cond_init(&log->pre_cond, NULL);
    log->meta.speed = 1.0;
    return log;
}

void cv_log_destroy(cv_log *log)
{
    if (log == NULL)
        return;
    if (log->pre_started) {
        pthread_mutex_lock(&log->pre_mu);
        log->pre_stopping = true;
        pthread_cond_signal(&log->pre_cond);
        pthread_mutex_unlock(&log->pre_mu);
        pthread_join(log->prefaulter, NULL);
    }
    cv_event *spare = atomic_load(&log->spare);
    if (spare != NULL)
        munmap(spare, CHUNK_BYTES);
    pthread_mutex_destroy(&log->pre_mu);
    pthread_cond_destroy(&log->pre_cond);
    for (struct text_block *b = log->texts, *next; b != NULL; b = next) {
        next = b->next;
        free(b);
    }
    for (size_t c = 0; c < MAX_CHUNKS && log->chunks[c] != NULL; c++)
        munmap(log->chunks[c], CHUNK_BYTES);
    pthread_mutex_destroy(&log->mu);
    pthread_cond_destroy(&log->cond);
    free(log);
}

void cv_log_set_meta(cv_log *log, const cv_log_meta *meta)
{
    log->meta = *meta;
}

const cv_log_meta *cv_log_meta_get(const cv_log *log)
{
    return &log->meta;
}

/* A chunk aligned to its own size, so that it can be one huge page. */
static cv_event *alloc_chunk(void)
{
    _Static_assert(CHUNK_BYTES == CV_HUGE_PAGE, "a chunk is one huge page");
    cv_event *chunk = cv_hugemap(CHUNK_BYTES, 0);
#ifdef MADV_HUGEPAGE
    if (chunk != NULL)
        madvise(chunk, CHUNK_BYTES, MADV_HUGEPAGE); /* a hint: fine if refused */
#endif
    return chunk;
}

/* Backs every page of a fresh chunk now, on the prefaulter's time. */
static void touch_chunk(cv_event *chunk)
{
#ifdef MADV_POPULATE_WRITE
    if (madvise(chunk, CHUNK_BYTES, MADV_POPULATE_WRITE) == 0)
        return;
#endif
    /* One write per small page; with a huge page the first does it all. */
    volatile char *p = (volatile char *)chunk;
    for (size_t off = 0; off < CHUNK_BYTES; off += 4096)
        p[off] = 0;
}

static void *prefaulter_main(void *arg)
{
    cv_log *log = arg;
    pthread_mutex_lock(&log->pre_mu);
    for (;;) {
        while (!log->pre_stopping && !log->pre_wanted)
            pthread_cond_wait(&log->pre_cond, &log->pre_mu);
        if (log->pre_stopping)
            break;
        log->pre_wanted = false;
        pthread_mutex_unlock(&log->pre_mu);
        if (atomic_load_explicit(&log->spare, memory_order_acquire) == NULL) {
            cv_event *chunk = alloc_chunk();
            if (chunk != NULL) {
                touch_chunk(chunk);
                atomic_store_explicit(&log->spare, chunk, memory_order_release);
            }
        }
        pthread_mutex_lock(&log->pre_mu);
    }
    pthread_mutex_unlock(&log->pre_mu);
    return NULL;
}

/* Asks for the next chunk to be faulted in ahead (the writer only). */
static void want_spare(cv_log *log)
{
    if (atomic_load_explicit(&log->spare, memory_order_relaxed) != NULL)
        return;
    pthread_mutex_lock(&log->pre_mu);
    if (!log->pre_started)
        log->pre_started = pthread_create(&log->prefaulter, NULL, prefaulter_main, log) == 0;
    log->pre_wanted = true;
    pthread_cond_signal(&log->pre_cond);
    pthread_mutex_unlock(&log->pre_mu);
}

/* An append the log could not keep.  A DROP event carries a count of
 * events already lost: if it cannot be kept, those still count. */
static int refuse(cv_log *log, const cv_event *ev)
{
    if (ev->kind == CV_EV_DROP)
        atomic_fetch_add_explicit(&log->dropped, ev->ref, memory_order_relaxed);
    free(ev->text);
    return CV_ENOMEM;
}

int cv_log_append(cv_log *log, const cv_event *ev)
{
    size_t i = log->written;
    size_t c = i >> CHUNK_SHIFT;
    if (c >= MAX_CHUNKS)
        return refuse(log, ev);
    cv_event *chunk = atomic_load_explicit(&log->chunks[c], memory_order_relaxed);
    if (chunk == NULL) {
        chunk = atomic_exchange_explicit(&log->spare, NULL, memory_order_acquire);
        if (chunk == NULL)
            chunk = alloc_chunk();
        if (chunk == NULL)
            return refuse(log, ev);
        atomic_store_explicit(&log->chunks[c], chunk, memory_order_release);
    } else if ((i & (CHUNK_SIZE - 1)) == CHUNK_SIZE / 2 && c + 1 < MAX_CHUNKS) {
        want_spare(log);
    }
    char *text = NULL;
    if (ev->text != NULL && (text = keep_text(log, ev->text)) == NULL)
        return refuse(log, ev);
    free(ev->text);
    cv_event *slot = &chunk[i & (CHUNK_SIZE - 1)];
    *slot = *ev;
    slot->text = text;
    slot->seq = i;
    if (slot->t_ns < log->last_t)
        slot->t_ns = log->last_t;
    log->last_t = slot->t_ns;
    if (slot->kind == CV_EV_DROP)
        atomic_fetch_add_explicit(&log->dropped, slot->ref, memory_order_relaxed);
    log->written = i + 1;
    return 0;
}

static void wake(cv_log *log)
{
    /* The waker runs under the lock, so that cv_log_set_waker(NULL)
     * returns only once a call in flight has ended: a UI may close what
     * its waker writes to right after. */
    pthread_mutex_lock(&log->mu);
    pthread_cond_broadcast(&log->cond);
    if (log->waker != NULL)
        log->waker(log->waker_arg);
    pthread_mutex_unlock(&log->mu);
}

void cv_log_publish(cv_log *log)
{
    if (atomic_load_explicit(&log->count, memory_order_relaxed) == log->written)
        return;
    atomic_store_explicit(&log->count, log->written, memory_order_release);
    wake(log);
}

size_t cv_log_count(const cv_log *log)
{
    return atomic_load_explicit(&((cv_log *)log)->count, memory_order_acquire);
}

const cv_event *cv_log_at(const cv_log *log, size_t i)
{
    cv_event *chunk = atomic_load_explicit(&((cv_log *)log)->chunks[i >> CHUNK_SHIFT],
                                           memory_order_acquire);
    return &chunk[i & (CHUNK_SIZE - 1)];
}

void cv_log_close(cv_log *log)
{
    cv_log_publish(log);
    atomic_store(&log->closed, true);
    wake(log);
}

bool cv_log_closed(const cv_log *log)
{
    return atomic_load(&((cv_log *)log)->closed);
}

size_t cv_log_wait(cv_log *log, size_t known, double timeout_s)
{
    struct timespec deadline = cv_clock_deadline(timeout_s);
    pthread_mutex_lock(&log->mu);
    while (cv_log_count(log) <= known && !cv_log_closed(log)) {
        if (timeout_s < 0) {
            pthread_cond_wait(&log->cond, &log->mu);
        } else if (pthread_cond_timedwait(&log->cond, &log->mu, &deadline) == ETIMEDOUT) {
            break;
        }
    }
    pthread_mutex_unlock(&log->mu);
    return cv_log_count(log);
}

void cv_log_set_waker(cv_log *log, void (*fn)(void *), void *arg)
{
    pthread_mutex_lock(&log->mu);
    log->waker = fn;
    log->waker_arg = arg;
    pthread_mutex_unlock(&log->mu);
}

uint64_t cv_log_dropped(const cv_log *log)
{
    return atomic_load_explicit(&((cv_log *)log)->dropped, memory_order_relaxed);
}
