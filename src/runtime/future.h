/*
 * A future: the result of a call that may not have happened yet, with the
 * semantics of Python's concurrent.futures.Future.  It moves
 *     pending -> running -> finished | failed,   or   pending -> cancelled
 * and publishes an event on every move.  C has no exceptions, so a failure
 * is an error code and a message carried in cv_result.
 */
#ifndef CV_FUTURE_H
#define CV_FUTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus.h"
#include "error.h"


/* What a call produces: a value (and optional pointer) when it succeeds, an
 * error code and message when it fails. */
typedef struct cv_result {
    long long value;
    void *data;        /* not owned by the future */
    char text[64];     /* how the value reads; empty means the number */
    int error;         /* non-zero: the call failed */
    int code;          /* a status the value carries (a download's HTTP
                        * status), published as its event's code */
    char message[128]; /* the failure's words */
} cv_result;

/* A call: fn(arg, out).  `out` starts zeroed; set out->value (and text),
 * or out->error and out->message. */
typedef void (*cv_fn)(void *arg, cv_result *out);

/* Fills a result in one line: cv_result_fail(out, 418, "I'm a Teapot"). */
void cv_result_fail(cv_result *out, int error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

typedef struct cv_future cv_future;
typedef void (*cv_done_fn)(cv_future *f, void *arg);

/* A new pending future with one reference, published as submitted. */
cv_future *cv_future_new(cv_bus *bus, const char *label);
/* The same, with `extra` bytes for the executor in the same allocation
 * (*extra_out points at them, aligned for pointers and 64-bit numbers;
 * they live as long as the future). */
cv_future *cv_future_new_extra(cv_bus *bus, const char *label, size_t extra, void **extra_out);
/* The future whose extra bytes start at `extra`. */
cv_future *cv_future_of_extra(void *extra);
void cv_future_retain(cv_future *f);
void cv_future_release(cv_future *f);

uint64_t cv_future_id(const cv_future *f);
const char *cv_future_label(const cv_future *f);
int cv_future_state(cv_future *f); /* enum cv_future_state */
bool cv_future_done(cv_future *f);
bool cv_future_running(cv_future *f);
bool cv_future_cancelled(cv_future *f);
cv_bus *cv_future_bus(const cv_future *f);

/* How the future reads in a console, as Python's Future.__repr__ writes it
 * (Lib/concurrent/futures/_base.py), from its state read under its lock,
 * so the text is true at the moment it is made:
 *     <Future at 0x7f... state=pending>        (running, cancelled alike)
 *     <Future at 0x7f... state=finished returned str>   (a text result;
 *                                              int when the value is all)
 *     <Future at 0x7f... state=finished raised TimeoutError>
 * A failure's class comes from its code: TimeoutError, CancelledError,
 * MemoryError, OSError for those CV_E* codes, Exception for any other.
 * The address is the future's own.  Returns buf. */
char *cv_future_repr(cv_future *f, char *buf, size_t len);

/* Cancels a pending future.  False if it is running or done; true if it is
 * (now or already) cancelled. */
bool cv_future_cancel(cv_future *f);

/* Waits up to timeout_s (negative: forever) for the outcome.  Returns
 * CV_OK with *out filled, CV_ETIMEDOUT, CV_ECANCELLED, or CV_EFAILED with
 * out->error and out->message.  Publishes block/unblock events when it has
 * to wait.  `out` may be NULL. */
int cv_future_result(cv_future *f, double timeout_s, cv_result *out);
/* The same, for an executor that waits on the caller's behalf: its block
 * and unblock events say `what` waits ("map"), not "result", so that a
 * view can tell map's in-order wait from a plain result(). */
int cv_future__result_in(cv_future *f, double timeout_s, cv_result *out, const char *what);

/* Calls fn(f, arg) when f is done: at once, in this thread, if it already
 * is; otherwise in the thread that completes or cancels it. */
int cv_future_add_done_callback(cv_future *f, cv_done_fn fn, void *arg);

/* For executors.  Moves a pending future to running on `lane`; false if it
 * was cancelled (then it must not run). */
bool cv_future_set_running(cv_future *f, int lane);
/* Completes a pending or running future: finished, or failed if
 * r->error.  A future that is already done (finished, failed or
 * cancelled) keeps its outcome and the call returns CV_EINVALIDSTATE, as
 * Python's set_result and set_exception raise InvalidStateError; CV_OK
 * otherwise. */
int cv_future_set_result(cv_future *f, const cv_result *r);

/*
 * Waiters, for wait() and as_completed(): a waiter registered on a future
 * hears about its completion from the completing thread.
 */
typedef struct cv_waiter cv_waiter;
typedef void (*cv_waiter_fn)(cv_waiter *w, cv_future *f, int state);
struct cv_waiter {
    cv_waiter_fn notify; /* called with the future's lock held: be brief */
};
/* Registers w unless f is already done; returns true if it was done (and
 * then w is not registered). */
bool cv_future_add_waiter(cv_future *f, cv_waiter *w);
void cv_future_remove_waiter(cv_future *f, cv_waiter *w);

#endif
