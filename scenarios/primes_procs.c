/*
 * primes' two process modes: procs.py (19-concurrency/primes) and
 * proc_pool.py (20-executors/primes) of Fluent Python.
 *
 * procs: a Process per worker, fed from one job queue (a pipe of
 * fixed-size records, read whole by whichever child is free) and stopped
 * by a poison pill each (0).  Results come back in completion order, one
 * line each, then `N checks in 1.23s`.  Each number is a call on the
 * process lane that checks it: pending when queued, running when a child
 * takes it, finished when its result arrives.  The child tells the parent
 * both as data on its channel, and the parent's relay publishes them (so
 * the parent knows, on a stop, which calls were cut short and where).
 *
 * pool: ProcessPoolExecutor.map over the numbers sorted largest first;
 * results print in argument order while the lanes show the processes
 * finishing out of order, then `Total time: 1.23s`.
 *
 * The children cannot see the run's stop notice (their memory is a copy),
 * so a watcher thread in the parent kills them when the user stops the
 * run; the run then ends at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "listing.h"
#include "primes_private.h"
#include "proc.h"
#include "procpool.h"

static double seconds_since(int64_t t0_ns)
{
    return (double)(cv_clock_mono_ns() - t0_ns) / 1e9;
}

/* ---- a thread that kills the children when the user stops the run ---- */

typedef struct stop_watch {
    cv_run *run;
    atomic_bool done;
    void (*kill)(void *ctx);
    void *ctx;
    pthread_t thread;
    bool started;
} stop_watch;

static void *watch_main(void *arg)
{
    stop_watch *w = arg;
    while (!atomic_load(&w->done)) {
        if (cv_notice_wait_for(&w->run->stop, 0.05)) {
            w->kill(w->ctx);
            break;
        }
    }
    return NULL;
}

static void watch_start(stop_watch *w, cv_run *run, void (*kill)(void *), void *ctx)
{
    w->run = run;
    atomic_init(&w->done, false);
    w->kill = kill;
    w->ctx = ctx;
    w->started = pthread_create(&w->thread, NULL, watch_main, w) == 0;
}

static void watch_stop(stop_watch *w)
{
    atomic_store(&w->done, true);
    if (w->started)
        pthread_join(w->thread, NULL);
}

/* ---- procs.py ---- */

/* A job on the queue: n == 0 is the poison pill. */
typedef struct job_rec {
    uint64_t n;
    uint32_t index;
    uint32_t pad;
} job_rec;

/* What a child tells its parent, as data on its channel. */
enum { MSG_TOOK, MSG_RESULT, MSG_DONE };
typedef struct result_msg {
    uint32_t type;
    uint32_t index;
    uint64_t n;
    int64_t elapsed_ns;
    bool prime;
} result_msg;

typedef struct procs_run procs_run;

typedef struct procs_worker {
    procs_run *pr;
    cv_proc *proc;
    bool done; /* sent its MSG_DONE, or is gone (under pr->mu) */
} procs_worker;

struct procs_run {
    cv_run *run;
    const uint64_t *numbers;
    size_t count;
    unsigned rounds;
    int jobs_rd; /* the queue's read end, for the children */
    uint64_t *ids;
    int *lanes;   /* the lane running each call, CV_NO_LANE if none yet */
    uint8_t *fin; /* each call's state: 0 queued, 1 running, 2 finished */
    procs_worker *workers;
    int nworkers;

    /* The results queue, in completion order. */
    pthread_mutex_t mu;
    pthread_cond_t cond;
    result_msg *results;
    size_t head, tail;
};

static void push_result(procs_run *pr, const result_msg *m)
{
    pr->results[pr->tail++] = *m;
    pthread_cond_signal(&pr->cond);
}

/* The child's line in procs.py, sent up its channel. */
static void child_line(cv_chan *chan, int line)
{
    cv_chan_event(chan, CV_EV_LINE, 0, 0, (uint64_t)line, CV_LISTING_PRIMES_PROCS, NULL);
}

