/* The trace reader's strict JSON and its batches: every escape decodes,
 * a lone surrogate is refused, integers and "t" are read exactly, keys it
 * does not know are skipped whatever they hold, a key given twice is
 * refused, and the lines read the same whatever the block size and batch
 * size, across block boundaries and with CRLF endings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "trace.h"

static char path[64];

#define HEAD "{\"seq\":0,\"t\":0,\"kind\":\"header\",\"scenario\":\"x\"}\n"

static int setup(void **state)
{
    (void)state;
    snprintf(path, sizeof path, "/tmp/cv_trace_read_test_%d.jsonl", (int)getpid());
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    return 0;
}

static void write_bytes(const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
}

static void write_file(const char *text)
{
    write_bytes(text, strlen(text));
}

/* Reads `path`; fails the test with the reader's message if refused. */
static cv_log *read_ok(bool *warned)
{
    cv_log *log = cv_log_create();
    char err[256] = "";
    bool w;
    if (cv_trace_read(path, log, &w, err, sizeof err) != 0)
        fail_msg("refused: %s", err);
    if (warned != NULL)
        *warned = w;
    else if (w)
        fail_msg("warned: %s", err);
    return log;
}

static cv_log *read_text_ok(const char *text)
{
    write_file(text);
    return read_ok(NULL);
}

/* The file at `path` is refused with `fragment` in a one-line message. */
static void expect_file_refused(const char *fragment, const char *what)
{
    cv_log *log = cv_log_create();
    bool warned;
    char err[256] = "";
    if (cv_trace_read(path, log, &warned, err, sizeof err) != -1)
        fail_msg("accepted (%s): %s", warned ? err : "no warning", what);
    if (strstr(err, fragment) == NULL)
        fail_msg("error '%s' does not contain '%s' for: %s", err, fragment, what);
    assert_null(strchr(err, '\n'));
    cv_log_destroy(log);
}

static void expect_refused_bytes(const char *text, size_t len, const char *fragment)
{
    write_bytes(text, len);
    expect_file_refused(fragment, text);
}

static void expect_refused(const char *text, const char *fragment)
{
    expect_refused_bytes(text, strlen(text), fragment);
}

/* A log line whose text is the JSON string `json` (quotes included). */
static void log_line(char *out, size_t n, const char *json)
{
    snprintf(out, n, HEAD "{\"seq\":1,\"t\":0.5,\"kind\":\"log\",\"text\":%s}\n", json);
}

static void test_every_escape_decodes(void **state)
{
    (void)state;
    char text[512];
    log_line(text, sizeof text,
             "\"q\\\"b\\\\s\\/b\\bf\\fn\\nr\\rt\\t"
             "\\u0041\\u00e9\\u20AC\\ud83d\\ude00\\uD834\\uDD1E\\u001b.\"");
    cv_log *log = read_text_ok(text);
    assert_int_equal(cv_log_count(log), 2);
    assert_string_equal(cv_log_at(log, 1)->text,
                        "q\"b\\s/b\bf\fn\nr\rt\t" "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
                        "\xf0\x9d\x84\x9e\x1b.");
    cv_log_destroy(log);
    /* Bytes that are not UTF-8 pass as they are: the views replace them. */
    log_line(text, sizeof text, "\"x\xff\xc3y\"");
    log = read_text_ok(text);
    assert_string_equal(cv_log_at(log, 1)->text, "x\xff\xc3y");
    cv_log_destroy(log);
}

static void test_bad_strings_are_refused(void **state)
{
    (void)state;
    static const struct {
        const char *json, *error;
    } bad[] = {
        {"\"a\\ud800b\"", "lone surrogate"},
        {"\"a\\ud800\"", "lone surrogate"},
        {"\"a\\udc00\"", "lone surrogate"},
        {"\"\\ud800\\u0041\"", "lone surrogate"},
        {"\"\\ud800\\ud800\"", "lone surrogate"},
        {"\"\\ude00\\ud83d\"", "lone surrogate"},
        {"\"a\\u0000b\"", "\\u0000"},
        {"\"\\u12g4\"", "4 hex digits"},
        {"\"\\x41\"", "unknown escape"},
        {"\"\\'\"", "unknown escape"},
        {"\"tab\there\"", "control character"},
        {"'single'", "not a JSON value"},
    };
    char text[256];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        log_line(text, sizeof text, bad[i].json);
        expect_refused(text, "line 2: not valid JSON");
        expect_refused(text, bad[i].error);
    }
}

