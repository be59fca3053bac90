/*
 * Task done callbacks, after asyncio.Future.add_done_callback.  A callback
 * is a record with a handle of its own, so that running it goes through
 * the ready queue as call_soon does: when the task ends, finish() moves its
 * records, in registration order, from the task onto the loop's list and
 * schedules them, and each runs on a later turn.  A scheduled record holds
 * a reference to its task, so the owner may release the task meanwhile.
 *
 * The combinators (gather, wait, as_completed) are built on these records
 * too.  They need two things the public calls do not give: a `drop` hook
 * that lets go of what the record's argument holds however the record
 * goes, and a removal that also takes back records already scheduled,
 * because a combinator's argument may go away before they run (asyncio's
 * closures keep theirs alive; C has to take them back).
 */
#include <stdlib.h>

#include "loop_private.h"
#include "task_private.h"

typedef struct cb_record {
    cv_handle handle;
    cv_list node; /* on the task's done_cbs, then on the loop's */
    cv_task *task; /* retained once scheduled */
    cv_task_done_fn fn;
    void *arg;
    void (*drop)(void *arg);
    bool scheduled;
} cb_record;

static void record_free(cb_record *r)
{
    cv_list_remove(&r->node);
    if (r->drop != NULL)
        r->drop(r->arg);
    if (r->scheduled) {
        cv_handle_cancel(&r->handle);
        cv_task_release(r->task);
    }
    free(r);
}

static void record_run(void *arg)
{
    cb_record *r = arg;
    /* Off the list first: the callback may remove callbacks of its own. */
    cv_list_remove(&r->node);
    cv_list_init(&r->node);
    r->fn(r->task, r->arg);
    record_free(r);
}

static void record_schedule(cb_record *r)
{
    cv_loop_tasks *lt = cv_loop__tasks(r->task->loop);
    cv_list_remove(&r->node);
    cv_list_insert_tail(&lt->done_cbs, &r->node);
    cv_task_retain(r->task);
    r->scheduled = true;
    cv_handle_schedule(&r->handle);
}

int cv_task__add_done_callback(cv_task *t, cv_task_done_fn fn, void *arg,
                               void (*drop)(void *arg))
{
    cb_record *r = calloc(1, sizeof *r);
    if (r == NULL)
        return CV_ENOMEM;
    cv_handle_init(t->loop, &r->handle, record_run, r);
    r->task = t;
    r->fn = fn;
    r->arg = arg;
    r->drop = drop;
    cv_list_insert_tail(&t->done_cbs, &r->node);
    if (t->run == CV_TASK__R_DONE)
        record_schedule(r); /* call_soon, as for a future already done */
    return CV_OK;
}

int cv_task_add_done_callback(cv_task *t, cv_task_done_fn fn, void *arg)
{
    return cv_task__add_done_callback(t, fn, arg, NULL);
}

int cv_task_remove_done_callback(cv_task *t, cv_task_done_fn fn, void *arg)
{
    int n = 0;
    cv_list *node, *tmp;
    cv_list_foreach(node, tmp, &t->done_cbs) {
        cb_record *r = cv_list_entry(node, cb_record, node);
        if (r->fn == fn && r->arg == arg) {
            record_free(r);
            n++;
        }
    }
    return n;
}

void cv_task__forget_done_callback(cv_task *t, cv_task_done_fn fn, void *arg)
{
    cv_task_remove_done_callback(t, fn, arg);
    if (t->run != CV_TASK__R_DONE)
        return;
    cv_list *node, *tmp;
    cv_list_foreach(node, tmp, &cv_loop__tasks(t->loop)->done_cbs) {
        cb_record *r = cv_list_entry(node, cb_record, node);
        if (r->task == t && r->fn == fn && r->arg == arg)
            record_free(r);
    }
}

void cv_task__schedule_callbacks(cv_task *t)
{
    while (!cv_list_empty(&t->done_cbs))
        record_schedule(cv_list_entry(cv_list_first(&t->done_cbs), cb_record, node));
}

void cv_task__drop_callbacks(cv_task *t)
{
    while (!cv_list_empty(&t->done_cbs))
        record_free(cv_list_entry(cv_list_first(&t->done_cbs), cb_record, node));
}

void cv_task__callbacks_teardown(cv_loop *loop)
{
    /* As loop.close() clears the ready queue: they never run. */
    cv_list *head = &cv_loop__tasks(loop)->done_cbs;
    while (!cv_list_empty(head))
        record_free(cv_list_entry(cv_list_first(head), cb_record, node));
}
