/* 100 000 futures over 8 workers: every future's events appear once, in
 * order; the sequence is gapless; nothing drops at the default ring size. */
#include <stdlib.h>

#include "pool.h"
#include "testutil.h"
#include "wait.h"

#define N 100000

static void noop(void *arg, cv_result *out)
{
    out->value = (long long)(intptr_t)arg;
}

static void test_stress(void **state)
{
    (void)state;
    cv_log *log = cv_log_create();
    cv_bus *bus = cv_bus_create(log, 0);
    cv_bus_attach(bus, CV_MAIN_LANE);
    cv_pool *pool = cv_pool_create(bus, 8, NULL);
    cv_future **fs = malloc(N * sizeof *fs);
    for (intptr_t i = 0; i < N; i++) {
        fs[i] = cv_pool_submit(pool, "noop", noop, (void *)i, NULL);
        assert_non_null(fs[i]);
    }
    uint8_t *done = malloc(N);
    assert_int_equal(cv_wait(fs, N, -1, CV_ALL_COMPLETED, done), N);
    for (intptr_t i = 0; i < N; i++) {
        cv_result r;
        assert_int_equal(cv_future_result(fs[i], 0, &r), CV_OK);
        assert_int_equal(r.value, i);
    }
    cv_pool_destroy(pool);
    cv_bus_destroy(bus);

    /* ids run from 1 to N in submission order. */
    uint8_t *seen = calloc(N + 1, 1);
    size_t count = cv_log_count(log);
    for (size_t i = 0; i < count; i++) {
        const cv_event *ev = cv_log_at(log, i);
        assert_int_equal(ev->seq, i);
        if (ev->kind == CV_EV_DROP)
            fail_msg("lane %d dropped %llu events at %.3f s", ev->lane,
                     (unsigned long long)ev->ref, (double)ev->t_ns / 1e9);
        if (ev->kind != CV_EV_FUTURE)
            continue;
        assert_true(ev->id >= 1 && ev->id <= N);
        uint8_t expect = ev->state == CV_PENDING ? 0 : ev->state == CV_RUNNING ? 1 : 2;
        assert_int_equal(ev->state == CV_FINISHED || ev->state <= CV_RUNNING, 1);
        if (seen[ev->id] != expect)
            fail_msg("future %llu: %s out of order (seen %d steps)", (unsigned long long)ev->id,
                     cv_event_state_name(CV_EV_FUTURE, ev->state), seen[ev->id]);
        seen[ev->id]++;
    }
    for (size_t id = 1; id <= N; id++)
        assert_int_equal(seen[id], 3);
    assert_int_equal(cv_log_dropped(log), 0);
    for (size_t i = 0; i < N; i++)
        cv_future_release(fs[i]);
    free(seen);
    free(done);
    free(fs);
    cv_log_destroy(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stress),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
