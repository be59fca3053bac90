/*
 * Tasks on the event loop, after asyncio.Task.  A task is a step function,
 * a state struct (the frame) and a resume point; the loop runs its step
 * through an intrusive handle, so scheduling a task never allocates.
 *
 * A task awaits one thing at a time, so one set of fields describes the
 * current wait: its kind, the timer, watcher or wait queue it uses, and the
 * outcome it resumed with.  Waking a task means recording that outcome and
 * putting its handle on the ready queue; cancelling a suspended task means
 * undoing the wait and waking it with CV_ECANCELLED.  A task that awaits
 * another task hands the cancellation on to it instead, as asyncio does, and
 * learns of it when that task ends.
 *
 * A coroutine awaited inline (CV_AWAIT_CORO) runs in the same task: the
 * caller's step function, frame and resume point go onto the task's frame
 * stack, the callee becomes the step function, and when it ends the caller
 * is restored and called again at once with the callee's outcome.  So the
 * callee's awaits suspend the whole task, and cancelling the task raises
 * in the callee first, as in Python.
 *
 * C has no exceptions, so an exception is a code in `exc` plus the resume
 * point set to the finally section (or to the end): the step function
 * returns CV_CORO_AGAIN and is called again right away, and its switch
 * lands there.
 *
 * The task record is in task_private.h, shared with task_waitq.c (the wait
 * queues) and task_future.c (awaiting a thread-pool future), which is the
 * only task code that meets other threads.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coro.h"
#include "loop_private.h"
#include "task_private.h"

/* ---- events and waking ---- */

static void publish(cv_task *t, int state, const char *text, uint64_t ref, int32_t code)
{
    cv_bus *bus = cv_loop_bus(t->loop);
    if (bus == NULL)
        return;
    cv_event ev = {.kind = CV_EV_TASK, .state = (uint16_t)state, .id = t->id,
                   .lane = (int16_t)cv_loop_lane(t->loop),
                   .text = text != NULL && text[0] != '\0' ? strdup(text) : NULL,
                   .ref = ref, .code = code};
    cv_publish(bus, &ev);
}

void cv_task__wake(cv_task *t, int status)
{
    t->status = status;
    t->run = CV_TASK__R_READY;
    publish(t, CV_TASK_SCHEDULED, NULL, 0, status); /* the cause: CV_ECANCELLED, a failure, 0 */
    cv_handle_schedule(&t->step);
}

/* ---- lifetime ---- */

static void timer_fired(void *arg)
{
    cv_task__wake(arg, CV_OK);
}

static void io_ready(cv_io *io, int revents, void *arg)
{
    cv_task *t = arg;
    cv_io_stop(io);
    t->io_revents = revents;
    cv_task__wake(t, CV_OK);
}

/* Undoes the wait of a suspended task. */
static void detach(cv_task *t)
{
    switch (t->wait) {
    case CV_TASK__W_SLEEP: cv_timer_stop(&t->timer); break;
    case CV_TASK__W_IO: cv_io_stop(&t->io); break;
    case CV_TASK__W_QUEUE: cv_task__waitq_unlink(t); break;
    case CV_TASK__W_FUTURE: cv_task__future_detach(t); break;
    default: break;
    }
}

static void live_unlink(cv_task *t)
{
    cv_list_remove(&t->live_node);
}

/* Ends every live task when the loop goes away: cancelled, not run. */
static void teardown(cv_loop *loop)
{
    cv_loop_tasks *lt = cv_loop__tasks(loop);
    while (!cv_list_empty(&lt->live)) {
        cv_task *t = cv_list_entry(cv_list_first(&lt->live), cv_task, live_node);
        if (t->run == CV_TASK__R_SUSPENDED)
            detach(t);
        cv_handle_cancel(&t->step);
        if (t->awaited != NULL) {
            cv_task_release(t->awaited);
            t->awaited = NULL;
        }
        live_unlink(t);
        t->run = CV_TASK__R_DONE;
        t->final = CV_TASK_CANCELLED;
        publish(t, CV_TASK_CANCELLED, NULL, 0, 0);
        cv_task__drop_callbacks(t);
        cv_loop_unref(loop);
        cv_task_release(t);
    }
    cv_task__future_teardown(loop);
    cv_task__callbacks_teardown(loop);
}

