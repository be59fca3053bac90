/* The process pool and the child's event channel, with cases ported from
 * CPython's Lib/test/test_concurrent_futures (test_process_pool.py,
 * executor.py, test_shutdown.py): map's order, an exception reaching
 * result(), a pool broken by SIGKILL, shutdown with wait and
 * cancel_futures, submit after shutdown; and the relay: a child's events
 * reach the log on its process lane, in time order, none lost. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bus.h"
#include "proc.h"
#include "procpool.h"
#include "testutil.h"

typedef struct sleep_arg {
    int ms;
    int value;
} sleep_arg;

/* Sleeps arg.ms, returns arg.value squared and the child's pid in text. */
static void sleep_call(void *arg, cv_result *out)
{
    const sleep_arg *a = arg;
    test_sleep(a->ms / 1000.0);
    out->value = (long long)a->value * a->value;
    /* Hand-made decimal: the child keeps to fork-safe calls. */
    char digits[16];
    int n = 0;
    for (pid_t pid = getpid(); pid > 0 && n < 15; pid /= 10)
        digits[n++] = (char)('0' + pid % 10);
    for (int i = 0; i < n; i++)
        out->text[i] = digits[n - 1 - i];
    out->text[n] = '\0';
}

static void fail_call(void *arg, cv_result *out)
{
    (void)arg;
    cv_result_fail(out, 7, "boom");
}

static void test_create_and_defaults(void **state)
{
    (void)state;
    assert_null(cv_procpool_create(NULL, 0));
    assert_null(cv_procpool_create(NULL, -1));
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    assert_int_equal(cv_procpool_default_workers(), cores < 1 ? 1 : (int)cores);
    cv_procpool *pool = cv_procpool_create(NULL, 2);
    assert_int_equal(cv_procpool_processes(pool), 0); /* none before a submit */
    cv_procpool_destroy(pool);
}

/* 3.11 with fork starts every process on the first submit; the calls run
 * in other processes. */
static void test_workers_start_on_first_submit(void **state)
{
    (void)state;
    cv_procpool *pool = cv_procpool_create(NULL, 3);
    sleep_arg a = {.ms = 1, .value = 3};
    cv_future *f = cv_procpool_submit(pool, "sq", sleep_call, &a, sizeof a, NULL);
    assert_non_null(f);
    assert_int_equal(cv_procpool_processes(pool), 3);
    cv_result r;
    assert_int_equal(cv_future_result(f, 10, &r), CV_OK);
    assert_int_equal(r.value, 9);
    assert_int_not_equal(atoi(r.text), getpid());
    cv_future_release(f);
    cv_procpool_destroy(pool);
}

/* ExecutorTest.test_map: results in argument order, though the later
 * arguments (shorter sleeps) finish first. */
static void test_map_order(void **state)
{
    (void)state;
    cv_procpool *pool = cv_procpool_create(NULL, 3);
    enum { N = 6 };
    sleep_arg args[N];
    cv_proccall calls[N];
    for (int i = 0; i < N; i++) {
        args[i] = (sleep_arg){.ms = (N - i) * 30, .value = i};
        calls[i] = (cv_proccall){sleep_call, &args[i], sizeof args[i], "sq"};
    }
    int err;
    cv_map *m = cv_procpool_map(pool, calls, N, 20, &err);
    assert_non_null(m);
    cv_result r;
    for (int i = 0; i < N; i++) {
        assert_int_equal(cv_map_next(m, &r), CV_OK);
        assert_int_equal(r.value, i * i);
    }
    assert_int_equal(cv_map_next(m, &r), CV_EDONE);
    cv_map_close(m);
    cv_procpool_destroy(pool);
}

/* ExecutorTest.test_map_exception / FutureTests: a failure in the child
 * reaches result(), and the process lives on for the next call. */
static void test_exception_reaches_result(void **state)
{
    (void)state;
    cv_procpool *pool = cv_procpool_create(NULL, 1);
    cv_future *f = cv_procpool_submit(pool, "boom", fail_call, NULL, 0, NULL);
    cv_result r;
    assert_int_equal(cv_future_result(f, 10, &r), CV_EFAILED);
    assert_int_equal(r.error, 7);
    assert_string_equal(r.message, "boom");
    cv_future_release(f);
    sleep_arg a = {.ms = 0, .value = 5};
    f = cv_procpool_submit(pool, "sq", sleep_call, &a, sizeof a, NULL);
    assert_int_equal(cv_future_result(f, 10, &r), CV_OK);
    assert_int_equal(r.value, 25);
    assert_false(cv_procpool_broken(pool));
    cv_future_release(f);
    cv_procpool_destroy(pool);
}

/* ProcessPoolExecutorTest.test_killed_child: a worker killed mid-call
 * fails every pending and running future with BrokenProcessPool, at once
 * (no hang), and later submits are refused. */
