/*
 * How the drainer keeps the log in causal order without a shared counter.
 *
 * Producers stamp events with a cheap clock and write them to per-thread
 * rings, so the only global order is the timestamps.  If event B was caused
 * by event A on another thread (A's publish happened before B's), then A's
 * stamp is earlier and A's ring write completed before B's.  The danger is
 * the drainer seeing B but not yet A, because it looked at A's ring before A
 * was written.  So a drain works in passes: the first pass notes the newest
 * stamp it sees (the cut); further passes re-read every ring and advance a
 * per-ring cursor over events stamped no later than the cut, until a whole
 * pass finds nothing new.  Everything that caused an event we saw was
 * written before we saw it, so by then it is visible and below the cut.
 * The events below the cut are merged by stamp into the log; later ones wait
 * for the next drain.  The passes end because each one must find an event
 * that was stamped before the cut but written since, and threads are few.
 * The merge keeps the rings in a min-heap on their next stamp, so that
 * choosing the next event costs log2(rings), not a look at every ring:
 * with 33 rings, the scan was most of the merge.
 *
 * Nothing is lost by default.  A producer that finds its ring full kicks
 * the drainer and sleeps until the drainer has handed back a good part of
 * the ring (hysteresis, so that a burst waits a few times, not once per
 * event); then it publishes a STALL event saying how long it waited, and
 * the event it came with.  The drainer never publishes, and takes no lock a
 * producer may hold while publishing, so the wait always ends.  In lossy
 * mode (cv_bus_set_lossy) a full ring drops instead and counts the drop,
 * which the drainer reports as a DROP event: a worker then never waits for
 * the log, and the loss is recorded.
 */
#include "bus.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "ring.h"

/* Drain at least this often while events flow, and back off to the idle
 * period when nothing comes, so an idle run costs no CPU to speak of. */
#define DRAIN_BUSY_NS 2000000
#define DRAIN_IDLE_NS 50000000

/* A stalled producer resumes once this much of its ring is free (at most
 * half of a small ring): the drainer hands slots back 1024 at a time. */
#define STALL_RESUME_FREE 4096

/* One ring's share of a drain. */
typedef struct drain_slot {
    cv_ring *ring;
    uint64_t pos, cursor;
    uint64_t pos_ticks; /* the stamp at pos, while pos < cursor */
} drain_slot;

struct cv_bus {
    uint64_t gen;
    cv_log *log;
    size_t ring_capacity;
    int64_t start_ns;
    cv_clock_pair anchor;

    pthread_mutex_t rings_mu;
    cv_ring *rings;
    size_t nrings;

    /* Written by many threads: each on its own cache line, away from the
     * fields every publish reads. */
    _Alignas(64) _Atomic int next_lane;
    _Alignas(64) _Atomic uint64_t next_id;
    _Alignas(64) char after_next_id; /* nothing else on next_id's line */

    pthread_mutex_t drain_mu;   /* one drain at a time */
    pthread_mutex_t wake_mu;
    pthread_cond_t wake_cond;
    bool stopping;
    _Alignas(64) atomic_bool kicked;
    pthread_t drainer;
    bool drainer_started;

    /* The drainer's own arrays, grown with the rings (under drain_mu). */
    drain_slot *slots;
    size_t *heap;
    size_t slots_cap;

    /* Producers waiting for room in a full ring. */
    atomic_bool lossy;
    _Alignas(64) _Atomic int stalled;
    pthread_mutex_t stall_mu;
    pthread_cond_t stall_cond;
};

/* Which ring, lane and bus the calling thread publishes with.  Buses are
 * told apart by a generation number, never by address, because a new bus may
 * be allocated where an old one was. */
typedef struct thread_binding {
    uint64_t gen;
    cv_ring *ring;
    int lane;
} thread_binding;
static _Thread_local thread_binding tls = {0, NULL, CV_NO_LANE};

static _Atomic uint64_t generations = 1;

static size_t round_pow2(size_t n)
{
    size_t p = 16;
    while (p < n)
        p <<= 1;
    return p;
}

int64_t cv_bus_now_ns(const cv_bus *bus)
{
    return bus == NULL ? 0 : cv_clock_mono_ns() - bus->start_ns;
}

int cv_bus_new_lane(cv_bus *bus)
{
    return bus == NULL ? CV_NO_LANE : atomic_fetch_add(&bus->next_lane, 1);
}

