/*
 * Creating and freeing per-thread event rings (the ring itself, and why it
 * needs no lock, is described in ring.h).
 */
#include "ring.h"

#include <stdint.h>
#include <sys/mman.h>

#define RING_HUGE_PAGE ((size_t)2 << 20)

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
     * threads (flags -m 1000) must not cost 2 MiB of memory each.  To be
     * huge-page aligned the mapping asks for one huge page more than it
     * needs and gives the unaligned ends back. */
    size_t span = ring->bytes + RING_HUGE_PAGE;
    char *raw = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (raw == MAP_FAILED) {
        free(ring);
        return NULL;
    }
    char *mem = (char *)(((uintptr_t)raw + RING_HUGE_PAGE - 1) & ~(uintptr_t)(RING_HUGE_PAGE - 1));
    if (mem > raw)
        munmap(raw, (size_t)(mem - raw));
    if (mem + ring->bytes < raw + span)
        munmap(mem + ring->bytes, (size_t)(raw + span - (mem + ring->bytes)));
#ifdef MADV_HUGEPAGE
    if (ring->bytes > RING_HUGE_PAGE)
        madvise(mem + RING_HUGE_PAGE, ring->bytes - RING_HUGE_PAGE, MADV_HUGEPAGE); /* a hint */
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
