/*
 * The stepping keys (issue 12, point 1): → ← by meaning (or every event
 * with `e`), ] [ within the selected lane, task or side, f F through
 * spinner frames, . , by an interval of demo time (`t` sets it).  Each
 * asks ui/model/steps.c where to go and moves the playhead there; a step
 * that finds nothing leaves the playhead put and says so in the header.
 */
#include <stdio.h>
#include <stdlib.h>

#include "app_state.h"
#include "steps.h"
#include "terminal.h"

void cv_app__steps_free(app *a)
{
    cv_steps_index_free(&a->steps);
}

/* The step filter the plain arrows use, with the index of the log's
 * plumbing brought up to date (without memory, the steps classify each
 * event they pass instead). */
static cv_step_filter plain(app *a)
{
    cv_step_filter f = CV_STEP_ALL;
    f.every = a->view.every_event;
    if (cv_steps_index_update(&a->steps, a->log) == 0)
        f.index = &a->steps;
    return f;
}

/* ] and [: the selected task or future, else the selected lane; on a
 * two-sided screen, the selected lane's side.  With nothing selected,
 * what the event at the playhead concerns is the selection. */
static bool selection(app *a, cv_step_filter *f, char *what, size_t len)
{
    *f = plain(a);
    f->lanes = &a->model;
    const cv_model *m = &a->model;
    uint64_t fut = a->view.sel_future;
    int lane = a->view.sel_lane1 - 1;
    int side = CV_SIDE_NONE;
    if (fut == 0 && lane < 0 && a->ph.pos > 0) {
        const cv_event *e = cv_log_at(a->log, a->ph.pos - 1);
        if (e->kind == CV_EV_FUTURE || e->kind == CV_EV_TASK)
            fut = e->id;
        else if (e->kind == CV_EV_WAIT && e->ref != 0)
            fut = e->ref;
        else
            lane = cv_event_lane_of(e);
        side = e->side;
        if (side == CV_SIDE_NONE && m->sided) {
            const cv_mlane *l = cv_model_lane(m, cv_event_lane_of(e));
            side = l != NULL ? l->side : CV_SIDE_NONE;
        }
    } else if (lane >= 0 && m->sided) {
        const cv_mlane *l = cv_model_lane(m, lane);
        side = l != NULL ? l->side : CV_SIDE_NONE;
    }
    if (m->sided && side != CV_SIDE_NONE && a->view.sel_future == 0) {
        f->side = side;
        snprintf(what, len, "the %s side", cv_side_name((unsigned)cv_pane_of_side(side)));
        return true;
    }
    if (fut != 0) {
        f->future = fut;
        const cv_mfuture *mf = cv_model_future(m, fut);
        char lb[64];
        snprintf(what, len, "%s", mf != NULL ? cv_model_label(mf, lb, sizeof lb) : "that future");
        return true;
    }
    if (lane >= 0) {
        f->lane = lane;
        char nm[64];
        snprintf(what, len, "%s", cv_model_lane_name(m, lane, nm, sizeof nm));
        return true;
    }
    return false;
}

/* The selected side for f and F, if a lane is selected on a two-sided
 * screen; else either side. */
static int frame_side(const app *a)
{
    if (a->view.sel_lane1 <= 0 || !a->model.sided)
        return CV_SIDE_NONE;
    const cv_mlane *l = cv_model_lane(&a->model, a->view.sel_lane1 - 1);
    return l != NULL ? l->side : CV_SIDE_NONE;
}

static void go(app *a, size_t pos, const char *none)
{
    if (pos == a->ph.pos && none != NULL) {
        cv_app__notice(a, none);
        cv_playhead_pause(&a->ph);
        return;
    }
    cv_playhead_goto(&a->ph, a->log, pos);
}

/* The interval for . and , in log nanoseconds: the user's (set with t, in
 * demo seconds), else a tenth of the run so far, rounded. */
