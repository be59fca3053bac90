/*
 * The tables of cli.h.  A new common option, a new serve-flags option or a
 * new command goes here once; the parser, --help, the man page and the
 * bash completion all pick it up.
 */
#include "cli.h"

#include "log.h" /* CV_MAX_SPEED */

#include <stdio.h>

const cv_cli_command cv_cli_commands[] = {
    {"SCENARIO [options]", "run a scenario (the UI on a terminal)"},
    {"list", "list the scenarios"},
    {"run [options] -- PROGRAM ARGS...", "watch a program of yours (python3 SCRIPT ...) through "
                                         "the probe it loads; concviz exits with its status"},
    {"replay FILE", "open a trace written by --trace (.jsonl or .jsonl.zst)"},
    {"export TRACE --to FORMAT OUT", "write a trace for other tools: perfetto, Chrome trace-event JSON "
                                     "(ui.perfetto.dev, chrome://tracing); cast, an asciicast v2 recording "
                                     "of the UI playing it (asciinema play)"},
    {"serve-flags [options]", "serve the flag images over HTTP"},
    {"--help | --version", NULL},
    {NULL, NULL},
};

/* The --theme names; ui/views/theme.c has the tables in this order. */
static const char *const themes[] = {"dark", "light", "high-contrast", NULL};

const cv_opt_spec cv_cli_common_options[] = {
    {.name = "headless", .quiet = true, .type = CV_OPT_FLAG,
     .help = "print the console output instead of opening the UI (automatic when stdout is not a terminal)"},
    {.name = "trace", .quiet = true, .type = CV_OPT_STR, .metavar = "FILE",
     .help = "write every event to FILE as JSON Lines, compressed with zstd when FILE ends in .zst"},
    {.name = "speed", .type = CV_OPT_NUM, .min = 0, .min_exclusive = true, .max = CV_MAX_SPEED,
     .def = "1", .metavar = "F", .help = "run F times faster: every demo sleep is divided by F"},
    {.name = "lossy", .type = CV_OPT_FLAG,
     .help = "drop events when a thread's ring is full instead of making it wait (drops are counted)"},
    {.name = "marks", .quiet = true, .type = CV_OPT_STR, .metavar = "FILE",
     .help = "load bookmarks from FILE and save new ones (m) there; a live run places them by demo time"},
    {.name = "paused", .quiet = true, .type = CV_OPT_FLAG, .help = "open the UI paused at the first event"},
    {.name = "no-intro", .quiet = true, .type = CV_OPT_FLAG,
     .help = "open no lesson card by itself (the first card, the end card; i still shows them)"},
    {.name = "ascii", .quiet = true, .type = CV_OPT_FLAG, .help = "draw with ASCII only, for terminals without Unicode"},
    {.name = "source", .quiet = true, .type = CV_OPT_FLAG,
     .help = "open with the source pane: the Python listing, each lane's line marked (s toggles it)"},
    {.name = "no-color", .quiet = true, .type = CV_OPT_FLAG, .help = "no colours (also when NO_COLOR is set and not empty)"},
    {.name = "theme", .quiet = true, .type = CV_OPT_STR, .choices = themes, .def = "dark", .metavar = "NAME",
     .help = "colours for a dark or light terminal, or high-contrast for a projector"},
    {.name = "present", .quiet = true, .type = CV_OPT_FLAG,
     .help = "presenter mode: tall lanes, a big clock, a two-line caption; T and C show the table and console"},
    {.name = "screenshot", .quiet = true, .type = CV_OPT_STR, .metavar = "FILE",
     .help = "run headless and write the screen at --at to FILE (.txt or .svg)"},
    {.name = "at", .quiet = true, .type = CV_OPT_NUM, .min = 0, .max = 86400, .metavar = "SECONDS",
     .help = "with --screenshot: the playhead, in demo seconds (the header's clock)"},
    {.name = "size", .quiet = true, .type = CV_OPT_STR, .def = "120x40", .metavar = "COLSxROWS",
     .help = "with --screenshot: the screen size"},
    {.name = "help", .quiet = true, .short_name = 'h', .type = CV_OPT_FLAG, .help = "this help"},
    {0},
};

