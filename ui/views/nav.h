/*
 * Moving about the screen (issue 12, point 4): which pane has the focus,
 * what j/k select in it, what a mouse click lands on, and which future an
 * Enter inspects.  These change the cv_view (render.h) the front end keeps,
 * never the model; they know the layout, so the front end need not: it
 * passes the screen's size and the pane rows come from the same layout
 * the next frame will draw.
 */
#ifndef CV_UI_NAV_H
#define CV_UI_NAV_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"
#include "render.h"

/* Whether the pane (enum cv_view_focus) is on a cols x rows screen. */
bool cv_view_pane_shown(const cv_model *m, const cv_view *v, int cols, int rows, int pane);
/* Tab (dir 1) and Shift-Tab (dir -1): the next pane on screen. */
void cv_view_focus_step(cv_view *v, const cv_model *m, int cols, int rows, int dir);
/* j/k and the arrows (delta rows), PgDn/PgUp (delta pages) in the
 * focused pane: moves its selection (lanes, table) or its lines
 * (console), pins it there and keeps the selection on screen. */
void cv_view_move(cv_view *v, const cv_model *m, int cols, int rows, int delta, bool pages);
/* Unpins every pane and drops the selection: the panes follow the
 * playhead again. */
void cv_view_follow(cv_view *v);

/* What is at a cell: a lane's row or a table row (pane is then
 * CV_FOCUS_LANES or CV_FOCUS_TABLE), else pane -1. */
typedef struct cv_view_hit {
    int pane;
    int lane;         /* the lane of a lanes row; -1: none */
    uint64_t future;  /* the future of a table row; 0: none */
} cv_view_hit;
cv_view_hit cv_view_hit_at(const cv_model *m, const cv_view *v, int cols, int rows, int x, int y);

/* The future or task Enter inspects: the table's selection; with the
 * lanes in focus, the future running on the selected lane (or last run
 * there) at the playhead; with nothing selected, the playhead's event's.
 * 0: nothing to inspect. */
uint64_t cv_view_card_target(const cv_model *m, const cv_view *v);
/* The future a lane runs at the playhead, or ran last; 0: none. */
uint64_t cv_view_lane_future(const cv_model *m, int lane);

#endif
