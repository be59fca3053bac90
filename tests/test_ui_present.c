/*
 * Presenter mode (--present, ui/views/present.c): the big clock says the
 * time the header says, read back from the canvas with a font of our own
 * (the half-block pixels decoded to a 3x5 grid, and the seven-segment
 * figures under --ascii); lanes are two or three rows tall where they fit;
 * the table and console step aside until T and C bring them back; the
 * caption takes two lines; and no size from 80x24 up crashes or makes
 * two panes overlap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "canvas.h"
#include "golden_trace.h"
#include "layout.h"
#include "model.h"
#include "pane.h"
#include "render.h"

/* The screen of `trace` at share `at` of its length, in presenter mode. */
static void render(cv_canvas *c, const char *trace, double at_share, int cols, int rows,
                   bool ascii, cv_view *v)
{
    cv_log *log = trace_log(trace);
    size_t count = cv_log_count(log);
    int64_t end = cv_log_at(log, count - 1)->t_ns;
    int64_t at = (int64_t)(at_share * (double)end);
    cv_model m;
    cv_model_init(&m, log);
    assert_int_equal(cv_canvas_init(c, cols, rows, ascii), 0);
    assert_int_equal(cv_model_advance(&m, cv_log_index_at(log, count, at)), 0);
    const cv_log_meta *meta = cv_log_meta_get(log);
    cv_render_opts o = {.ascii = ascii, .now_ns = at, .span_ns = cv_nice_span(end),
                        .speed = meta->speed, .mode = "PAUSED", .args = meta->args,
                        .total = count, .view = v};
    cv_render(c, &m, &o);
    cv_model_free(&m);
    cv_log_destroy(log);
}

static char *row_text(const cv_canvas *c, int y)
{
    char *text = cv_canvas_dump(c), *p = text;
    for (int i = 0; i < y && p != NULL; i++) {
        p = strchr(p, '\n');
        p = p ? p + 1 : NULL;
    }
    assert_non_null(p);
    char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);
    char *line = malloc(n + 1);
    memcpy(line, p, n);
    line[n] = '\0';
    free(text);
    return line;
}

/* The header's small clock: "t 1.26s" on the first row, into out[32]. */
static void small_clock(const cv_canvas *c, char out[32])
{
    char *line = row_text(c, 0);
    const char *t = strstr(line, " t ");
    assert_non_null(t);
    assert_int_equal(sscanf(t + 3, "%31s", out), 1);
    free(line);
}

/* ---- reading the big digits back --------------------------------------- */

static const struct {
    char ch;
    const char *px; /* 3x5, row by row */
} font[] = {
    {'0', "####.##.##.####"}, {'1', ".#.##..#..#.###"}, {'2', "###..#####..###"},
    {'3', "###..#.##..####"}, {'4', "#.##.####..#..#"}, {'5', "####..###..####"},
    {'6', "####..####.####"}, {'7', "###..#..#..#..#"}, {'8', "####.#####.####"},
    {'9', "####.####..####"}, {'s', "....###....###."},
};

/* The pixel at (col, prow) of the clock's half-block cells. */
static bool pixel(const cv_canvas *c, int x, int y0, int prow)
{
    uint32_t ch = cv_canvas_get(c, x, y0 + prow / 2)->ch;
    bool top = ch == 0x2588 || ch == 0x2580, bottom = ch == 0x2588 || ch == 0x2584;
    return prow % 2 == 0 ? top : bottom;
}

/* Reads the big text right-aligned in rows y0..y0+2, from column x. */
static void read_big(const cv_canvas *c, int x, int y0, char *out, size_t len)
{
    size_t n = 0;
    while (x + 1 < c->cols && n + 1 < len) {
        /* A '.' is one column with only its last pixel. */
        bool dot = pixel(c, x, y0, 4);
        for (int p = 0; p < 4; p++)
            dot &= !pixel(c, x, y0, p);
        bool next = false;
        for (int p = 0; p < 5 && x + 1 < c->cols; p++)
            next |= pixel(c, x + 1, y0, p);
        if (dot && !next) {
            out[n++] = '.';
            x += 2;
            continue;
        }
        char px[16];
        for (int p = 0; p < 15; p++)
            px[p] = pixel(c, x + p % 3, y0, p / 3) ? '#' : '.';
        px[15] = '\0';
        char got = '?';
        for (size_t i = 0; i < sizeof font / sizeof font[0]; i++)
            if (strcmp(px, font[i].px) == 0)
                got = font[i].ch;
        out[n++] = got;
        x += 4;
    }
    out[n] = '\0';
}

