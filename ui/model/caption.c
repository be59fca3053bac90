/*
 * One function per kind, found through the model's kind table
 * (model_kinds.c); the event loop's kinds are in caption_tasks.c.  A kind
 * without its own sentence (anything added later) falls back to "kind
 * state: text" from the event's own names, so new kinds are explained,
 * plainly, from day one.
 */
#include "caption.h"
#include "error.h"
#include "model_kinds.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void cv_caption_add(char *buf, size_t len, size_t *n, const char *fmt, ...)
{
    if (*n >= len)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(buf + *n, len - *n, fmt, ap);
    va_end(ap);
    if (k > 0)
        *n = *n + (size_t)k < len ? *n + (size_t)k : len - 1;
}

static const char *label_of(const cv_model *m, uint64_t id, char *buf, size_t len)
{
    const cv_mfuture *f = cv_model_future(m, id);
    if (f == NULL) {
        snprintf(buf, len, "future %llu", (unsigned long long)id);
        return buf;
    }
    return cv_model_label(f, buf, len);
}

/* "loiter(0) and loiter(1)": futures submitted before index `before` that
 * are done; the point of executor.map is that main still waits in order. */
static void add_done_before(const cv_model *m, size_t before, char *buf, size_t len, size_t *n)
{
    size_t done = cv_model_done_before(m, before), shown = 0;
    if (done == 0)
        return;
    cv_caption_add(buf, len, n, ", though ");
    for (size_t i = 0; i < before && i < m->nfuts && shown < 3; i++) {
        const cv_mfuture *f = &m->futs[i];
        if (f->state != CV_FINISHED && f->state != CV_FAILED)
            continue;
        char lb[64];
        shown++;
        const char *sep = shown == 1 ? "" : (shown == done || shown == 3) ? " and " : ", ";
        cv_caption_add(buf, len, n, "%s%s", sep, cv_model_label(f, lb, sizeof lb));
    }
    if (done > shown)
        cv_caption_add(buf, len, n, " (+%zu more)", done - shown);
    cv_caption_add(buf, len, n, done == 1 ? " is done" : " are done");
}

void cv_caption__future(const cv_model *m, const cv_event *e, char *buf, size_t len)
{
    size_t n = 0;
    char lb[64], ln[48];
    const cv_mfuture *f = cv_model_future(m, e->id);
    const char *label = label_of(m, e->id, lb, sizeof lb);
    int lane = f != NULL ? f->lane : e->lane;
    cv_model_lane_name(m, lane, ln, sizeof ln);
    switch (e->state) {
    case CV_PENDING:
        cv_caption_add(buf, len, &n, "%s submitted: it waits in the queue for a free worker (%zu queued)",
            label, m->npending);
        break;
    case CV_RUNNING:
        cv_caption_add(buf, len, &n, "%s starts on %s", label, ln);
        if (f != NULL && f->prev_on_lane != CV_NONE) {
            char pb[64];
            cv_caption_add(buf, len, &n, ": %s became free when %s finished", ln,
                cv_model_label(&m->futs[f->prev_on_lane], pb, sizeof pb));
        } else {
            cv_caption_add(buf, len, &n, ", a worker with nothing to do");
        }
        if (m->npending > 0)
            cv_caption_add(buf, len, &n, "; %zu still queued", m->npending);
        break;
    case CV_FINISHED:
        cv_caption_add(buf, len, &n, "%s finishes on %s", label, ln);
        if (e->text != NULL)
            cv_caption_add(buf, len, &n, ", result %s", e->text);
        else
            cv_caption_add(buf, len, &n, ", result %lld", (long long)e->ref);
        break;
    case CV_FAILED:
        if (e->code == CV_ECANCELLED)
            cv_caption_add(buf, len, &n, "%s is cut short on %s: %s", label, ln,
                           e->text ? e->text : "stopped by the user");
        else
            cv_caption_add(buf, len, &n, "%s fails on %s: %s", label, ln, e->text ? e->text : "error");
        break;
    case CV_CANCELLED:
        cv_caption_add(buf, len, &n, "%s is cancelled before it ever ran", label);
        break;
    default:
        cv_caption_add(buf, len, &n, "%s: state %u", label, e->state);
        break;
    }
    /* Say who was waiting for it: that is where the story goes next. */
    if (e->state >= CV_FINISHED) {
        for (int i = 0; i < m->nlanes; i++) {
            const cv_mlane *l = cv_model_lane(m, i);
            if (l != NULL && l->nwaits > 0 && l->waits[l->nwaits - 1].t1 < 0 &&
                l->waits[l->nwaits - 1].ref == e->id) {
                char wn[48];
                cv_caption_add(buf, len, &n, "; %s was waiting for it",
                    cv_model_lane_name(m, i, wn, sizeof wn));
                break;
            }
        }
        cv_caption__taken_as_completed(m, buf, len, &n);
    }
}

