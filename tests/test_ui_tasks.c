/*
 * The event loop on screen: hand-built logs of the spinner (a thread side
 * and a task side, with and without a blocking call) and of flag downloads
 * (676 futures across 30 workers, 676 tasks on one loop), rendered and
 * read back as text, as test_ui_render.c does for loiter.
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
#include "clock.h"
#include "logbuild.h"
#include "model.h"
#include "render.h"
#include "ui_testutil.h"

#define MS 1000000LL

enum { MAIN = 0, SPINNER = 1, LOOP = 2 };
enum { SUPERVISOR = 101, SPIN = 102, SLOW = 103 };

/* Events appended so far (cv_log_count sees them only once published). */
static size_t appended;

static void ev_side(cv_log *log, int64_t t_ns, int kind, int state, uint64_t id, uint64_t ref,
                    int lane, int side, const char *text)
{
    appended++;
    assert_int_equal(log_event(log, t_ns, kind, state, id, ref, lane, side, text), 0);
}

static void ev(cv_log *log, int64_t t_ns, int kind, int state, uint64_t id, uint64_t ref,
               int lane, const char *text)
{
    ev_side(log, t_ns, kind, state, id, ref, lane, CV_SIDE_NONE, text);
}

static const char glyphs[] = "\\|/-";

/* Index of the event the task-caption tests look at. */
static size_t ix_created, ix_resume, ix_suspend, ix_cancel, ix_mark;

/* spinner_thread.py and spinner_async.py side by side, 3 s at speed 1:
 * the thread spinner draws every 100 ms; the task spinner too, unless
 * `block`, where slow() calls time.sleep(3) on the loop and spin draws
 * once.  The events are appended in time order, as the bus would. */
