/*
 * Focus, scroll and inspect (issue 12, point 4): a future's card tells its
 * story with the numbers of the events that really moved it, a task's card
 * says what it awaited, the table follows the future the caption names,
 * j/k selections clamp to the pane's rows and stay on screen, and a cell
 * maps to the row drawn there (what a click selects).
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
#include "nav.h"
#include "render.h"
#include "theme.h"
#include "trace.h"
#include "golden_trace.h"

#define MS 1000000LL

static void ev(cv_log *log, int64_t t_ns, int kind, int state, uint64_t id, uint64_t ref,
               int lane, const char *text)
{
    assert_int_equal(log_event(log, t_ns, kind, state, id, ref, lane, CV_SIDE_NONE, text), 0);
}

/* Renders the model with a view, as the front end does. */
static void render(cv_canvas *c, const cv_model *m, const cv_view *v)
{
    size_t n = cv_log_count(m->log);
    int64_t now = m->upto ? cv_log_at(m->log, m->upto - 1)->t_ns : 0;
    cv_render_opts o = {.now_ns = now, .span_ns = cv_nice_span(cv_log_at(m->log, n - 1)->t_ns),
                        .speed = cv_log_meta_get(m->log)->speed, .mode = "PAUSED", .total = n,
                        .view = v};
    cv_render(c, m, &o);
}

/* Whether some row of the screen contains all of the words. */
static bool row_with(const cv_canvas *c, const char *a, const char *b)
{
    char row[1024];
    for (int y = 0; y < c->rows; y++) {
        cv_canvas_row(c, y, row, sizeof row);
        if (strstr(row, a) != NULL && (b == NULL || strstr(row, b) != NULL))
            return true;
    }
    return false;
}

/* Whether a console row (drawn from the second column) starts with text:
 * the caption may quote the line too. */
static bool console_has(const cv_canvas *c, const char *text, const char *unused)
{
    (void)unused;
    char row[1024];
    for (int y = 0; y < c->rows; y++) {
        cv_canvas_row(c, y, row, sizeof row);
        if (row[0] == ' ' && strncmp(row + 1, text, strlen(text)) == 0)
            return true;
    }
    return false;
}

/* The id at the start of table row y, or -1 (the table is at column 0). */
static long id_at(const cv_canvas *c, int y)
{
    char row[1024];
    cv_canvas_row(c, y, row, sizeof row);
    char *end;
    long id = strtol(row, &end, 10);
    return end == row || *end != ' ' ? -1 : id;
}

/* ---- cards ------------------------------------------------------------- */

/* loiter(1) (id 2) is pending, then running, then finished: its history
 * holds exactly those three state changes, in order, each an event of the
 * log that is that future's, plus main's waits on it; the card shows each
 * with its number. */
