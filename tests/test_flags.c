/*
 * The flags scenario against the embedded flag server, through cv_run_start
 * as the CLI runs it: the three modes download the same files the server
 * serves, sequential takes one delay per flag while the thread pool and the
 * event loop overlap them; with an error rate and a fixed seed the report's
 * counts are the server's own; 404s, a closed port and a timeout are
 * reported, not crashed on; a stop request ends a slow run early.  Timing
 * bounds are loose (two slow cores, and TSan/ASan builds).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fetch.h"
#include "flagdata.h"
#include "flaggif.h"
#include "flagserver.h"
#include "run.h"
#include "scenarios.h"
#include "testutil.h"

#define DELAY 0.2
#define NFLAGS 20

static char tmpdir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/cv_test_flags_XXXXXX");
    return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static void remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (d != NULL) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char sub[512];
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            remove_tree(sub);
        }
        closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static int teardown(void **state)
{
    (void)state;
    remove_tree(tmpdir);
    return 0;
}

/* What a run reported, read back from its console lines. */
typedef struct report {
    int ok, not_found, errors;
    double elapsed;
    int status;
    bool has_final;
    int req; /* "N concurrent connections" */
} report;

/* True if text is a number (after spaces) followed by exactly `rest`. */
static bool number_then(const char *text, const char *rest, int *k)
{
    int used = 0;
    return sscanf(text, "%d%n", k, &used) == 1 && strcmp(text + used, rest) == 0;
}

/* Runs `flags` with argv (NULL-terminated) and reads its report. */
static cv_run *run_flags(cv_opts *opts, const char *const *args, report *rep)
{
    const cv_opt_spec *const tables[] = {cv_scenario_flags.options, NULL};
    char err[256];
    int argc = 0;
    while (args[argc] != NULL)
        argc++;
    if (cv_opts_parse(opts, tables, argc, (char **)args, cv_scenario_flags.max_positional, err,
                      sizeof err) != 0)
        fail_msg("parse: %s", err);
    if (cv_scenario_flags.validate(opts, err, sizeof err) != 0)
        fail_msg("validate: %s", err);
    cv_run *run = cv_run_start(&cv_scenario_flags, opts, 1, "");
    assert_non_null(run);
    *rep = (report){.status = cv_run_join(run), .req = 1};
    for (size_t i = 0; i < cv_log_count(run->log); i++) {
        const cv_event *ev = cv_log_at(run->log, i);
        if (ev->kind != CV_EV_LOG || ev->text == NULL)
            continue;
        int k;
        double s;
        if (number_then(ev->text, " flags downloaded.", &k) ||
            number_then(ev->text, " flag downloaded.", &k))
            rep->ok = k;
        else if (number_then(ev->text, " not found.", &k))
            rep->not_found = k;
        else if (number_then(ev->text, " errors.", &k) || number_then(ev->text, " error.", &k))
            rep->errors = k;
        else if (number_then(ev->text, " concurrent connections will be used.", &k))
            rep->req = k;
        else if (sscanf(ev->text, "Elapsed time: %lfs", &s) == 1) {
            rep->elapsed = s;
            rep->has_final = true;
        }
    }
    return run;
}

/* The saved file is byte for byte what the server serves. */
static void expect_file_is_flag(const char *dir, const char *cc)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s.gif", dir, cc);
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        fail_msg("%s was not saved", path);
    unsigned char *want;
    size_t want_len;
    assert_int_equal(cv_flag_gif(cv_flag_find(cc), &want, &want_len), 0);
    unsigned char *got = malloc(want_len + 1);
    size_t got_len = fread(got, 1, want_len + 1, fp);
    fclose(fp);
    assert_int_equal(got_len, want_len);
    assert_memory_equal(got, want, want_len);
    free(got);
    free(want);
}

/* Counts the futures (or tasks) labelled with a two-letter code, and
 * checks that each finished with the bytes as its value. */
