/* The thread-pool executor: lazy workers, reuse, shutdown. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "pool.h"
#include "testutil.h"

static void sleep_call(void *arg, cv_result *out)
{
    double *seconds = arg;
    test_sleep(*seconds);
    out->value = (long long)(*seconds * 1000);
}

static void noop_call(void *arg, cv_result *out)
{
    (void)arg;
    out->value = 1;
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
    cv_pool *pool = cv_pool_create(NULL, cv_pool_default_workers(), NULL);
    assert_int_equal(cv_pool_max_workers(pool), expect);
    assert_int_equal(cv_pool_threads(pool), 0); /* lazily started */
    cv_pool_destroy(pool);
}

/* Zero workers is not "the default": Python raises ValueError for 0 and
 * below, and so a pool of 0 is refused, as a negative one is. */
static void test_max_workers_must_be_positive(void **state)
{
    (void)state;
    assert_null(cv_pool_create(NULL, 0, NULL));
    assert_null(cv_pool_create(NULL, -1, NULL));
    cv_pool *one = cv_pool_create(NULL, 1, NULL);
    assert_non_null(one);
    assert_int_equal(cv_pool_max_workers(one), 1);
    cv_pool_destroy(one);
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

/* shutdown(cancel_futures) straight after the submits, before any worker
 * has had time to run: each worker started holds the call it was started
 * for, so that call runs and only the rest are cancelled.  (Before, the
 * new threads raced the shutdown for their first call and often lost all
 * of them.)  Rounds, because a race shows in some runs only. */
static void test_shutdown_cancel_futures_spares_started_workers_calls(void **state)
{
    (void)state;
    double d = 0.01;
    for (int round = 0; round < 20; round++) {
        cv_pool *pool = cv_pool_create(NULL, 3, NULL);
        cv_future *fs[12];
        for (int i = 0; i < 12; i++)
            fs[i] = cv_pool_submit(pool, "sleep", sleep_call, &d, NULL);
        int started = cv_pool_threads(pool);
        assert_int_equal(started, 3);
        cv_pool_shutdown(pool, true, true);
        int ran = 0;
        for (int i = 0; i < 12; i++) {
            int st = cv_future_state(fs[i]);
            assert_true(st == CV_FINISHED || st == CV_CANCELLED);
            ran += st == CV_FINISHED;
            cv_future_release(fs[i]);
        }
        assert_true(ran >= started);
        cv_pool_destroy(pool);
    }
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

static void test_idle_worker_runs_call_queued_behind_long_one(void **state)
{
    (void)state;
    cv_pool *pool = cv_pool_create(NULL, 2, NULL);
    /* Two workers, then both idle and asleep. */
    double short_call = 0.05;
    cv_future *warm[2];
    for (int i = 0; i < 2; i++)
        warm[i] = cv_pool_submit(pool, "warm", sleep_call, &short_call, NULL);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(cv_future_result(warm[i], 5, NULL), CV_OK);
        cv_future_release(warm[i]);
    }
    assert_int_equal(cv_pool_threads(pool), 2);
    test_sleep(0.05);

    double long_call = 1.0, quick = 0.0;
    cv_future *slow = cv_pool_submit(pool, "slow", sleep_call, &long_call, NULL);
    while (!cv_future_running(slow))
        test_sleep(0.001);
    double t0 = test_now();
    cv_future *f = cv_pool_submit(pool, "quick", sleep_call, &quick, NULL);
    /* The idle worker takes it: it does not wait for the long call. */
    assert_int_equal(cv_future_result(f, 5, NULL), CV_OK);
    assert_true(test_now() - t0 < 0.5);
    assert_true(cv_future_running(slow));
    cv_future_release(f);
    cv_future_release(slow);
    cv_pool_destroy(pool);
}

static void test_shutdown_runs_queued_calls(void **state)
{
    (void)state;
    cv_pool *pool = cv_pool_create(NULL, 1, NULL);
    double d = 0.02;
    cv_future *fs[5];
    for (int i = 0; i < 5; i++)
        fs[i] = cv_pool_submit(pool, "queued", sleep_call, &d, NULL);
    cv_pool_shutdown(pool, true, false);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(cv_future_state(fs[i]), CV_FINISHED);
        cv_future_release(fs[i]);
    }
    cv_pool_destroy(pool);
}

