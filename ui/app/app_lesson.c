/*
 * The lesson cards in the terminal (the texts: ui/model/lesson.c).  The
 * first card opens with the screen, unless --no-intro; the end card opens
 * once the log is closed and the playhead stands at its end (a live run
 * that finished, or a replay played to its end), unless --no-intro too.
 * While a card is open any key only closes it; i opens one again: the
 * first card while the run goes on, the end card once it is over.
 */
#include <stdio.h>
#include <string.h>

#include "app_state.h"
#include "lesson.h"

static const char *scenario_of(const app *a)
{
    if (a->cfg->scenario != NULL)
        return a->cfg->scenario->name;
    return cv_log_meta_get(a->log)->scenario;
}

static bool over(const app *a)
{
    size_t n = cv_log_count(a->log);
    return cv_log_closed(a->log) && n > 0 && a->ph.pos == n;
}

/* Opens the card that fits the moment; false when there is none. */
static bool open_card(app *a)
{
    if (over(a)) {
        a->lesson_end_shown = true;
        if (cv_lesson_end(a->log, cv_log_count(a->log), a->lesson_text,
                          sizeof a->lesson_text) > 0) {
            a->lesson = true;
            return true;
        }
        return false;
    }
    const char *intro = cv_lesson_intro(scenario_of(a));
    if (intro == NULL)
        return false;
    snprintf(a->lesson_text, sizeof a->lesson_text, "%s", intro);
    a->lesson = true;
    return true;
}

void cv_app__lesson_frame(app *a)
{
    if (a->cfg->no_intro || a->lesson)
        return;
    if (!a->lesson_intro_shown) {
        a->lesson_intro_shown = true;
        open_card(a);
    } else if (!a->lesson_end_shown && over(a)) {
        open_card(a);
    }
}

bool cv_app__lesson_key(app *a, int ch)
{
    if (a->lesson) {
        a->lesson = false;
        return true;
    }
    if (ch == 'i') {
        if (!open_card(a))
            cv_app__notice(a, "no lesson card for this run");
        return true;
    }
    return false;
}
