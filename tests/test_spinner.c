/* The spinner scenario at --speed 10: what each experiment makes visible
 * in the log.  sleep: both spinners turn all through slow(); cancel() wakes
 * spin at its await (a scheduled event whose code says so) before spin
 * catches the CancelledError, clears its line and returns None, and the
 * spinner thread is joined before main answers.  block and cpu: slow() runs
 * inside supervisor's step (await runs a coroutine inline, as in Python),
 * so spin is created, never entered and cancelled: not one task frame,
 * while the thread side keeps drawing.  nap: task frames during the check.
 * The loop runs on main with --side task, as in the book, and on a thread
 * of its own, said on screen, when both sides share the clock.  Timing
 * bounds are loose: the suite also runs under TSan and ASan on two slow
 * cores; the order checks are on the log's sequence, not the clock. */
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "run.h"
#include "scenarios.h"
#include "testutil.h"

#define MAXF 4096

/* What a run's log says, gathered in one pass.  Event indices are -1
 * until seen. */
typedef struct facts {
    double frame_t[CV_SIDE_COUNT][MAXF]; /* drawn frames (not the clearing one) */
    int frames[CV_SIDE_COUNT];
    int clears[CV_SIDE_COUNT];
    bool clear_is_last[CV_SIDE_COUNT];
    long clear_at[CV_SIDE_COUNT];
    int answers[CV_SIDE_COUNT];
    double answer_t[CV_SIDE_COUNT];
    int task_events, loop_events, slow_tasks;
    int spinner_lane, loop_lane;
    double spinner_started, spinner_stopped, start_mark;
    uint64_t spin_id;
    int spin_final, spin_runs;
    const char *spin_result;
    long spin_end_at, spin_reached_at, spin_reached_code, cancel_mark_at, caught_mark_at;
    long never_drew_at, own_thread_mark_at, on_main_mark_at;
    double slow_begin, slow_end;      /* the task side's slow(): its call .. cancel() */
    double tslow_begin, tslow_end;    /* the thread side's slow(): its mark .. done.set() */
} facts;

static double secs(const cv_event *ev)
{
    return (double)ev->t_ns / 1e9;
}

static bool starts(const char *text, const char *prefix)
{
    return strncmp(text, prefix, strlen(prefix)) == 0;
}

/* main()'s last line: "Answer: 42", or "N is prime" for cpu and nap. */
static bool is_answer(const char *text)
{
    size_t n = strlen(text);
    return starts(text, "Answer: ") || (n > 9 && strcmp(text + n - 9, " is prime") == 0);
}

static void gather_mark(facts *f, const cv_event *ev, long i, unsigned side, const char *text)
{
    if (side == CV_SIDE_THREAD && starts(text, "slow()"))
        f->tslow_begin = secs(ev);
    if (side == CV_SIDE_THREAD && starts(text, "check()"))
        f->tslow_begin = secs(ev);
    if (side == CV_SIDE_THREAD && starts(text, "done.set()"))
        f->tslow_end = secs(ev);
    if (side == CV_SIDE_THREAD && starts(text, "start()"))
        f->start_mark = secs(ev);
    if (side == CV_SIDE_TASK && starts(text, "cancel():")) {
        f->cancel_mark_at = i;
        f->slow_end = secs(ev);
    }
    if (side == CV_SIDE_TASK && starts(text, "spin() caught CancelledError"))
        f->caught_mark_at = i;
    if (side == CV_SIDE_TASK && starts(text, "The task spinner never drew a frame"))
        f->never_drew_at = i;
    if (side == CV_SIDE_TASK && starts(text, "The event loop runs on a thread of its own"))
        f->own_thread_mark_at = i;
    if (side == CV_SIDE_TASK && strstr(text, "on the main thread, as in the book") != NULL)
        f->on_main_mark_at = i;
}

static void gather_task(facts *f, const cv_event *ev, long i, const char *text)
{
    f->task_events++;
    if (ev->state == CV_TASK_CREATED && strcmp(text, "spin") == 0)
        f->spin_id = ev->id;
    if (ev->state == CV_TASK_CREATED && strcmp(text, "slow") == 0)
        f->slow_tasks++;
    if (ev->id != f->spin_id)
        return;
    if (ev->state == CV_TASK_RUNNING)
        f->spin_runs++;
    if (ev->state == CV_TASK_SCHEDULED && ev->code != 0 && f->spin_reached_at < 0) {
        f->spin_reached_at = i;
        f->spin_reached_code = ev->code;
    }
    if (ev->state >= CV_TASK_CANCELLED) {
        f->spin_final = ev->state;
        f->spin_end_at = i;
        f->spin_result = ev->text;
    }
}

