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

static void write_file(const char *text);
static void expect_error(const char *text, const char *fragment);

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
        if (a->kind == CV_EV_THREAD && a->state == CV_THREAD_STARTED) {
            /* The runtime says what each thread is for. */
            assert_int_equal(a->code, a->lane == CV_MAIN_LANE ? CV_ROLE_MAIN : CV_ROLE_WORKER);
            assert_int_equal(a->code, b->code);
        }
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

/* Writes a whole log to `file`; returns its contents (to free). */
static char *write_log(const cv_log *log, const char *file)
{
    FILE *out = fopen(file, "w");
    cv_trace_labels *labels = cv_trace_labels_create();
    assert_int_equal(cv_trace_write_range(out, log, 0, cv_log_count(log), labels), 0);
    cv_trace_labels_destroy(labels);
    fclose(out);
    FILE *in = fopen(file, "r");
    char *text = calloc(1, 1 << 20);
    size_t n = fread(text, 1, (1 << 20) - 1, in);
    fclose(in);
    text[n] = '\0';
    return text;
}

static void append(cv_log *log, int64_t t_us, unsigned kind, unsigned state, uint64_t id,
                   uint64_t ref, int32_t code, int lane, unsigned side, unsigned flags,
                   const char *text)
{
    cv_event e = {.t_ns = t_us * 1000, .kind = (uint16_t)kind, .state = (uint16_t)state,
                  .id = id, .ref = ref, .code = code, .lane = (int16_t)lane,
                  .origin = (int16_t)(lane < 0 ? 0 : lane), .side = (uint16_t)side,
                  .flags = (uint16_t)flags, .text = text ? strdup(text) : NULL};
    assert_int_equal(cv_log_append(log, &e), 0);
}

/* Every kind in every state (and one state past its names), once with
 * every member set and once bare, goes write -> read -> write and comes
 * out byte for byte the same; the events read back keep what the trace
 * says they carry. */
