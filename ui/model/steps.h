/*
 * Steps by meaning: which events change what a viewer reads, and where the
 * next or previous such event is.  Plumbing (a thread flipping busy/idle,
 * a turn or a poll of the event loop, a task yielding with sleep(0) and
 * resuming) folds into the step it leads to, so → lands just after the next
 * meaningful event (its caption explains it) and ← on the previous one.
 *
 * The classifier is a pure function of the log: it reads the event and, for
 * a task's wake-up or resumption, looks back a bounded window for the await
 * it ends.  A step therefore costs the events it skips and no more.
 */
#ifndef CV_UI_STEPS_H
#define CV_UI_STEPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* Which events are plumbing, one bit each, classified once: the log only
 * grows and the classifier looks only back, so a bit never changes.  With
 * it a step skips 64 plumbing events at a time; a million events take
 * 125 KB. */
typedef struct cv_steps_index {
    const cv_log *log;
    uint64_t *plumbing; /* bit i: event i is plumbing */
    size_t n, cap;      /* events classified; words allocated */
} cv_steps_index;

/* Classifies the events added since the last call.  Returns 0 or -1
 * without memory (the index stays true of what it holds). */
int cv_steps_index_update(cv_steps_index *x, const cv_log *log);
/* Forgets everything (a new log, after a restart). */
void cv_steps_index_free(cv_steps_index *x);

/* What counts as a step: every event (raw), or the meaningful ones, within
 * a lane, a future or task, a side, or a kind.  All zero but .lane = -1:
 * every meaningful event. */
typedef struct cv_step_filter {
    bool every;      /* raw steps: plumbing counts too */
    int lane;        /* >= 0: only events of this lane; -1: any lane */
    uint64_t future; /* != 0: only events of this future or task */
    int side;        /* CV_SIDE_THREAD or _TASK: only that side; 0: either */
    int kind;        /* != 0: only events of this kind (CV_EV_FRAME for f) */
    /* Lanes' sides for .side, read from a model (NULL: events' own side
     * only). */
    const cv_model *lanes;
    /* The classified events of the log, or NULL: the classifier runs on
     * each event a step passes. */
    const cv_steps_index *index;
} cv_step_filter;

/* Whether event `index` changes nothing a viewer reads on its own. */
bool cv_steps_plumbing(const cv_log *log, size_t index);

/* The playhead position (events shown: [0, pos)) after a step forward from
 * pos: just after the next event at or after pos that the filter takes.
 * With none, a plain step goes to the log's end (the trailing plumbing)
 * and a narrowed one (lane, future, side, kind) returns pos unchanged. */
size_t cv_steps_next(const cv_log *log, size_t pos, const cv_step_filter *f);
/* After a step back: on the last event before pos - 1 the filter takes.
 * With none, a plain step goes to the first event (pos 1) and a narrowed
 * one returns pos unchanged. */
size_t cv_steps_prev(const cv_log *log, size_t pos, const cv_step_filter *f);
/* Whether the filter takes event `index`. */
bool cv_steps_takes(const cv_log *log, size_t index, const cv_step_filter *f);

/* Default filter: every meaningful event. */
#define CV_STEP_ALL ((cv_step_filter){.lane = -1})

#endif
