/*
 * A step back restores a checkpoint of the model and replays from there
 * (ui/model/model_checkpoint.c).  Whatever the path, the screen must be the one a
 * model built from the first event shows, so these tests seek a model at
 * random, back and forth, and compare it with a fresh build: field by
 * field, and as the rendered canvas, cell by cell.  The logs are long and
 * mixed (futures, threads, waits, console lines, tasks, the loop, spinner
 * frames on two sides, drops, far ids), and the checkpoints close together
 * and few, so that they are thinned out many times over.
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
#include "render.h"

#define MS 1000000LL
#define COLS 160
#define ROWS 48

static void ev(cv_log *log, int64_t t_ns, int kind, int state, uint64_t id, uint64_t ref,
               int lane, int side, const char *text)
{
    assert_int_equal(log_event(log, t_ns, kind, state, id, ref, lane, side, text), 0);
}

/* A small deterministic generator, so that a failure reproduces. */
static uint64_t rng_state;

static unsigned rnd(unsigned n)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned)((rng_state >> 33) % n);
}

/* About `n` events of every kind.  Futures are mostly submitted, run and
 * finished in order, but some events come twice or out of order (a trace
 * may say anything), and a few ids are too large for the id table. */
static cv_log *mixed_log_open(size_t n, uint64_t seed);

static cv_log *mixed_log(size_t n, uint64_t seed)
{
    cv_log *log = mixed_log_open(n, seed);
    cv_log_close(log);
    return log;
}

/* The same, not closed: a replay's log while its trace is still read. */
static cv_log *mixed_log_open(size_t n, uint64_t seed)
{
    rng_state = seed;
    cv_log *log = cv_log_create();
    assert_non_null(log);
    cv_log_meta meta = {.scenario = "mixed", .speed = 1.0};
    cv_log_set_meta(log, &meta);
    ev(log, 0, CV_EV_HEADER, 0, 0, 0, -1, 0, "mixed");
    int64_t t = 0;
    uint64_t next_fut = 1, next_task = 100000;
    char text[64];
    for (size_t i = 1; i < n; i++) {
        t += rnd(3) * MS / 10;
        int lane = (int)rnd(7);
        int side = rnd(10) == 0 ? (int)rnd(CV_SIDE_COUNT) : 0;
        switch (rnd(12)) {
        case 0:
        case 1: {
            uint64_t id = rnd(40) == 0 ? (1ull << 40) + next_fut : next_fut;
            next_fut++;
            snprintf(text, sizeof text, "job(%llu)", (unsigned long long)id);
            ev(log, t, CV_EV_FUTURE, CV_PENDING, id, 0, -1, side, text);
            break;
        }
        case 2:
        case 3: {
            /* One of the last thirty futures changes state. */
            unsigned back = next_fut - 1 < 30 ? (unsigned)next_fut - 1 : 30;
            uint64_t id = back > 0 ? next_fut - 1 - rnd(back) : 1;
            int st = (int)rnd(CV_FUTURE_STATE_COUNT);
            ev(log, t, CV_EV_FUTURE, st, id, id * 3, 1 + lane % 6, side,
               st == CV_FAILED ? "boom" : st == CV_FINISHED && rnd(2) ? "ok" : NULL);
            break;
        }
        case 4:
            ev(log, t, CV_EV_THREAD, (int)rnd(CV_THREAD_STATE_COUNT), 0, 0, lane, side,
               rnd(2) ? "worker" : NULL);
            break;
        case 5:
            ev(log, t, CV_EV_WAIT, (int)rnd(CV_WAIT_STATE_COUNT), 0, rnd((unsigned)next_fut),
               lane, side, rnd(2) ? "result" : "as_completed");
            break;
        case 6:
            snprintf(text, sizeof text, "line %zu", i);
            ev(log, t, CV_EV_LOG, 0, 0, 0, lane, (int)rnd(CV_SIDE_COUNT), text);
            break;
        case 7:
        case 8: {
            /* A new task, or one of the last eight. */
            unsigned back = next_task - 100000 < 8 ? (unsigned)(next_task - 100000) : 8;
            uint64_t id = rnd(3) == 0 || back == 0 ? next_task++ : next_task - 1 - rnd(back);
            int st = (int)rnd(CV_TASK_STATE_COUNT);
            snprintf(text, sizeof text, "T%llu", (unsigned long long)id);
            ev(log, t, CV_EV_TASK, st, id, 5, 7, side,
               st == CV_TASK_CREATED ? text : st == CV_TASK_SUSPENDED ? "sleep" : NULL);
            break;
        }
        case 9:
            ev(log, t, CV_EV_LOOP, (int)rnd(CV_LOOP_STATE_COUNT), 0, rnd(3) * 1000, 7, side, NULL);
            break;
        case 10:
            ev(log, t, CV_EV_FRAME, 0, 0, 0, rnd(2) ? 0 : 7, 1 + (int)rnd(2),
               rnd(5) == 0 ? "" : rnd(2) ? "|" : "/");
            break;
        default:
            if (rnd(4) == 0)
                ev(log, t, CV_EV_DROP, 0, 0, 1 + rnd(5), -1, 0, NULL);
            else
                ev(log, t, CV_EV_MARK, 0, 0, 0, lane, side, "milestone");
            break;
        }
    }
    cv_log_publish(log);
    return log;
}

