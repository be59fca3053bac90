/*
 * Reading traces, fast and strict.  The file is read in large blocks
 * (fread, so that a pipe or a decompressing FILE* serves as well as a
 * file) and cut into lines with memchr; each line is parsed in place as
 * one flat JSON object (trace_json.c), and its members are found by key
 * through a small hash table built once per reader from the kind table
 * (src/event/event_kinds.c).  That table drives the mapping back to an
 * event, the inverse of trace_write.c, so a new kind needs no code here.
 *
 * The reader trusts nothing it reads (see trace.h): every number is read
 * exactly (integers never pass through a double, so ids above 2^53 stay
 * what they were; "t" is read to the ns from its digits) and checked
 * against its field's range, a key may appear once, and a line is one
 * object and nothing more, at most CV_TRACE_MAX_LINE bytes.
 *
 * A reader hands the trace over in batches (cv_trace_reader_next), so
 * that a caller can show the first events before the last are read;
 * cv_trace_read is the loop that reads them all.
 */
#include "trace.h"
#include "trace_json.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zstd_file.h"

/* The first block read; it grows (up to the line cap) only for a line
 * longer than itself. */
#define BLOCK (256u << 10)
/* The events cv_trace_read appends between two publishes. */
#define READ_BATCH 65536

/* Names the reader looks up: keys, kind names and each kind's state
 * names, each in its own namespace, in one open-addressing table. */
#define NAMES 512
#define MAX_KEYS 128
#define SHAPE 16
enum { NS_KEY, NS_KIND, NS_STATE }; /* NS_STATE + kind for a kind's states */

/* The keys every line may carry, and the header's; the kinds' own keys
 * are numbered after these as the table names them. */
enum { K_SEQ, K_T, K_KIND, K_ORIGIN, K_FLAGS, K_SIDE, K_STATE, K_SCENARIO, K_ARGS,
       K_SPEED, K_WALL_NS, K_BOOKMARK, K_DEMO_T, K_PID, K_FIXED };
static const char *const fixed_keys[K_FIXED] = {
    "seq", "t", "kind", "origin", "flags", "side", "state", "scenario", "args", "speed", "wall_ns",
    "bookmark", "demo_t", "pid",
};

typedef struct name {
    uint64_t w0;   /* its first 8 bytes, as word() reads them */
    uint32_t meta; /* meta(ns, len); 0 for a free slot */
    int value;
    const char *s;
} name;

struct cv_trace_reader {
    FILE *in;
    char *path;
    /* The block: bytes [start, end) are read and not yet parsed; a line
     * is searched for its newline from `scan` on. */
    char *buf;
    size_t cap, start, end, scan, block;
    bool eof;
    int status;        /* CV_TRACE_MORE until the trace ends or is refused */
    char msg[256];     /* the refusal or warning, kept for every later call */
    size_t line;
    uint64_t next_seq;
    /* Lines from a live program (trace_stream.c): no "seq" (the stream
     * numbers them), a "pid" on each, no header and no bookmarks. */
    bool stream;
    /* The bookmarks (trace_marks.h) on the lines after the last event,
     * and the key of their "text". */
    cv_marks marks;
    int k_text;
    /* The line being read: its members, and where each known key is. */
    cv_tjson_line json;
    const cv_tjson_member *slot[MAX_KEYS]; /* by key; NULL: not on the line */
    uint8_t set[MAX_KEYS];                 /* the keys set, to clear them */
    size_t nset;
    uint32_t *unknown;
    size_t unknown_cap;
    /* The names, and the key number of every field of every kind. */
    name names[NAMES];
    int nnames, nkeys;
    uint8_t *field_key;
    size_t field_at[CV_EV_KIND_COUNT];
    /* For each kind and state, the fields to read, in the order to read
     * them (see field_order); a state past 31 has the last list. */
    uint8_t *order;
    uint32_t order_at[CV_EV_KIND_COUNT][33];
    uint8_t order_n[CV_EV_KIND_COUNT][33];
    const cv_kind_desc *desc[CV_EV_KIND_COUNT];
    locale_t c_numeric; /* strtod's '.', whatever the program's locale */
    /* The keys of the line before, by place: lines of one kind and state
     * repeat them, and a word compare is cheaper than a lookup. */
    uint64_t shape_w[SHAPE];
    uint32_t shape_len[SHAPE];
    int shape_key[SHAPE];
};

/* The first n <= 8 bytes at s as a word, the bytes past them zero.  It
 * loads 8 bytes: a key or a value in a line has the line's padding after
 * it (trace_json.h), so this is safe for them; names from the kind table
 * go through name_word instead. */
static inline uint64_t word(const char *s, size_t n)
{
    uint64_t x;
    memcpy(&x, s, 8);
    if (n >= 8)
        return x;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return n == 0 ? 0 : x & ~(((uint64_t)1 << (8 * (8 - n))) - 1);
#else
    return x & (((uint64_t)1 << (8 * n)) - 1);
#endif
}

