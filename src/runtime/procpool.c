/*
 * The process pool (see procpool.h): one lock, a FIFO of jobs, and a
 * process per worker, each with a job of its own at most.
 *
 * CPython feeds one shared call queue that every worker reads, and marks
 * a future running when it enters that queue, before any process holds
 * it.  Here the parent gives a job to a process it knows is free, over
 * that process's own channel, and marks the future running on that
 * process's lane at that moment: which process runs which call is then a
 * fact of the log rather than a guess, and what is visible (N processes,
 * each taking the next call when it is done with one, in submission
 * order) is the same.  A job goes out when a process becomes free (its
 * relay thread hands the result in and takes the next job) or when a
 * submit finds one free.
 *
 * A child's life: wait for a job, say busy, run it, say idle, send the
 * result as data; a job without a function is the poison pill (shutdown).
 * Idle goes before the result so that, on the lane, the next call's
 * running never precedes the previous call's idle.
 *
 * Breaking.  A relay that sees its child exit while the pool did not ask
 * it to (any death but a clean exit after the pill) breaks the pool, as
 * CPython's executor manager does when a worker's sentinel fires: every
 * other process is killed, every job held or queued fails with
 * CV_EBROKEN and Python's words, and submits are refused from then on.
 * Nothing waits for the dead child, so nothing hangs.
 */
#include "procpool.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc.h"

/* What travels to the child: the call and its argument by value. */
typedef struct job_msg {
    cv_fn fn; /* NULL: the poison pill */
    uint32_t len;
    char label[48];
    /* Aligned for the argument's numbers and pointers (a future's extra
     * bytes, where the job lives, are aligned to 8). */
    _Alignas(8) unsigned char arg[CV_PROCPOOL_ARG_MAX];
} job_msg;
_Static_assert(sizeof(job_msg) <= CV_PROC_BODY, "a job fits one message");
_Static_assert(sizeof(cv_result) <= CV_PROC_BODY, "a result fits one message");

/* A queued call, in its future's extra bytes. */
typedef struct job {
    struct job *next;
    cv_future *f;
    job_msg msg;
} job;

typedef struct worker {
    cv_procpool *pool;
    cv_proc *proc;
    job *current;
    bool idle;
    bool pill_sent;
} worker;

struct cv_procpool {
    cv_bus *bus;
    int max_workers;
    pthread_mutex_t mu;
    worker *workers;
    int nworkers;
    job *head, *tail; /* pending, in submission order */
    bool shutdown, broken, started;
};

int cv_procpool_default_workers(void)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return cores < 1 ? 1 : cores > 1024 ? 1024 : (int)cores;
}

cv_procpool *cv_procpool_create(cv_bus *bus, int max_workers)
{
    if (max_workers <= 0)
        return NULL;
    cv_procpool *pool = calloc(1, sizeof *pool);
    if (pool == NULL)
        return NULL;
    pool->workers = calloc((size_t)max_workers, sizeof *pool->workers);
    if (pool->workers == NULL) {
        free(pool);
        return NULL;
    }
    pool->bus = bus;
    pool->max_workers = max_workers;
    pthread_mutex_init(&pool->mu, NULL);
    return pool;
}

/* ---- in the child ---- */

static void worker_main(cv_chan *chan, void *arg)
{
    (void)arg;
    job_msg msg;
    for (;;) {
        long n = cv_chan_recv(chan, &msg, sizeof msg, -1);
        if (n < (long)sizeof msg || msg.fn == NULL)
            return; /* the pill, or the parent is gone */
        cv_chan_event(chan, CV_EV_THREAD, CV_THREAD_BUSY, 0, 0, 0, NULL);
        cv_proc_msg out;
        memset(&out, 0, sizeof out);
        cv_result *r = (cv_result *)(void *)out.body;
        msg.fn(msg.arg, r);
        r->data = NULL; /* an address in the child means nothing to the parent */
        cv_chan_event(chan, CV_EV_THREAD, CV_THREAD_IDLE, 0, 0, 0, NULL);
        out.kind = CV_PROC_DATA;
        out.len = sizeof *r;
        if (!cv_chan_emit(chan, &out))
            return;
    }
}

/* ---- in the parent ---- */

static void fail_all(cv_procpool *pool, job *list);

/* Gives queued jobs to free processes, and the pill to free processes
 * when the queue is empty after shutdown.  With pool->mu held. */
