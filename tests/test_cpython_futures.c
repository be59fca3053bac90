/*
 * CPython's own tests of concurrent.futures (Lib/test/test_concurrent_futures/),
 * ported to the C runtime: one test per CPython test that applies, grouped
 * by the CPython file, each opening with the name of the test it ports.
 *
 * How the Python maps to C.  CPython's util.py builds futures straight in
 * each state (PENDING_FUTURE, RUNNING_FUTURE, ...); the makers below reach
 * the same states through the public calls.  CPython has two cancelled
 * states, CANCELLED (asked) and CANCELLED_AND_NOTIFIED (the executor has
 * seen it); ours has one, done at once, so where a test keeps CANCELLED in
 * the "not done" set, the port says so and expects it done.  An exception
 * is a failed result with words; `exception()` is result() answering
 * CV_EFAILED; a TimeoutError is CV_ETIMEDOUT.  Sleeps that only keep a
 * call busy are events here, set when the test is ready, so that the file
 * waits about a second in all (two under TSan) and no result depends on
 * timing.  `test_cpython_futures PATTERN` runs only the matching tests.
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "map.h"
#include "pool.h"
#include "testutil.h"
#include "wait.h"

/* CPython's ExecutorMixin.worker_count. */
#define WORKERS 5

/* ---- tools: an event, a thread that acts later, a call recorder ---- */

/* threading.Event. */
typedef struct event {
    pthread_mutex_t mu;
    pthread_cond_t cond;
    bool set;
} event;

static void event_init(event *e)
{
    pthread_mutex_init(&e->mu, NULL);
    pthread_cond_init(&e->cond, NULL);
    e->set = false;
}

static void event_set(event *e)
{
    pthread_mutex_lock(&e->mu);
    e->set = true;
    pthread_cond_broadcast(&e->cond);
    pthread_mutex_unlock(&e->mu);
}

static void event_wait(event *e)
{
    pthread_mutex_lock(&e->mu);
    while (!e->set)
        pthread_cond_wait(&e->cond, &e->mu);
    pthread_mutex_unlock(&e->mu);
}

static void event_destroy(event *e)
{
    pthread_mutex_destroy(&e->mu);
    pthread_cond_destroy(&e->cond);
}

/* threading.Thread(target=...) that sleeps `delay` first. */
typedef struct later {
    pthread_t thread;
    double delay;
    void (*fn)(void *);
    void *arg;
} later;

static void *later_main(void *p)
{
    later *l = p;
    test_sleep(l->delay);
    l->fn(l->arg);
    return NULL;
}

static void later_start(later *l, double delay, void (*fn)(void *), void *arg)
{
    *l = (later){.delay = delay, .fn = fn, .arg = arg};
    assert_int_equal(pthread_create(&l->thread, NULL, later_main, l), 0);
}

static void later_join(later *l)
{
    pthread_join(l->thread, NULL);
}

/* A list that calls append to from any thread (CPython's `log` lists). */
typedef struct recorder {
    pthread_mutex_t mu;
    int n;
    char lines[32][40];
} recorder;

static void recorder_init(recorder *r)
{
    pthread_mutex_init(&r->mu, NULL);
    r->n = 0;
}

static void record(recorder *r, const char *fmt, const char *what)
{
    pthread_mutex_lock(&r->mu);
    if (r->n < 32)
        snprintf(r->lines[r->n++], sizeof r->lines[0], fmt, what);
    pthread_mutex_unlock(&r->mu);
}

/* ---- the futures of CPython's util.py ---- */

static cv_future *pending_future(void)
{
    return cv_future_new(NULL, "pending");
}

static cv_future *running_future(void)
{
    cv_future *f = cv_future_new(NULL, "running");
    cv_future_set_running(f, 1);
    return f;
}

static cv_future *cancelled_future(void)
{
    cv_future *f = cv_future_new(NULL, "cancelled");
    cv_future_cancel(f);
    return f;
}

static cv_future *exception_future(void)
{
    cv_future *f = cv_future_new(NULL, "exception");
    cv_result r = {0};
    cv_result_fail(&r, 5, "OSError");
    cv_future_set_result(f, &r);
    return f;
}

static cv_future *successful_future(void)
{
    cv_future *f = cv_future_new(NULL, "successful");
    cv_result r = {.value = 42};
    cv_future_set_result(f, &r);
    return f;
}

static void release_all(cv_future **fs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cv_future_release(fs[i]);
}

/* ---- the calls the CPython tests submit ---- */

typedef struct pair {
    long long a, b;
} pair;

static void mul_call(void *arg, cv_result *out)
{
    pair *p = arg;
    out->value = p->a * p->b;
}

static void pow_call(void *arg, cv_result *out)
{
    pair *p = arg;
    long long v = 1;
    for (long long i = 0; i < p->b; i++)
        v *= p->a;
    out->value = v;
}

/* divmod(a, b): the quotient as the value, "(q, r)" as the text. */
static void divmod_call(void *arg, cv_result *out)
{
    pair *p = arg;
    if (p->b == 0) {
        cv_result_fail(out, 1, "ZeroDivisionError: integer division or modulo by zero");
        return;
    }
    out->value = p->a / p->b;
    snprintf(out->text, sizeof out->text, "(%lld, %lld)", p->a / p->b, p->a % p->b);
}

static void abs_call(void *arg, cv_result *out)
{
    long long v = *(long long *)arg;
    out->value = v < 0 ? -v : v;
}

static void sleep_call(void *arg, cv_result *out)
{
    (void)out;
    test_sleep(*(double *)arg);
}

/* event.wait */
static void event_wait_call(void *arg, cv_result *out)
{
    (void)out;
    event_wait(arg);
}

/* wait_and_raise(e) */
static void wait_and_raise_call(void *arg, cv_result *out)
{
    event_wait(arg);
    cv_result_fail(out, 1, "this is an exception");
}

/* acquire_lock(sem) */
static void sem_wait_call(void *arg, cv_result *out)
{
    (void)out;
    while (sem_wait(arg) != 0) {
    }
}

static cv_future *submit(cv_pool *pool, cv_fn fn, void *arg)
{
    int err = 0;
    cv_future *f = cv_pool_submit(pool, "call", fn, arg, &err);
    assert_non_null(f);
    assert_int_equal(err, CV_OK);
    return f;
}

static cv_pool *executor(void)
{
    cv_pool *pool = cv_pool_create(NULL, WORKERS, NULL);
    assert_non_null(pool);
    return pool;
}

/* ======== test_future.py: FutureTests ======== */

typedef struct seen {
    int calls;
    int rc;
    cv_result r;
    bool cancelled;
} seen;

static void seen_cb(cv_future *f, void *arg)
{
    seen *s = arg;
    s->calls++;
    s->rc = cv_future_result(f, 0, &s->r);
    s->cancelled = cv_future_cancelled(f);
}

