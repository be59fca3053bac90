/*
 * Captions: one sentence that says what the last step did and why, in the
 * words of the lesson ("loiter(4) starts on worker 1: worker 1 became free
 * when loiter(1) finished").  A caption is a function of the model with the
 * event applied and the event itself, so stepping back shows the same text
 * as stepping forward did.
 */
#ifndef CV_UI_CAPTION_H
#define CV_UI_CAPTION_H

#include <stddef.h>

#include "model.h"

#include <stdbool.h>

/* Appends printf-style text to buf at *n, never past len (for the
 * caption files). */
void cv_caption_add(char *buf, size_t len, size_t *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Explains log event `index` (already applied to m) into buf. */
void cv_caption(const cv_model *m, size_t index, char *buf, size_t len);
/* The same for the caption history, where each step needs its own words:
 * the step's sentence, without the order lesson that leads the caption
 * line for as long as it holds; only the steps that make it true (a block
 * in map, a later future's finish) carry it. */
void cv_caption_step(const cv_model *m, size_t index, char *buf, size_t len);

#endif
