/*
 * Steps by meaning (ui/model/steps.c) on real scenario logs: the recorded
 * traces in tests/golden/traces and a spinner --work nap run recorded by
 * the binary, plus a built log of a million plumbing events for the cost
 * of one step.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "canvas.h"
#include "caption.h"
#include "clock.h"
#include "logbuild.h"
#include "model.h"
#include "render.h"
#include "history.h"
#include "steps.h"
#include "trace.h"
#include "ui_testutil.h"

#define TRACES CV_SOURCE_DIR "/tests/golden/traces/"

static cv_log *read_trace(const char *path)
{
    char err[256];
    bool warned = false;
    cv_log *log = cv_log_create();
    assert_non_null(log);
    if (cv_trace_read(path, log, &warned, err, sizeof err) != 0)
        fail_msg("%s: %s", path, err);
    return log;
}

static cv_log *golden(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s%s.jsonl", TRACES, name);
    return read_trace(path);
}

/* The positions → visits from the first event to the end. */
static size_t forward(const cv_log *log, const cv_step_filter *f, size_t *at, size_t cap)
{
    size_t n = 0, pos = 1, count = cv_log_count(log);
    while (pos < count) {
        size_t next = cv_steps_next(log, pos, f);
        assert_true(next > pos);
        assert_true(n < cap);
        at[n++] = pos = next;
    }
    return n;
}

/* The screen at playhead position pos, below the header (which counts
 * events, so it would differ at every step whatever the step showed) and
 * without the caption line (likewise). */
static char *screen_at(const cv_log *log, size_t pos, int64_t span)
{
    cv_model m;
    cv_canvas c;
    cv_model_init(&m, log);
    assert_int_equal(cv_canvas_init(&c, 120, 40, true), 0);
    assert_int_equal(cv_model_advance(&m, pos), 0);
    cv_render_opts o = {.ascii = true, .now_ns = cv_log_at(log, pos - 1)->t_ns, .span_ns = span,
                        .speed = cv_log_meta_get(log)->speed, .mode = "PAUSED",
                        .total = cv_log_count(log)};
    cv_render(&c, &m, &o);
    char *text = cv_canvas_dump(&c);
    assert_non_null(text);
    char cap[512];
    cv_caption(&m, pos - 1, cap, sizeof cap);
    cv_canvas_free(&c);
    cv_model_free(&m);
    /* Blank the header row and every row holding the caption's start. */
    char *nl = strchr(text, '\n');
    if (nl != NULL)
        memset(text, ' ', (size_t)(nl - text));
    char head[24];
    snprintf(head, sizeof head, "%.20s", cap);
    for (char *p = strstr(text, head); head[0] && p != NULL; p = strstr(p + 1, head)) {
        char *e = strchr(p, '\n');
        memset(p, ' ', e ? (size_t)(e - p) : strlen(p));
    }
    return text;
}

/* loiter: each meaningful step changes something on screen beyond the
 * event counter and the caption, and it skips the busy/idle flips. */
static void test_loiter_steps_show(void **state)
{
    (void)state;
    cv_log *log = golden("loiter");
    size_t count = cv_log_count(log), at[512];
    cv_step_filter all = CV_STEP_ALL;
    size_t n = forward(log, &all, at, 512);
    size_t plumbing = 0;
    for (size_t i = 0; i < count; i++)
        plumbing += cv_steps_plumbing(log, i);
    assert_true(plumbing > 0);
    assert_true(n < count - 1);
    int64_t end = cv_log_at(log, count - 1)->t_ns;
    char *prev = screen_at(log, 1, cv_nice_span(end));
    for (size_t i = 0; i < n; i++) {
        char *s = screen_at(log, at[i], cv_nice_span(end));
        if (strcmp(prev, s) == 0)
            fail_msg("the step to position %zu (event %zu) changes nothing on screen", at[i],
                     at[i] - 1);
        free(prev);
        prev = s;
    }
    free(prev);
    cv_log_destroy(log);
}

/* async flags: no step lands on a poll or a turn of the loop, yet the
 * loop's stop is a step; `e` (every) takes every event. */