/* Ports test_future.py FutureTests.test_done_callback_with_result. */
static void test_done_callback_with_result(void **state)
{
    (void)state;
    seen s = {0};
    cv_future *f = cv_future_new(NULL, "f");
    cv_future_add_done_callback(f, seen_cb, &s);
    assert_int_equal(s.calls, 0);
    cv_result r = {.value = 5};
    cv_future_set_result(f, &r);
    assert_int_equal(s.calls, 1);
    assert_int_equal(s.rc, CV_OK);
    assert_int_equal(s.r.value, 5);
    cv_future_release(f);
}

/* Ports test_future.py FutureTests.test_done_callback_with_exception. */
static void test_done_callback_with_exception(void **state)
{
    (void)state;
    seen s = {0};
    cv_future *f = cv_future_new(NULL, "f");
    cv_future_add_done_callback(f, seen_cb, &s);
    cv_result r = {0};
    cv_result_fail(&r, 1, "test");
    cv_future_set_result(f, &r);
    assert_int_equal(s.calls, 1);
    assert_int_equal(s.rc, CV_EFAILED);
    assert_string_equal(s.r.message, "test");
    cv_future_release(f);
}

/* Ports test_future.py FutureTests.test_done_callback_with_cancel. */
static void test_done_callback_with_cancel(void **state)
{
    (void)state;
    seen s = {0};
    cv_future *f = cv_future_new(NULL, "f");
    cv_future_add_done_callback(f, seen_cb, &s);
    assert_true(cv_future_cancel(f));
    assert_int_equal(s.calls, 1);
    assert_true(s.cancelled);
    cv_future_release(f);
}

/* Ports test_future.py FutureTests.test_done_callback_already_successful. */
static void test_done_callback_already_successful(void **state)
{
    (void)state;
    seen s = {0};
    cv_future *f = cv_future_new(NULL, "f");
    cv_result r = {.value = 5};
    cv_future_set_result(f, &r);
    cv_future_add_done_callback(f, seen_cb, &s);
    assert_int_equal(s.calls, 1);
    assert_int_equal(s.r.value, 5);
    cv_future_release(f);
}

/* Ports test_future.py FutureTests.test_done_callback_already_failed. */
static void test_done_callback_already_failed(void **state)
{
    (void)state;
    seen s = {0};
    cv_future *f = cv_future_new(NULL, "f");
    cv_result r = {0};
    cv_result_fail(&r, 1, "test");
    cv_future_set_result(f, &r);
    cv_future_add_done_callback(f, seen_cb, &s);
    assert_int_equal(s.calls, 1);
    assert_int_equal(s.rc, CV_EFAILED);
    assert_string_equal(s.r.message, "test");
    cv_future_release(f);
}

/* Ports test_future.py FutureTests.test_done_callback_already_cancelled. */
static void test_done_callback_already_cancelled(void **state)
{
    (void)state;
    seen s = {0};
    cv_future *f = cv_future_new(NULL, "f");
    assert_true(cv_future_cancel(f));
    cv_future_add_done_callback(f, seen_cb, &s);
    assert_int_equal(s.calls, 1);
    assert_true(s.cancelled);
    cv_future_release(f);
}

/* Ports test_future.py FutureTests.test_cancel (CANCELLED_AND_NOTIFIED is
 * the same state as CANCELLED here). */
static void test_cancel(void **state)
{
    (void)state;
    cv_future *f1 = pending_future(), *f2 = running_future(), *f3 = cancelled_future(),
              *f5 = exception_future(), *f6 = successful_future();
    assert_true(cv_future_cancel(f1));
    assert_int_equal(cv_future_state(f1), CV_CANCELLED);
    assert_false(cv_future_cancel(f2));
    assert_int_equal(cv_future_state(f2), CV_RUNNING);
    assert_true(cv_future_cancel(f3));
    assert_int_equal(cv_future_state(f3), CV_CANCELLED);
    assert_false(cv_future_cancel(f5));
    assert_int_equal(cv_future_state(f5), CV_FAILED);
    assert_false(cv_future_cancel(f6));
    assert_int_equal(cv_future_state(f6), CV_FINISHED);
    cv_future *all[] = {f1, f2, f3, f5, f6};
    release_all(all, 5);
}

/* The five util.py futures, in util.py's order, for the three tests below. */
static void util_futures(cv_future *fs[5])
{
    fs[0] = pending_future();
    fs[1] = running_future();
    fs[2] = cancelled_future();
    fs[3] = exception_future();
    fs[4] = successful_future();
}

/* Ports test_future.py FutureTests.test_cancelled. */
static void test_cancelled(void **state)
{
    (void)state;
    cv_future *fs[5];
    util_futures(fs);
    const bool expect[5] = {false, false, true, false, false};
    for (int i = 0; i < 5; i++)
        assert_int_equal(cv_future_cancelled(fs[i]), expect[i]);
    release_all(fs, 5);
}

/* Ports test_future.py FutureTests.test_done. */
static void test_done(void **state)
{
    (void)state;
    cv_future *fs[5];
    util_futures(fs);
    const bool expect[5] = {false, false, true, true, true};
    for (int i = 0; i < 5; i++)
        assert_int_equal(cv_future_done(fs[i]), expect[i]);
    release_all(fs, 5);
}

/* Ports test_future.py FutureTests.test_running. */
static void test_running(void **state)
{
    (void)state;
    cv_future *fs[5];
    util_futures(fs);
    const bool expect[5] = {false, true, false, false, false};
    for (int i = 0; i < 5; i++)
        assert_int_equal(cv_future_running(fs[i]), expect[i]);
    release_all(fs, 5);
}

/* Ports test_future.py FutureTests.test_result_with_timeout. */
static void test_result_with_timeout(void **state)
{
    (void)state;
    cv_future *fs[5];
    util_futures(fs);
    cv_result r;
    assert_int_equal(cv_future_result(fs[0], 0, &r), CV_ETIMEDOUT);
    assert_int_equal(cv_future_result(fs[1], 0, &r), CV_ETIMEDOUT);
    assert_int_equal(cv_future_result(fs[2], 0, &r), CV_ECANCELLED);
    assert_int_equal(cv_future_result(fs[3], 0, &r), CV_EFAILED);
    assert_string_equal(r.message, "OSError");
    assert_int_equal(cv_future_result(fs[4], 0, &r), CV_OK);
    assert_int_equal(r.value, 42);
    release_all(fs, 5);
}

static void set_42(void *arg)
{
    cv_result r = {.value = 42};
    cv_future_set_result(arg, &r);
}

static void cancel_it(void *arg)
{
    cv_future_cancel(arg);
}

static void fail_oserror(void *arg)
{
    cv_result r = {0};
    cv_result_fail(&r, 5, "OSError");
    cv_future_set_result(arg, &r);
}

/* Ports test_future.py FutureTests.test_result_with_success. */
static void test_result_with_success(void **state)
{
    (void)state;
    cv_future *f1 = pending_future();
    later t;
    later_start(&t, 0.05, set_42, f1);
    cv_result r;
    assert_int_equal(cv_future_result(f1, 5, &r), CV_OK);
    assert_int_equal(r.value, 42);
    later_join(&t);
    cv_future_release(f1);
}

