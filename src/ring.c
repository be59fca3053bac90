#include "ring.h"

cv_ring *cv_ring_create(size_t capacity_pow2, int16_t lane)
{
    cv_ring *ring = aligned_alloc(64, sizeof *ring);
    if (ring == NULL)
        return NULL;
    *ring = (cv_ring){.lane = lane, .mask = capacity_pow2 - 1};
    /* calloc leaves untouched pages unbacked, so a big ring that a quiet
     * thread never fills costs address space, not memory. */
    ring->slots = calloc(capacity_pow2, sizeof *ring->slots);
    if (ring->slots == NULL) {
        free(ring);
        return NULL;
    }
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
    free(ring->slots);
    free(ring);
}
