/*
 * The help legend explains what is on screen now, not every state the
 * program knows: a screen with one finished future lists "finished" and
 * never "failed", "GIL" or "the event loop polls".  And every theme
 * defines every style: a style added to one table only would be black on
 * the terminal's background in the others.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "logbuild.h"
#include "theme.h"
#include "ui_testutil.h"

#define MS 1000000LL

static cv_log *one_future(void)
{
    cv_log *log = cv_log_create();
    assert_non_null(log);
    cv_log_meta meta = {.scenario = "loiter", .args = "", .speed = 1.0};
    cv_log_set_meta(log, &meta);
    assert_int_equal(log_event(log, 0, CV_EV_HEADER, 0, 0, 0, -1, CV_SIDE_NONE, "loiter"), 0);
    assert_int_equal(log_event(log, 0, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, 0, CV_SIDE_NONE, "main"), 0);
    assert_int_equal(log_event(log, 0, CV_EV_THREAD, CV_THREAD_BUSY, 0, 0, 0, CV_SIDE_NONE, NULL), 0);
    assert_int_equal(log_event(log, MS, CV_EV_FUTURE, CV_PENDING, 1, 0, -1, CV_SIDE_NONE, "loiter(1)"), 0);
    assert_int_equal(log_event(log, 2 * MS, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, 1, CV_SIDE_NONE, "worker 1"), 0);
    assert_int_equal(log_event(log, 2 * MS, CV_EV_FUTURE, CV_RUNNING, 1, 0, 1, CV_SIDE_NONE, NULL), 0);
    assert_int_equal(log_event(log, 200 * MS, CV_EV_FUTURE, CV_FINISHED, 1, 0, 1, CV_SIDE_NONE, "10"), 0);
    cv_log_publish(log);
    cv_log_close(log);
    return log;
}

/* The screen at t seconds with the help box open on its legend. */
static char *help_at(const cv_log *log, double t)
{
    cv_model m;
    cv_model_init(&m, log);
    size_t count = cv_log_count(log);
    int64_t at = (int64_t)(t * 1e9);
    assert_int_equal(cv_model_advance(&m, cv_log_index_at(log, count, at)), 0);
    cv_render_opts o = {.now_ns = at, .span_ns = cv_nice_span(cv_log_at(log, count - 1)->t_ns),
                        .speed = 1.0, .mode = "PAUSED", .total = count, .help = true};
    char *text = render_text(&m, 120, 40, false, &o);
    cv_model_free(&m);
    return text;
}

static void test_legend_lists_what_is_on_screen(void **state)
{
    (void)state;
    cv_log *log = one_future();
    char *early = help_at(log, 0.0015); /* submitted, not yet taken */
    assert_non_null(strstr(early, "queued: submitted"));
    assert_null(strstr(early, "finished with a result"));
    char *end = help_at(log, 0.2);
    assert_non_null(strstr(end, "finished with a result"));
    assert_non_null(strstr(end, "the playhead: now"));
    static const char *const absent[] = {"failed with an error", "cancelled before", "waiting for the GIL",
                                         "the event loop polls", "a task ran here", "suspended at an await"};
    for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
        if (strstr(end, absent[i]) != NULL || strstr(early, absent[i]) != NULL)
            fail_msg("the legend explains '%s', which is not on screen:\n%s", absent[i], end);
    free(early);
    free(end);
    cv_log_destroy(log);
}

static void test_every_theme_has_every_style(void **state)
{
    (void)state;
    for (int t = 0; t < CV_THEME_COUNT; t++) {
        assert_int_equal(cv_theme__parse(cv_theme_names[t]), t);
        const cv_style_def *s = cv_theme__styles(t);
        for (int i = 0; i < CV_ST_COUNT; i++)
            if (s[i].name == NULL || strcmp(s[i].name, cv_styles[i].name) != 0)
                fail_msg("theme %s: style %d is missing or misplaced", cv_theme_names[t], i);
    }
    assert_int_equal(cv_theme__parse("sepia"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_legend_lists_what_is_on_screen),
        cmocka_unit_test(test_every_theme_has_every_style),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
