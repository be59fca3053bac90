/* The trace writer: every committed trace is read and written back byte
 * for byte; hand-made events, nasty texts among them, come out exactly as
 * the cJSON writer the format was recorded with wrote them (kept below as
 * the reference); times and numbers as printf writes them; labels are
 * restated from near ids and far; a failed write is reported. */
#include <cJSON.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "testutil.h"
#include "trace.h"

/* ---- the reference: the writer as it was, one cJSON tree per line ------ */

static void ref_str(cJSON *o, const char *key, const char *value)
{
    if (value != NULL)
        cJSON_AddStringToObject(o, key, value);
}

static void ref_int(cJSON *o, const char *key, long long value)
{
    char num[32];
    snprintf(num, sizeof num, "%lld", value);
    cJSON_AddRawToObject(o, key, num);
}

static long long ref_member(const cv_event *ev, unsigned member)
{
    switch (member) {
    case CV_FM_ID: return (long long)ev->id;
    case CV_FM_REF: return (long long)ev->ref;
    case CV_FM_CODE: return ev->code;
    case CV_FM_LANE: return ev->lane;
    case CV_FM_STATE: return ev->state;
    case CV_FM_SIDE: return ev->side;
    case CV_FM_FLAGS: return ev->flags;
    default: return 0;
    }
}

static void ref_field(cJSON *o, const cv_field *f, const cv_event *ev,
                      const cv_trace_labels *labels)
{
    long long n = ref_member(ev, f->member);
    const char *text = ev->text != NULL ? ev->text : f->text_def;
    char num[32];
    switch (f->type) {
    case CV_FT_INT:
        if (!f->optional || n != f->def)
            ref_int(o, f->key, n);
        break;
    case CV_FT_TEXT:
    case CV_FT_LABEL:
        ref_str(o, f->key, text);
        break;
    case CV_FT_LABEL_OF:
        if (n != 0)
            ref_str(o, f->key, cv_trace_labels_get(labels, (uint64_t)n));
        break;
    case CV_FT_STATE:
        if (cv_event_state_name(ev->kind, ev->state) != NULL)
            ref_str(o, f->key, cv_event_state_name(ev->kind, ev->state));
        else
            ref_int(o, f->key, ev->state);
        break;
    case CV_FT_SIDE:
        if (!f->optional || ev->side != 0)
            ref_str(o, f->key, cv_side_name(ev->side));
        break;
    case CV_FT_ROLE:
        if (!f->optional || (n > CV_ROLE_UNKNOWN && n < CV_ROLE_COUNT))
            ref_str(o, f->key, cv_role_name((unsigned)n));
        break;
    case CV_FT_RESULT:
        snprintf(num, sizeof num, "%lld", (long long)ev->ref);
        ref_str(o, f->key, ev->text != NULL ? ev->text : num);
        break;
    default:
        break;
    }
}

/* The reference line for ev (malloc'ed, with its newline). */
static char *ref_line(const cv_log *log, const cv_event *ev, cv_trace_labels *labels)
{
    cv_trace_labels_note(labels, ev);
    cJSON *o = cJSON_CreateObject();
    char t[48];
    snprintf(t, sizeof t, "%.6f", (double)ev->t_ns / 1e9);
    ref_int(o, "seq", (long long)ev->seq);
    cJSON_AddRawToObject(o, "t", t);
    ref_str(o, "kind", cv_event_kind_name(ev->kind));
    const cv_kind_desc *d = cv_event_kind_desc(ev->kind);
    if (d != NULL && d->meta) {
        const cv_log_meta *m = cv_log_meta_get(log);
        ref_str(o, "program", "concviz");
        ref_str(o, "version", CV_VERSION);
        ref_str(o, "scenario", m->scenario);
        ref_str(o, "args", m->args);
        char num[32];
        snprintf(num, sizeof num, "%g", m->speed);
        cJSON_AddRawToObject(o, "speed", num);
        time_t secs = (time_t)(m->wall_start_ns / 1000000000);
        struct tm tm;
        gmtime_r(&secs, &tm);
        char when[64];
        snprintf(when, sizeof when, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                 (int)(m->wall_start_ns % 1000000000 / 1000));
        ref_str(o, "started", when);
        ref_int(o, "wall_ns", m->wall_start_ns);
    }
    bool side_field = false;
    for (size_t i = 0; d != NULL && i < d->nfields; i++) {
        side_field |= d->fields[i].type == CV_FT_SIDE;
        if (cv_field_in_state(&d->fields[i], ev->state))
            ref_field(o, &d->fields[i], ev, labels);
    }
    if (d == NULL || !d->meta)
        ref_int(o, "origin", ev->origin);
    if (ev->side != 0 && !side_field)
        ref_str(o, "side", cv_side_name(ev->side));
    if (ev->flags != 0)
        ref_int(o, "flags", ev->flags);
    char *printed = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    assert_non_null(printed);
    size_t n = strlen(printed);
    char *line = malloc(n + 2);
    memcpy(line, printed, n);
    memcpy(line + n, "\n", 2);
    cJSON_free(printed);
    return line;
}

