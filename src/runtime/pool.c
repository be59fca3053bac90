/*
 * The pool's queue is an intrusive linked list that submitters append to
 * without a lock: a submit swaps itself in as the tail with one atomic
 * exchange and then links the old tail to it (Vyukov's MPSC queue, with a
 * stub node so that the list is never empty).  Workers take from the head
 * one at a time, under a mutex only they use.  So a burst of submits never
 * waits for a worker, nor a worker preempted while holding a lock.
 *
 * Waking is decided from counters.  The calls queued are `pushed` minus
 * `taken`: two counters, each written by one side only, because a counter
 * that both sides change would move between their cores at every call.  A
 * submit wakes a sleeping worker only when the queue holds more calls than
 * there are workers that will look at it anyway: those on their way back
 * from a call (`returning`), those polling (`spinners`) and those already
 * woken (`wakeups`).  Failing a sleeper it starts a new worker while the
 * pool may grow, and only if the calls queued outnumber the workers not
 * `busy` with a call (the counters above, read one by one, can miss a
 * worker moving between them).  When every sleeper has been woken and the
 * pool is full, a submit reads three counters and is done: the steady
 * state of a burst.
 *
 * No call is ever stranded, because each side writes before it reads, with
 * sequentially consistent atomics: a worker about to sleep counts itself in
 * `sleepers` and then looks at `pushed`; a submit counts its call in
 * `pushed` and then looks at `sleepers`.  One of the two sees the other.
 * Shutdown works the same way with `shutdown` and `pushed`: a submit that
 * sees the flag only after queueing cancels its own call.
 *
 * A submit that starts a worker takes the oldest queued call out for it
 * before the thread exists, so every started worker holds a call that
 * shutdown(cancel_futures) cannot reach.  CPython's workers reliably take
 * one each before the caller can shut down (its test_cancel_futures counts
 * on it); left to the new thread, the take raced thread start-up, and a
 * shutdown right after the submits cancelled everything in about half the
 * runs.
 */
#include "pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"

/* A queued call, in its future's own allocation (cv_future_of_extra). */
typedef struct work {
    struct work *_Atomic next;
    cv_fn fn;
    void *arg;
} work;

typedef struct worker {
    cv_pool *pool;
    pthread_t thread;
    work *first; /* the call it was started for, taken by its starter */
    int lane;
    int index;
    bool joinable;
} worker;

struct cv_pool {
    cv_bus *bus;
    int max_workers;
    char name[32];
    worker *workers; /* max_workers of them; written under mu */

    /* The submitters' line: every submit exchanges the tail and counts. */
    _Alignas(64) work *_Atomic tail;
    _Atomic uint64_t pushed; /* calls queued so far */

    /* The takers' line: one worker at a time moves the head. */
    _Alignas(64) pthread_mutex_t take_mu;
    work *head;
    work stub;
    _Atomic uint64_t taken; /* calls taken so far; written under take_mu */

    /* Read by every submit, written only when workers sleep, wake or start. */
    _Alignas(64) _Atomic int sleepers; /* workers waiting on cond */
    _Atomic int wakeups;               /* signals sent and not yet taken */
    _Atomic int nthreads;
    _Atomic int spinners; /* workers polling the queue before they sleep */
    int max_spinners;     /* at most one per core: the rest sleep at once */
    atomic_bool shutdown;
    pthread_mutex_t mu; /* sleeping, waking and starting workers */
    pthread_cond_t cond;

    /* Written twice per call by every worker: a line of its own. */
    _Alignas(64) _Atomic int returning; /* workers between a call and the queue */
    _Atomic int busy; /* workers holding a call, from its take to its end */
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
    if (max_workers <= 0) /* Python: ValueError, max_workers must be > 0 */
        return NULL;
    cv_pool *pool = aligned_alloc(64, sizeof *pool);
    if (pool == NULL)
        return NULL;
    memset(pool, 0, sizeof *pool);
    pool->bus = bus;
    pool->max_workers = max_workers;
    pool->workers = calloc((size_t)pool->max_workers, sizeof *pool->workers);
    if (pool->workers == NULL) {
        free(pool);
        return NULL;
    }
    snprintf(pool->name, sizeof pool->name, "%s", name ? name : "worker");
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    pool->max_spinners = cores < 1 ? 1 : cores > 1024 ? 1024 : (int)cores;
    atomic_init(&pool->stub.next, NULL);
    pool->head = &pool->stub;
    atomic_init(&pool->tail, &pool->stub);
    /* Workers hold the take lock for a few instructions: spin a little
     * before sleeping on it. */
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
    pthread_mutex_init(&pool->take_mu, &attr);
    pthread_mutexattr_destroy(&attr);
    pthread_mutex_init(&pool->mu, NULL);
    pthread_cond_init(&pool->cond, NULL);
    return pool;
}

