/* The GIL model (src/runtime/gil.c): one holder at a time, the drop
 * request forces a switch, a releasing sleep lets another thread run, no
 * thread starves, and the log tells the story. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "bus.h"
#include "gil.h"
#include "log.h"
#include "testutil.h"

/* Work that the eval breaker interrupts: `seconds` of spinning while
 * holding the GIL, polling it every iteration, counting iterations. */
typedef struct spinner {
    cv_gil *gil;
    cv_bus *bus;
    int lane;
    double seconds;
    atomic_int *inside;    /* threads inside the GIL right now */
    atomic_int *overlaps;  /* times two were inside at once */
    long work;             /* iterations done while holding the GIL */
} spinner;

static void *spin(void *arg)
{
    spinner *s = arg;
    if (s->bus != NULL)
        cv_bus_attach(s->bus, s->lane);
    double end = test_now() + s->seconds;
    cv_gil_acquire(s->gil);
    while (test_now() < end) {
        if (atomic_fetch_add(s->inside, 1) != 0)
            atomic_fetch_add(s->overlaps, 1);
        s->work++;
        atomic_fetch_sub(s->inside, 1);
        cv_gil_poll(s->gil);
    }
    cv_gil_release(s->gil, CV_GIL_DONE);
    return NULL;
}

static void run_spinners(cv_gil *gil, cv_bus *bus, spinner *s, int n, double seconds,
                         atomic_int *overlaps)
{
    static atomic_int inside;
    atomic_store(&inside, 0);
    pthread_t th[8];
    for (int i = 0; i < n; i++) {
        s[i] = (spinner){gil, bus, i + 1, seconds, &inside, overlaps, 0};
        assert_int_equal(pthread_create(&th[i], NULL, spin, &s[i]), 0);
    }
    for (int i = 0; i < n; i++)
        pthread_join(th[i], NULL);
}

static void test_mutual_exclusion(void **state)
{
    (void)state;
    cv_gil *gil = cv_gil_create(NULL);
    cv_gil_set_interval(gil, 1000000); /* 1 ms: many hand-offs */
    atomic_int overlaps = 0;
    spinner s[4];
    run_spinners(gil, NULL, s, 4, 0.3, &overlaps);
    assert_int_equal(atomic_load(&overlaps), 0);
    /* The GIL really changed hands, many times. */
    assert_true(cv_gil_switches(gil) > 8);
    cv_gil_destroy(gil);
}

/* Without a GIL (free-threaded), the same work overlaps on two cores: the
 * check above can see an overlap, so its zero means something. */
static void test_no_gil_overlaps(void **state)
{
    (void)state;
    atomic_int overlaps = 0;
    spinner s[2];
    run_spinners(NULL, NULL, s, 2, 0.3, &overlaps);
    if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
        skip();
    assert_true(atomic_load(&overlaps) > 0);
}

typedef struct holder {
    cv_gil *gil;
    atomic_bool taken;
    atomic_bool stop;
    bool sleep_instead; /* release around a sleep instead of spinning */
} holder;

static void *hold(void *arg)
{
    holder *h = arg;
    cv_gil_acquire(h->gil);
    atomic_store(&h->taken, true);
    if (h->sleep_instead) {
        cv_gil_release(h->gil, CV_GIL_BLOCKING); /* time.sleep(0.5) */
        test_sleep(0.5);
        cv_gil_acquire(h->gil);
    } else {
        while (!atomic_load(&h->stop))
            cv_gil_poll(h->gil);
    }
    cv_gil_release(h->gil, CV_GIL_DONE);
    return NULL;
}

/* A thread that holds the GIL and only computes gives it up when asked:
 * the waiter asks after one interval and has it soon after. */
