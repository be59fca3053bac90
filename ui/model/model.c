/*
 * Applying one event is a call through the kind's line in the model's
 * table (model_kinds.c) that updates a few records;
 * every array only grows, so pointers handed to views stay valid until the
 * next advance or seek.  Of an array's elements only the last ever changes
 * once appended (a span or a slice is closed), and a future changes only in
 * an event that names it: the checkpoints (model_checkpoint.c) rely on
 * both.  Timestamps in the log never decrease (the log clamps them),
 * which lets cv_log_index_at binary-search a playhead time.
 */
#include "model.h"
#include "clock.h"
#include "error.h"
#include "model_kinds.h"
#include "model_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Lanes beyond this are ignored: a corrupt trace must not allocate GBs. */
#define MAX_LANES 4096

int cv_model__grow(void **arr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap * 2 : 16;
    while (n < need)
        n *= 2;
    void *p = realloc(*arr, n * size);
    if (p == NULL)
        return -1;
    memset((char *)p + *cap * size, 0, (n - *cap) * size);
    *arr = p;
    *cap = n;
    return 0;
}

/* Whether the future with this id is kept where its id says: the usual
 * case, since runs number their futures 1, 2, 3, ... as they are made.
 * Only the others go into the id hash (model_ids.c), which so stays small
 * and out of the way of a million lookups. */
static bool at_its_place(uint64_t id, size_t index)
{
    return id >= 1 && id - 1 == index;
}

/* Room for exactly n elements of *arr (empty so far), zeroed. */
static void reserve_array(void **arr, size_t *cap, size_t n, size_t size)
{
    if (n <= *cap)
        return;
    /* calloc: the pages are mapped as they are first touched, so that a
     * room reserved for a million futures costs memory only as it fills. */
    void *p = *cap == 0 ? calloc(n, size) : realloc(*arr, n * size);
    if (p == NULL)
        return; /* the arrays will grow as they go */
    if (*cap == 0)
        free(*arr);
    else
        memset((char *)p + *cap * size, 0, (n - *cap) * size);
    *arr = p;
    *cap = n;
}

/* What each lane's arrays will hold, at most, counted from the log. */
enum { R_SPANS, R_WAITS, R_FUTS, R_LOOPS, R_SLICES, R_FRAMES, R_COUNT };

/* A replay's log is whole before the model sees it, so one pass counts
 * what each array will hold and each is allocated once, at that size.  A
 * doubling array copies itself at the worst moment (the frame that made
 * the 2^k-th future took 100 ms at a million events) and leaves up to half
 * its room unused; a pass over 10^6 events takes a few milliseconds. */
