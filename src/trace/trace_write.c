/*
 * Writing traces.  The mapping between events and fields is data: each
 * kind's descriptor (src/event/event_kinds.c) lists its fields for people
 * ("label", "result", "on"), the member each one holds and when it
 * appears.  The writer walks that list, and the reader (trace_read.c)
 * walks it back, so that a replayed log equals the recorded one and a new
 * kind needs no code here.
 *
 * A line is formatted by hand into a buffer on the stack and handed to the
 * FILE in one call: a million-event run writes a million lines, and a JSON
 * tree per line (as cJSON built it) cost more than the run itself.  The
 * bytes are exactly those cJSON wrote, which the traces already recorded
 * hold us to: keys in table order, numbers as %lld, "t" as %.6f seconds,
 * and strings escaped as cJSON escapes them (see put_string).  A text of
 * any length costs no allocation: the buffer goes out whenever it fills.
 */
#include "trace.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Room for one line of the usual kind, or for a batch of lines written
 * together (cv_trace_write_range); a longer line goes out in pieces. */
#define LINE_CAP 1024
#define BATCH_CAP (16 * 1024)
/* The most a single number, key or escape adds, so that each needs one
 * check for room. */
#define PIECE_MAX 48

/* Lines being formatted into buf, on their way to out. */
typedef struct line {
    FILE *out;
    char *buf, *p, *end; /* p: the next free byte; end: the buffer's end */
    bool failed;
} line;

static void flush(line *l)
{
    size_t n = (size_t)(l->p - l->buf);
    if (n > 0 && fwrite(l->buf, 1, n, l->out) != n)
        l->failed = true;
    l->p = l->buf;
}

/* Makes room for n <= PIECE_MAX bytes. */
static inline void reserve(line *l, size_t n)
{
    if ((size_t)(l->end - l->p) < n)
        flush(l);
}

static inline void put_bytes(line *l, const char *s, size_t n)
{
    if (n > PIECE_MAX) { /* never in a line of ours, but not beyond the buffer */
        flush(l);
        if (fwrite(s, 1, n, l->out) != n)
            l->failed = true;
        return;
    }
    reserve(l, n);
    memcpy(l->p, s, n);
    l->p += n;
}

/* `,"key":`, the separator and key before a value (keys are the table's
 * and ours: plain ASCII, never escaped). */
static inline void put_key(line *l, const char *key)
{
    put_bytes(l, ",\"", 2);
    put_bytes(l, key, strlen(key));
    put_bytes(l, "\":", 2);
}

/* "00" to "99", for writing numbers two digits at a time. */
static const char digit_pairs[201] = "00010203040506070809101112131415161718192021222324"
                                     "25262728293031323334353637383940414243444546474849"
                                     "50515253545556575859606162636465666768697071727374"
                                     "75767778798081828384858687888990919293949596979899";

/* The decimal digits of v, as %lld writes them: two at a time, from the
 * right, into a scratch array, then into the line as a copy of a fixed
 * size (fast) of which only the digits count. */
static void put_int(line *l, long long v)
{
    char tmp[48];
    char *end = tmp + 24, *d = end;
    /* Through the magnitude as unsigned, so that LLONG_MIN has one. */
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    while (u >= 100) {
        unsigned i = (unsigned)(u % 100) * 2;
        u /= 100;
        d -= 2;
        memcpy(d, digit_pairs + i, 2);
    }
    if (u >= 10) {
        d -= 2;
        memcpy(d, digit_pairs + u * 2, 2);
    } else {
        *--d = (char)('0' + u);
    }
    if (v < 0)
        *--d = '-';
    reserve(l, 24);
    memcpy(l->p, d, 24);
    l->p += end - d;
}

/* Whether byte c is written as it is inside a JSON string. */
static inline bool plain_byte(unsigned char c)
{
    return c > 31 && c != '"' && c != '\\';
}

/* The length of the run of plain bytes at the start of u[0, len): eight
 * bytes at a time while none of them is special (a byte below 0x20, the
 * quote or the backslash; the classic test for a zero byte in a word, on
 * the word itself and on it xor'ed with each special byte), then one at a
 * time.  Reads stay within len. */