void cv_caption__thread(const cv_model *m, const cv_event *e, char *buf, size_t len)
{
    size_t n = 0;
    char ln[48];
    int lane = cv_event_lane_of(e);
    cv_model_lane_name(m, lane, ln, sizeof ln);
    /* What a thread is for comes from its started event's role, never
     * from its name; a thread of unknown role (an old trace) is a plain
     * thread, told by what it did (an event loop's). */
    const cv_mlane *l = cv_model_lane(m, lane);
    int role = l != NULL ? l->role : CV_ROLE_UNKNOWN;
    bool main_lane = lane == CV_MAIN_LANE || role == CV_ROLE_MAIN;
    bool pool = role == CV_ROLE_WORKER;
    bool proc = role == CV_ROLE_PROCESS;
    switch (e->state) {
    case CV_THREAD_STARTED:
        cv_caption_add(buf, len, &n, main_lane ? "%s starts: the thread that runs the script"
                          : pool    ? "%s starts: a new thread in the pool"
                          : proc    ? "%s starts: a child process (fork), sharing no memory; "
                                      "its events come through a channel"
                                    : "%s starts: a new thread", ln);
        break;
    case CV_THREAD_BUSY:
        cv_caption_add(buf, len, &n, "%s is busy", ln);
        break;
    case CV_THREAD_IDLE:
        cv_caption_add(buf, len, &n, proc ? "%s is idle: its call is done, its result on the way"
                                          : "%s is idle: the queue is empty", ln);
        break;
    case CV_THREAD_STOPPED:
        if (main_lane && m->user_stopped)
            cv_caption_add(buf, len, &n, "%s stops: the user stopped the run", ln);
        else if (main_lane)
            cv_caption_add(buf, len, &n, "%s stops: the script is over", ln);
        else if (pool)
            cv_caption_add(buf, len, &n, "%s stops: the pool shuts down", ln);
        else if (proc)
            cv_caption_add(buf, len, &n, m->user_stopped ? "%s exits: killed, as the user stopped "
                                                           "the run"
                                                         : "%s exits, and the parent reaps it", ln);
        else if (role == CV_ROLE_LOOP || (l != NULL && l->loop))
            cv_caption_add(buf, len, &n, "%s stops: its event loop has nothing left to run", ln);
        else
            cv_caption_add(buf, len, &n, "%s stops: its function returned", ln);
        break;
    default:
        cv_caption_add(buf, len, &n, "%s: thread state %u", ln, e->state);
        break;
    }
}

void cv_caption__wait(const cv_model *m, const cv_event *e, char *buf, size_t len)
{
    size_t n = 0;
    char ln[48], lb[64];
    cv_model_lane_name(m, cv_event_lane_of(e), ln, sizeof ln);
    const char *what = e->text != NULL ? e->text : "futures";
    if (e->state == CV_WAIT_BLOCK && e->ref != 0) {
        const cv_mfuture *f = cv_model_future(m, e->ref);
        label_of(m, e->ref, lb, sizeof lb);
        if (strcmp(what, "result") == 0)
            cv_caption_add(buf, len, &n, "%s blocks: %s is not ready", ln, lb);
        else
            cv_caption_add(buf, len, &n, "%s blocks in %s: %s is not ready", ln, what, lb);
        size_t before = cv_model_future_index(m, e->ref);
        size_t done = before != CV_NONE ? cv_model_done_before(m, before) : 0;
        /* Where it is only if there is room: the point is the done ones. */
        if (f != NULL && f->state == CV_RUNNING && done == 0) {
            char wn[48];
            cv_caption_add(buf, len, &n, " (running on %s)",
                cv_model_lane_name(m, f->lane, wn, sizeof wn));
        } else if (f != NULL && f->state == CV_PENDING) {
            cv_caption_add(buf, len, &n, " (still queued)");
        }
        add_done_before(m, before, buf, len, &n);
    } else if (e->state == CV_WAIT_BLOCK) {
        cv_caption_add(buf, len, &n, "%s blocks in %s (%zu running, %zu queued)", ln, what,
            m->nrunning, m->npending);
        if (strcmp(what, "as_completed") == 0)
            cv_caption_add(buf, len, &n, ": it takes whichever finishes first, results as they come");
    } else if (e->ref != 0) {
        const cv_mfuture *f = cv_model_future(m, e->ref);
        label_of(m, e->ref, lb, sizeof lb);
        cv_caption_add(buf, len, &n, "%s unblocks: %s is done", ln, lb);
        if (f != NULL && f->state == CV_FINISHED) {
            if (f->result != NULL)
                cv_caption_add(buf, len, &n, ", result %s", f->result);
            else
                cv_caption_add(buf, len, &n, ", result %lld", (long long)f->value);
        } else if (f != NULL && f->state == CV_FAILED) {
            cv_caption_add(buf, len, &n, ", it failed: %s", f->error ? f->error : "error");
        }
    } else {
        cv_caption_add(buf, len, &n, "%s unblocks from %s", ln, what);
        if (strcmp(what, "as_completed") == 0)
            cv_caption_add(buf, len, &n, ": a future is done, taken as it comes, not in submission order");
    }
}

