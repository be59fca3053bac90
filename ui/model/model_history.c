/*
 * A future's history, for the card (ui/views/view_card.c): the events of
 * the log prefix the model has applied that name it, in log order.  An
 * event names a future when it is that future's (or task's) own state
 * change, or when a caller blocks on it or stops blocking (a WAIT whose
 * ref is its id).  Nothing is kept per future: the events are found by a
 * scan of the log, which is cheap because the log is an array of fixed
 * records in time order, and a future cannot be named before it was
 * submitted, so the scan starts at its submission (a binary search), and
 * the model notes the latest event that names it (last_event), where the
 * scan stops.  The card scans once a frame, and only while it is open.
 */
#include "model.h"

/* The first event that may name the future: none before its submission. */
static size_t first_index(const cv_model *m, const cv_mfuture *f)
{
    if (f->t_submit <= 0)
        return 0;
    return cv_log_index_at(m->log, m->upto, f->t_submit - 1);
}

bool cv_model_history_names(const cv_event *e, uint64_t id)
{
    switch (e->kind) {
    case CV_EV_FUTURE:
    case CV_EV_TASK:
        return e->id == id;
    case CV_EV_WAIT:
        return e->ref == id;
    default:
        return false;
    }
}

size_t cv_model_history(const cv_model *m, uint64_t id, size_t skip, size_t *out, size_t max)
{
    const cv_mfuture *f = id != 0 ? cv_model_future(m, id) : NULL;
    if (f == NULL || m->log == NULL)
        return 0;
    size_t found = 0, put = 0;
    size_t end = f->last_event < m->upto ? f->last_event + 1 : m->upto;
    for (size_t i = first_index(m, f); i < end; i++) {
        if (!cv_model_history_names(cv_log_at(m->log, i), id))
            continue;
        if (found >= skip && put < max)
            out[put++] = i;
        found++;
    }
    return found;
}
