/*
 * Fluent Python's spinner (spinner_thread.py and spinner_async.py, with the
 * experiments of spinner_async_experiment.py and the is_prime variants):
 * one little program written twice, run side by side on one clock so that
 * the two can be compared frame by frame.
 *
 *   - The thread side runs on the run's main thread (lane 0): it creates a
 *     spinner thread, starts it, calls slow(), sets the `done` event and
 *     joins.  The spinner can only be asked to stop.
 *   - The task side is asyncio.run(supervisor()) (cv_loop_run_main):
 *     supervisor creates the spin task, awaits slow() inline, as Python
 *     runs an awaited coroutine's body in the caller's step, and cancels
 *     the spinner.  If slow() suspends (sleep, nap), spin runs meanwhile
 *     and is stopped by CancelledError raised at its await; if it blocks
 *     (block, cpu), spin never runs at all: it is cancelled before its
 *     first step and draws not one frame.
 *   - The process side is spinner_proc.py: a child process (fork, as
 *     multiprocessing does on Linux) draws the frames, and they reach the
 *     log through its event channel on a lane of role PROCESS; the
 *     supervisor calls slow() and sets `done` by a message on the channel,
 *     the child's done.wait(.1).  Alone it runs on main, as in the book;
 *     with another side it has a thread of its own.
 *   - The book runs the event loop on the main thread, and so does the
 *     task side alone (--side task).  With both sides, main is the thread
 *     side's, so the loop gets a thread of its own, and a MARK says why.
 *
 * Console lines are exactly the book's programs' (the Task repr names this
 * file); frames, milestones (MARK) and console lines carry their side, so
 * the UI can draw two panes and a replay turns the spinners too; task and
 * loop events come from the loop itself.
 *
 * --work picks what slow() does: sleep (the book's programs), block (a
 * blocking time.sleep(3) inside the coroutine), cpu (is_prime of a large
 * prime instead of the sleep) or nap (is_prime awaiting a zero sleep every
 * so often).  C divides far faster than CPython, so for cpu and nap the
 * prime is taken from a table after timing a short run of divisions: the
 * one whose check takes about 3 s / speed on this machine.
 *
 * With cpu and nap the thread side runs under a GIL (src/runtime/gil.h),
 * as CPython does: main holds it while it computes, the spinner thread
 * takes it to draw a frame and drops it while it waits on `done`, so it
 * keeps turning only because, having waited 5 ms, it asks main to drop
 * the GIL.  --no-gil is free-threaded CPython: both simply run at once.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "clock.h"
#include "notice.h"
#include "coro.h"
#include "listing.h"
#include "gil.h"
#include "loop.h"
#include "primes_private.h"
#include "proc.h"
#include "scenarios.h"
#include "task.h"

enum work { WORK_SLEEP, WORK_BLOCK, WORK_CPU, WORK_NAP };

/* What both sides share: the options, and the prime for cpu and nap. */
typedef struct spinner_cfg {
    cv_run *run;
    enum work work;
    uint64_t prime;
    long long nap_every;
    cv_gil *gil; /* the thread side's, for cpu and nap; NULL: none */
} spinner_cfg;

/* ---- events ---- */

static void publish_text(cv_run *run, int kind, int state, int side, int lane, uint64_t ref,
                         const char *text)
{
    if (run->bus == NULL)
        return;
    cv_event ev = {.kind = (uint16_t)kind, .state = (uint16_t)state, .side = (uint16_t)side,
                   .lane = (int16_t)lane, .ref = ref,
                   .text = text != NULL ? strdup(text) : NULL};
    cv_publish(run->bus, &ev);
}

/* A milestone on the calling thread's lane: the UI shows the sentence as
 * the caption of the step, so it names the lesson. */
