/*
 * A lane draws only the last span, bar, slice or frame that starts in each
 * column (ui/views/timeline.c), on the claim that this leaves every cell
 * as drawing them all would.  These tests check the claim three ways: on
 * random sequential lists painted on one row, element by element against
 * one a column; on whole screens of long lanes, against the same model
 * with its lanes marked as overlapping, which makes the views draw every
 * bar (the full walk); and on the model, which must mark a lane whose bars
 * overlap, since there the claim does not hold.  Last, the futures table
 * finds the first running future through the lanes: the window it shows
 * must start where a search of every future would put it.
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

#define MS 1000000LL

static uint64_t rng_state;

static unsigned rnd(unsigned n)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned)((rng_state >> 33) % n);
}

static void ev(cv_log *log, int64_t t_ns, int kind, int state, uint64_t id, uint64_t ref,
               int lane, const char *text)
{
    assert_int_equal(log_event(log, t_ns, kind, state, id, ref, lane, CV_SIDE_NONE, text), 0);
}

/* Paints span i as the value i + 1 over its columns, as a view would. */
static void paint(int *row, const cv_axis *a, const cv_span *s, size_t i)
{
    int x0 = cv_lanes__axis_col(a, s->t0), x1 = cv_lanes__axis_col(a, s->t1 < 0 ? a->now : s->t1);
    for (int x = x0; x <= x1; x++)
        row[x] = (int)i + 1;
}

/* Random sequential spans, short and long, some sharing a start, the last
 * one open; on axes of several widths and spans, with the playhead
 * anywhere: the row painted with the spans last_in_column picks equals
 * the row painted with all of them. */
static void test_one_a_column_paints_the_same(void **state)
{
    (void)state;
    enum { N = 5000, W = 200 };
    static cv_span spans[N];
    rng_state = 11;
    for (int round = 0; round < 60; round++) {
        int64_t t = 0;
        size_t n = 1 + rnd(N);
        for (size_t i = 0; i < n; i++) {
            t += rnd(4) == 0 ? 0 : rnd(round % 2 ? 3000 : 30) * 1000;
            int64_t len = rnd(5) == 0 ? rnd(200000) : rnd(3000);
            spans[i] = (cv_span){.t0 = t, .t1 = t + len};
            t += len;
        }
        spans[n - 1].t1 = -1;
        cv_axis a = {.x0 = (int)rnd(20), .w = 10 + (int)rnd(W - 30), .span = t + 1 + rnd(1000000)};
        a.now = rnd(4) == 0 ? t : (int64_t)rnd((unsigned)(t / 1000 + 1)) * 1000;
        int all[W], some[W];
        memset(all, 0, sizeof all);
        memset(some, 0, sizeof some);
        size_t upto = cv_timeline__upto(spans, n, cv_timeline__span_t0, a.now);
        for (size_t i = 0; i < upto; i++)
            paint(all, &a, &spans[i], i);
        size_t drawn = 0;
        for (size_t i = 0; i < upto; i++) {
            i = cv_timeline__last_in_column(&a, spans, i, upto, cv_timeline__span_t0);
            paint(some, &a, &spans[i], i);
            drawn++;
        }
        assert_memory_equal(all, some, sizeof all);
        assert_true(drawn <= (size_t)a.w);
        /* And upto is what a walk that stops at the first start past now
         * counts. */
        size_t walk = 0;
        while (walk < n && spans[walk].t0 <= a.now)
            walk++;
        assert_int_equal(upto, walk);
    }
}

/* Futures on `lanes` workers, one after another on each, of every length
 * (some long enough for their labels, with a download's status), with
 * idle and busy spans, waits on main for some of them, and the last few
 * still running. */