int cv_pool_max_workers(const cv_pool *pool)
{
    return pool->max_workers;
}

int cv_pool_threads(cv_pool *pool)
{
    return atomic_load(&pool->nthreads);
}

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/* Calls queued and not yet taken.  `taken` is read first, so the answer is
 * never less than the queue held at the moment `pushed` was read (it may
 * be more, or even negative while a call is taken before it is counted). */
static long queued(cv_pool *pool)
{
    uint64_t taken = atomic_load(&pool->taken);
    return (long)(atomic_load(&pool->pushed) - taken);
}

/* Appends w; any thread, no lock. */
static void push(cv_pool *pool, work *w)
{
    atomic_store_explicit(&w->next, NULL, memory_order_relaxed);
    work *prev = atomic_exchange_explicit(&pool->tail, w, memory_order_acq_rel);
    /* Between the exchange and this store the list is cut at prev: a taker
     * that reaches prev sees a call in flight and waits for this link. */
    atomic_store_explicit(&prev->next, w, memory_order_release);
}

/* Removes the oldest call, with take_mu held.  NULL when there is none,
 * with *in_flight set when a submit is between its two steps. */
static work *pop(cv_pool *pool, bool *in_flight)
{
    work *head = pool->head;
    work *next = atomic_load_explicit(&head->next, memory_order_acquire);
    if (head == &pool->stub) {
        if (next == NULL) {
            *in_flight = atomic_load_explicit(&pool->tail, memory_order_acquire) != head;
            return NULL;
        }
        pool->head = head = next;
        next = atomic_load_explicit(&head->next, memory_order_acquire);
    }
    if (next != NULL) {
        pool->head = next;
        return head;
    }
    /* head is the last call: put the stub behind it so that it can go. */
    if (atomic_load_explicit(&pool->tail, memory_order_acquire) != head) {
        *in_flight = true;
        return NULL;
    }
    push(pool, &pool->stub);
    next = atomic_load_explicit(&head->next, memory_order_acquire);
    if (next != NULL) {
        pool->head = next;
        return head;
    }
    *in_flight = true; /* a submit got in before the stub */
    return NULL;
}

/* The oldest call, or NULL when the queue is empty.  for_worker: the call
 * is a worker's to run, so the worker counts as busy, before `taken` moves
 * (a submit that sees the call gone from the queue sees its worker busy). */
static work *take(cv_pool *pool, bool for_worker)
{
    for (unsigned spins = 1;; spins++) {
        bool in_flight = false;
        pthread_mutex_lock(&pool->take_mu);
        work *w = pop(pool, &in_flight);
        if (w != NULL) {
            if (for_worker)
                atomic_fetch_add(&pool->busy, 1);
            uint64_t taken = atomic_load_explicit(&pool->taken, memory_order_relaxed);
            atomic_store_explicit(&pool->taken, taken + 1, memory_order_release);
        }
        pthread_mutex_unlock(&pool->take_mu);
        if (w != NULL || !in_flight)
            return w;
        /* A submit is two instructions from done; if it was preempted
         * there, let it run. */
        if (spins % 64 == 0)
            sched_yield();
        else
            cpu_relax();
    }
}

/* How long an idle worker polls the queue before it sleeps.  A submit
 * that finds a worker polling needs no wake-up (a system call and two
 * context switches, most of the cost of a short call, and on a busy machine
 * the woken worker often takes the submitter's core).  A poller yields
 * its core between looks rather than spinning on it: with more threads than
 * cores, a spinning worker would take the core that the submitter or the
 * worker running a call needs.  Every idle worker polls (with a single
 * poller, the others slept and each burst of a fast submitter woke them
 * again), but only for 20 µs, so an idle pool still costs no CPU.  At most
 * one worker per core polls, though, and the others sleep at once: with 32
 * workers on 2 cores, 32 pollers yielding to one another made 28 times the
 * context switches of 2 workers and doubled the cost of a call, and more
 * pollers than cores cannot look at the queue any sooner anyway. */
#define SPIN_NS 20000

static void spin_for_work(cv_pool *pool)
{
    int64_t until = cv_clock_mono_ns() + SPIN_NS;
    for (unsigned i = 1;; i++) {
        if (queued(pool) > 0 ||
            atomic_load_explicit(&pool->shutdown, memory_order_relaxed))
            return;
        sched_yield();
        if ((i & 3) == 0 && cv_clock_mono_ns() > until)
            return;
    }
}