/* JSON's number grammar, and its words. */
static void test_bad_numbers_and_words_are_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "01", "-", "1.", ".5", "+1", "1e", "1e+", "--1", "0x10", "NaN", "Infinity", "-inf",
        "1.2.3", "tru", "nul", "True", "1 2",
    };
    char text[256];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(text, sizeof text, HEAD "{\"seq\":1,\"t\":0.5,\"kind\":\"log\",\"text\":\"x\",\"n\":%s}\n",
                 bad[i]);
        expect_refused(text, "line 2: not valid JSON");
    }
    static const char *const structure[] = {
        "{\"seq\":1,\"t\":0.5,\"kind\":\"log\",\"text\":\"x\",}",
        "{\"seq\":1,\"t\":0.5,\"kind\":\"log\",\"text\" \"x\"}",
        "{\"seq\":1,\"t\":0.5,\"kind\":\"log\",text:\"x\"}",
        "{\"seq\":1 \"t\":0.5,\"kind\":\"log\",\"text\":\"x\"}",
        "{\"seq\":1,\"t\":0.5,\"kind\":\"log\",\"text\":\"x\",\"a\":[1,}",
        "{\"seq\":1,\"t\":0.5,\"kind\":\"log\",\"text\":\"x\",\"a\":{\"b\"}}",
    };
    for (size_t i = 0; i < sizeof structure / sizeof structure[0]; i++) {
        snprintf(text, sizeof text, HEAD "%s\n", structure[i]);
        expect_refused(text, "line 2: not valid JSON");
    }
    expect_refused(HEAD "\n", "line 2: not valid JSON for a trace line (not an object)");
    expect_refused(HEAD "{\"seq\":1,\"t\":0.5,\"kind\":\"log\",\"text\":\"x\"} {}\n",
                   "line 2: bytes after the JSON object");
    static const char nul[] = HEAD "{\"seq\":1,\"t\":0.5,\"kind\":\"log\",\"text\":\"x\0y\"}\n";
    expect_refused_bytes(nul, sizeof nul - 1, "line 2: a NUL byte in the line");
}

static void test_integers_are_exact(void **state)
{
    (void)state;
    cv_log *log = read_text_ok(
        HEAD
        "{\"seq\":1,\"t\":1,\"kind\":\"future\",\"id\":9223372036854775807,\"state\":\"pending\"}\n"
        "{\"seq\":2,\"t\":1,\"kind\":\"future\",\"id\":9223372036854775806,\"state\":\"pending\"}\n"
        "{\"seq\":3,\"t\":1,\"kind\":\"future\",\"id\":9007199254740993,\"state\":\"finished\","
        "\"value\":-9223372036854775808}\n"
        "{\"seq\":4,\"t\":1,\"kind\":\"future\",\"id\":1e2,\"state\":\"finished\",\"value\":-12.0}\n"
        "{\"seq\":5,\"t\":1,\"kind\":\"future\",\"id\":1.5e1,\"state\":\"finished\","
        "\"value\":922337203685477580.7e1}\n"
        "{\"seq\":6.0,\"t\":1,\"kind\":\"future\",\"id\":0.07E3,\"state\":\"finished\","
        "\"value\":100e-2}\n");
    assert_true(cv_log_at(log, 1)->id == (uint64_t)INT64_MAX);
    assert_true(cv_log_at(log, 2)->id == (uint64_t)INT64_MAX - 1);
    assert_true(cv_log_at(log, 3)->id == 9007199254740993u); /* 2^53 + 1: no double holds it */
    assert_true(cv_log_at(log, 3)->ref == (uint64_t)INT64_MIN);
    assert_true(cv_log_at(log, 4)->id == 100);
    assert_true((int64_t)cv_log_at(log, 4)->ref == -12);
    assert_true(cv_log_at(log, 5)->id == 15);
    assert_true(cv_log_at(log, 5)->ref == (uint64_t)INT64_MAX);
    assert_true(cv_log_at(log, 6)->id == 70);
    cv_log_destroy(log);
}

