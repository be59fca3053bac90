/*
 * The console: the scenario's output as headless mode prints it, newest at
 * the bottom, tabs expanded (loiter indents each call by its number).  The
 * line the last event printed is marked, so a step shows where it landed.
 * On a two-sided screen each pane has a console of its own side's lines.
 * Scrolled (j/k with the console in focus), it is pinned at a line and
 * stays there while the run prints on, until the view follows again.
 */
#include "pane.h"
#include "theme.h"

size_t cv_console__start(const cv_view *v, size_t n, int h)
{
    size_t last = h > 0 && n > (size_t)h ? n - (size_t)h : 0;
    if (v == NULL || !v->pinned[CV_FOCUS_CONSOLE])
        return last;
    size_t top = v->top[CV_FOCUS_CONSOLE] > 0 ? (size_t)v->top[CV_FOCUS_CONSOLE] : 0;
    return top < last ? top : last;
}

static void draw(cv_canvas *c, cv_rect r, const cv_model *m, const cv_render_opts *o,
                 const cv_focus *f, int side)
{
    int end = r.x + r.w;
    const size_t *lines = m->console;
    size_t n = m->nconsole;
    if (side != CV_ALL_SIDES) {
        lines = m->sides[side].console;
        n = m->sides[side].nconsole;
    }
    cv_canvas__printf(c, r.x, r.y, end, CV_ST_TITLE, "console");
    int h = r.h - 1;
    if (h <= 0)
        return;
    size_t first = cv_console__start(o->view, n, h);
    int y = r.y + 1;
    for (size_t i = first; i < n && y < r.y + r.h; i++, y++) {
        const cv_event *e = cv_log_at(m->log, lines[i]);
        bool hot = f->console && lines[i] == f->event;
        const char *t = e->text ? e->text : "";
        int st = hot ? CV_ST_ROW_HOT : CV_ST_NORMAL;
        if (hot)
            cv_canvas__fill(c, r.x, y, r.w, ' ', st);
        cv_canvas__text(c, r.x + 1, y, end, st, t);
    }
}

const cv_pane cv_pane__console = {
    .name = "console", .where = CV_PANE_BODY, .priority = 3, .min_rows = 2, .fill = true,
    .beside = true, .draw = draw, .toggle = CV_TOGGLE_CONSOLE,
};

const cv_pane cv_pane__side_console = {
    .name = "side console", .where = CV_PANE_SIDE, .min_rows = 2, .fill = true, .draw = draw,
    .toggle = CV_TOGGLE_CONSOLE,
};
