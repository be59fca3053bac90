/*
 * The canvas: a grid of cells, each one character (a Unicode code point
 * that takes one column) and a style id (theme.h).  Every view draws into a
 * canvas, never into curses, so a screen is a plain value: the terminal front
 * end blits it, the screenshot writer prints it as text or SVG, and the tests
 * read it back as text.  Drawing is clipped, so views never check bounds.
 */
#ifndef CV_UI_CANVAS_H
#define CV_UI_CANVAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cv_cell {
    uint32_t ch;   /* a code point that takes one column */
    uint8_t style; /* enum cv_style */
} cv_cell;

typedef struct cv_canvas {
    int cols, rows;
    bool ascii;    /* replace every non-ASCII character drawn with '?' */
    cv_cell *cells;
} cv_canvas;

/* A canvas of cols x rows blank cells.  Returns 0 or -1 (no memory). */
int cv_canvas_init(cv_canvas *c, int cols, int rows, bool ascii);
void cv_canvas_free(cv_canvas *c);

/* The cell at (x, y), or NULL outside the canvas. */
const cv_cell *cv_canvas_get(const cv_canvas *c, int x, int y);
/* Row y as UTF-8 without trailing blanks, NUL-terminated in buf. */
size_t cv_canvas_row(const cv_canvas *c, int y, char *buf, size_t len);
/* The whole canvas as text, one line per row; malloc'ed, NULL on failure. */
char *cv_canvas_dump(const cv_canvas *c);

/* ---- drawing, for the panes (inside ui/views) ------------------------- */

void cv_canvas__clear(cv_canvas *c);
/* The cell at (x, y), or NULL outside the canvas. */
cv_cell *cv_canvas__at(cv_canvas *c, int x, int y);
void cv_canvas__put(cv_canvas *c, int x, int y, uint32_t ch, int style);
void cv_canvas__fill(cv_canvas *c, int x, int y, int w, uint32_t ch, int style);
/* A box drawn over the screen (help, cards, history): w x h cells from
 * (x0, y0), blank inside in style `inside`, its edges drawn with the
 * theme's line glyphs in style `border` (the top and bottom rows win the
 * corners, as the boxes have always looked). */
void cv_canvas__box(cv_canvas *c, int x0, int y0, int w, int h, uint32_t hline, uint32_t vline,
                    int inside, int border);

/* Draws UTF-8 text from (x, y), stopping before column x_end.  Tabs move to
 * the next multiple of 8 columns counted from x (as a terminal would show a
 * console line); other control characters and invalid bytes become '?'.
 * Returns the column after the last one written. */
int cv_canvas__text(cv_canvas *c, int x, int y, int x_end, int style, const char *utf8);
int cv_canvas__printf(cv_canvas *c, int x, int y, int x_end, int style, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* The columns UTF-8 text takes when drawn with cv_canvas__text (tabs from 0). */
int cv_canvas__text_width(const char *utf8);
/* Encodes cp into out (at least 4 bytes); returns the bytes written. */
size_t cv_canvas__utf8_put(uint32_t cp, char *out);

#endif