static void test_async_no_empty_polls(void **state)
{
    (void)state;
    cv_log *log = golden("flags_async");
    size_t count = cv_log_count(log), at[1024];
    cv_step_filter all = CV_STEP_ALL;
    size_t n = forward(log, &all, at, 1024);
    bool stop = false;
    for (size_t i = 0; i < n; i++) {
        const cv_event *e = cv_log_at(log, at[i] - 1);
        if (at[i] == count && cv_steps_plumbing(log, at[i] - 1))
            continue; /* the trailing plumbing: the end of the log */
        assert_false(e->kind == CV_EV_LOOP && e->state != CV_LOOP_IDLE);
        stop |= e->kind == CV_EV_LOOP && e->state == CV_LOOP_IDLE;
    }
    assert_true(stop);
    cv_step_filter every = {.every = true, .lane = -1};
    assert_int_equal(forward(log, &every, at, 1024), count - 1);
    cv_log_destroy(log);
}

/* Forward through every step, then back: the same positions in reverse
 * (on every golden trace with a shape of its own). */
static void test_back_retraces_forward(void **state)
{
    (void)state;
    static const char *const names[] = {"loiter", "flags_async", "flags_pool", "spin_sleep",
                                        "spin_block"};
    static size_t at[4096];
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        cv_log *log = golden(names[k]);
        cv_step_filter all = CV_STEP_ALL;
        size_t n = forward(log, &all, at, 4096);
        assert_true(n > 0);
        size_t pos = at[n - 1];
        for (size_t i = n - 1; i-- > 0;) {
            pos = cv_steps_prev(log, pos, &all);
            if (pos != at[i])
                fail_msg("%s: back from step %zu lands at %zu, forward was at %zu", names[k],
                         i + 1, pos, at[i]);
        }
        assert_int_equal(cv_steps_prev(log, pos, &all), 1);
        /* The index agrees with the classifier, and steps with it land
         * where steps without it did. */
        cv_steps_index x = {0};
        assert_int_equal(cv_steps_index_update(&x, log), 0);
        for (size_t i = 0; i < cv_log_count(log); i++)
            assert_int_equal((x.plumbing[i / 64] >> (i % 64)) & 1, cv_steps_plumbing(log, i));
        cv_step_filter indexed = {.lane = -1, .index = &x};
        pos = 1;
        for (size_t i = 0; i < n; i++)
            assert_int_equal(pos = cv_steps_next(log, pos, &indexed), at[i]);
        for (size_t i = n - 1; i-- > 0;)
            assert_int_equal(pos = cv_steps_prev(log, pos, &indexed), at[i]);
        cv_steps_index_free(&x);
        cv_log_destroy(log);
    }
}

/* ] within a future visits only that future's events; within a side only
 * that side's; a narrowed step past the last one stays put. */
static void test_narrowed(void **state)
{
    (void)state;
    cv_log *log = golden("spin_sleep");
    size_t count = cv_log_count(log);
    cv_model m;
    cv_model_init(&m, log);
    assert_int_equal(cv_model_advance(&m, count), 0);
    cv_step_filter task = {.lane = -1, .side = CV_SIDE_TASK, .lanes = &m};
    size_t pos = 1, seen = 0;
    for (;;) {
        size_t next = cv_steps_next(log, pos, &task);
        if (next == pos)
            break;
        const cv_event *e = cv_log_at(log, next - 1);
        int side = e->side ? e->side : cv_model_lane(&m, cv_event_lane_of(e))->side;
        assert_int_equal(side, CV_SIDE_TASK);
        seen++;
        pos = next;
    }
    assert_true(seen > 3);
    cv_step_filter spin = {.lane = -1, .future = 2};
    pos = 1;
    seen = 0;
    for (size_t next; (next = cv_steps_next(log, pos, &spin)) != pos; pos = next, seen++) {
        const cv_event *e = cv_log_at(log, next - 1);
        assert_true((e->kind == CV_EV_TASK && e->id == 2) || (e->kind == CV_EV_WAIT && e->ref == 2));
    }
    assert_true(seen > 3);
    cv_model_free(&m);
    cv_log_destroy(log);
}

/* spinner --work nap: nearly every event is supervisor yielding with
 * sleep(0); a few → reach a task frame, and f from any event reaches the
 * next task frame. */
