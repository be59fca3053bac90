/*
 * The help box, drawn over the screen by `?`: the keys, then the legend,
 * each glyph drawn in the style it has on screen, so the legend is also a
 * test card for the terminal's colours.  Where both do not fit (80x24)
 * they are two pages, and ? turns from one to the other.
 */

#include "pane.h"
#include "theme.h"

typedef struct legend_item {
    uint32_t glyph[3];
    int style;
    const char *text;
} legend_item;

#define HELP_KEYS 16   /* lines in keys[] below */
#define HELP_LEGEND 13 /* items in legend[] below */

bool cv_help__paged(int rows, bool replay)
{
    int nkeys = HELP_KEYS - (replay ? 1 : 0); /* a replay has no r line */
    return nkeys + HELP_LEGEND + 4 > rows - 2;
}

void cv_help__draw(cv_canvas *c, const cv_render_opts *o)
{
    const cv_glyphs *g = cv_theme__glyphs(o->ascii);
    static const char *const keys[] = {
        "space      pause / play from here (the run keeps recording)",
        "->  n      next step           <-  p      previous step",
        "e          steps: every event / what changes the screen",
        "]  [       next / previous step of the selected lane, task, side",
        "f  F       next / previous spinner frame",
        ".  ,       forward / back by a span of demo time (t sets it)",
        "c          caption history: Enter goes to a past step",
        "Home       first event         End        back to live / last",
        "g          go to an event number (120) or a time (1.5s)",
        "+  -       playback rate when not live",
        "m          mark here (a text)  '  \"       next / previous mark",
        "Tab S-Tab  focus a pane        j k  PgDn PgUp  select, scroll",
        "Enter      card, or click it   *  follow    Shift+drag  copy text",
        "z x < > 0  zoom in, out, pan, fit   o  v  event order, compact",
        "r          restart the scenario (live runs)",
        "?  i       this help, lesson card   q  Ctrl-C  quit",
    };
    /* A replay cannot restart, so its help does not offer r. */
    const char *shown[sizeof keys / sizeof keys[0]];
    size_t nkeys = 0;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (!(o->replay && keys[i][0] == 'r'))
            shown[nkeys++] = keys[i];
    legend_item legend[] = {
        {{g->pending, ' ', ' '}, CV_ST_PENDING, "queued: submitted, waiting for a worker"},
        {{g->run_body, g->run_body, g->run_head}, CV_ST_RUNNING, "running on a worker"},
        {{g->done_body, g->done_body, g->done_end}, CV_ST_FINISHED, "finished with a result"},
        {{g->fail_body, g->fail_body, g->fail_end}, CV_ST_FAILED, "failed with an error"},
        {{g->cancelled, ' ', ' '}, CV_ST_CANCELLED, "cancelled before it ran"},
        {{g->idle, g->idle, g->idle}, CV_ST_IDLE, "idle: a thread with nothing to do"},
        {{g->busy, g->busy, g->busy}, CV_ST_BUSY, "busy: main running the script"},
        {{g->blocked, g->blocked, g->blocked}, CV_ST_BLOCKED, "blocked, waiting for a result"},
        {{g->level[2], g->level[5], g->gil}, CV_ST_GIL, "waiting for the GIL: some, most, all the time"},
        {{g->slice, g->slice, g->slice}, CV_ST_SLICE, "a task ran here, then awaited (event loop)"},
        {{g->poll, g->poll, g->poll}, CV_ST_POLL, "the event loop polls: no task is ready"},
        {{g->pending, ' ', ' '}, CV_ST_SUSPENDED, "a task in flight, suspended at an await"},
        {{g->playhead, ' ', ' '}, CV_ST_PLAYHEAD, "the playhead: now"},
    };
    size_t nleg = sizeof legend / sizeof legend[0];
    _Static_assert(sizeof keys / sizeof keys[0] == HELP_KEYS, "HELP_KEYS counts keys[]");
    _Static_assert(sizeof legend / sizeof legend[0] == HELP_LEGEND, "HELP_LEGEND counts legend[]");
    /* Keys and legend in one box where they fit; on a smaller screen
     * (80x24) two pages, keys first, and ? turns to the legend. */
    bool paged = cv_help__paged(c->rows, o->replay);
    bool legend_page = paged && o->help_page == 1;
    size_t to_key = legend_page ? 0 : nkeys;
    size_t to_leg = paged && !legend_page ? 0 : nleg;
    int w = 68, h = (int)(to_key + to_leg) + (to_key && to_leg ? 4 : 2);
    if (w > c->cols - 2)
        w = c->cols - 2;
    if (h > c->rows - 2)
        h = c->rows - 2;
    int x0 = (c->cols - w) / 2, y0 = (c->rows - h) / 2;
    for (int y = y0; y < y0 + h; y++) {
        cv_canvas__fill(c, x0, y, w, ' ', CV_ST_HELP);
        cv_canvas__put(c, x0, y, g->vline, CV_ST_DIM);
        cv_canvas__put(c, x0 + w - 1, y, g->vline, CV_ST_DIM);
    }
    cv_canvas__fill(c, x0, y0, w, g->hline, CV_ST_DIM);
    cv_canvas__fill(c, x0, y0 + h - 1, w, g->hline, CV_ST_DIM);
    const char *title = !paged       ? " help: keys and legend (any key closes) "
                        : legend_page ? " help: the legend (any key closes) "
                                      : " help: keys (? the legend, any other key closes) ";
    cv_canvas__text(c, x0 + 2, y0, x0 + w - 1, CV_ST_TITLE, title);
    int y = y0 + 1, end = x0 + w - 1;
    for (size_t i = 0; i < to_key && y < y0 + h - 1; i++, y++)
        cv_canvas__text(c, x0 + 2, y, end, CV_ST_HELP, shown[i]);
    if (to_key > 0 && to_leg > 0)
        y++;
    for (size_t i = 0; i < to_leg && y < y0 + h - 1; i++, y++) {
        for (int k = 0; k < 3; k++)
            cv_canvas__put(c, x0 + 2 + k, y, legend[i].glyph[k], legend[i].style);
        cv_canvas__text(c, x0 + 7, y, end, CV_ST_HELP, legend[i].text);
    }
}
