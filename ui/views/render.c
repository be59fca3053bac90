/*
 * The screen, top to bottom: header (what runs, the clock, the mode), the
 * caption of the last step, the lanes, the queue (or the tasks in flight),
 * the futures table, the console, the key line; a two-sided log (the
 * spinner) puts two panes between the caption and the key line instead.  The fixed lines live here; each pane has its own
 * file.  Rendering never allocates: it reads the model and writes cells.
 */
#include "render.h"

#include <stdio.h>
#include <string.h>

#include "caption.h"
#include "theme.h"

int64_t cv_nice_span(int64_t t_ns)
{
    /* Fine steps, so a finished run fills most of the width, yet few
     * enough that a live timeline rescales only now and then. */
    static const int64_t steps[] = {10, 12, 15, 20, 25, 30, 40, 50, 60, 80};
    int64_t want = t_ns + t_ns / 50; /* a margin, so the end is not the edge */
    for (int64_t unit = 100000; unit < INT64_MAX / 100; unit *= 10)
        for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
            if (steps[i] * unit >= want)
                return steps[i] * unit;
    return want;
}

const char *cv_fmt_demo(int64_t t_ns, double speed, char *buf, size_t len)
{
    double s = (double)t_ns / 1e9 * (speed > 0 ? speed : 1.0);
    snprintf(buf, len, s < 100 ? "%.2fs" : "%.0fs", s);
    return buf;
}

static void focus_of(const cv_model *m, cv_focus *f)
{
    *f = (cv_focus){.event = CV_NONE, .lane = -1};
    if (m->upto == 0)
        return;
    const cv_event *e = cv_log_at(m->log, m->upto - 1);
    f->event = m->upto - 1;
    switch (e->kind) {
    case CV_EV_FUTURE: {
        const cv_mfuture *fu = cv_model_future(m, e->id);
        f->future = e->id;
        f->lane = fu != NULL ? fu->lane : -1;
        break;
    }
    case CV_EV_WAIT:
        f->future = e->ref;
        f->lane = cv_event_lane_of(e);
        break;
    case CV_EV_TASK:
        f->future = e->id;
        f->lane = cv_event_lane_of(e);
        break;
    case CV_EV_THREAD:
    case CV_EV_LOOP:
    case CV_EV_FRAME:
        f->lane = cv_event_lane_of(e);
        break;
    case CV_EV_LOG:
        f->console = true;
        f->lane = cv_event_lane_of(e);
        break;
    default:
        break;
    }
}

static void header(cv_canvas *c, cv_rect r, const cv_model *m, const cv_render_opts *o)
{
    /* Most important first, since a narrow terminal cuts the end: what
     * runs, the clock, the mode, trouble; the options last. */
    const cv_glyphs *g = cv_glyphs_get(o->ascii);
    char t[32], real[32];
    cv_canvas_fill(c, r.x, r.y, r.w, ' ', CV_ST_HEADER);
    int end = r.x + r.w;
    int x = cv_canvas_printf(c, r.x + 1, r.y, end, CV_ST_HEADER, "concviz %s",
                             m->scenario ? m->scenario : "?");
    cv_fmt_demo(o->now_ns, o->speed, t, sizeof t);
    snprintf(real, sizeof real, "%.3fs", (double)o->now_ns / 1e9);
    if (o->speed != 1.0 && o->speed > 0)
        x = cv_canvas_printf(c, x + 2, r.y, end, CV_ST_HEADER, "t %s (speed %g%s: %s real)", t,
                             o->speed, g->times, real);
    else
        x = cv_canvas_printf(c, x + 2, r.y, end, CV_ST_HEADER, "t %s", t);
    x = cv_canvas_printf(c, x + 2, r.y, end, CV_ST_BADGE, " %s ", o->mode ? o->mode : "PAUSED");
    if (m->upto > 0)
        x = cv_canvas_printf(c, x + 2, r.y, end, CV_ST_HEADER, "event %zu/%zu", m->upto - 1,
                             o->total > m->upto ? o->total - 1 : m->upto - 1);
    if (m->dropped > 0)
        x = cv_canvas_printf(c, x + 2, r.y, end, CV_ST_ERROR, " %llu events dropped ",
                             (unsigned long long)m->dropped);
    if (o->status != NULL)
        x = cv_canvas_printf(c, x + 2, r.y, end, CV_ST_ERROR, " %s ", o->status);
    if (o->args != NULL && *o->args)
        cv_canvas_text(c, x + 2, r.y, end, CV_ST_HEADER, o->args);
}

static void caption_line(cv_canvas *c, cv_rect r, const cv_model *m, const cv_render_opts *o)
{
    char text[512];
    cv_canvas_fill(c, r.x, r.y, r.w, ' ', CV_ST_NORMAL);
    if (m->upto == 0) {
        cv_canvas_text(c, r.x + 1, r.y, r.x + r.w, CV_ST_DIM, "waiting for the first event");
        return;
    }
    cv_caption(m, m->upto - 1, text, sizeof text);
    int x = cv_canvas_text(c, r.x, r.y, r.x + r.w, CV_ST_CAPTION, o->ascii ? "> " : "\xe2\x96\xb8 ");
    int end = cv_canvas_text(c, x, r.y, r.x + r.w, CV_ST_CAPTION, text);
    if (end >= r.x + r.w && cv_text_width(text) > r.x + r.w - x)
        cv_canvas_put(c, r.x + r.w - 1, r.y, o->ascii ? '>' : 0x2026, CV_ST_CAPTION);
}

