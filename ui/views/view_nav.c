/*
 * Focus, scrolling and hit-testing over the layout (nav.h).  Every answer
 * here comes from the layout the next frame draws (cv_layout__compute on
 * the same model and size) and from the panes' own window functions
 * (cv_table__start, cv_console__start, cv_lanes__start), so a row the
 * keys select is the row the screen shows, and a click lands where the
 * user sees it.
 *
 * A scrolled pane is pinned: its view.top is the first row it shows, and
 * the selection (view.sel_lane1, view.sel_future) is kept between top and
 * top + rows - 1, so the selected row never leaves the screen.  A pane
 * that is not pinned follows the playhead; the first j/k starts from the
 * row it shows, not from the top of the list, so nothing jumps.
 */
#include "nav.h"

#include "layout.h"
#include "pane.h"

extern const cv_pane cv_pane__lanes, cv_pane__side_lanes, cv_pane__table, cv_pane__console,
    cv_pane__side_console;

/* The first placed pane of the focus set `pane`, or NULL. */
static const cv_placed *placed(const cv_layout *l, int pane)
{
    for (int i = 0; i < l->n; i++) {
        const cv_pane *p = l->at[i].pane;
        if (p == NULL)
            continue;
        if ((pane == CV_FOCUS_LANES && (p == &cv_pane__lanes || p == &cv_pane__side_lanes)) ||
            (pane == CV_FOCUS_TABLE && p == &cv_pane__table) ||
            (pane == CV_FOCUS_CONSOLE && (p == &cv_pane__console || p == &cv_pane__side_console)))
            return &l->at[i];
    }
    return NULL;
}

bool cv_view_pane_shown(const cv_model *m, const cv_view *v, int cols, int rows, int pane)
{
    cv_layout l;
    cv_layout__compute(&l, cv_pane__registry, m, cols, rows, v);
    return placed(&l, pane) != NULL;
}

void cv_view_focus_step(cv_view *v, const cv_model *m, int cols, int rows, int dir)
{
    cv_layout l;
    cv_layout__compute(&l, cv_pane__registry, m, cols, rows, v);
    int f = v->focus;
    for (int k = 0; k < CV_FOCUS_COUNT; k++) {
        f = ((f + (dir < 0 ? -1 : 1)) % CV_FOCUS_COUNT + CV_FOCUS_COUNT) % CV_FOCUS_COUNT;
        if (placed(&l, f) != NULL) {
            v->focus = f;
            return;
        }
    }
}

void cv_view_follow(cv_view *v)
{
    for (int i = 0; i < CV_FOCUS_COUNT; i++) {
        v->pinned[i] = false;
        v->top[i] = 0;
    }
    v->sel_lane1 = 0;
    v->sel_future = 0;
}

/* ---- lanes ------------------------------------------------------------- */

int cv_lanes__start(const cv_view *v, int n, int hot, int h)
{
    int last = h > 0 && n > h ? n - h : 0;
    if (v != NULL && v->pinned[CV_FOCUS_LANES]) {
        int top = v->top[CV_FOCUS_LANES];
        return top < 0 ? 0 : top > last ? last : top;
    }
    /* Following: from the first lane, unless the playhead's lane would be
     * below the pane; then that lane goes to the middle. */
    int top = hot >= h ? hot - h / 2 : 0;
    return top > last ? last : top;
}

/* The lanes a lanes pane of `side` shows, in row order; returns how many. */
static int lanes_of(const cv_model *m, int side, int *out, int max)
{
    int n = 0;
    for (int i = 0; i < m->nlanes && n < max; i++) {
        const cv_mlane *l = &m->lanes[i];
        if (l->present && (side == CV_ALL_SIDES || cv_pane_of_side(l->side) == side))
            out[n++] = cv_model_lane_in_row(m, i); /* workers by first work */
    }
    return n;
}

static int row_of(const int *lanes, int n, int lane)
{
    for (int i = 0; i < n; i++)
        if (lanes[i] == lane)
            return i;
    return -1;
}