uint64_t cv_bus_new_id(cv_bus *bus)
{
    static _Atomic uint64_t orphan_ids = 1;
    if (bus == NULL)
        return atomic_fetch_add(&orphan_ids, 1);
    return atomic_fetch_add(&bus->next_id, 1);
}

static cv_ring *thread_ring(cv_bus *bus)
{
    if (tls.gen == bus->gen)
        return tls.ring;
    cv_ring *ring = cv_ring_create(bus->ring_capacity, (int16_t)CV_NO_LANE);
    if (ring == NULL)
        return NULL;
    pthread_mutex_lock(&bus->rings_mu);
    ring->next = bus->rings;
    bus->rings = ring;
    bus->nrings++;
    pthread_mutex_unlock(&bus->rings_mu);
    tls.gen = bus->gen;
    tls.ring = ring;
    tls.lane = CV_NO_LANE;
    return ring;
}

void cv_bus_attach(cv_bus *bus, int lane)
{
    if (bus == NULL)
        return;
    cv_ring *ring = thread_ring(bus);
    tls.lane = lane;
    if (ring != NULL)
        ring->lane = (int16_t)lane;
}

int cv_bus_lane(const cv_bus *bus)
{
    if (bus == NULL || tls.gen != bus->gen)
        return CV_NO_LANE;
    return tls.lane;
}

static void kick(cv_bus *bus)
{
    if (atomic_exchange_explicit(&bus->kicked, true, memory_order_relaxed))
        return;
    pthread_mutex_lock(&bus->wake_mu);
    pthread_cond_signal(&bus->wake_cond);
    pthread_mutex_unlock(&bus->wake_mu);
}

void cv_bus_set_lossy(cv_bus *bus, bool lossy)
{
    if (bus != NULL)
        atomic_store_explicit(&bus->lossy, lossy, memory_order_relaxed);
}

/* Waits, on a full ring, until the drainer has freed enough of it; then
 * publishes the wait and *ev.  The count in `stalled` comes before the
 * look at the ring, and the drainer moves `tail` before it reads
 * `stalled` (both sequentially consistent), so one of the two sees the
 * other and no wake-up is lost. */
static void stall(cv_bus *bus, cv_ring *ring, const cv_event *ev)
{
    int64_t t0 = cv_clock_mono_ns();
    uint64_t free_wanted = (ring->mask + 1) / 2 < STALL_RESUME_FREE ? (ring->mask + 1) / 2
                                                                     : STALL_RESUME_FREE;
    atomic_fetch_add(&bus->stalled, 1);
    kick(bus);
    pthread_mutex_lock(&bus->stall_mu);
    while (ring->mask + 1 - cv_ring_used(ring) < free_wanted)
        pthread_cond_wait(&bus->stall_cond, &bus->stall_mu);
    pthread_mutex_unlock(&bus->stall_mu);
    atomic_fetch_sub(&bus->stalled, 1);
    int16_t origin = (int16_t)tls.lane;
    cv_event note = {.kind = CV_EV_STALL, .lane = origin,
                     .ref = (uint64_t)(cv_clock_mono_ns() - t0),
                     .code = (int32_t)(ring->mask + 1 > INT32_MAX ? INT32_MAX : ring->mask + 1)};
    cv_ring_push(ring, &note, cv_clock_ticks(), origin);
    cv_ring_push(ring, ev, cv_clock_ticks(), origin);
}

void cv_publish(cv_bus *bus, const cv_event *ev)
{
    if (bus == NULL) {
        free(ev->text);
        return;
    }
    cv_ring *ring = thread_ring(bus);
    if (ring == NULL) {
        free(ev->text);
        return;
    }
    if (!cv_ring_push(ring, ev, cv_clock_ticks(), (int16_t)tls.lane)) {
        if (atomic_load_explicit(&bus->lossy, memory_order_relaxed)) {
            cv_ring_count_drop(ring);
            free(ev->text);
        } else {
            stall(bus, ring, ev);
        }
    }
    /* Wake the drainer early when a ring is half full, so that a burst
     * (100 000 submits in a row) is drained before it has to drop. */
    if (cv_ring_used_hint(ring) > (ring->mask >> 1) && cv_ring_used(ring) > (ring->mask >> 1) &&
        !atomic_load_explicit(&bus->kicked, memory_order_relaxed))
        kick(bus);
}

