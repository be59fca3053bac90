/*
 * Fluent Python's executor.map demo (demo_executor_map.py): three workers
 * run loiter(0..4); main asks for the results in submission order, so it
 * waits for loiter(2) even after loiter(0) and loiter(1) are done.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "map.h"
#include "pool.h"
#include "scenarios.h"

typedef struct loiter_arg {
    cv_run *run;
    int n;
} loiter_arg;

static void loiter(void *arg, cv_result *out)
{
    loiter_arg *a = arg;
    char tabs[64];
    int n = a->n < 63 ? a->n : 63;
    memset(tabs, '\t', (size_t)n);
    tabs[n] = '\0';
    cv_run_log(a->run, "%sloiter(%d): doing nothing for %ds...", tabs, a->n, a->n);
    if (!cv_run_sleep(a->run, a->n)) {
        cv_result_fail(out, CV_ECANCELLED, "stopped by the user");
        return;
    }
    cv_run_log(a->run, "%sloiter(%d): done.", tabs, a->n);
    out->value = (long long)a->n * 10;
}

static int run_loiter(cv_run *run)
{
    int workers = (int)cv_opts_int(run->opts, "workers");
    int count = (int)cv_opts_int(run->opts, "count");
    cv_run_log(run, "Script starting.");

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
        args[i] = (loiter_arg){run, i};
        snprintf(labels[i], sizeof labels[i], "loiter(%d)", i);
        calls[i] = (cv_call){loiter, &args[i], labels[i]};
    }

    int err;
    cv_map *results = cv_map_start(pool, calls, (size_t)count, -1, &err);
    int status = 0;
    if (results == NULL) {
        cv_run_log(run, "map failed: %s", cv_strerror(err));
        status = 1;
    } else {
        cv_run_log(run, "results: %s", cv_map_repr(results));
        cv_run_log(run, "Waiting for individual results:");
        cv_result r;
        for (int i = 0; (err = cv_map_next(results, &r)) == CV_OK; i++)
            cv_run_log(run, "result %d: %lld", i, r.value);
        if (err != CV_EDONE && !cv_run_stopping(run)) {
            cv_run_log(run, "error: %s", err == CV_EFAILED ? r.message : cv_strerror(err));
            status = 1;
        }
        cv_map_close(results);
    }
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
    {0},
};

const cv_scenario cv_scenario_loiter = {
    .name = "loiter",
    .summary = "executor.map: results come back in submission order",
    .options = loiter_options,
    .run = run_loiter,
};