/* Ports test_future.py FutureTests.test_result_with_cancel. */
static void test_result_with_cancel(void **state)
{
    (void)state;
    cv_future *f1 = pending_future();
    later t;
    later_start(&t, 0.05, cancel_it, f1);
    assert_int_equal(cv_future_result(f1, 5, NULL), CV_ECANCELLED);
    later_join(&t);
    cv_future_release(f1);
}

/* Ports test_future.py FutureTests.test_exception_with_timeout:
 * exception() is result() answering CV_EFAILED; a success has no error. */
static void test_exception_with_timeout(void **state)
{
    (void)state;
    cv_future *fs[5];
    util_futures(fs);
    cv_result r;
    assert_int_equal(cv_future_result(fs[0], 0, &r), CV_ETIMEDOUT);
    assert_int_equal(cv_future_result(fs[1], 0, &r), CV_ETIMEDOUT);
    assert_int_equal(cv_future_result(fs[2], 0, &r), CV_ECANCELLED);
    assert_int_equal(cv_future_result(fs[3], 0, &r), CV_EFAILED);
    assert_int_equal(r.error, 5);
    assert_int_equal(cv_future_result(fs[4], 0, &r), CV_OK);
    assert_int_equal(r.error, 0);
    release_all(fs, 5);
}

/* Ports test_future.py FutureTests.test_exception_with_success. */
static void test_exception_with_success(void **state)
{
    (void)state;
    cv_future *f1 = pending_future();
    later t;
    later_start(&t, 0.05, fail_oserror, f1);
    cv_result r;
    assert_int_equal(cv_future_result(f1, 5, &r), CV_EFAILED);
    assert_string_equal(r.message, "OSError");
    later_join(&t);
    cv_future_release(f1);
}

/* Ports test_future.py FutureTests.test_multiple_set_result. */
static void test_multiple_set_result(void **state)
{
    (void)state;
    cv_future *f = pending_future();
    cv_result one = {.value = 1}, two = {.value = 2};
    assert_int_equal(cv_future_set_result(f, &one), CV_OK);
    assert_int_equal(cv_future_set_result(f, &two), CV_EINVALIDSTATE);
    assert_true(cv_future_done(f));
    cv_result r;
    assert_int_equal(cv_future_result(f, -1, &r), CV_OK);
    assert_int_equal(r.value, 1);
    cv_future_release(f);
}

/* Ports test_future.py FutureTests.test_multiple_set_exception. */
static void test_multiple_set_exception(void **state)
{
    (void)state;
    cv_future *f = pending_future();
    cv_result e = {0}, other = {0};
    cv_result_fail(&e, 1, "ValueError");
    cv_result_fail(&other, 2, "Exception");
    assert_int_equal(cv_future_set_result(f, &e), CV_OK);
    assert_int_equal(cv_future_set_result(f, &other), CV_EINVALIDSTATE);
    cv_result r;
    assert_int_equal(cv_future_result(f, -1, &r), CV_EFAILED);
    assert_int_equal(r.error, 1);
    assert_string_equal(r.message, "ValueError");
    cv_future_release(f);
}

/* ======== test_wait.py: WaitTests, ThreadPoolWaitTests ======== */

static void assert_flags(const uint8_t *done, const uint8_t *expect, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (done[i] != expect[i])
            fail_msg("future %zu: done is %d, expected %d", i, done[i], expect[i]);
}

static void event_set_cb(void *arg)
{
    event_set(arg);
}

/* Ports test_wait.py WaitTests.test_20369: a future listed twice.  The
 * call waits for an event set a little later, so that wait() has to wait
 * on the duplicate (CPython's mul may be done before wait() looks). */
static void test_wait_20369(void **state)
{
    (void)state;
    cv_pool *pool = executor();
    event ev;
    event_init(&ev);
    cv_future *f = submit(pool, event_wait_call, &ev);
    cv_future *fs[2] = {f, f};
    later t;
    later_start(&t, 0.05, event_set_cb, &ev);
    uint8_t done[2];
    assert_int_equal(cv_wait(fs, 2, -1, CV_ALL_COMPLETED, done), 2);
    assert_flags(done, (const uint8_t[]){1, 1}, 2);
    later_join(&t);
    cv_pool_destroy(pool);
    cv_future_release(f);
    event_destroy(&ev);
}

/* Ports test_wait.py WaitTests.test_first_completed.  CPython leaves its
 * CANCELLED_FUTURE (never notified) in not_done; ours is done once
 * cancelled, so the wait over the three returns at once with it, and the
 * CPython case proper is the wait over the two submitted futures. */
static void test_wait_first_completed(void **state)
{
    (void)state;
    cv_pool *pool = executor();
    event ev;
    event_init(&ev);
    pair p = {21, 2};
    cv_future *fs[3] = {cancelled_future(), submit(pool, mul_call, &p),
                        submit(pool, event_wait_call, &ev)};
    uint8_t done[3];
    cv_wait(fs, 3, -1, CV_FIRST_COMPLETED, done);
    assert_true(done[0]);
    assert_false(done[2]);
    assert_int_equal(cv_wait(fs + 1, 2, -1, CV_FIRST_COMPLETED, done), 1);
    assert_flags(done, (const uint8_t[]){1, 0}, 2);
    event_set(&ev);
    assert_int_equal(cv_future_result(fs[2], 5, NULL), CV_OK);
    cv_pool_destroy(pool);
    release_all(fs, 3);
    event_destroy(&ev);
}

/* Ports test_wait.py WaitTests.test_first_completed_some_already_completed. */
static void test_wait_first_completed_some_already_completed(void **state)
{
    (void)state;
    cv_pool *pool = executor();
    event ev;
    event_init(&ev);
    cv_future *fs[3] = {cancelled_future(), successful_future(),
                        submit(pool, event_wait_call, &ev)};
    uint8_t done[3];
    assert_int_equal(cv_wait(fs, 3, -1, CV_FIRST_COMPLETED, done), 2);
    assert_flags(done, (const uint8_t[]){1, 1, 0}, 3);
    event_set(&ev);
    assert_int_equal(cv_future_result(fs[2], 5, NULL), CV_OK);
    cv_pool_destroy(pool);
    release_all(fs, 3);
    event_destroy(&ev);
}

typedef struct wait_then_set {
    cv_future *f;
    event *e;
} wait_then_set;

/* wait_for_future1: future1.result(), then event1.set(). */
static void wait_for_future(void *arg)
{
    wait_then_set *w = arg;
    cv_future_result(w->f, -1, NULL);
    event_set(w->e);
}

/* Ports test_wait.py WaitTests.test_first_exception. */
static void test_wait_first_exception(void **state)
{
    (void)state;
    cv_pool *pool = executor();
    event event1, event2;
    event_init(&event1);
    event_init(&event2);
    pair p = {2, 21};
    cv_future *fs[3] = {submit(pool, mul_call, &p), submit(pool, wait_and_raise_call, &event1),
                        submit(pool, event_wait_call, &event2)};
    wait_then_set w = {fs[0], &event1};
    later t;
    later_start(&t, 0, wait_for_future, &w);
    uint8_t done[3];
    assert_int_equal(cv_wait(fs, 3, -1, CV_FIRST_EXCEPTION, done), 2);
    assert_flags(done, (const uint8_t[]){1, 1, 0}, 3);
    later_join(&t);
    event_set(&event2);
    assert_int_equal(cv_future_result(fs[2], 5, NULL), CV_OK);
    cv_pool_destroy(pool);
    release_all(fs, 3);
    event_destroy(&event1);
    event_destroy(&event2);
}

