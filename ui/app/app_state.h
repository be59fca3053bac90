/*
 * The front end's state, shared by its files: app.c owns the loop, the
 * frames and the run; app_keys.c turns keys into changes of the playhead
 * and the view; app_prompt.c reads a line of text (an event number or a
 * time for `g`).  Only these files see it.
 */
#ifndef CV_UI_APP_STATE_H
#define CV_UI_APP_STATE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "playhead.h"
#include "render.h"
#include "ui.h"

struct app;

/* A line being typed at the key line: what it is for, the text so far,
 * and what to do with it on Enter (Esc drops it). */
typedef struct cv_app_prompt {
    const char *label;  /* "go to", ...; NULL: no prompt open */
    const char *hint;   /* what may be typed, after the text */
    char text[64];
    size_t len;
    void (*done)(struct app *a, const char *text);
} cv_app_prompt;

typedef struct app {
    const cv_ui_config *cfg;
    cv_run *run;
    const cv_log *log;
    cv_model model;
    cv_canvas canvas;
    cv_playhead ph;
    cv_view view;       /* what the user chose to see, beyond the playhead */
    cv_app_prompt prompt;
    bool help, ascii;
    bool oom;           /* the model ran out of memory: no seek until a key */
    bool loading;       /* a replay's trace is still being read */
    int quit;           /* -1: keep going; else the exit status */
    bool stepped;       /* the user paused or moved the playhead since the run began */
    int asking;         /* 'q' or 'r' while "quit? y/n" waits for an answer; 0: none */
    char notice[192];   /* a one-off message for the header */
    int64_t notice_until;
    int64_t last_frame;
    int pipe_r;
    struct sigaction old_signals[4]; /* SIGINT, SIGTERM, SIGHUP, SIGALRM before us */
} app;

/* app.c: throws the run away and starts it again (paused under --paused). */
void cv_app__restart(app *a);
/* app_keys.c: one key (a character or a CV_KEY_*). */
void cv_app__key(app *a, int ch);
/* A message in the header for two seconds. */
void cv_app__notice(app *a, const char *text);
/* app_prompt.c: opens a prompt; keys go to it until Enter or Esc. */
void cv_app__prompt_open(app *a, const char *label, const char *hint,
                         void (*done)(app *a, const char *text));
/* Takes a key while a prompt is open. */
void cv_app__prompt_key(app *a, int ch);
/* app_timeline.c: z x < > 0 o v, the timeline's zoom, pan and modes. */
void cv_app__timeline_key(app *a, int ch);

#endif
