/*
 * Futures (see future.h).  Every state change happens under the future's
 * own mutex and is published while that mutex is held, so the events of
 * one future are stamped in the order they happened.  Waiters registered by
 * wait() and as_completed() are told under the same mutex (lock order:
 * future, then waiter), which lets a waiter that removes itself be freed at
 * once; done-callbacks run after the unlock, in the completing thread.
 */
#include "future.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "future_mem.h"

typedef struct callback {
    cv_done_fn fn;
    void *arg;
    struct callback *next;
} callback;

typedef struct waiter_node {
    cv_waiter *waiter;
    struct waiter_node *next;
    bool borrowed; /* a blocked result()'s, on its stack: not to be freed */
} waiter_node;

/* Kept small, because a stress run holds a million of them and each byte
 * is a megabyte of fresh memory: no condition variable (a thread blocked in
 * result() waits on its own, as a waiter), narrow state and lane, and the
 * outcome compact (a cv_result is 200-odd bytes, mostly text that few
 * calls use).  With the pool's queue node it fills 192 bytes. */
struct cv_future {
    pthread_mutex_t mu;
    atomic_int refs;
    int error;
    int16_t lane;  /* as events carry it */
    uint8_t state; /* enum cv_future_state; written with set_state */
    bool pooled;   /* its memory came from cv_future__alloc's blocks */
    uint64_t id;
    cv_bus *bus;
    long long value;
    void *data;
    char *text;    /* NULL when empty */
    char *message; /* NULL unless failed */
    callback *callbacks;
    waiter_node *waiters;
    char label[48];
};

/* The executor's bytes follow the future, aligned for pointers. */
#define HEAD_BYTES ((sizeof(cv_future) + 7) & ~(size_t)7)

/* A future and the pool's queue node (three pointers) share one block. */
_Static_assert(HEAD_BYTES + 3 * sizeof(void *) <= CV_FUTURE_MEM_BLOCK,
               "a pool's future fits one block");

void cv_result_fail(cv_result *out, int error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    out->error = error ? error : -1;
    vsnprintf(out->message, sizeof out->message, fmt, ap);
    va_end(ap);
}

cv_future *cv_future_new(cv_bus *bus, const char *label)
{
    return cv_future_new_extra(bus, label, 0, NULL);
}

cv_future *cv_future_new_extra(cv_bus *bus, const char *label, size_t extra, void **extra_out)
{
    bool pooled;
    cv_future *f = cv_future__alloc(HEAD_BYTES + extra, &pooled);
    if (f == NULL)
        return NULL;
    memset(f, 0, sizeof *f);
    f->pooled = pooled;
    if (extra_out != NULL)
        *extra_out = (char *)f + HEAD_BYTES;
    pthread_mutex_init(&f->mu, NULL);
    atomic_init(&f->refs, 1);
    f->state = CV_PENDING; /* not shared yet */
    f->lane = (int16_t)CV_NO_LANE;
    f->bus = bus;
    f->id = cv_bus_new_id(bus);
    /* A plain copy: this is on every submit's path, and snprintf is slow. */
    const char *src = label ? label : "call";
    size_t len = strnlen(src, sizeof f->label - 1);
    memcpy(f->label, src, len);
    f->label[len] = '\0';
    cv_publish_future(bus, f->id, CV_PENDING, CV_NO_LANE, f->label, 0, 0);
    return f;
}

cv_future *cv_future_of_extra(void *extra)
{
    return (cv_future *)((char *)extra - HEAD_BYTES);
}

void cv_future_retain(cv_future *f)
{
    atomic_fetch_add_explicit(&f->refs, 1, memory_order_relaxed);
}

void cv_future_release(cv_future *f)
{
    if (f == NULL || atomic_fetch_sub_explicit(&f->refs, 1, memory_order_acq_rel) != 1)
        return;
    callback *c = f->callbacks;
    while (c != NULL) {
        callback *next = c->next;
        free(c);
        c = next;
    }
    waiter_node *w = f->waiters;
    while (w != NULL) {
        waiter_node *next = w->next;
        free(w);
        w = next;
    }
    free(f->text);
    free(f->message);
    pthread_mutex_destroy(&f->mu);
    cv_future__free(f, f->pooled);
}

uint64_t cv_future_id(const cv_future *f)
{
    return f->id;
}

cv_bus *cv_future_bus(const cv_future *f)
{
    return f->bus;
}

const char *cv_future_label(const cv_future *f)
{
    return f->label;
}

/* The state is written under the mutex but read without it by
 * cv_future_state (wait() asks it of every one of a million futures): an
 * atomic store, so that such a read sees a whole value, and release order,
 * so that a reader that sees a future done sees what made it so.  It is
 * stored after the event that says so is published: a reader that sees
 * the new state and publishes in turn must be stamped later, or the log
 * would show the effect before its cause. */
static void set_state(cv_future *f, int state)
{
    __atomic_store_n(&f->state, (uint8_t)state, __ATOMIC_RELEASE);
}

int cv_future_state(cv_future *f)
{
    return __atomic_load_n(&f->state, __ATOMIC_ACQUIRE);
}