static void reserve(cv_model *m)
{
    size_t count = cv_log_count(m->log), futs = 0, elsewhere = 0, console = 0,
           side_console[CV_SIDE_COUNT] = {0};
    size_t (*per)[R_COUNT] = calloc(MAX_LANES, sizeof *per);
    if (per == NULL)
        return;
    int lanes = 0;
    for (size_t i = 0; i < count; i++) {
        const cv_event *e = cv_log_at(m->log, i);
        int lane = cv_event_lane_of(e), what = -1;
        switch (e->kind) {
        case CV_EV_FUTURE:
        case CV_EV_TASK:
            /* A future is made by its first event, normally this one. */
            if (e->state == (e->kind == CV_EV_TASK ? CV_TASK_CREATED : CV_PENDING))
                elsewhere += !at_its_place(e->id, futs++);
            if (e->kind == CV_EV_FUTURE)
                what = e->state == CV_RUNNING ? R_FUTS : -1;
            else
                what = e->state == CV_TASK_RUNNING ? R_SLICES : -1;
            break;
        case CV_EV_THREAD:
            what = e->state == CV_THREAD_STOPPED ? -1 : R_SPANS;
            break;
        case CV_EV_WAIT:
            what = e->state == CV_WAIT_BLOCK ? R_WAITS : -1;
            break;
        case CV_EV_GIL:
            what = e->state == CV_GIL_WAIT ? R_WAITS : -1;
            break;
        case CV_EV_LOOP:
            what = e->state == CV_LOOP_POLLING || e->state == CV_LOOP_RUNNING ? R_LOOPS : -1;
            break;
        case CV_EV_FRAME:
            what = e->text != NULL && e->text[0] != '\0' ? R_FRAMES : -1;
            break;
        case CV_EV_LOG:
            console++;
            side_console[cv_pane_of_side(e->side)]++;
            break;
        default:
            break;
        }
        if (what >= 0 && lane >= 0 && lane < MAX_LANES) {
            per[lane][what]++;
            lanes = lane + 1 > lanes ? lane + 1 : lanes;
        }
    }
    size_t caplanes = (size_t)m->caplanes;
    reserve_array((void **)&m->lanes, &caplanes, (size_t)lanes, sizeof *m->lanes);
    m->caplanes = (int)caplanes;
    for (int i = 0; i < lanes && i < m->caplanes; i++) {
        cv_mlane *l = &m->lanes[i];
        reserve_array((void **)&l->spans, &l->capspans, per[i][R_SPANS], sizeof *l->spans);
        reserve_array((void **)&l->waits, &l->capwaits, per[i][R_WAITS], sizeof *l->waits);
        reserve_array((void **)&l->futs, &l->capfuts, per[i][R_FUTS], sizeof *l->futs);
        reserve_array((void **)&l->loops, &l->caploops, per[i][R_LOOPS], sizeof *l->loops);
        reserve_array((void **)&l->slices, &l->capslices, per[i][R_SLICES], sizeof *l->slices);
        reserve_array((void **)&l->frames, &l->capframes, per[i][R_FRAMES], sizeof *l->frames);
    }
    free(per);
    reserve_array((void **)&m->futs, &m->capfuts, futs, sizeof *m->futs);
    cv_model__id_reserve(&m->ids, elsewhere);
    reserve_array((void **)&m->console, &m->capconsole, console, sizeof *m->console);
    for (int i = 0; i < CV_SIDE_COUNT; i++)
        reserve_array((void **)&m->sides[i].console, &m->sides[i].capconsole, side_console[i],
                      sizeof *m->sides[i].console);
}

int cv_model_init(cv_model *m, const cv_log *log)
{
    memset(m, 0, sizeof *m);
    m->log = log;
    m->last_touched = CV_NONE;
    cv_model__checkpoints_init(m);
    if (log != NULL && cv_log_closed(log))
        reserve(m);
    return 0;
}

void cv_model_reserve_whole_log(cv_model *m)
{
    if (m->log != NULL && cv_log_closed(m->log))
        reserve(m);
}

void cv_model_free(cv_model *m)
{
    cv_model__checkpoints_free(m);
    for (int i = 0; i < m->caplanes; i++) {
        free(m->lanes[i].spans);
        free(m->lanes[i].waits);
        free(m->lanes[i].futs);
        free(m->lanes[i].loops);
        free(m->lanes[i].slices);
        free(m->lanes[i].frames);
    }
    for (int i = 0; i < CV_SIDE_COUNT; i++)
        free(m->sides[i].console);
    free(m->lanes);
    free(m->futs);
    cv_model__id_free(&m->ids);
    free(m->console);
    free(m->lines);
    memset(m, 0, sizeof *m);
}

void cv_model_reset(cv_model *m)
{
    for (int i = 0; i < m->caplanes; i++) {
        cv_mlane *l = &m->lanes[i];
        cv_span *s = l->spans, *w = l->waits;
        size_t *f = l->futs;
        cv_span *lp = l->loops;
        cv_slice *sl = l->slices;
        size_t *fr = l->frames;
        size_t cs = l->capspans, cw = l->capwaits, cf = l->capfuts;
        size_t cl = l->caploops, csl = l->capslices, cfr = l->capframes;
        memset(l, 0, sizeof *l);
        l->spans = s, l->capspans = cs;
        l->waits = w, l->capwaits = cw;
        l->futs = f, l->capfuts = cf;
        l->loops = lp, l->caploops = cl;
        l->slices = sl, l->capslices = csl;
        l->frames = fr, l->capframes = cfr;
    }
    for (int i = 0; i < CV_SIDE_COUNT; i++) {
        cv_mside *sd = &m->sides[i];
        size_t *con = sd->console, cap = sd->capconsole;
        memset(sd, 0, sizeof *sd);
        sd->console = con, sd->capconsole = cap;
    }
    m->ntasks = m->ntasks_done = 0;
    m->last_touched = CV_NONE;
    memset(m->ntask_states, 0, sizeof m->ntask_states);
    m->sided = false;
    m->upto = 0;
    m->t_last = 0;
    m->scenario = NULL;
    m->nfuts = m->nconsole = 0;
    m->nlanes = 0;
    m->npending = m->nrunning = m->ndone = 0;
    m->first_pending = 0;
    m->done_prefix = 0;
    m->dropped = 0;
    m->stalls = 0;
    m->stalled_ns = 0;
    memset(m->kinds, 0, sizeof m->kinds);
    m->failed_seen = false;
    m->nsections = 0;
    memset(m->sections, 0, sizeof m->sections);
    m->gil_holder1 = m->gil_last1 = 0;
    m->gil_handoffs = m->gil_requests = 0;
    m->nlines = 0;
    m->line_moved1 = 0;
    m->listings_seen = 0;
}