static void keys(cv_canvas *c, cv_rect r, const cv_render_opts *o)
{
    /* Two sets: the long one reads better, the short one fits 80 columns. */
    static const char *const wide[][2] = {
        {"space", "pause"}, {"\xe2\x86\x90/p", "prev"}, {"\xe2\x86\x92/n", "next"},
        {"Home", "first"}, {"End", "live"}, {"+/-", "rate"}, {"r", "restart"},
        {"?", "help"}, {"q", "quit"}, {NULL, NULL},
    };
    static const char *const narrow[][2] = {
        {"space", "pause"}, {"\xe2\x86\x90\xe2\x86\x92", "step"}, {"Home/End", "first/live"},
        {"+/-", "rate"}, {"r", "restart"}, {"?", "help"}, {"q", "quit"}, {NULL, NULL},
    };
    const char *const (*set)[2] = r.w >= 92 ? wide : narrow;
    cv_canvas_fill(c, r.x, r.y, r.w, ' ', CV_ST_KEYLINE);
    int x = r.x + 1, end = r.x + r.w;
    for (size_t i = 0; set[i][0] != NULL; i++) {
        const char *k = set[i][0], *what = set[i][1];
        if (o->replay && strcmp(k, "r") == 0)
            continue;
        if (o->ascii && strncmp(k, "\xe2\x86\x90\xe2", 4) == 0)
            k = "<- ->";
        else if (o->ascii && strncmp(k, "\xe2\x86\x90", 3) == 0)
            k = "<-/p";
        else if (o->ascii && strncmp(k, "\xe2\x86\x92", 3) == 0)
            k = "->/n";
        if (o->replay && strcmp(what, "live") == 0)
            what = "last";
        if (o->replay && strcmp(what, "first/live") == 0)
            what = "first/last";
        x = cv_canvas_text(c, x, r.y, end, CV_ST_KEY, k);
        x = cv_canvas_printf(c, x, r.y, end, CV_ST_KEYLINE, set == wide ? " %s  " : " %s ", what);
    }
}

static void too_small(cv_canvas *c)
{
    char l1[64], l2[64];
    const char *l3 = "enlarge it, or press q to quit";
    snprintf(l1, sizeof l1, "concviz needs at least %dx%d", CV_MIN_COLS, CV_MIN_ROWS);
    snprintf(l2, sizeof l2, "this terminal is %dx%d", c->cols, c->rows);
    const char *lines[] = {l1, l2, l3};
    int y0 = c->rows / 2 - 1;
    for (int i = 0; i < 3; i++) {
        int w = cv_text_width(lines[i]);
        int x = (c->cols - w) / 2;
        cv_canvas_text(c, x < 0 ? 0 : x, y0 + i, c->cols, i == 0 ? CV_ST_CAPTION : CV_ST_NORMAL,
                       lines[i]);
    }
}

static int lanes_present(const cv_model *m)
{
    int n = 0;
    for (int i = 0; i < m->nlanes; i++)
        n += m->lanes[i].present;
    return n;
}

void cv_render(cv_canvas *c, const cv_model *m, const cv_render_opts *o)
{
    cv_layout l;
    cv_canvas_clear(c);
    cv_layout_compute(&l, c->cols, c->rows, lanes_present(m), m->nfuts);
    if (l.too_small) {
        too_small(c);
        return;
    }
    cv_focus f;
    focus_of(m, &f);
    header(c, l.header, m, o);
    caption_line(c, l.caption, m, o);
    if (m->sided) {
        /* Two sides: everything between the caption and the keys. */
        cv_view_split(c, (cv_rect){0, 2, c->cols, c->rows - 3}, m, o, &f);
        keys(c, l.keys, o);
        if (o->help)
            cv_view_help(c, o);
        return;
    }
    cv_view_lanes(c, l.lanes, l.lanes_shown, m, o, &f, CV_ALL_SIDES);
    /* The queue row tells the executor's story; once nothing is queued
     * and tasks exist, it tells the event loop's: what is in flight. */
    if (m->ntasks > 0 && m->npending == 0)
        cv_view_tasks(c, l.queue, m, o, &f);
    else
        cv_view_queue(c, l.queue, m, o);
    cv_view_table(c, l.table, m, o, &f);
    cv_view_console(c, l.console, m, &f, CV_ALL_SIDES);
    if (l.console.x > 0) {
        const cv_glyphs *g = cv_glyphs_get(o->ascii);
        for (int y = l.console.y; y < l.console.y + l.console.h; y++)
            cv_canvas_put(c, l.console.x - 1, y, g->vline, CV_ST_DIM);
    }
    keys(c, l.keys, o);
    if (o->help)
        cv_view_help(c, o);
}