static int labelled_units(const cv_log *log, bool tasks)
{
    uint64_t ids[64];
    int n = 0, finished = 0;
    for (size_t i = 0; i < cv_log_count(log); i++) {
        const cv_event *ev = cv_log_at(log, i);
        bool made = tasks ? ev->kind == CV_EV_TASK && ev->state == CV_TASK_CREATED
                          : ev->kind == CV_EV_FUTURE && ev->state == CV_PENDING;
        if (made && ev->text != NULL && strlen(ev->text) == 2 && n < 64)
            ids[n++] = ev->id;
        bool done = tasks ? ev->kind == CV_EV_TASK && ev->state == CV_TASK_DONE
                          : ev->kind == CV_EV_FUTURE && ev->state == CV_FINISHED;
        for (int k = 0; done && k < n; k++)
            if (ids[k] == ev->id) {
                assert_non_null(ev->text);
                assert_non_null(strstr(ev->text, "200 OK"));
                if (!tasks) /* the status is a field, not only words */
                    assert_int_equal(ev->code, 200);
                assert_true(ev->ref > 100);
                finished++;
            }
    }
    assert_int_equal(finished, n);
    return n;
}

static void run_mode_with_delay(const char *mode, bool fast)
{
    char dest[128], delay[16];
    snprintf(dest, sizeof dest, "%s/%s", tmpdir, mode);
    snprintf(delay, sizeof delay, "%g", DELAY);
    const char *args[] = {"--mode", mode, "--delay", delay, "-m", "20", "--dest", dest, NULL};
    cv_opts opts;
    report rep;
    double t0 = test_now();
    cv_run *run = run_flags(&opts, args, &rep);
    double took = test_now() - t0;
    assert_int_equal(rep.status, 0);
    assert_true(rep.has_final);
    assert_int_equal(rep.ok, NFLAGS);
    assert_int_equal(rep.not_found, 0);
    assert_int_equal(rep.errors, 0);
    for (size_t i = 0; i < NFLAGS; i++)
        expect_file_is_flag(dest, cv_pop20[i]);
    if (fast) {
        assert_int_equal(rep.req, 20);
        /* Concurrent: well under the sequential NFLAGS * DELAY (4 s).  The
         * ideal is one DELAY; the bound leaves room for twenty thread
         * starts under TSan on a loaded two-core machine (25-35 ms each,
         * one after another), which took a 3 * DELAY bound to 0.98 s. */
        const double bound = NFLAGS * DELAY / 3;
        if (rep.elapsed >= bound)
            fail_msg("%s took %.2f s, expected under %.2f s", mode, rep.elapsed, bound);
    } else if (rep.elapsed < NFLAGS * DELAY || took < NFLAGS * DELAY) {
        fail_msg("%s took %.2f s, expected at least %.2f s", mode, rep.elapsed, NFLAGS * DELAY);
    }
    assert_int_equal(labelled_units(run->log, strcmp(mode, "async") == 0), NFLAGS);
    cv_run_destroy(run);
}

static void test_sequential(void **state)
{
    (void)state;
    run_mode_with_delay("sequential", false);
}

static void test_threadpool(void **state)
{
    (void)state;
    run_mode_with_delay("threadpool", true);
}

static void test_async(void **state)
{
    (void)state;
    run_mode_with_delay("async", true);
}

/* With a fixed seed the report counts what the server says it answered,
 * and every mode sees the same number of teapots (the server draws by
 * request number, whatever the order of arrival). */
static void test_error_rate_counts_match_the_server(void **state)
{
    (void)state;
    static const char *const modes[] = {"sequential", "threadpool", "async"};
    int teapots[3];
    for (int m = 0; m < 3; m++) {
        cv_flagserver_config cfg = {.error_rate = 0.3, .seed = 4242, .delay_min = 0.01,
                                    .delay_max = 0.02};
        char err[256];
        cv_flagserver *srv = cv_flagserver_start(&cfg, err, sizeof err);
        if (srv == NULL)
            fail_msg("server: %s", err);
        char dest[128];
        snprintf(dest, sizeof dest, "%s/err-%s", tmpdir, modes[m]);
        /* B: BA..BZ, 26 codes of which some are not countries. */
        const char *args[] = {"--mode", modes[m], "-s", cv_flagserver_url(srv), "-m", "8",
                              "--dest", dest, "B", "cn", NULL};
        cv_opts opts;
        report rep;
        cv_run *run = run_flags(&opts, args, &rep);
        struct cv_flagserver_stats st;
        cv_flagserver_stats(srv, &st);
        cv_flagserver_stop(srv);
        assert_int_equal(rep.status, 0);
        assert_int_equal(st.requests, 27);
        assert_int_equal(rep.ok + rep.not_found + rep.errors, 27);
        assert_int_equal(rep.ok, (int)st.ok);
        assert_int_equal(rep.not_found, (int)st.not_found);
        assert_int_equal(rep.errors, (int)st.teapots);
        assert_true(st.teapots > 0);
        assert_true(st.not_found > 0);
        teapots[m] = rep.errors;
        cv_run_destroy(run);
    }
    assert_int_equal(teapots[0], teapots[1]);
    assert_int_equal(teapots[1], teapots[2]);
}

