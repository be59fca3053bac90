/*
 * The screens, frozen: recorded runs (tests/golden/traces, one per kind of
 * screen: loiter, flags with a pool and HTTP errors, flags on an event
 * loop, the three ways compared, the outcomes not found, HTTP error and
 * timed out, the spinner's two sides and each side alone, its three sides)
 * and a few logs built here are rendered at several moments, sizes and options, and each
 * screen's digest (every cell's character and style) is compared with
 * tests/golden/panes.txt.  So a change to the panes, their registry or the
 * layout that moves one cell, or changes one colour, fails here.
 *
 * The digests are written only on request, after a change that is meant to
 * change the screens:
 *     ./build/tests/test_ui_panes --update     rewrite tests/golden/panes.txt
 *     ./build/tests/test_ui_panes --dump DIR   every screen as text, with a
 *                                              letter per cell for its style
 * A failure prints the first screens that differ, with their style rows.
 *
 * Then the layout's rules, on the registry and on registries made here:
 * where each pane of a real run goes, and that a new pane needs nothing
 * but its descriptor and a line in a registry.
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
#include "layout.h"
#include "lesson.h"
#include "logbuild.h"
#include "model.h"
#include "pane.h"
#include "render.h"
#include "theme.h"
#include "trace.h"
#include "golden_trace.h"

#define MS 1000000LL
#define GOLDEN CV_SOURCE_DIR "/tests/golden/panes.txt"

/* ---- the logs ---------------------------------------------------------- */

static const char *const traces[] = {
    "loiter",      /* loiter --speed 10 */
    "flags_pool",  /* flags --mode threadpool -s ERROR --seed 7 --speed 10 */
    "flags_many",  /* flags -a -l 80 --mode threadpool -m 6 -s ERROR --seed 3 --speed 10 */
    "flags_seq",   /* flags --mode sequential -l 6 --speed 10 */
    "flags_async", /* flags --mode async -s DELAY --seed 7 --speed 10 */
    "spin_sleep",  /* spinner --work sleep --speed 2 */
    "spin_block",  /* spinner --work block --speed 2 */
    "spin_task",   /* spinner --side task --work sleep --speed 2 */
    "spin_thread", /* spinner --side thread --work cpu --speed 2 */
    /* primes --mode threads --workers 2 --rounds 2000 1000000007 1000003
     *        1000000009 9 1000000007: two workers taking turns at the GIL */
    "primes_threads",
    "spin_process", /* spinner --side all --speed 2: three columns */
    /* flags --mode compare -l 8 -s DELAY --delay 0.5 --seed 7 --speed 10:
     * the three ways stacked, each on its own axis */
    "flags_compare",
    /* flags --mode threadpool -e -l 12 -s ERROR --error-rate 0.3 --seed 5
     * --speed 10: not found, HTTP error and timed out, each its own look */
    "flags_errors",
    /* With listing lines, for the source pane: */
    "loiter_src",   /* loiter --speed 10 */
    "spin_src",     /* spinner --work block --speed 2 */
};
#define NTRACES (sizeof traces / sizeof traces[0])

static void ev(cv_log *log, int64_t t, int kind, int state, uint64_t id, uint64_t ref, int lane,
               const char *text)
{
    assert_int_equal(log_event(log, t, kind, state, id, ref, lane, CV_SIDE_NONE, text), 0);
}

/* A map over 3000 futures on 8 workers, more lanes than a small screen
 * holds and more futures than any table does. */
