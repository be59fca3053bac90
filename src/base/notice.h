/*
 * A notice: a flag that one thread sets once and others wait for, with or
 * without a timeout, like Python's threading.Event without clear().  It is
 * what a stop request, a server's shutdown and the spinner's `done` are.
 * The flag is also an atomic, so a thread that only polls it ("am I asked
 * to stop?") reads it without taking the lock.
 */
#ifndef CV_NOTICE_H
#define CV_NOTICE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

typedef struct cv_notice {
    pthread_mutex_t mu_;
    pthread_cond_t cond_; /* on CLOCK_MONOTONIC */
    atomic_bool set_;     /* written under mu_ */
} cv_notice;

void cv_notice_init(cv_notice *n);
void cv_notice_destroy(cv_notice *n);
/* Sets the flag and wakes every waiter (any thread; again is harmless). */
void cv_notice_set(cv_notice *n);
/* The flag, without waiting or locking. */
bool cv_notice_is_set(cv_notice *n);
/* Waits until the flag is set or `seconds` (<= 0: no wait) have passed;
 * returns the flag. */
bool cv_notice_wait_for(cv_notice *n, double seconds);

#endif
