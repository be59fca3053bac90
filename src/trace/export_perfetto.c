/*
 * The Perfetto export (export_perfetto.h).  The trace is read whole with
 * the strict reader, then walked once in order: each future, task step,
 * wait and GIL wait becomes a slice record when it closes (its start kept
 * per id or per lane until then), each console line, mark and bookmark an
 * instant.  The records are sorted by track and start before they are
 * written, so that every track's timestamps go forward, which the format
 * does not demand but tools and tests read more easily.
 *
 * Flows use the newer binding ids on complete ("X") slices: a future's
 * submission is a 1 µs "submit" slice on the submitting lane (flow_out),
 * its run a slice on the worker (flow_in and flow_out) and the taking of
 * its result a 1 µs "take" slice on the waiting lane (flow_in), all with
 * the future's id as bind_id, so the arrows need no enclosing slice.
 * Tracks are thread ids lane + 1 (a tid 0 means the idle task to some
 * tools); events without a lane go to the process, as global instants.
 */
#include "export_perfetto.h"

#include "error.h"
#include "event.h"
#include "trace.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum rec_type { R_FUTURE, R_TASK, R_WAIT, R_GIL, R_SUBMIT, R_TAKE, R_INSTANT };

typedef struct rec {
    int64_t ts, dur;    /* ns */
    size_t open, close; /* the events that opened and closed it */
    int lane;           /* CV_NO_LANE: global */
    uint8_t type;       /* enum rec_type */
} rec;

typedef struct recs {
    rec *r;
    size_t n, cap;
} recs;

static int push(recs *rs, rec r)
{
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 1024;
        rec *p = realloc(rs->r, cap * sizeof *p);
        if (p == NULL)
            return -1;
        rs->r = p, rs->cap = cap;
    }
    rs->r[rs->n++] = r;
    return 0;
}

/* An open-addressing map from a future's or task's id to the event that
 * opened what is open for it (SIZE_MAX: nothing).  Ids are never 0. */
typedef struct idmap {
    uint64_t *key;
    size_t *val;
    size_t n, cap; /* cap a power of two */
} idmap;

static size_t *idmap_slot(idmap *m, uint64_t id)
{
    if ((m->n + 1) * 2 > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 1024;
        uint64_t *k = calloc(cap, sizeof *k);
        size_t *v = calloc(cap, sizeof *v);
        if (k == NULL || v == NULL) {
            free(k), free(v);
            return NULL;
        }
        for (size_t i = 0; i < m->cap; i++) {
            if (m->key[i] == 0)
                continue;
            size_t j = (size_t)(m->key[i] * 0x9E3779B97F4A7C15u) & (cap - 1);
            while (k[j] != 0)
                j = (j + 1) & (cap - 1);
            k[j] = m->key[i], v[j] = m->val[i];
        }
        free(m->key), free(m->val);
        m->key = k, m->val = v, m->cap = cap;
    }
    size_t j = (size_t)(id * 0x9E3779B97F4A7C15u) & (m->cap - 1);
    while (m->key[j] != 0 && m->key[j] != id)
        j = (j + 1) & (m->cap - 1);
    if (m->key[j] == 0) {
        m->key[j] = id, m->val[j] = SIZE_MAX;
        m->n++;
    }
    return &m->val[j];
}

static void idmap_free(idmap *m)
{
    free(m->key), free(m->val);
}

/* s as a JSON string: the quote, the backslash and control characters
 * escaped; other bytes (UTF-8, checked by the reader) as they are. */
static void put_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", out);
        else if (*p == '\t')
            fputs("\\t", out);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

static int cmp_rec(const void *a, const void *b)
{
    const rec *x = a, *y = b;
    if (x->lane != y->lane)
        return x->lane < y->lane ? -1 : 1;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    return x->open < y->open ? -1 : x->open > y->open;
}

/* ns as µs with three decimals: the trace's µs exactly, nothing lost. */
static void put_us(FILE *out, const char *key, int64_t ns)
{
    fprintf(out, ",\"%s\":%lld.%03lld", key, (long long)(ns / 1000), (long long)(ns % 1000));
}

static int lane_of(const cv_event *e)
{
    return e->lane != CV_NO_LANE ? e->lane : e->origin;
}

