/* The primes scenario: sequential.py's and threads.py's output, the
 * primality answers, and the GIL's lesson measured as a ratio of wall
 * times in one test run: threads under the GIL are about as slow as
 * sequential, threads without it scale on two cores. */
#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "primes_private.h"
#include "run.h"
#include "scenarios.h"
#include "testutil.h"

/* Runs primes with these arguments to the end; the caller destroys it. */
static cv_run *run_primes(int argc, char **argv)
{
    static cv_opts opts; /* the run keeps a pointer until destroyed */
    const cv_opt_spec *const tables[] = {cv_scenario_primes.options, NULL};
    char err[160];
    if (cv_opts_parse(&opts, tables, argc, argv, cv_scenario_primes.max_positional, err,
                      sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(cv_scenario_primes.validate(&opts, err, sizeof err), 0);
    cv_run *run = cv_run_start(&cv_scenario_primes, &opts, 1, "");
    assert_non_null(run);
    assert_int_equal(cv_run_join(run), 0);
    return run;
}

/* The console lines, in order. */
static size_t lines(cv_run *run, const char **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < cv_log_count(run->log); i++) {
        const cv_event *e = cv_log_at(run->log, i);
        if (e->kind == CV_EV_LOG && n < max)
            out[n++] = e->text;
    }
    return n;
}

static bool matches(const char *text, const char *pattern)
{
    regex_t re;
    assert_int_equal(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB), 0);
    bool ok = regexec(&re, text, 0, NULL, 0) == 0;
    regfree(&re);
    return ok;
}

/* 1000003 and 1000000007 are prime; 1000006000009 is 1000003 squared. */
static const char *const numbers[] = {"2", "9", "1000003", "1000006000009", "1000000007", "4"};
static const bool prime[] = {true, false, true, false, true, false};
#define COUNT 6

/* Checks a result line against the book's f'{n:16}  {label} {elapsed:9.6f}s'
 * and returns which of `numbers` it is. */
static int result_line(const char *line)
{
    assert_true(matches(line, "^ {0,15}[0-9]{1,16}  [P ] +[0-9]+\\.[0-9]{6}s$"));
    assert_int_equal(strlen(line), 16 + 2 + 1 + 1 + 9 + 1);
    uint64_t n = strtoull(line, NULL, 10);
    for (int k = 0; k < COUNT; k++) {
        if (strtoull(numbers[k], NULL, 10) == n) {
            assert_int_equal(line[18] == 'P', prime[k]);
            return k;
        }
    }
    fail_msg("unexpected number in '%s'", line);
    return -1;
}

static void test_sequential_output(void **state)
{
    (void)state;
    char *argv[] = {"--mode", "sequential", "--rounds", "1", "2", "9", "1000003",
                    "1000006000009", "1000000007", "4"};
    cv_run *run = run_primes(10, argv);
    const char *out[16];
    size_t n = lines(run, out, 16);
    assert_int_equal(n, COUNT + 2);
    assert_string_equal(out[0], "Checking 6 numbers sequentially:");
    for (int k = 0; k < COUNT; k++)
        assert_int_equal(result_line(out[1 + k]), k); /* in order */
    assert_true(matches(out[COUNT + 1], "^Total time: [0-9]+\\.[0-9]{2}s$"));
    cv_run_destroy(run);
}