/* Waits until the queue may hold a call or the pool shuts down. */
static void wait_for_work(cv_pool *pool, worker *self, bool *idle)
{
    int spinners = atomic_load(&pool->spinners);
    while (spinners < pool->max_spinners) {
        if (atomic_compare_exchange_weak(&pool->spinners, &spinners, spinners + 1)) {
            spin_for_work(pool);
            atomic_fetch_sub(&pool->spinners, 1);
            break;
        }
    }
    if (queued(pool) > 0 || atomic_load(&pool->shutdown))
        return;
    if (!*idle) {
        cv_publish_thread(pool->bus, self->lane, CV_THREAD_IDLE, NULL);
        *idle = true;
    }
    pthread_mutex_lock(&pool->mu);
    atomic_fetch_add(&pool->sleepers, 1);
    while (queued(pool) <= 0 && !atomic_load(&pool->shutdown)) {
        pthread_cond_wait(&pool->cond, &pool->mu);
        int w = atomic_load_explicit(&pool->wakeups, memory_order_relaxed);
        if (w > 0)
            atomic_store_explicit(&pool->wakeups, w - 1, memory_order_relaxed);
    }
    atomic_fetch_sub(&pool->sleepers, 1);
    pthread_mutex_unlock(&pool->mu);
}

static void run(cv_pool *pool, worker *self, work *w, bool *idle)
{
    cv_future *f = cv_future_of_extra(w);
    if (cv_future_set_running(f, self->lane)) {
        if (*idle) {
            cv_publish_thread(pool->bus, self->lane, CV_THREAD_BUSY, NULL);
            *idle = false;
        }
        cv_result r = {0};
        w->fn(w->arg, &r);
        /* Counted before the result is out, so that a caller who submits
         * again as soon as it has the result knows this worker is coming. */
        atomic_fetch_add(&pool->returning, 1);
        atomic_fetch_sub(&pool->busy, 1);
        cv_future_set_result(f, &r);
    } else {
        atomic_fetch_add(&pool->returning, 1);
        atomic_fetch_sub(&pool->busy, 1);
    }
    cv_future_release(f); /* w goes with it */
}

static bool needs_worker(cv_pool *pool);
static void add_worker(cv_pool *pool);

static void *worker_main(void *arg)
{
    worker *self = arg;
    cv_pool *pool = self->pool;
    char name[48];
    snprintf(name, sizeof name, "%s %d", pool->name, self->index + 1);
    cv_bus_attach(pool->bus, self->lane);
    cv_publish_thread_started(pool->bus, self->lane, CV_ROLE_WORKER, name);

    bool idle = true; /* a new worker is busy as soon as it takes work */
    bool returning = false;
    bool polled = false;
    if (self->first != NULL) {
        run(pool, self, self->first, &idle);
        self->first = NULL;
        returning = true;
    }
    for (;;) {
        /* No longer on the way back once it looks at the queue; a submit
         * that saw it coming queued its call before this look. */
        if (returning) {
            atomic_fetch_sub(&pool->returning, 1);
            returning = false;
        }
        work *w = take(pool, true);
        if (w == NULL) {
            /* At shutdown, leave once nothing is queued.  `pushed` is read
             * after the flag, so it counts every call whose submit did not
             * see the flag (and so will not cancel it). */
            if (atomic_load(&pool->shutdown) && queued(pool) <= 0)
                break;
            wait_for_work(pool, self, &idle);
            polled = true;
            continue;
        }
        /* Back from polling or sleep with a call: if more are queued than
         * workers will look at, wake the next one, since a submit that
         * found a poller left the waking to it (needs_worker). */
        if (polled) {
            polled = false;
            if (needs_worker(pool))
                add_worker(pool);
        }
        run(pool, self, w, &idle);
        returning = true;
    }
    cv_publish_thread(pool->bus, self->lane, CV_THREAD_STOPPED, NULL);
    return NULL;
}

/* Takes every queued call out and cancels it; returns how many. */
static size_t cancel_queued(cv_pool *pool)
{
    size_t n = 0;
    work *w;
    while ((w = take(pool, false)) != NULL) {
        cv_future *f = cv_future_of_extra(w);
        cv_future_cancel(f);
        cv_future_release(f); /* frees w too */
        n++;
    }
    return n;
}