/* ---- helpers ------------------------------------------------------------ */

/* What the writer writes for ev (malloc'ed). */
static char *new_line(const cv_log *log, const cv_event *ev, cv_trace_labels *labels)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    assert_int_equal(cv_trace_write_event(out, log, ev, labels), 0);
    assert_int_equal(fclose(out), 0);
    return text;
}

/* Both writers on ev, each with its own labels; they must agree. */
static void expect_same(const cv_log *log, const cv_event *ev, cv_trace_labels *mine,
                        cv_trace_labels *theirs)
{
    char *a = new_line(log, ev, mine), *b = ref_line(log, ev, theirs);
    if (strcmp(a, b) != 0)
        fail_msg("kind %u state %u differs:\n  new: %s  ref: %s", ev->kind, ev->state, a, b);
    free(a);
    free(b);
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

/* ---- every committed trace, byte for byte ------------------------------- */

/* Reads `in_path`, writes the log back and compares the two files byte for
 * byte.  The reader may bring the header's 19-digit wall_ns back through a
 * double (to the nearest 256 ns): the exact number from the file is put
 * back into the log first, so that what is compared is the writer alone. */
static void rewrite_byte_for_byte(const char *in_path)
{
    char err[256];
    cv_log *log = cv_log_create();
    bool warned;
    if (cv_trace_read(in_path, log, &warned, err, sizeof err) != 0)
        fail_msg("%s: %s", in_path, err);
    assert_false(warned);
    size_t in_len;
    char *in = read_all(in_path, &in_len);
    const char *wall = strstr(in, "\"wall_ns\":");
    if (wall != NULL && wall < strchr(in, '\n')) {
        cv_log_meta meta = *cv_log_meta_get(log);
        meta.wall_start_ns = strtoll(wall + strlen("\"wall_ns\":"), NULL, 10);
        cv_log_set_meta(log, &meta);
    }
    char *out = NULL;
    size_t out_len = 0;
    FILE *f = open_memstream(&out, &out_len);
    cv_trace_labels *labels = cv_trace_labels_create();
    assert_int_equal(cv_trace_write_range(f, log, 0, cv_log_count(log), labels), 0);
    cv_trace_labels_destroy(labels);
    assert_int_equal(fclose(f), 0);
    if (out_len != in_len || memcmp(in, out, in_len) != 0) {
        size_t i = 0, line = 1;
        while (i < in_len && i < out_len && in[i] == out[i])
            line += in[i++] == '\n';
        fail_msg("%s: differs at byte %zu (line %zu): %zu bytes in, %zu out", in_path, i, line,
                 in_len, out_len);
    }
    free(in);
    free(out);
    cv_log_destroy(log);
}

static void test_committed_traces_rewrite_byte_for_byte(void **state)
{
    (void)state;
    static const char *const patterns[] = {"screenshots/traces/*.jsonl",
                                           "tests/golden/traces/*.jsonl", "tests/traces/*.jsonl"};
    size_t files = 0;
    for (size_t p = 0; p < sizeof patterns / sizeof patterns[0]; p++) {
        char pattern[512];
        snprintf(pattern, sizeof pattern, "%s/%s", CV_SOURCE_DIR, patterns[p]);
        glob_t g;
        assert_int_equal(glob(pattern, 0, NULL, &g), 0);
        for (size_t i = 0; i < g.gl_pathc; i++, files++)
            rewrite_byte_for_byte(g.gl_pathv[i]);
        globfree(&g);
    }
    /* screenshots 3, golden 9, tests/traces 3 when this was written. */
    assert_true(files >= 15);
}

/* ---- hand-made events against the reference ----------------------------- */

static const char *const nasty[] = {
    NULL,
    "",
    "plain",
    "\"quoted\" and \\backslashed\\ and /slashed/",
    "\b\f\n\r\t",
    "\x01\x02\x1b[2J\x1f\x7f",
    "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80",      /* é ✓ 😀 */
    "\xff\xfe \xc3 \xe2\x9c \xed\xa0\x80 \xc0\xaf", /* not UTF-8 */
    "\xc2\x9b\xc2\x80",                             /* C1 controls */
    "12345",
};

/* A text of n bytes cycling through every byte from 1 to 255, so that
 * escapes fall on every position of the writer's buffer. */
static char *cycling_text(size_t n)
{
    char *s = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        s[i] = (char)(1 + i % 255);
    s[n] = '\0';
    return s;
}

static void test_every_kind_state_and_text_matches_the_reference(void **state)
{
    (void)state;
    cv_log *log = cv_log_create();
    cv_trace_labels *mine = cv_trace_labels_create(), *theirs = cv_trace_labels_create();
    char *long_plain = malloc(4097), *long_mixed = cycling_text(4096), *huge = cycling_text(100000);
    memset(long_plain, 'x', 4096);
    long_plain[4096] = '\0';
    const char *texts[sizeof nasty / sizeof nasty[0] + 3];
    size_t ntexts = 0;
    for (size_t i = 0; i < sizeof nasty / sizeof nasty[0]; i++)
        texts[ntexts++] = nasty[i];
    texts[ntexts++] = long_plain;
    texts[ntexts++] = long_mixed;
    texts[ntexts++] = huge;
    static const struct {
        uint64_t id, ref;
        int32_t code;
        int16_t lane, origin;
        uint16_t side, flags;
        int64_t t_ns;
    } members[] = {
        {7, 12345, 418, 2, 2, CV_SIDE_TASK, 3, 1234567890},
        {0, 0, 0, CV_NO_LANE, CV_NO_LANE, 0, 0, 0},
        {1, (uint64_t)INT64_MIN, INT32_MIN, INT16_MAX, INT16_MIN, CV_SIDE_THREAD, UINT16_MAX, 999},
        {(uint64_t)INT64_MAX, UINT64_MAX, INT32_MAX, INT16_MIN, 0, 7, 1, 1500},
        {UINT64_MAX, 1, -1, 0, 1, 0, 0, 86400LL * 1000000000 + 499999},
    };
    size_t lines = 0;
    for (size_t m = 0; m < sizeof members / sizeof members[0]; m++)
        for (size_t x = 0; x < ntexts; x++)
            for (unsigned k = 0; k <= CV_EV_KIND_COUNT; k++) {
                const cv_kind_desc *d = cv_event_kind_desc(k);
                unsigned nstates = 0;
                while (d != NULL && d->states != NULL && d->states[nstates] != NULL)
                    nstates++;
                /* Every named state, one past them, and one far off. */
                for (unsigned st = 0; st <= nstates + 1; st++) {
                    cv_event ev = {.seq = lines, .t_ns = members[m].t_ns, .id = members[m].id,
                                   .ref = members[m].ref, .code = members[m].code,
                                   .lane = members[m].lane, .origin = members[m].origin,
                                   .kind = (uint16_t)k,
                                   .state = (uint16_t)(st <= nstates ? st : 40000),
                                   .side = members[m].side, .flags = members[m].flags,
                                   .text = (char *)texts[x]};
                    if (d != NULL && d->meta) {
                        cv_log_meta meta = {.speed = 0.125,
                                            .wall_start_ns = 1700000000123456789LL};
                        const char *t = texts[x] ? texts[x] : "";
                        snprintf(meta.scenario, sizeof meta.scenario, "%s", t);
                        snprintf(meta.args, sizeof meta.args, "%s", t);
                        cv_log_set_meta(log, &meta);
                    }
                    expect_same(log, &ev, mine, theirs);
                    lines++;
                }
            }
    assert_true(lines > 1000);
    free(long_plain);
    free(long_mixed);
    free(huge);
    cv_trace_labels_destroy(mine);
    cv_trace_labels_destroy(theirs);
    cv_log_destroy(log);
}

/* A range goes out in batches: the same bytes as line by line, long
 * lines and batch edges included. */
static void test_range_equals_lines(void **state)
{
    (void)state;
    cv_log *log = cv_log_create();
    char *huge = cycling_text(100000);
    for (size_t i = 0; i < 3000; i++) {
        const char *text = i % 500 == 7 ? huge : nasty[i % (sizeof nasty / sizeof nasty[0])];
        cv_event ev = {.t_ns = (int64_t)i * 1000, .state = CV_PENDING, .id = 1 + i,
                       .kind = (uint16_t)(i % 2 ? CV_EV_LOG : CV_EV_FUTURE), .lane = 0,
                       .text = text != NULL ? strdup(text) : NULL};
        assert_int_equal(cv_log_append(log, &ev), 0);
    }
    cv_log_publish(log);
    char *batch = NULL, *single = NULL;
    size_t batch_len = 0, single_len = 0;
    FILE *a = open_memstream(&batch, &batch_len), *b = open_memstream(&single, &single_len);
    cv_trace_labels *la = cv_trace_labels_create(), *lb = cv_trace_labels_create();
    assert_int_equal(cv_trace_write_range(a, log, 0, cv_log_count(log), la), 0);
    for (size_t i = 0; i < cv_log_count(log); i++)
        assert_int_equal(cv_trace_write_event(b, log, cv_log_at(log, i), lb), 0);
    fclose(a);
    fclose(b);
    assert_true(batch_len > 600000);
    assert_int_equal(batch_len, single_len);
    assert_memory_equal(batch, single, batch_len);
    free(batch);
    free(single);
    free(huge);
    cv_trace_labels_destroy(la);
    cv_trace_labels_destroy(lb);
    cv_log_destroy(log);
}

/* The same in plain sight, without the reference: what a reader of the
 * format would expect. */
static void test_nasty_texts_as_written(void **state)
{
    (void)state;
    static const struct {
        const char *text, *json;
    } cases[] = {
        {"", "\"\""},
        {"say \"hi\" \\o/", "\"say \\\"hi\\\" \\\\o/\""},
        {"\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\""},
        {"\x01\x1b[2J\x1f", "\"\\u0001\\u001b[2J\\u001f\""},
        {"\x7f caf\xc3\xa9 \xf0\x9f\x98\x80", "\"\x7f caf\xc3\xa9 \xf0\x9f\x98\x80\""},
        {"\xff\xc3 \xed\xa0\x80", "\"\xff\xc3 \xed\xa0\x80\""},
    };
    cv_log *log = cv_log_create();
    cv_trace_labels *labels = cv_trace_labels_create();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cv_event ev = {.seq = 3, .t_ns = 1500000, .kind = CV_EV_LOG, .lane = 0, .origin = 0,
                       .text = (char *)cases[i].text};
        char want[256];
        snprintf(want, sizeof want,
                 "{\"seq\":3,\"t\":0.001500,\"kind\":\"log\",\"lane\":0,\"text\":%s,"
                 "\"origin\":0}\n",
                 cases[i].json);
        char *got = new_line(log, &ev, labels);
        assert_string_equal(got, want);
        free(got);
    }
    /* 4 KiB of quotes: each becomes two bytes, none is lost at the
     * buffer's edge. */
    char *quotes = malloc(4097);
    memset(quotes, '"', 4096);
    quotes[4096] = '\0';
    cv_event ev = {.seq = 4, .kind = CV_EV_LOG, .lane = 0, .text = quotes};
    char *got = new_line(log, &ev, labels);
    const char *head = "{\"seq\":4,\"t\":0.000000,\"kind\":\"log\",\"lane\":0,\"text\":\"";
    assert_int_equal(strlen(got), strlen(head) + 2 * 4096 + strlen("\",\"origin\":0}\n"));
    assert_memory_equal(got, head, strlen(head));
    for (size_t i = 0; i < 4096; i++)
        assert_memory_equal(got + strlen(head) + 2 * i, "\\\"", 2);
    free(got);
    free(quotes);
    cv_trace_labels_destroy(labels);
    cv_log_destroy(log);
}

