/*
 * Future and task ids to their index in the model: an open-addressing
 * hash with linear probing, so that a lookup costs the same for id 3 and
 * for id 10^15.  (A direct table indexed by id, with a linear search past
 * 4 194 304, froze the UI for 43 s on 100 k such ids.)  A slot holds the
 * id and index + 1, 0 marking an empty slot, so id 0 needs no special case.
 * Removal (a step back forgets the futures a checkpoint had not seen)
 * shifts the following run of the cluster back, so no tombstones pile up
 * however often the user steps back and forth.
 */
#include "model_private.h"

#include <stdlib.h>
#include <string.h>

struct cv_model_id_slot {
    uint64_t id;
    size_t index1; /* index + 1; 0: empty */
};

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

size_t cv_model__id_find(const cv_model_ids *t, uint64_t id)
{
    if (t->cap == 0)
        return CV_NONE;
    size_t mask = t->cap - 1;
    for (size_t i = slot_of(id, mask);; i = (i + 1) & mask) {
        const struct cv_model_id_slot *s = &t->slots[i];
        if (s->index1 == 0)
            return CV_NONE;
        if (s->id == id)
            return s->index1 - 1;
    }
}

static void put(struct cv_model_id_slot *slots, size_t mask, uint64_t id, size_t index1)
{
    size_t i = slot_of(id, mask);
    while (slots[i].index1 != 0 && slots[i].id != id)
        i = (i + 1) & mask;
    slots[i] = (struct cv_model_id_slot){id, index1};
}

int cv_model__id_put(cv_model_ids *t, uint64_t id, size_t index)
{
    /* At most half full, so that probes stay short. */
    if ((t->n + 1) * 2 > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        struct cv_model_id_slot *slots = calloc(cap, sizeof *slots);
        if (slots == NULL)
            return -1;
        for (size_t i = 0; i < t->cap; i++)
            if (t->slots[i].index1 != 0)
                put(slots, cap - 1, t->slots[i].id, t->slots[i].index1);
        free(t->slots);
        t->slots = slots;
        t->cap = cap;
    }
    if (cv_model__id_find(t, id) == CV_NONE)
        t->n++;
    put(t->slots, t->cap - 1, id, index + 1);
    return 0;
}

void cv_model__id_remove(cv_model_ids *t, uint64_t id)
{
    if (t->cap == 0)
        return;
    size_t mask = t->cap - 1, i = slot_of(id, mask);
    while (t->slots[i].index1 != 0 && t->slots[i].id != id)
        i = (i + 1) & mask;
    if (t->slots[i].index1 == 0)
        return;
    t->n--;
    /* Knuth's algorithm R: move back each later entry of the cluster whose
     * home slot is not between the hole and it (cyclically). */
    for (size_t j = i;;) {
        t->slots[i].index1 = 0;
        for (;;) {
            j = (j + 1) & mask;
            if (t->slots[j].index1 == 0)
                return;
            size_t home = slot_of(t->slots[j].id, mask);
            bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
            if (!stays)
                break;
        }
        t->slots[i] = t->slots[j];
        i = j;
    }
}

void cv_model__id_clear(cv_model_ids *t)
{
    if (t->slots != NULL)
        memset(t->slots, 0, t->cap * sizeof *t->slots);
    t->n = 0;
}

void cv_model__id_free(cv_model_ids *t)
{
    free(t->slots);
    *t = (cv_model_ids){0};
}
