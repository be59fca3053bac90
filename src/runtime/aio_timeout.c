/*
 * asyncio.timeout() and wait_for(), as asyncio builds them since 3.11: a
 * deadline does not interrupt anything by itself, it cancels the task, and
 * the CancelledError that this raises at the task's await is turned into
 * TimeoutError where the scope ends.  To tell its own cancel from one that
 * came from outside, the scope counts: it notes Task.cancelling() on entry
 * and takes its cancel back (uncancel) on exit, and converts only if no
 * other request is left over, so that an outer cancel stays a
 * CancelledError.  wait_for is a scope around awaiting a task: the cancel
 * reaches the awaited task through the await, and the caller resumes when
 * that task has ended, as asyncio's wait_for waits for the cancelled inner
 * future.
 */
#include <stdio.h>

#include "aio.h"
#include "task_private.h"

static void on_timeout(void *arg)
{
    cv_aio_timeout *to = arg;
    to->expired = true;
    cv_task_cancel(to->task_);
}

void cv_aio__timeout_enter(cv_task *t, cv_aio_timeout *to, double seconds, cv_task *inner)
{
    to->expired = false;
    to->task_ = t;
    to->inner_ = NULL;
    to->cancels_ = cv_task_cancelling(t);
    to->catch_ = t->catching; /* CV_TRY_AWAIT around the whole scope */
    cv_timer_init(cv_task_loop(t), &to->timer_, on_timeout, to);
    cv_handle_init(cv_task_loop(t), &to->soon_, on_timeout, to);
    if (seconds == CV_AIO_NO_TIMEOUT || isnan(seconds))
        return;
    if (inner != NULL && seconds <= 0) {
        /* wait_for(aw, 0) or a deadline gone by: no turn for it; cancel it
         * now and wait. */
        if (!cv_task_done(inner) && cv_task_cancel(inner)) {
            to->expired = true;
            to->inner_ = inner;
        }
        return;
    }
    if (seconds <= 0)
        cv_handle_schedule(&to->soon_); /* a deadline now or past: call_soon, as asyncio does */
    else
        cv_timer_start(&to->timer_, seconds);
}

bool cv_aio__timeout_exit(cv_task *t, cv_aio_timeout *to)
{
    cv_timer_stop(&to->timer_);
    cv_handle_cancel(&to->soon_);
    int status = cv_coro__status(t);
    bool timeout = false;
    if (to->expired && to->inner_ != NULL) {
        /* We cancelled the inner task, not ourselves. */
        timeout = status == CV_ECANCELLED && cv_task_cancelling(t) <= to->cancels_;
    } else if (to->expired) {
        timeout = cv_task_uncancel(t) <= to->cancels_ && status == CV_ECANCELLED;
    }
    if (timeout && to->catch_) {
        /* Caught: the await's outcome becomes TimeoutError. */
        t->status = CV_EFAILED;
        cv_result_fail(&t->result, CV_ETIMEDOUT, "TimeoutError");
        return false;
    }
    if (timeout) {
        cv_coro__fail(t, CV_ETIMEDOUT, "TimeoutError");
        return true;
    }
    if (status == CV_OK || to->catch_)
        return false;
    cv_coro__reraise(t);
    return true;
}

int cv_aio_caught_error(const cv_task *t)
{
    return t->status == CV_OK || t->status == CV_ECANCELLED ? 0 : t->result.error;
}
