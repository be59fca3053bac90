/*
 * The rows go by priority, not by position, because what matters most
 * should not depend on where it sits: the lanes are the heart of the screen
 * and get theirs first (up to 40% of the height), the table what its
 * futures need up to half of the rest, the console everything left, since
 * its newest lines tell the story in the script's own words.  A unit is
 * what gets rows: one pane, two panes side by side on a wide screen (the
 * more generous one sizes both), or the columns of a two-sided screen.
 */
#include "layout.h"

#include <limits.h>

#define MAX_UNITS 16 /* per column; panes beyond are left out */

typedef struct unit {
    const cv_pane *pane[2]; /* pane[1]: right of pane[0] */
    int n;                  /* panes; 0: the two columns of the side panes */
    int priority, min, want, share;
    bool fill;
    int h;
} unit;

static void add(cv_layout *l, const cv_pane *p, cv_rect r, int side)
{
    if (l->n < CV_LAYOUT_MAX)
        l->at[l->n++] = (cv_placed){.pane = p, .r = r, .side = side};
}

static unit unit_of(const cv_pane *p, const cv_model *m, int side, bool present)
{
    int want = p->rows ? p->rows(m, side) : p->min_rows;
    int share = p->share ? p->share : 100;
    bool fill = p->fill;
    if (present) { /* presenter mode (present.c) */
        want = p->present_rows ? p->present_rows(m, side) : want;
        share = p->present_share ? p->present_share : share;
        fill |= p->present_fill;
    }
    return (unit){.pane = {p, NULL}, .n = 1, .priority = p->priority, .min = p->min_rows,
                  .want = want, .share = share, .fill = fill};
}

static int max_of(int a, int b)
{
    return a > b ? a : b;
}

/* Gives each unit its rows out of h, by priority, then by position. */
static void share_rows(unit *u, int n, int h)
{
    bool done[MAX_UNITS] = {false};
    int free_rows = h;
    for (int k = 0; k < n; k++) {
        int next = -1;
        for (int i = 0; i < n; i++)
            if (!done[i] && (next < 0 || u[i].priority < u[next].priority))
                next = i;
        done[next] = true;
        int reserve = 0;
        for (int i = 0; i < n; i++)
            reserve += done[i] ? 0 : u[i].min;
        unit *x = &u[next];
        int avail = free_rows - reserve;
        int rows = x->fill ? avail : x->want;
        int cap = free_rows * x->share / 100;
        rows = rows < cap ? rows : cap;
        rows = rows < avail ? rows : avail;
        if (rows < x->min)
            rows = avail >= x->min ? x->min : 0;
        x->h = rows;
        free_rows -= rows;
    }
}

/* The panes of one column (or of the whole screen, side CV_ALL_SIDES)
 * that apply; the columns of a two-sided screen become one unit. */
static int units_of(unit *u, const cv_pane *const *panes, const cv_model *m, int side, bool wide,
                    const cv_view *v)
{
    int n = 0;
    bool columns = false;
    for (const cv_pane *const *pp = panes; *pp != NULL && n < MAX_UNITS; pp++) {
        const cv_pane *p = *pp;
        if (side == CV_ALL_SIDES && p->where == CV_PANE_SIDE && m->sided && !columns) {
            columns = true;
            u[n++] = (unit){.n = 0, .priority = INT_MAX, .fill = true, .share = 100};
            continue;
        }
        bool here = side == CV_ALL_SIDES
                        ? p->where == CV_PANE_EDGE || (p->where == CV_PANE_BODY && !m->sided)
                        : p->where == CV_PANE_SIDE;
        if (!here || (p->applies != NULL && !p->applies(m, side)) || !cv_present__shows(p, v))
            continue;
        unit x = unit_of(p, m, side, cv_present__on(v));
        if (p->beside && wide && n > 0 && u[n - 1].n == 1) {
            unit *left = &u[n - 1];
            left->pane[1] = p;
            left->n = 2;
            left->priority = x.priority < left->priority ? x.priority : left->priority;
            left->min = max_of(left->min, x.min);
            left->want = max_of(left->want, x.want);
            left->share = max_of(left->share, x.share);
            left->fill |= x.fill;
            continue;
        }
        /* Presenter mode gives the lanes the spare rows so that a pane
         * beside them has the height; a pane that could not stand beside
         * (a narrow screen) takes the spare rows under them instead. */
        if (p->beside && cv_present__on(v)) {
            for (int i = 0; i < n; i++)
                if (u[i].n == 1 && u[i].pane[0] != NULL && u[i].pane[0]->present_fill)
                    u[i].fill = u[i].pane[0]->fill;
            x.fill = true;
            x.share = 100;
        }
        u[n++] = x;
    }
    return n;
}

