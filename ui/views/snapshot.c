/*
 * Screenshots: the same canvas the terminal shows, written as plain text
 * (rows of UTF-8, trailing blanks trimmed) or as SVG (one <text> per row,
 * a <tspan> per run of cells in one style, background rectangles where a
 * style has one), so that a README can show the UI without a terminal.
 * The playhead is placed at a time, like a paused UI after stepping there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "atomic_file.h"
#include "render.h"
#include "snapshot.h"
#include "theme.h"

#define CELL_W 8.4
#define CELL_H 17

static void svg_escape(FILE *out, uint32_t ch)
{
    char enc[4];
    switch (ch) {
    case '&': fputs("&amp;", out); return;
    case '<': fputs("&lt;", out); return;
    case '>': fputs("&gt;", out); return;
    default: fwrite(enc, 1, cv_canvas__utf8_put(ch, enc), out); return;
    }
}

/* How a screenshot looks: a theme, in colour or not. */
typedef struct look {
    int theme;
    bool color;
} look;

/* The attributes a style has in this look. */
static unsigned style_attr(const look *lk, int style)
{
    const cv_style_def *s = &cv_theme__styles(lk->theme)[style];
    return lk->color ? s->attr : s->mono;
}

/* The colours a style has in a screenshot, reverse video applied.  In
 * monochrome every style has the page's foreground and no background of
 * its own, unless reversed. */
static void style_colors(const look *lk, int style, const char **fg, const char **bg)
{
    const cv_style_def *s = &cv_theme__styles(lk->theme)[style];
    short f = lk->color ? s->fg : CV_COL_DEFAULT, b = lk->color ? s->bg : CV_COL_DEFAULT;
    *fg = cv_theme__hex(lk->theme, f, true);
    *bg = b >= 0 ? cv_theme__hex(lk->theme, b, false) : NULL;
    if (style_attr(lk, style) & CV_ATTR_REVERSE) {
        const char *t = *fg;
        *fg = *bg ? *bg : cv_theme__hex(lk->theme, CV_COL_DEFAULT, false);
        *bg = t;
    }
}

static void write_svg(FILE *out, const cv_canvas *c, const look *lk)
{
    double w = c->cols * CELL_W, h = c->rows * CELL_H;
    fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%d\" "
                 "viewBox=\"0 0 %.1f %d\">\n", w, c->rows * CELL_H, w, c->rows * CELL_H);
    fprintf(out, "<rect width=\"100%%\" height=\"100%%\" fill=\"%s\"/>\n", cv_theme__hex(lk->theme, CV_COL_DEFAULT, false));
    (void)h;
    /* Backgrounds first, as runs of cells sharing a background. */
    for (int y = 0; y < c->rows; y++) {
        for (int x = 0; x < c->cols;) {
            const char *fg, *bg;
            style_colors(lk, cv_canvas_get(c, x, y)->style, &fg, &bg);
            int x1 = x + 1;
            while (x1 < c->cols) {
                const char *fg2, *bg2;
                style_colors(lk, cv_canvas_get(c, x1, y)->style, &fg2, &bg2);
                if (bg2 != bg)
                    break;
                x1++;
            }
            if (bg != NULL)
                fprintf(out, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n",
                        x * CELL_W, y * CELL_H, (x1 - x) * CELL_W, CELL_H, bg);
            x = x1;
        }
    }
    fprintf(out, "<g font-family=\"'DejaVu Sans Mono', Menlo, Consolas, monospace\" "
                 "font-size=\"14\" xml:space=\"preserve\">\n");
    for (int y = 0; y < c->rows; y++) {
        fprintf(out, "<text y=\"%d\">", y * CELL_H + 13);
        for (int x = 0; x < c->cols;) {
            int st = cv_canvas_get(c, x, y)->style;
            int x1 = x;
            bool blank = true;
            while (x1 < c->cols && cv_canvas_get(c, x1, y)->style == st) {
                blank &= cv_canvas_get(c, x1, y)->ch == ' ';
                x1++;
            }
            if (!blank) {
                const char *fg, *bg;
                style_colors(lk, st, &fg, &bg);
                unsigned a = style_attr(lk, st);
                fprintf(out, "<tspan x=\"%.1f\" fill=\"%s\"%s%s%s>", x * CELL_W, fg,
                        a & CV_ATTR_BOLD ? " font-weight=\"bold\"" : "",
                        a & CV_ATTR_DIM ? " opacity=\"0.6\"" : "",
                        a & CV_ATTR_UNDERLINE ? " text-decoration=\"underline\"" : "");
                /* One positioned tspan per cell keeps the grid exact even
                 * where a font lacks a glyph and falls back to another. */
                for (int i = x; i < x1; i++) {
                    uint32_t ch = cv_canvas_get(c, i, y)->ch;
                    if (ch == ' ')
                        continue;
                    fprintf(out, "<tspan x=\"%.1f\">", i * CELL_W);
                    svg_escape(out, ch);
                    fputs("</tspan>", out);
                }
                fputs("</tspan>", out);
            }
            x = x1;
        }
        fputs("</text>\n", out);
    }
    fputs("</g>\n</svg>\n", out);
}

