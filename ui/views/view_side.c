/*
 * The two-sided screen (spinner_thread.py beside spinner_async.py): the
 * thread side on the left, the task side on the right (and, when the run
 * has one, spinner_proc.py's process side in a third column), each a column of
 * panes (CV_PANE_SIDE in the registry: this title, its spinner, its lanes,
 * on the task side the tasks in flight, its console).  Both columns share
 * one clock and one playhead: their timelines have the same span and the
 * same "now", so a frozen task spinner next to a turning thread spinner is
 * the same moment, and a step moves whichever side the next event belongs
 * to.  Lanes and console lines go to the column of their side; anything
 * without one (the script's main thread before it says) goes left.
 */
#include "pane.h"
#include "theme.h"

static void draw(cv_canvas *c, cv_rect r, const cv_model *m, const cv_render_opts *o,
                 const cv_focus *f, int side)
{
    (void)m, (void)o, (void)f;
    cv_canvas__text(c, r.x, r.y, r.x + r.w, CV_ST_TITLE,
                   side == CV_SIDE_TASK      ? "task side: a coroutine on an event loop"
                   : side == CV_SIDE_PROCESS ? "process side: a spinner process"
                                             : "thread side: a spinner thread");
}

const cv_pane cv_pane__side = {
    .name = "side", .where = CV_PANE_SIDE, .min_rows = 1, .draw = draw,
};