/* Ports test_wait.py WaitTests.test_first_exception_some_already_complete.
 * CPython's CANCELLED_FUTURE (never notified) stays pending there; ours
 * is done, like its CANCELLED_AND_NOTIFIED_FUTURE. */
static void test_wait_first_exception_some_already_complete(void **state)
{
    (void)state;
    cv_pool *pool = executor();
    event ev;
    event_init(&ev);
    pair p = {21, 0};
    cv_future *fs[5] = {successful_future(), cancelled_future(), cancelled_future(),
                        submit(pool, divmod_call, &p), submit(pool, event_wait_call, &ev)};
    uint8_t done[5];
    assert_int_equal(cv_wait(fs, 5, -1, CV_FIRST_EXCEPTION, done), 4);
    assert_flags(done, (const uint8_t[]){1, 1, 1, 1, 0}, 5);
    assert_int_equal(cv_future_state(fs[3]), CV_FAILED);
    event_set(&ev);
    assert_int_equal(cv_future_result(fs[4], 5, NULL), CV_OK);
    cv_pool_destroy(pool);
    release_all(fs, 5);
    event_destroy(&ev);
}

/* Ports test_wait.py WaitTests.test_first_exception_one_already_failed. */
static void test_wait_first_exception_one_already_failed(void **state)
{
    (void)state;
    cv_pool *pool = executor();
    event ev;
    event_init(&ev);
    cv_future *fs[2] = {exception_future(), submit(pool, event_wait_call, &ev)};
    uint8_t done[2];
    assert_int_equal(cv_wait(fs, 2, -1, CV_FIRST_EXCEPTION, done), 1);
    assert_flags(done, (const uint8_t[]){1, 0}, 2);
    event_set(&ev);
    assert_int_equal(cv_future_result(fs[1], 5, NULL), CV_OK);
    cv_pool_destroy(pool);
    release_all(fs, 2);
    event_destroy(&ev);
}

/* Ports test_wait.py WaitTests.test_all_completed. */
static void test_wait_all_completed(void **state)
{
    (void)state;
    cv_pool *pool = executor();
    pair zero = {2, 0}, p = {2, 21};
    cv_future *fs[5] = {successful_future(), cancelled_future(), exception_future(),
                        submit(pool, divmod_call, &zero), submit(pool, mul_call, &p)};
    uint8_t done[5];
    assert_int_equal(cv_wait(fs, 5, -1, CV_ALL_COMPLETED, done), 5);
    assert_flags(done, (const uint8_t[]){1, 1, 1, 1, 1}, 5);
    cv_pool_destroy(pool);
    release_all(fs, 5);
}

/* Ports test_wait.py WaitTests.test_timeout. */
static void test_wait_timeout(void **state)
{
    (void)state;
    cv_pool *pool = executor();
    event ev;
    event_init(&ev);
    cv_future *fs[4] = {cancelled_future(), exception_future(), successful_future(),
                        submit(pool, event_wait_call, &ev)};
    uint8_t done[4];
    assert_int_equal(cv_wait(fs, 4, 0.05, CV_ALL_COMPLETED, done), 3);
    assert_flags(done, (const uint8_t[]){1, 1, 1, 0}, 4);
    event_set(&ev);
    assert_int_equal(cv_future_result(fs[3], 5, NULL), CV_OK);
    cv_pool_destroy(pool);
    release_all(fs, 4);
    event_destroy(&ev);
}

/* Ports test_wait.py ThreadPoolWaitTests.test_pending_calls_race: 100
 * calls released at once while wait(ALL_COMPLETED) registers on them. */
static void test_wait_pending_calls_race(void **state)
{
    (void)state;
    cv_pool *pool = executor();
    event ev;
    event_init(&ev);
    cv_future *fs[100];
    for (int i = 0; i < 100; i++)
        fs[i] = submit(pool, event_wait_call, &ev);
    event_set(&ev);
    uint8_t done[100];
    assert_int_equal(cv_wait(fs, 100, -1, CV_ALL_COMPLETED, done), 100);
    cv_pool_destroy(pool);
    release_all(fs, 100);
    event_destroy(&ev);
}

/* ======== test_as_completed.py: AsCompletedTests ======== */

/* Drains it until it ends; returns what it ended with and counts what
 * it yielded, checking each is one of fs[0..n). */
static int drain(cv_as_completed *it, cv_future **fs, size_t n, uint8_t *yielded)
{
    memset(yielded, 0, n);
    cv_future *f;
    int rc;
    while ((rc = cv_as_completed_next(it, &f)) == CV_OK) {
        size_t i = 0;
        while (i < n && fs[i] != f)
            i++;
        assert_true(i < n);
        yielded[i]++;
    }
    return rc;
}

/* Ports test_as_completed.py AsCompletedTests.test_no_timeout. */
static void test_as_completed_no_timeout(void **state)
{
    (void)state;
    cv_pool *pool = executor();
    pair p1 = {2, 21}, p2 = {7, 6};
    cv_future *fs[5] = {cancelled_future(), exception_future(), successful_future(),
                        submit(pool, mul_call, &p1), submit(pool, mul_call, &p2)};
    cv_as_completed *it = cv_as_completed_start(fs, 5, -1);
    uint8_t yielded[5];
    assert_int_equal(drain(it, fs, 5, yielded), CV_EDONE);
    assert_flags(yielded, (const uint8_t[]){1, 1, 1, 1, 1}, 5);
    cv_as_completed_close(it);
    cv_pool_destroy(pool);
    release_all(fs, 5);
}

/* Ports test_as_completed.py AsCompletedTests.test_future_times_out, for
 * both its timeouts: the three done futures come out, then the timeout. */
static void test_as_completed_future_times_out(void **state)
{
    (void)state;
    const double timeouts[2] = {0, 0.1};
    for (int k = 0; k < 2; k++) {
        cv_pool *pool = executor();
        event ev;
        event_init(&ev);
        cv_future *fs[4] = {cancelled_future(), exception_future(), successful_future(),
                            submit(pool, event_wait_call, &ev)};
        cv_as_completed *it = cv_as_completed_start(fs, 4, timeouts[k]);
        uint8_t yielded[4];
        assert_int_equal(drain(it, fs, 4, yielded), CV_ETIMEDOUT);
        assert_flags(yielded, (const uint8_t[]){1, 1, 1, 0}, 4);
        cv_as_completed_close(it);
        event_set(&ev);
        cv_pool_destroy(pool);
        release_all(fs, 4);
        event_destroy(&ev);
    }
}

