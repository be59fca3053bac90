/*
 * The futures table: one row per future in submission order, with its
 * state (glyph and word), lane, the three times and the result.  Tasks are
 * futures too and share it: while in flight their state is the task's
 * (suspended, scheduled, ...) and the result column says what they await.  It can
 * hold thousands of futures, so it shows a window that keeps the future the
 * last event concerns in view (a third of the way down, so that what comes
 * after it in submission order is visible too).  Once the user scrolls it
 * (j/k, nav.h), it is pinned: it shows rows from the view's top, and the
 * selected future's row is marked in a style of its own.
 */
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "pane.h"
#include "theme.h"

/* Column starts, relative to the pane; the result takes the rest.  The
 * time a future took (end - start: a download's time per flag) is shown
 * only when the pane is wide enough to leave the result room. */
enum { C_ID = 0, C_LABEL = 5, C_STATE = 22, C_LANE = 34, C_SUB = 44, C_START = 53,
       C_END = 62, C_TOOK = 71, C_RESULT = 71, C_RESULT_WIDE = 80, TOOK_MIN_W = 100 };

static void fmt_time(int64_t t, double speed, char *buf, size_t len)
{
    if (t < 0)
        snprintf(buf, len, "-");
    else
        cv_render__fmt_demo(t, speed, buf, len);
}

/* The first running future, or CV_NONE.  Without tasks (here they are
 * all in focus anyway) every running future is counted in nrunning, and
 * normally each is the one running on its own lane: then the lanes say
 * which, without a look at the other futures.  Otherwise (a lost event
 * left a future running) the futures are searched. */
static size_t first_running(const cv_model *m)
{
    if (m->ntasks == 0 && m->nrunning == 0)
        return CV_NONE;
    size_t first = CV_NONE, found = 0;
    for (int i = 0; i < m->nlanes; i++) {
        const cv_mlane *l = cv_model_lane(m, i);
        if (l == NULL || l->running == CV_NONE)
            continue;
        const cv_mfuture *f = &m->futs[l->running];
        if (f->state != CV_RUNNING || f->lane != i || f->task)
            continue;
        found++;
        first = l->running < first ? l->running : first;
    }
    if (m->ntasks == 0 && found == m->nrunning)
        return first;
    for (size_t i = 0; i < m->nfuts; i++)
        if (m->futs[i].state == CV_RUNNING)
            return i;
    return CV_NONE;
}

static size_t window_start(const cv_model *m, const cv_focus *f, int h)
{
    size_t focus = f->future ? cv_model_future_index(m, f->future) : CV_NONE;
    if (focus == CV_NONE && m->ntasks > 0)
        focus = m->last_touched; /* the latest a task or future did */
    if (focus == CV_NONE) {
        /* Nothing in focus: the oldest future still in play. */
        focus = m->first_pending < m->nfuts ? m->first_pending : m->nfuts;
        size_t run = first_running(m);
        focus = run < focus ? run : focus;
    }
    if (m->nfuts <= (size_t)h)
        return 0;
    size_t start = focus > (size_t)(h / 3) ? focus - (size_t)(h / 3) : 0;
    if (start + (size_t)h > m->nfuts)
        start = m->nfuts - (size_t)h;
    return start;
}

/* A table the user scrolled shows rows from its pinned top, clamped so
 * that the last row is the last future; otherwise it follows the
 * playhead, as window_start says. */
size_t cv_table__start(const cv_model *m, const cv_view *v, const cv_focus *f, int h)
{
    if (h <= 0)
        return 0;
    if (v == NULL || !v->pinned[CV_FOCUS_TABLE])
        return window_start(m, f, h);
    size_t last = m->nfuts > (size_t)h ? m->nfuts - (size_t)h : 0;
    size_t top = v->top[CV_FOCUS_TABLE] > 0 ? (size_t)v->top[CV_FOCUS_TABLE] : 0;
    return top < last ? top : last;
}