/* word() for a string that may end at its NUL. */
static uint64_t name_word(const char *s, size_t n)
{
    char b[8] = {0};
    memcpy(b, s, n < 8 ? n : 8);
    return word(b, n);
}

/* A name's namespace and length in one word, never 0.  No known name is
 * anywhere near 2^20 bytes long; a longer one is no name. */
static inline uint32_t meta(uint32_t ns, size_t len)
{
    return len < (1u << 20) ? 1u << 31 | ns << 20 | (uint32_t)len : 0;
}

/* Keys and names are short and few: a name is found by its first 8 bytes
 * and its meta, hashed by one multiplication, and compared as that word
 * (then the rest, for a name longer than 8 bytes). */
static inline uint32_t hash(uint64_t w0, uint32_t m)
{
    return (uint32_t)(((w0 ^ m) * 0x9e3779b97f4a7c15ull) >> 40) & (NAMES - 1);
}

/* The value of name s (a key or value from a line) in namespace ns, or
 * -1. */
static inline int lookup(const cv_trace_reader *r, uint32_t ns, const char *s, size_t len)
{
    uint64_t w0 = word(s, len < 8 ? len : 8);
    uint32_t m = meta(ns, len);
    if (m == 0)
        return -1;
    for (uint32_t i = hash(w0, m);; i = (i + 1) & (NAMES - 1)) {
        const name *n = &r->names[i];
        if (n->w0 == w0 && n->meta == m && (len <= 8 || memcmp(n->s + 8, s + 8, len - 8) == 0))
            return n->value;
        if (n->meta == 0)
            return -1;
    }
}

/* Adds a name unless it is there; returns its value, or -1 when full. */
static int add_name(cv_trace_reader *r, uint32_t ns, const char *s, int value)
{
    size_t len = strlen(s);
    uint64_t w0 = name_word(s, len);
    uint32_t m = meta(ns, len);
    uint32_t i = hash(w0, m);
    for (; r->names[i].meta != 0; i = (i + 1) & (NAMES - 1))
        if (r->names[i].meta == m && strcmp(r->names[i].s, s) == 0)
            return r->names[i].value;
    if (r->nnames >= NAMES / 2 || m == 0)
        return -1;
    r->nnames++;
    r->names[i] = (name){.w0 = w0, .meta = m, .s = s, .value = value};
    return value;
}

static int add_key(cv_trace_reader *r, const char *key)
{
    if (r->nkeys >= MAX_KEYS)
        return -1;
    int got = add_name(r, NS_KEY, key, r->nkeys);
    if (got == r->nkeys)
        r->nkeys++;
    return got;
}

/* Lists, for every kind and state, the fields that belong to it and are
 * read (a state is read first, a label of another id is derived): all but
 * the result first, then the result, which is compared with the value it
 * may restate.  Reading a line walks its list, not the whole table. */
static int field_order(cv_trace_reader *r, size_t nfields)
{
    r->order = malloc(33 * nfields + 1);
    if (r->order == NULL)
        return -1;
    uint32_t at = 0;
    for (unsigned k = 0; k < CV_EV_KIND_COUNT; k++) {
        const cv_kind_desc *d = cv_event_kind_desc(k);
        for (unsigned st = 0; st < 33; st++) {
            r->order_at[k][st] = at;
            for (int pass = 0; d != NULL && pass < 2; pass++)
                for (size_t i = 0; i < d->nfields; i++)
                    if ((d->fields[i].type == CV_FT_RESULT) == (pass == 1) &&
                        d->fields[i].type != CV_FT_STATE && d->fields[i].type != CV_FT_LABEL_OF &&
                        cv_field_in_state(&d->fields[i], st))
                        r->order[at++] = (uint8_t)i;
            r->order_n[k][st] = (uint8_t)(at - r->order_at[k][st]);
        }
    }
    return 0;
}

/* Names every key, kind and state the kind table knows. */
static int build_names(cv_trace_reader *r)
{
    for (int k = 0; k < K_FIXED; k++)
        if (add_key(r, fixed_keys[k]) != k)
            return -1;
    size_t nfields = 0;
    for (unsigned k = 0; k < CV_EV_KIND_COUNT; k++) {
        const cv_kind_desc *d = cv_event_kind_desc(k);
        r->field_at[k] = nfields;
        if (d != NULL && d->nfields > UINT8_MAX)
            return -1;
        nfields += d != NULL ? d->nfields : 0;
    }
    r->field_key = malloc(nfields + 1);
    if (r->field_key == NULL || field_order(r, nfields) != 0)
        return -1;
    for (unsigned k = 0; k < CV_EV_KIND_COUNT; k++) {
        const cv_kind_desc *d = r->desc[k] = cv_event_kind_desc(k);
        if (d == NULL)
            continue;
        if (add_name(r, NS_KIND, d->name, (int)k) < 0)
            return -1;
        for (int st = 0; d->states != NULL && d->states[st] != NULL; st++)
            if (add_name(r, NS_STATE + k, d->states[st], st) < 0)
                return -1;
        for (size_t i = 0; i < d->nfields; i++) {
            int key = add_key(r, d->fields[i].key);
            if (key < 0)
                return -1;
            r->field_key[r->field_at[k] + i] = (uint8_t)key;
        }
    }
    return 0;
}

