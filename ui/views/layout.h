/*
 * Layout: where each pane goes for a screen size.  Fixed rows (header,
 * caption, queue, key line) first; the lanes get one row per thread up to a
 * share of the height; the futures table and the console share the rest,
 * stacked, or side by side on wide screens.  Below the minimum size there is
 * no layout, only a message.
 */
#ifndef CV_UI_LAYOUT_H
#define CV_UI_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#define CV_MIN_COLS 80
#define CV_MIN_ROWS 24

typedef struct cv_rect {
    int x, y, w, h;
} cv_rect;

typedef struct cv_layout {
    bool too_small;
    cv_rect header, caption, lanes, queue, table, console, keys;
    int lanes_shown; /* lane rows that fit (the axis row is extra) */
} cv_layout;

void cv_layout_compute(cv_layout *l, int cols, int rows, int nlanes, size_t nfutures);

#endif
