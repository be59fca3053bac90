/*
 * What the loop keeps for tasks (task.c and task_future.c), private to the
 * loop's files.  The loop itself knows nothing about tasks: a live task
 * holds a cv_loop_ref(), and this record lets task.c find the live tasks
 * again when the loop is destroyed, and name the task that creates another.  Future
 * waits (task_future.c) are listed here because their completions come
 * from other threads and may still be owed when the loop goes away.
 */
#ifndef CV_LOOP_PRIVATE_H
#define CV_LOOP_PRIVATE_H

#include "loop.h"

struct cv_task;

typedef struct cv_loop_tasks {
    cv_list live;            /* every task not yet done, newest first */
    struct cv_task *current; /* the task whose step is running, or NULL */
    cv_list fwaits;          /* future waits whose callback is owed
                                (task_future.c), newest first */
    cv_list done_cbs;        /* done callbacks of finished tasks on the
                                ready queue (task_callbacks.c); task.c
                                initialises it with the loop's first task */
    /* Set by task.c; called first thing in cv_loop_destroy(). */
    void (*teardown)(cv_loop *loop);
} cv_loop_tasks;

cv_loop_tasks *cv_loop__tasks(cv_loop *loop);
/* Moves what other threads posted onto the ready queue (loop thread). */
void cv_loop__take_inbox(cv_loop *loop);
/* cv_loop_run() with a goal: once goal(arg) is true at the start of a
 * turn, that turn is the last, which is how asyncio's run_until_complete
 * ends (the future's done callback calls stop() on the turn after the one
 * in which it finished).  A goal already met runs one turn. */
int cv_loop__run(cv_loop *loop, bool (*goal)(void *arg), void *arg);
/* While held, a run that returns does not show IDLE; releasing the hold
 * shows it, once, if the loop is not running.  asyncio.run's several runs
 * (main, then the leftovers) read as one. */
void cv_loop__hold_idle(cv_loop *loop, bool hold);

#endif
