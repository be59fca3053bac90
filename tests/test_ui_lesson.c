/*
 * The lesson cards (ui/model/lesson.c): every scenario has a first card,
 * and the end-of-run card's facts, over logs built by hand in the shape of
 * each scenario's runs, are the ones the log holds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "golden_trace.h"
#include "lesson.h"
#include "logbuild.h"

#define S 1000000000LL
#define MS 1000000LL

static size_t built;

static cv_log *new_log(const char *scenario)
{
    cv_log *log = cv_log_create();
    assert_non_null(log);
    cv_log_meta meta = {.speed = 1};
    snprintf(meta.scenario, sizeof meta.scenario, "%s", scenario);
    cv_log_set_meta(log, &meta);
    built = 0;
    return log;
}

static void ev(cv_log *log, int64_t t, int kind, int state, uint64_t id, int lane, int side,
               const char *text)
{
    assert_int_equal(log_event(log, t, kind, state, id, 0, lane, side, text), 0);
    built++;
}

static void card_of(cv_log *log, char *buf, size_t cap, int want_lines)
{
    cv_log_publish(log);
    assert_int_equal(cv_lesson_end(log, built, buf, cap), want_lines);
}

static void test_intros(void **state)
{
    (void)state;
    const char *names[] = {"loiter", "spinner", "flags", "primes", "stress"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *t = cv_lesson_intro(names[i]);
        assert_non_null(t);
        assert_true(strncmp(t, names[i], strlen(names[i])) == 0);
    }
    assert_null(cv_lesson_intro("nosuch"));
    assert_null(cv_lesson_intro(NULL));
}

/* loiter with sleeps 3,1,0,2,4 on three workers: loiter(2) ends first,
 * then loiter(1), loiter(0); loiter(3) starts on loiter(2)'s worker at
 * once and loiter(4) on loiter(1)'s at 1 s. */
static void test_loiter(void **state)
{
    (void)state;
    cv_log *log = new_log("loiter");
    const char *labels[] = {"loiter(0)", "loiter(1)", "loiter(2)", "loiter(3)", "loiter(4)"};
    for (int i = 0; i < 5; i++)
        ev(log, i * MS / 10, CV_EV_FUTURE, CV_PENDING, 10 + (uint64_t)i, 0, 0, labels[i]);
    ev(log, 1 * MS, CV_EV_FUTURE, CV_RUNNING, 10, 1, 0, NULL);
    ev(log, 1 * MS, CV_EV_FUTURE, CV_RUNNING, 11, 2, 0, NULL);
    ev(log, 1 * MS, CV_EV_FUTURE, CV_RUNNING, 12, 3, 0, NULL);
    ev(log, 2 * MS, CV_EV_FUTURE, CV_FINISHED, 12, 3, 0, NULL);
    ev(log, 2 * MS, CV_EV_FUTURE, CV_RUNNING, 13, 3, 0, NULL);
    ev(log, 1 * S + MS, CV_EV_FUTURE, CV_FINISHED, 11, 2, 0, NULL);
    ev(log, 1 * S + MS, CV_EV_FUTURE, CV_RUNNING, 14, 2, 0, NULL);
    ev(log, 2 * S + 2 * MS, CV_EV_FUTURE, CV_FINISHED, 13, 3, 0, NULL);
    ev(log, 3 * S + MS, CV_EV_FUTURE, CV_FINISHED, 10, 1, 0, NULL);
    ev(log, 5 * S + MS, CV_EV_FUTURE, CV_FINISHED, 14, 2, 0, NULL);
    char buf[512];
    card_of(log, buf, sizeof buf, 3);
    assert_non_null(strstr(buf, "calls finished in the order: 2, 1, 3, 0, 4"));
    assert_non_null(strstr(buf, "loiter(4) waited 1.00 s for a free worker"));
    /* Halfway, only what had happened. */
    assert_true(cv_lesson_end(log, 11, buf, sizeof buf) >= 2);
    assert_non_null(strstr(buf, "calls finished in the order: 2, 1\n"));
    cv_log_destroy(log);
}

static void test_loiter_in_order(void **state)
{
    (void)state;
    cv_log *log = new_log("loiter");
    for (int i = 0; i < 3; i++) {
        ev(log, 0, CV_EV_FUTURE, CV_PENDING, 1 + (uint64_t)i, 0, 0, "loiter");
        ev(log, 0, CV_EV_FUTURE, CV_RUNNING, 1 + (uint64_t)i, 1 + i, 0, NULL);
    }
    for (int i = 0; i < 3; i++)
        ev(log, (i + 1) * S, CV_EV_FUTURE, CV_FINISHED, 1 + (uint64_t)i, 1 + i, 0, NULL);
    char buf[512];
    card_of(log, buf, sizeof buf, 2); /* nobody waited for a worker */
    assert_non_null(strstr(buf, "calls finished in submission order: 0, 1, 2"));
    cv_log_destroy(log);
}

