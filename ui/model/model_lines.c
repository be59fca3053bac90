/*
 * Where the code stands in the run's Python listing (the LINE kind of
 * src/event/event.h), for the source pane.  A lane's own code is at one
 * line; on an event loop's lane each task is at a line of its own too,
 * since a task suspended at an await stays there while the loop runs
 * others, and that is the lesson of the spinner: under a blocking call
 * the spinner task never leaves its line.
 *
 * The model keeps one record per lane or task that ever stood at a line,
 * changed in place: a run has a handful of them (flags' tasks: a few
 * dozen), so a lookup is a scan, and a checkpoint copies them whole
 * (model_checkpoint.c).  Whether a record is still true is decided when it
 * is read, from the state the model has anyway: a worker gone idle is in
 * its pool's loop, in no line of the listing, and a task that ended is
 * nowhere.
 */
#include <string.h>

#include "caption.h"
#include "listing.h"
#include "model_kinds.h"
#include "model_private.h"

const cv_mline *cv_model_line_of(const cv_model *m, int lane, uint64_t task)
{
    for (size_t i = 0; i < m->nlines; i++)
        if (m->lines[i].lane == lane && m->lines[i].task == task)
            return &m->lines[i];
    return NULL;
}

bool cv_model_line_shown(const cv_model *m, const cv_mline *p)
{
    if (p->task != 0) {
        const cv_mfuture *f = cv_model_future(m, p->task);
        return f != NULL && f->state == CV_RUNNING;
    }
    const cv_mlane *l = cv_model_lane(m, p->lane);
    if (l == NULL || l->state == CV_THREAD_IDLE || l->state == CV_THREAD_STOPPED)
        return false;
    /* Busy again since: a new call, which has not reached a line yet. */
    if (l->nspans > 0) {
        const cv_span *s = &l->spans[l->nspans - 1];
        if (s->kind == CV_SPAN_BUSY && s->t0 > p->t)
            return false;
    }
    return true;
}

int cv_model__apply_line(cv_model *m, const cv_event *e, size_t index)
{
    int lane = cv_event_lane_of(e);
    cv_mline *p = (cv_mline *)cv_model_line_of(m, lane, e->id);
    if (p == NULL) {
        if (cv_model__grow((void **)&m->lines, &m->caplines, m->nlines + 1, sizeof *m->lines))
            return -1;
        p = &m->lines[m->nlines++];
        *p = (cv_mline){.lane = lane, .task = e->id};
    }
    p->listing = e->code;
    p->line = (int)e->ref;
    p->t = e->t_ns;
    p->event = index;
    m->line_moved1 = (size_t)(p - m->lines) + 1;
    if (e->code >= 0 && e->code < 64)
        m->listings_seen |= 1ull << e->code;
    return 0;
}

void cv_caption__line(const cv_model *m, const cv_event *e, char *buf, size_t len)
{
    size_t n = 0;
    char who[64];
    const cv_mfuture *task = e->id != 0 ? cv_model_future(m, e->id) : NULL;
    if (task != NULL)
        cv_model_label(task, who, sizeof who);
    else
        cv_model_lane_name(m, cv_event_lane_of(e), who, sizeof who);
    const cv_listing *l = cv_listing_get(e->code);
    size_t tlen = 0;
    const char *text = cv_listing_line(e->code, (int)e->ref, &tlen);
    if (l == NULL || text == NULL) {
        cv_caption_add(buf, len, &n, "%s is at line %llu of listing %d", who,
                       (unsigned long long)e->ref, e->code);
        return;
    }
    /* The code without its indent and without the marker comment. */
    while (tlen > 0 && (*text == ' ' || *text == '\t'))
        text++, tlen--;
    const char *mark = memmem(text, tlen, "  # line: ", 10);
    if (mark != NULL)
        tlen = (size_t)(mark - text);
    cv_caption_add(buf, len, &n, "%s%s is at %s:%llu: %.*s", task != NULL ? "task " : "", who,
                   l->file, (unsigned long long)e->ref, (int)tlen, text);
}
