/*
 * asyncio.run(main()): run a main coroutine to its end, then end the tasks
 * it left behind the way asyncio.run does.  They are cancelled and then run,
 * so each sees CancelledError at its await and its finally blocks execute
 * (a spinner clears its line); only then does the call return.  Tasks that
 * catch the cancellation and go on awaiting keep the call waiting, as they
 * keep asyncio.run waiting.
 */
#include <stdlib.h>

#include "loop_private.h"
#include "task_private.h"

/* Cancels every live task and runs the loop until all of them are done.
 * CV_OK, CV_EINVAL if the loop was stopped meanwhile, or CV_ENOMEM. */
static int cancel_leftovers(cv_loop *loop)
{
    cv_loop_tasks *lt = cv_loop__tasks(loop);
    size_t n = 0, k = 0;
    cv_list *node, *tmp;
    cv_list_foreach(node, tmp, &lt->live)
        n++;
    if (n == 0)
        return CV_OK;
    cv_task **tasks = malloc(n * sizeof *tasks);
    if (tasks == NULL)
        return CV_ENOMEM;
    /* The live list is newest first; cancel in creation order, as
     * asyncio's all_tasks() mostly gives them. */
    for (node = cv_list_last(&lt->live); node != &lt->live; node = node->prev) {
        tasks[k] = cv_list_entry(node, cv_task, live_node);
        cv_task_retain(tasks[k++]);
    }
    for (k = 0; k < n; k++)
        cv_task_cancel(tasks[k]);
    /* run_until_complete(gather(*to_cancel, return_exceptions=True)):
     * waiting for each in turn lets all of them run together. */
    int rc = CV_OK;
    for (k = 0; k < n && rc == CV_OK; k++) {
        int r = cv_loop_run_until_complete(loop, tasks[k], NULL);
        if (r == CV_EINVAL)
            rc = CV_EINVAL; /* stopped from outside: give up waiting */
    }
    for (k = 0; k < n; k++)
        cv_task_release(tasks[k]);
    free(tasks);
    return rc;
}

int cv_loop_run_main(cv_loop *loop, const char *label, cv_task_fn main, void *state,
                     cv_result *out)
{
    cv_task *t = cv_task_create(loop, label, main, state);
    if (t == NULL)
        return CV_ENOMEM;
    cv_loop__hold_idle(loop, true);
    int rc = cv_loop_run_until_complete(loop, t, out);
    /* asyncio.run cancels the leftovers however main ended, even when the
     * loop was stopped before main was done (main is then a leftover too). */
    int rc2 = cancel_leftovers(loop);
    cv_loop__hold_idle(loop, false);
    cv_task_release(t);
    return rc2 == CV_ENOMEM ? rc2 : rc;
}
