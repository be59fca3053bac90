/*
 * A screen is a function of where the playhead stands, never of how it
 * got there.  The timeline used to keep a span that froze or refitted by
 * the mode's history, so loiter's first events drew on a 0-14 ms axis
 * going forward and a 0-6 s axis going back.  These tests render loiter
 * stepping forward event by event, then back, the way the app does (one
 * model seeked to each position, the playhead at the event's time, the
 * span the app derives from the log), at three sizes, and require every
 * screen to be the same both ways; then the same zoomed in and in event
 * order.  Last, the lanes pane follows the playhead: on a log of 30
 * workers, the lane the caption names is on screen at every event.
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
#include "caption.h"
#include "logbuild.h"
#include "model.h"
#include "render.h"
#include "trace.h"
#include "golden_trace.h"

#define MS 1000000LL

/* The screen at position pos (events [0, pos) applied), as the app draws
 * a paused run: the playhead at the last applied event's time, the span
 * fitted to the whole log. */
static char *screen_at(cv_model *m, cv_canvas *c, size_t pos, const cv_view *v)
{
    const cv_log *log = m->log;
    size_t count = cv_log_count(log);
    assert_int_equal(cv_model_seek(m, pos), 0);
    int64_t end = cv_log_at(log, count - 1)->t_ns;
    cv_render_opts o = {.now_ns = pos > 0 ? cv_log_at(log, pos - 1)->t_ns : 0,
                        .span_ns = cv_nice_span(end > 0 ? end : 1),
                        .speed = cv_log_meta_get(log)->speed, .mode = "PAUSED",
                        .total = count, .paused = true, .view = v};
    cv_render(c, m, &o);
    char *text = cv_canvas_dump(c);
    assert_non_null(text);
    return text;
}

static void forward_back(const cv_log *log, const cv_view *v)
{
    static const int sizes[][2] = {{80, 24}, {120, 40}, {200, 60}};
    size_t count = cv_log_count(log);
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        cv_model m;
        cv_canvas c;
        cv_model_init(&m, log);
        assert_int_equal(cv_canvas_init(&c, sizes[s][0], sizes[s][1], false), 0);
        char **fwd = calloc(count + 1, sizeof *fwd);
        assert_non_null(fwd);
        for (size_t pos = 0; pos <= count; pos++)
            fwd[pos] = screen_at(&m, &c, pos, v);
        for (size_t pos = count + 1; pos-- > 0;) {
            char *back = screen_at(&m, &c, pos, v);
            if (strcmp(back, fwd[pos]) != 0)
                fail_msg("%dx%d, position %zu: forward\n%s\nback\n%s", sizes[s][0],
                         sizes[s][1], pos, fwd[pos], back);
            free(back);
        }
        for (size_t pos = 0; pos <= count; pos++)
            free(fwd[pos]);
        free(fwd);
        cv_canvas_free(&c);
        cv_model_free(&m);
    }
}

static void test_loiter_forward_equals_back(void **state)
{
    (void)state;
    cv_log *log = trace_log("loiter");
    forward_back(log, NULL);
    cv_log_destroy(log);
}

static void test_zoomed_and_ordered_forward_equals_back(void **state)
{
    (void)state;
    cv_log *log = trace_log("loiter");
    cv_view zoomed = {.zoom = 3, .pan = -1};
    forward_back(log, &zoomed);
    cv_view ordered = {.order = true};
    forward_back(log, &ordered);
    cv_log_destroy(log);
}

/* The line of the lanes pane's axis: the row that starts with "lanes". */
static const char *axis_line(const char *screen, char *buf, size_t len)
{
    for (const char *p = screen; p != NULL && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        if (strncmp(p, "lanes", 5) == 0) {
            size_t n = strcspn(p, "\n");
            snprintf(buf, len, "%.*s", (int)(n < len ? n : len - 1), p);
            return buf;
        }
    }
    return NULL;
}

/* Zoom changes the axis: at zoom 0 loiter's run fits (its last tick is
 * seconds), zoomed in around the first events it reads fractions. */
static void test_zoom_changes_the_axis(void **state)
{
    (void)state;
    cv_log *log = trace_log("loiter");
    cv_model m;
    cv_canvas c;
    cv_model_init(&m, log);
    assert_int_equal(cv_canvas_init(&c, 120, 40, true), 0);
    char a0[256], a1[256], ao[256];
    cv_view fit = {0}, in = {.zoom = 10}, order = {.order = true};
    char *s0 = screen_at(&m, &c, 20, &fit);
    char *s1 = screen_at(&m, &c, 20, &in);
    char *so = screen_at(&m, &c, 20, &order);
    assert_non_null(axis_line(s0, a0, sizeof a0));
    assert_non_null(axis_line(s1, a1, sizeof a1));
    assert_non_null(axis_line(so, ao, sizeof ao));
    assert_string_not_equal(a0, a1);
    assert_non_null(strstr(ao, "events"));
    assert_non_null(strstr(ao, "#10"));
    free(s0);
    free(s1);
    free(so);
    cv_canvas_free(&c);
    cv_model_free(&m);
    cv_log_destroy(log);
}

