/*
 * Executor.map: every call is submitted at once, and results come back in
 * submission order, each next() blocking until its own future is done.
 * Closing the iterator after a next() cancels the calls that have not
 * started, as Python's result_iterator does in its `finally`; closing it
 * before any next() leaves them to run, because a Python generator that
 * never started never reaches that `finally`.
 */
#ifndef CV_MAP_H
#define CV_MAP_H

#include <stddef.h>

#include "pool.h"

typedef struct cv_call {
    cv_fn fn;
    void *arg;
    const char *label; /* copied */
} cv_call;

typedef struct cv_map cv_map;

/* Submits calls[0..n) to pool.  timeout_s (negative: none) counts from
 * now for the whole iteration, as Python's map(timeout=) does.  NULL with
 * *err set if the pool refused a call (those already queued are
 * cancelled). */
cv_map *cv_map_start(cv_pool *pool, const cv_call *calls, size_t n, double timeout_s, int *err);

/* The same over futures already submitted (by another executor): takes
 * over the caller's reference to each of fs[0..n) and copies the array.
 * NULL without memory (the references are then released). */
cv_map *cv_map_of(cv_future *const *fs, size_t n, double timeout_s);

/* The next result in submission order: CV_OK with *out, CV_EDONE at the
 * end, CV_EFAILED (out->message) or CV_ECANCELLED or CV_ETIMEDOUT.  An
 * error ends the iteration, as an exception ends Python's generator, and
 * cancels the calls not started. */
int cv_map_next(cv_map *m, cv_result *out);
/* How the iterator reads in the console, like Python's repr of it:
 * "<generator object Executor.map.<locals>.result_iterator at 0x...>". */
const char *cv_map_repr(const cv_map *m);
/* The i-th future (borrowed), for views and tests. */
cv_future *cv_map_future(const cv_map *m, size_t i);
/* Drops the iterator: cancels the calls not started if next() was called
 * and the iteration has not ended; otherwise they run on (see above). */
void cv_map_close(cv_map *m);

#endif
