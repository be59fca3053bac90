/*
 * ns per event reading a trace of a million events into a log (the
 * append included), with the reader of src/trace and with the reader it
 * replaced (trace_read_cjson.c, a cJSON tree per line), interleaved in
 * one run: the ratio is the figure, since absolute times wander on a
 * shared machine.  The trace is made the way `concviz stress --futures
 * 333333 --workers 32` makes one (a pending, running and finished line
 * per future, worker threads busy), written by the trace writer into DIR
 * (default /tmp) and removed at the end; or PATH is read as given.  Each
 * reader runs ROUNDS times over a file already in the page cache, and its
 * best round counts.
 *
 * usage: bench_trace_read [DIR | PATH.jsonl]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "trace.h"

int cv_trace_read_cjson(const char *path, cv_log *log, bool *warned, char *err, size_t errlen);
#define cv_trace_read cv_trace_read_cjson
#include "trace_read_cjson.c"
#undef cv_trace_read

#define FUTURES 333333
#define WORKERS 32
#define ROUNDS 3

static void add(cv_log *log, int64_t t_ns, unsigned kind, unsigned state, uint64_t id,
                uint64_t ref, int lane, const char *text)
{
    cv_event ev = {.t_ns = t_ns, .kind = (uint16_t)kind, .state = (uint16_t)state, .id = id,
                   .ref = ref, .lane = (int16_t)lane, .origin = (int16_t)(lane < 0 ? 0 : lane),
                   .text = text != NULL ? strdup(text) : NULL};
    if (cv_log_append(log, &ev) != 0) {
        fprintf(stderr, "bench_trace_read: out of memory\n");
        exit(1);
    }
}

/* A stress run's trace, written by the trace writer. */
static void make_trace(const char *path)
{
    cv_log *log = cv_log_create();
    cv_log_meta meta = {.scenario = "stress", .args = "--futures 333333 --workers 32",
                        .speed = 1, .wall_start_ns = 1796406329718151525LL};
    cv_log_set_meta(log, &meta);
    add(log, 0, CV_EV_HEADER, 0, 0, 0, CV_NO_LANE, "stress");
    int64_t t = 11614000;
    for (int w = 0; w <= WORKERS; w++) {
        cv_event ev = {.t_ns = t, .kind = CV_EV_THREAD, .state = CV_THREAD_STARTED,
                       .lane = (int16_t)w, .origin = (int16_t)w,
                       .code = w == 0 ? CV_ROLE_MAIN : CV_ROLE_WORKER};
        char name[32];
        snprintf(name, sizeof name, w == 0 ? "main" : "worker %d", w);
        ev.text = strdup(name);
        cv_log_append(log, &ev);
        add(log, t, CV_EV_THREAD, CV_THREAD_BUSY, 0, 0, w, NULL);
    }
    for (uint64_t i = 0; i < FUTURES; i++) {
        char label[32];
        int lane = (int)(i % WORKERS) + 1;
        snprintf(label, sizeof label, "noop(%llu)", (unsigned long long)i);
        add(log, t += 190, CV_EV_FUTURE, CV_PENDING, i + 1, 0, CV_NO_LANE, label);
        add(log, t += 731, CV_EV_FUTURE, CV_RUNNING, i + 1, 0, lane, NULL);
        add(log, t, CV_EV_FUTURE, CV_FINISHED, i + 1, i, lane, NULL);
    }
    cv_log_publish(log);
    FILE *out = fopen(path, "w");
    cv_trace_labels *labels = cv_trace_labels_create();
    if (out == NULL || labels == NULL ||
        cv_trace_write_range(out, log, 0, cv_log_count(log), labels) != 0 || fclose(out) != 0) {
        fprintf(stderr, "bench_trace_read: cannot write %s\n", path);
        exit(1);
    }
    cv_trace_labels_destroy(labels);
    cv_log_destroy(log);
}

typedef int (*reader_fn)(const char *, cv_log *, bool *, char *, size_t);

/* ns per event for one whole read; *events gets the count. */
static double time_read(reader_fn read, const char *path, size_t *events)
{
    cv_log *log = cv_log_create();
    bool warned;
    char err[256];
    int64_t t0 = cv_clock_mono_ns();
    if (read(path, log, &warned, err, sizeof err) != 0) {
        fprintf(stderr, "bench_trace_read: %s: %s\n", path, err);
        exit(1);
    }
    int64_t ns = cv_clock_mono_ns() - t0;
    *events = cv_log_count(log);
    cv_log_destroy(log);
    return (double)ns / (double)*events;
}

int main(int argc, char **argv)
{
    const char *arg = argc > 1 ? argv[1] : "/tmp";
    char path[4096];
    bool made = strstr(arg, ".jsonl") == NULL;
    if (made) {
        snprintf(path, sizeof path, "%s/bench_trace_read_%d.jsonl", arg, (int)getpid());
        make_trace(path);
    } else {
        snprintf(path, sizeof path, "%s", arg);
    }
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "bench_trace_read: cannot read %s\n", path);
        return 1;
    }
    size_t events = 0, old_events = 0;
    double best = 1e30, old_best = 1e30;
    time_read(cv_trace_read, path, &events); /* the file into the page cache */
    for (int round = 0; round < ROUNDS; round++) {
        double ns = time_read(cv_trace_read, path, &events);
        double old_ns = time_read(cv_trace_read_cjson, path, &old_events);
        best = ns < best ? ns : best;
        old_best = old_ns < old_best ? old_ns : old_best;
    }
    if (made)
        unlink(path);
    if (events != old_events) {
        fprintf(stderr, "bench_trace_read: the readers disagree: %zu events, %zu before\n",
                events, old_events);
        return 1;
    }
    printf("trace_read_events=%zu\n", events);
    printf("trace_read_bytes_per_event=%.1f\n", (double)st.st_size / (double)events);
    printf("trace_read_ns_per_event=%.1f\n", best);
    printf("trace_read_cjson_ns_per_event=%.1f\n", old_best);
    printf("trace_read_speedup=%.1f\n", old_best / best);
    printf("trace read: %zu events in %.0f ns each (append included), %.1fx faster than the "
           "cJSON reader it replaced (%.0f ns), best of %d interleaved rounds.\n",
           events, best, old_best / best, old_best, ROUNDS);
    return 0;
}
