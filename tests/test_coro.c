/*
 * Awaiting a coroutine inline (CV_AWAIT_CORO) and asyncio.run's ending
 * (cv_loop_run_main).  In Python, `await slow()` runs slow's body inside
 * the caller's step: nothing else runs until slow really suspends, and then
 * the whole task waits.  These tests check that order, what travels back
 * (a value, a failure, a cancellation), and the events the UI reads.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "bus.h"
#include "coro.h"
#include "log.h"
#include "loop.h"
#include "task.h"

/* What happened, in order, as short words joined by spaces. */
static char seen[512];

static void note(const char *word)
{
    size_t n = strlen(seen);
    snprintf(seen + n, sizeof seen - n, "%s%s", n > 0 ? " " : "", word);
}

typedef struct frame {
    int depth;      /* for the nested callee */
    double sleep;   /* > 0: the callee sleeps this long */
    bool fail;      /* the callee raises */
    bool catch_it;  /* the caller catches what the callee raises */
    cv_task *other; /* a task the caller creates first */
    cv_task *self;
    int status;     /* what the caller caught */
    long long value;
    char message[128];
} frame;

static int other_task(cv_task *t, void *arg)
{
    (void)arg;
    CV_CORO_BEGIN(t);
    note("other");
    CV_CORO_END(t);
}

/* async def callee(): [await asyncio.sleep(s)]; [raise ...]; return 42 */
static int callee(cv_task *t, void *arg)
{
    frame *f = arg;
    CV_CORO_BEGIN(t);
    note("callee");
    if (f->sleep > 0)
        CV_AWAIT_SLEEP(t, f->sleep);
    if (f->fail)
        CV_FAIL(t, CV_EFAILED, "ValueError: boom");
    note("callee-returns");
    CV_RETURN(t, 42);
    CV_CORO_FINALLY(t);
    note("callee-finally");
    CV_CORO_END(t);
}

/* async def caller(): create_task(other()); r = await callee(); ... */
static int caller(cv_task *t, void *arg)
{
    frame *f = arg;
    CV_CORO_BEGIN(t);
    f->other = cv_task_create(cv_task_loop(t), "other", other_task, NULL);
    note("caller");
    if (f->catch_it) {
        CV_TRY_AWAIT(t, CV_AWAIT_CORO(t, callee, f));
        f->status = CV_AWAIT_STATUS(t);
        if (f->status == CV_EFAILED) {
            cv_result r;
            (void)r;
            snprintf(f->message, sizeof f->message, "%s", CV_AWAITED_RESULT(t)->message);
        }
    } else {
        CV_AWAIT_CORO(t, callee, f);
    }
    f->value = CV_AWAITED_VALUE(t);
    note("caller-after");
    CV_RETURN(t, f->value + 1);
    CV_CORO_FINALLY(t);
    note("caller-finally");
    CV_CORO_END(t);
}

static cv_task *start(cv_loop *loop, frame *f)
{
    seen[0] = '\0';
    cv_task *t = cv_task_create(loop, "caller", caller, f);
    f->self = t;
    return t;
}

static void finish(cv_loop *loop, frame *f, cv_task *t)
{
    cv_task_release(f->other);
    cv_task_release(t);
    cv_loop_destroy(loop);
}

/* The callee runs in the caller's step: the task created before the await
 * runs only after the caller's step is over. */
static void test_callee_runs_in_the_callers_step(void **unused)
{
    (void)unused;
    cv_loop *loop = cv_loop_create(NULL, 1);
    frame f = {0};
    cv_task *t = start(loop, &f);
    cv_result r;
    assert_int_equal(cv_loop_run_until_complete(loop, t, &r), CV_OK);
    cv_loop_run(loop);
    assert_string_equal(seen, "caller callee callee-returns callee-finally caller-after "
                              "caller-finally other");
    assert_int_equal(f.value, 42);
    assert_int_equal(r.value, 43);
    finish(loop, &f, t);
}