static void task_step(void *arg);

cv_task *cv_task_create(cv_loop *loop, const char *label, cv_task_fn step, void *state)
{
    cv_task *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->label = strdup(label != NULL ? label : "task");
    if (t->label == NULL) {
        free(t);
        return NULL;
    }
    t->loop = loop;
    t->id = cv_bus_new_id(cv_loop_bus(loop));
    t->refs = 2; /* the caller's and the loop's */
    t->fn = step;
    t->state = state;
    cv_handle_init(loop, &t->step, task_step, t);
    cv_timer_init(loop, &t->timer, timer_fired, t);
    cv_io_init(loop, &t->io, -1, io_ready, t);
    cv_waitq_init(&t->done_waiters, NULL);
    cv_list_init(&t->done_cbs);

    cv_loop_tasks *lt = cv_loop__tasks(loop);
    if (lt->teardown == NULL) {
        cv_list_init(&lt->done_cbs);
        lt->teardown = teardown;
    }
    cv_list_insert_head(&lt->live, &t->live_node);
    cv_loop_ref(loop);

    cv_task *creator = lt->current;
    publish(t, CV_TASK_CREATED, t->label, creator != NULL ? creator->id : 0, 0);
    t->run = CV_TASK__R_READY;
    cv_handle_schedule(&t->step);
    return t;
}

void cv_task_retain(cv_task *t)
{
    t->refs++;
}

void cv_task_release(cv_task *t)
{
    if (t == NULL || --t->refs > 0)
        return;
    if (t->free_state != NULL)
        t->free_state(t->owned_state);
    free(t->label);
    free(t);
}

/* The status an awaiter of a finished task resumes with. */
static int outcome_status(const cv_task *t)
{
    switch (t->final) {
    case CV_TASK_DONE: return CV_OK;
    case CV_TASK_FAILED: return CV_EFAILED;
    default: return CV_ECANCELLED;
    }
}

static void finish(cv_task *t)
{
    cv_loop *loop = t->loop;
    if (t->exc == CV_ECANCELLED || (t->exc == 0 && t->cancel_requested)) {
        t->final = CV_TASK_CANCELLED;
        publish(t, CV_TASK_CANCELLED, NULL, 0, 0);
    } else if (t->exc == CV_EFAILED) {
        t->final = CV_TASK_FAILED;
        publish(t, CV_TASK_FAILED, t->result.message, 0, t->result.error);
    } else {
        t->final = CV_TASK_DONE;
        t->result.error = 0;
        t->result.message[0] = '\0';
        publish(t, CV_TASK_DONE, t->result.text, (uint64_t)t->result.value, 0);
    }
    t->run = CV_TASK__R_DONE;
    t->cancel_requested = false;
    live_unlink(t);
    cv_waitq_wake_all(&t->done_waiters, outcome_status(t));
    /* Then the done callbacks, through the ready queue (call_soon). */
    cv_task__schedule_callbacks(t);
    cv_loop_unref(loop);
    cv_task_release(t);
}

/* The cancellation itself, uncounted: cv_task_cancel() and a cancel
 * that was put off until the task suspended. */