/* Any fraction at all is seen, and the range is exact at its ends. */
static void test_integer_refusals(void **state)
{
    (void)state;
    static const struct {
        const char *fields, *error;
    } bad[] = {
        {"\"id\":9223372036854775808", "\"id\" is out of range"},
        {"\"id\":92233720368547758070", "\"id\" is out of range"},
        {"\"id\":1e19", "\"id\" is out of range"},
        {"\"id\":1e999999999999", "\"id\" is out of range"},
        {"\"id\":-1", "\"id\" is out of range"},
        {"\"id\":1.0000000000000000000001", "\"id\" must be a whole number"},
        {"\"id\":15e-1", "\"id\" must be a whole number"},
        {"\"id\":5e-1", "\"id\" is out of range"}, /* 0 and a half: the range first */
        {"\"id\":2,\"lane\":1e-999999999999", "\"lane\" must be a whole number"},
        {"\"id\":2,\"lane\":-0.5", "\"lane\" must be a whole number"},
        {"\"id\":2,\"lane\":32768", "\"lane\" is out of range"},
    };
    char text[512];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(text, sizeof text,
                 HEAD "{\"seq\":1,\"t\":1,\"kind\":\"future\",%s,\"state\":\"running\"}\n",
                 bad[i].fields);
        expect_refused(text, bad[i].error);
    }
    expect_refused(HEAD "{\"seq\":1.5,\"t\":1,\"kind\":\"log\",\"text\":\"x\"}\n",
                   "line 2: \"seq\" is not the next number");
    expect_refused(HEAD "{\"seq\":18446744073709551617,\"t\":1,\"kind\":\"log\",\"text\":\"x\"}\n",
                   "line 2: \"seq\" is not the next number");
}

static void test_t_is_exact_to_the_ns(void **state)
{
    (void)state;
    cv_log *log = read_text_ok(
        HEAD
        "{\"seq\":1,\"t\":1.123456789,\"kind\":\"log\",\"text\":\"a\"}\n"
        "{\"seq\":2,\"t\":8589.934592001,\"kind\":\"log\",\"text\":\"b\"}\n"
        "{\"seq\":3,\"t\":8589.9345920014,\"kind\":\"log\",\"text\":\"c\"}\n"
        "{\"seq\":4,\"t\":8589.9345920015,\"kind\":\"log\",\"text\":\"d\"}\n"
        "{\"seq\":5,\"t\":8999999999.999999999,\"kind\":\"log\",\"text\":\"e\"}\n"
        "{\"seq\":6,\"t\":9000000000,\"kind\":\"log\",\"text\":\"f\"}\n");
    assert_true(cv_log_at(log, 1)->t_ns == 1123456789);
    assert_true(cv_log_at(log, 2)->t_ns == 8589934592001);
    assert_true(cv_log_at(log, 3)->t_ns == 8589934592001); /* the 10th decimal rounds */
    assert_true(cv_log_at(log, 4)->t_ns == 8589934592002);
    assert_true(cv_log_at(log, 5)->t_ns == 8999999999999999999);
    assert_true(cv_log_at(log, 6)->t_ns == 9000000000000000000);
    cv_log_destroy(log);
    /* An exponent goes through strtod, still to the nearest ns. */
    log = read_text_ok(HEAD "{\"seq\":1,\"t\":1.5e-3,\"kind\":\"log\",\"text\":\"a\"}\n"
                            "{\"seq\":2,\"t\":-0.0,\"kind\":\"log\",\"text\":\"b\"}\n"
                            "{\"seq\":3,\"t\":2E0,\"kind\":\"log\",\"text\":\"c\"}\n");
    assert_true(cv_log_at(log, 1)->t_ns == 1500000);
    assert_true(cv_log_at(log, 2)->t_ns == 1500000); /* 0, clamped: time never runs back */
    assert_true(cv_log_at(log, 3)->t_ns == 2000000000);
    cv_log_destroy(log);
    expect_refused(HEAD "{\"seq\":1,\"t\":9000000000.000000001,\"kind\":\"log\",\"text\":\"x\"}\n",
                   "line 2: \"t\" is out of range");
    expect_refused(HEAD "{\"seq\":1,\"t\":123456789012345678901234,\"kind\":\"log\",\"text\":\"x\"}\n",
                   "line 2: \"t\" is out of range");
    expect_refused(HEAD "{\"seq\":1,\"t\":-0.000000001,\"kind\":\"log\",\"text\":\"x\"}\n",
                   "line 2: \"t\" must be a number of seconds");
    expect_refused(HEAD "{\"seq\":1,\"t\":\"1\",\"kind\":\"log\",\"text\":\"x\"}\n",
                   "line 2: not a concviz trace line");
}