static const char *const export_formats[] = {"perfetto", "cast", NULL};

/* The options after --to cast; main.c refuses them with perfetto. */
const cv_opt_spec cv_cli_export_options[] = {
    {.name = "to", .type = CV_OPT_STR, .choices = export_formats, .metavar = "FORMAT",
     .help = "perfetto: Chrome trace-event JSON, which ui.perfetto.dev and chrome://tracing open; "
             "cast: an asciicast v2 recording of the UI playing the run, which asciinema plays"},
    {.name = "size", .type = CV_OPT_STR, .def = "120x40", .metavar = "COLSxROWS",
     .help = "with --to cast: the recording's terminal size"},
    {.name = "speed", .type = CV_OPT_NUM, .min = 0.05, .max = 1000, .def = "1", .metavar = "F",
     .help = "with --to cast: play F times faster than the demo's own pace"},
    {.name = "pause", .type = CV_OPT_NUM, .min = 0, .max = 600, .def = "2", .metavar = "S",
     .help = "with --to cast: each bookmark holds its frame for S seconds"},
    {.name = "marks", .type = CV_OPT_STR, .metavar = "FILE",
     .help = "with --to cast: bookmarks from FILE (a replay's --marks) join the trace's own"},
    {.name = "theme", .type = CV_OPT_STR, .choices = themes, .def = "dark", .metavar = "NAME",
     .help = "with --to cast: colours for a dark or light player, or high-contrast"},
    {.name = "ascii", .type = CV_OPT_FLAG, .help = "with --to cast: draw with ASCII only"},
    {.name = "no-color", .type = CV_OPT_FLAG,
     .help = "with --to cast: no colours (also when NO_COLOR is set and not empty)"},
    {.name = "help", .short_name = 'h', .type = CV_OPT_FLAG, .help = "this help"},
    {0},
};

/* concviz run [options] -- PROGRAM ARGS...: a scenario's options where
 * they make sense for a program of the user's (no --speed: its time is
 * its own; no --lossy: it has no rings). */
const cv_opt_spec cv_cli_run_options[] = {
    {.name = "headless", .type = CV_OPT_FLAG,
     .help = "no UI: the program's input and output stay the terminal's, concviz prints nothing "
             "(automatic when stdout is not a terminal)"},
    {.name = "trace", .type = CV_OPT_STR, .metavar = "FILE",
     .help = "write every event to FILE as JSON Lines, compressed with zstd when FILE ends in .zst"},
    {.name = "marks", .type = CV_OPT_STR, .metavar = "FILE",
     .help = "load bookmarks from FILE and save new ones (m) there"},
    {.name = "paused", .type = CV_OPT_FLAG, .help = "open the UI paused at the first event"},
    {.name = "ascii", .type = CV_OPT_FLAG, .help = "draw with ASCII only, for terminals without Unicode"},
    {.name = "no-color", .type = CV_OPT_FLAG, .help = "no colours (also when NO_COLOR is set and not empty)"},
    {.name = "theme", .type = CV_OPT_STR, .choices = themes, .def = "dark", .metavar = "NAME",
     .help = "colours for a dark or light terminal, or high-contrast for a projector"},
    {.name = "present", .type = CV_OPT_FLAG,
     .help = "presenter mode: tall lanes, a big clock, a two-line caption; T and C show the table and console"},
    {.name = "help", .short_name = 'h', .type = CV_OPT_FLAG, .help = "this help"},
    {0},
};