static void cancel_now(cv_task *t)
{
    if (t->run == CV_TASK__R_SUSPENDED && t->wait == CV_TASK__W_QUEUE && t->awaited != NULL &&
        !t->cancelling) {
        /* Cancel what we await; we hear of it when it ends.  If it is
         * already on its way out, cancel ourselves at our next resume.  A
         * cycle of awaits comes back here and is cancelled directly. */
        t->cancelling = true;
        if (!cv_task_cancel(t->awaited))
            t->cancel_requested = true;
        t->cancelling = false;
    } else if (t->run == CV_TASK__R_SUSPENDED) {
        detach(t);
        t->cancel_requested = false;
        cv_task__wake(t, CV_ECANCELLED);
    } else {
        /* Ready already (or never run): it hears of it when it runs, but
         * the request shows now, where it is made, unless a cancel() woke it. */
        if (t->run == CV_TASK__R_READY && !t->cancel_requested && t->status != CV_ECANCELLED)
            publish(t, CV_TASK_SCHEDULED, NULL, 0, CV_ECANCELLED);
        t->cancel_requested = true;
    }
}

bool cv_task_cancel(cv_task *t)
{
    if (t->run == CV_TASK__R_DONE)
        return false;
    if (!t->cancelling)
        t->cancels++;
    if (t->on_cancel != NULL)
        return t->on_cancel(t);
    cancel_now(t);
    return true;
}

/* The inline coroutine on top has ended: its caller resumes at its
 * CV_AWAIT_CORO with the callee's outcome, as if it had awaited a task that
 * ended that way, except that it resumes at once, in the same step. */
static void coro_pop(cv_task *t)
{
    int exc = t->exc;
    t->awaited_result = t->result;
    struct cv_task__frame *f = &t->frames[--t->depth];
    t->fn = f->fn;
    t->state = f->state;
    t->pc = f->pc;
    t->in_finally = f->in_finally;
    t->catching = f->catching;
    t->exc = f->exc;
    cv_task__begin_wait(t, CV_TASK__W_NONE);
    if (exc == CV_EFAILED) {
        t->status = CV_EFAILED;
        cv_task__set_failure(t, t->awaited_result.error, t->awaited_result.message);
    } else if (exc == CV_ECANCELLED) {
        t->status = CV_ECANCELLED;
    }
}

static void task_step(void *arg)
{
    cv_task *t = arg;
    if (t->cancel_requested) {
        t->cancel_requested = false;
        if (t->depth == 0 && t->pc == 0) {
            /* Cancelled before it ever ran: the body never starts. */
            t->exc = CV_ECANCELLED;
            finish(t);
            return;
        }
        /* It was woken, but is cancelled at that await all the same; if it
         * was handed something (a permit), hand it on. */
        if (t->status == CV_OK && t->wait == CV_TASK__W_QUEUE && t->waitq->unclaimed_ != NULL)
            t->waitq->unclaimed_(t->waitq);
        t->status = CV_ECANCELLED;
    }
    cv_loop_tasks *lt = cv_loop__tasks(t->loop);
    t->run = CV_TASK__R_RUNNING;
    publish(t, CV_TASK_RUNNING, NULL, 0, 0);
    lt->current = t;
    int rc;
    for (;;) {
        rc = t->fn(t, t->state);
        if (rc == CV_CORO_ENDED && t->depth > 0)
            coro_pop(t); /* back in the caller, at its CV_AWAIT_CORO */
        else if (rc != CV_CORO_AGAIN)
            break;
    }
    lt->current = NULL;
    if (rc != CV_CORO_SUSPENDED) {
        finish(t);
        return;
    }
    t->run = CV_TASK__R_SUSPENDED;
    if (t->depth > 0) {
        /* Say which inline coroutine the task is suspended in. */
        size_t n = strlen(t->what);
        snprintf(t->what + n, sizeof t->what - n, " in %s()", t->frames[t->depth - 1].callee);
    }
    publish(t, CV_TASK_SUSPENDED, t->what, t->what_id, 0);
    if (t->cancel_requested) {
        t->cancel_requested = false;
        cancel_now(t);
    } else if (t->wait == CV_TASK__W_YIELD) {
        cv_task__wake(t, CV_OK);
    }
}

/* ---- queries ---- */

int cv_task_cancelling(const cv_task *t)
{
    return t->cancels;
}