/* Keys the reader does not know hold any JSON at all, up to a depth. */
static void test_unknown_keys_are_skipped(void **state)
{
    (void)state;
    cv_log *log = read_text_ok(
        HEAD "{\"seq\":1,\"t\":1,\"extra\":{\"a\":[1,2.5e3,{\"b\":null,\"c\":[[],{}]}],\"d\":\"\\u00e9\"},"
             "\"kind\":\"log\",\"yes\":true,\"no\":false,\"nothing\":null,\"list\":[ \"x\" , -0 ],"
             "\"text\":\"kept\",\"empty\":{}}\n");
    assert_int_equal(cv_log_count(log), 2);
    assert_string_equal(cv_log_at(log, 1)->text, "kept");
    cv_log_destroy(log);

    /* 64 levels are taken; more are refused, not followed down. */
    char text[4096];
    for (int depth = 63; depth <= 65; depth++) {
        size_t n = (size_t)snprintf(text, sizeof text, HEAD "{\"seq\":1,\"t\":1,\"kind\":\"log\",\"text\":\"x\",\"deep\":");
        for (int i = 0; i < depth; i++)
            n += (size_t)sprintf(text + n, i % 2 ? "[" : "{\"k\":");
        text[n++] = '1';
        for (int i = depth - 1; i >= 0; i--)
            text[n++] = i % 2 ? ']' : '}';
        snprintf(text + n, sizeof text - n, "}\n");
        if (depth <= 64) {
            cv_log_destroy(read_text_ok(text));
        } else {
            expect_refused(text, "nested too deeply");
        }
    }
}

static void test_a_key_given_twice_is_refused(void **state)
{
    (void)state;
    expect_refused(HEAD "{\"seq\":1,\"t\":1,\"kind\":\"log\",\"text\":\"a\",\"text\":\"b\"}\n",
                   "line 2: the key \"text\" appears twice");
    expect_refused(HEAD "{\"seq\":1,\"seq\":1,\"t\":1,\"kind\":\"log\",\"text\":\"a\"}\n",
                   "line 2: the key \"seq\" appears twice");
    /* Written differently, the same key. */
    expect_refused(HEAD "{\"seq\":1,\"t\":1,\"kind\":\"log\",\"text\":\"a\",\"te\\u0078t\":\"b\"}\n",
                   "the key \"text\" appears twice");
    expect_refused(HEAD "{\"seq\":1,\"t\":1,\"kind\":\"log\",\"text\":\"a\",\"x\":1,\"x\":{}}\n",
                   "the key \"x\" appears twice");
    /* Many unknown keys: distinct ones pass, one repeat among them does
     * not, and a key with control bytes is quoted safely. */
    char text[4096];
    size_t n = (size_t)snprintf(text, sizeof text, HEAD "{\"seq\":1,\"t\":1,\"kind\":\"log\",\"text\":\"a\"");
    for (int i = 0; i < 40; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, ",\"k%d\":%d", i, i);
    snprintf(text + n, sizeof text - n, "}\n");
    cv_log_destroy(read_text_ok(text));
    snprintf(text + n, sizeof text - n, ",\"k17\":0}\n");
    expect_refused(text, "the key \"k17\" appears twice");
    expect_refused(HEAD "{\"seq\":1,\"t\":1,\"kind\":\"log\",\"text\":\"a\",\"\\u001b[2J\":1,"
                        "\"\\u001b[2J\":2}\n",
                   "the key \"?[2J\" appears twice");
}

static void test_crlf_lines(void **state)
{
    (void)state;
    cv_log *log = read_text_ok("{\"seq\":0,\"t\":0,\"kind\":\"header\"}\r\n"
                               "{\"seq\":1,\"t\":1,\"kind\":\"log\",\"text\":\"a\"}\r\n"
                               "{\"seq\":2,\"t\":2,\"kind\":\"log\",\"text\":\"b\"} \t\r\n"
                               "{\"seq\":3,\"t\":3,\"kind\":\"log\",\"text\":\"c\"}\r");
    assert_int_equal(cv_log_count(log), 4);
    assert_string_equal(cv_log_at(log, 3)->text, "c");
    cv_log_destroy(log);
}

/* A last line cut short (the writer was killed) is skipped with a
 * warning wherever the cut falls; bad bytes on a last line are not a cut. */