static int fail(cv_trace_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Keeps a refusal naming the line; returns -1. */
static int fail(cv_trace_reader *r, const char *fmt, ...)
{
    int n = snprintf(r->msg, sizeof r->msg, "line %zu: ", r->line);
    if (n > 0 && (size_t)n < sizeof r->msg) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->msg + n, sizeof r->msg - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* A key from the file, fit to quote in a one-line message: printable
 * ASCII only (a key may hold anything, an escape sequence too), cut. */
static const char *shown(const char *s, size_t len, char out[48])
{
    size_t n = 0;
    for (size_t i = 0; i < len && n < 40; i++)
        out[n++] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
    if (len > 40)
        out[n++] = '.', out[n++] = '.', out[n++] = '.';
    out[n] = '\0';
    return out;
}

static int by_key(const void *a, const void *b)
{
    const cv_tjson_member *x = *(const cv_tjson_member *const *)a;
    const cv_tjson_member *y = *(const cv_tjson_member *const *)b;
    if (x->keylen != y->keylen)
        return x->keylen < y->keylen ? -1 : 1;
    return memcmp(x->key, y->key, x->keylen);
}

static bool same_key(const cv_tjson_member *a, const cv_tjson_member *b)
{
    return a->keylen == b->keylen && memcmp(a->key, b->key, a->keylen) == 0;
}

static int duplicate(cv_trace_reader *r, const cv_tjson_member *m)
{
    char key[48];
    return fail(r, "the key \"%s\" appears twice", shown(m->key, m->keylen, key));
}

/* Notes where each known key of the line is, and refuses a key that
 * appears twice: a known one by its slot, unknown ones by comparing them
 * (pairwise when they are few, sorted when they are many, so that a line
 * of a hundred thousand keys costs n log n, not n squared). */
static int index_members(cv_trace_reader *r)
{
    for (size_t i = 0; i < r->nset; i++) /* the line before's */
        r->slot[r->set[i]] = NULL;
    r->nset = 0;
    size_t nunknown = 0;
    for (size_t i = 0; i < r->json.n; i++) {
        const cv_tjson_member *m = &r->json.m[i];
        int key;
        if (i < SHAPE && m->keylen <= 8) {
            uint64_t w = word(m->key, m->keylen);
            if (r->shape_len[i] == m->keylen && r->shape_w[i] == w) {
                key = r->shape_key[i];
            } else {
                key = lookup(r, NS_KEY, m->key, m->keylen);
                r->shape_w[i] = w;
                r->shape_len[i] = m->keylen;
                r->shape_key[i] = key;
            }
        } else {
            key = lookup(r, NS_KEY, m->key, m->keylen);
        }
        if (key >= 0) {
            if (r->slot[key] != NULL)
                return duplicate(r, m);
            r->slot[key] = m;
            r->set[r->nset++] = (uint8_t)key;
            continue;
        }
        if (nunknown == r->unknown_cap) {
            size_t cap = r->unknown_cap ? r->unknown_cap * 2 : 16;
            uint32_t *u = realloc(r->unknown, cap * sizeof *u);
            if (u == NULL)
                return fail(r, "out of memory");
            r->unknown = u;
            r->unknown_cap = cap;
        }
        r->unknown[nunknown++] = (uint32_t)i;
    }
    if (nunknown <= 8) {
        for (size_t i = 0; i < nunknown; i++)
            for (size_t j = i + 1; j < nunknown; j++)
                if (same_key(&r->json.m[r->unknown[i]], &r->json.m[r->unknown[j]]))
                    return duplicate(r, &r->json.m[r->unknown[i]]);
        return 0;
    }
    const cv_tjson_member **sorted = malloc(nunknown * sizeof *sorted);
    if (sorted == NULL)
        return fail(r, "out of memory");
    for (size_t i = 0; i < nunknown; i++)
        sorted[i] = &r->json.m[r->unknown[i]];
    qsort(sorted, nunknown, sizeof *sorted, by_key);
    int rc = 0;
    for (size_t i = 1; i < nunknown && rc == 0; i++)
        if (same_key(sorted[i - 1], sorted[i]))
            rc = duplicate(r, sorted[i]);
    free(sorted);
    return rc;
}

/* The member with known key `key` on this line, or NULL. */
static const cv_tjson_member *get(const cv_trace_reader *r, int key)
{
    return r->slot[key];
}

/* The text of a string member, or NULL (absent, or not a string). */
static const char *get_str(const cv_trace_reader *r, int key)
{
    const cv_tjson_member *m = get(r, key);
    return m != NULL && m->type == CV_TJ_STRING ? m->val : NULL;
}

static char *dup_str(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* A copy of a string member's text, whose length is known. */
static char *dup_member(const cv_tjson_member *m)
{
    char *s = malloc((size_t)m->vallen + 1);
    if (s != NULL)
        memcpy(s, m->val, (size_t)m->vallen + 1);
    return s;
}

/* A number member as a whole number, exactly: 0 with *trunc and *frac,
 * -1 when it does not fit an int64_t. */
static inline int member_int(const cv_tjson_member *m, int64_t *trunc, bool *frac)
{
    if (m->plain) { /* the usual case: the parser read it */
        *trunc = m->num;
        *frac = false;
        return 0;
    }
    return cv_tjson__int(m->val, m->vallen, trunc, frac);
}

/* Reads the number at known key `key` into *out if the line has one: 1 if
 * it did, 0 if not (a missing number, or text where a number belongs, is
 * left to the default as it always was), -1 when it is outside [min, max]
 * or not whole. */
static inline int get_int(cv_trace_reader *r, int key, const char *keyname, long long min,
                          long long max, long long *out)
{
    const cv_tjson_member *m = get(r, key);
    if (m == NULL || m->type != CV_TJ_NUMBER)
        return 0;
    int64_t v;
    bool frac;
    if (member_int(m, &v, &frac) != 0 || v < min || v > max)
        return fail(r, "\"%s\" is out of range (%lld to %lld)", keyname, min, max);
    if (frac)
        return fail(r, "\"%s\" must be a whole number", keyname);
    *out = v;
    return 1;
}

/* A number member as a double (the header's speed, and "t" written with
 * an exponent): its text is JSON's grammar, which strtod reads, and is
 * followed by a byte that ends it.  strtod reads in the C locale: the UI
 * sets the user's (LC_ALL), where the decimal point may be a comma. */
static double member_double(const cv_trace_reader *r, const cv_tjson_member *m)
{
    locale_t was = uselocale(r->c_numeric);
    double d = strtod(m->val, NULL);
    uselocale(was);
    return d;
}

/* "t", seconds, to the ns: its digits are read as they are written, so
 * that 0.123456789 is 123456789 ns, not the double nearest it; the 10th
 * decimal rounds.  An exponent goes through strtod.  0, or -1 when
 * negative or not a number, -2 when out of range. */
static int read_t(const cv_trace_reader *r, const cv_tjson_member *m, int64_t *ns)
{
    if (m->type != CV_TJ_NUMBER)
        return -1;
    const char *s = m->val, *end = m->val + m->vallen;
    if (!m->exp) {
        if (*s == '-') { /* -0, -0.000: zero; any other digit: negative */
            for (s++; s < end; s++)
                if (*s != '0' && *s != '.')
                    return -1;
            *ns = 0;
            return 0;
        }
        int64_t secs = 0, frac = 0;
        for (; s < end && *s != '.'; s++) {
            if (secs > (int64_t)9e9)
                return -2;
            secs = secs * 10 + (*s - '0');
        }
        /* Nine decimals, padded with zeros; the tenth rounds. */
        static const int64_t pad[10] = {1000000000, 100000000, 10000000, 1000000, 100000,
                                        10000, 1000, 100, 10, 1};
        s += s < end;
        int nf = end - s < 9 ? (int)(end - s) : 9;
        for (int i = 0; i < nf; i++)
            frac = frac * 10 + (*s++ - '0');
        frac *= pad[nf];
        int round = s < end && *s >= '5';
        if (secs > (int64_t)9e9 || (secs == (int64_t)9e9 && frac + round > 0))
            return -2;
        *ns = secs * 1000000000 + frac + round;
        return 0;
    }
    double t = member_double(r, m);
    if (!(t >= 0) || !isfinite(t))
        return -1;
    if (t > 9e9)
        return -2;
    *ns = (int64_t)llround(t * 1e9);
    return 0;
}

/* Writes v in decimal; returns its length. */
static size_t fmt_ll(char out[24], long long v)
{
    char tmp[24];
    size_t n = 0, len = 0;
    unsigned long long u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;
    do
        tmp[n++] = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (v < 0)
        out[len++] = '-';
    while (n > 0)
        out[len++] = tmp[--n];
    out[len] = '\0';
    return len;
}

static int read_state(cv_trace_reader *r, cv_event *ev)
{
    const cv_tjson_member *m = get(r, K_STATE);
    if (m != NULL && m->type == CV_TJ_NUMBER) {
        long long st = 0;
        if (get_int(r, K_STATE, "state", 0, UINT16_MAX, &st) < 0)
            return -1;
        ev->state = (uint16_t)st;
        return 0;
    }
    int st = m != NULL && m->type == CV_TJ_STRING
                 ? lookup(r, NS_STATE + ev->kind, m->val, m->vallen) : -1;
    if (st < 0)
        return fail(r, "missing or unknown \"state\"");
    ev->state = (uint16_t)st;
    return 0;
}

static int read_header(cv_trace_reader *r, cv_log *log, cv_event *ev, uint64_t seq)
{
    if (seq != 0)
        return fail(r, "a header may only be the first line");
    cv_log_meta m = {.speed = 1.0};
    const char *scenario = get_str(r, K_SCENARIO), *args = get_str(r, K_ARGS);
    snprintf(m.scenario, sizeof m.scenario, "%s", scenario ? scenario : "?");
    snprintf(m.args, sizeof m.args, "%s", args ? args : "");
    /* The speed the CLI accepts, no more: the UI divides demo time by it,
     * and a speed of 1e300 made the time axis step by nothing. */
    const cv_tjson_member *speed = get(r, K_SPEED);
    if (speed != NULL && speed->type == CV_TJ_NUMBER) {
        double d = member_double(r, speed);
        if (!(d > 0 && d <= CV_MAX_SPEED))
            return fail(r, "\"speed\" is out of range (more than 0, at most %g)",
                        (double)CV_MAX_SPEED);
        m.speed = d;
    }
    long long wall = 0;
    if (get_int(r, K_WALL_NS, "wall_ns", 0, INT64_MAX, &wall) < 0) /* since 1970 */
        return -1;
    m.wall_start_ns = wall;
    cv_log_set_meta(log, &m);
    ev->text = dup_str(m.scenario);
    ev->lane = ev->origin = CV_NO_LANE;
    return 0;
}

/* Reads field i of the kind's table into ev. */
static int read_field(cv_trace_reader *r, const cv_kind_desc *d, size_t i, cv_event *ev)
{
    const cv_field *f = &d->fields[i];
    int key = r->field_key[r->field_at[ev->kind] + i];
    const cv_tjson_member *sm = get(r, key);
    if (sm != NULL && sm->type != CV_TJ_STRING)
        sm = NULL;
    const char *str = sm != NULL ? sm->val : NULL;
    long long n = f->def;
    int got;
    switch (f->type) {
    case CV_FT_INT:
        got = get_int(r, key, f->key, f->min, f->max, &n);
        if (got < 0)
            return -1;
        if (got == 0 && f->required)
            return fail(r, "a %s line needs \"%s\"", d->name, f->key);
        cv_field_member_set(ev, f->member, n);
        return 0;
    case CV_FT_TEXT:
    case CV_FT_LABEL:
        if (str == NULL && f->required)
            return fail(r, "a %s line needs \"%s\"", d->name, f->key);
        if (sm != NULL && ev->text == NULL && (ev->text = dup_member(sm)) == NULL)
            return fail(r, "out of memory");
        return 0;
    case CV_FT_SIDE:
        if (str != NULL && cv_side_from_name(str) > 0)
            ev->side = (uint16_t)cv_side_from_name(str);
        return 0;
    case CV_FT_ROLE:
        cv_field_member_set(ev, f->member,
                            str != NULL ? cv_role_from_name(str) : CV_ROLE_UNKNOWN);
        return 0;
    case CV_FT_RESULT: {
        /* A result that reads as its value is the value alone. */
        char num[24];
        if (sm != NULL && (fmt_ll(num, (long long)ev->ref) != sm->vallen ||
                           memcmp(sm->val, num, sm->vallen) != 0) &&
            ev->text == NULL && (ev->text = dup_member(sm)) == NULL)
            return fail(r, "out of memory");
        return 0;
    }
    default: /* STATE is read first; LABEL_OF is derived, not read. */
        return 0;
    }
}

static int parse_event(cv_trace_reader *r, cv_log *log, cv_event *ev)
{
    const cv_tjson_member *seqm = get(r, K_SEQ), *tm = get(r, K_T), *kindm = get(r, K_KIND);
    if (r->stream) {
        if (tm == NULL || tm->type != CV_TJ_NUMBER || kindm == NULL || kindm->type != CV_TJ_STRING)
            return fail(r, "not an event line (needs \"t\" and \"kind\")");
    } else if (seqm == NULL || seqm->type != CV_TJ_NUMBER || tm == NULL ||
               tm->type != CV_TJ_NUMBER || kindm == NULL || kindm->type != CV_TJ_STRING) {
        return fail(r, "not a concviz trace line (needs \"seq\", \"t\" and \"kind\")");
    }
    int k = lookup(r, NS_KIND, kindm->val, kindm->vallen);
    if (k < 0)
        return fail(r, "unknown \"kind\"");
    int64_t seq = (int64_t)r->next_seq;
    bool frac;
    if (r->stream) {
        /* The stream numbers the lines itself; a "seq" sent is ignored. */
    } else if (member_int(seqm, &seq, &frac) != 0 || frac || seq < 0 ||
               (uint64_t)seq != r->next_seq) {
        return fail(r, "\"seq\" is not the next number (a gap or a repeat)");
    }
    int64_t t_ns = 0;
    int trc = read_t(r, tm, &t_ns);
    if (trc == -1)
        return fail(r, "\"t\" must be a number of seconds, 0 or more");
    if (trc == -2)
        return fail(r, "\"t\" is out of range (more than 9e9 seconds)");
    *ev = (cv_event){.kind = (uint16_t)k, .t_ns = t_ns, .lane = CV_NO_LANE,
                     .origin = CV_NO_LANE};
    long long origin = CV_NO_LANE, flags = 0;
    if (get_int(r, K_ORIGIN, "origin", -1, INT16_MAX, &origin) < 0 ||
        get_int(r, K_FLAGS, "flags", 0, UINT16_MAX, &flags) < 0)
        return -1;
    ev->origin = (int16_t)origin;
    ev->flags = (uint16_t)flags;
    const char *side = get_str(r, K_SIDE);
    if (side != NULL && cv_side_from_name(side) > 0)
        ev->side = (uint16_t)cv_side_from_name(side);

    const cv_kind_desc *d = r->desc[k];
    if (d->meta && r->stream)
        return fail(r, "a program does not send a header (concviz writes it)");
    if (d->meta)
        return read_header(r, log, ev, (uint64_t)seq);
    if (d->states != NULL && read_state(r, ev) != 0)
        return -1;
    unsigned cls = ev->state < 32 ? ev->state : 32;
    const uint8_t *order = r->order + r->order_at[k][cls];
    for (size_t i = 0; i < r->order_n[k][cls]; i++)
        if (read_field(r, d, order[i], ev) != 0)
            return -1;
    return 0;
}

/* Opens path for reading if it is a file a trace can be in: a regular file
 * or a pipe.  A directory or a device is named as such, since reading one
 * gives a misleading error ("empty file") or never ends (/dev/zero). */
static FILE *open_trace(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    const char *what = NULL;
    if (fstat(fd, &st) != 0)
        what = "a file that cannot be examined";
    else if (S_ISDIR(st.st_mode))
        what = "a directory";
    else if (S_ISCHR(st.st_mode))
        what = "a character device";
    else if (S_ISBLK(st.st_mode))
        what = "a block device";
    else if (S_ISSOCK(st.st_mode))
        what = "a socket";
    else if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode))
        what = "a special file";
    FILE *in = what == NULL ? fdopen(fd, "r") : NULL;
    if (in == NULL) {
        if (what != NULL)
            snprintf(err, errlen, "%s, not a trace file", what);
        else
            snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        close(fd);
    }
    if (in != NULL && cv_zstd_path(path)) { /* x.jsonl.zst: read through zstd */
        FILE *z = cv_zstd_fopen_read(in);
        if (z == NULL) {
            fclose(in);
            snprintf(err, errlen, "out of memory");
        }
        in = z;
    }
    return in;
}

/* Refuses a line the JSON parser refused, saying what is wrong with it:
 * the one wording for a file's lines and a live program's. */
static int json_fault(cv_trace_reader *r)
{
    const cv_tjson_line *j = &r->json;
    if (j->nul)
        return fail(r, "a NUL byte in the line (byte %zu)", j->at);
    if (j->not_object)
        return fail(r, "not valid JSON for a trace line (not an object)");
    if (j->trailing)
        return fail(r, "bytes after the JSON object");
    return fail(r, "not valid JSON: %s at byte %zu", j->why, j->at);
}

/* A reader with its tables built and no file yet; NULL without memory. */
static cv_trace_reader *new_reader(const char *path)
{
    cv_trace_reader *r = calloc(1, sizeof *r);
    if (r == NULL || (r->path = strdup(path)) == NULL || build_names(r) != 0 ||
        (r->k_text = add_key(r, "text")) < 0 ||
        (r->c_numeric = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0)) == (locale_t)0) {
        cv_trace_reader_close(r);
        return NULL;
    }
    return r;
}

