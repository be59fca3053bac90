/*
 * CPython's own tests of the event loop and the semaphore, ported: every
 * case of Lib/test/test_asyncio/test_events.py, test_base_events.py and
 * test_locks.py (SemaphoreTests) that has a counterpart in concviz.  Each
 * test names the CPython test it ports; what was left out, and why, is in
 * the README's table.
 *
 * A Python callback becomes a C function recording what happened with
 * note(); a coroutine becomes a step function with its frame in a struct.
 * CPython's loop.stop() is cv_loop_stop(), run_forever() is cv_loop_run()
 * (which also returns when nothing is left to do), call_soon is
 * cv_loop_call_soon, call_later/call_at are cv_timers, add_reader and
 * add_writer are cv_io watchers.  Timing bounds are loose: the suite also
 * runs under TSan on two slow cores; most tests check order, not time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bus.h"
#include "coro.h"
#include "log.h"
#include "loop.h"
#include "loopsem.h"
#include "task.h"
#include "seen.h"


static void sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* A callback that records its tag; tags are small ints packed in the
 * pointer, as Python passes an argument. */
static void note_cb(void *arg)
{
    note((int)(intptr_t)arg);
}

#define TAG(n) ((void *)(intptr_t)(n))

/* ---- test_events.py: EventLoopTestsMixin ---- */

/* The loop a callback should stop, and the tag it records first. */
typedef struct stopper {
    cv_loop *loop;
    int tag;
    int stop_after; /* stop once this many events were noted */
} stopper;

static void note_and_maybe_stop(void *arg)
{
    stopper *s = arg;
    note(s->tag);
    if (nseen >= s->stop_after)
        cv_loop_stop(s->loop);
}

/* run_forever() returns only when stopped, where cv_loop_run() also
 * returns when nothing is left to do: a timer five seconds away stands for
 * "forever", and notes LATE if the loop was not stopped before it. */
enum { LATE = 99 };

static void start_sentinel(cv_loop *loop, cv_timer *t)
{
    cv_timer_init(loop, t, note_cb, TAG(LATE));
    cv_timer_start(t, 5.0);
}

/* Ports test_events.py EventLoopTestsMixin.test_call_soon. */
static void test_call_soon(void **unused)
{
    (void)unused;
    reset();
    cv_loop *loop = cv_loop_create(NULL, 1);
    cv_timer forever;
    start_sentinel(loop, &forever);
    stopper s = {loop, 1, 1};
    assert_int_equal(cv_loop_call_soon(loop, note_and_maybe_stop, &s), CV_OK);
    assert_int_equal(cv_loop_run(loop), CV_OK);
    expect_seen((int[]){1}, 1);
    cv_timer_stop(&forever);
    cv_loop_destroy(loop);
}

typedef struct threadsafe_poster {
    cv_loop *loop;
    stopper *hello;
    sem_t posted; /* the Python test's lock, released by the thread */
} threadsafe_poster;

static void *post_hello(void *arg)
{
    threadsafe_poster *p = arg;
    cv_loop_call_soon_threadsafe(p->loop, note_and_maybe_stop, p->hello);
    sem_post(&p->posted);
    return NULL;
}

/* Ports test_events.py EventLoopTestsMixin.test_call_soon_threadsafe: a
 * call another thread made before the loop thread's call_soon runs first. */
static void test_call_soon_threadsafe(void **unused)
{
    (void)unused;
    reset();
    cv_loop *loop = cv_loop_create(NULL, 1);
    stopper hello = {loop, 1, 2}, world = {loop, 2, 2};
    threadsafe_poster p = {.loop = loop, .hello = &hello};
    cv_timer forever;
    start_sentinel(loop, &forever);
    sem_init(&p.posted, 0, 0);
    pthread_t th;
    pthread_create(&th, NULL, post_hello, &p);
    while (sem_wait(&p.posted) != 0)
        ;
    assert_int_equal(cv_loop_call_soon(loop, note_and_maybe_stop, &world), CV_OK);
    assert_int_equal(cv_loop_run(loop), CV_OK);
    pthread_join(th, NULL);
    expect_seen((int[]){1, 2}, 2);
    cv_timer_stop(&forever);
    sem_destroy(&p.posted);
    cv_loop_destroy(loop);
}

/* Ports test_events.py EventLoopTestsMixin.test_call_soon_threadsafe_same_thread. */
static void test_call_soon_threadsafe_same_thread(void **unused)
{
    (void)unused;
    reset();
    cv_loop *loop = cv_loop_create(NULL, 1);
    cv_timer forever;
    start_sentinel(loop, &forever);
    stopper hello = {loop, 1, 2}, world = {loop, 2, 2};
    assert_int_equal(cv_loop_call_soon_threadsafe(loop, note_and_maybe_stop, &hello), CV_OK);
    assert_int_equal(cv_loop_call_soon(loop, note_and_maybe_stop, &world), CV_OK);
    assert_int_equal(cv_loop_run(loop), CV_OK);
    expect_seen((int[]){1, 2}, 2);
    cv_timer_stop(&forever);
    cv_loop_destroy(loop);
}

/* Ports test_events.py EventLoopTestsMixin.test_call_later. */
static void test_call_later(void **unused)
{
    (void)unused;
    reset();
    cv_loop *loop = cv_loop_create(NULL, 1);
    cv_timer forever;
    start_sentinel(loop, &forever);
    stopper s = {loop, 1, 1};
    cv_timer t;
    cv_timer_init(loop, &t, note_and_maybe_stop, &s);
    double t0 = cv_loop_time(loop);
    cv_timer_start(&t, 0.1);
    assert_int_equal(cv_loop_run(loop), CV_OK);
    expect_seen((int[]){1}, 1);
    cv_timer_stop(&forever);
    assert_true(cv_loop_time(loop) - t0 >= 0.099);
    cv_loop_destroy(loop);
}

