/*
 * A comparison on one screen (flags --mode compare): the ways it runs one
 * after another are stacked, each section on its own axis starting at t = 0
 * of its own run, all on one scale, so that 10 s of sequential downloads
 * against 0.5 s of a thread pool against 2 s of an event loop are seen at
 * a glance rather than as a sliver at the end of one long axis.
 *
 * The sections come from the log: the scenario's section marks (event.h,
 * model.c) name them, planned and started; a section lasts until the next
 * one starts, the last one until the playhead.  Each section has a title
 * row carrying its own axis (0 s at its start, its elapsed time at the
 * left), a concurrency strip (view_strip.c; for an event loop's section,
 * its tasks in flight, since they share one thread) and its lanes: main, which
 * runs the sequential downloads and the event loop, and the threads that
 * started during the section (the pool's workers).  A section that has not
 * started yet is one row saying so.  Rows are shared out so that every
 * section keeps its title, strip and main lane; the rest go round-robin to
 * the sections with more lanes, and a section says how many of its lanes
 * it shows ("lanes 9/21", its first ones).
 *
 * An event loop's section adds, under its lane, a bar for each task in
 * flight ("one thread, twenty transfers"): a task's bar runs from its
 * creation to its end, labelled with its name and, once done, its outcome
 * code.  The bars are packed into as few rows as their times allow (a row
 * takes a task that starts after the row's last one ended); rows beyond
 * the section's share are counted, not drawn ("+4 rows").
 *
 * Left of a section's start the rows must show nothing, yet the lanes'
 * layers clamp earlier times to the axis's first column.  So the rows are
 * drawn on an axis one column wider to the left, whose extra column (the
 * gutter between names and bars) takes everything earlier and is wiped
 * after.  The zoom and event-order views do not apply here: a comparison
 * is read whole.
 */
#include <stdio.h>
#include <string.h>

#include "pane.h"
#include "theme.h"

#define NAME_W 19
#define MAX_LANES 128

#define MAX_TASK_ROWS 64

typedef struct section {
    int64_t t0, t1;      /* t1: its end, or the playhead while it runs */
    int lanes[MAX_LANES]; /* in row order: main first */
    int nlanes, shown;
    int ntask_rows;      /* rows its tasks' bars pack into (loop sections) */
} section;

/* When task f was created (its "submit"); a task that never ran has no
 * start, yet it was in flight from its creation. */
static int64_t created(const cv_mfuture *f)
{
    return f->t_submit >= 0 ? f->t_submit : f->t_start;
}

/* Whether task f belongs to the section: created in it, by the playhead. */
static bool task_in(const cv_mfuture *f, int64_t t0, int64_t t1)
{
    return f->task && created(f) >= t0 && created(f) <= t1;
}

/* Packs the section's tasks into rows by time, first fit; row[i] gets the
 * row of the i-th task in the section, or is not touched (fn NULL).  Calls
 * fn(f, row, arg) for each.  Returns the number of rows. */
static int pack_tasks(const cv_model *m, int64_t t0, int64_t t1,
                      void (*fn)(const cv_mfuture *f, int row, void *arg), void *arg)
{
    int64_t row_end[MAX_TASK_ROWS];
    int rows = 0;
    for (size_t i = 0; i < m->nfuts; i++) {
        const cv_mfuture *f = &m->futs[i];
        if (!task_in(f, t0, t1))
            continue;
        int64_t end = f->t_end >= 0 && f->t_end <= t1 ? f->t_end : INT64_MAX;
        int r = 0;
        while (r < rows && row_end[r] > created(f))
            r++;
        if (r == MAX_TASK_ROWS)
            r = MAX_TASK_ROWS - 1; /* more than 64 at once share the last row */
        else if (r == rows)
            rows++;
        row_end[r] = end;
        if (fn != NULL)
            fn(f, r, arg);
    }
    return rows;
}

/* Whether lane l belongs to the section [t0, t1): main always, a thread
 * when its first state change is in it. */