static void test_threads_output(void **state)
{
    (void)state;
    char *argv[] = {"--mode", "threads", "--workers", "3", "--rounds", "1", "2", "9",
                    "1000003", "1000006000009", "1000000007", "4"};
    cv_run *run = run_primes(12, argv);
    const char *out[16];
    size_t n = lines(run, out, 16);
    assert_int_equal(n, COUNT + 2);
    assert_string_equal(out[0], "Checking 6 numbers with 3 threads:");
    bool seen[COUNT] = {false};
    for (int k = 0; k < COUNT; k++) { /* in completion order: any */
        int which = result_line(out[1 + k]);
        assert_false(seen[which]);
        seen[which] = true;
    }
    assert_true(matches(out[COUNT + 1], "^6 checks in [0-9]+\\.[0-9]{2}s$"));
    /* Every check is a future that ran on a worker lane and finished. */
    size_t finished = 0, gil_takes = 0;
    for (size_t i = 0; i < cv_log_count(run->log); i++) {
        const cv_event *e = cv_log_at(run->log, i);
        if (e->kind == CV_EV_FUTURE && e->state == CV_FINISHED) {
            assert_true(e->lane >= 1 && e->lane <= 3);
            finished++;
        }
        gil_takes += e->kind == CV_EV_GIL && e->state == CV_GIL_TAKE;
    }
    assert_int_equal(finished, COUNT);
    assert_true(gil_takes >= 4); /* main and three workers at least */
    cv_run_destroy(run);
}