cv_trace_reader *cv_trace__reader_stream(void)
{
    cv_trace_reader *r = new_reader("(the program's events)");
    if (r != NULL) {
        r->stream = true;
        r->status = CV_TRACE_MORE;
    }
    return r;
}

int cv_trace__parse_stream_line(cv_trace_reader *r, cv_log *log, char *line, size_t len,
                                cv_event *ev, int64_t *pid, char *err, size_t errlen)
{
    r->line++;
    *ev = (cv_event){0};
    int rc = -1;
    long long p = 0;
    if (cv_tjson__parse(&r->json, line, len) != 0) {
        json_fault(r);
    } else if (index_members(r) == 0) {
        int got = get(r, K_BOOKMARK) != NULL ? -2 : get_int(r, K_PID, "pid", 1, INT32_MAX, &p);
        if (got == -2)
            fail(r, "a program does not send bookmarks");
        else if (got == 0)
            fail(r, "a line needs \"pid\", the number of the process that sent it");
        else if (got == 1 && parse_event(r, log, ev) == 0)
            rc = 0;
    }
    if (rc != 0) {
        free(ev->text);
        ev->text = NULL;
        snprintf(err, errlen, "%s", r->msg);
        return -1;
    }
    *pid = p;
    r->next_seq++;
    return 0;
}

