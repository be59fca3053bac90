/*
 * The views are pure functions of a log prefix, so these tests build logs
 * (by hand, or by running loiter for real) and read the rendered canvas back
 * as text: what a student would see at that moment of the story.
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
#include "logbuild.h"
#include "caption.h"
#include "model.h"
#include "playhead.h"
#include "render.h"
#include "ui_testutil.h"
#include "scenarios.h"
#include "theme.h"
#include "snapshot.h"

#define MS 1000000LL

static void ev(cv_log *log, int64_t t_ns, int kind, int state, uint64_t id, uint64_t ref,
               int lane, const char *text)
{
    assert_int_equal(log_event(log, t_ns, kind, state, id, ref, lane, CV_SIDE_NONE, text), 0);
}

/* executor.map over loiter(0..4) with three workers, at speed 1: loiter(n)
 * takes n seconds; worker 1 takes loiter(1) and then loiter(4). */
static cv_log *hand_loiter(void)
{
    cv_log *log = cv_log_create();
    assert_non_null(log);
    cv_log_meta meta = {.scenario = "loiter", .args = "--workers 3", .speed = 1.0};
    cv_log_set_meta(log, &meta);
    ev(log, 0, CV_EV_HEADER, 0, 0, 0, -1, "loiter");
    ev(log, 0, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, 0, "main");
    ev(log, 0, CV_EV_THREAD, CV_THREAD_BUSY, 0, 0, 0, NULL);
    ev(log, 0, CV_EV_LOG, 0, 0, 0, 0, "Script starting.");
    for (int i = 0; i < 5; i++) {
        char label[16];
        snprintf(label, sizeof label, "loiter(%d)", i);
        ev(log, MS / 10, CV_EV_FUTURE, CV_PENDING, (uint64_t)i + 1, 0, -1, label);
    }
    ev(log, MS / 5, CV_EV_WAIT, CV_WAIT_BLOCK, 0, 1, 0, "result");
    static const int first_lane[3] = {2, 1, 3}; /* loiter(0), (1), (2) */
    for (int i = 0; i < 3; i++) {
        char name[16];
        snprintf(name, sizeof name, "worker %d", first_lane[i]);
        ev(log, MS, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, first_lane[i], name);
        ev(log, MS, CV_EV_FUTURE, CV_RUNNING, (uint64_t)i + 1, 0, first_lane[i], NULL);
        ev(log, MS, CV_EV_THREAD, CV_THREAD_BUSY, 0, 0, first_lane[i], NULL);
        ev(log, MS, CV_EV_LOG, 0, 0, 0, first_lane[i], "\tloiter: doing nothing");
    }
    ev(log, 2 * MS, CV_EV_FUTURE, CV_FINISHED, 1, 0, 2, NULL);
    ev(log, 2 * MS, CV_EV_FUTURE, CV_RUNNING, 4, 0, 2, NULL);
    ev(log, 2 * MS, CV_EV_WAIT, CV_WAIT_UNBLOCK, 0, 1, 0, "result");
    ev(log, 2 * MS, CV_EV_LOG, 0, 0, 0, 0, "result 0: 0");
    ev(log, 2 * MS, CV_EV_WAIT, CV_WAIT_BLOCK, 0, 2, 0, "result");
    ev(log, 1000 * MS, CV_EV_FUTURE, CV_FINISHED, 2, 10, 1, NULL);
    ev(log, 1000 * MS, CV_EV_FUTURE, CV_RUNNING, 5, 0, 1, NULL); /* index 28 */
    ev(log, 1000 * MS, CV_EV_WAIT, CV_WAIT_UNBLOCK, 0, 2, 0, "result");
    ev(log, 1000 * MS, CV_EV_LOG, 0, 0, 0, 0, "result 1: 10");
    ev(log, 1000 * MS, CV_EV_WAIT, CV_WAIT_BLOCK, 0, 3, 0, "result"); /* index 31 */
    ev(log, 2000 * MS, CV_EV_FUTURE, CV_FINISHED, 3, 20, 3, NULL);
    ev(log, 2000 * MS, CV_EV_THREAD, CV_THREAD_IDLE, 0, 0, 3, NULL);
    ev(log, 2000 * MS, CV_EV_WAIT, CV_WAIT_UNBLOCK, 0, 3, 0, "result");
    ev(log, 3002 * MS, CV_EV_FUTURE, CV_FINISHED, 4, 30, 2, NULL);
    ev(log, 3002 * MS, CV_EV_THREAD, CV_THREAD_IDLE, 0, 0, 2, NULL);
    ev(log, 4000 * MS, CV_EV_FUTURE, CV_FAILED, 5, 0, 1, "no more loitering");
    for (int lane = 3; lane >= 0; lane--)
        ev(log, 4001 * MS, CV_EV_THREAD, CV_THREAD_STOPPED, 0, 0, lane, NULL);
    cv_log_publish(log);
    cv_log_close(log);
    return log;
}

