/*
 * The card: Enter (or a click) on a future or task opens a box over the
 * screen with its whole story up to the playhead.  The top says what it is
 * now (state, lane, result, what a task awaits) and its times; below, one
 * row per event that names it (model_history.c): its own state changes and
 * the waits on it, each with the event's number (as `g` takes it) and its
 * demo time, so a lecturer can say "event 31: worker 2 picks it up" and
 * jump there.  A task may have thousands of such events: the card shows
 * the first ones and the latest ones, and says how many it left out.
 * Like the rest of the screen it shows only what happened up to the
 * playhead, and it never allocates: the rows it draws are found by a scan
 * of the log into a small array on the stack.
 */
#include <stdio.h>
#include <string.h>

#include "pane.h"
#include "theme.h"

#define CARD_W 76
#define MAX_ROWS 64

/* What event e did to the future, in words, into buf. */
static const char *what_of(const cv_model *m, const cv_event *e, char *buf, size_t len)
{
    char ln[48];
    cv_model_lane_name(m, cv_event_lane_of(e), ln, sizeof ln);
    const char *text = e->text != NULL ? e->text : "";
    if (e->kind == CV_EV_WAIT) {
        if (e->state == CV_WAIT_BLOCK)
            snprintf(buf, len, "%s waits for it (%s)", ln, e->text ? text : "result");
        else
            snprintf(buf, len, "%s stops waiting for it", ln);
    } else if (e->kind == CV_EV_TASK) {
        const char *sn = cv_event_state_name(CV_EV_TASK, e->state);
        if (e->state == CV_TASK_RUNNING)
            snprintf(buf, len, "running on %s", ln);
        else if (e->state == CV_TASK_SUSPENDED)
            snprintf(buf, len, "suspended: awaits %s", text[0] ? text : "something");
        else if (text[0] != '\0' && e->state != CV_TASK_CREATED)
            snprintf(buf, len, "%s: %s", sn ? sn : "?", text);
        else
            snprintf(buf, len, "%s", sn ? sn : "?");
    } else {
        const char *sn = cv_event_state_name(CV_EV_FUTURE, e->state);
        if (e->state == CV_PENDING)
            snprintf(buf, len, "pending: submitted by %s", ln);
        else if (e->state == CV_RUNNING)
            snprintf(buf, len, "running on %s", ln);
        else if (e->state == CV_FINISHED && e->text != NULL)
            snprintf(buf, len, "finished: %s", text);
        else if (e->state == CV_FINISHED)
            snprintf(buf, len, "finished: %lld", (long long)e->ref);
        else if (text[0] != '\0')
            snprintf(buf, len, "%s: %s", sn ? sn : "?", text);
        else
            snprintf(buf, len, "%s", sn ? sn : "?");
    }
    return buf;
}

static void draw_row(cv_canvas *c, int x, int y, int end, const cv_model *m,
                     const cv_render_opts *o, size_t index)
{
    const cv_event *e = cv_log_at(m->log, index);
    char t[24], what[160];
    cv_render__fmt_demo(e->t_ns, o->speed, t, sizeof t);
    bool hot = index + 1 == m->upto; /* the playhead's own event */
    int st = hot ? CV_ST_ROW_HOT : CV_ST_HELP;
    if (hot)
        cv_canvas__fill(c, x - 1, y, end - x + 1, ' ', st);
    cv_canvas__printf(c, x, y, end, hot ? st : CV_ST_DIM, "%8zu", index);
    cv_canvas__text(c, x + 10, y, end, hot ? st : CV_ST_DIM, t);
    cv_canvas__text(c, x + 19, y, end, st, what_of(m, e, what, sizeof what));
}

/* The card's head: what it is, its state now, lane, result, times. */
static int draw_head(cv_canvas *c, int x, int y, int end, const cv_model *m,
                     const cv_render_opts *o, const cv_mfuture *f)
{
    char lb[64], ln[48], a[24], b[24], d[24];
    bool flying = f->task && f->state == CV_RUNNING;
    const char *sn = flying ? cv_event_state_name(CV_EV_TASK, f->tstate)
                            : cv_event_state_name(CV_EV_FUTURE, f->state);
    int st = flying && f->tstate != CV_TASK_RUNNING ? CV_ST_SUSPENDED
                                                   : cv_theme__state_style(f->state);
    int xx = cv_canvas__printf(c, x, y, end, CV_ST_HELP, "%s %llu %s  now ",
                               f->task ? "task" : "future", (unsigned long long)f->id,
                               cv_model_label(f, lb, sizeof lb));
    xx = cv_canvas__text(c, xx, y, end, st, sn ? sn : "?");
    if (f->lane >= 0)
        cv_canvas__printf(c, xx, y, end, CV_ST_HELP, "  lane %s",
                          cv_model_lane_name(m, f->lane, ln, sizeof ln));
    y++;
    const char *sub = f->task ? "created" : "submitted";
    cv_render__fmt_demo(f->t_submit, o->speed, a, sizeof a);
    xx = cv_canvas__printf(c, x, y, end, CV_ST_HELP, "%s %s", sub, f->t_submit >= 0 ? a : "-");
    if (f->t_start >= 0)
        xx = cv_canvas__printf(c, xx, y, end, CV_ST_HELP, "  started %s",
                               cv_render__fmt_demo(f->t_start, o->speed, b, sizeof b));
    if (f->t_end >= 0) {
        xx = cv_canvas__printf(c, xx, y, end, CV_ST_HELP, "  ended %s",
                               cv_render__fmt_demo(f->t_end, o->speed, d, sizeof d));
        if (f->t_start >= 0)
            cv_canvas__printf(c, xx, y, end, CV_ST_DIM, "  (ran %s)",
                              cv_render__fmt_demo(f->t_end - f->t_start, o->speed, a, sizeof a));
    }
    y++;
    if (f->state == CV_FINISHED && f->result != NULL)
        cv_canvas__printf(c, x, y++, end, CV_ST_HELP, "result %s", f->result);
    else if (f->state == CV_FINISHED)
        cv_canvas__printf(c, x, y++, end, CV_ST_HELP, "result %lld", (long long)f->value);
    else if (f->state == CV_FAILED)
        cv_canvas__printf(c, x, y++, end, CV_ST_FAILED, "error %s", f->error ? f->error : "?");
    else if (f->tstate == CV_TASK_SUSPENDED && f->awaits != NULL)
        cv_canvas__printf(c, x, y++, end, CV_ST_SUSPENDED, "awaits %s", f->awaits);
    return y;
}