static void dispatch(cv_procpool *pool)
{
    for (int i = 0; i < pool->nworkers && !pool->broken; i++) {
        worker *w = &pool->workers[i];
        while (w->idle && pool->head != NULL) {
            job *j = pool->head;
            pool->head = j->next;
            if (pool->head == NULL)
                pool->tail = NULL;
            if (!cv_future_set_running(j->f, cv_proc_lane(w->proc))) {
                cv_future_release(j->f); /* cancelled while queued */
                continue;
            }
            w->current = j;
            w->idle = false;
            /* A send that fails means the child is dead: its relay will
             * break the pool and fail this job with the others. */
            cv_proc_send(w->proc, &j->msg, sizeof j->msg);
        }
        if (w->idle && pool->shutdown && pool->head == NULL && !w->pill_sent) {
            job_msg pill = {.fn = NULL};
            w->pill_sent = true;
            cv_proc_send(w->proc, &pill, sizeof pill);
        }
    }
}

static void worker_data(cv_proc *p, const cv_proc_msg *m, void *ctx)
{
    worker *w = ctx;
    cv_procpool *pool = w->pool;
    (void)p;
    cv_result r;
    memcpy(&r, m->body, sizeof r);
    pthread_mutex_lock(&pool->mu);
    job *j = w->current;
    w->current = NULL;
    pthread_mutex_unlock(&pool->mu);
    if (j != NULL) {
        cv_future_set_result(j->f, &r);
        cv_future_release(j->f);
    }
    pthread_mutex_lock(&pool->mu);
    w->idle = true;
    dispatch(pool);
    pthread_mutex_unlock(&pool->mu);
}

static void worker_exited(cv_proc *p, int status, void *ctx)
{
    worker *w = ctx;
    cv_procpool *pool = w->pool;
    (void)p;
    pthread_mutex_lock(&pool->mu);
    w->idle = false;
    bool clean = w->pill_sent && w->current == NULL && WIFEXITED(status) &&
                 WEXITSTATUS(status) == 0;
    if (clean || pool->broken) {
        /* Told to go, or already broken: whoever broke it failed the jobs. */
        job *held = w->current;
        w->current = NULL;
        pthread_mutex_unlock(&pool->mu);
        if (held != NULL)
            fail_all(pool, held);
        return;
    }
    pool->broken = true;
    /* Every job still held by a process, then every job queued. */
    job *list = pool->head;
    pool->head = pool->tail = NULL;
    for (int i = 0; i < pool->nworkers; i++) {
        worker *o = &pool->workers[i];
        if (o->current != NULL) {
            o->current->next = list;
            list = o->current;
            o->current = NULL;
        }
        o->idle = false;
        if (o != w)
            cv_proc_kill(o->proc);
    }
    pthread_mutex_unlock(&pool->mu);
    fail_all(pool, list);
}

/* Fails the jobs of a broken pool, outside its lock. */
static void fail_all(cv_procpool *pool, job *list)
{
    (void)pool;
    cv_result r;
    memset(&r, 0, sizeof r);
    cv_result_fail(&r, CV_EBROKEN, "%s", CV_PROCPOOL_BROKEN_MESSAGE);
    while (list != NULL) {
        job *next = list->next;
        cv_future_set_result(list->f, &r);
        cv_future_release(list->f);
        list = next;
    }
}

/* Starts every process, as 3.11 does on the first submit with fork.  With
 * pool->mu held: the children never touch the lock, and a relay that
 * wants it waits until all are started. */
static int start_workers(cv_procpool *pool)
{
    pool->started = true;
    for (int i = 0; i < pool->max_workers; i++) {
        worker *w = &pool->workers[i];
        w->pool = pool;
        char name[32];
        snprintf(name, sizeof name, "process %d", i + 1);
        cv_proc_hooks hooks = {.data = worker_data, .exited = worker_exited, .ctx = w};
        w->proc = cv_proc_start(pool->bus, name, worker_main, NULL, &hooks);
        if (w->proc == NULL)
            break;
        w->idle = true;
        pool->nworkers++;
    }
    return pool->nworkers > 0 ? CV_OK : CV_ENOMEM;
}