static void test_killed_child_breaks_pool(void **state)
{
    (void)state;
    cv_procpool *pool = cv_procpool_create(NULL, 2);
    enum { N = 5 };
    sleep_arg a = {.ms = 30000, .value = 1};
    cv_future *fs[N];
    for (int i = 0; i < N; i++)
        assert_non_null(fs[i] = cv_procpool_submit(pool, "long", sleep_call, &a, sizeof a, NULL));
    /* Wait until a call runs, then kill its process. */
    double t0 = test_now();
    while (!cv_future_running(fs[0]) && test_now() - t0 < 10)
        test_sleep(0.005);
    assert_true(cv_future_running(fs[0]));
    assert_int_equal(kill(cv_procpool_pid(pool, 0), SIGKILL), 0);
    for (int i = 0; i < N; i++) {
        cv_result r;
        assert_int_equal(cv_future_result(fs[i], 10, &r), CV_EFAILED);
        assert_int_equal(r.error, CV_EBROKEN);
        assert_string_equal(r.message, CV_PROCPOOL_BROKEN_MESSAGE);
        cv_future_release(fs[i]);
    }
    assert_true(test_now() - t0 < 10); /* the calls took 30 s each */
    assert_true(cv_procpool_broken(pool));
    int err = 0;
    assert_null(cv_procpool_submit(pool, "late", sleep_call, &a, sizeof a, &err));
    assert_int_equal(err, CV_EBROKEN);
    cv_procpool_destroy(pool);
    assert_true(test_now() - t0 < 10);
}

/* ExecutorShutdownTest.test_processes_terminate / run_after_shutdown. */
static void test_shutdown_wait_and_submit_after(void **state)
{
    (void)state;
    cv_procpool *pool = cv_procpool_create(NULL, 2);
    enum { N = 4 };
    sleep_arg a = {.ms = 50, .value = 2};
    cv_future *fs[N];
    for (int i = 0; i < N; i++)
        fs[i] = cv_procpool_submit(pool, "sq", sleep_call, &a, sizeof a, NULL);
    cv_procpool_shutdown(pool, true, false);
    for (int i = 0; i < N; i++) {
        assert_int_equal(cv_future_state(fs[i]), CV_FINISHED);
        cv_future_release(fs[i]);
    }
    int err = 0;
    assert_null(cv_procpool_submit(pool, "late", sleep_call, &a, sizeof a, &err));
    assert_int_equal(err, CV_ESHUTDOWN);
    assert_false(cv_procpool_broken(pool)); /* the workers left cleanly */
    cv_procpool_destroy(pool);
}

/* ExecutorShutdownTest.test_cancel_futures: the calls a process holds
 * finish, those still queued are cancelled. */
static void test_shutdown_cancel_futures(void **state)
{
    (void)state;
    cv_procpool *pool = cv_procpool_create(NULL, 1);
    enum { N = 6 };
    sleep_arg a = {.ms = 200, .value = 2};
    cv_future *fs[N];
    for (int i = 0; i < N; i++)
        fs[i] = cv_procpool_submit(pool, "sq", sleep_call, &a, sizeof a, NULL);
    cv_procpool_shutdown(pool, true, true);
    assert_int_equal(cv_future_state(fs[0]), CV_FINISHED);
    int cancelled = 0;
    for (int i = 0; i < N; i++) {
        cancelled += cv_future_state(fs[i]) == CV_CANCELLED;
        assert_true(cv_future_done(fs[i]));
        cv_future_release(fs[i]);
    }
    assert_int_equal(cancelled, N - 1);
    cv_procpool_destroy(pool);
}

/* Terminating (a run stopped by the user) ends long calls soon. */
static void test_terminate_is_prompt(void **state)
{
    (void)state;
    cv_procpool *pool = cv_procpool_create(NULL, 2);
    sleep_arg a = {.ms = 30000, .value = 1};
    cv_future *f = cv_procpool_submit(pool, "long", sleep_call, &a, sizeof a, NULL);
    double t0 = test_now();
    cv_procpool_terminate(pool);
    assert_int_equal(cv_future_result(f, 10, NULL), CV_EFAILED);
    cv_procpool_destroy(pool);
    assert_true(test_now() - t0 < 10);
    cv_future_release(f);
}

enum { BURST = 20000 };

static void emit_burst(cv_chan *chan, void *arg)
{
    (void)arg;
    for (int i = 0; i < BURST; i++)
        if (!cv_chan_event(chan, CV_EV_MARK, 0, (uint64_t)i, 0, 0, (i % 100) ? NULL : "hundred"))
            return;
}

/* A child's burst (faster than the relay, so the channel pushes back)
 * reaches the log whole, on the child's lane, in order, in time order. */