/* executor.map over 10 000 futures on 8 workers, as the frame bench has. */
static cv_log *bench_log(void)
{
    cv_log *log = cv_log_create();
    assert_non_null(log);
    cv_log_meta meta = {.scenario = "bench", .speed = 1.0};
    cv_log_set_meta(log, &meta);
    ev(log, 0, CV_EV_HEADER, 0, 0, 0, -1, 0, "bench");
    ev(log, 0, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, 0, 0, "main");
    ev(log, 0, CV_EV_THREAD, CV_THREAD_BUSY, 0, 0, 0, 0, NULL);
    char text[64];
    for (int id = 1; id <= 10000; id++) {
        snprintf(text, sizeof text, "job(%d)", id - 1);
        ev(log, id * 1000, CV_EV_FUTURE, CV_PENDING, (uint64_t)id, 0, -1, 0, text);
    }
    for (int lane = 1; lane <= 8; lane++) {
        snprintf(text, sizeof text, "worker %d", lane);
        ev(log, 11 * MS, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, lane, 0, text);
        ev(log, 11 * MS, CV_EV_THREAD, CV_THREAD_BUSY, 0, 0, lane, 0, NULL);
    }
    int64_t t = 11 * MS;
    for (int id = 1; id <= 10000; id++) {
        int lane = 1 + (id - 1) % 8;
        ev(log, t, CV_EV_FUTURE, CV_RUNNING, (uint64_t)id, 0, lane, 0, NULL);
        ev(log, t, CV_EV_WAIT, CV_WAIT_BLOCK, 0, (uint64_t)id, 0, 0, "result");
        snprintf(text, sizeof text, "\tjob(%d): working", id - 1);
        ev(log, t, CV_EV_LOG, 0, 0, 0, lane, 0, text);
        t += MS / 8;
        ev(log, t, CV_EV_FUTURE, id % 97 ? CV_FINISHED : CV_FAILED, (uint64_t)id, (uint64_t)id,
           lane, 0, id % 97 ? NULL : "boom");
        ev(log, t, CV_EV_WAIT, CV_WAIT_UNBLOCK, 0, (uint64_t)id, 0, 0, "result");
        snprintf(text, sizeof text, "result %d", id - 1);
        ev(log, t, CV_EV_LOG, 0, 0, 0, 0, 0, text);
    }
    for (int lane = 8; lane >= 0; lane--)
        ev(log, t, CV_EV_THREAD, CV_THREAD_STOPPED, 0, 0, lane, 0, NULL);
    cv_log_publish(log);
    cv_log_close(log);
    return log;
}

