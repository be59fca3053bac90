/*
 * The event loop and tasks: ordering (ready FIFO, timer deadlines), the
 * await notation's exceptions (cancel at an await, failures carried to the
 * awaiter), the lessons the scenarios teach (a blocking call freezes the
 * loop, a zero sleep yields, a semaphore limits concurrency), I/O readiness
 * and wake-ups from other threads, and the events the UI reads.  Timing
 * bounds are loose: the suite also runs under TSan on two slow cores.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bus.h"
#include "coro.h"
#include "log.h"
#include "loop.h"
#include "loopsem.h"
#include "pool.h"
#include "task.h"
#include "seen.h"


static void sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* ---- ready tasks run in creation order; a zero sleep yields ---- */

typedef struct id_state {
    int id;
    double delay;
} id_state;

static int yielder(cv_task *t, void *arg)
{
    id_state *s = arg;
    CV_CORO_BEGIN(t);
    note(s->id);
    CV_YIELD(t);
    note(10 + s->id);
    CV_CORO_END(t);
}

static void test_ready_fifo_and_zero_sleep_yields(void **unused)
{
    (void)unused;
    reset();
    cv_loop *loop = cv_loop_create(NULL, 1);
    id_state s[4];
    for (int i = 0; i < 4; i++) {
        s[i].id = i;
        cv_task_release(cv_task_create(loop, "y", yielder, &s[i]));
    }
    assert_int_equal(cv_loop_run(loop), CV_OK);
    /* Everyone runs up to its yield before anyone runs past it. */
    expect_seen((int[]){0, 1, 2, 3, 10, 11, 12, 13}, 8);
    cv_loop_destroy(loop);
}

/* A task that only ever yields still lets timers in: each turn runs only
 * what was ready when it began, then polls and expires timers. */
typedef struct busy_state {
    bool flag;
    long spins;
} busy_state;

static int busy_yielder(cv_task *t, void *arg)
{
    busy_state *b = arg;
    CV_CORO_BEGIN(t);
    while (!b->flag && b->spins < 1000000) {
        b->spins++;
        CV_YIELD(t);
    }
    CV_CORO_END(t);
}

static int flag_setter(cv_task *t, void *arg)
{
    busy_state *b = arg;
    CV_CORO_BEGIN(t);
    CV_AWAIT_SLEEP(t, 0.01);
    b->flag = true;
    CV_CORO_END(t);
}

static void test_zero_sleep_lets_timers_in(void **unused)
{
    (void)unused;
    cv_loop *loop = cv_loop_create(NULL, 1);
    busy_state b = {0};
    cv_task_release(cv_task_create(loop, "busy", busy_yielder, &b));
    cv_task_release(cv_task_create(loop, "setter", flag_setter, &b));
    assert_int_equal(cv_loop_run(loop), CV_OK);
    assert_true(b.flag);
    assert_true(b.spins > 1 && b.spins < 1000000);
    cv_loop_destroy(loop);
}

/* ---- timers fire in deadline order, ties in start order ---- */

static int sleeper(cv_task *t, void *arg)
{
    id_state *s = arg;
    CV_CORO_BEGIN(t);
    CV_AWAIT_SLEEP(t, s->delay);
    note(s->id);
    CV_CORO_END(t);
}

static void note_timer(void *arg)
{
    note(*(int *)arg);
}

static void test_timer_order(void **unused)
{
    (void)unused;
    reset();
    cv_loop *loop = cv_loop_create(NULL, 1);
    id_state s[4] = {{0, 0.08}, {1, 0.02}, {2, 0.05}, {3, 0.02}};
    for (int i = 0; i < 4; i++)
        cv_task_release(cv_task_create(loop, "sleeper", sleeper, &s[i]));
    cv_loop_run(loop);
    expect_seen((int[]){1, 3, 2, 0}, 4);

    /* Equal deadlines: the order the timers were started in. */
    reset();
    int ids[5] = {10, 11, 12, 13, 14};
    cv_timer timers[5];
    double when = cv_loop_time(loop) + 0.03;
    cv_timer_init(loop, &timers[0], note_timer, &ids[0]);
    cv_timer_start_at(&timers[0], when + 0.01);
    for (int i = 1; i < 5; i++) {
        cv_timer_init(loop, &timers[i], note_timer, &ids[i]);
        cv_timer_start_at(&timers[i], when);
    }
    /* A stopped timer never fires; a restarted one moves to the back. */
    cv_timer_stop(&timers[2]);
    cv_timer_start_at(&timers[1], when);
    cv_loop_run(loop);
    expect_seen((int[]){13, 14, 11, 10}, 4);
    assert_false(cv_timer_active(&timers[0]));
    cv_loop_destroy(loop);
}

/* Many timers, some stopped and some restarted: the heap still yields
 * them in (deadline, start order). */
typedef struct heap_probe {
    int order[256];
    int n;
} heap_probe;

typedef struct heap_timer {
    cv_timer timer;
    heap_probe *probe;
    int id;
    double when;
    int seq;
} heap_timer;