/* The seven-segment figures, three rows of three characters. */
static const struct {
    char ch;
    const char *seg;
} segs[] = {
    {'0', " _ | ||_|"}, {'1', "     |  |"}, {'2', " _  _||_ "}, {'3', " _  _| _|"},
    {'4', "   |_|  |"}, {'5', " _ |_  _|"}, {'6', " _ |_ |_|"}, {'7', " _   |  |"},
    {'8', " _ |_||_|"}, {'9', " _ |_| _|"},
};

/* Reads figures from column x on: a '.' takes one column, any other
 * figure three, and a blank column comes between two. */
static void read_segments(const cv_canvas *c, int x, int y0, char *out, size_t len)
{
    size_t n = 0;
    while (x + 1 < c->cols && n + 1 < len) {
        uint32_t bottom = cv_canvas_get(c, x, y0 + 2)->ch;
        if (bottom == '.') {
            out[n++] = '.';
            x += 2;
            continue;
        }
        if (cv_canvas_get(c, x + 1, y0 + 2)->ch == 's') {
            out[n++] = 's';
            x += 4;
            continue;
        }
        char s[10];
        for (int i = 0; i < 9; i++)
            s[i] = (char)cv_canvas_get(c, x + i % 3, y0 + i / 3)->ch;
        s[9] = '\0';
        char got = '?';
        for (size_t i = 0; i < sizeof segs / sizeof segs[0]; i++)
            if (strncmp(s, segs[i].seg, 9) == 0)
                got = segs[i].ch;
        out[n++] = got;
        x += 4;
    }
    out[n] = '\0';
}

/* The clock's first column, if it says `text`: it ends one column
 * before the screen's edge; a '.' is one column wide, the rest three,
 * with one between. */
static int clock_x(const cv_canvas *c, const char *text)
{
    int w = -1;
    for (const char *p = text; *p != '\0'; p++)
        w += (*p == '.' ? 1 : 3) + 1;
    return c->cols - 1 - w;
}

static void test_big_clock_says_the_header_time(void **state)
{
    (void)state;
    static const double moments[] = {0.0, 0.1, 0.3, 0.55, 0.8, 1.0};
    const char *const traces[] = {"loiter", "spin_block"};
    for (size_t t = 0; t < 2; t++)
        for (size_t k = 0; k < sizeof moments / sizeof moments[0]; k++)
            for (int ascii = 0; ascii < 2; ascii++) {
                cv_view v = {.focus = CV_FOCUS_NONE, .present = true};
                cv_canvas c;
                render(&c, traces[t], moments[k], 200, 60, ascii, &v);
                char small[32], big[32];
                small_clock(&c, small);
                if (ascii)
                    read_segments(&c, clock_x(&c, small), 0, big, sizeof big);
                else
                    read_big(&c, clock_x(&c, small), 0, big, sizeof big);
                if (strcmp(small, big) != 0)
                    fail_msg("%s at %.2f%s: the header says %s, the big clock %s", traces[t],
                             moments[k], ascii ? " (ascii)" : "", small, big);
                cv_canvas_free(&c);
            }
}

/* ---- the layout --------------------------------------------------------- */

static const cv_placed *find(const cv_layout *l, const char *name)
{
    for (int i = 0; i < l->n; i++)
        if (l->at[i].pane != NULL && strcmp(l->at[i].pane->name, name) == 0)
            return &l->at[i];
    return NULL;
}

static void layout_of(cv_layout *l, const char *trace, int cols, int rows, const cv_view *v)
{
    cv_log *log = trace_log(trace);
    cv_model m;
    cv_model_init(&m, log);
    assert_int_equal(cv_model_advance(&m, cv_log_count(log)), 0);
    cv_layout__compute(l, cv_pane__registry, &m, cols, rows, v);
    cv_model_free(&m);
    cv_log_destroy(log);
}

static int lanes_tall(const char *trace, int cols, int rows, const cv_view *v)
{
    cv_log *log = trace_log(trace);
    cv_model m;
    cv_model_init(&m, log);
    assert_int_equal(cv_model_advance(&m, cv_log_count(log)), 0);
    cv_layout l;
    cv_layout__compute(&l, cv_pane__registry, &m, cols, rows, v);
    const cv_placed *p = find(&l, "lanes");
    assert_non_null(p);
    int tall = cv_lanes__tall(&m, v, p->side, p->r.h);
    cv_model_free(&m);
    cv_log_destroy(log);
    return tall;
}