static void same_span(const cv_span *a, const cv_span *b)
{
    assert_int_equal(a->t0, b->t0);
    assert_int_equal(a->t1, b->t1);
    assert_int_equal(a->ref, b->ref);
    assert_ptr_equal(a->what, b->what);
    assert_int_equal(a->kind, b->kind);
}

static void same_spans(const cv_span *a, size_t na, const cv_span *b, size_t nb)
{
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++)
        same_span(&a[i], &b[i]);
}

static void same_indices(const size_t *a, size_t na, const size_t *b, size_t nb)
{
    assert_int_equal(na, nb);
    if (na > 0)
        assert_memory_equal(a, b, na * sizeof *a);
}

static void same_future(const cv_mfuture *a, const cv_mfuture *b)
{
    assert_int_equal(a->id, b->id);
    assert_ptr_equal(a->label, b->label);
    assert_ptr_equal(a->result, b->result);
    assert_ptr_equal(a->error, b->error);
    assert_int_equal(a->value, b->value);
    assert_int_equal(a->t_submit, b->t_submit);
    assert_int_equal(a->t_start, b->t_start);
    assert_int_equal(a->t_end, b->t_end);
    assert_int_equal(a->lane, b->lane);
    assert_int_equal(a->state, b->state);
    assert_int_equal(a->prev_on_lane, b->prev_on_lane);
    assert_int_equal(a->task, b->task);
    assert_int_equal(a->tstate, b->tstate);
    assert_ptr_equal(a->awaits, b->awaits);
    assert_int_equal(a->awaits_ref, b->awaits_ref);
    assert_int_equal(a->nslices, b->nslices);
    assert_int_equal(a->code, b->code);
}

static void same_lane(const cv_mlane *a, const cv_mlane *b)
{
    assert_int_equal(a->present, b->present);
    if (!a->present)
        return;
    assert_ptr_equal(a->name, b->name);
    assert_int_equal(a->state, b->state);
    same_spans(a->spans, a->nspans, b->spans, b->nspans);
    same_spans(a->waits, a->nwaits, b->waits, b->nwaits);
    same_indices(a->futs, a->nfuts, b->futs, b->nfuts);
    assert_int_equal(a->overlap, b->overlap);
    assert_int_equal(a->running, b->running);
    assert_int_equal(a->last_done, b->last_done);
    assert_int_equal(a->side, b->side);
    assert_int_equal(a->loop, b->loop);
    same_spans(a->loops, a->nloops, b->loops, b->nloops);
    assert_int_equal(a->nslices, b->nslices);
    for (size_t i = 0; i < a->nslices; i++) {
        assert_int_equal(a->slices[i].t0, b->slices[i].t0);
        assert_int_equal(a->slices[i].t1, b->slices[i].t1);
        assert_int_equal(a->slices[i].fut, b->slices[i].fut);
        assert_int_equal(a->slices[i].end, b->slices[i].end);
    }
    same_indices(a->frames, a->nframes, b->frames, b->nframes);
}