/* The screen line that starts with `prefix`, copied into buf. */
static const char *line_starting(const char *screen, const char *prefix, char *buf, size_t len)
{
    const char *p = screen;
    while (p != NULL && *p != '\0') {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (strncmp(p, prefix, strlen(prefix)) == 0) {
            snprintf(buf, len, "%.*s", (int)n, p);
            return buf;
        }
        p = nl ? nl + 1 : NULL;
    }
    return NULL;
}

static void test_hand_log_story(void **state)
{
    (void)state;
    cv_log *log = hand_loiter();
    char *s = render_at(log, 1.05, 100, 30, false);
    char line[1024];
    assert_non_null(line_starting(s, "worker 1", line, sizeof line));
    assert_non_null(strstr(line, "loiter(4)"));
    assert_non_null(line_starting(s, "main", line, sizeof line));
    assert_non_null(strstr(line, "waits for loiter(2)"));
    /* The queue is empty by now; the table has loiter(4) running. */
    assert_non_null(line_starting(s, "queue 0", line, sizeof line));
    assert_non_null(line_starting(s, "5    loiter(4)", line, sizeof line));
    assert_non_null(strstr(line, "running"));
    assert_non_null(strstr(line, "worker 1"));
    free(s);

    /* Before any worker started, the five futures wait in the queue. */
    s = render_at(log, 0.0005, 100, 30, false);
    assert_non_null(line_starting(s, "queue 5", line, sizeof line));
    assert_non_null(strstr(line, "loiter(0)"));
    free(s);

    /* At the end, the failure is in the table with its message. */
    s = render_at(log, 4.1, 100, 30, false);
    assert_non_null(line_starting(s, "5    loiter(4)", line, sizeof line));
    assert_non_null(strstr(line, "failed"));
    assert_non_null(strstr(line, "no more loitering"));
    free(s);
    cv_log_destroy(log);
}

static void test_captions(void **state)
{
    (void)state;
    cv_log *log = hand_loiter();
    char buf[512];
    caption_at(log, 28, buf, sizeof buf);
    assert_string_equal(buf, "loiter(4) starts on worker 1: worker 1 became free when "
                             "loiter(1) finished");
    caption_at(log, 31, buf, sizeof buf);
    assert_string_equal(buf, "main blocks: loiter(2) is not ready, though loiter(0) and "
                             "loiter(1) are done");
    caption_at(log, 4, buf, sizeof buf);
    assert_non_null(strstr(buf, "loiter(0) submitted"));
    caption_at(log, 9, buf, sizeof buf);
    assert_string_equal(buf, "main blocks: loiter(0) is not ready (still queued)");
    caption_at(log, 27, buf, sizeof buf);
    assert_string_equal(buf, "loiter(1) finishes on worker 1, result 10; main was waiting for it");
    caption_at(log, 0, buf, sizeof buf);
    assert_string_equal(buf, "the run of loiter begins");
    cv_log_destroy(log);
}

/* Results are signed: a call that returns -7 reads "-7" in its caption and
 * in the table, not 18446744073709551609. */
