/*
 * What model.c shares with model_tasks.c and model_checkpoint.c and nobody
 * else: growing arrays, finding or creating lanes and futures, opening and
 * closing spans, and taking and restoring checkpoints.
 */
#ifndef CV_UI_MODEL_PRIVATE_H
#define CV_UI_MODEL_PRIVATE_H

#include "model.h"

/* Grows *arr (of *cap elements of size bytes, zeroed) to hold need. */
int cv_model_grow_(void **arr, size_t *cap, size_t need, size_t size);
/* The lane, created if new; NULL if out of range or without memory. */
cv_mlane *cv_model_lane_get_(cv_model *m, int lane);
/* The future (or task) with this id, created as pending if new. */
cv_mfuture *cv_model_future_get_(cv_model *m, uint64_t id, int64_t t);
/* Closes the open span at the end of the list, then appends s. */
int cv_model_open_span_(cv_span **spans, size_t *n, size_t *cap, cv_span s);
void cv_model_close_span_(cv_span *spans, size_t n, int64_t t);

/* Applies a TASK, LOOP or FRAME event (model_tasks.c). */
int cv_model_apply_task_(cv_model *m, const cv_event *e);
int cv_model_apply_loop_(cv_model *m, const cv_event *e);
int cv_model_apply_frame_(cv_model *m, const cv_event *e, size_t index);
/* Notes the side of e's lane and a two-sided log (model_tasks.c). */
void cv_model_note_side_(cv_model *m, const cv_event *e);

/* Checkpoints (model_checkpoint.c).  init_ allocates the (empty) set, or
 * leaves the model without one if memory is short; take_ is called when
 * m->upto reaches m->ckpt_next; note_ before applying an event that names
 * a future (the only events that change one, which the checkpoints rely
 * on); restore_ brings the model back to the latest checkpoint at or
 * before upto, or resets it if there is none. */
void cv_model_checkpoints_init_(cv_model *m);
void cv_model_checkpoints_free_(cv_model *m);
void cv_model_checkpoint_take_(cv_model *m);
void cv_model_checkpoint_note_(cv_model *m, uint64_t id);
void cv_model_checkpoint_restore_(cv_model *m, size_t upto);

#endif
