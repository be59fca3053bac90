/*
 * Fluent Python's primes programs (19-concurrency/primes): the twenty
 * NUMBERS of primes.py checked for primality
 *
 *   - sequentially, on main (sequential.py);
 *   - by `workers` threads fed by a job queue with a poison pill (0) each,
 *     reporting on a results queue that main reads in completion order
 *     (threads.py);
 *   - by processes, the same way (procs.py), or by a process pool's map
 *     (proc_pool.py): primes_procs.c.
 *
 * The lesson is CPython's GIL: every thread that runs Python code must
 * hold it, so the threads of threads.py take turns and the run is about as
 * slow as the sequential one.  Here the threads really compute in
 * parallel, so the GIL is a real lock (src/runtime/gil.h) that main and
 * the workers take as CPython's threads do: held while they run Python
 * code, released while they block on a queue, handed over when a waiter
 * has waited a switch interval.  --no-gil drops it, as free-threaded
 * CPython (PEP 703) does, and then the threads scale with the cores.
 *
 * Each check is a future labelled is_prime(N): submitted (pending) when
 * main puts its number in the job queue, running on the lane that takes
 * it.  C divides about forty times faster than CPython, so each trial
 * division is done `rounds` times over: calibrated so that the sequential
 * run of the numbers takes about ten seconds of demo time, or --rounds.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "clock.h"
#include "future.h"
#include "gil.h"
#include "listing.h"
#include "primes_private.h"
#include "scenarios.h"

/* The demo seconds the sequential run of the numbers should take. */
#define DEMO_SECONDS 10.0
#define MAX_WORKERS 64

/* ---- events ---- */

/* A milestone on the calling thread's lane, which the UI shows as the
 * caption of its step. */