static void test_negative_result(void **state)
{
    (void)state;
    cv_log *log = cv_log_create();
    assert_non_null(log);
    cv_log_meta meta = {.scenario = "loiter", .args = "", .speed = 1.0};
    cv_log_set_meta(log, &meta);
    ev(log, 0, CV_EV_HEADER, 0, 0, 0, -1, "loiter");
    ev(log, 0, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, 0, "main");
    ev(log, MS, CV_EV_FUTURE, CV_PENDING, 1, 0, -1, "minus(7)");
    ev(log, 2 * MS, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, 1, "worker 1");
    ev(log, 2 * MS, CV_EV_FUTURE, CV_RUNNING, 1, 0, 1, NULL);
    ev(log, 3 * MS, CV_EV_FUTURE, CV_FINISHED, 1, (uint64_t)-7LL, 1, NULL);
    cv_log_publish(log);
    cv_log_close(log);
    char buf[512];
    caption_at(log, 5, buf, sizeof buf);
    assert_non_null(strstr(buf, "result -7"));
    cv_model m;
    cv_model_init(&m, log);
    assert_int_equal(cv_model_advance(&m, cv_log_count(log)), 0);
    cv_canvas c;
    assert_int_equal(cv_canvas_init(&c, 120, 40, false), 0);
    cv_render_opts o = {.now_ns = 3 * MS, .speed = 1, .mode = "LIVE"};
    cv_render(&c, &m, &o);
    char *text = cv_canvas_dump(&c);
    assert_non_null(strstr(text, "-7"));
    assert_null(strstr(text, "18446744073709551609"));
    free(text);
    cv_canvas_free(&c);
    cv_model_free(&m);
    cv_log_destroy(log);
}

/* Ids past four digits are shown whole: the other columns make room. */
static void test_long_ids_are_whole(void **state)
{
    (void)state;
    cv_log *log = cv_log_create();
    assert_non_null(log);
    cv_log_meta meta = {.scenario = "stress", .args = "", .speed = 1.0};
    cv_log_set_meta(log, &meta);
    ev(log, 0, CV_EV_HEADER, 0, 0, 0, -1, "stress");
    ev(log, 0, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, 0, "main");
    ev(log, MS, CV_EV_FUTURE, CV_PENDING, 9999, 0, -1, "short(1)");
    ev(log, MS, CV_EV_FUTURE, CV_PENDING, 1234567, 0, -1, "long(2)");
    cv_log_publish(log);
    cv_log_close(log);
    cv_model m;
    cv_model_init(&m, log);
    assert_int_equal(cv_model_advance(&m, cv_log_count(log)), 0);
    cv_canvas c;
    assert_int_equal(cv_canvas_init(&c, 120, 40, false), 0);
    cv_render_opts o = {.now_ns = MS, .speed = 1, .mode = "LIVE"};
    cv_render(&c, &m, &o);
    char *text = cv_canvas_dump(&c);
    /* The id, a space, then the label: neither cut. */
    assert_non_null(strstr(text, "\n1234567 long(2)"));
    assert_non_null(strstr(text, "\n9999    short(1)"));
    free(text);
    cv_canvas_free(&c);
    cv_model_free(&m);
    cv_log_destroy(log);
}

/* An event with a code: a thread's role, a download's HTTP status. */
static void ev_code(cv_log *log, int64_t t_ns, int kind, int state, uint64_t id, int lane,
                    int32_t code, const char *text)
{
    cv_event e = {.t_ns = t_ns, .kind = (uint16_t)kind, .state = (uint16_t)state, .id = id,
                  .lane = (int16_t)lane, .origin = (int16_t)(lane < 0 ? 0 : lane),
                  .code = code, .text = text ? strdup(text) : NULL};
    assert_int_equal(cv_log_append(log, &e), 0);
}

/* Meaning comes from fields: a thread is a pool's because its started
 * event says so, not because of its name; a bar shows the HTTP status in
 * its future's code, never one read out of the result's words. */