/* In the child: worker() of procs.py. */
static void procs_child(cv_chan *chan, void *arg)
{
    procs_run *pr = arg;
    job_rec job;
    for (;;) {
        child_line(chan, CV_LINE_PRIMES_PROCS_WORKER_GET);
        ssize_t n = read(pr->jobs_rd, &job, sizeof job);
        if (n < 0 && errno == EINTR)
            continue;
        if (n != (ssize_t)sizeof job || job.n == 0)
            break;
        cv_proc_msg m = {.kind = CV_PROC_DATA, .len = sizeof(result_msg)};
        result_msg *r = (result_msg *)(void *)m.body;
        *r = (result_msg){.type = MSG_TOOK, .index = job.index, .n = job.n};
        if (!cv_chan_emit(chan, &m))
            return;
        cv_chan_event(chan, CV_EV_THREAD, CV_THREAD_BUSY, 0, 0, 0, NULL);
        child_line(chan, CV_LINE_PRIMES_PROCS_WORKER_PUT);
        child_line(chan, CV_LINE_PRIMES_PROCS_DIVIDE);
        bool prime;
        int64_t elapsed = cv_primes__check(job.n, pr->rounds, NULL, NULL, &prime, NULL);
        cv_chan_event(chan, CV_EV_THREAD, CV_THREAD_IDLE, 0, 0, 0, NULL);
        *r = (result_msg){.type = MSG_RESULT, .index = job.index, .n = job.n,
                          .elapsed_ns = elapsed, .prime = prime};
        if (!cv_chan_emit(chan, &m))
            return;
    }
    child_line(chan, CV_LINE_PRIMES_PROCS_WORKER_DONE);
    cv_proc_msg m = {.kind = CV_PROC_DATA, .len = sizeof(result_msg)};
    *(result_msg *)(void *)m.body = (result_msg){.type = MSG_DONE};
    cv_chan_emit(chan, &m);
}

/* In the parent, on a child's relay thread. */
static void procs_data(cv_proc *p, const cv_proc_msg *m, void *ctx)
{
    procs_worker *w = ctx;
    procs_run *pr = w->pr;
    result_msg r;
    memcpy(&r, m->body, sizeof r);
    cv_bus *bus = pr->run->bus;
    int lane = cv_proc_lane(p);
    pthread_mutex_lock(&pr->mu);
    if (r.type == MSG_DONE) {
        w->done = true;
        push_result(pr, &r);
    } else if (r.index < pr->count) {
        if (r.type == MSG_TOOK) {
            pr->lanes[r.index] = lane;
            pr->fin[r.index] = 1;
            cv_publish_future(bus, pr->ids[r.index], CV_RUNNING, lane, NULL, 0, 0);
        } else {
            pr->fin[r.index] = 2;
            cv_publish_future(bus, pr->ids[r.index], CV_FINISHED, lane,
                              r.prime ? "True" : "False", r.prime, 0);
            push_result(pr, &r);
        }
    }
    pthread_mutex_unlock(&pr->mu);
}

/* A child gone without its pill's answer (killed) counts as done. */
static void procs_exited(cv_proc *p, int status, void *ctx)
{
    (void)p, (void)status;
    procs_worker *w = ctx;
    procs_run *pr = w->pr;
    pthread_mutex_lock(&pr->mu);
    if (!w->done) {
        w->done = true;
        result_msg r = {.type = MSG_DONE};
        push_result(pr, &r);
    }
    pthread_mutex_unlock(&pr->mu);
}

static void procs_kill(void *ctx)
{
    procs_run *pr = ctx;
    pthread_mutex_lock(&pr->mu);
    for (int i = 0; i < pr->nworkers; i++)
        cv_proc_kill(pr->workers[i].proc);
    pthread_mutex_unlock(&pr->mu);
}

/* jobs.put(): the queue's write end does not block, so that a full queue
 * whose readers were killed (the run stopped) cannot hold main forever. */
