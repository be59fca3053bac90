/*
 * Timed waits on CLOCK_MONOTONIC (see monocond.h).
 */
#include "monocond.h"

#include <stdint.h>

int cv_clock_cond_init(pthread_cond_t *cond)
{
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    int rc = pthread_cond_init(cond, &attr);
    pthread_condattr_destroy(&attr);
    return rc;
}

struct timespec cv_clock_deadline(double seconds)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    if (seconds < 0)
        seconds = 0;
    if (seconds > 1e9)
        seconds = 1e9;
    int64_t add = (int64_t)(seconds * 1e9);
    ts.tv_sec += add / 1000000000;
    ts.tv_nsec += add % 1000000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    return ts;
}

double cv_clock_seconds_until(const struct timespec *deadline)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double left = (double)(deadline->tv_sec - now.tv_sec) +
                  (double)(deadline->tv_nsec - now.tv_nsec) / 1e9;
    return left > 0 ? left : 0;
}
