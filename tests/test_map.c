/* Executor.map: submission order, failures, early close, timeout. */
#include "map.h"
#include "testutil.h"

typedef struct job {
    double seconds;
    long long value;
    bool fail;
} job;

static void job_call(void *arg, cv_result *out)
{
    job *j = arg;
    test_sleep(j->seconds);
    if (j->fail)
        cv_result_fail(out, 3, "job %lld failed", j->value);
    else
        out->value = j->value;
}

static void make_calls(job *jobs, cv_call *calls, size_t n)
{
    for (size_t i = 0; i < n; i++)
        calls[i] = (cv_call){job_call, &jobs[i], "job"};
}

static void test_results_in_submission_order(void **state)
{
    (void)state;
    /* Later calls finish first; results still come in submission order. */
    job jobs[4] = {{0.2, 0, false}, {0.15, 1, false}, {0.1, 2, false}, {0.0, 3, false}};
    cv_call calls[4];
    make_calls(jobs, calls, 4);
    cv_pool *pool = cv_pool_create(NULL, 4, NULL);
    cv_map *m = cv_map_start(pool, calls, 4, -1, NULL);
    assert_non_null(m);
    cv_result r;
    for (long long i = 0; i < 4; i++) {
        assert_int_equal(cv_map_next(m, &r), CV_OK);
        assert_int_equal(r.value, i);
    }
    assert_int_equal(cv_map_next(m, &r), CV_EDONE);
    cv_map_close(m);
    cv_pool_destroy(pool);
}

static void test_failure_ends_iteration_and_cancels_rest(void **state)
{
    (void)state;
    job jobs[5] = {{0, 0, false}, {0.05, 1, true}, {0.5, 2, false}, {0.5, 3, false}, {0.5, 4, false}};
    cv_call calls[5];
    make_calls(jobs, calls, 5);
    cv_pool *pool = cv_pool_create(NULL, 2, NULL);
    cv_map *m = cv_map_start(pool, calls, 5, -1, NULL);
    cv_result r;
    assert_int_equal(cv_map_next(m, &r), CV_OK);
    assert_int_equal(r.value, 0);
    assert_int_equal(cv_map_next(m, &r), CV_EFAILED);
    assert_string_equal(r.message, "job 1 failed");
    assert_int_equal(cv_map_next(m, &r), CV_EDONE);
    /* Two workers, busy with calls 2 and 3 once call 1 failed: call 4
     * had not started and must not. */
    assert_int_equal(cv_future_state(cv_map_future(m, 4)), CV_CANCELLED);
    cv_map_close(m);
    cv_pool_destroy(pool);
}

static void test_close_early_cancels_not_started(void **state)
{
    (void)state;
    job jobs[4] = {{0.1, 0, false}, {0.1, 1, false}, {0.1, 2, false}, {0.1, 3, false}};
    cv_call calls[4];
    make_calls(jobs, calls, 4);
    cv_pool *pool = cv_pool_create(NULL, 1, NULL);
    cv_map *m = cv_map_start(pool, calls, 4, -1, NULL);
    cv_result r;
    assert_int_equal(cv_map_next(m, &r), CV_OK);
    cv_future *f1 = cv_map_future(m, 1), *f3 = cv_map_future(m, 3);
    cv_future_retain(f1);
    cv_future_retain(f3);
    cv_map_close(m); /* drop the iterator, as `break` out of a for loop */
    assert_int_equal(cv_future_state(f3), CV_CANCELLED);
    cv_pool_destroy(pool);
    assert_true(cv_future_state(f1) == CV_FINISHED || cv_future_state(f1) == CV_CANCELLED);
    cv_future_release(f1);
    cv_future_release(f3);
}

/* Dropped before its first next(), the iterator cancels nothing: Python's
 * generator never entered its body, so its `finally` never runs, and
 * every call runs to the end. */
static void test_close_before_first_next_lets_calls_run(void **state)
{
    (void)state;
    job jobs[4] = {{0.02, 0, false}, {0.02, 1, false}, {0.02, 2, false}, {0.02, 3, false}};
    cv_call calls[4];
    make_calls(jobs, calls, 4);
    cv_pool *pool = cv_pool_create(NULL, 1, NULL);
    cv_map *m = cv_map_start(pool, calls, 4, -1, NULL);
    assert_non_null(m);
    cv_future *fs[4];
    for (size_t i = 0; i < 4; i++) {
        fs[i] = cv_map_future(m, i);
        cv_future_retain(fs[i]);
    }
    cv_map_close(m);
    cv_pool_destroy(pool); /* waits for the calls still queued */
    for (size_t i = 0; i < 4; i++) {
        cv_result r;
        assert_int_equal(cv_future_result(fs[i], 0, &r), CV_OK);
        assert_int_equal(r.value, (long long)i);
        cv_future_release(fs[i]);
    }
}

static void test_timeout_counts_from_the_call(void **state)
{
    (void)state;
    job jobs[2] = {{0.05, 0, false}, {2.0, 1, false}};
    cv_call calls[2];
    make_calls(jobs, calls, 2);
    cv_pool *pool = cv_pool_create(NULL, 2, NULL);
    double t0 = test_now();
    cv_map *m = cv_map_start(pool, calls, 2, 0.3, NULL);
    cv_result r;
    assert_int_equal(cv_map_next(m, &r), CV_OK);
    assert_int_equal(cv_map_next(m, &r), CV_ETIMEDOUT);
    double waited = test_now() - t0;
    assert_true(waited >= 0.28 && waited < 1.5);
    cv_map_close(m);
    cv_pool_destroy(pool);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_results_in_submission_order),
        cmocka_unit_test(test_failure_ends_iteration_and_cancels_rest),
        cmocka_unit_test(test_close_early_cancels_not_started),
        cmocka_unit_test(test_close_before_first_next_lets_calls_run),
        cmocka_unit_test(test_timeout_counts_from_the_call),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
