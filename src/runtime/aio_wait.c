/*
 * asyncio.wait over tasks, as asyncio's _wait does it: a done callback on
 * each task counts the ones that ended and wakes the waiting task when
 * return_when holds, and a timer wakes it at the timeout.  Since the
 * callbacks come through the ready queue, the waiting task always
 * suspends, even when every task is already done, as in asyncio.  On the
 * way out (however it resumes, cancellation included) the callbacks and
 * the timer are taken back, and the tasks are split by whether they are
 * done then.
 */
#include <stdint.h>
#include <stdlib.h>

#include "aio.h"
#include "distinct.h"
#include "task_private.h"

size_t cv_aio__distinct(cv_task *const *tasks, size_t n, cv_task **out)
{
    uintptr_t *keys = malloc((n ? n : 1) * sizeof *keys);
    if (keys == NULL)
        return SIZE_MAX;
    for (size_t i = 0; i < n; i++)
        keys[i] = (uintptr_t)tasks[i];
    size_t k = cv_distinct(keys, n);
    for (size_t i = 0; i < k && k != SIZE_MAX; i++)
        out[i] = (cv_task *)keys[i];
    free(keys);
    return k;
}

static void on_completion(cv_task *task, void *arg)
{
    cv_aio_wait *w = arg;
    w->left_--;
    if (w->left_ == 0 || w->when_ == CV_AIO_FIRST_COMPLETED ||
        (w->when_ == CV_AIO_FIRST_EXCEPTION && cv_task_result(task, NULL) == CV_EFAILED)) {
        cv_timer_stop(&w->timer_);
        cv_waitq_wake_one(&w->q_, CV_OK);
    }
}

static void timed_out(void *arg)
{
    cv_aio_wait *w = arg;
    cv_waitq_wake_one(&w->q_, CV_OK);
}

static int refuse(cv_task *t, const char *why)
{
    cv_coro__ready(t, CV_EFAILED);
    cv_task__set_failure(t, CV_EINVAL, why);
    return 1;
}

void cv_aio_wait_clear(cv_aio_wait *w)
{
    free(w->done); /* pending shares its block */
    free(w->tasks_);
    w->done = w->pending = w->tasks_ = NULL;
    w->ndone = w->npending = w->n_ = 0;
}

int cv_aio__wait_begin(cv_task *t, cv_aio_wait *w, cv_task *const *tasks, size_t n,
                       double timeout, int return_when)
{
    cv_aio_wait_clear(w); /* what an earlier wait left */
    if (n == 0)
        return refuse(t, "ValueError: Set of Tasks is empty.");
    if (return_when != CV_AIO_ALL_COMPLETED && return_when != CV_AIO_FIRST_COMPLETED &&
        return_when != CV_AIO_FIRST_EXCEPTION)
        return refuse(t, "ValueError: Invalid return_when value");
    w->tasks_ = malloc(n * sizeof *w->tasks_);
    size_t distinct = w->tasks_ != NULL ? cv_aio__distinct(tasks, n, w->tasks_) : SIZE_MAX;
    if (distinct == SIZE_MAX) { /* fs = set(fs) */
        cv_aio_wait_clear(w);
        return cv_coro__ready(t, CV_ENOMEM);
    }
    w->n_ = distinct;
    w->when_ = return_when;
    w->left_ = w->n_;
    cv_waitq_init(&w->q_, NULL);
    cv_timer_init(cv_task_loop(t), &w->timer_, timed_out, w);
    for (size_t i = 0; i < w->n_; i++) {
        if (cv_task__add_done_callback(w->tasks_[i], on_completion, w, NULL) != CV_OK) {
            for (size_t k = 0; k < i; k++)
                cv_task__forget_done_callback(w->tasks_[k], on_completion, w);
            cv_aio_wait_clear(w);
            return cv_coro__ready(t, CV_ENOMEM);
        }
    }
    /* A past deadline (zero or negative) fires on the next turn, as
     * asyncio's call_later does; only CV_AIO_NO_TIMEOUT (or NaN) is none. */
    if (timeout < CV_AIO_NO_TIMEOUT)
        cv_timer_start(&w->timer_, timeout);
    cv_coro__waitq(t, &w->q_, "wait");
    return 0;
}

void cv_aio__wait_end(cv_task *t, cv_aio_wait *w)
{
    (void)t;
    if (w->tasks_ == NULL)
        return; /* refused, or done before */
    cv_timer_stop(&w->timer_);
    for (size_t i = 0; i < w->n_; i++)
        cv_task__forget_done_callback(w->tasks_[i], on_completion, w);
    w->done = malloc(2 * w->n_ * sizeof *w->done);
    if (w->done == NULL)
        return; /* nothing to split into: both sets stay empty */
    w->pending = w->done + w->n_;
    for (size_t i = 0; i < w->n_; i++) {
        if (cv_task_done(w->tasks_[i]))
            w->done[w->ndone++] = w->tasks_[i];
        else
            w->pending[w->npending++] = w->tasks_[i];
    }
}
