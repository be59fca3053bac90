/*
 * The registry: every pane, one line each, in screen order, top to bottom.
 * The panes marked S are shown only when asked for (the source pane: s,
 * --source): they are in the second registry only, which cv_render uses
 * then.
 * Which of them show, and how many rows each gets, is the layout's work
 * (layout.c), from each pane's descriptor in its own file (pane.h says what
 * the fields mean).  To add a pane, write view_NAME.c defining
 * `const cv_pane cv_pane__NAME` and add X(NAME) on its line below; the list
 * both declares the descriptors and fills the table.
 */
#include "pane.h"

#define CV_PANES(X, S)                                                     \
    X(header)       /* what runs, the clock, the mode */                  \
    X(caption)      /* the last step in words */                          \
    X(lanes)        /* one row per thread, time running to the right */   \
    X(compare)      /* or, comparing, each way on its own axis */         \
    S(source)       /* the Python listing, each lane's line (s) */        \
    X(queue)        /* futures waiting for a worker */                    \
    X(tasks)        /* or, once none wait, the tasks in flight */         \
    X(table)        /* one row per future */                              \
    X(console)      /* the script's output */                             \
    X(side)         /* two-sided runs, in each column: the side's title */ \
    X(spinner)      /*   the side's big spinner */                        \
    X(side_lanes)   /*   the side's lanes */                              \
    X(side_tasks)   /*   the tasks in flight (task side) */               \
    X(side_console) /*   the side's output */                             \
    S(source_sides) /* two-sided runs: the listings, under the columns */ \
    X(keys)         /* the key line */

#define DECLARE(name) extern const cv_pane cv_pane__##name;
#define ENTRY(name) &cv_pane__##name,
#define SKIP(name)

CV_PANES(DECLARE, DECLARE)

const cv_pane *const cv_pane__registry[] = {CV_PANES(ENTRY, SKIP) NULL};
const cv_pane *const cv_pane__registry_source[] = {CV_PANES(ENTRY, ENTRY) NULL};
