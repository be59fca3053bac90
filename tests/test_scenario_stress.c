/* The stress scenario in the default, lossless mode: 200 000 no-op futures
 * through 32 workers (the million of the issue is bench_stress's, which
 * would take too long under the sanitizers).  Every future's three events
 * are in the log, in order, the sequence is gapless, nothing dropped, and
 * the console says so; out-of-range options are refused in one line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"
#include "scenarios.h"
#include "testutil.h"

#define N 200000

static void test_lossless_at_scale(void **state)
{
    (void)state;
    const cv_opt_spec *const tables[] = {cv_scenario_stress.options, NULL};
    cv_opts opts;
    char err[160];
    char *argv[] = {"--futures", "200000", "--workers", "32"};
    assert_int_equal(cv_opts_parse(&opts, tables, 4, argv, 0, err, sizeof err), 0);
    cv_run *run = cv_run_start(&cv_scenario_stress, &opts, 1, "");
    assert_non_null(run);
    assert_int_equal(cv_run_join(run), 0);

    cv_log *log = run->log;
    uint8_t *seen = calloc(N + 1, 1);
    assert_non_null(seen);
    const char *last = NULL;
    size_t count = cv_log_count(log);
    for (size_t i = 0; i < count; i++) {
        const cv_event *ev = cv_log_at(log, i);
        assert_int_equal(ev->seq, i);
        assert_int_not_equal(ev->kind, CV_EV_DROP);
        if (ev->kind == CV_EV_LOG)
            last = ev->text;
        if (ev->kind != CV_EV_FUTURE)
            continue;
        assert_true(ev->id >= 1 && ev->id <= N);
        /* pending, running, finished: each once, in this order. */
        uint8_t step = ev->state == CV_PENDING ? 0 : ev->state == CV_RUNNING ? 1
                     : ev->state == CV_FINISHED ? 2 : 9;
        if (seen[ev->id] != step)
            fail_msg("future %llu: %s after %d steps", (unsigned long long)ev->id,
                     cv_event_state_name(CV_EV_FUTURE, ev->state), seen[ev->id]);
        seen[ev->id]++;
        if (ev->state == CV_FINISHED)
            assert_int_equal((long long)ev->ref, (long long)ev->id - 1); /* noop(i) = i */
    }
    for (size_t id = 1; id <= N; id++)
        assert_int_equal(seen[id], 3);
    assert_int_equal(cv_log_dropped(log), 0);
    assert_non_null(last);
    assert_non_null(strstr(last, "dropped: 0."));
    free(seen);
    cv_run_destroy(run);
}

static void test_limits(void **state)
{
    (void)state;
    const cv_opt_spec *const tables[] = {cv_scenario_stress.options, NULL};
    cv_opts opts;
    char err[160];
    char *too_many[] = {"--futures", "2000001"};
    assert_int_equal(cv_opts_parse(&opts, tables, 2, too_many, 0, err, sizeof err), CV_EINVAL);
    assert_non_null(strstr(err, "--futures"));
    assert_null(strchr(err, '\n'));
    char *no_workers[] = {"--workers", "0"};
    assert_int_equal(cv_opts_parse(&opts, tables, 2, no_workers, 0, err, sizeof err), CV_EINVAL);
    assert_non_null(strstr(err, "--workers"));
    char *too_many_workers[] = {"--workers", "257"};
    assert_int_equal(cv_opts_parse(&opts, tables, 2, too_many_workers, 0, err, sizeof err),
                     CV_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lossless_at_scale),
        cmocka_unit_test(test_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
