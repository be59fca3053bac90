/*
 * Creating and freeing per-thread event rings (the ring itself, and why it
 * needs no lock, is described in ring.h).
 */
#include "ring.h"

#include <sys/mman.h>

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
    void *mem = mmap(NULL, ring->bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mem == MAP_FAILED) {
        free(ring);
        return NULL;
    }
    ring->slots = mem;
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
