/*
 * Fluent Python's executor.map demo (demo_executor_map.py): three workers
 * run loiter(0..4); main asks for the results in submission order, so it
 * waits for loiter(2) even after loiter(0) and loiter(1) are done.
 *
 * Two options make that lesson sharper.  --sleeps 3,1,0,2,4 gives loiter(i)
 * its own duration (the count is taken from the list), so that the first
 * call is the slowest: main then sits blocked on loiter(0) while loiter(1)
 * and loiter(2) are long done.  --as-completed submits each call and takes
 * the results with futures.as_completed instead of map: they come as they
 * finish, and nobody waits behind loiter(0).
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "listing.h"
#include "map.h"
#include "pool.h"
#include "scenarios.h"
#include "wait.h"

/* What --sleeps accepts: up to this many durations, each 0..60 s. */
#define MAX_SLEEPS 64
#define MAX_SLEEP_S 60.0

typedef struct loiter_arg {
    cv_run *run;
    int n;
    double sleep_s;
} loiter_arg;

static void loiter(void *arg, cv_result *out)
{
    loiter_arg *a = arg;
    char tabs[64];
    int n = a->n < 63 ? a->n : 63;
    memset(tabs, '\t', (size_t)n);
    tabs[n] = '\0';
    cv_run_line(a->run, CV_LISTING_LOITER, CV_LINE_LOITER_LOITER_START);
    cv_run_log(a->run, "%sloiter(%d): doing nothing for %gs...", tabs, a->n, a->sleep_s);
    cv_run_line(a->run, CV_LISTING_LOITER, CV_LINE_LOITER_LOITER_SLEEP);
    if (!cv_run_sleep(a->run, a->sleep_s)) {
        cv_result_fail(out, CV_ECANCELLED, "stopped by the user");
        return;
    }
    cv_run_line(a->run, CV_LISTING_LOITER, CV_LINE_LOITER_LOITER_DONE);
    cv_run_log(a->run, "%sloiter(%d): done.", tabs, a->n);
    cv_run_line(a->run, CV_LISTING_LOITER, CV_LINE_LOITER_LOITER_RETURN);
    out->value = (long long)a->n * 10;
}

/* Parses "3,1,0,2,4" into out (NULL: only count); returns how many, or -1
 * with a one-line reason in err. */
static int parse_sleeps(const char *text, double *out, char *err, size_t errlen)
{
    int count = 0;
    const char *p = text;
    for (;;) {
        char *end;
        errno = 0;
        double v = strtod(p, &end);
        if (end == p || errno != 0 || !isfinite(v) || (*end != ',' && *end != '\0')) {
            snprintf(err, errlen, "--sleeps: '%s' is not a comma-separated list of seconds", text);
            return -1;
        }
        if (v < 0 || v > MAX_SLEEP_S) {
            snprintf(err, errlen, "--sleeps: %g is out of range (0 to %g seconds)", v, MAX_SLEEP_S);
            return -1;
        }
        if (count == MAX_SLEEPS) {
            snprintf(err, errlen, "--sleeps: at most %d durations", MAX_SLEEPS);
            return -1;
        }
        if (out != NULL)
            out[count] = v;
        count++;
        if (*end == '\0')
            return count;
        p = end + 1;
    }
}

static int validate_loiter(const cv_opts *opts, char *err, size_t errlen)
{
    const char *sleeps = cv_opts_str(opts, "sleeps");
    if (sleeps == NULL)
        return 0;
    int count = parse_sleeps(sleeps, NULL, err, errlen);
    if (count < 0)
        return CV_EINVAL;
    if (cv_opts_given(opts, "count") && cv_opts_int(opts, "count") != count) {
        snprintf(err, errlen, "--count %lld disagrees with the %d durations of --sleeps",
                 cv_opts_int(opts, "count"), count);
        return CV_EINVAL;
    }
    return 0;
}

/* results = executor.map(loiter, range(count)), taken in submission order. */
static int take_in_order(cv_run *run, cv_pool *pool, const cv_call *calls, int count)
{
    int err;
    cv_run_line(run, CV_LISTING_LOITER, CV_LINE_LOITER_MAP);
    cv_map *results = cv_map_start(pool, calls, (size_t)count, -1, &err);
    if (results == NULL) {
        cv_run_log(run, "map failed: %s", cv_strerror(err));
        return 1;
    }
    int status = 0;
    cv_run_line(run, CV_LISTING_LOITER, CV_LINE_LOITER_SHOW_RESULTS);
    cv_run_log(run, "results: %s", cv_map_repr(results));
    cv_run_line(run, CV_LISTING_LOITER, CV_LINE_LOITER_WAITING);
    cv_run_log(run, "Waiting for individual results:");
    cv_result r;
    /* Main stands on the for line while it waits for the next result. */
    for (int i = 0;; i++) {
        cv_run_line(run, CV_LISTING_LOITER, CV_LINE_LOITER_FOR_RESULT);
        if ((err = cv_map_next(results, &r)) != CV_OK)
            break;
        cv_run_line(run, CV_LISTING_LOITER, CV_LINE_LOITER_RESULT);
        cv_run_log(run, "result %d: %lld", i, r.value);
    }
    if (err != CV_EDONE && !cv_run_stopping(run)) {
        cv_run_log(run, "error: %s", err == CV_EFAILED ? r.message : cv_strerror(err));
        status = 1;
    }
    cv_map_close(results);
    return status;
}