static void test_roles_and_status_from_fields(void **state)
{
    (void)state;
    cv_log *log = cv_log_create();
    cv_log_meta meta = {.scenario = "flags", .speed = 1.0};
    cv_log_set_meta(log, &meta);
    ev(log, 0, CV_EV_HEADER, 0, 0, 0, -1, "flags");
    ev_code(log, 0, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, CV_ROLE_MAIN, "main");
    ev_code(log, 0, CV_EV_THREAD, CV_THREAD_STARTED, 0, 1, 0, "worker 1"); /* index 2 */
    ev_code(log, 0, CV_EV_THREAD, CV_THREAD_STARTED, 0, 2, CV_ROLE_WORKER, "pool thread");
    ev(log, 0, CV_EV_FUTURE, CV_PENDING, 1, 0, -1, "CN");
    ev(log, 0, CV_EV_FUTURE, CV_PENDING, 2, 0, -1, "BR");
    ev(log, 10 * MS, CV_EV_FUTURE, CV_RUNNING, 1, 0, 2, NULL);
    ev(log, 10 * MS, CV_EV_FUTURE, CV_RUNNING, 2, 0, 1, NULL);
    ev_code(log, 900 * MS, CV_EV_FUTURE, CV_FINISHED, 1, 2, 200, "fetched"); /* index 8 */
    ev_code(log, 900 * MS, CV_EV_FUTURE, CV_FINISHED, 2, 1, 0, "200 OK 1.2 KB");
    ev(log, 950 * MS, CV_EV_THREAD, CV_THREAD_STOPPED, 0, 0, 2, NULL);
    ev(log, 950 * MS, CV_EV_THREAD, CV_THREAD_STOPPED, 0, 0, 1, NULL); /* index 11 */
    cv_log_publish(log);
    cv_log_close(log);

    char buf[512];
    caption_at(log, 2, buf, sizeof buf);
    assert_string_equal(buf, "worker 1 starts: a new thread");
    caption_at(log, 3, buf, sizeof buf);
    assert_string_equal(buf, "pool thread starts: a new thread in the pool");
    caption_at(log, 10, buf, sizeof buf);
    assert_string_equal(buf, "pool thread stops: the pool shuts down");
    caption_at(log, 11, buf, sizeof buf);
    assert_string_equal(buf, "worker 1 stops: its function returned");

    char *s = render_at(log, 1.0, 100, 30, false);
    char line[1024];
    assert_non_null(line_starting(s, "pool thread", line, sizeof line));
    assert_non_null(strstr(line, "CN 200"));
    assert_non_null(line_starting(s, "worker 1", line, sizeof line));
    assert_non_null(strstr(line, "BR"));
    assert_null(strstr(line, "BR 200"));
    free(s);
    cv_log_destroy(log);
}

static void test_ascii_mode(void **state)
{
    (void)state;
    cv_log *log = hand_loiter();
    /* Including a label with non-ASCII text, which must not leak through. */
    for (double t = 0; t < 4.2; t += 0.35) {
        char *s = render_at(log, t, 90, 26, true);
        assert_ascii(s);
        free(s);
    }
    cv_canvas c;
    cv_model m;
    cv_model_init(&m, log);
    cv_model_advance(&m, 20);
    assert_int_equal(cv_canvas_init(&c, 80, 24, true), 0);
    cv_render_opts o = {.ascii = true, .help = true, .now_ns = MS, .speed = 1, .mode = "LIVE"};
    cv_render(&c, &m, &o);
    cv_canvas__text(&c, 0, 0, 80, 0, "caf\xc3\xa9 \xe2\x96\xb6");
    char *s = cv_canvas_dump(&c);
    assert_ascii(s);
    assert_non_null(strstr(s, "help"));
    free(s);
    cv_canvas_free(&c);
    cv_model_free(&m);
    cv_log_destroy(log);
}

static void test_tiny_terminal(void **state)
{
    (void)state;
    cv_log *log = hand_loiter();
    char *s = render_at(log, 1.0, 60, 20, false);
    assert_non_null(strstr(s, "needs at least 80x24"));
    assert_non_null(strstr(s, "60x20"));
    assert_null(strstr(s, "worker 1"));
    free(s);
    /* An error the front end reports goes in the header. */
    cv_model m;
    cv_canvas c;
    cv_model_init(&m, log);
    cv_model_advance(&m, cv_log_count(log));
    assert_int_equal(cv_canvas_init(&c, 100, 30, false), 0);
    cv_render_opts o = {.now_ns = 4100 * MS, .speed = 1, .mode = "LIVE",
                        .status = "scenario failed (status 1): see the console"};
    cv_render(&c, &m, &o);
    char row[1024];
    cv_canvas_row(&c, 0, row, sizeof row);
    assert_non_null(strstr(row, "scenario failed"));
    cv_canvas_free(&c);
    cv_model_free(&m);
    /* Exactly the minimum is a full screen. */
    s = render_at(log, 1.0, 80, 24, false);
    assert_non_null(strstr(s, "worker 1"));
    assert_non_null(strstr(s, "q quit"));
    free(s);
    cv_log_destroy(log);
}

/* Every kind and state, known or not, with and without texts and lanes,
 * rendered after each event: nothing crashes, captions are never empty. */