/* A label given on a pending line is restated on the later lines of the
 * same future, and a wait names the label of the future it waits for. */
static void test_labels_restated(void **state)
{
    (void)state;
    cv_log *log = cv_log_create();
    cv_trace_labels *labels = cv_trace_labels_create();
    cv_event pending = {.seq = 1, .kind = CV_EV_FUTURE, .id = 9, .state = CV_PENDING,
                        .lane = CV_NO_LANE, .text = "f(\"9\")"};
    cv_event running = {.seq = 2, .kind = CV_EV_FUTURE, .id = 9, .state = CV_RUNNING, .lane = 1,
                        .origin = 1};
    cv_event wait = {.seq = 3, .kind = CV_EV_WAIT, .state = CV_WAIT_BLOCK, .ref = 9};
    char *a = new_line(log, &pending, labels), *b = new_line(log, &running, labels),
         *c = new_line(log, &wait, labels);
    assert_string_equal(a, "{\"seq\":1,\"t\":0.000000,\"kind\":\"future\",\"id\":9,"
                           "\"label\":\"f(\\\"9\\\")\",\"state\":\"pending\",\"origin\":0}\n");
    assert_string_equal(b, "{\"seq\":2,\"t\":0.000000,\"kind\":\"future\",\"id\":9,"
                           "\"label\":\"f(\\\"9\\\")\",\"state\":\"running\",\"lane\":1,"
                           "\"origin\":1}\n");
    assert_string_equal(c, "{\"seq\":3,\"t\":0.000000,\"kind\":\"wait\",\"lane\":0,"
                           "\"state\":\"block\",\"on\":9,\"label\":\"f(\\\"9\\\")\","
                           "\"origin\":0}\n");
    free(a);
    free(b);
    free(c);
    cv_trace_labels_destroy(labels);
    cv_log_destroy(log);
}

