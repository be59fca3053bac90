/* Traces as .jsonl.zst: a log written through cv_trace_file to a name
 * ending in .zst is zstd data that decompresses to the very bytes of the
 * plain trace and reads back as the same log; the zstd streams carry any
 * data through any read and write sizes; data that is not zstd, is corrupt
 * or ends inside a frame is refused with what is wrong; a decompressed
 * line is held to the reader's cap; a failed trace leaves no file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "testutil.h"
#include "trace.h"
#include "zstd_file.h"

static char dir[64], plain[128], packed[128];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/cv_trace_zst_%d", (int)getpid());
    mkdir(dir, 0700);
    snprintf(plain, sizeof plain, "%s/run.jsonl", dir);
    snprintf(packed, sizeof packed, "%s/run.jsonl.zst", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(plain);
    unlink(packed);
    rmdir(dir);
    return 0;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("cannot open %s", path);
    char *text = NULL;
    size_t cap = 0;
    *len = 0;
    for (;;) {
        if (*len + 65536 > cap) {
            cap = cap * 2 + 65536;
            text = realloc(text, cap + 1);
        }
        size_t n = fread(text + *len, 1, cap - *len, f);
        *len += n;
        if (n == 0)
            break;
    }
    fclose(f);
    text[*len] = '\0';
    return text;
}

static void write_bytes(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* A log of a few thousand events of every sort the writer meets. */
static cv_log *some_log(void)
{
    cv_log *log = cv_log_create();
    cv_log_meta meta = {.scenario = "stress", .args = "--futures 3000", .speed = 1,
                        .wall_start_ns = 1700000000123456789LL};
    cv_log_set_meta(log, &meta);
    cv_event head = {.kind = CV_EV_HEADER, .lane = CV_NO_LANE, .origin = CV_NO_LANE,
                     .text = strdup("stress")};
    assert_int_equal(cv_log_append(log, &head), 0);
    char label[32];
    for (uint64_t id = 1; id <= 3000; id++) {
        snprintf(label, sizeof label, "noop(%llu) \"\xc3\xa9\"", (unsigned long long)id);
        cv_event p = {.t_ns = (int64_t)id * 1700000, .kind = CV_EV_FUTURE, .id = id,
                      .state = CV_PENDING, .lane = CV_NO_LANE, .text = strdup(label)};
        cv_event r = {.t_ns = (int64_t)id * 1700000 + 600000, .kind = CV_EV_FUTURE, .id = id,
                      .state = CV_RUNNING, .lane = (int16_t)(1 + id % 4),
                      .origin = (int16_t)(1 + id % 4)};
        cv_event f = r;
        f.state = CV_FINISHED;
        f.ref = id * 10;
        assert_int_equal(cv_log_append(log, &p), 0);
        assert_int_equal(cv_log_append(log, &r), 0);
        assert_int_equal(cv_log_append(log, &f), 0);
    }
    cv_log_publish(log);
    cv_log_close(log);
    return log;
}

static void write_trace(const cv_log *log, const char *path)
{
    char err[256];
    cv_trace_file tf;
    if (cv_trace_file_open(&tf, path, err, sizeof err) != 0)
        fail_msg("%s", err);
    cv_trace_labels *labels = cv_trace_labels_create();
    assert_int_equal(cv_trace_write_range(tf.fp, log, 0, cv_log_count(log), labels), 0);
    cv_trace_labels_destroy(labels);
    if (cv_trace_file_commit(&tf, err, sizeof err) != 0)
        fail_msg("%s", err);
}

/* Reads path expecting a refusal whose message holds `fragment`. */
static void expect_refused(const char *path, const char *fragment)
{
    cv_log *log = cv_log_create();
    bool warned;
    char err[256] = "";
    assert_int_equal(cv_trace_read(path, log, &warned, err, sizeof err), -1);
    if (strstr(err, fragment) == NULL)
        fail_msg("%s: '%s' lacks '%s'", path, err, fragment);
    assert_null(strchr(err, '\n'));
    cv_log_destroy(log);
}

