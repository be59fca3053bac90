/*
 * The card at a million events: what a frame costs at 200x60 with a card
 * open, for futures whose story is short and for the ones whose story
 * spans the most of the log (submitted at once, run last), at the end of
 * the log, where the scan the card makes (model_history.c: from the
 * future's submission to the playhead) is longest.  The trace is the
 * first argument: `concviz stress --futures 300000 --headless --trace
 * t.jsonl` makes one of about 10^6 events.
 */
#include <stdio.h>
#include <stdlib.h>

#include "clock.h"
#include "render.h"
#include "trace.h"

#define COLS 200
#define ROWS 60
#define FRAMES 11

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_card TRACE\n");
        return 2;
    }
    char err[256];
    bool warned = false;
    cv_log *log = cv_log_create();
    if (cv_trace_read(argv[1], log, &warned, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    size_t count = cv_log_count(log);
    cv_model m;
    cv_canvas c;
    cv_model_init(&m, log);
    cv_model_advance(&m, count);
    cv_canvas_init(&c, COLS, ROWS, false);
    printf("%zu events, %zu futures\n", count, m.nfuts);
    /* The first, the middle, the last future, and the one that waited
     * longest between submission and its end (the longest scan). */
    size_t longest = 0;
    for (size_t i = 0; i < m.nfuts; i++)
        if (m.futs[i].t_end - m.futs[i].t_submit > m.futs[longest].t_end - m.futs[longest].t_submit)
            longest = i;
    size_t which[] = {0, m.nfuts / 2, m.nfuts - 1, longest};
    const char *names[] = {"first", "middle", "last", "longest-lived"};
    for (size_t k = 0; k < 4; k++) {
        cv_view v = {.card = m.futs[which[k]].id};
        cv_render_opts o = {.now_ns = cv_log_at(log, count - 1)->t_ns,
                            .span_ns = cv_nice_span(cv_log_at(log, count - 1)->t_ns),
                            .speed = 1.0, .replay = true, .mode = "REPLAY PAUSED",
                            .total = count, .view = &v};
        double ms[FRAMES];
        for (int f = 0; f < FRAMES; f++) {
            int64_t t0 = cv_clock_mono_ns();
            cv_render(&c, &m, &o);
            ms[f] = (double)(cv_clock_mono_ns() - t0) / 1e6;
        }
        qsort(ms, FRAMES, sizeof ms[0], cmp);
        size_t idx[1];
        size_t n = cv_model_history(&m, v.card, 0, idx, 1);
        printf("card of the %s future (id %llu, %zu events name it): frame median %.2f ms, "
               "worst %.2f ms\n", names[k], (unsigned long long)v.card, n, ms[FRAMES / 2],
               ms[FRAMES - 1]);
    }
    cv_view none = {0};
    cv_render_opts o = {.now_ns = cv_log_at(log, count - 1)->t_ns,
                        .span_ns = cv_nice_span(cv_log_at(log, count - 1)->t_ns), .speed = 1.0,
                        .replay = true, .mode = "REPLAY PAUSED", .total = count, .view = &none};
    int64_t t0 = cv_clock_mono_ns();
    cv_render(&c, &m, &o);
    printf("no card: frame %.2f ms\n", (double)(cv_clock_mono_ns() - t0) / 1e6);
    cv_canvas_free(&c);
    cv_model_free(&m);
    cv_log_destroy(log);
    return 0;
}
