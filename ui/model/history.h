/*
 * The caption history (issue 12, point 5): the captions of the meaningful
 * steps so far, with their event numbers, for the list `c` opens.
 *
 * A caption needs a model with its event applied, and the main model sits
 * at the playhead, so the history keeps a model of its own that only ever
 * moves forward: opening the list advances it to the playhead, captioning
 * each meaningful event on the way (the same cv_caption of the same model
 * state the caption line showed), and reopening costs only the events
 * added since.  Stepping back needs nothing: the list shows the entries
 * before the playhead.  Memory is bounded: a ring of the latest `cap`
 * captions, each cut at CV_HISTORY_TEXT bytes.
 */
#ifndef CV_UI_HISTORY_H
#define CV_UI_HISTORY_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

#define CV_HISTORY_TEXT 200

typedef struct cv_history_entry {
    size_t event; /* the log index the caption explains */
    char text[CV_HISTORY_TEXT];
} cv_history_entry;

typedef struct cv_history {
    cv_model model;         /* advanced forward only; upto: events captioned */
    cv_history_entry *ring; /* the latest cap captions, oldest at start */
    size_t cap, start, n;
    size_t dropped;         /* earlier captions the ring no longer holds */
} cv_history;

/* Returns 0 or -1 without memory. */
int cv_history_init(cv_history *h, const cv_log *log, size_t cap);
void cv_history_free(cv_history *h);
const cv_log *cv_history_log(const cv_history *h);
/* Captions the meaningful events before upto not yet captioned (nothing
 * if it got further already).  Returns 0 or -1 without memory. */
int cv_history_advance(cv_history *h, size_t upto);
/* How many held entries explain events before pos (the playhead's). */
size_t cv_history_before(const cv_history *h, size_t pos);
/* The i-th held entry, oldest first (i < h->n). */
const cv_history_entry *cv_history_at(const cv_history *h, size_t i);

#endif