/* Labels by id: dense ids in an array, far ones in a hash; an id that
 * went to the hash keeps its label when the array grows over it, and a
 * new label for it wins. */
static void test_labels_near_and_far(void **state)
{
    (void)state;
    cv_trace_labels *labels = cv_trace_labels_create();
    cv_trace_labels__set(labels, 5000, "far at first");
    cv_trace_labels__set(labels, UINT64_MAX, "farthest");
    char text[32];
    for (uint64_t id = 1; id <= 6000; id++) {
        if (id == 5000)
            continue;
        snprintf(text, sizeof text, "f(%llu)", (unsigned long long)id);
        cv_trace_labels__set(labels, id, text);
    }
    assert_string_equal(cv_trace_labels_get(labels, 5000), "far at first");
    assert_string_equal(cv_trace_labels_get(labels, UINT64_MAX), "farthest");
    assert_string_equal(cv_trace_labels_get(labels, 4999), "f(4999)");
    assert_string_equal(cv_trace_labels_get(labels, 6000), "f(6000)");
    assert_null(cv_trace_labels_get(labels, 0));
    assert_null(cv_trace_labels_get(labels, 6001));
    assert_null(cv_trace_labels_get(labels, (uint64_t)1 << 40));
    cv_trace_labels__set(labels, 5000, "near now");
    assert_string_equal(cv_trace_labels_get(labels, 5000), "near now");
    cv_trace_labels_destroy(labels);
}