static void gather(const cv_log *log, facts *f)
{
    memset(f, 0, sizeof *f);
    f->spinner_lane = f->loop_lane = -1;
    f->spin_final = -1;
    f->slow_begin = f->slow_end = f->tslow_begin = f->tslow_end = -1;
    f->spinner_started = f->spinner_stopped = f->start_mark = -1;
    f->spin_end_at = f->spin_reached_at = f->cancel_mark_at = f->caught_mark_at = -1;
    f->never_drew_at = f->own_thread_mark_at = f->on_main_mark_at = -1;
    for (int s = 0; s < CV_SIDE_COUNT; s++)
        f->clear_at[s] = -1;
    for (size_t i = 0; i < cv_log_count(log); i++) {
        const cv_event *ev = cv_log_at(log, i);
        const char *text = ev->text ? ev->text : "";
        unsigned side = ev->side < CV_SIDE_COUNT ? ev->side : 0;
        switch (ev->kind) {
        case CV_EV_THREAD:
            if (ev->state == CV_THREAD_STARTED && strcmp(text, "spinner thread") == 0) {
                assert_int_equal(ev->side, CV_SIDE_THREAD);
                f->spinner_lane = ev->lane;
                f->spinner_started = secs(ev);
            }
            if (ev->state == CV_THREAD_STARTED && strcmp(text, "event loop") == 0) {
                assert_int_equal(ev->side, CV_SIDE_TASK);
                f->loop_lane = ev->lane;
            }
            if (ev->state == CV_THREAD_STOPPED && ev->lane == f->spinner_lane)
                f->spinner_stopped = secs(ev);
            break;
        case CV_EV_FRAME:
            assert_true(side == CV_SIDE_THREAD || side == CV_SIDE_TASK);
            assert_int_equal(ev->lane, side == CV_SIDE_THREAD ? f->spinner_lane : f->loop_lane);
            if (text[0] == '\0') {
                f->clears[side]++;
                f->clear_is_last[side] = true;
                f->clear_at[side] = (long)i;
            } else {
                assert_true(strlen(text) == 1 && strchr("\\|/-", text[0]) != NULL);
                if (f->frames[side] < MAXF)
                    f->frame_t[side][f->frames[side]] = secs(ev);
                f->frames[side]++;
                assert_int_equal(ev->ref, (uint64_t)f->frames[side]);
                f->clear_is_last[side] = false;
            }
            break;
        case CV_EV_TASK:
            gather_task(f, ev, (long)i, text);
            break;
        case CV_EV_LOOP:
            /* The loop's lane: its own thread's, or main's (lane 0). */
            if (f->loop_lane < 0)
                f->loop_lane = ev->lane;
            assert_int_equal(ev->lane, f->loop_lane);
            f->loop_events++;
            break;
        case CV_EV_MARK:
            gather_mark(f, ev, (long)i, side, text);
            break;
        case CV_EV_LOG:
            if (is_answer(text)) {
                assert_true(side == CV_SIDE_THREAD || side == CV_SIDE_TASK);
                f->answers[side]++;
                f->answer_t[side] = secs(ev);
            }
            /* print(f'spinner object: {spinner}') comes right before
             * result = await slow(). */
            if (side == CV_SIDE_TASK && starts(text, "spinner object: <Task pending"))
                f->slow_begin = secs(ev);
            break;
        default:
            break;
        }
    }
}

/* Frames of `side` strictly inside (from, to). */
static int frames_within(const facts *f, int side, double from, double to)
{
    int n = 0;
    for (int k = 0; k < f->frames[side] && k < MAXF; k++)
        n += f->frame_t[side][k] > from && f->frame_t[side][k] < to;
    return n;
}