static bool in_section(const cv_mlane *l, int lane, int64_t t0, int64_t t1)
{
    if (lane == CV_MAIN_LANE)
        return true;
    if (l->nspans == 0)
        return false;
    return l->spans[0].t0 >= t0 && l->spans[0].t0 < t1;
}

static void collect(const cv_model *m, int k, int64_t now, section *s)
{
    *s = (section){0};
    s->t0 = m->sections[k].t0;
    int64_t end = cv_model_section_end(m, k);
    bool last = end == m->t_last;
    s->t1 = last || end > now ? now : end;
    for (int row = 0; row < m->nlanes && s->nlanes < MAX_LANES; row++) {
        int lane = cv_model_lane_in_row(m, row);
        const cv_mlane *l = cv_model_lane(m, lane);
        if (l != NULL && l->present && in_section(l, lane, s->t0, last ? INT64_MAX : end))
            s->lanes[s->nlanes++] = lane;
    }
    bool loop = false;
    for (int i = 0; i < s->nlanes; i++)
        loop = loop || cv_model_lane(m, s->lanes[i])->loop;
    s->ntask_rows = loop ? pack_tasks(m, s->t0, s->t1, NULL, NULL) : 0;
}

/* The sections up to the playhead: started ones whose start is not after
 * it.  (A section started later reads as not started yet.) */
static bool started(const cv_model *m, int k, int64_t now)
{
    return m->sections[k].started && m->sections[k].t0 <= now;
}

/* Rows: each started section a title, a strip and one lane; each other
 * section a row; the rest round-robin to sections with lanes left. */
static void share_rows(const cv_model *m, section *s, int h, int64_t now)
{
    int left = h;
    for (int k = 0; k < m->nsections; k++) {
        if (!started(m, k, now)) {
            left--;
            continue;
        }
        s[k].shown = s[k].nlanes > 0 ? 1 : 0;
        left -= 2 + s[k].shown;
    }
    for (bool more = true; more && left > 0;) {
        more = false;
        for (int k = 0; k < m->nsections && left > 0; k++)
            if (started(m, k, now) && s[k].shown < s[k].nlanes + s[k].ntask_rows) {
                s[k].shown++;
                left--;
                more = true;
            }
    }
}

/* One scale for all: the longest section, rounded. */
static int64_t common_span(const cv_model *m, const section *s, int64_t now)
{
    int64_t most = 1;
    for (int k = 0; k < m->nsections; k++)
        if (started(m, k, now) && s[k].t1 - s[k].t0 > most)
            most = s[k].t1 - s[k].t0;
    return cv_nice_span(most);
}

/* Whether an event loop runs on one of the section's lanes. */
static bool has_loop(const cv_model *m, const section *s)
{
    for (int i = 0; i < s->nlanes; i++)
        if (cv_model_lane(m, s->lanes[i])->loop)
            return true;
    return false;
}

/* An event loop's section: the strip counts its tasks in flight (created,
 * not yet done) in each column, since they all run on one thread and the
 * pool's strip, which counts lanes, would say one.  Tasks are the model's
 * futures flagged `task`; those created in the section count. */
static void task_strip(cv_canvas *c, int x, int y, const cv_axis *a, const cv_model *m,
                       const cv_glyphs *g)
{
    enum { W = 1024 };
    unsigned short count[W] = {0};
    int w = a->w < W ? a->w : W, most = 0;
    for (size_t i = 0; i < m->nfuts; i++) {
        const cv_mfuture *f = &m->futs[i];
        if (!f->task || f->t_start < a->t0 || f->t_start > a->now)
            continue;
        int64_t t1 = f->t_end >= 0 && f->t_end <= a->now ? f->t_end : a->now;
        int x0 = cv_lanes__axis_col(a, f->t_start) - a->x0, x1 = cv_lanes__axis_col(a, t1) - a->x0;
        for (int k = x0; k <= x1 && k < w; k++)
            count[k]++;
    }
    for (int k = 0; k < w; k++)
        most = count[k] > most ? count[k] : most;
    cv_canvas__printf(c, x, y, a->x0 - 1, CV_ST_DIM, "tasks %d", most);
    for (int k = 0; k < w && most > 0; k++) {
        int lv = count[k] == 0 ? 0 : 1 + (count[k] - 1) * 6 / (most > 1 ? most - 1 : 1);
        if (lv > 0)
            cv_canvas__put(c, a->x0 + k, y, g->level[lv], CV_ST_SUSPENDED);
    }
}

