/*
 * Reading a live program's events (trace_stream.h).  The FIFO is read
 * with read(2) into one block, and every whole line in it is parsed at
 * once by the trace reader's own strict line parser (trace_read.c, in its
 * stream mode) and appended: nothing waits for a batch to fill, so the UI
 * sees an event a poll after it was written.
 *
 * What the stream adds to a trace line, as the contract says:
 * - the numbering: the log gives each event its seq in reading order;
 * - the lanes: each process numbers its threads from 0, so every
 *   lane-valued member (lane, origin, and a GIL request's holder) is
 *   mapped from (pid, local lane) to a global lane, in order of first
 *   appearance, the spawned program's lane 0 being global lane 0;
 * - the time: "t" is clamped so that it never goes backwards in reading
 *   order (processes write with their own clock reads, and a line may
 *   come after a later one from another process).
 *
 * A line the parser refuses, or one longer than the block, is dropped and
 * counted: the log gets a `drop` event (count 1) on lane -1, which the UI
 * adds to its dropped-events count, and for the first few a console line
 * on lane -1 saying why.  A buggy program thus never stops the view.
 */
#include "trace_stream.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trace.h"
#include "trace_json.h"

/* The block: the contract's lines are at most PIPE_BUF (4096) bytes, and a
 * read takes what a pipe holds (64 KiB by default) at once. */
#define BLOCK (64u << 10)

/* One (pid, local lane) -> global lane entry of an open-addressing table. */
typedef struct lane_slot {
    int64_t key; /* pid << 16 | local lane; -1: free */
    int16_t lane;
} lane_slot;

struct cv_trace_stream {
    int fd;
    cv_log *log;
    cv_trace_reader *parser;
    char *buf;          /* BLOCK + CV_TJSON_PAD bytes */
    size_t len;         /* bytes held, the start of a partial line */
    bool skipping;      /* in a line longer than the block: drop to its newline */
    int64_t last_t;
    uint64_t refused;
    bool unpublished; /* appended since the last publish (a reader's count
                         moves only at a publish) */
    lane_slot *lanes;
    size_t lane_cap, lane_n;
    int next_lane;
};

static size_t slot_of(int64_t key, size_t cap)
{
    uint64_t h = (uint64_t)key * 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 32) & (cap - 1);
}

static int grow_lanes(cv_trace_stream *s)
{
    size_t cap = s->lane_cap ? s->lane_cap * 2 : 64;
    lane_slot *t = malloc(cap * sizeof *t);
    if (t == NULL)
        return -1;
    for (size_t i = 0; i < cap; i++)
        t[i].key = -1;
    for (size_t i = 0; i < s->lane_cap; i++)
        if (s->lanes[i].key >= 0) {
            size_t j = slot_of(s->lanes[i].key, cap);
            while (t[j].key >= 0)
                j = (j + 1) & (cap - 1);
            t[j] = s->lanes[i];
        }
    free(s->lanes);
    s->lanes = t;
    s->lane_cap = cap;
    return 0;
}

/* The global lane of (pid, local); a new pair takes the next.  -2 when
 * there is no room (memory, or more lanes than a lane number holds). */
static int global_lane(cv_trace_stream *s, int64_t pid, int local)
{
    if (local < 0)
        return CV_NO_LANE;
    int64_t key = pid << 16 | local;
    if (s->lane_n * 2 >= s->lane_cap && grow_lanes(s) != 0)
        return -2;
    size_t j = slot_of(key, s->lane_cap);
    while (s->lanes[j].key >= 0) {
        if (s->lanes[j].key == key)
            return s->lanes[j].lane;
        j = (j + 1) & (s->lane_cap - 1);
    }
    if (s->next_lane > INT16_MAX)
        return -2;
    s->lanes[j] = (lane_slot){.key = key, .lane = (int16_t)s->next_lane++};
    s->lane_n++;
    return s->lanes[j].lane;
}

cv_trace_stream *cv_trace_stream_create(int fd, pid_t root_pid, cv_log *log)
{
    cv_trace_stream *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->fd = fd;
    s->log = log;
    s->parser = cv_trace__reader_stream();
    s->buf = malloc(BLOCK + CV_TJSON_PAD);
    if (s->parser == NULL || s->buf == NULL || global_lane(s, root_pid, 0) != 0) {
        cv_trace_stream_destroy(s);
        return NULL;
    }
    return s;
}