static void test_card_of_a_loiter_future(void **state)
{
    (void)state;
    cv_log *log = trace_log("loiter");
    cv_model m;
    cv_model_init(&m, log);
    assert_int_equal(cv_model_advance(&m, cv_log_count(log)), 0);
    size_t idx[32];
    size_t n = cv_model_history(&m, 2, 0, idx, 32);
    assert_true(n >= 3 && n <= 32);
    static const int want[] = {CV_PENDING, CV_RUNNING, CV_FINISHED};
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const cv_event *e = cv_log_at(log, idx[i]);
        assert_true(i == 0 || idx[i] > idx[i - 1]);
        if (e->kind == CV_EV_WAIT) {
            assert_int_equal(e->ref, 2);
            continue;
        }
        assert_int_equal(e->kind, CV_EV_FUTURE);
        assert_int_equal(e->id, 2);
        assert_true(k < 3);
        assert_int_equal(e->state, want[k++]);
    }
    assert_int_equal(k, 3);
    /* Every event naming it is in the list: a scan of the whole log agrees. */
    size_t all = 0;
    for (size_t i = 0; i < cv_log_count(log); i++)
        all += cv_model_history_names(cv_log_at(log, i), 2);
    assert_int_equal(all, n);

    cv_canvas c;
    assert_int_equal(cv_canvas_init(&c, 120, 40, false), 0);
    cv_view v = {.card = 2};
    render(&c, &m, &v);
    char num[32];
    for (size_t i = 0; i < n; i++) {
        const cv_event *e = cv_log_at(log, idx[i]);
        snprintf(num, sizeof num, " %zu ", idx[i]);
        const char *what = e->kind == CV_EV_WAIT ? "waits for it"
                           : e->state == CV_PENDING ? "pending"
                           : e->state == CV_RUNNING ? "running on worker"
                                                    : "finished";
        if (!(e->kind == CV_EV_WAIT && e->state != CV_WAIT_BLOCK) && !row_with(&c, num, what))
            fail_msg("no card row for event %zu (%s)", idx[i], what);
    }
    assert_true(row_with(&c, "future 2 loiter(1)", "now finished"));
    assert_true(row_with(&c, "Esc/q/Enter close the card", NULL));

    /* At the playhead just before it ran, the card knows only its submission. */
    assert_int_equal(cv_model_seek(&m, idx[1]), 0);
    assert_int_equal(cv_model_history(&m, 2, 0, idx, 32), 1);
    render(&c, &m, &v);
    assert_true(row_with(&c, "future 2 loiter(1)", "now pending"));
    assert_false(row_with(&c, "running on worker", "future 2"));
    /* Before its submission the card stays open and says why it is empty. */
    assert_int_equal(cv_model_seek(&m, 3), 0);
    render(&c, &m, &v);
    assert_true(row_with(&c, "id 2: not submitted yet", NULL));
    cv_canvas_free(&c);
    cv_model_free(&m);
    cv_log_destroy(log);
}

/* A task created, run, suspended at "sleep 1s", woken, run and done: its
 * card lists what it awaited and each move with its event number; with
 * more events than rows, the first and the latest show and the card says
 * how many it left out. */
static void test_card_of_a_task(void **state)
{
    (void)state;
    cv_log *log = cv_log_create();
    ev(log, 0, CV_EV_HEADER, 0, 0, 0, -1, "tasks");
    ev(log, 1 * MS, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, 0, "event loop");
    ev(log, 2 * MS, CV_EV_TASK, CV_TASK_CREATED, 7, 0, 0, "slow");
    ev(log, 3 * MS, CV_EV_TASK, CV_TASK_RUNNING, 7, 0, 0, NULL);
    ev(log, 4 * MS, CV_EV_TASK, CV_TASK_SUSPENDED, 7, 0, 0, "sleep 1s");
    ev(log, 5 * MS, CV_EV_LOOP, CV_LOOP_POLLING, 0, 0, 0, NULL);
    cv_log_close(log);
    size_t suspended_at = 4;
    cv_model m;
    cv_model_init(&m, log);
    assert_int_equal(cv_model_advance(&m, cv_log_count(log)), 0);
    cv_canvas c;
    assert_int_equal(cv_canvas_init(&c, 100, 30, false), 0);
    cv_view v = {.card = 7};
    render(&c, &m, &v);
    assert_true(row_with(&c, "task 7 slow", "now suspended"));
    assert_true(row_with(&c, "awaits sleep 1s", NULL));
    char num[16];
    snprintf(num, sizeof num, " %zu ", suspended_at);
    assert_true(row_with(&c, num, "suspended: awaits sleep 1s"));
    assert_true(row_with(&c, " 2 ", "created"));

    /* A long life: 200 more turns, then done. */
    cv_model_free(&m);
    cv_log_destroy(log);
    log = cv_log_create();
    ev(log, 0, CV_EV_HEADER, 0, 0, 0, -1, "tasks");
    ev(log, 1 * MS, CV_EV_TASK, CV_TASK_CREATED, 7, 0, 0, "slow");
    for (int i = 0; i < 200; i++) {
        ev(log, (2 + 3 * i) * MS, CV_EV_TASK, CV_TASK_RUNNING, 7, 0, 0, NULL);
        ev(log, (3 + 3 * i) * MS, CV_EV_TASK, CV_TASK_SUSPENDED, 7, 0, 0, "sleep 0s");
        ev(log, (4 + 3 * i) * MS, CV_EV_TASK, CV_TASK_SCHEDULED, 7, 0, 0, NULL);
    }
    ev(log, 700 * MS, CV_EV_TASK, CV_TASK_DONE, 7, 0, 0, NULL);
    cv_log_close(log);
    cv_model_init(&m, log);
    assert_int_equal(cv_model_advance(&m, cv_log_count(log)), 0);
    render(&c, &m, &v);
    assert_true(row_with(&c, "602 events name it", NULL));
    assert_true(row_with(&c, " 1 ", "created"));
    assert_true(row_with(&c, " 602 ", "done"));
    assert_true(row_with(&c, "more ...", NULL));
    cv_canvas_free(&c);
    cv_model_free(&m);
    cv_log_destroy(log);
}

