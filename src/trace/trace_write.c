/*
 * Writing traces.  The line is built with cJSON, so escaping and Unicode
 * are a library's job; only the mapping between events and fields is ours,
 * and that mapping is data: each kind's descriptor (src/event/event_kinds.c)
 * lists its fields for people ("label", "result", "on"), the member each
 * one holds and when it appears.  The writer walks that list, and the
 * reader (trace_read.c) walks it back, so that a replayed log equals the
 * recorded one and a new kind needs no code here.
 */
#include "trace.h"

#include <cJSON.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

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

static void write_field(cJSON *o, const cv_field *f, const cv_event *ev,
                        const cv_trace_labels *labels)
{
    long long n = member_get(ev, f->member);
    const char *text = ev->text != NULL ? ev->text : f->text_def;
    char num[32];
    switch (f->type) {
    case CV_FT_INT:
        if (!f->optional || n != f->def)
            add_int(o, f->key, n);
        break;
    case CV_FT_TEXT:
    case CV_FT_LABEL:
        add_str(o, f->key, text);
        break;
    case CV_FT_LABEL_OF:
        if (n != 0)
            add_str(o, f->key, cv_trace_labels_get(labels, (uint64_t)n));
        break;
    case CV_FT_STATE:
        if (cv_event_state_name(ev->kind, ev->state) != NULL)
            add_str(o, f->key, cv_event_state_name(ev->kind, ev->state));
        else
            add_int(o, f->key, ev->state);
        break;
    case CV_FT_SIDE:
        if (!f->optional || ev->side != 0)
            add_str(o, f->key, cv_side_name(ev->side));
        break;
    case CV_FT_ROLE:
        if (!f->optional || (n > CV_ROLE_UNKNOWN && n < CV_ROLE_COUNT))
            add_str(o, f->key, cv_role_name((unsigned)n));
        break;
    case CV_FT_RESULT:
        snprintf(num, sizeof num, "%lld", (long long)ev->ref);
        add_str(o, f->key, ev->text != NULL ? ev->text : num);
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
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return -1;
    char t[32];
    snprintf(t, sizeof t, "%.6f", (double)ev->t_ns / 1e9);
    add_int(o, "seq", (long long)ev->seq);
    cJSON_AddRawToObject(o, "t", t);
    add_str(o, "kind", cv_event_kind_name(ev->kind));
    const cv_kind_desc *d = cv_event_kind_desc(ev->kind);
    if (d != NULL && d->meta)
        add_header(o, log);
    for (size_t i = 0; d != NULL && i < d->nfields; i++)
        if (cv_field_in_state(&d->fields[i], ev->state))
            write_field(o, &d->fields[i], ev, labels);
    /* Fields every kind shares, for a faithful replay. */
    if (d == NULL || !d->meta)
        add_int(o, "origin", ev->origin);
    if (ev->side != 0 && !has_side_field(d))
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
