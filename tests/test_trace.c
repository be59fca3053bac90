/* Traces: a recorded run reads back as the same log; bad files are
 * refused with the line number; a truncated last line is skipped. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"
#include "scenarios.h"
#include "testutil.h"
#include "trace.h"

static char path[64];

static int setup(void **state)
{
    (void)state;
    snprintf(path, sizeof path, "/tmp/cv_trace_test_%d.jsonl", (int)getpid());
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    return 0;
}

static void write_file(const char *text)
{
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

static void test_round_trip(void **state)
{
    (void)state;
    const cv_opt_spec *const tables[] = {cv_scenario_loiter.options, NULL};
    cv_opts opts;
    char err[256];
    assert_int_equal(cv_opts_parse(&opts, tables, 0, NULL, 0, err, sizeof err), 0);
    cv_run *run = cv_run_start(&cv_scenario_loiter, &opts, 20, "--speed 20");
    cv_run_join(run);
    FILE *out = fopen(path, "w");
    cv_trace_labels *labels = cv_trace_labels_create();
    assert_int_equal(cv_trace_write_range(out, run->log, 0, cv_log_count(run->log), labels), 0);
    cv_trace_labels_destroy(labels);
    fclose(out);

    cv_log *back = cv_log_create();
    bool warned;
    assert_int_equal(cv_trace_read(path, back, &warned, err, sizeof err), 0);
    assert_false(warned);
    assert_true(cv_log_closed(back));
    assert_int_equal(cv_log_count(back), cv_log_count(run->log));
    assert_string_equal(cv_log_meta_get(back)->scenario, "loiter");
    for (size_t i = 0; i < cv_log_count(back); i++) {
        const cv_event *a = cv_log_at(run->log, i), *b = cv_log_at(back, i);
        assert_int_equal(a->seq, b->seq);
        assert_int_equal(a->kind, b->kind);
        assert_int_equal(a->state, b->state);
        assert_int_equal(a->id, b->id);
        assert_int_equal(a->ref, b->ref);
        assert_int_equal(a->lane, b->lane);
        assert_int_equal(a->origin, b->origin);
        assert_true(llabs(a->t_ns - b->t_ns) <= 1000); /* µs resolution */
        if (a->text != NULL || b->text != NULL) {
            assert_non_null(a->text);
            assert_non_null(b->text);
            assert_string_equal(a->text, b->text);
        }
    }
    cv_log_destroy(back);
    cv_run_destroy(run);
}

/* Reads `file` and writes it back; the output must equal the input line
 * for line.  The files in tests/traces were recorded by the binary before
 * the trace writer and reader were driven by the kind table, so this holds
 * the format to what it was. */
static void rewrite_equals(const char *file)
{
    char in_path[512], line_in[8192], line_out[8192], err[256];
    snprintf(in_path, sizeof in_path, "%s/tests/traces/%s", CV_SOURCE_DIR, file);
    cv_log *log = cv_log_create();
    bool warned;
    if (cv_trace_read(in_path, log, &warned, err, sizeof err) != 0)
        fail_msg("%s: %s", file, err);
    assert_false(warned);
    FILE *out = fopen(path, "w");
    cv_trace_labels *labels = cv_trace_labels_create();
    assert_int_equal(cv_trace_write_range(out, log, 0, cv_log_count(log), labels), 0);
    cv_trace_labels_destroy(labels);
    fclose(out);
    cv_log_destroy(log);

    FILE *a = fopen(in_path, "r"), *b = fopen(path, "r");
    assert_non_null(a);
    assert_non_null(b);
    size_t n = 0;
    for (;;) {
        char *la = fgets(line_in, sizeof line_in, a), *lb = fgets(line_out, sizeof line_out, b);
        n++;
        if (la == NULL || lb == NULL) {
            if (la != lb)
                fail_msg("%s: line %zu: one file ends before the other", file, n);
            break;
        }
        if (n == 1) {
            /* wall_ns has 19 digits and cJSON reads numbers as doubles:
             * the header's clock comes back to the nearest 256 ns. */
            char *wa = strstr(la, "\"started\""), *wb = strstr(lb, "\"started\"");
            assert_non_null(wa);
            assert_non_null(wb);
            *wa = *wb = '\0';
        }
        if (strcmp(la, lb) != 0)
            fail_msg("%s: line %zu differs:\n  in:  %s  out: %s", file, n, la, lb);
    }
    assert_true(n > 10);
    fclose(a);
    fclose(b);
}

static void test_recorded_traces_rewrite_identically(void **state)
{
    (void)state;
    rewrite_equals("loiter.jsonl");
    rewrite_equals("spinner.jsonl");
    rewrite_equals("flags-compare.jsonl");
}

static void expect_error(const char *text, const char *fragment)
{
    write_file(text);
    cv_log *log = cv_log_create();
    bool warned;
    char err[256] = "";
    assert_int_equal(cv_trace_read(path, log, &warned, err, sizeof err), -1);
    if (strstr(err, fragment) == NULL)
        fail_msg("error '%s' does not contain '%s'", err, fragment);
    cv_log_destroy(log);
}

static void test_bad_files(void **state)
{
    (void)state;
    expect_error("hello world\n", "line 1: not a concviz trace");
    expect_error("", "empty file");
    expect_error("{\"seq\":0,\"t\":0,\"kind\":\"header\"}\n{\"seq\":2,\"t\":0.1,\"kind\":\"log\",\"text\":\"x\"}\n",
                 "line 2: \"seq\" is not the next number");
    expect_error("{\"seq\":0,\"t\":0,\"kind\":\"header\"}\n{\"seq\":1,\"t\":0.1,\"kind\":\"future\",\"id\":1,\"state\":\"exploded\"}\n",
                 "line 2: missing or unknown \"state\"");
    expect_error("{\"seq\":0,\"t\":0,\"kind\":\"header\"}\n{\"seq\":1,\"kind\":\"log\",\"text\":\"x\"}\n",
                 "line 2: not a concviz trace line");
    expect_error("{\"seq\":0,\"t\":0,\"kind\":\"header\"}\n[1,2]\n", "line 2: not valid JSON");
    expect_error("{\"seq\":0,\"t\":-1,\"kind\":\"header\"}\n", "line 1: \"t\" must be");
    expect_error("{\"seq\":0,\"t\":0,\"kind\":\"warp\"}\n", "line 1: unknown \"kind\"");
}

static void test_missing_file(void **state)
{
    (void)state;
    cv_log *log = cv_log_create();
    bool warned;
    char err[256];
    assert_int_equal(cv_trace_read("/nonexistent/trace.jsonl", log, &warned, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot open"));
    cv_log_destroy(log);
}

static void test_truncated_last_line_is_skipped(void **state)
{
    (void)state;
    write_file("{\"seq\":0,\"t\":0,\"kind\":\"header\",\"scenario\":\"loiter\"}\n"
               "{\"seq\":1,\"t\":0.1,\"kind\":\"log\",\"text\":\"Script starting.\"}\n"
               "{\"seq\":2,\"t\":0.2,\"kind\":\"lo");
    cv_log *log = cv_log_create();
    bool warned;
    char err[256];
    assert_int_equal(cv_trace_read(path, log, &warned, err, sizeof err), 0);
    assert_true(warned);
    assert_non_null(strstr(err, "line 3"));
    assert_int_equal(cv_log_count(log), 2);
    assert_string_equal(cv_log_at(log, 1)->text, "Script starting.");
    cv_log_destroy(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recorded_traces_rewrite_identically, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_last_line_is_skipped, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