/* A real suspension inside the callee suspends the whole task: now the
 * other task runs, and the caller resumes after the callee's sleep. */
static void test_callee_suspension_suspends_the_task(void **unused)
{
    (void)unused;
    cv_loop *loop = cv_loop_create(NULL, 1);
    frame f = {.sleep = 0.01};
    cv_task *t = start(loop, &f);
    cv_result r;
    assert_int_equal(cv_loop_run_until_complete(loop, t, &r), CV_OK);
    assert_string_equal(seen, "caller callee other callee-returns callee-finally caller-after "
                              "caller-finally");
    assert_int_equal(r.value, 43);
    finish(loop, &f, t);
}

/* An exception raised in the callee is raised at the caller's await, with
 * its message; it runs both finally blocks on its way out. */
static void test_callee_failure_propagates(void **unused)
{
    (void)unused;
    cv_loop *loop = cv_loop_create(NULL, 1);
    frame f = {.fail = true, .sleep = 0.001};
    cv_task *t = start(loop, &f);
    cv_result r;
    assert_int_equal(cv_loop_run_until_complete(loop, t, &r), CV_EFAILED);
    assert_string_equal(r.message, "ValueError: boom");
    assert_string_equal(seen, "caller callee other callee-finally caller-finally");
    finish(loop, &f, t);

    /* Caught: the caller goes on with the callee's words in hand. */
    loop = cv_loop_create(NULL, 1);
    frame g = {.fail = true, .catch_it = true};
    t = start(loop, &g);
    assert_int_equal(cv_loop_run_until_complete(loop, t, &r), CV_OK);
    assert_int_equal(g.status, CV_EFAILED);
    assert_string_equal(g.message, "ValueError: boom");
    /* run_until_complete's last turn runs the task caller created. */
    assert_string_equal(seen, "caller callee callee-finally caller-after caller-finally other");
    finish(loop, &g, t);
}

/* Cancelling the task while the callee sleeps raises CancelledError in the
 * callee, then at the caller's await. */
static int canceller(cv_task *t, void *arg)
{
    frame *f = arg;
    CV_CORO_BEGIN(t);
    note("cancel");
    cv_task_cancel(f->self);
    CV_CORO_END(t);
}

static void test_cancel_reaches_callee_then_caller(void **unused)
{
    (void)unused;
    cv_loop *loop = cv_loop_create(NULL, 1);
    frame f = {.sleep = 5};
    cv_task *t = start(loop, &f);
    cv_task *c = cv_task_create(loop, "canceller", canceller, &f);
    assert_int_equal(cv_loop_run_until_complete(loop, t, NULL), CV_ECANCELLED);
    /* canceller was ready before other, which caller created. */
    assert_string_equal(seen, "caller callee cancel other callee-finally caller-finally");
    cv_task_release(c);
    finish(loop, &f, t);

    /* The caller may catch it at its await, and carry on. */
    loop = cv_loop_create(NULL, 1);
    frame g = {.sleep = 5, .catch_it = true};
    t = start(loop, &g);
    c = cv_task_create(loop, "canceller", canceller, &g);
    cv_result r;
    assert_int_equal(cv_loop_run_until_complete(loop, t, &r), CV_OK);
    assert_int_equal(g.status, CV_ECANCELLED);
    assert_string_equal(seen, "caller callee cancel other callee-finally caller-after "
                              "caller-finally");
    cv_task_release(c);
    finish(loop, &g, t);
}

/* Three deep: the SUSPENDED event names the innermost coroutine, and each
 * level gets its callee's value. */
static int nested(cv_task *t, void *arg)
{
    frame *f = arg;
    CV_CORO_BEGIN(t);
    if (f->depth == 0) {
        CV_AWAIT_SLEEP(t, 0.001);
        CV_RETURN(t, 1);
    }
    f->depth--;
    CV_AWAIT_CORO(t, nested, f);
    CV_RETURN(t, CV_AWAITED_VALUE(t) + 1);
    CV_CORO_END(t);
}