/* Everything a view may read, field by field. */
static void same_model(const cv_model *a, const cv_model *b)
{
    assert_int_equal(a->upto, b->upto);
    assert_int_equal(a->t_last, b->t_last);
    assert_ptr_equal(a->scenario, b->scenario);
    assert_int_equal(a->nfuts, b->nfuts);
    for (size_t i = 0; i < a->nfuts; i++) {
        same_future(&a->futs[i], &b->futs[i]);
        assert_int_equal(cv_model_future_index(a, a->futs[i].id), i);
    }
    assert_int_equal(a->nlanes, b->nlanes);
    for (int i = 0; i < a->nlanes; i++)
        same_lane(&a->lanes[i], &b->lanes[i]);
    same_indices(a->console, a->nconsole, b->console, b->nconsole);
    assert_int_equal(a->npending, b->npending);
    assert_int_equal(a->nrunning, b->nrunning);
    assert_int_equal(a->ndone, b->ndone);
    assert_int_equal(a->first_pending, b->first_pending);
    assert_int_equal(a->done_prefix, b->done_prefix);
    /* The done futures below an index, as counted one by one. */
    size_t step = 1 + a->nfuts / 20, done = 0;
    for (size_t i = 0; i <= a->nfuts; i++) {
        if (i % step == 0 || i == a->nfuts)
            assert_int_equal(cv_model_done_before(a, i), done);
        if (i < a->nfuts)
            done += a->futs[i].state == CV_FINISHED || a->futs[i].state == CV_FAILED;
    }
    assert_int_equal(a->dropped, b->dropped);
    assert_memory_equal(a->kinds, b->kinds, sizeof a->kinds);
    assert_int_equal(a->failed_seen, b->failed_seen);
    assert_int_equal(a->last_touched, b->last_touched);
    assert_int_equal(a->ntasks, b->ntasks);
    assert_int_equal(a->ntasks_done, b->ntasks_done);
    assert_memory_equal(a->ntask_states, b->ntask_states, sizeof a->ntask_states);
    assert_int_equal(a->sided, b->sided);
    for (int i = 0; i < CV_SIDE_COUNT; i++) {
        const cv_mside *x = &a->sides[i], *y = &b->sides[i];
        assert_int_equal(x->frames, y->frames);
        assert_ptr_equal(x->glyph, y->glyph);
        assert_int_equal(x->t_first, y->t_first);
        assert_int_equal(x->t_frame, y->t_frame);
        same_indices(x->console, x->nconsole, y->console, y->nconsole);
    }
}

/* Every future and task id of the log is found in a exactly as in b: the
 * ones made after the checkpoint are gone from the id table. */
static void same_lookups(const cv_log *log, const cv_model *a, const cv_model *b)
{
    size_t count = cv_log_count(log);
    for (size_t i = 0; i < count; i++) {
        const cv_event *e = cv_log_at(log, i);
        if (e->kind == CV_EV_FUTURE || e->kind == CV_EV_TASK)
            assert_int_equal(cv_model_future_index(a, e->id), cv_model_future_index(b, e->id));
    }
}

/* Renders both models at their position; the canvases must be the same,
 * cell by cell. */
static void same_screen(const cv_log *log, const cv_model *a, const cv_model *b, cv_canvas *ca,
                        cv_canvas *cb)
{
    size_t count = cv_log_count(log);
    int64_t end = cv_log_at(log, count - 1)->t_ns;
    cv_render_opts o = {.now_ns = a->upto > 0 ? cv_log_at(log, a->upto - 1)->t_ns : 0,
                        .span_ns = cv_nice_span(end > 0 ? end : 1), .speed = 1.0,
                        .mode = "PAUSED", .total = count};
    cv_render(ca, a, &o);
    cv_render(cb, b, &o);
    for (int y = 0; y < ca->rows; y++) {
        for (int x = 0; x < ca->cols; x++) {
            const cv_cell *p = cv_canvas_get(ca, x, y), *q = cv_canvas_get(cb, x, y);
            if (p->ch != q->ch || p->style != q->style) {
                char *s = cv_canvas_dump(ca), *r = cv_canvas_dump(cb);
                print_error("at %zu events, cell (%d, %d) differs:\n%s\n--- from 0:\n%s\n",
                            a->upto, x, y, s, r);
                free(s);
                free(r);
                fail();
            }
        }
    }
}

/* Model `a` seeks to `upto` (restoring a checkpoint when that is a step
 * back); a fresh model built from the first event must match it. */
static void check_at(const cv_log *log, cv_model *a, size_t upto, cv_canvas *ca, cv_canvas *cb,
                     bool lookups)
{
    assert_int_equal(cv_model_seek(a, upto), 0);
    cv_model b;
    cv_model_init(&b, log);
    cv_model_set_checkpoints(&b, (size_t)1 << 40, 0); /* none: the plain build */
    assert_int_equal(cv_model_advance(&b, upto), 0);
    same_model(a, &b);
    if (lookups)
        same_lookups(log, a, &b);
    same_screen(log, a, &b, ca, cb);
    cv_model_free(&b);
}

