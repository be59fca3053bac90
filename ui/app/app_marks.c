/*
 * Bookmarks: `m` marks the event the playhead shows, asking for a short
 * text (Enter alone gives "mark N"); `'` jumps to the next mark and `"`
 * to the previous one, pausing there.  A replay places a mark by its event
 * number, which a trace keeps; a live run places it by demo time, since a
 * new run numbers its events differently.  With --marks FILE every new
 * mark is saved at once, whole or not at all, so that quitting (or a
 * crash) never loses one.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "app_state.h"

/* Whether mark m names an event of this log: its event is there and has
 * its demo time.  A mark loaded from --marks into a live run was made on
 * another run, whose events are numbered differently. */
static bool ours(const app *a, const cv_mark *m)
{
    double speed = cv_log_meta_get(a->log)->speed;
    return m->event < cv_log_count(a->log) &&
           fabs((double)cv_log_at(a->log, m->event)->t_ns / 1e9 * (speed > 0 ? speed : 1.0) -
                m->demo_s) < 0.0015;
}

/* The playhead position (events shown) at which mark i stands: a replay's
 * by its event number, a live run's by its event if it is this run's,
 * else by its demo time. */
static size_t mark_pos(const app *a, size_t i)
{
    const cv_mark *m = &a->marks.at[i];
    size_t count = cv_log_count(a->log);
    if (a->cfg->replay != NULL || ours(a, m))
        return (size_t)m->event + 1; /* cv_playhead_goto clamps to the log */
    double speed = cv_log_meta_get(a->log)->speed;
    int64_t t = (int64_t)(m->demo_s / (speed > 0 ? speed : 1.0) * 1e9 + 0.5);
    return cv_log_index_at(a->log, count, t);
}

static void save(app *a)
{
    if (a->cfg->marks_path == NULL)
        return;
    char err[256], msg[300];
    if (cv_marks_save(&a->marks, a->cfg->marks_path, err, sizeof err) != 0) {
        snprintf(msg, sizeof msg, "marks not saved: %s", err);
        cv_app__notice(a, msg);
    }
}

static void mark_here(app *a, const char *text)
{
    if (a->ph.pos == 0) {
        cv_app__notice(a, "no event to mark yet");
        return;
    }
    size_t i = a->ph.pos - 1;
    const cv_event *e = cv_log_at(a->log, i);
    double speed = cv_log_meta_get(a->log)->speed;
    char dflt[32];
    if (text == NULL || *text == '\0') {
        snprintf(dflt, sizeof dflt, "mark %zu", a->marks.n + 1);
        text = dflt;
    }
    if (cv_marks_add(&a->marks, e->seq, (double)e->t_ns / 1e9 * (speed > 0 ? speed : 1.0),
                     text) < 0) {
        cv_app__notice(a, "no room for more marks");
        return;
    }
    save(a);
}

void cv_app__marks_key(app *a, int ch)
{
    if (ch == 'm') {
        /* Marking takes the playhead's event, so pause there first: a
         * live run would otherwise move on while the text is typed. */
        if (a->ph.mode == CV_PLAY_LIVE)
            a->ph.pos = cv_log_count(a->log);
        cv_playhead_goto(&a->ph, a->log, a->ph.pos);
        cv_app__prompt_open(a, "mark", "a short text, or Enter for a numbered mark",
                            mark_here);
        a->prompt.empty_ok = true;
        return;
    }
    if (a->marks.n == 0) {
        cv_app__notice(a, "no marks yet: m marks the playhead");
        return;
    }
    size_t here = a->ph.mode == CV_PLAY_LIVE ? cv_log_count(a->log) : a->ph.pos;
    size_t n = a->marks.n, pick = 0;
    if (ch == '\'') {
        /* The first mark past the playhead, else round to the first. */
        pick = 0;
        for (size_t i = 0; i < n; i++)
            if (mark_pos(a, i) > here) {
                pick = i;
                break;
            }
    } else {
        pick = n - 1;
        for (size_t i = n; i-- > 0;)
            if (mark_pos(a, i) < here) {
                pick = i;
                break;
            }
    }
    cv_playhead_goto(&a->ph, a->log, mark_pos(a, pick));
}

void cv_app__marks_first(app *a)
{
    if (a->marks.n > 0)
        cv_playhead_goto(&a->ph, a->log, mark_pos(a, 0));
}

void cv_app__marks_for_trace(const app *a, cv_marks *out)
{
    /* A mark made on this run names its event; one loaded from --marks
     * was made on another run, so it takes this run's event at its demo
     * time (mark_pos). */
    out->n = 0;
    for (size_t i = 0; i < a->marks.n; i++) {
        size_t pos = mark_pos(a, i);
        if (pos == 0 || pos > cv_log_count(a->log))
            continue; /* outside this run's events: nowhere to stand */
        cv_marks_add(out, pos - 1, a->marks.at[i].demo_s, a->marks.at[i].text);
    }
}

const char *cv_app__mark_here(const app *a)
{
    if (a->ph.mode == CV_PLAY_LIVE || a->ph.pos == 0)
        return NULL;
    for (size_t i = 0; i < a->marks.n; i++)
        if (mark_pos(a, i) == a->ph.pos)
            return a->marks.at[i].text;
    return NULL;
}
