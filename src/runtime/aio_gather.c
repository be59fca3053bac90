/*
 * asyncio.gather as a task.  In asyncio, gather returns a _GatheringFuture
 * that a done callback on each child settles; here the future is a task
 * whose body waits on a queue that the children's done callbacks wake, so
 * that awaiting, cancelling and querying it are the task calls everyone
 * knows.  Two things differ from a plain task and are set on its record:
 * cancelling it cancels the children instead (on_cancel), and it ends
 * cancelled only once they have ended, as a gathering future does; and its
 * frame lives on the heap and goes with the task (free_state).
 *
 * Each child's done callback holds a reference to the gather task, so the
 * frame outlives every callback, even those that run after the gather
 * ended early on a failure.
 */
#include <stdio.h>
#include <stdlib.h>

#include "aio.h"
#include "task_private.h"

typedef struct gather {
    cv_task **children; /* each once, retained */
    size_t n;           /* in the caller's array, duplicates counted */
    size_t nchildren;
    size_t left; /* children whose done callback has not run */
    bool return_exceptions;
    bool cancel_requested;
    cv_task *first_bad; /* the first child to fail or be cancelled */
    cv_waitq q;
} gather;

static void gather_free(void *arg)
{
    gather *g = arg;
    for (size_t i = 0; i < g->nchildren; i++)
        cv_task_release(g->children[i]);
    free(g->children);
    free(g);
}

static void release_task(void *arg)
{
    cv_task_release(arg);
}

/* A child is done (asyncio's _done_callback). */
static void child_done(cv_task *child, void *arg)
{
    gather *g = ((cv_task *)arg)->owned_state;
    g->left--;
    if (g->first_bad == NULL && cv_task_result(child, NULL) != CV_OK)
        g->first_bad = child;
    cv_waitq_wake_one(&g->q, CV_OK);
}

/* _GatheringFuture.cancel(): cancels the children; the gather ends
 * cancelled when they have. */
static bool gather_cancel(cv_task *self)
{
    gather *g = self->owned_state;
    bool any = false;
    for (size_t i = 0; i < g->nchildren; i++)
        if (cv_task_cancel(g->children[i]))
            any = true;
    if (any)
        g->cancel_requested = true;
    return any;
}

static int gather_step(cv_task *t, void *arg)
{
    gather *g = arg;
    CV_CORO_BEGIN(t);
    while (g->left > 0 && (g->return_exceptions || g->first_bad == NULL))
        CV_AWAIT_QUEUE(t, &g->q, "gather");
    if (!g->return_exceptions && g->first_bad != NULL) {
        cv_result r;
        if (cv_task_result(g->first_bad, &r) == CV_EFAILED)
            CV_FAIL(t, r.error, "%s", r.message);
        t->cancel_requested = true; /* ends cancelled, as the child did */
        CV_RETURN(t, 0);
    }
    if (g->cancel_requested) {
        t->cancel_requested = true;
        CV_RETURN(t, 0);
    }
    {
        char text[32];
        snprintf(text, sizeof text, "%zu results", g->n);
        CV_RETURN_TEXT(t, (long long)g->n, text);
    }
    CV_CORO_END(t);
}

cv_task *cv_aio_gather(cv_loop *loop, cv_task *const *tasks, size_t n, bool return_exceptions)
{
    gather *g = calloc(1, sizeof *g);
    if (g == NULL)
        return NULL;
    g->children = calloc(n > 0 ? n : 1, sizeof *g->children);
    if (g->children == NULL) {
        free(g);
        return NULL;
    }
    g->n = n;
    g->return_exceptions = return_exceptions;
    cv_waitq_init(&g->q, NULL);
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < g->nchildren && g->children[k] != tasks[i])
            k++;
        if (k == g->nchildren) {
            cv_task_retain(tasks[i]);
            g->children[g->nchildren++] = tasks[i];
        }
    }
    cv_task *self = cv_task_create(loop, "gather", gather_step, g);
    if (self == NULL) {
        gather_free(g);
        return NULL;
    }
    self->owned_state = g;
    self->free_state = gather_free;
    for (size_t i = 0; i < g->nchildren; i++) {
        cv_task_retain(self);
        if (cv_task__add_done_callback(g->children[i], child_done, self, release_task) != CV_OK) {
            cv_task_release(self);
            for (size_t k = 0; k < i; k++)
                cv_task__forget_done_callback(g->children[k], child_done, self);
            cv_task_cancel(self); /* it never ran: it ends without running */
            cv_task_release(self);
            return NULL;
        }
        g->left++;
    }
    self->on_cancel = gather_cancel;
    return self;
}
