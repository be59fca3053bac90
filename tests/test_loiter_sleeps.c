/*
 * loiter --sleeps 3,1,0,2,4, under map and under --as-completed, run for
 * real at --speed 5 (0.2 s between the calls' ends, so a loaded machine,
 * or TSan, does not reorder them): the console lines say each call's own
 * seconds; map prints results in submission order, all after loiter(0) is
 * done; as_completed prints them in the order the futures finished, as the
 * trace records it.  And --sleeps is checked: bad text is refused.
 */
#include <stdio.h>
#include <string.h>

#include "run.h"
#include "scenarios.h"
#include "testutil.h"

static cv_run *run_with(cv_opts *opts, int argc, char **argv)
{
    const cv_opt_spec *const tables[] = {cv_scenario_loiter.options, NULL};
    char err[128];
    assert_int_equal(cv_opts_parse(opts, tables, argc, argv, 0, err, sizeof err), 0);
    assert_int_equal(cv_scenario_loiter.validate(opts, err, sizeof err), 0);
    cv_run *run = cv_run_start(&cv_scenario_loiter, opts, 5, "");
    assert_non_null(run);
    assert_int_equal(cv_run_join(run), 0);
    return run;
}

/* The index of the first log line equal to `text`, or -1. */
static long line_at(const cv_log *log, const char *text)
{
    for (size_t i = 0; i < cv_log_count(log); i++) {
        const cv_event *ev = cv_log_at(log, i);
        if (ev->kind == CV_EV_LOG && ev->text != NULL && strcmp(ev->text, text) == 0)
            return (long)i;
    }
    return -1;
}

static void expect_sleep_lines(const cv_log *log)
{
    static const char *const lines[] = {
        "loiter(0): doing nothing for 3s...", "\tloiter(1): doing nothing for 1s...",
        "\t\tloiter(2): doing nothing for 0s...", "\t\t\tloiter(3): doing nothing for 2s...",
        "\t\t\t\tloiter(4): doing nothing for 4s...",
    };
    for (int i = 0; i < 5; i++)
        if (line_at(log, lines[i]) < 0)
            fail_msg("no line \"%s\"", lines[i]);
}

static void test_map_prints_in_submission_order(void **state)
{
    (void)state;
    cv_opts opts;
    char *argv[] = {"--sleeps", "3,1,0,2,4"};
    cv_run *run = run_with(&opts, 2, argv);
    expect_sleep_lines(run->log);
    long zero_done = line_at(run->log, "loiter(0): done.");
    assert_true(zero_done >= 0);
    long prev = -1;
    for (int i = 0; i < 5; i++) {
        char want[32];
        snprintf(want, sizeof want, "result %d: %d", i, i * 10);
        long at = line_at(run->log, want);
        if (at < 0 || at < prev || at < zero_done)
            fail_msg("\"%s\" at %ld: after result %d (%ld) and loiter(0)'s end (%ld)?", want, at,
                     i - 1, prev, zero_done);
        prev = at;
    }
    /* loiter(1) and loiter(2) ended while main still waited for loiter(0). */
    assert_true(line_at(run->log, "\tloiter(1): done.") < zero_done);
    assert_true(line_at(run->log, "\t\tloiter(2): done.") < zero_done);
    cv_run_destroy(run);
}

static void test_as_completed_prints_in_finishing_order(void **state)
{
    (void)state;
    cv_opts opts;
    char *argv[] = {"--sleeps", "3,1,0,2,4", "--as-completed"};
    cv_run *run = run_with(&opts, 3, argv);
    const cv_log *log = run->log;
    expect_sleep_lines(log);
    int finished[5], nfinished = 0, printed[5], nprinted = 0;
    for (size_t i = 0; i < cv_log_count(log); i++) {
        const cv_event *ev = cv_log_at(log, i);
        int k;
        long long v;
        if (ev->kind == CV_EV_FUTURE && ev->state == CV_FINISHED && nfinished < 5)
            finished[nfinished++] = (int)ev->id - 1; /* ids 1..5 are loiter(0..4) */
        if (ev->kind == CV_EV_LOG && sscanf(ev->text, "loiter(%d) result: %lld", &k, &v) == 2 &&
            nprinted < 5) {
            assert_int_equal(v, (long long)k * 10);
            printed[nprinted++] = k;
        }
    }
    assert_int_equal(nfinished, 5);
    assert_int_equal(nprinted, 5);
    static const int expect[5] = {2, 1, 3, 0, 4}; /* by their sleeps */
    for (int i = 0; i < 5; i++) {
        assert_int_equal(printed[i], finished[i]);
        assert_int_equal(printed[i], expect[i]);
    }
    cv_run_destroy(run);
}

static void test_bad_sleeps_are_refused(void **state)
{
    (void)state;
    const cv_opt_spec *const tables[] = {cv_scenario_loiter.options, NULL};
    static const char *const bad[] = {"", "3,x", "3,,1", "-1", "61", "nan", "inf", "1,2,", ",1",
                                      "3 1", "1e9"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cv_opts opts;
        char err[160] = "";
        char *argv[] = {"--sleeps", (char *)bad[i]};
        assert_int_equal(cv_opts_parse(&opts, tables, 2, argv, 0, err, sizeof err), 0);
        if (cv_scenario_loiter.validate(&opts, err, sizeof err) != CV_EINVAL)
            fail_msg("--sleeps '%s' was accepted", bad[i]);
        assert_non_null(strstr(err, "--sleeps"));
        assert_null(strchr(err, '\n'));
    }
    cv_opts opts;
    char err[160];
    char *mismatch[] = {"--sleeps", "1,2", "--count", "3"};
    assert_int_equal(cv_opts_parse(&opts, tables, 4, mismatch, 0, err, sizeof err), 0);
    assert_int_equal(cv_scenario_loiter.validate(&opts, err, sizeof err), CV_EINVAL);
    char *good[] = {"--sleeps", "0.5,60,0", "--count", "3"};
    assert_int_equal(cv_opts_parse(&opts, tables, 4, good, 0, err, sizeof err), 0);
    assert_int_equal(cv_scenario_loiter.validate(&opts, err, sizeof err), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_map_prints_in_submission_order),
        cmocka_unit_test(test_as_completed_prints_in_finishing_order),
        cmocka_unit_test(test_bad_sleeps_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
