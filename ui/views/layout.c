/*
 * The lanes are the heart of the screen, so they get rows first (up to 40%
 * of the height); the table gets what its futures need up to half the rest,
 * and the console everything left, because its newest lines tell the story
 * in the script's own words.
 */
#include "layout.h"

void cv_layout_compute(cv_layout *l, int cols, int rows, int nlanes, size_t nfutures)
{
    *l = (cv_layout){0};
    if (cols < CV_MIN_COLS || rows < CV_MIN_ROWS) {
        l->too_small = true;
        return;
    }
    l->header = (cv_rect){0, 0, cols, 1};
    l->caption = (cv_rect){0, 1, cols, 1};
    l->keys = (cv_rect){0, rows - 1, cols, 1};
    int body = rows - 4; /* header, caption, queue, keys */
    int cap = body * 2 / 5;
    int shown = nlanes < 1 ? 1 : nlanes;
    if (shown > cap - 1)
        shown = cap - 1;
    l->lanes_shown = shown;
    l->lanes = (cv_rect){0, 2, cols, shown + 1};
    l->queue = (cv_rect){0, l->lanes.y + l->lanes.h, cols, 1};
    int y = l->queue.y + 1;
    int rest = rows - 1 - y;
    if (cols >= 150) {
        int tw = cols * 11 / 20;
        l->table = (cv_rect){0, y, tw, rest};
        l->console = (cv_rect){tw + 1, y, cols - tw - 1, rest};
        return;
    }
    int want = 1 + (nfutures > 0 ? (int)(nfutures < 1000 ? nfutures : 1000) : 1);
    int th = rest / 2;
    if (want < th)
        th = want;
    if (th < 3)
        th = 3;
    l->table = (cv_rect){0, y, cols, th};
    l->console = (cv_rect){0, y + th, cols, rest - th};
}