static void mark(cv_run *run, int side, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void mark(cv_run *run, int side, const char *fmt, ...)
{
    char text[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    publish_text(run, CV_EV_MARK, 0, side, cv_bus_lane(run->bus), 0, text);
}

/* The four glyphs of itertools.cycle(r'\|/-'); frame n (from 1) shows
 * glyph n - 1. */
static const char *const glyphs[] = {"\\", "|", "/", "-"};

/* print(f'\r{char} {msg}') is a frame; print(f'\r{blanks}\r') is the
 * empty frame that ends a side's spinning. */
static void frame(cv_run *run, int side, uint64_t n, const char *glyph)
{
    publish_text(run, CV_EV_FRAME, 0, side, cv_bus_lane(run->bus), n, glyph);
}

/* Where the calling thread stands in the thread side's listing
 * (spinner_thread.py), and a task in the task side's (spinner_async.py);
 * the source pane shows them. */
static void line(cv_run *run, int line)
{
    cv_run_line(run, CV_LISTING_SPINNER_THREAD, line);
}

static void task_line(cv_task *t, cv_run *run, int line)
{
    cv_run_line_task(run, CV_LISTING_SPINNER_ASYNC, line, cv_task_id(t));
}

/* Announces a lane, its side and its role: the UI puts the lane in that
 * side's pane. */
static void lane_started(cv_run *run, int lane, int side, int role, const char *name)
{
    if (run->bus == NULL)
        return;
    cv_event ev = {.kind = CV_EV_THREAD, .state = CV_THREAD_STARTED, .side = (uint16_t)side,
                   .lane = (int16_t)lane, .code = role, .text = strdup(name)};
    cv_publish(run->bus, &ev);
}

/* ---- is_prime, from the book's primes.py ---- */

/* The eval breaker between divisions (every CV_PRIMES_POLL_EVERY): hand
 * the GIL over if asked, and stop if the user stopped the run. */
typedef struct check_ctx {
    cv_run *run;
    cv_gil *gil; /* NULL: no GIL to share */
} check_ctx;

static bool check_poll(void *arg)
{
    check_ctx *c = arg;
    cv_gil_poll(c->gil);
    return !cv_run_stopping(c->run);
}

/* def is_prime(n: int) -> bool (primes_common.c):  stops early
 * (answering false) when the run is asked to stop; hands the GIL (may be
 * NULL) over when asked. */
static bool is_prime(cv_run *run, cv_gil *gil, uint64_t n)
{
    check_ctx c = {run, gil};
    return cv_primes__is_prime(n, 1, check_poll, &c, NULL);
}

/* 5_000_111_000_222_021 is the book's prime; each next one is about twice
 * as large, so its check takes about 1.4 times as long. */
static const uint64_t primes[] = {
    5000111000222021ULL,    10000222000444057ULL,   20000444000888137ULL,
    40000888001776171ULL,   80001776003552353ULL,   160003552007104703ULL,
    320007104014209379ULL,  640014208028418689ULL,  1280028416056837393ULL,
    2560056832113674783ULL, 5120113664227349561ULL, 10240227328454699159ULL,
};

/* The prime whose check takes closest to 3 s / speed here. */
static uint64_t pick_prime(double speed)
{
    double best = cv_primes__seconds_per_division();
    if (best == 0)
        return primes[0];
    double wanted = 3.0 / speed / best; /* divisions */
    size_t n = sizeof primes / sizeof primes[0];
    for (size_t k = 0; k < n; k++) {
        /* Take the first entry past halfway (2^0.25, in logarithmic
         * terms) from the one before. */
        double divisions = (double)cv_primes__isqrt(primes[k]) / 2;
        if (divisions * 1.19 >= wanted)
            return primes[k];
    }
    return primes[n - 1];
}

/* ---- the thread side: spinner_thread.py ---- */

typedef struct thread_spinner {
    cv_run *run;
    cv_notice *done; /* threading.Event */
    int lane;
    cv_gil *gil;
} thread_spinner;

/* def spin(msg: str, done: Event) -> None: */
static void *spin_thread(void *arg)
{
    thread_spinner *sp = arg;
    cv_run *run = sp->run;
    cv_bus_attach(run->bus, sp->lane);
    lane_started(run, sp->lane, CV_SIDE_THREAD, CV_ROLE_SPINNER, "spinner thread");
    uint64_t n = 0;
    cv_gil_acquire(sp->gil);                                /* (Python code runs under the GIL) */
    line(run, CV_LINE_SPINNER_THREAD_SPIN_LOOP);
    for (;;) {                                              /* for char in itertools.cycle(r'\|/-'): */
        n++;                                                /*     print(f'\r{char} {msg}', */
        line(run, CV_LINE_SPINNER_THREAD_SPIN_FRAME);
        frame(run, CV_SIDE_THREAD, n, glyphs[(n - 1) % 4]); /*           end='', flush=True) */
        line(run, CV_LINE_SPINNER_THREAD_SPIN_WAIT);
        cv_gil_release(sp->gil, CV_GIL_BLOCKING);           /*     (a wait drops the GIL) */
        bool done = cv_notice_wait_for(sp->done, 0.1 / run->speed); /* if done.wait(.1): */
        cv_gil_acquire(sp->gil);
        if (done)
            break;                                          /*         break */
    }
    line(run, CV_LINE_SPINNER_THREAD_SPIN_CLEAR);
    frame(run, CV_SIDE_THREAD, n + 1, "");                  /* print(f'\r{blanks}\r', end='') */
    cv_gil_release(sp->gil, CV_GIL_DONE);
    mark(run, CV_SIDE_THREAD,
         "The spinner thread saw done set, cleared its line and returned: only now does it end");
    publish_text(run, CV_EV_THREAD, CV_THREAD_STOPPED, CV_SIDE_THREAD, sp->lane, 0, NULL);
    return NULL;
}

/* def slow() -> int: time.sleep(3); return 42  (cpu, nap: check(n), which
 * returns is_prime(n)) */
static long long slow_thread(const spinner_cfg *cfg)
{
    cv_run *run = cfg->run;
    if (cfg->work == WORK_SLEEP || cfg->work == WORK_BLOCK) {
        mark(run, CV_SIDE_THREAD,
             "slow() calls time.sleep(3): main blocks for 3 s while the spinner thread keeps drawing");
        line(run, CV_LINE_SPINNER_THREAD_SLOW_SLEEP);
        cv_run_sleep(run, 3.0);                             /* time.sleep(3) */
        line(run, CV_LINE_SPINNER_THREAD_SLOW_RETURN);
        return 42;                                          /* return 42 */
    }
    /* A thread has no await: nap runs the same check as cpu. */
    if (cfg->gil != NULL)
        mark(run, CV_SIDE_THREAD,
             "check() computes is_prime(%llu) in main, holding the GIL: the spinner thread keeps "
             "drawing, since after 5 ms of waiting it asks main to drop the GIL and gets a turn",
             (unsigned long long)cfg->prime);
    else
        mark(run, CV_SIDE_THREAD,
             "check() computes is_prime(%llu) in main: main is busy, yet the spinner thread keeps "
             "drawing: with no GIL (free-threaded CPython) both run at once",
             (unsigned long long)cfg->prime);
    return is_prime(run, cfg->gil, cfg->prime);             /* return is_prime(n) */
}

/* main()'s last line: print(f'Answer: {result}'), or in the primes
 * variants print(f'{n:,} {msg} prime'). */
static void print_answer(const spinner_cfg *cfg, int side, long long result)
{
    if (cfg->work == WORK_SLEEP || cfg->work == WORK_BLOCK) {
        cv_run_log_side(cfg->run, side, "Answer: %lld", result);
        return;
    }
    char digits[24], grouped[32];
    int len = snprintf(digits, sizeof digits, "%llu", (unsigned long long)cfg->prime);
    size_t j = 0;
    for (int k = 0; k < len; k++) {
        if (k > 0 && (len - k) % 3 == 0)
            grouped[j++] = ',';
        grouped[j++] = digits[k];
    }
    grouped[j] = '\0';
    cv_run_log_side(cfg->run, side, "%s %s prime", grouped, result ? "is" : "is not");
}

/* def supervisor() -> int:  and main(), which prints its result. */
static int thread_side(const spinner_cfg *cfg)
{
    cv_run *run = cfg->run;
    cv_notice done;
    cv_notice_init(&done);                                  /* done = Event() */
    thread_spinner sp = {run, &done, cv_bus_new_lane(run->bus), cfg->gil};
    cv_gil_acquire(cfg->gil);                               /* main runs Python code */
    line(run, CV_LINE_SPINNER_THREAD_MAIN);
    /* spinner = Thread(target=spin, args=('thinking!', done)) */
    line(run, CV_LINE_SPINNER_THREAD_SUP_THREAD);
    mark(run, CV_SIDE_THREAD, "Thread created: it will not run until start()");
    cv_run_log_side(run, CV_SIDE_THREAD, "spinner object: <Thread(Thread-1 (spin), initial)>");
    mark(run, CV_SIDE_THREAD, "start(): the spinner thread begins to run");
    line(run, CV_LINE_SPINNER_THREAD_SUP_START);
    pthread_t thread;
    if (pthread_create(&thread, NULL, spin_thread, &sp) != 0) { /* spinner.start() */
        cv_run_log_side(run, CV_SIDE_THREAD, "error: cannot start the spinner thread");
        cv_gil_release(cfg->gil, CV_GIL_DONE);
        cv_notice_destroy(&done);
        return 1;
    }
    line(run, CV_LINE_SPINNER_THREAD_SUP_SLOW);
    long long result = slow_thread(cfg);                    /* result = slow() */
    mark(run, CV_SIDE_THREAD,
         "done.set(): the spinner thread is asked to stop, since no one can kill a thread from outside");
    line(run, CV_LINE_SPINNER_THREAD_SUP_DONE);
    cv_notice_set(&done);                                   /* done.set() */
    mark(run, CV_SIDE_THREAD, "join(): main waits for the spinner thread to finish");
    line(run, CV_LINE_SPINNER_THREAD_SUP_JOIN);
    cv_gil_release(cfg->gil, CV_GIL_BLOCKING);              /* (join drops the GIL) */
    pthread_join(thread, NULL);                             /* spinner.join() */
    cv_gil_acquire(cfg->gil);
    if (!cv_run_stopping(run)) {
        line(run, CV_LINE_SPINNER_THREAD_ANSWER);
        print_answer(cfg, CV_SIDE_THREAD, result);          /* print(f'Answer: {result}') */
    }
    cv_gil_release(cfg->gil, CV_GIL_DONE);
    cv_notice_destroy(&done);
    return 0;
}

/* ---- the task side: spinner_async.py ---- */

typedef struct task_side task_side;

typedef struct spin_frame {
    task_side *side;
    uint64_t n;
} spin_frame;

typedef struct slow_frame {
    task_side *side;
    uint64_t root, i;
    bool prime;
} slow_frame;

struct task_side {
    const spinner_cfg *cfg;
    int lane;
    bool own_thread;    /* both sides: the loop runs on a thread of its own */
    pthread_t thread;   /* the loop's own thread, or the stop watcher */
    pthread_mutex_t mu; /* guards loop against a stop while it goes away */
    cv_loop *loop;      /* NULL once destroyed */
    atomic_bool finished;
    int status;
    /* The coroutines' frames; slow runs inside supervisor's task. */
    cv_task *spinner;
    spin_frame spin;
    slow_frame slow_f;
    long long result;
};

/* The line where spin() is defined, for its repr: Python names the line
 * where a coroutine that has not started yet sits. */
static const int spin_line = __LINE__ + 3;

/* async def spin(msg: str) -> None: */
static int spin(cv_task *t, void *arg)
{
    spin_frame *f = arg;
    cv_run *run = f->side->cfg->run;
    CV_CORO_BEGIN(t);
    task_line(t, run, CV_LINE_SPINNER_ASYNC_SPIN_LOOP);
    for (;;) {                                              /* for char in itertools.cycle(r'\|/-'): */
        f->n++;                                             /*     print(f'\r{char} {msg}', */
        task_line(t, run, CV_LINE_SPINNER_ASYNC_SPIN_FRAME);
        frame(run, CV_SIDE_TASK, f->n, glyphs[(f->n - 1) % 4]); /*     flush=True, end='') */
        task_line(t, run, CV_LINE_SPINNER_ASYNC_SPIN_WAIT);
        CV_TRY_AWAIT(t, CV_AWAIT_SLEEP(t, 0.1 / run->speed)); /*   try: await asyncio.sleep(.1) */
        if (CV_CANCELLED_AT_AWAIT(t)) {                     /*     except asyncio.CancelledError: */
            task_line(t, run, CV_LINE_SPINNER_ASYNC_SPIN_CANCELLED);
            break;                                          /*         break */
        }
    }
    task_line(t, run, CV_LINE_SPINNER_ASYNC_SPIN_CLEAR);
    frame(run, CV_SIDE_TASK, f->n + 1, "");                 /* print(f'\r{blanks}\r', end='') */
    mark(run, CV_SIDE_TASK,
         "spin() caught CancelledError at its await and cleared its line; it returns None: its "
         "task ends done");
    CV_RETURN_TEXT(t, 0, "None");                           /* (returns None) */
    CV_CORO_END(t);
}

/* async def slow() -> int:  await asyncio.sleep(3); return 42, or the
 * experiments: time.sleep(3) (block), check(n) with the plain is_prime
 * (cpu) or with the is_prime that awaits asyncio.sleep(0) (nap).  slow()
 * is awaited, not made a task: its body runs inside supervisor's step, so
 * until it awaits something that suspends, nothing else runs. */
static int slow(cv_task *t, void *arg)
{
    slow_frame *f = arg;
    const spinner_cfg *cfg = f->side->cfg;
    cv_run *run = cfg->run;
    unsigned long long n = cfg->prime;
    CV_CORO_BEGIN(t);
    if (cfg->work == WORK_SLEEP) {
        mark(run, CV_SIDE_TASK,
             "await asyncio.sleep(3) in slow() suspends supervisor, which awaits slow(): the loop "
             "can run spin");
        task_line(t, run, CV_LINE_SPINNER_ASYNC_SLOW_SLEEP);
        CV_AWAIT_SLEEP(t, 3.0 / run->speed);                /* await asyncio.sleep(3) */
        task_line(t, run, CV_LINE_SPINNER_ASYNC_SLOW_RETURN);
        CV_RETURN(t, 42);                                   /* return 42 */
    } else if (cfg->work == WORK_BLOCK) {
        mark(run, CV_SIDE_TASK,
             "time.sleep(3) in slow() runs inside supervisor's step: the loop is blocked, spin "
             "cannot start");
        task_line(t, run, CV_LINE_SPINNER_ASYNC_SLOW_BLOCK);
        cv_run_sleep(run, 3.0);                             /* time.sleep(3) */
        mark(run, CV_SIDE_TASK,
             "time.sleep(3) returned: slow() returns 42 to supervisor, in the same step; spin has "
             "not run");
        task_line(t, run, CV_LINE_SPINNER_ASYNC_SLOW_RETURN);
        CV_RETURN(t, 42);                                   /* return 42 */
    } else if (cfg->work == WORK_CPU) {
        mark(run, CV_SIDE_TASK,
             "is_prime(%llu) never awaits: it holds the loop inside supervisor's step, so spin "
             "cannot start", n);
        f->prime = is_prime(run, NULL, n);                  /* return is_prime(n) */
        mark(run, CV_SIDE_TASK,
             "is_prime() returned: check() returns to supervisor, in the same step; spin has not "
             "run");
    } else {
        mark(run, CV_SIDE_TASK,
             "is_prime(%llu) awaits asyncio.sleep(0) now and then: supervisor suspends, spin "
             "runs, the check takes longer", n);
        /* async def is_prime(n): the trivial cases are settled by the table. */
        f->prime = true;
        f->root = cv_primes__isqrt(n);                             /* root = math.isqrt(n) */
        for (f->i = 3; f->i <= f->root; f->i += 2) {        /* for i in range(3, root + 1, 2): */
            if (n % f->i == 0) {                            /*     if n % i == 0: */
                f->prime = false;                           /*         return False */
                break;
            }
            if (f->i % (uint64_t)cfg->nap_every == 1) {     /*     if i % 100_000 == 1: */
                if (cv_run_stopping(run)) {
                    f->prime = false;
                    break;
                }
                CV_YIELD(t);                                /*         await asyncio.sleep(0) */
            }
        }
    }
    CV_RETURN(t, f->prime);                                 /* return True / False */
    CV_CORO_END(t);
}

/* async def supervisor() -> int: */
static int supervisor(cv_task *t, void *arg)
{
    task_side *s = arg;
    cv_run *run = s->cfg->run;
    CV_CORO_BEGIN(t);
    s->spin.side = s;
    task_line(t, run, CV_LINE_SPINNER_ASYNC_SUP_TASK);
    /* spinner = asyncio.create_task(spin('thinking!')) */
    s->spinner = cv_task_create(cv_task_loop(t), "spin", spin, &s->spin);
    if (s->spinner == NULL)
        CV_FAIL(t, CV_ENOMEM, "out of memory");
    mark(run, CV_SIDE_TASK,
         "create_task(spin): spin is scheduled; it can run only when supervisor suspends at an "
         "await");
    cv_run_log_side(run, CV_SIDE_TASK,                      /* print(f'spinner object: {spinner}') */
                    "spinner object: <Task pending name='Task-%llu' coro=<spin() running at "
                    "scenarios/spinner.c:%d>>",
                    (unsigned long long)cv_task_id(s->spinner), spin_line);
    s->slow_f.side = s;
    task_line(t, run, CV_LINE_SPINNER_ASYNC_SUP_SLOW);
    CV_AWAIT_CORO(t, slow, &s->slow_f);                     /* result = await slow() */
    s->result = CV_AWAITED_VALUE(t);
    if (s->spin.n == 0)
        mark(run, CV_SIDE_TASK,
             "cancel(): spin is cancelled before it ever ran, since supervisor never suspended");
    else
        mark(run, CV_SIDE_TASK,
             "cancel(): supervisor cancels spin from outside, which no one can do to a thread");
    task_line(t, run, CV_LINE_SPINNER_ASYNC_SUP_CANCEL);
    cv_task_cancel(s->spinner);                             /* spinner.cancel() */
    CV_RETURN(t, s->result);                                /* return result */
    CV_CORO_END(t);
}

/* def main(): result = asyncio.run(supervisor()); print(f'Answer: {result}')
 * On the run's main thread as in the book, or, with both sides, on a
 * thread of its own. */
static void task_main(task_side *s)
{
    cv_run *run = s->cfg->run;
    if (s->own_thread) {
        lane_started(run, s->lane, CV_SIDE_TASK, CV_ROLE_LOOP, "event loop");
        mark(run, CV_SIDE_TASK,
             "The event loop runs on a thread of its own here, so both sides share one clock; "
             "the book runs it on main");
    }
    mark(run, CV_SIDE_TASK,
         "asyncio.run(supervisor()): the event loop starts%s and runs the supervisor coroutine "
         "as a task", s->own_thread ? "" : " on the main thread, as in the book,");
    cv_result r = {0};
    cv_run_line(run, CV_LISTING_SPINNER_ASYNC, CV_LINE_SPINNER_ASYNC_MAIN);
    /* asyncio.run also ends the tasks main left behind: cancelled, then
     * run, so that their finally blocks (and except clauses) execute. */
    int rc = cv_loop_run_main(s->loop, "supervisor", supervisor, s, &r);
    if (rc == CV_OK && !cv_run_stopping(run)) {
        if (s->spin.n == 0)
            mark(run, CV_SIDE_TASK,
                 "The task spinner never drew a frame: control never left supervisor until slow() "
                 "returned");
        cv_run_line(run, CV_LISTING_SPINNER_ASYNC, CV_LINE_SPINNER_ASYNC_ANSWER);
        print_answer(s->cfg, CV_SIDE_TASK, r.value);
    } else if (!cv_run_stopping(run)) {
        cv_run_log_side(run, CV_SIDE_TASK, "error: %s",
                        rc == CV_EFAILED ? r.message : cv_strerror(rc));
        s->status = 1;
    }
    cv_task_release(s->spinner);
    pthread_mutex_lock(&s->mu);
    cv_loop *loop = s->loop;
    s->loop = NULL;
    pthread_mutex_unlock(&s->mu);
    cv_loop_destroy(loop); /* tasks cut short by a stop end cancelled here */
    if (s->own_thread)
        publish_text(run, CV_EV_THREAD, CV_THREAD_STOPPED, CV_SIDE_TASK, s->lane, 0, NULL);
    atomic_store(&s->finished, true);
}

static void *loop_thread(void *arg)
{
    task_side *s = arg;
    cv_bus_attach(s->cfg->run->bus, s->lane);
    task_main(s);
    return NULL;
}

/* Until the task side is finished: if the run is asked to stop first,
 * stops the loop, which returns after its current turn. */
static void watch_for_stop(task_side *s)
{
    cv_run *run = s->cfg->run;
    while (!atomic_load(&s->finished)) {
        if (!cv_run_sleep(run, 0.02 * run->speed)) {
            pthread_mutex_lock(&s->mu);
            if (s->loop != NULL)
                cv_loop_stop(s->loop);
            pthread_mutex_unlock(&s->mu);
            break;
        }
    }
}

/* The watcher's thread when the loop runs on main: no lane, no events. */
static void *watcher_thread(void *arg)
{
    watch_for_stop(arg);
    return NULL;
}

/* Sets the task side up: its loop, on a lane of its own (own_thread) or
 * on main's, and the thread that runs it or watches it.  0, or CV_ENOMEM
 * after logging why. */
static int task_side_start(task_side *s, const spinner_cfg *cfg, bool own_thread)
{
    cv_run *run = cfg->run;
    s->cfg = cfg;
    s->own_thread = own_thread;
    s->lane = own_thread ? cv_bus_new_lane(run->bus) : CV_MAIN_LANE;
    pthread_mutex_init(&s->mu, NULL);
    atomic_init(&s->finished, false);
    s->loop = cv_loop_create(run->bus, s->lane);
    if (s->loop != NULL)
        cv_loop_set_demo_speed(s->loop, run->speed);
    if (s->loop == NULL ||
        pthread_create(&s->thread, NULL, own_thread ? loop_thread : watcher_thread, s) != 0) {
        cv_run_log_side(run, CV_SIDE_TASK, "error: cannot start the event loop");
        cv_loop_destroy(s->loop);
        pthread_mutex_destroy(&s->mu);
        return CV_ENOMEM;
    }
    return 0;
}

/* Runs the task side on main if that is where it lives, then waits for it
 * to end; the exit status. */
static int task_side_finish(task_side *s)
{
    if (s->own_thread)
        watch_for_stop(s);
    else
        task_main(s);
    pthread_join(s->thread, NULL);
    pthread_mutex_destroy(&s->mu);
    return s->status;
}

/* ---- the process side: spinner_proc.py ---- */

/* One frame drawn in the child, sent up its channel as a FRAME event. */
static bool child_frame(cv_chan *chan, uint64_t n, const char *glyph)
{
    cv_proc_msg m;
    memset(&m, 0, sizeof m);
    m.kind = CV_EV_FRAME;
    m.side = CV_SIDE_PROCESS;
    m.ref = n;
    m.len = (uint32_t)strlen(glyph);
    memcpy(m.body, glyph, m.len);
    return cv_chan_emit(chan, &m);
}

/* The child's line in spinner_proc.py, sent up its channel as a LINE
 * event on its lane. */
static void child_line(cv_chan *chan, int line)
{
    cv_chan_event(chan, CV_EV_LINE, 0, 0, (uint64_t)line, CV_LISTING_SPINNER_PROC, NULL);
}

/* def spin(msg: str, done: Event) -> None:  in the child.  done.wait(.1)
 * is a wait for the supervisor's message; a closed channel (the parent
 * gone) ends the loop too. */
static void spin_process(cv_chan *chan, void *arg)
{
    const double *speed = arg;
    int wait_ms = (int)(100 / *speed) > 0 ? (int)(100 / *speed) : 1;
    uint64_t n = 0;
    char done[8];
    child_line(chan, CV_LINE_SPINNER_PROC_SPIN_LOOP);
    for (;;) {                                              /* for char in itertools.cycle(r'\|/-'): */
        n++;                                                /*     print(f'\r{char} {msg}', ...) */
        child_line(chan, CV_LINE_SPINNER_PROC_SPIN_FRAME);
        if (!child_frame(chan, n, glyphs[(n - 1) % 4]))
            return;
        child_line(chan, CV_LINE_SPINNER_PROC_SPIN_WAIT);
        if (cv_chan_recv(chan, done, sizeof done, wait_ms) != 0) /* if done.wait(.1): */
            break;                                          /*         break */
    }
    child_line(chan, CV_LINE_SPINNER_PROC_SPIN_CLEAR);
    child_frame(chan, n + 1, "");                           /* print(f'\r{blanks}\r', end='') */
}

typedef struct proc_side {
    const spinner_cfg *cfg;
    bool own_thread; /* with another side: the supervisor has a thread */
    int lane;
    double speed;
    pthread_t thread;
    int status;
} proc_side;

/* def supervisor() -> int:  and main(), which prints its result. */
static void proc_supervisor(proc_side *ps)
{
    const spinner_cfg *cfg = ps->cfg;
    cv_run *run = cfg->run;
    /* done = Event(); spinner = Process(target=spin, args=('thinking!', done)) */
    cv_run_line(run, CV_LISTING_SPINNER_PROC, CV_LINE_SPINNER_PROC_MAIN);
    cv_run_line(run, CV_LISTING_SPINNER_PROC, CV_LINE_SPINNER_PROC_SUP_PROCESS);
    mark(run, CV_SIDE_PROCESS, "Process created: no process exists until start()");
    cv_run_log_side(run, CV_SIDE_PROCESS,                  /* print(f'spinner object: {spinner}') */
                    "spinner object: <Process name='Process-1' parent=%ld initial>",
                    (long)getpid());
    mark(run, CV_SIDE_PROCESS,
         "start(): fork makes the spinner process, a copy of this one that shares no memory");
    cv_run_line(run, CV_LISTING_SPINNER_PROC, CV_LINE_SPINNER_PROC_SUP_START);
    cv_proc_hooks hooks = {.side = CV_SIDE_PROCESS};
    cv_proc *p = cv_proc_start(run->bus, "spinner process", spin_process, &ps->speed, &hooks);
    if (p == NULL) {                                        /* spinner.start() */
        cv_run_log_side(run, CV_SIDE_PROCESS, "error: cannot start the spinner process");
        ps->status = 1;
        return;
    }
    long long result;
    cv_run_line(run, CV_LISTING_SPINNER_PROC, CV_LINE_SPINNER_PROC_SUP_SLOW);
    if (cfg->work == WORK_SLEEP || cfg->work == WORK_BLOCK) {
        mark(run, CV_SIDE_PROCESS,
             "slow() calls time.sleep(3): the supervisor blocks while the spinner process draws");
        cv_run_line(run, CV_LISTING_SPINNER_PROC, CV_LINE_SPINNER_PROC_SLOW_SLEEP);
        cv_run_sleep(run, 3.0);                             /* result = slow() */
        cv_run_line(run, CV_LISTING_SPINNER_PROC, CV_LINE_SPINNER_PROC_SLOW_RETURN);
        result = 42;
    } else {
        mark(run, CV_SIDE_PROCESS,
             "check() computes is_prime(%llu) here while the spinner process draws on its own "
             "core: no GIL is shared between processes", (unsigned long long)cfg->prime);
        result = is_prime(run, NULL, cfg->prime);
    }
    mark(run, CV_SIDE_PROCESS,
         "done.set(): the Event is a message to the other process, which sees it at its next "
         "done.wait(.1)");
    cv_run_line(run, CV_LISTING_SPINNER_PROC, CV_LINE_SPINNER_PROC_SUP_DONE);
    cv_proc_send(p, "set", 3);                              /* done.set() */
    mark(run, CV_SIDE_PROCESS, "join(): the supervisor waits for the spinner process to exit");
    cv_run_line(run, CV_LISTING_SPINNER_PROC, CV_LINE_SPINNER_PROC_SUP_JOIN);
    cv_proc_join(p);                                        /* spinner.join() */
    cv_proc_destroy(p);
    if (!cv_run_stopping(run)) {
        cv_run_line(run, CV_LISTING_SPINNER_PROC, CV_LINE_SPINNER_PROC_ANSWER);
        print_answer(cfg, CV_SIDE_PROCESS, result);        /* print(f'Answer: {result}') */
    }
}

static void *proc_thread(void *arg)
{
    proc_side *ps = arg;
    cv_run *run = ps->cfg->run;
    cv_bus_attach(run->bus, ps->lane);
    lane_started(run, ps->lane, CV_SIDE_PROCESS, CV_ROLE_MAIN, "process supervisor");
    /* Busy throughout, as main is: it runs the script of its side. */
    publish_text(run, CV_EV_THREAD, CV_THREAD_BUSY, CV_SIDE_PROCESS, ps->lane, 0, NULL);
    proc_supervisor(ps);
    publish_text(run, CV_EV_THREAD, CV_THREAD_STOPPED, CV_SIDE_PROCESS, ps->lane, 0, NULL);
    return NULL;
}

/* ---- the scenario ---- */

/* The sides --side names: a comma-separated list of thread, task and
 * process; both is thread,task (the default), all is every side.  A mask
 * of (1 << enum cv_side), 0 if a name is unknown. */
static unsigned sides_of(const char *list)
{
    unsigned mask = 0;
    const char *s = list != NULL ? list : "both";
    while (*s != '\0') {
        size_t len = strcspn(s, ",");
        if (len == 6 && strncasecmp(s, "thread", len) == 0)
            mask |= 1u << CV_SIDE_THREAD;
        else if (len == 4 && strncasecmp(s, "task", len) == 0)
            mask |= 1u << CV_SIDE_TASK;
        else if (len == 7 && strncasecmp(s, "process", len) == 0)
            mask |= 1u << CV_SIDE_PROCESS;
        else if (len == 4 && strncasecmp(s, "both", len) == 0)
            mask |= 1u << CV_SIDE_THREAD | 1u << CV_SIDE_TASK;
        else if (len == 3 && strncasecmp(s, "all", len) == 0)
            mask |= 1u << CV_SIDE_THREAD | 1u << CV_SIDE_TASK | 1u << CV_SIDE_PROCESS;
        else
            return 0;
        s += len;
        if (*s == ',')
            s++;
    }
    return mask;
}


static int run_spinner(cv_run *run)
{
    static const char *const works[] = {"sleep", "block", "cpu", "nap"};
    spinner_cfg cfg = {.run = run, .work = WORK_SLEEP,
                       .nap_every = cv_opts_int(run->opts, "nap-every")};
    const char *work = cv_opts_str(run->opts, "work");
    for (int k = 0; k < 4; k++)
        if (work != NULL && strcasecmp(work, works[k]) == 0)
            cfg.work = (enum work)k;
    unsigned sides = sides_of(cv_opts_str(run->opts, "side"));
    bool threads = sides & 1u << CV_SIDE_THREAD;
    bool tasks = sides & 1u << CV_SIDE_TASK;
    bool procs = sides & 1u << CV_SIDE_PROCESS;
    if (cfg.work == WORK_CPU || cfg.work == WORK_NAP) {
        cfg.prime = pick_prime(run->speed);
        /* The thread side's GIL; the task side is one thread, which
         * holds it throughout, so it has none to share. */
        if (threads && !cv_opts_flag(run->opts, "no-gil") &&
            (cfg.gil = cv_gil_create(run->bus)) == NULL)
            return 1;
    }

    /* Both sides start together, so that they run on one clock. */
    task_side *ts = NULL;
    int status = 0;
    if (tasks) {
        ts = calloc(1, sizeof *ts);
        if (ts == NULL || task_side_start(ts, &cfg, threads || procs) != 0) {
            free(ts);
            ts = NULL;
            status = 1;
        }
    }
    proc_side ps = {.cfg = &cfg, .own_thread = threads || tasks, .speed = run->speed};
    bool ps_started = false;
    if (procs && ps.own_thread) {
        ps.lane = cv_bus_new_lane(run->bus);
        ps_started = pthread_create(&ps.thread, NULL, proc_thread, &ps) == 0;
        if (!ps_started) {
            cv_run_log_side(run, CV_SIDE_PROCESS, "error: cannot start the process side");
            status = 1;
        }
    }
    if (threads && thread_side(&cfg) != 0)
        status = 1;
    if (procs && !ps.own_thread)
        proc_supervisor(&ps);
    if (ps_started)
        pthread_join(ps.thread, NULL);
    if (ps.status != 0)
        status = 1;
    if (ts != NULL) {
        if (task_side_finish(ts) != 0)
            status = 1;
        free(ts);
    }
    cv_gil_destroy(cfg.gil);
    return status;
}

static const char *const work_choices[] = {"sleep", "block", "cpu", "nap", NULL};
static const char *const side_choices[] = {"thread", "task", "process", "both", "all", NULL};

static const cv_opt_spec spinner_options[] = {
    {.name = "work", .type = CV_OPT_STR, .def = "sleep", .metavar = "KIND", .choices = work_choices,
     .help = "what slow() does: sleep (the book), block (time.sleep in the coroutine), "
             "cpu (is_prime of a large prime), nap (is_prime with await asyncio.sleep(0))"},
    {.name = "side", .type = CV_OPT_STR, .def = "both", .metavar = "SIDES",
     .choices = side_choices, .list = true,
     .help = "which versions run side by side, a comma-separated list: thread, task, process "
             "(spinner_proc.py); both is thread,task, all is every one"},
    {.name = "nap-every", .type = CV_OPT_INT, .min = 2, .max = 1000000000, .def = "100000",
     .metavar = "N", .help = "with --work nap: await asyncio.sleep(0) when i % N == 1, as in the book"},
    {.name = "gil", .type = CV_OPT_FLAG,
     .help = "with --work cpu or nap, main and the spinner thread share CPython's GIL (the "
             "default)"},
    {.name = "no-gil", .type = CV_OPT_FLAG,
     .help = "with --work cpu or nap, the thread side without CPython's GIL (free-threaded, "
             "PEP 703): main and the spinner thread run at once"},
    {0},
};

static int validate(const cv_opts *opts, char *err, size_t errlen)
{
    if (cv_opts_flag(opts, "gil") && cv_opts_flag(opts, "no-gil")) {
        snprintf(err, errlen, "--gil and --no-gil cannot both be given");
        return CV_EINVAL;
    }
    return 0;
}

const cv_scenario cv_scenario_spinner = {
    .name = "spinner",
    .summary = "a thread and a task spin while slow() works: stop vs cancel, blocking the loop",
    .options = spinner_options,
    .validate = validate,
    .run = run_spinner,
};
