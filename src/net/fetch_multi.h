/*
 * Many downloads on one thread: libcurl's multi interface driven by the
 * project's event loop (loop.h), the way an asyncio HTTP client rides on
 * asyncio's selector.  libcurl says which sockets to watch and when to wake
 * it; the loop watches and wakes; each finished transfer wakes the task
 * awaiting it.  A transfer is a cv_fetch_op, which a task awaits with
 * CV_AWAIT_FETCH, so a download reads like flags2_asyncio's
 *
 *     image = await get_flag(client, base_url, cc)
 *
 * Everything here belongs to the loop's thread.
 */
#ifndef CV_FETCH_MULTI_H
#define CV_FETCH_MULTI_H

#include <stdbool.h>

#include "coro.h"
#include "fetch.h"
#include "loop.h"

typedef struct cv_fetch_multi cv_fetch_multi;

/* One transfer that a task can await.  Set op->fetch up with
 * cv_fetch_init() first; the other fields are private. */
typedef struct cv_fetch_op {
    cv_fetch fetch;
    cv_fetch_multi *multi_;
    void *easy_;
    bool started_;
    bool done_;
    cv_waitq waitq_;
    cv_list node_; /* on the client's transfers while started */
} cv_fetch_op;

/* A client (an httpx.AsyncClient): one multi handle and its connection
 * cache, on `loop`.  NULL without memory or when libcurl fails. */
cv_fetch_multi *cv_fetch_multi_create(cv_loop *loop);
/* Ends every transfer still going (their ops become done with an error)
 * and frees the client.  No task may still await one of its ops. */
void cv_fetch_multi_destroy(cv_fetch_multi *m);

/* Starts op's transfer.  CV_OK, or CV_ENOMEM / CV_EFAILED, and then op is
 * already done with the reason in op->fetch.error. */
int cv_fetch_op_start(cv_fetch_multi *m, cv_fetch_op *op);
/* Ends op's transfer if it is still going; its outcome becomes an error
 * "cancelled".  For the finally section of a task cancelled meanwhile. */
void cv_fetch_op_cancel(cv_fetch_op *op);

/* await the transfer: resumes when op is done; then op->fetch holds the
 * outcome (a failed download is an outcome, not an exception). */
#define CV_AWAIT_FETCH(t, op) CV__AWAIT(t, cv_fetch__await(t, op))
/* The machinery behind CV_AWAIT_FETCH. */
int cv_fetch__await(cv_task *t, cv_fetch_op *op);

#endif
