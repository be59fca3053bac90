/* Small helpers shared by the cmocka tests. */
#ifndef CV_TESTUTIL_H
#define CV_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <time.h>

#include "clock.h"

static inline double test_now(void)
{
    return (double)cv_clock_mono_ns() / 1e9;
}

static inline void test_sleep(double seconds)
{
    struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
    nanosleep(&ts, NULL);
}

#endif