/* True when the calls queued need a worker woken or started. */
static bool needs_worker(cv_pool *pool)
{
    int wakeups = atomic_load(&pool->wakeups);
    if (atomic_load(&pool->sleepers) <= wakeups &&
        atomic_load_explicit(&pool->nthreads, memory_order_relaxed) >= pool->max_workers)
        return false; /* nobody left to wake and no room: the others will come */
    long coming = atomic_load(&pool->returning) + atomic_load(&pool->spinners) + wakeups;
    if (queued(pool) <= coming)
        return false;
    /* A poller looks at the queue within microseconds and, when it finds
     * more calls than it takes, wakes the next sleeper itself (worker_main):
     * a chain that wakes workers only as fast as calls pile up.  Waking
     * here too, at every submit that outran two pollers, cost more context
     * switches than the 32 pollers it replaced.  (The submit counted its
     * call before reading `spinners`, and a poller stops counting itself
     * before its last look at the queue, so the call is seen.) */
    if (atomic_load(&pool->spinners) > 0 && atomic_load(&pool->sleepers) > wakeups)
        return false;
    return true;
}

/* Wakes a sleeper or starts a worker. */
static void add_worker(cv_pool *pool)
{
    pthread_mutex_lock(&pool->mu);
    int n = atomic_load_explicit(&pool->nthreads, memory_order_relaxed);
    if (atomic_load(&pool->shutdown)) {
        /* The workers drain the queue before they leave. */
    } else if (atomic_load(&pool->sleepers) > atomic_load(&pool->wakeups)) {
        atomic_fetch_add(&pool->wakeups, 1);
        pthread_cond_signal(&pool->cond);
    } else if (n < pool->max_workers && queued(pool) > n - atomic_load(&pool->busy)) {
        /* Only when the calls queued outnumber the workers not busy: an
         * idle worker always looks at the queue again before it sleeps,
         * and needs_worker's counters, read one by one, can miss one on
         * its way from polling to sleeping and back, which started a
         * second thread for calls submitted one after another (CPython's
         * idle semaphore reuses the idle worker; its
         * test_idle_thread_reuse). */
        worker *wk = &pool->workers[n];
        wk->pool = pool;
        wk->index = n;
        wk->lane = cv_bus_new_lane(pool->bus);
        /* The new worker's first call is taken here, before submit
         * returns (see the top of the file).  It is the oldest call queued,
         * so the order holds; NULL if a polling worker took it first. */
        wk->first = take(pool, true);
        /* Counted before it exists: a submit that sees what the new worker
         * does (runs its call, say) must not conclude there is none. */
        atomic_store(&pool->nthreads, n + 1);
        if (pthread_create(&wk->thread, NULL, worker_main, wk) == 0) {
            wk->joinable = true;
        } else {
            atomic_store(&pool->nthreads, n);
            /* Back in the queue (at its end: the one place a submitter's
             * queue can add to) for a running worker, or for submit to
             * cancel if there is none. */
            if (wk->first != NULL) {
                push(pool, wk->first);
                atomic_fetch_add(&pool->pushed, 1);
                wk->first = NULL;
            }
        }
    }
    pthread_mutex_unlock(&pool->mu);
}

cv_future *cv_pool_submit(cv_pool *pool, const char *label, cv_fn fn, void *arg, int *err)
{
    int dummy;
    if (err == NULL)
        err = &dummy;
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
    w->fn = fn;
    w->arg = arg;
    push(pool, w);
    atomic_fetch_add(&pool->pushed, 1);

    if (atomic_load(&pool->shutdown)) {
        /* Shut down while we queued: perhaps no worker will look again.
         * Cancelling fails only if a worker has already taken the call. */
        if (cv_future_cancel(f)) {
            cv_future_release(f);
            *err = CV_ESHUTDOWN;
            return NULL;
        }
        *err = CV_OK;
        return f;
    }
    if (needs_worker(pool))
        add_worker(pool);
    if (atomic_load(&pool->nthreads) == 0) {
        /* Not a single thread started (the pool shut down meanwhile, or
         * the system refused): nothing will ever run the queue. */
        cancel_queued(pool);
        cv_future_release(f);
        *err = atomic_load(&pool->shutdown) ? CV_ESHUTDOWN : CV_ENOMEM;
        return NULL;
    }
    *err = CV_OK;
    return f;
}

void cv_pool_shutdown(cv_pool *pool, bool wait, bool cancel_futures)
{
    atomic_store(&pool->shutdown, true);
    if (cancel_futures)
        cancel_queued(pool);
    pthread_mutex_lock(&pool->mu);
    pthread_cond_broadcast(&pool->cond);
    int n = atomic_load(&pool->nthreads);
    pthread_mutex_unlock(&pool->mu);
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
    /* Every worker has gone; a call queued in a race with shutdown may be
     * left, already cancelled by its submit. */
    cancel_queued(pool);
    pthread_mutex_destroy(&pool->take_mu);
    pthread_mutex_destroy(&pool->mu);
    pthread_cond_destroy(&pool->cond);
    free(pool->workers);
    free(pool);
}