/* Several threads submit at once; shutdown may cut in at any point. */
typedef struct submitter {
    cv_pool *pool;
    int calls;
    int accepted;
    int refusal; /* the error of the submit that was refused, if any */
    cv_future **futures;
    pthread_t thread;
} submitter;

static void *submit_many(void *arg)
{
    submitter *s = arg;
    for (int i = 0; i < s->calls; i++) {
        int err = 0;
        cv_future *f = cv_pool_submit(s->pool, "noop", noop_call, NULL, &err);
        if (f == NULL) { /* no cmocka asserts off the main thread */
            s->refusal = err;
            break;
        }
        s->futures[s->accepted++] = f;
    }
    return NULL;
}

static void run_submitters(int nsub, int calls, double shutdown_after, bool cancel)
{
    cv_pool *pool = cv_pool_create(NULL, 4, NULL);
    submitter subs[4];
    for (int i = 0; i < nsub; i++) {
        subs[i] = (submitter){.pool = pool, .calls = calls};
        subs[i].futures = malloc((size_t)calls * sizeof *subs[i].futures);
        assert_non_null(subs[i].futures);
        assert_int_equal(pthread_create(&subs[i].thread, NULL, submit_many, &subs[i]), 0);
    }
    if (shutdown_after >= 0) {
        test_sleep(shutdown_after);
        cv_pool_shutdown(pool, true, cancel);
    }
    int total = 0;
    for (int i = 0; i < nsub; i++) {
        pthread_join(subs[i].thread, NULL);
        if (subs[i].refusal != CV_OK && subs[i].refusal != CV_ESHUTDOWN)
            fail_msg("a submit was refused with %s", cv_strerror(subs[i].refusal));
        /* Every call accepted ends: it ran, or it was cancelled. */
        for (int k = 0; k < subs[i].accepted; k++) {
            int rc = cv_future_result(subs[i].futures[k], 10, NULL);
            assert_true(rc == CV_OK || (rc == CV_ECANCELLED && shutdown_after >= 0));
            cv_future_release(subs[i].futures[k]);
        }
        total += subs[i].accepted;
        free(subs[i].futures);
    }
    if (shutdown_after < 0)
        assert_int_equal(total, nsub * calls);
    assert_true(cv_pool_threads(pool) <= 4);
    cv_pool_destroy(pool);
}

static void test_many_submitters(void **state)
{
    (void)state;
    run_submitters(4, 20000, -1, false);
}

static void test_submit_racing_shutdown_never_strands_a_call(void **state)
{
    (void)state;
    for (int round = 0; round < 40; round++)
        run_submitters(3, 5000, 0.0005 * (round % 8), round % 2 == 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_workers),
        cmocka_unit_test(test_max_workers_must_be_positive),
        cmocka_unit_test(test_idle_worker_is_reused),
        cmocka_unit_test(test_workers_grow_to_max),
        cmocka_unit_test(test_failure_is_carried),
        cmocka_unit_test(test_shutdown_cancel_futures),
        cmocka_unit_test(test_shutdown_cancel_futures_spares_started_workers_calls),
        cmocka_unit_test(test_shutdown_without_wait_returns_at_once),
        cmocka_unit_test(test_idle_worker_runs_call_queued_behind_long_one),
        cmocka_unit_test(test_shutdown_runs_queued_calls),
        cmocka_unit_test(test_many_submitters),
        cmocka_unit_test(test_submit_racing_shutdown_never_strands_a_call),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
