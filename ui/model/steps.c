/*
 * The classifier behind steps by meaning (see steps.h).  Each kind says
 * what of it is plumbing:
 *   thread   busy/idle flips: the future or task that made the thread busy
 *            has its own event, which is the one a viewer reads; and in a
 *            shutdown, the stops after the first (of threads other than
 *            main): "the pool shuts down" is news once;
 *   loop     a turn ("runs what is ready") or a poll ("sleeps up to 0.10s"):
 *            the tasks it runs or wakes have their own events; only the
 *            loop stopping is news;
 *   task     an await of sleep(0), and the wake-up and resumption that
 *            follow it: the task only let others run, and if one did, that
 *            one's events are the news.
 *   gil      a step of the GIL (wait, take, drop, request) like two
 *            within the last LOOKBACK events (same state, same reason):
 *            the first hand-off and the one back teach the protocol, step
 *            by step; once they come by the hundred (every 5 ms), they
 *            are plumbing, and `e` still shows each.
 * Everything else (futures, waits, console lines, frames, marks, drops,
 * stalls, the header) is meaningful.
 *
 * Whether a wake-up or resumption ends a sleep(0) is read from the task's
 * last await, found by looking back over at most LOOKBACK events; beyond
 * that the event counts as meaningful, which is the safe side (a step too
 * many, never a change hidden).
 */
#include "steps.h"

#include <stdlib.h>
#include <string.h>

#define LOOKBACK 256

/* The runtime writes an await of asyncio.sleep(0) as "sleep 0s",
 * followed by " in callee()" when it happens in an inner coroutine. */
static bool is_yield(const cv_event *e)
{
    return e->kind == CV_EV_TASK && e->state == CV_TASK_SUSPENDED && e->text != NULL &&
           strncmp(e->text, "sleep 0s", 8) == 0 && (e->text[8] == '\0' || e->text[8] == ' ');
}

/* A task's wake-up or resumption at `index`: plumbing if what it ends is
 * an await of sleep(0), with no error or cancellation on the way. */
static bool ends_yield(const cv_log *log, size_t index)
{
    const cv_event *e = cv_log_at(log, index);
    if (e->state == CV_TASK_SCHEDULED && e->code != 0)
        return false;
    size_t stop = index > LOOKBACK ? index - LOOKBACK : 0;
    for (size_t i = index; i-- > stop;) {
        const cv_event *p = cv_log_at(log, i);
        if (p->kind != CV_EV_TASK || p->id != e->id)
            continue;
        if (p->state == CV_TASK_SCHEDULED && p->code == 0)
            continue; /* between the await and this resumption */
        return is_yield(p);
    }
    return false;
}

/* A GIL step repeats two within the last LOOKBACK events. */
static bool gil_repeats(const cv_log *log, size_t index)
{
    const cv_event *e = cv_log_at(log, index);
    size_t stop = index > LOOKBACK ? index - LOOKBACK : 0;
    int seen = 0;
    for (size_t i = index; i-- > stop;) {
        const cv_event *p = cv_log_at(log, i);
        if (p->kind == CV_EV_GIL && p->state == e->state &&
            (e->state != CV_GIL_DROP || p->code == e->code) && ++seen == 2)
            return true;
    }
    return false;
}

bool cv_steps_plumbing(const cv_log *log, size_t index)
{
    const cv_event *e = cv_log_at(log, index);
    switch (e->kind) {
    case CV_EV_THREAD:
        if (e->state == CV_THREAD_STOPPED && index > 0 && cv_event_lane_of(e) != CV_MAIN_LANE) {
            const cv_event *p = cv_log_at(log, index - 1);
            return p->kind == CV_EV_THREAD && p->state == CV_THREAD_STOPPED &&
                   cv_event_lane_of(p) != CV_MAIN_LANE;
        }
        return e->state == CV_THREAD_BUSY || e->state == CV_THREAD_IDLE;
    case CV_EV_LOOP:
        return e->state == CV_LOOP_POLLING || e->state == CV_LOOP_RUNNING;
    case CV_EV_GIL:
        return gil_repeats(log, index);
    case CV_EV_TASK:
        if (e->state == CV_TASK_SUSPENDED)
            return is_yield(e);
        if (e->state == CV_TASK_SCHEDULED || e->state == CV_TASK_RUNNING)
            return ends_yield(log, index);
        return false;
    default:
        return false;
    }
}