static void test_every_kind(void **state)
{
    (void)state;
    cv_log *log = cv_log_create();
    ev(log, 0, CV_EV_HEADER, 0, 0, 0, -1, NULL);
    int64_t t = 0;
    for (int kind = 0; kind <= CV_EV_KIND_COUNT + 1; kind++) {
        for (int st = 0; st <= 8; st++) {
            t += MS;
            ev(log, t, kind, st, (uint64_t)(st % 3), (uint64_t)st, st % 4 - 1,
               st % 2 ? "text\twith tab" : NULL);
            ev(log, t, kind, st, 1ull << 40, 7, 5000, "far lane");
        }
    }
    ev(log, t, CV_EV_DROP, 0, 0, 12, -1, NULL);
    cv_log_publish(log);
    size_t count = cv_log_count(log);
    cv_model m;
    cv_canvas c;
    cv_model_init(&m, log);
    assert_int_equal(cv_canvas_init(&c, 120, 40, false), 0);
    for (size_t i = 1; i <= count; i++) {
        assert_int_equal(cv_model_advance(&m, i), 0);
        char buf[512];
        cv_caption(&m, i - 1, buf, sizeof buf);
        assert_true(buf[0] != '\0');
        cv_render_opts o = {.now_ns = cv_log_at(log, i - 1)->t_ns, .speed = 1, .total = count};
        cv_render(&c, &m, &o);
    }
    /* DROP events counted: refs 0..8, nine of 7, and the last 12. */
    assert_int_equal(m.dropped, 36 + 63 + 12);
    char *s = cv_canvas_dump(&c);
    assert_non_null(strstr(s, "111 events dropped"));
    free(s);
    cv_canvas_free(&c);
    cv_model_free(&m);
    cv_log_destroy(log);
}

/* Stepping back restores a checkpoint (or starts over, on a log this
 * short): it must equal a fresh build.  test_ui_checkpoint.c tries long
 * logs. */
static void test_seek_back(void **state)
{
    (void)state;
    cv_log *log = hand_loiter();
    size_t count = cv_log_count(log);
    cv_model a, b;
    cv_canvas ca, cb;
    cv_model_init(&a, log);
    cv_canvas_init(&ca, 100, 30, false);
    cv_canvas_init(&cb, 100, 30, false);
    cv_model_seek(&a, count);
    for (size_t k = count; k-- > 1;) {
        cv_model_seek(&a, k);
        cv_model_init(&b, log);
        cv_model_seek(&b, k);
        cv_render_opts o = {.now_ns = cv_log_at(log, k - 1)->t_ns, .span_ns = 5000 * MS,
                            .speed = 1, .total = count};
        cv_render(&ca, &a, &o);
        cv_render(&cb, &b, &o);
        assert_memory_equal(ca.cells, cb.cells, sizeof *ca.cells * 100 * 30);
        cv_model_free(&b);
    }
    cv_canvas_free(&ca);
    cv_canvas_free(&cb);
    cv_model_free(&a);
    cv_log_destroy(log);
}

/* A rate counts demo seconds: a --speed 10 log played at 1x for one second
 * of clock shows a tenth of a second of log time (demo 1 s), and at 2x two
 * tenths more in the next second. */
static void test_playhead_rate_in_demo_time(void **state)
{
    (void)state;
    cv_log *log = cv_log_create();
    assert_non_null(log);
    cv_log_meta meta = {.scenario = "loiter", .args = "--speed 10", .speed = 10.0};
    cv_log_set_meta(log, &meta);
    ev(log, 0, CV_EV_HEADER, 0, 0, 0, -1, "loiter");
    for (int i = 1; i <= 10; i++)
        ev(log, i * 100 * MS, CV_EV_LOG, 0, 0, 0, 0, "tick");
    cv_log_close(log);
    cv_playhead p;
    cv_playhead_init(&p, true);
    cv_playhead_update(&p, log, 0, 0);
    cv_playhead_play(&p, 0);
    cv_playhead_update(&p, log, 0, 1000 * MS);
    assert_int_equal(p.mode, CV_PLAY_PLAYING);
    assert_int_equal(p.t_ns, 100 * MS);
    assert_int_equal(p.pos, 2);
    assert_true(cv_playhead_rate(&p, 1, 1000 * MS));
    cv_playhead_update(&p, log, 0, 2000 * MS);
    assert_int_equal(p.t_ns, 300 * MS);
    cv_log_destroy(log);
}

