/*
 * The await notation: stackless coroutines in the protothreads style, so
 * that a step function reads like the Python it re-creates.
 *
 *     async def slow():                   static int slow(cv_task *t, void *arg)
 *         await asyncio.sleep(3)          {
 *         return 42                           (void)arg;
 *                                             CV_CORO_BEGIN(t);
 *                                             CV_AWAIT_SLEEP(t, 3.0);
 *                                             CV_RETURN(t, 42);
 *                                             CV_CORO_END(t);
 *                                         }
 *
 * How it works: the body is one switch on the task's resume point.  An
 * await starts the wait, stores __LINE__ as the resume point and returns;
 * when the loop calls the step again the switch jumps back to that line.
 * Hence the rules:
 *
 *   - Locals do not survive an await.  Whatever lives across one belongs in
 *     the state struct (the coroutine's frame), as a Python local would.
 *   - At most one await per source line, and no await inside a switch of
 *     your own (its case labels would capture the jump).
 *   - Every step function is CV_CORO_BEGIN ... [CV_CORO_FINALLY ...]
 *     CV_CORO_END, with code only between them.
 *
 * Awaiting another coroutine (`result = await slow()`) is CV_AWAIT_CORO:
 * slow's step function runs inside the caller's task, at once, with its own
 * frame struct; the task's frame stack keeps the caller's resume point.  A
 * new task (cv_task_create + CV_AWAIT_TASK) is only for what Python would
 * also make a task of (create_task, gather).
 *
 * Exceptions: an await whose outcome is not CV_OK (the task was cancelled,
 * the awaited task failed or was cancelled) raises, as in Python: the rest
 * of the body is skipped, the CV_CORO_FINALLY section runs if there is one,
 * and the task ends cancelled or failed (a failure carries the awaited
 * task's error and message).  To catch instead, wrap the await in
 * CV_TRY_AWAIT and look at CV_AWAIT_STATUS / CV_CANCELLED_AT_AWAIT:
 *
 *     CV_TRY_AWAIT(t, CV_AWAIT_SLEEP(t, 0.1));   try: await asyncio.sleep(.1)
 *     if (CV_CANCELLED_AT_AWAIT(t))              except CancelledError:
 *         break;                                     break
 *
 * CV_RETURN, CV_FAIL and a raise inside the finally section end the task
 * at once; the section runs at most once.
 */
#ifndef CV_CORO_H
#define CV_CORO_H

#include "task.h"

#define CV_CORO_PC_FINALLY (-1)
#define CV_CORO_PC_END (-2)
#define CV__FALLTHROUGH __attribute__((fallthrough))

#define CV_CORO_BEGIN(t) switch (*cv_coro__pc(t)) { case 0:

/* Cleanup that runs however the body ends: normally, by CV_RETURN or
 * CV_FAIL, or by an exception raised at an await (try ... finally). */
#define CV_CORO_FINALLY(t)        \
    CV__FALLTHROUGH;              \
    case CV_CORO_PC_FINALLY:      \
        cv_coro__enter_finally(t)

/* Ends the step function.  Since CV_AWAIT_CORO, the coroutine may be an
 * inline callee; the task machinery then resumes its caller. */
#define CV_CORO_END(t) \
    CV__FALLTHROUGH;   \
    default:           \
        break;         \
    }                  \
    return CV_CORO_ENDED

/* The general await: `begin` starts the wait and returns 0 to suspend, or
 * 1 when the outcome is already known. */
#define CV__AWAIT(t, begin)                     \
    do {                                        \
        if ((begin) == 0) {                     \
            *cv_coro__pc(t) = __LINE__;         \
            return CV_CORO_SUSPENDED;           \
        case __LINE__:;                         \
        }                                       \
        if (cv_coro__resumed(t))                \
            return CV_CORO_AGAIN;               \
    } while (0)

/* result = await coro(...): runs the coroutine `fn` with its own frame
 * `state` inside the calling task, as Python runs an awaited coroutine's
 * body in the caller's step.  Nothing is scheduled and nothing yields until
 * fn itself awaits something that suspends, and then the whole task waits
 * on it.  fn is a step function written with these same macros; its
 * CV_RETURN value is CV_AWAITED_VALUE(t) afterwards, and its exception (a
 * failure, or the task's cancellation reaching it) is raised here.  The
 * name shows in what the task awaits ("sleep 3s in slow()"). */