/* "t" is computed in integers where it can be; it must be the bytes that
 * printf("%.6f") writes for every time, ties and huge ones included. */
static void test_seconds_as_printf_writes_them(void **state)
{
    (void)state;
    cv_log *log = cv_log_create();
    cv_trace_labels *labels = cv_trace_labels_create();
    static const int64_t edges[] = {
        0, 1, 499, 500, 501, 999, 1000, 1499, 1500, 1501, 999999, 999999499, 999999500,
        999999501, 1000000000, 86399999999500, 999999999999499, 999999999999500,
        999999999999501, 1000000000000000, 1000000000000500, 9000000000000000000LL,
        INT64_MAX, -1, -500, -1500, INT64_MIN,
    };
    uint64_t x = 88172645463325252ULL; /* xorshift64, a fixed sequence */
    for (size_t i = 0; i < 200000 + sizeof edges / sizeof edges[0]; i++) {
        int64_t t;
        if (i < sizeof edges / sizeof edges[0]) {
            t = edges[i];
        } else {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            /* Mostly times a run has (under a day), some up to 2^52 ns,
             * a tie now and then. */
            t = (int64_t)(i % 3 == 0 ? x % (86400ULL * 1000000000) : x >> 12);
            if (i % 7 == 0)
                t = t / 1000 * 1000 + 500;
        }
        cv_event ev = {.t_ns = t, .kind = CV_EV_DROP, .lane = 0};
        char *got = new_line(log, &ev, labels);
        char want[96];
        snprintf(want, sizeof want,
                 "{\"seq\":0,\"t\":%.6f,\"kind\":\"drop\",\"lane\":0,\"count\":0,\"origin\":0}\n",
                 (double)t / 1e9);
        if (strcmp(got, want) != 0)
            fail_msg("t_ns %lld: %s vs %s", (long long)t, got, want);
        free(got);
    }
    cv_trace_labels_destroy(labels);
    cv_log_destroy(log);
}