static char *dup_or_null(const char *s)
{
    return s == NULL ? NULL : strdup(s);
}

void cv_publish_future(cv_bus *bus, uint64_t id, int state, int lane,
                       const char *text, uint64_t ref, int32_t code)
{
    if (bus == NULL)
        return;
    cv_event ev = {.kind = CV_EV_FUTURE, .state = (uint16_t)state, .id = id,
                   .lane = (int16_t)lane, .text = dup_or_null(text),
                   .ref = ref, .code = code};
    cv_publish(bus, &ev);
}

void cv_publish_thread(cv_bus *bus, int lane, int state, const char *name)
{
    if (bus == NULL)
        return;
    cv_event ev = {.kind = CV_EV_THREAD, .state = (uint16_t)state,
                   .lane = (int16_t)lane, .text = dup_or_null(name)};
    cv_publish(bus, &ev);
}

void cv_publish_thread_started(cv_bus *bus, int lane, int role, const char *name)
{
    if (bus == NULL)
        return;
    cv_event ev = {.kind = CV_EV_THREAD, .state = CV_THREAD_STARTED, .code = role,
                   .lane = (int16_t)lane, .text = dup_or_null(name)};
    cv_publish(bus, &ev);
}

void cv_publish_wait(cv_bus *bus, int state, uint64_t future_id, const char *what)
{
    if (bus == NULL)
        return;
    cv_event ev = {.kind = CV_EV_WAIT, .state = (uint16_t)state,
                   .lane = (int16_t)cv_bus_lane(bus), .ref = future_id,
                   .text = dup_or_null(what)};
    cv_publish(bus, &ev);
}

void cv_publish_log(cv_bus *bus, int side, const char *line)
{
    if (bus == NULL)
        return;
    cv_event ev = {.kind = CV_EV_LOG, .lane = (int16_t)cv_bus_lane(bus),
                   .side = (uint16_t)side, .text = dup_or_null(line)};
    cv_publish(bus, &ev);
}

void cv_publish_line(cv_bus *bus, int listing, int line, uint64_t task)
{
    if (bus == NULL)
        return;
    cv_event ev = {.kind = CV_EV_LINE, .lane = (int16_t)cv_bus_lane(bus), .code = listing,
                   .ref = (uint64_t)line, .id = task};
    cv_publish(bus, &ev);
}

static uint64_t ticks_at(cv_ring *ring, uint64_t i)
{
    return (uint64_t)cv_ring_slot(ring, i)->t_ns;
}

/* Moves a ring's cursor over written events stamped no later than cut;
 * true if it moved. */
static bool advance(drain_slot *s, uint64_t cut)
{
    bool moved = false;
    cv_event *ev;
    while ((ev = cv_ring_peek(s->ring, s->cursor)) != NULL && (uint64_t)ev->t_ns <= cut) {
        s->cursor++;
        moved = true;
    }
    return moved;
}

/* Gives the slots merged so far back to their producers, and wakes any
 * producer waiting for room. */
static void release_slots(cv_bus *bus, drain_slot *slots, size_t n)
{
    for (size_t i = 0; i < n; i++)
        atomic_store_explicit(&slots[i].ring->tail, slots[i].pos, memory_order_seq_cst);
    if (atomic_load(&bus->stalled) > 0) {
        pthread_mutex_lock(&bus->stall_mu);
        pthread_cond_broadcast(&bus->stall_cond);
        pthread_mutex_unlock(&bus->stall_mu);
    }
}

/* The merge's heap: indices into slots, the earliest stamp on top; ties go
 * to the ring listed first, as they did when the merge scanned in order. */
static bool earlier(const drain_slot *slots, size_t a, size_t b)
{
    return slots[a].pos_ticks < slots[b].pos_ticks ||
           (slots[a].pos_ticks == slots[b].pos_ticks && a < b);
}

static void sift_down(const drain_slot *slots, size_t *heap, size_t len, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        if (l < len && earlier(slots, heap[l], heap[m]))
            m = l;
        if (l + 1 < len && earlier(slots, heap[l + 1], heap[m]))
            m = l + 1;
        if (m == i)
            return;
        size_t t = heap[i];
        heap[i] = heap[m];
        heap[m] = t;
        i = m;
    }
}