/* Walks the log into records.  0, or -1 without memory. */
static int collect(const cv_log *log, recs *rs, cv_trace_labels *labels)
{
    idmap fut = {0}, task = {0};
    size_t n = cv_log_count(log);
    size_t nl = 64;
    size_t *wait_open = malloc(nl * sizeof *wait_open), *gil_open = malloc(nl * sizeof *gil_open);
    int rc = -1;
    if (wait_open == NULL || gil_open == NULL)
        goto out;
    for (size_t i = 0; i < nl; i++)
        wait_open[i] = gil_open[i] = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        const cv_event *e = cv_log_at(log, i);
        cv_trace_labels_note(labels, e);
        int lane = e->lane;
        if (lane >= 0 && (size_t)lane >= nl) {
            size_t nn = (size_t)lane * 2;
            size_t *w = realloc(wait_open, nn * sizeof *w);
            if (w != NULL)
                wait_open = w;
            size_t *g = realloc(gil_open, nn * sizeof *g);
            if (g != NULL)
                gil_open = g;
            if (w == NULL || g == NULL)
                goto out;
            for (size_t j = nl; j < nn; j++)
                wait_open[j] = gil_open[j] = SIZE_MAX;
            nl = nn;
        }
        size_t *slot;
        switch (e->kind) {
        case CV_EV_FUTURE:
            if ((slot = idmap_slot(&fut, e->id)) == NULL)
                goto out;
            if (e->state == CV_PENDING) {
                if (push(rs, (rec){e->t_ns, 1000, i, i, lane_of(e), R_SUBMIT}) != 0)
                    goto out;
            } else if (e->state == CV_RUNNING) {
                *slot = i;
            } else if (*slot != SIZE_MAX) {
                const cv_event *o = cv_log_at(log, *slot);
                if (push(rs, (rec){o->t_ns, e->t_ns - o->t_ns, *slot, i, lane_of(o), R_FUTURE}) != 0)
                    goto out;
                *slot = SIZE_MAX;
            }
            break;
        case CV_EV_TASK:
            if ((slot = idmap_slot(&task, e->id)) == NULL)
                goto out;
            if (e->state == CV_TASK_RUNNING) {
                *slot = i;
            } else if (e->state != CV_TASK_CREATED && e->state != CV_TASK_SCHEDULED &&
                       *slot != SIZE_MAX) {
                const cv_event *o = cv_log_at(log, *slot);
                if (push(rs, (rec){o->t_ns, e->t_ns - o->t_ns, *slot, i, lane_of(o), R_TASK}) != 0)
                    goto out;
                *slot = SIZE_MAX;
            }
            break;
        case CV_EV_WAIT:
            if (lane < 0)
                break;
            if (e->state == CV_WAIT_BLOCK) {
                wait_open[lane] = i;
            } else if (wait_open[lane] != SIZE_MAX) {
                const cv_event *o = cv_log_at(log, wait_open[lane]);
                if (push(rs, (rec){o->t_ns, e->t_ns - o->t_ns, wait_open[lane], i, lane, R_WAIT}) != 0)
                    goto out;
                wait_open[lane] = SIZE_MAX;
                if (e->ref != 0 && push(rs, (rec){e->t_ns, 1000, i, i, lane, R_TAKE}) != 0)
                    goto out;
            }
            break;
        case CV_EV_GIL:
            if (lane < 0)
                break;
            if (e->state == CV_GIL_WAIT) {
                gil_open[lane] = i;
            } else if (e->state == CV_GIL_TAKE && gil_open[lane] != SIZE_MAX) {
                const cv_event *o = cv_log_at(log, gil_open[lane]);
                if (push(rs, (rec){o->t_ns, e->t_ns - o->t_ns, gil_open[lane], i, lane, R_GIL}) != 0)
                    goto out;
                gil_open[lane] = SIZE_MAX;
            }
            break;
        case CV_EV_LOG:
        case CV_EV_MARK:
            if (push(rs, (rec){e->t_ns, 0, i, i, e->lane, R_INSTANT}) != 0)
                goto out;
            break;
        default:
            break;
        }
    }
    rc = 0;
out:
    free(wait_open), free(gil_open);
    idmap_free(&fut), idmap_free(&task);
    return rc;
}

static void put_rec(FILE *out, const cv_log *log, const rec *r, const cv_trace_labels *labels)
{
    const cv_event *o = cv_log_at(log, r->open), *c = cv_log_at(log, r->close);
    static const char *const names[] = {"future", "task", "wait", "gil", "submit", "take", "console"};
    const char *label = cv_trace_labels_get(labels, r->type == R_WAIT || r->type == R_TAKE ? o->ref : o->id);
    char name[160];
    switch (r->type) {
    case R_WAIT:
        snprintf(name, sizeof name, "wait %s", o->ref ? (label ? label : "?") : (o->text ? o->text : "futures"));
        break;
    case R_GIL: snprintf(name, sizeof name, "GIL wait"); break;
    case R_SUBMIT: snprintf(name, sizeof name, "submit %s", label ? label : "?"); break;
    case R_TAKE: snprintf(name, sizeof name, "take %s", label ? label : "?"); break;
    case R_INSTANT:
        snprintf(name, sizeof name, "%s", c->kind == CV_EV_MARK ? "mark" : "console");
        break;
    default: snprintf(name, sizeof name, "%s", label ? label : "?"); break;
    }
    fputs(",\n{\"name\":", out);
    put_str(out, name);
    fprintf(out, ",\"cat\":\"%s\",\"ph\":\"%s\",\"pid\":1,\"tid\":%d",
            c->kind == CV_EV_MARK ? "mark" : names[r->type],
            r->type == R_INSTANT ? "i" : "X", r->lane >= 0 ? r->lane + 1 : 0);
    put_us(out, "ts", r->ts);
    if (r->type == R_INSTANT) {
        fprintf(out, ",\"s\":\"%s\",\"args\":{\"text\":", r->lane >= 0 ? "t" : "g");
        put_str(out, c->text);
        fputs("}}", out);
        return;
    }
    put_us(out, "dur", r->dur);
    if (r->type == R_FUTURE || r->type == R_SUBMIT || r->type == R_TAKE) {
        uint64_t id = r->type == R_TAKE ? o->ref : o->id;
        fprintf(out, ",\"bind_id\":\"0x%llx\"%s%s", (unsigned long long)id,
                r->type != R_SUBMIT ? ",\"flow_in\":true" : "",
                r->type != R_TAKE ? ",\"flow_out\":true" : "");
    }
    fprintf(out, ",\"args\":{\"seq\":%llu,\"state\":", (unsigned long long)c->seq);
    put_str(out, cv_event_state_name(c->kind, c->state));
    if (label != NULL) {
        fputs(",\"label\":", out);
        put_str(out, label);
    }
    if ((r->type == R_FUTURE || r->type == R_TASK) && c->text != NULL) {
        fputs(c->kind == CV_EV_FUTURE && c->state == CV_FINISHED ? ",\"result\":" : ",\"detail\":", out);
        put_str(out, c->text);
    }
    fputs("}}", out);
}

