/*
 * What model.c shares with model_tasks.c and model_checkpoint.c and nobody
 * else: growing arrays, finding or creating lanes and futures, opening and
 * closing spans, and taking and restoring checkpoints.
 */
#ifndef CV_UI_MODEL_PRIVATE_H
#define CV_UI_MODEL_PRIVATE_H

#include "model.h"

/* Grows *arr (of *cap elements of size bytes, zeroed) to hold need. */
int cv_model__grow(void **arr, size_t *cap, size_t need, size_t size);
/* The lane, created if new; NULL if out of range or without memory. */
cv_mlane *cv_model__lane_get(cv_model *m, int lane);
/* The future (or task) with this id, created as pending if new. */
cv_mfuture *cv_model__future_get(cv_model *m, uint64_t id, int64_t t);
/* After future i's state changed from `was`: keeps m->done_prefix true. */
void cv_model__done_update(cv_model *m, size_t i, unsigned was);
/* Closes the open span at the end of the list, then appends s. */
int cv_model__open_span(cv_span **spans, size_t *n, size_t *cap, cv_span s);
void cv_model__close_span(cv_span *spans, size_t n, int64_t t);

/* The id hash (model_ids.c): __find gives the index last put for the id
 * or CV_NONE, which the caller checks against the futures it holds (the
 * hash forgets nothing); __put and __reserve (room for n ids) return -1
 * without memory. */
size_t cv_model__id_find(const cv_model_ids *t, uint64_t id);
int cv_model__id_put(cv_model_ids *t, uint64_t id, size_t index);
int cv_model__id_reserve(cv_model_ids *t, size_t n);
void cv_model__id_free(cv_model_ids *t);
/* Heap bytes the hash holds. */
size_t cv_model__id_bytes(const cv_model_ids *t);

/* Notes the side of e's lane and a two-sided log (model_tasks.c). */
void cv_model__note_side(cv_model *m, const cv_event *e);

/* Checkpoints (model_checkpoint.c).  __init allocates the (empty) set, or
 * leaves the model without one if memory is short; __take is called when
 * m->upto reaches m->ckpt_next; __note before applying an event that names
 * a future (the only events that change one, which the checkpoints rely
 * on); __restore brings the model back to the latest checkpoint at or
 * before upto, or resets it if there is none. */
void cv_model__checkpoints_init(cv_model *m);
void cv_model__checkpoints_free(cv_model *m);
void cv_model__checkpoint_take(cv_model *m);
void cv_model__checkpoint_note(cv_model *m, uint64_t id);
void cv_model__checkpoint_restore(cv_model *m, size_t upto);
/* Heap bytes the checkpoints hold. */
size_t cv_model__checkpoint_bytes(const cv_model *m);

#endif
