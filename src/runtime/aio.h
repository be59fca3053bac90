/*
 * asyncio's combinators over tasks: gather, wait, as_completed, wait_for
 * and the timeout scope, to_thread.  Each is built on the task done
 * callbacks (task.h) and the await notation (coro.h), one file each:
 * aio_gather.c, aio_wait.c, aio_as_completed.c, aio_timeout.c,
 * aio_to_thread.c.
 *
 * Python awaits futures and coroutines alike; here the things awaited are
 * tasks (create them with cv_task_create, as asyncio wraps coroutines in
 * tasks).  The caller keeps ownership of the tasks it passes in.  Two
 * shapes of awaitable appear:
 *
 *   - gather returns a task of its own, because in asyncio it is a future
 *     that others may await, cancel and query after it ended; await it
 *     with CV_AWAIT_TASK.
 *   - wait, as_completed, the timeout scope and to_thread are coroutines in
 *     asyncio: here an await macro with a small struct the caller keeps in
 *     its frame (the coroutine's locals), which holds what comes back.
 *
 * TimeoutError is a failure with error CV_ETIMEDOUT and the message
 * "TimeoutError"; catch it with CV_TRY_AWAIT as any other.
 *
 * A timeout is in seconds; CV_AIO_NO_TIMEOUT is asyncio's None.  For all
 * of them (wait, as_completed, the timeout scope and wait_for), zero or a
 * negative timeout is a deadline that has passed already, as in asyncio (timeout(-11) expires at once),
 * so that a deadline computed as "end - now" that has gone by cuts the
 * await short instead of silently waiting for ever.
 */
#ifndef CV_AIO_H
#define CV_AIO_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>

#include "coro.h"
#include "pool.h"

/* asyncio's timeout=None: no deadline (a deadline at infinity). */
#define CV_AIO_NO_TIMEOUT ((double)INFINITY)

/* ---- gather (aio_gather.c) ---- */

/* asyncio.gather(*tasks, return_exceptions=...): a task, labelled
 * "gather", that ends when every child has ended, with value n and the
 * children's outcomes readable from the children (argument order is the
 * caller's array; a task passed twice counts once).  Without
 * return_exceptions it ends at the first child to fail, failing the same
 * way, and the other children keep running; a child cancelled then makes
 * it end cancelled (asyncio: failed with CancelledError).  Cancelling the
 * gather cancels the children that are not done, and it ends cancelled
 * once they have ended (true if any child could be cancelled).  The
 * gather holds its children until it is freed.  NULL without memory. */
cv_task *cv_aio_gather(cv_loop *loop, cv_task *const *tasks, size_t n, bool return_exceptions);

/* ---- wait (aio_wait.c) ---- */

enum cv_aio_when {
    CV_AIO_ALL_COMPLETED,
    CV_AIO_FIRST_COMPLETED,
    CV_AIO_FIRST_EXCEPTION, /* a failure; a cancelled task is no exception */
};

/* The frame of asyncio.wait(); keep it in the coroutine's state, zeroed
 * before its first wait.  After the await, done[] and pending[] split the
 * tasks (each once, in argument order) until the next wait with it, which
 * frees them, or cv_aio_wait_clear(). */
typedef struct cv_aio_wait {
    cv_task **done, **pending;
    size_t ndone, npending;
    /* private */
    cv_task **tasks_;
    size_t n_;
    size_t left_;
    int when_;
    cv_timer timer_;
    cv_waitq q_;
} cv_aio_wait;

/* done, pending = await asyncio.wait(tasks, timeout=..., return_when=...):
 * suspends at least one turn, until return_when holds or `timeout`
 * seconds pass (CV_AIO_NO_TIMEOUT: none; zero or negative: the next turn); the timeout
 * cancels nothing.  An
 * empty set or an unknown return_when fails with CV_EINVAL, as asyncio
 * raises ValueError. */
#define CV_AWAIT_WAIT(t, w, tasks, n, timeout, return_when)                        \
    do {                                                                           \
        if (cv_aio__wait_begin(t, w, tasks, n, timeout, return_when) == 0) {       \
            *cv_coro__pc(t) = __LINE__;                                            \
            return CV_CORO_SUSPENDED;                                              \
        case __LINE__:;                                                            \
        }                                                                          \
        cv_aio__wait_end(t, w);                                                    \
        if (cv_coro__resumed(t))                                                   \
            return CV_CORO_AGAIN;                                                  \
    } while (0)
void cv_aio_wait_clear(cv_aio_wait *w);

/* ---- as_completed (aio_as_completed.c) ---- */

typedef struct cv_aio_as_completed cv_aio_as_completed;

/* for aw in asyncio.as_completed(tasks, timeout=...): each task once (a
 * task passed twice counts once), in the order they end; those already
 * done come first, in argument order.  After `timeout` seconds
 * (CV_AIO_NO_TIMEOUT: none; zero or negative: at once) every further await raises
 * TimeoutError; the tasks go on.  Close
 * the iterator before the loop is destroyed.  NULL without memory. */
cv_aio_as_completed *cv_aio_as_completed_start(cv_loop *loop, cv_task *const *tasks, size_t n,
                                               double timeout);
/* How many tasks it has still to give (the loop's condition). */
size_t cv_aio_as_completed_left(const cv_aio_as_completed *it);
/* task = await next(it): CV_AS_COMPLETED_TASK(it) afterwards. */
#define CV_AWAIT_NEXT_COMPLETED(t, it)                                             \
    do {                                                                           \
        if (cv_aio__as_completed_next(t, it) == 0) {                               \
            *cv_coro__pc(t) = __LINE__;                                            \
            return CV_CORO_SUSPENDED;                                              \
        case __LINE__:;                                                            \
        }                                                                          \
        cv_aio__as_completed_end(t, it);                                           \
        if (cv_coro__resumed(t))                                                   \
            return CV_CORO_AGAIN;                                                  \
    } while (0)