static cv_log *many_log(void)
{
    cv_log *log = cv_log_create();
    assert_non_null(log);
    cv_log_meta meta = {.scenario = "many", .args = "--futures 3000", .speed = 1.0};
    cv_log_set_meta(log, &meta);
    ev(log, 0, CV_EV_HEADER, 0, 0, 0, -1, "many");
    ev(log, 0, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, 0, "main");
    ev(log, 0, CV_EV_THREAD, CV_THREAD_BUSY, 0, 0, 0, NULL);
    char text[64];
    for (int id = 1; id <= 3000; id++) {
        snprintf(text, sizeof text, "job(%d)", id - 1);
        ev(log, id * 1000, CV_EV_FUTURE, CV_PENDING, (uint64_t)id, 0, -1, text);
    }
    for (int lane = 1; lane <= 8; lane++) {
        snprintf(text, sizeof text, "worker %d", lane);
        ev(log, 4 * MS, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, lane, text);
        ev(log, 4 * MS, CV_EV_THREAD, CV_THREAD_BUSY, 0, 0, lane, NULL);
    }
    int64_t t = 4 * MS;
    for (int id = 1; id <= 3000; id++) {
        int lane = 1 + (id - 1) % 8;
        ev(log, t, CV_EV_FUTURE, CV_RUNNING, (uint64_t)id, 0, lane, NULL);
        ev(log, t, CV_EV_WAIT, CV_WAIT_BLOCK, 0, (uint64_t)id, 0, "result");
        t += MS / 4;
        ev(log, t, CV_EV_FUTURE, id % 97 ? CV_FINISHED : CV_FAILED, (uint64_t)id, (uint64_t)id,
           lane, id % 97 ? NULL : "boom");
        ev(log, t, CV_EV_WAIT, CV_WAIT_UNBLOCK, 0, (uint64_t)id, 0, "result");
        snprintf(text, sizeof text, "result %d", id - 1);
        ev(log, t, CV_EV_LOG, 0, 0, 0, 0, text);
    }
    for (int lane = 8; lane >= 0; lane--)
        ev(log, t, CV_EV_THREAD, CV_THREAD_STOPPED, 0, 0, lane, NULL);
    cv_log_publish(log);
    cv_log_close(log);
    return log;
}

/* Only the header: the screen before anything happened. */
static cv_log *empty_log(void)
{
    cv_log *log = cv_log_create();
    assert_non_null(log);
    cv_log_meta meta = {.scenario = "empty", .speed = 1.0};
    cv_log_set_meta(log, &meta);
    cv_log_publish(log);
    return log;
}

/* ---- the screens ------------------------------------------------------- */

/* V_LESSON: the lesson card over the screen, the first card before the
 * end and the end card at the end (ui/model/lesson.c). */
/* V_PRESENT: presenter mode (ui/views/present.c), with the source pane
 * as --present opens it; V_PRESENT_ASCII with --ascii, for the
 * seven-segment clock. */
enum variant { V_PLAIN, V_ASCII, V_REPLAY, V_HELP, V_STATUS, V_LESSON, V_SOURCE, V_PRESENT, V_PRESENT_ASCII };
static const char *const variant_names[] = {"plain",  "ascii",  "replay", "help",         "status",
                                            "lesson", "source", "present", "present-ascii"};

typedef struct shot {
    int cols, rows;
    int variant;
} shot;

/* Every screen size at every moment; the options at two sizes. */
static const shot shots[] = {
    {80, 24, V_PLAIN},   {100, 30, V_PLAIN},  {120, 40, V_PLAIN},  {149, 40, V_PLAIN},
    {150, 40, V_PLAIN},  {160, 50, V_PLAIN},  {200, 60, V_PLAIN},  {79, 24, V_PLAIN},
    {80, 23, V_PLAIN},   {91, 26, V_PLAIN},   {100, 30, V_ASCII},  {160, 50, V_ASCII},
    {100, 30, V_REPLAY}, {120, 40, V_HELP},   {80, 24, V_HELP},    {120, 40, V_STATUS},
    {120, 40, V_LESSON}, {80, 24, V_LESSON},  {120, 40, V_SOURCE}, {200, 60, V_SOURCE},
    {80, 24, V_SOURCE}, {200, 60, V_PRESENT}, {100, 30, V_PRESENT},
    {80, 24, V_PRESENT}, {100, 30, V_PRESENT_ASCII},
};
#define NSHOTS (sizeof shots / sizeof shots[0])

/* Moments, as shares of the run's length. */
static const double moments[] = {0.0, 0.03, 0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 1.0};
#define NMOMENTS (sizeof moments / sizeof moments[0])