cv_trace_reader *cv_trace_reader_open(const char *path, char *err, size_t errlen)
{
    FILE *in = open_trace(path, err, errlen);
    if (in == NULL)
        return NULL;
    cv_trace_reader *r = new_reader(path);
    if (r == NULL) {
        snprintf(err, errlen, "out of memory");
        fclose(in);
        return NULL;
    }
    r->in = in;
    r->block = BLOCK;
    r->status = CV_TRACE_MORE;
    return r;
}

void cv_trace__reader_set_block(cv_trace_reader *r, size_t bytes)
{
    if (r->buf == NULL && bytes >= 2)
        r->block = bytes;
}

void cv_trace_reader_close(cv_trace_reader *r)
{
    if (r == NULL)
        return;
    if (r->in != NULL)
        fclose(r->in);
    free(r->path);
    free(r->buf);
    free(r->unknown);
    free(r->field_key);
    free(r->order);
    if (r->c_numeric != (locale_t)0)
        freelocale(r->c_numeric);
    cv_tjson__free(&r->json);
    free(r);
}

/* Finds the next line, reading more of the file as needed, and ends it
 * with a NUL in place of its newline (the block keeps CV_TJSON_PAD bytes
 * after its data for the parser): 1 for a line that ended in a
 * newline, 2 for a last line without one, 0 at the end of the file, -1 for
 * a line longer than CV_TRACE_MAX_LINE, -2 for a read error or no memory.
 * The cap is what keeps `replay` of a file without newlines from growing
 * without bound. */