/* Ports test_as_completed.py AsCompletedTests.test_duplicate_futures. */
static void test_as_completed_duplicate_futures(void **state)
{
    (void)state;
    cv_pool *pool = executor();
    double d = 0.05;
    cv_future *future1 = submit(pool, sleep_call, &d);
    cv_future *fs[3] = {future1, future1, future1};
    cv_as_completed *it = cv_as_completed_start(fs, 3, -1);
    int completed = 0;
    cv_future *f;
    while (cv_as_completed_next(it, &f) == CV_OK) {
        assert_ptr_equal(f, future1);
        completed++;
    }
    assert_int_equal(completed, 1);
    cv_as_completed_close(it);
    cv_pool_destroy(pool);
    cv_future_release(future1);
}

/* Ports test_as_completed.py AsCompletedTests.test_correct_timeout_exception_msg:
 * "2 (of 4) futures unfinished". */
static void test_as_completed_correct_timeout_count(void **state)
{
    (void)state;
    cv_future *fs[4] = {cancelled_future(), pending_future(), running_future(),
                        successful_future()};
    cv_as_completed *it = cv_as_completed_start(fs, 4, 0);
    uint8_t yielded[4];
    assert_int_equal(drain(it, fs, 4, yielded), CV_ETIMEDOUT);
    assert_int_equal(cv_as_completed_unfinished(it), 2);
    cv_as_completed_close(it);
    release_all(fs, 4);
}

/* ======== test_shutdown.py: ExecutorShutdownTest, ThreadPoolShutdownTest ======== */

/* Ports test_shutdown.py ExecutorShutdownTest.test_run_after_shutdown. */
static void test_shutdown_run_after_shutdown(void **state)
{
    (void)state;
    cv_pool *pool = executor();
    cv_pool_shutdown(pool, true, false);
    pair p = {2, 5};
    int err = 0;
    assert_null(cv_pool_submit(pool, "pow", pow_call, &p, &err));
    assert_int_equal(err, CV_ESHUTDOWN);
    assert_string_equal(cv_strerror(err), "cannot schedule new futures after shutdown");
    cv_pool_destroy(pool);
}

/* Ports test_shutdown.py ExecutorShutdownTest.test_hang_issue12364 (the
 * sleeps are a tenth of CPython's). */
static void test_shutdown_hang_issue12364(void **state)
{
    (void)state;
    cv_pool *pool = executor();
    double d = 0.01;
    cv_future *fs[50];
    for (int i = 0; i < 50; i++)
        fs[i] = submit(pool, sleep_call, &d);
    cv_pool_shutdown(pool, true, false);
    for (int i = 0; i < 50; i++)
        assert_int_equal(cv_future_result(fs[i], -1, NULL), CV_OK);
    cv_pool_destroy(pool);
    release_all(fs, 50);
}

/* Ports test_shutdown.py ExecutorShutdownTest.test_cancel_futures, with
 * what CPython's comment says it cannot check made exact: each started
 * worker runs the call it was started for, and only those could run. */
static void test_shutdown_cancel_futures(void **state)
{
    (void)state;
    cv_pool *pool = executor();
    double d = 0.1;
    cv_future *fs[50];
    for (int i = 0; i < 50; i++)
        fs[i] = submit(pool, sleep_call, &d);
    int started = cv_pool_threads(pool);
    cv_pool_shutdown(pool, true, true);
    int cancelled = 0, others = 0;
    for (int i = 0; i < 50; i++) {
        if (cv_future_cancelled(fs[i])) {
            cancelled++;
            continue;
        }
        others++;
        assert_true(cv_future_done(fs[i]));
        assert_int_equal(cv_future_result(fs[i], 0, NULL), CV_OK);
    }
    assert_true(cancelled > 20);
    assert_true(others > 0);
    assert_true(others >= started);
    cv_pool_destroy(pool);
    release_all(fs, 50);
}

typedef struct apple {
    double seconds;
    recorder *out;
} apple;

/* sleep_and_print(t, msg) */
static void sleep_and_print_call(void *arg, cv_result *out)
{
    (void)out;
    apple *a = arg;
    test_sleep(a->seconds);
    record(a->out, "%s", "apple");
}

/* Ports test_shutdown.py ExecutorShutdownTest.test_hang_gh83386:
 * shutdown(wait=False) with a call running; the call still ends (prints
 * "apple") and the pool goes without hanging. */
static void test_shutdown_hang_gh83386(void **state)
{
    (void)state;
    recorder out;
    recorder_init(&out);
    apple a = {0.05, &out};
    cv_pool *pool = cv_pool_create(NULL, 3, NULL);
    cv_future *f = submit(pool, sleep_and_print_call, &a);
    cv_pool_shutdown(pool, false, false);
    cv_pool_destroy(pool);
    assert_int_equal(out.n, 1);
    assert_string_equal(out.lines[0], "apple");
    cv_future_release(f);
}

static void nothing_call(void *arg, cv_result *out)
{
    (void)arg;
    (void)out;
}

/* Ports test_shutdown.py ExecutorShutdownTest.test_hang_gh94440: a call
 * submitted and cancelled right before shutdown(wait=True). */
static void test_shutdown_hang_gh94440(void **state)
{
    (void)state;
    cv_pool *pool = cv_pool_create(NULL, 1, NULL);
    cv_future *f = submit(pool, nothing_call, NULL);
    assert_int_equal(cv_future_result(f, -1, NULL), CV_OK);
    cv_future_release(f);
    f = submit(pool, nothing_call, NULL);
    cv_future_cancel(f);
    cv_pool_shutdown(pool, true, false);
    assert_true(cv_future_done(f));
    cv_future_release(f);
    cv_pool_destroy(pool);
}

/* Ports test_shutdown.py ThreadPoolShutdownTest.test_threads_terminate. */
static void test_shutdown_threads_terminate(void **state)
{
    (void)state;
    cv_pool *pool = executor();
    sem_t sem;
    sem_init(&sem, 0, 0);
    cv_future *fs[3];
    for (int i = 0; i < 3; i++)
        fs[i] = submit(pool, sem_wait_call, &sem);
    assert_int_equal(cv_pool_threads(pool), 3);
    for (int i = 0; i < 3; i++)
        sem_post(&sem);
    cv_pool_shutdown(pool, true, false);
    for (int i = 0; i < 3; i++)
        assert_int_equal(cv_future_state(fs[i]), CV_FINISHED);
    cv_pool_destroy(pool);
    release_all(fs, 3);
    sem_destroy(&sem);
}

/* map(abs, range(-5, 5)) on pool. */
static cv_map *map_abs(cv_pool *pool, long long *args)
{
    cv_call calls[10];
    for (int i = 0; i < 10; i++) {
        args[i] = i - 5;
        calls[i] = (cv_call){abs_call, &args[i], "abs"};
    }
    int err;
    cv_map *m = cv_map_start(pool, calls, 10, -1, &err);
    assert_non_null(m);
    return m;
}

static void assert_map_abs(cv_map *m)
{
    cv_result r;
    for (long long i = -5; i < 5; i++) {
        assert_int_equal(cv_map_next(m, &r), CV_OK);
        assert_int_equal(r.value, i < 0 ? -i : i);
    }
    assert_int_equal(cv_map_next(m, &r), CV_EDONE);
}

/* Ports test_shutdown.py ThreadPoolShutdownTest.test_context_manager_shutdown
 * (`with` is create ... destroy). */
