/*
 * The concurrency strip over compact lanes: how many futures run in each
 * column, as a bar of eighths (▁▂▃▅▇), so that with thirty workers on the
 * screen the viewer still sees when the pool was full and when it idled.
 * A lane counts once in a column where any of its futures ran: a lane's
 * bars follow one another, so each lane is visited one bar a column
 * (timeline.c) and the strip costs the screen, not the log.  The counts
 * live on the stack, for the widest row a canvas is likely to have; a
 * wider one shows its first STRIP_MAX columns.
 */
#include <stdio.h>

#include "pane.h"
#include "theme.h"

#define STRIP_MAX 1024

typedef struct bars {
    const cv_mfuture *futs;
    const size_t *at;
} bars;

static int64_t bar_t0(const void *list, size_t i)
{
    const bars *b = list;
    return b->futs[b->at[i]].t_start;
}

/* Marks the columns where lane l ran a future, up to the playhead. */
static void mark_lane(const cv_axis *a, const cv_model *m, const cv_mlane *l, int w,
                      unsigned char *seen)
{
    bars b = {m->futs, l->futs};
    size_t n = cv_timeline__upto(&b, l->nfuts, bar_t0, a->now);
    for (size_t i = 0; i < n; i++) {
        if (!l->overlap)
            i = cv_timeline__last_in_column(a, &b, i, n, bar_t0);
        const cv_mfuture *f = &m->futs[l->futs[i]];
        /* One that ended before the axis starts is not in view (a
         * comparison's later section, a zoomed window). */
        if (f->task || f->t_start < 0 || (f->t_end >= 0 && f->t_end < a->t0))
            continue;
        int64_t t1 = f->t_end >= 0 && f->t_end <= a->now ? f->t_end : a->now;
        int x0 = cv_lanes__axis_col(a, f->t_start) - a->x0;
        int x1 = cv_lanes__axis_col(a, t1) - a->x0;
        for (int x = x0; x <= x1 && x < w; x++)
            seen[x] = 1;
    }
}

void cv_strip__draw(cv_canvas *c, int x, int y, const cv_axis *a, const cv_model *m, int side,
                    const struct cv_glyphs *g)
{
    int w = a->w < STRIP_MAX ? a->w : STRIP_MAX;
    unsigned short count[STRIP_MAX] = {0};
    unsigned char seen[STRIP_MAX];
    int most = 0;
    for (int lane = 0; lane < m->nlanes; lane++) {
        const cv_mlane *l = cv_model_lane(m, lane);
        if (l == NULL || l->nfuts == 0 ||
            !(side == CV_ALL_SIDES || cv_pane_of_side(l->side) == side))
            continue;
        for (int i = 0; i < w; i++)
            seen[i] = 0;
        mark_lane(a, m, l, w, seen);
        for (int i = 0; i < w; i++)
            count[i] = (unsigned short)(count[i] + seen[i]);
    }
    for (int i = 0; i < w; i++)
        most = count[i] > most ? count[i] : most;
    cv_canvas__printf(c, x, y, a->x0 - 1, CV_ST_DIM, "run %d", most);
    for (int i = 0; i < w && most > 0; i++) {
        /* The lowest step shows any count above none: one running future
         * in thirty is not nothing. */
        int lv = count[i] == 0 ? 0 : 1 + (count[i] - 1) * 6 / (most > 1 ? most - 1 : 1);
        if (lv > 0)
            cv_canvas__put(c, a->x0 + i, y, g->level[lv], CV_ST_RUNNING);
    }
}
