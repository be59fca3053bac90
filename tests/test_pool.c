/* The thread-pool executor: lazy workers, reuse, shutdown. */
#include <stdatomic.h>
#include <unistd.h>

#include "pool.h"
#include "testutil.h"

static void sleep_call(void *arg, cv_result *out)
{
    double *seconds = arg;
    test_sleep(*seconds);
    out->value = (long long)(*seconds * 1000);
}

static void fail_call(void *arg, cv_result *out)
{
    (void)arg;
    cv_result_fail(out, 7, "boom");
}

static void test_default_workers(void **state)
{
    (void)state;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int expect = cores + 4 < 32 ? (int)cores + 4 : 32;
    assert_int_equal(cv_pool_default_workers(), expect);
    cv_pool *pool = cv_pool_create(NULL, 0, NULL);
    assert_int_equal(cv_pool_max_workers(pool), expect);
    assert_int_equal(cv_pool_threads(pool), 0); /* lazily started */
    cv_pool_destroy(pool);
}

static void test_idle_worker_is_reused(void **state)
{
    (void)state;
    cv_pool *pool = cv_pool_create(NULL, 4, NULL);
    double quick = 0.001;
    for (int i = 0; i < 5; i++) {
        cv_future *f = cv_pool_submit(pool, "quick", sleep_call, &quick, NULL);
        assert_non_null(f);
        assert_int_equal(cv_future_result(f, 5, NULL), CV_OK);
        cv_future_release(f);
        test_sleep(0.01); /* let the worker go idle */
    }
    assert_int_equal(cv_pool_threads(pool), 1);
    cv_pool_destroy(pool);
}

static void test_workers_grow_to_max(void **state)
{
    (void)state;
    cv_pool *pool = cv_pool_create(NULL, 3, NULL);
    double d = 0.1;
    cv_future *fs[5];
    for (int i = 0; i < 5; i++)
        fs[i] = cv_pool_submit(pool, "sleep", sleep_call, &d, NULL);
    assert_int_equal(cv_pool_threads(pool), 3);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(cv_future_result(fs[i], 5, NULL), CV_OK);
        cv_future_release(fs[i]);
    }
    cv_pool_destroy(pool);
}

static void test_failure_is_carried(void **state)
{
    (void)state;
    cv_pool *pool = cv_pool_create(NULL, 2, NULL);
    cv_future *f = cv_pool_submit(pool, "fail", fail_call, NULL, NULL);
    cv_result r;
    assert_int_equal(cv_future_result(f, 5, &r), CV_EFAILED);
    assert_int_equal(r.error, 7);
    assert_string_equal(r.message, "boom");
    assert_int_equal(cv_future_state(f), CV_FAILED);
    cv_future_release(f);
    cv_pool_destroy(pool);
}

static void test_shutdown_cancel_futures(void **state)
{
    (void)state;
    cv_pool *pool = cv_pool_create(NULL, 1, NULL);
    double d = 0.2;
    cv_future *running = cv_pool_submit(pool, "first", sleep_call, &d, NULL);
    cv_future *queued[3];
    for (int i = 0; i < 3; i++)
        queued[i] = cv_pool_submit(pool, "queued", sleep_call, &d, NULL);
    while (!cv_future_running(running))
        test_sleep(0.001);
    cv_pool_shutdown(pool, true, true);
    assert_int_equal(cv_future_state(running), CV_FINISHED);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(cv_future_state(queued[i]), CV_CANCELLED);
        assert_int_equal(cv_future_result(queued[i], 0, NULL), CV_ECANCELLED);
        cv_future_release(queued[i]);
    }
    cv_future_release(running);
    int err = 0;
    assert_null(cv_pool_submit(pool, "late", sleep_call, &d, &err));
    assert_int_equal(err, CV_ESHUTDOWN);
    cv_pool_destroy(pool);
}

static void test_shutdown_without_wait_returns_at_once(void **state)
{
    (void)state;
    cv_pool *pool = cv_pool_create(NULL, 1, NULL);
    double d = 0.3;
    cv_future *f = cv_pool_submit(pool, "slow", sleep_call, &d, NULL);
    while (!cv_future_running(f))
        test_sleep(0.001);
    double t0 = test_now();
    cv_pool_shutdown(pool, false, false);
    assert_true(test_now() - t0 < 0.2);
    assert_false(cv_future_done(f));
    assert_int_equal(cv_future_result(f, 5, NULL), CV_OK); /* it still completes */
    cv_future_release(f);
    cv_pool_destroy(pool);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_workers),
        cmocka_unit_test(test_idle_worker_is_reused),
        cmocka_unit_test(test_workers_grow_to_max),
        cmocka_unit_test(test_failure_is_carried),
        cmocka_unit_test(test_shutdown_cancel_futures),
        cmocka_unit_test(test_shutdown_without_wait_returns_at_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