static void heap_fired(void *arg)
{
    heap_timer *h = arg;
    h->probe->order[h->probe->n++] = h->id;
}

static void test_timer_heap_order(void **unused)
{
    (void)unused;
    enum { N = 200 };
    cv_loop *loop = cv_loop_create(NULL, 1);
    static heap_timer hs[N];
    heap_probe probe = {0};
    double base = cv_loop_time(loop) + 0.02;
    unsigned rnd = 12345;
    int seq = 0;
    for (int i = 0; i < N; i++) {
        rnd = rnd * 1103515245u + 12345u;
        hs[i] = (heap_timer){.probe = &probe, .id = i, .when = base + (double)(rnd >> 16 & 15) * 0.002};
        cv_timer_init(loop, &hs[i].timer, heap_fired, &hs[i]);
        cv_timer_start_at(&hs[i].timer, hs[i].when);
        hs[i].seq = seq++;
    }
    for (int i = 0; i < N; i += 7)
        cv_timer_stop(&hs[i].timer);
    for (int i = 3; i < N; i += 11) {
        if (i % 7 == 0)
            continue;
        hs[i].when = base + 0.005;
        cv_timer_start_at(&hs[i].timer, hs[i].when);
        hs[i].seq = seq++;
    }
    assert_int_equal(cv_loop_run(loop), CV_OK);
    int expected = N - (N + 6) / 7;
    assert_int_equal(probe.n, expected);
    for (int k = 1; k < probe.n; k++) {
        heap_timer *a = &hs[probe.order[k - 1]], *b = &hs[probe.order[k]];
        assert_true(a->when < b->when || (a->when == b->when && a->seq < b->seq));
    }
    cv_loop_destroy(loop);
}

/* ---- cancellation at an await ---- */

typedef struct victim {
    int observed;
    bool cleaned, after;
} victim;

/* try: await sleep(30) except CancelledError: clean up; return 7 */
static int catching_victim(cv_task *t, void *arg)
{
    victim *v = arg;
    CV_CORO_BEGIN(t);
    CV_TRY_AWAIT(t, CV_AWAIT_SLEEP(t, 30.0));
    v->observed = CV_AWAIT_STATUS(t);
    if (CV_CANCELLED_AT_AWAIT(t)) {
        v->cleaned = true;
        CV_RETURN(t, 7);
    }
    v->after = true;
    CV_CORO_END(t);
}

/* try: await sleep(30) finally: clean up  (the cancel is not caught) */
static int finally_victim(cv_task *t, void *arg)
{
    victim *v = arg;
    CV_CORO_BEGIN(t);
    CV_AWAIT_SLEEP(t, 30.0);
    v->after = true;
    CV_CORO_FINALLY(t);
    v->cleaned = true;
    v->observed = CV_RAISED(t);
    CV_CORO_END(t);
}

typedef struct canceller {
    cv_task *targets[3];
    bool results[3];
} canceller;

static int canceller_step(cv_task *t, void *arg)
{
    canceller *c = arg;
    CV_CORO_BEGIN(t);
    CV_AWAIT_SLEEP(t, 0.02);
    for (int i = 0; i < 3; i++)
        if (c->targets[i] != NULL)
            c->results[i] = cv_task_cancel(c->targets[i]);
    CV_CORO_END(t);
}

static void test_cancel_at_await(void **unused)
{
    (void)unused;
    cv_loop *loop = cv_loop_create(NULL, 1);
    victim v1 = {0}, v2 = {0}, v3 = {0};
    canceller c = {0};
    c.targets[0] = cv_task_create(loop, "catching", catching_victim, &v1);
    c.targets[1] = cv_task_create(loop, "finally", finally_victim, &v2);
    cv_task *c_task = cv_task_create(loop, "canceller", canceller_step, &c);
    /* Cancelled before it ever runs: its body never starts. */
    cv_task *early = cv_task_create(loop, "early", finally_victim, &v3);
    assert_true(cv_task_cancel(early));

    double t0 = cv_loop_time(loop);
    assert_int_equal(cv_loop_run(loop), CV_OK);
    assert_true(cv_loop_time(loop) - t0 < 10.0);

    assert_true(c.results[0] && c.results[1]);
    /* Caught: cleanup ran, the task returned normally. */
    cv_result r;
    assert_int_equal(cv_task_result(c.targets[0], &r), CV_OK);
    assert_int_equal(r.value, 7);
    assert_int_equal(v1.observed, CV_ECANCELLED);
    assert_true(v1.cleaned);
    assert_false(v1.after);
    assert_false(cv_task_cancelled(c.targets[0]));
    /* Not caught: finally ran, the task ended cancelled. */
    assert_true(cv_task_cancelled(c.targets[1]));
    assert_int_equal(cv_task_result(c.targets[1], NULL), CV_ECANCELLED);
    assert_true(v2.cleaned);
    assert_int_equal(v2.observed, CV_ECANCELLED);
    assert_false(v2.after);
    assert_true(cv_task_cancelled(early));
    assert_false(v3.cleaned);
    /* Done tasks cannot be cancelled. */
    assert_false(cv_task_cancel(c.targets[0]));
    assert_false(cv_task_cancel(c.targets[1]));
    assert_false(cv_task_cancel(c_task));

    cv_task_release(c.targets[0]);
    cv_task_release(c.targets[1]);
    cv_task_release(c_task);
    cv_task_release(early);
    cv_loop_destroy(loop);
}