static void test_playhead(void **state)
{
    (void)state;
    cv_log *log = hand_loiter();
    size_t count = cv_log_count(log);
    cv_playhead p;
    cv_playhead_init(&p, true);
    cv_playhead_update(&p, log, 0, 0);
    assert_int_equal(p.pos, 1);
    cv_playhead_step(&p, log, -1);
    assert_int_equal(p.pos, 1); /* never before the first event */
    cv_playhead_step(&p, log, 30);
    assert_int_equal(p.pos, 31);
    assert_int_equal(p.t_ns, 1000 * MS);
    cv_playhead_step(&p, log, 1000);
    assert_int_equal(p.pos, count);
    cv_playhead_first(&p, log);
    assert_int_equal(p.pos, 1);
    /* Playing at 1x for 1.5 s of clock shows the log at 1.5 s. */
    cv_playhead_play(&p, 0);
    cv_playhead_update(&p, log, 0, 1500 * MS);
    assert_int_equal(p.mode, CV_PLAY_PLAYING);
    assert_int_equal(p.t_ns, 1500 * MS);
    assert_int_equal(p.pos, cv_log_index_at(log, count, 1500 * MS));
    /* Twice as fast from there; past the end of a closed log it pauses. */
    assert_true(cv_playhead_rate(&p, 1, 1500 * MS));
    cv_playhead_update(&p, log, 0, 2000 * MS);
    assert_int_equal(p.t_ns, 2500 * MS);
    cv_playhead_update(&p, log, 0, 9000 * MS);
    assert_int_equal(p.mode, CV_PLAY_PAUSED);
    assert_int_equal(p.pos, count);
    cv_playhead_live(&p);
    assert_false(cv_playhead_rate(&p, 1, 0));
    cv_log_destroy(log);
}

/* The real scenario at --speed 10: at demo time 1.05 s (0.105 s real),
 * loiter(4) runs on a worker and main waits for loiter(2). */
static void test_real_loiter(void **state)
{
    (void)state;
    const cv_opt_spec *const tables[] = {cv_scenario_loiter.options, NULL};
    static cv_opts opts;
    char err[256];
    assert_int_equal(cv_opts_parse(&opts, tables, 0, NULL, 0, err, sizeof err), 0);
    cv_run *run = cv_run_start(&cv_scenario_loiter, &opts, 10, "");
    assert_non_null(run);
    assert_int_equal(cv_run_join(run), 0);
    const cv_log *log = run->log;
    /* On a slow machine (sanitizers) threads start late: look just after
     * loiter(4) started, and no earlier than demo time 1.05 s. */
    double at = 0.105;
    size_t count = cv_log_count(log);
    for (size_t i = 0; i < count; i++) {
        const cv_event *e = cv_log_at(log, i);
        if (e->kind == CV_EV_FUTURE && e->state == CV_RUNNING && e->id == 5 &&
            (double)e->t_ns / 1e9 + 0.005 > at)
            at = (double)e->t_ns / 1e9 + 0.005;
    }
    char *s = render_at(log, at, 120, 40, false);
    char line[1024];
    bool found = false;
    for (int w = 1; w <= 3; w++) {
        char prefix[16];
        snprintf(prefix, sizeof prefix, "worker %d", w);
        if (line_starting(s, prefix, line, sizeof line) && strstr(line, "loiter(4)"))
            found = true;
    }
    if (!found)
        fail_msg("no worker lane shows loiter(4):\n%s", s);
    /* Main waits for the first result not in yet: loiter(2) when the
     * threads kept time, a later one when loiter(4) started late. */
    uint64_t first_open = 5;
    for (uint64_t id = 5; id >= 1; id--) {
        bool done = false;
        for (size_t i = 0; i < count; i++) {
            const cv_event *e = cv_log_at(log, i);
            if (e->kind == CV_EV_FUTURE && e->state == CV_FINISHED && e->id == id &&
                (double)e->t_ns / 1e9 <= at)
                done = true;
        }
        if (!done)
            first_open = id;
    }
    char waits[64];
    snprintf(waits, sizeof waits, "waits for loiter(%d)", (int)first_open - 1);
    assert_non_null(line_starting(s, "main", line, sizeof line));
    if (strstr(line, waits) == NULL)
        fail_msg("main does not say '%s':\n%s", waits, s);
    assert_non_null(strstr(s, "loiter(4): doing nothing for 4s..."));
    free(s);

    /* Screenshots of the same moment, as text and SVG; others refused.
     * A screenshot's time counts demo seconds, ten times the log's. */
    at *= 10;
    char dir[] = "/tmp/cvshotXXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/a.txt", dir);
    assert_int_equal(cv_ui_screenshot(log, at, 100, 30, true, path, err, sizeof err), 0);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    assert_non_null(strstr(buf, "waits for loiter(2)"));
    assert_ascii(buf);
    unlink(path);
    snprintf(path, sizeof path, "%s/a.svg", dir);
    assert_int_equal(cv_ui_screenshot(log, at, 100, 30, false, path, err, sizeof err), 0);
    f = fopen(path, "r");
    assert_non_null(f);
    n = fread(buf, 1, 200, f);
    buf[n] = '\0';
    fclose(f);
    assert_non_null(strstr(buf, "<svg"));
    unlink(path);
    snprintf(path, sizeof path, "%s/a.png", dir);
    assert_int_equal(cv_ui_screenshot(log, at, 100, 30, false, path, err, sizeof err), -1);
    assert_non_null(strstr(err, ".txt or .svg"));
    assert_int_equal(access(path, F_OK), -1);
    rmdir(dir);
    cv_run_destroy(run);
}

