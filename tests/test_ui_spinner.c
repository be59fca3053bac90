/* The spinner's timeline as the UI tells it, on live runs at --speed 10:
 * each caption names the real cause of what happens, in causal order.
 * --work sleep: cancel() is shown when it reaches spin at its await (not
 * "sleep 0.1s is over", and before spin catches the CancelledError); spin
 * then ends done, since it caught it.  --work block: cancel() reaches spin
 * before its first step, spin ends cancelled without ever running, the end
 * says the task spinner never drew a frame, and its pane says so.  With
 * both sides, the loop's own thread is named as concviz's choice, not the
 * book's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "error.h"
#include "run.h"
#include "scenarios.h"
#include "ui_testutil.h"

static cv_run *run_spinner(cv_opts *opts, const char *work, const char *side)
{
    const cv_opt_spec *const tables[] = {cv_scenario_spinner.options, NULL};
    char *argv[] = {"--work", (char *)work, "--side", (char *)side};
    char err[128];
    assert_int_equal(cv_opts_parse(opts, tables, 4, argv, 0, err, sizeof err), 0);
    cv_run *run = cv_run_start(&cv_scenario_spinner, opts, 10, "");
    assert_non_null(run);
    assert_int_equal(cv_run_join(run), 0);
    return run;
}

/* The first event from `from` on of `kind` (and `state`, unless -1) whose
 * text starts with `prefix` (unless NULL); -1 if none. */
static long find(const cv_log *log, long from, int kind, int state, const char *prefix)
{
    for (size_t i = (size_t)(from < 0 ? 0 : from); i < cv_log_count(log); i++) {
        const cv_event *ev = cv_log_at(log, i);
        if (ev->kind != kind || (state >= 0 && ev->state != state))
            continue;
        if (prefix == NULL || (ev->text != NULL && strncmp(ev->text, prefix, strlen(prefix)) == 0))
            return (long)i;
    }
    return -1;
}

/* spin's task id. */
static uint64_t spin_id(const cv_log *log)
{
    long i = find(log, 0, CV_EV_TASK, CV_TASK_CREATED, "spin");
    assert_true(i >= 0);
    return cv_log_at(log, (size_t)i)->id;
}

/* spin's first event from `from` on in `state` with `code` (any code: ANY). */
#define ANY INT32_MIN
static long find_spin(const cv_log *log, long from, int state, int code)
{
    uint64_t id = spin_id(log);
    for (long i = from; i >= 0 && (size_t)i < cv_log_count(log); i++) {
        const cv_event *ev = cv_log_at(log, (size_t)i);
        if (ev->kind == CV_EV_TASK && ev->id == id && ev->state == state &&
            (code == ANY || ev->code == code))
            return i;
    }
    return -1;
}

static void caption_of(const cv_log *log, long index, char *buf, size_t len)
{
    assert_true(index >= 0);
    caption_at(log, (size_t)index, buf, len);
}

static void test_cancel_is_captioned_where_it_wakes_spin(void **state)
{
    (void)state;
    cv_opts opts;
    cv_run *run = run_spinner(&opts, "sleep", "task");
    const cv_log *log = run->log;
    char buf[512];
    long cancel = find(log, 0, CV_EV_MARK, -1, "cancel():");
    long reached = find_spin(log, cancel, CV_TASK_SCHEDULED, CV_ECANCELLED);
    long caught = find(log, reached, CV_EV_MARK, -1, "spin() caught CancelledError");
    long end = find_spin(log, caught, CV_TASK_DONE, ANY);
    assert_true(cancel >= 0 && reached > cancel && caught > reached && end > caught);
    caption_of(log, cancel, buf, sizeof buf);
    assert_string_equal(buf, "cancel(): supervisor cancels spin from outside, which no one can "
                             "do to a thread");
    caption_of(log, reached, buf, sizeof buf);
    assert_string_equal(buf, "cancel() reaches spin at its await sleep 0.1s: CancelledError "
                             "will be raised there when it runs");
    caption_of(log, end, buf, sizeof buf);
    assert_string_equal(buf, "spin is done, result None");
    /* Every earlier wake-up of spin was its timer: "sleep 0.1s is over". */
    long timer = find_spin(log, 0, CV_TASK_SCHEDULED, 0);
    assert_true(timer >= 0 && timer < cancel);
    caption_of(log, timer, buf, sizeof buf);
    assert_string_equal(buf, "spin is ready again (sleep 0.1s is over): it runs when the loop "
                             "gets to it");
    /* The loop runs on main, as in the book, and the screen says so. */
    long start = find(log, 0, CV_EV_MARK, -1, "asyncio.run(supervisor())");
    caption_of(log, start, buf, sizeof buf);
    assert_non_null(strstr(buf, "on the main thread, as in the book"));
    assert_int_equal(find(log, 0, CV_EV_MARK, -1, "The event loop runs on a thread"), -1);
    cv_run_destroy(run);
}

static void test_block_spin_never_drew(void **state)
{
    (void)state;
    cv_opts opts;
    cv_run *run = run_spinner(&opts, "block", "both");
    const cv_log *log = run->log;
    char buf[512];
    long cancel = find(log, 0, CV_EV_MARK, -1, "cancel():");
    long reached = find_spin(log, cancel, CV_TASK_SCHEDULED, CV_ECANCELLED);
    long end = find_spin(log, reached, CV_TASK_CANCELLED, ANY);
    long never = find(log, end, CV_EV_MARK, -1, "The task spinner never drew a frame");
    long answer = find(log, never, CV_EV_LOG, -1, "Answer: 42");
    assert_true(cancel >= 0 && reached > cancel && end > reached && never > end && answer > never);
    caption_of(log, cancel, buf, sizeof buf);
    assert_string_equal(buf, "cancel(): spin is cancelled before it ever ran, since supervisor "
                             "never suspended");
    caption_of(log, reached, buf, sizeof buf);
    assert_string_equal(buf, "cancel() reaches spin before its first step: its body will never "
                             "run");
    caption_of(log, end, buf, sizeof buf);
    assert_string_equal(buf, "spin ends cancelled without ever running: cancel() came before "
                             "its first step");
    caption_of(log, never, buf, sizeof buf);
    assert_string_equal(buf, "The task spinner never drew a frame: control never left "
                             "supervisor until slow() returned");
    /* The loop is on a thread of its own here: the screen says why. */
    long own = find(log, 0, CV_EV_MARK, -1, "The event loop runs on a thread of its own");
    assert_true(own >= 0 && own < cancel);
    caption_of(log, own, buf, sizeof buf);
    assert_string_equal(buf, "The event loop runs on a thread of its own here, so both sides "
                             "share one clock; the book runs it on main");
    /* The task spinner's pane, halfway and at the end. */
    int64_t last = cv_log_at(log, cv_log_count(log) - 1)->t_ns;
    char *screen = render_at(log, (double)cv_log_at(log, (size_t)cancel)->t_ns / 2e9, 120, 30,
                             false);
    assert_non_null(strstr(screen, "no frame yet: spin has not run"));
    free(screen);
    screen = render_at(log, (double)last / 1e9, 120, 30, false);
    assert_non_null(strstr(screen, "never drew a frame: spin never ran"));
    free(screen);
    cv_run_destroy(run);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cancel_is_captioned_where_it_wakes_spin),
        cmocka_unit_test(test_block_spin_never_drew),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