typedef struct sleepy {
    double seconds;
} sleepy;

/* asyncio.sleep(seconds) as a task of its own. */
static int sleep_step(cv_task *t, void *arg)
{
    sleepy *s = arg;
    CV_CORO_BEGIN(t);
    CV_AWAIT_SLEEP(t, s->seconds);
    CV_CORO_END(t);
}

/* Ports test_events.py EventLoopTestsMixin.test_run_until_complete. */
static void test_run_until_complete(void **unused)
{
    (void)unused;
    cv_loop *loop = cv_loop_create(NULL, 1);
    sleepy s = {0.1};
    double t0 = cv_loop_time(loop);
    cv_task *t = cv_task_create(loop, "sleep", sleep_step, &s);
    assert_int_equal(cv_loop_run_until_complete(loop, t, NULL), CV_OK);
    double dt = cv_loop_time(loop) - t0;
    /* CPython allows 0.08 to 0.8; a loaded TSan run may take longer. */
    assert_true(dt >= 0.08);
    assert_true(dt <= 10.0);
    cv_task_release(t);
    cv_loop_destroy(loop);
}

/* async def cb(): loop.stop(); await asyncio.sleep(0.1) */
static int stop_then_sleep(cv_task *t, void *arg)
{
    (void)arg;
    CV_CORO_BEGIN(t);
    cv_loop_stop(cv_task_loop(t));
    CV_AWAIT_SLEEP(t, 0.1);
    CV_CORO_END(t);
}

/* Ports test_events.py EventLoopTestsMixin.test_run_until_complete_stopped:
 * the loop stopped before the task was done (CPython: RuntimeError). */
static void test_run_until_complete_stopped(void **unused)
{
    (void)unused;
    cv_loop *loop = cv_loop_create(NULL, 1);
    cv_task *t = cv_task_create(loop, "cb", stop_then_sleep, NULL);
    assert_int_equal(cv_loop_run_until_complete(loop, t, NULL), CV_EINVAL);
    assert_false(cv_task_done(t));
    cv_loop_destroy(loop);
    cv_task_release(t);
}

typedef struct nester {
    cv_task *inner;
    int rc;
    bool inner_done; /* when the nested call returned */
} nester;

/* async def coro2(): loop.run_until_complete(coro1()) */
static int nest_step(cv_task *t, void *arg)
{
    nester *n = arg;
    CV_CORO_BEGIN(t);
    n->rc = cv_loop_run_until_complete(cv_task_loop(t), n->inner, NULL);
    n->inner_done = cv_task_done(n->inner);
    CV_CORO_END(t);
}

/* Ports test_events.py EventLoopTestsMixin.test_run_until_complete_nesting:
 * a running loop cannot be run again from inside (CPython: RuntimeError). */
static void test_run_until_complete_nesting(void **unused)
{
    (void)unused;
    cv_loop *loop = cv_loop_create(NULL, 1);
    sleepy s = {0};
    nester n = {.rc = 1};
    n.inner = cv_task_create(loop, "coro1", sleep_step, &s);
    cv_task *outer = cv_task_create(loop, "coro2", nest_step, &n);
    assert_int_equal(cv_loop_run_until_complete(loop, outer, NULL), CV_OK);
    assert_int_equal(n.rc, CV_EINVAL);
    assert_false(n.inner_done); /* the nested call ran nothing */
    cv_task_release(outer);
    cv_task_release(n.inner);
    cv_loop_destroy(loop);
}

/* The reader of test_reader_callback: reads what is there, stops the loop
 * once `want` bytes came (run_until), and stops watching at end of file. */
typedef struct byte_reader {
    cv_loop *loop;
    cv_io io;
    char got[16];
    size_t n, want;
    bool eof;
} byte_reader;

static void reader_cb(cv_io *io, int revents, void *arg)
{
    byte_reader *r = arg;
    (void)revents;
    ssize_t k = recv(cv_io_fd(io), r->got + r->n, sizeof r->got - r->n, MSG_DONTWAIT);
    if (k < 0)
        return; /* spurious readiness, as the Python test allows */
    if (k == 0) {
        assert_true(cv_io_active(io));
        cv_io_stop(io);
        r->eof = true;
        return;
    }
    r->n += (size_t)k;
    if (r->n >= r->want)
        cv_loop_stop(r->loop);
}

typedef struct sender {
    int fd;
    const char *text;
} sender;

static void send_cb(void *arg)
{
    sender *s = arg;
    if (s->text == NULL) {
        close(s->fd);
        return;
    }
    ssize_t k = send(s->fd, s->text, strlen(s->text), 0);
    assert_int_equal(k, (ssize_t)strlen(s->text));
}

/* Ports test_events.py EventLoopTestsMixin.test_reader_callback. */
static void test_reader_callback(void **unused)
{
    (void)unused;
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    cv_loop *loop = cv_loop_create(NULL, 1);
    byte_reader r = {.loop = loop, .want = 3};
    cv_io_init(loop, &r.io, sv[0], reader_cb, &r);
    cv_io_start(&r.io, CV_IO_READ);
    sender abc = {sv[1], "abc"}, def = {sv[1], "def"}, eof = {sv[1], NULL};
    cv_loop_call_soon(loop, send_cb, &abc);
    assert_int_equal(cv_loop_run(loop), CV_OK);
    assert_int_equal(r.n, 3);
    r.want = 6;
    cv_loop_call_soon(loop, send_cb, &def);
    assert_int_equal(cv_loop_run(loop), CV_OK);
    assert_int_equal(r.n, 6);
    cv_loop_call_soon(loop, send_cb, &eof);
    /* The loop returns once the reader stopped watching at end of file. */
    assert_int_equal(cv_loop_run(loop), CV_OK);
    assert_true(r.eof);
    assert_memory_equal(r.got, "abcdef", 6);
    cv_loop_destroy(loop);
    close(sv[0]);
}

