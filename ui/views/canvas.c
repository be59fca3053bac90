/*
 * The canvas keeps one cell per column.  Labels, console lines and glyphs
 * are all one column wide in practice; a character that a terminal would
 * show two columns wide would shift the rest of its row, which is the price
 * of a grid that the tests and the screenshot writer can read trivially.
 */
#include "canvas.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cv_canvas_init(cv_canvas *c, int cols, int rows, bool ascii)
{
    c->cols = cols > 0 ? cols : 0;
    c->rows = rows > 0 ? rows : 0;
    c->ascii = ascii;
    size_t n = (size_t)c->cols * (size_t)c->rows;
    c->cells = calloc(n ? n : 1, sizeof *c->cells);
    if (c->cells == NULL) {
        c->cols = c->rows = 0;
        return -1;
    }
    cv_canvas__clear(c);
    return 0;
}

void cv_canvas_free(cv_canvas *c)
{
    free(c->cells);
    c->cells = NULL;
    c->cols = c->rows = 0;
}

void cv_canvas__clear(cv_canvas *c)
{
    size_t n = (size_t)c->cols * (size_t)c->rows;
    for (size_t i = 0; i < n; i++)
        c->cells[i] = (cv_cell){' ', 0};
}

cv_cell *cv_canvas__at(cv_canvas *c, int x, int y)
{
    if (x < 0 || y < 0 || x >= c->cols || y >= c->rows)
        return NULL;
    return &c->cells[(size_t)y * (size_t)c->cols + (size_t)x];
}

const cv_cell *cv_canvas_get(const cv_canvas *c, int x, int y)
{
    return cv_canvas__at((cv_canvas *)c, x, y);
}

void cv_canvas__put(cv_canvas *c, int x, int y, uint32_t ch, int style)
{
    cv_cell *cell = cv_canvas__at(c, x, y);
    if (cell == NULL)
        return;
    if (ch < 0x20 || (ch >= 0x7f && ch < 0xa0) || (c->ascii && ch > 0x7e))
        ch = '?';
    cell->ch = ch;
    cell->style = (uint8_t)style;
}

void cv_canvas__fill(cv_canvas *c, int x, int y, int w, uint32_t ch, int style)
{
    for (int i = 0; i < w; i++)
        cv_canvas__put(c, x + i, y, ch, style);
}

void cv_canvas__box(cv_canvas *c, int x0, int y0, int w, int h, uint32_t hline, uint32_t vline,
                    int inside, int border)
{
    for (int y = y0; y < y0 + h; y++) {
        cv_canvas__fill(c, x0, y, w, ' ', inside);
        cv_canvas__put(c, x0, y, vline, border);
        cv_canvas__put(c, x0 + w - 1, y, vline, border);
    }
    cv_canvas__fill(c, x0, y0, w, hline, border);
    cv_canvas__fill(c, x0, y0 + h - 1, w, hline, border);
}

/* Decodes one code point from s (advancing it); invalid bytes give '?'. */
static uint32_t utf8_next(const char **s)
{
    const unsigned char *p = (const unsigned char *)*s;
    uint32_t cp;
    int more;
    if (p[0] < 0x80) {
        *s += 1;
        return p[0];
    } else if ((p[0] & 0xe0) == 0xc0) {
        cp = p[0] & 0x1f;
        more = 1;
    } else if ((p[0] & 0xf0) == 0xe0) {
        cp = p[0] & 0x0f;
        more = 2;
    } else if ((p[0] & 0xf8) == 0xf0) {
        cp = p[0] & 0x07;
        more = 3;
    } else {
        *s += 1;
        return '?';
    }
    for (int i = 1; i <= more; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            *s += i; /* stops at a NUL too, since NUL is not a continuation */
            return '?';
        }
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    *s += more + 1;
    return cp;
}

size_t cv_canvas__utf8_put(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    } else if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    } else if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

int cv_canvas__text(cv_canvas *c, int x, int y, int x_end, int style, const char *utf8)
{
    int col = x;
    if (utf8 == NULL)
        return col;
    while (*utf8 != '\0' && col < x_end) {
        uint32_t cp = utf8_next(&utf8);
        if (cp == '\t') {
            int next = x + ((col - x) / 8 + 1) * 8;
            while (col < next && col < x_end)
                cv_canvas__put(c, col++, y, ' ', style);
            continue;
        }
        cv_canvas__put(c, col++, y, cp, style);
    }
    return col;
}

int cv_canvas__printf(cv_canvas *c, int x, int y, int x_end, int style, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return cv_canvas__text(c, x, y, x_end, style, buf);
}

int cv_canvas__text_width(const char *utf8)
{
    int col = 0;
    while (utf8 != NULL && *utf8 != '\0') {
        uint32_t cp = utf8_next(&utf8);
        col = cp == '\t' ? (col / 8 + 1) * 8 : col + 1;
    }
    return col;
}

size_t cv_canvas_row(const cv_canvas *c, int y, char *buf, size_t len)
{
    size_t n = 0, keep = 0;
    if (len == 0)
        return 0;
    for (int x = 0; y >= 0 && y < c->rows && x < c->cols; x++) {
        char enc[4];
        size_t k = cv_canvas__utf8_put(cv_canvas_get(c, x, y)->ch, enc);
        if (n + k >= len)
            break;
        memcpy(buf + n, enc, k);
        n += k;
        if (!(k == 1 && enc[0] == ' '))
            keep = n;
    }
    buf[keep] = '\0';
    return keep;
}

char *cv_canvas_dump(const cv_canvas *c)
{
    size_t rowlen = (size_t)c->cols * 4 + 2;
    char *out = malloc(rowlen * (size_t)(c->rows > 0 ? c->rows : 1) + 1);
    if (out == NULL)
        return NULL;
    size_t n = 0;
    for (int y = 0; y < c->rows; y++) {
        n += cv_canvas_row(c, y, out + n, rowlen);
        out[n++] = '\n';
    }
    out[n] = '\0';
    return out;
}
