/*
 * Clocks (see clock.h): CLOCK_MONOTONIC for humans and deadlines, and the
 * calibration that turns the cheap event counter into nanoseconds.
 */
#include "clock.h"

#include <pthread.h>
#include <stdatomic.h>

int64_t cv_clock_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t cv_clock_wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

cv_clock_pair cv_clock_pair_now(void)
{
    /* Read the counter between two clock reads and take the midpoint, which
     * halves the error a preemption between the reads would cause. */
    int64_t before = cv_clock_mono_ns();
    uint64_t ticks = cv_clock_ticks();
    int64_t after = cv_clock_mono_ns();
    return (cv_clock_pair){ticks, before + (after - before) / 2};
}

#ifdef CV_CLOCK_TSC
static pthread_once_t calibrate_once = PTHREAD_ONCE_INIT;
static cv_clock_pair first_pair;
/* The rate is a double stored as its bits so that it can be atomic. */
static _Atomic uint64_t rate_bits;

static void store_rate(double rate)
{
    union { double d; uint64_t u; } v = {.d = rate};
    atomic_store_explicit(&rate_bits, v.u, memory_order_relaxed);
}

static void calibrate(void)
{
    first_pair = cv_clock_pair_now();
    struct timespec pause = {0, 5000000};
    nanosleep(&pause, NULL);
    cv_clock_pair second = cv_clock_pair_now();
    store_rate((double)(second.ns - first_pair.ns) /
               (double)(second.ticks - first_pair.ticks));
}
#endif

double cv_clock_ns_per_tick(void)
{
#ifdef CV_CLOCK_TSC
    pthread_once(&calibrate_once, calibrate);
    union { double d; uint64_t u; } v;
    v.u = atomic_load_explicit(&rate_bits, memory_order_relaxed);
    return v.d;
#else
    return 1.0;
#endif
}

void cv_clock_refine(cv_clock_pair later)
{
#ifdef CV_CLOCK_TSC
    pthread_once(&calibrate_once, calibrate);
    /* Only a long baseline improves on the first estimate. */
    if (later.ns - first_pair.ns > 200000000 && later.ticks > first_pair.ticks)
        store_rate((double)(later.ns - first_pair.ns) /
                   (double)(later.ticks - first_pair.ticks));
#else
    (void)later;
#endif
}

int64_t cv_clock_ticks_to_ns(uint64_t ticks, cv_clock_pair anchor)
{
    double delta = (double)(int64_t)(ticks - anchor.ticks);
    return anchor.ns + (int64_t)(delta * cv_clock_ns_per_tick());
}
