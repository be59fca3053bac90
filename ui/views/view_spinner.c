/*
 * The spinner of one side, as big as a lecture hall needs: the latest
 * frame's glyph (\ | / -) drawn five rows high from a small bitmap, with
 * "thinking!" beside it as the book's script prints it, the frame count,
 * and what the spinner is doing: turning, frozen (no frame for several
 * times its usual interval, which is what a blocking call does to the
 * task side), stopped (the line was cleared), or never drawn (the task
 * side's spin, cancelled before it ever ran).  The glyph is cells of
 * one block character, '#' in ASCII, so it needs no font of its own, and
 * a frozen spinner changes style as well as words, for monochrome screens.
 * In presenter mode the glyph grows with its pane: each pixel becomes a
 * square of s rows and 2s columns, s as large as the pane allows (up to
 * PRESENT_SCALE), leaving the words beside it their room.
 */
#include <stdio.h>
#include <string.h>

#include "pane.h"
#include "theme.h"

#define ART_H 5
#define ART_W 5
#define PRESENT_SCALE 4
#define TEXT_W 34 /* "FROZEN: no frame for 2.50s", and a margin */

/* Bitmaps, one string per row, '#' for a pixel; a pixel is 2 cells wide. */
static const char *const art_bar[ART_H] = {"  #  ", "  #  ", "  #  ", "  #  ", "  #  "};
static const char *const art_dash[ART_H] = {"     ", "     ", "#####", "     ", "     "};
static const char *const art_slash[ART_H] = {"    #", "   # ", "  #  ", " #   ", "#    "};
static const char *const art_back[ART_H] = {"#    ", " #   ", "  #  ", "   # ", "    #"};

static const char *const *art_of(const char *glyph)
{
    if (glyph == NULL)
        return NULL;
    switch (glyph[0]) {
    case '|': return art_bar;
    case '-': return art_dash;
    case '/': return art_slash;
    case '\\': return art_back;
    default: return NULL;
    }
}

enum spin_state { SPIN_NONE, SPIN_TURNING, SPIN_FROZEN, SPIN_STOPPED };

/* Frozen: no frame for three usual intervals (and at least 30 ms); the
 * usual interval is the book's 0.1 s until two frames tell. */
static int spin_state(const cv_mside *sd, int64_t now, double speed)
{
    if (sd->frames == 0)
        return SPIN_NONE;
    if (sd->glyph == NULL || sd->glyph[0] == '\0')
        return SPIN_STOPPED;
    int64_t every = sd->frames > 1 ? (sd->t_frame - sd->t_first) / (int64_t)(sd->frames - 1)
                                   : (int64_t)(1e8 / (speed > 0 ? speed : 1.0));
    int64_t limit = 3 * every > 30000000 ? 3 * every : 30000000;
    return now - sd->t_frame > limit ? SPIN_FROZEN : SPIN_TURNING;
}

static void draw(cv_canvas *c, cv_rect r, const cv_model *m, const cv_render_opts *o,
                 const cv_focus *f, int side)
{
    (void)f;
    const cv_glyphs *g = cv_theme__glyphs(o->ascii);
    const cv_mside *sd = &m->sides[side];
    int state = spin_state(sd, o->now_ns, o->speed);
    const char *const *art = art_of(sd->glyph);
    int st = state == SPIN_FROZEN ? CV_ST_FROZEN : CV_ST_SPINNER;
    int end = r.x + r.w;
    int s = 1; /* the scale: rows a pixel */
    while (cv_present__on(o->view) && s < PRESENT_SCALE && r.h >= ART_H * (s + 1) &&
           r.w >= 2 * ART_W * (s + 1) + TEXT_W)
        s++;
    bool big = r.h >= ART_H && r.w >= 2 * ART_W + 14;
    int tx = big ? r.x + 2 * ART_W * s + 3 : r.x;
    if (big && art != NULL && state != SPIN_STOPPED)
        for (int row = 0; row < ART_H * s; row++)
            for (int col = 0; col < ART_W; col++)
                if (art[row / s][col] == '#')
                    cv_canvas__fill(c, r.x + 1 + 2 * s * col, r.y + row, 2 * s, g->block, st);

    char age[32], what[96];
    /* Beside a grown glyph, the words at its middle. */
    int y = r.y + (big ? (s > 1 ? ART_H * s / 2 - 1 : 1) : 0);
    const char *glyph = state == SPIN_TURNING || state == SPIN_FROZEN ? sd->glyph : " ";
    int x = cv_canvas__text(c, tx, y, end, st, glyph);
    x = cv_canvas__text(c, x + 1, y, end, CV_ST_CAPTION, "thinking!");
    if (big)
        x = tx, y++;
    else
        x += 2;
    x = cv_canvas__printf(c, x, y, end, CV_ST_NORMAL, "frame %zu", sd->frames);
    if (big)
        x = tx, y++;
    else
        x += 2;
    cv_render__fmt_demo(o->now_ns - sd->t_frame, o->speed, age, sizeof age);
    switch (state) {
    case SPIN_NONE:
        /* The task side's spinner may never draw at all: when supervisor
         * blocks the loop until it cancels spin, spin never runs. */
        if (side == CV_SIDE_TASK && m->ntasks > 0 && m->ntasks_done == m->ntasks)
            snprintf(what, sizeof what, "never drew a frame: spin never ran");
        else if (side == CV_SIDE_TASK && m->ntasks > 1)
            snprintf(what, sizeof what, "no frame yet: spin has not run");
        else
            snprintf(what, sizeof what, "no frame yet");
        break;
    case SPIN_TURNING:
        snprintf(what, sizeof what, "turning (last frame %s ago)", age);
        break;
    case SPIN_FROZEN:
        snprintf(what, sizeof what, "FROZEN: no frame for %s", age);
        break;
    default:
        snprintf(what, sizeof what, "stopped: the line was cleared");
        break;
    }
    cv_canvas__text(c, x, y, end, state == SPIN_FROZEN ? CV_ST_FROZEN : CV_ST_DIM, what);
    if (big && state == SPIN_FROZEN)
        cv_canvas__text(c, tx, y + 1, end, CV_ST_FROZEN,
                       side == CV_SIDE_TASK      ? "the event loop is not turning"
                       : side == CV_SIDE_PROCESS ? "the spinner process gets no time"
                                                 : "the spinner thread gets no time");
}

/* Big, with the glyph drawn ART_H rows high. */
static int rows(const cv_model *m, int side)
{
    (void)m, (void)side;
    return ART_H;
}

/* Presenter mode: room for the largest glyph, half the column at most. */
static int present_rows(const cv_model *m, int side)
{
    (void)m, (void)side;
    return ART_H * PRESENT_SCALE;
}

const cv_pane cv_pane__spinner = {
    .name = "spinner", .where = CV_PANE_SIDE, .min_rows = 1, .rows = rows, .draw = draw,
    .present_rows = present_rows, .present_share = 50,
};
