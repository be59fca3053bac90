/*
 * The lanes: one row per thread, main first, time running to the right.
 * Each row is painted in layers, later layers over earlier ones: the
 * thread's own state (idle dots, busy line), then the futures it ran as bars
 * (body glyph by state, an end glyph, the label written on the bar), then
 * the stretches it was blocked waiting for a result.  Last comes the
 * playhead, the column of "now", drawn only on cells nothing else claims so
 * that it never hides a bar's end.  Everything right of the playhead is the
 * future, empty; an open wait is labelled there, where there is room.
 * A lane may hold a million spans and bars: each layer draws only the last
 * of them that starts in each column, which leaves every cell as drawing
 * them all would (timeline.c), so a frame costs the screen, not the log.
 * The axis (axis.c) says which time each column shows.  When the lanes do
 * not all fit, the pane follows the lane the caption names, or shows from
 * where the user scrolled, and says which rows it shows ("lanes 7-12/30");
 * compact, each lane gets a short name ("w12") under a strip of how many
 * futures run in each column (view_strip.c).  Worker rows go in the order
 * of the model's worker numbers (model_workers.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pane.h"
#include "theme.h"

#define LABEL_W 10
#define MAX_SIDE_LANES 6
#define COMPACT_W 8 /* "w12", "main", "24-30/31" */

typedef cv_axis axis;

static int col_of(const axis *a, int64_t t)
{
    return cv_lanes__axis_col(a, t);
}

/* A stretch ends at its end, or at the playhead while it lasts; never
 * after the playhead (a comparison's section ends its axis there). */
static int64_t end_of(const axis *a, int64_t t1)
{
    return t1 < 0 || t1 > a->now ? a->now : t1;
}

/* The title: "lanes", or which of them show when not all fit. */
static void draw_title(cv_canvas *c, int x0, int y, int x1, int first, int shown, int present)
{
    if (present > shown && shown > 0)
        cv_canvas__printf(c, x0, y, x1, CV_ST_TITLE, "lanes %d-%d/%d", first + 1, first + shown,
                          present);
    else
        cv_canvas__text(c, x0, y, x1, CV_ST_TITLE, "lanes");
}

static void draw_thread(cv_canvas *c, int y, const axis *a, const cv_mlane *l,
                        const cv_glyphs *g)
{
    size_t n = cv_timeline__upto(l->spans, l->nspans, cv_timeline__span_t0, a->now);
    for (size_t i = 0; i < n; i++) {
        i = cv_timeline__last_in_column(a, l->spans, i, n, cv_timeline__span_t0);
        const cv_span *s = &l->spans[i];
        int x0 = col_of(a, s->t0), x1 = col_of(a, end_of(a, s->t1));
        bool busy = s->kind == CV_SPAN_BUSY;
        cv_canvas__fill(c, x0, y, x1 - x0 + 1, busy ? g->busy : g->idle,
                       busy ? CV_ST_BUSY : CV_ST_IDLE);
    }
}

/* Spinner frames drawn on this lane, each as its own glyph: the rhythm of
 * a turning spinner reads as \|/-\|/- along the lane, and a gap is a
 * frozen one. */
/* A frame's time: the lane keeps the frames' indices in the log. */
typedef struct frames {
    const cv_log *log;
    const size_t *at;
} frames;

static int64_t frame_t0(const void *list, size_t i)
{
    const frames *fr = list;
    return cv_log_at(fr->log, fr->at[i])->t_ns;
}

static void draw_frames(cv_canvas *c, int y, const axis *a, const cv_model *m,
                        const cv_mlane *l)
{
    frames fr = {m->log, l->frames};
    size_t n = cv_timeline__upto(&fr, l->nframes, frame_t0, a->now);
    for (size_t i = 0; i < n; i++) {
        i = cv_timeline__last_in_column(a, &fr, i, n, frame_t0);
        const cv_event *e = cv_log_at(m->log, l->frames[i]);
        if (e->text != NULL && e->text[0] != '\0')
            cv_canvas__put(c, col_of(a, e->t_ns), y, (unsigned char)e->text[0], CV_ST_SPINNER);
    }
}

