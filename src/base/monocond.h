/*
 * Timed waits on CLOCK_MONOTONIC.  pthread_cond_timedwait() measures its
 * deadline on the condition's clock, which is CLOCK_REALTIME unless asked
 * otherwise, and a wall clock that jumps would stretch or cut a wait: every
 * condition in the project that is waited on with a timeout is made here,
 * and its deadlines with cv_clock_deadline().
 */
#ifndef CV_MONOCOND_H
#define CV_MONOCOND_H

#include <pthread.h>
#include <time.h>

/* Initialises a condition variable whose timed waits use CLOCK_MONOTONIC.
 * Returns what pthread_cond_init() returns. */
int cv_clock_cond_init(pthread_cond_t *cond);
/* Now plus `seconds` (clamped to [0, 1e9]) on CLOCK_MONOTONIC, for timed
 * waits on such a condition. */
struct timespec cv_clock_deadline(double seconds);
/* Seconds left until a monotonic deadline, 0 if past. */
double cv_clock_seconds_until(const struct timespec *deadline);

#endif
