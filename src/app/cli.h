/*
 * The command line as data: the commands, the option tables that main.c,
 * replay and serve-flags parse with, and the keys of the UI.  `--help`, the
 * man page and the bash completion are all printed from these tables (the
 * scenarios' own options come from the registry), so that the three cannot
 * tell different stories.
 */
#ifndef CV_CLI_H
#define CV_CLI_H

#include "opts.h"

/* One line of the usage: "concviz " + synopsis, and what it does. */
typedef struct cv_cli_command {
    const char *synopsis; /* after "concviz ": "list", "replay FILE" */
    const char *what;     /* NULL: the line says it all */
} cv_cli_command;

/* A key of the UI and what it does, for the man page. */
typedef struct cv_cli_key {
    const char *keys;
    const char *what;
} cv_cli_key;

/* Each NULL-terminated (a NULL synopsis, name or keys ends the table). */
extern const cv_cli_command cv_cli_commands[];
extern const cv_opt_spec cv_cli_common_options[];  /* every scenario takes these */
extern const cv_opt_spec cv_cli_replay_options[];  /* concviz replay FILE */
extern const cv_opt_spec cv_cli_run_options[];     /* concviz run -- PROGRAM ARGS... */
extern const cv_opt_spec cv_cli_export_options[];  /* concviz export TRACE --to F OUT */
extern const cv_opt_spec cv_cli_serve_options[];   /* concviz serve-flags */
extern const cv_cli_key cv_cli_keys[];

/* The exit status of bad input: an unknown name, a bad value. */
#define CV_EXIT_USAGE 2

/* Prints the usage: "usage: concviz ..." and the other commands, one a
 * line, then where a scenario's options are. */
void cv_cli_print_usage(void *file);

#endif