/* The history stops at the latest event that names a future, which the
 * model keeps per future: a model brought back by its checkpoints (taken
 * every 16 events here) must list what a fresh one lists, at every
 * playhead, waits included. */
static void test_history_survives_seeks(void **state)
{
    (void)state;
    static const char *const traces[] = {"loiter", "flags_pool", "spin_task"};
    size_t waits = 0;
    for (size_t t = 0; t < 3; t++) {
        cv_log *log = trace_log(traces[t]);
        size_t count = cv_log_count(log);
        cv_model m, fresh;
        cv_model_init(&m, log);
        cv_model_set_checkpoints(&m, 16, 64);
        assert_int_equal(cv_model_advance(&m, count), 0);
        size_t a[64], b[64];
        for (size_t pos = count; pos > 0; pos = pos > 7 ? pos - 7 : 0) {
            assert_int_equal(cv_model_seek(&m, pos), 0);
            cv_model_init(&fresh, log);
            assert_int_equal(cv_model_advance(&fresh, pos), 0);
            for (size_t i = 0; i < fresh.nfuts; i++) {
                uint64_t id = fresh.futs[i].id;
                size_t na = cv_model_history(&m, id, 0, a, 64);
                size_t nb = cv_model_history(&fresh, id, 0, b, 64);
                assert_int_equal(na, nb);
                assert_memory_equal(a, b, (na < 64 ? na : 64) * sizeof a[0]);
                size_t all = 0;
                for (size_t k = 0; k < pos; k++) {
                    const cv_event *e = cv_log_at(log, k);
                    all += cv_model_history_names(e, id);
                    waits += e->kind == CV_EV_WAIT && e->ref == id;
                }
                assert_int_equal(nb, all);
            }
            cv_model_free(&fresh);
        }
        cv_model_free(&m);
        cv_log_destroy(log);
    }
    assert_true(waits > 0); /* the waits on a future were among them */
}

/* ---- the table follows, selections clamp -------------------------------- */

/* flags -m 100 in miniature: 100 downloads queued, 10 workers taking them
 * in turn (one download at a time, so that the log stays in time order). */
static cv_log *flags_log(void)
{
    cv_log *log = cv_log_create();
    ev(log, 0, CV_EV_HEADER, 0, 0, 0, -1, "flags");
    for (int w = 0; w <= 10; w++)
        ev(log, 1 * MS, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, w, w ? NULL : "main");
    char lb[8];
    for (uint64_t id = 1; id <= 100; id++) {
        snprintf(lb, sizeof lb, "%c%c", 'A' + (int)(id - 1) / 26, 'A' + (int)(id - 1) % 26);
        ev(log, 2 * MS, CV_EV_FUTURE, CV_PENDING, id, 0, -1, lb);
    }
    for (uint64_t id = 1; id <= 100; id++) {
        int lane = 1 + (int)(id - 1) % 10;
        int64_t t = (int64_t)(10 + id * 7) * MS;
        ev(log, t, CV_EV_FUTURE, CV_RUNNING, id, 0, lane, NULL);
        ev(log, t + 5 * MS, CV_EV_FUTURE, CV_FINISHED, id, 200, lane, "200");
    }
    cv_log_close(log);
    return log;
}

