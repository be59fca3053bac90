/*
 * Checkpoints of the model, so that a step back costs a restore and a few
 * thousand events replayed instead of a rebuild from the first event.
 *
 * A checkpoint is taken every `every` events as the model goes forward, the
 * first time it gets there.  When `max` are kept, every other one goes and
 * the spacing doubles, so their number stays bounded however long the log,
 * and the replay after a restore grows only as the log does.
 *
 * A checkpoint is not a copy of the model, which would cost a copy of every
 * future at every checkpoint.  A restore only ever goes back (to fewer
 * events than the model has applied), and the model is a function of the
 * log prefix, so the model being restored holds everything the checkpoint
 * saw, and more: its arrays begin with the same elements.
 *  - Of a lane's or the console's arrays only the last element ever changes
 *    once appended (a span or a slice closes), so a checkpoint keeps each
 *    array's length and last element, and a restore cuts the arrays back
 *    and puts the last elements back.
 *  - A future changes only in an event that names it, anywhere in the
 *    array.  Each checkpoint keeps an undo list: the value a future had at
 *    the checkpoint, saved when an event after it first changes the future
 *    (and before the next checkpoint).  A restore applies the undo lists
 *    from the model's interval back to the target's; within a list, the
 *    first value saved for a future is the one that counts.  Futures made
 *    since are cut off (the id table then ignores their ids).
 *  - The listing lines (model_lines.c) change in place, anywhere in their
 *    short array (one per lane or task that ran listed code), so a
 *    checkpoint keeps a copy of the whole array.
 *  - The model's scalars are one struct copy, which keeps a new scalar
 *    right without a line here; a new array needs its lines in restore()
 *    and restore_lane().
 * Thinning appends a dropped checkpoint's undo list to the one before it:
 * the earlier values come first and win.
 */
#include "model_private.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* 4096 events replay in about 0.1 ms; 64 checkpoints cover 262 144 events
 * before the first thinning. */
#define DEFAULT_EVERY 4096
#define DEFAULT_MAX 64

/* A lane as the checkpoint saw it: its fields (the array pointers unused)
 * and the last element of each array whose last element may change. */
typedef struct ckpt_lane {
    cv_mlane lane;
    cv_span span, wait, loop;
    cv_slice slice;
} ckpt_lane;

/* A future's value at a checkpoint. */
typedef struct saved_fut {
    size_t index;
    cv_mfuture f;
} saved_fut;

typedef struct ckpt {
    cv_model m;        /* the model's fields (the array pointers unused) */
    ckpt_lane *lanes;  /* m.nlanes lanes */
    cv_mline *lines;   /* m.nlines listing lines */
    saved_fut *undo;   /* futures changed after it, as they were at it */
    size_t nundo, capundo;
} ckpt;

struct cv_model_checkpoints {
    size_t every, max;
    ckpt *v;           /* in event order; each at a multiple of every */
    size_t n;
    /* The latest checkpoint's undo list is the open one.  A future whose
     * stamp is the epoch is in it already; the epoch moves on whenever
     * another list opens. */
    uint32_t *stamp;   /* 4 bytes a future: epochs never come near 2^32 */
    size_t capstamp;
    uint32_t epoch;
};

static void ckpt_free(ckpt *c)
{
    free(c->lanes);
    free(c->lines);
    free(c->undo);
}

/* Drops every checkpoint, keeping the settings. */
static void drop_all(struct cv_model_checkpoints *cs)
{
    for (size_t i = 0; i < cs->n; i++)
        ckpt_free(&cs->v[i]);
    cs->n = 0;
    cs->epoch++;
}

void cv_model__checkpoints_init(cv_model *m)
{
    struct cv_model_checkpoints *cs = calloc(1, sizeof *cs);
    m->ckpts = cs;
    m->ckpt_next = SIZE_MAX;
    if (cs == NULL)
        return; /* no checkpoints: a step back starts over */
    cs->every = DEFAULT_EVERY;
    cs->max = DEFAULT_MAX;
    cs->epoch = 1;
    cs->v = calloc(cs->max, sizeof *cs->v);
    if (cs->v == NULL) {
        free(cs);
        m->ckpts = NULL;
        return;
    }
    m->ckpt_next = cs->every;
}

void cv_model__checkpoints_free(cv_model *m)
{
    struct cv_model_checkpoints *cs = m->ckpts;
    if (cs == NULL)
        return;
    drop_all(cs);
    free(cs->v);
    free(cs->stamp);
    free(cs);
    m->ckpts = NULL;
    m->ckpt_next = SIZE_MAX;
}

void cv_model_set_checkpoints(cv_model *m, size_t every, size_t max)
{
    cv_model__checkpoints_free(m);
    cv_model__checkpoints_init(m);
    struct cv_model_checkpoints *cs = m->ckpts;
    if (cs == NULL)
        return;
    if (max > 0) {
        max = max < 2 ? 2 : max; /* thinning needs two to keep one */
        ckpt *v = calloc(max, sizeof *v);
        if (v != NULL) {
            free(cs->v);
            cs->v = v;
            cs->max = max;
        }
    }
    if (every > 0)
        cs->every = every;
    /* The model may be past some multiples already: the next one ahead. */
    m->ckpt_next = (m->upto / cs->every + 1) * cs->every;
}

