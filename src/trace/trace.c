/*
 * The trace format is built and parsed with cJSON, so escaping and Unicode
 * are a library's job; only the mapping between events and fields is ours.
 * Each kind names its fields for people ("label", "result", "on"), and the
 * reader maps them back, so that a replayed log equals the recorded one.
 */
#include "trace.h"

#include <cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct cv_trace_labels {
    char **by_id;
    size_t cap;
};

cv_trace_labels *cv_trace_labels_create(void)
{
    return calloc(1, sizeof(cv_trace_labels));
}

void cv_trace_labels_destroy(cv_trace_labels *labels)
{
    if (labels == NULL)
        return;
    for (size_t i = 0; i < labels->cap; i++)
        free(labels->by_id[i]);
    free(labels->by_id);
    free(labels);
}

static void set_label(cv_trace_labels *labels, uint64_t id, const char *label)
{
    if (id >= labels->cap) {
        size_t cap = labels->cap ? labels->cap : 64;
        while (cap <= id)
            cap *= 2;
        char **grown = realloc(labels->by_id, cap * sizeof *grown);
        if (grown == NULL)
            return;
        memset(grown + labels->cap, 0, (cap - labels->cap) * sizeof *grown);
        labels->by_id = grown;
        labels->cap = cap;
    }
    free(labels->by_id[id]);
    labels->by_id[id] = strdup(label);
}

void cv_trace_labels_note(cv_trace_labels *labels, const cv_event *ev)
{
    if (ev->text == NULL)
        return;
    if ((ev->kind == CV_EV_FUTURE && ev->state == CV_PENDING) ||
        (ev->kind == CV_EV_TASK && ev->state == CV_TASK_CREATED))
        set_label(labels, ev->id, ev->text);
}

const char *cv_trace_labels_get(const cv_trace_labels *labels, uint64_t id)
{
    return id < labels->cap ? labels->by_id[id] : NULL;
}

static void add_str(cJSON *o, const char *key, const char *value)
{
    if (value != NULL)
        cJSON_AddStringToObject(o, key, value);
}

static void add_int(cJSON *o, const char *key, long long value)
{
    char num[32];
    snprintf(num, sizeof num, "%lld", value);
    cJSON_AddRawToObject(o, key, num);
}

static void add_state(cJSON *o, const cv_event *ev)
{
    const char *name = cv_event_state_name(ev->kind, ev->state);
    if (name != NULL)
        cJSON_AddStringToObject(o, "state", name);
    else
        add_int(o, "state", ev->state);
}

static void add_header(cJSON *o, const cv_log *log)
{
    const cv_log_meta *m = cv_log_meta_get(log);
    add_str(o, "program", "concviz");
    add_str(o, "version", CV_VERSION);
    add_str(o, "scenario", m->scenario);
    add_str(o, "args", m->args);
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
    add_str(o, "started", when);
    add_int(o, "wall_ns", m->wall_start_ns);
}

static void add_result(cJSON *o, const cv_event *ev)
{
    if (ev->text != NULL) {
        add_str(o, "result", ev->text);
    } else {
        char num[32];
        snprintf(num, sizeof num, "%lld", (long long)ev->ref);
        add_str(o, "result", num);
    }
    add_int(o, "value", (long long)ev->ref);
}

