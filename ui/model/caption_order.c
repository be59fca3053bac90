/*
 * The lesson of the order in which a thread takes its results, read from
 * the model alone.  executor.map yields results in submission order, so a
 * thread blocked in map on one future waits even when futures submitted
 * after it are done: when the model shows exactly that (an open wait "in
 * map" on future X, and later futures of the log finished or failed), the
 * caption says so, whatever the last step was, for as long as it lasts.
 * as_completed is the other way round: a thread blocked in it takes the
 * next future to finish, so a finish while it waits is the result it gets.
 */
#include <string.h>

#include "caption.h"
#include "model_kinds.h"

#define SCAN 1024

/* The open wait of some lane whose `what` is `what`, or NULL; *lane says
 * whose. */
static const cv_span *open_wait(const cv_model *m, const char *what, int *lane)
{
    for (int i = 0; i < m->nlanes; i++) {
        const cv_mlane *l = cv_model_lane(m, i);
        if (l == NULL || l->nwaits == 0)
            continue;
        const cv_span *w = &l->waits[l->nwaits - 1];
        if (w->t1 < 0 && w->what != NULL && strcmp(w->what, what) == 0) {
            *lane = i;
            return w;
        }
    }
    return NULL;
}

static bool is_done(const cv_mfuture *f)
{
    return f->state == CV_FINISHED || f->state == CV_FAILED;
}

bool cv_caption__in_order(const cv_model *m, char *buf, size_t len, size_t *n)
{
    int lane;
    const cv_span *w = open_wait(m, "map", &lane);
    if (w == NULL || w->ref == 0)
        return false;
    size_t at = cv_model_future_index(m, w->ref);
    if (at == CV_NONE)
        return false;
    /* The scan is bounded, since the history pane captions every step:
     * past SCAN futures after the one waited for, done ones go uncounted. */
    size_t end = m->nfuts - at > SCAN ? at + SCAN : m->nfuts, done = 0;
    for (size_t i = at + 1; i < end; i++)
        done += is_done(&m->futs[i]) && !m->futs[i].task;
    if (done == 0)
        return false;
    char ln[48], lb[64];
    cv_caption_add(buf, len, n, "%s waits for %s although ",
                   cv_model_lane_name(m, lane, ln, sizeof ln),
                   cv_model_label(&m->futs[at], lb, sizeof lb));
    size_t shown = 0;
    for (size_t i = at + 1; i < end && shown < 3; i++) {
        const cv_mfuture *f = &m->futs[i];
        if (!is_done(f) || f->task)
            continue;
        shown++;
        const char *sep = shown == 1 ? "" : (shown == done || shown == 3) ? " and " : ", ";
        cv_caption_add(buf, len, n, "%s%s", sep, cv_model_label(f, lb, sizeof lb));
    }
    if (done > shown)
        cv_caption_add(buf, len, n, " (+%zu more)", done - shown);
    cv_caption_add(buf, len, n, "%s: map yields results in submission order",
                   done == 1 ? " is done" : " are done");
    return true;
}

bool cv_caption__taken_as_completed(const cv_model *m, char *buf, size_t len, size_t *n)
{
    int lane;
    if (open_wait(m, "as_completed", &lane) == NULL)
        return false;
    char ln[48];
    cv_caption_add(buf, len, n, "; %s, blocked in as_completed, takes it now: results are taken as they come",
                   cv_model_lane_name(m, lane, ln, sizeof ln));
    return true;
}