static void draw_bar(cv_canvas *c, int y, const axis *a, const cv_mfuture *f,
                     const cv_glyphs *g, bool hot)
{
    int64_t t1 = f->t_end >= 0 && f->t_end <= a->now ? f->t_end : a->now;
    int x0 = col_of(a, f->t_start), x1 = col_of(a, t1);
    uint32_t body = g->run_body, tip = g->run_head;
    int st = CV_ST_RUNNING, bar = CV_ST_BAR_RUNNING;
    if (f->state == CV_FINISHED) {
        body = g->done_body, tip = g->done_end, st = CV_ST_FINISHED, bar = CV_ST_BAR_FINISHED;
    } else if (f->state == CV_FAILED) {
        body = g->fail_body, tip = g->fail_end, st = CV_ST_FAILED, bar = CV_ST_BAR_FAILED;
    } else if (f->state == CV_CANCELLED) {
        body = g->cancelled, tip = g->cancelled, st = CV_ST_CANCELLED, bar = CV_ST_CANCELLED;
    }
    /* A download's outcome has a look of its own: a 404 is not a flag,
     * a teapot is not a timeout. */
    int outcome = cv_model_outcome(f);
    const char *word = NULL;
    if (outcome == CV_OUTCOME_NOT_FOUND)
        body = g->notfound_body, tip = g->notfound_end, word = "not found";
    else if (outcome == CV_OUTCOME_HTTP_ERROR)
        tip = g->http_end, word = "HTTP error";
    else if (outcome == CV_OUTCOME_TIMEOUT)
        tip = g->timeout_end, word = "timed out";
    /* A future that ended in the cell it started in is a tick: it did
     * happen, however short (loiter(0)).  The next bar on the lane may
     * start in that cell too; its body leaves the tick there. */
    bool ended = f->state == CV_FINISHED || f->state == CV_FAILED;
    if (ended && x1 == x0 && f->t_end >= 0)
        tip = g->instant;
    cv_cell *first = cv_canvas__at(c, x0, y);
    bool keep = first != NULL && first->ch == g->instant && x1 > x0;
    cv_canvas__fill(c, x0 + keep, y, x1 - x0 - keep, body, st);
    cv_canvas__put(c, x1, y, tip, st);
    /* The label goes on the bar, keeping its first and end glyphs, when it
     * fits whole (a cut label reads as a different name).  A running bar ends at the
     * playhead, with nothing but the future to its right, so a label that
     * does not fit goes there; so does the label of the hot bar. */
    if (x1 - x0 < 2 && f->state != CV_RUNNING && !hot)
        return; /* no label fits; skip the formatting (10 000 bars) */
    char lb[64];
    cv_model_label(f, lb, sizeof lb);
    int len = (int)strlen(lb);
    /* A download says how it ended ("CN 200", "BR 418") where that fits:
     * its event's code, when that is an HTTP status. */
    int status = f->code >= 100 && f->code <= 599 ? f->code : 0;
    if (status > 0 && x1 - x0 - 1 >= len + 4 && len + 4 < (int)sizeof lb)
        len += snprintf(lb + len, sizeof lb - (size_t)len, " %d", status);
    /* And in words where they fit too ("BR 404 not found", "CN timed out"). */
    if (word != NULL && x1 - x0 - 1 >= len + 1 + (int)strlen(word))
        len += snprintf(lb + len, sizeof lb - (size_t)len, " %s", word);
    /* One cell in: the bar's first cell may be where the previous bar on
     * the lane ended, and two labels must never touch. */
    if (x1 - x0 - 1 >= len)
        cv_canvas__text(c, x0 + 1, y, x1, bar, lb);
    else if (f->state == CV_RUNNING || hot)
        cv_canvas__text(c, x1 + 1, y, x1 + 1 + len, st, lb);
}