/* The model is single-threaded, so TSan has nothing to find here and only
 * slows every comparison some fifteen times over; under it the test does a
 * third of the seeks so that it stays well inside its timeout on a loaded
 * machine. ASan and the plain build do them all. */
#ifdef __SANITIZE_THREAD__
#define REPEATS(n) ((n) / 3)
#define SLICE_CHECKS 12
#else
#define REPEATS(n) (n)
#define SLICE_CHECKS 3
#endif

/* Random seeks, back and forth, with close and few checkpoints. */
static void random_seeks(size_t every, size_t max, uint64_t seed)
{
    cv_log *log = mixed_log(6000, seed);
    size_t count = cv_log_count(log);
    cv_canvas ca, cb;
    assert_int_equal(cv_canvas_init(&ca, COLS, ROWS, false), 0);
    assert_int_equal(cv_canvas_init(&cb, COLS, ROWS, false), 0);
    cv_model a;
    cv_model_init(&a, log);
    cv_model_set_checkpoints(&a, every, max);
    /* Part of the way first, so that some seeks go past the checkpoints. */
    assert_int_equal(cv_model_advance(&a, count / 3), 0);
    rng_state = seed * 7 + 1;
    for (int k = 0; k < REPEATS(150); k++) {
        size_t upto = 1 + rnd((unsigned)count);
        check_at(log, &a, upto, &ca, &cb, k % 10 == 0);
        /* And a few steps back from there, as the left key does. */
        for (int s = 0; s < 3 && upto > 2; s++)
            check_at(log, &a, --upto, &ca, &cb, false);
    }
    size_t spacing;
    assert_true(cv_model_checkpoint_count(&a, &spacing) <= (max < 2 ? 2 : max));
    assert_true(spacing >= every);
    cv_model_free(&a);
    cv_canvas_free(&ca);
    cv_canvas_free(&cb);
    cv_log_destroy(log);
}

static void test_random_seeks_close(void **state)
{
    (void)state;
    random_seeks(16, 6, 1); /* thinned seven times over */
}

static void test_random_seeks_other(void **state)
{
    (void)state;
    random_seeks(37, 50, 2);
    random_seeks(500, 2, 3);
}

/* Stepping back one event at a time over a whole log, from the end. */
static void test_step_back_everywhere(void **state)
{
    (void)state;
    cv_log *log = mixed_log(REPEATS(1500), 4);
    size_t count = cv_log_count(log);
    cv_canvas ca, cb;
    assert_int_equal(cv_canvas_init(&ca, COLS, ROWS, false), 0);
    assert_int_equal(cv_canvas_init(&cb, COLS, ROWS, false), 0);
    cv_model a;
    cv_model_init(&a, log);
    cv_model_set_checkpoints(&a, 10, 8);
    assert_int_equal(cv_model_advance(&a, count), 0);
    for (size_t k = count; k-- > 1;)
        check_at(log, &a, k, &ca, &cb, k % 100 == 0);
    cv_model_free(&a);
    cv_canvas_free(&ca);
    cv_canvas_free(&cb);
    cv_log_destroy(log);
}

/* The bench's log of 10 000 futures with the UI's own settings. */
static void test_bench_log(void **state)
{
    (void)state;
    cv_log *log = bench_log();
    size_t count = cv_log_count(log);
    cv_canvas ca, cb;
    assert_int_equal(cv_canvas_init(&ca, 200, 60, false), 0);
    assert_int_equal(cv_canvas_init(&cb, 200, 60, false), 0);
    cv_model a;
    cv_model_init(&a, log);
    assert_int_equal(cv_model_advance(&a, count), 0);
    size_t spacing, n = cv_model_checkpoint_count(&a, &spacing);
    assert_true(n > 0);
    assert_true(n * spacing <= count);
    rng_state = 99;
    for (int k = 0; k < REPEATS(40); k++) {
        size_t upto = 1 + rnd((unsigned)count);
        check_at(log, &a, upto, &ca, &cb, false);
        check_at(log, &a, upto - (upto > 1), &ca, &cb, false);
    }
    cv_model_free(&a);
    cv_canvas_free(&ca);
    cv_canvas_free(&cb);
    cv_log_destroy(log);
}