/* Numbers are written by hand too: each must be what %lld writes, at
 * every length and sign, the extremes included. */
static void test_numbers_as_printf_writes_them(void **state)
{
    (void)state;
    cv_log *log = cv_log_create();
    cv_trace_labels *labels = cv_trace_labels_create();
    uint64_t x = 0x2545f4914f6cdd1dULL;
    long long p10 = 1;
    for (size_t i = 0; i < 100000; i++) {
        long long v;
        if (i < 19 * 3) { /* 10^k - 1, 10^k, 10^k + 1 */
            if (i % 3 == 0 && i > 0)
                p10 *= 10;
            v = p10 - 1 + (long long)(i % 3);
        } else if (i < 19 * 3 + 4) {
            static const long long ends[] = {LLONG_MIN, LLONG_MIN + 1, LLONG_MAX, -1};
            v = ends[i - 19 * 3];
        } else {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            v = (long long)(x >> (x % 64)); /* every length */
            if (x & 1)
                v = -v;
        }
        cv_event ev = {.seq = (uint64_t)v, .kind = CV_EV_FUTURE, .id = 1, .state = CV_FINISHED,
                       .ref = (uint64_t)v, .lane = 1, .origin = 1};
        char *got = new_line(log, &ev, labels);
        char want[256];
        snprintf(want, sizeof want,
                 "{\"seq\":%lld,\"t\":0.000000,\"kind\":\"future\",\"id\":1,\"state\":\"finished\","
                 "\"lane\":1,\"result\":\"%lld\",\"value\":%lld,\"origin\":1}\n",
                 v, v, v);
        if (strcmp(got, want) != 0)
            fail_msg("%lld: %s vs %s", v, got, want);
        free(got);
    }
    cv_trace_labels_destroy(labels);
    cv_log_destroy(log);
}

/* A full disk is an error, not a silently short trace. */
static void test_write_error_reported(void **state)
{
    (void)state;
    FILE *full = fopen("/dev/full", "w");
    if (full == NULL)
        skip();
    cv_log *log = cv_log_create();
    cv_trace_labels *labels = cv_trace_labels_create();
    int rc = 0;
    cv_event ev = {.kind = CV_EV_LOG, .lane = 0, .text = "a line of console output"};
    for (size_t i = 0; i < 100000 && rc == 0; i++) {
        ev.seq = i;
        rc = cv_trace_write_event(full, log, &ev, labels);
    }
    assert_int_equal(rc, -1);
    fclose(full);
    cv_trace_labels_destroy(labels);
    cv_log_destroy(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_committed_traces_rewrite_byte_for_byte),
        cmocka_unit_test(test_every_kind_state_and_text_matches_the_reference),
        cmocka_unit_test(test_range_equals_lines),
        cmocka_unit_test(test_nasty_texts_as_written),
        cmocka_unit_test(test_labels_restated),
        cmocka_unit_test(test_labels_near_and_far),
        cmocka_unit_test(test_seconds_as_printf_writes_them),
        cmocka_unit_test(test_numbers_as_printf_writes_them),
        cmocka_unit_test(test_write_error_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