cv_future *cv_procpool_submit(cv_procpool *pool, const char *label, cv_fn fn, const void *arg,
                              size_t len, int *err)
{
    int dummy;
    if (err == NULL)
        err = &dummy;
    if (len > CV_PROCPOOL_ARG_MAX || fn == NULL) {
        *err = CV_EINVAL;
        return NULL;
    }
    pthread_mutex_lock(&pool->mu);
    *err = pool->broken ? CV_EBROKEN : pool->shutdown ? CV_ESHUTDOWN : CV_OK;
    if (*err == CV_OK && !pool->started)
        *err = start_workers(pool);
    if (*err != CV_OK) {
        pthread_mutex_unlock(&pool->mu);
        return NULL;
    }
    void *extra;
    cv_future *f = cv_future_new_extra(pool->bus, label, sizeof(job), &extra);
    if (f == NULL) {
        pthread_mutex_unlock(&pool->mu);
        *err = CV_ENOMEM;
        return NULL;
    }
    job *j = extra;
    memset(j, 0, sizeof *j);
    j->f = f;
    j->msg.fn = fn;
    j->msg.len = (uint32_t)len;
    snprintf(j->msg.label, sizeof j->msg.label, "%s", cv_future_label(f));
    if (len > 0)
        memcpy(j->msg.arg, arg, len);
    cv_future_retain(f); /* the pool's, until the job is done */
    if (pool->tail != NULL)
        pool->tail->next = j;
    else
        pool->head = j;
    pool->tail = j;
    dispatch(pool);
    pthread_mutex_unlock(&pool->mu);
    return f;
}

cv_map *cv_procpool_map(cv_procpool *pool, const cv_proccall *calls, size_t n, double timeout_s,
                        int *err)
{
    int dummy;
    if (err == NULL)
        err = &dummy;
    cv_future **fs = calloc(n ? n : 1, sizeof *fs);
    if (fs == NULL) {
        *err = CV_ENOMEM;
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        fs[i] = cv_procpool_submit(pool, calls[i].label, calls[i].fn, calls[i].arg, calls[i].len,
                                   err);
        if (fs[i] == NULL) {
            for (size_t k = 0; k < i; k++) {
                cv_future_cancel(fs[k]);
                cv_future_release(fs[k]);
            }
            free(fs);
            return NULL;
        }
    }
    cv_map *m = cv_map_of(fs, n, timeout_s);
    free(fs);
    *err = m == NULL ? CV_ENOMEM : CV_OK;
    return m;
}

void cv_procpool_shutdown(cv_procpool *pool, bool wait, bool cancel_futures)
{
    pthread_mutex_lock(&pool->mu);
    pool->shutdown = true;
    if (cancel_futures) {
        job *j = pool->head;
        pool->head = pool->tail = NULL;
        while (j != NULL) {
            job *next = j->next;
            cv_future_cancel(j->f);
            cv_future_release(j->f);
            j = next;
        }
    }
    dispatch(pool);
    int n = pool->nworkers;
    pthread_mutex_unlock(&pool->mu);
    if (wait) {
        /* The workers array does not change once started. */
        for (int i = 0; i < n; i++)
            cv_proc_join(pool->workers[i].proc);
    }
}

void cv_procpool_terminate(cv_procpool *pool)
{
    pthread_mutex_lock(&pool->mu);
    pool->shutdown = true;
    for (int i = 0; i < pool->nworkers; i++)
        cv_proc_kill(pool->workers[i].proc);
    pthread_mutex_unlock(&pool->mu);
}

void cv_procpool_destroy(cv_procpool *pool)
{
    if (pool == NULL)
        return;
    cv_procpool_shutdown(pool, true, false);
    for (int i = 0; i < pool->nworkers; i++)
        cv_proc_destroy(pool->workers[i].proc);
    /* A pool never started, or whose processes all went, may still hold
     * queued jobs: they can no longer run. */
    job *list = pool->head;
    pool->head = pool->tail = NULL;
    fail_all(pool, list);
    pthread_mutex_destroy(&pool->mu);
    free(pool->workers);
    free(pool);
}

bool cv_procpool_broken(cv_procpool *pool)
{
    pthread_mutex_lock(&pool->mu);
    bool broken = pool->broken;
    pthread_mutex_unlock(&pool->mu);
    return broken;
}

int cv_procpool_max_workers(const cv_procpool *pool)
{
    return pool->max_workers;
}

int cv_procpool_processes(cv_procpool *pool)
{
    pthread_mutex_lock(&pool->mu);
    int n = pool->nworkers;
    pthread_mutex_unlock(&pool->mu);
    return n;
}

pid_t cv_procpool_pid(cv_procpool *pool, int i)
{
    pthread_mutex_lock(&pool->mu);
    pid_t pid = i >= 0 && i < pool->nworkers ? cv_proc_pid(pool->workers[i].proc) : 0;
    pthread_mutex_unlock(&pool->mu);
    return pid;
}