void cv_caption__header(const cv_model *m, const cv_event *e, char *buf, size_t len)
{
    (void)m;
    size_t n = 0;
    cv_caption_add(buf, len, &n, "the run of %s begins", e->text ? e->text : "a scenario");
}

void cv_caption__log(const cv_model *m, const cv_event *e, char *buf, size_t len)
{
    size_t n = 0;
    char ln[48];
    const char *t = e->text ? e->text : "";
    while (*t == '\t')
        t++;
    cv_caption_add(buf, len, &n, "%s prints \"%s\"",
        cv_model_lane_name(m, cv_event_lane_of(e), ln, sizeof ln), t);
}

void cv_caption__drop(const cv_model *m, const cv_event *e, char *buf, size_t len)
{
    (void)m;
    size_t n = 0;
    cv_caption_add(buf, len, &n, "%llu events were lost: a thread's ring was full",
        (unsigned long long)e->ref);
}

/* "worker 3 waited 1.20 ms for the event log: its ring of 131072 events
 * was full (nothing was dropped)". */
void cv_caption__stall(const cv_model *m, const cv_event *e, char *buf, size_t len)
{
    size_t n = 0;
    char ln[48];
    cv_model_lane_name(m, cv_event_lane_of(e), ln, sizeof ln);
    cv_caption_add(buf, len, &n, "%s waited %.2f ms for the event log: its ring", ln,
                   (double)e->ref / 1e6);
    if (e->code > 0)
        cv_caption_add(buf, len, &n, " of %d events", e->code);
    cv_caption_add(buf, len, &n, " was full (nothing was dropped)");
}

/* "kind id state: text", for a kind without a sentence of its own. */
static void plain_caption(const cv_event *e, char *buf, size_t len)
{
    size_t n = 0;
    const char *kind = cv_event_kind_name(e->kind);
    const char *state = cv_event_state_name(e->kind, e->state);
    cv_caption_add(buf, len, &n, "%s", kind ? kind : "event");
    if (e->id != 0)
        cv_caption_add(buf, len, &n, " %llu", (unsigned long long)e->id);
    if (state != NULL)
        cv_caption_add(buf, len, &n, " %s", state);
    if (e->text != NULL)
        cv_caption_add(buf, len, &n, ": %s", e->text);
}

/* The step's own sentence. */
static void step_caption(const cv_model *m, const cv_event *e, char *buf, size_t len)
{
    const cv_model_kind *k = cv_model__kind(e->kind);
    if (k != NULL && k->caption != NULL)
        k->caption(m, e, buf, len);
    else
        plain_caption(e, buf, len);
}

/* The event a caption is about, or NULL after saying that nothing has
 * happened yet (or with no room to say anything). */
static const cv_event *captioned(const cv_model *m, size_t index, char *buf, size_t len)
{
    size_t n = 0;
    if (len == 0)
        return NULL;
    buf[0] = '\0';
    if (index >= m->upto) {
        cv_caption_add(buf, len, &n, "nothing has happened yet");
        return NULL;
    }
    return cv_log_at(m->log, index);
}

void cv_caption(const cv_model *m, size_t index, char *buf, size_t len)
{
    size_t n = 0;
    const cv_event *e = captioned(m, index, buf, len);
    if (e == NULL)
        return;
    /* While a thread blocked in map waits behind futures already done,
     * that is the lesson on screen, whatever the step (caption_order.c),
     * and the step's own sentence follows it.  Only the latest event is
     * captioned, so only the model, not the event, can say it. */
    if (cv_caption__in_order(m, buf, len, &n)) {
        if (e->kind == CV_EV_WAIT && e->state == CV_WAIT_BLOCK)
            return; /* the block itself: the lesson says it all */
        char step[384];
        step_caption(m, e, step, sizeof step);
        cv_caption_add(buf, len, &n, " (last step: %s)", step);
        return;
    }
    step_caption(m, e, buf, len);
}

void cv_caption_step(const cv_model *m, size_t index, char *buf, size_t len)
{
    size_t n = 0;
    const cv_event *e = captioned(m, index, buf, len);
    if (e == NULL)
        return;
    bool block = e->kind == CV_EV_WAIT && e->state == CV_WAIT_BLOCK;
    bool finish = e->kind == CV_EV_FUTURE && (e->state == CV_FINISHED || e->state == CV_FAILED);
    if (!block)
        step_caption(m, e, buf, len);
    n = strlen(buf);
    /* The steps that make the lesson true carry it: the block, and a
     * later future's finish. */
    if (block || finish) {
        char lesson[256];
        size_t k = 0;
        if (cv_caption__in_order(m, lesson, sizeof lesson, &k))
            cv_caption_add(buf, len, &n, "%s%s", block ? "" : "; ", lesson);
        else if (block)
            step_caption(m, e, buf, len);
    }
}