/* At every event of a download, stepping forward, the table (not pinned)
 * shows that download's row, marked as the playhead's: on a screen of a
 * few table rows, that is a window that moves with the caption. */
static void test_table_follows_the_caption(void **state)
{
    (void)state;
    cv_log *log = flags_log();
    cv_model m;
    cv_model_init(&m, log);
    cv_canvas c;
    assert_int_equal(cv_canvas_init(&c, 80, 24, false), 0);
    cv_view v = {0};
    int checked = 0;
    for (size_t i = 1; i <= cv_log_count(log); i++) {
        assert_int_equal(cv_model_advance(&m, i), 0);
        const cv_event *e = cv_log_at(log, i - 1);
        if (e->kind != CV_EV_FUTURE)
            continue;
        render(&c, &m, &v);
        bool seen = false;
        for (int y = 0; y < c.rows && !seen; y++)
            if (id_at(&c, y) == (long)e->id && cv_canvas_get(&c, 0, y)->style == CV_ST_ROW_HOT)
                seen = true;
        if (!seen)
            fail_msg("event %zu: the row of future %llu is not on screen", i - 1,
                     (unsigned long long)e->id);
        checked++;
    }
    assert_int_equal(checked, 300);
    cv_canvas_free(&c);
    cv_model_free(&m);
    cv_log_destroy(log);
}

/* j/k in the table: the first j selects the playhead's row, then each
 * moves one; the selection clamps at the first and the last future, and
 * the window pins so that the selected row is always drawn, selected. */
static void test_table_selection_clamps(void **state)
{
    (void)state;
    cv_log *log = flags_log();
    cv_model m;
    cv_model_init(&m, log);
    assert_int_equal(cv_model_advance(&m, 50), 0);
    cv_canvas c;
    assert_int_equal(cv_canvas_init(&c, 80, 24, false), 0);
    cv_view v = {.focus = CV_FOCUS_TABLE};
    cv_view_move(&v, &m, 80, 24, 1, false);
    assert_true(v.pinned[CV_FOCUS_TABLE]);
    assert_true(v.sel_future != 0);
    for (int i = 0; i < 300; i++) {
        cv_view_move(&v, &m, 80, 24, i < 150 ? -1 : 1, i % 7 == 0);
        render(&c, &m, &v);
        int found = 0;
        for (int y = 0; y < c.rows; y++)
            if (cv_canvas_get(&c, 0, y)->style == CV_ST_ROW_SEL) {
                assert_int_equal(id_at(&c, y), (long)v.sel_future);
                found++;
            }
        assert_int_equal(found, 1);
        if (i == 149)
            assert_int_equal(v.sel_future, 1);
    }
    assert_int_equal(v.sel_future, m.nfuts);
    cv_view_move(&v, &m, 80, 24, 5, true);
    assert_int_equal(v.sel_future, m.nfuts);

    /* Lanes: j/k walk the present lanes and stop at either end. */
    v.focus = CV_FOCUS_LANES;
    for (int i = 0; i < 30; i++)
        cv_view_move(&v, &m, 80, 24, -1, false);
    assert_int_equal(v.sel_lane1, 1);
    for (int i = 0; i < 30; i++)
        cv_view_move(&v, &m, 80, 24, 1, false);
    assert_int_equal(v.sel_lane1, 11);
    assert_true(v.pinned[CV_FOCUS_LANES]);

    /* * (follow) unpins everything and drops the selection. */
    cv_view_follow(&v);
    assert_false(v.pinned[CV_FOCUS_TABLE] || v.pinned[CV_FOCUS_LANES]);
    assert_int_equal(v.sel_future, 0);
    assert_int_equal(v.sel_lane1, 0);
    cv_canvas_free(&c);
    cv_model_free(&m);
    cv_log_destroy(log);
}

/* The console scrolls a line at a time between its first line and the
 * newest page, and stays there as lines come. */