/* 10 000 futures across 8 lanes: the model and a frame stay sane. */
static void test_many_futures(void **state)
{
    (void)state;
    cv_log *log = cv_log_create();
    ev(log, 0, CV_EV_HEADER, 0, 0, 0, -1, "bench");
    for (uint64_t id = 1; id <= 10000; id++)
        ev(log, (int64_t)id * 1000, CV_EV_FUTURE, CV_PENDING, id, 0, -1, "job");
    for (uint64_t id = 1; id <= 10000; id++) {
        int lane = 1 + (int)(id % 8);
        ev(log, 10 * MS + (int64_t)id * 100000, CV_EV_FUTURE, CV_RUNNING, id, 0, lane, NULL);
        if (id < 9990)
            ev(log, 10 * MS + (int64_t)id * 100000 + 50000, CV_EV_FUTURE, CV_FINISHED, id,
               id, lane, NULL);
    }
    cv_log_publish(log);
    char *s = render_at(log, 2.0, 200, 60, false);
    char line[1024];
    assert_non_null(line_starting(s, "queue 0", line, sizeof line));
    free(s);
    s = render_at(log, 0.005, 200, 60, false);
    assert_non_null(line_starting(s, "queue 5000", line, sizeof line));
    assert_non_null(strstr(line, "more"));
    free(s);
    cv_log_destroy(log);
}

/* A speed of 1e300 (a trace's header once carried one) made the axis
 * step by ticks that never reached the end of its span: the frame never
 * ended.  At any speed a frame ends, with no more ticks than columns. */
static void test_axis_at_absurd_speeds(void **state)
{
    (void)state;
    cv_log *log = hand_loiter();
    cv_model m;
    cv_model_init(&m, log);
    cv_model_advance(&m, cv_log_count(log));
    static const double speeds[] = {1e300, 1.7e308, 1e-300, 1e9};
    for (size_t i = 0; i < sizeof speeds / sizeof speeds[0]; i++) {
        cv_canvas c;
        assert_int_equal(cv_canvas_init(&c, 200, 60, true), 0);
        cv_render_opts o = {.ascii = true, .now_ns = 4 * MS * 1000, .speed = speeds[i],
                            .span_ns = INT64_MAX / 2, .mode = "END"};
        cv_render(&c, &m, &o);
        char *s = cv_canvas_dump(&c);
        const char *row = strstr(s, "lanes");
        assert_non_null(row);
        size_t ticks = 0;
        for (const char *p = row; *p != '\0' && *p != '\n'; p++)
            ticks += *p == 's'; /* each tick is labelled "<n>s" */
        assert_true(ticks <= 200 / 2);
        free(s);
        cv_canvas_free(&c);
    }
    cv_model_free(&m);
    cv_log_destroy(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_log_story), cmocka_unit_test(test_captions),
        cmocka_unit_test(test_negative_result),  cmocka_unit_test(test_long_ids_are_whole),
        cmocka_unit_test(test_ascii_mode),     cmocka_unit_test(test_tiny_terminal),
        cmocka_unit_test(test_every_kind),     cmocka_unit_test(test_seek_back),
        cmocka_unit_test(test_playhead),       cmocka_unit_test(test_playhead_rate_in_demo_time),
              cmocka_unit_test(test_real_loiter),
        cmocka_unit_test(test_axis_at_absurd_speeds),
        cmocka_unit_test(test_many_futures),   cmocka_unit_test(test_roles_and_status_from_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
