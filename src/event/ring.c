/*
 * Creating, growing and freeing per-thread event rings (the ring itself,
 * why it needs no lock and why it grows, is described in ring.h).
 */
#include "ring.h"

#include <sys/mman.h>

#include "hugemap.h"

/* Slots come straight from mmap: page-aligned, so each 64-byte slot is one
 * cache line (the producer writing a slot and the drainer reading the one
 * before never share a line); zero-filled, so every mark starts as "not
 * yet written"; and backed only as pages are first touched (MAP_NORESERVE:
 * nor does it count against the commit limit). */
static cv_event *map_slots(size_t n, bool huge)
{
    size_t bytes = n * sizeof(cv_event);
    if (!huge) {
        void *mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        return mem == MAP_FAILED ? NULL : mem;
    }
    void *mem = cv_hugemap(bytes, 1);
#ifdef MADV_HUGEPAGE
    if (mem != NULL)
        madvise(mem, bytes, MADV_HUGEPAGE); /* a hint: fine if refused */
#endif
    return mem;
}

cv_ring *cv_ring_create(size_t capacity_pow2, int16_t lane)
{
    cv_ring *ring = aligned_alloc(64, sizeof *ring);
    if (ring == NULL)
        return NULL;
    size_t small = capacity_pow2 < CV_RING_SMALL ? capacity_pow2 : CV_RING_SMALL;
    *ring = (cv_ring){.lane = lane, .capacity = capacity_pow2, .small_mask = small - 1,
                      .mask = small - 1, .cannot_grow = small == capacity_pow2};
    atomic_init(&ring->grown_at, UINT64_MAX);
    atomic_init(&ring->big, NULL);
    ring->small = ring->slots = map_slots(small, false);
    if (ring->small == NULL) {
        free(ring);
        return NULL;
    }
    return ring;
}

bool cv_ring__grow(cv_ring *ring)
{
    if (ring->cannot_grow)
        return false;
    /* Once only, whether it works or not. */
    ring->cannot_grow = true;
    cv_event *big = map_slots(ring->capacity, true);
    if (big == NULL)
        return false;
    atomic_store_explicit(&ring->big, big, memory_order_relaxed);
    /* Before any slot of the big ring is written: see ring.h. */
    atomic_store_explicit(&ring->grown_at, ring->head, memory_order_release);
    ring->slots = big;
    ring->mask = ring->capacity - 1;
    return true;
}

void cv_ring_destroy(cv_ring *ring)
{
    if (ring == NULL)
        return;
    /* Every producer has finished: free the texts never drained. */
    cv_event *ev;
    for (uint64_t i = atomic_load(&ring->tail); (ev = cv_ring_peek(ring, i)) != NULL; i++)
        free(ev->text);
    munmap(ring->small, (ring->small_mask + 1) * sizeof(cv_event));
    cv_event *big = atomic_load(&ring->big);
    if (big != NULL)
        munmap(big, ring->capacity * sizeof(cv_event));
    free(ring);
}
