/*
 * The event loop's side of the model.  A task is kept as a future flagged
 * `task`: created, it is already in flight (asyncio schedules it at once),
 * so its future state is RUNNING until it ends; its task state says what
 * it is doing meanwhile.  Every RUNNING event opens a slice on the loop's
 * lane and the next SUSPENDED, DONE, FAILED or CANCELLED closes it, so the
 * lane shows the short stretches in which each task really ran, between
 * the loop's own polling.  Spinner frames are counted per side.
 */
#include "model_kinds.h"
#include "model_private.h"

static bool ended(unsigned tstate)
{
    return tstate == CV_TASK_DONE || tstate == CV_TASK_FAILED || tstate == CV_TASK_CANCELLED;
}

/* The task with this id, made a task if the model first saw it now. */
static cv_mfuture *task_get(cv_model *m, const cv_event *e)
{
    size_t before = m->nfuts;
    cv_mfuture *f = cv_model__future_get(m, e->id, e->t_ns);
    if (f == NULL || f->task)
        return f;
    if (m->nfuts > before && m->npending > 0)
        m->npending--; /* created as a pending future: it is not queued */
    unsigned was = f->state;
    f->task = true;
    f->state = CV_RUNNING;
    cv_model__done_update(m, (size_t)(f - m->futs), was);
    f->tstate = CV_TASK_CREATED;
    f->lane = e->lane;
    m->ntasks++;
    m->ntask_states[CV_TASK_CREATED]++;
    while (m->first_pending < m->nfuts && m->futs[m->first_pending].state != CV_PENDING)
        m->first_pending++;
    return f;
}

static void set_tstate(cv_model *m, cv_mfuture *f, unsigned tstate)
{
    if (ended(f->tstate))
        return; /* a task ends once */
    m->ntask_states[f->tstate]--;
    f->tstate = (uint8_t)tstate;
    if (ended(tstate))
        m->ntasks_done++;
    else
        m->ntask_states[tstate]++;
}

/* Closes the task's slice if it is the one running on its lane. */
static void close_slice(cv_model *m, const cv_mfuture *f, int64_t t, unsigned end)
{
    const cv_mlane *cl = cv_model_lane(m, f->lane);
    if (cl == NULL)
        return;
    cv_mlane *l = &m->lanes[f->lane];
    if (l->nslices == 0)
        return;
    cv_slice *s = &l->slices[l->nslices - 1];
    if (s->t1 < 0 && s->fut == (size_t)(f - m->futs)) {
        s->t1 = t;
        s->end = (uint8_t)end;
    }
}

static int open_slice(cv_model *m, cv_mfuture *f, const cv_event *e)
{
    cv_mlane *l = cv_model__lane_get(m, cv_event_lane_of(e));
    if (l == NULL)
        return 0;
    l->loop = true;
    f->lane = (int)(l - m->lanes);
    if (l->nslices > 0 && l->slices[l->nslices - 1].t1 < 0) {
        cv_slice *prev = &l->slices[l->nslices - 1];
        prev->t1 = e->t_ns; /* a lost event: end it where the next began */
        prev->end = CV_TASK_SUSPENDED;
    }
    if (cv_model__grow((void **)&l->slices, &l->capslices, l->nslices + 1, sizeof *l->slices))
        return -1;
    l->slices[l->nslices++] = (cv_slice){.t0 = e->t_ns, .t1 = -1,
                                         .fut = (size_t)(f - m->futs), .end = CV_TASK_RUNNING};
    return 0;
}

int cv_model__apply_task(cv_model *m, const cv_event *e, size_t index)
{
    cv_model__checkpoint_note(m, e->id);
    cv_mfuture *f = task_get(m, e);
    if (f == NULL)
        return -1;
    f->last_event = index;
    m->last_touched = (size_t)(f - m->futs);
    if (e->state >= CV_TASK_STATE_COUNT || ended(f->tstate))
        return 0;
    switch (e->state) {
    case CV_TASK_CREATED:
        if (e->text != NULL)
            f->label = e->text;
        f->t_submit = e->t_ns;
        break;
    case CV_TASK_SCHEDULED:
        set_tstate(m, f, CV_TASK_SCHEDULED);
        break; /* awaits stays: the caption says what is over */
    case CV_TASK_RUNNING:
        set_tstate(m, f, CV_TASK_RUNNING);
        if (f->t_start < 0)
            f->t_start = e->t_ns;
        f->nslices++;
        return open_slice(m, f, e);
    case CV_TASK_SUSPENDED:
        set_tstate(m, f, CV_TASK_SUSPENDED);
        f->awaits = e->text;
        f->awaits_ref = e->ref;
        close_slice(m, f, e->t_ns, CV_TASK_SUSPENDED);
        break;
    case CV_TASK_DONE:
    case CV_TASK_FAILED:
    case CV_TASK_CANCELLED:
        close_slice(m, f, e->t_ns, e->state);
        set_tstate(m, f, e->state);
        f->t_end = e->t_ns;
        f->code = e->code;
        f->awaits = NULL;
        unsigned was = f->state;
        if (e->state == CV_TASK_DONE) {
            f->state = CV_FINISHED;
            f->result = e->text;
            f->value = e->ref;
        } else if (e->state == CV_TASK_FAILED) {
            f->state = CV_FAILED;
            f->error = e->text;
            m->failed_seen = true;
        } else {
            f->state = CV_CANCELLED;
        }
        cv_model__done_update(m, (size_t)(f - m->futs), was);
        break;
    default:
        break;
    }
    return 0;
}

int cv_model__apply_loop(cv_model *m, const cv_event *e, size_t index)
{
    (void)index;
    cv_mlane *l = cv_model__lane_get(m, cv_event_lane_of(e));
    if (l == NULL)
        return 0;
    l->loop = true;
    switch (e->state) {
    case CV_LOOP_POLLING:
        return cv_model__open_span(&l->loops, &l->nloops, &l->caploops,
                                   (cv_span){.t0 = e->t_ns, .t1 = -1, .ref = e->ref,
                                             .kind = CV_SPAN_POLL});
    case CV_LOOP_RUNNING:
        return cv_model__open_span(&l->loops, &l->nloops, &l->caploops,
                                   (cv_span){.t0 = e->t_ns, .t1 = -1, .kind = CV_SPAN_LOOP});
    default:
        cv_model__close_span(l->loops, l->nloops, e->t_ns);
        return 0;
    }
}

int cv_model__apply_frame(cv_model *m, const cv_event *e, size_t index)
{
    unsigned side = (unsigned)cv_pane_of_side(e->side);
    cv_mside *sd = &m->sides[side];
    m->sided = true;
    sd->glyph = e->text;
    if (e->text == NULL || e->text[0] == '\0')
        return 0; /* the line cleared: not a frame drawn */
    if (sd->frames == 0)
        sd->t_first = e->t_ns;
    sd->frames++;
    sd->t_frame = e->t_ns;
    cv_mlane *l = cv_model__lane_get(m, cv_event_lane_of(e));
    if (l == NULL)
        return 0;
    if (cv_model__grow((void **)&l->frames, &l->capframes, l->nframes + 1, sizeof *l->frames))
        return -1;
    l->frames[l->nframes++] = index;
    return 0;
}

void cv_model__note_side(cv_model *m, const cv_event *e)
{
    m->sided = true;
    cv_mlane *l = cv_model__lane_get(m, cv_event_lane_of(e));
    if (l != NULL && l->side == CV_SIDE_NONE)
        l->side = e->side;
}