/* ---- awaiting a task: results, failures, cancellation ---- */

static int slow(cv_task *t, void *arg)
{
    (void)arg;
    CV_CORO_BEGIN(t);
    CV_AWAIT_SLEEP(t, 0.02);
    CV_RETURN_TEXT(t, 42, "forty-two");
    CV_CORO_END(t);
}

typedef struct parent {
    cv_task *child;
    cv_task_fn child_fn;
    void *child_arg;
    cv_result r;
    int rc, status;
    bool after;
} parent;

static int awaiting_parent(cv_task *t, void *arg)
{
    parent *p = arg;
    CV_CORO_BEGIN(t);
    p->child = cv_task_create(cv_task_loop(t), "child", p->child_fn, p->child_arg);
    CV_AWAIT_TASK(t, p->child);
    p->rc = cv_task_result(p->child, &p->r);
    /* Awaiting a task that is already done does not suspend. */
    CV_AWAIT_TASK(t, p->child);
    p->after = true;
    CV_RETURN(t, p->r.value + 1);
    CV_CORO_END(t);
}

static void test_await_task_result(void **unused)
{
    (void)unused;
    cv_loop *loop = cv_loop_create(NULL, 1);
    parent p = {.child_fn = slow};
    cv_task *t = cv_task_create(loop, "supervisor", awaiting_parent, &p);
    cv_result r;
    assert_int_equal(cv_loop_run_until_complete(loop, t, &r), CV_OK);
    assert_int_equal(r.value, 43);
    assert_int_equal(p.rc, CV_OK);
    assert_int_equal(p.r.value, 42);
    assert_string_equal(p.r.text, "forty-two");
    assert_true(p.after);
    cv_task_release(p.child);
    cv_task_release(t);
    cv_loop_destroy(loop);
}

static int teapot(cv_task *t, void *arg)
{
    (void)arg;
    CV_CORO_BEGIN(t);
    CV_AWAIT_SLEEP(t, 0.01);
    CV_FAIL(t, 418, "I'm a %s", "teapot");
    CV_CORO_END(t);
}

/* Catches the failure of the task it awaits. */
static int catching_parent(cv_task *t, void *arg)
{
    parent *p = arg;
    CV_CORO_BEGIN(t);
    p->child = cv_task_create(cv_task_loop(t), "middle", p->child_fn, p->child_arg);
    CV_TRY_AWAIT(t, CV_AWAIT_TASK(t, p->child));
    p->status = CV_AWAIT_STATUS(t);
    p->rc = cv_task_result(p->child, &p->r);
    CV_RETURN(t, 5);
    CV_CORO_END(t);
}

static void test_failure_carried_to_awaiter(void **unused)
{
    (void)unused;
    cv_loop *loop = cv_loop_create(NULL, 1);
    /* top catches what middle did not catch from teapot. */
    parent p[2] = {{.child_fn = awaiting_parent, .child_arg = &p[1]}, {.child_fn = teapot}};
    cv_task *top = cv_task_create(loop, "top", catching_parent, &p[0]);
    assert_int_equal(cv_loop_run(loop), CV_OK);

    /* middle failed with teapot's error and stopped at its await. */
    assert_false(p[1].after);
    cv_result r;
    assert_int_equal(cv_task_result(p[0].child, &r), CV_EFAILED);
    assert_int_equal(r.error, 418);
    assert_string_equal(r.message, "I'm a teapot");
    assert_int_equal(cv_task_result(p[1].child, &r), CV_EFAILED);
    assert_int_equal(r.error, 418);
    /* top saw the failure at its await and carried on. */
    assert_int_equal(p[0].status, CV_EFAILED);
    assert_int_equal(p[0].rc, CV_EFAILED);
    assert_int_equal(p[0].r.error, 418);
    assert_int_equal(cv_task_result(top, &r), CV_OK);
    assert_int_equal(r.value, 5);

    cv_task_release(p[1].child);
    cv_task_release(p[0].child);
    cv_task_release(top);
    cv_loop_destroy(loop);
}

static int sleep_long(cv_task *t, void *arg)
{
    (void)arg;
    CV_CORO_BEGIN(t);
    CV_AWAIT_SLEEP(t, 30.0);
    CV_CORO_END(t);
}

static int self_awaiter(cv_task *t, void *arg)
{
    (void)arg;
    CV_CORO_BEGIN(t);
    CV_AWAIT_TASK(t, t);
    CV_CORO_END(t);
}

