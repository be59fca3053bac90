/*
 * Tasks: stackless coroutines driven by the event loop, with the semantics
 * of asyncio.Task.  A coroutine is a step function plus a state struct; the
 * loop calls the step, which runs until its next await and returns, and the
 * struct keeps what Python keeps in the coroutine's frame.  coro.h gives
 * the await notation that step functions are written in.
 *
 *     created (= scheduled) -> running -> suspended -> scheduled -> ...
 *                                      -> done | failed | cancelled
 *
 * Ownership: cv_task_create() returns a reference the caller owns and must
 * give back with cv_task_release() (at once, for fire and forget); the loop
 * holds its own reference until the task is done.  State passed to
 * cv_task_create() stays the caller's.  Tasks belong to their loop's thread: call these functions from
 * a task or callback on that loop (or before the loop runs); other threads
 * go through cv_loop_call_soon_threadsafe().
 *
 * Events (CV_EV_TASK; id = the task's id, lane = the loop's lane):
 *   CREATED    text = label; ref = id of the task that created it, or 0
 *   RUNNING    resumed on the loop thread
 *   SUSPENDED  text = what it awaits ("sleep 0.1s", "task slow", "I/O fd 7",
 *              "semaphore", "future save"); ref = id of the awaited task or
 *              future (they share the bus's id space), else 0
 *   SCHEDULED  ready again (timer, I/O, wake-up, cancel)
 *   DONE       ref = the value; text = the result's text, if any
 *   FAILED     code = the error; text = the message
 *   CANCELLED
 */
#ifndef CV_TASK_H
#define CV_TASK_H

#include <stdbool.h>
#include <stdint.h>

#include "future.h"
#include "loop.h"

typedef struct cv_task cv_task;

/* One step of a coroutine: write it with coro.h's macros, which return
 * the CV_CORO_* codes below. */
typedef int (*cv_task_fn)(cv_task *task, void *state);

enum {
    CV_CORO_ENDED = 0,     /* the coroutine reached CV_CORO_END */
    CV_CORO_SUSPENDED = 1, /* it awaits something */
    CV_CORO_AGAIN = 2,     /* call the step again (return, raise, finally) */
};

/* Creates a task and schedules it (asyncio.create_task): it first runs on
 * a later turn of the loop.  label is copied.  NULL without memory. */
cv_task *cv_task_create(cv_loop *loop, const char *label, cv_task_fn step, void *state);
void cv_task_retain(cv_task *task);
void cv_task_release(cv_task *task);

/* Requests cancellation (counted: cv_task_cancelling).  False if the task
 * is already done.  A task suspended at an await is scheduled and resumes
 * there with CV_ECANCELLED; a task that never ran ends cancelled without
 * running; a running task is cancelled at its next await.  A gather
 * (aio.h) cancels its children instead. */
bool cv_task_cancel(cv_task *task);

/* Task.cancelling(): how many cancel requests the task has had and not
 * taken back; cv_task_uncancel() takes one back and returns what is left
 * (a timeout scope does, when the cancel was its own). */
int cv_task_cancelling(const cv_task *task);
int cv_task_uncancel(cv_task *task);

/* Task.add_done_callback(fn): fn(task, arg) runs on the loop once the
 * task is done, through the ready queue (a later turn, never inside the
 * call that ended the task), in registration order, after the tasks that
 * await it have been woken.  Added to a task already done, it is scheduled
 * at once.  CV_OK or CV_ENOMEM.  Task.remove_done_callback(fn): takes back
 * every registration of fn with this arg that has not been scheduled yet
 * and returns how many; once the task is done its callbacks are on their
 * way and 0 is returned, as in asyncio.  A loop destroyed before it ran
 * them drops them. */
typedef void (*cv_task_done_fn)(cv_task *task, void *arg);
int cv_task_add_done_callback(cv_task *task, cv_task_done_fn fn, void *arg);
int cv_task_remove_done_callback(cv_task *task, cv_task_done_fn fn, void *arg);

bool cv_task_done(const cv_task *task);
bool cv_task_cancelled(const cv_task *task);
/* CV_OK with *out filled (out may be NULL), CV_EFAILED with out->error and
 * out->message, CV_ECANCELLED, or CV_EINVAL if the task is not done. */
int cv_task_result(const cv_task *task, cv_result *out);
uint64_t cv_task_id(const cv_task *task);
cv_loop *cv_task_loop(const cv_task *task);

/* Runs the loop until `task` is done (asyncio's run_until_complete: the
 * loop stops after one more turn, the one where asyncio runs the done
 * callback) and returns its outcome as cv_task_result() does: CV_EINVAL if
 * the loop stopped or ran out of work first, is already running, or is not
 * the task's loop. */
int cv_loop_run_until_complete(cv_loop *loop, cv_task *task, cv_result *out);

/* asyncio.run(main()): creates the task `label` running main(state), runs
 * the loop until it is done, then cancels every task still alive and runs
 * the loop until they have all ended (their finally blocks run).  Returns
 * main's outcome as cv_loop_run_until_complete() does; CV_EINVAL if the
 * loop was stopped (cv_loop_stop) before main was done, in which case the
 * leftovers, main among them, have still been cancelled and run, unless
 * a second stop cut that short too.  CV_ENOMEM without memory. */
int cv_loop_run_main(cv_loop *loop, const char *label, cv_task_fn main, void *state,
                     cv_result *out);

/*
 * Wait queues: tasks suspended until someone wakes them, the building block
 * for awaitables outside this file (the semaphore, a libcurl transfer's
 * completion).  A task waits on a queue with CV_AWAIT_QUEUE (coro.h).
 */
typedef struct cv_waitq cv_waitq;
struct cv_waitq {
    cv_list tasks_; /* the waiting tasks, longest waiting first */
    /* Called when a task woken from this queue with CV_OK is cancelled
     * before it could resume: what it was given (a semaphore's permit)
     * must go to someone else.  May be NULL. */
    void (*unclaimed_)(cv_waitq *q);
};

void cv_waitq_init(cv_waitq *q, void (*unclaimed)(cv_waitq *q));
bool cv_waitq_empty(const cv_waitq *q);
/* Wakes the longest waiting task, which resumes with `status` (CV_OK or a
 * negative code it will raise).  False if nobody waits. */
bool cv_waitq_wake_one(cv_waitq *q, int status);
/* Wakes every waiting task, in order; returns how many. */
int cv_waitq_wake_all(cv_waitq *q, int status);

#endif
