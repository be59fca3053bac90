/*
 * Layout: the panes that apply to a run, placed on a screen of a given
 * size (see pane.h for how rows are shared).  The screen is one stack of
 * panes, top to bottom in the registry's order; on a two-sided run the
 * side panes make two columns, the thread side left, the task side right,
 * in the rows the stack leaves them.  A wide screen (CV_WIDE_COLS) puts a
 * `beside` pane to the right of the pane above it.  Below the minimum size
 * there is no layout, only a message.
 */
#ifndef CV_UI_LAYOUT_H
#define CV_UI_LAYOUT_H

#include <stdbool.h>

#include "pane.h"

#define CV_MIN_COLS 80
#define CV_MIN_ROWS 24
#define CV_WIDE_COLS 150
#define CV_LAYOUT_MAX 32

/* A pane in its rectangle, or (pane NULL) a rule between two columns. */
typedef struct cv_placed {
    const cv_pane *pane;
    cv_rect r;
    int side; /* CV_ALL_SIDES, or the side of a column's pane */
} cv_placed;

/* The placed panes in drawing order. */
typedef struct cv_layout {
    bool too_small;
    int n;
    cv_placed at[CV_LAYOUT_MAX];
} cv_layout;

/* Places the NULL-terminated `panes` that apply to m and that the view
 * shows (NULL: the default view; present.c) on cols x rows. */
void cv_layout__compute(cv_layout *l, const cv_pane *const *panes, const cv_model *m, int cols,
                        int rows, const cv_view *v);

#endif
