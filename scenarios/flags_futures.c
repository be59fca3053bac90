/*
 * flags --mode futures: Fluent Python's flags_threadpool_futures.py
 * (chapter 20), the script that opens the executor to show the futures
 * map() hides.  The first five codes, a pool of three workers, one
 * executor.submit per code with the future printed at once
 * ("Scheduled for BR: <Future at 0x... state=running>"), then the futures
 * taken with as_completed and printed with their results in the order they
 * finish, and the book's "5 downloads in 0.70s".
 *
 * Every repr is made by cv_future_repr under the future's lock when the
 * line is printed, so it says what was true then: with three workers, the
 * first three are running (if their worker has taken them by then) and the
 * last two pending, waiting for a worker.  download_one prints the code and
 * returns it, so a result is the code ('BR'), and an HTTP error raises, as
 * httpx's raise_for_status does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "fetch.h"
#include "flags_private.h"
#include "future.h"
#include "listing.h"
#include "pool.h"
#include "wait.h"

/* The book's slice, cc_list[:5], and ThreadPoolExecutor(max_workers=3). */
#define FUTURES_CODES 5

/* download_one in flags_threadpool.py: get, save, print(cc), return cc. */
static void download_one(void *arg, cv_result *out)
{
    cv_flags__job *job = arg;
    cv_run *run = job->ctx->run;
    cv_run_line(run, CV_LISTING_FLAGS_THREADPOOL_FUTURES, CV_LINE_FLAGS_THREADPOOL_FUTURES_DOWNLOAD);
    cv_run_line(run, CV_LISTING_FLAGS_THREADPOOL_FUTURES, CV_LINE_FLAGS_THREADPOOL_FUTURES_GET);
    cv_flags__pool_download(job, out);
    if (out->error)
        return;
    cv_run_line(run, CV_LISTING_FLAGS_THREADPOOL_FUTURES, CV_LINE_FLAGS_THREADPOOL_FUTURES_RAISE);
    if (job->outcome != CV_FETCH_OK) { /* raise_for_status() */
        int code = out->code;
        cv_result_fail(out, code > 0 ? code : CV_EFAILED, "%s", out->text);
        out->code = code;
        return;
    }
    cv_run_line(run, CV_LISTING_FLAGS_THREADPOOL_FUTURES, CV_LINE_FLAGS_THREADPOOL_FUTURES_PRINT_CC);
    cv_run_log(job->ctx->run, "%s", job->cc);
    cv_run_line(run, CV_LISTING_FLAGS_THREADPOOL_FUTURES, CV_LINE_FLAGS_THREADPOOL_FUTURES_RETURN);
    snprintf(out->text, sizeof out->text, "%s", job->cc);
}

/* CPython's submit, when it starts a worker for the call, returns only
 * after Thread.start() has seen the new thread run, and that thread, with
 * the GIL, takes the call and marks it running before the caller prints:
 * which is why the book shows the first three running.  Our pool starts
 * its thread and returns at once, so the caller waits here, as CPython's
 * start() does, until the new worker has taken its call (at most 0.2 s,
 * in case the machine is starved); the repr printed next is still read
 * from the future as it is. */
/* main's line in flags_threadpool_futures.py. */
static void line(cv_run *run, int line)
{
    cv_run_line(run, CV_LISTING_FLAGS_THREADPOOL_FUTURES, line);
}

static void await_thread_start(cv_future *f)
{
    for (int i = 0; i < 2000 && cv_future_state(f) == CV_PENDING; i++)
        nanosleep(&(struct timespec){.tv_nsec = 100000}, NULL);
}

int cv_flags__futures(const cv_flags__ctx *ctx, cv_flags__job *jobs, size_t n, int workers,
                      cv_flags__tally *t)
{
    cv_run *run = ctx->run;
    if (n > FUTURES_CODES)
        n = FUTURES_CODES;
    int64_t t0 = cv_clock_mono_ns();
    line(run, CV_LINE_FLAGS_THREADPOOL_FUTURES_EXECUTOR);
    cv_pool *pool = cv_pool_create(run->bus, workers, "worker");
    cv_future **to_do = calloc(n ? n : 1, sizeof *to_do);
    if (pool == NULL || to_do == NULL) {
        cv_pool_destroy(pool);
        free(to_do);
        return CV_ENOMEM;
    }
    int rc = CV_OK;
    size_t submitted = 0;
    char repr[96];
    for (; submitted < n; submitted++) {
        int threads = cv_pool_threads(pool);
        line(run, CV_LINE_FLAGS_THREADPOOL_FUTURES_SUBMIT);
        cv_future *f = cv_pool_submit(pool, jobs[submitted].cc, download_one, &jobs[submitted], &rc);
        if (f == NULL)
            break;
        to_do[submitted] = f;
        if (cv_pool_threads(pool) > threads)
            await_thread_start(f);
        line(run, CV_LINE_FLAGS_THREADPOOL_FUTURES_SCHEDULED);
        cv_run_log(run, "Scheduled for %s: %s", jobs[submitted].cc,
                   cv_future_repr(f, repr, sizeof repr));
    }
    cv_as_completed *it = cv_as_completed_start(to_do, submitted, -1);
    if (it == NULL) {
        rc = CV_ENOMEM;
        cv_pool_shutdown(pool, true, true);
    } else {
        cv_future *f;
        for (;;) {
            /* main stands on the for line while as_completed waits */
            line(run, CV_LINE_FLAGS_THREADPOOL_FUTURES_AS_COMPLETED);
            if (cv_as_completed_next(it, &f) != CV_OK)
                break;
            cv_result r;
            int got = cv_future_result(f, 0, &r);
            cv_future_repr(f, repr, sizeof repr);
            line(run, CV_LINE_FLAGS_THREADPOOL_FUTURES_RESULT);
            if (got == CV_OK) {
                cv_run_log(run, "%s result: '%s'", repr, r.text);
                t->ok++;
            } else if (!cv_run_stopping(run)) {
                cv_run_log(run, "%s error: %s", repr, got == CV_EFAILED ? r.message : cv_strerror(got));
                t->errors++;
            }
            t->done++;
        }
        cv_as_completed_close(it);
    }
    if (cv_run_stopping(run))
        t->interrupted = true;
    cv_pool_destroy(pool);
    for (size_t i = 0; i < submitted; i++)
        cv_future_release(to_do[i]);
    free(to_do);
    t->elapsed = (double)(cv_clock_mono_ns() - t0) / 1e9 * run->speed; /* demo seconds */
    if (rc == CV_OK && submitted == n)
        cv_run_log(run, "%d downloads in %.2fs", t->ok, t->elapsed);
    return submitted == n ? rc : (rc != CV_OK ? rc : CV_ENOMEM);
}
