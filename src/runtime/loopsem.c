/*
 * The semaphore is a count, a wait queue and the number of permits handed
 * out but not yet claimed, after asyncio.Semaphore (3.12+).  A release
 * while tasks wait gives the permit to the first waiter at once, but the
 * waiter only holds it once it resumes; until then the semaphore counts as
 * locked for everyone else, so a task that releases and re-acquires in one
 * step queues behind the waiter it woke instead of overtaking it (asyncio
 * keeps the woken waiter's future in _waiters until it resumes, and
 * locked() looks at them).  When a waiter claims its permit it wakes as many
 * of those queued since as there are free permits, as asyncio's acquire()
 * does in its finally clause.
 *
 * The wait queue's "unclaimed" hook covers a waiter that was handed a
 * permit and cancelled before it resumed: the permit goes back and on.
 */
#include "loopsem.h"

#include <stddef.h>
#include <stdlib.h>

#include "future.h"

struct cv_loop_sem {
    cv_waitq waiters; /* first, so the hook can find the semaphore */
    int value;        /* free permits */
    int handed;       /* permits given to tasks that have not resumed yet */
};

/* Wakes the first waiter with a permit taken from the count. */
static bool wake_next(cv_loop_sem *sem)
{
    if (!cv_waitq_wake_one(&sem->waiters, CV_OK))
        return false;
    sem->value--;
    sem->handed++;
    return true;
}

/* Hands out what is free to those who queued while it was not. */
static void wake_while_free(cv_loop_sem *sem)
{
    while (sem->value > 0 && wake_next(sem))
        ;
}

static void unclaimed(cv_waitq *q)
{
    cv_loop_sem *sem = (cv_loop_sem *)((char *)q - offsetof(cv_loop_sem, waiters));
    sem->handed--;
    sem->value++;
    wake_while_free(sem);
}

cv_loop_sem *cv_loop_sem_create(int value)
{
    if (value < 0)
        return NULL;
    cv_loop_sem *sem = malloc(sizeof *sem);
    if (sem == NULL)
        return NULL;
    cv_waitq_init(&sem->waiters, unclaimed);
    sem->value = value;
    sem->handed = 0;
    return sem;
}

void cv_loop_sem_destroy(cv_loop_sem *sem)
{
    free(sem);
}

bool cv_loop_sem_locked(const cv_loop_sem *sem)
{
    return sem->value == 0 || !cv_waitq_empty(&sem->waiters) || sem->handed > 0;
}

int cv_loop_sem__acquire(cv_task *t, cv_loop_sem *sem)
{
    if (!cv_loop_sem_locked(sem)) {
        /* Taken at once, and claimed right after in the same step. */
        sem->value--;
        sem->handed++;
        return cv_coro__ready(t, CV_OK);
    }
    return cv_coro__waitq(t, &sem->waiters, "semaphore");
}

void cv_loop_sem__claim(cv_task *t, cv_loop_sem *sem)
{
    /* A task cancelled while it waited was handed nothing, and one
     * cancelled after it was handed a permit gave it back through the
     * hook; both resume with CV_ECANCELLED. */
    if (cv_coro__status(t) != CV_OK)
        return;
    sem->handed--;
    wake_while_free(sem);
}

void cv_loop_sem_release(cv_loop_sem *sem)
{
    sem->value++;
    wake_next(sem);
}

int cv_loop_sem_value(const cv_loop_sem *sem)
{
    return sem->value;
}
