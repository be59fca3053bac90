/*
 * The task record and the few internal calls that the task files share.
 * Tasks are one concept split over several files so that each reads in one
 * sitting: task.c has the lifecycle, scheduling and the coroutine
 * machinery, task_waitq.c the wait queues, and task_future.c the bridge to
 * futures completed by other threads.  They all need the same record,
 * because a task awaits one thing at a time and one set of fields describes
 * that wait, so the record is defined here instead of in task.h: nothing
 * outside the task files may include this header.  task_callbacks.c holds
 * the done callbacks; asyncio's combinators built on them (aio_*.c, see
 * aio.h) count as task files too, since gather is a task with its own
 * cancel and its frame on the heap, and the awaits set a caught outcome.
 *
 * Names cv_task__* are internal but cross-file, in the style of
 * libuv's uv__*; everything else internal stays static in its file.
 */
#ifndef CV_TASK_PRIVATE_H
#define CV_TASK_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include "future.h"
#include "loop.h"
#include "task.h"

/* Where a task is in its life (t->run), and what it awaits (t->wait). */
enum cv_task__run { CV_TASK__R_READY, CV_TASK__R_RUNNING, CV_TASK__R_SUSPENDED, CV_TASK__R_DONE };
enum cv_task__wait {
    CV_TASK__W_NONE,
    CV_TASK__W_SLEEP,
    CV_TASK__W_YIELD,
    CV_TASK__W_IO,
    CV_TASK__W_QUEUE,
    CV_TASK__W_FUTURE,
};

struct cv_task__fwait; /* task_future.c */

/* A coroutine awaited inline (CV_AWAIT_CORO) runs in its caller's task, on
 * top of the caller's frame: the caller's coroutine state is saved here
 * while the callee runs, and restored when the callee ends.  Python's
 * coroutine stacks are rarely deep; the book's programs go two deep. */
#define CV_TASK__MAX_DEPTH 16
struct cv_task__frame {
    cv_task_fn fn;
    void *state;
    int pc;
    bool in_finally;
    bool catching;
    int exc;
    const char *callee; /* the name of the coroutine this frame awaits */
};

struct cv_task {
    cv_loop *loop;
    uint64_t id;
    char *label;
    int refs;
    cv_task_fn fn;
    void *state;

    cv_handle step; /* on the ready queue while scheduled */
    int run;        /* enum cv_task__run */
    int final;      /* CV_TASK_DONE, _FAILED or _CANCELLED once done */

    /* The coroutine running now (the innermost one awaited inline), and
     * the frames of the coroutines that await it, outermost first. */
    int pc;
    bool in_finally;
    bool catching;         /* the next await's exception is caught */
    bool cancel_requested; /* cancel at the next resume or suspension */
    bool cancelling;       /* inside cv_task_cancel (breaks await cycles) */
    int exc;               /* being raised: 0, CV_ECANCELLED, CV_EFAILED */
    cv_result result;
    struct cv_task__frame frames[CV_TASK__MAX_DEPTH];
    int depth;             /* frames in use */
    cv_result awaited_result; /* what the last inline coroutine returned */

    /* The current (or last) await. */
    int wait;               /* enum cv_task__wait */
    int status;             /* the outcome it resumes with */
    int fail_code;          /* a failing status's error and words, when */
    char fail_msg[128];     /* not from an awaited task (fail_code != 0) */
    char what[64];          /* what it awaits, for the SUSPENDED event */
    uint64_t what_id;       /* the task or future it awaits, or 0 */
    cv_timer timer;
    cv_io io;
    int io_revents;
    cv_waitq *waitq;
    cv_task *awaited; /* retained while awaited */
    struct cv_task__fwait *fwait;
    cv_list q_node; /* on waitq's list while CV_TASK__W_QUEUE */

    cv_waitq done_waiters; /* tasks awaiting this one */
    cv_list live_node; /* on the loop's live tasks until done */

    /* Done callbacks not yet scheduled, in registration order
     * (task_callbacks.c); once the task is done they move to the loop. */
    cv_list done_cbs;
    int cancels; /* cancel requests not taken back (Task.cancelling()) */
    /* A task that stands for a combinator (gather) handles its own
     * cancellation: cv_task_cancel() calls this instead. */
    bool (*on_cancel)(cv_task *t);
    /* Frees `owned_state` with the task: the combinators' own tasks keep
     * their frame on the heap and have nobody else to free it. */
    void (*free_state)(void *state);
    void *owned_state;
};

/* task.c */

/* A suspended task becomes ready, to resume with `status`. */
void cv_task__wake(cv_task *t, int status);
/* Starts a wait of `kind` (enum cv_task__wait) with a clean outcome. */
void cv_task__begin_wait(cv_task *t, int kind);
/* A failing await's error and words, when no awaited task supplies them. */
void cv_task__set_failure(cv_task *t, int code, const char *msg);

/* task_waitq.c */

void cv_task__waitq_push(cv_waitq *q, cv_task *t);
void cv_task__waitq_unlink(cv_task *t);

/* task_callbacks.c */

/* The task is done: its done callbacks go on the ready queue, in order. */
void cv_task__schedule_callbacks(cv_task *t);
/* A live task torn down with its loop: its callbacks are dropped. */
void cv_task__drop_callbacks(cv_task *t);
/* At loop teardown: drops the callbacks scheduled but not yet run. */
void cv_task__callbacks_teardown(cv_loop *loop);
/* add_done_callback for the combinators: drop(arg), if not NULL, is called
 * once the record goes, run or not, so that what arg holds is let go. */
int cv_task__add_done_callback(cv_task *t, cv_task_done_fn fn, void *arg,
                               void (*drop)(void *arg));
/* Takes back every registration of fn with arg, also those already
 * scheduled (unlike the public remove): for a combinator whose arg is
 * about to go away. */
void cv_task__forget_done_callback(cv_task *t, cv_task_done_fn fn, void *arg);

/* task_future.c */

/* Undoes a CV_TASK__W_FUTURE wait of a suspended task (cancel or teardown). */
void cv_task__future_detach(cv_task *t);
/* At loop teardown, after every live task has ended: settles the future
 * waits whose callbacks other threads still owe. */
void cv_task__future_teardown(cv_loop *loop);

#endif