/* spinner: the thread side draws every 0.1 s; the task side stops for 3 s
 * while a blocking call holds its loop. */
static void test_spinner(void **state)
{
    (void)state;
    cv_log *log = new_log("spinner");
    /* The log keeps time in order: the sides' frames are built merged. */
    for (int i = 0; i <= 40; i++) {
        ev(log, i * S / 10, CV_EV_FRAME, 0, 0, 1, CV_SIDE_THREAD, "|");
        if (i <= 1 || i == 31 || i == 40)
            ev(log, i * S / 10, CV_EV_FRAME, 0, 0, 2, CV_SIDE_TASK, "/");
    }
    char buf[512];
    card_of(log, buf, sizeof buf, 3);
    assert_non_null(strstr(buf, "the thread spinner drew no frame for 0.1 s"));
    assert_non_null(strstr(buf, "the task spinner drew no frame for 3.0 s"));
    cv_log_destroy(log);
}

/* flags in threads: five downloads on three workers, one a 404; then the
 * same as asyncio tasks, all five in flight at once. */
static void test_flags(void **state)
{
    (void)state;
    cv_log *log = new_log("flags");
    for (int i = 0; i < 5; i++)
        ev(log, 0, CV_EV_FUTURE, CV_PENDING, 1 + (uint64_t)i, 0, 0, "get");
    for (int i = 0; i < 5; i++) {
        int lane = 1 + i % 3;
        ev(log, i * S, CV_EV_FUTURE, CV_RUNNING, 1 + (uint64_t)i, lane, 0, NULL);
        if (i >= 2)
            ev(log, i * S + S / 2, CV_EV_FUTURE, i == 4 ? CV_FAILED : CV_FINISHED,
               (uint64_t)i - 1, 1 + (i - 2) % 3, 0, NULL);
    }
    ev(log, 6 * S, CV_EV_FUTURE, CV_FINISHED, 4, 2, 0, NULL);
    ev(log, 6 * S, CV_EV_FUTURE, CV_FINISHED, 5, 3, 0, NULL);
    char buf[512];
    card_of(log, buf, sizeof buf, 3);
    assert_non_null(strstr(buf, "downloads: 4 done, 1 failed, in 6.00 s"));
    assert_non_null(strstr(buf, "concurrency peak: 3 at once"));
    for (int i = 0; i < 5; i++)
        ev(log, 7 * S, CV_EV_TASK, CV_TASK_CREATED, 100 + (uint64_t)i, 4, 0, "get");
    for (int i = 0; i < 5; i++)
        ev(log, 8 * S, CV_EV_TASK, CV_TASK_DONE, 100 + (uint64_t)i, 4, 0, NULL);
    card_of(log, buf, sizeof buf, 3);
    assert_non_null(strstr(buf, "downloads: 9 done, 1 failed, in 8.00 s"));
    assert_non_null(strstr(buf, "concurrency peak: 5 at once"));
    cv_log_destroy(log);
}

/* primes on two threads: each check takes 2 s of its own, the run 2 s, and
 * the GIL goes 1, 2, 1, 2: three hand-offs (1 taking it twice is none);
 * it is held 1.25 s, then from 1.5 s to the end: 1.75 s of a 2 s run. */