int cv_trace_write_event(FILE *out, const cv_log *log, const cv_event *ev,
                         cv_trace_labels *labels)
{
    cv_trace_labels_note(labels, ev);
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return -1;
    char t[32];
    snprintf(t, sizeof t, "%.6f", (double)ev->t_ns / 1e9);
    add_int(o, "seq", (long long)ev->seq);
    cJSON_AddRawToObject(o, "t", t);
    add_str(o, "kind", cv_event_kind_name(ev->kind));
    const char *label = cv_trace_labels_get(labels, ev->id);

    switch (ev->kind) {
    case CV_EV_HEADER:
        add_header(o, log);
        break;
    case CV_EV_FUTURE:
    case CV_EV_TASK:
        add_int(o, "id", (long long)ev->id);
        add_str(o, "label", label);
        add_state(o, ev);
        if (ev->lane != CV_NO_LANE && (ev->kind == CV_EV_TASK || ev->state != CV_PENDING))
            add_int(o, "lane", ev->lane);
        if ((ev->kind == CV_EV_FUTURE && ev->state == CV_FINISHED) ||
            (ev->kind == CV_EV_TASK && ev->state == CV_TASK_DONE)) {
            add_result(o, ev);
        } else if ((ev->kind == CV_EV_FUTURE && ev->state == CV_FAILED) ||
                   (ev->kind == CV_EV_TASK && ev->state == CV_TASK_FAILED)) {
            add_str(o, "error", ev->text ? ev->text : "failed");
            add_int(o, "code", ev->code);
        } else if (ev->kind == CV_EV_TASK && ev->state == CV_TASK_SUSPENDED) {
            add_str(o, "awaits", ev->text);
            if (ev->ref != 0)
                add_int(o, "on", (long long)ev->ref); /* the awaited task or future */
        } else if (ev->kind == CV_EV_TASK && ev->state == CV_TASK_CREATED && ev->ref != 0) {
            add_int(o, "by", (long long)ev->ref); /* the task that created it */
        } else if (ev->code != 0) {
            add_int(o, "code", ev->code);
        }
        break;
    case CV_EV_THREAD:
        add_int(o, "lane", ev->lane);
        add_state(o, ev);
        add_str(o, "name", ev->text);
        break;
    case CV_EV_WAIT:
        add_int(o, "lane", ev->lane);
        add_state(o, ev);
        if (ev->ref != 0) {
            add_int(o, "on", (long long)ev->ref);
            add_str(o, "label", cv_trace_labels_get(labels, ev->ref));
        }
        add_str(o, "what", ev->text);
        break;
    case CV_EV_LOG:
        add_int(o, "lane", ev->lane);
        add_str(o, "text", ev->text ? ev->text : "");
        break;
    case CV_EV_DROP:
        add_int(o, "lane", ev->lane);
        add_int(o, "count", (long long)ev->ref);
        break;
    case CV_EV_FRAME:
        add_str(o, "side", cv_side_name(ev->side));
        add_str(o, "glyph", ev->text ? ev->text : "");
        add_int(o, "lane", ev->lane);
        add_int(o, "n", (long long)ev->ref); /* the frame's number on its side */
        break;
    case CV_EV_LOOP:
        add_int(o, "lane", ev->lane);
        add_state(o, ev);
        if (ev->ref != 0)
            add_int(o, "timeout_us", (long long)ev->ref);
        break;
    default:
        add_int(o, "lane", ev->lane);
        if (ev->id != 0)
            add_int(o, "id", (long long)ev->id);
        if (ev->ref != 0)
            add_int(o, "ref", (long long)ev->ref);
        add_str(o, "text", ev->text);
        break;
    }
    /* Fields every kind shares, for a faithful replay. */
    if (ev->kind != CV_EV_HEADER)
        add_int(o, "origin", ev->origin);
    if (ev->side != 0 && ev->kind != CV_EV_FRAME)
        add_str(o, "side", cv_side_name(ev->side));
    if (ev->flags != 0)
        add_int(o, "flags", ev->flags);

    char *line = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (line == NULL)
        return -1;
    int rc = fputs(line, out) < 0 || fputc('\n', out) == EOF ? -1 : 0;
    cJSON_free(line);
    return rc;
}

int cv_trace_write_range(FILE *out, const cv_log *log, size_t from, size_t to,
                         cv_trace_labels *labels)
{
    for (size_t i = from; i < to; i++)
        if (cv_trace_write_event(out, log, cv_log_at(log, i), labels) != 0)
            return -1;
    return 0;
}

/* Reading. */

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

