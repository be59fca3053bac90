/*
 * The queue: futures submitted and not yet running, in submission order,
 * on one row.  This is where loiter(3) and loiter(4) wait while three
 * workers are busy; when it empties, a worker with nothing to do goes idle.
 */
#include <stdio.h>
#include <string.h>

#include "pane.h"
#include "theme.h"

static void draw(cv_canvas *c, cv_rect r, const cv_model *m, const cv_render_opts *o,
                 const cv_focus *focus, int side)
{
    (void)focus, (void)side;
    const cv_glyphs *g = cv_theme__glyphs(o->ascii);
    int end = r.x + r.w;
    int x = cv_canvas__printf(c, r.x, r.y, end, CV_ST_TITLE, "queue %zu", m->npending);
    x = r.x + 10 > x + 1 ? r.x + 10 : x + 1;
    if (m->npending == 0) {
        cv_canvas__text(c, x, r.y, end, CV_ST_DIM,
                       m->nfuts ? "empty: every future submitted has been taken by a worker"
                                : "empty: nothing submitted yet");
        return;
    }
    size_t left = m->npending;
    for (size_t i = m->first_pending; i < m->nfuts && left > 0; i++) {
        const cv_mfuture *f = &m->futs[i];
        if (f->state != CV_PENDING)
            continue;
        char lb[64], more[32];
        cv_model_label(f, lb, sizeof lb);
        snprintf(more, sizeof more, "+%zu more", left);
        int need = 2 + (int)strlen(lb) + 1;
        /* Keep room to say how many did not fit. */
        if (x + need + (left > 1 ? (int)strlen(more) + 1 : 0) > end) {
            cv_canvas__text(c, x, r.y, end, CV_ST_PENDING, more);
            return;
        }
        cv_canvas__put(c, x, r.y, g->pending, CV_ST_PENDING);
        x = cv_canvas__text(c, x + 2, r.y, end, CV_ST_PENDING, lb) + 1;
        left--;
    }
}

/* The queue's row, until an event loop's tasks take it over (view_tasks.c). */
static bool applies(const cv_model *m, int side)
{
    (void)side;
    return !(m->ntasks > 0 && m->npending == 0);
}

const cv_pane cv_pane__queue = {
    .name = "queue", .where = CV_PANE_BODY, .min_rows = 1, .applies = applies, .draw = draw,
};
