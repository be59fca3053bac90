/* wait() and as_completed(). */
#include "pool.h"
#include "testutil.h"
#include "wait.h"

typedef struct job {
    double seconds;
    bool fail;
} job;

static void job_call(void *arg, cv_result *out)
{
    job *j = arg;
    test_sleep(j->seconds);
    if (j->fail)
        cv_result_fail(out, 1, "failed");
    else
        out->value = (long long)(j->seconds * 1000);
}

static void submit_all(cv_pool *pool, job *jobs, cv_future **fs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fs[i] = cv_pool_submit(pool, "job", job_call, &jobs[i], NULL);
}

static void release_all(cv_future **fs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cv_future_release(fs[i]);
}

static void test_as_completed_yields_in_completion_order(void **state)
{
    (void)state;
    job jobs[3] = {{0.3, false}, {0.1, false}, {0.2, false}};
    cv_future *fs[3];
    cv_pool *pool = cv_pool_create(NULL, 3, NULL);
    submit_all(pool, jobs, fs, 3);
    cv_as_completed *it = cv_as_completed_start(fs, 3, -1);
    cv_future *f;
    size_t order[3];
    for (size_t k = 0; k < 3; k++) {
        assert_int_equal(cv_as_completed_next(it, &f), CV_OK);
        for (size_t i = 0; i < 3; i++)
            if (fs[i] == f)
                order[k] = i;
    }
    assert_int_equal(cv_as_completed_next(it, &f), CV_EDONE);
    assert_int_equal(order[0], 1);
    assert_int_equal(order[1], 2);
    assert_int_equal(order[2], 0);
    cv_as_completed_close(it);
    cv_pool_destroy(pool);
    release_all(fs, 3);
}

static void test_as_completed_done_ones_come_first(void **state)
{
    (void)state;
    cv_future *done = cv_future_new(NULL, "done");
    cv_future_cancel(done);
    job jobs[1] = {{0.05, false}};
    cv_future *fs[2];
    cv_pool *pool = cv_pool_create(NULL, 1, NULL);
    fs[0] = cv_pool_submit(pool, "job", job_call, &jobs[0], NULL);
    fs[1] = done;
    cv_as_completed *it = cv_as_completed_start(fs, 2, -1);
    cv_future *f;
    assert_int_equal(cv_as_completed_next(it, &f), CV_OK);
    assert_ptr_equal(f, done);
    assert_int_equal(cv_as_completed_next(it, &f), CV_OK);
    assert_ptr_equal(f, fs[0]);
    cv_as_completed_close(it);
    cv_pool_destroy(pool);
    release_all(fs, 2);
}

static void test_as_completed_timeout(void **state)
{
    (void)state;
    job jobs[2] = {{0.02, false}, {1.0, false}};
    cv_future *fs[2];
    cv_pool *pool = cv_pool_create(NULL, 2, NULL);
    submit_all(pool, jobs, fs, 2);
    double t0 = test_now();
    cv_as_completed *it = cv_as_completed_start(fs, 2, 0.2);
    cv_future *f;
    assert_int_equal(cv_as_completed_next(it, &f), CV_OK);
    assert_int_equal(cv_as_completed_next(it, &f), CV_ETIMEDOUT);
    double waited = test_now() - t0;
    assert_true(waited >= 0.18 && waited < 0.9);
    assert_int_equal(cv_as_completed_unfinished(it), 1);
    cv_as_completed_close(it);
    cv_pool_destroy(pool);
    release_all(fs, 2);
}

/* A future listed several times is yielded once, pending or done at the
 * start, and the unfinished count is of distinct futures. */
static void test_as_completed_yields_a_duplicate_once(void **state)
{
    (void)state;
    cv_future *done = cv_future_new(NULL, "done");
    cv_future_cancel(done);
    job jobs[2] = {{0.02, false}, {1.0, false}};
    cv_future *fs[2];
    cv_pool *pool = cv_pool_create(NULL, 2, NULL);
    submit_all(pool, jobs, fs, 2);
    /* done leads, so that the order holds even if fs[0] is already done
     * when as_completed starts (done ones come in argument order). */
    cv_future *list[6] = {done, fs[0], done, fs[0], fs[1], fs[1]};
    cv_as_completed *it = cv_as_completed_start(list, 6, 0.3);
    cv_future *f;
    assert_int_equal(cv_as_completed_next(it, &f), CV_OK);
    assert_ptr_equal(f, done);
    assert_int_equal(cv_as_completed_next(it, &f), CV_OK);
    assert_ptr_equal(f, fs[0]);
    assert_int_equal(cv_as_completed_next(it, &f), CV_ETIMEDOUT);
    assert_int_equal(cv_as_completed_unfinished(it), 1);
    cv_as_completed_close(it);
    cv_pool_destroy(pool);
    release_all(fs, 2);
    cv_future_release(done);
}

static void test_wait_modes(void **state)
{
    (void)state;
    job jobs[3] = {{0.05, false}, {0.1, true}, {0.4, false}};
    cv_future *fs[3];
    uint8_t done[3];
    cv_pool *pool = cv_pool_create(NULL, 3, NULL);
    submit_all(pool, jobs, fs, 3);

    size_t n = cv_wait(fs, 3, 5, CV_FIRST_COMPLETED, done);
    assert_true(n >= 1);
    assert_true(done[0]);
    assert_false(done[2]);

    n = cv_wait(fs, 3, 5, CV_FIRST_EXCEPTION, done);
    assert_true(done[1]);
    assert_int_equal(cv_future_state(fs[1]), CV_FAILED);
    assert_false(done[2]);

    n = cv_wait(fs, 3, 5, CV_ALL_COMPLETED, done);
    assert_int_equal(n, 3);
    assert_true(done[0] && done[1] && done[2]);
    cv_pool_destroy(pool);
    release_all(fs, 3);
}

static void test_wait_timeout(void **state)
{
    (void)state;
    job jobs[2] = {{0.01, false}, {1.0, false}};
    cv_future *fs[2];
    uint8_t done[2];
    cv_pool *pool = cv_pool_create(NULL, 2, NULL);
    submit_all(pool, jobs, fs, 2);
    double t0 = test_now();
    size_t n = cv_wait(fs, 2, 0.2, CV_ALL_COMPLETED, done);
    double waited = test_now() - t0;
    assert_int_equal(n, 1);
    assert_true(done[0]);
    assert_false(done[1]);
    assert_true(waited >= 0.18 && waited < 0.9);
    cv_pool_destroy(pool);
    release_all(fs, 2);
}

static void test_first_exception_without_failure_waits_for_all(void **state)
{
    (void)state;
    job jobs[2] = {{0.02, false}, {0.1, false}};
    cv_future *fs[2];
    uint8_t done[2];
    cv_pool *pool = cv_pool_create(NULL, 2, NULL);
    submit_all(pool, jobs, fs, 2);
    assert_int_equal(cv_wait(fs, 2, 5, CV_FIRST_EXCEPTION, done), 2);
    cv_pool_destroy(pool);
    release_all(fs, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_as_completed_yields_in_completion_order),
        cmocka_unit_test(test_as_completed_done_ones_come_first),
        cmocka_unit_test(test_as_completed_timeout),
        cmocka_unit_test(test_as_completed_yields_a_duplicate_once),
        cmocka_unit_test(test_wait_modes),
        cmocka_unit_test(test_wait_timeout),
        cmocka_unit_test(test_first_exception_without_failure_waits_for_all),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