static int next_line(cv_trace_reader *r, char **line, size_t *len)
{
    for (;;) {
        char *nl = r->buf != NULL ? memchr(r->buf + r->scan, '\n', r->end - r->scan) : NULL;
        if (nl != NULL) {
            *line = r->buf + r->start;
            *len = (size_t)(nl - *line);
            *nl = '\0';
            r->start = r->scan = (size_t)(nl - r->buf) + 1;
            return *len > (size_t)CV_TRACE_MAX_LINE ? -1 : 1;
        }
        r->scan = r->end;
        if (r->end - r->start > (size_t)CV_TRACE_MAX_LINE)
            return -1;
        if (r->eof) {
            if (r->start == r->end)
                return 0;
            *line = r->buf + r->start;
            *len = r->end - r->start;
            r->buf[r->end] = '\0';
            r->start = r->scan = r->end;
            return 2;
        }
        /* Move the partial line to the front, and grow the block only
         * when that line fills it; one byte stays free for the NUL. */
        if (r->start > 0) {
            memmove(r->buf, r->buf + r->start, r->end - r->start);
            r->end -= r->start;
            r->scan -= r->start;
            r->start = 0;
        }
        if (r->buf == NULL || r->end + 1 >= r->cap) {
            size_t cap = r->buf == NULL ? r->block : r->cap * 2;
            if (cap > (size_t)CV_TRACE_MAX_LINE + 2)
                cap = (size_t)CV_TRACE_MAX_LINE + 2;
            char *p = realloc(r->buf, cap + CV_TJSON_PAD);
            if (p == NULL)
                return -2;
            r->buf = p;
            r->cap = cap;
        }
        size_t got = fread(r->buf + r->end, 1, r->cap - 1 - r->end, r->in);
        r->end += got;
        /* The parser reads a little past a line's NUL: defined bytes. */
        memset(r->buf + r->end, 0, CV_TJSON_PAD);
        if (got == 0) {
            if (ferror(r->in))
                return -3;
            r->eof = true;
        }
    }
}

