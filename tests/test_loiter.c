/* The loiter scenario follows CPython's executor.map schedule: loiter(0..3)
 * start at once on three workers (loiter(0) takes no time), loiter(4) starts
 * when loiter(1) frees its worker one step in, and the results arrive in
 * order at 0, 1, 2, 3 and 5 steps.  The schedule is checked at --speed 4,
 * where a step is 0.25 s. */
#include <stdio.h>
#include <string.h>

#include "run.h"
#include "scenarios.h"
#include "testutil.h"

/* Scheduling slack, in seconds: how late a woken thread may run (a result
 * seen by main, a queued call taken up, a sleep's end).  Waking a blocked
 * thread took 46 ms under TSan with the machine's two cores overloaded, and
 * a 0.1 s sleep once overslept by 91 ms in CI, so the schedule runs at a
 * speed whose step (0.25 s) leaves room for a generous slack that still
 * stays under one step: a call that waited for the wrong worker fails. */
#define SPEED 4.0
#define STEP (1.0 / SPEED)
#define TOL 0.18

static cv_run *run_loiter(cv_opts *opts, double speed)
{
    const cv_opt_spec *const tables[] = {cv_scenario_loiter.options, NULL};
    char err[128];
    char *argv[] = {"--workers", "3", "--count", "5"};
    assert_int_equal(cv_opts_parse(opts, tables, 4, argv, 0, err, sizeof err), 0);
    cv_run *run = cv_run_start(&cv_scenario_loiter, opts, speed, "");
    assert_non_null(run);
    assert_int_equal(cv_run_join(run), 0);
    return run;
}

static double seconds(const cv_event *ev)
{
    return (double)ev->t_ns / 1e9;
}

static void test_schedule(void **state)
{
    (void)state;
    cv_opts opts;
    cv_run *run = run_loiter(&opts, SPEED);
    cv_log *log = run->log;
    double started[6] = {-1, -1, -1, -1, -1, -1}, finished[6] = {-1, -1, -1, -1, -1, -1};
    int lane[6] = {0};
    double result_at[5] = {-1, -1, -1, -1, -1};
    int results = 0;
    for (size_t i = 0; i < cv_log_count(log); i++) {
        const cv_event *ev = cv_log_at(log, i);
        if (ev->kind == CV_EV_FUTURE && ev->id >= 1 && ev->id <= 5) {
            if (ev->state == CV_RUNNING) {
                started[ev->id] = seconds(ev);
                lane[ev->id] = ev->lane;
            } else if (ev->state == CV_FINISHED) {
                finished[ev->id] = seconds(ev);
                assert_int_equal((long long)ev->ref, (long long)(ev->id - 1) * 10);
            }
        }
        int k;
        long long v;
        if (ev->kind == CV_EV_LOG && sscanf(ev->text, "result %d: %lld", &k, &v) == 2) {
            assert_int_equal(k, results); /* in submission order */
            assert_int_equal(v, (long long)k * 10);
            result_at[results++] = seconds(ev);
        }
    }
    assert_int_equal(results, 5);
    /* ids 1..5 are loiter(0)..loiter(4). */
    /* loiter(0..3) start "at once": none waits for a worker that a one-step
     * call holds (loiter(3) takes the worker loiter(0) freed at once). It is
     * checked against loiter(1)'s finish, not a wall-clock bound, since a
     * loaded machine can start a thread tens of milliseconds late. */
    for (int id = 1; id <= 4; id++)
        assert_true(started[id] >= 0 && started[id] < finished[2]);
    assert_true(started[5] >= finished[2] - 0.001);
    assert_true(started[5] < finished[2] + TOL); /* taken up at once */
    assert_int_equal(lane[5], lane[2]); /* the worker loiter(1) freed */
    /* Each call sleeps its own length (loiter(k) sleeps k steps),
     * and each result reaches main as soon as both its call and the result
     * before it are done. Checked against the recorded finish times rather
     * than the wall clock, so a late thread start or an oversleep on a loaded
     * machine shifts the schedule without failing it; what still fails is a
     * result that arrives early, out of order, or long after it was ready. */
    for (int id = 1; id <= 5; id++) {
        double len = (double)(id - 1) * STEP, took = finished[id] - started[id];
        if (took < len - 0.005 || took > len + TOL)
            fail_msg("loiter(%d) took %.3f s, expected about %.2f s", id - 1, took, len);
    }
    const double expect[5] = {0, 1 * STEP, 2 * STEP, 3 * STEP, 5 * STEP};
    for (int k = 0; k < 5; k++) {
        double ready = finished[k + 1];
        if (k > 0 && result_at[k - 1] > ready)
            ready = result_at[k - 1];
        if (result_at[k] < expect[k] - 0.005 || result_at[k] < ready - 0.001 ||
            result_at[k] > ready + TOL)
            fail_msg("result %d at %.3f s, ready at %.3f s, expected about %.2f s", k,
                     result_at[k], ready, expect[k]);
    }
    cv_run_destroy(run);
}