static int64_t interval_ns(const app *a)
{
    if (a->tick_demo_s > 0) {
        double speed = cv_log_meta_get(a->log)->speed;
        return (int64_t)(a->tick_demo_s / (speed > 0 ? speed : 1.0) * 1e9);
    }
    size_t count = cv_log_count(a->log);
    int64_t end = count > 0 ? cv_log_at(a->log, count - 1)->t_ns : 0;
    int64_t span = cv_nice_span(end > 0 ? end : 1) / 10;
    return span > 0 ? span : 1;
}

/* Moves by the interval.  The time stepped to is kept while the playhead
 * stays where the last such step put it, so that steps across a quiet
 * stretch (no event in one interval) still add up. */
static void by_time(app *a, int dir)
{
    int64_t base = a->ph.pos == a->tick_pos && a->tick_pos != 0 ? a->tick_t : a->ph.t_ns;
    int64_t t = base + dir * interval_ns(a);
    if (t < 0)
        t = 0;
    size_t count = cv_log_count(a->log);
    int64_t end = count > 0 ? cv_log_at(a->log, count - 1)->t_ns : 0;
    if (t > end)
        t = end;
    cv_playhead_goto(&a->ph, a->log, cv_log_index_at(a->log, count, t));
    a->tick_t = t;
    a->tick_pos = a->ph.pos;
}

static void set_interval(app *a, const char *text)
{
    char *end = NULL;
    double v = strtod(text, &end);
    while (end != NULL && *end == ' ')
        end++;
    if (end == text || v <= 0 || (*end != '\0' && !(*end == 's' && end[1] == '\0'))) {
        cv_app__notice(a, "interval: type demo seconds (0.5s)");
        return;
    }
    a->tick_demo_s = v;
    char msg[64];
    snprintf(msg, sizeof msg, ". and , now step %gs of demo time", v);
    cv_app__notice(a, msg);
}

bool cv_app__steps_key(app *a, int ch)
{
    cv_step_filter f;
    char what[80], msg[128];
    switch (ch) {
    case CV_KEY_RIGHT:
    case 'n':
    case 'l':
        f = plain(a);
        go(a, cv_steps_next(a->log, a->ph.mode == CV_PLAY_LIVE ? cv_log_count(a->log) : a->ph.pos,
                            &f), NULL);
        return true;
    case CV_KEY_LEFT:
    case 'p':
    case 'h':
        if (a->ph.mode == CV_PLAY_LIVE)
            a->ph.pos = cv_log_count(a->log);
        f = plain(a);
        go(a, cv_steps_prev(a->log, a->ph.pos, &f), NULL);
        return true;
    case 'e':
        a->view.every_event = !a->view.every_event;
        cv_app__notice(a, a->view.every_event ? "steps: every event (e: by meaning)"
                                              : "steps: by meaning (e: every event)");
        return true;
    case ']':
    case '[':
        if (!selection(a, &f, what, sizeof what)) {
            cv_app__notice(a, "nothing selected to step within");
            return true;
        }
        snprintf(msg, sizeof msg, "no %s event of %s", ch == ']' ? "later" : "earlier", what);
        go(a, ch == ']' ? cv_steps_next(a->log, a->ph.pos, &f) : cv_steps_prev(a->log, a->ph.pos, &f),
           msg);
        return true;
    case 'f':
    case 'F':
        f = (cv_step_filter){.lane = -1, .kind = CV_EV_FRAME, .side = frame_side(a),
                             .lanes = &a->model, .every = true};
        go(a, ch == 'f' ? cv_steps_next(a->log, a->ph.pos, &f) : cv_steps_prev(a->log, a->ph.pos, &f),
           ch == 'f' ? "no later spinner frame" : "no earlier spinner frame");
        return true;
    case '.':
    case ',':
        by_time(a, ch == '.' ? 1 : -1);
        return true;
    case 't':
        cv_app__prompt_open(a, "interval", "demo seconds for . and , (0.5s)", set_interval);
        return true;
    default:
        return false;
    }
}