size_t cv_model_future_index(const cv_model *m, uint64_t id)
{
    if (id >= 1 && id - 1 < m->nfuts && m->futs[id - 1].id == id)
        return (size_t)(id - 1);
    /* The hash keeps the ids of futures a step back or a reset forgot:
     * what it says holds only if the future there has that id. */
    size_t i = cv_model__id_find(&m->ids, id);
    return i < m->nfuts && m->futs[i].id == id ? i : CV_NONE;
}

const cv_mfuture *cv_model_future(const cv_model *m, uint64_t id)
{
    size_t i = cv_model_future_index(m, id);
    return i == CV_NONE ? NULL : &m->futs[i];
}

const cv_mlane *cv_model_lane(const cv_model *m, int lane)
{
    if (lane < 0 || lane >= m->nlanes || !m->lanes[lane].present)
        return NULL;
    return &m->lanes[lane];
}

const char *cv_model_lane_name(const cv_model *m, int lane, char *buf, size_t len)
{
    const cv_mlane *l = cv_model_lane(m, lane);
    /* A pool's own "worker N" is renumbered; a name the scenario chose
     * ("pool thread") stays. */
    int worker = l != NULL && l->name != NULL && strncmp(l->name, "worker ", 7) == 0
                     ? cv_model_worker_number(m, lane)
                     : 0;
    if (worker > 0)
        snprintf(buf, len, "worker %d", worker);
    else if (l != NULL && l->name != NULL)
        snprintf(buf, len, "%s", l->name);
    else if (lane == CV_MAIN_LANE)
        snprintf(buf, len, "main");
    else
        snprintf(buf, len, "lane %d", lane);
    return buf;
}

const char *cv_model_label(const cv_mfuture *f, char *buf, size_t len)
{
    if (f->label != NULL)
        snprintf(buf, len, "%s", f->label);
    else
        snprintf(buf, len, "future %llu", (unsigned long long)f->id);
    return buf;
}

int cv_pane_of_side(int side)
{
    return side == CV_SIDE_TASK || side == CV_SIDE_PROCESS ? side : CV_SIDE_THREAD;
}

int cv_event_lane_of(const cv_event *e)
{
    return e->lane != CV_NO_LANE ? e->lane : e->origin;
}

/* The future with this id, created (as unseen) if new. */
cv_mfuture *cv_model__future_get(cv_model *m, uint64_t id, int64_t t)
{
    size_t i = cv_model_future_index(m, id);
    if (i != CV_NONE)
        return &m->futs[i];
    if (cv_model__grow((void **)&m->futs, &m->capfuts, m->nfuts + 1, sizeof *m->futs) ||
        (!at_its_place(id, m->nfuts) && cv_model__id_put(&m->ids, id, m->nfuts) != 0))
        return NULL;
    cv_mfuture *f = &m->futs[m->nfuts];
    *f = (cv_mfuture){.id = id, .t_submit = t, .t_start = -1, .t_end = -1, .last_event = CV_NONE,
                      .lane = CV_NO_LANE, .state = CV_PENDING, .prev_on_lane = CV_NONE};
    m->nfuts++;
    m->npending++;
    return f;
}

cv_mlane *cv_model__lane_get(cv_model *m, int lane)
{
    if (lane < 0 || lane >= MAX_LANES)
        return NULL;
    if (lane >= m->caplanes) {
        size_t cap = (size_t)m->caplanes;
        if (cv_model__grow((void **)&m->lanes, &cap, (size_t)lane + 1, sizeof *m->lanes))
            return NULL;
        m->caplanes = (int)cap;
    }
    cv_mlane *l = &m->lanes[lane];
    if (!l->present) {
        l->present = true;
        l->state = -1;
        l->running = CV_NONE;
        l->last_done = CV_NONE;
        l->nspans = l->nwaits = l->nfuts = l->nloops = l->nslices = l->nframes = 0;
        l->name = NULL;
        l->overlap = false;
        l->role = CV_ROLE_UNKNOWN;
        l->side = CV_SIDE_NONE;
        l->loop = false;
        l->gil = CV_LANE_GIL_NONE;
    }
    if (lane >= m->nlanes)
        m->nlanes = lane + 1;
    return l;
}

