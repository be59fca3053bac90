/*
 * CPython's own asyncio tests, ported: Lib/test/test_asyncio/test_tasks.py
 * and the done-callback cases of test_futures.py, plus the few cases of
 * test_timeouts.py and test_waitfor.py that check the timeout scope.  Each
 * test names the CPython test it ports; /work/briefs/table-aio.md lists
 * the cases that do not apply and why.
 *
 * asyncio.Future has no twin on the loop, so the tests' bare futures are
 * "gates" here: a task that awaits a wait queue until the test sets its
 * result (wakes it) or cancels it.  A gate is done one turn after it is
 * set, where a future is done at once; every check that follows runs the
 * loop first, as CPython's tests do with run_briefly.  CPython's tests
 * drive a test loop with a fake clock; these run the real clock with short
 * sleeps and check order and outcome, never how long something took,
 * except that a timeout did not wait for the long sleep it cut short.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "aio.h"
#include "coro.h"
#include "loop.h"
#include "pool.h"
#include "task.h"

/* What happened, in order, as short words joined by spaces. */
static char seen[512];

static void note(const char *fmt, ...)
{
    char word[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(word, sizeof word, fmt, ap);
    va_end(ap);
    size_t n = strlen(seen);
    snprintf(seen + n, sizeof seen - n, "%s%s", n > 0 ? " " : "", word);
}

static int setup(void **state)
{
    (void)state;
    seen[0] = '\0';
    return 0;
}

static cv_loop *new_loop(void)
{
    cv_loop *loop = cv_loop_create(NULL, 1);
    assert_non_null(loop);
    return loop;
}

/* ---- the pieces the tests are made of ---- */

/* A future: a task that ends when the test sets it. */
typedef struct gate {
    cv_waitq q;
    long long value;
    bool fail;
} gate;

static int gate_step(cv_task *t, void *arg)
{
    gate *g = arg;
    CV_CORO_BEGIN(t);
    CV_AWAIT_QUEUE(t, &g->q, "future");
    if (g->fail)
        CV_FAIL(t, 5, "RuntimeError: %lld", g->value);
    CV_RETURN(t, g->value);
    CV_CORO_END(t);
}

static cv_task *gate_start(cv_loop *loop, gate *g)
{
    cv_waitq_init(&g->q, NULL);
    g->value = 0;
    g->fail = false;
    cv_task *t = cv_task_create(loop, "gate", gate_step, g);
    assert_non_null(t);
    return t;
}

/* future.set_result(v) / set_exception(): true if the gate was waiting. */
static bool gate_set(gate *g, long long value, bool fail)
{
    g->value = value;
    g->fail = fail;
    return cv_waitq_wake_one(&g->q, CV_OK);
}

/* async def job(): [await sleep(s)]; [raise]; return value */
typedef struct job {
    double sleep;      /* > 0: sleeps first; 0: yields once; < 0: no await */
    long long value;
    bool fail;
    bool catch_cancel; /* except CancelledError: return -1 */
    bool linger;       /* except CancelledError: sleep a little; raise */
    bool fail_on_cancel; /* finally: raise FooException (when cancelled) */
    const char *name;  /* noted when its body ends */
} job;

static int job_step(cv_task *t, void *arg)
{
    job *j = arg;
    CV_CORO_BEGIN(t);
    if (j->sleep >= 0) {
        CV_TRY_AWAIT(t, CV_AWAIT_SLEEP(t, j->sleep));
        if (CV_AWAIT_STATUS(t) == CV_ECANCELLED && j->catch_cancel)
            CV_RETURN(t, -1);
        if (CV_AWAIT_STATUS(t) == CV_ECANCELLED && j->fail_on_cancel)
            CV_FAIL(t, 13, "FooException");
        if (CV_AWAIT_STATUS(t) == CV_ECANCELLED && j->linger) {
            CV_AWAIT_SLEEP(t, 0.001);
            note("lingered");
            cv_task_cancel(t); /* raise: it ends cancelled */
            CV_RETURN(t, 0);
        }
        if (CV_AWAIT_STATUS(t) != CV_OK)
            CV_RERAISE(t);
    }
    if (j->name != NULL)
        note("%s", j->name);
    if (j->fail)
        CV_FAIL(t, 7, "ZeroDivisionError");
    CV_RETURN(t, j->value);
    CV_CORO_END(t);
}

static cv_task *job_start(cv_loop *loop, job *j)
{
    cv_task *t = cv_task_create(loop, j->name != NULL ? j->name : "job", job_step, j);
    assert_non_null(t);
    return t;
}

/* test_utils.run_briefly: a few turns of the loop. */
static int briefly_step(cv_task *t, void *arg)
{
    int *n = arg;
    CV_CORO_BEGIN(t);
    while (*n > 0) {
        (*n)--;
        CV_YIELD(t);
    }
    CV_CORO_END(t);
}

static void run_briefly(cv_loop *loop)
{
    int n = 3;
    cv_task *t = cv_task_create(loop, "briefly", briefly_step, &n);
    assert_non_null(t);
    assert_int_equal(cv_loop_run_until_complete(loop, t, NULL), CV_OK);
    cv_task_release(t);
}

/* A run that would hang on a bug stops after a few seconds instead, so
 * that the test fails at its assertion rather than at ctest's timeout. */
static cv_timer guard;

static void guard_fired(void *arg)
{
    cv_loop_stop(arg);
}

static int run_guarded(cv_loop *loop, cv_task *t, cv_result *r)
{
    cv_timer_init(loop, &guard, guard_fired, loop);
    cv_timer_start(&guard, 5);
    int rc = cv_loop_run_until_complete(loop, t, r);
    cv_timer_stop(&guard);
    return rc;
}

static long long value_of(cv_task *t)
{
    cv_result r;
    assert_int_equal(cv_task_result(t, &r), CV_OK);
    return r.value;
}

/* A done callback that notes its word. */
static void bag_append(cv_task *t, void *arg)
{
    (void)t;
    note("%s", (const char *)arg);
}

/* ---- test_futures.py: BaseFutureDoneCallbackTests ---- */

/* Ports test_futures.py BaseFutureDoneCallbackTests
 * test_callbacks_invoked_on_set_result and
 * test_callbacks_invoked_on_set_exception: the callbacks run after the
 * future is done, on a later turn, in the order they were added. */
static void test_callbacks_invoked_on_set_result(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    gate g, h;
    cv_task *f = gate_start(loop, &g);
    cv_task *e = gate_start(loop, &h);
    run_briefly(loop);
    assert_int_equal(cv_task_add_done_callback(f, bag_append, "42"), CV_OK);
    assert_int_equal(cv_task_add_done_callback(f, bag_append, "17"), CV_OK);
    assert_int_equal(cv_task_add_done_callback(e, bag_append, "100"), CV_OK);
    assert_string_equal(seen, "");
    gate_set(&g, 1, false);
    run_briefly(loop);
    assert_string_equal(seen, "42 17");
    assert_int_equal(value_of(f), 1);
    gate_set(&h, 2, true);
    run_briefly(loop);
    assert_string_equal(seen, "42 17 100");
    assert_int_equal(cv_task_result(e, NULL), CV_EFAILED);
    cv_task_release(f);
    cv_task_release(e);
    cv_loop_destroy(loop);
}

/* The callback must not run inside the call that ends the task: asyncio
 * schedules it with call_soon.  Here the task that ends notes "end" in the
 * same step; the callback's word comes only after the loop turned, and
 * after a task that was ready before it ran (the ready queue is FIFO). */
typedef struct ender {
    cv_task *self;
} ender;

static int ender_step(cv_task *t, void *arg)
{
    (void)arg;
    CV_CORO_BEGIN(t);
    CV_YIELD(t);
    note("end");
    CV_CORO_END(t);
}

static int bystander_step(cv_task *t, void *arg)
{
    (void)arg;
    CV_CORO_BEGIN(t);
    CV_YIELD(t);
    note("bystander");
    CV_CORO_END(t);
}

/* Ports test_futures.py BaseFutureDoneCallbackTests
 * test_callbacks_invoked_on_set_result, the half about when: not inside
 * set_result, but through the loop's ready queue (Future.__schedule_callbacks
 * uses call_soon), after the callbacks that were ready first. */
static void test_callbacks_scheduled_not_called(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    cv_task *a = cv_task_create(loop, "a", ender_step, NULL);
    cv_task *b = cv_task_create(loop, "b", bystander_step, NULL);
    cv_task_add_done_callback(a, bag_append, "cb");
    cv_loop_run(loop);
    assert_string_equal(seen, "end bystander cb");
    cv_task_release(a);
    cv_task_release(b);
    cv_loop_destroy(loop);
}

/* Ports test_futures.py BaseFutureDoneCallbackTests
 * test_callbacks_remove_first_callback,
 * test_callbacks_remove_first_and_second_callback and
 * test_callbacks_remove_third_callback (a C callback is a function and an
 * argument; the pair is what is removed). */
static void test_callbacks_remove(void **state)
{
    (void)state;
    static const char *const removed[3][2] = {{"42", NULL}, {"42", "17"}, {"100", NULL}};
    static const char *const left[3] = {"17 100", "100", "42 17"};
    for (int k = 0; k < 3; k++) {
        seen[0] = '\0';
        cv_loop *loop = new_loop();
        gate g;
        cv_task *f = gate_start(loop, &g);
        run_briefly(loop);
        static char *words[] = {"42", "17", "100"};
        for (int i = 0; i < 3; i++)
            cv_task_add_done_callback(f, bag_append, words[i]);
        for (int i = 0; i < 2; i++) {
            for (int w = 0; w < 3 && removed[k][i] != NULL; w++) {
                if (strcmp(words[w], removed[k][i]) == 0) {
                    assert_int_equal(cv_task_remove_done_callback(f, bag_append, words[w]), 1);
                    /* Removing it again finds nothing. */
                    assert_int_equal(cv_task_remove_done_callback(f, bag_append, words[w]), 0);
                }
            }
        }
        assert_string_equal(seen, "");
        gate_set(&g, 1, false);
        run_briefly(loop);
        assert_string_equal(seen, left[k]);
        cv_task_release(f);
        cv_loop_destroy(loop);
    }
}

/* Ports test_futures.py BaseFutureDoneCallbackTests test_remove_done_callback:
 * remove takes back every registration and says how many. */
static void test_remove_done_callback(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    gate g;
    cv_task *f = gate_start(loop, &g);
    run_briefly(loop);
    static char one[] = "1", two[] = "2", three[] = "3";
    cv_task_add_done_callback(f, bag_append, one);
    cv_task_add_done_callback(f, bag_append, two);
    assert_int_equal(cv_task_remove_done_callback(f, bag_append, two), 1);
    assert_int_equal(cv_task_remove_done_callback(f, bag_append, three), 0);
    cv_task_add_done_callback(f, bag_append, two);
    for (int i = 0; i < 5; i++)
        cv_task_add_done_callback(f, bag_append, one);
    assert_int_equal(cv_task_remove_done_callback(f, bag_append, one), 6);
    assert_string_equal(seen, "");
    gate_set(&g, 1, false);
    run_briefly(loop);
    assert_string_equal(seen, "2");
    cv_task_release(f);
    cv_loop_destroy(loop);
}

/* A callback that removes the other callbacks of its task. */
static void remove_others(cv_task *t, void *arg)
{
    note("mut");
    assert_int_equal(cv_task_remove_done_callback(t, bag_append, arg), 0);
}

/* Ports test_futures.py BaseFutureDoneCallbackTests
 * test_schedule_callbacks_list_mutation_1: once the task is done its
 * callbacks are scheduled, so a callback removing the others changes
 * nothing (remove returns 0) and they all run. */
static void test_schedule_callbacks_list_mutation_1(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    static char str[] = "str";
    job j = {.sleep = -1};
    cv_task *f = job_start(loop, &j);
    cv_task_add_done_callback(f, remove_others, str);
    cv_task_add_done_callback(f, bag_append, str);
    cv_task_add_done_callback(f, bag_append, str);
    cv_loop_run(loop);
    assert_string_equal(seen, "mut str str");
    cv_task_release(f);
    cv_loop_destroy(loop);
}

/* Ports the rule behind test_futures.py BaseFutureTests' callbacks on a
 * done future (Future.add_done_callback: "If the future is already done
 * when this method is called, the callback is scheduled with
 * call_soon()"): added after the end, it still runs, on a later turn. */
static void test_add_done_callback_when_done(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    job j = {.sleep = -1, .value = 3};
    cv_task *f = job_start(loop, &j);
    cv_loop_run(loop);
    assert_true(cv_task_done(f));
    cv_task_add_done_callback(f, bag_append, "late");
    assert_string_equal(seen, "");
    assert_int_equal(cv_task_remove_done_callback(f, bag_append, "late"), 0);
    cv_loop_run(loop);
    assert_string_equal(seen, "late");
    cv_task_release(f);
    cv_loop_destroy(loop);
}

/* A loop destroyed with callbacks owed drops them (loop.close() clears the
 * ready queue); nothing leaks, which ASan checks.  The task stops the loop
 * as it ends, so its callback is scheduled for a turn that never comes
 * (run_until_complete would run that turn: its own callback comes after). */
static int stop_and_return(cv_task *t, void *arg)
{
    (void)arg;
    CV_CORO_BEGIN(t);
    cv_loop_stop(cv_task_loop(t));
    CV_RETURN(t, 1);
    CV_CORO_END(t);
}

static void test_callbacks_dropped_with_loop(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    gate g;
    cv_task *f = cv_task_create(loop, "stopper", stop_and_return, NULL);
    cv_task *p = gate_start(loop, &g);
    cv_task_add_done_callback(f, bag_append, "never");
    cv_task_add_done_callback(p, bag_append, "never");
    assert_int_equal(cv_loop_run(loop), CV_OK);
    assert_true(cv_task_done(f));
    cv_loop_destroy(loop); /* f's callback is scheduled, p is still pending */
    assert_string_equal(seen, "");
    cv_task_release(f);
    cv_task_release(p);
}

/* ---- test_tasks.py: tasks and cancellation ---- */

/* async def outer(): a = await inner1(); b = await inner2(); return a+b */
typedef struct basics {
    long long a;
} basics;

static int inner1(cv_task *t, void *arg)
{
    (void)arg;
    CV_CORO_BEGIN(t);
    CV_RETURN(t, 42);
    CV_CORO_END(t);
}

static int inner2(cv_task *t, void *arg)
{
    (void)arg;
    CV_CORO_BEGIN(t);
    CV_RETURN(t, 1000);
    CV_CORO_END(t);
}

static int outer_basics(cv_task *t, void *arg)
{
    basics *b = arg;
    CV_CORO_BEGIN(t);
    CV_AWAIT_CORO(t, inner1, NULL);
    b->a = CV_AWAITED_VALUE(t);
    CV_AWAIT_CORO(t, inner2, NULL);
    CV_RETURN(t, b->a + CV_AWAITED_VALUE(t));
    CV_CORO_END(t);
}

/* Ports test_tasks.py BaseTaskTests test_task_basics (and test_task_class:
 * done, with its result). */
static void test_task_basics(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    basics b = {0};
    cv_result r;
    assert_int_equal(cv_loop_run_main(loop, "outer", outer_basics, &b, &r), CV_OK);
    assert_int_equal(r.value, 1042);
    cv_loop_destroy(loop);
}

static int await_self(cv_task *t, void *arg)
{
    cv_task **self = arg;
    CV_CORO_BEGIN(t);
    CV_AWAIT_TASK(t, *self);
    CV_CORO_END(t);
}

/* Ports test_tasks.py BaseTaskTests test_task_awaits_on_itself: an error,
 * not a hang. */
static void test_task_awaits_on_itself(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    cv_task *self = NULL;
    self = cv_task_create(loop, "test", await_self, &self);
    cv_result r;
    assert_int_equal(run_guarded(loop, self, &r), CV_EFAILED);
    assert_non_null(strstr(r.message, "itself"));
    cv_task_release(self);
    cv_loop_destroy(loop);
}

/* Ports test_tasks.py BaseTaskTests test_cancelling: cancelling() counts
 * the requests, and a second cancel of a task not yet done is accepted. */
static void test_cancelling(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    job j = {.sleep = 10};
    cv_task *t = job_start(loop, &j);
    assert_int_equal(cv_task_cancelling(t), 0);
    assert_true(cv_task_cancel(t));
    assert_int_equal(cv_task_cancelling(t), 1);
    assert_true(cv_task_cancel(t));
    assert_int_equal(cv_task_cancelling(t), 2);
    assert_int_equal(cv_loop_run_until_complete(loop, t, NULL), CV_ECANCELLED);
    cv_task_release(t);
    cv_loop_destroy(loop);
}

/* try: await sleep(10) except CancelledError: uncancel(); await sleep(10) */
typedef struct uncancel_frame {
    int after; /* cancelling() after uncancel */
} uncancel_frame;

static int uncancel_step(cv_task *t, void *arg)
{
    uncancel_frame *u = arg;
    CV_CORO_BEGIN(t);
    CV_TRY_AWAIT(t, CV_AWAIT_SLEEP(t, 10));
    if (CV_CANCELLED_AT_AWAIT(t)) {
        u->after = cv_task_uncancel(t);
        note("uncancelled");
        CV_AWAIT_SLEEP(t, 10);
    }
    note("not reached");
    CV_CORO_END(t);
}

/* Ports test_tasks.py BaseTaskTests test_uncancel. */
static void test_uncancel(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    uncancel_frame u = {.after = -1};
    cv_task *t = cv_task_create(loop, "task", uncancel_step, &u);
    run_briefly(loop);
    assert_true(cv_task_cancel(t));
    assert_int_equal(cv_task_cancelling(t), 1);
    run_briefly(loop);
    assert_int_equal(u.after, 0);
    assert_int_equal(cv_task_cancelling(t), 0);
    assert_false(cv_task_done(t));
    assert_true(cv_task_cancel(t));
    assert_int_equal(cv_loop_run_until_complete(loop, t, NULL), CV_ECANCELLED);
    assert_string_equal(seen, "uncancelled");
    cv_task_release(t);
    cv_loop_destroy(loop);
}

/* Cancels a task from a callback (loop.call_soon(t.cancel)). */
static void cancel_cb(void *arg)
{
    cv_task_cancel(arg);
}

/* Ports test_tasks.py BaseTaskTests test_cancel and test_cancel_yield: a
 * sleeping (or yielding) task cancelled from outside ends cancelled at its
 * await, without its return; cancel() on it afterwards is False. */
static void test_cancel(void **state)
{
    (void)state;
    for (int k = 0; k < 2; k++) {
        cv_loop *loop = new_loop();
        job j = {.sleep = 10.0, .value = 12, .name = "returned"};
        int yields = 1000;
        cv_task *t = k == 0 ? job_start(loop, &j)
                            : cv_task_create(loop, "yielder", briefly_step, &yields);
        cv_handle h;
        if (k == 0) {
            cv_handle_init(loop, &h, cancel_cb, t);
            cv_handle_schedule(&h);
        } else {
            run_briefly(loop); /* start coro */
            cv_task_cancel(t);
        }
        assert_int_equal(cv_loop_run_until_complete(loop, t, NULL), CV_ECANCELLED);
        assert_true(cv_task_done(t));
        assert_true(cv_task_cancelled(t));
        assert_false(cv_task_cancel(t));
        assert_string_equal(seen, "");
        cv_task_release(t);
        cv_loop_destroy(loop);
    }
}

/* async def task(): await f; return 12 (f a gate) */
typedef struct awaiter {
    cv_task *f;       /* awaited first */
    cv_task *f2;      /* then this, if set */
    cv_task *f3;      /* and this after catching, if set */
    bool catch_it;    /* except CancelledError at f2 */
    long long result;
} awaiter;

static int awaiter_step(cv_task *t, void *arg)
{
    awaiter *w = arg;
    CV_CORO_BEGIN(t);
    CV_AWAIT_TASK(t, w->f);
    if (w->f2 != NULL) {
        CV_TRY_AWAIT(t, CV_AWAIT_TASK(t, w->f2));
        if (CV_CANCELLED_AT_AWAIT(t) && w->catch_it && w->f3 == NULL)
            CV_RETURN(t, 42);
        if (CV_AWAIT_STATUS(t) != CV_OK && !(w->catch_it && CV_CANCELLED_AT_AWAIT(t)))
            CV_RERAISE(t);
    }
    if (w->f3 != NULL) {
        CV_AWAIT_TASK(t, w->f3);
        {
            cv_result r;
            cv_task_result(w->f3, &r);
            CV_RETURN(t, r.value);
        }
    }
    CV_RETURN(t, 12);
    CV_CORO_END(t);
}

/* Ports test_tasks.py BaseTaskTests test_cancel_inner_future and
 * test_cancel_both_task_and_inner_future: the awaited future's
 * cancellation is raised in the task. */
static void test_cancel_inner_future(void **state)
{
    (void)state;
    for (int both = 0; both < 2; both++) {
        cv_loop *loop = new_loop();
        gate g;
        awaiter w = {.f = gate_start(loop, &g)};
        cv_task *t = cv_task_create(loop, "task", awaiter_step, &w);
        run_briefly(loop);
        cv_task_cancel(w.f);
        if (both)
            cv_task_cancel(t);
        assert_int_equal(cv_loop_run_until_complete(loop, t, NULL), CV_ECANCELLED);
        assert_true(cv_task_cancelled(w.f));
        assert_true(cv_task_cancelled(t));
        cv_task_release(t);
        cv_task_release(w.f);
        cv_loop_destroy(loop);
    }
}

/* Ports test_tasks.py BaseTaskTests test_cancel_task_catching: cancel()
 * cancels the awaited future, the task catches it and returns 42. */
static void test_cancel_task_catching(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    gate g1, g2;
    awaiter w = {.f = gate_start(loop, &g1), .f2 = gate_start(loop, &g2), .catch_it = true};
    cv_task *t = cv_task_create(loop, "task", awaiter_step, &w);
    run_briefly(loop);
    gate_set(&g1, 0, false);
    run_briefly(loop);
    assert_true(cv_task_cancel(t));
    run_briefly(loop);
    assert_true(cv_task_cancelled(w.f2));
    cv_result r;
    assert_int_equal(cv_loop_run_until_complete(loop, t, &r), CV_OK);
    assert_int_equal(r.value, 42);
    assert_false(cv_task_cancelled(t));
    cv_task_release(t);
    cv_task_release(w.f);
    cv_task_release(w.f2);
    cv_loop_destroy(loop);
}

/* Ports test_tasks.py BaseTaskTests test_cancel_task_ignoring: the task
 * swallows the cancellation and goes on to await fut3. */
static void test_cancel_task_ignoring(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    gate g1, g2, g3;
    awaiter w = {.f = gate_start(loop, &g1), .f2 = gate_start(loop, &g2),
                 .f3 = gate_start(loop, &g3), .catch_it = true};
    cv_task *t = cv_task_create(loop, "task", awaiter_step, &w);
    run_briefly(loop);
    gate_set(&g1, 0, false);
    run_briefly(loop);
    assert_true(cv_task_cancel(t));
    run_briefly(loop);
    assert_true(cv_task_cancelled(w.f2));
    assert_false(cv_task_done(t));
    assert_true(gate_set(&g3, 42, false)); /* t awaits fut3 now */
    cv_result r;
    assert_int_equal(cv_loop_run_until_complete(loop, t, &r), CV_OK);
    assert_int_equal(r.value, 42);
    assert_false(cv_task_cancelled(w.f3));
    assert_false(cv_task_cancelled(t));
    cv_task_release(t);
    cv_task_release(w.f);
    cv_task_release(w.f2);
    cv_task_release(w.f3);
    cv_loop_destroy(loop);
}

/* async def task(): t.cancel(); [await sleep(100)]; return 12 */
typedef struct self_cancel {
    bool sleep;
    cv_task *nested; /* await this after cancelling, if set */
} self_cancel;

static int self_cancel_step(cv_task *t, void *arg)
{
    self_cancel *s = arg;
    CV_CORO_BEGIN(t);
    if (s->nested != NULL)
        CV_YIELD(t); /* let the nested task start */
    cv_task_cancel(t);
    if (s->nested != NULL)
        CV_AWAIT_TASK(t, s->nested);
    if (s->sleep)
        CV_AWAIT_SLEEP(t, 100);
    CV_RETURN(t, 12);
    CV_CORO_END(t);
}

/* Ports test_tasks.py BaseTaskTests test_cancel_current_task and
 * test_cancel_at_end: a task that cancels itself is cancelled at its next
 * await, or at its end if there is none. */
static void test_cancel_current_task(void **state)
{
    (void)state;
    for (int k = 0; k < 2; k++) {
        cv_loop *loop = new_loop();
        self_cancel s = {.sleep = k == 0};
        cv_task *t = cv_task_create(loop, "task", self_cancel_step, &s);
        assert_false(cv_task_cancelled(t));
        assert_int_equal(cv_loop_run_until_complete(loop, t, NULL), CV_ECANCELLED);
        assert_true(cv_task_done(t));
        assert_true(cv_task_cancelled(t));
        assert_false(cv_task_cancel(t));
        cv_task_release(t);
        cv_loop_destroy(loop);
    }
}

/* Ports test_tasks.py BaseTaskTests test_cancel_awaited_task: a task that
 * asked for its own cancellation and then awaits a nested task cancels
 * the nested task (and what that awaits). */
static void test_cancel_awaited_task(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    gate g;
    awaiter nested = {.f = gate_start(loop, &g)};
    self_cancel s = {.nested = cv_task_create(loop, "nested", awaiter_step, &nested)};
    cv_task *t = cv_task_create(loop, "task", self_cancel_step, &s);
    assert_int_equal(cv_loop_run_until_complete(loop, t, NULL), CV_ECANCELLED);
    run_briefly(loop);
    assert_true(cv_task_cancelled(t));
    assert_true(cv_task_cancelled(s.nested));
    assert_true(cv_task_cancelled(nested.f));
    cv_task_release(t);
    cv_task_release(s.nested);
    cv_task_release(nested.f);
    cv_loop_destroy(loop);
}

/* while x < 10: await sleep(0.01); x += 1; if x == 2: loop.stop() */
static int stopper_step(cv_task *t, void *arg)
{
    int *x = arg;
    CV_CORO_BEGIN(t);
    while (*x < 10) {
        CV_AWAIT_SLEEP(t, 0.01);
        if (++*x == 2)
            cv_loop_stop(cv_task_loop(t));
    }
    CV_CORO_END(t);
}

/* Ports test_tasks.py BaseTaskTests test_stop_while_run_in_complete:
 * run_until_complete reports a loop stopped first (RuntimeError there),
 * and the task is still there to be cancelled. */
static void test_stop_while_run_in_complete(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    int x = 0;
    cv_task *t = cv_task_create(loop, "task", stopper_step, &x);
    assert_int_equal(cv_loop_run_until_complete(loop, t, NULL), CV_EINVAL);
    assert_false(cv_task_done(t));
    assert_int_equal(x, 2);
    cv_task_cancel(t);
    assert_int_equal(cv_loop_run_until_complete(loop, t, NULL), CV_ECANCELLED);
    cv_task_release(t);
    cv_loop_destroy(loop);
}

/* async def sleeper(dt, arg): await sleep(dt/2); return await sleep(dt/2, arg) */
static int sleeper_step(cv_task *t, void *arg)
{
    (void)arg;
    CV_CORO_BEGIN(t);
    CV_AWAIT_SLEEP(t, 0.01);
    CV_AWAIT_SLEEP(t, 0.01);
    CV_RETURN_TEXT(t, 0, "yeah");
    CV_CORO_END(t);
}

/* Ports test_tasks.py BaseTaskTests test_sleep: two sleeps, in order, and
 * the result; the clock moved at least by both. */
static void test_sleep(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    double t0 = cv_loop_time(loop);
    cv_task *t = cv_task_create(loop, "sleeper", sleeper_step, NULL);
    cv_result r;
    assert_int_equal(cv_loop_run_until_complete(loop, t, &r), CV_OK);
    assert_string_equal(r.text, "yeah");
    assert_true(cv_loop_time(loop) - t0 >= 0.02);
    cv_task_release(t);
    cv_loop_destroy(loop);
}

/* Ports test_tasks.py BaseTaskTests test_sleep_cancel: cancelling a
 * sleeping task takes its timer back, so nothing keeps the loop alive. */
static void test_sleep_cancel(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    job j = {.sleep = 10};
    cv_task *t = job_start(loop, &j);
    run_briefly(loop);
    cv_task_cancel(t);
    double t0 = cv_loop_time(loop);
    assert_int_equal(cv_loop_run(loop), CV_OK); /* returns: the timer is gone */
    assert_true(cv_loop_time(loop) - t0 < 5);
    assert_true(cv_task_cancelled(t));
    assert_false(cv_loop_alive(loop));
    cv_task_release(t);
    cv_loop_destroy(loop);
}

/* async def doit(): sleeper = create_task(sleep(5000)); call_later(0.01,
 * sleeper.cancel); try: await sleeper except CancelledError: return
 * 'cancelled' */
typedef struct doit {
    job j;
    cv_task *sleeper;
    cv_timer timer;
} doit;

static void cancel_timer_cb(void *arg)
{
    cv_task_cancel(arg);
}

static int doit_step(cv_task *t, void *arg)
{
    doit *d = arg;
    CV_CORO_BEGIN(t);
    d->sleeper = job_start(cv_task_loop(t), &d->j);
    cv_timer_init(cv_task_loop(t), &d->timer, cancel_timer_cb, d->sleeper);
    cv_timer_start(&d->timer, 0.01);
    CV_TRY_AWAIT(t, CV_AWAIT_TASK(t, d->sleeper));
    if (CV_CANCELLED_AT_AWAIT(t))
        CV_RETURN_TEXT(t, 0, "cancelled");
    CV_RETURN_TEXT(t, 0, "slept in");
    CV_CORO_END(t);
}

/* Ports test_tasks.py BaseTaskTests test_task_cancel_sleeping_task. */
static void test_task_cancel_sleeping_task(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    doit d = {.j = {.sleep = 5000}};
    cv_result r;
    assert_int_equal(cv_loop_run_main(loop, "doit", doit_step, &d, &r), CV_OK);
    assert_string_equal(r.text, "cancelled");
    cv_task_release(d.sleeper);
    cv_loop_destroy(loop);
}

/* Ports test_tasks.py BaseTaskTests test_task_cancel_waiter_future: a
 * task cancelled while it awaits a future cancels the future. */
static void test_task_cancel_waiter_future(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    gate g;
    awaiter w = {.f = gate_start(loop, &g)};
    cv_task *t = cv_task_create(loop, "task", awaiter_step, &w);
    run_briefly(loop);
    cv_task_cancel(t);
    run_briefly(loop);
    assert_int_equal(cv_loop_run_until_complete(loop, t, NULL), CV_ECANCELLED);
    assert_true(cv_task_cancelled(w.f));
    cv_task_release(t);
    cv_task_release(w.f);
    cv_loop_destroy(loop);
}

/* inner(): try: await waiter except CancelledError: proof += 1; raise
 * outer(): try: await inner() except CancelledError: proof += 100 */
typedef struct proof_frame {
    int proof;
    cv_task *waiter;
    cv_aio_wait w;
    cv_task *inner;
} proof_frame;

static int proof_inner(cv_task *t, void *arg)
{
    proof_frame *p = arg;
    CV_CORO_BEGIN(t);
    CV_TRY_AWAIT(t, CV_AWAIT_TASK(t, p->waiter));
    if (CV_CANCELLED_AT_AWAIT(t)) {
        p->proof += 1;
        CV_RERAISE(t);
    }
    note("got past the waiter");
    CV_CORO_END(t);
}

static int proof_outer(cv_task *t, void *arg)
{
    proof_frame *p = arg;
    CV_CORO_BEGIN(t);
    CV_TRY_AWAIT(t, CV_AWAIT_CORO(t, proof_inner, p));
    if (CV_CANCELLED_AT_AWAIT(t))
        p->proof += 100;
    else
        p->proof += 10;
    CV_CORO_END(t);
}

/* Ports test_tasks.py BaseTaskTests test_yield_future_passes_cancel:
 * cancelling outer() cancels inner() cancels the waiter. */
static void test_yield_future_passes_cancel(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    gate g;
    proof_frame p = {.waiter = gate_start(loop, &g)};
    cv_task *f = cv_task_create(loop, "outer", proof_outer, &p);
    run_briefly(loop);
    cv_task_cancel(f);
    assert_int_equal(cv_loop_run_until_complete(loop, f, NULL), CV_OK);
    assert_int_equal(p.proof, 101);
    assert_true(cv_task_cancelled(p.waiter));
    cv_task_release(f);
    cv_task_release(p.waiter);
    cv_loop_destroy(loop);
}

/* inner(): await waiter; proof += 1
 * outer(): d, p = await wait([create_task(inner())]); proof += 100 */
static int shield_inner(cv_task *t, void *arg)
{
    proof_frame *p = arg;
    CV_CORO_BEGIN(t);
    CV_AWAIT_TASK(t, p->waiter);
    p->proof += 1;
    CV_CORO_END(t);
}

static int wait_outer(cv_task *t, void *arg)
{
    proof_frame *p = arg;
    CV_CORO_BEGIN(t);
    p->inner = cv_task_create(cv_task_loop(t), "inner", shield_inner, p);
    CV_AWAIT_WAIT(t, &p->w, &p->inner, 1, CV_AIO_NO_TIMEOUT, CV_AIO_ALL_COMPLETED);
    p->proof += 100;
    CV_CORO_END(t);
}

/* Ports test_tasks.py BaseTaskTests test_yield_wait_does_not_shield_cancel:
 * cancelling outer() makes wait() return early and leaves inner() running. */
static void test_yield_wait_does_not_shield_cancel(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    gate g;
    proof_frame p = {.waiter = gate_start(loop, &g)};
    cv_task *f = cv_task_create(loop, "outer", wait_outer, &p);
    run_briefly(loop);
    cv_task_cancel(f);
    assert_int_equal(cv_loop_run_until_complete(loop, f, NULL), CV_ECANCELLED);
    assert_false(cv_task_done(p.inner));
    gate_set(&g, 0, false);
    cv_loop_run(loop);
    assert_int_equal(p.proof, 1);
    cv_aio_wait_clear(&p.w);
    cv_task_release(f);
    cv_task_release(p.inner);
    cv_task_release(p.waiter);
    cv_loop_destroy(loop);
}

/* async def coro(): call_soon(inc, 1); num = await sleep(0, 10); inc(num) */
static void inc_one(void *arg)
{
    (*(int *)arg)++;
}

typedef struct zero_frame {
    int result;
    cv_handle h;
} zero_frame;

static int sleep_zero_step(cv_task *t, void *arg)
{
    zero_frame *z = arg;
    CV_CORO_BEGIN(t);
    cv_handle_init(cv_task_loop(t), &z->h, inc_one, &z->result);
    cv_handle_schedule(&z->h);
    assert_int_equal(z->result, 0);
    CV_YIELD(t);
    assert_int_equal(z->result, 1); /* inc'ed by call_soon */
    z->result += 10;
    CV_CORO_END(t);
}

/* Ports test_tasks.py SleepTests test_sleep_zero: sleep(0) lets what was
 * scheduled before it run first. */
static void test_sleep_zero(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    zero_frame z = {0};
    assert_int_equal(cv_loop_run_main(loop, "coro", sleep_zero_step, &z, NULL), CV_OK);
    assert_int_equal(z.result, 11);
    cv_loop_destroy(loop);
}

/* ---- test_tasks.py: wait ---- */

/* async def foo(): done, pending = await asyncio.wait(tasks, ...); return 42 */
typedef struct waiter {
    cv_task **tasks;
    size_t n;
    double timeout;
    int when;
    cv_aio_wait w;
} waiter;

static int waiter_step(cv_task *t, void *arg)
{
    waiter *w = arg;
    CV_CORO_BEGIN(t);
    CV_AWAIT_WAIT(t, &w->w, w->tasks, w->n, w->timeout, w->when);
    CV_RETURN(t, 42);
    CV_CORO_END(t);
}

/* Runs asyncio.wait(tasks) in a task of its own to the end; the outcome. */
static int run_wait(cv_loop *loop, waiter *w, cv_result *r)
{
    cv_aio_wait_clear(&w->w);
    cv_task *t = cv_task_create(loop, "foo", waiter_step, w);
    assert_non_null(t);
    int rc = run_guarded(loop, t, r);
    cv_task_release(t);
    return rc;
}

static bool in_set(cv_task *const *set, size_t n, const cv_task *t)
{
    for (size_t i = 0; i < n; i++)
        if (set[i] == t)
            return true;
    return false;
}

/* Ports test_tasks.py BaseTaskTests test_wait (twice: the second time
 * every task is done already, "a different path") and
 * test_wait_with_exception (a failed task is done too). */
static void test_wait(void **state)
{
    (void)state;
    for (int fail = 0; fail < 2; fail++) {
        cv_loop *loop = new_loop();
        job ja = {.sleep = 0.01}, jb = {.sleep = 0.02, .fail = fail};
        cv_task *tasks[2] = {job_start(loop, &jb), job_start(loop, &ja)};
        waiter w = {.tasks = tasks, .n = 2, .timeout = CV_AIO_NO_TIMEOUT, .when = CV_AIO_ALL_COMPLETED};
        for (int again = 0; again < 2; again++) {
            cv_result r;
            assert_int_equal(run_wait(loop, &w, &r), CV_OK);
            assert_int_equal(r.value, 42);
            assert_int_equal(w.w.ndone, 2);
            assert_int_equal(w.w.npending, 0);
            assert_true(in_set(w.w.done, 2, tasks[0]) && in_set(w.w.done, 2, tasks[1]));
            assert_int_equal(cv_task_result(tasks[0], NULL), fail ? CV_EFAILED : CV_OK);
        }
        cv_aio_wait_clear(&w.w);
        cv_task_release(tasks[0]);
        cv_task_release(tasks[1]);
        cv_loop_destroy(loop);
    }
}

/* Ports test_tasks.py BaseTaskTests test_wait_duplicate_coroutines: a task
 * passed twice is one task in the sets. */
static void test_wait_duplicate_coroutines(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    job jc = {.sleep = -1, .value = 1}, js = {.sleep = -1, .value = 2};
    cv_task *c = job_start(loop, &jc), *s = job_start(loop, &js);
    cv_task *tasks[3] = {c, c, s};
    waiter w = {.tasks = tasks, .n = 3, .timeout = CV_AIO_NO_TIMEOUT, .when = CV_AIO_ALL_COMPLETED};
    assert_int_equal(run_wait(loop, &w, NULL), CV_OK);
    assert_int_equal(w.w.ndone, 2);
    assert_int_equal(w.w.npending, 0);
    assert_int_equal(value_of(w.w.done[0]) + value_of(w.w.done[1]), 3);
    cv_aio_wait_clear(&w.w);
    cv_task_release(c);
    cv_task_release(s);
    cv_loop_destroy(loop);
}

/* Ports test_tasks.py BaseTaskTests test_wait_errors and
 * test_wait_invalid_args (the ValueError halves; a C array cannot be the
 * wrong type): an empty set and an unknown return_when are refused. */
static void test_wait_errors(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    job j = {.sleep = -1};
    cv_task *a = job_start(loop, &j);
    waiter w = {.tasks = &a, .n = 0, .timeout = CV_AIO_NO_TIMEOUT, .when = CV_AIO_ALL_COMPLETED};
    cv_result r;
    assert_int_equal(run_wait(loop, &w, &r), CV_EFAILED);
    assert_int_equal(r.error, CV_EINVAL);
    assert_non_null(strstr(r.message, "ValueError"));
    w.n = 1;
    w.when = -1;
    assert_int_equal(run_wait(loop, &w, &r), CV_EFAILED);
    assert_int_equal(r.error, CV_EINVAL);
    cv_aio_wait_clear(&w.w);
    cv_task_release(a);
    cv_loop_destroy(loop);
}

/* Ports test_tasks.py BaseTaskTests test_wait_first_completed. */
static void test_wait_first_completed(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    job ja = {.sleep = 10}, jb = {.sleep = 0.01};
    cv_task *a = job_start(loop, &ja), *b = job_start(loop, &jb);
    cv_task *tasks[2] = {b, a};
    waiter w = {.tasks = tasks, .n = 2, .timeout = CV_AIO_NO_TIMEOUT, .when = CV_AIO_FIRST_COMPLETED};
    double t0 = cv_loop_time(loop);
    assert_int_equal(run_wait(loop, &w, NULL), CV_OK);
    assert_true(cv_loop_time(loop) - t0 < 5);
    assert_int_equal(w.w.ndone, 1);
    assert_ptr_equal(w.w.done[0], b);
    assert_int_equal(w.w.npending, 1);
    assert_ptr_equal(w.w.pending[0], a);
    assert_false(cv_task_done(a));
    assert_true(cv_task_done(b));
    cv_task_cancel(a);
    cv_loop_run(loop);
    cv_aio_wait_clear(&w.w);
    cv_task_release(a);
    cv_task_release(b);
    cv_loop_destroy(loop);
}

/* Ports test_tasks.py BaseTaskTests test_wait_really_done: tasks that end
 * in the same turn are all in done, though FIRST_COMPLETED woke the
 * waiter at the first of them. */
static void test_wait_really_done(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    job ja = {.sleep = 0};
    int two = 2; /* coro2: two sleep(0)s */
    cv_task *a = job_start(loop, &ja), *b = cv_task_create(loop, "b", briefly_step, &two);
    cv_task *tasks[2] = {b, a};
    waiter w = {.tasks = tasks, .n = 2, .timeout = CV_AIO_NO_TIMEOUT, .when = CV_AIO_FIRST_COMPLETED};
    assert_int_equal(run_wait(loop, &w, NULL), CV_OK);
    assert_int_equal(w.w.ndone, 2);
    assert_true(cv_task_done(a) && cv_task_done(b));
    cv_aio_wait_clear(&w.w);
    cv_task_release(a);
    cv_task_release(b);
    cv_loop_destroy(loop);
}

/* Ports test_tasks.py BaseTaskTests test_wait_first_exception (the task
 * has failed already) and test_wait_first_exception_in_wait (it fails
 * while we wait); also a cancelled task is no exception for
 * FIRST_EXCEPTION. */
static void test_wait_first_exception(void **state)
{
    (void)state;
    for (int k = 0; k < 2; k++) {
        cv_loop *loop = new_loop();
        job ja = {.sleep = 10}, jb = {.sleep = k == 0 ? -1 : 0.01, .fail = true};
        job jc = {.sleep = 10};
        cv_task *a = job_start(loop, &ja), *b = job_start(loop, &jb), *c = job_start(loop, &jc);
        cv_task_cancel(c); /* ends cancelled: not an exception */
        cv_task *tasks[3] = {b, a, c};
        waiter w = {.tasks = tasks, .n = 3, .timeout = CV_AIO_NO_TIMEOUT, .when = CV_AIO_FIRST_EXCEPTION};
        double t0 = cv_loop_time(loop);
        assert_int_equal(run_wait(loop, &w, NULL), CV_OK);
        assert_true(cv_loop_time(loop) - t0 < 5);
        assert_true(in_set(w.w.done, w.w.ndone, b));
        assert_true(in_set(w.w.pending, w.w.npending, a));
        assert_int_equal(cv_task_result(b, NULL), CV_EFAILED);
        cv_task_cancel(a);
        cv_loop_run(loop);
        cv_aio_wait_clear(&w.w);
        cv_task_release(a);
        cv_task_release(b);
        cv_task_release(c);
        cv_loop_destroy(loop);
    }
}

/* Ports test_tasks.py BaseTaskTests test_wait_with_timeout and
 * test_wait_concurrent_complete: the timeout ends the wait with what is
 * done by then, and cancels nothing. */
static void test_wait_with_timeout(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    job ja = {.sleep = 0.01}, jb = {.sleep = 10};
    cv_task *a = job_start(loop, &ja), *b = job_start(loop, &jb);
    cv_task *tasks[2] = {b, a};
    waiter w = {.tasks = tasks, .n = 2, .timeout = 0.2, .when = CV_AIO_ALL_COMPLETED};
    double t0 = cv_loop_time(loop);
    assert_int_equal(run_wait(loop, &w, NULL), CV_OK);
    assert_true(cv_loop_time(loop) - t0 >= 0.2 - 0.001);
    assert_true(cv_loop_time(loop) - t0 < 5);
    assert_int_equal(w.w.ndone, 1);
    assert_ptr_equal(w.w.done[0], a);
    assert_int_equal(w.w.npending, 1);
    assert_ptr_equal(w.w.pending[0], b);
    assert_false(cv_task_cancelled(b));
    assert_false(cv_task_done(b));
    cv_task_cancel(b);
    cv_loop_run(loop);
    cv_aio_wait_clear(&w.w);
    cv_task_release(a);
    cv_task_release(b);
    cv_loop_destroy(loop);
}

/* asyncio.wait(timeout=-1): a deadline in the past ends the wait on the
 * next turn with nothing done (call_later(-1) fires at once), instead of
 * waiting for ever; the same rule as the timeout scope. */
static void test_wait_with_past_timeout(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    job ja = {.sleep = 10};
    cv_task *a = job_start(loop, &ja);
    waiter w = {.tasks = &a, .n = 1, .timeout = -1, .when = CV_AIO_ALL_COMPLETED};
    double t0 = cv_loop_time(loop);
    assert_int_equal(run_wait(loop, &w, NULL), CV_OK);
    assert_true(cv_loop_time(loop) - t0 < 5);
    assert_int_equal(w.w.ndone, 0);
    assert_int_equal(w.w.npending, 1);
    cv_task_cancel(a);
    cv_loop_run(loop);
    cv_aio_wait_clear(&w.w);
    cv_task_release(a);
    cv_loop_destroy(loop);
}

/* ---- test_tasks.py: as_completed ---- */

typedef struct completer {
    cv_task **tasks;
    size_t n;
    double timeout;
    cv_aio_as_completed *it;
    int timeouts; /* TimeoutErrors caught */
} completer;

/* for f in as_completed(tasks, timeout): try: v = await f; note(v)
 * except TimeoutError: note("timeout") */
static int completer_step(cv_task *t, void *arg)
{
    completer *c = arg;
    CV_CORO_BEGIN(t);
    c->it = cv_aio_as_completed_start(cv_task_loop(t), c->tasks, c->n, c->timeout);
    assert_non_null(c->it);
    while (cv_aio_as_completed_left(c->it) > 0 && c->timeouts < 2) {
        CV_TRY_AWAIT(t, CV_AWAIT_NEXT_COMPLETED(t, c->it));
        if (CV_AWAIT_STATUS(t) == CV_OK) {
            cv_task *done = CV_AS_COMPLETED_TASK(c->it);
            cv_result r;
            cv_task_result(done, &r);
            note("%lld", r.value);
        } else {
            assert_int_equal(cv_aio_caught_error(t), CV_ETIMEDOUT);
            note("timeout");
            c->timeouts++;
        }
    }
    CV_CORO_FINALLY(t);
    cv_aio_as_completed_close(c->it);
    c->it = NULL;
    CV_CORO_END(t);
}

/* Ports test_tasks.py BaseTaskTests test_as_completed: each task once, in
 * the order they end (c, sleeping longest, last whatever its place). */
static void test_as_completed(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    job ja = {.sleep = 0.03, .value = 1}, jb = {.sleep = 0.01, .value = 2};
    job jc = {.sleep = 0.1, .value = 3};
    cv_task *tasks[3] = {job_start(loop, &jb), job_start(loop, &jc), job_start(loop, &ja)};
    completer c = {.tasks = tasks, .n = 3, .timeout = CV_AIO_NO_TIMEOUT};
    assert_int_equal(cv_loop_run_main(loop, "foo", completer_step, &c, NULL), CV_OK);
    /* Timers fire in deadline order, however late the loop gets to them,
     * so this order holds on a loaded machine too. */
    assert_string_equal(seen, "2 1 3");
    for (int i = 0; i < 3; i++)
        cv_task_release(tasks[i]);
    cv_loop_destroy(loop);
}

/* Ports test_tasks.py BaseTaskTests test_as_completed_with_timeout: the
 * first in time is given, then TimeoutError for the one still running
 * (which goes on running); and test_as_completed_with_unused_timeout. */
static void test_as_completed_with_timeout(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    job ja = {.sleep = 0.01, .value = 1}, jb = {.sleep = 10, .value = 2};
    cv_task *tasks[2] = {job_start(loop, &ja), job_start(loop, &jb)};
    completer c = {.tasks = tasks, .n = 2, .timeout = 0.2};
    double t0 = cv_loop_time(loop);
    cv_task *foo = cv_task_create(loop, "foo", completer_step, &c);
    assert_int_equal(cv_loop_run_until_complete(loop, foo, NULL), CV_OK);
    assert_true(cv_loop_time(loop) - t0 < 5);
    /* Every await after the timeout raises: the loop above stops at two. */
    assert_string_equal(seen, "1 timeout timeout");
    assert_false(cv_task_done(tasks[1]));
    cv_task_cancel(tasks[1]);
    cv_loop_run(loop);
    cv_task_release(foo);

    seen[0] = '\0';
    job jc = {.sleep = 0.01, .value = 5};
    cv_task *one = job_start(loop, &jc);
    completer u = {.tasks = &one, .n = 1, .timeout = 1};
    assert_int_equal(cv_loop_run_main(loop, "foo", completer_step, &u, NULL), CV_OK);
    assert_string_equal(seen, "5");
    cv_task_release(one);
    for (int i = 0; i < 2; i++)
        cv_task_release(tasks[i]);
    cv_loop_destroy(loop);
}

/* Ports test_tasks.py BaseTaskTests test_as_completed_duplicate_coroutines:
 * a task passed twice is given once. */
static void test_as_completed_duplicate_coroutines(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    job jh = {.sleep = -1, .value = 7}, js = {.sleep = -1, .value = 8};
    cv_task *c = job_start(loop, &jh), *s = job_start(loop, &js);
    cv_task *tasks[3] = {c, c, s};
    completer k = {.tasks = tasks, .n = 3, .timeout = CV_AIO_NO_TIMEOUT};
    assert_int_equal(cv_loop_run_main(loop, "runner", completer_step, &k, NULL), CV_OK);
    assert_string_equal(seen, "7 8");
    cv_task_release(c);
    cv_task_release(s);
    cv_loop_destroy(loop);
}

/* ---- test_tasks.py: gather (GatherTestsBase, FutureGatherTests,
 * CoroutineGatherTests) ---- */

/* Gates a..f and a gather over them, with a done callback on the gather. */
typedef struct gathered {
    gate g[6];
    cv_task *f[6];
    cv_task *gather;
} gathered;

static void gathered_start(cv_loop *loop, gathered *s, int n, bool return_exceptions)
{
    for (int i = 0; i < n; i++)
        s->f[i] = gate_start(loop, &s->g[i]);
    run_briefly(loop); /* the gates wait */
    s->gather = cv_aio_gather(loop, s->f, (size_t)n, return_exceptions);
    assert_non_null(s->gather);
    cv_task_add_done_callback(s->gather, bag_append, "cb");
}

static void gathered_free(cv_loop *loop, gathered *s, int n)
{
    for (int i = 0; i < n; i++)
        if (!cv_task_done(s->f[i]))
            cv_task_cancel(s->f[i]);
    cv_loop_run(loop);
    for (int i = 0; i < n; i++)
        cv_task_release(s->f[i]);
    cv_task_release(s->gather);
    cv_loop_destroy(loop);
}

/* Ports test_tasks.py GatherTestsBase test_success and
 * test_result_exception_success (_check_success): done only when the last
 * child is, the callback once, results in argument order. */
static void test_gather_success(void **state)
{
    (void)state;
    for (int rex = 0; rex < 2; rex++) {
        seen[0] = '\0';
        cv_loop *loop = new_loop();
        gathered s;
        gathered_start(loop, &s, 3, rex);
        gate_set(&s.g[1], 1, false);
        gate_set(&s.g[0], 2, false);
        run_briefly(loop);
        assert_string_equal(seen, "");
        assert_false(cv_task_done(s.gather));
        gate_set(&s.g[2], 3, false);
        run_briefly(loop);
        assert_string_equal(seen, "cb");
        assert_int_equal(value_of(s.gather), 3);
        assert_int_equal(value_of(s.f[0]), 2);
        assert_int_equal(value_of(s.f[1]), 1);
        assert_int_equal(value_of(s.f[2]), 3);
        gathered_free(loop, &s, 3);
    }
}

/* Ports test_tasks.py GatherTestsBase test_one_exception: the gather fails
 * at the first failure, as that child did; what ends later changes
 * nothing. */
static void test_gather_one_exception(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    gathered s;
    gathered_start(loop, &s, 5, false);
    gate_set(&s.g[0], 1, false);
    gate_set(&s.g[1], 99, true);
    run_briefly(loop);
    assert_true(cv_task_done(s.gather));
    assert_string_equal(seen, "cb");
    cv_result r;
    assert_int_equal(cv_task_result(s.gather, &r), CV_EFAILED);
    assert_string_equal(r.message, "RuntimeError: 99");
    gate_set(&s.g[2], 3, false);
    cv_task_cancel(s.f[3]);
    gate_set(&s.g[4], 4, true);
    run_briefly(loop);
    assert_string_equal(seen, "cb");
    assert_int_equal(cv_task_result(s.gather, &r), CV_EFAILED);
    assert_string_equal(r.message, "RuntimeError: 99");
    gathered_free(loop, &s, 5);
}

/* Ports test_tasks.py GatherTestsBase test_return_exceptions: failures
 * are results; the gather waits for every child. */
static void test_gather_return_exceptions(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    gathered s;
    gathered_start(loop, &s, 4, true);
    gate_set(&s.g[1], 1, false);
    gate_set(&s.g[2], 2, true);
    gate_set(&s.g[0], 3, false);
    run_briefly(loop);
    assert_false(cv_task_done(s.gather));
    gate_set(&s.g[3], 4, true);
    run_briefly(loop);
    assert_string_equal(seen, "cb");
    assert_int_equal(cv_task_result(s.gather, NULL), CV_OK);
    assert_int_equal(value_of(s.f[0]), 3);
    assert_int_equal(value_of(s.f[1]), 1);
    assert_int_equal(cv_task_result(s.f[2], NULL), CV_EFAILED);
    assert_int_equal(cv_task_result(s.f[3], NULL), CV_EFAILED);
    gathered_free(loop, &s, 4);
}

/* Ports test_tasks.py FutureGatherTests
 * test_constructor_empty_sequence_use_running_loop: gather() is done with
 * no results. */
static void test_gather_empty(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    cv_task *g = cv_aio_gather(loop, NULL, 0, false);
    assert_non_null(g);
    run_briefly(loop);
    assert_true(cv_task_done(g));
    assert_int_equal(value_of(g), 0);
    cv_task_release(g);
    cv_loop_destroy(loop);
}

/* Ports test_tasks.py FutureGatherTests test_one_cancellation.  Deviates
 * on purpose in one point: asyncio's gather is then a future that failed
 * with CancelledError (cancelled() is False); here the gather is a task,
 * and a task whose outcome is CancelledError is a cancelled task.  What
 * its awaiter sees, CancelledError, is the same. */
static void test_gather_one_cancellation(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    gathered s;
    gathered_start(loop, &s, 5, false);
    gate_set(&s.g[0], 1, false);
    cv_task_cancel(s.f[1]);
    run_briefly(loop);
    assert_true(cv_task_done(s.gather));
    assert_string_equal(seen, "cb");
    assert_int_equal(cv_task_result(s.gather, NULL), CV_ECANCELLED);
    gate_set(&s.g[2], 3, false);
    cv_task_cancel(s.f[3]);
    gate_set(&s.g[4], 4, true);
    run_briefly(loop);
    assert_string_equal(seen, "cb");
    gathered_free(loop, &s, 5);
}

/* Ports test_tasks.py FutureGatherTests
 * test_result_exception_one_cancellation: with return_exceptions, a
 * cancelled child is a result too. */
static void test_gather_result_exception_one_cancellation(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    gathered s;
    gathered_start(loop, &s, 6, true);
    gate_set(&s.g[0], 1, false);
    gate_set(&s.g[1], 2, true);
    cv_task_cancel(s.f[2]);
    run_briefly(loop);
    assert_false(cv_task_done(s.gather));
    gate_set(&s.g[3], 3, false);
    cv_task_cancel(s.f[4]);
    gate_set(&s.g[5], 5, true);
    assert_int_equal(cv_loop_run_until_complete(loop, s.gather, NULL), CV_OK);
    static const int expect[6] = {CV_OK, CV_EFAILED, CV_ECANCELLED, CV_OK, CV_ECANCELLED,
                                  CV_EFAILED};
    for (int i = 0; i < 6; i++)
        assert_int_equal(cv_task_result(s.f[i], NULL), expect[i]);
    run_briefly(loop);
    assert_string_equal(seen, "cb");
    gathered_free(loop, &s, 6);
}

/* Ports test_tasks.py CoroutineGatherTests test_duplicate_coroutines: a
 * task passed several times has one result per place. */
static void test_gather_duplicate_coroutines(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    job jc = {.sleep = 0, .value = 1}, jd = {.sleep = 0, .value = 2};
    cv_task *c = job_start(loop, &jc), *d = job_start(loop, &jd);
    cv_task *args[4] = {c, c, d, c};
    cv_task *g = cv_aio_gather(loop, args, 4, false);
    assert_int_equal(cv_loop_run_until_complete(loop, g, NULL), CV_OK);
    assert_int_equal(value_of(g), 4);
    assert_int_equal(value_of(c), 1);
    assert_int_equal(value_of(d), 2);
    cv_task_release(g);
    cv_task_release(c);
    cv_task_release(d);
    cv_loop_destroy(loop);
}

/* outer(): gatherer = gather(child1, child2); await gatherer; proof += 100 */
typedef struct broadcast {
    int proof;
    cv_task *waiter;
    cv_task *children[2];
    cv_task *gatherer;
} broadcast;

static int broadcast_inner(cv_task *t, void *arg)
{
    broadcast *b = arg;
    CV_CORO_BEGIN(t);
    CV_AWAIT_TASK(t, b->waiter);
    b->proof += 1;
    CV_CORO_END(t);
}

static int broadcast_outer(cv_task *t, void *arg)
{
    broadcast *b = arg;
    CV_CORO_BEGIN(t);
    b->gatherer = cv_aio_gather(cv_task_loop(t), b->children, 2, false);
    CV_AWAIT_TASK(t, b->gatherer);
    b->proof += 100;
    CV_CORO_END(t);
}

/* Ports test_tasks.py CoroutineGatherTests test_cancellation_broadcast:
 * cancelling outer() cancels the gather, which cancels every child; the
 * gather, done, then refuses a cancel. */
static void test_gather_cancellation_broadcast(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    gate g;
    broadcast b = {.waiter = gate_start(loop, &g)};
    b.children[0] = cv_task_create(loop, "child1", broadcast_inner, &b);
    b.children[1] = cv_task_create(loop, "child2", broadcast_inner, &b);
    cv_task *f = cv_task_create(loop, "outer", broadcast_outer, &b);
    run_briefly(loop);
    assert_true(cv_task_cancel(f));
    assert_int_equal(run_guarded(loop, f, NULL), CV_ECANCELLED);
    assert_false(cv_task_cancel(b.gatherer));
    assert_true(cv_task_cancelled(b.waiter));
    assert_true(cv_task_cancelled(b.children[0]));
    assert_true(cv_task_cancelled(b.children[1]));
    run_briefly(loop);
    assert_int_equal(b.proof, 0);
    cv_task_release(f);
    cv_task_release(b.gatherer);
    cv_task_release(b.children[0]);
    cv_task_release(b.children[1]);
    cv_task_release(b.waiter);
    cv_loop_destroy(loop);
}

/* inner(f): await f; raise RuntimeError   outer(): await gather(inner(a), inner(b)) */
typedef struct marking {
    awaiter in[2];
    gate g[2];
    cv_task *inner[2];
    cv_task *gather;
} marking;

static int failing_inner(cv_task *t, void *arg)
{
    awaiter *w = arg;
    CV_CORO_BEGIN(t);
    CV_AWAIT_TASK(t, w->f);
    CV_FAIL(t, 9, "RuntimeError: should not be ignored");
    CV_CORO_END(t);
}

static int marking_outer(cv_task *t, void *arg)
{
    marking *m = arg;
    CV_CORO_BEGIN(t);
    m->gather = cv_aio_gather(cv_task_loop(t), m->inner, 2, false);
    CV_AWAIT_TASK(t, m->gather);
    CV_CORO_END(t);
}

/* Ports test_tasks.py CoroutineGatherTests test_exception_marking: the
 * awaiter of the gather gets the first child's failure. */
static void test_gather_exception_marking(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    marking m;
    for (int i = 0; i < 2; i++) {
        m.in[i] = (awaiter){.f = gate_start(loop, &m.g[i])};
        m.inner[i] = cv_task_create(loop, "inner", failing_inner, &m.in[i]);
    }
    cv_task *f = cv_task_create(loop, "outer", marking_outer, &m);
    run_briefly(loop);
    gate_set(&m.g[0], 0, false);
    run_briefly(loop);
    gate_set(&m.g[1], 0, false);
    cv_result r;
    assert_int_equal(cv_loop_run_until_complete(loop, f, &r), CV_EFAILED);
    assert_string_equal(r.message, "RuntimeError: should not be ignored");
    cv_loop_run(loop);
    cv_task_release(f);
    cv_task_release(m.gather);
    for (int i = 0; i < 2; i++) {
        cv_task_release(m.inner[i]);
        cv_task_release(m.in[i].f);
    }
    cv_loop_destroy(loop);
}

/* A done callback that cancels the gather and keeps what cancel() said. */
typedef struct cancel_cb_frame {
    cv_task *gather;
    int result; /* -1 until the callback ran */
} cancel_cb_frame;

static void cancelling_callback(cv_task *t, void *arg)
{
    (void)t;
    cancel_cb_frame *c = arg;
    c->result = cv_task_cancel(c->gather);
}

/* Ports test_tasks.py BaseTaskTests test_cancel_gather_1: a gather whose
 * children are all done refuses to be cancelled (bpo-26923: gather drops
 * cancellation), and ends with its result. */
static void test_cancel_gather_1(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    gate g;
    awaiter child = {.f = gate_start(loop, &g)};
    cv_task *c = cv_task_create(loop, "child", awaiter_step, &child);
    run_briefly(loop);
    cancel_cb_frame cc = {.gather = cv_aio_gather(loop, &c, 1, false), .result = -1};
    cv_task_add_done_callback(child.f, cancelling_callback, &cc);
    gate_set(&g, 42, false);
    assert_int_equal(cv_loop_run_until_complete(loop, cc.gather, NULL), CV_OK);
    assert_int_equal(cc.result, 0);
    assert_false(cv_task_cancelled(cc.gather));
    assert_int_equal(value_of(c), 12);
    cv_task_release(cc.gather);
    cv_task_release(c);
    cv_task_release(child.f);
    cv_loop_destroy(loop);
}

/* test(): while True: await gather(sleep(0.01), return_exceptions=True)
 * main(): qwe = create_task(test()); await sleep(0.05); qwe.cancel(); await qwe */
typedef struct gather2 {
    job sleep;
    cv_task *child;
    cv_task *g;
    cv_task *qwe;
    int rounds;
} gather2;

static int gather2_test(cv_task *t, void *arg)
{
    gather2 *s = arg;
    CV_CORO_BEGIN(t);
    for (;;) {
        s->child = job_start(cv_task_loop(t), &s->sleep);
        s->g = cv_aio_gather(cv_task_loop(t), &s->child, 1, true);
        cv_task_release(s->child);
        CV_AWAIT_TASK(t, s->g);
        cv_task_release(s->g);
        s->g = NULL;
        s->rounds++;
    }
    CV_CORO_FINALLY(t);
    if (s->g != NULL)
        cv_task_release(s->g);
    s->g = NULL;
    CV_CORO_END(t);
}

static int gather2_main(cv_task *t, void *arg)
{
    gather2 *s = arg;
    CV_CORO_BEGIN(t);
    s->qwe = cv_task_create(cv_task_loop(t), "qwe", gather2_test, s);
    CV_AWAIT_SLEEP(t, 0.05);
    cv_task_cancel(s->qwe);
    CV_AWAIT_TASK(t, s->qwe);
    CV_CORO_END(t);
}

/* Ports test_tasks.py BaseTaskTests test_cancel_gather_2: cancelling a
 * task that awaits a gather reaches the gather's child, and the
 * CancelledError comes back up to whoever awaits that task. */
static void test_cancel_gather_2(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    gather2 s = {.sleep = {.sleep = 0.01}};
    cv_task *m = cv_task_create(loop, "main", gather2_main, &s);
    assert_int_equal(run_guarded(loop, m, NULL), CV_ECANCELLED);
    cv_task_release(m);
    assert_true(cv_task_cancelled(s.qwe));
    assert_true(s.rounds >= 1);
    cv_task_release(s.qwe);
    cv_loop_destroy(loop);
}

/* ---- test_timeouts.py and test_waitfor.py: the timeout scope ---- */

typedef struct scope {
    double delay;     /* the scope's deadline */
    double sleep;     /* what it awaits inside */
    double after;     /* > 0: sleeps this long after the scope */
    bool catch_it;    /* try: ... except TimeoutError */
    cv_aio_timeout to;
    int caught;       /* the caught error, if catch_it */
    int cancelling;   /* cancelling() after the scope */
    bool reached;     /* code after the scope ran */
} scope;

/* async with asyncio.timeout(delay): await asyncio.sleep(sleep) */
static int scope_step(cv_task *t, void *arg)
{
    scope *s = arg;
    CV_CORO_BEGIN(t);
    if (s->catch_it) {
        CV_TRY_AWAIT(t, CV_AWAIT_WITH_TIMEOUT(t, &s->to, s->delay, CV_AWAIT_SLEEP(t, s->sleep)));
        s->caught = cv_aio_caught_error(t);
    } else {
        CV_AWAIT_WITH_TIMEOUT(t, &s->to, s->delay, CV_AWAIT_SLEEP(t, s->sleep));
    }
    s->cancelling = cv_task_cancelling(t);
    if (s->after > 0)
        CV_AWAIT_SLEEP(t, s->after); /* past the deadline: nothing fires */
    s->reached = true;
    CV_CORO_END(t);
}

/* Ports test_timeouts.py TimeoutTests test_timeout_basic and
 * test_timeout_zero: the sleep is cut short, TimeoutError comes out of
 * the scope (uncaught, the task fails with it), expired says so. */
static void test_timeout_basic(void **state)
{
    (void)state;
    for (int zero = 0; zero < 2; zero++) {
        cv_loop *loop = new_loop();
        scope s = {.delay = zero ? 0 : 0.01, .sleep = 10};
        double t0 = cv_loop_time(loop);
        cv_result r;
        assert_int_equal(cv_loop_run_main(loop, "main", scope_step, &s, &r), CV_EFAILED);
        assert_int_equal(r.error, CV_ETIMEDOUT);
        assert_string_equal(r.message, "TimeoutError");
        assert_true(cv_loop_time(loop) - t0 < 5);
        assert_true(s.to.expired);
        assert_false(s.reached);
        cv_loop_destroy(loop);
    }
}

/* Ports test_timeouts.py TimeoutTests test_outer_task_is_not_cancelled
 * (caught, the task goes on, and its cancel count is back to 0) and
 * test_timeout_not_called / test_timeout_disabled (no expiry, no
 * error). */
static void test_timeout_caught_and_not_called(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    scope s = {.delay = 0.01, .sleep = 10, .catch_it = true};
    assert_int_equal(cv_loop_run_main(loop, "main", scope_step, &s, NULL), CV_OK);
    assert_int_equal(s.caught, CV_ETIMEDOUT);
    assert_int_equal(s.cancelling, 0);
    assert_true(s.reached);

    scope fast = {.delay = 0.05, .sleep = 0.01, .after = 0.1};
    assert_int_equal(cv_loop_run_main(loop, "main", scope_step, &fast, NULL), CV_OK);
    assert_false(fast.to.expired);
    assert_true(fast.reached);

    scope none = {.delay = CV_AIO_NO_TIMEOUT, .sleep = 0.01};
    assert_int_equal(cv_loop_run_main(loop, "main", scope_step, &none, NULL), CV_OK);
    assert_false(none.to.expired);
    cv_loop_destroy(loop);
}

/* Ports test_timeouts.py TimeoutTests
 * test_foreign_cancel_doesnt_timeout_if_not_expired: a cancel from outside
 * stays a CancelledError, even when caught around the scope. */
static void test_foreign_cancel_doesnt_timeout_if_not_expired(void **state)
{
    (void)state;
    for (int catch_it = 0; catch_it < 2; catch_it++) {
        cv_loop *loop = new_loop();
        scope s = {.delay = 10, .sleep = 10, .catch_it = catch_it};
        cv_task *t = cv_task_create(loop, "main", scope_step, &s);
        run_briefly(loop);
        cv_task_cancel(t);
        int rc = cv_loop_run_until_complete(loop, t, NULL);
        if (catch_it) {
            assert_int_equal(rc, CV_OK); /* caught: a CancelledError, not a timeout */
            assert_int_equal(s.caught, 0);
            assert_int_equal(s.cancelling, 1);
        } else {
            assert_int_equal(rc, CV_ECANCELLED);
        }
        assert_false(s.to.expired);
        cv_task_release(t);
        cv_loop_destroy(loop);
    }
}

/* Cancels a task and then expires the scope in the same turn: both
 * requests are there on exit. */
typedef struct both_frame {
    cv_task *t;
    cv_timer timer;
} both_frame;

/* Not a CPython test: the race behind asyncio.Timeout.__aexit__'s
 * "uncancel() <= self._cancelling" (test_timeouts.py checks it only with
 * the cancel inside the scope, test_timeout_scopes below).  The deadline
 * and an outer cancel land in the same turn: two cancel requests, the
 * scope takes back only its own, so the CancelledError stays. */
static void test_timeout_and_outer_cancel(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    scope s = {.delay = 0.05, .sleep = 10};
    cv_task *t = cv_task_create(loop, "main", scope_step, &s);
    both_frame b = {.t = t};
    cv_timer_init(loop, &b.timer, cancel_timer_cb, t);
    cv_timer_start(&b.timer, 0.05);
    /* The scope's timer was started first (the task ran first), so at the
     * same deadline it fires first: expired, and then the outer cancel. */
    assert_int_equal(cv_loop_run_until_complete(loop, t, NULL), CV_ECANCELLED);
    cv_task_release(t);
    cv_loop_destroy(loop);
}

/* The bodies the scopes below put under a deadline. */
enum scoped_mode {
    NESTED,             /* a scope inside a scope, same delay */
    WAITER_CANCELLED,   /* the body catches the CancelledError and re-raises */
    FOREIGN_EXCEPTION,  /* the body raises KeyError at once */
    FOREIGN_ON_TIMEOUT, /* the body's finally raises ZeroDivisionError */
    ZERO_SLEEP_ZERO,    /* timeout(0) around sleep(0) */
    AFTER_CANCEL_TIMEOUT, /* a caught cancel (not uncancelled), then timeout(0) */
    AFTER_CANCEL_CANCEL,  /* a caught cancel, then a cancel inside timeout(1) */
};

typedef struct scoped {
    int mode;
    cv_aio_timeout to1, to2;
    bool cancelled; /* the body saw the CancelledError */
} scoped;

static int scoped_body(cv_task *t, void *arg)
{
    scoped *s = arg;
    CV_CORO_BEGIN(t);
    if (s->mode == NESTED) {
        CV_TRY_AWAIT(t, CV_AWAIT_WITH_TIMEOUT(t, &s->to2, 0.01, CV_AWAIT_SLEEP(t, 10)));
    } else if (s->mode == FOREIGN_EXCEPTION) {
        CV_FAIL(t, 11, "KeyError");
    } else {
        CV_TRY_AWAIT(t, CV_AWAIT_SLEEP(t, 10));
    }
    if (CV_CANCELLED_AT_AWAIT(t))
        s->cancelled = true;
    if (CV_AWAIT_STATUS(t) != CV_OK)
        CV_RERAISE(t);
    CV_CORO_FINALLY(t);
    if (s->mode == FOREIGN_ON_TIMEOUT)
        CV_FAIL(t, 12, "ZeroDivisionError");
    CV_CORO_END(t);
}

static int scoped_step(cv_task *t, void *arg)
{
    scoped *s = arg;
    CV_CORO_BEGIN(t);
    if (s->mode == ZERO_SLEEP_ZERO) {
        CV_AWAIT_WITH_TIMEOUT(t, &s->to1, 0, CV_YIELD(t));
    } else if (s->mode == AFTER_CANCEL_TIMEOUT || s->mode == AFTER_CANCEL_CANCEL) {
        cv_task_cancel(t);
        CV_TRY_AWAIT(t, CV_AWAIT_SLEEP(t, 1)); /* except CancelledError: pass */
        assert_int_equal(CV_AWAIT_STATUS(t), CV_ECANCELLED);
        if (s->mode == AFTER_CANCEL_TIMEOUT) {
            CV_AWAIT_WITH_TIMEOUT(t, &s->to1, 0, CV_AWAIT_SLEEP(t, 1));
        } else {
            cv_task_cancel(t);
            CV_AWAIT_WITH_TIMEOUT(t, &s->to2, 1, CV_AWAIT_SLEEP(t, 2));
        }
    } else {
        CV_AWAIT_WITH_TIMEOUT(t, &s->to1, 0.01, CV_AWAIT_CORO(t, scoped_body, s));
    }
    CV_CORO_END(t);
}

/* Ports test_timeouts.py TimeoutTests test_nested_timeouts (only the
 * outermost scope raises TimeoutError; the inner one lets the
 * CancelledError through), test_waiter_cancelled,
 * test_foreign_exception_passed, test_foreign_exception_on_timeout,
 * test_timeout_zero_sleep_zero (a deadline of 0 cancels before the
 * sleep(0) resumes), test_timeout_after_cancellation and
 * test_cancel_in_timeout_after_cancellation (a cancel caught earlier and
 * not taken back does not confuse the count). */
static void test_timeout_scopes(void **state)
{
    (void)state;
    static const struct {
        int mode;
        int rc, error;
        bool cancelled, expired;
    } cases[] = {
        {NESTED, CV_EFAILED, CV_ETIMEDOUT, true, true},
        {WAITER_CANCELLED, CV_EFAILED, CV_ETIMEDOUT, true, true},
        {FOREIGN_EXCEPTION, CV_EFAILED, 11, false, false},
        {FOREIGN_ON_TIMEOUT, CV_EFAILED, 12, true, true},
        {ZERO_SLEEP_ZERO, CV_EFAILED, CV_ETIMEDOUT, false, true},
        {AFTER_CANCEL_TIMEOUT, CV_EFAILED, CV_ETIMEDOUT, false, true},
        {AFTER_CANCEL_CANCEL, CV_ECANCELLED, 0, false, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cv_loop *loop = new_loop();
        scoped s = {.mode = cases[i].mode};
        cv_result r;
        double t0 = cv_loop_time(loop);
        int rc = cv_loop_run_main(loop, "main", scoped_step, &s, &r);
        assert_int_equal(rc, cases[i].rc);
        if (rc == CV_EFAILED)
            assert_int_equal(r.error, cases[i].error);
        assert_true(cv_loop_time(loop) - t0 < 1.5);
        assert_int_equal(s.cancelled, cases[i].cancelled);
        assert_int_equal(s.mode == AFTER_CANCEL_CANCEL ? s.to2.expired : s.to1.expired,
                         cases[i].expired);
        cv_loop_destroy(loop);
    }
}

/* Ports test_timeouts.py TimeoutTests test_timeout_in_the_past_sleep_zero:
 * a deadline in the past (-11 s) expires at once, so even a sleep(0)
 * under it raises TimeoutError. */
static void test_timeout_in_the_past_sleep_zero(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    scope s = {.delay = -11, .sleep = 0};
    cv_result r;
    assert_int_equal(cv_loop_run_main(loop, "main", scope_step, &s, &r), CV_EFAILED);
    assert_int_equal(r.error, CV_ETIMEDOUT);
    assert_true(s.to.expired);
    assert_false(s.reached);
    cv_loop_destroy(loop);
}

/* Two scopes, the inner one caught (the test's inner assertRaises), with
 * a busy stretch (time.sleep) before the first await. */
typedef struct nest {
    double outer, inner; /* the deadlines */
    useconds_t busy_us;  /* blocks the loop this long inside the inner scope */
    bool in_finally;     /* the inner scope runs in a finally after a cancel */
    cv_aio_timeout to_outer, to_inner;
    int inner_status;    /* what left the inner scope */
    int inner_error;
    int cancelling;      /* in the finally, before the inner scope */
    bool after_inner;    /* the code after the inner scope ran */
} nest;

/* time.sleep(busy); await asyncio.sleep(1) */
static int busy_body(cv_task *t, void *arg)
{
    nest *n = arg;
    CV_CORO_BEGIN(t);
    usleep(n->busy_us);
    CV_AWAIT_SLEEP(t, 10);
    CV_CORO_END(t);
}

/* try: async with timeout(inner): ... except TimeoutError: pass */
static int nest_body(cv_task *t, void *arg)
{
    nest *n = arg;
    CV_CORO_BEGIN(t);
    if (n->in_finally)
        CV_AWAIT_SLEEP(t, 1); /* cancelled by the outer deadline */
    CV_TRY_AWAIT(t, CV_AWAIT_WITH_TIMEOUT(t, &n->to_inner, n->inner,
                                          CV_AWAIT_CORO(t, busy_body, n)));
    n->inner_status = CV_AWAIT_STATUS(t);
    n->inner_error = cv_aio_caught_error(t);
    if (n->inner_status != CV_OK && n->inner_error != CV_ETIMEDOUT)
        CV_RERAISE(t); /* assertRaises(TimeoutError) lets a CancelledError by */
    n->after_inner = true;
    if (!n->in_finally)
        CV_AWAIT_SLEEP(t, 10); /* the outer deadline cuts this short */
    CV_CORO_FINALLY(t);
    if (n->in_finally && !n->after_inner) {
        n->cancelling = cv_task_cancelling(t);
        CV_TRY_AWAIT(t, CV_AWAIT_WITH_TIMEOUT(t, &n->to_inner, n->inner, CV_AWAIT_SLEEP(t, 10)));
        n->inner_status = CV_AWAIT_STATUS(t);
        n->inner_error = cv_aio_caught_error(t);
        n->after_inner = true;
    }
    CV_CORO_END(t);
}

static int nest_step(cv_task *t, void *arg)
{
    nest *n = arg;
    CV_CORO_BEGIN(t);
    CV_AWAIT_WITH_TIMEOUT(t, &n->to_outer, n->outer, CV_AWAIT_CORO(t, nest_body, n));
    CV_CORO_END(t);
}

/* Ports test_timeouts.py TimeoutTests test_nested_timeouts_concurrent (the
 * outer deadline passes while the loop is blocked inside the inner scope,
 * whose own deadline is far: the inner scope lets the CancelledError
 * through, the outer one makes it TimeoutError; CPython's inner deadline
 * of 0.1 s is "far", here 10 s so that a stalled machine cannot reach it),
 * test_nested_timeouts_loop_busy
 * (both deadlines pass while the loop is blocked; both cancel in the same
 * turn, the inner scope takes back only its own request, so again only
 * the outer scope raises TimeoutError and the code after the inner scope
 * never runs) and test_nested_timeout_in_finally (a scope in the finally
 * of a cancelled await: the outer cancel is still counted, the inner
 * scope raises its own TimeoutError, the outer one then its own). */
static void test_nested_timeouts(void **state)
{
    (void)state;
    static const struct {
        double outer, inner;
        useconds_t busy_us;
        bool in_finally;
        bool inner_expired;
        int inner_status, inner_error, cancelling;
    } cases[] = {
        {0.002, 10, 10000, false, false, CV_ECANCELLED, 0, 0},
        {0.1, 0.01, 100000, false, true, CV_ECANCELLED, 0, 0},
        {0.01, 0.01, 0, true, true, CV_EFAILED, CV_ETIMEDOUT, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cv_loop *loop = new_loop();
        nest n = {.outer = cases[i].outer, .inner = cases[i].inner,
                  .busy_us = cases[i].busy_us, .in_finally = cases[i].in_finally};
        cv_result r;
        double t0 = cv_loop_time(loop);
        assert_int_equal(cv_loop_run_main(loop, "main", nest_step, &n, &r), CV_EFAILED);
        assert_int_equal(r.error, CV_ETIMEDOUT);
        assert_true(cv_loop_time(loop) - t0 < 5);
        assert_true(n.to_outer.expired);
        assert_int_equal(n.to_inner.expired, cases[i].inner_expired);
        assert_int_equal(n.inner_status, cases[i].inner_status);
        assert_int_equal(n.inner_error, cases[i].inner_error);
        assert_int_equal(n.after_inner, cases[i].in_finally);
        assert_int_equal(n.cancelling, cases[i].cancelling);
        cv_loop_destroy(loop);
    }
}

/* wait_for(inner, timeout) */
typedef struct wf {
    job j;
    bool start_first; /* the inner task runs a turn before the await */
    double timeout;
    double after;     /* > 0: sleeps this long after the wait_for */
    bool reached_end;
    cv_task *given;   /* the task to wait for; NULL: a new job from j */
    cv_task *inner;
    cv_aio_timeout to;
} wf;

static int wf_step(cv_task *t, void *arg)
{
    wf *w = arg;
    CV_CORO_BEGIN(t);
    w->inner = w->given != NULL ? w->given : job_start(cv_task_loop(t), &w->j);
    if (w->start_first)
        CV_YIELD(t);
    CV_AWAIT_WAIT_FOR(t, &w->to, w->inner, w->timeout);
    if (w->after > 0)
        CV_AWAIT_SLEEP(t, w->after);
    w->reached_end = true;
    {
        cv_result r;
        cv_task_result(w->inner, &r);
        CV_RETURN(t, r.value);
    }
    CV_CORO_END(t);
}

/* Ports test_waitfor.py AsyncioWaitForTest test_wait_for: at the deadline
 * the inner task is cancelled and awaited, then TimeoutError. */
static void test_wait_for(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    wf w = {.j = {.sleep = 10, .name = "inner-ended"}, .timeout = 0.05};
    cv_result r;
    double t0 = cv_loop_time(loop);
    assert_int_equal(cv_loop_run_main(loop, "foo", wf_step, &w, &r), CV_EFAILED);
    assert_int_equal(r.error, CV_ETIMEDOUT);
    assert_true(cv_loop_time(loop) - t0 < 5);
    assert_true(cv_task_cancelled(w.inner));
    assert_string_equal(seen, "");
    cv_task_release(w.inner);
    cv_loop_destroy(loop);
}

/* Ports test_waitfor.py AsyncioWaitForTest
 * test_wait_for_timeout_less_then_0_or_0_coroutine_do_not_started (the
 * inner task never runs) and
 * test_wait_for_timeout_less_then_0_or_0_future_done (its result comes
 * back when it is done already: here a task done before the await). */
static void test_wait_for_timeout_zero(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    wf w = {.j = {.sleep = -1, .value = 7, .name = "started"}, .timeout = 0};
    cv_result r;
    assert_int_equal(cv_loop_run_main(loop, "foo", wf_step, &w, &r), CV_EFAILED);
    assert_int_equal(r.error, CV_ETIMEDOUT);
    assert_true(cv_task_cancelled(w.inner));
    assert_string_equal(seen, "");
    cv_task_release(w.inner);

    wf done = {.j = {.sleep = -1, .value = 7}, .start_first = true, .timeout = 0};
    assert_int_equal(cv_loop_run_main(loop, "foo", wf_step, &done, &r), CV_OK);
    assert_int_equal(r.value, 7);
    assert_false(done.to.expired);
    cv_task_release(done.inner);
    cv_loop_destroy(loop);
}

/* Ports test_waitfor.py AsyncioWaitForTest
 * test_wait_for_waits_for_task_cancellation: the TimeoutError comes only
 * after the inner task has finished its cleanup. */
static void test_wait_for_waits_for_task_cancellation(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    wf w = {.j = {.sleep = 10, .linger = true}, .timeout = 0.001};
    cv_result r;
    assert_int_equal(cv_loop_run_main(loop, "foo", wf_step, &w, &r), CV_EFAILED);
    assert_int_equal(r.error, CV_ETIMEDOUT);
    assert_string_equal(seen, "lingered");
    assert_true(cv_task_cancelled(w.inner));
    cv_task_release(w.inner);
    cv_loop_destroy(loop);
}

/* Ports test_waitfor.py AsyncioWaitForTest
 * test_wait_for_waits_for_task_cancellation_w_timeout_0 (with 0 too, the
 * TimeoutError waits for the inner task's cleanup) and
 * test_wait_for_reraises_exception_during_cancellation (an exception the
 * inner task raises while cancelled comes out instead of TimeoutError). */
static void test_wait_for_cancellation_outcomes(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    wf w = {.j = {.sleep = 10, .linger = true}, .start_first = true, .timeout = 0};
    cv_result r;
    assert_int_equal(cv_loop_run_main(loop, "foo", wf_step, &w, &r), CV_EFAILED);
    assert_int_equal(r.error, CV_ETIMEDOUT);
    assert_string_equal(seen, "lingered");
    cv_task_release(w.inner);

    wf f = {.j = {.sleep = 10, .fail_on_cancel = true}, .timeout = 0.001};
    assert_int_equal(cv_loop_run_main(loop, "foo", wf_step, &f, &r), CV_EFAILED);
    assert_int_equal(r.error, 13);
    assert_string_equal(r.message, "FooException");
    cv_task_release(f.inner);
    cv_loop_destroy(loop);
}

/* Ports test_waitfor.py AsyncioWaitForTest test_wait_for_issue86296: a
 * wait_for that is over leaves nothing behind; a later cancel is an
 * ordinary CancelledError at the next await. */
static void test_wait_for_issue86296(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    wf w = {.j = {.sleep = -1}, .timeout = 100, .after = 1};
    cv_task *t = cv_task_create(loop, "wait_for_coro", wf_step, &w);
    run_briefly(loop);
    assert_false(cv_task_done(t));
    cv_task_cancel(t);
    assert_int_equal(run_guarded(loop, t, NULL), CV_ECANCELLED);
    assert_false(w.reached_end);
    assert_false(w.to.expired);
    cv_task_release(w.inner);
    cv_task_release(t);
    cv_loop_destroy(loop);
}

/* Ports test_waitfor.py AsyncioWaitForTest test_cancel_wait_for and
 * test_cancel_blocking_wait_for (bpo-23219: cancelling the wait_for
 * cancels the task it waits for). */
static void test_cancel_wait_for(void **state)
{
    (void)state;
    for (int blocking = 0; blocking < 2; blocking++) {
        cv_loop *loop = new_loop();
        wf w = {.j = {.sleep = 10}, .timeout = blocking ? CV_AIO_NO_TIMEOUT : 60};
        cv_task *t = cv_task_create(loop, "wait", wf_step, &w);
        cv_handle h;
        cv_handle_init(loop, &h, cancel_cb, t);
        cv_handle_schedule(&h);
        assert_int_equal(run_guarded(loop, t, NULL), CV_ECANCELLED);
        run_briefly(loop);
        if (w.inner != NULL) {
            assert_true(cv_task_cancelled(w.inner));
            cv_task_release(w.inner);
        }
        cv_task_release(t);
        cv_loop_destroy(loop);
    }
}

/* Ports test_waitfor.py AsyncioWaitForTest test_wait_for_race_condition
 * (done before the deadline: the result, no cancel) and
 * test_wait_for_cancel_suppressed (the inner task swallows the cancel and
 * returns: its value, no TimeoutError, since 3.12). */
static void test_wait_for_result(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    wf w = {.j = {.sleep = 0.01, .value = 5}, .timeout = 10};
    cv_result r;
    assert_int_equal(cv_loop_run_main(loop, "foo", wf_step, &w, &r), CV_OK);
    assert_int_equal(r.value, 5);
    assert_false(w.to.expired);
    cv_task_release(w.inner);

    wf s = {.j = {.sleep = 10, .value = 5, .catch_cancel = true}, .timeout = 0.01};
    assert_int_equal(cv_loop_run_main(loop, "foo", wf_step, &s, &r), CV_OK);
    assert_int_equal(r.value, -1); /* what the inner task returned */
    assert_true(s.to.expired);
    cv_task_release(s.inner);
    cv_loop_destroy(loop);
}

/* Ports test_waitfor.py AsyncioWaitForTest test_wait_for_timeout_less_then_0_or_0
 * (the half with -1; test_wait_for_cancellation_outcomes has 0): a
 * deadline that has gone by cancels the running task at once, and the
 * TimeoutError comes when it has ended. */
static void test_wait_for_timeout_negative(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    wf w = {.j = {.sleep = 10, .name = "slept"}, .start_first = true, .timeout = -1};
    cv_result r;
    double t0 = cv_loop_time(loop);
    assert_int_equal(cv_loop_run_main(loop, "foo", wf_step, &w, &r), CV_EFAILED);
    assert_int_equal(r.error, CV_ETIMEDOUT);
    assert_true(cv_loop_time(loop) - t0 < 5);
    assert_true(w.to.expired);
    assert_true(cv_task_cancelled(w.inner));
    assert_string_equal(seen, "");
    cv_task_release(w.inner);
    cv_loop_destroy(loop);
}

/* Ports test_waitfor.py AsyncioWaitForTest test_wait_for_blocking:
 * timeout=None (CV_AIO_NO_TIMEOUT) waits for the result, however it
 * comes: at once, or after a sleep. */
static void test_wait_for_blocking(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    for (int sleeps = 0; sleeps < 2; sleeps++) {
        wf w = {.j = {.sleep = sleeps ? 0.01 : -1, .value = 7}, .timeout = CV_AIO_NO_TIMEOUT};
        cv_result r;
        assert_int_equal(cv_loop_run_main(loop, "foo", wf_step, &w, &r), CV_OK);
        assert_int_equal(r.value, 7);
        assert_false(w.to.expired);
        cv_task_release(w.inner);
    }
    cv_loop_destroy(loop);
}

/* async def inner(): three sleeps, each catching a CancelledError; return 42 */
typedef struct stubborn {
    int i;
} stubborn;

static int stubborn_step(cv_task *t, void *arg)
{
    stubborn *s = arg;
    CV_CORO_BEGIN(t);
    for (s->i = 0; s->i < 3; s->i++) {
        CV_TRY_AWAIT(t, CV_AWAIT_SLEEP(t, 0.03));
        if (CV_CANCELLED_AT_AWAIT(t))
            note("caught");
        else
            break;
    }
    CV_RETURN(t, 42);
    CV_CORO_END(t);
}

/* Ports test_waitfor.py AsyncioWaitForTest test_wait_for_self_cancellation:
 * a wait_for task cancelled before it ran ends cancelled and never
 * touches the task it would have waited for, which goes on to its 42. */
static void test_wait_for_self_cancellation(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    stubborn s = {0};
    cv_task *inner = cv_task_create(loop, "inner", stubborn_step, &s);
    assert_non_null(inner);
    wf w = {.given = inner, .timeout = 0.01};
    cv_task *task = cv_task_create(loop, "wait_for", wf_step, &w);
    assert_non_null(task);
    assert_true(cv_task_cancel(task));
    assert_int_equal(run_guarded(loop, task, NULL), CV_ECANCELLED);
    assert_int_equal(run_guarded(loop, inner, NULL), CV_OK);
    assert_int_equal(value_of(inner), 42);
    assert_string_equal(seen, ""); /* inner was never cancelled */
    assert_false(w.to.expired);
    cv_task_release(task);
    cv_task_release(inner);
    cv_loop_destroy(loop);
}

/* SlowTask: runs for `length` seconds, ignoring cancel requests. */
typedef struct slow_task {
    double length;
    double until;
    int cancels; /* the requests it ignored */
    bool exited;
} slow_task;

static int slow_task_step(cv_task *t, void *arg)
{
    slow_task *s = arg;
    CV_CORO_BEGIN(t);
    s->until = cv_loop_time(cv_task_loop(t)) + s->length;
    while (cv_loop_time(cv_task_loop(t)) < s->until) {
        CV_TRY_AWAIT(t, CV_AWAIT_SLEEP(t, s->until - cv_loop_time(cv_task_loop(t))));
        if (CV_CANCELLED_AT_AWAIT(t))
            s->cancels++;
    }
    s->exited = true;
    CV_CORO_END(t);
}

typedef struct wait_wf {
    wf w;
    cv_task *task;
    cv_aio_wait wait;
} wait_wf;

/* waitfortask = create_task(wait_for(...)); sleep(0); cancel; wait({it}) */
static int wait_wf_step(cv_task *t, void *arg)
{
    wait_wf *m = arg;
    CV_CORO_BEGIN(t);
    m->task = cv_task_create(cv_task_loop(t), "waitfortask", wf_step, &m->w);
    CV_YIELD(t);
    cv_task_cancel(m->task);
    CV_AWAIT_WAIT(t, &m->wait, &m->task, 1, CV_AIO_NO_TIMEOUT, CV_AIO_ALL_COMPLETED);
    CV_CORO_END(t);
}

/* Ports test_waitfor.py AsyncioWaitForTest test_asyncio_wait_for_cancelled:
 * cancelling a wait_for hands the cancel to the task it waits for, and
 * the wait_for ends only once that task has (here it ignores the cancel
 * and returns, so the wait_for returns too, as in CPython 3.12). */
static void test_asyncio_wait_for_cancelled(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    slow_task s = {.length = 0.2};
    wait_wf m = {.w = {.given = cv_task_create(loop, "slow", slow_task_step, &s),
                       .timeout = 2 * s.length}};
    assert_non_null(m.w.given);
    assert_int_equal(cv_loop_run_main(loop, "main", wait_wf_step, &m, NULL), CV_OK);
    assert_int_equal(m.wait.ndone, 1);
    assert_true(s.exited);
    assert_int_equal(s.cancels, 1);
    assert_int_equal(cv_task_result(m.task, NULL), CV_OK);
    assert_false(m.w.to.expired);
    cv_aio_wait_clear(&m.wait);
    cv_task_release(m.task);
    cv_task_release(m.w.given);
    cv_loop_destroy(loop);
}

/* Ports test_waitfor.py AsyncioWaitForTest test_asyncio_wait_for_timeout:
 * at the deadline wait_for cancels the task and waits until it has ended;
 * it ignored the cancel and returned, so no TimeoutError (CPython's test
 * allows either; 3.12 returns). */
static void test_asyncio_wait_for_timeout(void **state)
{
    (void)state;
    cv_loop *loop = new_loop();
    slow_task s = {.length = 0.2};
    wf w = {.given = cv_task_create(loop, "slow", slow_task_step, &s), .timeout = s.length / 2};
    assert_non_null(w.given);
    assert_int_equal(cv_loop_run_main(loop, "foo", wf_step, &w, NULL), CV_OK);
    assert_true(s.exited);
    assert_int_equal(s.cancels, 1);
    assert_true(w.to.expired);
    cv_task_release(w.given);
    cv_loop_destroy(loop);
}

/* ---- test_threads.py and test_futures.py: to_thread and wrap_future ---- */

static int thread_calls; /* atomic: calls of in_thread */

static void in_thread(void *arg, cv_result *out)
{
    int *x = arg;
    __atomic_add_fetch(&thread_calls, 1, __ATOMIC_RELAXED);
    out->value = *x * 2;
    out->data = (void *)(uintptr_t)pthread_self();
}

static void fails_in_thread(void *arg, cv_result *out)
{
    (void)arg;
    cv_result_fail(out, 3, "ValueError: from the thread");
}

typedef struct thread_frame {
    cv_pool *pool;
    int x;
    bool fail;
    cv_aio_thread_call call;
} thread_frame;

static int thread_step(cv_task *t, void *arg)
{
    thread_frame *f = arg;
    CV_CORO_BEGIN(t);
    CV_AWAIT_TO_THREAD(t, &f->call, f->pool, "call", f->fail ? fails_in_thread : in_thread,
                       &f->x);
    CV_RETURN(t, f->call.result.value);
    CV_CORO_END(t);
}

/* Ports test_threads.py ToThreadTests test_to_thread (the value comes
 * back), test_to_thread_once (one call), test_futures.py BaseFutureTests test_wrap_future (from another
 * thread) and test_threads.py test_to_thread_exception (the failure is
 * raised in the task). */
static void test_to_thread(void **state)
{
    (void)state;
    cv_pool *pool = cv_pool_create(NULL, 1, "worker");
    assert_non_null(pool);
    cv_loop *loop = new_loop();
    thread_frame f = {.pool = pool, .x = 21};
    cv_result r;
    __atomic_store_n(&thread_calls, 0, __ATOMIC_RELAXED);
    assert_int_equal(cv_loop_run_main(loop, "main", thread_step, &f, &r), CV_OK);
    assert_int_equal(r.value, 42);
    assert_int_equal(__atomic_load_n(&thread_calls, __ATOMIC_RELAXED), 1);
    assert_true(f.call.result.data != (void *)(uintptr_t)pthread_self());
    thread_frame g = {.pool = pool, .fail = true};
    assert_int_equal(cv_loop_run_main(loop, "main", thread_step, &g, &r), CV_EFAILED);
    assert_int_equal(r.error, 3);
    assert_string_equal(r.message, "ValueError: from the thread");
    cv_loop_destroy(loop);
    cv_pool_destroy(pool);
}

/* Ports test_threads.py ToThreadTests test_to_thread_concurrent: ten
 * to_thread calls gathered, each runs once and gives its own value. */
static void test_to_thread_concurrent(void **state)
{
    (void)state;
    enum { N = 10 };
    cv_pool *pool = cv_pool_create(NULL, 2, "worker");
    cv_loop *loop = new_loop();
    thread_frame f[N];
    cv_task *tasks[N];
    __atomic_store_n(&thread_calls, 0, __ATOMIC_RELAXED);
    for (int i = 0; i < N; i++) {
        f[i] = (thread_frame){.pool = pool, .x = i};
        tasks[i] = cv_task_create(loop, "call", thread_step, &f[i]);
    }
    cv_task *g = cv_aio_gather(loop, tasks, N, false);
    assert_int_equal(run_guarded(loop, g, NULL), CV_OK);
    assert_int_equal(__atomic_load_n(&thread_calls, __ATOMIC_RELAXED), N);
    for (int i = 0; i < N; i++) {
        assert_int_equal(value_of(tasks[i]), 2 * i);
        cv_task_release(tasks[i]);
    }
    cv_task_release(g);
    cv_loop_destroy(loop);
    cv_pool_destroy(pool);
}

static void hold_worker(void *arg, cv_result *out)
{
    (void)out;
    /* Holds the only worker until the test lets it go. */
    while (!__atomic_load_n((int *)arg, __ATOMIC_ACQUIRE))
        usleep(1000);
}

/* Ports test_futures.py BaseFutureTests test_wrap_future_cancel: a task
 * cancelled while its to_thread call is still queued cancels the call,
 * which then never runs. */
static void test_to_thread_cancel_queued(void **state)
{
    (void)state;
    cv_pool *pool = cv_pool_create(NULL, 1, "worker");
    int release = 0;
    int err;
    cv_future *busy = cv_pool_submit(pool, "busy", hold_worker, &release, &err);
    assert_non_null(busy);
    cv_loop *loop = new_loop();
    thread_frame f = {.pool = pool, .x = 1};
    __atomic_store_n(&thread_calls, 0, __ATOMIC_RELAXED);
    cv_task *t = cv_task_create(loop, "main", thread_step, &f);
    run_briefly(loop);
    cv_task_cancel(t);
    assert_int_equal(cv_loop_run_until_complete(loop, t, NULL), CV_ECANCELLED);
    __atomic_store_n(&release, 1, __ATOMIC_RELEASE);
    cv_loop_run(loop);
    cv_task_release(t);
    cv_loop_destroy(loop);
    cv_future_release(busy);
    cv_pool_destroy(pool); /* joins the worker: had the call run, it has now */
    assert_int_equal(__atomic_load_n(&thread_calls, __ATOMIC_RELAXED), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_callbacks_invoked_on_set_result, setup),
        cmocka_unit_test_setup(test_callbacks_scheduled_not_called, setup),
        cmocka_unit_test_setup(test_callbacks_remove, setup),
        cmocka_unit_test_setup(test_remove_done_callback, setup),
        cmocka_unit_test_setup(test_schedule_callbacks_list_mutation_1, setup),
        cmocka_unit_test_setup(test_add_done_callback_when_done, setup),
        cmocka_unit_test_setup(test_callbacks_dropped_with_loop, setup),
        cmocka_unit_test_setup(test_task_basics, setup),
        cmocka_unit_test_setup(test_task_awaits_on_itself, setup),
        cmocka_unit_test_setup(test_cancelling, setup),
        cmocka_unit_test_setup(test_uncancel, setup),
        cmocka_unit_test_setup(test_cancel, setup),
        cmocka_unit_test_setup(test_cancel_inner_future, setup),
        cmocka_unit_test_setup(test_cancel_task_catching, setup),
        cmocka_unit_test_setup(test_cancel_task_ignoring, setup),
        cmocka_unit_test_setup(test_cancel_current_task, setup),
        cmocka_unit_test_setup(test_cancel_awaited_task, setup),
        cmocka_unit_test_setup(test_stop_while_run_in_complete, setup),
        cmocka_unit_test_setup(test_sleep, setup),
        cmocka_unit_test_setup(test_sleep_cancel, setup),
        cmocka_unit_test_setup(test_task_cancel_sleeping_task, setup),
        cmocka_unit_test_setup(test_task_cancel_waiter_future, setup),
        cmocka_unit_test_setup(test_yield_future_passes_cancel, setup),
        cmocka_unit_test_setup(test_yield_wait_does_not_shield_cancel, setup),
        cmocka_unit_test_setup(test_sleep_zero, setup),
        cmocka_unit_test_setup(test_wait, setup),
        cmocka_unit_test_setup(test_wait_duplicate_coroutines, setup),
        cmocka_unit_test_setup(test_wait_errors, setup),
        cmocka_unit_test_setup(test_wait_first_completed, setup),
        cmocka_unit_test_setup(test_wait_really_done, setup),
        cmocka_unit_test_setup(test_wait_first_exception, setup),
        cmocka_unit_test_setup(test_wait_with_timeout, setup),
        cmocka_unit_test_setup(test_wait_with_past_timeout, setup),
        cmocka_unit_test_setup(test_as_completed, setup),
        cmocka_unit_test_setup(test_as_completed_with_timeout, setup),
        cmocka_unit_test_setup(test_as_completed_duplicate_coroutines, setup),
        cmocka_unit_test_setup(test_gather_success, setup),
        cmocka_unit_test_setup(test_gather_one_exception, setup),
        cmocka_unit_test_setup(test_gather_return_exceptions, setup),
        cmocka_unit_test_setup(test_gather_empty, setup),
        cmocka_unit_test_setup(test_gather_one_cancellation, setup),
        cmocka_unit_test_setup(test_gather_result_exception_one_cancellation, setup),
        cmocka_unit_test_setup(test_gather_duplicate_coroutines, setup),
        cmocka_unit_test_setup(test_gather_cancellation_broadcast, setup),
        cmocka_unit_test_setup(test_gather_exception_marking, setup),
        cmocka_unit_test_setup(test_cancel_gather_1, setup),
        cmocka_unit_test_setup(test_cancel_gather_2, setup),
        cmocka_unit_test_setup(test_timeout_basic, setup),
        cmocka_unit_test_setup(test_timeout_caught_and_not_called, setup),
        cmocka_unit_test_setup(test_foreign_cancel_doesnt_timeout_if_not_expired, setup),
        cmocka_unit_test_setup(test_timeout_and_outer_cancel, setup),
        cmocka_unit_test_setup(test_timeout_scopes, setup),
        cmocka_unit_test_setup(test_timeout_in_the_past_sleep_zero, setup),
        cmocka_unit_test_setup(test_nested_timeouts, setup),
        cmocka_unit_test_setup(test_wait_for, setup),
        cmocka_unit_test_setup(test_wait_for_timeout_zero, setup),
        cmocka_unit_test_setup(test_wait_for_result, setup),
        cmocka_unit_test_setup(test_wait_for_waits_for_task_cancellation, setup),
        cmocka_unit_test_setup(test_cancel_wait_for, setup),
        cmocka_unit_test_setup(test_wait_for_cancellation_outcomes, setup),
        cmocka_unit_test_setup(test_wait_for_issue86296, setup),
        cmocka_unit_test_setup(test_wait_for_timeout_negative, setup),
        cmocka_unit_test_setup(test_wait_for_blocking, setup),
        cmocka_unit_test_setup(test_wait_for_self_cancellation, setup),
        cmocka_unit_test_setup(test_asyncio_wait_for_cancelled, setup),
        cmocka_unit_test_setup(test_asyncio_wait_for_timeout, setup),
        cmocka_unit_test_setup(test_to_thread, setup),
        cmocka_unit_test_setup(test_to_thread_concurrent, setup),
        cmocka_unit_test_setup(test_to_thread_cancel_queued, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
