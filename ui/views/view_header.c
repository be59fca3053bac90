/*
 * The header: what runs, the clock in demo time (and real time when the
 * run is sped up), the mode, the mark the playhead stands on, the event
 * counter, trouble, the options.
 */
#include <stdio.h>

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
    cv_canvas__fill(c, r.x, r.y, r.w, ' ', CV_ST_HEADER);
    int end = r.x + r.w;
    int x = cv_canvas__printf(c, r.x + 1, r.y, end, CV_ST_HEADER, "concviz %s",
                             m->scenario ? m->scenario : "?");
    cv_render__fmt_demo(o->now_ns, o->speed, t, sizeof t);
    snprintf(real, sizeof real, "%.3fs", (double)o->now_ns / 1e9);
    if (o->speed != 1.0 && o->speed > 0)
        x = cv_canvas__printf(c, x + 2, r.y, end, CV_ST_HEADER, "t %s (speed %g%s: %s real)", t,
                             o->speed, g->times, real);
    else
        x = cv_canvas__printf(c, x + 2, r.y, end, CV_ST_HEADER, "t %s", t);
    x = cv_canvas__printf(c, x + 2, r.y, end, CV_ST_BADGE, " %s ", o->mode ? o->mode : "PAUSED");
    if (o->view != NULL && o->view->mark != NULL)
        x = cv_canvas__printf(c, x + 2, r.y, end, CV_ST_BADGE, " '%s' ", o->view->mark);
    if (m->upto > 0)
        x = cv_canvas__printf(c, x + 2, r.y, end, CV_ST_HEADER, "event %zu/%zu", m->upto - 1,
                             o->total > m->upto ? o->total - 1 : m->upto - 1);
    if (m->dropped > 0)
        x = cv_canvas__printf(c, x + 2, r.y, end, CV_ST_ERROR, " %llu events dropped ",
                             (unsigned long long)m->dropped);
    if (m->stalls > 0)
        x = cv_canvas__printf(c, x + 2, r.y, end, CV_ST_HEADER, "%llu stalls (%.1f ms)",
                             (unsigned long long)m->stalls, (double)m->stalled_ns / 1e6);
    if (o->status != NULL)
        x = cv_canvas__printf(c, x + 2, r.y, end, CV_ST_ERROR, " %s ", o->status);
    if (o->args != NULL && *o->args)
        cv_canvas__text(c, x + 2, r.y, end, CV_ST_HEADER, o->args);
}

const cv_pane cv_pane__header = {
    .name = "header", .where = CV_PANE_EDGE, .min_rows = 1, .draw = draw,
};