static void test_is_prime_answers(void **state)
{
    (void)state;
    static const struct { uint64_t n; bool prime; } cases[] = {
        {0, false}, {1, false}, {2, true}, {3, true}, {4, false}, {25, false}, {97, true},
        {1000003, true}, {1000006000009ULL, false}, {1000000007, true},
        {4444444444444444ULL, false}, {5555555555555555ULL, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(cv_primes__is_prime(cases[i].n, 1, NULL, NULL, NULL), cases[i].prime);
}

static double cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* Wall seconds from the "Checking" line to the total line; *cores (may
 * be NULL) gets the CPU seconds the process used per wall second, which
 * says how many cores it really had. */
static double run_seconds(int argc, char **argv, double *cores)
{
    double c0 = cpu_seconds(), w0 = test_now();
    cv_run *run = run_primes(argc, argv);
    if (cores != NULL)
        *cores = (cpu_seconds() - c0) / (test_now() - w0);
    double t0 = -1, t1 = -1;
    for (size_t i = 0; i < cv_log_count(run->log); i++) {
        const cv_event *e = cv_log_at(run->log, i);
        if (e->kind != CV_EV_LOG)
            continue;
        if (t0 < 0)
            t0 = (double)e->t_ns / 1e9;
        t1 = (double)e->t_ns / 1e9;
    }
    cv_run_destroy(run);
    return t1 - t0;
}

/* The GIL as a ratio, in one run: four equal checks, by main alone, by
 * two threads under the GIL, by two threads without it.  The rounds are
 * calibrated here so that each check takes about 0.12 s in this build
 * (TSan's is slower), since only ratios are compared. */
static void test_gil_ratio(void **state)
{
    (void)state;
    double per_round = 1;
    for (int k = 0; k < 3; k++) { /* the best of three: the machine is shared */
        int64_t t0 = cv_clock_mono_ns();
        cv_primes__is_prime(1000000007, 50, NULL, NULL, NULL);
        double each = (double)(cv_clock_mono_ns() - t0) / 1e9 / 50;
        per_round = each < per_round ? each : per_round;
    }
    char rounds[24];
    snprintf(rounds, sizeof rounds, "%u", (unsigned)(0.12 / per_round) + 1);
    char *seq[] = {"--mode", "sequential", "--rounds", rounds,
                   "1000000007", "1000000007", "1000000007", "1000000007"};
    char *gil[] = {"--mode", "threads", "--workers", "2", "--rounds", rounds,
                   "1000000007", "1000000007", "1000000007", "1000000007"};
    char *nogil[] = {"--mode", "threads", "--workers", "2", "--no-gil", "--rounds", rounds,
                     "1000000007", "1000000007", "1000000007", "1000000007"};
    /* Sequential and threads in turn.  A loaded machine only ever slows
     * a run down, but not evenly: threads that sleep on the GIL half the
     * time win the scheduler's favour over other processes' threads
     * (Linux credits a thread that slept), so under load threads with the
     * GIL once ran in 0.78 of the sequential time, not because they ran
     * at once.  So a try counts only if every sequential run in it had a
     * whole core (CPU seconds per wall second >= 0.9); and whatever the
     * load, the GIL must keep the threads to one core's worth of CPU,
     * which is the GIL itself, measured. */
    bool counted = false;
    for (int k = 0; k < 3 && !counted; k++) {
        double c1, c2, cg;
        double s1 = run_seconds(8, seq, &c1);
        double g = run_seconds(10, gil, &cg);
        double s2 = run_seconds(8, seq, &c2);
        double s = s1 < s2 ? s1 : s2;
        print_message("rounds %s: sequential %.3f s (%.2f cores) and %.3f s (%.2f cores), "
                      "threads with the GIL %.3f s (%.2f cores): ratio %.2f\n",
                      rounds, s1, c1, s2, c2, g, cg, g / s);
        assert_true(cg <= 1.2);
        if (c1 >= 0.9 && c2 >= 0.9) {
            assert_true(g / s >= 0.85);
            counted = true;
        }
    }
    if (!counted)
        print_message("no sequential run had a whole core: the GIL's wall-time bound is not "
                      "checked (its one-core bound was)\n");
    double s = run_seconds(8, seq, NULL);
    if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {
        print_message("one core: the --no-gil bound is not checked\n");
        return;
    }
    /* Two cores shared with other work (the other builds and tests of a
     * busy machine) are not always free together: up to six tries, each
     * against a fresh sequential time.  A try in which the process did
     * not get 1.6 cores' worth of CPU measured the machine, not the GIL;
     * if no try got them, the bound is skipped, with the figures. */
    double best = 1e9;
    bool had_two = false;
    for (int k = 0; k < 6 && best > 0.7; k++) {
        double cores;
        double n = run_seconds(11, nogil, &cores);
        double s2 = k == 0 ? s : run_seconds(8, seq, NULL);
        print_message("threads without the GIL %.3f s on %.2f cores against sequential %.3f s "
                      "(ratio %.2f)\n", n, cores, s2, n / s2);
        if (cores >= 1.6)
            had_two = true;
        if (n / s2 < best)
            best = n / s2;
    }
    if (best > 0.7 && !had_two) {
        print_message("two cores were never free together: the --no-gil bound is not checked\n");
        return;
    }
    assert_true(best <= 0.7);
}

/* A stop (the UI's restart, Ctrl-C) ends the book's run of about ten
 * seconds soon, in every thread: checks poll for it. */
static void test_stop_is_prompt(void **state)
{
    (void)state;
    const char *modes[] = {"sequential", "threads"};
    for (int k = 0; k < 2; k++) {
        static cv_opts opts;
        const cv_opt_spec *const tables[] = {cv_scenario_primes.options, NULL};
        char err[160];
        char *argv[] = {"--mode", (char *)modes[k], "--workers", "3"};
        assert_int_equal(cv_opts_parse(&opts, tables, 4, argv, 0, err, sizeof err), 0);
        double t0 = test_now();
        cv_run *run = cv_run_start(&cv_scenario_primes, &opts, 1, "");
        assert_non_null(run);
        test_sleep(0.3);
        cv_run_request_stop(run);
        cv_run_join(run);
        double took = test_now() - t0;
        if (took > 2.0)
            fail_msg("--mode %s took %.2f s to stop", modes[k], took);
        /* No check was left running: each that ran ended. */
        size_t ran = 0, ended = 0;
        for (size_t i = 0; i < cv_log_count(run->log); i++) {
            const cv_event *e = cv_log_at(run->log, i);
            if (e->kind == CV_EV_FUTURE) {
                ran += e->state == CV_RUNNING;
                ended += e->state == CV_FINISHED || e->state == CV_FAILED;
            }
        }
        assert_int_equal(ran, ended);
        cv_run_destroy(run);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sequential_output),
        cmocka_unit_test(test_threads_output),
        cmocka_unit_test(test_is_prime_answers),
        cmocka_unit_test(test_gil_ratio),
        cmocka_unit_test(test_stop_is_prompt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
