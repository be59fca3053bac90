/*
 * The lesson card (ui/model/lesson.c says what is on it): a box over the
 * screen, its first line the title, the rest the lines of the card.  The
 * front end computes the text when it opens the card, so drawing is only
 * copying lines; the box is as wide as its longest line and as the screen
 * allows.
 */
#include <string.h>

#include "pane.h"
#include "theme.h"

#define LESSON_MAX_LINES 16

void cv_lesson__draw(cv_canvas *c, const cv_render_opts *o)
{
    const cv_glyphs *g = cv_theme__glyphs(o->ascii);
    const char *starts[LESSON_MAX_LINES];
    int lens[LESSON_MAX_LINES], n = 0, widest = 0;
    for (const char *p = o->lesson; p != NULL && *p != '\0' && n < LESSON_MAX_LINES; n++) {
        const char *nl = strchr(p, '\n');
        int len = nl != NULL ? (int)(nl - p) : (int)strlen(p);
        starts[n] = p;
        lens[n] = len;
        char line[256];
        int k = len < (int)sizeof line - 1 ? len : (int)sizeof line - 1;
        memcpy(line, p, (size_t)k);
        line[k] = '\0';
        int w = cv_canvas__text_width(line);
        widest = w > widest ? w : widest;
        p = nl != NULL ? nl + 1 : NULL;
    }
    if (n == 0)
        return;
    const char *foot = " any key closes ";
    int w = widest + 6, h = n + 2;
    if (w < 40)
        w = 40;
    if (w > c->cols - 2)
        w = c->cols - 2;
    if (h > c->rows - 2)
        h = c->rows - 2;
    int x0 = (c->cols - w) / 2, y0 = (c->rows - h) / 2;
    cv_canvas__box(c, x0, y0, w, h, g->hline, g->vline, CV_ST_HELP, CV_ST_DIM);
    cv_canvas__text(c, x0 + w - 2 - (int)strlen(foot), y0 + h - 1, x0 + w - 1, CV_ST_DIM, foot);
    int end = x0 + w - 2;
    /* The title on the top border, the rest below with a blank line. */
    for (int i = 0; i < n; i++) {
        char line[256];
        int k = lens[i] < (int)sizeof line - 1 ? lens[i] : (int)sizeof line - 1;
        memcpy(line, starts[i], (size_t)k);
        line[k] = '\0';
        int y = i == 0 ? y0 : y0 + 1 + i;
        if (y >= y0 + h - 1 && i > 0)
            break;
        if (i == 0)
            cv_canvas__printf(c, x0 + 2, y, end, CV_ST_TITLE, " %s ", line);
        else
            cv_canvas__text(c, x0 + 3, y, end, CV_ST_HELP, line);
    }
}