/* Makes room for n rings in the drainer's arrays; false without memory. */
static bool reserve_slots(cv_bus *bus, size_t n)
{
    if (n <= bus->slots_cap)
        return true;
    size_t cap = bus->slots_cap ? bus->slots_cap : 16;
    while (cap < n)
        cap *= 2;
    drain_slot *slots = realloc(bus->slots, cap * sizeof *slots);
    if (slots == NULL)
        return false;
    bus->slots = slots;
    size_t *heap = realloc(bus->heap, cap * sizeof *heap);
    if (heap == NULL)
        return false;
    bus->heap = heap;
    bus->slots_cap = cap;
    return true;
}

static size_t drain_locked(cv_bus *bus)
{
    cv_clock_pair pair = cv_clock_pair_now();

    /* Without memory for its arrays the drain waits for the next round
     * (producers wait too, or drop in lossy mode): better late than out
     * of order. */
    pthread_mutex_lock(&bus->rings_mu);
    size_t n = bus->nrings;
    bool room = reserve_slots(bus, n);
    drain_slot *slots = bus->slots;
    size_t k = 0;
    for (cv_ring *r = bus->rings; room && r != NULL && k < n; r = r->next)
        slots[k++] = (drain_slot){.ring = r};
    pthread_mutex_unlock(&bus->rings_mu);
    if (!room)
        return 0;

    /* Pass one: the cut is the newest stamp visible now. */
    uint64_t cut = 0;
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        cv_ring *r = slots[i].ring;
        slots[i].pos = slots[i].cursor = atomic_load_explicit(&r->tail, memory_order_relaxed);
        if (advance(&slots[i], UINT64_MAX)) {
            uint64_t t = ticks_at(r, slots[i].cursor - 1);
            if (!any || t > cut)
                cut = t;
            any = true;
        }
    }

    /* Further passes until nothing stamped before the cut appears. */
    bool advanced = any;
    while (advanced) {
        advanced = false;
        for (size_t i = 0; i < n; i++)
            advanced |= advance(&slots[i], cut);
    }

    /* Merge by stamp through the heap.  Each ring's next stamp is kept at
     * hand, so that ordering the heap reads no ring memory. */
    size_t *heap = bus->heap, len = 0;
    for (size_t i = 0; i < n; i++)
        if (slots[i].pos < slots[i].cursor) {
            slots[i].pos_ticks = ticks_at(slots[i].ring, slots[i].pos);
            heap[len++] = i;
        }
    for (size_t i = len / 2; i-- > 0;)
        sift_down(slots, heap, len, i);
    size_t moved = 0;
    while (len > 0) {
        drain_slot *best = &slots[heap[0]];
        cv_event *slot = cv_ring_slot(best->ring, best->pos);
        cv_event ev = *slot;
        ev.t_ns = cv_clock_ticks_to_ns((uint64_t)ev.t_ns, bus->anchor) - bus->start_ns;
        slot->text = NULL;
        best->pos++;
        if (best->pos < best->cursor)
            best->pos_ticks = ticks_at(best->ring, best->pos);
        else
            heap[0] = heap[--len];
        sift_down(slots, heap, len, 0);
        /* The log refuses only without memory (or past its last chunk);
         * the event is then lost, and reported with the ring's drops. */
        if (cv_log_append(bus->log, &ev) != 0)
            best->ring->lost++;
        /* Hand slots back as we go: a big batch takes milliseconds to
         * merge, and a producer must not find its ring full meanwhile. */
        if ((++moved & 1023) == 0)
            release_slots(bus, slots, n);
    }
    release_slots(bus, slots, n);

    /* A drop is part of the record: say how many, on which lane. */
    for (size_t i = 0; i < n; i++) {
        cv_ring *r = slots[i].ring;
        uint64_t dropped = atomic_load_explicit(&r->dropped, memory_order_relaxed);
        if (dropped != r->dropped_reported || r->lost != 0) {
            cv_event ev = {.kind = CV_EV_DROP, .lane = r->lane, .origin = r->lane,
                           .ref = dropped - r->dropped_reported + r->lost,
                           .t_ns = cv_clock_mono_ns() - bus->start_ns};
            r->dropped_reported = dropped;
            r->lost = 0;
            /* If even this is refused, the log counts the loss itself. */
            cv_log_append(bus->log, &ev);
            moved++;
        }
    }

    bus->anchor = pair;
    cv_clock_refine(pair);
    cv_log_publish(bus->log);
    return moved;
}

