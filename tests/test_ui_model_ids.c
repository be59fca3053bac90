/*
 * Future ids are looked up in a hash (ui/model/model_ids.c): every id, far
 * or near, is found by its own lookup, including after a step back has
 * forgotten the futures a checkpoint had not seen (their slots stay; the
 * model checks what a slot says) and a step forward has made them again.  Far ids (past 4 194 304) once fell back to a linear search:
 * End on 100 k of them froze the UI for 43 s, so the bound below, generous
 * as it is, is minutes short of what that search needed for 200 k.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "clock.h"
#include "logbuild.h"
#include "model.h"

#define N 200000

/* Ids spread over the whole range, none of them small, in an order that
 * is not the order of their values. */
static uint64_t far_id(size_t i)
{
    return (uint64_t)INT64_MAX - (uint64_t)i * 0x9e3779b97f4aULL % ((uint64_t)1 << 62);
}

static cv_log *far_log(void)
{
    cv_log *log = cv_log_create();
    assert_non_null(log);
    for (size_t i = 0; i < N; i++)
        assert_int_equal(log_event(log, (int64_t)i * 1000, CV_EV_FUTURE, CV_PENDING,
                                   far_id(i), 0, -1, 0, NULL), 0);
    cv_log_close(log);
    return log;
}

static void expect_present(const cv_model *m, size_t upto)
{
    for (size_t i = 0; i < N; i++) {
        const cv_mfuture *f = cv_model_future(m, far_id(i));
        if (i < upto) {
            if (f == NULL || f->id != far_id(i))
                fail_msg("future %zu (id %llu) not found at %zu", i,
                         (unsigned long long)far_id(i), upto);
            assert_int_equal(cv_model_future_index(m, far_id(i)), i);
        } else if (f != NULL) {
            fail_msg("future %zu found at %zu, before its event", i, upto);
        }
    }
    assert_null(cv_model_future(m, 1));
    assert_null(cv_model_future(m, 0));
}

static void test_far_ids_are_found_fast(void **state)
{
    (void)state;
    cv_log *log = far_log();
    cv_model m;
    cv_model_init(&m, log);
    int64_t t0 = cv_clock_mono_ns();
    assert_int_equal(cv_model_advance(&m, N), 0);
    double secs = (double)(cv_clock_mono_ns() - t0) / 1e9;
    if (secs > 20.0)
        fail_msg("applying %d far ids took %.1f s", N, secs);
    assert_int_equal(m.nfuts, N);
    expect_present(&m, N);

    /* Back and forth: an id forgotten is not found, every other one is. */
    static const size_t stops[] = {N / 2, N / 3, N - 1, 7, N, 0, N / 5 * 4};
    for (size_t s = 0; s < sizeof stops / sizeof stops[0]; s++) {
        assert_int_equal(cv_model_seek(&m, stops[s]), 0);
        expect_present(&m, stops[s]);
    }
    cv_model_free(&m);
    cv_log_destroy(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_far_ids_are_found_fast),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