static bool put_job(cv_run *run, int fd, uint64_t n, uint32_t index)
{
    job_rec job = {.n = n, .index = index};
    for (;;) {
        ssize_t w = write(fd, &job, sizeof job);
        if (w == (ssize_t)sizeof job)
            return true;
        if (w < 0 && errno == EINTR)
            continue;
        if (w >= 0 || errno != EAGAIN || cv_run_stopping(run))
            return false; /* a record is never cut: it is smaller than PIPE_BUF */
        struct pollfd pfd = {.fd = fd, .events = POLLOUT};
        poll(&pfd, 1, 50);
    }
}

/* for n in NUMBERS: jobs.put(n), each a pending call. */
static void put_numbers(procs_run *pr, int fd)
{
    for (size_t i = 0; i < pr->count; i++) {
        char label[48];
        snprintf(label, sizeof label, "check(%" PRIu64 ")", pr->numbers[i]);
        pr->ids[i] = cv_bus_new_id(pr->run->bus);
        pr->lanes[i] = CV_NO_LANE;
        cv_publish_future(pr->run->bus, pr->ids[i], CV_PENDING, CV_NO_LANE, label, 0, 0);
        put_job(pr->run, fd, pr->numbers[i], (uint32_t)i);
    }
}

/* for _ in range(workers): Process(...).start(); jobs.put(0) -- the pill
 * only when pill_fd >= 0.  Under pr->mu, so that no relay reads the
 * workers array while it grows. */
static void start_workers(procs_run *pr, int workers, int pill_fd)
{
    pthread_mutex_lock(&pr->mu);
    for (int i = 0; i < workers; i++) {
        procs_worker *w = &pr->workers[i];
        w->pr = pr;
        char name[32];
        snprintf(name, sizeof name, "process %d", i + 1);
        cv_proc_hooks hooks = {.data = procs_data, .exited = procs_exited, .ctx = w};
        w->proc = cv_proc_start(pr->run->bus, name, procs_child, pr, &hooks);
        if (w->proc == NULL)
            break;
        pr->nworkers++;
        if (pill_fd >= 0)
            put_job(pr->run, pill_fd, 0, 0);
    }
    pthread_mutex_unlock(&pr->mu);
}

