/*
 * Waiting on many futures: wait() and as_completed(), as in Python's
 * concurrent.futures.  Both register a waiter on every future that is not
 * yet done and sleep until enough of them are.
 */
#ifndef CV_WAIT_H
#define CV_WAIT_H

#include <stddef.h>
#include <stdint.h>

#include "future.h"

enum cv_return_when {
    CV_FIRST_COMPLETED,
    CV_FIRST_EXCEPTION, /* the first failure, or all done if none fails */
    CV_ALL_COMPLETED,
};

/* Waits up to timeout_s (negative: forever) until `return_when` holds.
 * done[i] is set to 1 for each future that is done, 0 otherwise.  Returns
 * the number done (which may be fewer than asked for after a timeout).
 * A future listed twice has both its places set alike and counts twice
 * (Python returns sets; here the flags follow the caller's list). */
size_t cv_wait(cv_future *const *fs, size_t n, double timeout_s, int return_when,
               uint8_t *done);

/* Yields futures as they complete: those already done first (in list
 * order), then in the order they finish.  A future listed twice is yielded
 * once, as Python's as_completed works on set(fs).  The timeout counts
 * from cv_as_completed_start. */
typedef struct cv_as_completed cv_as_completed;
cv_as_completed *cv_as_completed_start(cv_future *const *fs, size_t n, double timeout_s);
/* CV_OK with *out set (not retained: the caller's reference is the one),
 * CV_EDONE when all were yielded, CV_ETIMEDOUT when the timeout passed
 * with futures still unfinished (cv_as_completed_unfinished says how
 * many distinct futures). */
int cv_as_completed_next(cv_as_completed *it, cv_future **out);
size_t cv_as_completed_unfinished(const cv_as_completed *it);
void cv_as_completed_close(cv_as_completed *it);

#endif
