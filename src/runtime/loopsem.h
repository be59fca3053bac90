/*
 * A counting semaphore for tasks, as asyncio.Semaphore (3.12+): acquiring
 * is an await, and a release hands the permit straight to the longest
 * waiting task (FIFO), so a newcomer cannot overtake the queue, nor can the
 * releasing task itself by acquiring again before the woken one resumes.
 * flags2_asyncio uses one to keep at most N downloads in flight.
 */
#ifndef CV_LOOPSEM_H
#define CV_LOOPSEM_H

#include <stdbool.h>

#include "coro.h"

typedef struct cv_loop_sem cv_loop_sem;

/* A semaphore with `value` permits (>= 0); NULL without memory.  Destroy
 * it only when no task waits on it. */
cv_loop_sem *cv_loop_sem_create(int value);
void cv_loop_sem_destroy(cv_loop_sem *sem);

/* async with sem: / await sem.acquire().  Suspends (text "semaphore") only
 * when no permit is free or others already wait.  A task cancelled while
 * waiting gets no permit; one cancelled after it was handed a permit but
 * before it resumed passes the permit on. */
#define CV_AWAIT_SEM(t, sem)                            \
    do {                                                \
        CV__AWAIT(t, cv_loop_sem__acquire(t, sem));     \
        cv_loop_sem__claim(t, sem);                     \
    } while (0)
/* Gives a permit back: to the first waiter, or to the count. */
void cv_loop_sem_release(cv_loop_sem *sem);
/* Free permits now (a permit handed to a woken waiter is not free). */
int cv_loop_sem_value(const cv_loop_sem *sem);
/* True if an acquire now would wait: no free permit, or tasks ahead in
 * line (waiting, or woken and not yet resumed), as asyncio's locked(). */
bool cv_loop_sem_locked(const cv_loop_sem *sem);

/* The machinery behind CV_AWAIT_SEM: starting the acquire, and taking the
 * permit when the task resumes with it. */
int cv_loop_sem__acquire(cv_task *t, cv_loop_sem *sem);
void cv_loop_sem__claim(cv_task *t, cv_loop_sem *sem);

#endif