size_t cv_model_checkpoint_count(const cv_model *m, size_t *every)
{
    const struct cv_model_checkpoints *cs = m->ckpts;
    if (every != NULL)
        *every = cs ? cs->every : 0;
    return cs ? cs->n : 0;
}

/* Appends b's undo list to a's (b is dropped: a's earlier values win). */
static int merge_undo(ckpt *a, const ckpt *b)
{
    if (cv_model__grow((void **)&a->undo, &a->capundo, a->nundo + b->nundo, sizeof *a->undo))
        return -1;
    if (b->nundo > 0)
        memcpy(a->undo + a->nundo, b->undo, b->nundo * sizeof *b->undo);
    a->nundo += b->nundo;
    return 0;
}

/* Keeps every other checkpoint (those at multiples of twice the spacing)
 * and doubles the spacing; drops them all if a merge runs out of memory. */
static void thin(struct cv_model_checkpoints *cs)
{
    cs->every *= 2;
    cs->epoch++;
    size_t kept = 0;
    for (size_t i = 0; i < cs->n; i++) {
        if (cs->v[i].m.upto % cs->every == 0) {
            cs->v[kept++] = cs->v[i];
            continue;
        }
        /* Before the first kept one, a restore starts over: no list. */
        if (kept > 0 && merge_undo(&cs->v[kept - 1], &cs->v[i]) != 0) {
            for (size_t r = i; r < cs->n; r++)
                ckpt_free(&cs->v[r]);
            cs->n = kept;
            drop_all(cs);
            return;
        }
        ckpt_free(&cs->v[i]);
    }
    cs->n = kept;
}

void cv_model__checkpoint_take(cv_model *m)
{
    struct cv_model_checkpoints *cs = m->ckpts;
    if (cs == NULL) {
        m->ckpt_next = SIZE_MAX;
        return;
    }
    if (cs->n == cs->max)
        thin(cs);
    m->ckpt_next = (m->upto / cs->every + 1) * cs->every;
    if (m->upto % cs->every != 0)
        return; /* not on the new spacing: the next multiple will do */
    ckpt c = {.m = *m};
    c.lanes = malloc((m->nlanes > 0 ? (size_t)m->nlanes : 1) * sizeof *c.lanes);
    c.lines = m->nlines > 0 ? malloc(m->nlines * sizeof *c.lines) : NULL;
    if (c.lanes == NULL || (m->nlines > 0 && c.lines == NULL)) {
        free(c.lanes);
        free(c.lines);
        return; /* a gap: the list before it stays open, restores replay longer */
    }
    if (m->nlines > 0)
        memcpy(c.lines, m->lines, m->nlines * sizeof *c.lines);
    for (int i = 0; i < m->nlanes; i++) {
        const cv_mlane *l = &m->lanes[i];
        ckpt_lane *cl = &c.lanes[i];
        memset(cl, 0, sizeof *cl);
        cl->lane = *l;
        if (l->nspans > 0)
            cl->span = l->spans[l->nspans - 1];
        if (l->nwaits > 0)
            cl->wait = l->waits[l->nwaits - 1];
        if (l->nloops > 0)
            cl->loop = l->loops[l->nloops - 1];
        if (l->nslices > 0)
            cl->slice = l->slices[l->nslices - 1];
    }
    cs->v[cs->n++] = c;
    cs->epoch++;
}

void cv_model__checkpoint_note(cv_model *m, uint64_t id)
{
    struct cv_model_checkpoints *cs = m->ckpts;
    if (cs == NULL || cs->n == 0)
        return;
    ckpt *c = &cs->v[cs->n - 1];
    if (m->upto < c->m.upto)
        return; /* replaying an interval whose undo list is complete */
    size_t i = cv_model_future_index(m, id);
    if (i == CV_NONE || i >= c->m.nfuts)
        return; /* made since the checkpoint: a restore cuts it off */
    if (i < cs->capstamp && cs->stamp[i] == cs->epoch)
        return; /* saved already */
    if (cv_model__grow((void **)&cs->stamp, &cs->capstamp, i + 1, sizeof *cs->stamp) != 0 ||
        cv_model__grow((void **)&c->undo, &c->capundo, c->nundo + 1, sizeof *c->undo) != 0) {
        drop_all(cs); /* an incomplete list would restore wrong values */
        return;
    }
    c->undo[c->nundo++] = (saved_fut){.index = i, .f = m->futs[i]};
    cs->stamp[i] = cs->epoch;
}

/* Whether the model holds all that the checkpoint saw, as it must when it
 * has applied more of the same log; anything else (a model left half-way
 * by a failed allocation) starts over instead. */
