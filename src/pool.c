/*
 * One mutex and one condition guard an intrusive FIFO of work items, as in
 * libuv's threadpool.  A submit wakes a sleeping worker only when the queue
 * holds more items than there are workers on their way back to it (a worker
 * that has just finished a call and will take the next item in a moment);
 * failing a sleeper it starts a new worker if the pool may still grow, or
 * leaves the item for the next worker that finishes.  So a burst of submits
 * to a pool whose workers keep up costs few system calls, while an item
 * never waits behind a long call when a worker is free.
 */
#include "pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "clock.h"

typedef struct work {
    cv_future *future;
    cv_fn fn;
    void *arg;
    struct work *next;
} work;

typedef struct worker {
    cv_pool *pool;
    pthread_t thread;
    int lane;
    int index;
    bool joinable;
} worker;

struct cv_pool {
    cv_bus *bus;
    int max_workers;
    char name[32];

    pthread_mutex_t mu;
    pthread_cond_t cond;
    work *head, *tail;
    atomic_size_t queued; /* written under mu, read by a spinning worker */
    atomic_bool shutdown;
    int spinners;         /* workers polling the queue before they sleep */
    atomic_int returning; /* workers between a call and the queue */
    int sleepers;        /* workers waiting on cond */
    int wakeups;         /* signals sent and not yet taken */
    int nthreads;
    worker *workers;     /* max_workers of them */
};

int cv_pool_default_workers(void)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores < 1)
        cores = 1;
    return cores + 4 < 32 ? (int)cores + 4 : 32;
}

cv_pool *cv_pool_create(cv_bus *bus, int max_workers, const char *name)
{
    if (max_workers < 0)
        return NULL;
    cv_pool *pool = calloc(1, sizeof *pool);
    if (pool == NULL)
        return NULL;
    pool->bus = bus;
    pool->max_workers = max_workers ? max_workers : cv_pool_default_workers();
    pool->workers = calloc((size_t)pool->max_workers, sizeof *pool->workers);
    if (pool->workers == NULL) {
        free(pool);
        return NULL;
    }
    snprintf(pool->name, sizeof pool->name, "%s", name ? name : "worker");
    /* Submitters and workers hold the lock for a few instructions: spin a
     * little before sleeping on it. */
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
    pthread_mutex_init(&pool->mu, &attr);
    pthread_mutexattr_destroy(&attr);
    pthread_cond_init(&pool->cond, NULL);
    return pool;
}

int cv_pool_max_workers(const cv_pool *pool)
{
    return pool->max_workers;
}

cv_bus *cv_pool_bus(const cv_pool *pool)
{
    return pool->bus;
}

int cv_pool_threads(cv_pool *pool)
{
    pthread_mutex_lock(&pool->mu);
    int n = pool->nthreads;
    pthread_mutex_unlock(&pool->mu);
    return n;
}

/* How long one idle worker polls the queue before it sleeps.  A submit
 * that finds a worker polling needs no wake-up (a system call and two
 * context switches, most of the cost of a short call).  One worker at most
 * polls, and only briefly, so an idle pool still costs no CPU. */
#define SPIN_NS 20000

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static void spin_for_work(cv_pool *pool)
{
    int64_t until = cv_clock_mono_ns() + SPIN_NS;
    for (unsigned i = 1;; i++) {
        if (atomic_load_explicit(&pool->queued, memory_order_relaxed) > 0 ||
            atomic_load_explicit(&pool->shutdown, memory_order_relaxed))
            return;
        cpu_relax();
        if ((i & 15) == 0 && cv_clock_mono_ns() > until)
            return;
    }
}

/* Takes the next item, sleeping while there is none; NULL at shutdown.
 * Called with pool->mu held. */
static work *next_work(cv_pool *pool, worker *self, bool *was_idle)
{
    while (pool->head == NULL && !pool->shutdown) {
        if (pool->spinners == 0) {
            pool->spinners++;
            pthread_mutex_unlock(&pool->mu);
            spin_for_work(pool);
            pthread_mutex_lock(&pool->mu);
            pool->spinners--;
            if (pool->head != NULL || pool->shutdown)
                break;
        }
        if (!*was_idle) {
            cv_publish_thread(pool->bus, self->lane, CV_THREAD_IDLE, NULL);
            *was_idle = true;
        }
        pool->sleepers++;
        pthread_cond_wait(&pool->cond, &pool->mu);
        pool->sleepers--;
        if (pool->wakeups > 0)
            pool->wakeups--;
    }
    work *w = pool->head;
    if (w != NULL) {
        pool->head = w->next;
        if (pool->head == NULL)
            pool->tail = NULL;
        pool->queued--;
    }
    return w;
}