static void place(cv_layout *l, const cv_pane *const *panes, const cv_model *m, cv_rect r,
                  int side, const cv_view *v);

/* Whether the run shows anything on `side`: a lane, a frame or a line. */
static bool side_used(const cv_model *m, int side)
{
    if (m->sides[side].frames > 0 || m->sides[side].nconsole > 0)
        return true;
    for (int lane = 0; lane < m->nlanes; lane++) {
        const cv_mlane *ml = cv_model_lane(m, lane);
        if (ml != NULL && ml->present && cv_pane_of_side(ml->side) == side)
            return true;
    }
    return false;
}

/* The thread side left, the task side right, a rule between.  A run with
 * a process side (spinner_proc.py) gets a column for it, and then only
 * the sides it uses: --side process alone is one column, thread,process
 * two. */
static void place_columns(cv_layout *l, const cv_pane *const *panes, const cv_model *m, cv_rect r,
                          const cv_view *v)
{
    int cols[3] = {CV_SIDE_THREAD, CV_SIDE_TASK, CV_SIDE_PROCESS}, n = 2;
    if (side_used(m, CV_SIDE_PROCESS)) {
        n = 0;
        for (int side = CV_SIDE_THREAD; side <= CV_SIDE_PROCESS; side++)
            if (side == CV_SIDE_PROCESS || side_used(m, side))
                cols[n++] = side;
    }
    int x = r.x;
    for (int i = 0; i < n; i++) {
        /* Each column a fair share of what is left, a rule before the next. */
        int w = (r.x + r.w - x - (n - 1 - i)) / (n - i);
        place(l, panes, m, (cv_rect){x, r.y, w, r.h}, cols[i], v);
        x += w;
        if (i + 1 < n)
            add(l, NULL, (cv_rect){x++, r.y, 1, r.h}, CV_ALL_SIDES);
    }
}

static void place(cv_layout *l, const cv_pane *const *panes, const cv_model *m, cv_rect r,
                  int side, const cv_view *v)
{
    unit u[MAX_UNITS];
    int n = units_of(u, panes, m, side, side == CV_ALL_SIDES && r.w >= CV_WIDE_COLS, v);
    share_rows(u, n, r.h);
    int y = r.y;
    for (int i = 0; i < n; i++) {
        cv_rect band = {r.x, y, r.w, u[i].h};
        y += u[i].h;
        if (band.h <= 0)
            continue;
        if (u[i].n == 0) {
            place_columns(l, panes, m, band, v);
        } else if (u[i].n == 1) {
            add(l, u[i].pane[0], band, side);
        } else {
            int lw = band.w * 11 / 20;
            add(l, u[i].pane[0], (cv_rect){band.x, band.y, lw, band.h}, side);
            add(l, NULL, (cv_rect){band.x + lw, band.y, 1, band.h}, side);
            add(l, u[i].pane[1], (cv_rect){band.x + lw + 1, band.y, band.w - lw - 1, band.h},
                side);
        }
    }
}

void cv_layout__compute(cv_layout *l, const cv_pane *const *panes, const cv_model *m, int cols,
                        int rows, const cv_view *v)
{
    *l = (cv_layout){0};
    if (cols < CV_MIN_COLS || rows < CV_MIN_ROWS) {
        l->too_small = true;
        return;
    }
    place(l, panes, m, (cv_rect){0, 0, cols, rows}, CV_ALL_SIDES, v);
}
