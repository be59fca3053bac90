/*
 * A notice (see notice.h): a mutex, a condition on CLOCK_MONOTONIC and a
 * flag.  The flag is an atomic only for cv_notice_is_set(); waiters read
 * and the setter writes it under the mutex, which is what makes a wake-up
 * impossible to miss.
 */
#include "notice.h"

#include <errno.h>

#include "monocond.h"

void cv_notice_init(cv_notice *n)
{
    atomic_init(&n->set_, false);
    pthread_mutex_init(&n->mu_, NULL);
    cv_clock_cond_init(&n->cond_);
}

void cv_notice_destroy(cv_notice *n)
{
    pthread_mutex_destroy(&n->mu_);
    pthread_cond_destroy(&n->cond_);
}

void cv_notice_set(cv_notice *n)
{
    pthread_mutex_lock(&n->mu_);
    atomic_store(&n->set_, true);
    pthread_cond_broadcast(&n->cond_);
    pthread_mutex_unlock(&n->mu_);
}

bool cv_notice_is_set(cv_notice *n)
{
    return atomic_load(&n->set_);
}

bool cv_notice_wait_for(cv_notice *n, double seconds)
{
    struct timespec deadline = cv_clock_deadline(seconds);
    pthread_mutex_lock(&n->mu_);
    while (!atomic_load(&n->set_))
        if (pthread_cond_timedwait(&n->cond_, &n->mu_, &deadline) == ETIMEDOUT)
            break;
    bool set = atomic_load(&n->set_);
    pthread_mutex_unlock(&n->mu_);
    return set;
}
