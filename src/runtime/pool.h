/*
 * The thread-pool executor, with the behaviour of Python's
 * concurrent.futures.ThreadPoolExecutor: calls queue in submission order,
 * workers start lazily up to max_workers, and an idle worker is reused
 * before a new one is started.  Every worker is a lane on the bus.
 */
#ifndef CV_POOL_H
#define CV_POOL_H

#include <stdbool.h>

#include "bus.h"
#include "future.h"

typedef struct cv_pool cv_pool;

/* min(32, cores + 4), as Python chooses when max_workers is None: pass
 * it to cv_pool_create for the default. */
int cv_pool_default_workers(void);

/* A pool of at most max_workers threads.  NULL if max_workers <= 0 (where
 * Python raises ValueError) or without memory.  bus may be NULL (events
 * off).  `name` prefixes the workers' lane names ("worker" gives "worker
 * 1", ...). */
cv_pool *cv_pool_create(cv_bus *bus, int max_workers, const char *name);
/* Shuts down (waiting) and frees the pool.  Futures stay valid. */
void cv_pool_destroy(cv_pool *pool);

/* Queues fn(arg) and returns its future (the caller owns one reference),
 * or NULL after shutdown (*err = CV_ESHUTDOWN) or without memory. */
cv_future *cv_pool_submit(cv_pool *pool, const char *label, cv_fn fn, void *arg, int *err);

/* No new calls.  cancel_futures cancels the calls still queued; wait joins
 * every worker after the running calls end. */
void cv_pool_shutdown(cv_pool *pool, bool wait, bool cancel_futures);

int cv_pool_max_workers(const cv_pool *pool);
/* Workers started so far. */
int cv_pool_threads(cv_pool *pool);

#endif