/* A bar's start: the lane keeps its futures' indices in the model. */
typedef struct bars {
    const cv_mfuture *futs;
    const size_t *at;
} bars;

static int64_t bar_t0(const void *list, size_t i)
{
    const bars *b = list;
    return b->futs[b->at[i]].t_start;
}

/* The futures a lane ran, then the hot one again, on top, so that its
 * label is never hidden.  Bars one after the other (the usual lane) are
 * drawn as timeline.c explains, one a column; a lane where bars overlap
 * (a lost event, a hand-made trace) has them all drawn, in order. */
static void draw_bars(cv_canvas *c, int y, const axis *a, const cv_model *m, const cv_mlane *l,
                      int lane, const cv_focus *f, const cv_glyphs *g)
{
    if (l->overlap) {
        for (size_t i = 0; i < l->nfuts; i++) {
            const cv_mfuture *fu = &m->futs[l->futs[i]];
            if (fu->t_start <= a->now)
                draw_bar(c, y, a, fu, g, false);
        }
        for (size_t i = 0; f->future != 0 && i < l->nfuts; i++) {
            const cv_mfuture *fu = &m->futs[l->futs[i]];
            if (fu->id == f->future && fu->t_start <= a->now)
                draw_bar(c, y, a, fu, g, true);
        }
        return;
    }
    bars b = {m->futs, l->futs};
    size_t n = cv_timeline__upto(&b, l->nfuts, bar_t0, a->now);
    for (size_t i = 0; i < n; i++) {
        i = cv_timeline__last_in_column(a, &b, i, n, bar_t0);
        /* The bars before the last in a column all end there: the one
         * just before it stands for them, as a tick if it ended. */
        if (i > 0 && col_of(a, bar_t0(&b, i - 1)) == col_of(a, bar_t0(&b, i)))
            draw_bar(c, y, a, &m->futs[l->futs[i - 1]], g, false);
        draw_bar(c, y, a, &m->futs[l->futs[i]], g, false);
    }
    /* Without overlap a future is on its lane's list once, and is there
     * if it is not a task and its lane is this one. */
    const cv_mfuture *hot = f->future != 0 ? cv_model_future(m, f->future) : NULL;
    if (hot != NULL && !hot->task && hot->lane == lane && hot->t_start >= 0 &&
        hot->t_start <= a->now)
        draw_bar(c, y, a, hot, g, true);
}

