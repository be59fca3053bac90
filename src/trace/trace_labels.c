/*
 * The writer's labels by id: a future's label is written on its first line
 * and restated on later ones, so the writer remembers each id's label.
 */
#include "trace.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Labels by id, in an open-addressing hash: ids come from the bus (small
 * and dense) but also from a trace being rewritten, where any id up to
 * 2^63 is valid, so an array indexed by id could not hold them. */
struct cv_trace_label {
    uint64_t id;
    char *label; /* NULL: the slot is free */
};

struct cv_trace_labels {
    struct cv_trace_label *slots;
    size_t cap; /* a power of two, or 0 */
    size_t used;
};

cv_trace_labels *cv_trace_labels_create(void)
{
    return calloc(1, sizeof(cv_trace_labels));
}

void cv_trace_labels_destroy(cv_trace_labels *labels)
{
    if (labels == NULL)
        return;
    for (size_t i = 0; i < labels->cap; i++)
        free(labels->slots[i].label);
    free(labels->slots);
    free(labels);
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

/* Doubles the table (keeping it at most half full); false without memory. */
static bool labels_grow(cv_trace_labels *labels)
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

static void set_label(cv_trace_labels *labels, uint64_t id, const char *label)
{
    if ((labels->used + 1) * 2 > labels->cap && !labels_grow(labels))
        return;
    char *copy = strdup(label);
    if (copy == NULL)
        return;
    struct cv_trace_label *slot = label_slot(labels, id);
    if (slot->label == NULL)
        labels->used++;
    free(slot->label);
    *slot = (struct cv_trace_label){id, copy};
}

void cv_trace_labels_note(cv_trace_labels *labels, const cv_event *ev)
{
    const cv_kind_desc *d = cv_event_kind_desc(ev->kind);
    if (ev->text == NULL || d == NULL)
        return;
    for (size_t i = 0; i < d->nfields; i++)
        if (d->fields[i].type == CV_FT_LABEL && cv_field_in_state(&d->fields[i], ev->state))
            set_label(labels, ev->id, ev->text);
}

const char *cv_trace_labels_get(const cv_trace_labels *labels, uint64_t id)
{
    return labels->cap > 0 ? label_slot(labels, id)->label : NULL;
}
