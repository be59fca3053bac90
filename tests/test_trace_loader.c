/* The trace loader, which reads the rest of a trace behind a replay's
 * screen: it appends every event and closes the log at the end, gives a
 * refusal found late with its line number (the events before it kept), is
 * watched from another thread while it reads, stops when asked, and never
 * holds its caller past the timeout when a pipe sends nothing. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "trace.h"

static char path[64];

static int setup(void **state)
{
    (void)state;
    snprintf(path, sizeof path, "/tmp/cv_trace_loader_test_%d.jsonl", (int)getpid());
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    return 0;
}

/* A trace of a header and n - 1 console lines; line `bad` (1-based, 0: none)
 * is of an unknown kind. */
static void write_trace(size_t n, size_t bad)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "{\"seq\":0,\"t\":0,\"kind\":\"header\",\"scenario\":\"x\"}\n");
    for (size_t i = 1; i < n; i++) {
        if (i + 1 == bad)
            fprintf(f, "{\"seq\":%zu,\"t\":0.5,\"kind\":\"bogus\"}\n", i);
        else
            fprintf(f, "{\"seq\":%zu,\"t\":%zu.%06zu,\"kind\":\"log\",\"text\":\"line %zu\"}\n",
                    i, i / 1000000, i % 1000000, i);
    }
    fclose(f);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Opens the reader and reads the first batch, as replay does. */
static cv_trace_reader *first_batch(cv_log *log, size_t batch)
{
    char err[256] = "";
    cv_trace_reader *r = cv_trace_reader_open(path, err, sizeof err);
    if (r == NULL)
        fail_msg("not opened: %s", err);
    int got = cv_trace_reader_next(r, log, batch, err, sizeof err);
    assert_int_equal(got, CV_TRACE_MORE);
    assert_int_equal(cv_log_count(log), batch);
    return r;
}

static void test_reads_everything_and_closes_the_log(void **state)
{
    (void)state;
    const size_t n = 300000;
    write_trace(n, 0);
    cv_log *log = cv_log_create();
    cv_trace_loader *l = cv_trace_loader_start(first_batch(log, 1000), log);
    assert_non_null(l);
    /* Another thread reads the log as it grows, as the UI does. */
    size_t seen = 0;
    while (seen < n) {
        size_t count = cv_log_wait(log, seen, 10.0);
        for (size_t i = seen; i < count; i++)
            assert_int_equal(cv_log_at(log, i)->seq, i);
        if (count == seen)
            break; /* closed or timed out: checked below */
        seen = count;
    }
    assert_int_equal(seen, n);
    char msg[256];
    assert_int_equal(cv_trace_loader_finish(l, 10.0, msg, sizeof msg), CV_TRACE_END);
    assert_true(cv_log_closed(log));
    assert_string_equal(cv_log_at(log, n - 1)->text, "line 299999");
    cv_log_destroy(log);
}

static void test_a_late_refusal_keeps_what_came_before(void **state)
{
    (void)state;
    write_trace(200000, 150000);
    cv_log *log = cv_log_create();
    cv_trace_loader *l = cv_trace_loader_start(first_batch(log, 1000), log);
    assert_non_null(l);
    char msg[256] = "";
    double until = now_s() + 30;
    while (cv_trace_loader_status(l, msg, sizeof msg) == CV_TRACE_MORE && now_s() < until)
        usleep(1000);
    assert_int_equal(cv_trace_loader_status(l, msg, sizeof msg), CV_TRACE_ERROR);
    assert_non_null(strstr(msg, "line 150000: unknown \"kind\""));
    assert_true(cv_log_closed(log));
    assert_int_equal(cv_log_count(log), 149999);
    memset(msg, 0, sizeof msg);
    assert_int_equal(cv_trace_loader_finish(l, 10.0, msg, sizeof msg), CV_TRACE_ERROR);
    assert_non_null(strstr(msg, "line 150000"));
    cv_log_destroy(log);
}

static void test_a_stop_ends_the_reading_early(void **state)
{
    (void)state;
    const size_t n = 2000000;
    write_trace(n, 0);
    cv_log *log = cv_log_create();
    cv_trace_loader *l = cv_trace_loader_start(first_batch(log, 10), log);
    assert_non_null(l);
    char msg[256];
    /* Asked at once, it stops after its batch: far from the end. */
    assert_int_equal(cv_trace_loader_finish(l, 10.0, msg, sizeof msg), CV_TRACE_END);
    assert_true(cv_log_closed(log));
    assert_true(cv_log_count(log) < n);
    cv_log_destroy(log);
}

/* A pipe whose writer sends a first batch and then nothing: the loader
 * blocks in its read, and finish gives up after its timeout rather than
 * hang; once the writer is gone, the thread ends and a second finish
 * frees it. */
static void test_a_silent_pipe_does_not_hold_the_caller(void **state)
{
    (void)state;
    unlink(path);
    assert_int_equal(mkfifo(path, 0600), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) { /* the writer: a header and 100 lines, then silence */
        int fd = open(path, O_WRONLY);
        dprintf(fd, "{\"seq\":0,\"t\":0,\"kind\":\"header\",\"scenario\":\"x\"}\n");
        for (int i = 1; i <= 100; i++)
            dprintf(fd, "{\"seq\":%d,\"t\":0,\"kind\":\"log\",\"text\":\"x\"}\n", i);
        sleep(5);
        _exit(0);
    }
    cv_log *log = cv_log_create();
    char err[256] = "";
    cv_trace_reader *r = cv_trace_reader_open(path, err, sizeof err);
    assert_non_null(r);
    /* The reader's first block waits for 256 KiB or the end; ask for the
     * header alone from a small block. */
    cv_trace__reader_set_block(r, 64);
    assert_int_equal(cv_trace_reader_next(r, log, 1, err, sizeof err), CV_TRACE_MORE);
    cv_trace_loader *l = cv_trace_loader_start(r, log);
    assert_non_null(l);
    usleep(100000);
    double t0 = now_s();
    char msg[256];
    int got = cv_trace_loader_finish(l, 0.2, msg, sizeof msg);
    double took = now_s() - t0;
    /* Within the timeout, or at once if the 100 lines were read and the
     * thread was waiting in the read: never the 5 s of the writer's sleep. */
    assert_true(took < 3.0);
    assert_int_equal(got, CV_TRACE_MORE);
    int status;
    waitpid(pid, &status, 0);
    /* The writer is gone: the loader reads the end, and a second finish
     * frees it. */
    assert_int_equal(cv_trace_loader_finish(l, 10.0, msg, sizeof msg), CV_TRACE_END);
    assert_true(cv_log_closed(log));
    assert_true(cv_log_count(log) >= 1);
    cv_log_destroy(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reads_everything_and_closes_the_log, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_late_refusal_keeps_what_came_before, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_stop_ends_the_reading_early, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_silent_pipe_does_not_hold_the_caller, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
