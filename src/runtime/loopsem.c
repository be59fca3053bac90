/*
 * The semaphore is a count and a wait queue.  A permit released while tasks
 * wait is not added to the count but given to the first waiter directly,
 * which keeps the queue fair and means a woken task never has to check
 * again.  The wait queue's "unclaimed" hook covers the one race this leaves:
 * a task handed a permit and then cancelled before it resumed releases it.
 */
#include "loopsem.h"

#include <stddef.h>
#include <stdlib.h>

#include "future.h"

struct cv_loop_sem {
    cv_waitq waiters; /* first, so the hook can find the semaphore */
    int value;
};

static void unclaimed(cv_waitq *q)
{
    cv_loop_sem_release((cv_loop_sem *)((char *)q - offsetof(cv_loop_sem, waiters)));
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
    return sem;
}

void cv_loop_sem_destroy(cv_loop_sem *sem)
{
    free(sem);
}

static bool sem_locked(const cv_loop_sem *sem)
{
    return sem->value == 0 || !cv_waitq_empty(&sem->waiters);
}

static bool sem_try_acquire(cv_loop_sem *sem)
{
    if (sem_locked(sem))
        return false;
    sem->value--;
    return true;
}

int cv_loop_sem__acquire(cv_task *t, cv_loop_sem *sem)
{
    if (sem_try_acquire(sem))
        return cv_coro__ready(t, CV_OK);
    return cv_coro__waitq(t, &sem->waiters, "semaphore");
}

void cv_loop_sem_release(cv_loop_sem *sem)
{
    if (!cv_waitq_wake_one(&sem->waiters, CV_OK))
        sem->value++;
}

int cv_loop_sem_value(const cv_loop_sem *sem)
{
    return sem->value;
}
