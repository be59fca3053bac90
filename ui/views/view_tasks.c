/*
 * The tasks in flight: the part of an event loop's story the lane cannot
 * show, because a suspended task does not run anywhere.  On one row it is
 * a census grouped by what the tasks await ("in flight: 5 awaiting
 * download, 14 awaiting semaphore, supervisor awaits as_completed"), which
 * stays one line with 676 downloads; with more rows it is a list, a task a
 * row with its state and what it awaits, the one the last event concerns
 * marked.  Both are computed on the fly from the live tasks: there are at
 * most a few thousand and a frame reads each once.
 */
#include <stdio.h>
#include <string.h>

#include "pane.h"
#include "theme.h"

#define MAX_GROUPS 8
#define MAX_SIDE_TASKS 5

typedef struct group {
    unsigned tstate;
    const char *awaits;
    size_t count;
    const cv_mfuture *first;
} group;

static bool live(const cv_mfuture *f)
{
    return f->task && f->state == CV_RUNNING;
}

static bool same(const char *a, const char *b)
{
    return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* "awaiting download", "ready to run", ... for a group of `count`. */
static const char *doing(unsigned tstate, bool one)
{
    switch (tstate) {
    case CV_TASK_RUNNING: return "running";
    case CV_TASK_SUSPENDED: return one ? "awaits" : "awaiting";
    case CV_TASK_SCHEDULED: return "ready to run";
    default: return one ? "created, scheduled" : "created";
    }
}

static size_t census(const cv_model *m, group *gs, size_t *others)
{
    size_t n = 0;
    *others = 0;
    for (size_t i = 0; i < m->nfuts; i++) {
        const cv_mfuture *f = &m->futs[i];
        if (!live(f))
            continue;
        const char *aw = f->tstate == CV_TASK_SUSPENDED ? f->awaits : NULL;
        size_t k = 0;
        while (k < n && !(gs[k].tstate == f->tstate && same(gs[k].awaits, aw)))
            k++;
        if (k == n && n == MAX_GROUPS) {
            (*others)++;
            continue;
        }
        if (k == n)
            gs[n++] = (group){.tstate = f->tstate, .awaits = aw, .first = f};
        gs[k].count++;
    }
    return n;
}

static void one_row(cv_canvas *c, cv_rect r, const cv_model *m)
{
    group gs[MAX_GROUPS];
    size_t others, live_n = m->ntasks - m->ntasks_done;
    size_t n = census(m, gs, &others);
    int end = r.x + r.w;
    int x = cv_canvas__printf(c, r.x, r.y, end, CV_ST_TITLE, "tasks %zu", m->ntasks);
    x = r.x + 10 > x + 1 ? r.x + 10 : x + 1;
    if (live_n == 0) {
        cv_canvas__printf(c, x, r.y, end, CV_ST_DIM, "none in flight: all %zu done", m->ntasks_done);
        return;
    }
    x = cv_canvas__printf(c, x, r.y, end, CV_ST_NORMAL, "in flight %zu:", live_n);
    for (size_t k = 0; k < n; k++) {
        const group *gp = &gs[k];
        char lb[64], text[160];
        int st = gp->tstate == CV_TASK_SUSPENDED ? CV_ST_SUSPENDED : CV_ST_RUNNING;
        if (gp->count == 1)
            snprintf(text, sizeof text, "%s %s%s%s", cv_model_label(gp->first, lb, sizeof lb),
                     doing(gp->tstate, true), gp->awaits ? " " : "", gp->awaits ? gp->awaits : "");
        else
            snprintf(text, sizeof text, "%zu %s%s%s", gp->count, doing(gp->tstate, false),
                     gp->awaits ? " " : "", gp->awaits ? gp->awaits : "");
        x = cv_canvas__text(c, x + 1, r.y, end, st, text);
        if (k + 1 < n)
            x = cv_canvas__text(c, x, r.y, end, CV_ST_NORMAL, ",");
    }
    if (others > 0)
        x = cv_canvas__printf(c, x, r.y, end, CV_ST_NORMAL, ", %zu more", others);
    if (m->ntasks_done > 0)
        cv_canvas__printf(c, x, r.y, end, CV_ST_DIM, "; %zu done", m->ntasks_done);
}

static void list(cv_canvas *c, cv_rect r, const cv_model *m, const cv_render_opts *o,
                 const cv_focus *f)
{
    const cv_glyphs *g = cv_theme__glyphs(o->ascii);
    int end = r.x + r.w;
    size_t live_n = m->ntasks - m->ntasks_done;
    cv_canvas__printf(c, r.x, r.y, end, CV_ST_TITLE, "in flight %zu", live_n);
    if (m->ntasks_done > 0)
        cv_canvas__printf(c, r.x + 14, r.y, end, CV_ST_DIM, "%zu done", m->ntasks_done);
    int y = r.y + 1;
    size_t shown = 0;
    for (size_t i = 0; i < m->nfuts && y < r.y + r.h; i++) {
        const cv_mfuture *t = &m->futs[i];
        if (!live(t))
            continue;
        if (y == r.y + r.h - 1 && live_n - shown > 1) {
            cv_canvas__printf(c, r.x + 2, y, end, CV_ST_DIM, "+%zu more", live_n - shown);
            break;
        }
        bool hot = f->future == t->id;
        bool susp = t->tstate == CV_TASK_SUSPENDED;
        int st = hot ? CV_ST_ROW_HOT : susp ? CV_ST_SUSPENDED : CV_ST_RUNNING;
        if (hot)
            cv_canvas__fill(c, r.x, y, r.w, ' ', st);
        cv_canvas__put(c, r.x, y, susp ? g->pending : g->run_head, st);
        char lb[64];
        int x = cv_canvas__text(c, r.x + 2, y, end, hot ? st : CV_ST_LANE,
                               cv_model_label(t, lb, sizeof lb));
        x = r.x + 14 > x + 1 ? r.x + 14 : x + 1;
        cv_canvas__printf(c, x, y, end, st, "%s%s%s", doing(t->tstate, true),
                         susp && t->awaits ? " " : "", susp && t->awaits ? t->awaits : "");
        y++, shown++;
    }
}

static void draw(cv_canvas *c, cv_rect r, const cv_model *m, const cv_render_opts *o,
                 const cv_focus *f, int side)
{
    (void)side;
    if (r.h <= 0 || r.w <= 0)
        return;
    if (r.h == 1)
        one_row(c, r, m);
    else
        list(c, r, m, o, f);
}

/* The queue's row tells the executor's story; once nothing is queued and
 * tasks exist, it tells the event loop's: what is in flight. */
static bool applies(const cv_model *m, int side)
{
    (void)side;
    return m->ntasks > 0 && m->npending == 0;
}

/* On the task side of a two-sided screen: the list, a row per live task. */
static bool side_applies(const cv_model *m, int side)
{
    return side == CV_SIDE_TASK && m->ntasks > 0;
}

static int side_rows(const cv_model *m, int side)
{
    (void)side;
    size_t live_n = m->ntasks - m->ntasks_done;
    return 1 + (live_n > MAX_SIDE_TASKS ? MAX_SIDE_TASKS : (int)live_n);
}

const cv_pane cv_pane__tasks = {
    .name = "tasks", .where = CV_PANE_BODY, .min_rows = 1, .applies = applies, .draw = draw,
};

const cv_pane cv_pane__side_tasks = {
    .name = "side tasks", .where = CV_PANE_SIDE, .min_rows = 1, .applies = side_applies,
    .rows = side_rows, .draw = draw,
};
