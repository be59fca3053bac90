/*
 * The help box, drawn over the screen by `?`: the keys, then the legend,
 * each glyph drawn in the style it has on screen, so the legend is also a
 * test card for the terminal's colours, with a swatch of the colour beside
 * it.  The legend lists only the states on screen now (the styles found in
 * the canvas under the box): a spinner's screen is not explained with the
 * states of an executor.  Where both do not fit (80x24) they are two
 * pages, and ? turns from one to the other.
 */

#include "pane.h"
#include "theme.h"

typedef struct legend_item {
    uint32_t glyph[3];
    int style;
    const char *text;
    int also; /* the style of the same state as a labelled bar, or -1 */
    /* A download's outcome shares its state's style: shown only when its
     * end glyph is on screen in that style; 0 for the other items. */
    uint32_t need;
} legend_item;

static bool glyph_on_screen(const cv_canvas *c, uint32_t ch, int style)
{
    for (int y = 0; y < c->rows; y++)
        for (int x = 0; x < c->cols; x++) {
            const cv_cell *cell = cv_canvas_get(c, x, y);
            if (cell->ch == ch && cell->style == style)
                return true;
        }
    return false;
}

/* Which styles the screen shows, read before the help box covers it. */
static void styles_on_screen(const cv_canvas *c, bool seen[CV_ST_COUNT])
{
    for (int s = 0; s < CV_ST_COUNT; s++)
        seen[s] = false;
    for (int y = 0; y < c->rows; y++)
        for (int x = 0; x < c->cols; x++) {
            int s = cv_canvas_get(c, x, y)->style;
            if (s >= 0 && s < CV_ST_COUNT)
                seen[s] = true;
        }
}

#define HELP_KEYS 17   /* lines in keys[] below */
#define HELP_LEGEND 16 /* items in legend[] below */

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
        "c  s       caption history (Enter goes there) / source, if room",
        "Home       first event         End        back to live / last",
        "g          go to an event number (120) or a time (1.5s)",
        "+  -       playback rate when not live",
        "m          mark here (a text)  '  \"       next / previous mark",
        "Tab S-Tab  focus a pane        j k  PgDn PgUp  select, scroll",
        "Enter      card, or click it   *  follow    Shift+drag  copy text",
        "z x < > 0  zoom in, out, pan, fit   o  v  event order, compact",
        "T  C       show / hide the table, the console (presenter: hidden)",
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
        {{g->pending, ' ', ' '}, CV_ST_PENDING, "queued: submitted, waiting for a worker", -1, 0},
        {{g->run_body, g->run_body, g->run_head}, CV_ST_RUNNING, "running on a worker", CV_ST_BAR_RUNNING, 0},
        {{g->done_body, g->done_body, g->done_end}, CV_ST_FINISHED, "finished with a result", CV_ST_BAR_FINISHED, 0},
        {{g->fail_body, g->fail_body, g->fail_end}, CV_ST_FAILED, "failed with an error", CV_ST_BAR_FAILED, 0},
        {{g->notfound_body, g->notfound_body, g->notfound_end}, CV_ST_FINISHED,
         "not found: the server answered 404", -1, g->notfound_end},
        {{g->fail_body, g->fail_body, g->http_end}, CV_ST_FAILED,
         "HTTP error: another status (418)", -1, g->http_end},
        {{g->fail_body, g->fail_body, g->timeout_end}, CV_ST_FAILED,
         "timed out: no answer within --timeout", -1, g->timeout_end},
        {{g->cancelled, ' ', ' '}, CV_ST_CANCELLED, "cancelled before it ran", -1, 0},
        {{g->idle, g->idle, g->idle}, CV_ST_IDLE, "idle: a thread with nothing to do", -1, 0},
        {{g->busy, g->busy, g->busy}, CV_ST_BUSY, "busy: main running the script", -1, 0},
        {{g->blocked, g->blocked, g->blocked}, CV_ST_BLOCKED, "blocked, waiting for a result", CV_ST_BAR_BLOCKED, 0},
        {{g->level[2], g->level[5], g->gil}, CV_ST_GIL, "waiting for the GIL: some, most, all the time", CV_ST_BAR_GIL, 0},
        {{g->slice, g->slice, g->slice}, CV_ST_SLICE, "a task ran here, then awaited (event loop)", CV_ST_BAR_SLICE, 0},
        {{g->poll, g->poll, g->poll}, CV_ST_POLL, "the event loop polls: no task is ready", -1, 0},
        {{g->pending, ' ', ' '}, CV_ST_SUSPENDED, "a task in flight, suspended at an await", -1, 0},
        {{g->playhead, ' ', ' '}, CV_ST_PLAYHEAD, "the playhead: now", -1, 0},
    };
    _Static_assert(sizeof keys / sizeof keys[0] == HELP_KEYS, "HELP_KEYS counts keys[]");
    _Static_assert(sizeof legend / sizeof legend[0] == HELP_LEGEND, "HELP_LEGEND counts legend[]");
    /* Only the states on screen; the playhead always, so that the legend
     * is never empty. */
    bool seen[CV_ST_COUNT];
    styles_on_screen(c, seen);
    size_t nleg = 0;
    for (size_t i = 0; i < sizeof legend / sizeof legend[0]; i++)
        if (legend[i].need != 0 ? glyph_on_screen(c, legend[i].need, legend[i].style)
                                : seen[legend[i].style] ||
                                      (legend[i].also >= 0 && seen[legend[i].also]) ||
                                      legend[i].style == CV_ST_PLAYHEAD)
            legend[nleg++] = legend[i];
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
    cv_canvas__box(c, x0, y0, w, h, g->hline, g->vline, CV_ST_HELP, CV_ST_DIM);
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
        /* The swatch: the state's colour as a solid patch, which a thin
         * glyph alone does not show. */
        cv_canvas__fill(c, x0 + 6, y, 2, g->block, legend[i].style);
        cv_canvas__text(c, x0 + 9, y, end, CV_ST_HELP, legend[i].text);
    }
}
