/*
 * Wait queues: the one primitive that awaitables outside the task files
 * (the semaphore, a libcurl transfer's completion) and a task awaiting
 * another task are built on.  A queue is an intrusive FIFO list threaded
 * through the waiting tasks' own q_node fields, so waiting and
 * waking never allocate and a cancelled waiter unlinks itself in constant
 * time.  Waking only records the outcome and schedules the task; what the
 * task was given is the waker's business, which is why the queue carries
 * the "unclaimed" hook for a waiter cancelled before it could resume.
 */
#include <stddef.h>
#include <stdio.h>

#include "coro.h"
#include "task_private.h"

void cv_waitq_init(cv_waitq *q, void (*unclaimed)(cv_waitq *q))
{
    cv_list_init(&q->tasks_);
    q->unclaimed_ = unclaimed;
}

bool cv_waitq_empty(const cv_waitq *q)
{
    return cv_list_empty(&q->tasks_);
}

void cv_task__waitq_push(cv_waitq *q, cv_task *t)
{
    cv_list_insert_tail(&q->tasks_, &t->q_node);
}

void cv_task__waitq_unlink(cv_task *t)
{
    cv_list_remove(&t->q_node);
}

bool cv_waitq_wake_one(cv_waitq *q, int status)
{
    if (cv_list_empty(&q->tasks_))
        return false;
    cv_task *t = cv_list_entry(cv_list_first(&q->tasks_), cv_task, q_node);
    cv_task__waitq_unlink(t);
    cv_task__wake(t, status);
    return true;
}

int cv_waitq_wake_all(cv_waitq *q, int status)
{
    int n = 0;
    while (cv_waitq_wake_one(q, status))
        n++;
    return n;
}

int cv_coro__waitq(cv_task *t, cv_waitq *q, const char *what)
{
    cv_task__begin_wait(t, CV_TASK__W_QUEUE);
    t->waitq = q;
    cv_task__waitq_push(q, t);
    snprintf(t->what, sizeof t->what, "%s", what != NULL ? what : "queue");
    return 0;
}
