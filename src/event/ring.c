/*
 * Creating and freeing per-thread event rings (the ring itself, and why it
 * needs no lock, is described in ring.h).
 */
#include "ring.h"

#include <sys/mman.h>

#include "hugemap.h"

cv_ring *cv_ring_create(size_t capacity_pow2, int16_t lane)
{
    cv_ring *ring = aligned_alloc(64, sizeof *ring);
    if (ring == NULL)
        return NULL;
    *ring = (cv_ring){.lane = lane, .mask = capacity_pow2 - 1};
    /* Slots come straight from mmap: page-aligned, so each 64-byte slot is
     * one cache line (the producer writing a slot and the drainer reading
     * the one before never share a line); zero-filled, so every mark starts
     * as "not yet written"; and backed only as pages are first touched, so
     * a big ring that a quiet thread never fills costs address space only
     * (MAP_NORESERVE: nor does it count against the commit limit). */
    ring->bytes = capacity_pow2 * sizeof *ring->slots;
    /* A ring that fills past its first huge page belongs to a busy thread
     * (more than 32 768 events so far): back the rest with huge pages, so
     * that a burst of 100 000 events costs three page faults instead of
     * 1 500.  The first 2 MiB stay in small pages, because a thousand quiet
     * threads (flags -m 1000) must not cost 2 MiB of memory each. */
    char *mem = cv_hugemap(ring->bytes, 1);
    if (mem == NULL) {
        free(ring);
        return NULL;
    }
#ifdef MADV_HUGEPAGE
    if (ring->bytes > CV_HUGE_PAGE)
        madvise(mem + CV_HUGE_PAGE, ring->bytes - CV_HUGE_PAGE, MADV_HUGEPAGE); /* a hint */
#endif
    ring->slots = (cv_event *)mem;
    return ring;
}

void cv_ring_destroy(cv_ring *ring)
{
    if (ring == NULL)
        return;
    /* Every producer has finished: free the texts never drained. */
    cv_event *ev;
    for (uint64_t i = atomic_load(&ring->tail); (ev = cv_ring_peek(ring, i)) != NULL; i++)
        free(ev->text);
    munmap(ring->slots, ring->bytes);
    free(ring);
}
