/* A run the user stopped reads so on screen: the call cut short (failed
 * with CV_ECANCELLED) is captioned "cut short" and its table row says
 * "stopped by the user", not a failure; the user-stop mark explains
 * itself; and main's stop says the user stopped the run, where a run that
 * ended by itself says "the script is over". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "logbuild.h"
#include "testutil.h"
#include "ui_testutil.h"

#define MS 1000000LL

static cv_log *loiter_run(bool stopped)
{
    cv_log *log = cv_log_create();
    assert_non_null(log);
    cv_log_meta meta = {.scenario = "loiter", .args = "", .speed = 1.0};
    cv_log_set_meta(log, &meta);
    assert_int_equal(log_event(log, 0, CV_EV_HEADER, 0, 0, 0, -1, 0, "loiter"), 0);
    cv_event e = {.kind = CV_EV_THREAD, .state = CV_THREAD_STARTED, .lane = 0,
                  .code = CV_ROLE_MAIN, .text = strdup("main")};
    assert_int_equal(cv_log_append(log, &e), 0);
    e = (cv_event){.kind = CV_EV_THREAD, .state = CV_THREAD_STARTED, .lane = 1, .origin = 1,
                   .code = CV_ROLE_WORKER, .text = strdup("worker 1")};
    assert_int_equal(cv_log_append(log, &e), 0);
    assert_int_equal(log_event(log, MS, CV_EV_FUTURE, CV_PENDING, 1, 0, -1, 0, "loiter(4)"), 0);
    assert_int_equal(log_event(log, 2 * MS, CV_EV_FUTURE, CV_RUNNING, 1, 0, 1, 0, NULL), 0);
    if (stopped) {
        e = (cv_event){.t_ns = 500 * MS, .kind = CV_EV_FUTURE, .state = CV_FAILED, .id = 1,
                       .lane = 1, .origin = 1, .code = CV_ECANCELLED,
                       .text = strdup("stopped by the user")};
        assert_int_equal(cv_log_append(log, &e), 0);
        e = (cv_event){.t_ns = 501 * MS, .kind = CV_EV_MARK, .lane = 0,
                       .code = CV_MARK_USER_STOP, .text = strdup("the user stopped the run")};
        assert_int_equal(cv_log_append(log, &e), 0);
    } else {
        assert_int_equal(log_event(log, 4000 * MS, CV_EV_FUTURE, CV_FINISHED, 1, 40, 1, 0, NULL), 0);
    }
    assert_int_equal(log_event(log, 4001 * MS, CV_EV_THREAD, CV_THREAD_STOPPED, 0, 0, 0, 0, NULL), 0);
    cv_log_publish(log);
    cv_log_close(log);
    return log;
}

static void test_stopped_run_reads_stopped(void **state)
{
    (void)state;
    cv_log *log = loiter_run(true);
    char cap[256];
    caption_at(log, 5, cap, sizeof cap);
    if (strstr(cap, "cut short") == NULL || strstr(cap, "stopped by the user") == NULL ||
        strstr(cap, "fails") != NULL)
        fail_msg("the cut-short call's caption: %s", cap);
    caption_at(log, 6, cap, sizeof cap);
    if (strstr(cap, "the user stopped the run") == NULL)
        fail_msg("the user-stop mark's caption: %s", cap);
    caption_at(log, 7, cap, sizeof cap);
    if (strstr(cap, "main stops: the user stopped the run") == NULL)
        fail_msg("main's stop: %s", cap);
    char *screen = render_at(log, 5, 120, 40, true);
    if (strstr(screen, "stopped by the user") == NULL)
        fail_msg("the table does not say stopped by the user:\n%s", screen);
    free(screen);
    cv_log_destroy(log);
}

static void test_finished_run_reads_over(void **state)
{
    (void)state;
    cv_log *log = loiter_run(false);
    char cap[256];
    caption_at(log, 6, cap, sizeof cap);
    if (strstr(cap, "main stops: the script is over") == NULL)
        fail_msg("main's stop: %s", cap);
    cv_log_destroy(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stopped_run_reads_stopped),
        cmocka_unit_test(test_finished_run_reads_over),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