int cv_primes__run_procs(cv_run *run, const uint64_t *numbers, size_t count, int workers,
                         unsigned rounds)
{
    if (workers <= 0)
        workers = cv_procpool_default_workers();
    cv_run_line(run, CV_LISTING_PRIMES_PROCS, CV_LINE_PRIMES_PROCS_MAIN_START);
    cv_run_log(run, "Checking %zu numbers with %d processes:", count, workers);
    procs_run pr = {.run = run, .numbers = numbers, .count = count, .rounds = rounds};
    size_t nres = count + (size_t)workers;
    pr.ids = calloc(count ? count : 1, sizeof *pr.ids);
    pr.lanes = calloc(count ? count : 1, sizeof *pr.lanes);
    pr.fin = calloc(count ? count : 1, 1);
    pr.workers = calloc((size_t)workers, sizeof *pr.workers);
    pr.results = calloc(nres, sizeof *pr.results);
    int fds[2] = {-1, -1};
    if (pr.ids == NULL || pr.lanes == NULL || pr.fin == NULL || pr.workers == NULL ||
        pr.results == NULL || pipe2(fds, O_CLOEXEC) < 0 ||
        fcntl(fds[1], F_SETFL, O_NONBLOCK) < 0) {
        cv_run_log(run, "cannot start the processes: %s", cv_strerror(CV_ENOMEM));
        if (fds[0] >= 0)
            close(fds[0]), close(fds[1]);
        free(pr.ids), free(pr.lanes), free(pr.fin), free(pr.workers), free(pr.results);
        return 1;
    }
    pthread_mutex_init(&pr.mu, NULL);
    cv_clock_cond_init(&pr.cond);
    cv_proc_fd_private(fds[1]);
    pr.jobs_rd = fds[0];
    /* The queue holds every job and pill before a child reads one, as
     * SimpleQueue does for the book's twenty; a pipe that cannot grow to
     * that size would block this loop, so then the children start first. */
    long want = (long)(nres * sizeof(job_rec));
    bool fits = want <= 65536 || fcntl(fds[1], F_SETPIPE_SZ, (int)want) >= want;

    int64_t t0 = cv_clock_mono_ns();
    stop_watch watch;
    watch_start(&watch, run, procs_kill, &pr);
    cv_run_line(run, CV_LISTING_PRIMES_PROCS, CV_LINE_PRIMES_PROCS_MAIN_JOBS);
    if (fits) {
        put_numbers(&pr, fds[1]);
        start_workers(&pr, workers, fds[1]);
    } else {
        start_workers(&pr, workers, -1);
        put_numbers(&pr, fds[1]);
        for (int i = 0; i < pr.nworkers; i++)
            put_job(run, fds[1], 0, 0);
    }
    close(fds[0]); /* the children have their copies */

    int status = 0;
    if (pr.nworkers < workers) {
        cv_run_log(run, "could only start %d of %d processes", pr.nworkers, workers);
        status = pr.nworkers == 0 ? 1 : 0;
    }
    int workers_done = 0;
    size_t checked = 0;
    cv_run_line(run, CV_LISTING_PRIMES_PROCS, CV_LINE_PRIMES_PROCS_MAIN_REPORT);
    pthread_mutex_lock(&pr.mu);
    while (workers_done < pr.nworkers) {
        pthread_mutex_unlock(&pr.mu);
        cv_run_line(run, CV_LISTING_PRIMES_PROCS, CV_LINE_PRIMES_PROCS_RESULT_GET);
        pthread_mutex_lock(&pr.mu);
        while (pr.head == pr.tail)
            pthread_cond_wait(&pr.cond, &pr.mu);
        result_msg r = pr.results[pr.head++];
        pthread_mutex_unlock(&pr.mu);
        if (r.type == MSG_DONE) {
            cv_run_line(run, CV_LISTING_PRIMES_PROCS, CV_LINE_PRIMES_PROCS_WORKER_COUNTED);
            workers_done++;
        } else {
            checked++;
            cv_run_line(run, CV_LISTING_PRIMES_PROCS, CV_LINE_PRIMES_PROCS_REPORT);
            char line[96];
            cv_primes__format(line, sizeof line, r.n, r.prime, (double)r.elapsed_ns / 1e9);
            cv_run_log(run, "%s", line);
        }
        pthread_mutex_lock(&pr.mu);
    }
    pthread_mutex_unlock(&pr.mu);
    watch_stop(&watch);
    for (int i = 0; i < pr.nworkers; i++)
        cv_proc_destroy(pr.workers[i].proc);

    /* Calls a killed child held, or never took, end here: stopped by the
     * user (the model reads them as stopped after the user's mark). */
    for (size_t i = 0; i < count && pr.nworkers > 0; i++) {
        if (pr.fin[i] == 1)
            cv_publish_future(run->bus, pr.ids[i], CV_FAILED, pr.lanes[i], "stopped", 0,
                              CV_ECANCELLED);
        else if (pr.fin[i] == 0)
            cv_publish_future(run->bus, pr.ids[i], CV_CANCELLED, CV_NO_LANE, NULL, 0, 0);
    }
    if (!cv_run_stopping(run) && pr.nworkers > 0) {
        cv_run_line(run, CV_LISTING_PRIMES_PROCS, CV_LINE_PRIMES_PROCS_TOTAL);
        cv_run_log(run, "%zu checks in %.2fs", checked, seconds_since(t0));
    }

    cv_proc_fd_forget(fds[1]);
    close(fds[1]);
    pthread_cond_destroy(&pr.cond);
    pthread_mutex_destroy(&pr.mu);
    free(pr.ids), free(pr.lanes), free(pr.fin), free(pr.workers), free(pr.results);
    return status;
}

/* ---- proc_pool.py ---- */

typedef struct check_arg {
    uint64_t n;
    unsigned rounds;
} check_arg;

/* check(n) of proc_pool.py, in a pool's child: the value is the time it
 * took in ns, the text is is_prime's answer. */
static void pool_check(void *arg, cv_result *out)
{
    const check_arg *a = arg;
    bool prime;
    out->value = cv_primes__check(a->n, a->rounds, NULL, NULL, &prime, NULL);
    memcpy(out->text, prime ? "True" : "False", prime ? 5 : 6);
}

