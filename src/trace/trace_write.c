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

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Room for one line of the usual kind; a longer one goes out in pieces. */
#define LINE_CAP 1024
/* The most a single number, key or escape adds, so that each needs one
 * check for room. */
#define PIECE_MAX 48

typedef struct line {
    FILE *out;
    char *p; /* the next free byte of buf */
    bool failed;
    char buf[LINE_CAP];
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
    if ((size_t)(l->buf + LINE_CAP - l->p) < n)
        flush(l);
}

static inline void put_bytes(line *l, const char *s, size_t n)
{
    reserve(l, n);
    memcpy(l->p, s, n);
    l->p += n;
}

/* `,"key":`, the separator and key before a value (keys are the table's
 * and ours: plain ASCII, never escaped). */
static inline void put_key(line *l, const char *key)
{
    size_t n = strlen(key);
    reserve(l, n + 4);
    *l->p++ = ',';
    *l->p++ = '"';
    memcpy(l->p, key, n);
    l->p += n;
    *l->p++ = '"';
    *l->p++ = ':';
}

/* The decimal digits of v, as %lld writes them. */
static void put_int(line *l, long long v)
{
    char tmp[24];
    char *end = tmp + sizeof tmp, *d = end;
    /* Through the magnitude as unsigned, so that LLONG_MIN has one. */
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        *--d = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (v < 0)
        *--d = '-';
    put_bytes(l, d, (size_t)(end - d));
}

/* Whether byte c is written as it is inside a JSON string. */
static inline bool plain_byte(unsigned char c)
{
    return c > 31 && c != '"' && c != '\\';
}

/* s as a JSON string, escaped exactly as cJSON does: the quote and the
 * backslash, \b \f \n \r \t by letter, every other byte below 0x20 as
 * \u00xx in lowercase hex; every byte from 0x20 up, 0x7f and the bytes of
 * UTF-8 (valid or not) included, goes through as it is. */
static void put_string(line *l, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    reserve(l, 1);
    *l->p++ = '"';
    for (;;) {
        /* A run of plain bytes, as much of it as the buffer holds. */
        size_t room = (size_t)(l->buf + LINE_CAP - l->p), n = 0;
        while (n < room && u[n] != '\0' && plain_byte(u[n]))
            n++;
        memcpy(l->p, u, n);
        l->p += n;
        u += n;
        if (*u == '\0')
            break;
        if (plain_byte(*u)) { /* the buffer was full */
            flush(l);
            continue;
        }
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
    char frac[7];
    int64_t f = us % 1000000;
    for (int i = 5; i >= 0; i--, f /= 10)
        frac[i + 1] = (char)('0' + f % 10);
    frac[0] = '.';
    put_bytes(l, frac, sizeof frac);
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

/* A member as a signed number, as the trace writes it. */
static long long member_get(const cv_event *ev, unsigned member)
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

static void put_field(line *l, const cv_field *f, const cv_event *ev,
                      const cv_trace_labels *labels)
{
    long long n = member_get(ev, f->member);
    const char *text = ev->text != NULL ? ev->text : f->text_def;
    const char *name;
    switch (f->type) {
    case CV_FT_INT:
        if (!f->optional || n != f->def)
            put_int_field(l, f->key, n);
        break;
    case CV_FT_TEXT:
    case CV_FT_LABEL:
        put_str_field(l, f->key, text);
        break;
    case CV_FT_LABEL_OF:
        if (n != 0)
            put_str_field(l, f->key, cv_trace_labels_get(labels, (uint64_t)n));
        break;
    case CV_FT_STATE:
        name = cv_event_state_name(ev->kind, ev->state);
        if (name != NULL)
            put_str_field(l, f->key, name);
        else
            put_int_field(l, f->key, ev->state);
        break;
    case CV_FT_SIDE:
        if (!f->optional || ev->side != 0)
            put_str_field(l, f->key, cv_side_name(ev->side));
        break;
    case CV_FT_ROLE:
        if (!f->optional || (n > CV_ROLE_UNKNOWN && n < CV_ROLE_COUNT))
            put_str_field(l, f->key, cv_role_name((unsigned)n));
        break;
    case CV_FT_RESULT:
        /* The text, or the value as text: a string either way. */
        put_key(l, f->key);
        if (ev->text != NULL) {
            put_string(l, ev->text);
        } else {
            put_bytes(l, "\"", 1);
            put_int(l, (long long)ev->ref);
            put_bytes(l, "\"", 1);
        }
        break;
    default:
        break;
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

int cv_trace_write_event(FILE *out, const cv_log *log, const cv_event *ev,
                         cv_trace_labels *labels)
{
    cv_trace_labels_note(labels, ev);
    line l;
    l.out = out;
    l.p = l.buf;
    l.failed = false;
    memcpy(l.p, "{\"seq\":", 7);
    l.p += 7;
    put_int(&l, (long long)ev->seq);
    put_key(&l, "t");
    put_seconds(&l, ev->t_ns);
    put_str_field(&l, "kind", cv_event_kind_name(ev->kind));
    const cv_kind_desc *d = cv_event_kind_desc(ev->kind);
    if (d != NULL && d->meta)
        put_header(&l, log);
    for (size_t i = 0; d != NULL && i < d->nfields; i++)
        if (cv_field_in_state(&d->fields[i], ev->state))
            put_field(&l, &d->fields[i], ev, labels);
    /* Fields every kind shares, for a faithful replay. */
    if (d == NULL || !d->meta)
        put_int_field(&l, "origin", ev->origin);
    if (ev->side != 0 && !has_side_field(d))
        put_str_field(&l, "side", cv_side_name(ev->side));
    if (ev->flags != 0)
        put_int_field(&l, "flags", ev->flags);
    put_bytes(&l, "}\n", 2);
    flush(&l);
    return l.failed ? -1 : 0;
}

int cv_trace_write_range(FILE *out, const cv_log *log, size_t from, size_t to,
                         cv_trace_labels *labels)
{
    for (size_t i = from; i < to; i++)
        if (cv_trace_write_event(out, log, cv_log_at(log, i), labels) != 0)
            return -1;
    return 0;
}
