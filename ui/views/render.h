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
#include "model.h"

/* The panes that Tab moves the focus between, and j/k scroll. */
/* CV_FOCUS_NONE: no pane shows the focus (screenshots that need a view). */
enum cv_view_focus { CV_FOCUS_NONE = -1, CV_FOCUS_LANES, CV_FOCUS_TABLE, CV_FOCUS_CONSOLE, CV_FOCUS_COUNT };

/* One row of the caption history: the event and its caption. */
typedef struct cv_history_row {
    size_t event;
    const char *text;
} cv_history_row;

/* What the user chose to see beyond the playhead (zoom, scroll, focus,
 * an open card...): kept by the front end across frames, read by the
 * panes.  All zero is the default view, which tests and screenshots use. */
typedef struct cv_view {
    int focus;                    /* enum cv_view_focus */
    /* A pane the user scrolled is pinned and shows rows from top[pane];
     * otherwise it follows the playhead, so what the caption names is on
     * screen.  A pane clamps top to its rows when it draws. */
    int top[CV_FOCUS_COUNT];
    bool pinned[CV_FOCUS_COUNT];
    /* The lane and the future (or task) the user selected, as lane + 1
     * and id; 0: none, and the playhead's event is the selection. */
    int sel_lane1;
    uint64_t sel_future;
    /* Marks (helper D): the text of the mark the playhead stands on, for
     * the header; NULL: none. */
    const char *mark;
    /* ---- focus, scroll, inspect (issue 12, point 4: nav.h) ---- */
    /* The future or task whose card is open over the screen; 0: none. */
    uint64_t card;
    /* Steps (helper A, issue 12 points 1 and 5): → and ← step through
     * every event instead of the meaningful ones. */
    bool every_event;
    /* The caption history (c), when open: the rows on screen, oldest
     * first, precomputed by the front end so that drawing stays pure;
     * hist_sel is the highlighted one; hist_first the first row's number
     * among hist_total captions before the playhead. */
    bool history;
    const cv_history_row *hist_rows;
    int hist_n, hist_sel;
    size_t hist_first, hist_total;
    /* Helper B, the timeline.  zoom: 0 fits the default span; each step
     * in halves the time shown, centred on the playhead.  pan: moves a
     * zoomed window by quarters of its width.  order: one column per
     * event instead of time.  compact: one short row per lane. */
    int zoom, pan;
    bool order, compact;
    /* Presenter mode (--present, issue 14 point 2; ui/views/present.c):
     * tall lanes, a big clock, a two-line caption on a band, the table
     * and console hidden.  It is here, not among the options, because it
     * changes the layout, and hit-testing (nav.h) sees the view, not the
     * options.  flip_table and flip_console (T and C) turn those panes
     * the other way from what the mode shows. */
    bool present, flip_table, flip_console;
} cv_view;

/* The most zoom steps in (2^-20 of the span) and the widest pan. */
#define CV_VIEW_ZOOM_MAX 20
#define CV_VIEW_PAN_MAX 4096

/* How many caption rows the history box shows on a screen of `rows`. */
static inline int cv_history_visible(int rows)
{
    int n = rows - 6;
    return n < 1 ? 1 : n > 64 ? 64 : n;
}

typedef struct cv_render_opts {
    bool ascii;
    bool help;          /* draw the help box over the screen */
    int help_page;      /* 0: the keys; 1: the legend (a small screen has two pages) */
    bool replay;        /* no restart key */
    int64_t now_ns;     /* the playhead's time: open bars end here */
    /* The default timeline shows [0, span_ns]; 0: fit to now.  The front
     * end derives it from the log and the mode, never from its history
     * (a paused or finished run fits its whole log, a live one "now"),
     * so a screen is the same however the playhead came to it. */
    int64_t span_ns;
    double speed;       /* the run's --speed: demo time = real time x speed */
    const char *mode;   /* "LIVE", "PAUSED", "PLAY 2x", ... */
    const char *args;   /* the scenario's options, for the header */
    const char *status; /* an error or notice for the header, or NULL */
    size_t total;       /* events in the log, for "event i/N" */
    bool paused;        /* the playhead stands still: space plays */
    const char *question; /* a y/n question for the key line ("quit? y/n"), or NULL */
    /* A line being typed at the key line: "go to: 12" and a hint. */
    const char *prompt, *prompt_text, *prompt_hint;
    const cv_view *view;  /* NULL: the default view */
    /* The lesson card over the screen (ui/model/lesson.c): its title,
     * then its lines, split by newlines; NULL: none. */
    const char *lesson;
    /* The source pane (view_source.c): the Python listing beside the
     * lanes, each lane's line marked; s toggles it, --source opens with it. */
    bool show_source;
} cv_render_opts;

void cv_render(cv_canvas *c, const cv_model *m, const cv_render_opts *o);

/* A round timeline span (1, 2 or 5 times a power of ten) at least t_ns. */
int64_t cv_nice_span(int64_t t_ns);


#endif