static void test_events_relayed_in_order(void **state)
{
    (void)state;
    cv_log *log = cv_log_create();
    cv_bus *bus = cv_bus_create(log, 1 << 10);
    double t0 = test_now();
    cv_proc *p = cv_proc_start(bus, "process 1", emit_burst, NULL, NULL);
    assert_non_null(p);
    int lane = cv_proc_lane(p);
    int status = cv_proc_join(p);
    double secs = test_now() - t0;
    /* The figure the README quotes: a child's events through the channel
     * and the relay into the bus, per second. */
    printf("relayed %d events in %.3f s: %.0f events/s\n", BURST, secs, BURST / secs);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    cv_proc_destroy(p);
    cv_bus_destroy(bus);

    size_t n = cv_log_count(log), marks = 0;
    int64_t last_t = -1;
    bool started = false, stopped = false;
    for (size_t i = 0; i < n; i++) {
        const cv_event *ev = cv_log_at(log, i);
        assert_true(ev->t_ns >= last_t);
        last_t = ev->t_ns;
        if (ev->kind == CV_EV_THREAD && ev->lane == lane) {
            if (ev->state == CV_THREAD_STARTED) {
                assert_int_equal(ev->code, CV_ROLE_PROCESS);
                assert_string_equal(ev->text, "process 1");
                assert_int_equal(marks, 0);
                started = true;
            } else if (ev->state == CV_THREAD_STOPPED) {
                assert_int_equal(marks, BURST);
                stopped = true;
            }
        }
        if (ev->kind != CV_EV_MARK)
            continue;
        assert_int_equal(ev->lane, lane);
        assert_int_equal(ev->origin, lane);
        assert_int_equal(ev->id, marks);
        /* The child's own time, before the relay's stamp. */
        assert_true((int64_t)ev->spare <= ev->t_ns);
        assert_true(ev->spare > 0);
        if (marks % 100 == 0)
            assert_string_equal(ev->text, "hundred");
        else
            assert_null(ev->text);
        marks++;
    }
    assert_true(started && stopped);
    assert_int_equal(marks, BURST);
    assert_int_equal(cv_log_dropped(log), 0);
    cv_log_destroy(log);
}

/* A pool's calls show on process lanes: each future runs on a lane whose
 * STARTED says CV_ROLE_PROCESS, and that lane goes busy then idle. */
static void test_pool_events_on_process_lanes(void **state)
{
    (void)state;
    cv_log *log = cv_log_create();
    cv_bus *bus = cv_bus_create(log, 0);
    cv_procpool *pool = cv_procpool_create(bus, 2);
    enum { N = 4 };
    sleep_arg a = {.ms = 10, .value = 2};
    cv_future *fs[N];
    for (int i = 0; i < N; i++)
        fs[i] = cv_procpool_submit(pool, "sq", sleep_call, &a, sizeof a, NULL);
    for (int i = 0; i < N; i++) {
        assert_int_equal(cv_future_result(fs[i], 10, NULL), CV_OK);
        cv_future_release(fs[i]);
    }
    cv_procpool_destroy(pool);
    cv_bus_destroy(bus);

    int role[64] = {0};
    int running = 0, busy = 0, idle = 0, stopped = 0;
    for (size_t i = 0; i < cv_log_count(log); i++) {
        const cv_event *ev = cv_log_at(log, i);
        if (ev->kind == CV_EV_THREAD && ev->lane >= 0 && ev->lane < 64) {
            if (ev->state == CV_THREAD_STARTED)
                role[ev->lane] = ev->code;
            busy += ev->state == CV_THREAD_BUSY;
            idle += ev->state == CV_THREAD_IDLE;
            stopped += ev->state == CV_THREAD_STOPPED;
            if (ev->state != CV_THREAD_STARTED)
                assert_int_equal(role[ev->lane], CV_ROLE_PROCESS);
        }
        if (ev->kind == CV_EV_FUTURE && ev->state == CV_RUNNING) {
            assert_true(ev->lane > 0 && ev->lane < 64);
            assert_int_equal(role[ev->lane], CV_ROLE_PROCESS);
            running++;
        }
    }
    assert_int_equal(running, N);
    assert_int_equal(busy, N);
    assert_int_equal(idle, N);
    assert_int_equal(stopped, 2);
    cv_log_destroy(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_and_defaults),
        cmocka_unit_test(test_workers_start_on_first_submit),
        cmocka_unit_test(test_map_order),
        cmocka_unit_test(test_exception_reaches_result),
        cmocka_unit_test(test_killed_child_breaks_pool),
        cmocka_unit_test(test_shutdown_wait_and_submit_after),
        cmocka_unit_test(test_shutdown_cancel_futures),
        cmocka_unit_test(test_terminate_is_prompt),
        cmocka_unit_test(test_events_relayed_in_order),
        cmocka_unit_test(test_pool_events_on_process_lanes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