#define CV_AS_COMPLETED_TASK(it) cv_aio__as_completed_task(it)
void cv_aio_as_completed_close(cv_aio_as_completed *it);

/* ---- timeouts (aio_timeout.c) ---- */

/* The frame of one timeout scope or wait_for; keep it in the state. */
typedef struct cv_aio_timeout {
    bool expired; /* the deadline passed inside the scope */
    /* private */
    cv_task *task_;
    cv_task *inner_;
    int cancels_;
    bool catch_;
    cv_timer timer_;
    cv_handle soon_; /* a deadline of 0: the cancel comes before any wake-up */
} cv_aio_timeout;

/* async with asyncio.timeout(seconds): <await_stmt>.  At the deadline the
 * task is cancelled, so the await raises CancelledError inside; on leaving
 * the scope that becomes TimeoutError.  A cancel from outside stays a
 * CancelledError (the cancel requests are counted, as Task.cancelling()
 * does).  CV_AIO_NO_TIMEOUT: no deadline; zero or negative: the deadline
 * has passed, so the await is cancelled before it resumes (a sleep(0)
 * inside still raises TimeoutError).  One await: wrap a coroutine's
 * body with CV_AWAIT_CORO to put several under one deadline.  Wrapped in
 * CV_TRY_AWAIT, the TimeoutError (or what else the await raised) is
 * caught: CV_AWAIT_STATUS is CV_EFAILED and cv_aio_caught_error() says
 * CV_ETIMEDOUT. */
#define CV_AWAIT_WITH_TIMEOUT(t, to, seconds, await_stmt)                         \
    do {                                                                           \
        cv_aio__timeout_enter(t, to, seconds, NULL);                               \
        CV_TRY_AWAIT(t, await_stmt);                                               \
        if (cv_aio__timeout_exit(t, to))                                           \
            return CV_CORO_AGAIN;                                                  \
    } while (0)

/* await asyncio.wait_for(task, seconds): awaits `task`; at the deadline
 * the task is cancelled and awaited until it has ended, and then this
 * raises TimeoutError (unless the task swallowed the cancellation and
 * returned).  seconds <= 0 cancels the task at once if it is not done
 * (it does not get a turn); CV_AIO_NO_TIMEOUT waits as long as it takes. */
#define CV_AWAIT_WAIT_FOR(t, to, task, seconds)                                    \
    do {                                                                           \
        cv_aio__timeout_enter(t, to, seconds, task);                               \
        CV_TRY_AWAIT(t, CV_AWAIT_TASK(t, task));                                   \
        if (cv_aio__timeout_exit(t, to))                                           \
            return CV_CORO_AGAIN;                                                  \
    } while (0)

/* ---- to_thread (aio_to_thread.c) ---- */

/* The frame of one to_thread call; afterwards `result` holds what fn
 * gave (when it ran). */
typedef struct cv_aio_thread_call {
    cv_result result;
    cv_future *f_; /* private */
} cv_aio_thread_call;

/* await asyncio.to_thread(fn, arg): runs fn(arg, &result) on `pool` and
 * resumes with its outcome: call->result.value, or its failure raised.
 * Cancelling the task cancels the call only if it has not started (a
 * thread cannot be stopped); the task ends cancelled at once either way.
 * asyncio uses the loop's default executor; concviz's loop has none, so
 * the pool is named (create it with an explicit worker count). */
#define CV_AWAIT_TO_THREAD(t, call, pool, label, fn, arg)                          \
    do {                                                                           \
        if (cv_aio__to_thread_begin(t, call, pool, label, fn, arg) == 0) {         \
            *cv_coro__pc(t) = __LINE__;                                            \
            return CV_CORO_SUSPENDED;                                              \
        case __LINE__:;                                                            \
        }                                                                          \
        cv_aio__to_thread_end(t, call);                                            \
        if (cv_coro__resumed(t))                                                   \
            return CV_CORO_AGAIN;                                                  \
    } while (0)

/* The error of the failure the last await raised and the caller caught
 * (CV_TRY_AWAIT): CV_ETIMEDOUT for a TimeoutError; 0 if it did not fail. */
int cv_aio_caught_error(const cv_task *t);

/* The machinery behind the macros. */
/* Copies tasks[0..n) into out without repeats, keeping first places, as
 * asyncio's set(fs); how many are left, or SIZE_MAX without memory. */
size_t cv_aio__distinct(cv_task *const *tasks, size_t n, cv_task **out);
int cv_aio__wait_begin(cv_task *t, cv_aio_wait *w, cv_task *const *tasks, size_t n,
                       double timeout, int return_when);
void cv_aio__wait_end(cv_task *t, cv_aio_wait *w);
int cv_aio__as_completed_next(cv_task *t, cv_aio_as_completed *it);
void cv_aio__as_completed_end(cv_task *t, cv_aio_as_completed *it);
cv_task *cv_aio__as_completed_task(const cv_aio_as_completed *it);
void cv_aio__timeout_enter(cv_task *t, cv_aio_timeout *to, double seconds, cv_task *inner);
bool cv_aio__timeout_exit(cv_task *t, cv_aio_timeout *to);
int cv_aio__to_thread_begin(cv_task *t, cv_aio_thread_call *call, cv_pool *pool,
                            const char *label, cv_fn fn, void *arg);
void cv_aio__to_thread_end(cv_task *t, cv_aio_thread_call *call);

#endif