static void test_console_scroll_clamps(void **state)
{
    (void)state;
    cv_log *log = cv_log_create();
    ev(log, 0, CV_EV_HEADER, 0, 0, 0, -1, "lines");
    ev(log, 1, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, 0, "main");
    char line[32];
    for (int i = 0; i < 60; i++) {
        snprintf(line, sizeof line, "line %02d", i);
        ev(log, 2 + i, CV_EV_LOG, 0, 0, 0, 0, line);
    }
    cv_log_close(log);
    cv_model m;
    cv_model_init(&m, log);
    assert_int_equal(cv_model_advance(&m, 40), 0);
    cv_canvas c;
    assert_int_equal(cv_canvas_init(&c, 80, 24, false), 0);
    cv_view v = {.focus = CV_FOCUS_CONSOLE};
    render(&c, &m, &v);
    if (!console_has(&c, "line 37", NULL)) {
        char *d = cv_canvas_dump(&c);
        fail_msg("%s", d);
    }
    for (int i = 0; i < 100; i++)
        cv_view_move(&v, &m, 80, 24, -1, false);
    assert_int_equal(v.top[CV_FOCUS_CONSOLE], 0);
    render(&c, &m, &v);
    assert_true(console_has(&c, "line 00", NULL));
    assert_false(console_has(&c, "line 37", NULL));
    /* Pinned: new lines do not move it. */
    assert_int_equal(cv_model_advance(&m, 62), 0);
    render(&c, &m, &v);
    assert_true(console_has(&c, "line 00", NULL));
    for (int i = 0; i < 10; i++)
        cv_view_move(&v, &m, 80, 24, 1, true);
    render(&c, &m, &v);
    assert_true(console_has(&c, "line 59", NULL));
    assert_false(console_has(&c, "line 00", NULL));
    cv_canvas_free(&c);
    cv_model_free(&m);
    cv_log_destroy(log);
}

/* ---- focus and clicks --------------------------------------------------- */

/* Tab goes round the panes on screen; the spinner's two-sided screen has
 * no table, so Tab skips it.  The focused pane's title is drawn in the
 * focus style, and only its. */
static void test_focus_skips_absent_panes(void **state)
{
    (void)state;
    cv_log *log = trace_log("loiter");
    cv_model m;
    cv_model_init(&m, log);
    assert_int_equal(cv_model_advance(&m, cv_log_count(log)), 0);
    cv_view v = {0};
    cv_view_focus_step(&v, &m, 120, 40, 1);
    assert_int_equal(v.focus, CV_FOCUS_TABLE);
    cv_view_focus_step(&v, &m, 120, 40, 1);
    assert_int_equal(v.focus, CV_FOCUS_CONSOLE);
    cv_view_focus_step(&v, &m, 120, 40, 1);
    assert_int_equal(v.focus, CV_FOCUS_LANES);
    cv_view_focus_step(&v, &m, 120, 40, -1);
    assert_int_equal(v.focus, CV_FOCUS_CONSOLE);
    cv_canvas c;
    assert_int_equal(cv_canvas_init(&c, 120, 40, false), 0);
    render(&c, &m, &v);
    int focused = 0;
    char row[1024];
    for (int y = 0; y < c.rows; y++)
        for (int x = 0; x < c.cols; x++)
            if (cv_canvas_get(&c, x, y)->style == CV_ST_TITLE_FOCUS) {
                cv_canvas_row(&c, y, row, sizeof row);
                assert_non_null(strstr(row, "console"));
                focused++;
            }
    assert_int_equal(focused, (int)strlen("console"));
    cv_canvas_free(&c);
    cv_model_free(&m);
    cv_log_destroy(log);

    log = trace_log("spin_task");
    cv_model_init(&m, log);
    assert_int_equal(cv_model_advance(&m, cv_log_count(log)), 0);
    assert_true(m.sided);
    assert_false(cv_view_pane_shown(&m, NULL, 120, 40, CV_FOCUS_TABLE));
    v = (cv_view){0};
    cv_view_focus_step(&v, &m, 120, 40, 1);
    assert_int_equal(v.focus, CV_FOCUS_CONSOLE);
    /* A focus on the table, which is not there, moves on at the first key. */
    v.focus = CV_FOCUS_TABLE;
    cv_view_move(&v, &m, 120, 40, 1, false);
    assert_int_equal(v.focus, CV_FOCUS_CONSOLE);
    assert_true(v.pinned[CV_FOCUS_CONSOLE]);
    cv_model_free(&m);
    cv_log_destroy(log);
}