static long long get_int(const cJSON *o, const char *key, long long def)
{
    double d;
    return get_num(o, key, &d) ? (long long)d : def;
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

static int fail(reader *r, const char *what)
{
    snprintf(r->err, r->errlen, "line %zu: %s", r->line, what);
    return -1;
}

static int read_state(reader *r, cv_event *ev)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(r->o, "state");
    if (cJSON_IsNumber(v)) {
        ev->state = (uint16_t)v->valueint;
        return 0;
    }
    int st = cJSON_IsString(v) ? cv_event_state_from_name(ev->kind, v->valuestring) : -1;
    if (st < 0)
        return fail(r, "missing or unknown \"state\"");
    ev->state = (uint16_t)st;
    return 0;
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
    *ev = (cv_event){.kind = (uint16_t)k, .t_ns = (int64_t)llround(t * 1e9),
                     .lane = (int16_t)get_int(o, "lane", CV_NO_LANE),
                     .origin = (int16_t)get_int(o, "origin", CV_NO_LANE),
                     .flags = (uint16_t)get_int(o, "flags", 0)};
    const char *side = get_str(o, "side");
    if (side != NULL && cv_side_from_name(side) > 0)
        ev->side = (uint16_t)cv_side_from_name(side);

    switch (k) {
    case CV_EV_HEADER: {
        if (seq != 0)
            return fail(r, "a header may only be the first line");
        cv_log_meta m = {.speed = 1.0};
        snprintf(m.scenario, sizeof m.scenario, "%s", get_str(o, "scenario") ? get_str(o, "scenario") : "?");
        snprintf(m.args, sizeof m.args, "%s", get_str(o, "args") ? get_str(o, "args") : "");
        double d;
        if (get_num(o, "speed", &d) && d > 0)
            m.speed = d;
        m.wall_start_ns = get_int(o, "wall_ns", 0);
        cv_log_set_meta(log, &m);
        ev->text = dup_str(m.scenario);
        ev->lane = ev->origin = CV_NO_LANE;
        break;
    }
    case CV_EV_FUTURE:
    case CV_EV_TASK: {
        ev->id = (uint64_t)get_int(o, "id", 0);
        if (ev->id == 0)
            return fail(r, "a future or task needs an \"id\"");
        if (read_state(r, ev) != 0)
            return -1;
        bool created = (k == CV_EV_FUTURE && ev->state == CV_PENDING) ||
                       (k == CV_EV_TASK && ev->state == CV_TASK_CREATED);
        bool done = (k == CV_EV_FUTURE && ev->state == CV_FINISHED) ||
                    (k == CV_EV_TASK && ev->state == CV_TASK_DONE);
        bool failed = (k == CV_EV_FUTURE && ev->state == CV_FAILED) ||
                      (k == CV_EV_TASK && ev->state == CV_TASK_FAILED);
        if (created) {
            ev->text = dup_str(get_str(o, "label"));
            ev->ref = (uint64_t)get_int(o, "by", 0);
        } else if (done) {
            ev->ref = (uint64_t)get_int(o, "value", 0);
            const char *res = get_str(o, "result");
            char num[32];
            snprintf(num, sizeof num, "%lld", (long long)ev->ref);
            if (res != NULL && strcmp(res, num) != 0)
                ev->text = dup_str(res);
        } else if (failed) {
            ev->text = dup_str(get_str(o, "error"));
            ev->code = (int32_t)get_int(o, "code", -1);
        } else {
            ev->text = dup_str(get_str(o, "awaits"));
            ev->ref = (uint64_t)get_int(o, "on", 0);
            ev->code = (int32_t)get_int(o, "code", 0);
        }
        break;
    }
    case CV_EV_THREAD:
        if (read_state(r, ev) != 0)
            return -1;
        ev->text = dup_str(get_str(o, "name"));
        break;
    case CV_EV_WAIT:
        if (read_state(r, ev) != 0)
            return -1;
        ev->ref = (uint64_t)get_int(o, "on", 0);
        ev->text = dup_str(get_str(o, "what"));
        break;
    case CV_EV_LOG:
        if (get_str(o, "text") == NULL)
            return fail(r, "a log line needs \"text\"");
        ev->text = dup_str(get_str(o, "text"));
        break;
    case CV_EV_DROP:
        ev->ref = (uint64_t)get_int(o, "count", 0);
        break;
    case CV_EV_FRAME:
        ev->text = dup_str(get_str(o, "glyph"));
        ev->ref = (uint64_t)get_int(o, "n", 0);
        break;
    case CV_EV_LOOP:
        if (read_state(r, ev) != 0)
            return -1;
        ev->ref = (uint64_t)get_int(o, "timeout_us", 0);
        break;
    default:
        ev->id = (uint64_t)get_int(o, "id", 0);
        ev->ref = (uint64_t)get_int(o, "ref", 0);
        ev->text = dup_str(get_str(o, "text"));
        break;
    }
    return 0;
}

int cv_trace_read(const char *path, cv_log *log, bool *warned, char *err, size_t errlen)
{
    *warned = false;
    FILE *in = fopen(path, "r");
    if (in == NULL) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    reader r = {.err = err, .errlen = errlen};
    int rc = 0;
    while ((len = getline(&line, &cap, in)) > 0) {
        r.line++;
        bool complete = line[len - 1] == '\n';
        if (!complete && fgetc(in) == EOF) {
            /* A last line without its newline: the writer was killed. */
            cJSON *o = cJSON_Parse(line);
            cJSON_Delete(o);
            if (o == NULL) {
                *warned = true;
                snprintf(err, errlen, "line %zu: truncated last line skipped", r.line);
                break;
            }
        }
        cJSON *o = cJSON_Parse(line);
        if (o == NULL || !cJSON_IsObject(o)) {
            cJSON_Delete(o);
            rc = fail(&r, r.line == 1 ? "not a concviz trace (not a JSON object)" : "not valid JSON");
            break;
        }
        r.o = o;
        cv_event ev;
        rc = parse_event(&r, log, &ev);
        cJSON_Delete(o);
        if (rc != 0)
            break;
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