static void test_drop_request_forces_switch(void **state)
{
    (void)state;
    cv_gil *gil = cv_gil_create(NULL);
    holder h = {.gil = gil};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, hold, &h), 0);
    while (!atomic_load(&h.taken))
        test_sleep(0.001);
    double t0 = test_now();
    cv_gil_acquire(gil);
    double waited = test_now() - t0;
    assert_true(cv_gil_requests(gil) >= 1);
    /* Five ms is the interval; a loaded machine under TSan may stretch
     * the hand-off, but not to a tenth of a second and more. */
    assert_true(waited >= 0.004);
    assert_true(waited < 0.25);
    atomic_store(&h.stop, true);
    cv_gil_release(gil, CV_GIL_DONE);
    pthread_join(th, NULL);
    cv_gil_destroy(gil);
}

/* A sleep releases the GIL: the other thread takes it at once, without
 * having to ask. */
static void test_releasing_sleep_lets_another_run(void **state)
{
    (void)state;
    cv_gil *gil = cv_gil_create(NULL);
    holder h = {.gil = gil, .sleep_instead = true};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, hold, &h), 0);
    while (!atomic_load(&h.taken))
        test_sleep(0.001);
    test_sleep(0.02); /* well inside its sleep */
    double t0 = test_now();
    cv_gil_acquire(gil);
    double waited = test_now() - t0;
    assert_int_equal(cv_gil_requests(gil), 0);
    assert_true(waited < 0.1);
    cv_gil_release(gil, CV_GIL_DONE);
    pthread_join(th, NULL);
    cv_gil_destroy(gil);
}

/* Four threads that only compute share the GIL fairly enough: each does
 * a real share of the work. */
static void test_no_starvation(void **state)
{
    (void)state;
    cv_gil *gil = cv_gil_create(NULL);
    atomic_int overlaps = 0;
    spinner s[4];
    run_spinners(gil, NULL, s, 4, 0.6, &overlaps);
    long total = 0;
    for (int i = 0; i < 4; i++)
        total += s[i].work;
    for (int i = 0; i < 4; i++) {
        print_message("thread %d: %.1f%% of the work\n", i + 1, 100.0 * (double)s[i].work / (double)total);
        assert_true(s[i].work * 20 > total); /* more than 5% each */
    }
    assert_int_equal(atomic_load(&overlaps), 0);
    cv_gil_destroy(gil);
}

/* The events: every take follows a drop (or is the first), a request
 * names the holder, and every drop is by the lane that took it. */
static void test_events_tell_the_story(void **state)
{
    (void)state;
    cv_log *log = cv_log_create();
    cv_bus *bus = cv_bus_create(log, 0);
    cv_gil *gil = cv_gil_create(bus);
    atomic_int overlaps = 0;
    spinner s[2];
    run_spinners(gil, bus, s, 2, 0.2, &overlaps);
    cv_gil_destroy(gil);
    cv_bus_destroy(bus);
    int owner = CV_NO_LANE;
    size_t takes = 0, requests = 0, waits = 0;
    for (size_t i = 0; i < cv_log_count(log); i++) {
        const cv_event *e = cv_log_at(log, i);
        if (e->kind != CV_EV_GIL)
            continue;
        assert_true(e->lane == 1 || e->lane == 2);
        switch (e->state) {
        case CV_GIL_TAKE:
            assert_int_equal(owner, CV_NO_LANE);
            owner = e->lane;
            takes++;
            break;
        case CV_GIL_DROP:
            assert_int_equal(owner, e->lane);
            assert_true(e->code == CV_GIL_SWITCH || e->code == CV_GIL_DONE);
            owner = CV_NO_LANE;
            break;
        case CV_GIL_REQUEST:
            assert_int_not_equal(e->lane, owner);
            if (owner != CV_NO_LANE)
                assert_int_equal((int)e->ref, owner);
            requests++;
            break;
        case CV_GIL_WAIT:
            waits++;
            break;
        default:
            fail();
        }
    }
    assert_int_equal(owner, CV_NO_LANE);
    assert_true(takes >= 4 && requests >= 2 && waits >= 2);
    cv_log_destroy(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mutual_exclusion),
        cmocka_unit_test(test_no_gil_overlaps),
        cmocka_unit_test(test_drop_request_forces_switch),
        cmocka_unit_test(test_releasing_sleep_lets_another_run),
        cmocka_unit_test(test_no_starvation),
        cmocka_unit_test(test_events_tell_the_story),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
