/*
 * The process-pool executor, with the behaviour of Python 3.11's
 * concurrent.futures.ProcessPoolExecutor on Linux (fork): the first submit
 * starts all max_workers processes, calls run in submission order on
 * whichever process is free, and a process that dies abruptly breaks the
 * pool: every call pending or running fails with BrokenProcessPool and
 * later submits are refused.  Each process is a lane ("process N", role
 * CV_ROLE_PROCESS) whose busy and idle moves are told by the child itself
 * through its event channel (proc.h).
 *
 * A call's argument is copied by value into its job (at most
 * CV_PROCPOOL_ARG_MAX bytes): memory the parent writes after the fork is
 * not the child's, so a pointer into it would read stale memory.  The
 * function runs in the child, which may only do fork-safe things (proc.h).
 */
#ifndef CV_PROCPOOL_H
#define CV_PROCPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "bus.h"
#include "future.h"
#include "map.h"

#define CV_PROCPOOL_ARG_MAX 64

/* The words of Python's BrokenProcessPool for the calls it fails. */
#define CV_PROCPOOL_BROKEN_MESSAGE                                                            \
    "A process in the process pool was terminated abruptly while the future was running or " \
    "pending."

typedef struct cv_procpool cv_procpool;

/* os.cpu_count(), Python's default for max_workers. */
int cv_procpool_default_workers(void);

/* NULL if max_workers <= 0 (Python: ValueError) or without memory. */
cv_procpool *cv_procpool_create(cv_bus *bus, int max_workers);
/* Shuts down (waiting for the calls queued), kills what still runs,
 * reaps every process and frees the pool.  Futures stay valid. */
void cv_procpool_destroy(cv_procpool *pool);

/* Queues fn(copy of arg[0..len), aligned to 8) and returns its future (the caller owns
 * one reference); NULL with *err: CV_ESHUTDOWN after shutdown, CV_EBROKEN
 * once broken, CV_EINVAL if len > CV_PROCPOOL_ARG_MAX, CV_ENOMEM when no
 * process could be started. */
cv_future *cv_procpool_submit(cv_procpool *pool, const char *label, cv_fn fn, const void *arg,
                              size_t len, int *err);

/* One call of a map: arg is copied, len bytes. */
typedef struct cv_proccall {
    cv_fn fn;
    const void *arg;
    size_t len;
    const char *label;
} cv_proccall;

/* Executor.map on the pool: results in argument order (map.h). */
cv_map *cv_procpool_map(cv_procpool *pool, const cv_proccall *calls, size_t n, double timeout_s,
                        int *err);

/* No new calls; cancel_futures cancels those not yet given to a process;
 * wait waits until every process has finished its calls and exited. */
void cv_procpool_shutdown(cv_procpool *pool, bool wait, bool cancel_futures);
/* Kills every process now (a run stopped by the user): the calls they
 * held fail as a broken pool's do. */
void cv_procpool_terminate(cv_procpool *pool);

bool cv_procpool_broken(cv_procpool *pool);
int cv_procpool_max_workers(const cv_procpool *pool);
/* Processes started so far, and the pid of the i-th (0 if none). */
int cv_procpool_processes(cv_procpool *pool);
pid_t cv_procpool_pid(cv_procpool *pool, int i);

#endif