/* The screen at `at` ns, as cv_ui_screenshot and the paused UI draw it. */
static void render(cv_canvas *c, const cv_log *log, int64_t at, const shot *s)
{
    size_t count = cv_log_count(log);
    int64_t end = count ? cv_log_at(log, count - 1)->t_ns : 0;
    cv_model m;
    cv_model_init(&m, log);
    bool ascii = s->variant == V_ASCII || s->variant == V_PRESENT_ASCII;
    assert_int_equal(cv_canvas_init(c, s->cols, s->rows, ascii), 0);
    assert_int_equal(cv_model_advance(&m, cv_log_index_at(log, count, at)), 0);
    const cv_log_meta *meta = cv_log_meta_get(log);
    cv_render_opts o = {.ascii = ascii, .help = s->variant == V_HELP,
                        .replay = s->variant == V_REPLAY, .now_ns = at,
                        .span_ns = cv_nice_span(end > at ? end : at), .speed = meta->speed,
                        .mode = at >= end ? "END" : "PAUSED", .args = meta->args,
                        .status = s->variant == V_STATUS ? "scenario failed (status 1)" : NULL,
                        .total = count,
                        .show_source = s->variant == V_SOURCE || s->variant == V_PRESENT ||
                                       s->variant == V_PRESENT_ASCII};
    cv_view present = {.focus = CV_FOCUS_NONE, .present = true};
    if (s->variant == V_PRESENT || s->variant == V_PRESENT_ASCII)
        o.view = &present;
    char lesson[1024];
    if (s->variant == V_LESSON) {
        if (at >= end && cv_lesson_end(log, count, lesson, sizeof lesson) > 0)
            o.lesson = lesson;
        else if (at < end)
            o.lesson = cv_lesson_intro(meta->scenario);
    }
    cv_render(c, &m, &o);
    cv_model_free(&m);
}

static uint64_t digest(const cv_canvas *c)
{
    uint64_t h = 1469598103934665603ULL;
    for (int y = 0; y < c->rows; y++)
        for (int x = 0; x < c->cols; x++) {
            const cv_cell *cell = cv_canvas_get(c, x, y);
            uint8_t b[5] = {(uint8_t)cell->ch, (uint8_t)(cell->ch >> 8),
                            (uint8_t)(cell->ch >> 16), (uint8_t)(cell->ch >> 24), cell->style};
            for (int i = 0; i < 5; i++)
                h = (h ^ b[i]) * 1099511628211ULL;
        }
    return h;
}

/* The text, then one row per screen row with a letter per cell's style. */
static void print_screen(FILE *out, const cv_canvas *c)
{
    char *text = cv_canvas_dump(c);
    assert_non_null(text);
    fputs(text, out);
    free(text);
    fputs("-- styles --\n", out);
    for (int y = 0; y < c->rows; y++) {
        for (int x = 0; x < c->cols; x++)
            fputc('A' + cv_canvas_get(c, x, y)->style, out);
        fputc('\n', out);
    }
}

/* ---- walking every screen ---------------------------------------------- */

typedef void (*visit_fn)(void *ctx, const char *key, const cv_canvas *c);

static void visit_log(const char *name, const cv_log *log, visit_fn fn, void *ctx)
{
    size_t count = cv_log_count(log);
    int64_t end = count ? cv_log_at(log, count - 1)->t_ns : 0;
    for (size_t k = 0; k < NMOMENTS; k++) {
        int64_t at = (int64_t)(moments[k] * (double)end);
        for (size_t i = 0; i < NSHOTS; i++) {
            const shot *s = &shots[i];
            char key[128];
            snprintf(key, sizeof key, "%s@%.2f:%dx%d:%s", name, moments[k], s->cols, s->rows,
                     variant_names[s->variant]);
            cv_canvas c;
            render(&c, log, at, s);
            fn(ctx, key, &c);
            cv_canvas_free(&c);
        }
    }
}