static void draw_waits(cv_canvas *c, int y, const axis *a, const cv_model *m,
                       const cv_mlane *l, const cv_glyphs *g)
{
    size_t n = cv_timeline__upto(l->waits, l->nwaits, cv_timeline__span_t0, a->now);
    for (size_t i = 0; i < n; i++) {
        i = cv_timeline__last_in_column(a, l->waits, i, n, cv_timeline__span_t0);
        const cv_span *s = &l->waits[i];
        /* A wait for the GIL is not a wait for a result: the thread is
         * ready and waits for its turn, in a look of its own. */
        bool gil = s->kind == CV_SPAN_GIL;
        if (gil && a->log == NULL)
            continue; /* draw_gil_waits, by the time each column waited */
        int st = gil ? CV_ST_GIL : CV_ST_BLOCKED, bar = gil ? CV_ST_BAR_GIL : CV_ST_BAR_BLOCKED;
        int x0 = col_of(a, s->t0), x1 = col_of(a, end_of(a, s->t1));
        cv_canvas__fill(c, x0, y, x1 - x0 + 1, gil ? g->gil : g->blocked, st);
        /* A wait that starts where the one before it ended is another
         * wait, not the same one going on: an edge says so. */
        if (i > 0 && l->waits[i - 1].t1 >= 0 && col_of(a, l->waits[i - 1].t1) >= x0 - 1 &&
            x1 > x0) {
            cv_canvas__put(c, x0, y, g->wait_edge, st);
            x0++;
        }
        if (s->t1 >= 0 && x1 - x0 < 6)
            continue; /* too short for any label */
        char text[96], lb[64];
        const cv_mfuture *f = s->ref && !gil ? cv_model_future(m, s->ref) : NULL;
        if (gil)
            snprintf(text, sizeof text, "waits for the GIL");
        else if (f != NULL)
            snprintf(text, sizeof text, "waits for %s", cv_model_label(f, lb, sizeof lb));
        else
            snprintf(text, sizeof text, "waits in %s", s->what ? s->what : "wait");
        int w = (int)strlen(text);
        if (s->t1 < 0) {
            /* Blocked now: say on what, in the empty future right of now. */
            int xp = col_of(a, a->now);
            int x = xp + 2 + w <= a->x0 + a->w ? xp + 2 : a->x0 + a->w - w;
            if (x < x0)
                x = x0;
            cv_canvas__text(c, x, y, a->x0 + a->w, bar, text);
        } else if (x1 - x0 > w) {
            cv_canvas__text(c, x0, y, x1, bar, text);
        } else if (f != NULL && x1 - x0 > (int)strlen(lb) + 4) {
            /* Never the bare name: on main's lane "loiter(1)" would read
             * as if main ran it. */
            snprintf(text, sizeof text, "for %s", lb);
            cv_canvas__text(c, x0, y, x1, bar, text);
        }
    }
}

/* Waits for the GIL on a time axis.  They come every 5 ms, many to a
 * column, and a thread under the GIL waits about as long as it runs: a
 * column drawn as waiting whenever a wait starts in it would show the
 * lane waiting all the time, and one drawn by the majority would flip a
 * coin.  So each column says how much of its time the lane waited for
 * the GIL: the wait's glyph if (nearly) all of it, a bar as high as the
 * share if some, nothing (the bar beneath shows) if none; two threads
 * under the GIL read as two half-high rows, and zoomed in to a few ms a
 * column the hand-offs themselves show.  The cost is the waits in view. */
static void draw_gil_waits(cv_canvas *c, int y, const axis *a, const cv_model *m,
                           const cv_mlane *l, const cv_glyphs *g)
{
    if (a->log != NULL || a->span <= 0 || a->w <= 0 || l->nwaits == 0)
        return;
    size_t n = cv_timeline__upto(l->waits, l->nwaits, cv_timeline__span_t0, a->now);
    size_t i = cv_timeline__upto(l->waits, n, cv_timeline__span_t0, a->t0);
    i = i > 0 ? i - 1 : 0;
    double *cover = calloc((size_t)a->w, sizeof *cover);
    if (cover == NULL)
        return;
    double per = (double)a->span / a->w; /* ns a column */
    int64_t end = a->now < a->t0 + a->span ? a->now : a->t0 + a->span;
    for (; i < n; i++) {
        const cv_span *s = &l->waits[i];
        if (s->kind != CV_SPAN_GIL)
            continue;
        int64_t t0 = s->t0 > a->t0 ? s->t0 : a->t0, t1 = end_of(a, s->t1);
        t1 = t1 < end ? t1 : end;
        while (t0 < t1) {
            int k = (int)((double)(t0 - a->t0) / per);
            if (k >= a->w)
                break;
            int64_t col_end = a->t0 + (int64_t)((k + 1) * per) + 1;
            int64_t upto = t1 < col_end ? t1 : col_end;
            cover[k] += (double)(upto - t0);
            t0 = upto;
        }
    }
    for (int k = 0; k < a->w; k++) {
        int level = (int)(cover[k] / per * 7 + 0.5);
        if (level >= 7 || cover[k] >= 0.9 * per)
            cv_canvas__put(c, a->x0 + k, y, g->gil, CV_ST_GIL);
        else if (level > 0)
            cv_canvas__put(c, a->x0 + k, y, g->level[level], CV_ST_GIL);
    }
    free(cover);
    /* Waiting now: say for what, in the empty future right of now, or,
     * where the running call's label is written, at the row's end if it
     * fits after that label. */
    const cv_span *last = &l->waits[l->nwaits - 1];
    if (last->kind == CV_SPAN_GIL && last->t1 < 0 && last->t0 <= a->now) {
        const char *text = "waits for the GIL";
        int w = (int)strlen(text), xp = col_of(a, a->now), x = xp + 2;
        if (l->running != CV_NONE && l->running < m->nfuts) {
            char lb[64];
            int taken = xp + 2 + (int)strlen(cv_model_label(&m->futs[l->running], lb, sizeof lb));
            x = a->x0 + a->w - w;
            if (x <= taken)
                return;
        } else if (x + w > a->x0 + a->w) {
            x = a->x0 + a->w - w;
        }
        cv_canvas__text(c, x, y, a->x0 + a->w, CV_ST_BAR_GIL, text);
    }
}