static void test_nap_frames(void **state)
{
    (void)state;
    char path[] = "/tmp/cv_steps_napXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s spinner --work nap --headless --trace %s >/dev/null 2>&1",
             CV_BINARY, path);
    assert_int_equal(system(cmd), 0);
    cv_log *log = read_trace(path);
    unlink(path);
    size_t count = cv_log_count(log), plumbing = 0;
    for (size_t i = 0; i < count; i++)
        plumbing += cv_steps_plumbing(log, i);
    assert_true(plumbing > count * 9 / 10);
    /* From the first task frame, a handful of → reach the next one (the
     * task spinner turns again), where every event was 96 thousand. */
    cv_step_filter all = CV_STEP_ALL;
    size_t pos = 1;
    while (pos < count && !(cv_log_at(log, pos - 1)->kind == CV_EV_FRAME &&
                            cv_log_at(log, pos - 1)->side == CV_SIDE_TASK))
        pos++;
    size_t first = pos;
    int presses = 0;
    do {
        pos = cv_steps_next(log, pos, &all);
        presses++;
    } while (presses < 20 && !(cv_log_at(log, pos - 1)->kind == CV_EV_FRAME &&
                               cv_log_at(log, pos - 1)->side == CV_SIDE_TASK));
    printf("nap: the task spinner turns again after %d presses of ->\n", presses);
    assert_true(presses < 20);
    pos = first;
    /* f with the task side: the next frame of the task spinner, with no
     * task frame skipped on the way. */
    cv_step_filter f = {.lane = -1, .kind = CV_EV_FRAME, .side = CV_SIDE_TASK, .every = true};
    size_t next = cv_steps_next(log, pos, &f);
    assert_true(next > pos);
    for (size_t i = pos; i < next - 1; i++) {
        const cv_event *e = cv_log_at(log, i);
        assert_false(e->kind == CV_EV_FRAME && e->side == CV_SIDE_TASK);
    }
    assert_int_equal(cv_log_at(log, next - 1)->kind, CV_EV_FRAME);
    assert_int_equal(cv_log_at(log, next - 1)->side, CV_SIDE_TASK);
    assert_int_equal(cv_steps_prev(log, next, &f), pos);
    /* Opening the caption history at the end of the run captions it all
     * once; the figure is printed for the README, bounded generously. */
    cv_history h;
    assert_int_equal(cv_history_init(&h, log, 8192), 0);
    int64_t t0 = cv_clock_mono_ns();
    assert_int_equal(cv_history_advance(&h, count), 0);
    int64_t t1 = cv_clock_mono_ns();
    printf("nap: the history of %zu events (%zu captions) in %.1f ms\n", count, h.n,
           (double)(t1 - t0) / 1e6);
    assert_true(h.n < count - plumbing + 1);
    assert_true(t1 - t0 < 5000000000LL);
    cv_history_free(&h);
    cv_log_destroy(log);
}

/* A million events of a task yielding with sleep(0), a meaningful event
 * only at the two ends: one step across all of it must cost well under a
 * frame (16 ms) on an idle machine; the bounds are generous for a loaded
 * machine and a sanitizer build (the figures themselves are printed). */