static bool is_done(int state)
{
    return state == CV_FINISHED || state == CV_FAILED || state == CV_CANCELLED;
}

bool cv_future_done(cv_future *f)
{
    return is_done(cv_future_state(f));
}

bool cv_future_running(cv_future *f)
{
    return cv_future_state(f) == CV_RUNNING;
}

bool cv_future_cancelled(cv_future *f)
{
    return cv_future_state(f) == CV_CANCELLED;
}

/* Called with f->mu held when f has just become done.  Waiters hear it now,
 * under the lock, so that a waiter that removes itself (under the same lock)
 * can be freed at once; callbacks are taken out to run after the unlock. */
static callback *notify_done(cv_future *f)
{
    waiter_node *ws = f->waiters;
    f->waiters = NULL;
    while (ws != NULL) {
        waiter_node *next = ws->next;
        bool borrowed = ws->borrowed;
        ws->waiter->notify(ws->waiter, f, f->state);
        if (!borrowed)
            free(ws);
        ws = next;
    }
    callback *cbs = f->callbacks;
    f->callbacks = NULL;
    return cbs;
}

static void run_callbacks(cv_future *f, callback *cbs)
{
    /* The list is newest first; callbacks run in the order they were added. */
    callback *ordered = NULL;
    while (cbs != NULL) {
        callback *next = cbs->next;
        cbs->next = ordered;
        ordered = cbs;
        cbs = next;
    }
    while (ordered != NULL) {
        callback *next = ordered->next;
        ordered->fn(f, ordered->arg);
        free(ordered);
        ordered = next;
    }
}

bool cv_future_cancel(cv_future *f)
{
    pthread_mutex_lock(&f->mu);
    if (f->state == CV_RUNNING || f->state == CV_FINISHED || f->state == CV_FAILED) {
        pthread_mutex_unlock(&f->mu);
        return false;
    }
    if (f->state == CV_CANCELLED) {
        pthread_mutex_unlock(&f->mu);
        return true;
    }
    /* Published under the lock, as every state change is, so that the
     * events of one future are stamped in the order they happened. */
    cv_publish_future(f->bus, f->id, CV_CANCELLED, CV_NO_LANE, NULL, 0, 0);
    set_state(f, CV_CANCELLED);
    callback *cbs = notify_done(f);
    pthread_mutex_unlock(&f->mu);
    run_callbacks(f, cbs);
    return true;
}

bool cv_future_set_running(cv_future *f, int lane)
{
    pthread_mutex_lock(&f->mu);
    if (f->state != CV_PENDING) {
        pthread_mutex_unlock(&f->mu);
        return false;
    }
    f->lane = (int16_t)lane;
    cv_publish_future(f->bus, f->id, CV_RUNNING, lane, NULL, 0, 0);
    set_state(f, CV_RUNNING);
    pthread_mutex_unlock(&f->mu);
    return true;
}

int cv_future_set_result(cv_future *f, const cv_result *r)
{
    pthread_mutex_lock(&f->mu);
    if (is_done(f->state)) {
        /* The first outcome stands; a second is the caller's mistake, and
         * saying so beats dropping it in silence. */
        pthread_mutex_unlock(&f->mu);
        return CV_EINVALIDSTATE;
    }
    f->value = r->value;
    f->data = r->data;
    f->error = r->error;
    f->text = r->text[0] ? strdup(r->text) : NULL;
    f->message = r->error ? strdup(r->message) : NULL;
    if (r->error)
        cv_publish_future(f->bus, f->id, CV_FAILED, f->lane, r->message, 0, r->error);
    else
        cv_publish_future(f->bus, f->id, CV_FINISHED, f->lane,
                          r->text[0] ? r->text : NULL, (uint64_t)r->value, r->code);
    set_state(f, r->error ? CV_FAILED : CV_FINISHED);
    callback *cbs = notify_done(f);
    pthread_mutex_unlock(&f->mu);
    run_callbacks(f, cbs);
    return CV_OK;
}

/* The class a failure would have raised in Python, by its code. */
static const char *raised_name(int error)
{
    switch (error) {
    case CV_ETIMEDOUT: return "TimeoutError";
    case CV_ECANCELLED: return "CancelledError";
    case CV_ENOMEM: return "MemoryError";
    case CV_EIO: return "OSError";
    default: return "Exception";
    }
}

char *cv_future_repr(cv_future *f, char *buf, size_t len)
{
    static const char *const names[] = {
        [CV_PENDING] = "pending", [CV_RUNNING] = "running", [CV_FINISHED] = "finished",
        [CV_FAILED] = "finished", [CV_CANCELLED] = "cancelled",
    };
    if (len == 0)
        return buf;
    pthread_mutex_lock(&f->mu);
    int state = f->state;
    const char *name = state < (int)(sizeof names / sizeof names[0]) && names[state] ? names[state]
                                                                                 : "unknown";
    if (state == CV_FINISHED)
        snprintf(buf, len, "<Future at %p state=%s returned %s>", (void *)f, name,
                 f->text != NULL ? "str" : "int");
    else if (state == CV_FAILED)
        snprintf(buf, len, "<Future at %p state=%s raised %s>", (void *)f, name,
                 raised_name(f->error));
    else
        snprintf(buf, len, "<Future at %p state=%s>", (void *)f, name);
    pthread_mutex_unlock(&f->mu);
    return buf;
}

