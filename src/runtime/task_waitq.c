/*
 * Wait queues: the one primitive that awaitables outside the task files
 * (the semaphore, a libcurl transfer's completion) and a task awaiting
 * another task are built on.  A queue is an intrusive FIFO list threaded
 * through the waiting tasks' own q_prev/q_next fields, so waiting and
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
    q->head_ = q->tail_ = NULL;
    q->unclaimed_ = unclaimed;
}

bool cv_waitq_empty(const cv_waitq *q)
{
    return q->head_ == NULL;
}

void cv_task__waitq_push(cv_waitq *q, cv_task *t)
{
    t->q_next = NULL;
    t->q_prev = q->tail_;
    if (q->tail_ != NULL)
        q->tail_->q_next = t;
    else
        q->head_ = t;
    q->tail_ = t;
}

void cv_task__waitq_unlink(cv_waitq *q, cv_task *t)
{
    if (t->q_prev != NULL)
        t->q_prev->q_next = t->q_next;
    else
        q->head_ = t->q_next;
    if (t->q_next != NULL)
        t->q_next->q_prev = t->q_prev;
    else
        q->tail_ = t->q_prev;
    t->q_prev = t->q_next = NULL;
}

bool cv_waitq_wake_one(cv_waitq *q, int status)
{
    cv_task *t = q->head_;
    if (t == NULL)
        return false;
    cv_task__waitq_unlink(q, t);
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

int cv_coro_waitq_(cv_task *t, cv_waitq *q, const char *what)
{
    cv_task__begin_wait(t, W_QUEUE);
    t->waitq = q;
    cv_task__waitq_push(q, t);
    snprintf(t->what, sizeof t->what, "%s", what != NULL ? what : "queue");
    return 0;
}
