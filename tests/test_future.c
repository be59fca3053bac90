/* Futures: states, cancel, result with timeouts (one of many blocked
 * threads giving up), done callbacks, memory recycled between threads. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "future.h"
#include "testutil.h"

static void test_new_future_is_pending(void **state)
{
    (void)state;
    cv_future *f = cv_future_new(NULL, "f");
    assert_int_equal(cv_future_state(f), CV_PENDING);
    assert_false(cv_future_done(f));
    assert_false(cv_future_running(f));
    assert_string_equal(cv_future_label(f), "f");
    cv_future_release(f);
}

static void test_cancel_rules(void **state)
{
    (void)state;
    cv_future *pending = cv_future_new(NULL, "p");
    assert_true(cv_future_cancel(pending));
    assert_true(cv_future_cancelled(pending));
    assert_true(cv_future_done(pending));
    assert_true(cv_future_cancel(pending)); /* again: still true */
    assert_false(cv_future_set_running(pending, 1)); /* must not run */
    assert_int_equal(cv_future_result(pending, -1, NULL), CV_ECANCELLED);
    cv_future_release(pending);

    cv_future *running = cv_future_new(NULL, "r");
    assert_true(cv_future_set_running(running, 1));
    assert_false(cv_future_cancel(running));
    assert_int_equal(cv_future_state(running), CV_RUNNING);
    cv_result r = {.value = 7};
    cv_future_set_result(running, &r);
    assert_false(cv_future_cancel(running)); /* finished: false */
    assert_int_equal(cv_future_state(running), CV_FINISHED);
    cv_future_release(running);
}

static void test_result_value_and_failure(void **state)
{
    (void)state;
    cv_future *ok = cv_future_new(NULL, "ok");
    cv_future_set_running(ok, 1);
    cv_result in = {.value = 42};
    cv_future_set_result(ok, &in);
    cv_result out;
    assert_int_equal(cv_future_result(ok, 0, &out), CV_OK);
    assert_int_equal(out.value, 42);
    cv_future_release(ok);

    cv_future *bad = cv_future_new(NULL, "bad");
    cv_future_set_running(bad, 1);
    cv_result err = {0};
    cv_result_fail(&err, 418, "I'm a %s", "Teapot");
    cv_future_set_result(bad, &err);
    assert_int_equal(cv_future_state(bad), CV_FAILED);
    assert_int_equal(cv_future_result(bad, -1, &out), CV_EFAILED);
    assert_int_equal(out.error, 418);
    assert_string_equal(out.message, "I'm a Teapot");
    cv_future_release(bad);
}

/* A done future keeps its first outcome: completing it again, with a
 * value or a failure, or completing a cancelled one, is refused with
 * CV_EINVALIDSTATE, where Python raises InvalidStateError. */
static void test_second_completion_is_invalid_state(void **state)
{
    (void)state;
    cv_result first = {.value = 1}, second = {.value = 2}, err = {0};
    cv_result_fail(&err, 5, "late");
    cv_future *f = cv_future_new(NULL, "f");
    assert_int_equal(cv_future_set_result(f, &first), CV_OK); /* from pending */
    assert_int_equal(cv_future_set_result(f, &second), CV_EINVALIDSTATE);
    assert_int_equal(cv_future_set_result(f, &err), CV_EINVALIDSTATE);
    cv_result out;
    assert_int_equal(cv_future_result(f, 0, &out), CV_OK);
    assert_int_equal(out.value, 1);
    cv_future_release(f);

    cv_future *bad = cv_future_new(NULL, "bad");
    assert_true(cv_future_set_running(bad, 1));
    assert_int_equal(cv_future_set_result(bad, &err), CV_OK);
    assert_int_equal(cv_future_set_result(bad, &first), CV_EINVALIDSTATE);
    assert_int_equal(cv_future_result(bad, 0, &out), CV_EFAILED);
    assert_string_equal(out.message, "late");
    cv_future_release(bad);

    cv_future *gone = cv_future_new(NULL, "gone");
    assert_true(cv_future_cancel(gone));
    assert_int_equal(cv_future_set_result(gone, &first), CV_EINVALIDSTATE);
    assert_true(cv_future_cancelled(gone));
    cv_future_release(gone);
    assert_string_not_equal(cv_strerror(CV_EINVALIDSTATE), "unknown error");
}