int cv_steps_index_update(cv_steps_index *x, const cv_log *log)
{
    if (x->log != log) {
        cv_steps_index_free(x);
        x->log = log;
    }
    size_t count = cv_log_count(log);
    size_t words = (count + 63) / 64;
    if (words > x->cap) {
        size_t cap = x->cap ? x->cap : 1024;
        while (cap < words)
            cap *= 2;
        uint64_t *p = realloc(x->plumbing, cap * sizeof *p);
        if (p == NULL)
            return -1;
        memset(p + x->cap, 0, (cap - x->cap) * sizeof *p);
        x->plumbing = p;
        x->cap = cap;
    }
    for (; x->n < count; x->n++)
        if (cv_steps_plumbing(log, x->n))
            x->plumbing[x->n / 64] |= (uint64_t)1 << (x->n % 64);
    return 0;
}

void cv_steps_index_free(cv_steps_index *x)
{
    free(x->plumbing);
    *x = (cv_steps_index){0};
}

/* Whether event i is plumbing, from the index when it holds i. */
static bool plumbing(const cv_log *log, size_t i, const cv_steps_index *x)
{
    if (x != NULL && x->log == log && i < x->n)
        return (x->plumbing[i / 64] >> (i % 64)) & 1;
    return cv_steps_plumbing(log, i);
}

/* Whether the 64 events of word w are all known plumbing: a step by
 * meaning skips them at once. */
static bool word_plumbing(const cv_log *log, const cv_step_filter *f, size_t w)
{
    const cv_steps_index *x = f->index;
    return !f->every && x != NULL && x->log == log && (w + 1) * 64 <= x->n &&
           x->plumbing[w] == UINT64_MAX;
}

static bool narrowed(const cv_step_filter *f)
{
    return f->lane >= 0 || f->future != 0 || f->side != CV_SIDE_NONE || f->kind != 0;
}

/* The future or task an event concerns: a wait names it in ref. */
static uint64_t future_of(const cv_event *e)
{
    switch (e->kind) {
    case CV_EV_FUTURE:
    case CV_EV_TASK:
        return e->id;
    case CV_EV_WAIT:
        return e->ref;
    default:
        return 0;
    }
}

static int side_of(const cv_event *e, const cv_model *m)
{
    if (e->side != CV_SIDE_NONE || m == NULL)
        return e->side;
    const cv_mlane *l = cv_model_lane(m, cv_event_lane_of(e));
    return l != NULL ? l->side : CV_SIDE_NONE;
}

bool cv_steps_takes(const cv_log *log, size_t index, const cv_step_filter *f)
{
    const cv_event *e = cv_log_at(log, index);
    if (f->kind != 0 && e->kind != f->kind)
        return false;
    if (f->lane >= 0 && cv_event_lane_of(e) != f->lane)
        return false;
    if (f->future != 0 && future_of(e) != f->future)
        return false;
    if (f->side != CV_SIDE_NONE && side_of(e, f->lanes) != f->side)
        return false;
    return f->every || !plumbing(log, index, f->index);
}

size_t cv_steps_next(const cv_log *log, size_t pos, const cv_step_filter *f)
{
    size_t count = cv_log_count(log);
    for (size_t i = pos; i < count; i++) {
        if (i % 64 == 0 && word_plumbing(log, f, i / 64)) {
            i += 63;
            continue;
        }
        if (cv_steps_takes(log, i, f))
            return i + 1;
    }
    if (narrowed(f))
        return pos;
    return count > pos ? count : pos;
}

size_t cv_steps_prev(const cv_log *log, size_t pos, const cv_step_filter *f)
{
    size_t count = cv_log_count(log);
    size_t last = pos > count ? count : pos; /* the event shown last is last - 1 */
    for (size_t i = last > 1 ? last - 1 : 0; i-- > 0;) {
        if (i % 64 == 63 && word_plumbing(log, f, i / 64)) {
            i -= 63; /* the loop's i-- takes the last one */
            continue;
        }
        if (cv_steps_takes(log, i, f))
            return i + 1;
    }
    if (narrowed(f))
        return pos;
    return count > 0 ? 1 : 0;
}