static void draw_playhead(cv_canvas *c, int y, const axis *a, const cv_glyphs *g)
{
    cv_cell *cell = cv_canvas__at(c, col_of(a, a->now), y);
    if (cell != NULL && (cell->ch == ' ' || cell->style == CV_ST_IDLE || cell->style == CV_ST_BUSY ||
                         cell->style == CV_ST_POLL))
        cv_canvas__put(c, col_of(a, a->now), y, g->playhead, CV_ST_PLAYHEAD);
}

static bool shown_on(const cv_mlane *l, int side);

/* The lane names' column: LABEL_W, or more for a longer name ("event
 * loop", "spinner thread"), up to a quarter of the pane. */
static int label_width(const cv_model *m, int side, int w, bool scrolled)
{
    int want = scrolled ? (int)sizeof "lanes 10-20/30" : LABEL_W;
    for (int i = 0; i < m->nlanes; i++) {
        const cv_mlane *l = &m->lanes[i];
        if (l->present && shown_on(l, side) && l->name != NULL) {
            int n = cv_canvas__text_width(l->name) + 1;
            want = n > want ? n : want;
        }
    }
    return want > w / 4 ? (w / 4 > LABEL_W ? w / 4 : LABEL_W) : want;
}

static bool shown_on(const cv_mlane *l, int side)
{
    return side == CV_ALL_SIDES || cv_pane_of_side(l->side) == side;
}

static int lanes_count(const cv_model *m, int side)
{
    int n = 0;
    for (int i = 0; i < m->nlanes; i++)
        n += m->lanes[i].present && shown_on(&m->lanes[i], side);
    return n;
}

/* The first of the shown lanes to draw: where the user scrolled to
 * (clamped), or else as cv_lanes__start places the lane the caption
 * names (view_nav.c, which maps clicks with the same rule). */
static int first_row(const cv_model *m, const cv_render_opts *o, const cv_focus *f, int side,
                     int shown, int present)
{
    int at = -1;
    if (f->lane >= 0) {
        at = 0;
        for (int i = 0; i < m->nlanes && cv_model_lane_in_row(m, i) != f->lane; i++)
            at += m->lanes[i].present && shown_on(&m->lanes[i], side);
    }
    return cv_lanes__start(o->view, present, at, shown);
}

/* Presenter mode: each lane two or three rows where they all fit so,
 * else one; a compact pane keeps one. */
int cv_lanes__tall(const cv_model *m, const cv_view *v, int side, int h)
{
    if (!cv_present__on(v) || cv_lanes__compact(m, v, side, h))
        return 1;
    int n = lanes_count(m, side);
    int k = (h - 1) / (n < 1 ? 1 : n);
    return k < 1 ? 1 : k > 3 ? 3 : k;
}