static cv_log *hand_spinner(bool block)
{
    cv_log *log = cv_log_create();
    assert_non_null(log);
    appended = 0;
    cv_log_meta meta = {.scenario = "spinner", .speed = 1};
    snprintf(meta.args, sizeof meta.args, "%s", block ? "--work block" : "");
    cv_log_set_meta(log, &meta);
    ev(log, 0, CV_EV_HEADER, 0, 0, 0, -1, "spinner");
    ev(log, 0, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, MAIN, "main");
    ev_side(log, 0, CV_EV_LOG, 0, 0, 0, MAIN, CV_SIDE_THREAD, "spinner object: <Thread(Thread-1)>");
    ev(log, 0, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, SPINNER, "spinner");
    ev(log, 0, CV_EV_THREAD, CV_THREAD_BUSY, 0, 0, SPINNER, NULL);
    ev(log, 0, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, LOOP, "loop");
    ev_side(log, 0, CV_EV_LOG, 0, 0, 0, LOOP, CV_SIDE_TASK, "spinner object: <Task spin>");
    ev(log, 0, CV_EV_LOOP, CV_LOOP_RUNNING, 0, 0, LOOP, NULL);
    ev(log, 0, CV_EV_TASK, CV_TASK_CREATED, SUPERVISOR, 0, LOOP, "supervisor");
    ev(log, MS, CV_EV_TASK, CV_TASK_RUNNING, SUPERVISOR, 0, LOOP, NULL);
    ix_created = appended;
    ev(log, MS, CV_EV_TASK, CV_TASK_CREATED, SPIN, SUPERVISOR, LOOP, "spin");
    ev(log, MS, CV_EV_TASK, CV_TASK_CREATED, SLOW, SUPERVISOR, LOOP, "slow");
    ev(log, 2 * MS, CV_EV_TASK, CV_TASK_SUSPENDED, SUPERVISOR, SLOW, LOOP, "task slow");
    ev(log, 2 * MS, CV_EV_TASK, CV_TASK_RUNNING, SPIN, 0, LOOP, NULL);
    ev_side(log, 2 * MS, CV_EV_FRAME, 0, 0, 0, LOOP, CV_SIDE_TASK, "\\");
    ev(log, 3 * MS, CV_EV_TASK, CV_TASK_SUSPENDED, SPIN, 0, LOOP, "sleep 0.1s");
    ev(log, 3 * MS, CV_EV_TASK, CV_TASK_RUNNING, SLOW, 0, LOOP, NULL);
    if (!block)
        ev(log, 4 * MS, CV_EV_TASK, CV_TASK_SUSPENDED, SLOW, 0, LOOP, "sleep 3s");
    if (!block)
        ev(log, 4 * MS, CV_EV_LOOP, CV_LOOP_POLLING, 0, 100000, LOOP, NULL);
    int k_task = 1;
    for (int k = 0; k < 30; k++) {
        int64_t t = 50 * MS + k * 100 * MS;
        char g[2] = {glyphs[k % 4], '\0'};
        ev_side(log, t, CV_EV_FRAME, 0, 0, 0, SPINNER, CV_SIDE_THREAD, g);
        if (block || k == 29)
            continue;
        int64_t tt = t + 50 * MS;
        char gt[2] = {glyphs[k_task++ % 4], '\0'};
        ev(log, tt, CV_EV_LOOP, CV_LOOP_RUNNING, 0, 0, LOOP, NULL);
        ev(log, tt, CV_EV_TASK, CV_TASK_SCHEDULED, SPIN, 0, LOOP, NULL);
        if (k == 3)
            ix_resume = appended;
        ev(log, tt, CV_EV_TASK, CV_TASK_RUNNING, SPIN, 0, LOOP, NULL);
        ev_side(log, tt, CV_EV_FRAME, 0, 0, 0, LOOP, CV_SIDE_TASK, gt);
        if (k == 3)
            ix_suspend = appended;
        ev(log, tt + MS, CV_EV_TASK, CV_TASK_SUSPENDED, SPIN, 0, LOOP, "sleep 0.1s");
        ev(log, tt + MS, CV_EV_LOOP, CV_LOOP_POLLING, 0, 99000, LOOP, NULL);
    }
    int64_t t = 3010 * MS;
    ev(log, t, CV_EV_LOOP, CV_LOOP_RUNNING, 0, 0, LOOP, NULL);
    if (!block) {
        ev(log, t, CV_EV_TASK, CV_TASK_SCHEDULED, SLOW, 0, LOOP, NULL);
        ev(log, t, CV_EV_TASK, CV_TASK_RUNNING, SLOW, 0, LOOP, NULL);
    }
    ev(log, t, CV_EV_TASK, CV_TASK_DONE, SLOW, 42, LOOP, NULL);
    ev(log, t, CV_EV_TASK, CV_TASK_SCHEDULED, SUPERVISOR, 0, LOOP, NULL);
    ev(log, t, CV_EV_TASK, CV_TASK_RUNNING, SUPERVISOR, 0, LOOP, NULL);
    ev(log, t, CV_EV_TASK, CV_TASK_SCHEDULED, SPIN, 0, LOOP, NULL);
    ev(log, t, CV_EV_TASK, CV_TASK_SUSPENDED, SUPERVISOR, SPIN, LOOP, "task spin");
    ev(log, t, CV_EV_TASK, CV_TASK_RUNNING, SPIN, 0, LOOP, NULL);
    ix_cancel = appended;
    ev(log, t, CV_EV_TASK, CV_TASK_CANCELLED, SPIN, 0, LOOP, NULL);
    ev_side(log, t, CV_EV_FRAME, 0, 0, 0, LOOP, CV_SIDE_TASK, "");
    ix_mark = appended;
    ev(log, t, CV_EV_MARK, 0, 0, 0, LOOP, "The answer is 42: slow() is done, so spin is cancelled.");
    ev_side(log, 3050 * MS, CV_EV_FRAME, 0, 0, 0, SPINNER, CV_SIDE_THREAD, "");
    ev_side(log, 3050 * MS, CV_EV_LOG, 0, 0, 0, MAIN, CV_SIDE_THREAD, "Answer: 42");
    ev_side(log, 3050 * MS, CV_EV_LOG, 0, 0, 0, LOOP, CV_SIDE_TASK, "Answer: 42");
    cv_log_publish(log);
    cv_log_close(log);
    return log;
}

