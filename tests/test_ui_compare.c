/*
 * A comparison on one screen (view_compare.c), on a log built here: three
 * sections, sequential for 10 s on main, a pool of two workers for 0.5 s,
 * an event loop for 2 s.  The model knows the sections from their marks
 * alone; each section's axis starts at its own t = 0 (its first bar starts
 * in the first column of the axis), all on one scale (a 0.5 s bar is a
 * twentieth of a 10 s one); sections not started yet say so, and stepping
 * back across a section forgets it again.  The screen at 80x24 keeps every
 * section's title inside the screen.
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
#include "logbuild.h"
#include "model.h"
#include "pane.h"
#include "render.h"
#include "theme.h"

#define MS 1000000LL

static void ev(cv_log *log, int64_t t_ns, int kind, int state, uint64_t id, uint64_t ref,
               int lane, const char *text)
{
    assert_int_equal(log_event(log, t_ns, kind, state, id, ref, lane, CV_SIDE_NONE, text), 0);
}

static void mark(cv_log *log, int64_t t_ns, int code, uint64_t ref, const char *text)
{
    cv_event e = {.t_ns = t_ns, .kind = CV_EV_MARK, .code = code, .ref = ref, .lane = 0,
                  .text = strdup(text)};
    assert_int_equal(cv_log_append(log, &e), 0);
}

/* A future `id` run on `lane` from t0 to t1. */
static void job(cv_log *log, uint64_t id, const char *label, int lane, int64_t t0, int64_t t1)
{
    ev(log, t0, CV_EV_FUTURE, CV_PENDING, id, 0, -1, label);
    ev(log, t0, CV_EV_FUTURE, CV_RUNNING, id, 0, lane, NULL);
    ev(log, t1, CV_EV_FUTURE, CV_FINISHED, id, 0, lane, NULL);
}

static const char *const names[] = {"sequential", "threadpool", "async"};

static cv_log *compare_log(void)
{
    cv_log *log = cv_log_create();
    assert_non_null(log);
    cv_log_meta meta = {.scenario = "flags", .speed = 1.0};
    cv_log_set_meta(log, &meta);
    ev(log, 0, CV_EV_HEADER, 0, 0, 0, -1, "flags");
    ev(log, 0, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, 0, "main");
    ev(log, 0, CV_EV_THREAD, CV_THREAD_BUSY, 0, 0, 0, NULL);
    for (int k = 0; k < 3; k++)
        mark(log, 1 * MS, CV_MARK_SECTION_PLAN, (uint64_t)k, names[k]);
    /* Sequential: 1 ms to 10.001 s, two 5 s downloads on main. */
    mark(log, 1 * MS, CV_MARK_SECTION, 0, names[0]);
    job(log, 1, "AA", 0, 1 * MS, 5001 * MS);
    job(log, 2, "BB", 0, 5001 * MS, 10001 * MS);
    /* The pool: two workers, 0.5 s each, from 10.001 s. */
    mark(log, 10001 * MS, CV_MARK_SECTION, 1, names[1]);
    for (int w = 1; w <= 2; w++) {
        ev(log, 10001 * MS, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, w, w == 1 ? "worker 1" : "worker 2");
        ev(log, 10001 * MS, CV_EV_THREAD, CV_THREAD_BUSY, 0, 0, w, NULL);
    }
    job(log, 3, "AA", 1, 10001 * MS, 10501 * MS);
    job(log, 4, "BB", 2, 10001 * MS, 10501 * MS);
    for (int w = 1; w <= 2; w++)
        ev(log, 10501 * MS, CV_EV_THREAD, CV_THREAD_STOPPED, 0, 0, w, NULL);
    /* Async: 2 s on main, from 10.501 s. */
    mark(log, 10501 * MS, CV_MARK_SECTION, 2, names[2]);
    job(log, 5, "CC", 0, 10501 * MS, 12501 * MS);
    cv_log_publish(log);
    cv_log_close(log);
    return log;
}

static void render(cv_canvas *c, const cv_model *m)
{
    cv_render_opts o = {.now_ns = m->t_last, .speed = 1.0, .mode = "PAUSED",
                        .total = cv_log_count(m->log)};
    cv_render(c, m, &o);
}

static char *row_text(const cv_canvas *c, int y, char *buf, size_t len)
{
    size_t n = 0;
    for (int x = 0; x < c->cols && n + 5 < len; x++)
        n += cv_canvas__utf8_put(cv_canvas_get(c, x, y)->ch, buf + n);
    buf[n] = '\0';
    return buf;
}

/* The row whose text starts with `prefix`, or -1. */
static int find_row(const cv_canvas *c, const char *prefix)
{
    char buf[2048];
    for (int y = 0; y < c->rows; y++)
        if (strncmp(row_text(c, y, buf, sizeof buf), prefix, strlen(prefix)) == 0)
            return y;
    return -1;
}

