/*
 * A trace read in the background, so that `concviz replay` opens at once
 * however long the trace: the caller reads the first batch itself (a trace
 * refused there never reaches the screen), then hands the reader to a
 * thread that appends the rest to the log, one batch and one publish at a
 * time, while the UI reads the log as it reads a live run's.  When the
 * reader stops (the end, a truncated last line, a refusal, or a stop asked
 * for), the thread closes the log and keeps the status for the caller.
 *
 * The log has one writer at a time: the caller until it starts the loader,
 * then the loader's thread.  The status and its message are written once,
 * before the log is closed, and read under the lock.
 */
#include "trace.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Events between two publishes: about 10 ms of reading, so the screen's
 * event count moves smoothly and a stop is heard soon. */
#define LOAD_BATCH 65536

struct cv_trace_loader {
    cv_trace_reader *reader;
    cv_log *log;
    pthread_t thread;
    atomic_bool stop;
    pthread_mutex_t lock;
    pthread_cond_t done_cond;
    bool done;
    int status;
    char msg[256];
};

static void *loader_main(void *arg)
{
    cv_trace_loader *l = arg;
    char msg[sizeof l->msg] = "";
    int status;
    do {
        status = cv_trace_reader_next(l->reader, l->log, LOAD_BATCH, msg, sizeof msg);
    } while (status == CV_TRACE_MORE && !atomic_load(&l->stop));
    pthread_mutex_lock(&l->lock);
    l->status = status == CV_TRACE_MORE ? CV_TRACE_END : status; /* stopped early */
    memcpy(l->msg, msg, sizeof msg);
    l->done = true;
    pthread_cond_broadcast(&l->done_cond);
    pthread_mutex_unlock(&l->lock);
    cv_log_close(l->log); /* wakes the UI, which reads the status then */
    return NULL;
}

cv_trace_loader *cv_trace_loader_start(cv_trace_reader *reader, cv_log *log)
{
    cv_trace_loader *l = calloc(1, sizeof *l);
    if (l == NULL)
        return NULL;
    *l = (cv_trace_loader){.reader = reader, .log = log, .status = CV_TRACE_MORE};
    atomic_init(&l->stop, false);
    pthread_mutex_init(&l->lock, NULL);
    pthread_cond_init(&l->done_cond, NULL);
    if (pthread_create(&l->thread, NULL, loader_main, l) != 0) {
        pthread_cond_destroy(&l->done_cond);
        pthread_mutex_destroy(&l->lock);
        free(l);
        return NULL;
    }
    return l;
}

const cv_marks *cv_trace_loader_marks(cv_trace_loader *l)
{
    /* The reader wrote them before the status was set under the lock. */
    return cv_trace_loader_status(l, NULL, 0) == CV_TRACE_MORE ? NULL
                                                              : cv_trace_reader_marks(l->reader);
}

int cv_trace_loader_status(cv_trace_loader *l, char *msg, size_t msglen)
{
    pthread_mutex_lock(&l->lock);
    int status = l->status;
    if (msg != NULL && msglen > 0)
        snprintf(msg, msglen, "%s", l->msg);
    pthread_mutex_unlock(&l->lock);
    return status;
}

int cv_trace_loader_finish(cv_trace_loader *l, double timeout_s, char *msg, size_t msglen)
{
    atomic_store(&l->stop, true);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += (time_t)timeout_s;
    until.tv_nsec += (long)((timeout_s - (double)(time_t)timeout_s) * 1e9);
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&l->lock);
    int rc = 0;
    while (!l->done && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&l->done_cond, &l->lock, &until);
    bool done = l->done;
    pthread_mutex_unlock(&l->lock);
    if (!done) {
        /* Blocked in a read of a pipe that sends nothing: leave the thread
         * (and the log it writes) to the process's exit. */
        snprintf(msg, msglen, "stopped while reading");
        return CV_TRACE_MORE;
    }
    pthread_join(l->thread, NULL);
    int status = cv_trace_loader_status(l, msg, msglen);
    cv_trace_reader_close(l->reader);
    pthread_cond_destroy(&l->done_cond);
    pthread_mutex_destroy(&l->lock);
    free(l);
    return status;
}