static void test_table_and_console_step_aside(void **state)
{
    (void)state;
    cv_layout l;
    cv_view v = {.present = true};
    layout_of(&l, "loiter", 200, 60, &v);
    assert_null(find(&l, "table"));
    assert_null(find(&l, "console"));
    assert_int_equal(find(&l, "header")->r.h, 3);
    assert_int_equal(find(&l, "caption")->r.h, 2);
    /* The keys line stays at the bottom: the lanes take what is left. */
    assert_int_equal(find(&l, "keys")->r.y, 59);
    v.flip_table = true;
    layout_of(&l, "loiter", 200, 60, &v);
    assert_non_null(find(&l, "table"));
    assert_null(find(&l, "console"));
    v.flip_console = true;
    layout_of(&l, "loiter", 200, 60, &v);
    assert_non_null(find(&l, "table"));
    assert_non_null(find(&l, "console"));
    /* On a usual screen the same keys hide them. */
    cv_view usual = {.flip_table = true};
    layout_of(&l, "loiter", 120, 40, &usual);
    assert_null(find(&l, "table"));
    assert_non_null(find(&l, "console"));
    layout_of(&l, "loiter", 120, 40, NULL);
    assert_non_null(find(&l, "table"));
    assert_int_equal(find(&l, "header")->r.h, 1);
}

static void test_lanes_are_tall(void **state)
{
    (void)state;
    cv_view v = {.present = true};
    assert_int_equal(lanes_tall("loiter", 200, 60, &v), 3);
    assert_int_equal(lanes_tall("loiter", 100, 30, &v), 3);
    assert_int_equal(lanes_tall("loiter", 80, 24, &v), 3);
    assert_int_equal(lanes_tall("loiter", 200, 60, NULL), 1);
    /* Seven lanes on 80x24 (17 rows): two rows each. */
    assert_int_equal(lanes_tall("flags_many", 80, 24, &v), 2);
    /* With the table and console back at 80x24, two rows. */
    v.flip_table = v.flip_console = true;
    int t = lanes_tall("loiter", 80, 24, &v);
    assert_true(t >= 1 && t <= 3);
}

/* Every trace at every size from 80x24 up: panes inside the screen and
 * apart, and a render that does not crash. */
static void test_no_overlap_any_size(void **state)
{
    (void)state;
    const char *const traces[] = {"loiter",     "flags_pool", "flags_many",   "flags_async",
                                  "spin_block", "spin_task",  "spin_process", "primes_threads"};
    static const int sizes[][2] = {{80, 24}, {81, 25}, {100, 30}, {120, 40}, {159, 45},
                                   {160, 50}, {200, 60}, {250, 80}};
    for (size_t t = 0; t < sizeof traces / sizeof traces[0]; t++)
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
            int cols = sizes[s][0], rows = sizes[s][1];
            cv_view v = {.focus = CV_FOCUS_NONE, .present = true};
            cv_layout l;
            layout_of(&l, traces[t], cols, rows, &v);
            assert_false(l.too_small);
            for (int i = 0; i < l.n; i++) {
                cv_rect a = l.at[i].r;
                if (a.x < 0 || a.y < 0 || a.x + a.w > cols || a.y + a.h > rows)
                    fail_msg("%s %dx%d: pane %d outside the screen", traces[t], cols, rows, i);
                for (int j = i + 1; j < l.n; j++) {
                    cv_rect b = l.at[j].r;
                    if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h)
                        fail_msg("%s %dx%d: panes %s and %s overlap", traces[t], cols, rows,
                                 l.at[i].pane ? l.at[i].pane->name : "rule",
                                 l.at[j].pane ? l.at[j].pane->name : "rule");
                }
            }
            cv_canvas c;
            render(&c, traces[t], 0.5, cols, rows, false, &v);
            cv_canvas_free(&c);
        }
}

/* The caption wraps onto its second line rather than being cut. */
static void test_caption_wraps(void **state)
{
    (void)state;
    cv_view v = {.focus = CV_FOCUS_NONE, .present = true};
    bool wrapped = false;
    for (double at = 0.0; at <= 1.0 && !wrapped; at += 0.02) {
        cv_canvas c;
        render(&c, "flags_many", at, 80, 24, false, &v);
        char *l1 = row_text(&c, 3), *l2 = row_text(&c, 4);
        assert_int_equal(cv_canvas_get(&c, 0, 3)->style, cv_canvas_get(&c, 79, 4)->style);
        wrapped = strlen(l2) > 2 && strchr(l2, ' ') != NULL;
        if (wrapped) /* a cut would end the first line with an ellipsis */
            assert_null(strstr(l1, "\xe2\x80\xa6"));
        free(l1);
        free(l2);
        cv_canvas_free(&c);
    }
    assert_true(wrapped);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_big_clock_says_the_header_time),
        cmocka_unit_test(test_table_and_console_step_aside),
        cmocka_unit_test(test_lanes_are_tall),
        cmocka_unit_test(test_no_overlap_any_size),
        cmocka_unit_test(test_caption_wraps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
