/*
 * flags --mode futures against the embedded server (each request held
 * 0.3 s, so the three workers are busy while main submits): the console
 * reads like the book's flags_threadpool_futures.py, and every repr is true
 * of its future at the moment its line was printed, as the trace shows.
 */
#include <dirent.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"
#include "scenarios.h"
#include "testutil.h"

static char tmpdir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/cv_test_futures_XXXXXX");
    return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    DIR *d = opendir(tmpdir);
    if (d != NULL) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            char sub[512];
            snprintf(sub, sizeof sub, "%s/%s", tmpdir, e->d_name);
            if (e->d_name[0] != '.')
                unlink(sub);
        }
        closedir(d);
    }
    rmdir(tmpdir);
    return 0;
}

static cv_run *run_futures(cv_opts *opts, const char *delay)
{
    const cv_opt_spec *const tables[] = {cv_scenario_flags.options, NULL};
    const char *args[] = {"--mode", "futures", "--delay", delay, "--dest", tmpdir};
    char err[256];
    if (cv_opts_parse(opts, tables, 6, (char **)args, cv_scenario_flags.max_positional, err,
                      sizeof err) != 0 ||
        cv_scenario_flags.validate(opts, err, sizeof err) != 0)
        fail_msg("options: %s", err);
    cv_run *run = cv_run_start(&cv_scenario_flags, opts, 1, "");
    assert_non_null(run);
    assert_int_equal(cv_run_join(run), 0);
    return run;
}

/* The future states by id, applied up to (not including) event `upto`. */
#define MAXF 16
static void states_before(const cv_log *log, size_t upto, int *state, const char **label)
{
    for (int i = 0; i < MAXF; i++)
        state[i] = -1;
    for (size_t i = 0; i < upto; i++) {
        const cv_event *ev = cv_log_at(log, i);
        if (ev->kind != CV_EV_FUTURE || ev->id >= MAXF)
            continue;
        state[ev->id] = ev->state;
        if (ev->state == CV_PENDING)
            label[ev->id] = ev->text;
    }
}

static int id_of(const char **label, const char *cc)
{
    for (int i = 1; i < MAXF; i++)
        if (label[i] != NULL && strcmp(label[i], cc) == 0)
            return i;
    return -1;
}

static void test_lines_like_the_book_and_true_when_printed(void **state)
{
    (void)state;
    cv_opts opts;
    cv_run *run = run_futures(&opts, "0.3");
    const cv_log *log = run->log;
    regex_t sched, done, total;
    assert_int_equal(regcomp(&sched, "^Scheduled for ([A-Z]{2}): <Future at (0x[0-9a-f]+) "
                                     "state=(running|pending)>$", REG_EXTENDED), 0);
    assert_int_equal(regcomp(&done, "^<Future at (0x[0-9a-f]+) state=finished returned str> "
                                    "result: '([A-Z]{2})'$", REG_EXTENDED), 0);
    assert_int_equal(regcomp(&total, "^5 downloads in [0-9]+\\.[0-9]{2}s$", REG_EXTENDED), 0);
    static const char *const codes[5] = {"BD", "BR", "CD", "CN", "DE"}; /* POP20 sorted, [:5] */
    char addr[5][24];
    int nsched = 0, nrunning = 0, ndone = 0, ntotal = 0;
    const char *done_order[5];
    int st[MAXF];
    const char *label[MAXF] = {0};
    for (size_t i = 0; i < cv_log_count(log); i++) {
        const cv_event *ev = cv_log_at(log, i);
        if (ev->kind != CV_EV_LOG || ev->text == NULL)
            continue;
        regmatch_t m[4];
        states_before(log, i, st, label);
        if (regexec(&sched, ev->text, 4, m, 0) == 0) {
            assert_true(nsched < 5);
            assert_memory_equal(ev->text + m[1].rm_so, codes[nsched], 2);
            snprintf(addr[nsched], sizeof addr[nsched], "%.*s", (int)(m[2].rm_eo - m[2].rm_so),
                     ev->text + m[2].rm_so);
            bool running = ev->text[m[3].rm_so] == 'r';
            int id = id_of(label, codes[nsched]);
            assert_true(id > 0);
            /* True when printed: the trace has it in that state there. */
            if (st[id] != (running ? CV_RUNNING : CV_PENDING))
                fail_msg("\"%s\" printed while the trace has it in state %d", ev->text, st[id]);
            nrunning += running;
            nsched++;
        } else if (regexec(&done, ev->text, 4, m, 0) == 0) {
            assert_true(ndone < 5);
            int k = 0;
            while (k < 5 && strncmp(codes[k], ev->text + m[2].rm_so, 2) != 0)
                k++;
            assert_true(k < 5);
            /* The same future that was scheduled: its own address. */
            assert_int_equal((int)strlen(addr[k]), (int)(m[1].rm_eo - m[1].rm_so));
            assert_memory_equal(addr[k], ev->text + m[1].rm_so, strlen(addr[k]));
            assert_int_equal(st[id_of(label, codes[k])], CV_FINISHED);
            done_order[ndone++] = codes[k];
        } else if (regexec(&total, ev->text, 0, NULL, 0) == 0) {
            ntotal++;
        }
    }
    assert_int_equal(nsched, 5);
    assert_int_equal(ndone, 5);
    assert_int_equal(ntotal, 1);
    /* Three workers, each request held 0.3 s: the pool is saturated while
     * main submits, so three run and two wait. */
    assert_int_equal(nrunning, 3);
    /* as_completed yields them in the order the trace has them finish. */
    int k = 0;
    for (size_t i = 0; i < cv_log_count(log) && k < 5; i++) {
        const cv_event *ev = cv_log_at(log, i);
        if (ev->kind == CV_EV_FUTURE && ev->state == CV_FINISHED) {
            assert_non_null(label[ev->id]);
            if (strcmp(label[ev->id], done_order[k]) != 0)
                fail_msg("result %d is %s, the trace's %d-th finish is %s", k + 1, done_order[k],
                         k + 1, label[ev->id]);
            k++;
        }
    }
    assert_int_equal(k, 5);
    regfree(&sched);
    regfree(&done);
    regfree(&total);
    cv_run_destroy(run);
}

/* main waits in as_completed, unblocking once per future at most. */
static void test_main_waits_in_as_completed(void **state)
{
    (void)state;
    cv_opts opts;
    cv_run *run = run_futures(&opts, "0.3");
    int blocks = 0, unblocks = 0;
    for (size_t i = 0; i < cv_log_count(run->log); i++) {
        const cv_event *ev = cv_log_at(run->log, i);
        if (ev->kind == CV_EV_WAIT && ev->text != NULL && strcmp(ev->text, "as_completed") == 0) {
            assert_int_equal(ev->lane, CV_MAIN_LANE);
            blocks += ev->state == CV_WAIT_BLOCK;
            unblocks += ev->state == CV_WAIT_UNBLOCK;
        }
    }
    assert_true(blocks >= 1 && blocks <= 5);
    assert_int_equal(blocks, unblocks);
    cv_run_destroy(run);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines_like_the_book_and_true_when_printed),
        cmocka_unit_test(test_main_waits_in_as_completed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