/* Keeps row `sel` of a pinned pane of h rows on screen. */
static void keep_visible(cv_view *v, int pane, int sel, int h)
{
    if (sel < v->top[pane])
        v->top[pane] = sel;
    else if (h > 0 && sel >= v->top[pane] + h)
        v->top[pane] = sel - h + 1;
    v->pinned[pane] = true;
}

#define MAX_LANES 4096

static void move_lanes(cv_view *v, const cv_model *m, const cv_placed *p, int delta)
{
    /* A two-sided screen has a lanes pane a side, of a few lanes each:
     * j/k go through the lanes of both, and neither scrolls. */
    int side = m->sided ? CV_ALL_SIDES : p->side;
    int lanes[MAX_LANES];
    int n = lanes_of(m, side, lanes, MAX_LANES);
    if (n == 0)
        return;
    int h = m->sided ? n
                     : (p->r.h - 1 - cv_lanes__compact(m, v, p->side, p->r.h)) /
                           cv_lanes__tall(m, v, p->side, p->r.h);
    cv_focus f;
    cv_render__focus(m, &f);
    int hot = row_of(lanes, n, f.lane);
    if (!v->pinned[CV_FOCUS_LANES])
        v->top[CV_FOCUS_LANES] = cv_lanes__start(v, n, hot, h);
    int cur = v->sel_lane1 > 0 ? row_of(lanes, n, v->sel_lane1 - 1) : -1;
    if (cur < 0) {
        /* The first key selects the lane the eye is on, as in the table. */
        cur = hot >= 0 ? hot : v->top[CV_FOCUS_LANES];
        delta -= delta > 0 ? 1 : delta < 0 ? -1 : 0;
    }
    int sel = cur + delta;
    sel = sel < 0 ? 0 : sel >= n ? n - 1 : sel;
    v->sel_lane1 = lanes[sel] + 1;
    keep_visible(v, CV_FOCUS_LANES, sel, h);
}

/* ---- table and console -------------------------------------------------- */

static void move_table(cv_view *v, const cv_model *m, const cv_placed *p, int delta)
{
    if (m->nfuts == 0)
        return;
    int h = p->r.h - 1;
    cv_focus f;
    cv_render__focus(m, &f);
    if (!v->pinned[CV_FOCUS_TABLE])
        v->top[CV_FOCUS_TABLE] = (int)cv_table__start(m, v, &f, h);
    size_t cur = v->sel_future ? cv_model_future_index(m, v->sel_future) : CV_NONE;
    if (cur == CV_NONE) {
        /* The first key selects the row the eye is on: the playhead's,
         * else the first shown, and moves on from there. */
        size_t hot = f.future ? cv_model_future_index(m, f.future) : CV_NONE;
        cur = hot != CV_NONE ? hot : (size_t)v->top[CV_FOCUS_TABLE];
        delta -= delta > 0 ? 1 : delta < 0 ? -1 : 0;
    }
    long sel = (long)cur + delta;
    sel = sel < 0 ? 0 : sel >= (long)m->nfuts ? (long)m->nfuts - 1 : sel;
    v->sel_future = m->futs[sel].id;
    keep_visible(v, CV_FOCUS_TABLE, (int)sel, h);
}

static void move_console(cv_view *v, const cv_model *m, const cv_placed *p, int delta)
{
    size_t n = p->side == CV_ALL_SIDES ? m->nconsole : m->sides[p->side].nconsole;
    int h = p->r.h - 1;
    if (!v->pinned[CV_FOCUS_CONSOLE])
        v->top[CV_FOCUS_CONSOLE] = (int)cv_console__start(v, n, h);
    long last = n > (size_t)h ? (long)(n - (size_t)h) : 0;
    long top = (long)v->top[CV_FOCUS_CONSOLE] + delta;
    v->top[CV_FOCUS_CONSOLE] = (int)(top < 0 ? 0 : top > last ? last : top);
    v->pinned[CV_FOCUS_CONSOLE] = true;
}