const cv_opt_spec cv_cli_replay_options[] = {
    {.name = "marks", .type = CV_OPT_STR, .metavar = "FILE",
     .help = "load bookmarks from FILE (the replay opens at the first) and save new ones there"},
    {.name = "ascii", .type = CV_OPT_FLAG, .help = "draw with ASCII only"},
    {.name = "source", .type = CV_OPT_FLAG,
     .help = "open with the source pane: the Python listing, each lane's line marked (s toggles it)"},
    {.name = "no-color", .type = CV_OPT_FLAG, .help = "no colours (also when NO_COLOR is set and not empty)"},
    {.name = "theme", .type = CV_OPT_STR, .choices = themes, .def = "dark", .metavar = "NAME",
     .help = "colours for a dark or light terminal, or high-contrast for a projector"},
    {.name = "present", .type = CV_OPT_FLAG,
     .help = "presenter mode: tall lanes, a big clock, a two-line caption; T and C show the table and console"},
    {.name = "no-intro", .type = CV_OPT_FLAG,
     .help = "open no lesson card by itself (the first card, the end card; i still shows them)"},
    {.name = "screenshot", .type = CV_OPT_STR, .metavar = "FILE",
     .help = "write the screen at --at to FILE (.txt or .svg) instead of opening the UI"},
    {.name = "at", .type = CV_OPT_NUM, .min = 0, .max = 86400, .metavar = "SECONDS",
     .help = "with --screenshot: the playhead, in demo seconds (the header's clock)"},
    {.name = "size", .type = CV_OPT_STR, .def = "120x40", .metavar = "COLSxROWS",
     .help = "with --screenshot: the screen size"},
    {.name = "help", .short_name = 'h', .type = CV_OPT_FLAG, .help = "this help"},
    {0},
};

const cv_opt_spec cv_cli_serve_options[] = {
    {.name = "port", .short_name = 'p', .type = CV_OPT_INT, .min = 0, .max = 65535, .def = "8000",
     .metavar = "N", .help = "port to listen on; 0 picks a free one"},
    {.name = "bind", .short_name = 'b', .type = CV_OPT_STR, .def = "127.0.0.1", .metavar = "ADDR",
     .help = "address to listen on; 0.0.0.0 listens on every IPv4 address"},
    {.name = "delay", .short_name = 'd', .type = CV_OPT_STR, .def = "0", .metavar = "MIN[:MAX]",
     .help = "seconds each request waits, drawn uniformly from MIN to MAX"},
    {.name = "error-rate", .short_name = 'e', .type = CV_OPT_NUM, .min = 0, .max = 1, .def = "0",
     .metavar = "P", .help = "share of requests answered 418 I'm a Teapot"},
    {.name = "seed", .type = CV_OPT_INT, .min = 0, .max = 9007199254740991.0, .metavar = "N",
     .help = "seed for the delays and errors (default: from the clock)"},
    {.name = "help", .short_name = 'h', .type = CV_OPT_FLAG, .help = "this help"},
    {0},
};

/* The README's "In the UI" and the help box (ui/views/view_help.c) say the
 * same; the UI's own tables live with the views, below this layer. */
const cv_cli_key cv_cli_keys[] = {
    {"space", "pause, or play from here (a live run keeps recording)"},
    {"Right, n", "next step: the next event that changes the screen"},
    {"Left, p", "previous step"},
    {"e", "steps go through every event, or (again) by meaning"},
    {"], [", "next or previous step of the selected lane, task or side"},
    {"f, F", "next or previous spinner frame"},
    {"., ,", "forward or back by an interval of demo time (t sets it)"},
    {"c", "caption history: past steps' captions; Enter goes there"},
    {"Home", "first event"},
    {"End", "back to live, or to the last event of a replay"},
    {"+, -", "playback rate when not live"},
    {"m", "mark the playhead, with a short text (--marks FILE keeps marks)"},
    {"', \"", "next mark, previous mark"},
    {"T, C", "show or hide the table, the console (hidden in presenter mode)"},
    {"r", "restart the scenario (live runs)"},
    {"?", "help and legend"},
    {"i", "the lesson card: what the run shows, or (run over) what it showed"},
    {"q, Ctrl-C", "quit"},
    {NULL, NULL},
};

void cv_cli_print_usage(void *file)
{
    FILE *out = file;
    for (const cv_cli_command *c = cv_cli_commands; c->synopsis != NULL; c++) {
        char line[64];
        snprintf(line, sizeof line, "concviz %s", c->synopsis);
        const char *lead = c == cv_cli_commands ? "usage: " : "       ";
        if (c->what != NULL)
            fprintf(out, "%s%-30s %s\n", lead, line, c->what);
        else
            fprintf(out, "%s%s\n", lead, line);
    }
    fprintf(out, "Run 'concviz SCENARIO --help' for a scenario's options.\n");
}
