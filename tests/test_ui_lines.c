/* The listing lines in the model (ui/model/model_lines.c) and in the
 * source pane (ui/views/view_source.c): where each lane and task stands at
 * the playhead, the same whether the playhead came forward or back through
 * a checkpoint; a worker gone idle and a task that ended stand nowhere;
 * the pane marks each line with its lane's tag, follows the playhead back,
 * shows only when asked for and says so when a run has no lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canvas.h"
#include "caption.h"
#include "layout.h"
#include "listing.h"
#include "logbuild.h"
#include "model.h"
#include "render.h"
#include "testutil.h"
#include "ui_testutil.h"

#define MS 1000000LL
#define ROUNDS 300

static void line_ev(cv_log *log, int64_t t, int lane, int line, uint64_t task)
{
    cv_event e = {.t_ns = t, .kind = CV_EV_LINE, .lane = (int16_t)lane, .origin = (int16_t)lane,
                  .code = CV_LISTING_LOITER, .ref = (uint64_t)line, .id = task};
    assert_int_equal(cv_log_append(log, &e), 0);
}

static void ev(cv_log *log, int64_t t, int kind, int state, uint64_t id, int lane,
               const char *text)
{
    assert_int_equal(log_event(log, t, kind, state, id, 0, lane, CV_SIDE_NONE, text), 0);
}

/* Indices of the events the tests stand on. */
enum { AT_MAP = 5, AT_SLEEP = 11 };

/* main and a worker of loiter.py, then ROUNDS turns of main taking a
 * result while the worker sleeps and wakes, a task on lane 2 that ends,
 * and the worker going idle. */
static cv_log *build(void)
{
    cv_log *log = cv_log_create();
    cv_log_meta meta = {.scenario = "loiter", .speed = 1.0};
    cv_log_set_meta(log, &meta);
    int64_t t = 0;
    ev(log, t, CV_EV_HEADER, 0, 0, -1, "loiter");                    /* 0 */
    ev(log, t, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, "main");       /* 1 */
    ev(log, t, CV_EV_THREAD, CV_THREAD_BUSY, 0, 0, NULL);            /* 2 */
    line_ev(log, t += MS, 0, CV_LINE_LOITER_MAIN_START, 0);          /* 3 */
    line_ev(log, t += MS, 0, CV_LINE_LOITER_MAP, 0);                 /* 4 */
    cv_event w = {.t_ns = t, .kind = CV_EV_THREAD, .state = CV_THREAD_STARTED, .lane = 1,
                  .origin = 1, .code = CV_ROLE_WORKER, .text = strdup("worker 1")};
    assert_int_equal(cv_log_append(log, &w), 0);                     /* 5 */
    ev(log, t, CV_EV_FUTURE, CV_PENDING, 1, -1, "loiter(1)");        /* 6 */
    ev(log, t += MS, CV_EV_FUTURE, CV_RUNNING, 1, 1, NULL);          /* 7 */
    ev(log, t, CV_EV_THREAD, CV_THREAD_BUSY, 0, 1, NULL);            /* 8 */
    line_ev(log, t, 1, CV_LINE_LOITER_LOITER_START, 0);              /* 9 */
    line_ev(log, t += MS, 1, CV_LINE_LOITER_LOITER_SLEEP, 0);        /* 10 */
    line_ev(log, t += MS, 0, CV_LINE_LOITER_FOR_RESULT, 0);          /* 11 */
    for (int k = 0; k < ROUNDS; k++) {
        line_ev(log, t += MS, 0, k % 2 ? CV_LINE_LOITER_FOR_RESULT : CV_LINE_LOITER_RESULT, 0);
        line_ev(log, t += MS, 1, k % 2 ? CV_LINE_LOITER_LOITER_SLEEP : CV_LINE_LOITER_LOITER_DONE,
                0);
    }
    ev(log, t += MS, CV_EV_TASK, CV_TASK_CREATED, 50, 2, "spin");
    line_ev(log, t += MS, 2, CV_LINE_LOITER_LOITER_SLEEP, 50);
    ev(log, t += MS, CV_EV_TASK, CV_TASK_DONE, 50, 2, NULL);
    ev(log, t += MS, CV_EV_FUTURE, CV_FINISHED, 1, 1, "10");
    ev(log, t, CV_EV_THREAD, CV_THREAD_IDLE, 0, 1, NULL);
    cv_log_publish(log);
    cv_log_close(log);
    return log;
}

