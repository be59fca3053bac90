/*
 * The caption history's cache (see history.h).  Entries are in event
 * order, so the ones before the playhead are a prefix, found by binary
 * search.
 */
#include "history.h"

#include <stdlib.h>
#include <string.h>

#include "caption.h"
#include "steps.h"

int cv_history_init(cv_history *h, const cv_log *log, size_t cap)
{
    *h = (cv_history){.cap = cap > 0 ? cap : 1};
    h->ring = calloc(h->cap, sizeof *h->ring);
    if (h->ring == NULL)
        return -1;
    if (cv_model_init(&h->model, log) != 0) {
        free(h->ring);
        h->ring = NULL;
        return -1;
    }
    return 0;
}

void cv_history_free(cv_history *h)
{
    if (h->ring == NULL)
        return;
    cv_model_free(&h->model);
    free(h->ring);
    *h = (cv_history){0};
}

const cv_log *cv_history_log(const cv_history *h)
{
    return h->ring != NULL ? h->model.log : NULL;
}

/* A caption cut at the entry's size may end inside a UTF-8 character
 * (an arrow, a quoted console line): drop the broken tail. */
static void trim_utf8(char *s)
{
    size_t n = strlen(s), k = n;
    while (k > 0 && ((unsigned char)s[k - 1] & 0xC0) == 0x80)
        k--; /* back over continuation bytes to the lead byte */
    if (k == 0 || (unsigned char)s[k - 1] < 0x80)
        return;
    unsigned char lead = (unsigned char)s[k - 1];
    size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (n - (k - 1) < want)
        s[k - 1] = '\0';
}

static cv_history_entry *push(cv_history *h)
{
    if (h->n == h->cap) {
        h->start = (h->start + 1) % h->cap;
        h->n--;
        h->dropped++;
    }
    return &h->ring[(h->start + h->n++) % h->cap];
}

int cv_history_advance(cv_history *h, size_t upto)
{
    const cv_log *log = h->model.log;
    size_t count = cv_log_count(log);
    if (upto > count)
        upto = count;
    for (size_t i = h->model.upto; i < upto; i++) {
        if (cv_steps_plumbing(log, i))
            continue;
        if (cv_model_advance(&h->model, i + 1) != 0)
            return -1;
        cv_history_entry *e = push(h);
        e->event = i;
        cv_caption_step(&h->model, i, e->text, sizeof e->text);
        trim_utf8(e->text);
    }
    return cv_model_advance(&h->model, upto);
}

const cv_history_entry *cv_history_at(const cv_history *h, size_t i)
{
    return &h->ring[(h->start + i) % h->cap];
}

size_t cv_history_before(const cv_history *h, size_t pos)
{
    size_t lo = 0, hi = h->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cv_history_at(h, mid)->event < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}
