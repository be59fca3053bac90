/*
 * A single-producer, single-consumer ring of events.  Each publishing thread
 * owns one, so publishing takes no lock and shares nothing with other
 * producers.  The producer marks a slot as written by storing its position
 * + 1 in the slot's `seq` with release order; the consumer (the bus's
 * drainer) reads a slot only when that mark matches, and moves `tail` when
 * it is done with a batch.  So the producer touches no shared counter per
 * event: the slot it fills is the only cache line the consumer must read.
 * A full ring refuses the event and leaves the choice to the bus: by
 * default its producer waits for the drainer (and says so in an event of
 * its own), and in lossy mode it drops the event and counts the drop.
 *
 * A ring grows once.  It starts small (CV_RING_SMALL events, in ordinary
 * pages), which is all that a quiet thread ever touches: a thousand
 * download threads cost 64 KiB each at most.  The first time it fills, its
 * thread is evidently busy, and the producer moves on to the full-size
 * ring, in huge pages: two or three page faults where 4 KiB pages took
 * five hundred, and memory that is used again as the ring wraps instead of
 * fresh memory for every event.  (Fresh memory is what a stress run paid
 * for most: on the test machine each 4 KiB page costs about 6 µs on first
 * touch.)  Positions go on counting across the move: the ones below
 * `grown_at` live in the small ring, the others in the big one, and the
 * producer stores `grown_at` (release) before it writes any slot of the
 * big ring, so that a consumer which sees a mark there also sees where
 * the mark's slot is.  The consumer never has to wait for the move: a
 * consumer that has not yet seen `grown_at` looks for the next position in
 * the small ring, finds an older mark there, and takes it as not yet
 * written until its next look.
 */
#ifndef CV_RING_H
#define CV_RING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "event.h"

/* Events in a ring before it first fills (its whole size if that is
 * smaller): 64 KiB, sixteen small pages. */
#define CV_RING_SMALL 1024

typedef struct cv_ring {
    /* Read by both sides and not written after the ring is set up: a line
     * that both caches can keep.  (When the slots and their mask shared a
     * line with `tail`, every hand-back of slots by the consumer cost the
     * producer a cache miss on its next publish.) */
    _Alignas(64) cv_event *small;
    uint64_t small_mask;
    size_t capacity; /* of the ring once grown (a power of two) */
    int16_t lane;         /* set when its thread attaches */
    struct cv_ring *next; /* the bus's list of rings */
    /* Written once, by the producer, when the ring grows (see the top). */
    _Alignas(64) _Atomic uint64_t grown_at; /* UINT64_MAX until it grows */
    cv_event *_Atomic big;
    /* Producer side: the ring it writes now (small, then big). */
    _Alignas(64) cv_event *slots;
    uint64_t mask;
    uint64_t head; /* private to the producer */
    uint64_t cached_tail;
    bool cannot_grow; /* the big ring was refused: the small one is all */
    _Atomic uint64_t dropped; /* written by the producer only (lossy mode) */
    /* Consumer side. */
    _Alignas(64) _Atomic uint64_t tail;
    uint64_t dropped_reported;
    uint64_t lost; /* events the log refused (out of memory), not yet reported */
} cv_ring;

cv_ring *cv_ring_create(size_t capacity_pow2, int16_t lane);
void cv_ring_destroy(cv_ring *ring);
/* Producer, on a full small ring: moves on to the full-size one.  False
 * when the ring has grown already, cannot, or the memory is refused. */
bool cv_ring__grow(cv_ring *ring);

/* Producer: writes *ev into the ring, stamped with `ticks` and `origin`.
 * Returns false, and leaves *ev (and its text) to the caller, when the
 * ring is full. */
static inline bool cv_ring_push(cv_ring *ring, const cv_event *ev, uint64_t ticks, int16_t origin)
{
    uint64_t head = ring->head;
    if (head - ring->cached_tail > ring->mask) {
        ring->cached_tail = atomic_load_explicit(&ring->tail, memory_order_acquire);
        if (head - ring->cached_tail > ring->mask && !cv_ring__grow(ring))
            return false;
    }
    /* Field by field, each read exactly as wide as the caller wrote it.  A
     * block copy reads the caller's freshly written event in 16-byte pieces
     * that straddle its narrower stores, and each such read stalls until
     * those stores reach the cache (a failed store-to-load forward; about
     * 2 ns of a 30 ns publish here, in an interleaved comparison).  The
     * reads are relaxed atomics only so that the compiler cannot merge them
     * back into wide ones; on x86-64 each is a plain mov. */
    cv_event *slot = &ring->slots[head & ring->mask];
#define CV_RING_FIELD(f) __atomic_load_n(&ev->f, __ATOMIC_RELAXED)
    slot->t_ns = (int64_t)ticks;
    slot->id = CV_RING_FIELD(id);
    slot->ref = CV_RING_FIELD(ref);
    slot->text = CV_RING_FIELD(text);
    slot->code = CV_RING_FIELD(code);
    slot->lane = CV_RING_FIELD(lane);
    slot->origin = origin;
    slot->kind = CV_RING_FIELD(kind);
    slot->state = CV_RING_FIELD(state);
    slot->side = CV_RING_FIELD(side);
    slot->flags = CV_RING_FIELD(flags);
    slot->spare = CV_RING_FIELD(spare);
#undef CV_RING_FIELD
    /* The mark goes last, atomically, because the consumer may be looking
     * at it. */
    __atomic_store_n(&slot->seq, head + 1, __ATOMIC_RELEASE);
    ring->head = head + 1;
    /* Ask for a later slot's line now, so that its write does not wait. */
    __builtin_prefetch(&ring->slots[(head + 8) & ring->mask], 1, 3);
    return true;
}

/* Producer: events in the ring as far as the producer last saw (an upper
 * bound: the consumer may have taken some since). */
static inline uint64_t cv_ring_used_hint(const cv_ring *ring)
{
    return ring->head - ring->cached_tail;
}

/* Producer: events in the ring now, refreshing what it knows of the
 * consumer.  Costs a read of the consumer's cache line: call it only when
 * the hint says the ring may be filling. */
static inline uint64_t cv_ring_used(cv_ring *ring)
{
    ring->cached_tail = atomic_load_explicit(&ring->tail, memory_order_acquire);
    return ring->head - ring->cached_tail;
}

/* Consumer: the slot of position i, written or not. */
static inline cv_event *cv_ring_slot(cv_ring *ring, uint64_t i)
{
    if (i >= atomic_load_explicit(&ring->grown_at, memory_order_acquire)) {
        cv_event *big = atomic_load_explicit(&ring->big, memory_order_relaxed);
        return &big[i & (ring->capacity - 1)];
    }
    return &ring->small[i & ring->small_mask];
}

/* Consumer: the event at position i if the producer has written it. */
static inline cv_event *cv_ring_peek(cv_ring *ring, uint64_t i)
{
    cv_event *slot = cv_ring_slot(ring, i);
    return __atomic_load_n(&slot->seq, __ATOMIC_ACQUIRE) == i + 1 ? slot : NULL;
}

/* Producer: counts an event it chose to drop (lossy mode). */
static inline void cv_ring_count_drop(cv_ring *ring)
{
    uint64_t dropped = atomic_load_explicit(&ring->dropped, memory_order_relaxed);
    atomic_store_explicit(&ring->dropped, dropped + 1, memory_order_relaxed);
}

#endif
