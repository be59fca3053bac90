/*
 * A million no-op futures through 32 workers, events on: what the stress
 * scenario does, timed.  Prints the events dropped (0 is the promise of
 * the default, lossless mode), µs per future, the context switches of the
 * whole process (voluntary and not), the process's CPU time and the times
 * a producer stalled on a full ring.  `bench_stress [FUTURES [WORKERS
 * [RUNS]]]`; the median run of RUNS (default 3) is printed, and the first
 * run apart: it writes into memory fresh to the process, where later runs
 * mostly reuse what earlier ones freed, and on the test machine (a virtual
 * machine whose host takes freed memory back) a first touch costs up to
 * 4 ns a byte, 60 times a touch of memory used before.  It uses only the
 * bus, log and pool API that predate the lossless bus, so the same file
 * builds against an older tree for a before/after ratio in one sitting.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "clock.h"
#include "pool.h"
#include "wait.h"

static void noop(void *arg, cv_result *out)
{
    (void)arg;
    out->value = 1;
}

static long switches(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_nvcsw + ru.ru_nivcsw;
}

/* CPU time of the whole process, user and system, in µs: on a shared
 * machine it wanders less than the wall clock. */
static double cpu_time_us(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

typedef struct result {
    double us, cpu_us;
    long csw;
    unsigned long long dropped, stalls, events;
} result;

static result one_run(int calls, int workers)
{
    cv_log *log = cv_log_create();
    cv_bus *bus = cv_bus_create(log, 0);
    cv_bus_attach(bus, CV_MAIN_LANE);
    cv_future **fs = malloc((size_t)calls * sizeof *fs);
    uint8_t *done = malloc((size_t)calls);
    if (log == NULL || bus == NULL || fs == NULL || done == NULL) {
        fprintf(stderr, "bench_stress: out of memory\n");
        exit(1);
    }
    long c0 = switches();
    double cpu0 = cpu_time_us();
    int64_t t0 = cv_clock_mono_ns();
    cv_pool *pool = cv_pool_create(bus, workers, NULL);
    for (int i = 0; i < calls; i++)
        fs[i] = cv_pool_submit(pool, "noop", noop, NULL, NULL);
    cv_wait(fs, (size_t)calls, -1, CV_ALL_COMPLETED, done);
    result r = {.us = (double)(cv_clock_mono_ns() - t0) / 1e3 / calls};
    r.csw = switches() - c0;
    r.cpu_us = (cpu_time_us() - cpu0) / calls;
    cv_pool_destroy(pool);
    for (int i = 0; i < calls; i++)
        cv_future_release(fs[i]);
    cv_bus_destroy(bus);
    r.dropped = cv_log_dropped(log);
    r.events = cv_log_count(log);
    for (size_t i = 0; i < r.events; i++)
        if (strcmp(cv_event_kind_name(cv_log_at(log, i)->kind), "stall") == 0)
            r.stalls++; /* by name: an older tree has no CV_EV_STALL */
    cv_log_destroy(log);
    free(fs);
    free(done);
    return r;
}

static int by_us(const void *a, const void *b)
{
    double x = ((const result *)a)->us, y = ((const result *)b)->us;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int calls = argc > 1 ? atoi(argv[1]) : 1000000;
    int workers = argc > 2 ? atoi(argv[2]) : 32;
    int runs = argc > 3 ? atoi(argv[3]) : 3;
    if (calls < 1 || workers < 1 || runs < 1 || runs > 99) {
        fprintf(stderr, "usage: bench_stress [FUTURES [WORKERS [RUNS]]]\n");
        return 2;
    }
    result r[99];
    unsigned long long dropped = 0;
    for (int i = 0; i < runs; i++) {
        r[i] = one_run(calls, workers);
        dropped += r[i].dropped;
    }
    result first = r[0];
    qsort(r, (size_t)runs, sizeof *r, by_us);
    result m = r[runs / 2];
    printf("stress: %d futures, %d workers: %.3f us per future (%.3f us of CPU), %ld context "
           "switches, %llu events, %llu dropped (%llu in %d runs), %llu stalls (median of %d)\n",
           calls, workers, m.us, m.cpu_us, m.csw, m.events, m.dropped, dropped, runs, m.stalls,
           runs);
    if (runs > 1)
        printf("stress: the first run, into memory the process had never touched: %.3f us per "
               "future (%.3f us of CPU)\n", first.us, first.cpu_us);
    printf("stress_us=%.3f stress_cpu_us=%.3f stress_csw=%ld stress_dropped=%llu "
           "stress_first_us=%.3f\n", m.us, m.cpu_us, m.csw, dropped, first.us);
    return 0;
}
