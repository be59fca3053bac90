/*
 * Big text for the presenter's clock: digits, '.', 's' and ' ' three rows
 * tall.  With Unicode a glyph is a 3x5 bitmap drawn with half blocks, two
 * pixel rows a cell (▀ the upper, ▄ the lower, █ both), so that five rows
 * of pixels fit in three rows of cells; in ASCII it is the seven-segment
 * figure that terminals have always drawn with '_' and '|'.  Either way a
 * character is its bitmap's width plus a column between characters, and
 * both fonts have the same widths, so a layout never depends on --ascii.
 */
#include <string.h>

#include "bigtext.h"

typedef struct big_glyph {
    char ch;
    const char *px[5];   /* '#': a pixel */
    const char *seg[3];  /* the ASCII figure, as wide as px */
} big_glyph;

static const big_glyph font[] = {
    {'0', {"###", "#.#", "#.#", "#.#", "###"}, {" _ ", "| |", "|_|"}},
    {'1', {".#.", "##.", ".#.", ".#.", "###"}, {"   ", "  |", "  |"}},
    {'2', {"###", "..#", "###", "#..", "###"}, {" _ ", " _|", "|_ "}},
    {'3', {"###", "..#", ".##", "..#", "###"}, {" _ ", " _|", " _|"}},
    {'4', {"#.#", "#.#", "###", "..#", "..#"}, {"   ", "|_|", "  |"}},
    {'5', {"###", "#..", "###", "..#", "###"}, {" _ ", "|_ ", " _|"}},
    {'6', {"###", "#..", "###", "#.#", "###"}, {" _ ", "|_ ", "|_|"}},
    {'7', {"###", "..#", "..#", "..#", "..#"}, {" _ ", "  |", "  |"}},
    {'8', {"###", "#.#", "###", "#.#", "###"}, {" _ ", "|_|", "|_|"}},
    {'9', {"###", "#.#", "###", "..#", "###"}, {" _ ", "|_|", " _|"}},
    {'.', {".", ".", ".", ".", "#"}, {" ", " ", "."}},
    /* A small s, so that "1.05s" never reads as "1.055". */
    {'s', {"...", ".##", "#..", "..#", "##."}, {"   ", "   ", " s "}},
    {' ', {".", ".", ".", ".", "."}, {" ", " ", " "}},
};

static const big_glyph *glyph_of(char ch)
{
    for (size_t i = 0; i < sizeof font / sizeof font[0]; i++)
        if (font[i].ch == ch)
            return &font[i];
    return NULL;
}

int cv_bigtext__width(const char *text)
{
    int w = 0;
    for (const char *p = text; *p != '\0'; p++) {
        const big_glyph *g = glyph_of(*p);
        if (g == NULL)
            return -1;
        w += (int)strlen(g->px[0]) + (p[1] != '\0');
    }
    return w;
}

int cv_bigtext__draw(cv_canvas *c, int x, int y, const char *text, bool ascii, int style)
{
    if (cv_bigtext__width(text) < 0)
        return x;
    for (const char *p = text; *p != '\0'; p++) {
        const big_glyph *g = glyph_of(*p);
        int w = (int)strlen(g->px[0]);
        for (int row = 0; row < CV_BIGTEXT_ROWS; row++)
            for (int col = 0; col < w; col++) {
                uint32_t ch;
                if (ascii) {
                    ch = (unsigned char)g->seg[row][col];
                } else {
                    bool top = g->px[2 * row][col] == '#';
                    bool bottom = 2 * row + 1 < 5 && g->px[2 * row + 1][col] == '#';
                    ch = top && bottom ? 0x2588 /* █ */
                         : top         ? 0x2580 /* ▀ */
                         : bottom      ? 0x2584 /* ▄ */
                                       : ' ';
                }
                cv_canvas__put(c, x + col, y + row, ch, style);
            }
        x += w + (p[1] != '\0');
    }
    return x;
}