/* Closes the open span at the end of the list (if any) at time t. */
void cv_model__close_span(cv_span *spans, size_t n, int64_t t)
{
    if (n > 0 && spans[n - 1].t1 < 0)
        spans[n - 1].t1 = t;
}

int cv_model__open_span(cv_span **spans, size_t *n, size_t *cap, cv_span s)
{
    cv_model__close_span(*spans, *n, s.t0);
    if (cv_model__grow((void **)spans, cap, *n + 1, sizeof **spans))
        return -1;
    (*spans)[(*n)++] = s;
    return 0;
}

static bool is_done(unsigned state)
{
    return state == CV_FINISHED || state == CV_FAILED;
}

void cv_model__done_update(cv_model *m, size_t i, unsigned was)
{
    if (is_done(was) && !is_done(m->futs[i].state) && i < m->done_prefix)
        m->done_prefix = i; /* a trace may say anything */
    while (m->done_prefix < m->nfuts && is_done(m->futs[m->done_prefix].state))
        m->done_prefix++;
}

size_t cv_model_done_before(const cv_model *m, size_t before)
{
    if (before > m->nfuts)
        before = m->nfuts;
    size_t done = m->done_prefix < before ? m->done_prefix : before;
    for (size_t i = done; i < before; i++)
        done += is_done(m->futs[i].state);
    return done;
}

/* Moves the future to a new state, keeping the queue counters right. */
static void set_state(cv_model *m, cv_mfuture *f, unsigned state)
{
    unsigned was = f->state;
    if (f->state == CV_PENDING && state != CV_PENDING && m->npending > 0)
        m->npending--;
    if (f->state == CV_RUNNING && state != CV_RUNNING && m->nrunning > 0)
        m->nrunning--;
    if (state == CV_RUNNING && f->state != CV_RUNNING)
        m->nrunning++;
    f->state = (uint8_t)state;
    while (m->first_pending < m->nfuts && m->futs[m->first_pending].state != CV_PENDING)
        m->first_pending++;
    cv_model__done_update(m, (size_t)(f - m->futs), was);
}

int cv_model__apply_future(cv_model *m, const cv_event *e, size_t index)
{
    cv_model__checkpoint_note(m, e->id);
    cv_mfuture *f = cv_model__future_get(m, e->id, e->t_ns);
    if (f == NULL)
        return -1;
    size_t fi = (size_t)(f - m->futs);
    m->last_touched = fi;
    f->last_event = index;
    switch (e->state) {
    case CV_PENDING:
        if (e->text != NULL)
            f->label = e->text;
        f->t_submit = e->t_ns;
        break;
    case CV_RUNNING: {
        cv_mlane *l = cv_model__lane_get(m, e->lane != CV_NO_LANE ? e->lane : e->origin);
        bool again = f->t_start >= 0 || f->t_end >= 0; /* ran, or ended, before */
        if (again && f->lane >= 0 && f->lane < m->nlanes)
            m->lanes[f->lane].overlap = true; /* its bar there moves */
        set_state(m, f, CV_RUNNING);
        f->t_start = e->t_ns;
        if (l != NULL) {
            if (l->running != CV_NONE || again)
                l->overlap = true;
            f->lane = (int)(l - m->lanes);
            f->prev_on_lane = l->nfuts > 0 ? l->futs[l->nfuts - 1] : CV_NONE;
            if (cv_model__grow((void **)&l->futs, &l->capfuts, l->nfuts + 1, sizeof *l->futs))
                return -1;
            l->futs[l->nfuts++] = fi;
            l->running = fi;
        }
        break;
    }
    case CV_FINISHED:
    case CV_FAILED:
    case CV_CANCELLED: {
        if (f->state == CV_PENDING || f->state == CV_RUNNING)
            m->ndone++;
        set_state(m, f, e->state);
        f->t_end = e->t_ns;
        f->code = e->code;
        if (e->state == CV_FINISHED) {
            f->result = e->text;
            f->value = e->ref;
        } else if (e->state == CV_FAILED) {
            f->error = e->text;
            m->failed_seen = true;
        }
        if (f->lane >= 0 && f->lane < m->nlanes) {
            cv_mlane *l = &m->lanes[f->lane];
            if (l->nfuts == 0 || l->futs[l->nfuts - 1] != fi)
                l->overlap = true; /* ends after the next began */
            if (l->running == fi)
                l->running = CV_NONE;
            l->last_done = fi;
        }
        break;
    }
    default:
        break;
    }
    return 0;
}

