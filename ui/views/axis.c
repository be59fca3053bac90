/*
 * The lanes' time axis: which columns show which stretch of time (or, in
 * event order, which events), and the axis row with its ticks.  The axis
 * is a function of the playhead, the view (zoom, pan, order), the pane's
 * width and the log's default span: never of the frames before, so that
 * stepping forward and back draw the same screens.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pane.h"
#include "theme.h"

int cv_lanes__axis_col(const cv_axis *a, int64_t t)
{
    if (a->log != NULL) {
        /* Event order: the first event at or after t has the column. */
        size_t i = t <= INT64_MIN + 1 ? 0 : cv_log_index_at(a->log, a->nev, t - 1);
        if (i <= a->e0)
            return a->x0;
        if (i - a->e0 >= (size_t)a->w)
            return a->x0 + a->w - 1;
        return a->x0 + (int)(i - a->e0);
    }
    if (t <= a->t0)
        return a->x0;
    if (t - a->t0 >= a->span)
        return a->x0 + a->w - 1;
    return a->x0 + (int)((double)(t - a->t0) * a->w / (double)a->span);
}

/* The axis from the playhead, the view and the width alone (never from
 * the frames before), so that stepping forward and back draw the same.
 * Zoom 0 shows the default span from 0; zoomed in, the window is centred
 * on the playhead, moved by whole quarters by pan, and kept inside the
 * span.  In event order the window holds the playhead's event, and pan
 * moves it by quarters too. */
void cv_axis__make(cv_axis *a, const cv_model *m, const cv_render_opts *o)
{
    const cv_view *v = o->view;
    int zoom = v != NULL ? v->zoom : 0, pan = v != NULL ? v->pan : 0;
    int64_t full = o->span_ns > 0 ? o->span_ns : cv_nice_span(o->now_ns > 0 ? o->now_ns : 1);
    if (full < o->now_ns)
        full = cv_nice_span(o->now_ns);
    if (v != NULL && v->order) {
        size_t total = cv_log_count(m->log), w = a->w > 0 ? (size_t)a->w : 1;
        int64_t e0 = (int64_t)(m->upto > 0 ? m->upto - 1 : 0) - (int64_t)w / 2 +
                     (int64_t)pan * (int64_t)(w / 4);
        int64_t hi = total > w ? (int64_t)(total - w) : 0;
        a->log = m->log;
        a->nev = total;
        a->e0 = (size_t)(e0 < 0 ? 0 : e0 > hi ? hi : e0);
        a->t0 = 0;
        a->span = full;
        return;
    }
    if (zoom < 0)
        zoom = 0;
    if (zoom > CV_VIEW_ZOOM_MAX)
        zoom = CV_VIEW_ZOOM_MAX;
    int64_t vis = full >> zoom;
    if (vis < 1000)
        vis = 1000; /* a microsecond: below that the clock says nothing */
    if (vis >= full) {
        a->t0 = 0;
        a->span = full;
        return;
    }
    int64_t t0 = o->now_ns - vis / 2 + (int64_t)pan * (vis / 4);
    a->t0 = t0 < 0 ? 0 : t0 > full - vis ? full - vis : t0;
    a->span = vis;
}

/* Event order: a tick every ten columns, named by its event number, and
 * the axis says it counts events, not time. */
static void draw_order_axis(cv_canvas *c, int y, const cv_axis *a, const cv_glyphs *g)
{
    int last = cv_canvas__text(c, a->x0, y, a->x0 + a->w, CV_ST_DIM, "events:");
    for (int k = 0; k < a->w && a->e0 + (size_t)k < a->nev; k += 10) {
        int x = a->x0 + k;
        char lb[24];
        snprintf(lb, sizeof lb, "#%zu", a->e0 + (size_t)k);
        if (x <= last || x + 1 + (int)strlen(lb) > a->x0 + a->w)
            continue;
        cv_canvas__put(c, x, y, g->tick, CV_ST_DIM);
        last = cv_canvas__text(c, x + 1, y, a->x0 + a->w, CV_ST_DIM, lb);
    }
    cv_canvas__put(c, cv_lanes__axis_col(a, a->now), y, g->playhead_top, CV_ST_PLAYHEAD);
}

void cv_axis__draw(cv_canvas *c, int y, const cv_axis *a, const cv_render_opts *o)
{
    const cv_glyphs *g = cv_theme__glyphs(o->ascii);
    if (a->log != NULL) {
        draw_order_axis(c, y, a, g);
        return;
    }
    double speed = o->speed > 0 ? o->speed : 1.0;
    double demo_t0 = (double)a->t0 / 1e9 * speed;
    double demo_span = (double)a->span / 1e9 * speed;
    /* A tick at least every 10 columns, on a round demo-time step (1, 2 or
     * 5 times a power of ten), computed rather than searched for: a search
     * capped at some step left a huge span (a trace's speed of 1e300) with
     * billions of ticks to visit.  The loop is bounded by the columns too. */
    double want = demo_span * 10.0 / (a->w > 0 ? a->w : 1), step = 0.000001;
    if (want > step && isfinite(want)) {
        double base = pow(10.0, floor(log10(want)));
        step = base >= want ? base : 2 * base >= want ? 2 * base : 5 * base >= want ? 5 * base : 10 * base;
    }
    double k0 = ceil(demo_t0 / step - 1e-9);
    int last = a->x0 - 1, xp = cv_lanes__axis_col(a, a->now);
    for (int k = 0; k <= a->w; k++) {
        double d = step * (k0 + k);
        if (d > demo_t0 + demo_span + 1e-9 * (1 + demo_t0))
            break;
        int x = cv_lanes__axis_col(a, (int64_t)(d / speed * 1e9));
        char lb[24];
        snprintf(lb, sizeof lb, "%gs", d);
        if (x <= last || (x <= xp && xp <= x + (int)strlen(lb)))
            continue; /* no room, or the playhead's mark is there */
        cv_canvas__put(c, x, y, g->tick, CV_ST_DIM);
        if (x + 1 + (int)strlen(lb) <= a->x0 + a->w)
            last = cv_canvas__text(c, x + 1, y, a->x0 + a->w, CV_ST_DIM, lb);
        else
            last = x;
    }
    cv_canvas__put(c, xp, y, g->playhead_top, CV_ST_PLAYHEAD);
}