static bool covers(const cv_model *m, const ckpt *c)
{
    const cv_model *s = &c->m;
    if (s->upto > m->upto || s->nfuts > m->nfuts || s->nlanes > m->nlanes ||
        s->nconsole > m->nconsole || s->nlines > m->nlines)
        return false;
    for (int i = 0; i < CV_SIDE_COUNT; i++)
        if (s->sides[i].nconsole > m->sides[i].nconsole)
            return false;
    for (int i = 0; i < s->nlanes; i++) {
        const cv_mlane *was = &c->lanes[i].lane, *now = &m->lanes[i];
        if (!was->present)
            continue;
        if (!now->present || was->nspans > now->nspans || was->nwaits > now->nwaits ||
            was->nfuts > now->nfuts || was->nloops > now->nloops ||
            was->nslices > now->nslices || was->nframes > now->nframes)
            return false;
    }
    return true;
}

/* Sets the lane's fields to `to`, keeping its arrays. */
static void set_lane(cv_mlane *l, const cv_mlane *to)
{
    cv_mlane now = *l;
    *l = *to;
    l->spans = now.spans, l->capspans = now.capspans;
    l->waits = now.waits, l->capwaits = now.capwaits;
    l->futs = now.futs, l->capfuts = now.capfuts;
    l->loops = now.loops, l->caploops = now.caploops;
    l->slices = now.slices, l->capslices = now.capslices;
    l->frames = now.frames, l->capframes = now.capframes;
}

/* Puts a lane back as the checkpoint saw it, keeping its arrays. */
static void restore_lane(cv_mlane *l, const ckpt_lane *cl)
{
    set_lane(l, &cl->lane);
    if (!l->present)
        return;
    if (l->nspans > 0)
        l->spans[l->nspans - 1] = cl->span;
    if (l->nwaits > 0)
        l->waits[l->nwaits - 1] = cl->wait;
    if (l->nloops > 0)
        l->loops[l->nloops - 1] = cl->loop;
    if (l->nslices > 0)
        l->slices[l->nslices - 1] = cl->slice;
}

/* Restores checkpoint k from a model in checkpoint j's interval (j >= k). */
static void restore(cv_model *m, const struct cv_model_checkpoints *cs, size_t j, size_t k)
{
    const ckpt *c = &cs->v[k];
    const cv_model *s = &c->m;
    /* Latest list first, and each from its end, so that the value saved
     * first (the oldest) is the one left. */
    for (size_t x = j + 1; x-- > k;) {
        const ckpt *u = &cs->v[x];
        for (size_t e = u->nundo; e-- > 0;)
            m->futs[u->undo[e].index] = u->undo[e].f;
    }
    static const cv_mlane gone; /* a lane the checkpoint had not seen */
    for (int i = 0; i < m->nlanes; i++) {
        if (i < s->nlanes)
            restore_lane(&m->lanes[i], &c->lanes[i]);
        else
            set_lane(&m->lanes[i], &gone);
    }
    cv_model now = *m;
    *m = *s;
    m->log = now.log;
    m->futs = now.futs, m->capfuts = now.capfuts;
    m->ids = now.ids;
    m->lanes = now.lanes, m->caplanes = now.caplanes;
    m->console = now.console, m->capconsole = now.capconsole;
    m->lines = now.lines, m->caplines = now.caplines;
    if (s->nlines > 0)
        memcpy(m->lines, c->lines, s->nlines * sizeof *m->lines);
    for (int i = 0; i < CV_SIDE_COUNT; i++) {
        m->sides[i].console = now.sides[i].console;
        m->sides[i].capconsole = now.sides[i].capconsole;
    }
    m->ckpts = now.ckpts;
    m->ckpt_next = now.ckpt_next;
}

/* How many checkpoints are at or before upto (they are in event order). */
static size_t at_or_before(const struct cv_model_checkpoints *cs, size_t upto)
{
    size_t lo = 0, hi = cs->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cs->v[mid].m.upto <= upto)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void cv_model__checkpoint_restore(cv_model *m, size_t upto)
{
    const struct cv_model_checkpoints *cs = m->ckpts;
    size_t k = cs ? at_or_before(cs, upto) : 0;
    if (k == 0 || !covers(m, &cs->v[k - 1])) {
        cv_model_reset(m);
        return;
    }
    restore(m, cs, at_or_before(cs, m->upto) - 1, k - 1);
}

size_t cv_model__checkpoint_bytes(const cv_model *m)
{
    const struct cv_model_checkpoints *cs = m->ckpts;
    if (cs == NULL)
        return 0;
    size_t b = sizeof *cs + cs->max * sizeof *cs->v + cs->capstamp * sizeof *cs->stamp;
    for (size_t i = 0; i < cs->n; i++)
        b += (size_t)(cs->v[i].m.nlanes > 0 ? cs->v[i].m.nlanes : 1) * sizeof(ckpt_lane) +
             cs->v[i].m.nlines * sizeof(cv_mline) + cs->v[i].capundo * sizeof(saved_fut);
    return b;
}