static int line_at(const cv_model *m, int lane, uint64_t task)
{
    const cv_mline *p = cv_model_line_of(m, lane, task);
    return p != NULL && cv_model_line_shown(m, p) ? p->line : 0;
}

static void test_lines_forward(void **state)
{
    (void)state;
    cv_log *log = build();
    cv_model m;
    cv_model_init(&m, log);
    assert_int_equal(cv_model_advance(&m, AT_MAP), 0);
    assert_int_equal(line_at(&m, 0, 0), CV_LINE_LOITER_MAP);
    assert_null(cv_model_line_of(&m, 1, 0));
    assert_int_equal(m.listings_seen, 1ull << CV_LISTING_LOITER);
    assert_int_equal(cv_model_advance(&m, AT_SLEEP), 0);
    assert_int_equal(line_at(&m, 0, 0), CV_LINE_LOITER_MAP);
    assert_int_equal(line_at(&m, 1, 0), CV_LINE_LOITER_LOITER_SLEEP);
    assert_int_equal(m.line_moved1, 2); /* the worker's record, second made */
    /* The caption names the lane and the code, without the marker. */
    char buf[256];
    cv_caption(&m, AT_SLEEP - 1, buf, sizeof buf);
    assert_string_equal(buf, "worker 1 is at loiter.py:15: sleep(n)");
    /* The task stands at its line while in flight, then nowhere; the
     * worker's line goes when it is idle. */
    size_t n = cv_log_count(log);
    assert_int_equal(cv_model_advance(&m, n - 3), 0);
    assert_int_equal(line_at(&m, 2, 50), CV_LINE_LOITER_LOITER_SLEEP);
    assert_int_equal(line_at(&m, 2, 0), 0);
    assert_int_equal(cv_model_advance(&m, n - 2), 0);
    assert_int_equal(line_at(&m, 2, 50), 0);
    assert_int_equal(line_at(&m, 1, 0), CV_LINE_LOITER_LOITER_SLEEP);
    assert_int_equal(cv_model_advance(&m, n), 0);
    assert_int_equal(line_at(&m, 1, 0), 0);
    assert_int_equal(line_at(&m, 0, 0), CV_LINE_LOITER_FOR_RESULT);
    cv_model_free(&m);
    cv_log_destroy(log);
}

static void test_lines_back_through_checkpoints(void **state)
{
    (void)state;
    cv_log *log = build();
    size_t n = cv_log_count(log);
    cv_model m;
    cv_model_init(&m, log);
    cv_model_set_checkpoints(&m, 16, 8);
    assert_int_equal(cv_model_advance(&m, n), 0);
    assert_true(cv_model_checkpoint_count(&m, NULL) > 1);
    for (size_t at = n; at > 3; at -= at > 40 ? 23 : 1) {
        cv_model fwd;
        cv_model_init(&fwd, log);
        assert_int_equal(cv_model_advance(&fwd, at), 0);
        assert_int_equal(cv_model_seek(&m, at), 0);
        assert_int_equal(m.nlines, fwd.nlines);
        assert_int_equal(m.line_moved1, fwd.line_moved1);
        assert_int_equal(m.listings_seen, fwd.listings_seen);
        for (size_t i = 0; i < fwd.nlines; i++) {
            assert_int_equal(m.lines[i].lane, fwd.lines[i].lane);
            assert_int_equal(m.lines[i].task, fwd.lines[i].task);
            assert_int_equal(m.lines[i].line, fwd.lines[i].line);
            assert_int_equal(m.lines[i].event, fwd.lines[i].event);
            assert_int_equal(cv_model_line_shown(&m, &m.lines[i]),
                             cv_model_line_shown(&fwd, &fwd.lines[i]));
        }
        cv_model_free(&fwd);
    }
    /* And forward again from a restored model. */
    assert_int_equal(cv_model_seek(&m, AT_SLEEP), 0);
    assert_int_equal(line_at(&m, 1, 0), CV_LINE_LOITER_LOITER_SLEEP);
    assert_int_equal(cv_model_seek(&m, n), 0);
    assert_int_equal(line_at(&m, 0, 0), CV_LINE_LOITER_FOR_RESULT);
    cv_model_free(&m);
    cv_log_destroy(log);
}