static void test_round_trip(void **state)
{
    (void)state;
    cv_log *log = some_log();
    write_trace(log, plain);
    write_trace(log, packed);
    size_t plain_len, packed_len;
    char *text = read_all(plain, &plain_len), *z = read_all(packed, &packed_len);
    /* zstd's magic number, and a file much smaller than the text. */
    assert_true(packed_len >= 4);
    assert_memory_equal(z, "\x28\xb5\x2f\xfd", 4);
    assert_true(packed_len * 5 < plain_len);
    /* It decompresses, as any zstd tool would, to the plain trace. */
    unsigned long long size = ZSTD_getFrameContentSize(z, packed_len);
    char *back = malloc(plain_len + 1);
    size_t got = ZSTD_decompress(back, plain_len + 1, z, packed_len);
    assert_false(ZSTD_isError(got));
    assert_true(size == ZSTD_CONTENTSIZE_UNKNOWN || size == plain_len);
    assert_int_equal(got, plain_len);
    assert_memory_equal(back, text, plain_len);

    /* And reads back as the log it was. */
    cv_log *read_back = cv_log_create();
    bool warned;
    char err[256];
    if (cv_trace_read(packed, read_back, &warned, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_false(warned);
    assert_int_equal(cv_log_count(read_back), cv_log_count(log));
    for (size_t i = 0; i < cv_log_count(log); i++) {
        const cv_event *a = cv_log_at(log, i), *b = cv_log_at(read_back, i);
        assert_int_equal(a->kind, b->kind);
        assert_int_equal(a->state, b->state);
        assert_int_equal(a->id, b->id);
        assert_int_equal(a->ref, b->ref);
        assert_int_equal(a->lane, b->lane);
        assert_int_equal(a->t_ns, b->t_ns);
        if (a->kind == CV_EV_FUTURE && a->state == CV_PENDING)
            assert_string_equal(a->text, b->text);
    }
    free(text);
    free(z);
    free(back);
    cv_log_destroy(read_back);
    cv_log_destroy(log);
}

/* Bytes of every value through the streams in odd sizes: written a byte,
 * then 7, then 70 000 at a time, read back by getc and by odd freads. */
static void test_streams_carry_any_bytes(void **state)
{
    (void)state;
    size_t n = 3 * 1000 * 1000;
    unsigned char *data = malloc(n);
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        /* Runs of text, runs of noise: both kinds of block. */
        data[i] = (i / 4096) % 2 ? (unsigned char)x : (unsigned char)("abc\n"[i % 4]);
    }
    FILE *raw = fopen(packed, "wb");
    FILE *z = cv_zstd_fopen_write(raw, CV_ZSTD_LEVEL);
    assert_non_null(z);
    size_t off = 0, step = 1;
    while (off < n) {
        size_t len = step < n - off ? step : n - off;
        assert_int_equal(fwrite(data + off, 1, len, z), len);
        off += len;
        step = step == 1 ? 7 : step == 7 ? 70000 : 1;
    }
    assert_int_equal(fclose(z), 0);
    assert_int_equal(fclose(raw), 0);

    FILE *in = cv_zstd_fopen_read(fopen(packed, "rb"));
    assert_non_null(in);
    for (size_t i = 0; i < 100000; i++)
        assert_int_equal(getc(in), data[i]);
    unsigned char *rest = malloc(n);
    size_t got = 100000, chunk = 3;
    while (got < n) {
        size_t r = fread(rest + got, 1, chunk, in);
        if (r == 0)
            break;
        got += r;
        chunk = chunk * 3 % 100003 + 1;
    }
    assert_int_equal(got, n);
    assert_memory_equal(rest + 100000, data + 100000, n - 100000);
    assert_int_equal(getc(in), EOF);
    assert_false(ferror(in));
    assert_null(cv_zstd_error(in));
    assert_int_equal(fclose(in), 0);
    free(rest);
    free(data);
}

/* Two frames one after the other (as `cat a.zst b.zst` makes) read as
 * one stream, like zstd -d does. */
static void test_frames_in_a_row(void **state)
{
    (void)state;
    char frame[256];
    size_t a = ZSTD_compress(frame, sizeof frame, "first\n", 6, 1);
    assert_false(ZSTD_isError(a));
    size_t b = ZSTD_compress(frame + a, sizeof frame - a, "second\n", 7, 1);
    assert_false(ZSTD_isError(b));
    write_bytes(packed, frame, a + b);
    FILE *in = cv_zstd_fopen_read(fopen(packed, "rb"));
    char text[32] = "";
    assert_int_equal(fread(text, 1, sizeof text - 1, in), 13);
    assert_string_equal(text, "first\nsecond\n");
    assert_int_equal(fclose(in), 0);
}

/* What is wrong is named: not zstd, corrupt, cut short; an empty file is
 * the empty trace it is. */
static void test_bad_data_refused(void **state)
{
    (void)state;
    cv_log *log = some_log();
    write_trace(log, packed);
    cv_log_destroy(log);
    size_t len;
    char *z = read_all(packed, &len);

    write_bytes(packed, z, len / 2);
    expect_refused(packed, "truncated zstd data");
    write_bytes(packed, z, len - 1); /* only the checksum's last byte gone */
    expect_refused(packed, "truncated zstd data");
    write_bytes(packed, z, 6); /* inside the frame header */
    expect_refused(packed, "truncated zstd data");

    char *bad = malloc(len);
    memcpy(bad, z, len);
    bad[len - 1] ^= 0x55; /* the checksum */
    write_bytes(packed, bad, len);
    expect_refused(packed, "corrupt zstd data");
    memcpy(bad, z, len);
    memset(bad + 4, 0xff, 8); /* the frame header */
    write_bytes(packed, bad, len);
    expect_refused(packed, "zstd data");

    const char *text = "{\"seq\":0,\"t\":0,\"kind\":\"header\"}\n";
    write_bytes(packed, text, strlen(text));
    expect_refused(packed, "not zstd data");
    write_bytes(packed, "", 0);
    expect_refused(packed, "empty file");
    free(bad);
    free(z);
}

/* A small file that decompresses to a long line without a newline is
 * refused at the reader's cap: decompressing stops there. */
static void test_decompression_bounded_by_the_line_cap(void **state)
{
    (void)state;
    size_t n = 16 * (size_t)CV_TRACE_MAX_LINE;
    char *text = malloc(n);
    memset(text, 'x', n);
    size_t cap = ZSTD_compressBound(n);
    char *z = malloc(cap);
    size_t len = ZSTD_compress(z, cap, text, n, 1);
    assert_false(ZSTD_isError(len));
    assert_true(len < 4096);
    write_bytes(packed, z, len);
    expect_refused(packed, "line 1: ");
    free(text);
    free(z);
}

/* A trace that fails leaves nothing: abort, and a commit whose stream
 * cannot be written. */
static void test_no_file_left_behind(void **state)
{
    (void)state;
    char err[256];
    cv_trace_file tf;
    unlink(packed);
    assert_int_equal(cv_trace_file_open(&tf, packed, err, sizeof err), 0);
    fputs("{\"seq\":0}\n", tf.fp);
    cv_trace_file_abort(&tf);
    assert_int_equal(access(packed, F_OK), -1);
    assert_int_equal(errno, ENOENT);

    /* A directory that is not there is refused at open, as for plain. */
    char nowhere[160];
    snprintf(nowhere, sizeof nowhere, "%s/no/such/dir/x.jsonl.zst", dir);
    assert_int_not_equal(cv_trace_file_open(&tf, nowhere, err, sizeof err), 0);
    assert_non_null(strstr(err, "cannot write"));

    /* The compressed stream's end cannot reach a full disk: fclose says
     * so (the trace file then aborts). */
    FILE *full = fopen("/dev/full", "w");
    if (full == NULL)
        skip();
    setvbuf(full, NULL, _IONBF, 0);
    FILE *z = cv_zstd_fopen_write(full, CV_ZSTD_LEVEL);
    fputs("some text\n", z);
    assert_int_not_equal(fclose(z), 0);
    fclose(full);
}

/* Only a name ending in ".zst" is read or written through zstd. */
static void test_which_names(void **state)
{
    (void)state;
    assert_true(cv_zstd_path("a.jsonl.zst"));
    assert_true(cv_zstd_path(".zst"));
    assert_true(cv_zstd_path("dir.zst/x.zst"));
    assert_false(cv_zstd_path("a.jsonl"));
    assert_false(cv_zstd_path("a.zst.jsonl"));
    assert_false(cv_zstd_path("a.ZST"));
    assert_false(cv_zstd_path("zst"));
    assert_false(cv_zstd_path(""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_streams_carry_any_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_frames_in_a_row, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_data_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decompression_bounded_by_the_line_cap, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_no_file_left_behind, setup, teardown),
        cmocka_unit_test(test_which_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
