/* The stream reader of concviz run (src/trace/trace_stream.c), fed through
 * a pipe: lines split across reads are taken whole; (pid, local lane)
 * pairs become dense global lanes in order of first appearance, the
 * spawned program's lane 0 first (a GIL request's holder too); t never
 * goes back; seq is the reading order; a bad line becomes a counted drop
 * and a console line, never the end; the end of the stream is -1. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "trace_stream.h"

static void put(int fd, const char *s)
{
    assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
}

static void test_lanes_time_and_partial_lines(void **state)
{
    (void)state;
    int p[2];
    assert_int_equal(pipe(p), 0);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    cv_log *log = cv_log_create();
    cv_trace_stream *s = cv_trace_stream_create(p[0], 100, log);
    assert_non_null(s);
    assert_int_equal(cv_trace_stream_feed(s, 1 << 20), 0); /* nothing yet */
    /* Another process speaks first; then the program, then a thread of
     * the other; the program's line is half written at first. */
    put(p[1], "{\"t\":0.5,\"kind\":\"log\",\"lane\":0,\"text\":\"b0\",\"origin\":0,\"pid\":200}\n"
              "{\"t\":0.4,\"kind\":\"log\",\"lane\":0,\"text\":\"a0\",\"ori");
    assert_int_equal(cv_trace_stream_feed(s, 1 << 20), 1);
    assert_int_equal(cv_log_count(log), 1);
    put(p[1], "gin\":0,\"pid\":100}\n"
              "{\"t\":0.6,\"kind\":\"gil\",\"lane\":1,\"state\":\"request\",\"holder\":0,\"origin\":1,\"pid\":200}\n"
              "garbage\n");
    assert_int_equal(cv_trace_stream_feed(s, 1 << 20), 1);
    close(p[1]);
    assert_int_equal(cv_trace_stream_feed(s, 1 << 20), -1);
    size_t n = cv_log_count(log);
    assert_int_equal(n, 5); /* b0, a0, gil, drop, its console line */
    const cv_event *b0 = cv_log_at(log, 0), *a0 = cv_log_at(log, 1), *gil = cv_log_at(log, 2);
    assert_string_equal(b0->text, "b0");
    assert_int_equal(b0->lane, 1); /* the program's lane 0 is global 0 */
    assert_int_equal(b0->origin, 1);
    assert_string_equal(a0->text, "a0");
    assert_int_equal(a0->lane, 0);
    assert_true(a0->t_ns >= b0->t_ns); /* clamped: 0.4 came after 0.5 */
    assert_int_equal(gil->kind, CV_EV_GIL);
    assert_int_equal(gil->lane, 2);
    assert_int_equal(gil->ref, 1); /* the holder, pid 200's lane 0 */
    assert_int_equal(cv_log_at(log, 3)->kind, CV_EV_DROP);
    assert_int_equal(cv_log_at(log, 4)->kind, CV_EV_LOG);
    assert_non_null(strstr(cv_log_at(log, 4)->text, "refused"));
    for (size_t i = 0; i < n; i++)
        assert_int_equal(cv_log_at(log, i)->seq, i);
    assert_int_equal(cv_trace_stream_refused(s), 1);
    cv_trace_stream_destroy(s);
    close(p[0]);
    cv_log_destroy(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lanes_time_and_partial_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