typedef struct byte_writer {
    cv_loop *loop;
    char data[1024];
    int calls;
} byte_writer;

static void writer_cb(cv_io *io, int revents, void *arg)
{
    byte_writer *w = arg;
    assert_true(revents & CV_IO_WRITE);
    w->calls++;
    ssize_t k = send(cv_io_fd(io), w->data, sizeof w->data, MSG_DONTWAIT);
    assert_int_equal(k, (ssize_t)sizeof w->data);
    cv_loop_stop(w->loop);
}

/* Ports test_events.py EventLoopTestsMixin.test_writer_callback
 * (remove_writer's True then False is cv_io_active before and after). */
static void test_writer_callback(void **unused)
{
    (void)unused;
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    cv_loop *loop = cv_loop_create(NULL, 1);
    byte_writer w = {.loop = loop};
    memset(w.data, 'x', sizeof w.data);
    cv_io io;
    cv_io_init(loop, &io, sv[1], writer_cb, &w);
    cv_io_start(&io, CV_IO_WRITE);
    assert_int_equal(cv_loop_run(loop), CV_OK);
    assert_int_equal(w.calls, 1);
    assert_true(cv_io_active(&io));
    cv_io_stop(&io);
    assert_false(cv_io_active(&io));
    close(sv[1]);
    char buf[2048];
    size_t got = 0;
    ssize_t k;
    while ((k = recv(sv[0], buf + got, sizeof buf - got, 0)) > 0)
        got += (size_t)k;
    assert_int_equal(got, sizeof w.data);
    assert_memory_equal(buf, w.data, sizeof w.data);
    cv_loop_destroy(loop);
    close(sv[0]);
}

/* Ports test_events.py HandleTests.test_handle: a cancelled handle is off
 * the ready queue and does not run (cv_handle has no cancelled() flag; the
 * loop having nothing left to do says the same). */
static void test_handle(void **unused)
{
    (void)unused;
    reset();
    cv_loop *loop = cv_loop_create(NULL, 1);
    cv_handle h;
    cv_handle_init(loop, &h, note_cb, TAG(1));
    cv_handle_schedule(&h);
    assert_true(cv_loop_alive(loop));
    cv_handle_cancel(&h);
    assert_false(cv_loop_alive(loop));
    assert_int_equal(cv_loop_run(loop), CV_OK);
    expect_seen(NULL, 0);
    cv_loop_destroy(loop);
}

/* ---- test_base_events.py: BaseEventLoopTests ---- */

/* Ports test_base_events.py BaseEventLoopTests.test_call_soon and
 * test_call_later: a call_soon callback runs on the next turn, a timer ten
 * seconds away is scheduled but not ready (one turn = a pre-stopped run). */
static void test_call_soon_and_call_later_queue(void **unused)
{
    (void)unused;
    reset();
    cv_loop *loop = cv_loop_create(NULL, 1);
    cv_timer later;
    cv_timer_init(loop, &later, note_cb, TAG(2));
    cv_timer_start(&later, 10.0);
    assert_true(cv_timer_active(&later));
    assert_int_equal(cv_loop_call_soon(loop, note_cb, TAG(1)), CV_OK);
    cv_loop_stop(loop);
    assert_int_equal(cv_loop_run(loop), CV_OK);
    expect_seen((int[]){1}, 1);
    assert_true(cv_timer_active(&later));
    cv_timer_stop(&later);
    cv_loop_destroy(loop);
}

/* Ports test_base_events.py BaseEventLoopTests.test_run_until_complete_loop:
 * a task of another loop is refused (CPython: ValueError) without running
 * either loop. */
static void test_run_until_complete_loop(void **unused)
{
    (void)unused;
    reset();
    cv_loop *loop = cv_loop_create(NULL, 1);
    cv_loop *other = cv_loop_create(NULL, 2);
    sleepy s = {0};
    cv_task *t = cv_task_create(loop, "task", sleep_step, &s);
    cv_loop_call_soon(other, note_cb, TAG(1));
    assert_int_equal(cv_loop_run_until_complete(other, t, NULL), CV_EINVAL);
    assert_false(cv_task_done(t));
    expect_seen(NULL, 0);
    assert_int_equal(cv_loop_run(other), CV_OK);
    expect_seen((int[]){1}, 1);
    assert_int_equal(cv_loop_run_until_complete(loop, t, NULL), CV_OK);
    cv_task_release(t);
    cv_loop_destroy(other);
    cv_loop_destroy(loop);
}

/* Ports test_base_events.py BaseEventLoopTests.test_call_later_negative_delays:
 * a negative delay is a deadline in the past, so -2 fires before -1. */
static void test_call_later_negative_delays(void **unused)
{
    (void)unused;
    reset();
    cv_loop *loop = cv_loop_create(NULL, 1);
    cv_timer a, b, c;
    cv_timer_init(loop, &a, note_cb, TAG('a'));
    cv_timer_init(loop, &b, note_cb, TAG('b'));
    cv_timer_init(loop, &c, note_cb, TAG('c'));
    cv_timer_start(&a, -1);
    cv_timer_start(&b, -2);
    cv_timer_start(&c, 0); /* and 0 is later than both */
    assert_int_equal(cv_loop_run(loop), CV_OK);
    expect_seen((int[]){'b', 'a', 'c'}, 3);
    cv_loop_destroy(loop);
}