static void test_result_timeout(void **state)
{
    (void)state;
    cv_future *f = cv_future_new(NULL, "slow");
    double t0 = test_now();
    assert_int_equal(cv_future_result(f, 0.1, NULL), CV_ETIMEDOUT);
    double waited = test_now() - t0;
    assert_true(waited >= 0.09 && waited < 2.0);
    assert_int_equal(cv_future_result(f, 0, NULL), CV_ETIMEDOUT);
    cv_future_release(f);
}

typedef struct completer {
    cv_future *f;
    double delay;
    pthread_t thread;
} completer;

static void *complete_later(void *arg)
{
    completer *c = arg;
    test_sleep(c->delay);
    cv_future_set_running(c->f, 1);
    cv_result r = {.value = 5};
    cv_future_set_result(c->f, &r);
    return NULL;
}

static void test_result_blocks_until_done(void **state)
{
    (void)state;
    completer c = {.f = cv_future_new(NULL, "later"), .delay = 0.1};
    pthread_create(&c.thread, NULL, complete_later, &c);
    cv_result out;
    double t0 = test_now();
    assert_int_equal(cv_future_result(c.f, 5.0, &out), CV_OK);
    assert_true(test_now() - t0 >= 0.09);
    assert_int_equal(out.value, 5);
    pthread_join(c.thread, NULL);
    cv_future_release(c.f);
}

typedef struct blocked {
    cv_future *f;
    double timeout;
    int rc;
    long long value;
    pthread_t thread;
} blocked;

static void *block_on_result(void *arg)
{
    blocked *b = arg;
    cv_result out = {0};
    b->rc = cv_future_result(b->f, b->timeout, &out);
    b->value = out.value;
    return NULL;
}

/* Several threads blocked on one future: one gives up after its timeout,
 * which must take only itself off the future; the others still hear the
 * result. */
static void test_many_blocked_one_times_out(void **state)
{
    (void)state;
    cv_future *f = cv_future_new(NULL, "shared");
    blocked forever[3], impatient = {.f = f, .timeout = 0.05};
    for (int i = 0; i < 3; i++) {
        forever[i] = (blocked){.f = f, .timeout = -1};
        pthread_create(&forever[i].thread, NULL, block_on_result, &forever[i]);
    }
    pthread_create(&impatient.thread, NULL, block_on_result, &impatient);
    pthread_join(impatient.thread, NULL);
    assert_int_equal(impatient.rc, CV_ETIMEDOUT);
    cv_future_set_running(f, 1);
    cv_result r = {.value = 42};
    cv_future_set_result(f, &r);
    for (int i = 0; i < 3; i++) {
        pthread_join(forever[i].thread, NULL);
        assert_int_equal(forever[i].rc, CV_OK);
        assert_int_equal(forever[i].value, 42);
    }
    cv_future_release(f);
}

/* Futures made on one thread and freed on another, over and over: their
 * memory is recycled between threads, and no two live futures may share
 * it (each keeps its own label and result). */
#define HANDOFF 20000

typedef struct handoff {
    cv_future *_Atomic slots[64];
} handoff;

static void *free_handed(void *arg)
{
    handoff *h = arg;
    for (int i = 0; i < HANDOFF; i++) {
        cv_future *f;
        while ((f = atomic_exchange(&h->slots[i % 64], NULL)) == NULL)
            sched_yield();
        cv_result out;
        char want[32];
        snprintf(want, sizeof want, "f%d", i);
        if (cv_future_result(f, 0, &out) != CV_OK || out.value != i ||
            strcmp(cv_future_label(f), want) != 0)
            return f; /* the failure, told to the test's thread */
        cv_future_release(f);
    }
    return NULL;
}

static void test_futures_freed_on_another_thread(void **state)
{
    (void)state;
    handoff h = {0};
    pthread_t t;
    pthread_create(&t, NULL, free_handed, &h);
    cv_future *kept[100];
    for (int i = 0; i < HANDOFF; i++) {
        char label[32];
        snprintf(label, sizeof label, "f%d", i);
        cv_future *f = cv_future_new(NULL, label);
        cv_future_set_running(f, 1);
        cv_result r = {.value = i};
        cv_future_set_result(f, &r);
        if (i < 100) {
            /* Alive all along, while blocks go round. */
            kept[i] = f;
            cv_future_retain(f);
        }
        while (atomic_load(&h.slots[i % 64]) != NULL)
            sched_yield();
        atomic_store(&h.slots[i % 64], f);
    }
    void *bad;
    pthread_join(t, &bad);
    assert_null(bad);
    for (int i = 0; i < 100; i++) {
        cv_result out;
        assert_int_equal(cv_future_result(kept[i], 0, &out), CV_OK);
        assert_int_equal(out.value, i);
        cv_future_release(kept[i]);
    }
}