static void test_nested_and_named(void **unused)
{
    (void)unused;
    cv_log *log = cv_log_create();
    cv_bus *bus = cv_bus_create(log, 0);
    cv_loop *loop = cv_loop_create(bus, cv_bus_new_lane(bus));
    frame f = {.depth = 3};
    cv_task *t = cv_task_create(loop, "outer", nested, &f);
    cv_result r;
    assert_int_equal(cv_loop_run_until_complete(loop, t, &r), CV_OK);
    assert_int_equal(r.value, 4);
    cv_task_release(t);
    cv_loop_destroy(loop);
    cv_bus_flush(bus);
    int suspended = 0, running = 0;
    for (size_t i = 0; i < cv_log_count(log); i++) {
        const cv_event *ev = cv_log_at(log, i);
        if (ev->kind == CV_EV_TASK && ev->state == CV_TASK_SUSPENDED) {
            assert_non_null(ev->text);
            assert_string_equal(ev->text, "sleep 0.001s in nested()");
            suspended++;
        }
        running += ev->kind == CV_EV_TASK && ev->state == CV_TASK_RUNNING;
    }
    /* One task, one suspension: the inline calls are no tasks. */
    assert_int_equal(suspended, 1);
    assert_int_equal(running, 2);
    cv_bus_destroy(bus);
    cv_log_destroy(log);

    /* Deeper than the frame stack holds: RecursionError at the await. */
    loop = cv_loop_create(NULL, 1);
    frame g = {.depth = 1000};
    t = cv_task_create(loop, "outer", nested, &g);
    assert_int_equal(cv_loop_run_until_complete(loop, t, &r), CV_EFAILED);
    assert_non_null(strstr(r.message, "RecursionError"));
    cv_task_release(t);
    cv_loop_destroy(loop);
}

/* The spinner's lesson (spinner_async_experiment.py): supervisor creates
 * spin, awaits slow(), which blocks without awaiting, then cancels spin.
 * spin never runs: cancelled before its first step. */
typedef struct sup {
    cv_task *spin;
    int spin_steps;
} sup;

static int spin(cv_task *t, void *arg)
{
    sup *s = arg;
    CV_CORO_BEGIN(t);
    s->spin_steps++;
    CV_AWAIT_SLEEP(t, 0.1);
    CV_CORO_END(t);
}

static int blocking_slow(cv_task *t, void *arg)
{
    (void)arg;
    CV_CORO_BEGIN(t);
    note("slow"); /* time.sleep(3) would be here: no await */
    CV_RETURN(t, 42);
    CV_CORO_END(t);
}

static int supervisor(cv_task *t, void *arg)
{
    sup *s = arg;
    CV_CORO_BEGIN(t);
    s->spin = cv_task_create(cv_task_loop(t), "spin", spin, s);
    CV_AWAIT_CORO(t, blocking_slow, NULL);
    cv_task_cancel(s->spin);
    CV_RETURN(t, CV_AWAITED_VALUE(t));
    CV_CORO_END(t);
}

static void test_spin_never_runs_when_slow_blocks(void **unused)
{
    (void)unused;
    seen[0] = '\0';
    cv_loop *loop = cv_loop_create(NULL, 1);
    sup s = {0};
    cv_result r;
    assert_int_equal(cv_loop_run_main(loop, "supervisor", supervisor, &s, &r), CV_OK);
    assert_int_equal(r.value, 42);
    assert_int_equal(s.spin_steps, 0);
    assert_true(cv_task_cancelled(s.spin));
    cv_task_release(s.spin);
    cv_loop_destroy(loop);
}

/* asyncio.run's ending: a task main left behind is cancelled and run, so
 * its finally block executes before the call returns. */
