/*
 * The two-sided screen (spinner_thread.py beside spinner_async.py): the
 * thread side on the left, the task side on the right, each pane a column
 * of its own spinner, its lanes, on the task side the tasks in flight, and
 * its console.  Both panes share one clock and one playhead: their
 * timelines have the same span and the same "now", so a frozen task
 * spinner next to a turning thread spinner is the same moment, and a step
 * moves whichever side the next event belongs to.  Lanes and console
 * lines go to the pane of their side; anything without one (the script's
 * main thread before it says) goes left.
 */
#include "render.h"
#include "theme.h"

#define SPINNER_H 5
#define MAX_LANE_ROWS 6
#define MAX_TASK_ROWS 5

static void pane(cv_canvas *c, cv_rect r, const cv_model *m, const cv_render_opts *o,
                 const cv_focus *f, int side)
{
    int end = r.x + r.w, y = r.y, bottom = r.y + r.h;
    cv_canvas_text(c, r.x, y, end, CV_ST_TITLE,
                   side == CV_SIDE_TASK ? "task side: a coroutine on an event loop"
                                        : "thread side: a spinner thread");
    y++;
    int spin_h = bottom - y >= SPINNER_H + 6 ? SPINNER_H : 1;
    cv_view_spinner(c, (cv_rect){r.x, y, r.w, spin_h}, m, o, side);
    y += spin_h;

    int nl = cv_lanes_count(m, side);
    int lanes = nl < 1 ? 1 : nl > MAX_LANE_ROWS ? MAX_LANE_ROWS : nl;
    if (y + 1 + lanes > bottom - 2)
        lanes = bottom - 2 - y - 1;
    if (lanes > 0) {
        cv_view_lanes(c, (cv_rect){r.x, y, r.w, lanes + 1}, lanes, m, o, f, side);
        y += lanes + 1;
    }

    bool tasks_here = side == CV_SIDE_TASK && m->ntasks > 0;
    if (tasks_here && bottom - y >= 4) {
        size_t live_n = m->ntasks - m->ntasks_done;
        int rows = 1 + (live_n > MAX_TASK_ROWS ? MAX_TASK_ROWS : (int)live_n);
        if (rows > bottom - y - 2)
            rows = bottom - y - 2;
        cv_view_tasks(c, (cv_rect){r.x, y, r.w, rows}, m, o, f);
        y += rows;
    }
    if (bottom - y >= 2)
        cv_view_console(c, (cv_rect){r.x, y, r.w, bottom - y}, m, f, side);
}

void cv_view_split(cv_canvas *c, cv_rect r, const cv_model *m, const cv_render_opts *o,
                   const cv_focus *f)
{
    const cv_glyphs *g = cv_glyphs_get(o->ascii);
    int lw = (r.w - 1) / 2;
    pane(c, (cv_rect){r.x, r.y, lw, r.h}, m, o, f, CV_SIDE_THREAD);
    for (int y = r.y; y < r.y + r.h; y++)
        cv_canvas_put(c, r.x + lw, y, g->vline, CV_ST_DIM);
    pane(c, (cv_rect){r.x + lw + 1, r.y, r.w - lw - 1, r.h}, m, o, f, CV_SIDE_TASK);
}
