/* The marks sidecar: marks written are read back the same, sorted by
 * event; a missing file is no marks; a bad line is refused with its line
 * number and leaves no marks behind; a save is whole or not at all.
 * Bookmarks in a trace: written after the events, read back by the trace
 * reader without counting as events; a trace without them reads as
 * before; a bad one, or an event after one, is refused with its line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "testutil.h"
#include "trace.h"
#include "trace_marks.h"

static char dir[] = "/tmp/cv_marks_XXXXXX";

static void path_in(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", dir, name);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_round_trip(void **state)
{
    (void)state;
    cv_marks ms = {0}, back = {0};
    assert_int_equal(cv_marks_add(&ms, 120, 1.5, "the pool is full"), 0);
    assert_int_equal(cv_marks_add(&ms, 7, 0.25, "first\tsubmit"), 0); /* sorted first */
    assert_int_equal(cv_marks_add(&ms, 300, 4.0, "caf\xc3\xa9 done"), 2);
    assert_int_equal(cv_marks_add(&ms, 120, 1.5, "renamed"), 1); /* same event: new text */
    assert_int_equal(ms.n, 3);
    char path[256], err[256];
    path_in(path, sizeof path, "a.marks");
    assert_int_equal(cv_marks_save(&ms, path, err, sizeof err), 0);
    assert_int_equal(cv_marks_load(&back, path, err, sizeof err), 0);
    assert_int_equal(back.n, 3);
    assert_int_equal(back.at[0].event, 7);
    assert_string_equal(back.at[0].text, "first submit"); /* a tab would break the line */
    assert_int_equal(back.at[1].event, 120);
    assert_string_equal(back.at[1].text, "renamed");
    assert_true(back.at[1].demo_s > 1.4999 && back.at[1].demo_s < 1.5001);
    assert_string_equal(back.at[2].text, "caf\xc3\xa9 done");
    assert_int_equal(cv_marks_find(&back, 300), 2);
    assert_int_equal(cv_marks_find(&back, 301), -1);
}

static void test_missing_file_is_no_marks(void **state)
{
    (void)state;
    cv_marks ms = {.n = 5};
    char path[256], err[256];
    path_in(path, sizeof path, "none.marks");
    assert_int_equal(cv_marks_load(&ms, path, err, sizeof err), 0);
    assert_int_equal(ms.n, 0);
}

static void test_comments_and_blank_lines(void **state)
{
    (void)state;
    cv_marks ms;
    char path[256], err[256];
    path_in(path, sizeof path, "c.marks");
    write_file(path, "# a note\n\n3\t0.100\tthree\r\n");
    assert_int_equal(cv_marks_load(&ms, path, err, sizeof err), 0);
    assert_int_equal(ms.n, 1);
    assert_string_equal(ms.at[0].text, "three");
}

static void refused(const char *text, const char *line_no, const char *why)
{
    cv_marks ms;
    char path[256], err[512], want[300];
    path_in(path, sizeof path, "bad.marks");
    write_file(path, text);
    assert_int_equal(cv_marks_load(&ms, path, err, sizeof err), CV_EINVAL);
    assert_int_equal(ms.n, 0);
    snprintf(want, sizeof want, "%s:%s: ", path, line_no);
    if (strncmp(err, want, strlen(want)) != 0)
        fail_msg("error \"%s\" does not start with \"%s\"", err, want);
    if (strstr(err, why) == NULL)
        fail_msg("error \"%s\" does not say \"%s\"", err, why);
}

static void test_bad_lines_refused_with_line_number(void **state)
{
    (void)state;
    refused("1\t0.1\tok\nx\t0.2\tno\n", "2", "EVENT<TAB>SECONDS<TAB>TEXT");
    refused("# c\n1 0.1 spaces\n", "2", "event number");
    refused("1\t-2\tnegative\n", "1", "demo time");
    refused("1\t0.5\n", "1", "demo time");
    refused("1\t0.5\t\n", "1", "no text");
    refused("1\t0.5\tabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij\n", "1", "longer");
    refused("1\t0.5\ta\x01" "b\n", "1", "control");
    refused("99999999999999999999\t0.5\tbig\n", "1", "event number");
}

static void test_full_list(void **state)
{
    (void)state;
    cv_marks ms = {0};
    for (int i = 0; i < CV_MARKS_MAX; i++)
        assert_true(cv_marks_add(&ms, (uint64_t)i, 0, "m") >= 0);
    assert_int_equal(cv_marks_add(&ms, 1000, 0, "one too many"), -1);
    assert_int_equal(cv_marks_add(&ms, 3, 0, "still renames"), 3);
}

static void test_save_failure_leaves_old_file(void **state)
{
    (void)state;
    cv_marks ms = {0};
    cv_marks_add(&ms, 1, 0.1, "x");
    char err[256];
    assert_int_not_equal(cv_marks_save(&ms, "/nonexistent-dir/x.marks", err, sizeof err), 0);
    assert_true(strlen(err) > 0);
}