int cv_task_uncancel(cv_task *t)
{
    if (t->cancels > 0)
        t->cancels--;
    return t->cancels;
}

bool cv_task_done(const cv_task *t)
{
    return t->run == CV_TASK__R_DONE;
}

bool cv_task_cancelled(const cv_task *t)
{
    return t->run == CV_TASK__R_DONE && t->final == CV_TASK_CANCELLED;
}

int cv_task_result(const cv_task *t, cv_result *out)
{
    if (t->run != CV_TASK__R_DONE)
        return CV_EINVAL;
    if (t->final == CV_TASK_CANCELLED)
        return CV_ECANCELLED;
    if (out != NULL)
        *out = t->result;
    return t->final == CV_TASK_DONE ? CV_OK : CV_EFAILED;
}

uint64_t cv_task_id(const cv_task *t)
{
    return t->id;
}

cv_loop *cv_task_loop(const cv_task *t)
{
    return t->loop;
}

static bool task_is_done(void *arg)
{
    return ((cv_task *)arg)->run == CV_TASK__R_DONE;
}

int cv_loop_run_until_complete(cv_loop *loop, cv_task *t, cv_result *out)
{
    /* As asyncio: the loop stops on the turn after the one in which the
     * task finished (its done callback calls stop() then), so a task that
     * was ready by then still gets its step.  A task of another loop would
     * never finish on this one. */
    if (t->loop != loop)
        return CV_EINVAL;
    int rc = cv_loop__run(loop, task_is_done, t);
    if (rc != CV_OK)
        return rc;
    return cv_task_result(t, out);
}

/* ---- the machinery behind coro.h ---- */

int *cv_coro__pc(cv_task *t)
{
    return &t->pc;
}

void cv_task__begin_wait(cv_task *t, int kind)
{
    t->wait = kind;
    t->status = CV_OK;
    t->fail_code = 0;
    t->what_id = 0;
}

void cv_task__set_failure(cv_task *t, int code, const char *msg)
{
    t->fail_code = code != 0 ? code : -1;
    snprintf(t->fail_msg, sizeof t->fail_msg, "%s", msg);
}

int cv_coro__ready(cv_task *t, int status)
{
    cv_task__begin_wait(t, CV_TASK__W_NONE);
    t->status = status;
    return 1;
}

int cv_coro__sleep(cv_task *t, double seconds)
{
    if (seconds > 0) {
        cv_task__begin_wait(t, CV_TASK__W_SLEEP);
        cv_timer_start(&t->timer, seconds);
    } else {
        cv_task__begin_wait(t, CV_TASK__W_YIELD);
        seconds = 0;
    }
    snprintf(t->what, sizeof t->what, "sleep %gs", seconds * cv_loop_demo_speed(cv_task_loop(t)));
    return 0;
}

void cv_coro__call(cv_task *t, cv_task_fn fn, void *state, const char *name)
{
    if (t->depth == CV_TASK__MAX_DEPTH) {
        /* Python raises RecursionError; so does this, at the await. */
        cv_coro__ready(t, CV_EFAILED);
        cv_task__set_failure(t, CV_EINVAL, "coroutines awaited too deep (RecursionError)");
        return;
    }
    struct cv_task__frame *f = &t->frames[t->depth++];
    *f = (struct cv_task__frame){.fn = t->fn, .state = t->state, .pc = t->pc,
                                 .in_finally = t->in_finally, .catching = t->catching,
                                 .exc = t->exc, .callee = name};
    t->fn = fn;
    t->state = state;
    t->pc = 0;
    t->in_finally = false;
    t->catching = false;
    t->exc = 0;
}

const cv_result *cv_coro__awaited_result(const cv_task *t)
{
    return &t->awaited_result;
}

