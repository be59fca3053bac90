/* spinner --side process (spinner_proc.py): the frames come from a child
 * process, relayed on a lane of role PROCESS on the process side; the
 * spinner clears its line and its lane stops only after the supervisor's
 * done.set(), and the book's lines are printed. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "run.h"
#include "scenarios.h"
#include "testutil.h"

static cv_run *run_spinner(cv_opts *opts, double speed, int argc, char **argv)
{
    const cv_opt_spec *const tables[] = {cv_scenario_spinner.options, NULL};
    char err[160];
    assert_int_equal(cv_opts_parse(opts, tables, argc, argv, 0, err, sizeof err), 0);
    cv_run *run = cv_run_start(&cv_scenario_spinner, opts, speed, "");
    assert_non_null(run);
    assert_int_equal(cv_run_join(run), 0);
    return run;
}

static void check_process_side(cv_log *log, bool alone)
{
    int proc_lane = -1;
    size_t frames = 0, clears = 0, answers = 0, objects = 0;
    int64_t set_at = -1, clear_at = -1, stopped_at = -1, last_frame = -1;
    for (size_t i = 0; i < cv_log_count(log); i++) {
        const cv_event *ev = cv_log_at(log, i);
        if (ev->kind == CV_EV_THREAD && ev->code == CV_ROLE_PROCESS &&
            ev->state == CV_THREAD_STARTED) {
            assert_int_equal(proc_lane, -1); /* one spinner process */
            proc_lane = ev->lane;
            assert_int_equal(ev->side, CV_SIDE_PROCESS);
        }
        if (ev->kind == CV_EV_THREAD && ev->lane == proc_lane && ev->state == CV_THREAD_STOPPED)
            stopped_at = ev->t_ns;
        if (ev->kind == CV_EV_MARK && ev->side == CV_SIDE_PROCESS &&
            strncmp(ev->text, "done.set()", 10) == 0)
            set_at = ev->t_ns;
        if (ev->kind == CV_EV_FRAME && ev->side == CV_SIDE_PROCESS) {
            assert_int_equal(ev->lane, proc_lane);
            assert_int_equal(ev->origin, proc_lane);
            assert_true(ev->t_ns >= last_frame);
            last_frame = ev->t_ns;
            if (ev->text == NULL || ev->text[0] == '\0') {
                clears++;
                clear_at = ev->t_ns;
            } else {
                assert_int_equal(clears, 0); /* the clear is the last frame */
                frames++;
                assert_int_equal(ev->ref, frames);
            }
        }
        if (ev->kind == CV_EV_LOG && ev->side == CV_SIDE_PROCESS) {
            char want[96];
            snprintf(want, sizeof want,
                     "spinner object: <Process name='Process-1' parent=%ld initial>",
                     (long)getpid());
            objects += strcmp(ev->text, want) == 0;
            answers += strcmp(ev->text, "Answer: 42") == 0;
        }
    }
    assert_true(proc_lane > 0);
    /* 3 s at --speed 10, a frame every 0.01 s: about 30 frames. */
    assert_true(frames >= 10);
    assert_int_equal(clears, 1);
    assert_true(set_at >= 0 && clear_at > set_at);
    assert_true(stopped_at >= clear_at);
    assert_int_equal(objects, 1);
    assert_int_equal(answers, 1);
    (void)alone;
}

static void test_process_side_alone(void **state)
{
    (void)state;
    cv_opts opts;
    char *argv[] = {"--side", "process"};
    cv_run *run = run_spinner(&opts, 10, 2, argv);
    check_process_side(run->log, true);
    /* No other side drew. */
    for (size_t i = 0; i < cv_log_count(run->log); i++) {
        const cv_event *ev = cv_log_at(run->log, i);
        if (ev->kind == CV_EV_FRAME)
            assert_int_equal(ev->side, CV_SIDE_PROCESS);
    }
    cv_run_destroy(run);
}

static void test_process_beside_thread(void **state)
{
    (void)state;
    cv_opts opts;
    char *argv[] = {"--side", "thread,process"};
    cv_run *run = run_spinner(&opts, 10, 2, argv);
    check_process_side(run->log, false);
    size_t thread_frames = 0;
    for (size_t i = 0; i < cv_log_count(run->log); i++) {
        const cv_event *ev = cv_log_at(run->log, i);
        thread_frames += ev->kind == CV_EV_FRAME && ev->side == CV_SIDE_THREAD;
    }
    assert_true(thread_frames >= 10);
    cv_run_destroy(run);
}

/* A stop ends the process side at once, the child included. */
static void test_stop(void **state)
{
    (void)state;
    cv_opts opts;
    const cv_opt_spec *const tables[] = {cv_scenario_spinner.options, NULL};
    char err[160];
    char *argv[] = {"--side", "process"};
    assert_int_equal(cv_opts_parse(&opts, tables, 2, argv, 0, err, sizeof err), 0);
    cv_run *run = cv_run_start(&cv_scenario_spinner, &opts, 1, "");
    test_sleep(0.3);
    double t0 = test_now();
    cv_run_request_stop(run);
    cv_run_join(run);
    assert_true(test_now() - t0 < 5);
    cv_run_destroy(run);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_process_side_alone),
        cmocka_unit_test(test_process_beside_thread),
        cmocka_unit_test(test_stop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