static const char trace_head[] =
    "{\"seq\":0,\"t\":0.000000,\"kind\":\"header\",\"scenario\":\"loiter\",\"args\":\"\",\"speed\":10}\n"
    "{\"seq\":1,\"t\":0.003727,\"kind\":\"thread\",\"lane\":0,\"state\":\"started\",\"name\":\"main\",\"role\":\"main\",\"origin\":0}\n"
    "{\"seq\":2,\"t\":0.100000,\"kind\":\"log\",\"text\":\"hello\",\"origin\":0}\n";

/* Reads path as a trace: its status, events and bookmarks. */
static int read_trace(const char *path, size_t *events, cv_marks *marks, char *err, size_t errlen)
{
    cv_log *log = cv_log_create();
    assert_non_null(log);
    cv_trace_reader *r = cv_trace_reader_open(path, err, errlen);
    assert_non_null(r);
    int st;
    while ((st = cv_trace_reader_next(r, log, 0, err, errlen)) == CV_TRACE_MORE)
        ;
    *marks = *cv_trace_reader_marks(r);
    *events = cv_log_count(log);
    cv_trace_reader_close(r);
    cv_log_destroy(log);
    return st;
}

static void test_trace_bookmarks_round_trip(void **state)
{
    (void)state;
    cv_marks ms = {0}, back;
    cv_marks_add(&ms, 2, 1.0, "say \"hello\" \\ caf\xc3\xa9");
    cv_marks_add(&ms, 1, 0.037, "start");
    char path[256], err[256];
    path_in(path, sizeof path, "t.jsonl");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(trace_head, f);
    assert_int_equal(cv_marks_write_trace(f, &ms), 0);
    fclose(f);
    size_t events;
    assert_int_equal(read_trace(path, &events, &back, err, sizeof err), CV_TRACE_END);
    assert_int_equal(events, 3); /* bookmarks are not events */
    assert_int_equal(back.n, 2);
    assert_int_equal(back.at[0].event, 1);
    assert_string_equal(back.at[0].text, "start");
    assert_int_equal(back.at[1].event, 2);
    assert_string_equal(back.at[1].text, "say \"hello\" \\ caf\xc3\xa9");
    assert_true(back.at[1].demo_s > 0.9999 && back.at[1].demo_s < 1.0001);

    /* A trace without bookmarks (every old one) has none. */
    f = fopen(path, "w");
    fputs(trace_head, f);
    fclose(f);
    assert_int_equal(read_trace(path, &events, &back, err, sizeof err), CV_TRACE_END);
    assert_int_equal(events, 3);
    assert_int_equal(back.n, 0);
}

static void trace_refused(const char *tail, const char *why)
{
    char path[256], err[256], text[1024];
    path_in(path, sizeof path, "bad.jsonl");
    snprintf(text, sizeof text, "%s%s", trace_head, tail);
    write_file(path, text);
    size_t events;
    cv_marks back;
    assert_int_equal(read_trace(path, &events, &back, err, sizeof err), CV_TRACE_ERROR);
    if (strncmp(err, "line 4: ", 8) != 0 && strncmp(err, "line 5: ", 8) != 0)
        fail_msg("error \"%s\" names no line 4 or 5", err);
    if (strstr(err, why) == NULL)
        fail_msg("error \"%s\" does not say \"%s\"", err, why);
}

static void test_trace_bad_bookmarks_refused(void **state)
{
    (void)state;
    trace_refused("{\"bookmark\":3,\"demo_t\":1,\"text\":\"x\"}\n", "an event before it");
    trace_refused("{\"bookmark\":-1,\"demo_t\":1,\"text\":\"x\"}\n", "an event before it");
    trace_refused("{\"bookmark\":1,\"text\":\"x\"}\n", "demo_t");
    trace_refused("{\"bookmark\":1,\"demo_t\":-3,\"text\":\"x\"}\n", "demo_t");
    trace_refused("{\"bookmark\":1,\"demo_t\":1}\n", "text");
    trace_refused("{\"bookmark\":1,\"demo_t\":1,\"text\":\"x\"}\n"
                  "{\"seq\":3,\"t\":0.2,\"kind\":\"log\",\"text\":\"late\",\"origin\":0}\n",
                  "after the bookmarks");
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_missing_file_is_no_marks),
        cmocka_unit_test(test_comments_and_blank_lines),
        cmocka_unit_test(test_bad_lines_refused_with_line_number),
        cmocka_unit_test(test_full_list),
        cmocka_unit_test(test_save_failure_leaves_old_file),
        cmocka_unit_test(test_trace_bookmarks_round_trip),
        cmocka_unit_test(test_trace_bad_bookmarks_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
