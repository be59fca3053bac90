/*
 * The caption: one line in words for the last step (caption.h writes it),
 * cut with an ellipsis when the screen is narrower than the sentence.
 */
#include "caption.h"
#include "pane.h"
#include "theme.h"

static void draw(cv_canvas *c, cv_rect r, const cv_model *m, const cv_render_opts *o,
                 const cv_focus *f, int side)
{
    (void)f, (void)side;
    char text[512];
    cv_canvas__fill(c, r.x, r.y, r.w, ' ', CV_ST_NORMAL);
    if (m->upto == 0) {
        cv_canvas__text(c, r.x + 1, r.y, r.x + r.w, CV_ST_DIM, "waiting for the first event");
        return;
    }
    cv_caption(m, m->upto - 1, text, sizeof text);
    int x = cv_canvas__text(c, r.x, r.y, r.x + r.w, CV_ST_CAPTION, o->ascii ? "> " : "\xe2\x96\xb8 ");
    int end = cv_canvas__text(c, x, r.y, r.x + r.w, CV_ST_CAPTION, text);
    if (end >= r.x + r.w && cv_canvas__text_width(text) > r.x + r.w - x)
        cv_canvas__put(c, r.x + r.w - 1, r.y, o->ascii ? '>' : 0x2026, CV_ST_CAPTION);
}

const cv_pane cv_pane__caption = {
    .name = "caption", .where = CV_PANE_EDGE, .min_rows = 1, .draw = draw,
};