/* A seek in slices, as the UI makes a long one (cv_model_seek_some, a few
 * events at a time): every stop on the way is the model of that prefix,
 * and the last is the target, forward and back. */
static void test_seek_in_slices(void **state)
{
    (void)state;
    cv_log *log = mixed_log(3000, 6);
    size_t count = cv_log_count(log);
    cv_canvas ca, cb;
    assert_int_equal(cv_canvas_init(&ca, COLS, ROWS, false), 0);
    assert_int_equal(cv_canvas_init(&cb, COLS, ROWS, false), 0);
    cv_model a;
    cv_model_init(&a, log);
    cv_model_set_checkpoints(&a, 64, 8);
    size_t targets[] = {count, 1, count / 2, count / 3, count - 1, 2};
    for (size_t k = 0; k < sizeof targets / sizeof targets[0]; k++) {
        size_t budget = 41 + k * 97, stops = 0;
        do {
            size_t was = a.upto;
            assert_int_equal(cv_model_seek_some(&a, targets[k], budget), 0);
            stops++;
            /* Forward, no more than the budget. */
            if (targets[k] >= was)
                assert_true(a.upto - was <= budget);
            /* Each stop is a true prefix: every few, compared in full. */
            if (stops % SLICE_CHECKS == 1 || a.upto == targets[k])
                check_at(log, &a, a.upto, &ca, &cb, stops % 24 == 1);
        } while (a.upto != targets[k]);
        if (targets[k] == count)
            assert_true(stops > 1);
    }
    /* And within a time budget, the same place as in one go. */
    assert_int_equal(cv_model_seek(&a, 1), 0);
    while (a.upto != count)
        assert_int_equal(cv_model_seek_within(&a, count, CV_MODEL_FRAME_NS), 0);
    check_at(log, &a, count, &ca, &cb, true);
    cv_model_free(&a);
    cv_canvas_free(&ca);
    cv_canvas_free(&cb);
    cv_log_destroy(log);
}

/* A replay read behind the screen: the model starts on an open log, goes
 * half way, and is sized for the whole log once it closes.  It keeps what
 * it held, then reaches the end equal to a model built on the closed log,
 * with its futures' array allocated once, at the size the log needs. */
static void test_sized_once_the_log_is_whole(void **state)
{
    (void)state;
    cv_log *log = mixed_log_open(20000, 11);
    size_t n = cv_log_count(log);
    cv_model a;
    cv_model_init(&a, log);
    assert_int_equal(cv_model_advance(&a, n / 2), 0);
    cv_log_close(log);
    cv_model_reserve_whole_log(&a);
    cv_model b;
    cv_model_init(&b, log);
    cv_model_set_checkpoints(&b, (size_t)1 << 40, 0);
    assert_int_equal(cv_model_advance(&b, n / 2), 0);
    same_model(&a, &b);
    size_t cap = a.capfuts;
    assert_int_equal(cv_model_advance(&a, n), 0);
    assert_int_equal(a.capfuts, cap); /* no growth on the way */
    assert_true(a.nfuts <= cap && a.nfuts > n / 8);
    cv_canvas ca, cb;
    assert_int_equal(cv_canvas_init(&ca, 120, 40, false), 0);
    assert_int_equal(cv_canvas_init(&cb, 120, 40, false), 0);
    check_at(log, &a, n, &ca, &cb, true);
    cv_canvas_free(&ca);
    cv_canvas_free(&cb);
    cv_model_free(&b);
    cv_model_free(&a);
    cv_log_destroy(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_seeks_close),
        cmocka_unit_test(test_random_seeks_other),
        cmocka_unit_test(test_step_back_everywhere),
        cmocka_unit_test(test_bench_log),
        cmocka_unit_test(test_seek_in_slices),
        cmocka_unit_test(test_sized_once_the_log_is_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
