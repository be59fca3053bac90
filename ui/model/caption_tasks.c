/*
 * Captions for the event loop's events, in the words of Fluent Python's
 * asyncio chapter: a task created is already scheduled; it runs until an
 * await, where the loop runs something else; cancel() wakes it, and
 * CancelledError is raised at that await when it runs.  Each caption names
 * the real cause, in causal order: the wake-up by cancel() is captioned when
 * it happens, the task's end (cancelled, or done if it caught the error)
 * when it comes.  Spinner frames say which side drew, and a
 * MARK is the scenario's own sentence, shown as it is.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "caption.h"
#include "error.h"
#include "model_kinds.h"


/* A task is ready again: say why, from the outcome it wakes with (the
 * event's code).  Reached by cancel() (which wakes it, or finds it ready
 * already), it has not caught anything yet: the CancelledError is raised
 * at its await when it runs, or, before its first step, its body never
 * starts. */
static void scheduled(char *buf, size_t len, size_t *n, const cv_mfuture *t, const cv_event *e,
                      const char *lb)
{
    const char *awaits = t != NULL ? t->awaits : NULL;
    bool on_task = t != NULL && t->awaits_ref != 0 && awaits != NULL &&
                   strncmp(awaits, "task ", 5) == 0;
    if (e->code == CV_ECANCELLED && on_task) {
        cv_caption_add(buf, len, n, "%s is woken: the %s it awaits ended cancelled, so "
            "CancelledError will be raised at its await", lb, awaits);
    } else if (e->code == CV_ECANCELLED && (t == NULL || t->nslices == 0)) {
        cv_caption_add(buf, len, n, "cancel() reaches %s before its first step: its body will "
            "never run", lb);
    } else if (e->code == CV_ECANCELLED) {
        cv_caption_add(buf, len, n, "cancel() reaches %s at its await", lb);
        if (awaits != NULL)
            cv_caption_add(buf, len, n, " %s", awaits);
        cv_caption_add(buf, len, n, ": CancelledError will be raised there when it runs");
    } else if (e->code != 0) {
        cv_caption_add(buf, len, n, "%s is woken: what it awaits", lb);
        if (awaits != NULL)
            cv_caption_add(buf, len, n, " (%s)", awaits);
        cv_caption_add(buf, len, n, " failed, and the error will be raised at its await");
    } else {
        cv_caption_add(buf, len, n, "%s is ready again", lb);
        if (awaits != NULL)
            cv_caption_add(buf, len, n, " (%s is over)", awaits);
        cv_caption_add(buf, len, n, ": it runs when the loop gets to it");
    }
}

void cv_caption__task(const cv_model *m, const cv_event *e, char *buf, size_t len)
{
    size_t n = 0;
    char lb[64];
    const cv_mfuture *t = cv_model_future(m, e->id);
    if (t != NULL)
        cv_model_label(t, lb, sizeof lb);
    else
        snprintf(lb, sizeof lb, "task %llu", (unsigned long long)e->id);
    size_t others = m->ntasks - m->ntasks_done;
    others = others > 0 ? others - 1 : 0;
    switch (e->state) {
    case CV_TASK_CREATED:
        cv_caption_add(buf, len, &n, "Task created: it is already scheduled (%s", lb);
        if (e->ref != 0) {
            const cv_mfuture *by = cv_model_future(m, e->ref);
            char bb[64];
            if (by != NULL)
                cv_caption_add(buf, len, &n, ", created by %s", cv_model_label(by, bb, sizeof bb));
        }
        cv_caption_add(buf, len, &n, ")");
        break;
    case CV_TASK_SCHEDULED:
        scheduled(buf, len, &n, t, e, lb);
        break;
    case CV_TASK_RUNNING:
        cv_caption_add(buf, len, &n, t != NULL && t->nslices > 1 ? "%s resumes on the event loop"
                                                      : "%s starts running on the event loop", lb);
        if (others > 0)
            cv_caption_add(buf, len, &n, "; %zu other task%s wait%s their turn or their I/O", others,
                others == 1 ? "" : "s", others == 1 ? "s" : "");
        break;
    case CV_TASK_SUSPENDED:
        cv_caption_add(buf, len, &n, "%s awaits %s: the loop runs something else", lb,
            e->text ? e->text : "something");
        break;
    case CV_TASK_CANCELLED:
        /* The end, not the request: cancel() showed when it woke the task
         * (see scheduled), or in the caller's own step. */
        if (t != NULL && t->nslices == 0)
            cv_caption_add(buf, len, &n,
                "%s ends cancelled without ever running: cancel() came before its first step", lb);
        else
            cv_caption_add(buf, len, &n,
                "%s ends cancelled: the CancelledError raised at its await was not caught", lb);
        break;
    case CV_TASK_DONE:
        cv_caption_add(buf, len, &n, "%s is done", lb);
        if (e->text != NULL)
            cv_caption_add(buf, len, &n, ", result %s", e->text);
        else
            cv_caption_add(buf, len, &n, ", result %lld", (long long)e->ref);
        break;
    case CV_TASK_FAILED:
        cv_caption_add(buf, len, &n, "%s fails: %s", lb, e->text ? e->text : "error");
        break;
    default:
        cv_caption_add(buf, len, &n, "%s: task state %u", lb, e->state);
        break;
    }
}

