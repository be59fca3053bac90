/*
 * The whole screen as a pure function: (model, options) -> canvas.  The
 * options carry what is not in the log: the playhead's time, the time span
 * the timeline shows, the mode for the header.  The terminal front end, the
 * screenshot writer and the tests all render through here.
 */
#ifndef CV_UI_RENDER_H
#define CV_UI_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canvas.h"
#include "layout.h"
#include "model.h"

typedef struct cv_render_opts {
    bool ascii;
    bool help;          /* draw the help box over the screen */
    bool replay;        /* no restart key */
    int64_t now_ns;     /* the playhead's time: open bars end here */
    int64_t span_ns;    /* the timeline shows [0, span_ns]; 0: fit to now */
    double speed;       /* the run's --speed: demo time = real time x speed */
    const char *mode;   /* "LIVE", "PAUSED", "PLAY 2x", ... */
    const char *args;   /* the scenario's options, for the header */
    const char *status; /* an error or notice for the header, or NULL */
    size_t total;       /* events in the log, for "event i/N" */
} cv_render_opts;

/* What the last event touched, so that views can point at it. */
typedef struct cv_focus {
    size_t event;       /* index of the last applied event, or CV_NONE */
    int lane;           /* -1: none */
    uint64_t future;    /* 0: none */
    bool console;       /* the last event is a console line */
} cv_focus;

void cv_render(cv_canvas *c, const cv_model *m, const cv_render_opts *o);

/* A round timeline span (1, 2 or 5 times a power of ten) at least t_ns. */
int64_t cv_nice_span(int64_t t_ns);
/* "1.05s" in demo time (real ns x speed), into buf. */
const char *cv_fmt_demo(int64_t t_ns, double speed, char *buf, size_t len);

/* A timeline: columns [x0, x0 + w) show times [0, span]. */
typedef struct cv_axis {
    int x0, w;
    int64_t span, now;
} cv_axis;

/* The column of time t on the axis, clamped to it. */
int cv_axis_col(const cv_axis *a, int64_t t);

/* Which lanes a lanes pane shows: all, or those of one pane of a
 * two-sided screen (see cv_pane_of_side). */
#define CV_ALL_SIDES (-1)

/* The panes, each drawing only inside its rectangle. */
void cv_view_lanes(cv_canvas *c, cv_rect r, int shown, const cv_model *m,
                   const cv_render_opts *o, const cv_focus *f, int side);
/* Lanes a lanes pane for `side` would show. */
int cv_lanes_count(const cv_model *m, int side);
/* An event loop's row: its polling, then the slices its tasks ran in. */
void cv_view_slices(cv_canvas *c, int y, const cv_axis *a, const cv_model *m,
                    const cv_mlane *l, const cv_render_opts *o, const cv_focus *f);
void cv_view_queue(cv_canvas *c, cv_rect r, const cv_model *m, const cv_render_opts *o);
/* The tasks in flight on one row ("in flight: 5 awaiting download, ..."),
 * or one row per task with what it awaits when rows > 1. */
void cv_view_tasks(cv_canvas *c, cv_rect r, const cv_model *m, const cv_render_opts *o,
                   const cv_focus *f);
/* A spinner: the big glyph of its side's latest frame and its story. */
void cv_view_spinner(cv_canvas *c, cv_rect r, const cv_model *m, const cv_render_opts *o,
                     int side);
/* The whole body of a two-sided screen: thread side left, task side right. */
void cv_view_split(cv_canvas *c, cv_rect r, const cv_model *m, const cv_render_opts *o,
                   const cv_focus *f);
void cv_view_table(cv_canvas *c, cv_rect r, const cv_model *m, const cv_render_opts *o,
                   const cv_focus *f);
/* The console: every line (side CV_ALL_SIDES) or one pane's lines. */
void cv_view_console(cv_canvas *c, cv_rect r, const cv_model *m, const cv_focus *f, int side);
void cv_view_help(cv_canvas *c, const cv_render_opts *o);

#endif
