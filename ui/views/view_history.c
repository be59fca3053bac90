/*
 * The caption history box, drawn over the screen by `c`: past captions
 * with their event numbers, latest at the bottom, the selected one
 * highlighted.  The front end chose the rows (cv_view.hist_rows), so
 * drawing only places them.
 */
#include "pane.h"
#include "theme.h"

void cv_history__draw(cv_canvas *c, const cv_render_opts *o)
{
    const cv_view *v = o->view;
    const cv_glyphs *g = cv_theme__glyphs(o->ascii);
    int w = c->cols - 4, h = cv_history_visible(c->rows) + 2;
    if (w < 20 || h > c->rows)
        return;
    int x0 = 2, y0 = (c->rows - h) / 2, end = x0 + w - 1;
    cv_canvas__box(c, x0, y0, w, h, g->hline, g->vline, CV_ST_HELP, CV_ST_DIM);
    int x = cv_canvas__printf(c, x0 + 2, y0, end, CV_ST_TITLE, " caption history: %zu step%s ",
                              v->hist_total, v->hist_total == 1 ? "" : "s");
    cv_canvas__text(c, x + 1, y0, end, CV_ST_DIM, " Enter goes there, Esc/c/q close ");
    if (v->hist_n == 0) {
        cv_canvas__text(c, x0 + 2, y0 + 1, end, CV_ST_DIM, "no step before the playhead yet");
        return;
    }
    /* Latest at the bottom: the rows fill the box from its last line up. */
    int y = y0 + h - 1 - v->hist_n;
    for (int i = 0; i < v->hist_n; i++, y++) {
        int st = i == v->hist_sel ? CV_ST_ROW_HOT : CV_ST_HELP;
        if (i == v->hist_sel) {
            /* A mark as well as the highlight, for a screen without colour. */
            cv_canvas__fill(c, x0 + 1, y, w - 2, ' ', st);
            cv_canvas__put(c, x0 + 1, y, '>', st);
        }
        int tx = cv_canvas__printf(c, x0 + 2, y, end, st, "%7zu  ", v->hist_rows[i].event);
        cv_canvas__text(c, tx, y, end - 1, st, v->hist_rows[i].text);
    }
}
