/*
 * Lesson cards: the first card of a scenario (what it shows, the book's
 * program it re-creates, keys to try) and the end-of-run card, whose facts
 * are computed from the run's log alone.  Both are plain text, lines split
 * by '\n', for a view to box; a pure function of the log, so a replay gives
 * the same card as the live run did.
 */
#ifndef CV_UI_LESSON_H
#define CV_UI_LESSON_H

#include <stddef.h>

#include "log.h"

/* The first card of a scenario, or NULL for a scenario without one. */
const char *cv_lesson_intro(const char *scenario);

/* Writes the end-of-run card for events [0, upto) of the log into buf
 * (always terminated when cap > 0).  Returns the number of lines, 0 when
 * the log holds nothing the card could say. */
int cv_lesson_end(const cv_log *log, size_t upto, char *buf, size_t cap);

#endif
