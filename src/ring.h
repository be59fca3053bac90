/*
 * A single-producer, single-consumer ring of events.  Each publishing thread
 * owns one, so publishing takes no lock and shares no cache line with other
 * producers: the producer writes a slot and moves `head` with a release
 * store; the consumer (the bus's drainer) reads up to `head` and moves
 * `tail`.  A full ring drops the event and counts it instead of waiting,
 * because a worker must never wait for the UI.
 */
#ifndef CV_RING_H
#define CV_RING_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "event.h"

typedef struct cv_ring {
    /* Producer side, on its own cache line. */
    _Alignas(64) _Atomic uint64_t head;
    uint64_t cached_tail;
    _Atomic uint64_t dropped;
    /* Consumer side. */
    _Alignas(64) _Atomic uint64_t tail;
    uint64_t dropped_reported;
    int16_t lane;
    uint64_t mask;
    cv_event *slots;
    struct cv_ring *next; /* the bus's list of rings */
} cv_ring;

cv_ring *cv_ring_create(size_t capacity_pow2, int16_t lane);
void cv_ring_destroy(cv_ring *ring);

/* Producer: copies *ev into the ring; on a full ring frees ev->text and
 * counts a drop.  Returns 0 or -1 when dropped. */
static inline int cv_ring_push(cv_ring *ring, const cv_event *ev)
{
    uint64_t head = atomic_load_explicit(&ring->head, memory_order_relaxed);
    if (head - ring->cached_tail > ring->mask) {
        ring->cached_tail = atomic_load_explicit(&ring->tail, memory_order_acquire);
        if (head - ring->cached_tail > ring->mask) {
            atomic_fetch_add_explicit(&ring->dropped, 1, memory_order_relaxed);
            free(ev->text);
            return -1;
        }
    }
    ring->slots[head & ring->mask] = *ev;
    atomic_store_explicit(&ring->head, head + 1, memory_order_release);
    return 0;
}

/* Consumer: how full the ring is, as a fraction of its capacity. */
static inline double cv_ring_fill(cv_ring *ring)
{
    uint64_t head = atomic_load_explicit(&ring->head, memory_order_acquire);
    uint64_t tail = atomic_load_explicit(&ring->tail, memory_order_relaxed);
    return (double)(head - tail) / (double)(ring->mask + 1);
}

#endif
