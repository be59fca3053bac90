/*
 * The screen as a pure function of the model: the layout places the panes
 * of the registry (panes.c) that apply to this run, and each draws in its
 * rectangle, in order; rules separate columns; the help box goes over all.
 * Below the minimum size the screen is only a message.  Rendering never
 * allocates: it reads the model and writes cells.
 */
#include "render.h"

#include <stdio.h>
#include <string.h>

#include "layout.h"
#include "pane.h"
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

const char *cv_render__fmt_demo(int64_t t_ns, double speed, char *buf, size_t len)
{
    double s = (double)t_ns / 1e9 * (speed > 0 ? speed : 1.0);
    snprintf(buf, len, s < 100 ? "%.2fs" : "%.0fs", s);
    return buf;
}

void cv_render__focus(const cv_model *m, cv_focus *f)
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

static void too_small(cv_canvas *c)
{
    char l1[64], l2[64];
    const char *l3 = "enlarge it, or press q to quit";
    snprintf(l1, sizeof l1, "concviz needs at least %dx%d", CV_MIN_COLS, CV_MIN_ROWS);
    snprintf(l2, sizeof l2, "this terminal is %dx%d", c->cols, c->rows);
    const char *lines[] = {l1, l2, l3};
    int y0 = c->rows / 2 - 1;
    for (int i = 0; i < 3; i++) {
        int w = cv_canvas__text_width(lines[i]);
        int x = (c->cols - w) / 2;
        cv_canvas__text(c, x < 0 ? 0 : x, y0 + i, c->cols, i == 0 ? CV_ST_CAPTION : CV_ST_NORMAL,
                       lines[i]);
    }
}

/* The pane that j/k and Enter act on shows it in its title row: the
 * titles there turn from underlined to reverse video (in colour and in
 * monochrome alike).  Only the interactive front end passes a view, so
 * screenshots and the golden screens have no focus to show. */
static void mark_focus(cv_canvas *c, const cv_layout *l, int focus)
{
    static const char *const names[CV_FOCUS_COUNT][2] = {
        [CV_FOCUS_LANES] = {"lanes", "side lanes"},
        [CV_FOCUS_TABLE] = {"table", "table"},
        [CV_FOCUS_CONSOLE] = {"console", "side console"},
    };
    if (focus < 0 || focus >= CV_FOCUS_COUNT)
        return;
    for (int i = 0; i < l->n; i++) {
        const cv_placed *p = &l->at[i];
        if (p->pane == NULL || (strcmp(p->pane->name, names[focus][0]) != 0 &&
                                strcmp(p->pane->name, names[focus][1]) != 0))
            continue;
        for (int x = p->r.x; x < p->r.x + p->r.w; x++) {
            cv_cell *cell = cv_canvas__at(c, x, p->r.y);
            if (cell != NULL && cell->style == CV_ST_TITLE)
                cell->style = CV_ST_TITLE_FOCUS;
        }
    }
}

void cv_render(cv_canvas *c, const cv_model *m, const cv_render_opts *o)
{
    cv_layout l;
    cv_canvas__clear(c);
    cv_layout__compute(&l, o->show_source ? cv_pane__registry_source : cv_pane__registry, m,
                       c->cols, c->rows, o->view);
    if (l.too_small) {
        too_small(c);
        return;
    }
    cv_focus f;
    cv_render__focus(m, &f);
    const cv_glyphs *g = cv_theme__glyphs(o->ascii);
    for (int i = 0; i < l.n; i++) {
        const cv_placed *p = &l.at[i];
        if (p->pane != NULL) {
            p->pane->draw(c, p->r, m, o, &f, p->side);
            continue;
        }
        for (int y = p->r.y; y < p->r.y + p->r.h; y++)
            cv_canvas__put(c, p->r.x, y, g->vline, CV_ST_DIM);
    }
    if (o->view != NULL)
        mark_focus(c, &l, o->view->focus);
    if (o->view != NULL && o->view->card != 0)
        cv_card__draw(c, m, o);
    if (o->view != NULL && o->view->history)
        cv_history__draw(c, o);
    if (o->lesson != NULL)
        cv_lesson__draw(c, o);
    if (o->help)
        cv_help__draw(c, o);
}