/* The row of the lanes pane that starts with name. */
static const char *lane_row(const char *screen, const char *name, char *buf, size_t len)
{
    size_t n = strlen(name);
    for (const char *p = screen; p != NULL && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        if (strncmp(p, name, n) == 0 && p[n] == ' ') {
            size_t w = strcspn(p, "\n");
            snprintf(buf, len, "%.*s", (int)(w < len ? w : len - 1), p);
            return buf;
        }
    }
    return NULL;
}

/* At loiter's end: loiter(0), which took no time, shows as a tick on its
 * worker's lane; main's four waits, each starting as the one before
 * ended, are four (an edge before each but the first); and no label on
 * main names a future bare, as if main had run it. */
static void test_honest_marks(void **state)
{
    (void)state;
    cv_log *log = trace_log("loiter");
    cv_model m;
    cv_canvas c;
    cv_model_init(&m, log);
    assert_int_equal(cv_canvas_init(&c, 120, 40, false), 0);
    char *s = screen_at(&m, &c, cv_log_count(log), NULL);
    char row[1024];
    const cv_mfuture *zero = cv_model_future(&m, 1);
    assert_non_null(zero);
    char lane[48];
    cv_model_lane_name(&m, zero->lane, lane, sizeof lane);
    assert_non_null(lane_row(s, lane, row, sizeof row));
    assert_non_null(strstr(row, "\xe2\x94\x87")); /* the tick */
    assert_non_null(lane_row(s, "main", row, sizeof row));
    int edges = 0;
    for (const char *p = row; (p = strstr(p, "\xe2\x96\x8f")) != NULL; p++)
        edges++;
    assert_true(edges >= 3);
    for (int i = 1; i <= 4; i++) {
        char bare[32];
        snprintf(bare, sizeof bare, "loiter(%d)", i);
        const char *at = strstr(row, bare);
        if (at != NULL && !(at - row >= 4 && strncmp(at - 4, "for ", 4) == 0))
            fail_msg("main's lane names %s bare: %s", bare, row);
    }
    free(s);
    cv_canvas_free(&c);
    cv_model_free(&m);
    cv_log_destroy(log);
}

/* Another run of the same scenario, as the race between workers may
 * give it: the thread the pool created first (named "worker 1") is not
 * the one that took the first job.  The same events, with the names of
 * the threads on lanes a and b swapped. */
static cv_log *swap_names(const cv_log *log, int a, int b)
{
    cv_log *out = cv_log_create();
    assert_non_null(out);
    cv_log_set_meta(out, cv_log_meta_get(log));
    char na[32], nb[32];
    snprintf(na, sizeof na, "worker %d", a);
    snprintf(nb, sizeof nb, "worker %d", b);
    for (size_t i = 0; i < cv_log_count(log); i++) {
        cv_event e = *cv_log_at(log, i);
        const char *text = e.text;
        if (e.kind == CV_EV_THREAD && e.state == CV_THREAD_STARTED && text != NULL)
            text = strcmp(text, na) == 0 ? nb : strcmp(text, nb) == 0 ? na : text;
        e.text = text != NULL ? strdup(text) : NULL;
        assert_int_equal(cv_log_append(out, &e), 0);
    }
    cv_log_publish(out);
    cv_log_close(out);
    return out;
}

/* Worker 1 is the first to start a future, in every run: at each event of
 * loiter and of the same run with its workers' names swapped, every
 * future is on a lane of the same name, and so is the caption. */
static void test_stable_worker_numbers(void **state)
{
    (void)state;
    cv_log *one = trace_log("loiter");
    cv_log *two = swap_names(one, 1, 2);
    cv_model m1, m2;
    cv_model_init(&m1, one);
    cv_model_init(&m2, two);
    size_t count = cv_log_count(one);
    for (size_t pos = 1; pos <= count; pos++) {
        assert_int_equal(cv_model_seek(&m1, pos), 0);
        assert_int_equal(cv_model_seek(&m2, pos), 0);
        for (size_t i = 0; i < m1.nfuts; i++) {
            char n1[48], n2[48];
            const cv_mfuture *f1 = &m1.futs[i], *f2 = cv_model_future(&m2, f1->id);
            assert_non_null(f2);
            if (f1->lane < 0)
                continue;
            cv_model_lane_name(&m1, f1->lane, n1, sizeof n1);
            cv_model_lane_name(&m2, f2->lane, n2, sizeof n2);
            assert_string_equal(n1, n2);
        }
        char c1[512], c2[512];
        cv_caption(&m1, pos - 1, c1, sizeof c1);
        cv_caption(&m2, pos - 1, c2, sizeof c2);
        assert_string_equal(c1, c2);
    }
    /* loiter(0) is the first future to start: its worker is worker 1. */
    char name[48];
    assert_string_equal(cv_model_lane_name(&m1, cv_model_future(&m1, 1)->lane, name, sizeof name),
                        "worker 1");
    cv_model_free(&m1);
    cv_model_free(&m2);
    cv_log_destroy(one);
    cv_log_destroy(two);
}