/* The cells of row y drawn as a finished bar (its body, end or label):
 * the first column and how many. */
static int bar_cells(const cv_canvas *c, int y, int *first)
{
    int n = 0;
    *first = -1;
    for (int x = 0; x < c->cols; x++) {
        int st = cv_canvas_get(c, x, y)->style;
        if (st == CV_ST_FINISHED || st == CV_ST_BAR_FINISHED) {
            if (*first < 0)
                *first = x;
            n++;
        }
    }
    return n;
}

static void test_sections_from_marks(void **state)
{
    (void)state;
    cv_log *log = compare_log();
    cv_model m;
    cv_model_init(&m, log);
    assert_int_equal(cv_model_advance(&m, cv_log_count(log)), 0);
    assert_int_equal(m.nsections, 3);
    for (int k = 0; k < 3; k++) {
        assert_true(m.sections[k].started);
        assert_string_equal(m.sections[k].name, names[k]);
    }
    assert_int_equal(m.sections[1].t0, 10001 * MS);
    assert_int_equal(cv_model_section_end(&m, 0), 10001 * MS);
    assert_int_equal(cv_model_section_end(&m, 1), 10501 * MS);
    assert_int_equal(cv_model_section_end(&m, 2), m.t_last);
    /* Back to before the pool: it and async are planned, not started. */
    size_t before = 0;
    while (cv_log_at(log, before)->t_ns < 10001 * MS)
        before++;
    assert_int_equal(cv_model_seek(&m, before), 0);
    assert_int_equal(m.nsections, 3);
    assert_true(m.sections[0].started);
    assert_false(m.sections[1].started);
    assert_false(m.sections[2].started);
    assert_int_equal(cv_model_section_end(&m, 1), -1);
    cv_model_free(&m);
    cv_log_destroy(log);
}

/* Each section on its own axis from its own 0, one scale for all. */
static void test_own_axis_one_scale(void **state)
{
    (void)state;
    cv_log *log = compare_log();
    cv_model m;
    cv_model_init(&m, log);
    assert_int_equal(cv_model_advance(&m, cv_log_count(log)), 0);
    cv_canvas c;
    assert_int_equal(cv_canvas_init(&c, 160, 50, false), 0);
    render(&c, &m);
    int ys = find_row(&c, "sequential"), yp = find_row(&c, "threadpool"),
        ya = find_row(&c, "async");
    if (ys < 0 || yp < 0 || ya < 0) {
        char *d = cv_canvas_dump(&c);
        print_error("%s\n", d);
        free(d);
        fail();
    }
    assert_true(ys < yp && yp < ya);
    /* The rows below each title: its strip, then its lanes, main first. */
    int main_seq = ys + 2, w1 = yp + 3, main_async = ya + 2;
    char buf[2048];
    assert_non_null(strstr(row_text(&c, main_seq, buf, sizeof buf), "main"));
    assert_non_null(strstr(row_text(&c, w1, buf, sizeof buf), "worker 1"));
    assert_non_null(strstr(row_text(&c, main_async, buf, sizeof buf), "main"));
    /* Finished bars start in the same column in every section: each
     * axis starts at its section's own 0. */
    int fs, fp, fa;
    int ns = bar_cells(&c, main_seq, &fs);
    int np = bar_cells(&c, w1, &fp);
    int na = bar_cells(&c, main_async, &fa);
    assert_true(ns > 0 && np > 0 && na > 0);
    assert_int_equal(fs, fp);
    assert_int_equal(fs, fa);
    /* One scale: 10 s, 0.5 s and 2 s of bars, to a cell or two. */
    if (!(ns >= 15 * np && ns <= 25 * np + 25 && na >= 3 * np && na <= 5 * np + 4 &&
          4 * na <= ns + 8 && 6 * na >= ns - 12)) {
        print_error("bars of %d, %d and %d cells\n", ns, np, na);
        fail();
    }
    /* Nothing of the sequential run leaks into the later sections. */
    assert_null(strstr(row_text(&c, main_async, buf, sizeof buf), "AA"));
    cv_canvas_free(&c);
    cv_model_free(&m);
    cv_log_destroy(log);
}

/* Live, half-way through the pool: async is not started yet; at 80x24
 * every section's title still fits. */
