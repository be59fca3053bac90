/*
 * µs per no-op future: submit 100 000 no-op calls to a default-sized pool,
 * wait for all, divide the total time by the calls; with events on (a bus
 * draining into a log) and off (no bus).  Median of 7 runs each.  Also
 * counts how often the submitting thread lost its core during a run with
 * events on: with more threads than cores, that is where time goes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "clock.h"
#include "pool.h"
#include "wait.h"

#define CALLS 100000
#define RUNS 7

static void noop(void *arg, cv_result *out)
{
    (void)arg;
    out->value = 1;
}

/* Times the calling thread was switched out against its will so far. */
static long preemptions(void)
{
    struct rusage ru;
    getrusage(RUSAGE_THREAD, &ru);
    return ru.ru_nivcsw;
}

static double one_run(bool events, double *preempted)
{
    cv_log *log = events ? cv_log_create() : NULL;
    cv_bus *bus = events ? cv_bus_create(log, 0) : NULL;
    cv_bus_attach(bus, CV_MAIN_LANE);
    cv_future **fs = malloc(CALLS * sizeof *fs);
    uint8_t *done = malloc(CALLS);
    long p0 = preemptions();
    int64_t t0 = cv_clock_mono_ns();
    cv_pool *pool = cv_pool_create(bus, cv_pool_default_workers(), NULL);
    for (int i = 0; i < CALLS; i++)
        fs[i] = cv_pool_submit(pool, "noop", noop, NULL, NULL);
    cv_wait(fs, CALLS, -1, CV_ALL_COMPLETED, done);
    double us = (double)(cv_clock_mono_ns() - t0) / 1e3 / CALLS;
    *preempted = (double)(preemptions() - p0);
    cv_pool_destroy(pool);
    for (int i = 0; i < CALLS; i++)
        cv_future_release(fs[i]);
    if (events && cv_log_dropped(log) != 0)
        fprintf(stderr, "warning: %llu events dropped\n", (unsigned long long)cv_log_dropped(log));
    cv_bus_destroy(bus);
    cv_log_destroy(log);
    free(fs);
    free(done);
    return us;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *r)
{
    qsort(r, RUNS, sizeof *r, cmp_double);
    return r[RUNS / 2];
}

int main(void)
{
    /* Alternate the two, so that a machine whose speed drifts (a virtual
     * one does) drifts for both alike. */
    double runs_on[RUNS], runs_off[RUNS], preempted[RUNS], ignored;
    for (int i = 0; i < RUNS; i++) {
        runs_on[i] = one_run(true, &preempted[i]);
        runs_off[i] = one_run(false, &ignored);
    }
    double on = median(runs_on);
    double off = median(runs_off);
    printf("futures: %.3f us per no-op future with events on, %.3f us with events off "
           "(%d calls, %d workers, median of %d); the submitter lost its core %.0f times per run\n",
           on, off, CALLS, cv_pool_default_workers(), RUNS, median(preempted));
    printf("concviz_us_per_future_events_on=%.3f\n", on);
    return 0;
}
