/*
 * asyncio.to_thread(fn, arg) as one await: submit the call to a thread
 * pool and await its future through the task/future bridge
 * (task_future.c), as asyncio does with run_in_executor and wrap_future.
 * The future stays in the caller's frame struct between the two halves of
 * the macro, and the result is copied out before it is let go, so that
 * nothing outlives the await.
 */
#include <stdio.h>

#include "aio.h"
#include "task_private.h"

int cv_aio__to_thread_begin(cv_task *t, cv_aio_thread_call *call, cv_pool *pool,
                            const char *label, cv_fn fn, void *arg)
{
    int err = CV_OK;
    call->result = (cv_result){0};
    call->f_ = cv_pool_submit(pool, label, fn, arg, &err);
    if (call->f_ == NULL) {
        cv_coro__ready(t, CV_EFAILED);
        cv_task__set_failure(t, err != CV_OK ? err : CV_ENOMEM,
                             err == CV_ESHUTDOWN ? "RuntimeError: cannot schedule new futures "
                                                   "after shutdown"
                                                 : "out of memory");
        return 1;
    }
    return cv_coro__future(t, call->f_);
}

void cv_aio__to_thread_end(cv_task *t, cv_aio_thread_call *call)
{
    (void)t;
    if (call->f_ == NULL)
        return;
    if (cv_future_done(call->f_))
        cv_future_result(call->f_, 0, &call->result);
    cv_future_release(call->f_);
    call->f_ = NULL;
}
