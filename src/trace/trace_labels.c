/*
 * The writer's labels by id: a future's label is written on its first line
 * and restated on later ones, so the writer remembers each id's label.
 *
 * Ids come from the bus, small and dense (1, 2, 3, ... in the order the
 * futures are made), so most labels live in an array indexed by id, which
 * a million-future run walks in order, cache line after cache line.  But a
 * trace being rewritten may carry any id up to 2^63: an id far past what
 * the array could cover at its density goes to an open-addressing hash
 * instead (a hash alone scattered the dense ids over memory, a cache miss
 * per future).  The array only grows to about twice the number of labels
 * known, so no choice of ids makes it large.  The texts are copied into
 * blocks, one allocation per many labels.
 */
#include "trace.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Labels by id far past the dense array. */
struct cv_trace_label {
    uint64_t id;
    const char *label; /* NULL: the slot is free */
};

/* A block of label texts, kept until the table goes. */
struct text_block {
    struct text_block *next;
    char text[];
};

#define TEXT_BLOCK (64 * 1024)
#define DENSE_MIN 1024

struct cv_trace_labels {
    const char **dense; /* by id, below dense_cap */
    size_t dense_cap;
    struct cv_trace_label *slots;
    size_t cap; /* a power of two, or 0 */
    size_t used;
    size_t known; /* labels set, for the array's bound */
    struct text_block *blocks;
    char *free_text; /* the unused end of the newest block */
    size_t free_left;
};

cv_trace_labels *cv_trace_labels_create(void)
{
    return calloc(1, sizeof(cv_trace_labels));
}

void cv_trace_labels_destroy(cv_trace_labels *labels)
{
    if (labels == NULL)
        return;
    while (labels->blocks != NULL) {
        struct text_block *next = labels->blocks->next;
        free(labels->blocks);
        labels->blocks = next;
    }
    free(labels->dense);
    free(labels->slots);
    free(labels);
}

/* A copy of s in the blocks, or NULL without memory. */
static const char *copy_text(cv_trace_labels *labels, const char *s)
{
    size_t n = strlen(s) + 1;
    if (n > labels->free_left) {
        size_t size = n > TEXT_BLOCK ? n : TEXT_BLOCK;
        struct text_block *b = malloc(sizeof *b + size);
        if (b == NULL)
            return NULL;
        b->next = labels->blocks;
        labels->blocks = b;
        labels->free_text = b->text;
        labels->free_left = size;
    }
    char *copy = labels->free_text;
    memcpy(copy, s, n);
    labels->free_text += n;
    labels->free_left -= n;
    return copy;
}

static size_t label_hash(uint64_t id, size_t cap)
{
    id ^= id >> 33;
    id *= 0xff51afd7ed558ccdULL;
    id ^= id >> 33;
    return (size_t)id & (cap - 1);
}

/* The slot that holds id, or the free slot where it would go. */
static struct cv_trace_label *label_slot(const cv_trace_labels *labels, uint64_t id)
{
    size_t i = label_hash(id, labels->cap);
    while (labels->slots[i].label != NULL && labels->slots[i].id != id)
        i = (i + 1) & (labels->cap - 1);
    return &labels->slots[i];
}

/* Doubles the hash (keeping it at most half full); false without memory. */
static bool hash_grow(cv_trace_labels *labels)
{
    size_t cap = labels->cap ? labels->cap * 2 : 64;
    struct cv_trace_label *old = labels->slots, *slots = calloc(cap, sizeof *slots);
    if (slots == NULL)
        return false;
    size_t old_cap = labels->cap;
    labels->slots = slots;
    labels->cap = cap;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].label != NULL)
            *label_slot(labels, old[i].id) = old[i];
    free(old);
    return true;
}

/* Grows the array to cover id if that keeps it within about twice the
 * labels known; false if id is to go to the hash. */
static bool dense_covers(cv_trace_labels *labels, uint64_t id)
{
    if (id < labels->dense_cap)
        return true;
    size_t bound = 2 * (labels->known + DENSE_MIN);
    if (id >= bound)
        return false;
    size_t cap = labels->dense_cap ? labels->dense_cap : DENSE_MIN;
    while (cap <= id)
        cap *= 2;
    const char **dense = realloc(labels->dense, cap * sizeof *dense);
    if (dense == NULL)
        return false;
    memset(dense + labels->dense_cap, 0, (cap - labels->dense_cap) * sizeof *dense);
    labels->dense = dense;
    labels->dense_cap = cap;
    return true;
}

void cv_trace_labels__set(cv_trace_labels *labels, uint64_t id, const char *label)
{
    const char *copy = copy_text(labels, label);
    if (copy == NULL)
        return;
    labels->known++;
    if (dense_covers(labels, id)) {
        labels->dense[id] = copy;
        return;
    }
    if ((labels->used + 1) * 2 > labels->cap && !hash_grow(labels))
        return;
    struct cv_trace_label *slot = label_slot(labels, id);
    if (slot->label == NULL)
        labels->used++;
    *slot = (struct cv_trace_label){id, copy};
}

void cv_trace_labels_note(cv_trace_labels *labels, const cv_event *ev)
{
    const cv_kind_desc *d = cv_event_kind_desc(ev->kind);
    if (ev->text == NULL || d == NULL)
        return;
    for (size_t i = 0; i < d->nfields; i++)
        if (d->fields[i].type == CV_FT_LABEL && cv_field_in_state(&d->fields[i], ev->state))
            cv_trace_labels__set(labels, ev->id, ev->text);
}

const char *cv_trace_labels_get(const cv_trace_labels *labels, uint64_t id)
{
    /* The array first: an id it covers now may have been set in the hash
     * before it grew, and then the array's entry is the newer one. */
    if (id < labels->dense_cap && labels->dense[id] != NULL)
        return labels->dense[id];
    return labels->cap > 0 ? label_slot(labels, id)->label : NULL;
}