static void stop_cb(void *loop)
{
    cv_loop_stop(loop);
}

/* Ports test_base_events.py BaseEventLoopTests.test_time_and_call_at. */
static void test_time_and_call_at(void **unused)
{
    (void)unused;
    cv_loop *loop = cv_loop_create(NULL, 1);
    double delay = 0.1;
    double when = cv_loop_time(loop) + delay;
    cv_timer t;
    cv_timer_init(loop, &t, stop_cb, loop);
    cv_timer_start_at(&t, when);
    double t0 = cv_loop_time(loop);
    assert_int_equal(cv_loop_run(loop), CV_OK);
    double dt = cv_loop_time(loop) - t0;
    assert_true(dt >= delay - 0.001);
    assert_true(cv_loop_time(loop) >= when);
    cv_loop_destroy(loop);
}

/* Ports test_base_events.py BaseEventLoopTests.test_run_once: the idiom
 * loop.call_soon(loop.stop); loop.run_forever() runs one turn. */
static void test_run_once(void **unused)
{
    (void)unused;
    reset();
    cv_loop *loop = cv_loop_create(NULL, 1);
    cv_timer forever;
    start_sentinel(loop, &forever);
    cv_loop_call_soon(loop, note_cb, TAG(1));
    cv_loop_call_soon(loop, stop_cb, loop);
    assert_int_equal(cv_loop_run(loop), CV_OK);
    expect_seen((int[]){1}, 1);
    cv_timer_stop(&forever);
    cv_loop_destroy(loop);
}

/* A callback that schedules another (which must wait for the next turn). */
static void note_and_chain(void *arg)
{
    cv_handle *next = arg;
    note(1);
    cv_handle_schedule(next);
}

/* Ports test_base_events.py BaseEventLoopTests.test_run_forever_pre_stopped:
 * stop() before run_forever() still runs one turn, with a poll that does
 * not block (CPython: select called once, with timeout 0). */
static void test_run_forever_pre_stopped(void **unused)
{
    (void)unused;
    reset();
    cv_log *log = cv_log_create();
    cv_bus *bus = cv_bus_create(log, 0);
    int lane = cv_bus_new_lane(bus);
    cv_loop *loop = cv_loop_create(bus, lane);
    cv_handle second;
    cv_handle_init(loop, &second, note_cb, TAG(2));
    cv_loop_call_soon(loop, note_and_chain, &second);
    cv_timer far;
    cv_timer_init(loop, &far, note_cb, TAG(3));
    cv_timer_start(&far, 60.0);
    cv_loop_stop(loop);
    double t0 = cv_loop_time(loop);
    assert_int_equal(cv_loop_run(loop), CV_OK);
    assert_true(cv_loop_time(loop) - t0 < 30.0);
    /* One turn: the first callback ran, the one it queued did not. */
    expect_seen((int[]){1}, 1);
    /* The stop was used up: the next run carries on. */
    cv_timer_stop(&far);
    assert_int_equal(cv_loop_run(loop), CV_OK);
    expect_seen((int[]){1, 2}, 2);
    cv_loop_destroy(loop);
    cv_bus_flush(bus);
    for (size_t i = 0; i < cv_log_count(log); i++) {
        const cv_event *ev = cv_log_at(log, i);
        assert_false(ev->kind == CV_EV_LOOP && ev->state == CV_LOOP_POLLING);
    }
    cv_bus_destroy(bus);
    cv_log_destroy(log);
}

static void *stop_soon(void *loop)
{
    sleep_s(0.02);
    cv_loop_stop(loop);
    return NULL;
}

/* Ports test_base_events.py BaseEventLoopTests.test__run_once: the poll
 * waits for the nearest timer that is still started (a cancelled one at
 * 5 s does not count), and the timer stays scheduled. */
static void test__run_once(void **unused)
{
    (void)unused;
    cv_log *log = cv_log_create();
    cv_bus *bus = cv_bus_create(log, 0);
    int lane = cv_bus_new_lane(bus);
    cv_loop *loop = cv_loop_create(bus, lane);
    cv_timer h1, h2;
    cv_timer_init(loop, &h1, note_cb, TAG(1));
    cv_timer_init(loop, &h2, note_cb, TAG(2));
    cv_timer_start(&h1, 5.0);
    cv_timer_start(&h2, 10.0);
    cv_timer_stop(&h1);
    pthread_t th;
    pthread_create(&th, NULL, stop_soon, loop);
    assert_int_equal(cv_loop_run(loop), CV_OK);
    pthread_join(th, NULL);
    assert_false(cv_timer_active(&h1));
    assert_true(cv_timer_active(&h2));
    cv_timer_stop(&h2);
    cv_loop_destroy(loop);
    cv_bus_flush(bus);
    uint64_t timeout_us = 0;
    for (size_t i = 0; i < cv_log_count(log) && timeout_us == 0; i++) {
        const cv_event *ev = cv_log_at(log, i);
        if (ev->kind == CV_EV_LOOP && ev->state == CV_LOOP_POLLING)
            timeout_us = ev->ref;
    }
    assert_true(timeout_us > 9500000 && timeout_us < 10500000);
    cv_bus_destroy(bus);
    cv_log_destroy(log);
}

typedef struct chainer {
    cv_handle handle;
    bool processed;
} chainer;

static void timer_schedules_handle(void *arg)
{
    chainer *c = arg;
    c->processed = true;
    cv_handle_schedule(&c->handle);
}

/* Ports test_base_events.py BaseEventLoopTests.test__run_once_schedule_handle:
 * an expired timer runs in the turn, and what it schedules waits for the
 * next one (one turn = a pre-stopped run). */
