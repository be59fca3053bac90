/*
 * Keys: each one changes the playhead, the view, or the app (help, quit,
 * restart).  A question ("quit? y/n") or an open prompt takes the keys
 * first; the help box closes on any key.  The screen then shows the
 * change at the next frame: a key never draws.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_state.h"
#include "clock.h"
#include "pane.h"
#include "terminal.h"

void cv_app__notice(app *a, const char *text)
{
    snprintf(a->notice, sizeof a->notice, "%s", text);
    a->notice_until = cv_clock_mono_ns() + 2000000000LL;
}

/* Whether q or r would throw away something the lecturer prepared: a
 * live run that is paused or was stepped (a replay stays on disk, and a
 * live run never touched quits at once, so a lecture ends fast). */
static bool worth_asking(const app *a)
{
    return a->run != NULL && (a->stepped || a->ph.mode != CV_PLAY_LIVE);
}

/* The answer to "quit? y/n" or "restart? y/n": y does it, any other key
 * only cancels (it is not also taken as a command). */
static void answer(app *a, int ch)
{
    int what = a->asking;
    a->asking = 0;
    if (ch != 'y' && ch != 'Y') {
        cv_app__notice(a, what == 'q' ? "not quitting" : "not restarting");
        return;
    }
    if (what == 'q')
        a->quit = 0;
    else
        cv_app__restart(a);
}

/* `g`: an event number ("120") or a demo time ("1.5s", "1.5") to go to. */
static void go_to(app *a, const char *text)
{
    char *end = NULL;
    size_t count = cv_log_count(a->log);
    double v = strtod(text, &end);
    if (end == text || v < 0) {
        cv_app__notice(a, "go to: type an event number (120) or a time (1.5s)");
        return;
    }
    while (*end == ' ')
        end++;
    bool is_time = *end == 's' || strchr(text, '.') != NULL;
    if ((*end != '\0' && !(*end == 's' && end[1] == '\0'))) {
        cv_app__notice(a, "go to: type an event number (120) or a time (1.5s)");
        return;
    }
    if (is_time) {
        double speed = cv_log_meta_get(a->log)->speed;
        int64_t t = (int64_t)(v / (speed > 0 ? speed : 1.0) * 1e9);
        cv_playhead_goto(&a->ph, a->log, cv_log_index_at(a->log, count, t));
    } else {
        if (v >= (double)count + 1) {
            char msg[96];
            snprintf(msg, sizeof msg, "go to: the log has %zu events so far", count);
            cv_app__notice(a, msg);
        }
        /* Event i (counted from 0) is shown once the first i + 1 are. */
        cv_playhead_goto(&a->ph, a->log, (size_t)v + 1);
    }
}

void cv_app__key(app *a, int ch)
{
    int64_t clock = cv_clock_mono_ns();
    a->oom = false; /* a seek out of memory stopped; a key tries again */
    if (ch == CV_KEY_RESIZE)
        return; /* the next frame takes the new size */
    if (a->asking != 0) {
        answer(a, ch);
        return;
    }
    if (a->prompt.label != NULL) {
        cv_app__prompt_key(a, ch);
        return;
    }
    if (cv_app__lesson_key(a, ch))
        return;
    if (a->help) {
        /* ? turns the page of a help box in two pages; any other key,
         * q and Esc included, closes it. */
        if (ch == '?' && a->help_page == 0 &&
            cv_help__paged(a->canvas.rows, a->cfg->replay != NULL)) {
            a->help_page = 1;
            return;
        }
        a->help = false;
        return;
    }
    if (cv_app__card_key(a, ch))
        return;
    if (a->view.history) {
        cv_app__history_key(a, ch);
        return;
    }
    if (ch == 'c') {
        cv_app__history_open(a);
        return;
    }
    if (cv_app__steps_key(a, ch))
        ch = 0; /* a step (app_steps.c); the switch below has nothing to do */
    switch (ch) {
    case 'q':
    case 'Q':
        if (worth_asking(a))
            a->asking = 'q';
        else
            a->quit = 0;
        break;
    case '?':
        a->help = true;
        a->help_page = 0;
        break;
    case ' ':
        if (a->ph.mode == CV_PLAY_PAUSED)
            cv_playhead_play(&a->ph, clock);
        else
            cv_playhead_pause(&a->ph);
        break;
    case CV_KEY_HOME:
        cv_playhead_first(&a->ph, a->log);
        break;
    case 'g':
        cv_app__prompt_open(a, "go to", "an event number (120) or a time (1.5s)", go_to);
        break;
    case 'm':
    case '\'':
    case '"':
        cv_app__marks_key(a, ch);
        break;
    case CV_KEY_END:
    case 'G':
        cv_playhead_live(&a->ph);
        break;
    case '+':
    case '=':
    case '-':
    case '_':
        if (!cv_playhead_rate(&a->ph, ch == '+' || ch == '=' ? 1 : -1, clock))
            cv_app__notice(a, a->ph.mode == CV_PLAY_LIVE
                                  ? "the rate applies when paused or playing"
                                  : "that is the limit");
        break;
    case 'r':
    case 'R':
        if (a->cfg->replay != NULL) {
            cv_app__notice(a, "a replay cannot restart");
            break;
        }
        if (worth_asking(a))
            a->asking = 'r';
        else
            cv_app__restart(a);
        break;
    case '\t':
    case CV_KEY_BTAB:
    case 'j':
    case 'k':
    case CV_KEY_DOWN:
    case CV_KEY_UP:
    case CV_KEY_PGDN:
    case CV_KEY_PGUP:
    case CV_KEY_WHEEL_DOWN:
    case CV_KEY_WHEEL_UP:
    case '*':
    case CV_KEY_BACKSPACE:
    case 127:
    case 8:
    case '\r':
    case '\n':
    case CV_KEY_ENTER:
    case CV_KEY_CLICK:
        cv_app__focus_key(a, ch); /* app_focus.c */
        break;
    case 'z':
    case 'x':
    case '<':
    case '>':
    case '0':
    case 'o':
    case 'v':
        cv_app__timeline_key(a, ch);
        break;
    case 's':
        a->source = !a->source; /* the source pane (view_source.c) */
        break;
    case 'T':
    case 'C': {
        /* The table and the console, hidden in presenter mode, shown
         * otherwise: the key turns its pane the other way. */
        bool *flip = ch == 'T' ? &a->view.flip_table : &a->view.flip_console;
        *flip = !*flip;
        bool on = a->view.present == *flip;
        cv_app__notice(a, ch == 'T' ? (on ? "table shown (T hides it)" : "table hidden (T shows it)")
                                    : (on ? "console shown (C hides it)"
                                          : "console hidden (C shows it)"));
        break;
    }
    case 12: /* Ctrl-L */
        cv_term__redraw();
        break;
    default:
        break;
    }
    /* A key that paused the run or moved the playhead off live (any of
     * them, whatever the switch grows) made something a quit or restart
     * would discard; End back to live does not undo that. */
    if (a->ph.mode != CV_PLAY_LIVE && a->quit < 0)
        a->stepped = true;
}