/* Row y of a screen, columns [x0, x1) (one byte per column: ASCII only). */
static void cut(const char *screen, int y, int x0, int x1, char *buf, size_t len)
{
    const char *p = screen;
    for (int i = 0; i < y && p != NULL; i++) {
        p = strchr(p, '\n');
        p = p ? p + 1 : NULL;
    }
    size_t n = 0;
    const char *nl = p ? strchr(p, '\n') : NULL;
    size_t rowlen = p ? (nl ? (size_t)(nl - p) : strlen(p)) : 0;
    for (int x = x0; x < x1 && n + 1 < len; x++)
        buf[n++] = (size_t)x < rowlen ? p[x] : ' ';
    buf[n] = '\0';
}

/* True if some row's columns [x0, x1) contain needle (ASCII screens). */
static bool in_columns(const char *screen, int rows, int x0, int x1, const char *needle)
{
    char buf[512];
    for (int y = 0; y < rows; y++) {
        cut(screen, y, x0, x1, buf, sizeof buf);
        if (strstr(buf, needle) != NULL)
            return true;
    }
    return false;
}

/* The latest frames at 1.0 s: the thread's tenth (0.95 s, '|') and the
 * task's eleventh (1.0 s, '/').  Each pane shows its own glyph beside
 * "thinking!" and its own frame count. */
static void test_two_panes(void **state)
{
    (void)state;
    cv_log *log = hand_spinner(false);
    char *s = render_at(log, 1.0, 120, 40, true);
    int half = 119 / 2;
    if (!in_columns(s, 40, 0, half, "thread side") || !in_columns(s, 40, half, 120, "task side"))
        fail_msg("no two panes:\n%s", s);
    if (getenv("CV_SHOW")) /* CV_SHOW=1 prints the screen, for a look */
        fputs(s, stderr);
    assert_true(in_columns(s, 40, 0, half, "| thinking!"));
    assert_true(in_columns(s, 40, half, 120, "/ thinking!"));
    assert_true(in_columns(s, 40, 0, half, "frame 10"));
    assert_true(in_columns(s, 40, half, 120, "frame 11"));
    /* Lanes by side: main and spinner left, the loop right. */
    assert_true(in_columns(s, 40, 0, half, "spinner  "));
    assert_false(in_columns(s, 40, 0, half, "loop  "));
    assert_true(in_columns(s, 40, half, 120, "loop  "));
    /* Consoles by side. */
    assert_true(in_columns(s, 40, 0, half, "<Thread(Thread-1)>"));
    assert_true(in_columns(s, 40, half, 120, "<Task spin>"));
    assert_false(in_columns(s, 40, half, 120, "<Thread"));
    /* The tasks in flight, with what they await. */
    assert_true(in_columns(s, 40, half, 120, "supervisor  awaits task slow"));
    assert_true(in_columns(s, 40, half, 120, "slow        awaits sleep 3s"));
    free(s);

    /* A frame later on the thread side only: both show '/' now. */
    s = render_at(log, 1.06, 120, 40, true);
    assert_true(in_columns(s, 40, 0, half, "/ thinking!"));
    assert_true(in_columns(s, 40, 0, half, "frame 11"));
    assert_true(in_columns(s, 40, half, 120, "/ thinking!"));
    free(s);

    /* At the end both lines are cleared: the spinners stopped. */
    s = render_at(log, 3.1, 120, 40, true);
    assert_true(in_columns(s, 40, 0, half, "stopped"));
    assert_true(in_columns(s, 40, half, 120, "stopped"));
    free(s);
    cv_log_destroy(log);
}

/* --work block: at 2 s the thread spinner turns, the task spinner has
 * been frozen since its first frame, and slow() holds the loop. */