void cv_trace_stream_destroy(cv_trace_stream *s)
{
    if (s == NULL)
        return;
    cv_trace_reader_close(s->parser);
    free(s->buf);
    free(s->lanes);
    free(s);
}

int cv_trace_stream_append(cv_trace_stream *s, cv_event *ev)
{
    if (ev->t_ns < s->last_t)
        ev->t_ns = s->last_t;
    s->last_t = ev->t_ns;
    s->unpublished = true;
    return cv_log_append(s->log, ev);
}

int64_t cv_trace_stream_last_t(const cv_trace_stream *s)
{
    return s->last_t;
}

uint64_t cv_trace_stream_refused(const cv_trace_stream *s)
{
    return s->refused;
}

/* A refused line: a drop counted, and for the first few, why. */
static void refuse(cv_trace_stream *s, const char *why)
{
    s->refused++;
    cv_event drop = {.kind = CV_EV_DROP, .lane = CV_NO_LANE, .origin = CV_NO_LANE, .ref = 1};
    cv_trace_stream_append(s, &drop);
    if (s->refused > CV_TRACE_STREAM_SAY)
        return;
    char text[400];
    snprintf(text, sizeof text, "concviz: a line from the program was refused (%s)%s", why,
             s->refused == CV_TRACE_STREAM_SAY ? "; later ones are only counted as dropped" : "");
    cv_event note = {.kind = CV_EV_LOG, .lane = CV_NO_LANE, .origin = CV_NO_LANE,
                     .text = strdup(text)};
    cv_trace_stream_append(s, &note);
}

/* Parses one whole line (NUL-ended, padded) and appends its event. */
static void take_line(cv_trace_stream *s, char *line, size_t len)
{
    cv_event ev;
    int64_t pid;
    char err[300];
    if (cv_trace__parse_stream_line(s->parser, s->log, line, len, &ev, &pid, err, sizeof err) != 0) {
        refuse(s, err);
        return;
    }
    int lane = global_lane(s, pid, ev.lane), origin = global_lane(s, pid, ev.origin);
    bool request = ev.kind == CV_EV_GIL && ev.state == CV_GIL_REQUEST; /* names a holder */
    int holder = request ? global_lane(s, pid, (int)ev.ref) : 0;
    if (lane == -2 || origin == -2 || holder == -2) {
        free(ev.text);
        refuse(s, "no room for another lane");
        return;
    }
    ev.lane = (int16_t)lane;
    ev.origin = (int16_t)origin;
    if (request)
        ev.ref = (uint64_t)holder;
    cv_trace_stream_append(s, &ev);
}

/* Takes every whole line in the block and keeps the partial one. */
static void take_lines(cv_trace_stream *s, size_t from)
{
    size_t start = 0;
    char *nl;
    while ((nl = memchr(s->buf + from, '\n', s->len - from)) != NULL) {
        size_t end = (size_t)(nl - s->buf);
        if (s->skipping) {
            s->skipping = false; /* the end of the overlong line */
        } else {
            /* The parser reads a few bytes past the NUL: the next line's,
             * or the block's padding. */
            char saved[CV_TJSON_PAD];
            memcpy(saved, nl, CV_TJSON_PAD);
            *nl = '\0';
            take_line(s, s->buf + start, end - start);
            memcpy(nl, saved, CV_TJSON_PAD);
        }
        start = from = end + 1;
    }
    memmove(s->buf, s->buf + start, s->len - start);
    s->len -= start;
    if (s->skipping) {
        s->len = 0; /* still inside the overlong line */
    } else if (s->len == BLOCK) { /* a line longer than the block */
        refuse(s, "a line longer than 64 KiB");
        s->len = 0;
        s->skipping = true;
    }
}

int cv_trace_stream_feed(cv_trace_stream *s, size_t budget)
{
    size_t got_total = 0;
    int rc = 0;
    for (;;) {
        ssize_t got = read(s->fd, s->buf + s->len, BLOCK - s->len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (got <= 0) {
            /* The end: a partial last line is a writer killed mid-line. */
            if (s->len > 0 && !s->skipping)
                refuse(s, "a last line without its newline");
            s->len = 0;
            s->skipping = false;
            rc = -1;
            break;
        }
        size_t from = s->len;
        s->len += (size_t)got;
        memset(s->buf + s->len, 0, CV_TJSON_PAD);
        take_lines(s, from);
        got_total += (size_t)got;
        rc = 1;
        if (got_total >= budget)
            break;
    }
    if (s->unpublished) {
        s->unpublished = false;
        cv_log_publish(s->log);
    }
    return rc;
}