typedef struct task_bars {
    cv_canvas *c;
    const cv_axis *a;
    int y, rows; /* the first bar row, and how many are drawn */
    bool ascii;
} task_bars;

/* One task's bar on its packed row: its name at the start, its outcome
 * code once done, then the bar to its end (or the playhead). */
static void draw_task_bar(const cv_mfuture *f, int row, void *arg)
{
    const task_bars *b = arg;
    if (row >= b->rows)
        return;
    int64_t t1 = f->t_end >= 0 && f->t_end <= b->a->now ? f->t_end : b->a->now;
    int x0 = cv_lanes__axis_col(b->a, created(f)), x1 = cv_lanes__axis_col(b->a, t1);
    bool done = f->t_end >= 0 && f->t_end <= b->a->now;
    int st = !done ? CV_ST_SUSPENDED : f->state == CV_FINISHED ? CV_ST_FINISHED : CV_ST_FAILED;
    for (int x = x0; x <= x1; x++)
        cv_canvas__put(b->c, x, b->y + row, b->ascii ? '-' : 0x2500 /* ─ */, st);
    cv_canvas__put(b->c, x0, b->y + row, b->ascii ? '[' : 0x251C /* ├ */, st);
    if (done)
        cv_canvas__put(b->c, x1, b->y + row, b->ascii ? ']' : 0x2524 /* ┤ */, st);
    char label[48];
    if (done && f->code != 0)
        snprintf(label, sizeof label, "%s %d", f->label ? f->label : "task", f->code);
    else
        snprintf(label, sizeof label, "%s", f->label ? f->label : "task");
    if (x1 - x0 > 2)
        cv_canvas__text(b->c, x0 + 1, b->y + row, x1, st, label);
}