static size_t plain_run(const unsigned char *u, size_t len)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    size_t n = 0;
    for (; n + 8 <= len; n += 8) {
        uint64_t w, q, b;
        memcpy(&w, u + n, 8);
        q = w ^ (ones * '"');
        b = w ^ (ones * '\\');
        if (((w - ones * 0x20) & ~w & highs) | ((q - ones) & ~q & highs) |
            ((b - ones) & ~b & highs))
            break;
    }
    while (n < len && plain_byte(u[n]))
        n++;
    return n;
}

/* s as a JSON string, escaped exactly as cJSON does: the quote and the
 * backslash, \b \f \n \r \t by letter, every other byte below 0x20 as
 * \u00xx in lowercase hex; every byte from 0x20 up, 0x7f and the bytes of
 * UTF-8 (valid or not) included, goes through as it is. */
static void put_string(line *l, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    size_t len = strlen(s);
    reserve(l, 1);
    *l->p++ = '"';
    while (len > 0) {
        /* A run of plain bytes, in as many pieces as the buffer needs. */
        size_t n = plain_run(u, len);
        for (size_t done = 0; done < n;) {
            if (l->p == l->end)
                flush(l);
            size_t room = (size_t)(l->end - l->p), k = n - done < room ? n - done : room;
            memcpy(l->p, u + done, k);
            l->p += k;
            done += k;
        }
        u += n;
        len -= n;
        if (len == 0)
            break;
        reserve(l, 6);
        *l->p++ = '\\';
        switch (*u) {
        case '"': *l->p++ = '"'; break;
        case '\\': *l->p++ = '\\'; break;
        case '\b': *l->p++ = 'b'; break;
        case '\f': *l->p++ = 'f'; break;
        case '\n': *l->p++ = 'n'; break;
        case '\r': *l->p++ = 'r'; break;
        case '\t': *l->p++ = 't'; break;
        default:
            memcpy(l->p, "u00", 3);
            l->p[3] = hex[*u >> 4];
            l->p[4] = hex[*u & 15];
            l->p += 5;
            break;
        }
        u++;
        len--;
    }
    reserve(l, 1);
    *l->p++ = '"';
}

static void put_str_field(line *l, const char *key, const char *value)
{
    if (value == NULL)
        return;
    put_key(l, key);
    put_string(l, value);
}

static void put_int_field(line *l, const char *key, long long value)
{
    put_key(l, key);
    put_int(l, value);
}

/* ns since the start as seconds with six decimals, the bytes that
 * printf("%.6f", t_ns / 1e9) writes.  That division is exact to within
 * t * 2^-53 s, and %.6f rounds the double it gives to the nearest µs; so
 * for a time under 10^6 s that is not a tie (500 ns past a µs) the
 * nearest µs of the exact value is the same digit string, and it is
 * computed in integers.  Ties, where the double's last bit decides, and
 * anything else go through printf itself. */
static void put_seconds(line *l, int64_t t_ns)
{
    if (t_ns < 0 || t_ns >= (int64_t)1000000 * 1000000000 || t_ns % 1000 == 500) {
        char num[48];
        int n = snprintf(num, sizeof num, "%.6f", (double)t_ns / 1e9);
        put_bytes(l, num, n > 0 ? (size_t)n : 0);
        return;
    }
    int64_t us = t_ns / 1000 + (t_ns % 1000 > 500);
    put_int(l, us / 1000000);
    unsigned f = (unsigned)(us % 1000000);
    reserve(l, 7);
    l->p[0] = '.';
    memcpy(l->p + 1, digit_pairs + f / 10000 * 2, 2);
    memcpy(l->p + 3, digit_pairs + f / 100 % 100 * 2, 2);
    memcpy(l->p + 5, digit_pairs + f % 100 * 2, 2);
    l->p += 7;
}

/* The header's fields: the run (cv_log_meta), once per trace, so plain
 * printf does. */
