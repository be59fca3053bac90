/*
 * The caption history (c): the keys while it is open, and the rows it
 * shows, chosen before each frame so that drawing stays pure.  The cache
 * (ui/model/history.c) lives as long as the log it captions: a restart
 * brings a new log, and with it a new cache.  The selection is kept as an
 * index among the captions before the playhead, so it stays on its row
 * while the list is open.
 */
#include "app_state.h"
#include "terminal.h"

#define HISTORY_CAP 8192

void cv_app__history_free(app *a)
{
    cv_history_free(&a->hist);
    a->view.history = false;
}

/* Brings the cache up to the playhead; false (and a notice) on failure. */
static bool catch_up(app *a)
{
    if (cv_history_log(&a->hist) != a->log) {
        cv_history_free(&a->hist);
        if (cv_history_init(&a->hist, a->log, HISTORY_CAP) != 0) {
            cv_app__notice(a, "caption history: out of memory");
            return false;
        }
    }
    if (cv_history_advance(&a->hist, a->ph.pos) != 0) {
        cv_app__notice(a, "caption history: out of memory");
        return false;
    }
    return true;
}

void cv_app__history_open(app *a)
{
    if (a->ph.mode != CV_PLAY_PAUSED)
        cv_playhead_pause(&a->ph); /* the list is of a still playhead */
    if (!catch_up(a))
        return;
    size_t total = cv_history_before(&a->hist, a->ph.pos);
    a->hist_sel = total > 0 ? total - 1 : 0;
    a->view.history = true;
}

void cv_app__history_key(app *a, int ch)
{
    size_t total = cv_history_before(&a->hist, a->ph.pos);
    size_t page = (size_t)cv_history_visible(a->canvas.rows);
    switch (ch) {
    case 27:
    case 'c':
    case 'q':
    case 'Q':
        a->view.history = false;
        return;
    case CV_KEY_UP:
    case 'k':
        a->hist_sel = a->hist_sel > 0 ? a->hist_sel - 1 : 0;
        break;
    case CV_KEY_DOWN:
    case 'j':
        a->hist_sel++;
        break;
    case CV_KEY_PGUP:
        a->hist_sel = a->hist_sel > page ? a->hist_sel - page : 0;
        break;
    case CV_KEY_PGDN:
        a->hist_sel += page;
        break;
    case '\r':
    case '\n':
    case CV_KEY_ENTER:
        if (total > 0 && a->hist_sel < total)
            cv_playhead_goto(&a->ph, a->log, cv_history_at(&a->hist, a->hist_sel)->event + 1);
        a->view.history = false;
        return;
    default:
        return;
    }
    if (total == 0)
        a->hist_sel = 0;
    else if (a->hist_sel >= total)
        a->hist_sel = total - 1;
}

void cv_app__history_rows(app *a)
{
    if (!a->view.history)
        return;
    size_t total = cv_history_before(&a->hist, a->ph.pos);
    size_t vis = (size_t)cv_history_visible(a->canvas.rows);
    if (a->hist_sel >= total)
        a->hist_sel = total > 0 ? total - 1 : 0;
    /* The last page, latest at the bottom, unless the selection moved
     * above it: then the window starts at the selection. */
    size_t first = total > vis ? total - vis : 0;
    if (a->hist_sel < first)
        first = a->hist_sel;
    size_t last = first + vis < total ? first + vis : total;
    int n = 0;
    for (size_t i = first; i < last && n < (int)(sizeof a->hist_rows / sizeof a->hist_rows[0]); i++) {
        const cv_history_entry *e = cv_history_at(&a->hist, i);
        a->hist_rows[n++] = (cv_history_row){.event = e->event, .text = e->text};
    }
    a->view.hist_rows = a->hist_rows;
    a->view.hist_n = n;
    a->view.hist_sel = (int)(a->hist_sel - first);
    a->view.hist_first = first;
    a->view.hist_total = total + a->hist.dropped;
}
