/* The GIL in the model (ui/model/model_gil.c): which lane holds it and
 * which waits at the playhead, the same whether the playhead came forward
 * or back through a checkpoint; its waits apart from a blocked wait; its
 * captions; and its steps folded into plumbing once they repeat. */
#include <stdio.h>
#include <string.h>

#include "caption.h"
#include "logbuild.h"
#include "model.h"
#include "steps.h"
#include "testutil.h"

#define MS 1000000LL

static void ev(cv_log *log, int64_t t, int kind, int state, uint64_t ref, int lane, int code)
{
    cv_event e = {.t_ns = t, .kind = (uint16_t)kind, .state = (uint16_t)state, .ref = ref,
                  .lane = (int16_t)lane, .origin = (int16_t)(lane < 0 ? 0 : lane),
                  .code = code};
    assert_int_equal(cv_log_append(log, &e), 0);
}

/* Two workers (lanes 1, 2) hand the GIL over `rounds` times, every 5 ms:
 * 1 holds, 2 waits and asks, 1 drops, 2 takes, 1 waits, and so on. */
static cv_log *handoffs(int rounds)
{
    cv_log *log = cv_log_create();
    cv_log_meta meta = {.scenario = "primes", .speed = 1.0};
    cv_log_set_meta(log, &meta);
    assert_int_equal(log_event(log, 0, CV_EV_HEADER, 0, 0, 0, -1, 0, "primes"), 0);
    for (int lane = 1; lane <= 2; lane++)
        assert_int_equal(log_event(log, 0, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, lane, 0,
                                   lane == 1 ? "Thread-1 (worker)" : "Thread-2 (worker)"), 0);
    int64_t t = MS;
    ev(log, t, CV_EV_GIL, CV_GIL_TAKE, 0, 1, 0);
    ev(log, t, CV_EV_GIL, CV_GIL_WAIT, 0, 2, 0);
    int holder = 1;
    for (int k = 0; k < rounds; k++) {
        int other = 3 - holder;
        t += 5 * MS;
        ev(log, t, CV_EV_GIL, CV_GIL_REQUEST, (uint64_t)holder, other, 0);
        ev(log, t + 10000, CV_EV_GIL, CV_GIL_DROP, 0, holder, CV_GIL_SWITCH);
        ev(log, t + 20000, CV_EV_GIL, CV_GIL_TAKE, 0, other, 0);
        ev(log, t + 30000, CV_EV_GIL, CV_GIL_WAIT, 0, holder, 0);
        holder = other;
    }
    cv_log_publish(log);
    cv_log_close(log);
    return log;
}

static void test_holder_and_waiter_at_the_playhead(void **state)
{
    (void)state;
    cv_log *log = handoffs(400);
    cv_model m;
    cv_model_init(&m, log);
    cv_model_set_checkpoints(&m, 64, 8);
    size_t n = cv_log_count(log);
    assert_int_equal(cv_model_advance(&m, n), 0);
    /* 400 hand-offs from lane 1: lane 1 holds it again, lane 2 waits. */
    assert_int_equal(cv_model_gil_holder(&m), 1);
    assert_int_equal(m.lanes[1].gil, CV_LANE_GIL_HOLDS);
    assert_int_equal(m.lanes[2].gil, CV_LANE_GIL_WAITS);
    assert_int_equal(cv_model_gil_waiters(&m), 1);
    assert_int_equal(m.gil_handoffs, 400);
    assert_int_equal(m.gil_requests, 400);
    /* Every wait is a GIL span, all closed but lane 2's last. */
    const cv_mlane *l2 = cv_model_lane(&m, 2);
    assert_true(l2->nwaits >= 200);
    for (size_t i = 0; i < l2->nwaits; i++) {
        assert_int_equal(l2->waits[i].kind, CV_SPAN_GIL);
        assert_true(i + 1 == l2->nwaits ? l2->waits[i].t1 < 0 : l2->waits[i].t1 >= 0);
    }
    /* Back through a checkpoint: the same as coming forward. */
    for (size_t at = n - 1; at > 40; at -= 37) {
        cv_model fwd;
        cv_model_init(&fwd, log);
        assert_int_equal(cv_model_advance(&fwd, at), 0);
        assert_int_equal(cv_model_seek(&m, at), 0);
        assert_int_equal(cv_model_gil_holder(&m), cv_model_gil_holder(&fwd));
        assert_int_equal(m.gil_handoffs, fwd.gil_handoffs);
        for (int lane = 1; lane <= 2; lane++) {
            assert_int_equal(m.lanes[lane].gil, fwd.lanes[lane].gil);
            assert_int_equal(m.lanes[lane].nwaits, fwd.lanes[lane].nwaits);
            if (fwd.lanes[lane].nwaits > 0)
                assert_int_equal(m.lanes[lane].waits[m.lanes[lane].nwaits - 1].t1,
                                 fwd.lanes[lane].waits[fwd.lanes[lane].nwaits - 1].t1);
        }
        cv_model_free(&fwd);
    }
    cv_model_free(&m);
    cv_log_destroy(log);
}

static void test_captions(void **state)
{
    (void)state;
    cv_log *log = handoffs(1);
    cv_model m;
    cv_model_init(&m, log);
    char buf[256];
    /* Events: header, 2 started, take(1), wait(2), request, drop, take(2), wait(1). */
    assert_int_equal(cv_model_advance(&m, 5), 0);
    cv_caption(&m, 4, buf, sizeof buf);
    assert_non_null(strstr(buf, "waits for the GIL: only one thread runs Python code at a time"));
    assert_int_equal(cv_model_advance(&m, 6), 0);
    cv_caption(&m, 5, buf, sizeof buf);
    assert_non_null(strstr(buf, "asks Thread-1 (worker) to drop the GIL"));
    assert_int_equal(cv_model_advance(&m, 7), 0);
    cv_caption(&m, 6, buf, sizeof buf);
    assert_non_null(strstr(buf, "drops the GIL, as asked"));
    assert_int_equal(cv_model_advance(&m, 8), 0);
    cv_caption(&m, 7, buf, sizeof buf);
    assert_non_null(strstr(buf, "Thread-2 (worker) takes the GIL"));
    cv_model_free(&m);
    cv_log_destroy(log);
}

/* The first hand-off and the one back are steps; once they repeat, →
 * passes over them. */
static void test_repeated_handoffs_are_plumbing(void **state)
{
    (void)state;
    cv_log *log = handoffs(200);
    size_t n = cv_log_count(log), plumbing = 0;
    /* take, wait, request, drop, take, wait, request, drop: the third
     * take (11) is the first repeat */
    for (size_t i = 3; i < 11; i++)
        assert_false(cv_steps_plumbing(log, i));
    assert_true(cv_steps_plumbing(log, 11));
    for (size_t i = 3; i < n; i++)
        plumbing += cv_steps_plumbing(log, i);
    assert_int_equal(plumbing, n - 11);
    cv_step_filter every = CV_STEP_ALL;
    every.every = true;
    assert_int_equal(cv_steps_next(log, 100, &every), 101);
    cv_log_destroy(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_holder_and_waiter_at_the_playhead),
        cmocka_unit_test(test_captions),
        cmocka_unit_test(test_repeated_handoffs_are_plumbing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