static void test__run_once_schedule_handle(void **unused)
{
    (void)unused;
    reset();
    cv_loop *loop = cv_loop_create(NULL, 1);
    chainer c = {.processed = false};
    cv_handle_init(loop, &c.handle, note_cb, TAG(1));
    cv_timer t;
    cv_timer_init(loop, &t, timer_schedules_handle, &c);
    cv_timer_start(&t, -1);
    cv_loop_stop(loop);
    assert_int_equal(cv_loop_run(loop), CV_OK);
    assert_true(c.processed);
    expect_seen(NULL, 0);
    assert_true(cv_loop_alive(loop)); /* the handle is on the ready queue */
    cv_handle_cancel(&c.handle);
    cv_loop_destroy(loop);
}

static int failing_step(cv_task *t, void *arg)
{
    (void)arg;
    CV_CORO_BEGIN(t);
    CV_FAIL(t, 7, "KeyboardInterrupt");
    CV_CORO_END(t);
}

typedef struct chain_stop {
    cv_loop *loop;
    bool called;
} chain_stop;

static void func_stop(void *arg)
{
    chain_stop *c = arg;
    cv_loop_stop(c->loop);
    c->called = true;
}

static void call_soon_func(void *arg)
{
    chain_stop *c = arg;
    cv_loop_call_soon(c->loop, func_stop, c);
}

/* Ports test_base_events.py BaseEventLoopTests.test_run_until_complete_baseexception:
 * run_until_complete of a failing task leaves no stop pending, so the next
 * run goes on until its own stop. */
static void test_run_until_complete_baseexception(void **unused)
{
    (void)unused;
    cv_loop *loop = cv_loop_create(NULL, 1);
    cv_task *t = cv_task_create(loop, "raise", failing_step, NULL);
    cv_result r;
    assert_int_equal(cv_loop_run_until_complete(loop, t, &r), CV_EFAILED);
    assert_int_equal(r.error, 7);
    chain_stop c = {loop, false};
    cv_loop_call_soon(loop, call_soon_func, &c);
    cv_loop_ref(loop); /* run_forever: only the stop ends it */
    assert_int_equal(cv_loop_run(loop), CV_OK);
    cv_loop_unref(loop);
    assert_true(c.called);
    cv_task_release(t);
    cv_loop_destroy(loop);
}

typedef struct selector_event {
    cv_loop *loop;
    cv_io io;
    cv_handle clear;
    int callcount;
} selector_event;

static void clear_selector(void *arg)
{
    selector_event *s = arg;
    cv_io_stop(&s->io);
}

static void do_event(cv_io *io, int revents, void *arg)
{
    (void)io;
    (void)revents;
    selector_event *s = arg;
    s->callcount++;
    cv_handle_schedule(&s->clear);
}

/* Ports test_base_events.py BaseEventLoopTests.test_single_selecter_event_callback_after_stopping:
 * an I/O callback queued in a turn after which the loop stopped runs once;
 * the callback that cancels it on the next run comes first. */
static void test_single_selecter_event_callback_after_stopping(void **unused)
{
    (void)unused;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], "x", 1), 1); /* readable for good */
    cv_loop *loop = cv_loop_create(NULL, 1);
    selector_event s = {.loop = loop};
    cv_io_init(loop, &s.io, fds[0], do_event, &s);
    cv_handle_init(loop, &s.clear, clear_selector, &s);
    cv_io_start(&s.io, CV_IO_READ);
    for (int i = 1; i <= 2; i++) {
        cv_loop_call_soon(loop, stop_cb, loop);
        assert_int_equal(cv_loop_run(loop), CV_OK);
        assert_int_equal(s.callcount, 1);
    }
    cv_loop_destroy(loop);
    close(fds[0]);
    close(fds[1]);
}

typedef struct parent {
    int child_steps;
} parent;

static int child_step(cv_task *t, void *arg)
{
    parent *p = arg;
    CV_CORO_BEGIN(t);
    p->child_steps++;
    CV_YIELD(t);
    p->child_steps++;
    CV_CORO_END(t);
}

/* async def main(): asyncio.create_task(child()) -- and returns at once. */
static int parent_step(cv_task *t, void *arg)
{
    CV_CORO_BEGIN(t);
    cv_task_release(cv_task_create(cv_task_loop(t), "child", child_step, arg));
    CV_CORO_END(t);
}

/* Ports BaseEventLoop.run_until_complete's ending (base_events.py
 * _run_until_complete_cb, as test_base_events.py's run_until_complete
 * cases rely on): the done callback that stops the loop runs on the turn
 * after the task finished, so a task it created last gets its first step
 * and no more; a task already done still runs one turn. */
static void test_run_until_complete_stops_next_turn(void **unused)
{
    (void)unused;
    reset();
    cv_loop *loop = cv_loop_create(NULL, 1);
    parent p = {0};
    cv_task *main_task = cv_task_create(loop, "main", parent_step, &p);
    assert_int_equal(cv_loop_run_until_complete(loop, main_task, NULL), CV_OK);
    assert_int_equal(p.child_steps, 1);
    /* Done already: one turn, in which the child takes its second step
     * and a callback runs, but not the one that callback queues. */
    cv_handle second;
    cv_handle_init(loop, &second, note_cb, TAG(2));
    cv_loop_call_soon(loop, note_and_chain, &second);
    assert_int_equal(cv_loop_run_until_complete(loop, main_task, NULL), CV_OK);
    assert_int_equal(p.child_steps, 2);
    expect_seen((int[]){1}, 1);
    cv_handle_cancel(&second);
    cv_task_release(main_task);
    cv_loop_destroy(loop);
}

