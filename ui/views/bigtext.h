/*
 * Text three rows tall, for the clock of presenter mode (bigtext.c).
 */
#ifndef CV_UI_BIGTEXT_H
#define CV_UI_BIGTEXT_H

#include <stdbool.h>

#include "canvas.h"

#define CV_BIGTEXT_ROWS 3

/* The columns `text` takes drawn big, or -1 if it has a character the
 * font lacks (it knows 0-9, '.', 's' and ' '). */
int cv_bigtext__width(const char *text);
/* Draws `text` big with its top left at (x, y), in block characters or
 * (ascii) seven-segment figures; returns the column after it.  Text the
 * font cannot draw is not drawn. */
int cv_bigtext__draw(cv_canvas *c, int x, int y, const char *text, bool ascii, int style);

#endif
