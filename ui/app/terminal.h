/*
 * The terminal, owned between cv_term__init and cv_term__done as htop's
 * CRT_init and CRT_done own it: curses is set up and torn down here, the
 * screen is written here (a canvas, blitted), and keys are read here, so
 * no other file of the front end calls curses.  If the process dies of a
 * fault while the terminal is ours, a handler puts the terminal back
 * (its saved modes, the normal screen, the cursor) before the fault goes
 * on, so a crash never leaves the shell in raw mode.
 */
#ifndef CV_UI_TERMINAL_H
#define CV_UI_TERMINAL_H

#include <stdbool.h>
#include <stddef.h>

#include "canvas.h"

/* Keys beyond characters, as cv_term__key returns them. */
enum {
    CV_KEY_NONE = -1,          /* no key waiting */
    CV_KEY_RESIZE = 0x110000,  /* beyond every code point */
    CV_KEY_LEFT,
    CV_KEY_RIGHT,
    CV_KEY_HOME,
    CV_KEY_END,
    CV_KEY_UP,
    CV_KEY_DOWN,
    CV_KEY_PGUP,
    CV_KEY_PGDN,
    CV_KEY_BACKSPACE,
    CV_KEY_ENTER,              /* the keypad's Enter (Return is '\r') */
    CV_KEY_BTAB,               /* Shift-Tab (Tab is '\t') */
    CV_KEY_OTHER,              /* a function key without a use here */
    CV_KEY_CLICK,              /* a left click: cv_term__mouse says where */
    CV_KEY_WHEEL_UP,           /* the mouse wheel */
    CV_KEY_WHEEL_DOWN,
};

/* Takes the terminal: curses on stdout/stdin, keys without echo or
 * line buffering, no cursor, the colour pairs of `theme` (enum
 * cv_theme_id) when `color` and the terminal has colours.  Returns 0, or -1 with a one-line message
 * in err (the terminal untouched). */
int cv_term__init(bool color, int theme, char *err, size_t errlen);
/* Gives the terminal back as it was.  Safe to call twice. */
void cv_term__done(void);

/* Puts the terminal back (the saved modes, the normal screen, the cursor)
 * with async-signal-safe calls only, for a handler that is about to
 * _exit; curses itself is left as it is. */
void cv_term__leave_now(void);

/* The screen's size now (it follows resizes). */
void cv_term__size(int *cols, int *rows);
/* Writes the canvas to the screen, in colour if cv_term__init gave any. */
void cv_term__blit(const cv_canvas *c);
/* Redraws every cell at the next blit (after a resize, or Ctrl-L). */
void cv_term__redraw(void);
/* The next key, without waiting: a character, a CV_KEY_*, or CV_KEY_NONE. */
int cv_term__key(void);
/* The cell of the latest CV_KEY_CLICK (column, row from 0). */
void cv_term__mouse(int *x, int *y);

#endif
