/*
 * The entry points of the ncurses front end.  The UI reads a run's event
 * log up to a playhead and never calls into the runtime, except to start a
 * scenario again (restart).
 */
#ifndef CV_UI_H
#define CV_UI_H

#include <stdbool.h>

#include "log.h"
#include "opts.h"
#include "run.h"
#include "trace.h"
#include "trace_marks.h"

typedef struct cv_ui_config {
    const cv_scenario *scenario; /* NULL when replaying */
    const cv_opts *opts;         /* the scenario's options (NULL: replay) */
    double speed;
    const char *args;            /* the options as text, for the header */
    cv_log *replay;              /* a log read from a trace; NULL: live run */
    const char *replay_path;
    /* The rest of the trace still being read into `replay` (NULL: all of
     * it is there): the screen shows the events as they come, and says so
     * if the reader refuses a line on the way. */
    cv_trace_loader *replay_loader;
    const char *trace_path;      /* --trace FILE, or NULL */
    const char *marks_path;      /* --marks FILE: new marks are saved there; NULL: kept in memory */
    const cv_marks *marks;       /* marks loaded from it (NULL: none) */
    bool paused;                 /* --paused: open paused at the first event */
    bool no_intro;               /* --no-intro: no lesson card opens by itself */
    bool ascii;                  /* --ascii: no Unicode glyphs */
    bool source;                 /* --source: open with the source pane shown */
    bool color;                  /* false for --no-color or a non-empty NO_COLOR */
    int theme;                   /* --theme: enum cv_theme_id, 0 dark */
    bool present;                /* --present: presenter mode (ui/views/present.c) */
} cv_ui_config;

/* Runs the interactive UI until the user quits.  Returns the exit status
 * (0 for q).  The terminal is restored on every way out. */
int cv_ui_main(const cv_ui_config *cfg);

#endif
