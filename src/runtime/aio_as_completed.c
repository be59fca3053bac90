/*
 * asyncio.as_completed over tasks, the way asyncio's _AsCompletedIterator
 * does it: a done callback on each task puts it on a queue of finished
 * ones, and each await takes the next from that queue, suspending while it
 * is empty.  A task passed twice is watched once (asyncio makes a set of
 * them).  At the timeout the callbacks still owed are taken back, so what
 * ends later is never given, and every further await raises TimeoutError.
 */
#include <stdint.h>
#include <stdlib.h>

#include "aio.h"
#include "task_private.h"

struct cv_aio_as_completed {
    cv_task **tasks; /* each once */
    size_t n;
    cv_task **finished; /* in the order their callbacks ran */
    size_t nfinished, taken;
    cv_task *current; /* what the last await gave */
    bool timed_out;
    cv_waitq q;
    cv_timer timer;
};

static void handle_completion(cv_task *task, void *arg)
{
    cv_aio_as_completed *it = arg;
    it->finished[it->nfinished++] = task;
    cv_waitq_wake_one(&it->q, CV_OK);
}

static void handle_timeout(void *arg)
{
    cv_aio_as_completed *it = arg;
    for (size_t i = 0; i < it->n; i++)
        cv_task__forget_done_callback(it->tasks[i], handle_completion, it);
    it->timed_out = true;
    cv_waitq_wake_one(&it->q, CV_OK);
}

cv_aio_as_completed *cv_aio_as_completed_start(cv_loop *loop, cv_task *const *tasks, size_t n,
                                               double timeout)
{
    cv_aio_as_completed *it = calloc(1, sizeof *it);
    if (it == NULL)
        return NULL;
    it->tasks = calloc(n > 0 ? n : 1, sizeof *it->tasks);
    it->finished = calloc(n > 0 ? n : 1, sizeof *it->finished);
    if (it->tasks == NULL || it->finished == NULL) {
        free(it->tasks);
        free(it->finished);
        free(it);
        return NULL;
    }
    it->n = cv_aio__distinct(tasks, n, it->tasks);
    if (it->n == SIZE_MAX) {
        free(it->tasks);
        free(it->finished);
        free(it);
        return NULL;
    }
    cv_waitq_init(&it->q, NULL);
    cv_timer_init(loop, &it->timer, handle_timeout, it);
    for (size_t i = 0; i < it->n; i++) {
        if (cv_task__add_done_callback(it->tasks[i], handle_completion, it, NULL) != CV_OK) {
            it->n = i; /* close() takes back the ones registered */
            cv_aio_as_completed_close(it);
            return NULL;
        }
    }
    /* A past deadline (zero or negative) fires on the next turn, as
     * asyncio's call_later does; only CV_AIO_NO_TIMEOUT (or NaN) is none. */
    if (timeout < CV_AIO_NO_TIMEOUT)
        cv_timer_start(&it->timer, timeout);
    return it;
}

size_t cv_aio_as_completed_left(const cv_aio_as_completed *it)
{
    return it->n - it->taken;
}

int cv_aio__as_completed_next(cv_task *t, cv_aio_as_completed *it)
{
    it->current = NULL;
    if (it->taken < it->nfinished) {
        it->current = it->finished[it->taken++];
        return cv_coro__ready(t, CV_OK);
    }
    if (it->timed_out || it->taken == it->n) {
        cv_coro__ready(t, CV_EFAILED);
        cv_task__set_failure(t, it->timed_out ? CV_ETIMEDOUT : CV_EDONE,
                             it->timed_out ? "TimeoutError" : "StopAsyncIteration");
        return 1;
    }
    cv_coro__waitq(t, &it->q, "as_completed");
    return 0;
}

void cv_aio__as_completed_end(cv_task *t, cv_aio_as_completed *it)
{
    /* Woken by a completion or by the timeout: take what is there now. */
    if (it->current != NULL || cv_coro__status(t) != CV_OK)
        return;
    if (it->taken < it->nfinished) {
        it->current = it->finished[it->taken++];
    } else if (it->timed_out) {
        t->status = CV_EFAILED;
        cv_task__set_failure(t, CV_ETIMEDOUT, "TimeoutError");
    }
}

cv_task *cv_aio__as_completed_task(const cv_aio_as_completed *it)
{
    return it->current;
}

void cv_aio_as_completed_close(cv_aio_as_completed *it)
{
    if (it == NULL)
        return;
    cv_timer_stop(&it->timer);
    for (size_t i = 0; i < it->n; i++)
        cv_task__forget_done_callback(it->tasks[i], handle_completion, it);
    free(it->tasks);
    free(it->finished);
    free(it);
}