static void visit_all(visit_fn fn, void *ctx)
{
    for (size_t i = 0; i < NTRACES; i++) {
        cv_log *log = trace_log(traces[i]);
        visit_log(traces[i], log, fn, ctx);
        cv_log_destroy(log);
    }
    cv_log *log = many_log();
    visit_log("many", log, fn, ctx);
    cv_log_destroy(log);
    log = empty_log();
    visit_log("empty", log, fn, ctx);
    cv_log_destroy(log);
}

static void write_digest(void *ctx, const char *key, const cv_canvas *c)
{
    fprintf((FILE *)ctx, "%s %016llx\n", key, (unsigned long long)digest(c));
}

static void write_dump(void *ctx, const char *key, const cv_canvas *c)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.txt", (const char *)ctx, key);
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        perror(path);
        exit(1);
    }
    print_screen(f, c);
    fclose(f);
}

typedef struct check {
    char *golden;   /* the whole golden file */
    size_t screens; /* screens rendered */
    size_t differ;  /* of which differ from their digest, or have none */
} check;

static void check_digest(void *ctx, const char *key, const cv_canvas *c)
{
    check *ck = ctx;
    char line[192];
    snprintf(line, sizeof line, "\n%s %016llx\n", key, (unsigned long long)digest(c));
    ck->screens++;
    if (strstr(ck->golden, line) != NULL)
        return;
    if (ck->differ++ < 3) {
        char want[160];
        snprintf(want, sizeof want, "\n%s ", key);
        const char *g = strstr(ck->golden, want);
        fprintf(stderr, "screen %s differs from its golden digest (%s)\n", key,
                g ? "changed" : "no golden line");
        print_screen(stderr, c);
    }
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 2);
    assert_non_null(buf);
    buf[n++] = '\n'; /* so that every line, the first too, follows a newline */
    size_t got;
    while ((got = fread(buf + n, 1, cap + 1 - n, f)) > 0) {
        n += got;
        if (n == cap + 1) {
            cap *= 2;
            buf = realloc(buf, cap + 2);
            assert_non_null(buf);
        }
    }
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (const char *p = s; (p = strchr(p, '\n')) != NULL; p++)
        if (p[1] != '\0' && p[1] != '#' && p[1] != '\n')
            n++;
    return n;
}

static void test_screens_match_golden(void **state)
{
    (void)state;
    check ck = {.golden = read_all(GOLDEN)};
    if (ck.golden == NULL)
        fail_msg("%s is missing: run test_ui_panes --update", GOLDEN);
    visit_all(check_digest, &ck);
    size_t golden_lines = count_lines(ck.golden);
    free(ck.golden);
    if (ck.differ > 0)
        fail_msg("%zu of %zu screens differ from %s", ck.differ, ck.screens, GOLDEN);
    /* Every golden line was matched by a screen, so none is stale. */
    assert_int_equal(golden_lines, ck.screens);
}

/* ---- the layout -------------------------------------------------------- */

/* The rectangle of the pane named `name` (on `side`), or fails. */
static cv_rect rect_of(const cv_layout *l, const char *name, int side)
{
    for (int i = 0; i < l->n; i++)
        if (l->at[i].pane != NULL && strcmp(l->at[i].pane->name, name) == 0 &&
            l->at[i].side == side)
            return l->at[i].r;
    fail_msg("no pane %s (side %d) in the layout", name, side);
    return (cv_rect){0};
}

static bool placed(const cv_layout *l, const char *name)
{
    for (int i = 0; i < l->n; i++)
        if (l->at[i].pane != NULL && strcmp(l->at[i].pane->name, name) == 0)
            return true;
    return false;
}

static void assert_rect(cv_rect r, int x, int y, int w, int h)
{
    if (r.x != x || r.y != y || r.w != w || r.h != h)
        fail_msg("rect %d,%d %dx%d, expected %d,%d %dx%d", r.x, r.y, r.w, r.h, x, y, w, h);
}

/* loiter's end: 4 lanes, 5 futures; the rules of the stacked screen and
 * of the wide one, where table and console stand side by side. */