static void test_step_cost(void **state)
{
    (void)state;
    cv_log *log = cv_log_create();
    assert_non_null(log);
    cv_log_meta meta = {.scenario = "nap", .speed = 1.0};
    cv_log_set_meta(log, &meta);
    assert_int_equal(log_event(log, 0, CV_EV_HEADER, 0, 0, 0, -1, 0, "nap"), 0);
    assert_int_equal(log_event(log, 0, CV_EV_TASK, CV_TASK_CREATED, 1, 0, 1, 0, "slow"), 0);
    int64_t t = 1;
    for (size_t n = 2; n < 1000000; n += 3) {
        assert_int_equal(log_event(log, t++, CV_EV_TASK, CV_TASK_RUNNING, 1, 0, 1, 0, NULL), 0);
        assert_int_equal(log_event(log, t++, CV_EV_TASK, CV_TASK_SUSPENDED, 1, 0, 1, 0, "sleep 0s"), 0);
        assert_int_equal(log_event(log, t++, CV_EV_TASK, CV_TASK_SCHEDULED, 1, 0, 1, 0, NULL), 0);
    }
    assert_int_equal(log_event(log, t, CV_EV_TASK, CV_TASK_DONE, 1, 0, 1, 0, NULL), 0);
    cv_log_publish(log);
    size_t count = cv_log_count(log);
    cv_step_filter all = CV_STEP_ALL;
    int64_t t0 = cv_clock_mono_ns();
    size_t next = cv_steps_next(log, 3, &all);
    int64_t t1 = cv_clock_mono_ns();
    size_t prev = cv_steps_prev(log, count, &all);
    int64_t t2 = cv_clock_mono_ns();
    assert_int_equal(next, count);
    assert_int_equal(prev, 3); /* the first resumption after created */
    printf("one step over %zu events: forward %.2f ms, back %.2f ms\n", count,
           (double)(t1 - t0) / 1e6, (double)(t2 - t1) / 1e6);
    /* The app steps with the index below; this scan without it only has
     * to stay linear, which 5 s allows even under TSan (about 0.6 s). */
    assert_true(t1 - t0 < 5000000000LL);
    assert_true(t2 - t1 < 5000000000LL);
    /* With the index of plumbing (classified once), the same steps skip
     * 64 events a word and land in the same places. */
    cv_steps_index x = {0};
    int64_t t3 = cv_clock_mono_ns();
    assert_int_equal(cv_steps_index_update(&x, log), 0);
    int64_t t4 = cv_clock_mono_ns();
    all.index = &x;
    assert_int_equal(cv_steps_next(log, 3, &all), count);
    int64_t t5 = cv_clock_mono_ns();
    assert_int_equal(cv_steps_prev(log, count, &all), 3);
    int64_t t6 = cv_clock_mono_ns();
    printf("indexing %zu events: %.2f ms once; then one step: forward %.3f ms, back %.3f ms\n",
           count, (double)(t4 - t3) / 1e6, (double)(t5 - t4) / 1e6, (double)(t6 - t5) / 1e6);
    assert_true(t5 - t4 < 250000000LL); /* 0.02-0.04 ms plain; sanitizers are slower */
    assert_true(t6 - t5 < 250000000LL);
    cv_steps_index_free(&x);
    cv_log_destroy(log);
}

/* The history holds the caption line's own words for every meaningful
 * step, reached in two advances (as a list opened twice would be); with a
 * small ring, only the latest, and it counts what it dropped. */
static void test_history(void **state)
{
    (void)state;
    cv_log *log = golden("flags_async");
    size_t count = cv_log_count(log);
    cv_history h;
    assert_int_equal(cv_history_init(&h, log, 4096), 0);
    assert_int_equal(cv_history_advance(&h, count / 2), 0);
    size_t half = h.n;
    assert_int_equal(cv_history_advance(&h, count), 0);
    assert_true(h.n > half);
    assert_int_equal(cv_history_before(&h, count / 2), half);
    cv_step_filter all = CV_STEP_ALL;
    size_t at[1024], n = forward(log, &all, at, 1024), k = 1;
    assert_int_equal(cv_history_at(&h, 0)->event, 0); /* the run begins: Home's caption */
    char want[512];
    for (size_t i = 0; i < n; i++) {
        if (cv_steps_plumbing(log, at[i] - 1))
            continue; /* the end of the log, past trailing plumbing */
        const cv_history_entry *e = cv_history_at(&h, k++);
        assert_int_equal(e->event, at[i] - 1);
        caption_at(log, e->event, want, sizeof want);
        want[CV_HISTORY_TEXT - 1] = '\0';
        assert_string_equal(e->text, want);
    }
    assert_int_equal(k, h.n);
    cv_history_free(&h);
    assert_int_equal(cv_history_init(&h, log, 10), 0);
    assert_int_equal(cv_history_advance(&h, count), 0);
    assert_int_equal(h.n, 10);
    assert_int_equal(h.dropped, k - 10);
    cv_history_free(&h);
    cv_log_destroy(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loiter_steps_show), cmocka_unit_test(test_async_no_empty_polls),
        cmocka_unit_test(test_back_retraces_forward), cmocka_unit_test(test_narrowed),
        cmocka_unit_test(test_nap_frames),        cmocka_unit_test(test_step_cost),
        cmocka_unit_test(test_history),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
