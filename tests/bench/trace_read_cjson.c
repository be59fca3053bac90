/*
 * The baseline for bench_trace_read.c: the trace reader as it was at
 * 8ca1320 (src/trace/trace_read.c there), a getc per byte and a cJSON tree
 * per line, kept unchanged except for this comment so that the speed-up is
 * measured against it in the same run.  bench_trace_read.c includes it
 * with cv_trace_read renamed cv_trace_read_cjson; it is not built alone.
 *
 * Reading traces: each line is parsed with cJSON and mapped back to an
 * event by the kind's field table (src/event/event_kinds.c), the inverse of
 * trace_write.c.  The reader trusts nothing it reads (see trace.h).
 */
#include "trace.h"

#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Sets a member from the signed number a line holds. */
static void member_set(cv_event *ev, unsigned member, long long v)
{
    switch (member) {
    case CV_FM_ID: ev->id = (uint64_t)v; break;
    case CV_FM_REF: ev->ref = (uint64_t)v; break;
    case CV_FM_CODE: ev->code = (int32_t)v; break;
    case CV_FM_LANE: ev->lane = (int16_t)v; break;
    case CV_FM_STATE: ev->state = (uint16_t)v; break;
    case CV_FM_SIDE: ev->side = (uint16_t)v; break;
    case CV_FM_FLAGS: ev->flags = (uint16_t)v; break;
    default: break;
    }
}

typedef struct reader {
    const cJSON *o;
    size_t line;
    size_t next_seq;
    char *err;
    size_t errlen;
} reader;

static bool get_num(const cJSON *o, const char *key, double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsNumber(v))
        return false;
    *out = v->valuedouble;
    return true;
}

static const char *get_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static char *dup_str(const char *s)
{
    return s ? strdup(s) : NULL;
}