static void pool_kill(void *ctx)
{
    cv_procpool_terminate(ctx);
}

static int descending(const void *a, const void *b)
{
    uint64_t x = ((const check_arg *)a)->n, y = ((const check_arg *)b)->n;
    return x < y ? 1 : x > y ? -1 : 0;
}

int cv_primes__run_pool(cv_run *run, const uint64_t *numbers, size_t count, int workers,
                        unsigned rounds)
{
    /* executor = ProcessPoolExecutor(workers); workers None: cpu_count() */
    cv_run_line(run, CV_LISTING_PRIMES_POOL, CV_LINE_PRIMES_POOL_EXECUTOR);
    cv_procpool *pool = cv_procpool_create(
        run->bus, workers <= 0 ? cv_procpool_default_workers() : workers);
    check_arg *args = calloc(count ? count : 1, sizeof *args);
    cv_proccall *calls = calloc(count ? count : 1, sizeof *calls);
    char (*labels)[48] = calloc(count ? count : 1, sizeof *labels);
    if (pool == NULL || args == NULL || calls == NULL || labels == NULL) {
        cv_run_log(run, "cannot create the pool: %s", cv_strerror(CV_ENOMEM));
        cv_procpool_destroy(pool), free(args), free(calls), free(labels);
        return 1;
    }
    cv_run_line(run, CV_LISTING_PRIMES_POOL, CV_LINE_PRIMES_POOL_MAIN_START);
    cv_run_log(run, "Checking %zu numbers with %d processes:", count,
               cv_procpool_max_workers(pool));
    int64_t t0 = cv_clock_mono_ns();
    /* numbers = sorted(NUMBERS, reverse=True) */
    for (size_t i = 0; i < count; i++)
        args[i] = (check_arg){.n = numbers[i], .rounds = rounds};
    qsort(args, count, sizeof *args, descending);
    for (size_t i = 0; i < count; i++) {
        snprintf(labels[i], sizeof labels[i], "check(%" PRIu64 ")", args[i].n);
        calls[i] = (cv_proccall){pool_check, &args[i], sizeof args[i], labels[i]};
    }
    stop_watch watch;
    watch_start(&watch, run, pool_kill, pool);
    int status = 0, err;
    /* with executor: for n, prime, elapsed in executor.map(check, numbers) */
    cv_run_line(run, CV_LISTING_PRIMES_POOL, CV_LINE_PRIMES_POOL_MAP);
    cv_map *m = cv_procpool_map(pool, calls, count, -1, &err);
    if (m == NULL) {
        cv_run_log(run, "cannot submit the checks: %s", cv_strerror(err));
        status = 1;
    }
    for (size_t i = 0; m != NULL && i < count; i++) {
        cv_result r;
        cv_run_line(run, CV_LISTING_PRIMES_POOL, CV_LINE_PRIMES_POOL_MAP);
        int rc = cv_map_next(m, &r);
        if (rc != CV_OK) {
            if (!cv_run_stopping(run)) {
                cv_run_log(run, "%s", rc == CV_EFAILED ? r.message : cv_strerror(rc));
                status = 1;
            }
            break;
        }
        char line[96];
        cv_run_line(run, CV_LISTING_PRIMES_POOL, CV_LINE_PRIMES_POOL_REPORT);
        cv_primes__format(line, sizeof line, args[i].n, strcmp(r.text, "True") == 0,
                          (double)r.value / 1e9);
        cv_run_log(run, "%s", line);
    }
    cv_map_close(m);
    cv_procpool_shutdown(pool, true, false); /* the end of `with executor` */
    watch_stop(&watch);
    if (status == 0 && !cv_run_stopping(run)) {
        cv_run_line(run, CV_LISTING_PRIMES_POOL, CV_LINE_PRIMES_POOL_TOTAL);
        cv_run_log(run, "Total time: %.2fs", seconds_since(t0));
    }
    cv_procpool_destroy(pool);
    free(args), free(calls), free(labels);
    return status;
}
