/*
 * Time for events.  Publishing must be cheap, so the hot path reads a raw
 * counter (the TSC on x86-64, CLOCK_MONOTONIC elsewhere) and the event bus
 * turns ticks into nanoseconds later, when it drains, by anchoring each batch
 * to a (ticks, CLOCK_MONOTONIC) pair read at the previous drain.
 */
#ifndef CV_CLOCK_H
#define CV_CLOCK_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "monocond.h" /* cv_clock_cond_init(), cv_clock_deadline() */

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define CV_CLOCK_TSC 1
#endif

/* Nanoseconds of CLOCK_MONOTONIC. */
int64_t cv_clock_mono_ns(void);
/* Nanoseconds since the Unix epoch (CLOCK_REALTIME), for the trace header. */
int64_t cv_clock_wall_ns(void);

/* The raw counter that events are stamped with.  The fence keeps the
 * counter from being read before the loads that come before it in the
 * program: RDTSC alone may run ahead of them, so a thread that publishes
 * because it saw another thread's write (a token passed on, a future
 * done) could be stamped before the event that preceded that write, and
 * the bus, which orders by stamp, would log the effect before its cause
 * (test_bus's token relay caught it in 9 runs of 60 on main).  The
 * kernel's own clock_gettime fences its RDTSC the same way.  It doubles
 * the cost of a publish (bench_events: 11 ns to 22 ns here), the price of
 * an order that holds. */
static inline uint64_t cv_clock_ticks(void)
{
#ifdef CV_CLOCK_TSC
    _mm_lfence();
    return __rdtsc();
#else
    return (uint64_t)cv_clock_mono_ns();
#endif
}

/* A counter reading and the monotonic time it stands for. */
typedef struct cv_clock_pair {
    uint64_t ticks;
    int64_t ns;
} cv_clock_pair;

cv_clock_pair cv_clock_pair_now(void);
/* Nanoseconds per tick, measured once per process (about 5 ms the first
 * time it is called) and refined by cv_clock_refine(). */
double cv_clock_ns_per_tick(void);
/* Feed a later pair to improve the rate estimate; cheap, thread-safe. */
void cv_clock_refine(cv_clock_pair later);
/* The monotonic ns that `ticks` stands for, from anchor and the rate. */
int64_t cv_clock_ticks_to_ns(uint64_t ticks, cv_clock_pair anchor);

#endif
