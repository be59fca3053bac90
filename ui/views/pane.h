/*
 * A pane is a descriptor, like one of htop's meter classes: its name, the
 * rows it needs and wants, when it gets them, whether it applies to this
 * run, and how it draws.  Each pane's file defines its descriptor
 * (cv_pane__NAME) and keeps everything else static; panes.c lists them in
 * screen order, top to bottom; the layout (layout.h) turns the panes that
 * apply into rectangles, and cv_render draws them.  Adding a pane is one
 * file and one line in panes.c.
 *
 * Where a pane goes:
 *   CV_PANE_EDGE  on every screen, across its whole width (header, keys)
 *   CV_PANE_BODY  on a one-sided screen (loiter, flags)
 *   CV_PANE_SIDE  in each of the two columns of a two-sided screen (the
 *                 spinner), drawn once per side with that side's number
 *
 * How rows are shared: panes get their rows in `priority` order (lower
 * first; equal ones top to bottom), each the rows it wants (`rows`, or
 * min_rows), at most `share` percent of the rows still free at its turn,
 * always leaving the minimum of the panes still to come; a `fill` pane takes
 * every row still free.  A pane that cannot get min_rows is left out.
 */
#ifndef CV_UI_PANE_H
#define CV_UI_PANE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canvas.h"
#include "model.h"
#include "render.h"

typedef struct cv_rect {
    int x, y, w, h;
} cv_rect;

/* What the last event touched, so that panes can point at it. */
typedef struct cv_focus {
    size_t event;       /* index of the last applied event, or CV_NONE */
    int lane;           /* -1: none */
    uint64_t future;    /* 0: none */
    bool console;       /* the last event is a console line */
} cv_focus;

/* What the playhead's event touched (render.c). */
void cv_render__focus(const cv_model *m, cv_focus *f);

/* The side a pane draws: a CV_SIDE_* on a two-sided screen, else this. */
#define CV_ALL_SIDES (-1)

enum cv_pane_where { CV_PANE_EDGE, CV_PANE_BODY, CV_PANE_SIDE };

typedef struct cv_pane {
    const char *name;
    int where;        /* enum cv_pane_where */
    int priority;     /* lower gets its rows first */
    int min_rows;     /* fewer, and the pane is left out */
    int share;        /* percent of the free rows it may take; 0: any */
    bool fill;        /* takes every row left */
    bool beside;      /* wide screens: right of the pane above, same rows */
    /* Whether the pane shows for this model; NULL: always. */
    bool (*applies)(const cv_model *m, int side);
    /* The rows it would like; NULL: min_rows. */
    int (*rows)(const cv_model *m, int side);
    void (*draw)(cv_canvas *c, cv_rect r, const cv_model *m, const cv_render_opts *o,
                 const cv_focus *f, int side);
    /* Presenter mode (cv_view.present): the rows it would like instead
     * (NULL: as rows), the share instead (0: as share), and whether it
     * takes every row left; `toggle` (enum cv_pane_toggle) names the key
     * that shows it there, where it is hidden by default. */
    int (*present_rows)(const cv_model *m, int side);
    int present_share;
    bool present_fill;
    int toggle;
} cv_pane;

/* The panes that presenter mode hides until a key shows them, and that
 * the same key hides on a usual screen. */
enum cv_pane_toggle { CV_TOGGLE_NONE, CV_TOGGLE_TABLE, CV_TOGGLE_CONSOLE };

/* Whether the view shows pane p (present.c); a NULL view is the default. */
bool cv_present__shows(const cv_pane *p, const cv_view *v);
/* Whether the view is in presenter mode. */
static inline bool cv_present__on(const cv_view *v)
{
    return v != NULL && v->present;
}

/* The registry, in screen order, NULL-terminated (panes.c); the same
 * with the panes shown only on request (the source pane). */
extern const cv_pane *const cv_pane__registry[];
extern const cv_pane *const cv_pane__registry_source[];

/* ---- shared by panes ---------------------------------------------------- */

/* "1.05s" in demo time (real ns x speed), into buf. */
const char *cv_render__fmt_demo(int64_t t_ns, double speed, char *buf, size_t len);

/* A timeline: columns [x0, x0 + w) show times [0, span]. */
/* The time axis: columns [x0, x0 + w) show [t0, t0 + span].  In event
 * order (log != NULL) column x0 + k shows event e0 + k instead, and a
 * time maps to the column of the first event at or after it. */