int cv_coro__task(cv_task *t, cv_task *other)
{
    if (other == NULL || other == t) {
        cv_coro__ready(t, CV_EFAILED);
        cv_task__set_failure(t, CV_EINVAL, other == NULL ? "awaited no task (out of memory?)"
                                                : "a task cannot await itself");
        return 1;
    }
    cv_task_retain(other);
    t->awaited = other;
    if (other->run == CV_TASK__R_DONE)
        return cv_coro__ready(t, outcome_status(other));
    cv_task__begin_wait(t, CV_TASK__W_QUEUE);
    t->waitq = &other->done_waiters;
    cv_task__waitq_push(t->waitq, t);
    snprintf(t->what, sizeof t->what, "task %s", other->label);
    t->what_id = other->id;
    return 0;
}

int cv_coro__io(cv_task *t, int fd, int events)
{
    events &= CV_IO_READ | CV_IO_WRITE;
    if (fd < 0 || events == 0)
        return cv_coro__ready(t, CV_EINVAL);
    cv_task__begin_wait(t, CV_TASK__W_IO);
    t->io_revents = 0;
    cv_io_init(t->loop, &t->io, fd, io_ready, t);
    cv_io_start(&t->io, events);
    snprintf(t->what, sizeof t->what, "I/O fd %d", fd);
    return 0;
}

/* Sets the exception for a failing status and jumps to finally (or, from
 * inside it, to the end). */
static void raise_status(cv_task *t, int status)
{
    t->exc = status == CV_ECANCELLED ? CV_ECANCELLED : CV_EFAILED;
    t->pc = t->in_finally ? CV_CORO_PC_END : CV_CORO_PC_FINALLY;
}

bool cv_coro__resumed(cv_task *t)
{
    int status = t->status;
    bool catching = t->catching;
    cv_task *awaited = t->awaited;
    t->catching = false;
    t->awaited = NULL;
    if (t->wait == CV_TASK__W_QUEUE)
        t->waitq = NULL;
    t->wait = CV_TASK__W_NONE;

    /* A failure's words travel with it, caught or not. */
    if (status != CV_OK && status != CV_ECANCELLED) {
        if (awaited != NULL && awaited->final == CV_TASK_FAILED) {
            t->result.error = awaited->result.error;
            memcpy(t->result.message, awaited->result.message, sizeof t->result.message);
        } else if (t->fail_code != 0) {
            cv_result_fail(&t->result, t->fail_code, "%s", t->fail_msg);
        } else {
            cv_result_fail(&t->result, status, "%s", cv_strerror(status));
        }
    }
    if (awaited != NULL)
        cv_task_release(awaited);
    if (status == CV_OK || catching)
        return false;
    raise_status(t, status);
    return true;
}

void cv_coro__catch(cv_task *t)
{
    t->catching = true;
}

int cv_coro__status(const cv_task *t)
{
    return t->status;
}

void cv_coro__reraise(cv_task *t)
{
    if (t->status == CV_OK) {
        cv_result_fail(&t->result, CV_EINVAL, "nothing to re-raise");
        raise_status(t, CV_EFAILED);
        return;
    }
    raise_status(t, t->status);
}

int cv_coro__raised(const cv_task *t)
{
    return t->exc;
}

int cv_coro__io_revents(const cv_task *t)
{
    return t->io_revents;
}

void cv_coro__enter_finally(cv_task *t)
{
    t->in_finally = true;
}

void cv_coro__return(cv_task *t, long long value, const char *text)
{
    t->exc = 0;
    t->result.value = value;
    t->result.error = 0;
    t->result.message[0] = '\0';
    snprintf(t->result.text, sizeof t->result.text, "%s", text != NULL ? text : "");
    t->pc = t->in_finally ? CV_CORO_PC_END : CV_CORO_PC_FINALLY;
}

void cv_coro__fail(cv_task *t, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->result.message, sizeof t->result.message, fmt, ap);
    va_end(ap);
    t->result.error = code != 0 ? code : -1;
    t->exc = CV_EFAILED;
    t->pc = t->in_finally ? CV_CORO_PC_END : CV_CORO_PC_FINALLY;
}