static void test_frozen_task_spinner(void **state)
{
    (void)state;
    cv_log *log = hand_spinner(true);
    char *s = render_at(log, 2.0, 120, 40, true);
    int half = 119 / 2;
    if (!in_columns(s, 40, half, 120, "FROZEN") || in_columns(s, 40, 0, half, "FROZEN"))
        fail_msg("the task side should be frozen, the thread side not:\n%s", s);
    assert_true(in_columns(s, 40, 0, half, "turning"));
    assert_true(in_columns(s, 40, half, 120, "\\ thinking!"));
    assert_true(in_columns(s, 40, half, 120, "frame 1 "));
    /* The loop lane shows slow's slice, still running, by name. */
    char line[512];
    bool slow = false;
    for (int y = 0; y < 40; y++) {
        cut(s, y, half + 1, 120, line, sizeof line);
        if (strncmp(line, "loop", 4) == 0 && strstr(line, "slow") != NULL)
            slow = true;
    }
    if (!slow)
        fail_msg("the loop lane does not name slow:\n%s", s);
    free(s);
    cv_log_destroy(log);
}

/* The loop lane: slices with task names where they fit, polling between
 * them drawn apart from running. */
static void test_slices(void **state)
{
    (void)state;
    cv_log *log = hand_spinner(false);
    cv_model m;
    cv_model_init(&m, log);
    assert_int_equal(cv_model_advance(&m, cv_log_count(log)), 0);
    const cv_mlane *l = cv_model_lane(&m, LOOP);
    assert_non_null(l);
    assert_true(l->loop);
    assert_int_equal(l->side, CV_SIDE_TASK);
    assert_int_equal(cv_model_lane(&m, SPINNER)->side, CV_SIDE_THREAD);
    /* supervisor, spin, slow, then 29 times spin; slow, supervisor, spin. */
    assert_int_equal(l->nslices, 3 + 29 + 3);
    assert_int_equal(l->slices[0].end, CV_TASK_SUSPENDED);
    assert_int_equal(l->slices[l->nslices - 1].end, CV_TASK_CANCELLED);
    assert_int_equal(m.ntasks, 3);
    assert_int_equal(m.ntasks_done, 2);
    cv_model_free(&m);

    /* At 2 s slow() is suspended in its sleep, so the loop lane is spin's
     * short slices ('%' in ASCII, ',' where a slice covers under half its
     * cell) between the loop's polls (':'). */
    char *s = render_at(log, 2.0, 200, 40, true);
    char line[512];
    bool poll = false;
    for (int y = 0; y < 40; y++) {
        cut(s, y, 100, 200, line, sizeof line);
        if (strncmp(line, "loop", 4) == 0 && strchr(line + 10, ':') != NULL &&
            strpbrk(line + 10, "%,") != NULL)
            poll = true;
    }
    if (!poll)
        fail_msg("the loop lane shows no polling and slices:\n%s", s);
    free(s);
    cv_log_destroy(log);
}

static void test_task_captions(void **state)
{
    (void)state;
    cv_log *log = hand_spinner(false);
    char buf[512];
    caption_at(log, ix_created, buf, sizeof buf);
    assert_string_equal(buf, "Task created: it is already scheduled (spin, created by supervisor)");
    caption_at(log, ix_resume, buf, sizeof buf);
    assert_string_equal(buf, "spin resumes on the event loop; 2 other tasks wait their turn or "
                             "their I/O");
    caption_at(log, ix_suspend, buf, sizeof buf);
    assert_string_equal(buf, "spin awaits sleep 0.1s: the loop runs something else");
    caption_at(log, ix_cancel, buf, sizeof buf);
    assert_string_equal(buf, "spin ends cancelled: the CancelledError raised at its await was not "
                             "caught");
    caption_at(log, ix_mark, buf, sizeof buf);
    assert_string_equal(buf, "The answer is 42: slow() is done, so spin is cancelled.");
    caption_at(log, ix_mark - 1, buf, sizeof buf);
    assert_string_equal(buf, "the task side clears the spinner line: its spinner stopped");
    caption_at(log, ix_created + 3, buf, sizeof buf); /* spin's first run */
    assert_string_equal(buf, "spin starts running on the event loop; 2 other tasks wait their "
                             "turn or their I/O");
    cv_log_destroy(log);
}

static void test_spinner_ascii(void **state)
{
    (void)state;
    for (int block = 0; block < 2; block++) {
        cv_log *log = hand_spinner(block);
        for (double t = 0; t < 3.2; t += 0.13) {
            char *s = render_at(log, t, 80, 24, true);
            assert_ascii(s);
            assert_non_null(strstr(s, "thinking!"));
            free(s);
        }
        cv_log_destroy(log);
    }
}