static void test_shutdown_context_manager_shutdown(void **state)
{
    (void)state;
    cv_pool *pool = executor();
    long long args[10];
    cv_map *m = map_abs(pool, args);
    assert_map_abs(m);
    cv_map_close(m);
    cv_pool_destroy(pool);
}

/* Ports test_shutdown.py ThreadPoolShutdownTest.test_del_shutdown: the
 * executor goes before its results are read; they were all computed. */
static void test_shutdown_del_shutdown(void **state)
{
    (void)state;
    cv_pool *pool = executor();
    long long args[10];
    cv_map *m = map_abs(pool, args);
    cv_pool_destroy(pool);
    assert_map_abs(m);
    cv_map_close(m);
}

/* Ports test_shutdown.py ThreadPoolShutdownTest.test_shutdown_no_wait. */
static void test_shutdown_no_wait(void **state)
{
    (void)state;
    cv_pool *pool = executor();
    long long args[10];
    cv_map *m = map_abs(pool, args);
    cv_pool_shutdown(pool, false, false);
    assert_map_abs(m);
    cv_map_close(m);
    cv_pool_destroy(pool);
}

/* The names of the worker threads the pool started, from its events. */
static int started_names(cv_pool *(*make)(cv_bus *), char names[][48], int max)
{
    cv_log *log = cv_log_create();
    cv_bus *bus = cv_bus_create(log, 0);
    cv_bus_attach(bus, CV_MAIN_LANE);
    cv_pool *pool = make(bus);
    long long args[10];
    cv_map *m = map_abs(pool, args);
    cv_map_close(m);
    cv_pool_destroy(pool);
    cv_bus_destroy(bus);
    int n = 0;
    for (size_t i = 0; i < cv_log_count(log); i++) {
        const cv_event *ev = cv_log_at(log, i);
        if (ev->kind == CV_EV_THREAD && ev->state == CV_THREAD_STARTED && n < max)
            snprintf(names[n++], 48, "%s", ev->text ? ev->text : "");
    }
    cv_log_destroy(log);
    return n;
}

/* Names "PREFIX 1" .. "PREFIX n", each once, in whatever order the
 * threads started. */
static void assert_names(char names[][48], int n, const char *prefix)
{
    assert_true(n >= 1 && n <= WORKERS);
    bool named[WORKERS + 1] = {false};
    for (int i = 0; i < n; i++) {
        size_t len = strlen(prefix);
        assert_memory_equal(names[i], prefix, len);
        assert_int_equal(names[i][len], ' ');
        int k = atoi(names[i] + len + 1);
        assert_true(k >= 1 && k <= n && !named[k]);
        named[k] = true;
    }
}

static cv_pool *special_pool(cv_bus *bus)
{
    return cv_pool_create(bus, WORKERS, "SpecialPool");
}

static cv_pool *default_pool(cv_bus *bus)
{
    return cv_pool_create(bus, WORKERS, NULL);
}

/* Ports test_shutdown.py ThreadPoolShutdownTest.test_thread_names_assigned.
 * CPython names them SpecialPool_0 ..; ours "SpecialPool 1" .., as the
 * screen numbers lanes. */
static void test_shutdown_thread_names_assigned(void **state)
{
    (void)state;
    char names[8][48];
    int n = started_names(special_pool, names, 8);
    assert_names(names, n, "SpecialPool");
}

/* Ports test_shutdown.py ThreadPoolShutdownTest.test_thread_names_default
 * (CPython: ThreadPoolExecutor-N_k; ours "worker k"). */
static void test_shutdown_thread_names_default(void **state)
{
    (void)state;
    char names[8][48];
    int n = started_names(default_pool, names, 8);
    assert_names(names, n, "worker");
}

/* Ports test_shutdown.py ThreadPoolShutdownTest.test_cancel_futures_wait_false.
 * CPython accepts "apple" or nothing; here the call is the started
 * worker's own, so it always runs. */
static void test_shutdown_cancel_futures_wait_false(void **state)
{
    (void)state;
    recorder out;
    recorder_init(&out);
    apple a = {0.05, &out};
    cv_pool *pool = cv_pool_create(NULL, cv_pool_default_workers(), NULL);
    cv_future *f = submit(pool, sleep_and_print_call, &a);
    cv_pool_shutdown(pool, false, true);
    cv_pool_destroy(pool);
    assert_int_equal(cv_future_state(f), CV_FINISHED);
    assert_int_equal(out.n, 1);
    assert_string_equal(out.lines[0], "apple");
    cv_future_release(f);
}

/* ======== test_thread_pool.py: ThreadPoolExecutorTest ======== */

typedef struct numbered {
    recorder *rec;
    char n[8];
} numbered;

/* record_finished(n) */
static void record_finished_call(void *arg, cv_result *out)
{
    (void)out;
    numbered *x = arg;
    record(x->rec, "%s", x->n);
}

/* Ports test_thread_pool.py ThreadPoolExecutorTest.test_map_submits_without_iteration:
 * the iterator is dropped unread, and every call still runs. */
static void test_thread_pool_map_submits_without_iteration(void **state)
{
    (void)state;
    recorder finished;
    recorder_init(&finished);
    numbered args[10];
    cv_call calls[10];
    for (int i = 0; i < 10; i++) {
        args[i].rec = &finished;
        snprintf(args[i].n, sizeof args[i].n, "%d", i);
        calls[i] = (cv_call){record_finished_call, &args[i], "record"};
    }
    cv_pool *pool = executor();
    cv_map_close(cv_map_start(pool, calls, 10, -1, NULL));
    cv_pool_shutdown(pool, true, false);
    assert_int_equal(finished.n, 10);
    bool got[10] = {false};
    for (int i = 0; i < 10; i++)
        got[atoi(finished.lines[i])] = true;
    for (int i = 0; i < 10; i++)
        assert_true(got[i]);
    cv_pool_destroy(pool);
}

/* Ports test_thread_pool.py ThreadPoolExecutorTest.test_default_workers:
 * min(32, cpu_count + 4) (Python 3.11's os.cpu_count(): online cores). */
static void test_thread_pool_default_workers(void **state)
{
    (void)state;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int expected = cores + 4 < 32 ? (int)cores + 4 : 32;
    cv_pool *pool = cv_pool_create(NULL, cv_pool_default_workers(), NULL);
    assert_int_equal(cv_pool_max_workers(pool), expected);
    cv_pool_destroy(pool);
}

/* Ports test_thread_pool.py ThreadPoolExecutorTest.test_saturation. */
static void test_thread_pool_saturation(void **state)
{
    (void)state;
    cv_pool *pool = cv_pool_create(NULL, 4, NULL);
    sem_t sem;
    sem_init(&sem, 0, 0);
    cv_future *fs[60];
    for (int i = 0; i < 60; i++)
        fs[i] = submit(pool, sem_wait_call, &sem);
    assert_int_equal(cv_pool_threads(pool), 4);
    for (int i = 0; i < 60; i++)
        sem_post(&sem);
    cv_pool_shutdown(pool, true, false);
    for (int i = 0; i < 60; i++)
        assert_int_equal(cv_future_state(fs[i]), CV_FINISHED);
    cv_pool_destroy(pool);
    release_all(fs, 60);
    sem_destroy(&sem);
}