static void test_cancel_reaches_awaited_task(void **unused)
{
    (void)unused;
    cv_loop *loop = cv_loop_create(NULL, 1);
    parent p = {.child_fn = sleep_long};
    canceller c = {0};
    c.targets[0] = cv_task_create(loop, "parent", awaiting_parent, &p);
    cv_task *ct = cv_task_create(loop, "canceller", canceller_step, &c);
    cv_task *selfish = cv_task_create(loop, "selfish", self_awaiter, NULL);
    double t0 = cv_loop_time(loop);
    assert_int_equal(cv_loop_run(loop), CV_OK);
    assert_true(cv_loop_time(loop) - t0 < 10.0);
    /* As in asyncio: cancelling a task cancels the task it awaits. */
    assert_true(cv_task_cancelled(p.child));
    assert_true(cv_task_cancelled(c.targets[0]));
    assert_false(p.after);
    cv_result r;
    assert_int_equal(cv_task_result(selfish, &r), CV_EFAILED);
    assert_string_equal(r.message, "a task cannot await itself");
    cv_task_release(p.child);
    cv_task_release(c.targets[0]);
    cv_task_release(ct);
    cv_task_release(selfish);
    cv_loop_destroy(loop);
}

/* Catches a failure, cleans up, raises it again. */
static int reraiser(cv_task *t, void *arg)
{
    parent *p = arg;
    CV_CORO_BEGIN(t);
    p->child = cv_task_create(cv_task_loop(t), "teapot", teapot, NULL);
    CV_TRY_AWAIT(t, CV_AWAIT_TASK(t, p->child));
    p->status = CV_AWAIT_STATUS(t);
    if (p->status != CV_OK)
        CV_RERAISE(t);
    p->after = true;
    CV_CORO_END(t);
}

/* Two tasks awaiting each other: cancelling one ends both, without
 * cv_task_cancel chasing the cycle forever. */
typedef struct cycle_state {
    cv_task *other;
    struct cycle_state *peer_state;
} cycle_state;

static int cycle_b(cv_task *t, void *arg)
{
    cycle_state *s = arg;
    CV_CORO_BEGIN(t);
    CV_AWAIT_TASK(t, s->other);
    CV_CORO_END(t);
}

static int cycle_a(cv_task *t, void *arg)
{
    cycle_state *s = arg;
    CV_CORO_BEGIN(t);
    s->peer_state->other = t;
    s->other = cv_task_create(cv_task_loop(t), "b", cycle_b, s->peer_state);
    CV_AWAIT_TASK(t, s->other);
    CV_CORO_END(t);
}

static void test_reraise_and_await_cycle(void **unused)
{
    (void)unused;
    cv_loop *loop = cv_loop_create(NULL, 1);
    parent p = {0};
    cv_task *r = cv_task_create(loop, "reraiser", reraiser, &p);
    cycle_state sb = {0}, sa = {.peer_state = &sb};
    canceller c = {0};
    c.targets[0] = cv_task_create(loop, "a", cycle_a, &sa);
    cv_task *ct = cv_task_create(loop, "canceller", canceller_step, &c);
    assert_int_equal(cv_loop_run(loop), CV_OK);

    cv_result res;
    assert_int_equal(p.status, CV_EFAILED);
    assert_false(p.after);
    assert_int_equal(cv_task_result(r, &res), CV_EFAILED);
    assert_int_equal(res.error, 418);
    assert_string_equal(res.message, "I'm a teapot");

    assert_true(c.results[0]);
    assert_true(cv_task_cancelled(c.targets[0]));
    assert_true(cv_task_cancelled(sa.other));

    cv_task_release(p.child);
    cv_task_release(r);
    cv_task_release(sa.other);
    cv_task_release(c.targets[0]);
    cv_task_release(ct);
    cv_loop_destroy(loop);
}

/* ---- a blocking call freezes the loop ---- */

typedef struct ticker {
    double start, woke;
} ticker;

static int ticker_step(cv_task *t, void *arg)
{
    ticker *k = arg;
    CV_CORO_BEGIN(t);
    k->start = cv_loop_time(cv_task_loop(t));
    CV_AWAIT_SLEEP(t, 0.05);
    k->woke = cv_loop_time(cv_task_loop(t));
    CV_CORO_END(t);
}

/* time.sleep(.2) inside a coroutine: nothing else runs meanwhile. */
static int blocker(cv_task *t, void *arg)
{
    (void)arg;
    CV_CORO_BEGIN(t);
    sleep_s(0.2);
    CV_CORO_END(t);
}

static double ticker_delay(bool with_blocker)
{
    cv_loop *loop = cv_loop_create(NULL, 1);
    ticker k = {0};
    cv_task_release(cv_task_create(loop, "ticker", ticker_step, &k));
    if (with_blocker)
        cv_task_release(cv_task_create(loop, "blocker", blocker, NULL));
    cv_loop_run(loop);
    cv_loop_destroy(loop);
    return k.woke - k.start;
}