static void copy_outcome(const cv_future *f, cv_result *out)
{
    if (out == NULL)
        return;
    memset(out, 0, sizeof *out);
    out->value = f->value;
    out->data = f->data;
    out->error = f->error;
    if (f->text != NULL)
        snprintf(out->text, sizeof out->text, "%s", f->text);
    if (f->message != NULL)
        snprintf(out->message, sizeof out->message, "%s", f->message);
}

static int outcome(cv_future *f, cv_result *out)
{
    switch (f->state) {
    case CV_CANCELLED:
        return CV_ECANCELLED;
    case CV_FAILED:
        copy_outcome(f, out);
        return CV_EFAILED;
    default:
        copy_outcome(f, out);
        return CV_OK;
    }
}

/* A thread blocked in result(): a waiter with a condition variable of its
 * own, which it waits on with the future's mutex (the future tells its
 * waiters under that mutex, so no wake-up is lost). */
typedef struct sleeper {
    cv_waiter base;
    pthread_cond_t cond;
} sleeper;

static void wake_sleeper(cv_waiter *w, cv_future *f, int state)
{
    (void)f;
    (void)state;
    pthread_cond_signal(&((sleeper *)w)->cond);
}

/* Takes a borrowed node out of the list, if it is still there. */
static void unlink_node(cv_future *f, waiter_node *node)
{
    for (waiter_node **p = &f->waiters; *p != NULL; p = &(*p)->next) {
        if (*p == node) {
            *p = node->next;
            return;
        }
    }
}

int cv_future_result(cv_future *f, double timeout_s, cv_result *out)
{
    return cv_future__result_in(f, timeout_s, out, "result");
}

int cv_future__result_in(cv_future *f, double timeout_s, cv_result *out, const char *what)
{
    pthread_mutex_lock(&f->mu);
    if (!is_done(f->state)) {
        if (timeout_s == 0) {
            pthread_mutex_unlock(&f->mu);
            return CV_ETIMEDOUT;
        }
        struct timespec deadline = cv_clock_deadline(timeout_s);
        cv_publish_wait(f->bus, CV_WAIT_BLOCK, f->id, what);
        sleeper me = {.base.notify = wake_sleeper};
        cv_clock_cond_init(&me.cond);
        waiter_node node = {.waiter = &me.base, .next = f->waiters, .borrowed = true};
        f->waiters = &node;
        int rc = 0;
        while (!is_done(f->state) && rc != ETIMEDOUT) {
            if (timeout_s < 0)
                pthread_cond_wait(&me.cond, &f->mu);
            else
                rc = pthread_cond_timedwait(&me.cond, &f->mu, &deadline);
        }
        /* Done: the future took the node out as it told us.  Timed out:
         * the node is ours to take out. */
        if (!is_done(f->state))
            unlink_node(f, &node);
        pthread_cond_destroy(&me.cond);
        cv_publish_wait(f->bus, CV_WAIT_UNBLOCK, f->id, what);
        if (!is_done(f->state)) {
            pthread_mutex_unlock(&f->mu);
            return CV_ETIMEDOUT;
        }
    }
    int rc = outcome(f, out);
    pthread_mutex_unlock(&f->mu);
    return rc;
}

int cv_future_add_done_callback(cv_future *f, cv_done_fn fn, void *arg)
{
    pthread_mutex_lock(&f->mu);
    if (is_done(f->state)) {
        pthread_mutex_unlock(&f->mu);
        fn(f, arg);
        return CV_OK;
    }
    callback *c = malloc(sizeof *c);
    if (c == NULL) {
        pthread_mutex_unlock(&f->mu);
        return CV_ENOMEM;
    }
    *c = (callback){fn, arg, f->callbacks};
    f->callbacks = c;
    pthread_mutex_unlock(&f->mu);
    return CV_OK;
}

bool cv_future_add_waiter(cv_future *f, cv_waiter *w)
{
    pthread_mutex_lock(&f->mu);
    if (is_done(f->state)) {
        pthread_mutex_unlock(&f->mu);
        return true;
    }
    waiter_node *node = malloc(sizeof *node);
    if (node != NULL) {
        *node = (waiter_node){.waiter = w, .next = f->waiters};
        f->waiters = node;
    }
    pthread_mutex_unlock(&f->mu);
    return node == NULL; /* without memory, report it done: never hang */
}

void cv_future_remove_waiter(cv_future *f, cv_waiter *w)
{
    pthread_mutex_lock(&f->mu);
    for (waiter_node **p = &f->waiters; *p != NULL; p = &(*p)->next) {
        if ((*p)->waiter == w) {
            waiter_node *dead = *p;
            *p = dead->next;
            free(dead);
            break;
        }
    }
    pthread_mutex_unlock(&f->mu);
}
