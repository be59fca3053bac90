/* A STALL event (a thread waited for room in its full ring) is counted by
 * the model, undone by a step back, captioned with who waited and how
 * long, and shown in the header. */
#include <string.h>

#include "logbuild.h"
#include "testutil.h"
#include "ui_testutil.h"

static cv_log *stall_log(void)
{
    cv_log *log = cv_log_create();
    log_event(log, 0, CV_EV_HEADER, 0, 0, 0, CV_NO_LANE, 0, "stress");
    log_event(log, 1000, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, 0, 0, "main");
    cv_event stall = {.t_ns = 2000000, .kind = CV_EV_STALL, .lane = 0, .ref = 1500000,
                      .code = 131072};
    cv_log_append(log, &stall);
    stall.t_ns = 3000000;
    stall.ref = 500000;
    cv_log_append(log, &stall);
    log_event(log, 4000000, CV_EV_LOG, 0, 0, 0, 0, 0, "done");
    cv_log_publish(log);
    return log;
}

static void test_counted_and_undone(void **state)
{
    (void)state;
    cv_log *log = stall_log();
    cv_model m;
    assert_int_equal(cv_model_init(&m, log), 0);
    assert_int_equal(cv_model_advance(&m, cv_log_count(log)), 0);
    assert_int_equal(m.stalls, 2);
    assert_int_equal(m.stalled_ns, 2000000);
    assert_int_equal(cv_model_seek(&m, 3), 0);
    assert_int_equal(m.stalls, 1);
    assert_int_equal(m.stalled_ns, 1500000);
    cv_model_free(&m);
    cv_log_destroy(log);
}

static void test_caption_and_header(void **state)
{
    (void)state;
    cv_log *log = stall_log();
    char buf[256];
    caption_at(log, 2, buf, sizeof buf);
    assert_string_equal(buf, "main waited 1.50 ms for the event log: its ring of 131072 "
                             "events was full (nothing was dropped)");
    char *screen = render_at(log, 0.004, 120, 30, true);
    assert_non_null(strstr(screen, "2 stalls (2.0 ms)"));
    free(screen);
    cv_log_destroy(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counted_and_undone),
        cmocka_unit_test(test_caption_and_header),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