/* The metadata: the process, and each lane's name and place. */
static void put_meta(FILE *out, const cv_log *log)
{
    const cv_log_meta *meta = cv_log_meta_get(log);
    fputs("{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"tid\":0,\"args\":{\"name\":", out);
    char pname[320];
    snprintf(pname, sizeof pname, "concviz %s %s", meta->scenario, meta->args);
    put_str(out, pname);
    fputs("}}", out);
    fputs(",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":0,\"args\":{\"name\":\"run\"}}", out);
    for (size_t i = 0, n = cv_log_count(log); i < n; i++) {
        const cv_event *e = cv_log_at(log, i);
        if (e->kind != CV_EV_THREAD || e->state != CV_THREAD_STARTED || e->lane < 0)
            continue;
        char tname[64];
        if (e->text == NULL)
            snprintf(tname, sizeof tname, "lane %d", e->lane);
        fprintf(out, ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":%d,\"args\":{\"name\":",
                e->lane + 1);
        put_str(out, e->text ? e->text : tname);
        fprintf(out, "}},\n{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":1,\"tid\":%d,"
                     "\"args\":{\"sort_index\":%d}}", e->lane + 1, e->lane + 1);
    }
}

int cv_export_perfetto(const char *in, const char *out_path, char *err, size_t errlen)
{
    cv_log *log = cv_log_create();
    if (log == NULL) {
        snprintf(err, errlen, "out of memory");
        return CV_ENOMEM;
    }
    char msg[512];
    cv_trace_reader *r = cv_trace_reader_open(in, msg, sizeof msg);
    if (r == NULL) {
        cv_log_destroy(log);
        snprintf(err, errlen, "%s", msg);
        return CV_EINVAL;
    }
    int st = cv_trace_reader_next(r, log, 0, msg, sizeof msg);
    cv_marks marks = *cv_trace_reader_marks(r);
    cv_trace_reader_close(r);
    cv_log_close(log);
    if (st == CV_TRACE_ERROR || cv_log_count(log) == 0) {
        snprintf(err, errlen, "%s", st == CV_TRACE_ERROR ? msg : "the trace is empty");
        cv_log_destroy(log);
        return CV_EINVAL;
    }
    recs rs = {0};
    cv_trace_labels *labels = cv_trace_labels_create();
    int rc = CV_ENOMEM;
    snprintf(err, errlen, "out of memory");
    if (labels == NULL || collect(log, &rs, labels) != 0)
        goto out;
    qsort(rs.r, rs.n, sizeof *rs.r, cmp_rec);
    cv_atomic_file af;
    if ((rc = cv_atomic_file_open(&af, out_path, err, errlen)) != 0)
        goto out;
    fputs("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n", af.fp);
    put_meta(af.fp, log);
    for (size_t i = 0; i < rs.n; i++)
        put_rec(af.fp, log, &rs.r[i], labels);
    for (size_t i = 0; i < marks.n; i++) {
        size_t at = marks.at[i].event < cv_log_count(log) ? marks.at[i].event : cv_log_count(log) - 1;
        fputs(",\n{\"name\":\"bookmark\",\"cat\":\"bookmark\",\"ph\":\"i\",\"s\":\"g\",\"pid\":1,\"tid\":0", af.fp);
        put_us(af.fp, "ts", cv_log_at(log, at)->t_ns);
        fputs(",\"args\":{\"text\":", af.fp);
        put_str(af.fp, marks.at[i].text);
        fputs("}}", af.fp);
    }
    fputs("\n]}\n", af.fp);
    rc = cv_atomic_file_commit(&af, err, errlen);
out:
    free(rs.r);
    cv_trace_labels_destroy(labels);
    cv_log_destroy(log);
    return rc;
}