static cv_log *long_lanes_log(int lanes, int futures)
{
    cv_log *log = cv_log_create();
    assert_non_null(log);
    cv_log_meta meta = {.scenario = "long", .speed = 1.0};
    cv_log_set_meta(log, &meta);
    ev(log, 0, CV_EV_HEADER, 0, 0, 0, -1, "long");
    ev(log, 0, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, 0, "main");
    ev(log, 0, CV_EV_THREAD, CV_THREAD_BUSY, 0, 0, 0, NULL);
    char text[32];
    for (int w = 1; w <= lanes; w++) {
        snprintf(text, sizeof text, "worker %d", w);
        ev(log, 0, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, w, text);
    }
    for (int id = 1; id <= futures; id++) {
        snprintf(text, sizeof text, "job(%d)", id - 1);
        ev(log, id, CV_EV_FUTURE, CV_PENDING, (uint64_t)id, 0, -1, text);
    }
    int64_t free_at[64] = {0}, t = futures + 1;
    rng_state = 5;
    for (int id = 1; id <= futures; id++) {
        int w = 1 + (int)rnd((unsigned)lanes);
        t += rnd(3) * 1000;
        int64_t start = t > free_at[w] ? t : free_at[w];
        if (start > t)
            t = start; /* the log's times never go back */
        ev(log, t, CV_EV_THREAD, CV_THREAD_BUSY, 0, 0, w, NULL);
        ev(log, t, CV_EV_FUTURE, CV_RUNNING, (uint64_t)id, 0, w, NULL);
        bool wait = rnd(50) == 0;
        if (wait)
            ev(log, t, CV_EV_WAIT, CV_WAIT_BLOCK, 0, (uint64_t)id, 0, "result");
        int64_t len = rnd(30) == 0 ? 40 * MS + rnd(20) * MS : rnd(20000);
        if (id > futures - lanes / 2) {
            free_at[w] = INT64_MAX / 4; /* still running at the end */
            continue;
        }
        t += len;
        ev(log, t, CV_EV_FUTURE, rnd(9) ? CV_FINISHED : CV_FAILED, (uint64_t)id, (uint64_t)id,
           w, NULL);
        if (wait)
            ev(log, t, CV_EV_WAIT, CV_WAIT_UNBLOCK, 0, (uint64_t)id, 0, "result");
        ev(log, t, CV_EV_THREAD, CV_THREAD_IDLE, 0, 0, w, NULL);
        free_at[w] = t;
    }
    cv_log_publish(log);
    cv_log_close(log);
    return log;
}

static void render(cv_canvas *c, const cv_model *m, int64_t now, int64_t span)
{
    cv_render_opts o = {.now_ns = now, .span_ns = span, .speed = 1.0, .mode = "PAUSED",
                        .total = cv_log_count(m->log)};
    cv_render(c, m, &o);
}

/* Renders m as it is and with every lane marked as overlapping (so the
 * views draw every bar); the two canvases must be the same, cell by cell. */
static void same_as_full_walk(cv_model *m, cv_canvas *a, cv_canvas *b, int64_t now, int64_t span)
{
    render(a, m, now, span);
    bool was[64];
    for (int i = 0; i < m->nlanes && i < 64; i++) {
        was[i] = m->lanes[i].overlap;
        m->lanes[i].overlap = true;
    }
    render(b, m, now, span);
    for (int i = 0; i < m->nlanes && i < 64; i++)
        m->lanes[i].overlap = was[i];
    for (int y = 0; y < a->rows; y++)
        for (int x = 0; x < a->cols; x++) {
            const cv_cell *p = cv_canvas_get(a, x, y), *q = cv_canvas_get(b, x, y);
            if (p->ch != q->ch || p->style != q->style) {
                char *s = cv_canvas_dump(a), *r = cv_canvas_dump(b);
                print_error("cell (%d, %d) differs at %zu events:\n%s\n--- every bar:\n%s\n", x,
                            y, m->upto, s, r);
                free(s);
                free(r);
                fail();
            }
        }
}

/* Long lanes at many playheads and zooms, from a window in the middle to
 * the whole run: one bar a column draws what every bar draws. */