/* The longest stretch of (from, to) without a frame of `side`. */
static double longest_gap(const facts *f, int side, double from, double to)
{
    double last = from, gap = 0;
    for (int k = 0; k < f->frames[side] && k < MAXF; k++) {
        double t = f->frame_t[side][k];
        if (t <= from || t >= to)
            continue;
        gap = t - last > gap ? t - last : gap;
        last = t;
    }
    return to - last > gap ? to - last : gap;
}

static cv_run *run_spinner(cv_opts *opts, double speed, int argc, char **argv)
{
    const cv_opt_spec *const tables[] = {cv_scenario_spinner.options, NULL};
    char err[128];
    assert_int_equal(cv_opts_parse(opts, tables, argc, argv, 0, err, sizeof err), 0);
    cv_run *run = cv_run_start(&cv_scenario_spinner, opts, speed, "");
    assert_non_null(run);
    return run;
}

static cv_run *run_work(cv_opts *opts, const char *work, facts *f)
{
    char *argv[] = {"--work", (char *)work};
    cv_run *run = run_spinner(opts, 10, 2, argv);
    assert_int_equal(cv_run_join(run), 0);
    gather(run->log, f);
    return run;
}

/* What every complete two-sided run shows. */
static void check_both_sides_ended(const facts *f)
{
    for (int side = CV_SIDE_THREAD; side <= CV_SIDE_TASK; side++)
        assert_int_equal(f->answers[side], 1);
    assert_int_equal(f->clears[CV_SIDE_THREAD], 1);
    assert_true(f->clear_is_last[CV_SIDE_THREAD]);
    assert_true(f->frames[CV_SIDE_THREAD] >= 1);
    /* The thread starts only after start(); it is joined before main
     * answers. */
    assert_true(f->start_mark >= 0 && f->spinner_started >= f->start_mark);
    assert_true(f->spinner_stopped >= 0);
    assert_true(f->spinner_stopped <= f->answer_t[CV_SIDE_THREAD]);
    /* slow() is awaited inline, in supervisor's task: no task of its own. */
    assert_int_equal(f->slow_tasks, 0);
    assert_true(f->slow_begin >= 0 && f->slow_end > f->slow_begin);
    /* Both sides share the clock, so the loop has a thread of its own, and
     * the screen says why. */
    assert_true(f->loop_lane > 0);
    assert_true(f->own_thread_mark_at >= 0);
    assert_int_equal(f->on_main_mark_at, -1);
}

/* sleep and nap, as in the book: spin turned, then supervisor's cancel()
 * reached it at its await (woke it, or found it woken by its timer in the
 * same turn), and only after that did spin catch the
 * CancelledError, clear its line and return None: its task ends done. */
static void check_spin_cancelled_at_its_await(const facts *f)
{
    assert_true(f->frames[CV_SIDE_TASK] >= 1);
    assert_int_equal(f->clears[CV_SIDE_TASK], 1);
    assert_true(f->clear_is_last[CV_SIDE_TASK]);
    assert_true(f->cancel_mark_at >= 0);
    assert_true(f->spin_reached_at > f->cancel_mark_at);
    assert_int_equal(f->spin_reached_code, CV_ECANCELLED);
    assert_true(f->clear_at[CV_SIDE_TASK] > f->spin_reached_at);
    assert_true(f->caught_mark_at > f->clear_at[CV_SIDE_TASK]);
    assert_true(f->spin_end_at > f->caught_mark_at);
    assert_int_equal(f->spin_final, CV_TASK_DONE);
    assert_string_equal(f->spin_result, "None");
    assert_int_equal(f->never_drew_at, -1);
}

/* block and cpu: spin was created, never entered and cancelled. */
static void check_spin_never_ran(const facts *f)
{
    assert_int_equal(f->frames[CV_SIDE_TASK], 0);
    assert_int_equal(f->clears[CV_SIDE_TASK], 0);
    assert_int_equal(f->spin_runs, 0);
    assert_int_equal(f->spin_final, CV_TASK_CANCELLED);
    /* The request shows where supervisor makes it, before spin ends. */
    assert_true(f->cancel_mark_at >= 0 && f->spin_reached_at > f->cancel_mark_at);
    assert_int_equal(f->spin_reached_code, CV_ECANCELLED);
    assert_true(f->spin_end_at > f->spin_reached_at);
    assert_int_equal(f->caught_mark_at, -1);
    /* The end says so, before main prints its answer. */
    assert_true(f->never_drew_at > f->spin_end_at);
}

