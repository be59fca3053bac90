/*
 * ns per published event: two producer threads publish 1 M events each
 * while the drainer runs; each thread times batches of 1000 publishes and
 * the figure is the median batch time / 1000, timestamp included.  Each
 * ring holds 2^20 events, more than a thread publishes in the timed pass,
 * so nothing drops and every timed publish is a real write.  A warm-up pass
 * first touches the ring's pages, because a first touch (a page fault) is a
 * one-off cost of a new thread, not of publishing.  Beside it, the floor:
 * the same number of timestamp reads, each followed by a plain 64-byte
 * write to memory touched beforehand, with no ring, no bus and no other
 * thread.  On a virtual machine the timestamp read is most of a publish,
 * and its cost drifts.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "bus.h"
#include "clock.h"

#define PER_THREAD 1000000
#define BATCH 1000
#define NBATCH (PER_THREAD / BATCH)
#define RING (1u << 20)

typedef struct producer {
    cv_bus *bus;
    int lane;
    pthread_barrier_t *warm;
    double batch_ns[NBATCH];
} producer;

static void *produce(void *arg)
{
    producer *p = arg;
    cv_bus_attach(p->bus, p->lane);
    for (unsigned i = 0; i < RING; i++) {
        cv_event ev = {.kind = CV_EV_MARK, .id = i};
        cv_publish(p->bus, &ev);
    }
    pthread_barrier_wait(p->warm);
    if (p->lane == 1)
        cv_bus_flush(p->bus); /* empty the rings before the timed pass */
    pthread_barrier_wait(p->warm);
    for (int b = 0; b < NBATCH; b++) {
        int64_t t0 = cv_clock_mono_ns();
        for (int i = 0; i < BATCH; i++) {
            cv_event ev = {.kind = CV_EV_MARK, .id = (uint64_t)i, .flags = 1};
            cv_publish(p->bus, &ev);
        }
        p->batch_ns[b] = (double)(cv_clock_mono_ns() - t0) / BATCH;
    }
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ns per stamped 64-byte write: median of NBATCH batches of BATCH writes
 * into a buffer of PER_THREAD records, touched first. */
static double floor_ns(void)
{
    static double batch_ns[NBATCH];
    cv_event *buf = calloc(PER_THREAD, sizeof *buf);
    if (buf == NULL)
        return 0;
    for (int i = 0; i < PER_THREAD; i++)
        buf[i].seq = 1;
    for (int b = 0; b < NBATCH; b++) {
        int64_t t0 = cv_clock_mono_ns();
        for (int i = 0; i < BATCH; i++)
            buf[b * BATCH + i] = (cv_event){.seq = (uint64_t)i + 1,
                                            .t_ns = (int64_t)cv_clock_ticks(),
                                            .kind = CV_EV_MARK};
        batch_ns[b] = (double)(cv_clock_mono_ns() - t0) / BATCH;
    }
    free(buf);
    qsort(batch_ns, NBATCH, sizeof batch_ns[0], cmp_double);
    return batch_ns[NBATCH / 2];
}

int main(void)
{
    double floor = floor_ns();
    cv_log *log = cv_log_create();
    cv_bus *bus = cv_bus_create(log, RING);
    producer *ps = calloc(2, sizeof *ps);
    pthread_t t[2];
    pthread_barrier_t warm;
    pthread_barrier_init(&warm, NULL, 2);
    for (int i = 0; i < 2; i++) {
        ps[i] = (producer){.bus = bus, .lane = i + 1, .warm = &warm};
        pthread_create(&t[i], NULL, produce, &ps[i]);
    }
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    cv_bus_destroy(bus);

    size_t timed_logged = 0;
    for (size_t i = 0; i < cv_log_count(log); i++) {
        const cv_event *ev = cv_log_at(log, i);
        timed_logged += ev->kind == CV_EV_MARK && ev->flags == 1;
    }
    double *all = malloc(2 * NBATCH * sizeof *all);
    for (int i = 0; i < 2; i++)
        for (int b = 0; b < NBATCH; b++)
            all[i * NBATCH + b] = ps[i].batch_ns[b];
    qsort(all, 2 * NBATCH, sizeof *all, cmp_double);
    printf("events: %.1f ns per published event (median of %d batches of %d, 2 producers; "
           "%zu of %d timed events logged); floor (a timestamp and a 64-byte write, no ring): %.1f ns\n",
           all[NBATCH], 2 * NBATCH, BATCH, timed_logged, 2 * PER_THREAD, floor);
    printf("concviz_ns_per_event=%.1f\nconcviz_ns_floor=%.1f\n", all[NBATCH], floor);
    free(all);
    free(ps);
    pthread_barrier_destroy(&warm);
    cv_log_destroy(log);
    return timed_logged == 2 * PER_THREAD ? 0 : 1;
}