static void put_header(line *l, const cv_log *log)
{
    const cv_log_meta *m = cv_log_meta_get(log);
    put_str_field(l, "program", "concviz");
    put_str_field(l, "version", CV_VERSION);
    put_str_field(l, "scenario", m->scenario);
    put_str_field(l, "args", m->args);
    char num[48];
    snprintf(num, sizeof num, "%g", m->speed);
    put_key(l, "speed");
    put_bytes(l, num, strlen(num));
    time_t secs = (time_t)(m->wall_start_ns / 1000000000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    char when[64];
    snprintf(when, sizeof when, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
             (int)(m->wall_start_ns % 1000000000 / 1000));
    put_str_field(l, "started", when);
    put_int_field(l, "wall_ns", m->wall_start_ns);
}

/* What the writer needs of each kind, read from its table once: for each
 * state, the fields its lines carry and whether one of them gives a label;
 * and the text around each field's value, `,"key":`, made once.  Walking
 * the table for every line cost more than writing it. */
#define PLAN_STATES 33 /* states 0 to 31, and [32] for any state past them */
#define PLAN_FIELDS 32 /* the bits of a mask */

typedef struct key_piece {
    char text[PIECE_MAX];
    size_t len;
} key_piece;

typedef struct kind_plan {
    const cv_kind_desc *d;
    key_piece kind; /* ,"kind":"future" */
    key_piece keys[PLAN_FIELDS];
    key_piece states[PLAN_STATES]; /* "running", quoted; len 0: none */
    uint32_t fields[PLAN_STATES];
    bool labels[PLAN_STATES];
    bool side_field; /* the kind writes its side itself (a frame's is its point) */
} kind_plan;

static kind_plan plans[CV_EV_KIND_COUNT];
static pthread_once_t plans_once = PTHREAD_ONCE_INIT;

static bool make_piece(key_piece *p, const char *before, const char *text, const char *after)
{
    int n = snprintf(p->text, sizeof p->text, "%s%s%s", before, text, after);
    p->len = n > 0 && (size_t)n < sizeof p->text ? (size_t)n : 0;
    return p->len > 0;
}

static void make_plans(void)
{
    for (unsigned k = 0; k < CV_EV_KIND_COUNT; k++) {
        const cv_kind_desc *d = cv_event_kind_desc(k);
        kind_plan *plan = &plans[k];
        /* A kind the plan cannot hold (no name, a long key, too many
         * fields) keeps d NULL and is written from the table itself. */
        if (d == NULL || d->nfields > PLAN_FIELDS ||
            !make_piece(&plan->kind, ",\"kind\":\"", d->name, "\""))
            continue;
        /* A state's name as put_string writes it, if it needs no escape. */
        for (unsigned st = 0; st < 32; st++) {
            const char *name = cv_event_state_name(k, st);
            bool plain = name != NULL;
            for (const char *c = name; plain && *c != '\0'; c++)
                plain = plain_byte((unsigned char)*c);
            if (plain)
                make_piece(&plan->states[st], "\"", name, "\"");
        }
        bool fits = true;
        for (size_t i = 0; i < d->nfields; i++) {
            const cv_field *f = &d->fields[i];
            fits &= make_piece(&plan->keys[i], ",\"", f->key, "\":");
            plan->side_field |= f->type == CV_FT_SIDE;
            for (unsigned st = 0; st < PLAN_STATES; st++) {
                if (!cv_field_in_state(f, st < 32 ? st : UINT16_MAX))
                    continue;
                plan->fields[st] |= 1u << i;
                plan->labels[st] |= f->type == CV_FT_LABEL;
            }
        }
        if (fits)
            plan->d = d;
    }
}

static inline void put_piece(line *l, const key_piece *p)
{
    /* The whole array: a copy of a fixed size is a few moves, not a call. */
    reserve(l, sizeof p->text);
    memcpy(l->p, p->text, sizeof p->text);
    l->p += p->len;
}

/* The text before a field's value: its piece, or the key when the plan
 * has none. */
static inline void put_field_key(line *l, const cv_field *f, const key_piece *key)
{
    if (key != NULL)
        put_piece(l, key);
    else
        put_key(l, f->key);
}

static void put_field(line *l, const cv_field *f, const key_piece *key,
                      const key_piece *state, const cv_event *ev, const cv_trace_labels *labels)
{
    long long n = cv_field_member_get(ev, f->member);
    const char *text = NULL;
    switch (f->type) {
    case CV_FT_INT:
        if (!f->optional || n != f->def) {
            put_field_key(l, f, key);
            put_int(l, n);
        }
        return;
    case CV_FT_TEXT:
    case CV_FT_LABEL:
        text = ev->text != NULL ? ev->text : f->text_def;
        break;
    case CV_FT_LABEL_OF:
        text = n != 0 ? cv_trace_labels_get(labels, (uint64_t)n) : NULL;
        break;
    case CV_FT_STATE:
        if (state != NULL && state->len > 0) {
            put_field_key(l, f, key);
            put_piece(l, state);
            return;
        }
        text = cv_event_state_name(ev->kind, ev->state);
        if (text == NULL) {
            put_field_key(l, f, key);
            put_int(l, ev->state);
            return;
        }
        break;
    case CV_FT_SIDE:
        if (!f->optional || ev->side != 0)
            text = cv_side_name(ev->side);
        break;
    case CV_FT_ROLE:
        if (!f->optional || (n > CV_ROLE_UNKNOWN && n < CV_ROLE_COUNT))
            text = cv_role_name((unsigned)n);
        break;
    case CV_FT_RESULT:
        /* The text, or the value as text: a string either way. */
        text = ev->text;
        if (text == NULL) {
            put_field_key(l, f, key);
            put_bytes(l, "\"", 1);
            put_int(l, (long long)ev->ref);
            put_bytes(l, "\"", 1);
            return;
        }
        break;
    default:
        return;
    }
    if (text != NULL) {
        put_field_key(l, f, key);
        put_string(l, text);
    }
}

/* Whether the kind writes its side itself (a frame's is its point). */
static bool has_side_field(const cv_kind_desc *d)
{
    for (size_t i = 0; d != NULL && i < d->nfields; i++)
        if (d->fields[i].type == CV_FT_SIDE)
            return true;
    return false;
}

/* Appends ev's line to l. */
static void format_event(line *l, const cv_log *log, const cv_event *ev, cv_trace_labels *labels)
{
    pthread_once(&plans_once, make_plans);
    const kind_plan *plan = ev->kind < CV_EV_KIND_COUNT && plans[ev->kind].d != NULL
                                ? &plans[ev->kind] : NULL;
    unsigned st = ev->state < 32 ? ev->state : 32;
    if (plan == NULL)
        cv_trace_labels_note(labels, ev);
    else if (plan->labels[st] && ev->text != NULL)
        cv_trace_labels__set(labels, ev->id, ev->text);

    put_bytes(l, "{\"seq\":", 7);
    put_int(l, (long long)ev->seq);
    put_bytes(l, ",\"t\":", 5);
    put_seconds(l, ev->t_ns);
    const cv_kind_desc *d;
    if (plan != NULL) {
        d = plan->d;
        put_piece(l, &plan->kind);
    } else {
        d = cv_event_kind_desc(ev->kind);
        put_str_field(l, "kind", cv_event_kind_name(ev->kind));
    }
    if (d != NULL && d->meta)
        put_header(l, log);
    if (plan != NULL) {
        for (uint32_t m = plan->fields[st]; m != 0; m &= m - 1) {
            unsigned i = (unsigned)__builtin_ctz(m);
            put_field(l, &d->fields[i], &plan->keys[i], &plan->states[st], ev, labels);
        }
    } else {
        for (size_t i = 0; d != NULL && i < d->nfields; i++)
            if (cv_field_in_state(&d->fields[i], ev->state))
                put_field(l, &d->fields[i], NULL, NULL, ev, labels);
    }
    /* Fields every kind shares, for a faithful replay. */
    if (d == NULL || !d->meta) {
        put_bytes(l, ",\"origin\":", 10);
        put_int(l, ev->origin);
    }
    if (ev->side != 0 && !(plan != NULL ? plan->side_field : has_side_field(d)))
        put_str_field(l, "side", cv_side_name(ev->side));
    if (ev->flags != 0)
        put_int_field(l, "flags", ev->flags);
    put_bytes(l, "}\n", 2);
}

int cv_trace_write_event(FILE *out, const cv_log *log, const cv_event *ev,
                         cv_trace_labels *labels)
{
    char buf[LINE_CAP];
    line l = {.out = out, .buf = buf, .p = buf, .end = buf + sizeof buf};
    format_event(&l, log, ev, labels);
    flush(&l);
    return l.failed ? -1 : 0;
}

/* The lines of a range go to the FILE a batch at a time: one call per
 * line, with its lock, was a tenth of the cost of a line. */
int cv_trace_write_range(FILE *out, const cv_log *log, size_t from, size_t to,
                         cv_trace_labels *labels)
{
    char buf[BATCH_CAP];
    line l = {.out = out, .buf = buf, .p = buf, .end = buf + sizeof buf};
    for (size_t i = from; i < to && !l.failed; i++)
        format_event(&l, log, cv_log_at(log, i), labels);
    flush(&l);
    return l.failed ? -1 : 0;
}
