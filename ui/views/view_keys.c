/*
 * The key line, always on screen (as in tokio-console): the keys and what
 * they do, in words fitted to the width, to a replay (no restart) and to
 * the playhead (space plays while paused, pauses otherwise).  While the
 * app asks a y/n question (quit or restart a paused run), the line is the
 * question, so that it cannot be missed; while a prompt reads a line
 * (`g`: go to), the line is the prompt and the text typed so far; while
 * a card is open, the line says how to close it.
 */
#include <string.h>

#include "pane.h"
#include "theme.h"

static void draw(cv_canvas *c, cv_rect r, const cv_model *m, const cv_render_opts *o,
                 const cv_focus *f, int side)
{
    (void)m, (void)f, (void)side;
    /* Two sets: the long one reads better, the short one fits 80 columns. */
    static const char *const wide[][2] = {
        {"space", "pause"}, {"\xe2\x86\x90/p", "prev"}, {"\xe2\x86\x92/n", "next"},
        {"Home", "first"}, {"End", "live"}, {"+/-", "rate"}, {"Tab", "focus"},
        {"Enter", "card"}, {"r", "restart"}, {"?", "help"}, {"q", "quit"}, {NULL, NULL},
    };
    static const char *const narrow[][2] = {
        {"space", "pause"}, {"\xe2\x86\x90\xe2\x86\x92", "step"}, {"Home/End", "first/live"},
        {"+/-", "rate"}, {"r", "restart"}, {"?", "help"}, {"q", "quit"}, {NULL, NULL},
    };
    /* The wide set, with Tab and Enter, needs about 112 columns. */
    const char *const (*set)[2] = r.w >= 114 ? wide : narrow;
    cv_canvas__fill(c, r.x, r.y, r.w, ' ', CV_ST_KEYLINE);
    int x = r.x + 1, end = r.x + r.w;
    if (o->question != NULL) {
        x = cv_canvas__printf(c, x, r.y, end, CV_ST_ERROR, " %s ", o->question);
        cv_canvas__text(c, x + 1, r.y, end, CV_ST_KEYLINE, "y confirms, any other key cancels");
        return;
    }
    if (o->prompt != NULL) {
        x = cv_canvas__printf(c, x, r.y, end, CV_ST_KEY, " %s: ", o->prompt);
        x = cv_canvas__printf(c, x, r.y, end, CV_ST_KEYLINE, "%s", o->prompt_text);
        cv_canvas__put(c, x, r.y, '_', CV_ST_KEY);
        cv_canvas__printf(c, x + 2, r.y, end, CV_ST_KEYLINE, "%s; Enter goes, Esc cancels",
                          o->prompt_hint ? o->prompt_hint : "");
        return;
    }
    if (o->view != NULL && o->view->card != 0) {
        /* A card is open: say how it closes, and that steps still work. */
        x = cv_canvas__text(c, x, r.y, end, CV_ST_KEY, "Esc/q/Enter");
        x = cv_canvas__text(c, x, r.y, end, CV_ST_KEYLINE, " close the card  ");
        x = cv_canvas__text(c, x, r.y, end, CV_ST_KEY, o->ascii ? "<- ->" : "\xe2\x86\x90\xe2\x86\x92");
        cv_canvas__text(c, x, r.y, end, CV_ST_KEYLINE, " step: the card follows the playhead");
        return;
    }
    for (size_t i = 0; set[i][0] != NULL; i++) {
        const char *k = set[i][0], *what = set[i][1];
        if (o->replay && strcmp(k, "r") == 0)
            continue;
        if (o->ascii && strncmp(k, "\xe2\x86\x90\xe2", 4) == 0)
            k = "<- ->";
        else if (o->ascii && strncmp(k, "\xe2\x86\x90", 3) == 0)
            k = "<-/p";
        else if (o->ascii && strncmp(k, "\xe2\x86\x92", 3) == 0)
            k = "->/n";
        /* `e` switched → and ← to every event: the line says so, and says
         * nothing in the default (steps by meaning). */
        if (o->view != NULL && o->view->every_event)
            what = strcmp(what, "next") == 0   ? "next event"
                   : strcmp(what, "prev") == 0 ? "prev event"
                   : strcmp(what, "step") == 0 ? "event"
                                               : what;
        if (o->paused && strcmp(what, "pause") == 0)
            what = "play";
        if (o->replay && strcmp(what, "live") == 0)
            what = "last";
        if (o->replay && strcmp(what, "first/live") == 0)
            what = "first/last";
        x = cv_canvas__text(c, x, r.y, end, CV_ST_KEY, k);
        x = cv_canvas__printf(c, x, r.y, end, CV_ST_KEYLINE, set == wide ? " %s  " : " %s ", what);
    }
    /* Presenter mode hides the table and console: say which keys bring
     * them back, where that fits whole. */
    if (cv_present__on(o->view) && x + 20 <= end) {
        x = cv_canvas__text(c, x, r.y, end, CV_ST_KEY, "T");
        x = cv_canvas__text(c, x, r.y, end, CV_ST_KEYLINE, " table ");
        x = cv_canvas__text(c, x, r.y, end, CV_ST_KEY, "C");
        cv_canvas__text(c, x, r.y, end, CV_ST_KEYLINE, " console");
    }
}

const cv_pane cv_pane__keys = {
    .name = "keys", .where = CV_PANE_EDGE, .min_rows = 1, .draw = draw,
};