/* A bookmark line, {"bookmark": EVENT, "demo_t": SECONDS, "text": TEXT}:
 * the lecturer's marks, written after the last event so that a reader
 * that counts events never meets one between them.  It must name an
 * event already read. */
static int parse_bookmark(cv_trace_reader *r)
{
    const cv_tjson_member *bm = get(r, K_BOOKMARK), *tm = get(r, K_DEMO_T);
    const char *text = get_str(r, r->k_text);
    int64_t ev;
    bool frac;
    if (bm->type != CV_TJ_NUMBER || member_int(bm, &ev, &frac) != 0 || frac || ev < 0 ||
        (uint64_t)ev >= r->next_seq)
        return fail(r, "\"bookmark\" must be the number of an event before it");
    if (tm == NULL || tm->type != CV_TJ_NUMBER)
        return fail(r, "a bookmark needs \"demo_t\", its demo time in seconds");
    double t = member_double(r, tm);
    if (!(t >= 0 && t < 9e9))
        return fail(r, "\"demo_t\" must be a number of seconds, 0 or more");
    if (text == NULL || text[0] == '\0' || strlen(text) >= CV_MARK_TEXT)
        return fail(r, "a bookmark needs a \"text\" of 1 to %d bytes", CV_MARK_TEXT - 1);
    if (cv_marks_add(&r->marks, (uint64_t)ev, t, text) < 0)
        return fail(r, "more than %d bookmarks", CV_MARKS_MAX);
    return 0;
}