static void test_truncated_last_lines(void **state)
{
    (void)state;
    static const char *const cut[] = {
        "{\"seq\":2,\"t\":2,\"kind\":\"log\",\"text\":\"ab\\u00",
        "{\"seq\":2,\"t\":2,\"kind\":\"log\",\"text\":\"ab\\ud83d\\ud",
        "{\"seq\":2,\"t\":2,\"kind\":\"log\",\"text\":\"ab\\",
        "{\"seq\":2,\"t\":2.",
        "{\"seq\":2,\"t\":2e",
        "{\"seq\":2,\"t\":-",
        "{\"seq\":2,\"t\":tr",
        "{\"seq\":2,\"t\"",
        "{\"seq\":2,\"x\":[1,{\"a\":",
        "{",
    };
    char text[512];
    for (size_t i = 0; i < sizeof cut / sizeof cut[0]; i++) {
        snprintf(text, sizeof text, HEAD "{\"seq\":1,\"t\":1,\"kind\":\"log\",\"text\":\"a\"}\n%s",
                 cut[i]);
        write_file(text);
        bool warned = false;
        cv_log *log = read_ok(&warned);
        if (!warned)
            fail_msg("no warning for: %s", cut[i]);
        assert_int_equal(cv_log_count(log), 2);
        cv_log_destroy(log);
    }
    expect_refused(HEAD "{\"seq\":1,\"t\":1,\"kind\":\"log\",\"text\":\"a\"}\n{\"seq\":2,\"t\":2 x",
                   "line 3: not valid JSON");
    expect_refused(HEAD "{\"seq\":1,\"t\":1,\"kind\":\"log\",\"text\":\"a\\q",
                   "line 2: not valid JSON");
}

/* A trace of varied line lengths, some past the default block. */
static char *varied_trace(size_t *len)
{
    size_t cap = 4 << 20, n = 0;
    char *text = malloc(cap);
    n += (size_t)snprintf(text, cap, HEAD);
    for (int i = 1; i <= 400; i++) {
        int width = i == 200 ? 600000 : i == 201 ? 300000 : (i * 37) % 301;
        n += (size_t)snprintf(text + n, cap - n, "{\"seq\":%d,\"t\":%d.%09d,\"kind\":\"log\",\"text\":\"",
                              i, i / 100, i * 7919);
        for (int k = 0; k < width; k++) {
            if (k % 50 == 49) { /* an escape now and then, split by blocks too */
                text[n++] = '\\';
                text[n++] = 'n';
            } else {
                text[n++] = (char)('a' + k % 26);
            }
        }
        n += (size_t)snprintf(text + n, cap - n, "\",\"lane\":%d}%s", i % 5, i % 3 ? "\n" : "\r\n");
    }
    *len = n;
    return text;
}

static void assert_same_log(const cv_log *a, const cv_log *b)
{
    assert_int_equal(cv_log_count(a), cv_log_count(b));
    for (size_t i = 0; i < cv_log_count(a); i++) {
        const cv_event *x = cv_log_at(a, i), *y = cv_log_at(b, i);
        assert_int_equal(x->seq, y->seq);
        assert_int_equal(x->kind, y->kind);
        assert_true(x->t_ns == y->t_ns);
        assert_int_equal(x->lane, y->lane);
        assert_int_equal(x->id, y->id);
        assert_int_equal(x->ref, y->ref);
        if (x->text != NULL || y->text != NULL) {
            assert_non_null(x->text);
            assert_non_null(y->text);
            assert_string_equal(x->text, y->text);
        }
    }
}

/* Reads path in batches of `batch` events from blocks of `block` bytes. */
static cv_log *read_batched(size_t block, size_t batch, int *status, char *err, size_t errlen)
{
    cv_log *log = cv_log_create();
    cv_trace_reader *r = cv_trace_reader_open(path, err, errlen);
    assert_non_null(r);
    if (block > 0)
        cv_trace__reader_set_block(r, block);
    size_t before = 0;
    while ((*status = cv_trace_reader_next(r, log, batch, err, errlen)) == CV_TRACE_MORE) {
        /* Each batch is published, and is no bigger than asked. */
        size_t now = cv_log_count(log);
        assert_true(now > before && (batch == 0 || now - before <= batch));
        before = now;
    }
    /* The end is said again, the same way. */
    char again[256] = "";
    assert_int_equal(cv_trace_reader_next(r, log, batch, again, sizeof again), *status);
    if (*status != CV_TRACE_END)
        assert_string_equal(again, err);
    cv_trace_reader_close(r);
    cv_log_close(log);
    return log;
}

