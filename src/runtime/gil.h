/*
 * CPython's global interpreter lock, as a model that really locks: the
 * threads that re-create Python threads running Python code take it, and
 * only its holder runs.  The protocol is CPython's (Python/ceval_gil.c):
 *
 *   - A thread that finds the GIL taken waits on a condition for the
 *     switch interval (5 ms, sys.setswitchinterval).  If the interval
 *     passes and no thread switch happened meanwhile, it sets the drop
 *     request and keeps waiting.
 *   - The holder looks at the request between bytecodes (the eval
 *     breaker): here cv_gil_poll, which costs one atomic load while no
 *     one asks.  Asked, it drops the GIL and, as CPython does with
 *     FORCE_SWITCHING, waits until another thread has taken it before it
 *     asks to take it back, so that it cannot grab it again at once.
 *   - Blocking I/O and sleeps release it (Py_BEGIN_ALLOW_THREADS):
 *     cv_gil_release before the call, cv_gil_acquire after.
 *
 * Every step is an event (CV_EV_GIL) on the lane of the thread that takes
 * it: wait, take, drop (with its reason: a switch request, blocking I/O or
 * a sleep, the thread is done) and request (a waiter asks the holder to
 * drop it), so the log shows who holds the GIL and who waits for it.
 *
 * A NULL cv_gil is free-threaded CPython (PEP 703, --no-gil): every call
 * is a no-op and threads run truly in parallel.
 */
#ifndef CV_GIL_H
#define CV_GIL_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"

/* sys.getswitchinterval(): 0.005 s. */
#define CV_GIL_INTERVAL_NS 5000000LL

typedef struct cv_gil cv_gil;

/* A GIL (free, interval CV_GIL_INTERVAL_NS) publishing on bus (may be
 * NULL: no events).  NULL without memory. */
cv_gil *cv_gil_create(cv_bus *bus);
/* Every thread must have released it. */
void cv_gil_destroy(cv_gil *g);
/* sys.setswitchinterval, in ns (at least 1 µs). */
void cv_gil_set_interval(cv_gil *g, int64_t interval_ns);

/* Takes the GIL, waiting (and asking for it after each interval without a
 * switch) while another thread holds it.  A thread that starts to run
 * Python code calls it once; it must not hold it already. */
void cv_gil_acquire(cv_gil *g);
/* Drops the GIL held by the calling thread, saying why (enum
 * cv_gil_reason): CV_GIL_BLOCKING before a blocking call or a sleep (take
 * it again with cv_gil_acquire after), CV_GIL_DONE when the thread stops
 * running Python code. */
void cv_gil_release(cv_gil *g, int reason);

/* The eval breaker: the holder calls it often (every few hundred µs of
 * work); if a waiter asked for the GIL, it is handed over and taken back
 * in turn.  A relaxed atomic load and nothing else while no one asks (a
 * call every thousand divisions costs nothing worth inlining for). */
void cv_gil_poll(cv_gil *g);

/* Counters, for tests and figures: how many times the GIL changed hands
 * (a thread took it after another held it) and how many drop requests
 * were made. */
uint64_t cv_gil_switches(cv_gil *g);
uint64_t cv_gil_requests(cv_gil *g);

#endif