/* Codes that are no country's are "not found", not errors. */
static void test_404_is_not_found(void **state)
{
    (void)state;
    char dest[128];
    snprintf(dest, sizeof dest, "%s/nf", tmpdir);
    const char *args[] = {"--mode", "async", "--dest", dest, "QQ", "zz", "CN", "-v", NULL};
    cv_opts opts;
    report rep;
    cv_run *run = run_flags(&opts, args, &rep);
    assert_int_equal(rep.ok, 1);
    assert_int_equal(rep.not_found, 2);
    assert_int_equal(rep.errors, 0);
    bool said = false;
    for (size_t i = 0; i < cv_log_count(run->log); i++) {
        const cv_event *ev = cv_log_at(run->log, i);
        if (ev->kind == CV_EV_LOG && strncmp(ev->text, "QQ not found: http://", 21) == 0)
            said = true;
    }
    assert_true(said);
    struct stat st;
    assert_int_not_equal(stat(dest, &st), -1);
    char path[160];
    snprintf(path, sizeof path, "%s/QQ.gif", dest);
    assert_int_equal(access(path, F_OK), -1);
    cv_run_destroy(run);
}

/* Nobody listens on port 1: every download is an error with words, and
 * the report still comes. */
static void test_closed_port_gives_errors(void **state)
{
    (void)state;
    static const char *const modes[] = {"sequential", "threadpool", "async"};
    for (int m = 0; m < 3; m++) {
        char dest[128];
        snprintf(dest, sizeof dest, "%s/closed", tmpdir);
        const char *args[] = {"--mode", modes[m], "-s", "http://127.0.0.1:1/flags", "--dest", dest,
                              "-v", "CN", "US", "BR", NULL};
        cv_opts opts;
        report rep;
        cv_run *run = run_flags(&opts, args, &rep);
        assert_int_equal(rep.status, 0);
        assert_true(rep.has_final);
        assert_int_equal(rep.ok, 0);
        assert_int_equal(rep.errors, 3);
        int failed = 0;
        for (size_t i = 0; i < cv_log_count(run->log); i++) {
            const cv_event *ev = cv_log_at(run->log, i);
            if ((ev->kind == CV_EV_FUTURE && ev->state == CV_FAILED) ||
                (ev->kind == CV_EV_TASK && ev->state == CV_TASK_FAILED)) {
                assert_non_null(ev->text);
                failed++;
            }
        }
        assert_int_equal(failed, 3);
        cv_run_destroy(run);
    }
}

/* A server slower than the timeout: an error, in about the timeout. */
static void test_timeout_is_an_error(void **state)
{
    (void)state;
    static const char *const modes[] = {"sequential", "threadpool", "async"};
    for (int m = 0; m < 3; m++) {
        char dest[128];
        snprintf(dest, sizeof dest, "%s/slow", tmpdir);
        const char *args[] = {"--mode", modes[m], "--delay", "3", "--timeout", "0.3",
                              "--dest", dest, "-v", "CN", NULL};
        cv_opts opts;
        report rep;
        double t0 = test_now();
        cv_run *run = run_flags(&opts, args, &rep);
        assert_true(test_now() - t0 < 2.5);
        assert_int_equal(rep.errors, 1);
        bool said = false;
        for (size_t i = 0; i < cv_log_count(run->log); i++) {
            const cv_event *ev = cv_log_at(run->log, i);
            if (ev->kind == CV_EV_LOG && strncmp(ev->text, "CN error: ", 10) == 0 &&
                strstr(ev->text, "timed out") != NULL)
                said = true;
        }
        assert_true(said);
        cv_run_destroy(run);
    }
}