/* A tall lane's other rows, from its first (drawn as usual): the second
 * repeats its bars and waits without their labels, so that a bar reads as
 * a block; the third is a gap that keeps two lanes' blocks apart.  A
 * thread's idle and busy line, spinner frames and whatever is right of
 * the playhead (labels of what runs now) stay on the first row only; the
 * playhead runs down all of them. */
static uint32_t solid(const cv_cell *cell, const cv_glyphs *g, int *st)
{
    switch (cell->style) {
    case CV_ST_BAR_RUNNING: *st = CV_ST_RUNNING; return g->run_body;
    case CV_ST_BAR_FINISHED: *st = CV_ST_FINISHED; return g->done_body;
    case CV_ST_BAR_FAILED: *st = CV_ST_FAILED; return g->fail_body;
    case CV_ST_BAR_BLOCKED: *st = CV_ST_BLOCKED; return g->blocked;
    case CV_ST_BAR_GIL: *st = CV_ST_GIL; return g->gil;
    case CV_ST_BAR_SLICE: *st = CV_ST_SLICE; return g->slice;
    case CV_ST_RUNNING:
    case CV_ST_FINISHED:
    case CV_ST_FAILED:
    case CV_ST_CANCELLED:
    case CV_ST_BLOCKED:
    case CV_ST_GIL:
    case CV_ST_SLICE:
    case CV_ST_PENDING:
    case CV_ST_PLAYHEAD:
        *st = cell->style;
        return cell->ch;
    default:
        return 0;
    }
}

static void thicken(cv_canvas *c, int y, int k, int y_end, const axis *a, const cv_glyphs *g)
{
    int xp = col_of(a, a->now);
    for (int j = 1; j < k && y + j < y_end; j++) {
        for (int x = a->x0; j == 1 && x <= xp && x < a->x0 + a->w; x++) {
            const cv_cell *cell = cv_canvas__at(c, x, y);
            int st = CV_ST_NORMAL;
            uint32_t ch = cell != NULL ? solid(cell, g, &st) : 0;
            if (ch != 0)
                cv_canvas__put(c, x, y + j, ch, st);
        }
        cv_cell *cell = cv_canvas__at(c, xp, y + j);
        if (cell != NULL && cell->ch == ' ')
            cv_canvas__put(c, xp, y + j, g->playhead, CV_ST_PLAYHEAD);
    }
}

bool cv_lanes__compact(const cv_model *m, const cv_view *v, int side, int h)
{
    int shown = h - 1, present = lanes_count(m, side);
    bool compact = present > shown; /* compact when the lanes do not fit */
    if (v != NULL && v->compact)
        compact = !compact; /* v turns that the other way */
    return compact && shown > 2;
}

/* A compact lane's name: "w12" for worker 12, else the name's first
 * word, cut to the column. */
static void short_name(const char *name, char *buf, size_t len)
{
    int n = 0;
    if (strncmp(name, "worker ", 7) == 0 && sscanf(name + 7, "%d", &n) == 1)
        snprintf(buf, len, "w%d", n);
    else
        snprintf(buf, len, "%.*s", (int)strcspn(name, " "), name);
}