static void mark(cv_run *run, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void mark(cv_run *run, const char *fmt, ...)
{
    if (run->bus == NULL)
        return;
    char text[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    cv_event ev = {.kind = CV_EV_MARK, .lane = (int16_t)cv_bus_lane(run->bus),
                   .text = strdup(text)};
    cv_publish(run->bus, &ev);
}

/* ---- one check ---- */

typedef struct checker {
    cv_run *run;
    cv_gil *gil; /* NULL: no GIL */
    unsigned rounds;
    int listing;     /* the mode's listing (CV_LISTING_PRIMES_...) */
    int line_divide; /* its is_prime loop, where a check spends its time */
} checker;

/* The calling thread's line in the mode's listing. */
static void line(const checker *c, int line)
{
    cv_run_line(c->run, c->listing, line);
}

/* The eval breaker between divisions: hand the GIL over if asked, and
 * stop if the user stopped the run. */
static bool poll(void *ctx)
{
    const checker *c = ctx;
    cv_gil_poll(c->gil);
    return !cv_run_stopping(c->run);
}

typedef struct prime_result {
    uint64_t n;       /* 0: the worker is done (the poison pill's answer) */
    bool prime, stopped;
    double elapsed;
} prime_result;

/* def check(n): t0 = perf_counter(); res = is_prime(n);
 *               return PrimeResult(n, res, perf_counter() - t0)
 * f (may be NULL) is the check's future, run on `lane`. */
static prime_result check(const checker *c, cv_future *f, int lane, uint64_t n)
{
    prime_result r = {.n = n};
    if (f != NULL && !cv_future_set_running(f, lane)) {
        r.stopped = true;
        return r;
    }
    line(c, c->line_divide);
    r.elapsed = (double)cv_primes__check(n, c->rounds, poll, (void *)c, &r.prime, &r.stopped) / 1e9;
    if (f != NULL) {
        cv_result out = {0};
        if (r.stopped) {
            cv_result_fail(&out, CV_ECANCELLED, "stopped by the user");
        } else {
            out.value = r.prime;
            snprintf(out.text, sizeof out.text, "%s", r.prime ? "True" : "False");
        }
        cv_future_set_result(f, &out);
    }
    return r;
}

static cv_future *new_check(cv_run *run, uint64_t n)
{
    char label[48];
    snprintf(label, sizeof label, "is_prime(%" PRIu64 ")", n);
    return run->bus != NULL ? cv_future_new(run->bus, label) : NULL;
}

static void print_result(cv_run *run, const prime_result *r)
{
    char line[64];
    cv_primes__format(line, sizeof line, r->n, r->prime, r->elapsed);
    cv_run_log(run, "%s", line);
}

/* ---- sequential.py ---- */

static int run_sequential(cv_run *run, const checker *seq, const uint64_t *numbers, size_t count)
{
    checker cs = *seq;
    const checker *c = &cs;
    cs.listing = CV_LISTING_PRIMES_SEQUENTIAL;
    cs.line_divide = CV_LINE_PRIMES_SEQUENTIAL_DIVIDE;
    cv_gil_acquire(c->gil); /* main runs Python code */
    line(c, CV_LINE_PRIMES_SEQUENTIAL_MAIN_START);
    cv_run_log(run, "Checking %zu numbers sequentially:", count);
    mark(run, "main checks the numbers one after another: each is_prime(n) starts when the one "
              "before returns");
    int64_t t0 = cv_clock_mono_ns();
    for (size_t i = 0; i < count && !cv_run_stopping(run); i++) {
        line(c, CV_LINE_PRIMES_SEQUENTIAL_FOR_NUMBER);
        cv_future *f = new_check(run, numbers[i]);
        line(c, CV_LINE_PRIMES_SEQUENTIAL_CALL_CHECK);
        prime_result r = check(c, f, CV_MAIN_LANE, numbers[i]);
        cv_future_release(f);
        if (!r.stopped) {
            line(c, CV_LINE_PRIMES_SEQUENTIAL_REPORT);
            print_result(run, &r);
        }
    }
    double elapsed = (double)(cv_clock_mono_ns() - t0) / 1e9;
    if (!cv_run_stopping(run)) {
        line(c, CV_LINE_PRIMES_SEQUENTIAL_TOTAL);
        cv_run_log(run, "Total time: %.2fs", elapsed);
    }
    cv_gil_release(c->gil, CV_GIL_DONE);
    return 0;
}

/* ---- threads.py ---- */

/* queue.SimpleQueue, for jobs (numbers, with their futures) or results.
 * get() blocks as CPython's does: it releases the GIL while it waits. */
typedef struct job {
    uint64_t n;
    cv_future *f;
} job;

typedef struct queue {
    pthread_mutex_t mu;
    pthread_cond_t cond;
    void *items;
    size_t size, head, tail, cap;
} queue;

static int queue_init(queue *q, size_t size, size_t cap)
{
    q->items = calloc(cap, size);
    if (q->items == NULL)
        return -1;
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->cond, NULL);
    q->size = size;
    q->cap = cap;
    q->head = q->tail = 0;
    return 0;
}

static void queue_destroy(queue *q)
{
    pthread_cond_destroy(&q->cond);
    pthread_mutex_destroy(&q->mu);
    free(q->items);
}

/* Never full: each queue is sized for everything put in it. */
static void queue_put(queue *q, const void *item)
{
    pthread_mutex_lock(&q->mu);
    memcpy((char *)q->items + q->tail % q->cap * q->size, item, q->size);
    q->tail++;
    pthread_cond_signal(&q->cond);
    pthread_mutex_unlock(&q->mu);
}

/* q.get(): `what` names the wait when it has to block (main's wait on
 * the results shows as a blocked span). */
static void queue_get(queue *q, void *item, cv_gil *gil, cv_bus *bus, const char *what)
{
    pthread_mutex_lock(&q->mu);
    if (q->head == q->tail) {
        pthread_mutex_unlock(&q->mu);
        if (what != NULL)
            cv_publish_wait(bus, CV_WAIT_BLOCK, 0, what);
        cv_gil_release(gil, CV_GIL_BLOCKING); /* Py_BEGIN_ALLOW_THREADS */
        pthread_mutex_lock(&q->mu);
        while (q->head == q->tail)
            pthread_cond_wait(&q->cond, &q->mu);
        pthread_mutex_unlock(&q->mu);
        if (what != NULL)
            cv_publish_wait(bus, CV_WAIT_UNBLOCK, 0, what);
        cv_gil_acquire(gil);                  /* Py_END_ALLOW_THREADS */
        pthread_mutex_lock(&q->mu);
    }
    memcpy(item, (char *)q->items + q->head % q->cap * q->size, q->size);
    q->head++;
    pthread_mutex_unlock(&q->mu);
}

typedef struct workers_ctx {
    checker c;
    queue jobs, results;
} workers_ctx;

typedef struct worker_arg {
    workers_ctx *ctx;
    int lane, index;
} worker_arg;

/* def worker(jobs, results):
 *     while n := jobs.get(): results.put(check(n))
 *     results.put(PrimeResult(0, False, 0.0)) */
static void *worker(void *arg)
{
    worker_arg *a = arg;
    workers_ctx *ctx = a->ctx;
    cv_run *run = ctx->c.run;
    cv_bus_attach(run->bus, a->lane);
    char name[32];
    snprintf(name, sizeof name, "Thread-%d (worker)", a->index + 1);
    cv_publish_thread_started(run->bus, a->lane, CV_ROLE_WORKER, name);
    cv_gil_acquire(ctx->c.gil); /* a Python thread starts by taking the GIL */
    bool idle = true;
    for (;;) {
        job j;
        line(&ctx->c, CV_LINE_PRIMES_THREADS_WORKER_GET);
        queue_get(&ctx->jobs, &j, ctx->c.gil, run->bus, NULL);
        if (j.n == 0)
            break;
        if (cv_run_stopping(run)) {
            /* Stopped: the rest of the jobs are never checked. */
            if (j.f != NULL)
                cv_future_cancel(j.f);
            cv_future_release(j.f);
            continue;
        }
        if (idle) {
            cv_publish_thread(run->bus, a->lane, CV_THREAD_BUSY, NULL);
            idle = false;
        }
        line(&ctx->c, CV_LINE_PRIMES_THREADS_WORKER_PUT);
        prime_result r = check(&ctx->c, j.f, a->lane, j.n);
        cv_future_release(j.f);
        queue_put(&ctx->results, &r);
    }
    line(&ctx->c, CV_LINE_PRIMES_THREADS_WORKER_DONE);
    cv_publish_thread(run->bus, a->lane, CV_THREAD_IDLE, NULL);
    prime_result done = {0};
    queue_put(&ctx->results, &done);
    cv_gil_release(ctx->c.gil, CV_GIL_DONE);
    cv_publish_thread(run->bus, a->lane, CV_THREAD_STOPPED, NULL);
    return NULL;
}

static int run_threads(cv_run *run, const checker *c, const uint64_t *numbers, size_t count,
                       int nworkers)
{
    workers_ctx ctx = {.c = *c};
    ctx.c.listing = CV_LISTING_PRIMES_THREADS;
    ctx.c.line_divide = CV_LINE_PRIMES_THREADS_DIVIDE;
    c = &ctx.c;
    worker_arg args[MAX_WORKERS];
    pthread_t threads[MAX_WORKERS];
    if (queue_init(&ctx.jobs, sizeof(job), count + (size_t)nworkers) != 0)
        goto no_memory;
    if (queue_init(&ctx.results, sizeof(prime_result), count + (size_t)nworkers) != 0) {
        queue_destroy(&ctx.jobs);
        goto no_memory;
    }
    cv_gil_acquire(c->gil); /* main runs Python code */
    line(c, CV_LINE_PRIMES_THREADS_MAIN_START);
    cv_run_log(run, "Checking %zu numbers with %d threads:", count, nworkers);
    if (c->gil != NULL)
        mark(run, "%d threads will check the numbers, but under the GIL only one thread runs "
                  "Python code at a time: they take turns, so this is about as slow as "
                  "sequential", nworkers);
    else
        mark(run, "No GIL (free-threaded CPython, PEP 703): the %d threads run Python code at "
                  "once, on as many cores as there are", nworkers);
    int64_t t0 = cv_clock_mono_ns();
    /* start_jobs(): every number, then a thread and a poison pill each. */
    line(c, CV_LINE_PRIMES_THREADS_MAIN_JOBS);
    line(c, CV_LINE_PRIMES_THREADS_PUT_JOB);
    for (size_t i = 0; i < count; i++) {
        job j = {numbers[i], new_check(run, numbers[i])};
        queue_put(&ctx.jobs, &j);
    }
    int started = 0;
    for (; started < nworkers; started++) {
        args[started] = (worker_arg){&ctx, cv_bus_new_lane(run->bus), started};
        line(c, CV_LINE_PRIMES_THREADS_START_WORKER);
        if (pthread_create(&threads[started], NULL, worker, &args[started]) != 0)
            break;
        line(c, CV_LINE_PRIMES_THREADS_POISON);
        job pill = {0, NULL};
        queue_put(&ctx.jobs, &pill);
    }
    int status = 0;
    if (started < nworkers) {
        cv_run_log(run, "error: cannot start thread %d", started + 1);
        status = 1;
    }
    /* report(): results in completion order, until every worker is done. */
    size_t checked = 0;
    line(c, CV_LINE_PRIMES_THREADS_MAIN_REPORT);
    for (int done = 0; done < started;) {
        prime_result r;
        line(c, CV_LINE_PRIMES_THREADS_RESULT_GET);
        queue_get(&ctx.results, &r, c->gil, run->bus, "results.get()");
        if (r.n == 0) {
            line(c, CV_LINE_PRIMES_THREADS_WORKER_COUNTED);
            done++;
        } else if (!r.stopped) {
            checked++;
            line(c, CV_LINE_PRIMES_THREADS_REPORT);
            print_result(run, &r);
        }
    }
    double elapsed = (double)(cv_clock_mono_ns() - t0) / 1e9;
    if (!cv_run_stopping(run) && status == 0) {
        line(c, CV_LINE_PRIMES_THREADS_TOTAL);
        cv_run_log(run, "%zu checks in %.2fs", checked, elapsed);
        if (c->gil != NULL)
            mark(run, "Done: the threads took turns holding the GIL, so %zu checks took about as "
                      "long as one thread doing them all", checked);
        else
            mark(run, "Done: without the GIL the threads checked numbers in parallel");
    }
    cv_gil_release(c->gil, CV_GIL_DONE);
    for (int i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    /* Jobs no thread took (a thread that failed to start): cancelled. */
    job j;
    while (ctx.jobs.head != ctx.jobs.tail) {
        queue_get(&ctx.jobs, &j, NULL, NULL, NULL);
        if (j.f != NULL) {
            cv_future_cancel(j.f);
            cv_future_release(j.f);
        }
    }
    queue_destroy(&ctx.jobs);
    queue_destroy(&ctx.results);
    return status;

no_memory:
    cv_run_log(run, "out of memory");
    return 1;
}

/* ---- how much work ---- */

/* The trial divisions is_prime(n) makes: up to its smallest odd factor
 * when that is below 2**17 (found here), else all up to the root (exact
 * for a prime, an upper bound otherwise). */
static double divisions(uint64_t n)
{
    if (n < 3 || n % 2 == 0)
        return 0;
    uint64_t root = cv_primes__isqrt(n);
    for (uint64_t i = 3; i <= root && i < (1u << 17); i += 2)
        if (n % i == 0)
            return (double)(i - 1) / 2;
    return (double)(root - 1) / 2;
}

/* Rounds such that checking the numbers one after another takes about
 * DEMO_SECONDS / speed. */
static unsigned pick_rounds(const uint64_t *numbers, size_t count, double speed)
{
    double best = cv_primes__seconds_per_division();
    double total = 0;
    for (size_t i = 0; i < count; i++)
        total += divisions(numbers[i]);
    if (best == 0 || total == 0)
        return 1;
    double rounds = DEMO_SECONDS / speed / (total * best);
    return rounds < 1 ? 1 : rounds > 1e6 ? 1000000 : (unsigned)(rounds + 0.5);
}

/* ---- the scenario ---- */

static bool parse_number(const char *s, uint64_t *out)
{
    if (s[0] < '0' || s[0] > '9')
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0' || v == 0)
        return false;
    *out = v;
    return true;
}

static int validate(const cv_opts *opts, char *err, size_t errlen)
{
    if (cv_opts_flag(opts, "gil") && cv_opts_flag(opts, "no-gil")) {
        snprintf(err, errlen, "--gil and --no-gil cannot both be given");
        return CV_EINVAL;
    }
    for (size_t i = 0; i < opts->npos; i++) {
        uint64_t n;
        if (!parse_number(opts->pos[i], &n)) {
            snprintf(err, errlen, "NUMBER must be a whole number from 1 to %" PRIu64 ", not '%s'",
                     UINT64_MAX, opts->pos[i]);
            return CV_EINVAL;
        }
    }
    return 0;
}

static int run_primes(cv_run *run)
{
    const cv_opts *opts = run->opts;
    static const char *const modes[] = {"sequential", "threads", "procs", "pool"};
    int mode = 1;
    const char *m = cv_opts_str(opts, "mode");
    for (int k = 0; k < 4; k++)
        if (m != NULL && strcasecmp(m, modes[k]) == 0)
            mode = k;
    uint64_t *numbers = malloc((opts->npos > 0 ? opts->npos : CV_PRIMES_BOOK_COUNT) * sizeof *numbers);
    if (numbers == NULL) {
        cv_run_log(run, "out of memory");
        return 1;
    }
    size_t count = opts->npos;
    for (size_t i = 0; i < count; i++)
        parse_number(opts->pos[i], &numbers[i]);
    if (count == 0) {
        count = CV_PRIMES_BOOK_COUNT;
        memcpy(numbers, cv_primes__book_numbers, sizeof cv_primes__book_numbers);
    }
    int nworkers;
    if (cv_opts_given(opts, "workers")) {
        nworkers = (int)cv_opts_int(opts, "workers");
    } else {
        long cores = sysconf(_SC_NPROCESSORS_ONLN); /* os.cpu_count() */
        nworkers = cores < 1 ? 1 : cores > MAX_WORKERS ? MAX_WORKERS : (int)cores;
    }
    unsigned rounds = cv_opts_given(opts, "rounds") ? (unsigned)cv_opts_int(opts, "rounds")
                                                    : pick_rounds(numbers, count, run->speed);
    mark(run, "Each trial division is done %u time%s over, so that C, which divides about 40 "
              "times faster than CPython, is as slow to watch", rounds, rounds == 1 ? "" : "s");
    int status;
    if (mode == 2) {
        status = cv_primes__run_procs(run, numbers, count, nworkers, rounds);
    } else if (mode == 3) {
        status = cv_primes__run_pool(run, numbers, count, nworkers, rounds);
    } else {
        checker c = {.run = run, .rounds = rounds};
        if (!cv_opts_flag(opts, "no-gil") && (c.gil = cv_gil_create(run->bus)) == NULL) {
            cv_run_log(run, "out of memory");
            free(numbers);
            return 1;
        }
        status = mode == 0 ? run_sequential(run, &c, numbers, count)
                           : run_threads(run, &c, numbers, count, nworkers);
        cv_gil_destroy(c.gil);
    }
    free(numbers);
    return status;
}

static const char *const mode_choices[] = {"sequential", "threads", "procs", "pool", NULL};

static const cv_opt_spec primes_options[] = {
    {.name = "mode", .type = CV_OPT_STR, .def = "threads", .metavar = "MODE",
     .choices = mode_choices,
     .help = "sequential (sequential.py), threads (threads.py), procs (procs.py) or pool "
             "(proc_pool.py)"},
    {.name = "workers", .type = CV_OPT_INT, .min = 1, .max = MAX_WORKERS, .metavar = "N",
     .help = "threads or processes (default: the number of cores, os.cpu_count())"},
    {.name = "gil", .type = CV_OPT_FLAG,
     .help = "threads share CPython's GIL, as in the book (the default)"},
    {.name = "no-gil", .type = CV_OPT_FLAG,
     .help = "no GIL: free-threaded CPython (PEP 703), threads run in parallel"},
    {.name = "rounds", .type = CV_OPT_INT, .min = 1, .max = 1000000, .metavar = "N",
     .help = "each trial division done N times over (default: calibrated so that the "
             "sequential run takes about 10 s / speed here)"},
    {0},
};

const cv_scenario cv_scenario_primes = {
    .name = "primes",
    .summary = "is_prime of 20 large numbers: sequential, threads under the GIL, processes",
    .options = primes_options,
    .max_positional = CV_OPTS_MAX_POS,
    .positional_usage = "[NUMBER ...]",
    .validate = validate,
    .run = run_primes,
};
