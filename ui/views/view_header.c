/*
 * The header: what runs, the clock in demo time (and real time when the
 * run is sped up), the mode, the mark the playhead stands on, the event
 * counter, trouble, the options.  In presenter mode it is three rows: the
 * clock again, big (bigtext.c), at the right, and the words in three
 * lines left of it, what runs first, then the counters, then the options.
 */
#include <stdio.h>

#include "bigtext.h"
#include "pane.h"
#include "theme.h"

static void draw(cv_canvas *c, cv_rect r, const cv_model *m, const cv_render_opts *o,
                 const cv_focus *f, int side)
{
    (void)f, (void)side;
    /* Most important first, since a narrow terminal cuts the end: what
     * runs, the clock, the mode, trouble; the options last. */
    const cv_glyphs *g = cv_theme__glyphs(o->ascii);
    char t[32], real[32];
    for (int y = r.y; y < r.y + r.h; y++)
        cv_canvas__fill(c, r.x, y, r.w, ' ', CV_ST_HEADER);
    int end = r.x + r.w;
    cv_render__fmt_demo(o->now_ns, o->speed, t, sizeof t);
    /* Presenter mode: the big clock, where it leaves the words 40 columns. */
    bool big = cv_present__on(o->view) && r.h >= CV_BIGTEXT_ROWS &&
               r.w - cv_bigtext__width(t) - 2 >= 40;
    if (big) {
        int clock_x = r.x + r.w - cv_bigtext__width(t) - 1;
        cv_bigtext__draw(c, clock_x, r.y, t, o->ascii, CV_ST_HEADER);
        end = clock_x - 2;
    }
    int x = cv_canvas__printf(c, r.x + 1, r.y, end, CV_ST_HEADER, "concviz %s",
                             m->scenario ? m->scenario : "?");
    snprintf(real, sizeof real, "%.3fs", (double)o->now_ns / 1e9);
    if (o->speed != 1.0 && o->speed > 0)
        x = cv_canvas__printf(c, x + 2, r.y, end, CV_ST_HEADER, "t %s (speed %g%s: %s real)", t,
                             o->speed, g->times, real);
    else
        x = cv_canvas__printf(c, x + 2, r.y, end, CV_ST_HEADER, "t %s", t);
    x = cv_canvas__printf(c, x + 2, r.y, end, CV_ST_BADGE, " %s ", o->mode ? o->mode : "PAUSED");
    if (o->view != NULL && o->view->mark != NULL)
        x = cv_canvas__printf(c, x + 2, r.y, end, CV_ST_BADGE, " '%s' ", o->view->mark);
    int y = r.y;
    if (big)
        x = r.x - 1, y++; /* the counters on the second row */
    if (m->upto > 0)
        x = cv_canvas__printf(c, x + 2, y, end, CV_ST_HEADER, "event %zu/%zu", m->upto - 1,
                             o->total > m->upto ? o->total - 1 : m->upto - 1);
    if (m->dropped > 0)
        x = cv_canvas__printf(c, x + 2, y, end, CV_ST_ERROR, " %llu events dropped ",
                             (unsigned long long)m->dropped);
    if (m->stalls > 0)
        x = cv_canvas__printf(c, x + 2, y, end, CV_ST_HEADER, "%llu stalls (%.1f ms)",
                             (unsigned long long)m->stalls, (double)m->stalled_ns / 1e6);
    if (o->status != NULL)
        x = cv_canvas__printf(c, x + 2, y, end, CV_ST_ERROR, " %s ", o->status);
    if (big)
        x = r.x - 1, y++; /* the options on the third */
    if (o->args != NULL && *o->args)
        cv_canvas__text(c, x + 2, y, end, CV_ST_HEADER, o->args);
}

/* Presenter mode: three rows, for the big clock. */
static int present_rows(const cv_model *m, int side)
{
    (void)m, (void)side;
    return CV_BIGTEXT_ROWS;
}

const cv_pane cv_pane__header = {
    .name = "header", .where = CV_PANE_EDGE, .min_rows = 1, .draw = draw,
    .present_rows = present_rows,
};