static void draw(cv_canvas *c, cv_rect r, const cv_model *m, const cv_render_opts *o,
                 const cv_focus *f, int side)
{
    int shown = r.h - 1; /* the axis takes a row */
    const cv_glyphs *g = cv_theme__glyphs(o->ascii);
    int present = lanes_count(m, side);
    bool compact = cv_lanes__compact(m, o->view, side, r.h);
    int tall = cv_lanes__tall(m, o->view, side, r.h);
    if (compact)
        shown--; /* the concurrency strip takes a row */
    shown /= tall;
    int lw = compact ? COMPACT_W : label_width(m, side, r.w, present > shown);
    axis a = {.x0 = r.x + lw, .w = r.w - lw, .now = o->now_ns};
    cv_axis__make(&a, m, o);
    int first = first_row(m, o, f, side, shown, present);
    if (compact && present > shown)
        cv_canvas__printf(c, r.x, r.y, a.x0 - 1, CV_ST_TITLE, "%d-%d/%d", first + 1,
                          first + shown, present);
    else
        draw_title(c, r.x, r.y, a.x0 - 1, first, shown < present ? shown : present, present);
    cv_axis__draw(c, r.y, &a, o);
    int y = r.y + 1, skip = first;
    if (compact)
        cv_strip__draw(c, r.x, y++, &a, m, side, g);

    int sel = o->view != NULL ? o->view->sel_lane1 - 1 : -1;
    for (int row = 0; row < m->nlanes && y < r.y + r.h; row++) {
        const cv_mlane *l = cv_model_lane(m, row);
        if (l == NULL || !shown_on(l, side))
            continue;
        if (skip > 0) {
            skip--;
            continue;
        }
        int lane = cv_model_lane_in_row(m, row);
        l = cv_model_lane(m, lane);
        char name[48], brief[16];
        cv_model_lane_name(m, lane, name, sizeof name);
        if (compact)
            short_name(name, brief, sizeof brief);
        int st = lane == sel ? CV_ST_ROW_HOT : f->lane == lane ? CV_ST_LANE_HOT : CV_ST_LANE;
        cv_canvas__text(c, r.x, y, a.x0 - 1, st, compact ? brief : name);
        cv_lanes__draw_row(c, y, &a, m, lane, o, f, true);
        thicken(c, y, tall, r.y + r.h, &a, g);
        y += tall;
    }
}

void cv_lanes__draw_row(cv_canvas *c, int y, const cv_axis *a, const cv_model *m, int lane,
                        const cv_render_opts *o, const cv_focus *f, bool playhead)
{
    const cv_glyphs *g = cv_theme__glyphs(o->ascii);
    const cv_mlane *l = cv_model_lane(m, lane);
    if (l == NULL)
        return;
    draw_thread(c, y, a, l, g);
    draw_frames(c, y, a, m, l);
    if (l->loop)
        cv_slices__draw(c, y, a, m, l, o, f);
    draw_bars(c, y, a, m, l, lane, f, g);
    draw_waits(c, y, a, m, l, g);
    draw_gil_waits(c, y, a, m, l, g);
    if (playhead)
        draw_playhead(c, y, a, g);
}

/* As many rows as lanes (one at least), and the axis. */
static int rows(const cv_model *m, int side)
{
    int n = lanes_count(m, side);
    return (n < 1 ? 1 : n) + 1;
}

/* On a side of a two-sided screen, a few lanes leave room for the rest. */
static int side_rows(const cv_model *m, int side)
{
    int n = lanes_count(m, side);
    return (n < 1 ? 1 : n > MAX_SIDE_LANES ? MAX_SIDE_LANES : n) + 1;
}

/* A comparison draws its lanes by section instead (view_compare.c). */
static bool applies(const cv_model *m, int side)
{
    (void)side;
    return m->nsections == 0;
}

/* Presenter mode: three rows a lane. */
static int present_rows(const cv_model *m, int side)
{
    return 3 * (rows(m, side) - 1) + 1;
}

static int present_side_rows(const cv_model *m, int side)
{
    return 3 * (side_rows(m, side) - 1) + 1;
}

const cv_pane cv_pane__lanes = {
    .name = "lanes", .where = CV_PANE_BODY, .priority = 1, .min_rows = 2, .share = 40,
    .applies = applies, .rows = rows, .draw = draw,
    /* Presenter mode: every row the table and console leave, which is
     * where the source pane goes beside the lanes on a wide screen. */
    .present_rows = present_rows, .present_share = 100, .present_fill = true,
};

const cv_pane cv_pane__side_lanes = {
    .name = "side lanes", .where = CV_PANE_SIDE, .min_rows = 2, .rows = side_rows, .draw = draw,
    .present_rows = present_side_rows,
};