static void test_layout_one_sided(void **state)
{
    (void)state;
    cv_log *log = trace_log("loiter");
    cv_model m;
    cv_model_init(&m, log);
    assert_int_equal(cv_model_advance(&m, cv_log_count(log)), 0);
    cv_layout l;
    cv_layout__compute(&l, cv_pane__registry, &m, 100, 30, NULL);
    assert_false(l.too_small);
    assert_rect(rect_of(&l, "header", CV_ALL_SIDES), 0, 0, 100, 1);
    assert_rect(rect_of(&l, "caption", CV_ALL_SIDES), 0, 1, 100, 1);
    assert_rect(rect_of(&l, "lanes", CV_ALL_SIDES), 0, 2, 100, 5);  /* 4 lanes, the axis */
    assert_rect(rect_of(&l, "queue", CV_ALL_SIDES), 0, 7, 100, 1);
    assert_rect(rect_of(&l, "table", CV_ALL_SIDES), 0, 8, 100, 6);  /* 5 futures, titles */
    assert_rect(rect_of(&l, "console", CV_ALL_SIDES), 0, 14, 100, 15);
    assert_rect(rect_of(&l, "keys", CV_ALL_SIDES), 0, 29, 100, 1);
    assert_false(placed(&l, "tasks"));
    assert_false(placed(&l, "spinner"));

    /* 24 rows: the lanes get at most 40% of the 20 free rows. */
    cv_layout__compute(&l, cv_pane__registry, &m, 80, 24, NULL);
    assert_rect(rect_of(&l, "lanes", CV_ALL_SIDES), 0, 2, 80, 5);
    cv_layout__compute(&l, cv_pane__registry, &m, 150, 40, NULL);
    assert_rect(rect_of(&l, "table", CV_ALL_SIDES), 0, 8, 82, 31);
    assert_rect(rect_of(&l, "console", CV_ALL_SIDES), 83, 8, 67, 31);
    cv_layout__compute(&l, cv_pane__registry, &m, 79, 40, NULL);
    assert_true(l.too_small);
    assert_int_equal(l.n, 0);
    cv_model_free(&m);
    cv_log_destroy(log);
}

/* The spinner: two columns of side panes, a rule between them. */
static void test_layout_two_sided(void **state)
{
    (void)state;
    cv_log *log = trace_log("spin_block");
    cv_model m;
    cv_model_init(&m, log);
    assert_int_equal(cv_model_advance(&m, cv_log_count(log) / 2), 0);
    assert_true(m.sided);
    cv_layout l;
    cv_layout__compute(&l, cv_pane__registry, &m, 121, 40, NULL);
    assert_rect(rect_of(&l, "side", CV_SIDE_THREAD), 0, 2, 60, 1);
    assert_rect(rect_of(&l, "spinner", CV_SIDE_THREAD), 0, 3, 60, 5);
    assert_rect(rect_of(&l, "side", CV_SIDE_TASK), 61, 2, 60, 1);
    assert_rect(rect_of(&l, "spinner", CV_SIDE_TASK), 61, 3, 60, 5);
    assert_rect(rect_of(&l, "keys", CV_ALL_SIDES), 0, 39, 121, 1);
    bool rule = false;
    for (int i = 0; i < l.n; i++)
        if (l.at[i].pane == NULL && l.at[i].r.x == 60 && l.at[i].r.y == 2 && l.at[i].r.h == 37)
            rule = true;
    assert_true(rule);
    /* The tasks in flight only on the task side; no one-sided pane. */
    cv_rect t = rect_of(&l, "side tasks", CV_SIDE_TASK);
    assert_int_equal(t.x, 61);
    for (int i = 0; i < l.n; i++)
        if (l.at[i].pane != NULL) {
            assert_int_not_equal(l.at[i].pane->where, CV_PANE_BODY);
            if (strcmp(l.at[i].pane->name, "side tasks") == 0)
                assert_int_equal(l.at[i].side, CV_SIDE_TASK);
        }
    cv_model_free(&m);
    cv_log_destroy(log);
}