void cv_view_move(cv_view *v, const cv_model *m, int cols, int rows, int delta, bool pages)
{
    cv_layout l;
    cv_layout__compute(&l, cv_pane__registry, m, cols, rows, v);
    const cv_placed *p = placed(&l, v->focus);
    if (p == NULL) {
        /* The focused pane left the screen (a resize, a two-sided run has
         * no table): the keys go to the next pane that is there. */
        cv_view_focus_step(v, m, cols, rows, 1);
        p = placed(&l, v->focus);
        if (p == NULL)
            return;
    }
    int page = p->r.h - 2 > 1 ? p->r.h - 2 : 1; /* a row of overlap */
    if (pages)
        delta *= page;
    if (v->focus == CV_FOCUS_LANES)
        move_lanes(v, m, p, delta);
    else if (v->focus == CV_FOCUS_TABLE)
        move_table(v, m, p, delta);
    else
        move_console(v, m, p, delta);
}

/* ---- clicks and cards --------------------------------------------------- */

cv_view_hit cv_view_hit_at(const cv_model *m, const cv_view *v, int cols, int rows, int x, int y)
{
    cv_view_hit hit = {.pane = -1, .lane = -1};
    cv_layout l;
    cv_layout__compute(&l, cv_pane__registry, m, cols, rows, v);
    cv_focus f;
    cv_render__focus(m, &f);
    for (int i = 0; i < l.n; i++) {
        const cv_placed *p = &l.at[i];
        cv_rect r = p->r;
        if (p->pane == NULL || x < r.x || x >= r.x + r.w || y <= r.y || y >= r.y + r.h)
            continue; /* the first row is the pane's title or axis */
        int k = y - r.y - 1;
        if (p->pane == &cv_pane__lanes || p->pane == &cv_pane__side_lanes) {
            int lanes[MAX_LANES];
            int n = lanes_of(m, p->side, lanes, MAX_LANES);
            int strip = cv_lanes__compact(m, v, p->side, r.h); /* a row above the lanes */
            int tall = cv_lanes__tall(m, v, p->side, r.h); /* presenter mode: 2 or 3 */
            int h = (r.h - 1 - strip) / tall;
            int row = cv_lanes__start(v, n, row_of(lanes, n, f.lane), h) + (k - strip) / tall;
            if (row >= 0 && row < n && k >= strip)
                hit = (cv_view_hit){.pane = CV_FOCUS_LANES, .lane = lanes[row]};
        } else if (p->pane == &cv_pane__table) {
            size_t row = cv_table__start(m, v, &f, r.h - 1) + (size_t)k;
            if (row < m->nfuts)
                hit = (cv_view_hit){.pane = CV_FOCUS_TABLE, .lane = -1,
                                    .future = m->futs[row].id};
        }
    }
    return hit;
}

uint64_t cv_view_lane_future(const cv_model *m, int lane)
{
    const cv_mlane *l = cv_model_lane(m, lane);
    if (l == NULL)
        return 0;
    if (l->running != CV_NONE)
        return m->futs[l->running].id;
    /* An event loop's lane runs tasks in slices: the latest slice's. */
    if (l->nslices > 0)
        return m->futs[l->slices[l->nslices - 1].fut].id;
    if (l->nfuts > 0)
        return m->futs[l->futs[l->nfuts - 1]].id;
    return 0;
}

uint64_t cv_view_card_target(const cv_model *m, const cv_view *v)
{
    if (v->focus == CV_FOCUS_LANES && v->sel_lane1 > 0) {
        uint64_t id = cv_view_lane_future(m, v->sel_lane1 - 1);
        if (id != 0)
            return id;
    }
    if (v->sel_future != 0 && cv_model_future(m, v->sel_future) != NULL)
        return v->sel_future;
    cv_focus f;
    cv_render__focus(m, &f);
    return f.future != 0 && cv_model_future(m, f.future) != NULL ? f.future : 0;
}
