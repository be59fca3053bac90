/* primes' process modes, called as primes.c calls them, from a scenario of
 * this test's own: procs.py's lines (results in completion order, then
 * "N checks in"), proc_pool.py's (results in argument order, largest
 * first, then "Total time:"), every check a call on a process lane, and a
 * stopped run that ends soon although its checks would take minutes. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "primes_private.h"
#include "run.h"
#include "testutil.h"

/* The prime is the largest, so the pool's map gives it to process 1
 * first, and process 2 finishes the composites while it is checked. */
static const uint64_t numbers[] = {15, 142702110479723ULL, 21, 25, 27, 33};
enum { COUNT = sizeof numbers / sizeof numbers[0] };

static bool pool_mode;
static unsigned rounds = 1;

static int run_mode(cv_run *run)
{
    return pool_mode ? cv_primes__run_pool(run, numbers, COUNT, 2, rounds)
                     : cv_primes__run_procs(run, numbers, COUNT, 2, rounds);
}

static const cv_scenario scenario = {.name = "primes", .summary = "test", .run = run_mode};

static cv_run *start(bool pool)
{
    static cv_opts opts;
    memset(&opts, 0, sizeof opts);
    pool_mode = pool;
    cv_run *run = cv_run_start(&scenario, &opts, 1, "");
    assert_non_null(run);
    return run;
}

/* The console lines, in order, into lines[]; returns how many. */
static size_t console(cv_log *log, char lines[][96], size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < cv_log_count(log) && n < max; i++) {
        const cv_event *ev = cv_log_at(log, i);
        if (ev->kind == CV_EV_LOG && ev->text != NULL)
            snprintf(lines[n++], 96, "%s", ev->text);
    }
    return n;
}

/* Every check ran on a lane whose STARTED says CV_ROLE_PROCESS; returns
 * the order in which the checks finished (as numbers). */
static void check_lanes(cv_log *log, uint64_t *finished_order)
{
    int role[64] = {0};
    uint64_t label_n[256] = {0};
    size_t finished = 0;
    for (size_t i = 0; i < cv_log_count(log); i++) {
        const cv_event *ev = cv_log_at(log, i);
        if (ev->kind == CV_EV_THREAD && ev->state == CV_THREAD_STARTED && ev->lane >= 0 &&
            ev->lane < 64)
            role[ev->lane] = ev->code;
        if (ev->kind != CV_EV_FUTURE || ev->id >= 256)
            continue;
        if (ev->state == CV_PENDING)
            assert_int_equal(sscanf(ev->text, "check(%" SCNu64 ")", &label_n[ev->id]), 1);
        if (ev->state == CV_RUNNING || ev->state == CV_FINISHED) {
            assert_true(ev->lane > 0 && ev->lane < 64);
            assert_int_equal(role[ev->lane], CV_ROLE_PROCESS);
        }
        if (ev->state == CV_FINISHED) {
            assert_true(finished < COUNT);
            finished_order[finished++] = label_n[ev->id];
        }
    }
    assert_int_equal(finished, COUNT);
}

static void test_procs_lines(void **state)
{
    (void)state;
    cv_run *run = start(false);
    assert_int_equal(cv_run_join(run), 0);
    char lines[32][96];
    size_t n = console(run->log, lines, 32);
    assert_int_equal(n, COUNT + 2);
    assert_string_equal(lines[0], "Checking 6 numbers with 2 processes:");
    int seen[COUNT] = {0};
    for (size_t i = 1; i <= COUNT; i++) {
        uint64_t v;
        assert_int_equal(sscanf(lines[i], "%" SCNu64, &v), 1);
        char label = lines[i][18]; /* f'{n:16}  {label} ...' */
        for (int k = 0; k < COUNT; k++)
            if (numbers[k] == v) {
                seen[k]++;
                assert_int_equal(label, v == 142702110479723ULL ? 'P' : ' ');
            }
    }
    for (int k = 0; k < COUNT; k++)
        assert_int_equal(seen[k], 1);
    double secs;
    assert_int_equal(sscanf(lines[COUNT + 1], "6 checks in %lfs", &secs), 1);
    uint64_t order[COUNT];
    check_lanes(run->log, order);
    cv_run_destroy(run);
}

static void test_pool_lines_in_argument_order(void **state)
{
    (void)state;
    /* The prime's check takes long enough (a tenth of a second and more)
     * for the second process to start and take the composites. */
    rounds = 16;
    cv_run *run = start(true);
    assert_int_equal(cv_run_join(run), 0);
    rounds = 1;
    char lines[32][96];
    size_t n = console(run->log, lines, 32);
    assert_int_equal(n, COUNT + 2);
    assert_string_equal(lines[0], "Checking 6 numbers with 2 processes:");
    /* sorted(NUMBERS, reverse=True) */
    static const uint64_t sorted[COUNT] = {142702110479723ULL, 33, 27, 25, 21, 15};
    for (size_t i = 0; i < COUNT; i++) {
        uint64_t v;
        assert_int_equal(sscanf(lines[i + 1], "%" SCNu64, &v), 1);
        assert_true(v == sorted[i]);
    }
    assert_non_null(strstr(lines[1], "  P "));
    double secs;
    assert_int_equal(sscanf(lines[COUNT + 1], "Total time: %lfs", &secs), 1);
    /* The processes finished out of argument order: the prime, first in
     * line, finished after the composites given to the other process. */
    uint64_t order[COUNT];
    check_lanes(run->log, order);
    assert_true(order[0] != 142702110479723ULL);
    cv_run_destroy(run);
}

/* With 10 000 rounds a division each, the prime takes minutes: a stop
 * kills the children and the run ends soon. */
static void test_stop_ends_soon(void **state)
{
    (void)state;
    rounds = 10000;
    for (int pool = 0; pool < 2; pool++) {
        cv_run *run = start(pool);
        test_sleep(0.3);
        double t0 = test_now();
        cv_run_request_stop(run);
        cv_run_join(run);
        assert_true(test_now() - t0 < 10);
        cv_run_destroy(run);
    }
    rounds = 1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_procs_lines),
        cmocka_unit_test(test_pool_lines_in_argument_order),
        cmocka_unit_test(test_stop_ends_soon),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