static void test_primes(void **state)
{
    (void)state;
    cv_log *log = new_log("primes");
    ev(log, 0, CV_EV_FUTURE, CV_PENDING, 1, 0, 0, "is_prime");
    ev(log, 0, CV_EV_FUTURE, CV_PENDING, 2, 0, 0, "is_prime");
    ev(log, 0, CV_EV_FUTURE, CV_RUNNING, 1, 1, 0, NULL);
    ev(log, 0, CV_EV_FUTURE, CV_RUNNING, 2, 2, 0, NULL);
    int lanes[] = {1, 1, 2, 1, 2};
    for (int i = 0; i < 5; i++) {
        ev(log, i * S / 4, CV_EV_GIL, CV_GIL_TAKE, 0, lanes[i], 0, NULL);
        ev(log, (i + 1) * S / 4, CV_EV_GIL, CV_GIL_DROP, 0, lanes[i], 0, NULL);
    }
    ev(log, 3 * S / 2, CV_EV_GIL, CV_GIL_TAKE, 0, 2, 0, NULL);
    ev(log, 2 * S, CV_EV_FUTURE, CV_FINISHED, 1, 1, 0, NULL);
    ev(log, 2 * S, CV_EV_FUTURE, CV_FINISHED, 2, 2, 0, NULL);
    char buf[512];
    card_of(log, buf, sizeof buf, 3);
    assert_non_null(strstr(buf, "time: 2.00 s; GIL hand-offs: 3"));
    assert_non_null(strstr(buf, "time / one thread's (the GIL held): 1.14"));
    cv_log_destroy(log);
    /* Processes: no GIL events, the checks' own times. */
    log = new_log("primes");
    ev(log, 0, CV_EV_FUTURE, CV_PENDING, 1, 0, 0, "is_prime");
    ev(log, 0, CV_EV_FUTURE, CV_PENDING, 2, 0, 0, "is_prime");
    ev(log, 0, CV_EV_FUTURE, CV_RUNNING, 1, 1, 0, NULL);
    ev(log, 0, CV_EV_FUTURE, CV_RUNNING, 2, 2, 0, NULL);
    ev(log, 2 * S, CV_EV_FUTURE, CV_FINISHED, 1, 1, 0, NULL);
    ev(log, 2 * S, CV_EV_FUTURE, CV_FINISHED, 2, 2, 0, NULL);
    card_of(log, buf, sizeof buf, 3);
    assert_non_null(strstr(buf, "time: 2.00 s; GIL hand-offs: 0"));
    assert_non_null(strstr(buf, "time / one thread's (the checks' sum): 0.50"));
    cv_log_destroy(log);
}

static void test_stress_and_empty(void **state)
{
    (void)state;
    cv_log *log = new_log("stress");
    char buf[512];
    card_of(log, buf, sizeof buf, 0);
    assert_string_equal(buf, "");
    for (int i = 1; i <= 1000; i++)
        ev(log, i * MS, CV_EV_LOG, 0, 0, 0, 0, "x");
    card_of(log, buf, sizeof buf, 2);
    assert_non_null(strstr(buf, "1000 events in 1.00 s (real time): 1000 events/s"));
    /* A buffer too small still ends in a terminator. */
    char tiny[8];
    cv_lesson_end(log, built, tiny, sizeof tiny);
    assert_true(strlen(tiny) < sizeof tiny);
    cv_log_destroy(log);
}

/* Real runs, recorded as the golden traces (tests/golden/traces): the
 * card of each holds what the log says, in demo time. */
static void real_card(const char *trace, const char *const *want)
{
    char buf[1024];
    cv_log *log = trace_log(trace);
    assert_true(cv_lesson_end(log, cv_log_count(log), buf, sizeof buf) >= 2);
    for (; *want != NULL; want++)
        if (strstr(buf, *want) == NULL)
            fail_msg("%s: the card lacks \"%s\":\n%s", trace, *want, buf);
    cv_log_destroy(log);
}

static void test_real_runs(void **state)
{
    (void)state;
    /* loiter --speed 10: the calls sleep 0..4 s, so they finish in order;
     * loiter(4) waits for loiter(1)'s worker, one demo second. */
    real_card("loiter", (const char *const[]){"calls finished in submission order: 0, 1, 2, 3, 4",
                                              "loiter(4) waited 1.00 s for a free worker", NULL});
    /* A thread spinner keeps drawing while the work blocks. */
    real_card("spin_block", (const char *const[]){"the thread spinner drew no frame for 0.1 s",
                                                  NULL});
    real_card("spin_process",
              (const char *const[]){"the thread spinner", "the task spinner",
                                    "the process spinner", NULL});
    real_card("flags_pool", (const char *const[]){"downloads: 9 done, 11 failed, in 31.16 s",
                                                  "concurrency peak: 20 at once", NULL});
    real_card("primes_threads",
              (const char *const[]){"time: 0.24 s; GIL hand-offs: 23",
                                    "time / one thread's (the GIL held): 1.04", NULL});
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_intros),
        cmocka_unit_test(test_loiter),
        cmocka_unit_test(test_loiter_in_order),
        cmocka_unit_test(test_spinner),
        cmocka_unit_test(test_flags),
        cmocka_unit_test(test_primes),
        cmocka_unit_test(test_stress_and_empty),
        cmocka_unit_test(test_real_runs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
