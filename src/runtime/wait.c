/*
 * wait() and as_completed() (see wait.h).  A collector is registered as a
 * waiter on every future not yet done and records completions in order;
 * it wakes its caller only when the caller may be done waiting, so waiting
 * for 100 000 futures costs one wake-up, not 100 000.
 */
#include "wait.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "clock.h"
#include "distinct.h"

/* A waiter that collects completions in order.  Futures notify it with
 * their own lock held (lock order: future, then collector). */
typedef struct collector {
    cv_waiter base;
    pthread_mutex_t mu;
    pthread_cond_t cond;
    cv_future **completed; /* ring of capacity n */
    size_t n, count, read;
    bool failed; /* any completion was a failure */
    /* Wake the waiter only when it may be done waiting: at this many
     * completions, or at a failure if wake_on_failure.  A wait for all of
     * 100 000 futures then costs one wake-up, not 100 000. */
    size_t wake_at;
    bool wake_on_failure;
} collector;

static void collector_notify(cv_waiter *w, cv_future *f, int state)
{
    collector *c = (collector *)w;
    pthread_mutex_lock(&c->mu);
    if (c->count < c->n)
        c->completed[c->count++] = f;
    c->failed |= state == CV_FAILED;
    if (c->count >= c->wake_at || (c->wake_on_failure && state == CV_FAILED))
        pthread_cond_signal(&c->cond);
    pthread_mutex_unlock(&c->mu);
}

static int collector_init(collector *c, size_t n)
{
    c->base.notify = collector_notify;
    c->n = n;
    c->count = c->read = 0;
    c->failed = false;
    c->wake_at = 1;
    c->wake_on_failure = false;
    c->completed = calloc(n ? n : 1, sizeof *c->completed);
    if (c->completed == NULL)
        return CV_ENOMEM;
    pthread_mutex_init(&c->mu, NULL);
    cv_clock_cond_init(&c->cond);
    return CV_OK;
}

static void collector_destroy(collector *c)
{
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->cond);
    free(c->completed);
}

/* Which bus to report waits on: the first future's. */
static cv_bus *bus_of(cv_future *const *fs, size_t n)
{
    return n > 0 ? cv_future_bus(fs[0]) : NULL;
}

size_t cv_wait(cv_future *const *fs, size_t n, double timeout_s, int return_when,
               uint8_t *done)
{
    size_t ndone = 0;
    bool any_failed = false;
    for (size_t i = 0; i < n; i++) {
        int st = cv_future_state(fs[i]);
        done[i] = st == CV_FINISHED || st == CV_FAILED || st == CV_CANCELLED;
        ndone += done[i];
        any_failed |= st == CV_FAILED;
    }
    bool enough = (return_when == CV_FIRST_COMPLETED && ndone > 0) ||
                  (return_when == CV_FIRST_EXCEPTION && any_failed) || ndone == n;
    if (enough || timeout_s == 0)
        return ndone;

    collector c;
    if (collector_init(&c, n) != CV_OK)
        return ndone;
    size_t need = n - ndone;
    c.wake_at = return_when == CV_FIRST_COMPLETED ? 1 : need;
    c.wake_on_failure = return_when == CV_FIRST_EXCEPTION;
    for (size_t i = 0; i < n; i++) {
        if (!done[i] && cv_future_add_waiter(fs[i], &c.base))
            collector_notify(&c.base, fs[i], cv_future_state(fs[i]));
    }
    static const char *const what[] = {"wait(FIRST_COMPLETED)", "wait(FIRST_EXCEPTION)",
                                       "wait(ALL_COMPLETED)"};
    cv_bus *bus = bus_of(fs, n);
    cv_publish_wait(bus, CV_WAIT_BLOCK, 0, what[return_when % 3]);
    struct timespec deadline = cv_clock_deadline(timeout_s);
    pthread_mutex_lock(&c.mu);
    for (;;) {
        any_failed |= c.failed;
        if ((return_when == CV_FIRST_COMPLETED && c.count > 0) ||
            (return_when == CV_FIRST_EXCEPTION && any_failed) || c.count >= need)
            break;
        int rc = timeout_s < 0 ? pthread_cond_wait(&c.cond, &c.mu)
                               : pthread_cond_timedwait(&c.cond, &c.mu, &deadline);
        if (rc == ETIMEDOUT)
            break;
    }
    pthread_mutex_unlock(&c.mu);
    cv_publish_wait(bus, CV_WAIT_UNBLOCK, 0, what[return_when % 3]);
    for (size_t i = 0; i < n; i++)
        if (!done[i])
            cv_future_remove_waiter(fs[i], &c.base);
    /* Report what is done now, not only what the collector saw. */
    ndone = 0;
    for (size_t i = 0; i < n; i++) {
        done[i] = cv_future_done(fs[i]);
        ndone += done[i];
    }
    collector_destroy(&c);
    return ndone;
}