int cv_ui_screenshot(const cv_log *log, double at_s, int cols, int rows, bool ascii,
                     const char *path, char *err, size_t errlen)
{
    return cv_ui_screenshot_themed(log, at_s, cols, rows, ascii, CV_THEME_DARK, true, false, false,
                                   path, err, errlen);
}

int cv_ui_screenshot_themed(const cv_log *log, double at_s, int cols, int rows, bool ascii,
                            int theme, bool color, bool present, bool source, const char *path,
                            char *err, size_t errlen)
{
    const char *dot = path ? strrchr(path, '.') : NULL;
    bool svg = dot && strcasecmp(dot, ".svg") == 0;
    if (dot == NULL || (!svg && strcasecmp(dot, ".txt") != 0)) {
        snprintf(err, errlen, "a screenshot is .txt or .svg, not '%s'", path ? path : "");
        return -1;
    }
    if (cols <= 0 || rows <= 0 || cols > 4000 || rows > 2000) {
        snprintf(err, errlen, "screenshot size %dx%d is out of range", cols, rows);
        return -1;
    }
    size_t count = cv_log_count(log);
    /* --at counts demo seconds, as the header's clock does, so that
     * "--speed 20 --at 3" shows the clock at 3.00 s; the log counts real
     * time, demo time divided by the speed. */
    double speed = cv_log_meta_get(log)->speed;
    double at_real = at_s / (speed > 0 ? speed : 1.0);
    int64_t at = at_real < 0 ? 0 : (int64_t)(at_real * 1e9 + 0.5);
    int64_t end = count ? cv_log_at(log, count - 1)->t_ns : 0;
    if (at > end && cv_log_closed(log))
        at = end; /* past the end of a finished run: its last moment */
    cv_model m;
    cv_canvas c;
    cv_model_init(&m, log);
    if (cv_canvas_init(&c, cols, rows, ascii) != 0 ||
        cv_model_advance(&m, cv_log_index_at(log, count, at)) != 0) {
        cv_canvas_free(&c);
        cv_model_free(&m);
        snprintf(err, errlen, "out of memory rendering the screenshot");
        return -1;
    }
    const cv_log_meta *meta = cv_log_meta_get(log);
    cv_render_opts o = {.ascii = ascii, .now_ns = at, .span_ns = cv_nice_span(end > at ? end : at),
                        .speed = meta->speed, .mode = at >= end ? "END" : "PAUSED",
                        .args = meta->args, .total = count, .show_source = source};
    /* Presenter mode lives in the view; a screenshot has no focus. */
    cv_view present_view = {.focus = CV_FOCUS_NONE, .present = true};
    if (present)
        o.view = &present_view;
    cv_render(&c, &m, &o);

    int rc = 0;
    cv_atomic_file af;
    if (cv_atomic_file_open(&af, path, err, errlen) != 0) {
        rc = -1;
    } else {
        if (svg) {
            write_svg(af.fp, &c, &(look){.theme = theme, .color = color});
        } else {
            char *text = cv_canvas_dump(&c);
            if (text != NULL)
                fputs(text, af.fp);
            free(text);
        }
        rc = cv_atomic_file_commit(&af, err, errlen);
    }
    cv_canvas_free(&c);
    cv_model_free(&m);
    return rc;
}