static void test_long_lanes_as_full_walk(void **state)
{
    (void)state;
    cv_log *log = long_lanes_log(6, 20000);
    size_t count = cv_log_count(log);
    int64_t end = cv_log_at(log, count - 1)->t_ns;
    cv_canvas a, b;
    assert_int_equal(cv_canvas_init(&a, 200, 60, false), 0);
    assert_int_equal(cv_canvas_init(&b, 200, 60, false), 0);
    cv_model m;
    cv_model_init(&m, log);
    for (int lane = 0; lane < 7; lane++)
        assert_false(m.nlanes > lane && m.lanes[lane].overlap);
    rng_state = 3;
    for (int k = 0; k < 40; k++) {
        size_t upto = k == 0 ? count : 1 + rnd((unsigned)count);
        assert_int_equal(cv_model_seek(&m, upto), 0);
        int64_t now = cv_log_at(log, upto - 1)->t_ns;
        /* The whole run, then windows: the playhead's own span, and a
         * span so long that the lanes squeeze into a few columns. */
        same_as_full_walk(&m, &a, &b, now, cv_nice_span(end));
        same_as_full_walk(&m, &a, &b, now, cv_nice_span(now > 0 ? now : 1));
        same_as_full_walk(&m, &a, &b, now, cv_nice_span(end) * 40);
    }
    for (int lane = 1; lane < m.nlanes; lane++)
        assert_false(m.lanes[lane].overlap); /* so the fast path was taken */
    cv_model_free(&m);
    cv_canvas_free(&a);
    cv_canvas_free(&b);
    cv_log_destroy(log);
}

/* The model says when a lane's bars overlap: a future started while
 * another ran there, one that finished after the next began, one that
 * ran twice, one that ran after it ended; and not for futures that follow
 * one another. */
static void test_overlap_is_marked(void **state)
{
    (void)state;
    cv_log *log = cv_log_create();
    ev(log, 0, CV_EV_HEADER, 0, 0, 0, -1, "overlap");
    for (uint64_t id = 1; id <= 6; id++)
        ev(log, 1, CV_EV_FUTURE, CV_PENDING, id, 0, -1, "f");
    /* (Future 7 is made at index 18, below.) */
    /* Lane 1: 1 then 2, one after the other (index 7..10). */
    ev(log, 10, CV_EV_FUTURE, CV_RUNNING, 1, 0, 1, NULL);
    ev(log, 20, CV_EV_FUTURE, CV_FINISHED, 1, 0, 1, NULL);
    ev(log, 20, CV_EV_FUTURE, CV_RUNNING, 2, 0, 1, NULL);
    ev(log, 30, CV_EV_FUTURE, CV_FINISHED, 2, 0, 1, NULL);
    /* Lane 2: 3 starts while... (11, 12) 4 starts, 3 still running. */
    ev(log, 40, CV_EV_FUTURE, CV_RUNNING, 3, 0, 2, NULL);
    ev(log, 50, CV_EV_FUTURE, CV_RUNNING, 4, 0, 2, NULL);
    /* Lane 3: 5 runs and ends, 6 runs, then 5 ends again (13..16). */
    ev(log, 60, CV_EV_FUTURE, CV_RUNNING, 5, 0, 3, NULL);
    ev(log, 70, CV_EV_FUTURE, CV_FINISHED, 5, 0, 3, NULL);
    ev(log, 80, CV_EV_FUTURE, CV_RUNNING, 6, 0, 3, NULL);
    ev(log, 90, CV_EV_FUTURE, CV_FINISHED, 5, 0, 3, NULL);
    /* Lane 4: 2, finished on lane 1, runs again here (17). */
    ev(log, 95, CV_EV_FUTURE, CV_RUNNING, 2, 0, 4, NULL);
    /* Lane 5: 7 is cancelled while queued, then runs (18..20). */
    ev(log, 96, CV_EV_FUTURE, CV_PENDING, 7, 0, -1, "g");
    ev(log, 97, CV_EV_FUTURE, CV_CANCELLED, 7, 0, -1, NULL);
    ev(log, 98, CV_EV_FUTURE, CV_RUNNING, 7, 0, 5, NULL);
    cv_log_close(log);
    cv_model m;
    cv_model_init(&m, log);
    assert_int_equal(cv_model_advance(&m, 11), 0);
    assert_false(m.lanes[1].overlap);
    assert_int_equal(cv_model_advance(&m, 12), 0);
    assert_false(m.lanes[2].overlap);
    assert_int_equal(cv_model_advance(&m, 13), 0);
    assert_true(m.lanes[2].overlap);
    assert_int_equal(cv_model_advance(&m, 16), 0);
    assert_false(m.lanes[3].overlap);
    assert_int_equal(cv_model_advance(&m, 17), 0);
    assert_true(m.lanes[3].overlap);
    assert_false(m.lanes[1].overlap);
    assert_int_equal(cv_model_advance(&m, 18), 0);
    assert_true(m.lanes[1].overlap); /* 2's bar there moved */
    assert_true(m.lanes[4].overlap);
    assert_int_equal(cv_model_advance(&m, 21), 0);
    assert_true(m.lanes[5].overlap); /* its end came before its start */
    /* A step back forgets what came after. */
    assert_int_equal(cv_model_seek(&m, 12), 0);
    for (int lane = 1; lane <= 3; lane++)
        assert_false(m.lanes[lane].overlap);
    cv_model_free(&m);
    cv_log_destroy(log);
}