static void test_not_started_and_small(void **state)
{
    (void)state;
    cv_log *log = compare_log();
    size_t upto = 0;
    while (cv_log_at(log, upto)->t_ns <= 10001 * MS)
        upto++;
    cv_model m;
    cv_model_init(&m, log);
    assert_int_equal(cv_model_seek(&m, upto), 0);
    cv_canvas c;
    assert_int_equal(cv_canvas_init(&c, 120, 40, false), 0);
    render(&c, &m);
    int ya = find_row(&c, "async");
    assert_true(ya >= 0);
    char buf[2048];
    assert_non_null(strstr(row_text(&c, ya, buf, sizeof buf), "not started yet"));
    cv_canvas_free(&c);
    assert_int_equal(cv_model_seek(&m, cv_log_count(log)), 0);
    assert_int_equal(cv_canvas_init(&c, 80, 24, false), 0);
    render(&c, &m);
    int ys = find_row(&c, "sequential"), yp = find_row(&c, "threadpool");
    ya = find_row(&c, "async");
    assert_true(ys > 0 && ys < yp && yp < ya && ya < 23);
    cv_canvas_free(&c);
    cv_model_free(&m);
    cv_log_destroy(log);
}

/* An event loop's section draws each task in flight as a bar under the
 * loop's lane, packed by time: A and B overlap, C overlaps both, D starts
 * after A ended, so four tasks take three rows and D shares A's row. */
static void test_tasks_in_flight(void **state)
{
    (void)state;
    cv_log *log = cv_log_create();
    assert_non_null(log);
    cv_log_meta meta = {.scenario = "flags", .speed = 1.0};
    cv_log_set_meta(log, &meta);
    ev(log, 0, CV_EV_HEADER, 0, 0, 0, -1, "flags");
    ev(log, 0, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, 0, "main");
    mark(log, 1 * MS, CV_MARK_SECTION_PLAN, 0, "async");
    mark(log, 1 * MS, CV_MARK_SECTION, 0, "async");
    ev(log, 1 * MS, CV_EV_LOOP, CV_LOOP_RUNNING, 0, 0, 0, NULL);
    static const struct { const char *name; int64_t t0, t1; } tasks[] = {
        {"AA", 1, 1001}, {"BB", 1, 1201}, {"CC", 501, 1501}, {"DD", 1101, 2001}};
    /* In time order, as a log is: DD is created after AA is done. */
    for (int i = 0; i < 3; i++)
        ev(log, tasks[i].t0 * MS, CV_EV_TASK, CV_TASK_CREATED, (uint64_t)i + 1, 0, 0, tasks[i].name);
    ev(log, tasks[0].t1 * MS, CV_EV_TASK, CV_TASK_DONE, 1, 0, 0, NULL);
    ev(log, tasks[3].t0 * MS, CV_EV_TASK, CV_TASK_CREATED, 4, 0, 0, tasks[3].name);
    for (int i = 1; i < 4; i++)
        ev(log, tasks[i].t1 * MS, CV_EV_TASK, CV_TASK_DONE, (uint64_t)i + 1, 0, 0, NULL);
    ev(log, 2001 * MS, CV_EV_LOOP, CV_LOOP_IDLE, 0, 0, 0, NULL);
    cv_log_publish(log);
    cv_log_close(log);
    cv_model m;
    cv_model_init(&m, log);
    assert_int_equal(cv_model_advance(&m, cv_log_count(log)), 0);
    cv_canvas c;
    assert_int_equal(cv_canvas_init(&c, 120, 40, false), 0);
    render(&c, &m);
    char buf[2048];
    int y = find_row(&c, "  tasks in flight");
    if (y < 0) {
        char *d = cv_canvas_dump(&c);
        print_error("%s\n", d);
        free(d);
        fail();
    }
    /* The bars' rows: AA then DD on the first, BB and CC below. */
    row_text(&c, y, buf, sizeof buf);
    char *a = strstr(buf, "AA"), *d = strstr(buf, "DD");
    assert_non_null(a);
    assert_non_null(d);
    assert_true(a < d);
    assert_non_null(strstr(row_text(&c, y + 1, buf, sizeof buf), "BB"));
    assert_non_null(strstr(row_text(&c, y + 2, buf, sizeof buf), "CC"));
    assert_null(strstr(row_text(&c, y + 3, buf, sizeof buf), "DD"));
    /* CC starts half-way along AA's bar: its label column is right of AA's. */
    int ca = -1, cc = -1;
    for (int x = 0; x < c.cols; x++) {
        if (ca < 0 && cv_canvas_get(&c, x, y)->ch == 'A')
            ca = x;
        if (cc < 0 && cv_canvas_get(&c, x, y + 2)->ch == 'C')
            cc = x;
    }
    assert_true(ca > 0 && cc > ca);
    cv_canvas_free(&c);
    cv_model_free(&m);
    cv_log_destroy(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sections_from_marks),
        cmocka_unit_test(test_own_axis_one_scale),
        cmocka_unit_test(test_not_started_and_small),
        cmocka_unit_test(test_tasks_in_flight),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