/* Ports test_thread_pool.py ThreadPoolExecutorTest.test_idle_thread_reuse. */
static void test_thread_pool_idle_thread_reuse(void **state)
{
    (void)state;
    cv_pool *pool = cv_pool_create(NULL, cv_pool_default_workers(), NULL);
    pair ps[3] = {{21, 2}, {6, 7}, {3, 14}};
    for (int i = 0; i < 3; i++) {
        cv_future *f = submit(pool, mul_call, &ps[i]);
        cv_result r;
        assert_int_equal(cv_future_result(f, -1, &r), CV_OK);
        assert_int_equal(r.value, 42);
        cv_future_release(f);
    }
    assert_int_equal(cv_pool_threads(pool), 1);
    cv_pool_destroy(pool);
}

typedef struct ident {
    const char *name;
    recorder *log;
    event *stop;
} ident;

/* log_n_wait(ident) */
static void log_n_wait_call(void *arg, cv_result *out)
{
    (void)out;
    ident *id = arg;
    record(id->log, "ident='%s' started", id->name);
    event_wait(id->stop);
    record(id->log, "ident='%s' stopped", id->name);
}

/* Ports test_thread_pool.py ThreadPoolExecutorTest.test_executor_map_current_future_cancel:
 * map's timeout cancels the call it was waiting for and the rest. */
static void test_thread_pool_executor_map_current_future_cancel(void **state)
{
    (void)state;
    event stop;
    event_init(&stop);
    recorder log;
    recorder_init(&log);
    ident first = {"first", &log, &stop}, second = {"second", &log, &stop},
          third = {"third", &log, &stop};
    cv_pool *pool = cv_pool_create(NULL, 1, NULL);
    cv_future *fut = submit(pool, log_n_wait_call, &first);
    cv_call calls[2] = {{log_n_wait_call, &second, "second"}, {log_n_wait_call, &third, "third"}};
    cv_map *gen = cv_map_start(pool, calls, 2, 0, NULL);
    assert_non_null(gen);
    assert_int_equal(cv_map_next(gen, NULL), CV_ETIMEDOUT);
    cv_map_close(gen);
    event_set(&stop);
    assert_int_equal(cv_future_result(fut, -1, NULL), CV_OK);
    cv_pool_destroy(pool);
    assert_int_equal(log.n, 2);
    assert_string_equal(log.lines[0], "ident='first' started");
    assert_string_equal(log.lines[1], "ident='first' stopped");
    cv_future_release(fut);
    event_destroy(&stop);
}

/* ======== executor.py: ExecutorTest (run for the thread pool) ======== */

/* Ports executor.py ExecutorTest.test_submit. */
static void test_executor_submit(void **state)
{
    (void)state;
    cv_pool *pool = executor();
    pair p = {2, 8};
    cv_future *f = submit(pool, pow_call, &p);
    cv_result r;
    assert_int_equal(cv_future_result(f, -1, &r), CV_OK);
    assert_int_equal(r.value, 256);
    cv_future_release(f);
    cv_pool_destroy(pool);
}

/* Ports executor.py ExecutorTest.test_map (chunksize is the process
 * pool's; the thread pool ignores it). */
static void test_executor_map(void **state)
{
    (void)state;
    cv_pool *pool = executor();
    pair ps[10];
    cv_call calls[10];
    for (int i = 0; i < 10; i++) {
        ps[i] = (pair){i, i};
        calls[i] = (cv_call){pow_call, &ps[i], "pow"};
    }
    cv_map *m = cv_map_start(pool, calls, 10, -1, NULL);
    cv_result r;
    for (int i = 0; i < 10; i++) {
        long long v = 1;
        for (int k = 0; k < i; k++)
            v *= i;
        assert_int_equal(cv_map_next(m, &r), CV_OK);
        assert_int_equal(r.value, v);
    }
    assert_int_equal(cv_map_next(m, &r), CV_EDONE);
    cv_map_close(m);
    cv_pool_destroy(pool);
}

/* Ports executor.py ExecutorTest.test_map_exception: divmod by zero ends
 * the iteration (as the generator of Python 3.11 here ends). */
static void test_executor_map_exception(void **state)
{
    (void)state;
    cv_pool *pool = executor();
    pair ps[4] = {{1, 2}, {1, 3}, {1, 0}, {1, 5}};
    cv_call calls[4];
    for (int i = 0; i < 4; i++)
        calls[i] = (cv_call){divmod_call, &ps[i], "divmod"};
    cv_map *i = cv_map_start(pool, calls, 4, -1, NULL);
    cv_result r;
    assert_int_equal(cv_map_next(i, &r), CV_OK);
    assert_string_equal(r.text, "(0, 1)");
    assert_int_equal(cv_map_next(i, &r), CV_OK);
    assert_string_equal(r.text, "(0, 1)");
    assert_int_equal(cv_map_next(i, &r), CV_EFAILED);
    assert_string_equal(r.message, "ZeroDivisionError: integer division or modulo by zero");
    assert_int_equal(cv_map_next(i, &r), CV_EDONE);
    cv_map_close(i);
    cv_pool_destroy(pool);
}

/* Ports executor.py ExecutorTest.test_map_timeout: map(time.sleep, [0, 0,
 * 6], timeout=5), with the long sleep an event set after the timeout. */
static void test_executor_map_timeout(void **state)
{
    (void)state;
    cv_pool *pool = executor();
    event ev;
    event_init(&ev);
    double zero = 0;
    cv_call calls[3] = {{sleep_call, &zero, "sleep"}, {sleep_call, &zero, "sleep"},
                        {event_wait_call, &ev, "sleep"}};
    cv_map *i = cv_map_start(pool, calls, 3, 0.2, NULL);
    int results = 0, rc;
    while ((rc = cv_map_next(i, NULL)) == CV_OK)
        results++;
    assert_int_equal(rc, CV_ETIMEDOUT);
    assert_true(results <= 2); /* gh-110097: [None, None], [None] or [] */
    /* The remaining calls are cancelled, so the iterator is exhausted. */
    assert_int_equal(cv_map_next(i, NULL), CV_EDONE);
    assert_int_equal(cv_map_next(i, NULL), CV_EDONE);
    event_set(&ev);
    cv_map_close(i);
    cv_pool_destroy(pool);
    event_destroy(&ev);
}

/* Ports executor.py ExecutorTest.test_shutdown_race_issue12456. */
static void test_executor_shutdown_race_issue12456(void **state)
{
    (void)state;
    cv_pool *pool = executor();
    long long two[WORKERS + 1];
    cv_call calls[WORKERS + 1];
    for (int i = 0; i < WORKERS + 1; i++) {
        two[i] = 2;
        calls[i] = (cv_call){abs_call, &two[i], "str"};
    }
    cv_map *m = cv_map_start(pool, calls, WORKERS + 1, -1, NULL);
    cv_pool_shutdown(pool, true, false);
    for (size_t i = 0; i < WORKERS + 1; i++)
        assert_int_equal(cv_future_state(cv_map_future(m, i)), CV_FINISHED);
    cv_map_close(m);
    cv_pool_destroy(pool);
}

