/*
 * The caption's order lesson (ui/model/caption_order.c), over logs built by
 * hand in the shape of `concviz loiter --sleeps 3,1,0,2,4`: three workers,
 * loiter(0) sleeps 3 s, loiter(1) 1 s, loiter(2) none.  Under map, main
 * blocks on loiter(0) while loiter(2) and then loiter(1) finish, and from
 * the first of those finishes until main unblocks the caption says that
 * main waits for loiter(0) although later calls are done.  Under
 * as_completed, main takes each as it finishes, and the captions say so.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "logbuild.h"
#include "ui_testutil.h"

#define S 1000000000LL

/* Events appended so far: the index of the next (the log counts them
 * only once published). */
static size_t built;

static void ev(cv_log *log, int64_t t_ns, int kind, int state, uint64_t id, uint64_t ref,
               int lane, const char *text)
{
    assert_int_equal(log_event(log, t_ns, kind, state, id, ref, lane, CV_SIDE_NONE, text), 0);
    built++;
}

/* Indices of the moments the tests look at. */
typedef struct moments {
    size_t block;       /* main blocks on loiter(0) */
    size_t done2;       /* loiter(2) finishes */
    size_t start3;      /* loiter(3) starts, on loiter(2)'s worker */
    size_t done1;       /* loiter(1) finishes */
    size_t log4;        /* loiter(4) prints that it starts */
    size_t unblock;     /* main gets loiter(0)'s result */
} moments;

/* `what` is how main waits: "map" (on each future in turn, ids 1..5) or
 * "as_completed" (on any: ref 0). */
static cv_log *sleeps_log(const char *what, moments *at)
{
    bool map = strcmp(what, "map") == 0;
    cv_log *log = cv_log_create();
    assert_non_null(log);
    built = 0;
    cv_log_meta meta = {.scenario = "loiter", .args = "--sleeps 3,1,0,2,4", .speed = 1.0};
    cv_log_set_meta(log, &meta);
    ev(log, 0, CV_EV_HEADER, 0, 0, 0, -1, "loiter");
    ev(log, 0, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, 0, "main");
    ev(log, 0, CV_EV_LOG, 0, 0, 0, 0, "Script starting.");
    for (int i = 0; i < 5; i++) {
        char label[16];
        snprintf(label, sizeof label, "loiter(%d)", i);
        ev(log, 1000, CV_EV_FUTURE, CV_PENDING, (uint64_t)i + 1, 0, -1, label);
    }
    for (int i = 0; i < 3; i++) {
        char name[16];
        snprintf(name, sizeof name, "worker %d", i + 1);
        ev(log, 2000, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, i + 1, name);
        ev(log, 2000, CV_EV_FUTURE, CV_RUNNING, (uint64_t)i + 1, 0, i + 1, NULL);
    }
    at->block = built;
    ev(log, 3000, CV_EV_WAIT, CV_WAIT_BLOCK, 0, map ? 1 : 0, 0, what);
    at->done2 = built;
    ev(log, 4000, CV_EV_FUTURE, CV_FINISHED, 3, 20, 3, NULL);
    at->start3 = built;
    ev(log, 4000, CV_EV_FUTURE, CV_RUNNING, 4, 0, 3, NULL);
    if (!map) { /* as_completed hands main loiter(2) */
        ev(log, 5000, CV_EV_WAIT, CV_WAIT_UNBLOCK, 0, 0, 0, what);
        ev(log, 5000, CV_EV_LOG, 0, 0, 0, 0, "loiter(2) result: 20");
        ev(log, 6000, CV_EV_WAIT, CV_WAIT_BLOCK, 0, 0, 0, what);
    }
    at->done1 = built;
    ev(log, 1 * S, CV_EV_FUTURE, CV_FINISHED, 2, 10, 2, NULL);
    ev(log, 1 * S, CV_EV_FUTURE, CV_RUNNING, 5, 0, 2, NULL);
    at->log4 = built;
    ev(log, 1 * S, CV_EV_LOG, 0, 0, 0, 2, "\t\t\t\tloiter(4): doing nothing for 4s...");
    ev(log, 2 * S, CV_EV_FUTURE, CV_FINISHED, 4, 30, 3, NULL);
    ev(log, 3 * S, CV_EV_FUTURE, CV_FINISHED, 1, 0, 1, NULL);
    at->unblock = built;
    ev(log, 3 * S, CV_EV_WAIT, CV_WAIT_UNBLOCK, 0, map ? 1 : 0, 0, what);
    ev(log, 3 * S, CV_EV_LOG, 0, 0, 0, 0, map ? "result 0: 0" : "loiter(1) result: 10");
    cv_log_publish(log);
    cv_log_close(log);
    return log;
}

#define LESSON "map yields results in submission order"

static void expect_caption(const cv_log *log, size_t index, const char *want, bool present)
{
    char cap[512];
    caption_at(log, index, cap, sizeof cap);
    if ((strstr(cap, want) != NULL) != present)
        fail_msg("event %zu: caption \"%s\" %s \"%s\"", index, cap,
                 present ? "lacks" : "should not have", want);
}