static void test_every_kind_and_state_round_trips(void **state)
{
    (void)state;
    cv_log *log = cv_log_create();
    cv_log_meta meta = {.scenario = "kinds", .args = "-x", .speed = 2.5,
                        .wall_start_ns = 1700000000000000000LL};
    cv_log_set_meta(log, &meta);
    append(log, 0, CV_EV_HEADER, 0, 0, 0, 0, CV_NO_LANE, 0, 0, "kinds");
    int64_t t = 1;
    size_t kinds_seen = 0;
    for (unsigned k = 1; k < CV_EV_KIND_COUNT; k++) {
        const cv_kind_desc *d = cv_event_kind_desc(k);
        if (d == NULL || d->meta)
            continue;
        kinds_seen++;
        unsigned nstates = 0;
        while (d->states != NULL && d->states[nstates] != NULL)
            nstates++;
        for (unsigned st = 0; st <= nstates; st++) {
            int32_t code = k == CV_EV_THREAD ? CV_ROLE_WORKER : 418;
            append(log, t++, k, st, 7, 12345, code, 2, CV_SIDE_TASK, 3, "some text");
            append(log, t++, k, st, 7, 0, 0, CV_NO_LANE, 0, 0, NULL);
        }
    }
    cv_log_publish(log);
    assert_int_equal(kinds_seen, CV_EV_KIND_COUNT - 2);
    char *first = write_log(log, path);

    cv_log *back = cv_log_create();
    bool warned;
    char err[256];
    if (cv_trace_read(path, back, &warned, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(cv_log_count(back), cv_log_count(log));
    char *second = write_log(back, path);
    assert_string_equal(first, second);
    assert_non_null(strstr(first, "\"kind\":\"thread\",\"lane\":2,\"state\":\"started\","
                                  "\"name\":\"some text\",\"role\":\"worker\""));
    assert_non_null(strstr(first, "\"state\":\"finished\",\"lane\":2,\"result\":\"some text\","
                                  "\"value\":12345,\"code\":418"));
    for (size_t i = 0; i < cv_log_count(log); i++) {
        const cv_event *a = cv_log_at(log, i), *b = cv_log_at(back, i);
        assert_int_equal(a->kind, b->kind);
        assert_int_equal(a->state, b->state);
        assert_int_equal(a->flags, b->flags);
        assert_int_equal(a->side, b->side);
        if (a->kind == CV_EV_THREAD && a->state == CV_THREAD_STARTED)
            assert_int_equal(a->code, b->code); /* the role */
        if (a->kind == CV_EV_FUTURE && a->state != CV_PENDING) {
            assert_int_equal(a->code, b->code);
            assert_int_equal(a->lane, b->lane);
        }
    }
    free(first);
    free(second);
    cv_log_destroy(back);
    cv_log_destroy(log);
}

/* Numbers outside what their member holds are refused with the line, and
 * an unknown role is only unknown. */
static void test_ranges_and_roles(void **state)
{
    (void)state;
    const char *head = "{\"seq\":0,\"t\":0,\"kind\":\"header\"}\n";
    char text[512];
    static const struct {
        const char *line, *error;
    } bad[] = {
        {"\"kind\":\"log\",\"lane\":40000,\"text\":\"x\"", "line 2: \"lane\" is out of range"},
        {"\"kind\":\"future\",\"id\":1e30,\"state\":\"pending\"", "line 2: \"id\" is out of range"},
        {"\"kind\":\"future\",\"id\":0,\"state\":\"pending\"", "line 2: \"id\" is out of range"},
        {"\"kind\":\"future\",\"state\":\"pending\"", "line 2: a future line needs \"id\""},
        {"\"kind\":\"future\",\"id\":1,\"state\":\"failed\",\"code\":1e12", "\"code\" is out of range"},
        {"\"kind\":\"drop\",\"lane\":0,\"count\":-1", "line 2: \"count\" is out of range"},
        {"\"kind\":\"log\",\"text\":\"x\",\"origin\":-2", "line 2: \"origin\" is out of range"},
        {"\"kind\":\"log\",\"text\":\"x\",\"flags\":65536", "line 2: \"flags\" is out of range"},
        {"\"kind\":\"thread\",\"lane\":0,\"state\":70000", "line 2: \"state\" is out of range"},
        {"\"kind\":\"loop\",\"lane\":0,\"state\":\"polling\",\"timeout_us\":-2", "\"timeout_us\" is out of range"},
        {"\"kind\":\"log\",\"lane\":0", "line 2: a log line needs \"text\""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(text, sizeof text, "%s{\"seq\":1,\"t\":0.1,%s}\n", head, bad[i].line);
        expect_error(text, bad[i].error);
    }
    snprintf(text, sizeof text, "%s{\"seq\":1,\"t\":1e300,\"kind\":\"log\",\"text\":\"x\"}\n", head);
    expect_error(text, "line 2: \"t\" is out of range");

    write_file("{\"seq\":0,\"t\":0,\"kind\":\"header\"}\n"
               "{\"seq\":1,\"t\":0,\"kind\":\"thread\",\"lane\":1,\"state\":\"started\",\"name\":\"worker 1\"}\n"
               "{\"seq\":2,\"t\":0,\"kind\":\"thread\",\"lane\":2,\"state\":\"started\",\"role\":\"alien\"}\n"
               "{\"seq\":3,\"t\":0,\"kind\":\"thread\",\"lane\":3,\"state\":\"started\",\"role\":\"loop\"}\n"
               "{\"seq\":4,\"t\":0,\"kind\":\"loop\",\"lane\":3,\"state\":\"polling\",\"timeout_us\":-1}\n");
    cv_log *log = cv_log_create();
    bool warned;
    char err[256];
    if (cv_trace_read(path, log, &warned, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(cv_log_at(log, 1)->code, CV_ROLE_UNKNOWN); /* not from the name */
    assert_int_equal(cv_log_at(log, 2)->code, CV_ROLE_UNKNOWN);
    assert_int_equal(cv_log_at(log, 3)->code, CV_ROLE_LOOP);
    assert_true(cv_log_at(log, 4)->ref == UINT64_MAX);
    cv_log_destroy(log);
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

/* Hand-made traces, one per fault the reader once let through (issue 11),
 * in tests/traces/refused: each is refused on its line with its reason. */
static void test_refused_traces(void **state)
{
    (void)state;
    static const struct {
        const char *file, *error;
    } cases[] = {
        /* A speed the CLI refuses sent the axis loop spinning. */
        {"speed-1e300.jsonl", "line 1: \"speed\" is out of range"},
        {"speed-inf.jsonl", "line 1: \"speed\" is out of range"},
        {"speed-zero.jsonl", "line 1: \"speed\" is out of range"},
        /* Cut to 16 bits (lane 10^9 showed as -13824), or UB in the cast. */
        {"lane-1e9.jsonl", "line 2: \"lane\" is out of range"},
        {"lane-1e300.jsonl", "line 2: \"lane\" is out of range"},
        {"origin-1e9.jsonl", "line 2: \"origin\" is out of range"},
        {"id-1e300.jsonl", "line 3: \"id\" is out of range"},
        {"lane-fraction.jsonl", "line 2: \"lane\" must be a whole number"},
        /* t * 1e9 overflowed an int64_t. */
        {"t-9.2e9.jsonl", "line 2: \"t\" is out of range"},
        /* Whatever followed the object was ignored, even after a NUL. */
        {"trailing-bytes.jsonl", "line 2: bytes after the JSON object"},
        {"trailing-after-nul.jsonl", "line 2: a NUL byte in the line"},
        {"header-not-first.jsonl", "line 3: a header may only be the first line"},
        /* The reader's own JSON (trace_json.c) is strict where cJSON was
         * lenient (a repeated key: the first won) or could not look (an
         * id of 2^63 rounded through a double). */
        {"duplicate-key.jsonl", "line 2: the key \"text\" appears twice"},
        {"lone-surrogate.jsonl", "line 2: not valid JSON: a lone surrogate"},
        {"id-2p63.jsonl", "line 2: \"id\" is out of range"},
        {"nested-too-deep.jsonl", "line 2: not valid JSON: objects or arrays nested too deeply"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char in_path[512], err[256] = "";
        snprintf(in_path, sizeof in_path, "%s/tests/traces/refused/%s", CV_SOURCE_DIR,
                 cases[i].file);
        cv_log *log = cv_log_create();
        bool warned;
        if (cv_trace_read(in_path, log, &warned, err, sizeof err) != -1)
            fail_msg("%s: accepted", cases[i].file);
        if (strstr(err, cases[i].error) == NULL)
            fail_msg("%s: error '%s' does not contain '%s'", cases[i].file, err, cases[i].error);
        assert_null(strchr(err, '\n')); /* one line */
        cv_log_destroy(log);
    }
}

/* A file without newlines is refused at the cap, not read into memory
 * until it runs out (replay /dev/zero did that). */
static void test_long_line_is_refused(void **state)
{
    (void)state;
    FILE *f = fopen(path, "w");
    fputs("{\"seq\":0,\"t\":0,\"kind\":\"header\"}\n{\"seq\":1,\"t\":0,\"kind\":\"log\",\"text\":\"", f);
    for (int i = 0; i < CV_TRACE_MAX_LINE / 64 + 1; i++)
        fputs("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", f);
    fputs("\"}\n", f);
    fclose(f);
    cv_log *log = cv_log_create();
    bool warned;
    char err[256] = "";
    assert_int_equal(cv_trace_read(path, log, &warned, err, sizeof err), -1);
    assert_non_null(strstr(err, "line 2: longer than"));
    cv_log_destroy(log);
}

/* A directory was "line 0: empty file"; a device was read forever. */
static void test_directories_and_devices_are_named(void **state)
{
    (void)state;
    static const struct {
        const char *path, *error;
    } cases[] = {
        {CV_SOURCE_DIR "/tests/traces", "a directory, not a trace file"},
        {"/dev/zero", "a character device, not a trace file"},
        {"/dev/null", "a character device, not a trace file"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cv_log *log = cv_log_create();
        bool warned;
        char err[256] = "";
        assert_int_equal(cv_trace_read(cases[i].path, log, &warned, err, sizeof err), -1);
        if (strstr(err, cases[i].error) == NULL)
            fail_msg("%s: error '%s' does not contain '%s'", cases[i].path, err, cases[i].error);
        cv_log_destroy(log);
    }
}

/* A first line cut short is not a trace with its last line truncated. */
static void test_truncated_first_line_is_refused(void **state)
{
    (void)state;
    expect_error("{\"seq\":0,\"t\":0,\"ki", "line 1: not a concviz trace");
}

/* The writer's labels by id: far ids (a rewritten trace may carry any id
 * up to 2^63) are kept and found, as are dense ones, and a label noted
 * again replaces the first.  An array indexed by id lost the far ones (it
 * asked for 2^63 slots). */
static void test_labels_far_ids(void **state)
{
    (void)state;
    cv_trace_labels *labels = cv_trace_labels_create();
    assert_non_null(labels);
    const uint64_t far[] = {(uint64_t)1 << 62, ((uint64_t)1 << 63) - 1, 4194304, 0, 7};
    char text[32];
    for (size_t i = 0; i < sizeof far / sizeof far[0]; i++) {
        snprintf(text, sizeof text, "far %zu", i);
        cv_event ev = {.kind = CV_EV_FUTURE, .state = CV_PENDING, .id = far[i], .text = text};
        cv_trace_labels_note(labels, &ev);
    }
    for (uint64_t id = 1000; id < 3000; id++) {
        snprintf(text, sizeof text, "dense %llu", (unsigned long long)id);
        cv_event ev = {.kind = CV_EV_FUTURE, .state = CV_PENDING, .id = id, .text = text};
        cv_trace_labels_note(labels, &ev);
    }
    cv_event again = {.kind = CV_EV_FUTURE, .state = CV_PENDING, .id = 7, .text = "seven"};
    cv_trace_labels_note(labels, &again);
    for (size_t i = 0; i < 4; i++) {
        snprintf(text, sizeof text, "far %zu", i);
        assert_string_equal(cv_trace_labels_get(labels, far[i]), text);
    }
    assert_string_equal(cv_trace_labels_get(labels, 7), "seven");
    for (uint64_t id = 1000; id < 3000; id++) {
        snprintf(text, sizeof text, "dense %llu", (unsigned long long)id);
        assert_string_equal(cv_trace_labels_get(labels, id), text);
    }
    assert_null(cv_trace_labels_get(labels, 3000));
    assert_null(cv_trace_labels_get(labels, ((uint64_t)1 << 62) + 1));
    cv_trace_labels_destroy(labels);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test(test_labels_far_ids),
        cmocka_unit_test_setup_teardown(test_recorded_traces_rewrite_identically, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_kind_and_state_round_trips, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ranges_and_roles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_last_line_is_skipped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_traces, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_line_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_directories_and_devices_are_named, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_first_line_is_refused, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
