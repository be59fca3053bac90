/*
 * The flags scenario's downloads, three ways (see flags.c for the whole):
 * one after another on the main thread; a future per flag on the thread
 * pool, taken with as_completed; a task per flag on the event loop, at most
 * -m of them in flight, driven through libcurl's multi interface.  Every
 * outcome is counted in the book's words and saved atomically.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aio.h"
#include "atomic_file.h"
#include "clock.h"
#include "coro.h"
#include "fetch.h"
#include "fetch_multi.h"
#include "flags_private.h"
#include "loop.h"
#include "loopsem.h"
#include "pool.h"
#include "task.h"
#include "wait.h"

/* ---- one download ---- */

static bool run_stopping(void *arg)
{
    return cv_run_stopping(arg);
}

static void flag_url(const cv_flags__ctx *ctx, const char *cc, char *buf, size_t len)
{
    char lower[3] = {(char)(cc[0] | 0x20), (char)(cc[1] | 0x20), '\0'};
    snprintf(buf, len, "%s/%s/%s.gif", ctx->base_url, lower, lower);
}

/* Saves a downloaded flag and fills in the job from the fetch; the book's
 * download_one prints OK and not found here, errors at the collector. */
static void settle(cv_flags__job *job, cv_fetch *f)
{
    const cv_flags__ctx *ctx = job->ctx;
    job->outcome = f->outcome;
    job->status = f->status;
    job->bytes = f->len;
    snprintf(job->error, sizeof job->error, "%s", f->error);
    job->stopped = f->aborted;
    job->timed_out = f->timed_out;
    if (f->outcome == CV_FETCH_OK) {
        char path[4200], err[256];
        snprintf(path, sizeof path, "%s/%s.gif", ctx->dest, job->cc);
        cv_atomic_file af;
        int rc = cv_atomic_file_open(&af, path, err, sizeof err);
        if (rc == 0) {
            fchmod(fileno(af.fp), 0644);
            if (f->len > 0 && fwrite(f->body, 1, f->len, af.fp) != f->len) {
                snprintf(err, sizeof err, "cannot write %.180s: %s", path, strerror(errno));
                cv_atomic_file_abort(&af);
                rc = CV_EIO;
            } else {
                rc = cv_atomic_file_commit(&af, err, sizeof err);
            }
        }
        if (rc != 0) {
            job->outcome = CV_FETCH_ERROR;
            snprintf(job->error, sizeof job->error, "%.*s", (int)sizeof job->error - 1, err);
        } else if (ctx->verbose) {
            cv_run_log(ctx->run, "%s OK", job->cc);
        }
    } else if (f->outcome == CV_FETCH_NOT_FOUND && ctx->verbose) {
        cv_run_log(ctx->run, "%s not found: %s", job->cc, f->url);
    }
}

/* The job's outcome as a future's or task's result; the HTTP status goes
 * in a field of its own (code, or error when it failed), so that a view
 * never reads it out of the text. */
static void job_result(const cv_flags__job *job, cv_result *out)
{
    memset(out, 0, sizeof *out);
    out->code = (int)job->status;
    if (job->outcome == CV_FETCH_OK) {
        out->value = (long long)job->bytes;
        if (job->bytes >= 1024)
            snprintf(out->text, sizeof out->text, "%ld OK %.1f KB", job->status,
                     (double)job->bytes / 1024.0);
        else
            snprintf(out->text, sizeof out->text, "%ld OK %zu B", job->status, job->bytes);
    } else if (job->outcome == CV_FETCH_NOT_FOUND) {
        snprintf(out->text, sizeof out->text, "404 not found");
    } else if (job->stopped) {
        cv_result_fail(out, CV_ECANCELLED, "stopped by the user");
    } else if (job->timed_out) {
        /* Its own code, so that a view can say "timed out" without
         * reading the text. */
        cv_result_fail(out, CV_ENETTIMEOUT, "%s", job->error);
    } else {
        cv_result_fail(out, job->status > 0 ? (int)job->status : -1, "%s", job->error);
    }
}