/* An event to sort: the hand-built flags logs are made per download and
 * appended in time order, as the bus would deliver them. */
typedef struct pending_ev {
    int64_t t;
    size_t order;
    int kind, state, lane;
    uint64_t id, ref;
    const char *text;
} pending_ev;

static int by_time(const void *a, const void *b)
{
    const pending_ev *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* flags2 over every code: 676 downloads of 20 to 80 ms, on 30 workers or
 * as tasks on one loop with 30 in flight (a semaphore); a third found, a
 * 418 now and then, the rest 404. */
static cv_log *hand_flags(bool async)
{
    enum { N = 676, PER = 8 };
    static pending_ev evs[N * PER + 64];
    static char codes[N][3];
    size_t n = 0;
    cv_log *log = cv_log_create();
    cv_log_meta meta = {.scenario = "flags", .speed = 1};
    snprintf(meta.args, sizeof meta.args, "%s", async ? "--mode async -e" : "-e");
    cv_log_set_meta(log, &meta);
    ev(log, 0, CV_EV_HEADER, 0, 0, 0, -1, "flags");
    ev(log, 0, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, 0, "main");
    ev(log, 0, CV_EV_THREAD, CV_THREAD_BUSY, 0, 0, 0, NULL);
    if (!async)
        for (int w = 1; w <= 30; w++) {
            static char names[31][16];
            snprintf(names[w], sizeof names[w], "worker %d", w);
            evs[n++] = (pending_ev){.t = MS, .kind = CV_EV_THREAD, .state = CV_THREAD_STARTED,
                                    .lane = w, .text = names[w]};
        }
    int kind = async ? CV_EV_TASK : CV_EV_FUTURE;
    int64_t free_at[30] = {0};
    for (int i = 0; i < N; i++) {
        codes[i][0] = (char)('A' + i / 26), codes[i][1] = (char)('A' + i % 26);
        uint64_t id = (uint64_t)i + 1;
        int slot = i % 30, lane = async ? 0 : 1 + slot;
        int64_t start = (free_at[slot] > MS ? free_at[slot] : MS) + (i % 7) * 10000;
        int64_t end = start + (20 + (i * 7) % 60) * MS;
        free_at[slot] = end;
        int64_t t0 = i * 1000;
        pending_ev *e = &evs[n];
        e[0] = (pending_ev){.t = t0, .kind = kind, .state = async ? CV_TASK_CREATED : CV_PENDING,
                            .id = id, .lane = async ? 0 : -1, .text = codes[i]};
        if (async) {
            e[1] = (pending_ev){.t = MS, .kind = kind, .state = CV_TASK_RUNNING, .id = id};
            e[2] = (pending_ev){.t = MS, .kind = kind, .state = CV_TASK_SUSPENDED, .id = id,
                                .text = "semaphore"};
            e[3] = (pending_ev){.t = start, .kind = kind, .state = CV_TASK_RUNNING, .id = id};
            e[4] = (pending_ev){.t = start, .kind = kind, .state = CV_TASK_SUSPENDED, .id = id,
                                .text = "download"};
            n += 5;
        } else {
            e[1] = (pending_ev){.t = start, .kind = kind, .state = CV_RUNNING, .id = id,
                                .lane = lane};
            n += 2;
        }
        e = &evs[n];
        if (async)
            *e++ = (pending_ev){.t = end, .kind = kind, .state = CV_TASK_RUNNING, .id = id}, n++;
        if (i % 37 == 5)
            *e = (pending_ev){.t = end, .kind = kind, .state = async ? CV_TASK_FAILED : CV_FAILED,
                              .id = id, .lane = lane, .text = "HTTP error 418 - I'm a Teapot"};
        else if (i % 3 == 0)
            *e = (pending_ev){.t = end, .kind = kind, .state = async ? CV_TASK_DONE : CV_FINISHED,
                              .id = id, .ref = 1234, .lane = lane, .text = "200 OK 1.2 KB"};
        else
            *e = (pending_ev){.t = end, .kind = kind, .state = async ? CV_TASK_DONE : CV_FINISHED,
                              .id = id, .lane = lane, .text = "404 not found"};
        n++;
    }
    for (size_t k = 0; k < n; k++)
        evs[k].order = k;
    qsort(evs, n, sizeof evs[0], by_time);
    for (size_t k = 0; k < n; k++)
        ev(log, evs[k].t, evs[k].kind, evs[k].state, evs[k].id, evs[k].ref, evs[k].lane,
           evs[k].text);
    cv_log_publish(log);
    cv_log_close(log);
    return log;
}

/* Upper-case words on a lane row are codes ("AB") or nothing: two codes
 * written over each other would make a longer word. */
static void assert_codes_apart(const char *row, int label_w, const char *screen)
{
    const char *p = row + label_w;
    while (*p) {
        size_t n = 0;
        while (p[n] >= 'A' && p[n] <= 'Z')
            n++;
        if (n != 0 && n != 2 && !(n == 1 && *p == 'X')) /* X: a failure's end */
            fail_msg("overlapping labels in \"%s\":\n%s", row, screen);
        p += n ? n : 1;
    }
}

static void test_flags_676(void **state)
{
    (void)state;
    cv_log *log = hand_flags(false);
    size_t count = cv_log_count(log);
    char *s = render_at(log, 1.5, 200, 60, true);
    char line[512];
    int lanes = 0;
    for (int y = 0; y < 60; y++) {
        cut(s, y, 0, 200, line, sizeof line);
        /* Lanes that do not all fit are compact: "w12". */
        if (strncmp(line, "worker ", 7) == 0 || (line[0] == 'w' && line[1] >= '1' && line[1] <= '9')) {
            lanes++;
            assert_codes_apart(line, line[1] == 'o' ? 10 : 8, s); /* compact: 8 */
        }
    }
    assert_true(lanes >= 10);
    /* Wide bars say the status too ("AB 404"); errors are in the table. */
    assert_non_null(strstr(s, " 404"));
    free(s);
    s = render_at(log, 2.0, 200, 60, false);
    assert_non_null(strstr(s, "HTTP error 418 - I'm a Teapot"));
    assert_non_null(strstr(s, "took"));
    free(s);

    /* A frame within the budget (generous here: sanitizers, busy CI). */
    cv_model m;
    cv_canvas c;
    cv_model_init(&m, log);
    assert_int_equal(cv_canvas_init(&c, 200, 60, false), 0);
    assert_int_equal(cv_model_advance(&m, count), 0);
    cv_render_opts o = {.now_ns = 2000 * MS, .span_ns = 2000 * MS, .speed = 1, .total = count};
    int64_t best = INT64_MAX;
    for (int i = 0; i < 20; i++) {
        int64_t t0 = cv_clock_mono_ns();
        cv_render(&c, &m, &o);
        int64_t dt = cv_clock_mono_ns() - t0;
        best = dt < best ? dt : best;
    }
    if (best > 20 * MS)
        fail_msg("a 676-future frame took %.2f ms", (double)best / 1e6);
    cv_canvas_free(&c);
    cv_model_free(&m);
    cv_log_destroy(log);

    /* The same on an event loop: one lane, one census row of tasks. */
    log = hand_flags(true);
    s = render_at(log, 0.3, 200, 60, true);
    bool census = false;
    for (int y = 0; y < 60; y++) {
        cut(s, y, 0, 200, line, sizeof line);
        if (strncmp(line, "tasks 676", 9) == 0 && strstr(line, "awaiting semaphore") != NULL &&
            strstr(line, "awaiting download") != NULL)
            census = true;
        if (strncmp(line, "main", 4) == 0)
            assert_codes_apart(line, 10, s);
    }
    if (!census)
        fail_msg("no census of the tasks in flight:\n%s", s);
    assert_non_null(strstr(s, "awaits semaphore"));
    free(s);
    cv_log_destroy(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_panes),     cmocka_unit_test(test_frozen_task_spinner),
        cmocka_unit_test(test_slices),        cmocka_unit_test(test_task_captions),
        cmocka_unit_test(test_spinner_ascii), cmocka_unit_test(test_flags_676),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