static void draw_section(cv_canvas *c, cv_rect r, int *y, const cv_model *m, const section *s,
                         int k, int64_t span, const cv_render_opts *o, const cv_focus *f)
{
    const cv_glyphs *g = cv_theme__glyphs(o->ascii);
    int x0 = r.x + NAME_W, w = r.w - NAME_W, bottom = r.y + r.h;
    bool live = o->now_ns < cv_model_section_end(m, k) || cv_model_section_end(m, k) == m->t_last;
    char el[32];
    cv_render__fmt_demo(s->t1 - s->t0, o->speed > 0 ? o->speed : 1.0, el, sizeof el);
    /* The title row: the name and its elapsed time, then its own axis,
     * ticks from 0 s, and the playhead's mark while it is in this one. */
    cv_canvas__printf(c, r.x, *y, x0 - 1, CV_ST_TITLE, "%s %s", m->sections[k].name, el);
    cv_axis rel = {.x0 = x0, .w = w, .t0 = 0, .span = span, .now = s->t1 - s->t0};
    cv_axis__draw(c, *y, &rel, o);
    if (!live)
        cv_canvas__put(c, cv_lanes__axis_col(&rel, rel.now), *y, g->tick, CV_ST_DIM);
    (*y)++;
    if (*y >= bottom)
        return;
    /* The strip on the section's own axis, with its elapsed time. */
    cv_axis a = {.x0 = x0, .w = w, .t0 = s->t0, .span = span, .now = s->t1};
    if (has_loop(m, s))
        task_strip(c, r.x, *y, &a, m, g);
    else
        cv_strip__draw(c, r.x, *y, &a, m, CV_ALL_SIDES, g);
    if (s->shown < s->nlanes)
        cv_canvas__printf(c, r.x + 8, *y, x0 - 1, CV_ST_DIM, "lanes %d/%d", s->shown, s->nlanes);
    (*y)++;
    /* The rows' axis: one column more on the left, the gutter. */
    int64_t col = span / (w > 0 ? w : 1);
    cv_axis wide = {.x0 = x0 - 1, .w = w + 1, .t0 = s->t0 - col, .span = span + col,
                    .now = s->t1};
    int lanes_shown = s->shown < s->nlanes ? s->shown : s->nlanes;
    for (int i = 0; i < lanes_shown && *y < bottom; i++, (*y)++) {
        int lane = s->lanes[i];
        cv_lanes__draw_row(c, *y, &wide, m, lane, o, f, live);
        cv_canvas__fill(c, r.x, *y, NAME_W, ' ', CV_ST_NORMAL);
        char name[48];
        cv_model_lane_name(m, lane, name, sizeof name);
        int st = f->lane == lane ? CV_ST_LANE_HOT : CV_ST_LANE;
        cv_canvas__text(c, r.x + 1, *y, x0 - 1, st, name);
    }
    /* The loop's tasks in flight, under its lane. */
    int bars = s->shown - (s->shown < s->nlanes ? s->shown : s->nlanes);
    if (bars > bottom - *y)
        bars = bottom - *y;
    if (bars <= 0 || s->ntask_rows == 0)
        return;
    task_bars b = {.c = c, .a = &a, .y = *y, .rows = bars, .ascii = o->ascii};
    pack_tasks(m, s->t0, s->t1, draw_task_bar, &b);
    cv_canvas__printf(c, r.x + 2, *y, x0 - 1, CV_ST_DIM, "tasks in flight");
    if (bars < s->ntask_rows)
        cv_canvas__printf(c, r.x + 2, *y + bars - 1, x0 - 1, CV_ST_DIM, "+%d rows",
                          s->ntask_rows - bars + 1);
    *y += bars;
}

static void draw(cv_canvas *c, cv_rect r, const cv_model *m, const cv_render_opts *o,
                 const cv_focus *f, int side)
{
    (void)side;
    if (r.w <= NAME_W + 4)
        return;
    static section s[CV_SECTIONS_MAX]; /* only the UI thread draws */
    int64_t now = o->now_ns;
    for (int k = 0; k < m->nsections; k++)
        if (started(m, k, now))
            collect(m, k, now, &s[k]);
    share_rows(m, s, r.h, now);
    int64_t span = common_span(m, s, now);
    int y = r.y;
    for (int k = 0; k < m->nsections && y < r.y + r.h; k++) {
        if (started(m, k, now)) {
            draw_section(c, r, &y, m, &s[k], k, span, o, f);
            continue;
        }
        const char *name = m->sections[k].name != NULL ? m->sections[k].name : "next";
        cv_canvas__printf(c, r.x, y, r.x + r.w, CV_ST_DIM, "%-*.*s not started yet", NAME_W - 1,
                          NAME_W - 1, name);
        y++;
    }
}

static bool applies(const cv_model *m, int side)
{
    (void)side;
    return m->nsections > 0;
}

/* Every section's title, strip and lanes, or its one row. */
static int rows(const cv_model *m, int side)
{
    (void)side;
    int n = 0;
    for (int k = 0; k < m->nsections; k++) {
        if (!m->sections[k].started) {
            n++;
            continue;
        }
        section s;
        collect(m, k, m->t_last, &s);
        n += 2 + s.nlanes + s.ntask_rows;
    }
    return n;
}

const cv_pane cv_pane__compare = {
    .name = "compare", .where = CV_PANE_BODY, .priority = 1, .min_rows = 4, .share = 60,
    .applies = applies, .rows = rows, .draw = draw,
};