static void test_main_blocks_on_each_result_in_turn(void **state)
{
    (void)state;
    cv_opts opts;
    cv_run *run = run_loiter(&opts, 10);
    cv_log *log = run->log;
    /* main (lane 0) blocks on loiter(1)..loiter(4) in turn (ids 2..5):
     * on every call still running when main asks for its result, which is
     * right after it printed the result before.  On a loaded machine main
     * can be so late that a call is done by then, and then it need not
     * block; so each block is required exactly where the log shows it. */
    uint64_t blocked_on[8];
    int nblocks = 0;
    size_t finished_at[6] = {0}, printed_at[5] = {0};
    bool blocked[6] = {false};
    int printed = 0;
    for (size_t i = 0; i < cv_log_count(log); i++) {
        const cv_event *ev = cv_log_at(log, i);
        if (ev->kind == CV_EV_WAIT && ev->state == CV_WAIT_BLOCK && nblocks < 8) {
            assert_int_equal(ev->lane, CV_MAIN_LANE);
            blocked_on[nblocks++] = ev->ref;
            if (ev->ref <= 5)
                blocked[ev->ref] = true;
        }
        if (ev->kind == CV_EV_FUTURE && ev->state == CV_FINISHED && ev->id >= 1 && ev->id <= 5)
            finished_at[ev->id] = i;
        if (ev->kind == CV_EV_LOG && ev->text != NULL && strncmp(ev->text, "result ", 7) == 0 &&
            printed < 5)
            printed_at[printed++] = i;
    }
    assert_int_equal(printed, 5);
    for (int k = 1; k <= 4; k++) /* loiter(k) is id k + 1 */
        if (finished_at[k + 1] > printed_at[k - 1])
            assert_true(blocked[k + 1]);
    assert_true(nblocks >= 1);
    for (int k = 1; k < nblocks; k++)
        assert_true(blocked_on[k] > blocked_on[k - 1]);
    assert_int_equal(blocked_on[nblocks - 1], 5);
    cv_run_destroy(run);
}

static void test_stop_ends_the_run_early(void **state)
{
    (void)state;
    const cv_opt_spec *const tables[] = {cv_scenario_loiter.options, NULL};
    cv_opts opts;
    char err[128];
    assert_int_equal(cv_opts_parse(&opts, tables, 0, NULL, 0, err, sizeof err), 0);
    double t0 = test_now();
    cv_run *run = cv_run_start(&cv_scenario_loiter, &opts, 1, "");
    test_sleep(0.2);
    cv_run_request_stop(run);
    cv_run_join(run);
    assert_true(test_now() - t0 < 1.5); /* not the 4 s the demo takes */
    cv_run_destroy(run);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schedule),
        cmocka_unit_test(test_main_blocks_on_each_result_in_turn),
        cmocka_unit_test(test_stop_ends_the_run_early),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