/* Ports executor.py ExecutorTest.test_max_workers_negative. */
static void test_executor_max_workers_negative(void **state)
{
    (void)state;
    const int numbers[2] = {0, -1};
    for (int i = 0; i < 2; i++)
        assert_null(cv_pool_create(NULL, numbers[i], NULL));
}

/* Ports executor.py ExecutorTest.test_map_close, its part that applies
 * (cv_map_close frees the iterator, so there is no next() after it): a
 * close after one next() cancels the calls that have not started. */
static void test_executor_map_close(void **state)
{
    (void)state;
    event ev;
    event_init(&ev);
    cv_pool *pool = cv_pool_create(NULL, 1, NULL);
    pair first = {5, 2};
    cv_call calls[4] = {{divmod_call, &first, "divmod"}, {event_wait_call, &ev, "wait"},
                        {event_wait_call, &ev, "wait"}, {event_wait_call, &ev, "wait"}};
    cv_map *i = cv_map_start(pool, calls, 4, -1, NULL);
    cv_result r;
    assert_int_equal(cv_map_next(i, &r), CV_OK);
    assert_string_equal(r.text, "(2, 1)");
    cv_future *last = cv_map_future(i, 3);
    cv_future_retain(last);
    cv_map_close(i);
    assert_true(cv_future_cancelled(last));
    event_set(&ev);
    cv_pool_destroy(pool);
    cv_future_release(last);
    event_destroy(&ev);
}

static void falsey_call(void *arg, cv_result *out)
{
    cv_result_fail(out, 0, "%s", (const char *)arg);
}

/* Ports executor.py ExecutorTest.test_swallows_falsey_exceptions: a
 * failure whose code is 0 is still a failure. */
static void test_executor_swallows_falsey_exceptions(void **state)
{
    (void)state;
    cv_pool *pool = executor();
    cv_future *f = submit(pool, falsey_call, "boolbool");
    cv_result r;
    assert_int_equal(cv_future_result(f, -1, &r), CV_EFAILED);
    assert_string_equal(r.message, "boolbool");
    assert_int_not_equal(r.error, 0);
    cv_future_release(f);
    cv_pool_destroy(pool);
}

/* ======== test_deadlock.py: ExecutorDeadlockTest (process pools) ======== */

static void raise_runtime_error(void *arg, cv_result *out)
{
    (void)arg;
    cv_result_fail(out, 1, "RuntimeError");
}

/* Ports test_deadlock.py ExecutorDeadlockTest.test_error_during_func_exec_on_worker,
 * the one case with a thread-pool meaning: a call's failure reaches
 * result() and the pool shuts down, with no deadlock. */
static void test_deadlock_error_during_func_exec_on_worker(void **state)
{
    (void)state;
    cv_pool *pool = cv_pool_create(NULL, 2, NULL);
    cv_future *res = submit(pool, raise_runtime_error, NULL);
    cv_result r;
    assert_int_equal(cv_future_result(res, 30, &r), CV_EFAILED);
    assert_string_equal(r.message, "RuntimeError");
    cv_pool_shutdown(pool, true, false);
    cv_pool_destroy(pool);
    cv_future_release(res);
}

/* `test_cpython_futures PATTERN` runs the tests whose names match (`*`
 * allowed): one CPython case at a time. */
int main(int argc, char **argv)
{
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    const struct CMUnitTest tests[] = {
        /* test_future.py */
        cmocka_unit_test(test_done_callback_with_result),
        cmocka_unit_test(test_done_callback_with_exception),
        cmocka_unit_test(test_done_callback_with_cancel),
        cmocka_unit_test(test_done_callback_already_successful),
        cmocka_unit_test(test_done_callback_already_failed),
        cmocka_unit_test(test_done_callback_already_cancelled),
        cmocka_unit_test(test_cancel),
        cmocka_unit_test(test_cancelled),
        cmocka_unit_test(test_done),
        cmocka_unit_test(test_running),
        cmocka_unit_test(test_result_with_timeout),
        cmocka_unit_test(test_result_with_success),
        cmocka_unit_test(test_result_with_cancel),
        cmocka_unit_test(test_exception_with_timeout),
        cmocka_unit_test(test_exception_with_success),
        cmocka_unit_test(test_multiple_set_result),
        cmocka_unit_test(test_multiple_set_exception),
        /* test_wait.py */
        cmocka_unit_test(test_wait_20369),
        cmocka_unit_test(test_wait_first_completed),
        cmocka_unit_test(test_wait_first_completed_some_already_completed),
        cmocka_unit_test(test_wait_first_exception),
        cmocka_unit_test(test_wait_first_exception_some_already_complete),
        cmocka_unit_test(test_wait_first_exception_one_already_failed),
        cmocka_unit_test(test_wait_all_completed),
        cmocka_unit_test(test_wait_timeout),
        cmocka_unit_test(test_wait_pending_calls_race),
        /* test_as_completed.py */
        cmocka_unit_test(test_as_completed_no_timeout),
        cmocka_unit_test(test_as_completed_future_times_out),
        cmocka_unit_test(test_as_completed_duplicate_futures),
        cmocka_unit_test(test_as_completed_correct_timeout_count),
        /* test_shutdown.py */
        cmocka_unit_test(test_shutdown_run_after_shutdown),
        cmocka_unit_test(test_shutdown_hang_issue12364),
        cmocka_unit_test(test_shutdown_cancel_futures),
        cmocka_unit_test(test_shutdown_hang_gh83386),
        cmocka_unit_test(test_shutdown_hang_gh94440),
        cmocka_unit_test(test_shutdown_threads_terminate),
        cmocka_unit_test(test_shutdown_context_manager_shutdown),
        cmocka_unit_test(test_shutdown_del_shutdown),
        cmocka_unit_test(test_shutdown_no_wait),
        cmocka_unit_test(test_shutdown_thread_names_assigned),
        cmocka_unit_test(test_shutdown_thread_names_default),
        cmocka_unit_test(test_shutdown_cancel_futures_wait_false),
        /* test_thread_pool.py */
        cmocka_unit_test(test_thread_pool_map_submits_without_iteration),
        cmocka_unit_test(test_thread_pool_default_workers),
        cmocka_unit_test(test_thread_pool_saturation),
        cmocka_unit_test(test_thread_pool_idle_thread_reuse),
        cmocka_unit_test(test_thread_pool_executor_map_current_future_cancel),
        /* executor.py */
        cmocka_unit_test(test_executor_submit),
        cmocka_unit_test(test_executor_map),
        cmocka_unit_test(test_executor_map_exception),
        cmocka_unit_test(test_executor_map_timeout),
        cmocka_unit_test(test_executor_shutdown_race_issue12456),
        cmocka_unit_test(test_executor_max_workers_negative),
        cmocka_unit_test(test_executor_map_close),
        cmocka_unit_test(test_executor_swallows_falsey_exceptions),
        /* test_deadlock.py */
        cmocka_unit_test(test_deadlock_error_during_func_exec_on_worker),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
