/*
 * The futures table: one row per future in submission order, with its
 * state (glyph and word), lane, the three times and the result.  It can
 * hold thousands of futures, so it shows a window that keeps the future the
 * last event concerns in view (a third of the way down, so that what comes
 * after it in submission order is visible too).
 */
#include <stdio.h>
#include <string.h>

#include "render.h"
#include "theme.h"

/* Column starts, relative to the pane; the result takes the rest. */
enum { C_ID = 0, C_LABEL = 5, C_STATE = 22, C_LANE = 34, C_SUB = 44, C_START = 53,
       C_END = 62, C_RESULT = 71 };

static void fmt_time(int64_t t, double speed, char *buf, size_t len)
{
    if (t < 0)
        snprintf(buf, len, "-");
    else
        cv_fmt_demo(t, speed, buf, len);
}

static size_t window_start(const cv_model *m, const cv_focus *f, int h)
{
    size_t focus = f->future ? cv_model_future_index(m, f->future) : CV_NONE;
    if (focus == CV_NONE) {
        /* Nothing in focus: the oldest future still in play. */
        focus = m->first_pending < m->nfuts ? m->first_pending : m->nfuts;
        for (size_t i = 0; i < m->nfuts; i++)
            if (m->futs[i].state == CV_RUNNING) {
                focus = i < focus ? i : focus;
                break;
            }
    }
    if (m->nfuts <= (size_t)h)
        return 0;
    size_t start = focus > (size_t)(h / 3) ? focus - (size_t)(h / 3) : 0;
    if (start + (size_t)h > m->nfuts)
        start = m->nfuts - (size_t)h;
    return start;
}

void cv_view_table(cv_canvas *c, cv_rect r, const cv_model *m, const cv_render_opts *o,
                   const cv_focus *f)
{
    const cv_glyphs *g = cv_glyphs_get(o->ascii);
    int end = r.x + r.w, y = r.y;
    static const struct { int x; const char *name; } cols[] = {
        {C_ID, "id"}, {C_LABEL, "future"}, {C_STATE, "state"}, {C_LANE, "lane"},
        {C_SUB, "submit"}, {C_START, "start"}, {C_END, "end"}, {C_RESULT, "result"},
    };
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
        cv_canvas_text(c, r.x + cols[i].x, y, end, CV_ST_TITLE, cols[i].name);
    if (r.w >= C_RESULT + 30)
        cv_canvas_printf(c, end - 28 > r.x + C_RESULT + 7 ? end - 28 : r.x + C_RESULT + 7, y, end,
                         CV_ST_DIM, "%zu queued %zu running %zu done", m->npending, m->nrunning,
                         m->ndone);
    int h = r.h - 1;
    if (h <= 0)
        return;
    size_t start = window_start(m, f, h);
    for (size_t i = start; i < m->nfuts && i < start + (size_t)h; i++) {
        const cv_mfuture *fu = &m->futs[i];
        y++;
        bool hot = f->future == fu->id;
        int base = hot ? CV_ST_ROW_HOT : CV_ST_NORMAL;
        if (hot)
            cv_canvas_fill(c, r.x, y, r.w, ' ', base);
        char buf[96], lane[48];
        cv_canvas_printf(c, r.x + C_ID, y, r.x + C_LABEL - 1, base, "%llu",
                         (unsigned long long)fu->id);
        cv_canvas_text(c, r.x + C_LABEL, y, r.x + C_STATE - 1, base,
                       cv_model_label(fu, buf, sizeof buf));
        int st = hot ? base : cv_style_for_state(fu->state);
        cv_canvas_put(c, r.x + C_STATE, y, cv_glyph_for_state(g, fu->state), st);
        const char *sn = cv_event_state_name(CV_EV_FUTURE, fu->state);
        cv_canvas_text(c, r.x + C_STATE + 2, y, r.x + C_LANE - 1, st, sn ? sn : "?");
        if (fu->lane >= 0)
            cv_canvas_text(c, r.x + C_LANE, y, r.x + C_SUB - 1, base,
                           cv_model_lane_name(m, fu->lane, lane, sizeof lane));
        fmt_time(fu->t_submit, o->speed, buf, sizeof buf);
        cv_canvas_text(c, r.x + C_SUB, y, r.x + C_START - 1, hot ? base : CV_ST_DIM, buf);
        fmt_time(fu->t_start, o->speed, buf, sizeof buf);
        cv_canvas_text(c, r.x + C_START, y, r.x + C_END - 1, hot ? base : CV_ST_DIM, buf);
        fmt_time(fu->t_end, o->speed, buf, sizeof buf);
        cv_canvas_text(c, r.x + C_END, y, r.x + C_RESULT - 1, hot ? base : CV_ST_DIM, buf);
        if (fu->state == CV_FINISHED) {
            if (fu->result != NULL)
                cv_canvas_text(c, r.x + C_RESULT, y, end, base, fu->result);
            else
                cv_canvas_printf(c, r.x + C_RESULT, y, end, base, "%llu",
                                 (unsigned long long)fu->value);
        } else if (fu->state == CV_FAILED) {
            cv_canvas_text(c, r.x + C_RESULT, y, end, hot ? base : CV_ST_FAILED,
                           fu->error ? fu->error : "error");
        }
    }
}
