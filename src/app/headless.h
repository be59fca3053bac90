/*
 * Headless mode: follow a run's log as it grows, print its console lines
 * the way the Python scripts do (with a [HH:MM:SS.mmm] stamp), and stream
 * every event to a trace if asked.  Used when stdout is not a terminal.
 */
#ifndef CV_HEADLESS_H
#define CV_HEADLESS_H

#include <signal.h>
#include <stdio.h>

#include "run.h"


/* Prints a whole log (a replayed trace) as headless mode printed it live. */
void cv_headless_print_log(cv_log *log, FILE *out);

/* Follows `run` until it ends, printing console lines to `out` and writing
 * every event to `trace` (may be NULL).  If *interrupt becomes non-zero the
 * run is asked to stop.  Joins the run; returns its status (0 or 1), or
 * CV_EIO if the trace could not be written. */
int cv_headless_follow(cv_run *run, FILE *out, FILE *trace, volatile sig_atomic_t *interrupt);

#endif