/* ---- test_locks.py: SemaphoreTests ---- */

/* Runs a test's main coroutine to its end on a fresh loop. */
static void run_main(cv_task_fn step, void *state)
{
    cv_loop *loop = cv_loop_create(NULL, 1);
    cv_task *t = cv_task_create(loop, "main", step, state);
    assert_int_equal(cv_loop_run_until_complete(loop, t, NULL), CV_OK);
    cv_task_release(t);
    cv_loop_destroy(loop);
}

/* async def c(result): await sem.acquire(); result.append(tag) */
typedef struct acq {
    cv_loop_sem *sem;
    int tag; /* 0: a bare sem.acquire(), nothing noted */
} acq;

static int acquirer(cv_task *t, void *arg)
{
    acq *a = arg;
    CV_CORO_BEGIN(t);
    CV_AWAIT_SEM(t, a->sem);
    if (a->tag != 0)
        note(a->tag);
    CV_CORO_END(t);
}

/* The frame the semaphore tests' main coroutines share. */
typedef struct sem_main {
    cv_loop_sem *sem;
    acq a[4];
    cv_task *t[4];
    int n; /* tasks created */
    int i;
} sem_main;

static void spawn(cv_task *t, sem_main *m, cv_task_fn step, int tag)
{
    m->a[m->n] = (acq){m->sem, tag};
    m->t[m->n] = cv_task_create(cv_task_loop(t), "c", step, &m->a[m->n]);
    m->n++;
}

static void sem_main_end(sem_main *m)
{
    for (int i = 0; i < m->n; i++)
        cv_task_release(m->t[i]);
    cv_loop_sem_destroy(m->sem);
}

/* Ports test_locks.py SemaphoreTests.test_initial_value_zero,
 * test_semaphore_value and test_semaphore (the value and locked() parts;
 * awaiting the semaphore itself is a C type error). */
static void test_semaphore_initial_value(void **unused)
{
    (void)unused;
    cv_loop_sem *zero = cv_loop_sem_create(0);
    assert_true(cv_loop_sem_locked(zero));
    cv_loop_sem_destroy(zero);
    assert_null(cv_loop_sem_create(-1));
    cv_loop_sem *one = cv_loop_sem_create(1);
    assert_int_equal(cv_loop_sem_value(one), 1);
    assert_false(cv_loop_sem_locked(one));
    cv_loop_sem_destroy(one);
}

static int acquire_main(cv_task *t, void *arg)
{
    sem_main *m = arg;
    CV_CORO_BEGIN(t);
    CV_AWAIT_SEM(t, m->sem);
    CV_AWAIT_SEM(t, m->sem);
    assert_false(cv_loop_sem_locked(m->sem));
    for (int i = 1; i <= 3; i++)
        spawn(t, m, acquirer, i);
    CV_YIELD(t);
    expect_seen((int[]){1}, 1);
    assert_true(cv_loop_sem_locked(m->sem));
    assert_int_equal(cv_loop_sem_value(m->sem), 0);
    spawn(t, m, acquirer, 4);
    cv_loop_sem_release(m->sem);
    cv_loop_sem_release(m->sem);
    assert_int_equal(cv_loop_sem_value(m->sem), 0);
    CV_YIELD(t);
    assert_int_equal(cv_loop_sem_value(m->sem), 0);
    assert_int_equal(nseen, 3);
    assert_true(cv_loop_sem_locked(m->sem));
    assert_int_equal(cv_task_result(m->t[0], NULL), CV_OK);
    /* CPython: two of t2, t3, t4 are done.  Which two is fixed: t4 was
     * created after t2 and t3 were queued, so it queues behind them. */
    assert_true(cv_task_done(m->t[1]));
    assert_true(cv_task_done(m->t[2]));
    assert_false(cv_task_done(m->t[3]));
    cv_loop_sem_release(m->sem);
    for (m->i = 1; m->i < 4; m->i++)
        CV_AWAIT_TASK(t, m->t[m->i]);
    expect_seen((int[]){1, 2, 3, 4}, 4);
    CV_CORO_END(t);
}

/* Ports test_locks.py SemaphoreTests.test_acquire. */
static void test_sem_acquire(void **unused)
{
    (void)unused;
    reset();
    sem_main m = {.sem = cv_loop_sem_create(3)};
    run_main(acquire_main, &m);
    sem_main_end(&m);
}

static void cancel_cb(void *task)
{
    cv_task_cancel(task);
}

static int acquire_cancel_main(cv_task *t, void *arg)
{
    sem_main *m = arg;
    CV_CORO_BEGIN(t);
    CV_AWAIT_SEM(t, m->sem);
    spawn(t, m, acquirer, 0);
    cv_loop_call_soon(cv_task_loop(t), cancel_cb, m->t[0]);
    CV_TRY_AWAIT(t, CV_AWAIT_TASK(t, m->t[0]));
    assert_true(CV_CANCELLED_AT_AWAIT(t));
    assert_true(cv_task_cancelled(m->t[0]));
    /* No waiter is left that could take the permit. */
    cv_loop_sem_release(m->sem);
    assert_int_equal(cv_loop_sem_value(m->sem), 1);
    assert_false(cv_loop_sem_locked(m->sem));
    CV_CORO_END(t);
}

/* Ports test_locks.py SemaphoreTests.test_acquire_cancel. */
static void test_sem_acquire_cancel(void **unused)
{
    (void)unused;
    sem_main m = {.sem = cv_loop_sem_create(1)};
    run_main(acquire_cancel_main, &m);
    sem_main_end(&m);
}

