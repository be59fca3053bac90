/*
 * An event loop's lane.  The thread under the loop is one row, painted in
 * two layers: first what the loop itself does (waiting in poll(), drawn
 * dotted, or turning: running callbacks, drawn as a busy line), then the
 * slices, the short stretches in which one task ran until its next await,
 * each in the colour of how it ended (suspended, done, failed, cancelled)
 * and labelled with its task's name when the name fits inside it.  A slice
 * still running at the playhead is the task holding the loop: its label
 * goes in the empty future right of it, so a blocking call is named even
 * while its slice is narrow.  A million slices cost no more than a
 * hundred: only the last slice that starts in each column is drawn, which
 * leaves every cell as drawing them all would (timeline.c).  A slice much
 * shorter than its cell is drawn light, so the row shows in proportion
 * how much of the time the loop ran tasks.
 */
#include <string.h>

#include "pane.h"
#include "theme.h"

static void slice_look(const cv_glyphs *g, unsigned end, uint32_t *body, int *st, int *bar)
{
    switch (end) {
    case CV_TASK_RUNNING:
        *body = g->run_body, *st = CV_ST_RUNNING, *bar = CV_ST_BAR_RUNNING;
        break;
    case CV_TASK_DONE:
        *body = g->done_body, *st = CV_ST_FINISHED, *bar = CV_ST_BAR_FINISHED;
        break;
    case CV_TASK_FAILED:
        *body = g->fail_body, *st = CV_ST_FAILED, *bar = CV_ST_BAR_FAILED;
        break;
    case CV_TASK_CANCELLED:
        *body = g->cancelled, *st = CV_ST_CANCELLED, *bar = CV_ST_CANCELLED;
        break;
    default:
        *body = g->slice, *st = CV_ST_SLICE, *bar = CV_ST_BAR_SLICE;
        break;
    }
}

static void draw_loop_state(cv_canvas *c, int y, const cv_axis *a, const cv_mlane *l,
                            const cv_glyphs *g)
{
    size_t n = cv_timeline__upto(l->loops, l->nloops, cv_timeline__span_t0, a->now);
    for (size_t i = 0; i < n; i++) {
        i = cv_timeline__last_in_column(a, l->loops, i, n, cv_timeline__span_t0);
        const cv_span *s = &l->loops[i];
        int64_t t1 = s->t1 < 0 ? a->now : s->t1;
        int x0 = cv_lanes__axis_col(a, s->t0), x1 = cv_lanes__axis_col(a, t1);
        bool poll = s->kind == CV_SPAN_POLL;
        cv_canvas__fill(c, x0, y, x1 - x0 + 1, poll ? g->poll : g->busy,
                       poll ? CV_ST_POLL : CV_ST_BUSY);
    }
}

void cv_slices__draw(cv_canvas *c, int y, const cv_axis *a, const cv_model *m, const cv_mlane *l,
                     const cv_render_opts *o, const cv_focus *f)
{
    const cv_glyphs *g = cv_theme__glyphs(o->ascii);
    draw_loop_state(c, y, a, l, g);
    int xend = a->x0 + a->w;
    /* One slice a column (timeline.c): slices follow one another, as the
     * model closes one before it opens the next. */
    size_t n = cv_timeline__upto(l->slices, l->nslices, cv_timeline__slice_t0, a->now);
    for (size_t i = 0; i < n; i++) {
        i = cv_timeline__last_in_column(a, l->slices, i, n, cv_timeline__slice_t0);
        const cv_slice *s = &l->slices[i];
        bool open = s->t1 < 0 || s->t1 > a->now;
        int64_t t1 = open ? a->now : s->t1;
        int x0 = cv_lanes__axis_col(a, s->t0), x1 = cv_lanes__axis_col(a, t1);
        uint32_t body;
        int st, bar;
        slice_look(g, open ? CV_TASK_RUNNING : s->end, &body, &st, &bar);
        /* A slice within one column that covers less than half of it is
         * drawn light: a loop that is mostly idle must not look busy
         * because a short slice touched the cell.  (In event order every
         * column is an event, and a slice there is never "short".) */
        if (!open && x0 == x1 && a->log == NULL && a->w > 0 &&
            (double)(s->t1 - s->t0) * 2.0 * a->w < (double)a->span)
            body = g->slice_thin;
        cv_canvas__fill(c, x0, y, x1 - x0 + 1, body, st);
        const cv_mfuture *task = &m->futs[s->fut];
        bool hot = f->future == task->id && i + 1 == l->nslices;
        if (x1 - x0 < 2 && !open && !hot)
            continue; /* no name fits */
        char lb[64];
        cv_model_label(task, lb, sizeof lb);
        int len = (int)strlen(lb);
        /* Inside the slice, leaving its first and last cells, which may be
         * shared with its neighbours: two names must never touch. */
        if (x1 - x0 - 1 >= len)
            cv_canvas__text(c, x0 + 1, y, x1, bar, lb);
        else if (open && x1 + 2 + len <= xend)
            cv_canvas__text(c, x1 + 2, y, xend, st, lb);
    }
}