/* The screen at `upto` events, as text; NULL-safe free by the caller. */
static char *screen(const cv_log *log, size_t upto, int cols, int rows, bool source)
{
    cv_model m;
    cv_model_init(&m, log);
    assert_int_equal(cv_model_seek(&m, upto), 0);
    const cv_event *last = cv_log_at(log, upto - 1);
    cv_render_opts o = {.now_ns = last->t_ns, .span_ns = cv_nice_span(last->t_ns), .speed = 1,
                        .mode = "PAUSED", .args = "", .total = cv_log_count(log),
                        .show_source = source};
    char *text = render_text(&m, cols, rows, false, &o);
    cv_model_free(&m);
    return text;
}

/* The screen row holding `what`, or NULL. */
static const char *row_with(const char *text, const char *what, char *row, size_t len)
{
    const char *p = strstr(text, what);
    if (p == NULL)
        return NULL;
    const char *start = p;
    while (start > text && start[-1] != '\n')
        start--;
    size_t n = strcspn(start, "\n");
    snprintf(row, len, "%.*s", (int)n, start);
    return row;
}

static void test_pane_marks_and_follows(void **state)
{
    (void)state;
    cv_log *log = build();
    char row[512];
    /* At the worker's sleep: main on the map line, w1 on sleep(n). */
    char *s = screen(log, AT_SLEEP, 120, 40, true);
    assert_non_null(strstr(s, "source loiter.py"));
    assert_non_null(row_with(s, "results = executor.map(loiter, range(5))", row, sizeof row));
    assert_non_null(strstr(row, "main\u25b8"));
    assert_non_null(row_with(s, "    sleep(n)", row, sizeof row));
    assert_non_null(strstr(row, "w1\u25b8"));
    assert_null(strstr(s, "# line:"));
    free(s);
    /* Back two events: the worker has not reached a line yet. */
    s = screen(log, AT_SLEEP - 2, 200, 60, true);
    assert_non_null(row_with(s, "    sleep(n)", row, sizeof row));
    assert_null(strstr(row, "\u25b8"));
    assert_non_null(row_with(s, "results = executor.map(loiter, range(5))", row, sizeof row));
    assert_non_null(strstr(row, "main\u25b8"));
    free(s);
    /* Back to the first line: main at "Script starting". */
    s = screen(log, 4, 120, 40, true);
    assert_non_null(row_with(s, "    display('Script starting.')", row, sizeof row));
    assert_non_null(strstr(row, "main\u25b8"));
    free(s);
    /* Not asked for: no pane.  At 80x24 it fits or is left out, whole. */
    s = screen(log, AT_SLEEP, 120, 40, false);
    assert_null(strstr(s, "source loiter.py"));
    free(s);
    s = screen(log, AT_SLEEP, 80, 24, true);
    free(s);
    cv_log_destroy(log);
}

