/*
 * Lookups over the embedded listings (listing.h).  The table itself is
 * generated (listing_data.c in the build directory); this file only maps a
 * scenario and its mode to a listing and cuts a listing into lines.
 */
#include <string.h>

#include "listing.h"

extern const cv_listing cv_listing__table[];
extern const int cv_listing__count;
extern const cv_listing_mark cv_listing__marks[];
extern const int cv_listing__mark_count;

const cv_listing *cv_listing_get(int id)
{
    if (id < 0 || id >= cv_listing__count)
        return NULL;
    return &cv_listing__table[id];
}

int cv_listing_find(const char *name)
{
    for (int i = 0; name != NULL && i < cv_listing__count; i++)
        if (strcmp(cv_listing__table[i].name, name) == 0)
            return i;
    return -1;
}

/* Which file each scenario's mode or side shows: the scenario's own
 * option values, first the default.  A scenario missing here (stress)
 * has no listing. */
static const struct {
    const char *scenario;
    const char *mode;
    const char *listing;
} choices[] = {
    {"loiter", NULL, "loiter"},
    {"spinner", NULL, "spinner_thread"},
    {"spinner", "thread", "spinner_thread"},
    {"spinner", "task", "spinner_async"},
    {"spinner", "process", "spinner_proc"},
    {"primes", NULL, "primes_threads"},
    {"primes", "sequential", "primes_sequential"},
    {"primes", "threads", "primes_threads"},
    {"primes", "procs", "primes_procs"},
    {"primes", "pool", "primes_pool"},
    {"flags", "futures", "flags_threadpool_futures"},
};

int cv_listing_for(const char *scenario, const char *mode)
{
    int fallback = -1;
    for (size_t i = 0; scenario != NULL && i < sizeof choices / sizeof choices[0]; i++) {
        if (strcmp(choices[i].scenario, scenario) != 0)
            continue;
        if (choices[i].mode == NULL)
            fallback = cv_listing_find(choices[i].listing);
        else if (mode != NULL && strcmp(choices[i].mode, mode) == 0)
            return cv_listing_find(choices[i].listing);
    }
    return fallback;
}

int cv_listing_lines(int id)
{
    const cv_listing *l = cv_listing_get(id);
    if (l == NULL)
        return 0;
    int n = 0;
    for (size_t i = 0; i < l->len; i++)
        if (l->text[i] == '\n')
            n++;
    if (l->len > 0 && l->text[l->len - 1] != '\n')
        n++;
    return n;
}

const char *cv_listing_line(int id, int line, size_t *len)
{
    const cv_listing *l = cv_listing_get(id);
    if (l == NULL || line < 1)
        return NULL;
    const char *p = l->text;
    const char *end = l->text + l->len;
    for (int k = 1; k < line; k++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (nl == NULL)
            return NULL;
        p = nl + 1;
    }
    if (p == end)
        return NULL;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    *len = (size_t)((nl != NULL ? nl : end) - p);
    return p;
}

int cv_listing_mark_count(void)
{
    return cv_listing__mark_count;
}

const cv_listing_mark *cv_listing_mark_at(int i)
{
    if (i < 0 || i >= cv_listing__mark_count)
        return NULL;
    return &cv_listing__marks[i];
}
