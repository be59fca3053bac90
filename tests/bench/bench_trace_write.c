/*
 * Writing a trace: a log shaped like `concviz stress` (a header, then per
 * no-op future a pending, a running and a finished line, with threads
 * going busy now and then) written to a file under DIR through the trace
 * file the CLI uses, as plain JSON Lines and as .jsonl.zst, and, for the
 * choice of level, through zstd at its default level 3 too.  Prints ns
 * per event (CPU, user+sys, and wall) and bytes per event for each; the
 * files are removed afterwards.  Each is written RUNS times (default 3)
 * and the median printed.
 *
 * usage: bench_trace_write [EVENTS [DIR [RUNS]]]   (default 1000000 /tmp 3)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "trace.h"
#include "zstd_file.h"

#define WORKERS 32

static size_t appended;

static void append(cv_log *log, int64_t t_ns, unsigned kind, unsigned state, uint64_t id,
                   uint64_t ref, int lane, int origin, const char *text)
{
    cv_event e = {.t_ns = t_ns, .kind = (uint16_t)kind, .state = (uint16_t)state, .id = id,
                  .ref = ref, .lane = (int16_t)lane, .origin = (int16_t)origin,
                  .text = text ? strdup(text) : NULL};
    if (cv_log_append(log, &e) != 0 || ++appended == 0) {
        fprintf(stderr, "bench_trace_write: out of memory\n");
        exit(1);
    }
}

/* About `events` events as the stress scenario logs them. */
static cv_log *stress_log(size_t events)
{
    cv_log *log = cv_log_create();
    cv_log_meta meta = {.scenario = "stress", .args = "--futures 333333 --workers 32",
                        .speed = 1, .wall_start_ns = 1796406437272806758LL};
    cv_log_set_meta(log, &meta);
    append(log, 0, CV_EV_HEADER, 0, 0, 0, CV_NO_LANE, CV_NO_LANE, "stress");
    int64_t t = 10000000;
    char label[32];
    for (uint64_t id = 1; appended + 3 <= events; id++) {
        int w = 1 + (int)(id % WORKERS);
        t += 1000 + (int64_t)(id * 7919 % 1000);
        snprintf(label, sizeof label, "noop(%llu)", (unsigned long long)id - 1);
        append(log, t, CV_EV_FUTURE, CV_PENDING, id, 0, CV_NO_LANE, 0, label);
        if (id % 64 == 0 && appended + 4 <= events)
            append(log, t + 300, CV_EV_THREAD, CV_THREAD_BUSY, 0, 0, w, w, NULL);
        append(log, t + 500, CV_EV_FUTURE, CV_RUNNING, id, 0, w, w, NULL);
        append(log, t + 501, CV_EV_FUTURE, CV_FINISHED, id, id - 1, w, w, NULL);
    }
    cv_log_publish(log);
    cv_log_close(log);
    return log;
}

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

typedef struct result {
    double cpu_ns, wall_ns, bytes;
} result;

/* Writes the log to path: through cv_trace_file (level < 0), or through a
 * zstd stream at `level` into a plain file. */
static result write_once(const cv_log *log, const char *path, int level)
{
    char err[256];
    double c0 = cpu_s(), w0 = (double)cv_clock_mono_ns();
    size_t n = cv_log_count(log);
    cv_trace_labels *labels = cv_trace_labels_create();
    int rc;
    if (level < 0) {
        cv_trace_file tf;
        rc = cv_trace_file_open(&tf, path, err, sizeof err);
        if (rc == 0 && cv_trace_write_range(tf.fp, log, 0, n, labels) != 0) {
            cv_trace_file_abort(&tf);
            snprintf(err, sizeof err, "cannot write %.200s", path);
            rc = -1;
        } else if (rc == 0) {
            rc = cv_trace_file_commit(&tf, err, sizeof err);
        }
    } else {
        FILE *raw = fopen(path, "w"), *z = raw ? cv_zstd_fopen_write(raw, level) : NULL;
        rc = z == NULL || cv_trace_write_range(z, log, 0, n, labels) != 0 ? -1 : 0;
        if ((z != NULL && fclose(z) != 0) || (raw != NULL && fclose(raw) != 0))
            rc = -1;
        snprintf(err, sizeof err, "cannot write %.200s", path);
    }
    cv_trace_labels_destroy(labels);
    double c1 = cpu_s(), w1 = (double)cv_clock_mono_ns();
    if (rc != 0) {
        fprintf(stderr, "bench_trace_write: %s\n", err);
        exit(1);
    }
    struct stat st;
    stat(path, &st);
    unlink(path);
    return (result){(c1 - c0) * 1e9 / (double)n, (w1 - w0) / (double)n,
                    (double)st.st_size / (double)n};
}

static int by_cpu(const void *a, const void *b)
{
    double x = ((const result *)a)->cpu_ns, y = ((const result *)b)->cpu_ns;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    size_t events = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
    const char *dir = argc > 2 ? argv[2] : "/tmp";
    int runs = argc > 3 ? atoi(argv[3]) : 3;
    if (events < 10 || runs < 1 || runs > 99) {
        fprintf(stderr, "usage: bench_trace_write [EVENTS >= 10 [DIR [RUNS 1-99]]]\n");
        return 2;
    }
    cv_log *log = stress_log(events);
    static const struct {
        const char *name, *suffix;
        int level;
    } ways[] = {
        {"trace_write", ".jsonl", -1},
        {"trace_write_zst", ".jsonl.zst", -1},
        {"trace_write_zst3", ".jsonl.zst", 3},
    };
    result best[3];
    for (size_t w = 0; w < 3; w++) {
        result r[99];
        for (int i = 0; i < runs; i++) {
            char path[4200];
            snprintf(path, sizeof path, "%s/concviz-bench-trace-%d%s", dir, (int)getpid(),
                     ways[w].suffix);
            r[i] = write_once(log, path, ways[w].level);
        }
        qsort(r, (size_t)runs, sizeof r[0], by_cpu);
        best[w] = r[runs / 2];
        printf("%s_ns_per_event=%.1f\n%s_wall_ns_per_event=%.1f\n%s_bytes_per_event=%.1f\n",
               ways[w].name, best[w].cpu_ns, ways[w].name, best[w].wall_ns, ways[w].name,
               best[w].bytes);
    }
    printf("trace write: %zu stress-like events, %.0f ns and %.0f bytes per event as JSON Lines "
           "(target <= 150 ns), %.0f ns and %.1f bytes as .zst at level %d (%.0f ns, %.1f bytes "
           "at zstd's default level 3)\n",
           cv_log_count(log), best[0].cpu_ns, best[0].bytes, best[1].cpu_ns, best[1].bytes,
           CV_ZSTD_LEVEL, best[2].cpu_ns, best[2].bytes);
    cv_log_destroy(log);
    return 0;
}