void cv_card__draw(cv_canvas *c, const cv_model *m, const cv_render_opts *o)
{
    const cv_view *v = o->view;
    const cv_mfuture *f = v != NULL && v->card != 0 ? cv_model_future(m, v->card) : NULL;
    const cv_glyphs *g = cv_theme__glyphs(o->ascii);
    if (f == NULL) {
        if (v == NULL || v->card == 0)
            return;
        /* Stepped back to before it was submitted: the card stays open,
         * and says so, rather than vanish while still taking Esc and q. */
        int w = 60 < c->cols - 2 ? 60 : c->cols - 2, x0 = (c->cols - w) / 2, y0 = c->rows / 2 - 1;
        for (int y = y0; y < y0 + 3; y++)
            cv_canvas__fill(c, x0, y, w, ' ', CV_ST_HELP);
        cv_canvas__fill(c, x0, y0, w, g->hline, CV_ST_DIM);
        cv_canvas__fill(c, x0, y0 + 2, w, g->hline, CV_ST_DIM);
        cv_canvas__printf(c, x0 + 2, y0 + 1, x0 + w - 1, CV_ST_HELP,
                          "id %llu: not submitted yet at the playhead",
                          (unsigned long long)v->card);
        cv_canvas__text(c, x0 + w - 26, y0 + 2, x0 + w - 1, CV_ST_DIM, " Esc, q or Enter closes ");
        return;
    }
    size_t first[MAX_ROWS], last[MAX_ROWS];
    size_t total = cv_model_history(m, f->id, 0, first, MAX_ROWS);
    int w = CARD_W < c->cols - 2 ? CARD_W : c->cols - 2;
    /* Borders, three or four head lines, a rule, the events. */
    int head = 3 + (f->state == CV_FINISHED || f->state == CV_FAILED ||
                    (f->tstate == CV_TASK_SUSPENDED && f->awaits != NULL));
    int room = c->rows - 4 - head - 2;
    room = room < 1 ? 1 : room > MAX_ROWS ? MAX_ROWS : room;
    int nrows = total <= (size_t)room ? (int)total : room;
    int h = nrows + head + 2;
    int x0 = (c->cols - w) / 2, y0 = (c->rows - h) / 2;
    cv_canvas__box(c, x0, y0, w, h, g->hline, g->vline, CV_ST_HELP, CV_ST_DIM);
    cv_canvas__text(c, x0 + 2, y0, x0 + w - 1, CV_ST_TITLE, " card: its story up to the playhead ");
    cv_canvas__text(c, x0 + w - 26, y0 + h - 1, x0 + w - 1, CV_ST_DIM, " Esc, q or Enter closes ");
    int x = x0 + 2, end = x0 + w - 2;
    int y = draw_head(c, x, y0 + 1, end, m, o, f);
    cv_canvas__printf(c, x, y++, end, CV_ST_TITLE, "   event  time      what (%zu event%s name it)",
                      total, total == 1 ? "" : "s");
    if (total <= (size_t)room) {
        for (int i = 0; i < nrows; i++)
            draw_row(c, x, y++, end, m, o, first[i]);
        return;
    }
    /* Too many to list: the first ones, a line for the rest, the latest. */
    int nfirst = (room - 1) / 2, nlast = room - 1 - nfirst;
    cv_model_history(m, f->id, total - (size_t)nlast, last, (size_t)nlast);
    for (int i = 0; i < nfirst; i++)
        draw_row(c, x, y++, end, m, o, first[i]);
    cv_canvas__printf(c, x + 10, y++, end, CV_ST_DIM, "... %zu more ...",
                      total - (size_t)nfirst - (size_t)nlast);
    for (int i = 0; i < nlast; i++)
        draw_row(c, x, y++, end, m, o, last[i]);
}