static int fail(reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(reader *r, const char *fmt, ...)
{
    int n = snprintf(r->err, r->errlen, "line %zu: ", r->line);
    if (n > 0 && (size_t)n < r->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Reads number `key` into *out if the line has one: 1 if it did, 0 if not
 * (a missing number, or text where a number belongs, is left to the
 * default as it always was), -1 when it is outside [min, max] or not a
 * number a long long can hold. */
static int get_int(reader *r, const char *key, long long min, long long max, long long *out)
{
    double d;
    if (!get_num(r->o, key, &d))
        return 0;
    /* The range test comes before the cast: converting a double that a
     * long long cannot hold is undefined behaviour. */
    if (!(d >= -0x1p63 && d < 0x1p63) || (long long)d < min || (long long)d > max)
        return fail(r, "\"%s\" is out of range (%lld to %lld)", key, min, max);
    if (d != floor(d))
        return fail(r, "\"%s\" must be a whole number", key);
    *out = (long long)d;
    return 1;
}

static int read_state(reader *r, cv_event *ev)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(r->o, "state");
    if (cJSON_IsNumber(v)) {
        long long st;
        if (get_int(r, "state", 0, UINT16_MAX, &st) < 0)
            return -1;
        ev->state = (uint16_t)st;
        return 0;
    }
    int st = cJSON_IsString(v) ? cv_event_state_from_name(ev->kind, v->valuestring) : -1;
    if (st < 0)
        return fail(r, "missing or unknown \"state\"");
    ev->state = (uint16_t)st;
    return 0;
}

static int read_header(reader *r, cv_log *log, cv_event *ev, double seq)
{
    const cJSON *o = r->o;
    if (seq != 0)
        return fail(r, "a header may only be the first line");
    cv_log_meta m = {.speed = 1.0};
    snprintf(m.scenario, sizeof m.scenario, "%s", get_str(o, "scenario") ? get_str(o, "scenario") : "?");
    snprintf(m.args, sizeof m.args, "%s", get_str(o, "args") ? get_str(o, "args") : "");
    /* The speed the CLI accepts, no more: the UI divides demo time by it,
     * and a speed of 1e300 made the time axis step by nothing. */
    double d;
    if (get_num(o, "speed", &d)) {
        if (!(d > 0 && d <= CV_MAX_SPEED))
            return fail(r, "\"speed\" is out of range (more than 0, at most %g)",
                        (double)CV_MAX_SPEED);
        m.speed = d;
    }
    long long wall = 0;
    if (get_int(r, "wall_ns", 0, INT64_MAX, &wall) < 0) /* since 1970 */
        return -1;
    m.wall_start_ns = wall;
    cv_log_set_meta(log, &m);
    ev->text = dup_str(m.scenario);
    ev->lane = ev->origin = CV_NO_LANE;
    return 0;
}

/* Reads one field of the kind's table into ev. */
static int read_field(reader *r, const cv_kind_desc *d, const cv_field *f, cv_event *ev)
{
    const char *str = get_str(r->o, f->key);
    long long n = f->def;
    int got;
    switch (f->type) {
    case CV_FT_INT:
        got = get_int(r, f->key, f->min, f->max, &n);
        if (got < 0)
            return -1;
        if (got == 0 && f->required)
            return fail(r, "a %s line needs \"%s\"", d->name, f->key);
        member_set(ev, f->member, n);
        return 0;
    case CV_FT_TEXT:
    case CV_FT_LABEL:
        if (str == NULL && f->required)
            return fail(r, "a %s line needs \"%s\"", d->name, f->key);
        if (str != NULL && ev->text == NULL)
            ev->text = dup_str(str);
        return 0;
    case CV_FT_SIDE:
        if (str != NULL && cv_side_from_name(str) > 0)
            ev->side = (uint16_t)cv_side_from_name(str);
        return 0;
    case CV_FT_ROLE:
        member_set(ev, f->member, str != NULL ? cv_role_from_name(str) : CV_ROLE_UNKNOWN);
        return 0;
    case CV_FT_RESULT: {
        /* A result that reads as its value is the value alone. */
        char num[32];
        snprintf(num, sizeof num, "%lld", (long long)ev->ref);
        if (str != NULL && strcmp(str, num) != 0 && ev->text == NULL)
            ev->text = dup_str(str);
        return 0;
    }
    default: /* STATE is read first; LABEL_OF is derived, not read. */
        return 0;
    }
}

static int parse_event(reader *r, cv_log *log, cv_event *ev)
{
    const cJSON *o = r->o;
    const char *kind = get_str(o, "kind");
    double seq, t;
    if (!get_num(o, "seq", &seq) || !get_num(o, "t", &t) || kind == NULL)
        return fail(r, "not a concviz trace line (needs \"seq\", \"t\" and \"kind\")");
    int k = cv_event_kind_from_name(kind);
    if (k < 0)
        return fail(r, "unknown \"kind\"");
    if (seq != (double)r->next_seq)
        return fail(r, "\"seq\" is not the next number (a gap or a repeat)");
    if (!(t >= 0) || !isfinite(t))
        return fail(r, "\"t\" must be a number of seconds, 0 or more");
    if (t > 9e9)
        return fail(r, "\"t\" is out of range (more than 9e9 seconds)");
    *ev = (cv_event){.kind = (uint16_t)k, .t_ns = (int64_t)llround(t * 1e9),
                     .lane = CV_NO_LANE, .origin = CV_NO_LANE};
    long long origin = CV_NO_LANE, flags = 0;
    if (get_int(r, "origin", -1, INT16_MAX, &origin) < 0 ||
        get_int(r, "flags", 0, UINT16_MAX, &flags) < 0)
        return -1;
    ev->origin = (int16_t)origin;
    ev->flags = (uint16_t)flags;
    const char *side = get_str(o, "side");
    if (side != NULL && cv_side_from_name(side) > 0)
        ev->side = (uint16_t)cv_side_from_name(side);

    const cv_kind_desc *d = cv_event_kind_desc((unsigned)k);
    if (d->meta)
        return read_header(r, log, ev, seq);
    if (d->states != NULL && read_state(r, ev) != 0)
        return -1;
    /* Two passes: a result is compared with the value it may restate. */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < d->nfields; i++) {
            const cv_field *f = &d->fields[i];
            if ((f->type == CV_FT_RESULT) == (pass == 1) && cv_field_in_state(f, ev->state) &&
                read_field(r, d, f, ev) != 0)
                return -1;
        }
    return 0;
}

/* Reads one line into *buf (grown as needed, never past CV_TRACE_MAX_LINE
 * bytes and its NUL), without its newline: 1 for a line that ended in a
 * newline, 2 for a last line without one, 0 at the end of the file, -1 for
 * a line too long (or no memory for it).  The cap is what keeps `replay` of
 * a file without newlines from growing without bound. */
static int read_line(FILE *in, char **buf, size_t *cap, size_t *len)
{
    size_t n = 0;
    int c;
    while ((c = getc_unlocked(in)) != EOF && c != '\n') {
        if (n + 1 >= *cap) {
            size_t grown = *cap * 2;
            if (n >= (size_t)CV_TRACE_MAX_LINE)
                return -1;
            if (grown > (size_t)CV_TRACE_MAX_LINE + 1)
                grown = (size_t)CV_TRACE_MAX_LINE + 1;
            char *p = realloc(*buf, grown);
            if (p == NULL)
                return -1;
            *buf = p;
            *cap = grown;
        }
        (*buf)[n++] = (char)c;
    }
    (*buf)[n] = '\0';
    *len = n;
    return c == '\n' ? 1 : n > 0 ? 2 : 0;
}

/* Parses a line as one JSON object and nothing else: bytes after it (even
 * after a NUL, which ends a C string early) would be silently dropped by a
 * plain parse.  NULL if it is not exactly that. */
static cJSON *parse_line(const char *line, size_t len, const char **why)
{
    if (memchr(line, '\0', len) != NULL) {
        *why = "a NUL byte in the line";
        return NULL;
    }
    const char *end = NULL;
    cJSON *o = cJSON_ParseWithLengthOpts(line, len, &end, false);
    if (o == NULL || !cJSON_IsObject(o)) {
        cJSON_Delete(o);
        *why = NULL;
        return NULL;
    }
    while (end < line + len && (*end == ' ' || *end == '\t' || *end == '\r'))
        end++;
    if (end != line + len) {
        cJSON_Delete(o);
        *why = "bytes after the JSON object";
        return NULL;
    }
    return o;
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
    return in;
}

int cv_trace_read(const char *path, cv_log *log, bool *warned, char *err, size_t errlen)
{
    *warned = false;
    FILE *in = open_trace(path, err, errlen);
    if (in == NULL) {
        cv_log_close(log);
        return -1;
    }
    size_t cap = 4096;
    char *line = malloc(cap);
    if (line == NULL) {
        fclose(in);
        cv_log_close(log);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    size_t len;
    int got;
    reader r = {.err = err, .errlen = errlen};
    int rc = 0;
    while ((got = read_line(in, &line, &cap, &len)) != 0) {
        r.line++;
        if (got < 0) {
            rc = fail(&r, "longer than %d bytes, not a concviz trace line", CV_TRACE_MAX_LINE);
            break;
        }
        const char *why = NULL;
        cJSON *o = parse_line(line, len, &why);
        if (o == NULL && got == 2 && why == NULL && r.line > 1) {
            /* A last line without its newline, cut inside its object: the
             * writer was killed.  A NUL or bytes after the object are no
             * such accident, and a first line alone is no trace. */
            *warned = true;
            snprintf(err, errlen, "line %zu: truncated last line skipped", r.line);
            break;
        }
        if (o == NULL) {
            rc = fail(&r, "%s", why != NULL ? why
                                : r.line == 1 ? "not a concviz trace (not a JSON object)"
                                              : "not valid JSON");
            break;
        }
        r.o = o;
        cv_event ev = {0};
        rc = parse_event(&r, log, &ev);
        cJSON_Delete(o);
        if (rc != 0) {
            free(ev.text); /* a text read before a later field was refused */
            break;
        }
        cv_log_append(log, &ev);
        r.next_seq++;
    }
    if (rc == 0 && r.line == 0)
        rc = fail(&r, "empty file, not a concviz trace");
    if (rc == 0 && ferror(in)) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        rc = -1;
    }
    free(line);
    fclose(in);
    cv_log_close(log);
    return rc;
}