struct cv_as_completed {
    collector c;
    cv_future **fs;
    size_t n;
    size_t yielded;
    double timeout_s;
    struct timespec deadline;
    cv_bus *bus;
};

/* Copies fs[0..n) into out without repeats, keeping each future's first
 * place, as Python's as_completed takes set(fs); returns how many are
 * left, or SIZE_MAX without memory. */
static size_t distinct(cv_future *const *fs, size_t n, cv_future **out)
{
    uintptr_t *keys = malloc((n ? n : 1) * sizeof *keys);
    if (keys == NULL)
        return SIZE_MAX;
    for (size_t i = 0; i < n; i++)
        keys[i] = (uintptr_t)fs[i];
    size_t k = cv_distinct(keys, n);
    for (size_t i = 0; i < k && k != SIZE_MAX; i++)
        out[i] = (cv_future *)keys[i];
    free(keys);
    return k;
}

cv_as_completed *cv_as_completed_start(cv_future *const *fs, size_t n, double timeout_s)
{
    cv_as_completed *it = calloc(1, sizeof *it);
    if (it == NULL)
        return NULL;
    it->fs = malloc((n ? n : 1) * sizeof *it->fs);
    if (it->fs == NULL || (n = distinct(fs, n, it->fs)) == SIZE_MAX ||
        collector_init(&it->c, n) != CV_OK) {
        free(it->fs);
        free(it);
        return NULL;
    }
    fs = it->fs;
    it->n = n;
    it->timeout_s = timeout_s;
    it->deadline = cv_clock_deadline(timeout_s);
    it->bus = bus_of(fs, n);
    /* Registering reports the already-done ones at once, in list order. */
    for (size_t i = 0; i < n; i++)
        if (cv_future_add_waiter(fs[i], &it->c.base))
            collector_notify(&it->c.base, fs[i], cv_future_state(fs[i]));
    return it;
}

int cv_as_completed_next(cv_as_completed *it, cv_future **out)
{
    if (it->yielded == it->n)
        return CV_EDONE;
    pthread_mutex_lock(&it->c.mu);
    if (it->c.read == it->c.count) {
        cv_publish_wait(it->bus, CV_WAIT_BLOCK, 0, "as_completed");
        while (it->c.read == it->c.count) {
            int rc = it->timeout_s < 0
                         ? pthread_cond_wait(&it->c.cond, &it->c.mu)
                         : pthread_cond_timedwait(&it->c.cond, &it->c.mu, &it->deadline);
            if (rc == ETIMEDOUT && it->c.read == it->c.count)
                break;
        }
        cv_publish_wait(it->bus, CV_WAIT_UNBLOCK, 0, "as_completed");
    }
    int rc = CV_ETIMEDOUT;
    if (it->c.read < it->c.count) {
        *out = it->c.completed[it->c.read++];
        it->yielded++;
        rc = CV_OK;
    }
    pthread_mutex_unlock(&it->c.mu);
    return rc;
}

size_t cv_as_completed_unfinished(const cv_as_completed *it)
{
    return it->n - it->yielded;
}

void cv_as_completed_close(cv_as_completed *it)
{
    if (it == NULL)
        return;
    for (size_t i = 0; i < it->n; i++)
        cv_future_remove_waiter(it->fs[i], &it->c.base);
    collector_destroy(&it->c);
    free(it->fs);
    free(it);
}