void cv_bus_flush(cv_bus *bus)
{
    if (bus == NULL)
        return;
    /* The second drain takes what was stamped after the first one's cut
     * but published before this call. */
    pthread_mutex_lock(&bus->drain_mu);
    drain_locked(bus);
    drain_locked(bus);
    pthread_mutex_unlock(&bus->drain_mu);
}

static void *drainer_main(void *arg)
{
    cv_bus *bus = arg;
    int64_t period = DRAIN_BUSY_NS;
    pthread_mutex_lock(&bus->wake_mu);
    while (!bus->stopping) {
        struct timespec deadline = cv_clock_deadline((double)period / 1e9);
        if (!atomic_load_explicit(&bus->kicked, memory_order_relaxed))
            pthread_cond_timedwait(&bus->wake_cond, &bus->wake_mu, &deadline);
        atomic_store_explicit(&bus->kicked, false, memory_order_relaxed);
        pthread_mutex_unlock(&bus->wake_mu);

        pthread_mutex_lock(&bus->drain_mu);
        size_t moved = drain_locked(bus);
        pthread_mutex_unlock(&bus->drain_mu);
        period = moved > 0 ? DRAIN_BUSY_NS : (period * 2 > DRAIN_IDLE_NS ? DRAIN_IDLE_NS : period * 2);

        pthread_mutex_lock(&bus->wake_mu);
    }
    pthread_mutex_unlock(&bus->wake_mu);
    return NULL;
}

cv_bus *cv_bus_create(cv_log *log, size_t ring_capacity)
{
    cv_bus *bus = aligned_alloc(64, sizeof *bus);
    if (bus == NULL)
        return NULL;
    memset(bus, 0, sizeof *bus);
    bus->gen = atomic_fetch_add(&generations, 1);
    bus->log = log;
    bus->ring_capacity = round_pow2(ring_capacity ? ring_capacity : CV_BUS_DEFAULT_RING);
    cv_clock_ns_per_tick(); /* calibrate before the run's clock starts */
    bus->anchor = cv_clock_pair_now();
    bus->start_ns = bus->anchor.ns;
    atomic_init(&bus->next_lane, 1);
    atomic_init(&bus->next_id, 1);
    pthread_mutex_init(&bus->rings_mu, NULL);
    pthread_mutex_init(&bus->drain_mu, NULL);
    pthread_mutex_init(&bus->wake_mu, NULL);
    cv_clock_cond_init(&bus->wake_cond);
    pthread_mutex_init(&bus->stall_mu, NULL);
    pthread_cond_init(&bus->stall_cond, NULL);

    if (cv_log_count(log) == 0) {
        const cv_log_meta *meta = cv_log_meta_get(log);
        cv_event header = {.kind = CV_EV_HEADER, .lane = CV_NO_LANE,
                           .origin = CV_NO_LANE, .text = strdup(meta->scenario)};
        cv_log_append(log, &header);
        cv_log_publish(log);
    }
    if (pthread_create(&bus->drainer, NULL, drainer_main, bus) != 0) {
        cv_bus_destroy(bus);
        return NULL;
    }
    bus->drainer_started = true;
    return bus;
}

void cv_bus_destroy(cv_bus *bus)
{
    if (bus == NULL)
        return;
    pthread_mutex_lock(&bus->wake_mu);
    bus->stopping = true;
    pthread_cond_signal(&bus->wake_cond);
    pthread_mutex_unlock(&bus->wake_mu);
    if (bus->drainer_started)
        pthread_join(bus->drainer, NULL);
    cv_bus_flush(bus);
    cv_ring *r = bus->rings;
    while (r != NULL) {
        cv_ring *next = r->next;
        cv_ring_destroy(r);
        r = next;
    }
    if (tls.gen == bus->gen)
        tls = (thread_binding){0, NULL, CV_NO_LANE};
    pthread_mutex_destroy(&bus->rings_mu);
    pthread_mutex_destroy(&bus->drain_mu);
    pthread_mutex_destroy(&bus->wake_mu);
    pthread_cond_destroy(&bus->wake_cond);
    pthread_mutex_destroy(&bus->stall_mu);
    pthread_cond_destroy(&bus->stall_cond);
    free(bus->slots);
    free(bus->heap);
    free(bus);
}
