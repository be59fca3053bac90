/*
 * concviz run -- PROGRAM ARGS...: a program of the user's (a Python
 * script), watched through the probe it loads (src/probe/) instead of a
 * scenario of ours.  To the UI and the headless printer it is a run like
 * any other (run.h), whose log is filled from the program's FIFO rather
 * than by a bus; main.c wires the command line to it.
 */
#ifndef CV_RUN_PROGRAM_H
#define CV_RUN_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>

#include "run.h"

/* The exit status of a program that cannot be run (as a shell says). */
#define CV_EXIT_NOT_FOUND 127

/* 0 if `program` names an executable file (a path with a '/', or found on
 * PATH); CV_EXIT_NOT_FOUND with a one-line message in err if not. */
int cv_program_check(const char *program, char *err, size_t errlen);

/* The pseudo-scenario "run" for argv (PROGRAM ARGS..., NULL-terminated,
 * living as long as the runs).  In headless mode the program inherits
 * stdin, stdout and stderr; otherwise its stdin is /dev/null and its
 * output, read through a pipe, becomes console lines on lane -1.  Every
 * run of the scenario (the UI's restart too) runs the program anew. */
const cv_scenario *cv_program_scenario(char **argv, bool headless);

/* How the last run of the program ended, as concviz's exit status: its
 * own status, 128 + N for signal N, 127 when it could not start, 1 when
 * concviz could not set it up; -1 if no run ended yet. */
int cv_program_exit_status(void);

/* The command line, for the trace header and the messages. */
const char *cv_program_command(void);

/* Sends sig to the running program, if any (async-signal-safe: for a
 * signal handler that passes a signal on). */
void cv_program_forward(int sig);

#endif
