/*
 * The front end's state, shared by its files: app.c owns the loop, the
 * frames and the run; app_keys.c turns keys into changes of the playhead
 * and the view; app_prompt.c reads a line of text (an event number or a
 * time for `g`); app_focus.c moves the focus, scrolls and opens cards.
 * Only these files see it.
 */
#ifndef CV_UI_APP_STATE_H
#define CV_UI_APP_STATE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "history.h"
#include "playhead.h"
#include "steps.h"
#include "render.h"
#include "trace_marks.h"
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
    bool empty_ok;      /* Enter with no text still calls done (with "") */
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
    cv_marks marks;     /* the lecturer's bookmarks (app_marks.c) */
    bool help, ascii;
    bool source;        /* the source pane is shown (s, --source) */
    int help_page;      /* the help box's page: 0 keys, 1 legend (small screens) */
    bool oom;           /* the model ran out of memory: no seek until a key */
    bool loading;       /* a replay's trace is still being read */
    int quit;           /* -1: keep going; else the exit status */
    bool stepped;       /* the user paused or moved the playhead since the run began */
    int asking;         /* 'q' or 'r' while "quit? y/n" waits for an answer; 0: none */
    char notice[192];   /* a one-off message for the header */
    int64_t notice_until;
    int64_t last_frame;
    int pipe_r;
    /* Steps by an interval (app_steps.c): the user's interval in demo
     * seconds (0: a tenth of the run), and the time the last such step
     * went to while the playhead stays at tick_pos. */
    double tick_demo_s;
    cv_steps_index steps; /* the log's plumbing, classified once */
    int64_t tick_t;
    size_t tick_pos;
    /* The caption history (app_history.c): its cache, the selected row
     * among the captions before the playhead, and the rows on screen. */
    cv_history hist;
    size_t hist_sel;
    cv_history_row hist_rows[64];
    /* The lesson card (app_lesson.c): open or not, its text, and whether
     * the first and the end card have opened by themselves already. */
    bool lesson, lesson_intro_shown, lesson_end_shown;
    char lesson_text[1024];
    struct sigaction old_signals[4]; /* SIGINT, SIGTERM, SIGHUP, SIGALRM before us */
} app;

/* app.c: throws the run away and starts it again (paused under --paused). */
void cv_app__restart(app *a);
/* app_lesson.c: opens a lesson card by itself when it is time (before a
 * frame); takes every key while one is open, and i. */
void cv_app__lesson_frame(app *a);
bool cv_app__lesson_key(app *a, int ch);
/* app_keys.c: one key (a character or a CV_KEY_*). */
void cv_app__key(app *a, int ch);
/* app_history.c: c opens the list; keys go to it while it is open; the
 * rows it shows are chosen before each frame; free at the end. */
void cv_app__history_open(app *a);
void cv_app__history_key(app *a, int ch);
void cv_app__history_rows(app *a);
void cv_app__history_free(app *a);
/* app_steps.c: the stepping keys; false if ch is not one of them. */
bool cv_app__steps_key(app *a, int ch);
/* Forgets the classified events (the log goes away). */
void cv_app__steps_free(app *a);
/* A message in the header for two seconds. */
void cv_app__notice(app *a, const char *text);
/* app_marks.c: m, ' and " (mark, next mark, previous mark). */
void cv_app__marks_key(app *a, int ch);
/* Pauses at the first mark, if any (a replay opens there). */
void cv_app__marks_first(app *a);
/* The marks as this run's trace should keep them: by this run's events. */
void cv_app__marks_for_trace(const app *a, cv_marks *out);
/* The text of the mark the playhead stands on, or NULL. */
const char *cv_app__mark_here(const app *a);
/* app_prompt.c: opens a prompt; keys go to it until Enter or Esc. */
void cv_app__prompt_open(app *a, const char *label, const char *hint,
                         void (*done)(app *a, const char *text));
/* Takes a key while a prompt is open. */
void cv_app__prompt_key(app *a, int ch);
/* app_focus.c: focus, scrolling, cards and clicks (nav.h). */
void cv_app__focus_key(app *a, int ch);
/* Closes an open card on Esc, q or Enter; false: not a key for the card. */
bool cv_app__card_key(app *a, int ch);
/* app_timeline.c: z x < > 0 o v, the timeline's zoom, pan and modes. */
void cv_app__timeline_key(app *a, int ch);

#endif