static void test_sleep_both_spin_all_through(void **state)
{
    (void)state;
    cv_opts opts;
    facts *f = test_malloc(sizeof *f);
    cv_run *run = run_work(&opts, "sleep", f);
    check_both_sides_ended(f);
    check_spin_cancelled_at_its_await(f);
    /* 3 s / 10 = 0.3 s of slow(), a frame every 0.01 s: about 30 each. */
    assert_true(f->slow_end - f->slow_begin > 0.25);
    assert_true(f->tslow_end - f->tslow_begin > 0.25);
    assert_true(frames_within(f, CV_SIDE_TASK, f->slow_begin, f->slow_end) >= 10);
    assert_true(frames_within(f, CV_SIDE_THREAD, f->tslow_begin, f->tslow_end) >= 10);
    assert_true(longest_gap(f, CV_SIDE_TASK, f->slow_begin, f->slow_end) < 0.1);
    assert_true(longest_gap(f, CV_SIDE_THREAD, f->tslow_begin, f->tslow_end) < 0.1);
    test_free(f);
    cv_run_destroy(run);
}

/* The loop is held for the whole of slow(), which runs in supervisor's
 * step: spin never runs, while the spinner thread keeps drawing. */
static void check_loop_blocked(const facts *f)
{
    check_both_sides_ended(f);
    check_spin_never_ran(f);
    assert_true(f->slow_end - f->slow_begin > 0.1);
    int thread_frames = frames_within(f, CV_SIDE_THREAD, f->slow_begin, f->slow_end);
    double expected = (f->slow_end - f->slow_begin) / 0.01;
    if (thread_frames < 3 || thread_frames < expected / 4)
        fail_msg("%d thread frames in %.3f s of blocked loop", thread_frames,
                 f->slow_end - f->slow_begin);
}

static void test_block_freezes_only_the_task(void **state)
{
    (void)state;
    cv_opts opts;
    facts *f = test_malloc(sizeof *f);
    cv_run *run = run_work(&opts, "block", f);
    check_loop_blocked(f);
    assert_true(f->slow_end - f->slow_begin > 0.25);
    test_free(f);
    cv_run_destroy(run);
}

static void test_cpu_freezes_only_the_task(void **state)
{
    (void)state;
    cv_opts opts;
    facts *f = test_malloc(sizeof *f);
    cv_run *run = run_work(&opts, "cpu", f);
    check_loop_blocked(f);
    test_free(f);
    cv_run_destroy(run);
}

static void test_nap_lets_the_spinner_turn(void **state)
{
    (void)state;
    cv_opts opts;
    facts *f = test_malloc(sizeof *f);
    cv_run *run = run_work(&opts, "nap", f);
    check_both_sides_ended(f);
    check_spin_cancelled_at_its_await(f);
    int during = frames_within(f, CV_SIDE_TASK, f->slow_begin, f->slow_end);
    if (during < 3)
        fail_msg("%d task frames in %.3f s of napping is_prime", during, f->slow_end - f->slow_begin);
    test_free(f);
    cv_run_destroy(run);
}

static void test_thread_side_alone(void **state)
{
    (void)state;
    cv_opts opts;
    char *argv[] = {"--side", "thread"};
    cv_run *run = run_spinner(&opts, 10, 2, argv);
    assert_int_equal(cv_run_join(run), 0);
    facts *f = test_malloc(sizeof *f);
    gather(run->log, f);
    assert_int_equal(f->task_events, 0);
    assert_int_equal(f->loop_events, 0);
    assert_int_equal(f->loop_lane, -1);
    assert_int_equal(f->frames[CV_SIDE_TASK], 0);
    assert_int_equal(f->answers[CV_SIDE_TASK], 0);
    assert_int_equal(f->answers[CV_SIDE_THREAD], 1);
    assert_true(f->frames[CV_SIDE_THREAD] >= 10);
    assert_true(f->spinner_stopped <= f->answer_t[CV_SIDE_THREAD]);
    test_free(f);
    cv_run_destroy(run);
}

/* --work cpu on the thread side, under the GIL: main holds it while it
 * computes, yet the spinner keeps turning, because it waits, asks for the
 * GIL (a request naming main) and gets it; with --no-gil, no GIL at all. */
