/*
 * The caption: one line in words for the last step (caption.h writes it),
 * cut with an ellipsis when the screen is narrower than the sentence.  In
 * presenter mode it is two lines on a solid band, bold, the sentence
 * wrapped between words rather than cut, so that the back of a hall reads
 * all of it; only a sentence longer than two lines is cut.
 */
#include <stdio.h>
#include <string.h>

#include "caption.h"
#include "pane.h"
#include "theme.h"

/* The width of the first n bytes of text. */
static int width_of(const char *text, size_t n)
{
    char buf[512];
    n = n < sizeof buf - 1 ? n : sizeof buf - 1;
    memcpy(buf, text, n);
    buf[n] = '\0';
    return cv_canvas__text_width(buf);
}

/* Where to break text to fit w columns: after the last space that
 * fits, else (one long word) at w columns' worth of bytes; the whole
 * length if it fits. */
static size_t break_at(const char *text, int w)
{
    size_t n = strlen(text), cut = 0;
    if (cv_canvas__text_width(text) <= w)
        return n;
    for (size_t i = 1; i < n; i++)
        if (text[i] == ' ' && width_of(text, i) <= w)
            cut = i;
    if (cut == 0) /* no space fits: cut the word, at a character's start */
        for (size_t i = 1; i < n && width_of(text, i) <= w; i++)
            if (((unsigned char)text[i] & 0xC0) != 0x80)
                cut = i;
    return cut;
}

static void draw_band(cv_canvas *c, cv_rect r, const char *mark, const char *text)
{
    int st = CV_ST_CAPTION_BAND, end = r.x + r.w - 1;
    for (int y = r.y; y < r.y + r.h; y++)
        cv_canvas__fill(c, r.x, y, r.w, ' ', st);
    int x = cv_canvas__text(c, r.x + 1, r.y, end, st, mark);
    for (int y = r.y; y < r.y + r.h && *text != '\0'; y++) {
        size_t n = break_at(text, end - x);
        char line[512];
        snprintf(line, sizeof line, "%.*s", (int)n, text);
        int to = cv_canvas__text(c, x, y, end, st, line);
        text += n;
        while (*text == ' ')
            text++;
        if (*text != '\0' && y == r.y + r.h - 1)
            cv_canvas__put(c, to < end ? to : end - 1, y, mark[0] == '>' ? '>' : 0x2026, st);
    }
}

static void draw(cv_canvas *c, cv_rect r, const cv_model *m, const cv_render_opts *o,
                 const cv_focus *f, int side)
{
    (void)f, (void)side;
    char text[512];
    const char *mark = o->ascii ? "> " : "\xe2\x96\xb8 ";
    bool band = cv_present__on(o->view);
    cv_canvas__fill(c, r.x, r.y, r.w, ' ', CV_ST_NORMAL);
    if (m->upto == 0) {
        snprintf(text, sizeof text, "waiting for the first event");
        if (band)
            draw_band(c, r, mark, text);
        else
            cv_canvas__text(c, r.x + 1, r.y, r.x + r.w, CV_ST_DIM, text);
        return;
    }
    cv_caption(m, m->upto - 1, text, sizeof text);
    if (band) {
        draw_band(c, r, mark, text);
        return;
    }
    int x = cv_canvas__text(c, r.x, r.y, r.x + r.w, CV_ST_CAPTION, mark);
    int end = cv_canvas__text(c, x, r.y, r.x + r.w, CV_ST_CAPTION, text);
    if (end >= r.x + r.w && cv_canvas__text_width(text) > r.x + r.w - x)
        cv_canvas__put(c, r.x + r.w - 1, r.y, o->ascii ? '>' : 0x2026, CV_ST_CAPTION);
}

/* Presenter mode: two lines. */
static int present_rows(const cv_model *m, int side)
{
    (void)m, (void)side;
    return 2;
}

const cv_pane cv_pane__caption = {
    .name = "caption", .where = CV_PANE_EDGE, .min_rows = 1, .draw = draw,
    .present_rows = present_rows,
};
