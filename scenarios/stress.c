/*
 * Scale made visible: N no-op futures through a pool of W workers, as
 *
 *     def noop(i):
 *         return i
 *
 *     with ThreadPoolExecutor(max_workers=W) as executor:
 *         t0 = time.perf_counter()
 *         futures = [executor.submit(noop, i) for i in range(N)]
 *         wait(futures)
 *         print(f'{N} futures in {time.perf_counter() - t0:.3f}s')
 *
 * Every future's three state changes are events, so a million futures are
 * three million events: more than a ring holds, faster than the drainer
 * takes them.  Nothing is lost (the submitter waits when its ring is full,
 * and each wait is a STALL event) unless --lossy asks for drops; the last
 * line says how many events the log holds and how many were lost.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"
#include "scenarios.h"
#include "wait.h"

/* Limits: a million futures is the demonstration; two million keep the
 * log (three 64-byte events per future, and a label each) under 1 GB. */
#define MAX_FUTURES 2000000
#define MAX_WORKERS 256

static void noop(void *arg, cv_result *out)
{
    out->value = (long long)(intptr_t)arg;
}

/* Writes "noop(i)" into label (32 bytes is room for any long).  By hand,
 * because it is done a million times on the submitter's path, where
 * snprintf took about 85 ns, a sixth of a future's budget. */
static void noop_label(char *label, long i)
{
    char digits[24];
    size_t n = 0;
    unsigned long u = i < 0 ? 0 - (unsigned long)i : (unsigned long)i;
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    char *p = label;
    memcpy(p, "noop(", 5);
    p += 5;
    if (i < 0)
        *p++ = '-';
    while (n > 0)
        *p++ = digits[--n];
    *p++ = ')';
    *p = '\0';
}

/* Submits up to n calls into fs; returns how many were submitted (fewer
 * when the run is asked to stop or a submit fails). */
static long submit_all(cv_run *run, cv_pool *pool, cv_future **fs, long n)
{
    char label[32];
    for (long i = 0; i < n; i++) {
        if ((i & 4095) == 0 && cv_run_stopping(run))
            return i;
        noop_label(label, i);
        int err;
        fs[i] = cv_pool_submit(pool, label, noop, (void *)(intptr_t)i, &err);
        if (fs[i] == NULL) {
            cv_run_log(run, "submit %ld failed: %s", i, cv_strerror(err));
            return i;
        }
    }
    return n;
}

static int run_stress(cv_run *run)
{
    long n = (long)cv_opts_int(run->opts, "futures");
    int workers = (int)cv_opts_int(run->opts, "workers");
    cv_run_log(run, "Submitting %ld no-op futures to %d workers.", n, workers);

    cv_pool *pool = cv_pool_create(run->bus, workers, "worker");
    cv_future **fs = malloc((size_t)n * sizeof *fs);
    uint8_t *done = malloc((size_t)n);
    if (pool == NULL || fs == NULL || done == NULL) {
        cv_run_log(run, "out of memory");
        cv_pool_destroy(pool);
        free(fs);
        free(done);
        return 1;
    }
    int64_t t0 = cv_bus_now_ns(run->bus);
    long submitted = submit_all(run, pool, fs, n);
    cv_wait(fs, (size_t)submitted, -1, CV_ALL_COMPLETED, done);
    double elapsed = (double)(cv_bus_now_ns(run->bus) - t0) / 1e9;
    cv_pool_destroy(pool);

    /* Every result is its own argument: no call was lost or mixed up. */
    long wrong = 0;
    for (long i = 0; i < submitted; i++) {
        cv_result r;
        if (cv_future_result(fs[i], 0, &r) != CV_OK || r.value != i)
            wrong++;
        cv_future_release(fs[i]);
    }
    free(fs);
    free(done);
    int status = submitted == n && wrong == 0 ? 0 : 1;
    if (submitted < n)
        cv_run_log(run, "Stopped after %ld of %ld submits.", submitted, n);
    if (wrong > 0)
        cv_run_log(run, "%ld futures did not return their argument.", wrong);
    cv_run_log(run, "%ld futures in %.3fs (%.2f us per future).", submitted, elapsed,
               submitted > 0 ? elapsed * 1e6 / (double)submitted : 0.0);
    /* What the log holds so far: everything published before this line. */
    cv_bus_flush(run->bus);
    cv_run_log(run, "Events logged: %zu; dropped: %llu.", cv_log_count(run->log),
               (unsigned long long)cv_log_dropped(run->log));
    return status;
}

static const cv_opt_spec stress_options[] = {
    {.name = "futures", .type = CV_OPT_INT, .min = 1, .max = MAX_FUTURES, .def = "100000",
     .metavar = "N", .help = "no-op futures to submit"},
    {.name = "workers", .type = CV_OPT_INT, .min = 1, .max = MAX_WORKERS, .def = "32",
     .metavar = "W", .help = "threads in the pool (max_workers)"},
    {0},
};

const cv_scenario cv_scenario_stress = {
    .name = "stress",
    .summary = "N no-op futures through W workers: every event kept, at scale",
    .options = stress_options,
    .run = run_stress,
};