/* A download on the calling thread, as download_one does. */
static void download_one(cv_flags__job *job)
{
    const cv_flags__ctx *ctx = job->ctx;
    char url[600];
    flag_url(ctx, job->cc, url, sizeof url);
    cv_fetch f;
    cv_fetch_init(&f, url, ctx->timeout);
    f.abort_fn = run_stopping;
    f.abort_ctx = ctx->run;
    if (cv_run_stopping(ctx->run)) {
        f.aborted = true;
        snprintf(f.error, sizeof f.error, "stopped by the user");
    } else {
        cv_fetch_run(&f);
    }
    settle(job, &f);
    cv_fetch_free(&f);
}

/* ---- counting and the progress bar ---- */

static void progress(const cv_flags__ctx *ctx, size_t done, size_t total)
{
    if (!ctx->bar)
        return;
    enum { WIDTH = 30 };
    size_t fill = total ? done * WIDTH / total : WIDTH;
    char bar[WIDTH + 1];
    for (size_t i = 0; i < WIDTH; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[WIDTH] = '\0';
    fprintf(stderr, "\r%3zu%% [%s] %zu/%zu", total ? done * 100 / total : 100, bar, done, total);
    if (done == total)
        fputc('\n', stderr);
    fflush(stderr);
}

/* Counts one finished job, and prints its error when verbose. */
static void count(const cv_flags__ctx *ctx, cv_flags__tally *t, const cv_flags__job *job,
                  size_t total)
{
    if (job->outcome == CV_FETCH_OK)
        t->ok++;
    else if (job->outcome == CV_FETCH_NOT_FOUND)
        t->not_found++;
    else
        t->errors++;
    if (ctx->verbose && job->outcome == CV_FETCH_ERROR)
        cv_run_log(ctx->run, "%s error: %s", job->cc, job->error);
    t->done++;
    progress(ctx, t->done, total);
}

/* ---- sequential: one after another on the main thread ---- */

void cv_flags__sequential(const cv_flags__ctx *ctx, cv_flags__job *jobs, size_t n,
                          cv_flags__tally *t)
{
    cv_bus *bus = ctx->run->bus;
    for (size_t i = 0; i < n; i++) {
        if (cv_run_stopping(ctx->run)) { /* KeyboardInterrupt: break */
            t->interrupted = true;
            break;
        }
        cv_future *f = cv_future_new(bus, jobs[i].cc);
        if (f != NULL)
            cv_future_set_running(f, CV_MAIN_LANE);
        download_one(&jobs[i]);
        if (f != NULL) {
            cv_result r;
            job_result(&jobs[i], &r);
            cv_future_set_result(f, &r);
            cv_future_release(f);
        }
        if (cv_run_stopping(ctx->run)) {
            t->interrupted = true;
            break;
        }
        count(ctx, t, &jobs[i], n);
    }
    /* The run's thread goes on after the downloads: its connection is
     * closed now, not when the process ends. */
    cv_fetch_thread_done();
}

/* ---- threadpool: a future per flag, taken as they complete ---- */

void cv_flags__pool_download(void *arg, cv_result *out)
{
    cv_flags__job *job = arg;
    download_one(job);
    job_result(job, out);
}

int cv_flags__threadpool(const cv_flags__ctx *ctx, cv_flags__job *jobs, size_t n, int concur,
                         cv_flags__tally *t)
{
    cv_pool *pool = cv_pool_create(ctx->run->bus, concur, "worker");
    cv_future **to_do = calloc(n, sizeof *to_do);
    if (pool == NULL || to_do == NULL) {
        cv_pool_destroy(pool);
        free(to_do);
        return CV_ENOMEM;
    }
    int rc = CV_OK;
    size_t submitted = 0;
    for (; submitted < n; submitted++) {
        to_do[submitted] = cv_pool_submit(pool, jobs[submitted].cc, cv_flags__pool_download,
                                          &jobs[submitted], &rc);
        if (to_do[submitted] == NULL)
            break;
    }
    cv_as_completed *it = cv_as_completed_start(to_do, submitted, -1);
    if (it == NULL) {
        rc = CV_ENOMEM;
        cv_pool_shutdown(pool, true, true);
    } else {
        cv_future *f;
        while (cv_as_completed_next(it, &f) == CV_OK) {
            /* to_do_map[future]: the job is the future's argument. */
            size_t k = 0;
            while (k < submitted && to_do[k] != f)
                k++;
            if (k == submitted || cv_run_stopping(ctx->run))
                continue;
            count(ctx, t, &jobs[k], n);
        }
        cv_as_completed_close(it);
    }
    if (cv_run_stopping(ctx->run))
        t->interrupted = true;
    cv_pool_destroy(pool);
    for (size_t i = 0; i < submitted; i++)
        cv_future_release(to_do[i]);
    free(to_do);
    return submitted == n ? rc : (rc != CV_OK ? rc : CV_ENOMEM);
}

/* ---- async: tasks on the event loop ---- */

typedef struct aio aio;

/* A download task's frame (download_one in flags2_asyncio). */
typedef struct dl_frame {
    aio *a;
    cv_flags__job *job;
    cv_task *task;
    cv_fetch_op op;
    bool holding;  /* it holds a semaphore permit */
} dl_frame;

/* The supervisor's frame, and what the download tasks share. */
struct aio {
    const cv_flags__ctx *ctx;
    cv_flags__tally *t;
    size_t n;
    cv_loop *loop;
    cv_fetch_multi *client;
    cv_loop_sem *sem;
    dl_frame *frames;
    cv_task **to_do;           /* the download tasks that could be created */
    size_t nto_do;
    cv_aio_as_completed *done; /* as_completed(to_do) */
    cv_timer watch;            /* looks for a stop request */
    bool cancelling;
};

static int download_task(cv_task *t, void *arg)
{
    dl_frame *s = arg;
    CV_CORO_BEGIN(t);
    CV_AWAIT_SEM(t, s->a->sem); /* async with semaphore: */
    s->holding = true;
    {
        char url[600];
        flag_url(s->a->ctx, s->job->cc, url, sizeof url);
        cv_fetch_init(&s->op.fetch, url, s->a->ctx->timeout);
        s->op.fetch.abort_fn = run_stopping;
        s->op.fetch.abort_ctx = s->a->ctx->run;
    }
    if (cv_fetch_op_start(s->a->client, &s->op) == CV_OK)
        CV_AWAIT_FETCH(t, &s->op); /* image = await get_flag(...) */
    cv_loop_sem_release(s->a->sem);
    s->holding = false;
    settle(s->job, &s->op.fetch);
    {
        cv_result r;
        job_result(s->job, &r);
        if (r.error)
            CV_FAIL(t, r.error, "%s", r.message);
        CV_RETURN_TEXT(t, r.value, r.text);
    }
    CV_CORO_FINALLY(t);
    if (s->holding)
        cv_loop_sem_release(s->a->sem);
    s->holding = false;
    if (CV_RAISED(t) == CV_ECANCELLED) {
        cv_fetch_op_cancel(&s->op);
        s->job->outcome = CV_FETCH_ERROR;
        snprintf(s->job->error, sizeof s->job->error, "cancelled");
    }
    cv_fetch_free(&s->op.fetch);
    CV_CORO_END(t);
}

/* Every 100 ms: if the run is asked to stop, cancel every download, as a
 * KeyboardInterrupt would end asyncio.run(). */
static void watch_for_stop(void *arg)
{
    aio *a = arg;
    if (!cv_run_stopping(a->ctx->run)) {
        cv_timer_start(&a->watch, 0.1);
        return;
    }
    a->cancelling = true;
    for (size_t i = 0; i < a->nto_do; i++)
        cv_task_cancel(a->to_do[i]);
}

/* to_do_map[task]: the download frame whose task it is. */
static dl_frame *frame_of(aio *a, cv_task *task)
{
    for (size_t i = 0; i < a->n; i++)
        if (a->frames[i].task == task)
            return &a->frames[i];
    return NULL;
}

/* A job whose task could not be created counts as an error. */
static void count_lost(aio *a)
{
    for (size_t i = 0; i < a->n; i++)
        if (a->frames[i].task == NULL)
            count(a->ctx, a->t, a->frames[i].job, a->n);
}

/* supervisor(): for coro in as_completed(to_do): counts each download as
 * it completes.  A download cancelled before it began ends all the same,
 * so as_completed gives every one of them. */
static int supervisor_task(cv_task *t, void *arg)
{
    aio *a = arg;
    CV_CORO_BEGIN(t);
    count_lost(a);
    a->done = cv_aio_as_completed_start(cv_task_loop(t), a->to_do, a->nto_do,
                                         CV_AIO_NO_TIMEOUT);
    if (a->done == NULL)
        CV_FAIL(t, CV_ENOMEM, "out of memory");
    while (cv_aio_as_completed_left(a->done) > 0) {
        CV_AWAIT_NEXT_COMPLETED(t, a->done);
        {
            dl_frame *s = frame_of(a, CV_AS_COMPLETED_TASK(a->done));
            if (a->cancelling || cv_run_stopping(a->ctx->run))
                a->t->interrupted = true;
            else
                count(a->ctx, a->t, s->job, a->n);
        }
    }
    cv_aio_as_completed_close(a->done);
    a->done = NULL;
    {
        char text[64];
        snprintf(text, sizeof text, "%d OK, %d not found, %d errors", a->t->ok,
                 a->t->not_found, a->t->errors);
        CV_RETURN_TEXT(t, a->t->ok, text); /* return counter */
    }
    CV_CORO_END(t);
}

int cv_flags__async(const cv_flags__ctx *ctx, cv_flags__job *jobs, size_t n, int concur,
                    cv_flags__tally *t)
{
    aio a = {.ctx = ctx, .t = t, .n = n};
    int rc = CV_ENOMEM;
    a.loop = cv_loop_create(ctx->run->bus, CV_MAIN_LANE);
    a.client = a.loop ? cv_fetch_multi_create(a.loop) : NULL;
    a.sem = cv_loop_sem_create(concur);
    a.frames = calloc(n, sizeof *a.frames);
    a.to_do = calloc(n > 0 ? n : 1, sizeof *a.to_do);
    cv_task *sup = NULL;
    if (a.loop == NULL || a.client == NULL || a.sem == NULL || a.frames == NULL ||
        a.to_do == NULL)
        goto out;
    cv_timer_init(a.loop, &a.watch, watch_for_stop, &a);
    sup = cv_task_create(a.loop, "supervisor", supervisor_task, &a);
    if (sup == NULL)
        goto out;
    for (size_t i = 0; i < n; i++) {
        dl_frame *s = &a.frames[i];
        s->a = &a;
        s->job = &jobs[i];
        s->task = cv_task_create(a.loop, jobs[i].cc, download_task, s);
        if (s->task == NULL) {
            /* Count it as an error and carry on with the others. */
            jobs[i].outcome = CV_FETCH_ERROR;
            snprintf(jobs[i].error, sizeof jobs[i].error, "out of memory");
        } else {
            a.to_do[a.nto_do++] = s->task;
        }
    }
    cv_timer_start(&a.watch, 0.1);
    rc = cv_loop_run_until_complete(a.loop, sup, NULL);
    cv_timer_stop(&a.watch);
    /* The supervisor closes it; if it never got there (a stop), here,
     * while the loop is still there. */
    cv_aio_as_completed_close(a.done);
out:
    if (sup != NULL)
        cv_task_release(sup);
    for (size_t i = 0; a.frames != NULL && i < n; i++)
        if (a.frames[i].task != NULL)
            cv_task_release(a.frames[i].task);
    cv_fetch_multi_destroy(a.client);
    cv_loop_destroy(a.loop);
    if (a.sem != NULL)
        cv_loop_sem_destroy(a.sem);
    free(a.frames);
    free(a.to_do);
    if (cv_run_stopping(ctx->run))
        t->interrupted = true;
    return rc;
}