static int cancel_before_awoken_main(cv_task *t, void *arg)
{
    sem_main *m = arg;
    CV_CORO_BEGIN(t);
    for (int i = 1; i <= 4; i++)
        spawn(t, m, acquirer, i);
    CV_YIELD(t);
    cv_task_cancel(m->t[0]);
    cv_task_cancel(m->t[1]);
    cv_loop_sem_release(m->sem);
    CV_YIELD(t);
    CV_YIELD(t);
    assert_true(cv_task_done(m->t[2]));
    assert_false(cv_task_done(m->t[3]));
    expect_seen((int[]){3}, 1);
    cv_task_cancel(m->t[2]);
    cv_task_cancel(m->t[3]);
    CV_YIELD(t);
    assert_true(cv_task_cancelled(m->t[3]));
    assert_int_equal(cv_task_result(m->t[2], NULL), CV_OK);
    CV_CORO_END(t);
}

/* Ports test_locks.py SemaphoreTests.test_acquire_cancel_before_awoken. */
static void test_sem_acquire_cancel_before_awoken(void **unused)
{
    (void)unused;
    reset();
    sem_main m = {.sem = cv_loop_sem_create(0)};
    run_main(cancel_before_awoken_main, &m);
    sem_main_end(&m);
}

static int acquire_hang_main(cv_task *t, void *arg)
{
    sem_main *m = arg;
    CV_CORO_BEGIN(t);
    spawn(t, m, acquirer, 1);
    spawn(t, m, acquirer, 2);
    CV_YIELD(t);
    cv_task_cancel(m->t[0]);
    cv_loop_sem_release(m->sem);
    CV_YIELD(t);
    CV_YIELD(t);
    assert_true(cv_loop_sem_locked(m->sem));
    assert_true(cv_task_done(m->t[1]));
    assert_true(cv_task_cancelled(m->t[0]));
    CV_CORO_END(t);
}

/* Ports test_locks.py SemaphoreTests.test_acquire_hang. */
static void test_sem_acquire_hang(void **unused)
{
    (void)unused;
    reset();
    sem_main m = {.sem = cv_loop_sem_create(0)};
    run_main(acquire_hang_main, &m);
    expect_seen((int[]){2}, 1);
    sem_main_end(&m);
}

/* async def c1(): async with sem: await asyncio.sleep(0)
 *                 t2.cancel() */
typedef struct no_hang {
    cv_loop_sem *sem;
    cv_task *t1, *t2;
    bool c2_inside;
} no_hang;

static int no_hang_c1(cv_task *t, void *arg)
{
    no_hang *h = arg;
    CV_CORO_BEGIN(t);
    CV_AWAIT_SEM(t, h->sem);
    CV_YIELD(t);
    cv_loop_sem_release(h->sem);
    cv_task_cancel(h->t2);
    CV_CORO_END(t);
}

static int no_hang_c2(cv_task *t, void *arg)
{
    no_hang *h = arg;
    CV_CORO_BEGIN(t);
    CV_AWAIT_SEM(t, h->sem);
    h->c2_inside = true; /* self.assertFalse(True) */
    cv_loop_sem_release(h->sem);
    CV_CORO_END(t);
}

static int no_hang_main(cv_task *t, void *arg)
{
    no_hang *h = arg;
    CV_CORO_BEGIN(t);
    h->t1 = cv_task_create(cv_task_loop(t), "c1", no_hang_c1, h);
    h->t2 = cv_task_create(cv_task_loop(t), "c2", no_hang_c2, h);
    CV_TRY_AWAIT(t, CV_AWAIT_TASK(t, h->t1));
    assert_int_equal(CV_AWAIT_STATUS(t), CV_OK);
    CV_TRY_AWAIT(t, CV_AWAIT_TASK(t, h->t2));
    assert_true(CV_CANCELLED_AT_AWAIT(t));
    /* asyncio.wait_for(sem.acquire(), 1.0) must not time out: the permit
     * is free now, or the await below would never end. */
    assert_false(cv_loop_sem_locked(h->sem));
    CV_AWAIT_SEM(t, h->sem);
    assert_int_equal(cv_loop_sem_value(h->sem), 0);
    CV_CORO_END(t);
}

/* Ports test_locks.py SemaphoreTests.test_acquire_no_hang: a waiter
 * handed the permit and cancelled before it ran passes the permit back. */
static void test_sem_acquire_no_hang(void **unused)
{
    (void)unused;
    no_hang h = {.sem = cv_loop_sem_create(1)};
    run_main(no_hang_main, &h);
    assert_false(h.c2_inside);
    assert_true(cv_task_cancelled(h.t2));
    cv_task_release(h.t1);
    cv_task_release(h.t2);
    cv_loop_sem_destroy(h.sem);
}

static int release_no_waiters_main(cv_task *t, void *arg)
{
    sem_main *m = arg;
    CV_CORO_BEGIN(t);
    CV_AWAIT_SEM(t, m->sem);
    assert_true(cv_loop_sem_locked(m->sem));
    cv_loop_sem_release(m->sem);
    assert_false(cv_loop_sem_locked(m->sem));
    CV_CORO_END(t);
}

/* Ports test_locks.py SemaphoreTests.test_release_no_waiters. */
static void test_sem_release_no_waiters(void **unused)
{
    (void)unused;
    sem_main m = {.sem = cv_loop_sem_create(1)};
    run_main(release_no_waiters_main, &m);
    sem_main_end(&m);
}

/* async def coro(tag): twice: acquire, note, sleep(0.01), release */
static int fifo_coro(cv_task *t, void *arg)
{
    acq *a = arg;
    CV_CORO_BEGIN(t);
    CV_AWAIT_SEM(t, a->sem);
    note(a->tag * 10 + 1);
    CV_AWAIT_SLEEP(t, 0.01);
    cv_loop_sem_release(a->sem);
    CV_AWAIT_SEM(t, a->sem);
    note(a->tag * 10 + 2);
    CV_AWAIT_SLEEP(t, 0.01);
    cv_loop_sem_release(a->sem);
    CV_CORO_END(t);
}

