/*
 * The GIL (gil.h), after CPython's Python/ceval_gil.c: take_gil, drop_gil
 * and the eval breaker's drop request.  One mutex guards the state, one
 * condition says "the GIL was dropped" to the waiters, another "someone
 * else took it" to a holder that was forced to switch.  Threads are told
 * apart by the address of a thread-local byte, as CPython tells them
 * apart by their thread state.  The drop request is also an atomic, so
 * that the holder's poll reads it without the mutex.
 */
#include "gil.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>


struct cv_gil {
    pthread_mutex_t mu;
    pthread_cond_t dropped;  /* the GIL was dropped: a waiter may take it */
    pthread_cond_t switched; /* another thread took it (FORCE_SWITCHING) */
    bool locked;
    const void *holder;      /* the thread holding it, or last holding it */
    int holder_lane;
    uint64_t switch_number;  /* times it changed hands */
    uint64_t requests;
    int64_t interval_ns;
    atomic_bool drop_request; /* written under mu, read by the holder's poll */
    cv_bus *bus;
};

static _Thread_local char thread_tag;

static const void *self(void)
{
    return &thread_tag;
}

cv_gil *cv_gil_create(cv_bus *bus)
{
    cv_gil *g = calloc(1, sizeof *g);
    if (g == NULL)
        return NULL;
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->dropped, &attr);
    pthread_cond_init(&g->switched, &attr);
    pthread_condattr_destroy(&attr);
    atomic_init(&g->drop_request, false);
    g->interval_ns = CV_GIL_INTERVAL_NS;
    g->holder_lane = CV_NO_LANE;
    g->bus = bus;
    return g;
}

void cv_gil_destroy(cv_gil *g)
{
    if (g == NULL)
        return;
    pthread_cond_destroy(&g->switched);
    pthread_cond_destroy(&g->dropped);
    pthread_mutex_destroy(&g->mu);
    free(g);
}

void cv_gil_set_interval(cv_gil *g, int64_t interval_ns)
{
    if (g == NULL)
        return;
    pthread_mutex_lock(&g->mu);
    g->interval_ns = interval_ns < 1000 ? 1000 : interval_ns;
    pthread_mutex_unlock(&g->mu);
}

static void publish(cv_gil *g, int state, int code, uint64_t ref)
{
    if (g->bus == NULL)
        return;
    cv_event ev = {.kind = CV_EV_GIL, .state = (uint16_t)state, .code = code, .ref = ref,
                   .lane = (int16_t)cv_bus_lane(g->bus)};
    cv_publish(g->bus, &ev);
}

static struct timespec deadline_after(int64_t ns)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    int64_t total = (int64_t)ts.tv_nsec + ns;
    ts.tv_sec += (time_t)(total / 1000000000);
    ts.tv_nsec = (long)(total % 1000000000);
    return ts;
}

/* take_gil(): the events are published while the mutex is held, so that
 * their order in the log is the order of the GIL's own history. */
void cv_gil_acquire(cv_gil *g)
{
    if (g == NULL)
        return;
    pthread_mutex_lock(&g->mu);
    if (g->locked) {
        publish(g, CV_GIL_WAIT, 0, 0);
        while (g->locked) {
            uint64_t saved = g->switch_number;
            struct timespec until = deadline_after(g->interval_ns);
            int rc = pthread_cond_timedwait(&g->dropped, &g->mu, &until);
            /* A whole interval without a switch: ask the holder to drop
             * it (CPython's SET_GIL_DROP_REQUEST), once per interval. */
            if (rc == ETIMEDOUT && g->locked && g->switch_number == saved &&
                !atomic_load_explicit(&g->drop_request, memory_order_relaxed)) {
                atomic_store_explicit(&g->drop_request, true, memory_order_relaxed);
                g->requests++;
                publish(g, CV_GIL_REQUEST, 0, (uint64_t)(g->holder_lane < 0 ? 0 : g->holder_lane));
            }
        }
    }
    g->locked = true;
    if (g->holder != self()) {
        g->holder = self();
        g->switch_number++;
    }
    g->holder_lane = g->bus != NULL ? cv_bus_lane(g->bus) : CV_NO_LANE;
    /* A holder forced to switch waits for exactly this. */
    pthread_cond_broadcast(&g->switched);
    /* The request was for whoever held it; the new holder owes none. */
    atomic_store_explicit(&g->drop_request, false, memory_order_relaxed);
    publish(g, CV_GIL_TAKE, 0, 0);
    pthread_mutex_unlock(&g->mu);
}

/* drop_gil(); with `forced`, the FORCE_SWITCHING wait: the thread that
 * was asked to drop it does not return (and ask to take it back) before
 * another thread has taken it, or it could win the race for the mutex at
 * once and the waiter would wait another interval. */
static void drop(cv_gil *g, int reason, bool forced)
{
    pthread_mutex_lock(&g->mu);
    publish(g, CV_GIL_DROP, reason, 0);
    g->locked = false;
    pthread_cond_signal(&g->dropped);
    if (forced)
        while (g->holder == self() && atomic_load_explicit(&g->drop_request, memory_order_relaxed))
            pthread_cond_wait(&g->switched, &g->mu);
    pthread_mutex_unlock(&g->mu);
}

void cv_gil_release(cv_gil *g, int reason)
{
    if (g != NULL)
        drop(g, reason, false);
}

static void switch_now(cv_gil *g)
{
    drop(g, CV_GIL_SWITCH, true);
    cv_gil_acquire(g);
}

void cv_gil_poll(cv_gil *g)
{
    if (g != NULL && atomic_load_explicit(&g->drop_request, memory_order_relaxed))
        switch_now(g);
}

uint64_t cv_gil_switches(cv_gil *g)
{
    if (g == NULL)
        return 0;
    pthread_mutex_lock(&g->mu);
    uint64_t n = g->switch_number;
    pthread_mutex_unlock(&g->mu);
    return n;
}

uint64_t cv_gil_requests(cv_gil *g)
{
    if (g == NULL)
        return 0;
    pthread_mutex_lock(&g->mu);
    uint64_t n = g->requests;
    pthread_mutex_unlock(&g->mu);
    return n;
}