static int leftover(cv_task *t, void *arg)
{
    (void)arg;
    CV_CORO_BEGIN(t);
    note("leftover-starts");
    CV_AWAIT_SLEEP(t, 60);
    note("leftover-not-reached");
    CV_CORO_FINALLY(t);
    note(CV_RAISED(t) == CV_ECANCELLED ? "leftover-finally-cancelled" : "leftover-finally");
    CV_CORO_END(t);
}

static int main_leaves_a_task(cv_task *t, void *arg)
{
    cv_task **left = arg;
    CV_CORO_BEGIN(t);
    *left = cv_task_create(cv_task_loop(t), "leftover", leftover, NULL);
    CV_YIELD(t);
    note("main-returns");
    CV_RETURN(t, 7);
    CV_CORO_END(t);
}

static void test_run_main_cancels_and_runs_leftovers(void **unused)
{
    (void)unused;
    seen[0] = '\0';
    cv_loop *loop = cv_loop_create(NULL, 1);
    cv_task *left = NULL;
    cv_result r;
    assert_int_equal(cv_loop_run_main(loop, "main", main_leaves_a_task, &left, &r), CV_OK);
    assert_int_equal(r.value, 7);
    assert_string_equal(seen, "leftover-starts main-returns leftover-finally-cancelled");
    assert_true(cv_task_cancelled(left));
    /* Nothing of theirs is left to run. */
    assert_int_equal(cv_loop_run(loop), CV_OK);
    assert_string_equal(seen, "leftover-starts main-returns leftover-finally-cancelled");
    cv_task_release(left);
    cv_loop_destroy(loop);
}

/* asyncio.run's several runs read as one on screen: the loop is shown
 * running once, at the start, and idle once, at the very end, and every
 * turn shown after a poll runs a task. */
static void test_run_main_shows_one_run(void **unused)
{
    (void)unused;
    seen[0] = '\0';
    cv_log *log = cv_log_create();
    cv_bus *bus = cv_bus_create(log, 0);
    cv_loop *loop = cv_loop_create(bus, cv_bus_new_lane(bus));
    cv_task *left = NULL;
    assert_int_equal(cv_loop_run_main(loop, "main", main_leaves_a_task, &left, NULL), CV_OK);
    cv_task_release(left);
    cv_loop_destroy(loop);
    cv_bus_flush(bus);
    int running = 0, idle = 0, last_loop = -1;
    bool turn_empty = false;
    for (size_t i = 0; i < cv_log_count(log); i++) {
        const cv_event *ev = cv_log_at(log, i);
        if (ev->kind == CV_EV_LOOP) {
            assert_false(turn_empty); /* a turn shown after a poll ran nothing */
            running += ev->state == CV_LOOP_RUNNING;
            idle += ev->state == CV_LOOP_IDLE;
            turn_empty = last_loop == CV_LOOP_POLLING && ev->state == CV_LOOP_RUNNING;
            last_loop = ev->state;
        } else if (ev->kind == CV_EV_TASK) {
            turn_empty = false;
            assert_int_not_equal(last_loop, CV_LOOP_IDLE); /* nothing runs after IDLE */
        }
    }
    assert_int_equal(idle, 1);
    assert_int_equal(last_loop, CV_LOOP_IDLE);
    assert_true(running >= 1);
    cv_bus_destroy(bus);
    cv_log_destroy(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_callee_runs_in_the_callers_step),
        cmocka_unit_test(test_callee_suspension_suspends_the_task),
        cmocka_unit_test(test_callee_failure_propagates),
        cmocka_unit_test(test_cancel_reaches_callee_then_caller),
        cmocka_unit_test(test_nested_and_named),
        cmocka_unit_test(test_spin_never_runs_when_slow_blocks),
        cmocka_unit_test(test_run_main_cancels_and_runs_leftovers),
        cmocka_unit_test(test_run_main_shows_one_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