static int fifo_main(cv_task *t, void *arg)
{
    sem_main *m = arg;
    CV_CORO_BEGIN(t);
    for (int i = 1; i <= 3; i++)
        spawn(t, m, fifo_coro, i);
    for (m->i = 0; m->i < 3; m->i++)
        CV_AWAIT_TASK(t, m->t[m->i]);
    CV_CORO_END(t);
}

/* Ports test_locks.py SemaphoreTests.test_acquire_fifo_order. */
static void test_sem_acquire_fifo_order(void **unused)
{
    (void)unused;
    reset();
    sem_main m = {.sem = cv_loop_sem_create(1)};
    run_main(fifo_main, &m);
    expect_seen((int[]){11, 21, 31, 12, 22, 32}, 6);
    sem_main_end(&m);
}

/* async def c2(result): acquire; append(2); release; acquire; append(4) */
static int fifo2_c2(cv_task *t, void *arg)
{
    acq *a = arg;
    CV_CORO_BEGIN(t);
    CV_AWAIT_SEM(t, a->sem);
    note(2);
    cv_loop_sem_release(a->sem);
    CV_AWAIT_SEM(t, a->sem);
    note(4);
    CV_CORO_END(t);
}

static int fifo2_main(cv_task *t, void *arg)
{
    sem_main *m = arg;
    CV_CORO_BEGIN(t);
    spawn(t, m, acquirer, 1);
    spawn(t, m, fifo2_c2, 0);
    spawn(t, m, acquirer, 3);
    CV_YIELD(t);
    cv_loop_sem_release(m->sem);
    cv_loop_sem_release(m->sem);
    for (m->i = 0; m->i < 3; m->i++)
        CV_AWAIT_TASK(t, m->t[m->i]);
    CV_CORO_END(t);
}

/* Ports test_locks.py SemaphoreTests.test_acquire_fifo_order_2: c2
 * releases and acquires again in one step, after c3 was woken but before
 * it ran; c3 keeps its place (CPython 1 2 3 4). */
static void test_sem_acquire_fifo_order_2(void **unused)
{
    (void)unused;
    reset();
    sem_main m = {.sem = cv_loop_sem_create(1)};
    run_main(fifo2_main, &m);
    expect_seen((int[]){1, 2, 3, 4}, 4);
    sem_main_end(&m);
}

static int fifo3_main(cv_task *t, void *arg)
{
    sem_main *m = arg;
    CV_CORO_BEGIN(t);
    for (int i = 1; i <= 3; i++)
        spawn(t, m, acquirer, i);
    CV_YIELD(t);
    cv_task_cancel(m->t[0]);
    CV_YIELD(t);
    cv_loop_sem_release(m->sem);
    cv_loop_sem_release(m->sem);
    /* gather(..., return_exceptions=True) */
    for (m->i = 0; m->i < 3; m->i++)
        CV_TRY_AWAIT(t, CV_AWAIT_TASK(t, m->t[m->i]));
    assert_true(cv_task_cancelled(m->t[0]));
    CV_CORO_END(t);
}

/* Ports test_locks.py SemaphoreTests.test_acquire_fifo_order_3. */
static void test_sem_acquire_fifo_order_3(void **unused)
{
    (void)unused;
    reset();
    sem_main m = {.sem = cv_loop_sem_create(0)};
    run_main(fifo3_main, &m);
    expect_seen((int[]){2, 3}, 2);
    sem_main_end(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* test_events.py */
        cmocka_unit_test(test_call_soon),
        cmocka_unit_test(test_call_soon_threadsafe),
        cmocka_unit_test(test_call_soon_threadsafe_same_thread),
        cmocka_unit_test(test_call_later),
        cmocka_unit_test(test_run_until_complete),
        cmocka_unit_test(test_run_until_complete_stopped),
        cmocka_unit_test(test_run_until_complete_nesting),
        cmocka_unit_test(test_reader_callback),
        cmocka_unit_test(test_writer_callback),
        cmocka_unit_test(test_handle),
        /* test_base_events.py */
        cmocka_unit_test(test_call_soon_and_call_later_queue),
        cmocka_unit_test(test_run_until_complete_loop),
        cmocka_unit_test(test_call_later_negative_delays),
        cmocka_unit_test(test_time_and_call_at),
        cmocka_unit_test(test_run_once),
        cmocka_unit_test(test_run_forever_pre_stopped),
        cmocka_unit_test(test__run_once),
        cmocka_unit_test(test__run_once_schedule_handle),
        cmocka_unit_test(test_run_until_complete_baseexception),
        cmocka_unit_test(test_single_selecter_event_callback_after_stopping),
        cmocka_unit_test(test_run_until_complete_stops_next_turn),
        /* test_locks.py */
        cmocka_unit_test(test_semaphore_initial_value),
        cmocka_unit_test(test_sem_acquire),
        cmocka_unit_test(test_sem_acquire_cancel),
        cmocka_unit_test(test_sem_acquire_cancel_before_awoken),
        cmocka_unit_test(test_sem_acquire_hang),
        cmocka_unit_test(test_sem_acquire_no_hang),
        cmocka_unit_test(test_sem_release_no_waiters),
        cmocka_unit_test(test_sem_acquire_fifo_order),
        cmocka_unit_test(test_sem_acquire_fifo_order_2),
        cmocka_unit_test(test_sem_acquire_fifo_order_3),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