static void test_map_names_the_lesson_while_main_waits_behind_done_calls(void **state)
{
    (void)state;
    moments at;
    cv_log *log = sleeps_log("map", &at);
    /* Nothing after loiter(0) is done yet: no lesson. */
    expect_caption(log, at.block, LESSON, false);
    /* loiter(2) is done and main still waits for loiter(0). */
    expect_caption(log, at.done2,
                   "main waits for loiter(0) although loiter(2) is done: " LESSON, true);
    /* Whatever the step, for as long as it lasts; the step follows. */
    expect_caption(log, at.start3, "(last step: loiter(3) starts on worker 3", true);
    expect_caption(log, at.done1,
                   "main waits for loiter(0) although loiter(1) and loiter(2) are done: " LESSON,
                   true);
    expect_caption(log, at.log4, "loiter(1) and loiter(2) are done: " LESSON, true);
    expect_caption(log, at.log4, "worker 2 prints \"loiter(4): doing nothing for 4s...\"", true);
    expect_caption(log, at.unblock - 1, "loiter(1), loiter(2) and loiter(3) are done", true);
    /* Main has its result: the wait is over, so is the lesson. */
    expect_caption(log, at.unblock, LESSON, false);
    cv_log_destroy(log);
}

/* The caption history keeps each step's own words: the lesson only on
 * the steps that make it true. */
static void test_history_steps_keep_their_own_words(void **state)
{
    (void)state;
    moments at;
    cv_log *log = sleeps_log("map", &at);
    cv_model m;
    char cap[512];
    cv_model_init(&m, log);
    assert_int_equal(cv_model_advance(&m, at.log4 + 1), 0);
    cv_caption_step(&m, at.log4, cap, sizeof cap);
    assert_string_equal(cap, "worker 2 prints \"loiter(4): doing nothing for 4s...\"");
    assert_int_equal(cv_model_seek(&m, at.done1 + 1), 0);
    cv_caption_step(&m, at.done1, cap, sizeof cap);
    if (strncmp(cap, "loiter(1) finishes on worker 2", 30) != 0 ||
        strstr(cap, "; main waits for loiter(0) although loiter(1) and loiter(2) are done: " LESSON) == NULL)
        fail_msg("history step: %s", cap);
    assert_int_equal(cv_model_seek(&m, at.block + 1), 0);
    cv_caption_step(&m, at.block, cap, sizeof cap);
    assert_non_null(strstr(cap, "main blocks in map: loiter(0) is not ready"));
    cv_model_free(&m);
    cv_log_destroy(log);
}

static void test_a_plain_result_wait_is_not_map(void **state)
{
    (void)state;
    moments at;
    cv_log *log = sleeps_log("result", &at);
    expect_caption(log, at.done1, LESSON, false);
    cv_log_destroy(log);
}

static void test_as_completed_takes_results_as_they_come(void **state)
{
    (void)state;
    moments at;
    cv_log *log = sleeps_log("as_completed", &at);
    expect_caption(log, at.block, "main blocks in as_completed (3 running, 2 queued)", true);
    expect_caption(log, at.block, "results as they come", true);
    expect_caption(log, at.done2, "main, blocked in as_completed, takes it now", true);
    expect_caption(log, at.done1, "results are taken as they come", true);
    expect_caption(log, at.done1, LESSON, false);
    expect_caption(log, at.unblock, "taken as it comes, not in submission order", true);
    cv_log_destroy(log);
}

/* The blocked moment on screen: the caption line leads with the lesson,
 * main's lane waits for loiter(0), and the table shows loiter(1) and
 * loiter(2) finished while loiter(0) runs. */
static void test_blocked_moment_renders_the_lesson(void **state)
{
    (void)state;
    moments at;
    cv_log *log = sleeps_log("map", &at);
    char *screen = render_at(log, 1.5, 130, 30, false);
    const char *line2 = strchr(screen, '\n');
    assert_non_null(line2);
    if (strncmp(line2 + 1, "\xe2\x96\xb8 main waits for loiter(0) although loiter(1) and loiter(2) are done: " LESSON,
                strlen("\xe2\x96\xb8 main waits for loiter(0) although loiter(1) and loiter(2) are done: " LESSON)) != 0)
        fail_msg("the caption line does not lead with the lesson:\n%s", screen);
    assert_non_null(strstr(screen, "waits for loiter(0)"));
    free(screen);
    cv_log_destroy(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_map_names_the_lesson_while_main_waits_behind_done_calls),
        cmocka_unit_test(test_history_steps_keep_their_own_words),
        cmocka_unit_test(test_a_plain_result_wait_is_not_map),
        cmocka_unit_test(test_as_completed_takes_results_as_they_come),
        cmocka_unit_test(test_blocked_moment_renders_the_lesson),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
