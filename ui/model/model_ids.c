/*
 * Future and task ids to their index in the model, for the futures that
 * are not where their id says (model.c looks there first, at index id - 1,
 * where runs put nearly all of them): an open-addressing
 * hash with linear probing, so that a lookup costs the same for id 3 and
 * for id 10^15.  (A direct table indexed by id, with a linear search past
 * 4 194 304, froze the UI for 43 s on 100 k such ids.)  Ids and indices
 * are kept in two arrays, 12 bytes a slot rather than a padded 16, and the
 * table is at most three quarters full; an index of 0 marks an empty slot
 * (a slot holds index + 1), so id 0 needs no special case.
 *
 * Nothing is ever removed.  A step back forgets the futures a checkpoint
 * had not seen, and a reset forgets them all, but their slots stay: the
 * model checks what a lookup returns (cv_model_future_index: the index is
 * below the futures it holds, and the future there has that id), and a
 * future made again overwrites its id's slot.  So a step back or Home
 * costs nothing here, where removing 10^5 ids one by one took milliseconds,
 * and since an id has one slot whatever happens, the table holds at most
 * the ids of the log.
 */
#include "model_private.h"

#include <stdlib.h>
#include <string.h>

/* splitmix64's finaliser: ids are often consecutive, which a plain modulo
 * would cluster. */
static size_t slot_of(uint64_t id, size_t mask)
{
    id ^= id >> 30;
    id *= 0xbf58476d1ce4e5b9ULL;
    id ^= id >> 27;
    id *= 0x94d049bb133111ebULL;
    id ^= id >> 31;
    return (size_t)id & mask;
}

/* The slot of id, or the empty slot where it would go. */
static size_t probe(const uint64_t *ids, const uint32_t *index1, size_t mask, uint64_t id)
{
    size_t i = slot_of(id, mask);
    while (index1[i] != 0 && ids[i] != id)
        i = (i + 1) & mask;
    return i;
}

size_t cv_model__id_find(const cv_model_ids *t, uint64_t id)
{
    if (t->cap == 0)
        return CV_NONE;
    size_t i = probe(t->ids, t->index1, t->cap - 1, id);
    return t->index1[i] != 0 ? (size_t)t->index1[i] - 1 : CV_NONE;
}

/* Moves to a table of cap slots (a power of two); -1 without memory. */
static int resize(cv_model_ids *t, size_t cap)
{
    uint64_t *ids = malloc(cap * sizeof *ids);
    uint32_t *index1 = calloc(cap, sizeof *index1);
    if (ids == NULL || index1 == NULL) {
        free(ids);
        free(index1);
        return -1;
    }
    for (size_t i = 0; i < t->cap; i++) {
        if (t->index1[i] == 0)
            continue;
        size_t j = probe(ids, index1, cap - 1, t->ids[i]);
        ids[j] = t->ids[i];
        index1[j] = t->index1[i];
    }
    free(t->ids);
    free(t->index1);
    t->ids = ids;
    t->index1 = index1;
    t->cap = cap;
    return 0;
}

int cv_model__id_reserve(cv_model_ids *t, size_t n)
{
    size_t cap = 64;
    while (cap / 4 * 3 < n)
        cap *= 2;
    return cap > t->cap ? resize(t, cap) : 0;
}

int cv_model__id_put(cv_model_ids *t, uint64_t id, size_t index)
{
    if (index >= UINT32_MAX)
        return -1; /* four billion futures: more than a log can hold */
    if ((t->n + 1) > t->cap / 4 * 3 && resize(t, t->cap ? t->cap * 2 : 64) != 0)
        return -1;
    size_t i = probe(t->ids, t->index1, t->cap - 1, id);
    if (t->index1[i] == 0)
        t->n++;
    t->ids[i] = id;
    t->index1[i] = (uint32_t)(index + 1);
    return 0;
}

void cv_model__id_free(cv_model_ids *t)
{
    free(t->ids);
    free(t->index1);
    *t = (cv_model_ids){0};
}

size_t cv_model__id_bytes(const cv_model_ids *t)
{
    return t->cap * (sizeof *t->ids + sizeof *t->index1);
}