/* A pane made here: a card of the last event, four rows, shown only when
 * there are futures.  Its descriptor and a registry line are all it takes. */
static void draw_card(cv_canvas *c, cv_rect r, const cv_model *m, const cv_render_opts *o,
                      const cv_focus *f, int side)
{
    (void)o, (void)side;
    cv_canvas__printf(c, r.x, r.y, r.x + r.w, CV_ST_TITLE, "card: %zu futures, event %zu",
                     m->nfuts, f->event);
    for (int y = r.y + 1; y < r.y + r.h; y++)
        cv_canvas__text(c, r.x, y, r.x + r.w, CV_ST_NORMAL, "card line");
}

static bool card_applies(const cv_model *m, int side)
{
    (void)side;
    return m->nfuts > 0;
}

static int card_rows(const cv_model *m, int side)
{
    (void)m, (void)side;
    return 4;
}

static const cv_pane card = {
    .name = "card", .where = CV_PANE_BODY, .priority = 1, .min_rows = 2,
    .applies = card_applies, .rows = card_rows, .draw = draw_card,
};

static void test_new_pane(void **state)
{
    (void)state;
    extern const cv_pane cv_pane__header, cv_pane__console, cv_pane__keys;
    const cv_pane *const registry[] = {&cv_pane__header, &card, &cv_pane__console,
                                       &cv_pane__keys, NULL};
    cv_log *log = trace_log("loiter");
    cv_model m;
    cv_model_init(&m, log);
    assert_int_equal(cv_model_advance(&m, cv_log_count(log)), 0);
    cv_layout l;
    cv_layout__compute(&l, registry, &m, 100, 30, NULL);
    assert_rect(rect_of(&l, "header", CV_ALL_SIDES), 0, 0, 100, 1);
    assert_rect(rect_of(&l, "card", CV_ALL_SIDES), 0, 1, 100, 4);
    assert_rect(rect_of(&l, "console", CV_ALL_SIDES), 0, 5, 100, 24);
    assert_rect(rect_of(&l, "keys", CV_ALL_SIDES), 0, 29, 100, 1);

    /* Drawn in place: the same walk cv_render makes. */
    cv_canvas c;
    assert_int_equal(cv_canvas_init(&c, 100, 30, false), 0);
    cv_render_opts o = {.now_ns = 1, .speed = 1.0};
    cv_focus f = {.event = 7, .lane = -1};
    for (int i = 0; i < l.n; i++)
        l.at[i].pane->draw(&c, l.at[i].r, &m, &o, &f, l.at[i].side);
    char row[512];
    cv_canvas_row(&c, 1, row, sizeof row);
    assert_string_equal(row, "card: 5 futures, event 7");
    cv_canvas_row(&c, 4, row, sizeof row);
    assert_string_equal(row, "card line");
    cv_canvas_row(&c, 5, row, sizeof row);
    assert_string_equal(row, "console");
    cv_canvas_free(&c);

    /* Before any future it does not apply: the console takes its rows. */
    cv_model_reset(&m);
    assert_int_equal(cv_model_advance(&m, 1), 0);
    cv_layout__compute(&l, registry, &m, 100, 30, NULL);
    assert_false(placed(&l, "card"));
    assert_rect(rect_of(&l, "console", CV_ALL_SIDES), 0, 1, 100, 28);
    cv_model_free(&m);
    cv_log_destroy(log);
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--update") == 0) {
        FILE *f = fopen(GOLDEN, "w");
        if (f == NULL) {
            perror(GOLDEN);
            return 1;
        }
        fprintf(f, "# Screen digests for tests/test_ui_panes.c; rewrite with "
                   "test_ui_panes --update.\n");
        visit_all(write_digest, f);
        return fclose(f) == 0 ? 0 : 1;
    }
    if (argc == 3 && strcmp(argv[1], "--dump") == 0) {
        visit_all(write_dump, argv[2]);
        return 0;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_screens_match_golden), cmocka_unit_test(test_layout_one_sided),
        cmocka_unit_test(test_layout_two_sided),     cmocka_unit_test(test_new_pane),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
