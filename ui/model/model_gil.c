/*
 * The GIL in the model and in words (the GIL kind of src/event/event.h).
 * A lane holds it, waits for it, or neither; its waits are spans of their
 * own kind (CV_SPAN_GIL) in the lane's waits, so that the lanes draw them
 * beside, and unlike, a wait for a result, and the checkpoints keep them
 * with no line of their own.  Which lane holds it, which held it last and
 * how often it changed hands are scalars of the model.
 *
 * The captions tell CPython's story: only one thread runs Python code at
 * a time; a thread that waits a switch interval (5 ms) asks the holder to
 * drop it; the holder drops it at its next check between bytecodes, and
 * blocking calls drop it without being asked.
 */
#include "caption.h"
#include "model_kinds.h"
#include "model_private.h"

int cv_model_gil_holder(const cv_model *m)
{
    return m->gil_holder1 > 0 ? m->gil_holder1 - 1 : CV_NO_LANE;
}

int cv_model_gil_waiters(const cv_model *m)
{
    int n = 0;
    for (int i = 0; i < m->nlanes; i++)
        n += m->lanes[i].present && m->lanes[i].gil == CV_LANE_GIL_WAITS;
    return n;
}

int cv_model__apply_gil(cv_model *m, const cv_event *e, size_t index)
{
    (void)index;
    int lane = cv_event_lane_of(e);
    cv_mlane *l = cv_model__lane_get(m, lane);
    if (l == NULL)
        return 0;
    switch (e->state) {
    case CV_GIL_WAIT:
        l->gil = CV_LANE_GIL_WAITS;
        return cv_model__open_span(&l->waits, &l->nwaits, &l->capwaits,
                                   (cv_span){.t0 = e->t_ns, .t1 = -1, .what = "the GIL",
                                             .kind = CV_SPAN_GIL});
    case CV_GIL_TAKE:
        if (l->nwaits > 0 && l->waits[l->nwaits - 1].kind == CV_SPAN_GIL)
            cv_model__close_span(l->waits, l->nwaits, e->t_ns);
        l->gil = CV_LANE_GIL_HOLDS;
        if (m->gil_last1 != 0 && m->gil_last1 != lane + 1)
            m->gil_handoffs++;
        m->gil_holder1 = m->gil_last1 = lane + 1;
        return 0;
    case CV_GIL_DROP:
        l->gil = CV_LANE_GIL_NONE;
        if (m->gil_holder1 == lane + 1)
            m->gil_holder1 = 0;
        return 0;
    case CV_GIL_REQUEST:
        m->gil_requests++;
        return 0;
    default:
        return 0;
    }
}

void cv_caption__gil(const cv_model *m, const cv_event *e, char *buf, size_t len)
{
    size_t n = 0;
    char ln[48], hn[48];
    cv_model_lane_name(m, cv_event_lane_of(e), ln, sizeof ln);
    switch (e->state) {
    case CV_GIL_WAIT:
        cv_caption_add(buf, len, &n, "%s waits for the GIL: only one thread runs Python code at "
                       "a time; the holder must drop it within 5 ms of a request", ln);
        break;
    case CV_GIL_REQUEST:
        cv_model_lane_name(m, (int)e->ref, hn, sizeof hn);
        cv_caption_add(buf, len, &n, "%s has waited the switch interval (5 ms): it asks %s to "
                       "drop the GIL, which %s sees at its next check between bytecodes",
                       ln, hn, hn);
        break;
    case CV_GIL_DROP:
        if (e->code == CV_GIL_BLOCKING)
            cv_caption_add(buf, len, &n, "%s drops the GIL before it blocks (a queue, I/O, a "
                           "sleep): other threads may run Python code meanwhile", ln);
        else if (e->code == CV_GIL_DONE)
            cv_caption_add(buf, len, &n, "%s is done running Python code and drops the GIL", ln);
        else
            cv_caption_add(buf, len, &n, "%s drops the GIL, as asked, and will not ask for it "
                           "again before another thread has taken it", ln);
        break;
    case CV_GIL_TAKE: {
        int waiting = cv_model_gil_waiters(m);
        cv_caption_add(buf, len, &n, "%s takes the GIL and runs Python code", ln);
        if (waiting > 0)
            cv_caption_add(buf, len, &n, "; %d thread%s wait%s for it (%llu hand-offs so far)",
                           waiting, waiting == 1 ? "" : "s", waiting == 1 ? "s" : "",
                           (unsigned long long)m->gil_handoffs);
        break;
    }
    default:
        cv_caption_add(buf, len, &n, "%s: GIL", ln);
        break;
    }
}