/* Every cell of a table row maps to the future whose id is drawn there,
 * and every cell of a lane's row to that lane (its name is drawn at the
 * row's start); titles, the caption and the console map to nothing.
 * Checked following the playhead and pinned elsewhere. */
static void test_hit_maps_cells_to_rows(void **state)
{
    (void)state;
    cv_log *log = flags_log();
    cv_model m;
    cv_model_init(&m, log);
    assert_int_equal(cv_model_advance(&m, 150), 0);
    cv_canvas c;
    assert_int_equal(cv_canvas_init(&c, 120, 40, false), 0);
    cv_view v = {.focus = CV_FOCUS_TABLE};
    for (int round = 0; round < 2; round++) {
        render(&c, &m, &v);
        int tables = 0, lanes = 0;
        char row[1024], name[48];
        for (int y = 0; y < c.rows; y++) {
            cv_canvas_row(&c, y, row, sizeof row);
            for (int x = 0; x < c.cols; x += 7) {
                cv_view_hit h = cv_view_hit_at(&m, &v, c.cols, c.rows, x, y);
                if (h.pane == CV_FOCUS_TABLE) {
                    assert_int_equal(id_at(&c, y), (long)h.future);
                    tables += x == 0;
                } else if (h.pane == CV_FOCUS_LANES) {
                    assert_true(h.lane >= 0);
                    cv_model_lane_name(&m, h.lane, name, sizeof name);
                    assert_memory_equal(row, name, strlen(name));
                    lanes += x == 0;
                } else {
                    assert_int_equal(h.pane, -1);
                    assert_false(strncmp(row, "worker", 6) == 0 && x < 60);
                }
            }
        }
        assert_true(tables >= 5);
        assert_int_equal(lanes, 11);
        /* Now pinned far from the playhead. */
        for (int i = 0; i < 80; i++)
            cv_view_move(&v, &m, c.cols, c.rows, 1, false);
    }
    cv_canvas_free(&c);
    cv_model_free(&m);
    cv_log_destroy(log);
}

/* Enter's target: the selection in the table; on a selected lane, what it
 * runs (or ran last); else the playhead's future. */
static void test_card_target(void **state)
{
    (void)state;
    cv_log *log = flags_log();
    cv_model m;
    cv_model_init(&m, log);
    /* Header, 11 threads, 100 pending, then future 1 runs, ends, 2 runs. */
    assert_int_equal(cv_model_advance(&m, 1 + 11 + 100 + 3), 0);
    cv_view v = {0};
    assert_int_equal(cv_view_card_target(&m, &v), 2);
    v.sel_future = 40;
    v.focus = CV_FOCUS_TABLE;
    assert_int_equal(cv_view_card_target(&m, &v), 40);
    v.focus = CV_FOCUS_LANES;
    v.sel_lane1 = 1 + 1; /* worker 1 ran future 1 */
    assert_int_equal(cv_view_card_target(&m, &v), 1);
    v.sel_lane1 = 1 + 2; /* worker 2 runs future 2 */
    assert_int_equal(cv_view_card_target(&m, &v), 2);
    v.sel_lane1 = 1 + 3; /* worker 3 ran nothing yet: the selection */
    assert_int_equal(cv_view_card_target(&m, &v), 40);
    cv_model_free(&m);
    cv_log_destroy(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_card_of_a_loiter_future),
        cmocka_unit_test(test_card_of_a_task),
        cmocka_unit_test(test_history_survives_seeks),
        cmocka_unit_test(test_table_follows_the_caption),
        cmocka_unit_test(test_table_selection_clamps),
        cmocka_unit_test(test_console_scroll_clamps),
        cmocka_unit_test(test_focus_skips_absent_panes),
        cmocka_unit_test(test_hit_maps_cells_to_rows),
        cmocka_unit_test(test_card_target),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