void cv_caption__loop(const cv_model *m, const cv_event *e, char *buf, size_t len)
{
    size_t n = 0;
    double speed = cv_log_meta_get(m->log)->speed; /* the timeouts in demo time */
    size_t flying = m->ntasks - m->ntasks_done;
    switch (e->state) {
    case CV_LOOP_POLLING:
        cv_caption_add(buf, len, &n, "the loop polls: no task is ready, so it sleeps ");
        if (e->ref == UINT64_MAX) {
            cv_caption_add(buf, len, &n, "until I/O arrives");
        } else {
            double s = (double)e->ref / 1e6 * (speed > 0 ? speed : 1.0);
            cv_caption_add(buf, len, &n, "up to %.2fs for I/O or a timer", s);
        }
        if (flying > 0)
            cv_caption_add(buf, len, &n, " (%zu task%s in flight)", flying, flying == 1 ? "" : "s");
        break;
    case CV_LOOP_RUNNING:
        cv_caption_add(buf, len, &n, "the loop turns: it runs the callbacks and tasks that are ready");
        break;
    case CV_LOOP_IDLE:
        cv_caption_add(buf, len, &n, "the loop stops: nothing is left to run");
        break;
    default:
        cv_caption_add(buf, len, &n, "the loop: state %u", e->state);
        break;
    }
}

void cv_caption__frame(const cv_model *m, const cv_event *e, char *buf, size_t len)
{
    size_t n = 0;
    int side = cv_pane_of_side(e->side);
    const char *name = cv_side_name((unsigned)side);
    const cv_mside *sd = &m->sides[side];
    if (e->text == NULL || e->text[0] == '\0')
        cv_caption_add(buf, len, &n, "the %s side clears the spinner line: its spinner stopped",
            name);
    else
        cv_caption_add(buf, len, &n, "the %s spinner draws %s (frame %zu)", name, e->text,
            sd->frames);
}

void cv_caption__mark(const cv_model *m, const cv_event *e, char *buf, size_t len)
{
    (void)m;
    if (e->code == CV_MARK_USER_STOP)
        snprintf(buf, len, "the user stopped the run: calls still running are cut short");
    else if (e->code == CV_MARK_SECTION)
        snprintf(buf, len, "the %s run starts: its section's axis starts at 0 s, on the "
                 "same scale as the others", e->text != NULL ? e->text : "next");
    else if (e->code == CV_MARK_SECTION_PLAN)
        snprintf(buf, len, "the comparison will run %s", e->text != NULL ? e->text : "a section");
    else
        snprintf(buf, len, "%s", e->text != NULL ? e->text : "a milestone");
}