#define CV_AWAIT_CORO(t, fn, state)                        \
    do {                                                   \
        *cv_coro__pc(t) = __LINE__;                        \
        cv_coro__call(t, fn, state, #fn);                  \
        return CV_CORO_AGAIN;                              \
    case __LINE__:;                                        \
        if (cv_coro__resumed(t))                           \
            return CV_CORO_AGAIN;                          \
    } while (0)
#define CV_AWAITED_VALUE(t) (cv_coro__awaited_result(t)->value)
#define CV_AWAITED_RESULT(t) (cv_coro__awaited_result(t))

/* await asyncio.sleep(seconds); zero yields to the other ready tasks. */
#define CV_AWAIT_SLEEP(t, seconds) CV__AWAIT(t, cv_coro__sleep(t, seconds))
#define CV_YIELD(t) CV_AWAIT_SLEEP(t, 0)
/* await other: afterwards cv_task_result(other, &r) holds its result. */
#define CV_AWAIT_TASK(t, other) CV__AWAIT(t, cv_coro__task(t, other))
/* Until fd is ready for events (CV_IO_READ | CV_IO_WRITE); then
 * CV_IO_REVENTS(t) says what it is ready for. */
#define CV_AWAIT_IO(t, fd, events) CV__AWAIT(t, cv_coro__io(t, fd, events))
#define CV_IO_REVENTS(t) cv_coro__io_revents(t)
/* await asyncio.wrap_future(f): a cv_future from the thread pool (as
 * run_in_executor gives).  Fails with the future's error and message;
 * cancelling the task cancels the future if it has not started.  Read the
 * value afterwards with cv_future_result(f, 0, &r). */
#define CV_AWAIT_FUTURE(t, f) CV__AWAIT(t, cv_coro__future(t, f))
/* Until someone calls cv_waitq_wake_*(q); `what` is shown while waiting. */
#define CV_AWAIT_QUEUE(t, q, what) CV__AWAIT(t, cv_coro__waitq(t, q, what))

/* Catch the exception of the one await it wraps. */
#define CV_TRY_AWAIT(t, await_stmt) \
    do {                            \
        cv_coro__catch(t);          \
        await_stmt;                 \
    } while (0)
/* The outcome of the last await: CV_OK, CV_ECANCELLED, CV_EFAILED, ... */
#define CV_AWAIT_STATUS(t) cv_coro__status(t)
#define CV_CANCELLED_AT_AWAIT(t) (cv_coro__status(t) == CV_ECANCELLED)
/* Raise the caught outcome again (a bare `raise` in an except clause). */
#define CV_RERAISE(t)                \
    do {                             \
        cv_coro__reraise(t);         \
        return CV_CORO_AGAIN;        \
    } while (0)
/* In the finally section: the exception being raised (0 if none). */
#define CV_RAISED(t) cv_coro__raised(t)

/* return value; CV_RETURN_TEXT also says how the value reads. */
#define CV_RETURN(t, value)                     \
    do {                                        \
        cv_coro__return(t, value, NULL);        \
        return CV_CORO_AGAIN;                   \
    } while (0)
#define CV_RETURN_TEXT(t, value, text)          \
    do {                                        \
        cv_coro__return(t, value, text);        \
        return CV_CORO_AGAIN;                   \
    } while (0)
/* raise: the task fails with error code and a printf-style message. */
#define CV_FAIL(t, code, ...)                   \
    do {                                        \
        cv_coro__fail(t, code, __VA_ARGS__);    \
        return CV_CORO_AGAIN;                   \
    } while (0)

/* The machinery behind the macros (task.c, task_waitq.c, task_future.c):
 * cv_x__y names, like every internal, because nothing but the macros and
 * the awaitables built on them (loopsem.c, fetch_multi.c) may call them. */
int *cv_coro__pc(cv_task *t);
int cv_coro__sleep(cv_task *t, double seconds);
int cv_coro__task(cv_task *t, cv_task *other);
int cv_coro__io(cv_task *t, int fd, int events);
int cv_coro__future(cv_task *t, cv_future *f);
int cv_coro__waitq(cv_task *t, cv_waitq *q, const char *what);
void cv_coro__call(cv_task *t, cv_task_fn fn, void *state, const char *name);
const cv_result *cv_coro__awaited_result(const cv_task *t);
/* For awaitables that complete at once (a free semaphore): returns 1. */
int cv_coro__ready(cv_task *t, int status);
bool cv_coro__resumed(cv_task *t);
void cv_coro__catch(cv_task *t);
int cv_coro__status(const cv_task *t);
void cv_coro__reraise(cv_task *t);
int cv_coro__raised(const cv_task *t);
int cv_coro__io_revents(const cv_task *t);
void cv_coro__enter_finally(cv_task *t);
void cv_coro__return(cv_task *t, long long value, const char *text);
void cv_coro__fail(cv_task *t, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