static void *worker_main(void *arg)
{
    worker *self = arg;
    cv_pool *pool = self->pool;
    char name[48];
    snprintf(name, sizeof name, "%s %d", pool->name, self->index + 1);
    cv_bus_attach(pool->bus, self->lane);
    cv_publish_thread(pool->bus, self->lane, CV_THREAD_STARTED, name);

    bool idle = true; /* a new worker is busy as soon as it takes work */
    pthread_mutex_lock(&pool->mu);
    for (;;) {
        work *w = next_work(pool, self, &idle);
        if (w == NULL)
            break;
        pthread_mutex_unlock(&pool->mu);

        if (cv_future_set_running(w->future, self->lane)) {
            if (idle) {
                cv_publish_thread(pool->bus, self->lane, CV_THREAD_BUSY, NULL);
                idle = false;
            }
            cv_result r = {0};
            w->fn(w->arg, &r);
            atomic_fetch_add_explicit(&pool->returning, 1, memory_order_relaxed);
            cv_future_set_result(w->future, &r);
        } else {
            atomic_fetch_add_explicit(&pool->returning, 1, memory_order_relaxed);
        }
        cv_future_release(w->future); /* w goes with it */
        pthread_mutex_lock(&pool->mu);
        atomic_fetch_sub_explicit(&pool->returning, 1, memory_order_relaxed);
    }
    pthread_mutex_unlock(&pool->mu);
    cv_publish_thread(pool->bus, self->lane, CV_THREAD_STOPPED, NULL);
    return NULL;
}

/* Called with pool->mu held after queueing an item. */
static void adjust_workers(cv_pool *pool)
{
    int returning = atomic_load_explicit(&pool->returning, memory_order_relaxed);
    if (pool->queued <= (size_t)(returning + pool->wakeups + pool->spinners))
        return; /* a worker coming back, woken or polling will take it */
    if (pool->sleepers > pool->wakeups) {
        pool->wakeups++;
        pthread_cond_signal(&pool->cond);
        return;
    }
    if (pool->nthreads >= pool->max_workers)
        return;
    worker *wk = &pool->workers[pool->nthreads];
    wk->pool = pool;
    wk->index = pool->nthreads;
    wk->lane = cv_bus_new_lane(pool->bus);
    if (pthread_create(&wk->thread, NULL, worker_main, wk) == 0) {
        wk->joinable = true;
        pool->nthreads++;
    }
    /* Without a new thread the item waits for a running worker; if there
     * is none at all, submit reports the failure. */
}

cv_future *cv_pool_submit(cv_pool *pool, const char *label, cv_fn fn, void *arg, int *err)
{
    int dummy;
    if (err == NULL)
        err = &dummy;
    /* A quick look without the lock; the check under the lock below is the
     * one that counts. */
    if (atomic_load_explicit(&pool->shutdown, memory_order_relaxed)) {
        *err = CV_ESHUTDOWN;
        return NULL;
    }
    /* The queue's node lives in the future's own allocation: one malloc
     * per call instead of two. */
    work *w;
    cv_future *f = cv_future_new_extra(pool->bus, label, sizeof *w, (void **)&w);
    if (f == NULL) {
        *err = CV_ENOMEM;
        return NULL;
    }
    cv_future_retain(f); /* one for the caller, one for the queue */
    *w = (work){f, fn, arg, NULL};

    pthread_mutex_lock(&pool->mu);
    if (pool->shutdown) {
        /* Shut down between the check and now: nothing will run it. */
        pthread_mutex_unlock(&pool->mu);
        cv_future_cancel(f);
        cv_future_release(f);
        cv_future_release(f);
        *err = CV_ESHUTDOWN;
        return NULL;
    }
    if (pool->tail)
        pool->tail->next = w;
    else
        pool->head = w;
    pool->tail = w;
    pool->queued++;
    adjust_workers(pool);
    bool stranded = pool->nthreads == 0;
    if (stranded) {
        pool->head = pool->tail = NULL;
        pool->queued = 0;
    }
    pthread_mutex_unlock(&pool->mu);
    if (stranded) {
        cv_future_cancel(f);
        cv_future_release(f);
        cv_future_release(f);
        *err = CV_ENOMEM;
        return NULL;
    }
    *err = CV_OK;
    return f;
}

void cv_pool_shutdown(cv_pool *pool, bool wait, bool cancel_futures)
{
    work *cancelled = NULL;
    pthread_mutex_lock(&pool->mu);
    pool->shutdown = true;
    if (cancel_futures) {
        cancelled = pool->head;
        pool->head = pool->tail = NULL;
        pool->queued = 0;
    }
    pthread_cond_broadcast(&pool->cond);
    int n = pool->nthreads;
    pthread_mutex_unlock(&pool->mu);

    while (cancelled != NULL) {
        work *next = cancelled->next;
        cv_future_cancel(cancelled->future);
        cv_future_release(cancelled->future); /* frees the node too */
        cancelled = next;
    }
    if (!wait)
        return;
    for (int i = 0; i < n; i++) {
        if (pool->workers[i].joinable) {
            pool->workers[i].joinable = false;
            pthread_join(pool->workers[i].thread, NULL);
        }
    }
}

void cv_pool_destroy(cv_pool *pool)
{
    if (pool == NULL)
        return;
    cv_pool_shutdown(pool, true, false);
    pthread_mutex_destroy(&pool->mu);
    pthread_cond_destroy(&pool->cond);
    free(pool->workers);
    free(pool);
}
