/*
 * Names of kinds, states, sides and roles, looked up in the kind table
 * (event_kinds.c) and two small ones here, so that traces, captions and
 * the reader agree on one spelling.
 */
#include "event.h"

#include <stddef.h>
#include <string.h>

static const char *const side_names[] = {
    [CV_SIDE_NONE] = "none", [CV_SIDE_THREAD] = "thread",
    [CV_SIDE_TASK] = "task", [CV_SIDE_PROCESS] = "process", NULL,
};

static const char *const role_names[] = {
    [CV_ROLE_UNKNOWN] = "unknown", [CV_ROLE_MAIN] = "main",
    [CV_ROLE_WORKER] = "worker",   [CV_ROLE_LOOP] = "loop",
    [CV_ROLE_SPINNER] = "spinner", [CV_ROLE_PROCESS] = "process", NULL,
};

/* Kinds without states (log, drop, header, ...) have no names for them. */
static const char *const *states_of(unsigned kind)
{
    const cv_kind_desc *d = cv_event_kind_desc(kind);
    return d != NULL ? d->states : NULL;
}

static int index_of(const char *const *names, const char *name)
{
    for (unsigned i = 0; names != NULL && names[i] != NULL; i++)
        if (strcmp(names[i], name) == 0)
            return (int)i;
    return -1;
}

const char *cv_event_kind_name(unsigned kind)
{
    const cv_kind_desc *d = cv_event_kind_desc(kind);
    return d != NULL ? d->name : "unknown";
}

const char *cv_event_state_name(unsigned kind, unsigned state)
{
    const char *const *names = states_of(kind);
    for (unsigned i = 0; names != NULL && names[i] != NULL; i++)
        if (i == state)
            return names[i];
    return NULL;
}

int cv_event_kind_from_name(const char *name)
{
    for (unsigned k = 1; k < CV_EV_KIND_COUNT; k++)
        if (cv_event_kind_desc(k) != NULL && strcmp(cv_event_kind_desc(k)->name, name) == 0)
            return (int)k;
    return -1;
}

int cv_event_state_from_name(unsigned kind, const char *name)
{
    return index_of(states_of(kind), name);
}

const char *cv_side_name(unsigned side)
{
    return side < CV_SIDE_COUNT ? side_names[side] : "none";
}

int cv_side_from_name(const char *name)
{
    return index_of(side_names, name);
}

const char *cv_role_name(unsigned role)
{
    return role < CV_ROLE_COUNT ? role_names[role] : "unknown";
}

int cv_role_from_name(const char *name)
{
    int r = index_of(role_names, name);
    return r < 0 ? CV_ROLE_UNKNOWN : r;
}