static void test_cpu_under_the_gil(void **state)
{
    (void)state;
    for (int k = 0; k < 2; k++) {
        cv_opts opts;
        char *argv[] = {"--side", "thread", "--work", "cpu", "--no-gil"};
        cv_run *run = run_spinner(&opts, 10, k == 0 ? 4 : 5, argv);
        assert_int_equal(cv_run_join(run), 0);
        facts *f = test_malloc(sizeof *f);
        gather(run->log, f);
        size_t requests_to_main = 0, spinner_takes = 0, gil_events = 0;
        for (size_t i = 0; i < cv_log_count(run->log); i++) {
            const cv_event *ev = cv_log_at(run->log, i);
            if (ev->kind != CV_EV_GIL)
                continue;
            gil_events++;
            requests_to_main += ev->state == CV_GIL_REQUEST && ev->lane == f->spinner_lane &&
                                ev->ref == CV_MAIN_LANE;
            spinner_takes += ev->state == CV_GIL_TAKE && ev->lane == f->spinner_lane;
        }
        int during = frames_within(f, CV_SIDE_THREAD, f->tslow_begin, f->tslow_end);
        print_message("%s: %d thread frames during the check, %zu GIL events, %zu requests\n",
                      k == 0 ? "GIL" : "no GIL", during, gil_events, requests_to_main);
        assert_int_equal(f->answers[CV_SIDE_THREAD], 1);
        assert_true(during >= 3);
        if (k == 0) {
            assert_true(requests_to_main >= 2);
            assert_true(spinner_takes >= (size_t)during);
        } else {
            assert_int_equal(gil_events, 0);
        }
        test_free(f);
        cv_run_destroy(run);
    }
}

/* The task side alone runs its loop on the run's main thread, as the book
 * does, and says so; no thread of its own. */
static void test_task_side_alone(void **state)
{
    (void)state;
    const char *works[] = {"sleep", "block"};
    for (int k = 0; k < 2; k++) {
        cv_opts opts;
        char *argv[] = {"--side", "task", "--work", (char *)works[k]};
        cv_run *run = run_spinner(&opts, 10, 4, argv);
        assert_int_equal(cv_run_join(run), 0);
        facts *f = test_malloc(sizeof *f);
        gather(run->log, f);
        assert_int_equal(f->spinner_lane, -1);
        assert_int_equal(f->frames[CV_SIDE_THREAD], 0);
        assert_int_equal(f->answers[CV_SIDE_THREAD], 0);
        assert_int_equal(f->answers[CV_SIDE_TASK], 1);
        assert_int_equal(f->loop_lane, CV_MAIN_LANE);
        assert_true(f->on_main_mark_at >= 0);
        assert_int_equal(f->own_thread_mark_at, -1);
        if (k == 0)
            check_spin_cancelled_at_its_await(f);
        else
            check_spin_never_ran(f);
        test_free(f);
        cv_run_destroy(run);
    }
}

/* A stop (the UI's restart, Ctrl-C) ends both sides promptly, even in the
 * middle of a blocking sleep or a prime check of several seconds, and with
 * the loop on main (--side task) as well. */
static void test_stop_is_prompt(void **state)
{
    (void)state;
    const char *works[] = {"block", "cpu", "nap", "sleep"};
    const char *sides[] = {"both", "task"};
    for (int k = 0; k < 8; k++) {
        cv_opts opts;
        char *argv[] = {"--work", (char *)works[k % 4], "--side", (char *)sides[k / 4]};
        double t0 = test_now();
        cv_run *run = run_spinner(&opts, 1, 4, argv);
        test_sleep(0.3);
        cv_run_request_stop(run);
        cv_run_join(run);
        double took = test_now() - t0;
        if (took > 1.5)
            fail_msg("--work %s --side %s took %.2f s to stop", works[k % 4], sides[k / 4], took);
        cv_run_destroy(run);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sleep_both_spin_all_through),
        cmocka_unit_test(test_block_freezes_only_the_task),
        cmocka_unit_test(test_cpu_freezes_only_the_task),
        cmocka_unit_test(test_nap_lets_the_spinner_turn),
        cmocka_unit_test(test_thread_side_alone),
        cmocka_unit_test(test_cpu_under_the_gil),
        cmocka_unit_test(test_task_side_alone),
        cmocka_unit_test(test_stop_is_prompt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
