/* An event ring on its own: it starts small, grows once when it first
 * fills, keeps every position in order across the move (also while a
 * consumer reads on another thread), and refuses only when the grown ring
 * is full. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

#include "ring.h"
#include "testutil.h"

static bool push_id(cv_ring *ring, uint64_t id)
{
    cv_event ev = {.kind = CV_EV_MARK, .id = id};
    return cv_ring_push(ring, &ev, id, 1);
}

static void test_grows_once_when_the_small_ring_fills(void **state)
{
    (void)state;
    cv_ring *ring = cv_ring_create(4 * CV_RING_SMALL, 1);
    assert_non_null(ring);
    for (uint64_t i = 0; i < CV_RING_SMALL; i++)
        assert_true(push_id(ring, i));
    assert_int_equal(atomic_load(&ring->grown_at), UINT64_MAX);
    /* Full at its small size: the next push moves on to the big ring. */
    assert_true(push_id(ring, CV_RING_SMALL));
    assert_int_equal(atomic_load(&ring->grown_at), CV_RING_SMALL);
    for (uint64_t i = CV_RING_SMALL + 1; i < 4 * CV_RING_SMALL; i++)
        assert_true(push_id(ring, i));
    /* Nothing taken yet: the grown ring holds the small ring's events too,
     * so it is full at its size less nothing. */
    assert_false(push_id(ring, 4 * CV_RING_SMALL));
    for (uint64_t i = 0; i < 4 * CV_RING_SMALL; i++) {
        cv_event *ev = cv_ring_peek(ring, i);
        assert_non_null(ev);
        assert_int_equal(ev->id, i);
        assert_int_equal(ev->t_ns, (int64_t)i);
        assert_int_equal(ev->origin, 1);
    }
    assert_null(cv_ring_peek(ring, 4 * CV_RING_SMALL));
    /* Handing back the small ring's positions makes room in the big one,
     * whose positions then wrap over the slots already read. */
    atomic_store(&ring->tail, CV_RING_SMALL);
    for (uint64_t i = 4 * CV_RING_SMALL; i < 5 * CV_RING_SMALL; i++)
        assert_true(push_id(ring, i));
    assert_false(push_id(ring, 5 * CV_RING_SMALL));
    for (uint64_t i = CV_RING_SMALL; i < 5 * CV_RING_SMALL; i++)
        assert_int_equal(cv_ring_peek(ring, i)->id, i);
    cv_ring_destroy(ring);
}

static void test_a_ring_no_bigger_than_small_never_grows(void **state)
{
    (void)state;
    cv_ring *ring = cv_ring_create(16, 1);
    for (uint64_t i = 0; i < 16; i++)
        assert_true(push_id(ring, i));
    assert_false(push_id(ring, 16));
    assert_false(push_id(ring, 16));
    assert_int_equal(atomic_load(&ring->grown_at), UINT64_MAX);
    atomic_store(&ring->tail, 1);
    assert_true(push_id(ring, 16));
    assert_int_equal(cv_ring_peek(ring, 16)->id, 16);
    cv_ring_destroy(ring);
}

/* A producer and a consumer on two threads, the consumer holding back
 * until the producer has had to grow, then reading both rings while the
 * producer goes on: every event once, in order. */
#define FLOW 200000

typedef struct flow {
    cv_ring *ring;
    _Atomic uint64_t pushed;
} flow;

static void *produce(void *arg)
{
    flow *fl = arg;
    for (uint64_t i = 0; i < FLOW; i++) {
        while (!push_id(fl->ring, i))
            sched_yield();
        atomic_store(&fl->pushed, i + 1);
    }
    return NULL;
}

static void test_growth_while_a_consumer_reads(void **state)
{
    (void)state;
    flow fl = {.ring = cv_ring_create(8 * CV_RING_SMALL, 1)};
    pthread_t t;
    pthread_create(&t, NULL, produce, &fl);
    while (atomic_load(&fl.pushed) < CV_RING_SMALL + 1)
        sched_yield();
    uint64_t next = 0;
    double deadline = test_now() + 60; /* a lost position fails, not hangs */
    while (next < FLOW) {
        cv_event *ev = cv_ring_peek(fl.ring, next);
        if (ev == NULL) {
            if (test_now() > deadline)
                fail_msg("position %llu never came", (unsigned long long)next);
            sched_yield();
            continue;
        }
        if (ev->id != next)
            fail_msg("position %llu holds event %llu", (unsigned long long)next,
                     (unsigned long long)ev->id);
        next++;
        if (next % 256 == 0)
            atomic_store(&fl.ring->tail, next);
    }
    pthread_join(t, NULL);
    assert_int_equal(atomic_load(&fl.ring->grown_at), CV_RING_SMALL);
    atomic_store(&fl.ring->tail, next);
    cv_ring_destroy(fl.ring);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grows_once_when_the_small_ring_fills),
        cmocka_unit_test(test_a_ring_no_bigger_than_small_never_grows),
        cmocka_unit_test(test_growth_while_a_consumer_reads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