/* Lines split across block boundaries, a line longer than the first block
 * (600 000 bytes against 256 KiB), CRLF endings: whatever the block and
 * batch sizes, the log is the one a whole read gives. */
static void test_batches_and_blocks_give_the_same_log(void **state)
{
    (void)state;
    size_t len;
    char *text = varied_trace(&len);
    write_bytes(text, len);
    free(text);
    cv_log *whole = read_ok(NULL);
    assert_int_equal(cv_log_count(whole), 401);
    assert_int_equal(strlen(cv_log_at(whole, 200)->text), 600000);
    assert_true(cv_log_at(whole, 3)->t_ns == 3 * 7919);
    assert_true(cv_log_at(whole, 101)->t_ns == 1000000000 + 101 * 7919);
    static const size_t blocks[] = {0, 2, 3, 7, 64, 127, 4096, 65537};
    static const size_t batches[] = {1, 7, 1000, 0};
    for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++) {
        int status;
        char err[256] = "";
        cv_log *log = read_batched(blocks[b], batches[b % 4], &status, err, sizeof err);
        if (status != CV_TRACE_END)
            fail_msg("block %zu: status %d: %s", blocks[b], status, err);
        assert_same_log(whole, log);
        cv_log_destroy(log);
    }
    cv_log_destroy(whole);
}

/* A batch read says truncated and refused as the whole read does; the
 * events before a refused line stay in the log. */
static void test_batch_endings(void **state)
{
    (void)state;
    write_file(HEAD "{\"seq\":1,\"t\":1,\"kind\":\"log\",\"text\":\"a\"}\n{\"seq\":2,\"t\":2,\"ki");
    int status;
    char err[256] = "";
    cv_log *log = read_batched(3, 1, &status, err, sizeof err);
    assert_int_equal(status, CV_TRACE_TRUNCATED);
    assert_non_null(strstr(err, "line 3: truncated last line skipped"));
    assert_int_equal(cv_log_count(log), 2);
    cv_log_destroy(log);

    write_file(HEAD "{\"seq\":1,\"t\":1,\"kind\":\"log\",\"text\":\"a\"}\n"
                    "{\"seq\":2,\"t\":2,\"kind\":\"log\",\"text\":\"b\"}\n"
                    "{\"seq\":9,\"t\":2,\"kind\":\"log\",\"text\":\"c\"}\n");
    log = read_batched(0, 2, &status, err, sizeof err);
    assert_int_equal(status, CV_TRACE_ERROR);
    assert_non_null(strstr(err, "line 4: \"seq\" is not the next number"));
    assert_int_equal(cv_log_count(log), 3);
    cv_log_destroy(log);

    write_file("");
    log = read_batched(0, 2, &status, err, sizeof err);
    assert_int_equal(status, CV_TRACE_ERROR);
    assert_non_null(strstr(err, "empty file"));
    cv_log_destroy(log);
}

/* The cap is a line's length without its newline: CV_TRACE_MAX_LINE
 * bytes pass, one more is refused, with or without a newline after. */
static void test_line_cap_is_exact(void **state)
{
    (void)state;
    const char *pre = "{\"seq\":1,\"t\":1,\"kind\":\"log\",\"text\":\"";
    for (int extra = 0; extra <= 1; extra++) {
        for (int newline = 0; newline <= 1; newline++) {
            size_t line = (size_t)CV_TRACE_MAX_LINE + (size_t)extra;
            size_t n = sizeof HEAD - 1, len = n + line + (size_t)newline;
            char *text = malloc(len + 1);
            memcpy(text, HEAD, n);
            memcpy(text + n, pre, strlen(pre));
            memset(text + n + strlen(pre), 'x', line - strlen(pre) - 2);
            memcpy(text + n + line - 2, "\"}\n", 3);
            write_bytes(text, len);
            free(text);
            if (extra == 0) {
                cv_log *log = read_ok(NULL);
                assert_int_equal(cv_log_count(log), 2);
                cv_log_destroy(log);
            } else {
                expect_file_refused("line 2: longer than", "a long line");
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_every_escape_decodes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_strings_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_numbers_and_words_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_integers_are_exact, setup, teardown),
        cmocka_unit_test_setup_teardown(test_integer_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_t_is_exact_to_the_ns, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_keys_are_skipped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_key_given_twice_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crlf_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_last_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batches_and_blocks_give_the_same_log, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batch_endings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_line_cap_is_exact, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