typedef struct cb_record {
    int calls;
    pthread_t thread;
    int order[4];
} cb_record;

static void record_cb(cv_future *f, void *arg)
{
    (void)f;
    cb_record *rec = arg;
    rec->thread = pthread_self();
    rec->order[rec->calls < 4 ? rec->calls : 3] = rec->calls;
    rec->calls++;
}

static void test_callback_after_done_runs_at_once(void **state)
{
    (void)state;
    cv_future *f = cv_future_new(NULL, "f");
    assert_true(cv_future_cancel(f));
    cb_record rec = {0};
    assert_int_equal(cv_future_add_done_callback(f, record_cb, &rec), CV_OK);
    assert_int_equal(rec.calls, 1);
    assert_true(pthread_equal(rec.thread, pthread_self()));
    cv_future_release(f);
}

static void test_callback_runs_in_completing_thread(void **state)
{
    (void)state;
    completer c = {.f = cv_future_new(NULL, "later"), .delay = 0.05};
    cb_record rec = {0};
    assert_int_equal(cv_future_add_done_callback(c.f, record_cb, &rec), CV_OK);
    assert_int_equal(cv_future_add_done_callback(c.f, record_cb, &rec), CV_OK);
    assert_int_equal(rec.calls, 0);
    pthread_create(&c.thread, NULL, complete_later, &c);
    pthread_join(c.thread, NULL);
    assert_int_equal(rec.calls, 2);
    assert_true(pthread_equal(rec.thread, c.thread));
    cv_future_release(c.f);
}

/* Python's Future.__repr__ in every state, with the future's own
 * address: "<Future at 0x... state=running>". */
static void expect_repr(cv_future *f, const char *tail)
{
    char buf[128], want[128];
    snprintf(want, sizeof want, "<Future at %p %s>", (void *)f, tail);
    assert_string_equal(cv_future_repr(f, buf, sizeof buf), want);
}

static void test_repr_in_every_state(void **state)
{
    (void)state;
    cv_future *f = cv_future_new(NULL, "f");
    expect_repr(f, "state=pending");
    assert_true(cv_future_set_running(f, 1));
    expect_repr(f, "state=running");
    cv_result r = {.value = 7};
    snprintf(r.text, sizeof r.text, "BR");
    cv_future_set_result(f, &r);
    expect_repr(f, "state=finished returned str");
    cv_future_release(f);

    cv_future *n = cv_future_new(NULL, "n");
    cv_result v = {.value = 42};
    cv_future_set_result(n, &v);
    expect_repr(n, "state=finished returned int");
    cv_future_release(n);

    cv_future *c = cv_future_new(NULL, "c");
    assert_true(cv_future_cancel(c));
    expect_repr(c, "state=cancelled");
    cv_future_release(c);

    static const struct { int error; const char *tail; } raised[] = {
        {CV_ETIMEDOUT, "state=finished raised TimeoutError"},
        {CV_ECANCELLED, "state=finished raised CancelledError"},
        {CV_EIO, "state=finished raised OSError"},
        {418, "state=finished raised Exception"},
    };
    for (size_t i = 0; i < sizeof raised / sizeof raised[0]; i++) {
        cv_future *e = cv_future_new(NULL, "e");
        cv_future_set_running(e, 1);
        cv_result bad = {0};
        cv_result_fail(&bad, raised[i].error, "boom");
        cv_future_set_result(e, &bad);
        expect_repr(e, raised[i].tail);
        cv_future_release(e);
    }
    /* Cut to the buffer, never past it. */
    cv_future *s = cv_future_new(NULL, "s");
    char small[8];
    cv_future_repr(s, small, sizeof small);
    assert_string_equal(small, "<Future");
    cv_future_release(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_future_is_pending),
        cmocka_unit_test(test_cancel_rules),
        cmocka_unit_test(test_result_value_and_failure),
        cmocka_unit_test(test_second_completion_is_invalid_state),
        cmocka_unit_test(test_result_timeout),
        cmocka_unit_test(test_result_blocks_until_done),
        cmocka_unit_test(test_many_blocked_one_times_out),
        cmocka_unit_test(test_futures_freed_on_another_thread),
        cmocka_unit_test(test_callback_after_done_runs_at_once),
        cmocka_unit_test(test_callback_runs_in_completing_thread),
        cmocka_unit_test(test_repr_in_every_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