static void draw(cv_canvas *c, cv_rect r, const cv_model *m, const cv_render_opts *o,
                 const cv_focus *f, int side)
{
    (void)side;
    const cv_glyphs *g = cv_theme__glyphs(o->ascii);
    int end = r.x + r.w, y = r.y;
    bool took = r.w >= TOOK_MIN_W;
    int h = r.h - 1;
    size_t start = cv_table__start(m, o->view, f, h);
    uint64_t sel = o->view != NULL ? o->view->sel_future : 0;
    /* The columns move right when the ids shown need more than the four
     * digits the id column has (a run of 10 000 futures or more). */
    unsigned long long top = 0;
    for (size_t i = start; i < m->nfuts && i < start + (size_t)(h > 0 ? h : 0); i++)
        top = m->futs[i].id > top ? m->futs[i].id : top;
    int dx = 0;
    for (unsigned long long v = top; v >= 10000; v /= 10)
        dx++;
    r.x += dx; /* every column after the id's, which is drawn at r.x - dx */
    r.w -= dx;
    end = r.x + r.w;
    int c_result = took ? C_RESULT_WIDE : C_RESULT;
    bool only_tasks = m->ntasks > 0 && m->ntasks == m->nfuts;
    const struct { int x; const char *name; } cols[] = {
        {C_ID, "id"}, {C_LABEL, only_tasks ? "task" : m->ntasks ? "future/task" : "future"},
        {C_STATE, "state"}, {C_LANE, "lane"}, {C_SUB, only_tasks ? "create" : "submit"},
        {C_START, "start"}, {C_END, "end"}, {took ? C_TOOK : -1, "took"},
        {c_result, "result"},
    };
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
        if (cols[i].x >= 0)
            cv_canvas__text(c, r.x + cols[i].x - (cols[i].x == C_ID ? dx : 0), y, end,
                            CV_ST_TITLE, cols[i].name);
    char sum[96];
    if (only_tasks)
        snprintf(sum, sizeof sum, "%zu tasks %zu in flight %zu done", m->ntasks,
                 m->ntasks - m->ntasks_done, m->ntasks_done);
    else
        snprintf(sum, sizeof sum, "%zu queued %zu running %zu done", m->npending,
                 m->nrunning + m->ntasks - m->ntasks_done, m->ndone + m->ntasks_done);
    int sw = (int)strlen(sum);
    if (r.w >= c_result + 8 + sw)
        cv_canvas__text(c, end - sw - 1, y, end, CV_ST_DIM, sum);
    if (h <= 0)
        return;
    for (size_t i = start; i < m->nfuts && i < start + (size_t)h; i++) {
        const cv_mfuture *fu = &m->futs[i];
        y++;
        /* The user's selection outranks the playhead's row: j/k must show
         * where they are even on the row the caption names. */
        bool hot = f->future == fu->id || sel == fu->id;
        int base = sel == fu->id ? CV_ST_ROW_SEL : hot ? CV_ST_ROW_HOT : CV_ST_NORMAL;
        if (hot)
            cv_canvas__fill(c, r.x - dx, y, r.w + dx, ' ', base);
        char buf[96], lane[48];
        cv_canvas__printf(c, r.x + C_ID - dx, y, r.x + C_LABEL - 1, base, "%llu",
                         (unsigned long long)fu->id);
        cv_canvas__text(c, r.x + C_LABEL, y, r.x + C_STATE - 1, base,
                       cv_model_label(fu, buf, sizeof buf));
        bool flying = fu->task && fu->state == CV_RUNNING;
        bool susp = flying && fu->tstate != CV_TASK_RUNNING;
        int st = hot ? base : susp ? CV_ST_SUSPENDED : cv_theme__state_style(fu->state);
        uint32_t glyph = susp ? g->pending : cv_theme__state_glyph(g, fu->state);
        const char *sn = flying ? cv_event_state_name(CV_EV_TASK, fu->tstate)
                                : cv_event_state_name(CV_EV_FUTURE, fu->state);
        /* A download's outcome in its own glyph and words (view_lanes.c). */
        char http[16];
        switch (cv_model_outcome(fu)) {
        case CV_OUTCOME_NOT_FOUND: glyph = g->notfound_end, sn = "not found"; break;
        case CV_OUTCOME_HTTP_ERROR:
            snprintf(http, sizeof http, "HTTP %d", fu->code);
            glyph = g->http_end, sn = http;
            break;
        case CV_OUTCOME_TIMEOUT: glyph = g->timeout_end, sn = "timed out"; break;
        default: break;
        }
        cv_canvas__put(c, r.x + C_STATE, y, glyph, st);
        cv_canvas__text(c, r.x + C_STATE + 2, y, r.x + C_LANE - 1, st, sn ? sn : "?");
        if (fu->lane >= 0)
            cv_canvas__text(c, r.x + C_LANE, y, r.x + C_SUB - 1, base,
                           cv_model_lane_name(m, fu->lane, lane, sizeof lane));
        fmt_time(fu->t_submit, o->speed, buf, sizeof buf);
        cv_canvas__text(c, r.x + C_SUB, y, r.x + C_START - 1, hot ? base : CV_ST_DIM, buf);
        fmt_time(fu->t_start, o->speed, buf, sizeof buf);
        cv_canvas__text(c, r.x + C_START, y, r.x + C_END - 1, hot ? base : CV_ST_DIM, buf);
        fmt_time(fu->t_end, o->speed, buf, sizeof buf);
        cv_canvas__text(c, r.x + C_END, y, r.x + C_TOOK - 1, hot ? base : CV_ST_DIM, buf);
        if (took && fu->t_end >= 0 && fu->t_start >= 0) {
            fmt_time(fu->t_end - fu->t_start, o->speed, buf, sizeof buf);
            cv_canvas__text(c, r.x + C_TOOK, y, r.x + c_result - 1, base, buf);
        }
        if (fu->state == CV_FINISHED) {
            if (fu->result != NULL)
                cv_canvas__text(c, r.x + c_result, y, end, base, fu->result);
            else
                cv_canvas__printf(c, r.x + c_result, y, end, base, "%lld",
                                 (long long)fu->value);
        } else if (fu->state == CV_FAILED && fu->code == CV_ECANCELLED) {
            /* Cut short by the user's stop: not the call's own failure. */
            cv_canvas__text(c, r.x + c_result, y, end, hot ? base : CV_ST_CANCELLED,
                           fu->error ? fu->error : "stopped by the user");
        } else if (fu->state == CV_FAILED) {
            cv_canvas__text(c, r.x + c_result, y, end, hot ? base : CV_ST_FAILED,
                           fu->error ? fu->error : "error");
        } else if (fu->tstate == CV_TASK_SUSPENDED && fu->awaits != NULL) {
            cv_canvas__printf(c, r.x + c_result, y, end, hot ? base : CV_ST_SUSPENDED, "awaits %s",
                             fu->awaits);
        }
    }
}

/* A row per future (one at least) and the titles, up to a thousand. */
static int rows(const cv_model *m, int side)
{
    (void)side;
    return 1 + (m->nfuts > 0 ? (int)(m->nfuts < 1000 ? m->nfuts : 1000) : 1);
}

const cv_pane cv_pane__table = {
    .name = "table", .where = CV_PANE_BODY, .priority = 2, .min_rows = 3, .share = 50,
    .rows = rows, .draw = draw, .toggle = CV_TOGGLE_TABLE,
};