int cv_model__apply_thread(cv_model *m, const cv_event *e, size_t index)
{
    (void)index;
    cv_mlane *l = cv_model__lane_get(m, cv_event_lane_of(e));
    if (l == NULL)
        return 0;
    l->state = e->state;
    switch (e->state) {
    case CV_THREAD_STARTED:
        if (e->text != NULL)
            l->name = e->text;
        /* The role is said, never guessed: an old trace has none. */
        if (e->code > CV_ROLE_UNKNOWN && e->code < CV_ROLE_COUNT)
            l->role = e->code;
        return cv_model__open_span(&l->spans, &l->nspans, &l->capspans,
                         (cv_span){.t0 = e->t_ns, .t1 = -1, .kind = CV_SPAN_IDLE});
    case CV_THREAD_BUSY:
        return cv_model__open_span(&l->spans, &l->nspans, &l->capspans,
                         (cv_span){.t0 = e->t_ns, .t1 = -1, .kind = CV_SPAN_BUSY});
    case CV_THREAD_IDLE:
        return cv_model__open_span(&l->spans, &l->nspans, &l->capspans,
                         (cv_span){.t0 = e->t_ns, .t1 = -1, .kind = CV_SPAN_IDLE});
    case CV_THREAD_STOPPED:
        cv_model__close_span(l->spans, l->nspans, e->t_ns);
        cv_model__close_span(l->waits, l->nwaits, e->t_ns);
        return 0;
    default:
        return 0;
    }
}

int cv_model__apply_wait(cv_model *m, const cv_event *e, size_t index)
{
    /* A wait names the future it is on: its card lists it. */
    if (e->ref != 0) {
        size_t fi = cv_model_future_index(m, e->ref);
        if (fi != CV_NONE) {
            cv_model__checkpoint_note(m, e->ref);
            m->futs[fi].last_event = index;
        }
    }
    cv_mlane *l = cv_model__lane_get(m, cv_event_lane_of(e));
    if (l == NULL)
        return 0;
    if (e->state == CV_WAIT_BLOCK)
        return cv_model__open_span(&l->waits, &l->nwaits, &l->capwaits,
                         (cv_span){.t0 = e->t_ns, .t1 = -1, .ref = e->ref, .what = e->text,
                                   .kind = CV_SPAN_BLOCKED});
    cv_model__close_span(l->waits, l->nwaits, e->t_ns);
    return 0;
}

int cv_model__apply_header(cv_model *m, const cv_event *e, size_t index)
{
    (void)index;
    m->scenario = e->text;
    return 0;
}

int cv_model__apply_log(cv_model *m, const cv_event *e, size_t index)
{
    if (cv_model__grow((void **)&m->console, &m->capconsole, m->nconsole + 1, sizeof *m->console))
        return -1;
    m->console[m->nconsole++] = index;
    cv_mside *sd = &m->sides[cv_pane_of_side(e->side)];
    if (cv_model__grow((void **)&sd->console, &sd->capconsole, sd->nconsole + 1,
                       sizeof *sd->console))
        return -1;
    sd->console[sd->nconsole++] = index;
    return 0;
}

int cv_model__apply_drop(cv_model *m, const cv_event *e, size_t index)
{
    (void)index;
    m->dropped += e->ref;
    return 0;
}

int cv_model__apply_stall(cv_model *m, const cv_event *e, size_t index)
{
    (void)index;
    m->stalls++;
    m->stalled_ns += e->ref > INT64_MAX ? INT64_MAX : (int64_t)e->ref;
    return 0;
}

/* A milestone only captions its step; the user's stop also changes how
 * the end of the run reads (main's stop, the calls cut short); a section
 * mark names a section of a comparison, planned or started (event.h). */