/* 30 workers each take one job, one after the other, on a short screen:
 * the lanes cannot all show, and the one the event is on must. */
static cv_log *thirty_workers(void)
{
    cv_log *log = cv_log_create();
    assert_non_null(log);
    cv_log_meta meta = {.scenario = "flags", .speed = 1.0};
    cv_log_set_meta(log, &meta);
    assert_int_equal(log_event(log, 0, CV_EV_HEADER, 0, 0, 0, -1, 0, "flags"), 0);
    assert_int_equal(log_event(log, 0, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, 0, 0, "main"), 0);
    char text[32];
    for (int w = 1; w <= 30; w++) {
        snprintf(text, sizeof text, "worker %d", w);
        assert_int_equal(log_event(log, w, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, w, 0, text), 0);
    }
    for (int w = 1; w <= 30; w++) {
        snprintf(text, sizeof text, "get(%d)", w);
        assert_int_equal(log_event(log, 40 + w, CV_EV_FUTURE, CV_PENDING, (uint64_t)w, 0, -1, 0,
                                   text), 0);
    }
    for (int w = 1; w <= 30; w++) {
        int64_t t = 100 * MS + w * MS;
        assert_int_equal(log_event(log, t, CV_EV_FUTURE, CV_RUNNING, (uint64_t)w, 0, w, 0, NULL), 0);
        assert_int_equal(log_event(log, t + MS / 2, CV_EV_FUTURE, CV_FINISHED, (uint64_t)w, 0, w,
                                   0, NULL), 0);
    }
    cv_log_publish(log);
    cv_log_close(log);
    return log;
}

static void test_lanes_follow_the_caption(void **state)
{
    (void)state;
    cv_log *log = thirty_workers();
    cv_model m;
    cv_canvas c;
    cv_model_init(&m, log);
    assert_int_equal(cv_canvas_init(&c, 120, 40, true), 0);
    size_t count = cv_log_count(log);
    int checked = 0;
    for (size_t pos = 1; pos <= count; pos++) {
        const cv_event *e = cv_log_at(log, pos - 1);
        if (e->kind != CV_EV_FUTURE || e->state != CV_RUNNING)
            continue;
        char *s = screen_at(&m, &c, pos, NULL);
        char name[48], want[64], brief[64];
        cv_model_lane_name(&m, e->lane, name, sizeof name);
        snprintf(want, sizeof want, "\n%s ", name);
        /* 31 lanes do not fit 40 rows: they are compact, "w18". */
        snprintf(brief, sizeof brief, "\nw%s ", name + strlen("worker "));
        if (strstr(s, want) == NULL && strstr(s, brief) == NULL)
            fail_msg("event %zu runs on %s, not on screen:\n%s", pos - 1, name, s);
        checked++;
        free(s);
    }
    assert_int_equal(checked, 30);
    /* Pinned, the pane shows from the row the user scrolled to. */
    cv_view pinned = {.pinned = {[CV_FOCUS_LANES] = true}, .top = {[CV_FOCUS_LANES] = 2}};
    char *s = screen_at(&m, &c, count, &pinned);
    assert_non_null(strstr(s, "\n3-"));
    assert_non_null(strstr(s, "/31"));
    assert_non_null(strstr(s, "\nrun ")); /* the concurrency strip */
    const char *strip = strstr(s, "\nrun ") + 1 + 8, *eol = strchr(strip, '\n');
    assert_true(strspn(strip, " ") < (size_t)(eol - strip)); /* the strip shows some runs */
    free(s);
    /* v turns compact off: full names, no strip. */
    cv_view full = {.compact = true};
    s = screen_at(&m, &c, count, &full);
    assert_null(strstr(s, "\nrun "));
    assert_non_null(strstr(s, "\nworker "));
    free(s);
    cv_canvas_free(&c);
    cv_model_free(&m);
    cv_log_destroy(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loiter_forward_equals_back),
        cmocka_unit_test(test_zoomed_and_ordered_forward_equals_back),
        cmocka_unit_test(test_zoom_changes_the_axis),
        cmocka_unit_test(test_honest_marks),
        cmocka_unit_test(test_stable_worker_numbers),
        cmocka_unit_test(test_lanes_follow_the_caption),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