/* What validate() accepts: letters only, one or two. */
static void test_code_arguments(void **state)
{
    (void)state;
    const cv_opt_spec *const tables[] = {cv_scenario_flags.options, NULL};
    static const char *const bad[] = {"1X", "ABC", "C-", "é", "", NULL};
    char err[256];
    for (int i = 0; bad[i] != NULL; i++) {
        char *argv[] = {"CN", (char *)bad[i]};
        cv_opts opts;
        assert_int_equal(cv_opts_parse(&opts, tables, 2, argv, 1024, err, sizeof err), 0);
        assert_int_equal(cv_scenario_flags.validate(&opts, err, sizeof err), CV_EINVAL);
        assert_non_null(strstr(err, "AA to ZZ"));
    }
    char *good[] = {"cn", "B", "Us", "--dest", tmpdir};
    cv_opts opts;
    assert_int_equal(cv_opts_parse(&opts, tables, 5, good, 1024, err, sizeof err), 0);
    assert_int_equal(cv_scenario_flags.validate(&opts, err, sizeof err), 0);
    char *url[] = {"-s", "ftp://example.com", "--dest", tmpdir};
    assert_int_equal(cv_opts_parse(&opts, tables, 4, url, 1024, err, sizeof err), 0);
    assert_int_equal(cv_scenario_flags.validate(&opts, err, sizeof err), CV_EINVAL);
    char *pinned[] = {"-s", "http://127.0.0.1:9/flags", "--delay", "1", "--dest", tmpdir};
    assert_int_equal(cv_opts_parse(&opts, tables, 6, pinned, 1024, err, sizeof err), 0);
    assert_int_equal(cv_scenario_flags.validate(&opts, err, sizeof err), CV_EINVAL);
    char file[128];
    snprintf(file, sizeof file, "%s/a-file", tmpdir);
    FILE *fp = fopen(file, "w");
    fclose(fp);
    char *dest[] = {"--dest", file};
    assert_int_equal(cv_opts_parse(&opts, tables, 2, dest, 1024, err, sizeof err), 0);
    assert_int_equal(cv_scenario_flags.validate(&opts, err, sizeof err), CV_EINVAL);
    assert_non_null(strstr(err, "not a directory"));
}

static void test_reason_phrases(void **state)
{
    (void)state;
    assert_string_equal(cv_http_reason(418), "I'm a Teapot");
    assert_string_equal(cv_http_reason(404), "Not Found");
    assert_string_equal(cv_http_reason(599), "Unknown");
}

/* Asked to stop, a slow run ends early in every mode, with a report. */
static void test_stop_ends_a_slow_run(void **state)
{
    (void)state;
    static const char *const modes[] = {"sequential", "threadpool", "async"};
    for (int m = 0; m < 3; m++) {
        const cv_opt_spec *const tables[] = {cv_scenario_flags.options, NULL};
        char dest[128], err[256];
        snprintf(dest, sizeof dest, "%s/stop", tmpdir);
        char *argv[] = {"--mode", (char *)modes[m], "--delay", "5", "--timeout", "30", "-e",
                        "-m", "50", "--dest", dest};
        cv_opts opts;
        assert_int_equal(cv_opts_parse(&opts, tables, 11, argv, 1024, err, sizeof err), 0);
        double t0 = test_now();
        cv_run *run = cv_run_start(&cv_scenario_flags, &opts, 1, "");
        test_sleep(0.3);
        cv_run_request_stop(run);
        cv_run_join(run);
        double took = test_now() - t0;
        if (took > 3.5)
            fail_msg("%s took %.2f s to stop", modes[m], took);
        bool final = false;
        for (size_t i = 0; i < cv_log_count(run->log); i++) {
            const cv_event *ev = cv_log_at(run->log, i);
            if (ev->kind == CV_EV_LOG && strncmp(ev->text, "Elapsed time:", 13) == 0)
                final = true;
        }
        assert_true(final);
        cv_run_destroy(run);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sequential),
        cmocka_unit_test(test_threadpool),
        cmocka_unit_test(test_async),
        cmocka_unit_test(test_error_rate_counts_match_the_server),
        cmocka_unit_test(test_404_is_not_found),
        cmocka_unit_test(test_closed_port_gives_errors),
        cmocka_unit_test(test_timeout_is_an_error),
        cmocka_unit_test(test_code_arguments),
        cmocka_unit_test(test_reason_phrases),
        cmocka_unit_test(test_stop_ends_a_slow_run),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