int cv_model__apply_mark(cv_model *m, const cv_event *e, size_t index)
{
    (void)index;
    if (e->code == CV_MARK_USER_STOP)
        m->user_stopped = true;
    if ((e->code == CV_MARK_SECTION || e->code == CV_MARK_SECTION_PLAN) &&
        e->ref < CV_SECTIONS_MAX) {
        cv_msection *s = &m->sections[e->ref];
        s->name = e->text;
        if (e->code == CV_MARK_SECTION && !s->started) {
            s->started = true;
            s->t0 = e->t_ns;
        }
        if ((int)e->ref >= m->nsections)
            m->nsections = (int)e->ref + 1;
    }
    return 0;
}

int cv_model_outcome(const cv_mfuture *f)
{
    if ((f->state == CV_FINISHED || f->state == CV_FAILED) && f->code == 404)
        return CV_OUTCOME_NOT_FOUND;
    if (f->state != CV_FAILED)
        return CV_OUTCOME_PLAIN;
    if (f->code == CV_ENETTIMEOUT)
        return CV_OUTCOME_TIMEOUT;
    if (f->code >= 100 && f->code <= 599)
        return CV_OUTCOME_HTTP_ERROR;
    return CV_OUTCOME_PLAIN;
}

int64_t cv_model_section_end(const cv_model *m, int k)
{
    if (k < 0 || k >= m->nsections || !m->sections[k].started)
        return -1;
    for (int i = k + 1; i < m->nsections; i++)
        if (m->sections[i].started)
            return m->sections[i].t0;
    return m->t_last;
}

static int apply(cv_model *m, size_t i)
{
    const cv_event *e = cv_log_at(m->log, i);
    m->t_last = e->t_ns;
    m->kinds[e->kind < CV_EV_KIND_COUNT ? e->kind : CV_EV_KIND_COUNT]++;
    if (e->side != CV_SIDE_NONE && e->side < CV_SIDE_COUNT)
        cv_model__note_side(m, e);
    const cv_model_kind *k = cv_model__kind(e->kind);
    return k != NULL && k->apply != NULL ? k->apply(m, e, i) : 0;
}

int cv_model_advance(cv_model *m, size_t upto)
{
    size_t count = cv_log_count(m->log);
    if (upto > count)
        upto = count;
    while (m->upto < upto) {
        if (apply(m, m->upto) != 0)
            return -1;
        m->upto++;
        if (m->upto >= m->ckpt_next)
            cv_model__checkpoint_take(m);
    }
    return 0;
}

int cv_model_seek(cv_model *m, size_t upto)
{
    if (upto < m->upto)
        cv_model__checkpoint_restore(m, upto);
    return cv_model_advance(m, upto);
}

int cv_model_seek_some(cv_model *m, size_t upto, size_t budget)
{
    if (upto < m->upto)
        cv_model__checkpoint_restore(m, upto);
    size_t stop = upto > m->upto && upto - m->upto > budget ? m->upto + budget : upto;
    return cv_model_advance(m, stop);
}

int cv_model_seek_within(cv_model *m, size_t upto, int64_t max_ns)
{
    int64_t deadline = cv_clock_mono_ns() + max_ns;
    do {
        if (cv_model_seek_some(m, upto, 1024) != 0)
            return -1;
    } while (m->upto != upto && cv_clock_mono_ns() < deadline);
    return 0;
}

void cv_model_memory(const cv_model *m, size_t *model_bytes, size_t *checkpoint_bytes)
{
    size_t b = m->capfuts * sizeof *m->futs + cv_model__id_bytes(&m->ids) +
               (size_t)m->caplanes * sizeof *m->lanes + m->capconsole * sizeof *m->console +
               m->caplines * sizeof *m->lines;
    for (int i = 0; i < m->caplanes; i++) {
        const cv_mlane *l = &m->lanes[i];
        b += (l->capspans + l->capwaits + l->caploops) * sizeof(cv_span) +
             l->capslices * sizeof(cv_slice) + (l->capfuts + l->capframes) * sizeof(size_t);
    }
    for (int i = 0; i < CV_SIDE_COUNT; i++)
        b += m->sides[i].capconsole * sizeof *m->sides[i].console;
    *model_bytes = b;
    *checkpoint_bytes = cv_model__checkpoint_bytes(m);
}

size_t cv_log_index_at(const cv_log *log, size_t count, int64_t t_ns)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cv_log_at(log, mid)->t_ns <= t_ns)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}