static void test_blocking_call_freezes_loop(void **unused)
{
    (void)unused;
    double free_run = ticker_delay(false);
    double frozen = ticker_delay(true);
    /* Guaranteed: the ticker cannot wake before the blocking call ends. */
    assert_true(free_run >= 0.049);
    assert_true(frozen >= 0.199);
    /* The contrast, unless the machine itself stalled the free run. */
    if (free_run < 0.1)
        assert_true(frozen > free_run + 0.09);
}

/* ---- the semaphore ---- */

static int inside, most_inside;

typedef struct sem_user {
    cv_loop_sem *sem;
    int id;
    bool holding;
} sem_user;

/* async with sem: inside += 1; await sleep(.01); inside -= 1 */
static int sem_worker(cv_task *t, void *arg)
{
    sem_user *u = arg;
    CV_CORO_BEGIN(t);
    CV_AWAIT_SEM(t, u->sem);
    u->holding = true;
    note(u->id);
    if (++inside > most_inside)
        most_inside = inside;
    CV_AWAIT_SLEEP(t, 0.01);
    inside--;
    CV_CORO_FINALLY(t);
    if (u->holding)
        cv_loop_sem_release(u->sem);
    u->holding = false;
    CV_CORO_END(t);
}

static void test_semaphore_limits_concurrency(void **unused)
{
    (void)unused;
    reset();
    inside = most_inside = 0;
    cv_loop *loop = cv_loop_create(NULL, 1);
    cv_loop_sem *sem = cv_loop_sem_create(3);
    sem_user u[10];
    for (int i = 0; i < 10; i++) {
        u[i] = (sem_user){.sem = sem, .id = i};
        cv_task_release(cv_task_create(loop, "download", sem_worker, &u[i]));
    }
    assert_int_equal(cv_loop_run(loop), CV_OK);
    assert_int_equal(most_inside, 3);
    assert_int_equal(inside, 0);
    expect_seen((int[]){0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 10);
    assert_int_equal(cv_loop_sem_value(sem), 3);
    cv_loop_destroy(loop);
    cv_loop_sem_destroy(sem);
}

typedef struct sem_holder {
    cv_loop_sem *sem;
    cv_task *granted, *waiting;
} sem_holder;

static int sem_holder_step(cv_task *t, void *arg)
{
    sem_holder *h = arg;
    CV_CORO_BEGIN(t);
    CV_AWAIT_SEM(t, h->sem);
    CV_AWAIT_SLEEP(t, 0.02);
    cv_task_cancel(h->waiting);      /* still waiting: just leaves */
    cv_loop_sem_release(h->sem);     /* hands the permit to `granted` */
    cv_task_cancel(h->granted);      /* which passes it on, unused */
    CV_CORO_END(t);
}

static void stop_loop(void *loop)
{
    cv_loop_stop(loop);
}

static void test_semaphore_cancelled_waiters(void **unused)
{
    (void)unused;
    reset();
    inside = most_inside = 0;
    cv_loop *loop = cv_loop_create(NULL, 1);
    cv_loop_sem *sem = cv_loop_sem_create(1);
    sem_holder h = {.sem = sem};
    sem_user b = {.sem = sem, .id = 1}, c = {.sem = sem, .id = 2}, d = {.sem = sem, .id = 3};
    cv_task *ht = cv_task_create(loop, "holder", sem_holder_step, &h);
    h.granted = cv_task_create(loop, "b", sem_worker, &b);
    h.waiting = cv_task_create(loop, "d", sem_worker, &d);
    cv_task *ct = cv_task_create(loop, "c", sem_worker, &c);
    /* If the permit were lost, c would wait forever: fail instead. */
    cv_timer watchdog;
    cv_timer_init(loop, &watchdog, stop_loop, loop);
    cv_timer_start(&watchdog, 10.0);
    assert_int_equal(cv_loop_run_until_complete(loop, ct, NULL), CV_OK);
    cv_timer_stop(&watchdog);
    assert_true(cv_task_cancelled(h.granted));
    assert_true(cv_task_cancelled(h.waiting));
    assert_int_equal(cv_task_result(ct, NULL), CV_OK);
    expect_seen((int[]){2}, 1);
    assert_int_equal(cv_loop_sem_value(sem), 1);
    cv_task_release(ht);
    cv_task_release(h.granted);
    cv_task_release(h.waiting);
    cv_task_release(ct);
    cv_loop_destroy(loop);
    cv_loop_sem_destroy(sem);
}

/* ---- I/O readiness and other threads ---- */

typedef struct reader {
    int fd;
    int revents;
    char byte;
} reader;

static int reader_step(cv_task *t, void *arg)
{
    reader *r = arg;
    CV_CORO_BEGIN(t);
    CV_AWAIT_IO(t, r->fd, CV_IO_READ);
    r->revents = CV_IO_REVENTS(t);
    if (read(r->fd, &r->byte, 1) != 1)
        CV_FAIL(t, CV_EFAILED, "read failed");
    CV_RETURN(t, r->byte);
    CV_CORO_END(t);
}

/* The write waits until a ticker task has woken: proof that the loop ran
 * other tasks while the reader waited, without racing two timers. */
typedef struct write_after {
    int fd;
    atomic_bool ticked;
} write_after;

static int flagging_ticker(cv_task *t, void *arg)
{
    write_after *w = arg;
    CV_CORO_BEGIN(t);
    CV_AWAIT_SLEEP(t, 0.02);
    atomic_store(&w->ticked, true);
    CV_CORO_END(t);
}

static void *write_later(void *arg)
{
    write_after *w = arg;
    while (!atomic_load(&w->ticked))
        sleep_s(0.002);
    ssize_t n = write(w->fd, "x", 1);
    (void)n;
    return NULL;
}

static void test_fd_readiness_wakes_task(void **unused)
{
    (void)unused;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    cv_loop *loop = cv_loop_create(NULL, 1);
    reader r = {.fd = fds[0]};
    write_after w = {.fd = fds[1]};
    atomic_init(&w.ticked, false);
    cv_task *t = cv_task_create(loop, "reader", reader_step, &r);
    cv_task_release(cv_task_create(loop, "ticker", flagging_ticker, &w));
    pthread_t th;
    pthread_create(&th, NULL, write_later, &w);
    cv_result res;
    assert_int_equal(cv_loop_run_until_complete(loop, t, &res), CV_OK);
    pthread_join(th, NULL);
    assert_int_equal(res.value, 'x');
    assert_true(r.revents & CV_IO_READ);
    cv_task_release(t);
    cv_loop_destroy(loop);
    close(fds[0]);
    close(fds[1]);
}

typedef struct poster {
    cv_loop *loop;
    int fd;
    int calls;
    int fired;
    atomic_bool both_read;
} poster;

static void watcher_cb(cv_io *io, int revents, void *arg)
{
    poster *p = arg;
    char c;
    if ((revents & CV_IO_READ) && read(cv_io_fd(io), &c, 1) == 1)
        note(c);
    if (++p->fired == 2) {
        cv_io_stop(io);
        atomic_store(&p->both_read, true);
    }
}

static void from_thread(void *arg)
{
    poster *p = arg;
    p->calls++;
    note('T');
    cv_loop_unref(p->loop);
}

static void *post_later(void *arg)
{
    poster *p = arg;
    sleep_s(0.03);
    ssize_t n = write(p->fd, "a", 1);
    sleep_s(0.03);
    n = write(p->fd, "b", 1);
    (void)n;
    while (!atomic_load(&p->both_read))
        sleep_s(0.002);
    cv_loop_call_soon_threadsafe(p->loop, from_thread, p);
    return NULL;
}

static void test_watcher_and_threadsafe_call(void **unused)
{
    (void)unused;
    reset();
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    cv_loop *loop = cv_loop_create(NULL, 1);
    poster p = {.loop = loop, .fd = fds[1]};
    atomic_init(&p.both_read, false);
    cv_io io;
    cv_io_init(loop, &io, fds[0], watcher_cb, &p);
    cv_io_start(&io, CV_IO_READ);
    cv_loop_ref(loop); /* the thread's call is still to come */
    pthread_t th;
    pthread_create(&th, NULL, post_later, &p);
    assert_int_equal(cv_loop_run(loop), CV_OK);
    pthread_join(th, NULL);
    expect_seen((int[]){'a', 'b', 'T'}, 3);
    assert_int_equal(p.calls, 1);
    assert_false(cv_io_active(&io));
    assert_false(cv_loop_alive(loop));
    cv_loop_destroy(loop);
    close(fds[0]);
    close(fds[1]);
}

static void *stop_later(void *arg)
{
    sleep_s(0.05);
    cv_loop_stop(arg);
    return NULL;
}

static void test_stop_from_thread_and_destroy_live(void **unused)
{
    (void)unused;
    cv_loop *loop = cv_loop_create(NULL, 1);
    victim v = {0};
    cv_task *t = cv_task_create(loop, "forever", finally_victim, &v);
    pthread_t th;
    pthread_create(&th, NULL, stop_later, loop);
    double t0 = cv_loop_time(loop);
    assert_int_equal(cv_loop_run(loop), CV_OK);
    pthread_join(th, NULL);
    assert_true(cv_loop_time(loop) - t0 < 10.0);
    assert_false(cv_task_done(t));
    assert_true(cv_loop_alive(loop));
    /* Destroying the loop ends the task cancelled without running it. */
    cv_loop_destroy(loop);
    assert_true(cv_task_cancelled(t));
    assert_false(v.cleaned);
    cv_task_release(t);
}

/* ---- awaiting thread-pool futures (run_in_executor) ---- */

/* A blocking call: sleeps (negative: then fails), or waits for a gate. */
typedef struct job {
    double seconds;
    atomic_bool *gate;
} job;

static void pool_call(void *arg, cv_result *out)
{
    job *j = arg;
    while (j->gate != NULL && !atomic_load(j->gate))
        sleep_s(0.002);
    sleep_s(j->seconds > 0 ? j->seconds : -j->seconds);
    if (j->seconds < 0)
        cv_result_fail(out, 404, "not found");
    else
        out->value = 9;
}

typedef struct executor_user {
    cv_pool *pool;
    job arg;
    cv_future *f;
    int rc;
    cv_result r;
    bool after;
} executor_user;

/* await loop.run_in_executor(None, blocking_io) */
static int executor_task(cv_task *t, void *arg)
{
    executor_user *u = arg;
    CV_CORO_BEGIN(t);
    u->f = cv_pool_submit(u->pool, "blocking", pool_call, &u->arg, NULL);
    CV_AWAIT_FUTURE(t, u->f);
    u->rc = cv_future_result(u->f, 0, &u->r);
    u->after = true;
    CV_RETURN(t, u->r.value);
    CV_CORO_END(t);
}

static void test_await_pool_future(void **unused)
{
    (void)unused;
    cv_pool *pool = cv_pool_create(NULL, 1, "worker");
    cv_loop *loop = cv_loop_create(NULL, 1);
    executor_user ok = {.pool = pool, .arg = {0.05, NULL}};
    executor_user bad = {.pool = pool, .arg = {-0.01, NULL}};
    ticker k = {0};
    cv_task *a = cv_task_create(loop, "ok", executor_task, &ok);
    cv_task *b = cv_task_create(loop, "bad", executor_task, &bad);
    cv_task_release(cv_task_create(loop, "ticker", ticker_step, &k));
    assert_int_equal(cv_loop_run(loop), CV_OK);
    /* The loop ran other tasks while the thread worked. */
    assert_true(k.woke > 0);
    cv_result r;
    assert_int_equal(cv_task_result(a, &r), CV_OK);
    assert_int_equal(r.value, 9);
    assert_int_equal(ok.rc, CV_OK);
    /* A failure in the thread is raised at the await. */
    assert_int_equal(cv_task_result(b, &r), CV_EFAILED);
    assert_int_equal(r.error, 404);
    assert_string_equal(r.message, "not found");
    assert_false(bad.after);
    cv_future_release(ok.f);
    cv_future_release(bad.f);
    cv_task_release(a);
    cv_task_release(b);

    /* Cancelling the awaiting task cancels a future still queued (the one
     * worker is busy with the first), and destroying the loop while the
     * first future's callback is still owed is safe. */
    atomic_bool gate;
    atomic_init(&gate, false);
    executor_user busy = {.pool = pool, .arg = {0, &gate}};
    executor_user queued = {.pool = pool, .arg = {0, NULL}};
    canceller c = {0};
    cv_task *bt = cv_task_create(loop, "busy", executor_task, &busy);
    c.targets[0] = cv_task_create(loop, "queued", executor_task, &queued);
    cv_task *ct = cv_task_create(loop, "canceller", canceller_step, &c);
    assert_int_equal(cv_loop_run_until_complete(loop, c.targets[0], NULL), CV_ECANCELLED);
    assert_true(cv_future_cancelled(queued.f));
    assert_false(cv_task_done(bt));
    cv_loop_destroy(loop);
    assert_true(cv_task_cancelled(bt));
    atomic_store(&gate, true);
    cv_pool_destroy(pool); /* waits for the busy call, whose callback frees */
    cv_future_release(busy.f);
    cv_future_release(queued.f);
    cv_task_release(bt);
    cv_task_release(c.targets[0]);
    cv_task_release(ct);
}

/* ---- the spinner, as in Fluent Python's spinner_async.py ---- */

typedef struct spin_state {
    const char *msg;
    int frames;
    bool blanked;
} spin_state;

static int spin(cv_task *t, void *arg)
{
    spin_state *s = arg;
    CV_CORO_BEGIN(t);
    for (;;) {
        s->frames++; /* print(f'\r{char} {msg}') */
        CV_TRY_AWAIT(t, CV_AWAIT_SLEEP(t, 0.01));
        if (CV_CANCELLED_AT_AWAIT(t))
            break;
    }
    s->blanked = true; /* print(f'\r{blanks}\r') */
    CV_CORO_END(t);
}

typedef struct supervisor_state {
    spin_state spin;
    cv_task *spinner, *slow;
} supervisor_state;

static int supervisor(cv_task *t, void *arg)
{
    supervisor_state *s = arg;
    CV_CORO_BEGIN(t);
    s->spinner = cv_task_create(cv_task_loop(t), "spin", spin, &s->spin);
    s->slow = cv_task_create(cv_task_loop(t), "slow", slow, NULL);
    CV_AWAIT_TASK(t, s->slow); /* result = await slow() */
    cv_task_cancel(s->spinner);
    cv_result r;
    cv_task_result(s->slow, &r);
    CV_RETURN(t, r.value);
    CV_CORO_END(t);
}

static void test_spinner(void **unused)
{
    (void)unused;
    cv_loop *loop = cv_loop_create(NULL, 1);
    supervisor_state s = {.spin.msg = "thinking!"};
    cv_task *sup = cv_task_create(loop, "supervisor", supervisor, &s);
    cv_result r;
    assert_int_equal(cv_loop_run_until_complete(loop, sup, &r), CV_OK);
    assert_int_equal(r.value, 42);
    /* The loop stops once the supervisor is done; the spinner may not
     * have seen its cancel yet (unless its timer fired in that same turn),
     * so let it finish. */
    assert_int_equal(cv_loop_run(loop), CV_OK);
    assert_true(s.spin.frames >= 1);
    assert_true(s.spin.blanked);
    assert_int_equal(cv_task_result(s.spinner, NULL), CV_OK); /* it caught it */
    cv_task_release(s.spinner);
    cv_task_release(s.slow);
    cv_task_release(sup);
    cv_loop_destroy(loop);
}

/* ---- events ---- */

static void test_events_in_log(void **unused)
{
    (void)unused;
    cv_log *log = cv_log_create();
    cv_bus *bus = cv_bus_create(log, 0);
    int lane = cv_bus_new_lane(bus);
    cv_loop *loop = cv_loop_create(bus, lane);
    id_state s = {7, 0.02};
    cv_task *t = cv_task_create(loop, "sleepy", sleeper, &s);
    uint64_t id = cv_task_id(t);
    assert_int_equal(cv_loop_run(loop), CV_OK);

    /* A second run whose only task awaits a pipe that is already readable:
     * with no timer, the poll's timeout must be "forever", whatever the
     * timing (under TSan the loop can be late for any timer). */
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], "x", 1), 1);
    reader r = {.fd = fds[0]};
    cv_task *rt = cv_task_create(loop, "reader", reader_step, &r);
    assert_int_equal(cv_loop_run(loop), CV_OK);
    cv_loop_destroy(loop);
    cv_bus_flush(bus);

    int states[16], n = 0, runs = 0, idles = 0, forever = 0;
    int prev_loop = -1;
    for (size_t i = 0; i < cv_log_count(log); i++) {
        const cv_event *ev = cv_log_at(log, i);
        if (ev->kind == CV_EV_LOOP) {
            assert_int_equal(ev->lane, lane);
            /* Each poll that may block is followed by RUNNING again. */
            if (prev_loop == CV_LOOP_POLLING)
                assert_int_equal(ev->state, CV_LOOP_RUNNING);
            if (prev_loop == -1 || prev_loop == CV_LOOP_IDLE) {
                assert_int_equal(ev->state, CV_LOOP_RUNNING);
                runs++;
            }
            idles += ev->state == CV_LOOP_IDLE;
            forever += ev->state == CV_LOOP_POLLING && ev->ref == UINT64_MAX;
            prev_loop = ev->state;
        }
        if (ev->kind == CV_EV_TASK && ev->id == cv_task_id(rt) && ev->state == CV_TASK_SUSPENDED) {
            char want[32];
            snprintf(want, sizeof want, "I/O fd %d", fds[0]);
            assert_string_equal(ev->text, want);
        }
        if (ev->kind != CV_EV_TASK || ev->id != id)
            continue;
        assert_int_equal(ev->lane, lane);
        if (ev->state == CV_TASK_CREATED)
            assert_string_equal(ev->text, "sleepy");
        if (ev->state == CV_TASK_SUSPENDED)
            assert_string_equal(ev->text, "sleep 0.02s");
        if (n < 16)
            states[n++] = ev->state;
    }
    int want[] = {CV_TASK_CREATED, CV_TASK_RUNNING, CV_TASK_SUSPENDED,
                  CV_TASK_SCHEDULED, CV_TASK_RUNNING, CV_TASK_DONE};
    assert_int_equal(n, 6);
    for (int i = 0; i < 6; i++)
        assert_int_equal(states[i], want[i]);
    assert_int_equal(runs, 2);
    assert_int_equal(idles, 2);
    assert_int_equal(prev_loop, CV_LOOP_IDLE);
    assert_int_equal(forever, 1);

    cv_task_release(t);
    cv_task_release(rt);
    cv_bus_destroy(bus);
    cv_log_destroy(log);
    close(fds[0]);
    close(fds[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ready_fifo_and_zero_sleep_yields),
        cmocka_unit_test(test_zero_sleep_lets_timers_in),
        cmocka_unit_test(test_timer_order),
        cmocka_unit_test(test_timer_heap_order),
        cmocka_unit_test(test_cancel_at_await),
        cmocka_unit_test(test_await_task_result),
        cmocka_unit_test(test_failure_carried_to_awaiter),
        cmocka_unit_test(test_cancel_reaches_awaited_task),
        cmocka_unit_test(test_reraise_and_await_cycle),
        cmocka_unit_test(test_blocking_call_freezes_loop),
        cmocka_unit_test(test_semaphore_limits_concurrency),
        cmocka_unit_test(test_semaphore_cancelled_waiters),
        cmocka_unit_test(test_fd_readiness_wakes_task),
        cmocka_unit_test(test_watcher_and_threadsafe_call),
        cmocka_unit_test(test_stop_from_thread_and_destroy_live),
        cmocka_unit_test(test_await_pool_future),
        cmocka_unit_test(test_spinner),
        cmocka_unit_test(test_events_in_log),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
