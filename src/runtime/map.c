/*
 * Executor.map (see map.h): all calls are submitted up front; next() waits
 * on the next future in submission order with what is left of the timeout.
 */
#include "map.h"

#include <stdio.h>
#include <stdlib.h>

#include "clock.h"

struct cv_map {
    cv_future **fs;
    size_t n;
    size_t next;
    bool started; /* next() was called: the generator's body was entered */
    bool finished;
    double timeout_s;
    struct timespec deadline;
    char repr[96];
};

static void cancel_rest(cv_map *m)
{
    for (size_t i = m->next; i < m->n; i++)
        cv_future_cancel(m->fs[i]);
    m->finished = true;
}

cv_map *cv_map_start(cv_pool *pool, const cv_call *calls, size_t n, double timeout_s, int *err)
{
    int dummy;
    if (err == NULL)
        err = &dummy;
    cv_map *m = calloc(1, sizeof *m);
    if (m == NULL || (m->fs = calloc(n ? n : 1, sizeof *m->fs)) == NULL) {
        free(m);
        *err = CV_ENOMEM;
        return NULL;
    }
    m->timeout_s = timeout_s;
    m->deadline = cv_clock_deadline(timeout_s);
    for (size_t i = 0; i < n; i++) {
        m->fs[i] = cv_pool_submit(pool, calls[i].label, calls[i].fn, calls[i].arg, err);
        if (m->fs[i] == NULL) {
            m->n = i;
            cancel_rest(m);
            cv_map_close(m);
            return NULL;
        }
    }
    m->n = n;
    snprintf(m->repr, sizeof m->repr,
             "<generator object Executor.map.<locals>.result_iterator at %p>", (void *)m);
    *err = CV_OK;
    return m;
}

cv_map *cv_map_of(cv_future *const *fs, size_t n, double timeout_s)
{
    cv_map *m = calloc(1, sizeof *m);
    if (m == NULL || (m->fs = calloc(n ? n : 1, sizeof *m->fs)) == NULL) {
        free(m);
        for (size_t i = 0; i < n; i++)
            cv_future_release(fs[i]);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        m->fs[i] = fs[i];
    m->n = n;
    m->timeout_s = timeout_s;
    m->deadline = cv_clock_deadline(timeout_s);
    snprintf(m->repr, sizeof m->repr,
             "<generator object Executor.map.<locals>.result_iterator at %p>", (void *)m);
    return m;
}

int cv_map_next(cv_map *m, cv_result *out)
{
    m->started = true;
    if (m->finished || m->next == m->n) {
        m->finished = true;
        return CV_EDONE;
    }
    double left = -1;
    if (m->timeout_s >= 0)
        left = cv_clock_seconds_until(&m->deadline);
    int rc = cv_future__result_in(m->fs[m->next], left, out, "map");
    if (rc == CV_OK) {
        m->next++;
        return CV_OK;
    }
    /* Like an exception out of the generator: this call and the rest are
     * cancelled if they have not started (Python's _result_or_cancel). */
    cv_future_cancel(m->fs[m->next]);
    m->next++;
    cancel_rest(m);
    return rc;
}

const char *cv_map_repr(const cv_map *m)
{
    return m->repr;
}

cv_future *cv_map_future(const cv_map *m, size_t i)
{
    return i < m->n ? m->fs[i] : NULL;
}

void cv_map_close(cv_map *m)
{
    if (m == NULL)
        return;
    /* Python's generator cancels in a `finally` that only a started
     * generator can reach: dropped before its first next(), its calls run. */
    if (m->started && !m->finished)
        cancel_rest(m);
    for (size_t i = 0; i < m->n; i++)
        cv_future_release(m->fs[i]);
    free(m->fs);
    free(m);
}
