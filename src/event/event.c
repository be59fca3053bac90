/*
 * The names of event kinds and states, as tables indexed by the enums, so
 * that traces, captions and the reader agree on one spelling.
 */
#include "event.h"

#include <stddef.h>
#include <string.h>

static const char *const kind_names[CV_EV_KIND_COUNT] = {
    [CV_EV_HEADER] = "header", [CV_EV_FUTURE] = "future",
    [CV_EV_THREAD] = "thread", [CV_EV_WAIT] = "wait",
    [CV_EV_LOG] = "log",       [CV_EV_DROP] = "drop",
    [CV_EV_TASK] = "task",     [CV_EV_FRAME] = "frame",
    [CV_EV_LOOP] = "loop",     [CV_EV_MARK] = "mark",
};

static const char *const future_states[] = {
    [CV_PENDING] = "pending",   [CV_RUNNING] = "running",
    [CV_FINISHED] = "finished", [CV_FAILED] = "failed",
    [CV_CANCELLED] = "cancelled", NULL,
};

static const char *const thread_states[] = {
    [CV_THREAD_STARTED] = "started", [CV_THREAD_BUSY] = "busy",
    [CV_THREAD_IDLE] = "idle",       [CV_THREAD_STOPPED] = "stopped", NULL,
};

static const char *const wait_states[] = {
    [CV_WAIT_BLOCK] = "block", [CV_WAIT_UNBLOCK] = "unblock", NULL,
};

static const char *const task_states[] = {
    [CV_TASK_CREATED] = "created",     [CV_TASK_SCHEDULED] = "scheduled",
    [CV_TASK_RUNNING] = "running",     [CV_TASK_SUSPENDED] = "suspended",
    [CV_TASK_CANCELLED] = "cancelled", [CV_TASK_DONE] = "done",
    [CV_TASK_FAILED] = "failed", NULL,
};

static const char *const loop_states[] = {
    [CV_LOOP_POLLING] = "polling", [CV_LOOP_RUNNING] = "running",
    [CV_LOOP_IDLE] = "idle", NULL,
};

static const char *const side_names[] = {
    [CV_SIDE_NONE] = "none", [CV_SIDE_THREAD] = "thread",
    [CV_SIDE_TASK] = "task", NULL,
};

/* Kinds without states (log, drop, header, ...) have no table. */
static const char *const *states_of(unsigned kind)
{
    switch (kind) {
    case CV_EV_FUTURE: return future_states;
    case CV_EV_THREAD: return thread_states;
    case CV_EV_WAIT: return wait_states;
    case CV_EV_TASK: return task_states;
    case CV_EV_LOOP: return loop_states;
    default: return NULL;
    }
}

const char *cv_event_kind_name(unsigned kind)
{
    if (kind >= CV_EV_KIND_COUNT || kind_names[kind] == NULL)
        return "unknown";
    return kind_names[kind];
}

const char *cv_event_state_name(unsigned kind, unsigned state)
{
    const char *const *names = states_of(kind);
    if (names == NULL)
        return NULL;
    for (unsigned i = 0; names[i] != NULL; i++)
        if (i == state)
            return names[i];
    return NULL;
}

int cv_event_kind_from_name(const char *name)
{
    for (unsigned k = 1; k < CV_EV_KIND_COUNT; k++)
        if (kind_names[k] != NULL && strcmp(kind_names[k], name) == 0)
            return (int)k;
    return -1;
}

int cv_event_state_from_name(unsigned kind, const char *name)
{
    const char *const *names = states_of(kind);
    if (names == NULL)
        return -1;
    for (unsigned i = 0; names[i] != NULL; i++)
        if (strcmp(names[i], name) == 0)
            return (int)i;
    return -1;
}

const char *cv_side_name(unsigned side)
{
    return side < CV_SIDE_COUNT ? side_names[side] : "none";
}

int cv_side_from_name(const char *name)
{
    for (unsigned i = 0; side_names[i] != NULL; i++)
        if (strcmp(side_names[i], name) == 0)
            return (int)i;
    return -1;
}
