/*
 * A run (see run.h): a log, a bus and the scenario's main thread.  Sleeps
 * are timed waits on the run's stop notice, so a stop request ends them at
 * once instead of after the demo's seconds.
 */
#include "run.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

/* Publishes "the user stopped the run" (a mark with CV_MARK_USER_STOP),
 * once, from the first scenario thread that sees the stop, so that the
 * log says it before the calls it cuts short end; the run's main thread
 * says it at the end if no sleep saw the stop. */
static void tell_stop(cv_run *run)
{
    if (atomic_exchange(&run->stop_told, true))
        return;
    cv_event ev = {.kind = CV_EV_MARK, .lane = CV_MAIN_LANE, .code = CV_MARK_USER_STOP,
                   .text = strdup("the user stopped the run")};
    cv_publish(run->bus, &ev);
}

static void *run_main(void *arg)
{
    cv_run *run = arg;
    if (run->scenario->own_log) {
        run->status = run->scenario->run(run);
        atomic_store(&run->finished, true);
        return NULL;
    }
    cv_bus_attach(run->bus, CV_MAIN_LANE);
    cv_publish_thread_started(run->bus, CV_MAIN_LANE, CV_ROLE_MAIN, "main");
    cv_publish_thread(run->bus, CV_MAIN_LANE, CV_THREAD_BUSY, NULL);
    run->status = run->scenario->run(run);
    /* The user stopped the run: say so in the log, so that the screen,
     * the console and the trace read "stopped by the user" rather than a
     * failure or "the script is over". */
    if (cv_run_stopping(run))
        tell_stop(run);
    cv_publish_thread(run->bus, CV_MAIN_LANE, CV_THREAD_STOPPED, NULL);
    atomic_store(&run->finished, true);
    return NULL;
}

cv_run *cv_run_start(const cv_scenario *scenario, const cv_opts *opts, double speed,
                     const char *args)
{
    cv_run *run = calloc(1, sizeof *run);
    if (run == NULL)
        return NULL;
    run->scenario = scenario;
    run->opts = opts;
    run->speed = speed > 0 ? speed : 1.0;
    cv_notice_init(&run->stop);

    run->log = cv_log_create();
    if (run->log == NULL)
        goto fail;
    cv_log_meta meta = {.wall_start_ns = cv_clock_wall_ns(), .speed = run->speed};
    snprintf(meta.scenario, sizeof meta.scenario, "%s", scenario->name);
    snprintf(meta.args, sizeof meta.args, "%s", args ? args : "");
    cv_log_set_meta(run->log, &meta);
    if (scenario->own_log) {
        /* What the bus does for the others: seq 0 is the header. */
        cv_event header = {.kind = CV_EV_HEADER, .lane = CV_NO_LANE, .origin = CV_NO_LANE,
                           .text = strdup(meta.scenario)};
        if (cv_log_append(run->log, &header) != 0)
            goto fail;
        cv_log_publish(run->log);
    } else if ((run->bus = cv_bus_create(run->log, 0)) == NULL) {
        goto fail;
    }
    /* Lossless unless asked: a full ring makes its thread wait. */
    cv_bus_set_lossy(run->bus, opts != NULL && cv_opts_flag(opts, "lossy"));
    if (pthread_create(&run->thread, NULL, run_main, run) != 0)
        goto fail;
    run->started = true;
    return run;
fail:
    cv_bus_destroy(run->bus);
    cv_log_destroy(run->log);
    cv_notice_destroy(&run->stop);
    free(run);
    return NULL;
}

int cv_run_join(cv_run *run)
{
    if (run->started) {
        pthread_join(run->thread, NULL);
        run->started = false;
        cv_bus_destroy(run->bus);
        run->bus = NULL;
        cv_log_close(run->log);
    }
    return run->status;
}

void cv_run_request_stop(cv_run *run)
{
    cv_notice_set(&run->stop);
}

bool cv_run_stopping(cv_run *run)
{
    return cv_notice_is_set(&run->stop);
}

bool cv_run_finished(cv_run *run)
{
    return atomic_load(&run->finished);
}

void cv_run_destroy(cv_run *run)
{
    if (run == NULL)
        return;
    if (run->started)
        cv_run_request_stop(run);
    cv_run_join(run);
    cv_log_destroy(run->log);
    cv_notice_destroy(&run->stop);
    free(run);
}

bool cv_run_sleep(cv_run *run, double demo_seconds)
{
    if (!cv_notice_wait_for(&run->stop, demo_seconds / run->speed))
        return true;
    tell_stop(run); /* the sleeper is a scenario thread, on the bus */
    return false;
}

static void publish_line(cv_run *run, int side, const char *fmt, va_list ap)
{
    char line[1024];
    vsnprintf(line, sizeof line, fmt, ap);
    cv_publish_log(run->bus, side, line);
}

void cv_run_log(cv_run *run, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    publish_line(run, CV_SIDE_NONE, fmt, ap);
    va_end(ap);
}

void cv_run_log_side(cv_run *run, int side, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    publish_line(run, side, fmt, ap);
    va_end(ap);
}

void cv_run_line(cv_run *run, int listing, int line)
{
    cv_publish_line(run->bus, listing, line, 0);
}

void cv_run_line_task(cv_run *run, int listing, int line, uint64_t task)
{
    cv_publish_line(run->bus, listing, line, task);
}
