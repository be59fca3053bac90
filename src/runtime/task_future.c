/*
 * The bridge that lets a task await a cv_future from the thread pool, after
 * asyncio.wrap_future.  It is the only part of the tasks that meets other
 * threads, which is why it lives apart: everything else in the task files
 * runs on the loop thread and needs no lock.
 *
 * A task awaiting a future gets a cv_task__fwait record.  The future's done
 * callback runs on whichever thread completes it and posts the record to
 * the loop, and the loop wakes the task if it still waits.  The record
 * lives until the post has run, even when the task stops waiting first,
 * because a done callback cannot be taken back; if the loop goes away
 * first, the record is detached and the callback frees it.  The loop lists
 * the records whose callbacks are owed (loop_private.h) so that its
 * teardown can find them, and a mutex per record settles the one race that
 * matters: whether the callback or the teardown saw the record last.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "coro.h"
#include "loop_private.h"
#include "task_private.h"

typedef struct cv_task__fwait {
    cv_post post;
    cv_task *task; /* retained; loop thread only */
    cv_future *f;  /* retained */
    pthread_mutex_t mu;
    bool fired;    /* the callback ran (under mu) */
    bool detached; /* the loop is gone: the callback frees (under mu) */
    cv_list node; /* on the loop's owed callbacks (or teardown's list) */
} cv_task__fwait;

static void fwait_free(cv_task__fwait *fw)
{
    /* The callback posts while holding mu, so the post can land before
     * it unlocks: wait for it to let go before the mutex goes. */
    pthread_mutex_lock(&fw->mu);
    pthread_mutex_unlock(&fw->mu);
    cv_future_release(fw->f);
    pthread_mutex_destroy(&fw->mu);
    free(fw);
}

void cv_task__future_detach(cv_task *t)
{
    /* As asyncio's wrap_future: a cancelled awaiter cancels the future
     * if it has not started; the post still comes, and is ignored. */
    cv_future_cancel(t->fwait->f);
    t->fwait = NULL;
}

void cv_task__future_teardown(cv_loop *loop)
{
    /* Callbacks still owed by other threads: a record whose callback has
     * not run is detached, and the callback frees it (it must not be
     * touched once unlocked).  One whose callback ran was posted: take it
     * off the loop's queues and free it here. */
    cv_loop_tasks *lt = cv_loop__tasks(loop);
    cv_list sent, *node, *tmp;
    cv_list_init(&sent);
    cv_list_foreach(node, tmp, &lt->fwaits) {
        cv_task__fwait *fw = cv_list_entry(node, cv_task__fwait, node);
        cv_list_remove(&fw->node);
        pthread_mutex_lock(&fw->mu);
        cv_task *t = fw->task;
        fw->task = NULL;
        if (fw->fired)
            cv_list_insert_head(&sent, &fw->node);
        else
            fw->detached = true;
        pthread_mutex_unlock(&fw->mu);
        cv_loop_unref(loop);
        cv_task_release(t);
    }
    cv_loop__take_inbox(loop);
    while (!cv_list_empty(&sent)) {
        cv_task__fwait *fw = cv_list_entry(cv_list_first(&sent), cv_task__fwait, node);
        cv_list_remove(&fw->node);
        cv_handle_cancel(&fw->post.handle_);
        fwait_free(fw);
    }
}

/* The outcome of a done future as an await status, with its words. */
static int future_status(cv_task *t, cv_future *f)
{
    cv_result r;
    int rc = cv_future_result(f, 0, &r);
    if (rc == CV_EFAILED)
        cv_task__set_failure(t, r.error, r.message);
    return rc;
}

/* On the loop: the future is done. */
static void future_landed(void *arg)
{
    cv_task__fwait *fw = arg;
    cv_task *t = fw->task;
    cv_list_remove(&fw->node);
    if (t->fwait == fw) {
        t->fwait = NULL;
        cv_task__wake(t, future_status(t, fw->f));
    }
    cv_loop_unref(t->loop);
    cv_task_release(t);
    fwait_free(fw);
}

/* On the thread that completed or cancelled the future. */
static void future_done(cv_future *f, void *arg)
{
    (void)f;
    cv_task__fwait *fw = arg;
    pthread_mutex_lock(&fw->mu);
    fw->fired = true;
    bool detached = fw->detached;
    if (!detached)
        cv_post_send(&fw->post);
    pthread_mutex_unlock(&fw->mu);
    if (detached)
        fwait_free(fw);
}

int cv_coro__future(cv_task *t, cv_future *f)
{
    if (f == NULL) {
        cv_coro__ready(t, CV_EFAILED);
        cv_task__set_failure(t, CV_EINVAL, "awaited no future (out of memory?)");
        return 1;
    }
    if (cv_future_done(f)) {
        cv_task__begin_wait(t, CV_TASK__W_NONE);
        t->status = future_status(t, f);
        return 1;
    }
    cv_task__fwait *fw = malloc(sizeof *fw);
    if (fw == NULL) {
        cv_coro__ready(t, CV_ENOMEM);
        return 1;
    }
    cv_task__begin_wait(t, CV_TASK__W_FUTURE);
    cv_post_init(t->loop, &fw->post, future_landed, fw);
    fw->task = t;
    fw->f = f;
    pthread_mutex_init(&fw->mu, NULL);
    fw->fired = fw->detached = false;
    cv_list_insert_head(&cv_loop__tasks(t->loop)->fwaits, &fw->node);
    cv_task_retain(t);
    cv_future_retain(f);
    /* The post may arrive after the task stopped waiting: keep the loop
     * running until it has. */
    cv_loop_ref(t->loop);
    t->fwait = fw;
    snprintf(t->what, sizeof t->what, "future %s", cv_future_label(f));
    t->what_id = cv_future_id(f);
    if (cv_future_add_done_callback(f, future_done, fw) != CV_OK) {
        /* Never registered: undo as if it had landed, minus the wake. */
        t->fwait = NULL;
        future_landed(fw);
        return cv_coro__ready(t, CV_ENOMEM);
    }
    return 0;
}