typedef struct cv_axis {
    int x0, w;
    int64_t t0, span, now;
    const cv_log *log;
    size_t e0, nev;
} cv_axis;

/* The column of time t on the axis, clamped to it (axis.c). */
int cv_lanes__axis_col(const cv_axis *a, int64_t t);
/* The axis for a pane whose x0 and w are set: from the playhead, the view
 * and the default span in o. */
void cv_axis__make(cv_axis *a, const cv_model *m, const cv_render_opts *o);
/* The axis row at y: ticks in demo time, or event numbers, and the
 * playhead's mark. */
void cv_axis__draw(cv_canvas *c, int y, const cv_axis *a, const cv_render_opts *o);
/* A time-ordered list (timeline.c): t0(list, i) is when element i
 * starts, never before element i - 1. */
typedef int64_t (*cv_start_fn)(const void *list, size_t i);
/* How many of the n elements start at or before t. */
size_t cv_timeline__upto(const void *list, size_t n, cv_start_fn t0, int64_t t);
/* The last of elements [i, n) that starts in the column element i starts
 * in: of a sequential list, the one a row shows there (timeline.c). */
size_t cv_timeline__last_in_column(const cv_axis *a, const void *list, size_t i, size_t n,
                                   cv_start_fn t0);
/* The start of a span, of a slice. */
int64_t cv_timeline__span_t0(const void *spans, size_t i);
int64_t cv_timeline__slice_t0(const void *slices, size_t i);

/* One lane's row on the axis (view_lanes.c): its thread, frames, slices,
 * bars and waits, and the playhead's column if asked. */
void cv_lanes__draw_row(cv_canvas *c, int y, const cv_axis *a, const cv_model *m, int lane,
                        const cv_render_opts *o, const cv_focus *f, bool playhead);
/* An event loop's row: its polling, then the slices its tasks ran in. */
void cv_slices__draw(cv_canvas *c, int y, const cv_axis *a, const cv_model *m, const cv_mlane *l,
                     const cv_render_opts *o, const cv_focus *f);
/* The first future (index) the table shows in h rows (view_table.c): the
 * pinned top, clamped, or a window around what the playhead's event names. */
size_t cv_table__start(const cv_model *m, const cv_view *v, const cv_focus *f, int h);
/* The first console line shown of n in h rows: the pinned top, clamped, or
 * the newest lines (view_console.c). */
size_t cv_console__start(const cv_view *v, size_t n, int h);
/* The first of the `n` lanes of a lanes pane shown in h rows: the pinned
 * top, clamped, or a window that holds the playhead's lane (`hot`, a row
 * number among them, -1: none) (view_nav.c). */
int cv_lanes__start(const cv_view *v, int n, int hot, int h);
/* Whether a lanes pane of h rows is compact, with the concurrency strip
 * in its second row (view_lanes.c). */
bool cv_lanes__compact(const cv_model *m, const cv_view *v, int side, int h);
/* The rows each lane of a lanes pane of h rows takes: 1, or in presenter
 * mode 2 or 3 where they fit (view_lanes.c). */
int cv_lanes__tall(const cv_model *m, const cv_view *v, int side, int h);
/* The lesson card over the screen, when the options carry one
 * (view_lesson.c). */
void cv_lesson__draw(cv_canvas *c, const cv_render_opts *o);

/* The card over the screen, when the view has one open (view_card.c). */
void cv_card__draw(cv_canvas *c, const cv_model *m, const cv_render_opts *o);
struct cv_glyphs;
/* view_strip.c: over compact lanes, how many futures run in each
 * column; its label ("run 8": the most at once) left of the axis. */
void cv_strip__draw(cv_canvas *c, int x, int y, const cv_axis *a, const cv_model *m, int side,
                    const struct cv_glyphs *g);
/* The help box over the whole screen (not a pane: it covers them). */
void cv_help__draw(cv_canvas *c, const cv_render_opts *o);
/* Whether the help box needs two pages (keys, then legend) on `rows`. */
bool cv_help__paged(int rows, bool replay);
/* The caption history box (c), likewise over the whole screen. */
void cv_history__draw(cv_canvas *c, const cv_render_opts *o);

#endif
