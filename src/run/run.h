/*
 * A run is one execution of a scenario: its event log, its bus, and the
 * scenario's main thread (lane 0, "main").  The UI and the headless printer
 * only read the log; to restart, the UI stops the run and starts a new one.
 */
#ifndef CV_RUN_H
#define CV_RUN_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "bus.h"
#include "log.h"
#include "notice.h"
#include "opts.h"

typedef struct cv_run cv_run;

/* What a scenario is.  `run` executes on the run's main thread and returns
 * 0, or 1 after logging what went wrong: not a CV_E* code but an exit
 * status, which the command line passes on and the UI shows. */
typedef struct cv_scenario {
    const char *name;
    const char *summary;          /* one line, for `concviz list` */
    const cv_opt_spec *options;   /* its own options, NULL-name-terminated */
    size_t max_positional;        /* positional arguments it takes */
    const char *positional_usage; /* how they read in help: "[CC ...]" */
    /* Extra checks after parsing (positionals, combinations): 0, or
     * CV_EINVAL with a one-line message.  May be NULL. */
    int (*validate)(const cv_opts *opts, char *err, size_t errlen);
    int (*run)(cv_run *run);
    /* The run appends to its log itself, with no bus and no main-thread
     * events (concviz run: the events come from another process, already
     * timed and laned).  cv_run_start appends the header; the scenario
     * appends and publishes the rest from the run's thread, the log's only
     * writer, and publishes its own user-stop mark. */
    bool own_log;
} cv_scenario;

struct cv_run {
    const cv_scenario *scenario;
    const cv_opts *opts;
    cv_log *log;
    cv_bus *bus;
    double speed; /* every demo sleep is divided by it */
    int status;   /* what scenario->run returned */
    cv_notice stop; /* asked to stop: sleeps end at once */
    atomic_bool finished;
    atomic_bool stop_told; /* the user-stop mark is published (once) */
    pthread_t thread;
    bool started;
};

/* Starts `scenario` on a new main thread with a new log.  `args` describes
 * the options for the trace header.  NULL without memory or threads. */
cv_run *cv_run_start(const cv_scenario *scenario, const cv_opts *opts, double speed,
                     const char *args);
/* Waits for the scenario to return, then drains and closes the log. */
int cv_run_join(cv_run *run);
/* Asks the scenario to stop soon: sleeps return early. */
void cv_run_request_stop(cv_run *run);
bool cv_run_stopping(cv_run *run);
bool cv_run_finished(cv_run *run);
/* Joins the run (asking it to stop first) and frees it and its log. */
void cv_run_destroy(cv_run *run);

/* For scenario code.  Sleeps demo_seconds / speed; false if woken early
 * because the run is stopping. */
bool cv_run_sleep(cv_run *run, double demo_seconds);
/* Publishes a console line (printf-style) from the calling thread. */
void cv_run_log(cv_run *run, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same, for one side of a two-sided scenario (enum cv_side): the UI
 * shows it in that side's console. */
void cv_run_log_side(cv_run *run, int side, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The calling thread is where line `line` of listing `listing` of the
 * scenario's Python program would be executing (CV_LISTING_..., CV_LINE_...
 * from listing.h): the source pane shows it on the thread's lane. */
void cv_run_line(cv_run *run, int listing, int line);
/* The same for the event-loop task `task` (its cv_task_id) running on the
 * calling thread: the pane shows each task at its own line, so a task
 * suspended at an await stays there while others move. */
void cv_run_line_task(cv_run *run, int listing, int line, uint64_t task);

#endif