static void test_pane_without_lines(void **state)
{
    (void)state;
    cv_log *log = cv_log_create();
    cv_log_meta meta = {.scenario = "loiter", .speed = 1.0};
    cv_log_set_meta(log, &meta);
    ev(log, 0, CV_EV_HEADER, 0, 0, -1, "loiter");
    ev(log, 0, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, "main");
    cv_log_publish(log);
    cv_log_close(log);
    char *s = screen(log, 2, 120, 40, true);
    assert_non_null(strstr(s, "loiter.py  no source lines in this trace"));
    free(s);
    cv_log_destroy(log);

    log = cv_log_create();
    cv_log_meta stress = {.scenario = "stress", .speed = 1.0};
    cv_log_set_meta(log, &stress);
    ev(log, 0, CV_EV_HEADER, 0, 0, -1, "stress");
    ev(log, 0, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, "main");
    cv_log_publish(log);
    cv_log_close(log);
    s = screen(log, 2, 120, 40, true);
    assert_non_null(strstr(s, "stress re-creates no Python program"));
    free(s);
    cv_log_destroy(log);

    /* A listing this build does not have (a trace from another one): the
     * pane falls back to the scenario's own, unmarked. */
    log = cv_log_create();
    cv_log_set_meta(log, &meta);
    ev(log, 0, CV_EV_HEADER, 0, 0, -1, "loiter");
    ev(log, 0, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, "main");
    cv_event e = {.t_ns = 1, .kind = CV_EV_LINE, .code = 999, .ref = 5000};
    assert_int_equal(cv_log_append(log, &e), 0);
    cv_log_publish(log);
    cv_log_close(log);
    s = screen(log, 3, 200, 60, true);
    assert_non_null(strstr(s, "source loiter.py"));
    assert_null(strstr(s, "main\u25b8"));
    free(s);
    cv_model m;
    cv_model_init(&m, log);
    assert_int_equal(cv_model_advance(&m, 3), 0);
    char buf[128];
    cv_caption(&m, 2, buf, sizeof buf);
    assert_string_equal(buf, "main is at line 5000 of listing 999");
    cv_model_free(&m);
    cv_log_destroy(log);
}

static cv_rect rect_of(const cv_layout *l, const char *name)
{
    for (int i = 0; i < l->n; i++)
        if (l->at[i].pane != NULL && strcmp(l->at[i].pane->name, name) == 0)
            return l->at[i].r;
    return (cv_rect){-1, -1, 0, 0};
}

/* Wide: right of the lanes, in their rows.  Narrow: under them, its rows
 * out of the table's and the console's.  Not asked for: not there. */
static void test_pane_place(void **state)
{
    (void)state;
    cv_log *log = build();
    cv_model m;
    cv_model_init(&m, log);
    assert_int_equal(cv_model_advance(&m, AT_SLEEP), 0);
    cv_layout l;
    cv_layout__compute(&l, cv_pane__registry_source, &m, 200, 60, NULL);
    cv_rect lanes = rect_of(&l, "lanes"), src = rect_of(&l, "source");
    assert_int_equal(src.y, lanes.y);
    assert_int_equal(src.h, lanes.h);
    assert_true(src.x > lanes.x + lanes.w - 1);
    assert_true(src.h >= 20);
    cv_layout__compute(&l, cv_pane__registry_source, &m, 120, 40, NULL);
    lanes = rect_of(&l, "lanes"), src = rect_of(&l, "source");
    assert_int_equal(src.x, 0);
    assert_int_equal(src.y, lanes.y + lanes.h);
    assert_true(src.h >= 4);
    cv_rect console = rect_of(&l, "console");
    assert_true(console.h >= 2);
    cv_layout__compute(&l, cv_pane__registry, &m, 120, 40, NULL);
    assert_int_equal(rect_of(&l, "source").x, -1);
    /* Presenter mode on a narrow screen: the pane under the lanes takes
     * the spare rows (the lanes keep their three rows each, no more). */
    cv_view present = {.focus = CV_FOCUS_NONE, .present = true};
    cv_layout__compute(&l, cv_pane__registry_source, &m, 100, 30, &present);
    lanes = rect_of(&l, "lanes"), src = rect_of(&l, "source");
    assert_int_equal(src.y, lanes.y + lanes.h);
    assert_true(src.h >= 8);
    assert_true(lanes.h <= 3 * m.nlanes + 1);
    cv_model_free(&m);
    cv_log_destroy(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines_forward),
        cmocka_unit_test(test_lines_back_through_checkpoints),
        cmocka_unit_test(test_pane_marks_and_follows),
        cmocka_unit_test(test_pane_without_lines),
        cmocka_unit_test(test_pane_place),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