/* to_do = [executor.submit(loiter, n) for n in range(count)], then
 * for future in futures.as_completed(to_do): taken as they finish. */
static int take_as_completed(cv_run *run, cv_pool *pool, const cv_call *calls, int count)
{
    cv_future **fs = calloc((size_t)count, sizeof *fs);
    if (fs == NULL) {
        cv_run_log(run, "out of memory");
        return 1;
    }
    int status = 0, err = CV_OK, n = 0;
    for (; n < count; n++) {
        fs[n] = cv_pool_submit(pool, calls[n].label, calls[n].fn, calls[n].arg, &err);
        if (fs[n] == NULL)
            break;
    }
    if (n < count) {
        cv_run_log(run, "submit failed: %s", cv_strerror(err));
        status = 1;
    } else {
        cv_as_completed *it = cv_as_completed_start(fs, (size_t)count, -1);
        if (it == NULL) {
            cv_run_log(run, "out of memory");
            status = 1;
        } else {
            cv_run_log(run, "Waiting for results as they complete:");
            cv_future *f;
            while (cv_as_completed_next(it, &f) == CV_OK) {
                cv_result r;
                int rc = cv_future_result(f, -1, &r);
                if (rc == CV_OK) {
                    cv_run_log(run, "%s result: %lld", cv_future_label(f), r.value);
                } else if (!cv_run_stopping(run)) {
                    cv_run_log(run, "%s error: %s", cv_future_label(f),
                               rc == CV_EFAILED ? r.message : cv_strerror(rc));
                    status = 1;
                }
            }
            cv_as_completed_close(it);
        }
    }
    for (int i = 0; i < n; i++)
        cv_future_release(fs[i]);
    free(fs);
    return status;
}

static int run_loiter(cv_run *run)
{
    int workers = (int)cv_opts_int(run->opts, "workers");
    int count = (int)cv_opts_int(run->opts, "count");
    double sleeps[MAX_SLEEPS];
    const char *sleeps_text = cv_opts_str(run->opts, "sleeps");
    if (sleeps_text != NULL) {
        char err[128];
        count = parse_sleeps(sleeps_text, sleeps, err, sizeof err); /* validated */
        if (count < 0) {
            cv_run_log(run, "%s", err);
            return 1;
        }
    }
    /* loiter.py is the map version: with --as-completed main's code is
     * not in it, so only the workers publish their lines. */
    bool in_order = !cv_opts_flag(run->opts, "as-completed");
    if (in_order)
        cv_run_line(run, CV_LISTING_LOITER, CV_LINE_LOITER_MAIN_START);
    cv_run_log(run, "Script starting.");

    if (in_order)
        cv_run_line(run, CV_LISTING_LOITER, CV_LINE_LOITER_EXECUTOR);
    cv_pool *pool = cv_pool_create(run->bus, workers, "worker");
    loiter_arg *args = calloc((size_t)count, sizeof *args);
    cv_call *calls = calloc((size_t)count, sizeof *calls);
    char (*labels)[24] = calloc((size_t)count, sizeof *labels);
    if (pool == NULL || args == NULL || calls == NULL || labels == NULL) {
        cv_run_log(run, "out of memory");
        cv_pool_destroy(pool);
        free(args);
        free(calls);
        free(labels);
        return 1;
    }
    for (int i = 0; i < count; i++) {
        args[i] = (loiter_arg){run, i, sleeps_text != NULL ? sleeps[i] : i};
        snprintf(labels[i], sizeof labels[i], "loiter(%d)", i);
        calls[i] = (cv_call){loiter, &args[i], labels[i]};
    }

    int status = in_order ? take_in_order(run, pool, calls, count)
                          : take_as_completed(run, pool, calls, count);
    cv_pool_destroy(pool);
    free(args);
    free(calls);
    free(labels);
    return status;
}

static const cv_opt_spec loiter_options[] = {
    {.name = "workers", .type = CV_OPT_INT, .min = 1, .max = 64, .def = "3",
     .metavar = "N", .help = "threads in the pool (max_workers)"},
    {.name = "count", .type = CV_OPT_INT, .min = 1, .max = 1000, .def = "5",
     .metavar = "N", .help = "calls to map: loiter(0) .. loiter(N-1)"},
    {.name = "sleeps", .type = CV_OPT_STR, .metavar = "S0,S1,...",
     .help = "seconds each loiter(i) sleeps, one per call (the count is taken from it; "
             "default: i seconds)"},
    {.name = "as-completed", .type = CV_OPT_FLAG,
     .help = "submit each call and take results with as_completed, as they finish, "
             "instead of map's submission order"},
    {0},
};

const cv_scenario cv_scenario_loiter = {
    .name = "loiter",
    .summary = "executor.map: results come back in submission order",
    .options = loiter_options,
    .validate = validate_loiter,
    .run = run_loiter,
};