const cv_marks *cv_trace_reader_marks(const cv_trace_reader *r)
{
    return &r->marks;
}

/* Reads the next line into *ev: 1 for an event, 0 at the end, -1 refused
 * (r->msg says why), 2 for a truncated last line (r->msg says so), 3 for
 * a bookmark (kept in r->marks). */
static int read_event(cv_trace_reader *r, cv_log *log, cv_event *ev)
{
    char *line;
    size_t len;
    int got = next_line(r, &line, &len);
    if (got == 0) {
        if (r->line == 0)
            return fail(r, "empty file, not a concviz trace");
        return 0;
    }
    r->line++;
    if (got == -1)
        return fail(r, "longer than %d bytes, not a concviz trace line", CV_TRACE_MAX_LINE);
    if (got == -2)
        return fail(r, "out of memory");
    if (got == -3) {
        const char *why = cv_zstd_error(r->in); /* what is wrong with a .zst */
        snprintf(r->msg, sizeof r->msg, "cannot read %s: %s", r->path,
                 why != NULL ? why : strerror(errno));
        return -1;
    }
    if (cv_tjson__parse(&r->json, line, len) != 0) {
        const cv_tjson_line *j = &r->json;
        if (got == 2 && j->incomplete && r->line > 1) {
            /* A last line without its newline, cut inside its object: the
             * writer was killed.  A NUL or bytes after the object are no
             * such accident, and a first line alone is no trace. */
            snprintf(r->msg, sizeof r->msg, "line %zu: truncated last line skipped", r->line);
            return 2;
        }
        if (r->line == 1 && !j->nul)
            return j->not_object ? fail(r, "not a concviz trace (not a JSON object)")
                                 : fail(r, "not a concviz trace (not valid JSON: %s at byte %zu)",
                                        j->why, j->at);
        return json_fault(r);
    }
    if (index_members(r) != 0)
        return -1;
    *ev = (cv_event){0};
    if (get(r, K_BOOKMARK) != NULL)
        return parse_bookmark(r) == 0 ? 3 : -1;
    if (r->marks.n > 0)
        return fail(r, "an event after the bookmarks (they end the trace)");
    if (parse_event(r, log, ev) != 0) {
        free(ev->text); /* a text read before a later field was refused */
        return -1;
    }
    return 1;
}

int cv_trace_reader_next(cv_trace_reader *r, cv_log *log, size_t max_events, char *err,
                         size_t errlen)
{
    size_t appended = 0;
    while (r->status == CV_TRACE_MORE && (max_events == 0 || appended < max_events)) {
        cv_event ev;
        int got = read_event(r, log, &ev);
        if (got == 1) {
            if (cv_log_append(log, &ev) != 0) {
                fail(r, "out of memory (the log holds %zu events)", cv_log_count(log));
                r->status = CV_TRACE_ERROR;
                break;
            }
            r->next_seq++;
            appended++;
        } else if (got == 3) {
            continue;
        } else {
            r->status = got == 0 ? CV_TRACE_END : got == 2 ? CV_TRACE_TRUNCATED : CV_TRACE_ERROR;
        }
    }
    if (appended > 0)
        cv_log_publish(log);
    if (r->status == CV_TRACE_ERROR || r->status == CV_TRACE_TRUNCATED)
        snprintf(err, errlen, "%s", r->msg);
    return r->status;
}

int cv_trace_read(const char *path, cv_log *log, bool *warned, char *err, size_t errlen)
{
    *warned = false;
    cv_trace_reader *r = cv_trace_reader_open(path, err, errlen);
    int status = CV_TRACE_ERROR;
    if (r != NULL)
        while ((status = cv_trace_reader_next(r, log, READ_BATCH, err, errlen)) == CV_TRACE_MORE)
            ;
    cv_trace_reader_close(r);
    cv_log_close(log);
    *warned = status == CV_TRACE_TRUNCATED;
    return status == CV_TRACE_ERROR ? -1 : 0;
}
