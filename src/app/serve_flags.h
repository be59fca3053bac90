/*
 * `concviz serve-flags`: the flag server on its own, in the foreground, for
 * pointing the book's own Python scripts (or curl) at it.  A separate file
 * from flagserver.c because this is the command-line edge: options, words
 * for errors, exit statuses and signals live here, not in the server.
 */
#ifndef CV_SERVE_FLAGS_H
#define CV_SERVE_FLAGS_H

/* argv holds the arguments after "serve-flags".  Serves until SIGINT or
 * SIGTERM and returns the exit status: 0 after a clean stop or --help,
 * 2 for bad input (one line on stderr), 1 if the server cannot start. */
int cv_serve_flags_main(int argc, char **argv);

#endif