/* The id of the first future the table shows, and how many rows it has. */
static long first_row_id(const cv_canvas *c, int *rows)
{
    char line[1024];
    for (int y = 0; y + 1 < c->rows; y++) {
        cv_canvas_row(c, y, line, sizeof line);
        if (strncmp(line, "id   ", 5) != 0)
            continue;
        *rows = 0;
        for (int k = y + 1; k < c->rows; k++) {
            cv_canvas_row(c, k, line, sizeof line);
            if (line[0] < '0' || line[0] > '9')
                break;
            ++*rows;
        }
        cv_canvas_row(c, y + 1, line, sizeof line);
        return strtol(line, NULL, 10);
    }
    return -1;
}

/* 400 futures, 1..300 run on lane 1 and finish, but for 150 and 220, on
 * lanes 2 and 3, still running; or (`lost`) those finish too, and 260 and
 * then 270 run on lane 4, where 260's end was lost: it runs on, though
 * its lane runs nothing now.  The last event is a thread's. */
static cv_log *table_log(bool lost)
{
    cv_log *log = cv_log_create();
    ev(log, 0, CV_EV_HEADER, 0, 0, 0, -1, "table");
    for (uint64_t id = 1; id <= 400; id++)
        ev(log, (int64_t)id, CV_EV_FUTURE, CV_PENDING, id, 0, -1, "f");
    for (uint64_t id = 1; id <= 300; id++) {
        bool slow = id == 150 || id == 220;
        int lane = id == 150 ? 2 : id == 220 ? 3 : lost && (id == 260 || id == 270) ? 4 : 1;
        int64_t t = 1000 + (int64_t)id * 10;
        ev(log, t, CV_EV_FUTURE, CV_RUNNING, id, 0, lane, NULL);
        if (!slow && !(lost && id == 260))
            ev(log, t + 5, CV_EV_FUTURE, CV_FINISHED, id, id, lane, NULL);
    }
    if (lost) {
        ev(log, 8000, CV_EV_FUTURE, CV_FINISHED, 150, 150, 2, NULL);
        ev(log, 8000, CV_EV_FUTURE, CV_FINISHED, 220, 220, 3, NULL);
    }
    ev(log, 9000, CV_EV_THREAD, CV_THREAD_IDLE, 0, 0, 1, NULL);
    cv_log_close(log);
    return log;
}

/* With nothing in focus (the last event is a thread's), the table starts
 * a third of its rows above the oldest future still in play.  The first
 * running future is found through the lanes, or, when a lost event left a
 * future running that its lane does not know of, by a search; either way
 * the window is where a search of every future puts it. */
static void test_table_window_from_lanes(void **state)
{
    (void)state;
    cv_canvas c;
    assert_int_equal(cv_canvas_init(&c, 200, 60, false), 0);
    for (int lost = 0; lost <= 1; lost++) {
        cv_log *log = table_log(lost);
        cv_model m;
        cv_model_init(&m, log);
        assert_int_equal(cv_model_advance(&m, cv_log_count(log)), 0);
        assert_int_equal(m.nrunning, lost ? 1 : 2);
        render(&c, &m, 9000, 10000);
        int rows = 0;
        long first = first_row_id(&c, &rows);
        assert_true(rows > 3);
        assert_int_equal(first, (lost ? 260 : 150) - rows / 3);
        cv_model_free(&m);
        cv_log_destroy(log);
    }
    cv_canvas_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_a_column_paints_the_same),
        cmocka_unit_test(test_long_lanes_as_full_walk),
        cmocka_unit_test(test_overlap_is_marked),
        cmocka_unit_test(test_table_window_from_lanes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
