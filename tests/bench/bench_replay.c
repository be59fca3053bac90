/*
 * Replay at a million events, as `concviz replay` meets it at 200x60: how
 * soon the first screen is ready once the log is read, what a frame costs
 * at the start, the middle and the end, what each key costs (a step
 * forward, a step back, End from the start, Home from the end, a jump to
 * the middle), and how many bytes each event costs in memory.
 *
 * Two logs of about 10^6 events, built in memory (or read from a trace
 * given as the first argument, in place of the first):
 *   stress   no-op futures through 32 workers, as `concviz stress` makes;
 *   spinner  two tasks taking turns on one event loop's lane, a slice
 *            every three events, as `concviz spinner --work nap` makes,
 *            with both sides' spinner frames.
 *
 * A key is timed as the UI does it: the model brought toward the
 * playhead (cv_model_seek_within, for at most CV_MODEL_FRAME_NS a frame)
 * and the frame rendered.  A seek further than a frame can apply
 * takes several frames, each shown; the figure is the slowest frame, and
 * the frames it took are printed.  Memory: the log's chunks, the texts
 * (heap bytes while the log was built), the model's arrays and its
 * checkpoints (as cv_model_memory counts them; the heap the model took is
 * printed beside, as a check).
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "../logbuild.h"
#include "render.h"
#include "trace.h"

#define MS 1000000LL
#define COLS 200
#define ROWS 60
#define FRAMES 21

static size_t heap_bytes(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

static void ev(cv_log *log, int64_t t, int kind, int state, uint64_t id, uint64_t ref, int lane,
               int side, const char *text)
{
    log_event(log, t, kind, state, id, ref, lane, side, text);
}

/* Futures submitted by main in bursts of 96, each burst run by 32
 * workers, three futures each, between a busy and an idle event. */
static cv_log *stress_log(size_t want)
{
    cv_log *log = cv_log_create();
    cv_log_meta meta = {.scenario = "stress", .speed = 1.0};
    cv_log_set_meta(log, &meta);
    ev(log, 0, CV_EV_HEADER, 0, 0, 0, -1, CV_SIDE_NONE, "stress");
    ev(log, 1000, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, 0, CV_SIDE_NONE, "main");
    ev(log, 1000, CV_EV_THREAD, CV_THREAD_BUSY, 0, 0, 0, CV_SIDE_NONE, NULL);
    ev(log, 1000, CV_EV_LOG, 0, 0, 0, 0, CV_SIDE_NONE, "Submitting no-op futures to 32 workers.");
    char text[64];
    for (int w = 1; w <= 32; w++) {
        snprintf(text, sizeof text, "worker %d", w);
        log_event(log, 2000, CV_EV_THREAD, CV_THREAD_STARTED, 0, 1 /* role */, w, CV_SIDE_NONE,
                  text);
    }
    int64_t t = 3000;
    uint64_t id = 1;
    while (cv_log_count(log) + 400 < want) {
        uint64_t first = id;
        for (int k = 0; k < 96; k++, t += 20) {
            snprintf(text, sizeof text, "noop(%llu)", (unsigned long long)(id - 1));
            ev(log, t, CV_EV_FUTURE, CV_PENDING, id++, 0, -1, CV_SIDE_NONE, text);
        }
        for (int w = 1; w <= 32; w++)
            ev(log, t, CV_EV_THREAD, CV_THREAD_BUSY, 0, 0, w, CV_SIDE_NONE, NULL);
        for (uint64_t f = first; f < id; f++, t += 10) {
            int w = 1 + (int)((f - first) % 32);
            ev(log, t, CV_EV_FUTURE, CV_RUNNING, f, 0, w, CV_SIDE_NONE, NULL);
            snprintf(text, sizeof text, "%llu", (unsigned long long)(f - 1));
            ev(log, t + 5, CV_EV_FUTURE, CV_FINISHED, f, f - 1, w, CV_SIDE_NONE, text);
        }
        for (int w = 1; w <= 32; w++)
            ev(log, t, CV_EV_THREAD, CV_THREAD_IDLE, 0, 0, w, CV_SIDE_NONE, NULL);
        cv_log_publish(log);
    }
    ev(log, t, CV_EV_LOG, 0, 0, 0, 0, CV_SIDE_NONE, "Done.");
    for (int w = 0; w <= 32; w++)
        ev(log, t, CV_EV_THREAD, CV_THREAD_STOPPED, 0, 0, w, CV_SIDE_NONE, NULL);
    cv_log_close(log);
    return log;
}

/* supervisor runs is_prime on the loop's lane, yielding at every await
 * (suspended, scheduled, running again); spin runs every 400th turn and
 * draws a frame; the spinner thread draws one every 0.1 s. */
static cv_log *spinner_log(size_t want)
{
    cv_log *log = cv_log_create();
    cv_log_meta meta = {.scenario = "spinner", .speed = 1.0};
    cv_log_set_meta(log, &meta);
    ev(log, 0, CV_EV_HEADER, 0, 0, 0, -1, CV_SIDE_NONE, "spinner");
    ev(log, 1000, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, 0, CV_SIDE_NONE, "main");
    ev(log, 1000, CV_EV_THREAD, CV_THREAD_BUSY, 0, 0, 0, CV_SIDE_NONE, NULL);
    ev(log, 2000, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, 2, CV_SIDE_THREAD, "spinner thread");
    ev(log, 2000, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, 1, CV_SIDE_TASK, "event loop");
    ev(log, 2000, CV_EV_LOG, 0, 0, 0, 1, CV_SIDE_TASK, "spinner object: <Task pending>");
    ev(log, 3000, CV_EV_TASK, CV_TASK_CREATED, 1, 0, 1, CV_SIDE_NONE, "supervisor");
    ev(log, 3000, CV_EV_LOOP, CV_LOOP_RUNNING, 0, 0, 1, CV_SIDE_NONE, NULL);
    ev(log, 3000, CV_EV_TASK, CV_TASK_RUNNING, 1, 0, 1, CV_SIDE_NONE, NULL);
    ev(log, 3000, CV_EV_TASK, CV_TASK_CREATED, 2, 0, 1, CV_SIDE_NONE, "spin");
    static const char glyphs[] = "\\|/-";
    int64_t t = 4000, next_frame = 4000;
    size_t turn = 0, frames = 0;
    char g[2] = {0};
    while (cv_log_count(log) + 16 < want) {
        t += 240000;
        ev(log, t, CV_EV_TASK, CV_TASK_SUSPENDED, 1, 0, 1, CV_SIDE_NONE, "sleep 0s in slow()");
        ev(log, t, CV_EV_TASK, CV_TASK_SCHEDULED, 1, 0, 1, CV_SIDE_NONE, NULL);
        if (++turn % 400 == 0) {
            ev(log, t, CV_EV_TASK, CV_TASK_RUNNING, 2, 0, 1, CV_SIDE_NONE, NULL);
            g[0] = glyphs[turn / 400 % 4];
            ev(log, t + 1000, CV_EV_FRAME, 0, 0, 0, 1, CV_SIDE_TASK, g);
            ev(log, t + 2000, CV_EV_TASK, CV_TASK_SUSPENDED, 2, 0, 1, CV_SIDE_NONE, "sleep 0.1s");
        }
        ev(log, t + 2000, CV_EV_TASK, CV_TASK_RUNNING, 1, 0, 1, CV_SIDE_NONE, NULL);
        if (t >= next_frame) {
            g[0] = glyphs[frames++ % 4];
            ev(log, t + 2000, CV_EV_FRAME, 0, 0, 0, 2, CV_SIDE_THREAD, g);
            next_frame += 100 * MS;
        }
        if (turn % 4096 == 0)
            cv_log_publish(log);
    }
    ev(log, t + 3000, CV_EV_TASK, CV_TASK_CANCELLED, 2, 0, 1, CV_SIDE_NONE, NULL);
    ev(log, t + 3000, CV_EV_TASK, CV_TASK_DONE, 1, 0, 1, CV_SIDE_NONE, "True");
    ev(log, t + 3000, CV_EV_LOOP, CV_LOOP_IDLE, 0, 0, 1, CV_SIDE_NONE, NULL);
    ev(log, t + 4000, CV_EV_LOG, 0, 0, 0, 0, CV_SIDE_THREAD, "Answer: True");
    for (int lane = 2; lane >= 0; lane--)
        ev(log, t + 5000, CV_EV_THREAD, CV_THREAD_STOPPED, 0, 0, lane, CV_SIDE_NONE, NULL);
    cv_log_close(log);
    return log;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct replay {
    const cv_log *log;
    size_t count;
    int64_t end;
    cv_model m;
    cv_canvas c;
} replay;

static double ms_since(int64_t t0)
{
    return (double)(cv_clock_mono_ns() - t0) / 1e6;
}

/* One frame, as the UI draws it: the model toward pos, then the render,
 * at the time of the model's last event (a paused playhead). */
static void frame(replay *r, size_t pos)
{
    cv_model_seek_within(&r->m, pos, CV_MODEL_FRAME_NS);
    size_t at = r->m.upto;
    cv_render_opts o = {.now_ns = at ? cv_log_at(r->log, at - 1)->t_ns : 0,
                        .span_ns = cv_nice_span(r->end), .speed = 1.0, .replay = true,
                        .mode = "REPLAY PAUSED", .total = r->count};
    cv_render(&r->c, &r->m, &o);
}

/* The slowest frame of a seek to pos, how many frames it took and how
 * long in all (when it took more than one, the UI renders fewer: one
 * every 33 ms, the model going on between them). */
static double key_ms(replay *r, size_t pos, int *frames, double *total)
{
    double worst = 0, sum = 0;
    *frames = 0;
    do {
        int64_t t0 = cv_clock_mono_ns();
        frame(r, pos);
        double ms = ms_since(t0);
        worst = ms > worst ? ms : worst;
        sum += ms;
        ++*frames;
    } while (r->m.upto != pos && *frames < 100000);
    if (total != NULL)
        *total = sum;
    return worst;
}

/* The median and the worst of FRAMES renders at pos. */
static void frames_at(replay *r, size_t pos, double *median, double *worst)
{
    double ms[FRAMES];
    int n;
    key_ms(r, pos, &n, NULL);
    for (int i = 0; i < FRAMES; i++) {
        int64_t t0 = cv_clock_mono_ns();
        frame(r, pos);
        ms[i] = ms_since(t0);
    }
    qsort(ms, FRAMES, sizeof ms[0], cmp);
    *median = ms[FRAMES / 2];
    *worst = ms[FRAMES - 1];
}

typedef struct result {
    size_t count;
    double first, worst, end_total, bytes;
} result;

static void bench(const char *name, cv_log *log, size_t text_bytes, result *res)
{
    replay r = {.log = log, .count = cv_log_count(log)};
    r.end = cv_log_at(log, r.count - 1)->t_ns;
    cv_canvas_init(&r.c, COLS, ROWS, false);
    size_t heap0 = heap_bytes();

    /* The first screen: a replay opens paused at the first event. */
    int64_t t0 = cv_clock_mono_ns();
    cv_model_init(&r.m, log);
    frame(&r, 1);
    double first = ms_since(t0);

    double fmed[3], fmax[3], end_total, jump_total;
    size_t at[3] = {1, r.count / 2, r.count};
    int n;
    double end_ms = key_ms(&r, r.count, &n, &end_total); /* End from the start */
    int end_frames = n;
    frames_at(&r, at[2], &fmed[2], &fmax[2]);
    double home_ms = key_ms(&r, 1, &n, NULL); /* Home from the end */
    frames_at(&r, at[0], &fmed[0], &fmax[0]);
    double jump_fwd = key_ms(&r, r.count / 2, &n, &jump_total); /* start -> middle */
    int jump_frames = n;
    frames_at(&r, at[1], &fmed[1], &fmax[1]);
    key_ms(&r, r.count, &n, NULL);
    double jump_back = key_ms(&r, r.count / 2 + 7, &n, NULL); /* end -> middle */

    /* Steps of one event, forward and back, around three places: the
     * median says what a step costs, the max what the machine's load
     * added to the slowest. */
    static double fwds[150], backs[150];
    int nf = 0, nb = 0;
    size_t places[3] = {2, r.count / 3, r.count - 60};
    for (int p = 0; p < 3; p++) {
        key_ms(&r, places[p], &n, NULL);
        for (int s = 0; s < 50; s++)
            fwds[nf++] = key_ms(&r, r.m.upto + 1, &n, NULL);
        for (int s = 0; s < 50 && r.m.upto > 1; s++)
            backs[nb++] = key_ms(&r, r.m.upto - 1, &n, NULL);
    }
    qsort(fwds, (size_t)nf, sizeof fwds[0], cmp);
    qsort(backs, (size_t)nb, sizeof backs[0], cmp);
    double fwd = fwds[nf - 1], back = backs[nb - 1];

    /* Memory, with the model at the end, as far as it goes. */
    key_ms(&r, r.count, &n, NULL);
    size_t chunks = (r.count + 32767) / 32768;
    double ev_n = (double)r.count;
    double b_log = (double)chunks * 32768 * sizeof(cv_event) / ev_n;
    double b_text = (double)text_bytes / ev_n;
    size_t model_b, ckpt_b;
    cv_model_memory(&r.m, &model_b, &ckpt_b);
    size_t heap = heap_bytes() - heap0;
    double b_model = (double)model_b / ev_n;
    double b_ckpt = (double)ckpt_b / ev_n;
    double total = b_log + b_text + b_model + b_ckpt;

    printf("%s_events=%zu\n", name, r.count);
    printf("%s_first_screen_ms=%.3f\n", name, first);
    static const char *const where[3] = {"start", "middle", "end"};
    for (int i = 0; i < 3; i++) {
        printf("%s_frame_%s_median_ms=%.3f\n", name, where[i], fmed[i]);
        printf("%s_frame_%s_max_ms=%.3f\n", name, where[i], fmax[i]);
    }
    printf("%s_step_forward_median_ms=%.3f\n", name, fwds[nf / 2]);
    printf("%s_step_forward_max_ms=%.3f\n", name, fwd);
    printf("%s_step_back_median_ms=%.3f\n", name, backs[nb / 2]);
    printf("%s_step_back_max_ms=%.3f\n", name, back);
    printf("%s_end_from_start_max_frame_ms=%.3f\n", name, end_ms);
    printf("%s_end_from_start_frames=%d\n", name, end_frames);
    printf("%s_end_from_start_total_ms=%.1f\n", name, end_total);
    printf("%s_home_from_end_ms=%.3f\n", name, home_ms);
    printf("%s_jump_middle_forward_max_frame_ms=%.3f\n", name, jump_fwd);
    printf("%s_jump_middle_forward_frames=%d\n", name, jump_frames);
    printf("%s_jump_middle_forward_total_ms=%.1f\n", name, jump_total);
    printf("%s_jump_middle_back_ms=%.3f\n", name, jump_back);
    printf("%s_bytes_per_event=%.1f\n", name, total);
    printf("%s_bytes_per_event_log=%.1f\n", name, b_log);
    printf("%s_bytes_per_event_texts=%.1f\n", name, b_text);
    printf("%s_bytes_per_event_model=%.1f\n", name, b_model);
    printf("%s_bytes_per_event_checkpoints=%.1f\n", name, b_ckpt);
    printf("%s_heap_bytes_per_event_model_took=%.1f\n", name, (double)heap / ev_n);
    double worst = fmax[0];
    double all[] = {fmax[1], fmax[2], fwd, back, end_ms, home_ms, jump_fwd, jump_back};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        worst = all[i] > worst ? all[i] : worst;
    res->first = first;
    res->worst = worst;
    res->end_total = end_total;
    res->bytes = total;
    res->count = r.count;
    cv_model_free(&r.m);
    cv_canvas_free(&r.c);
}

int main(int argc, char **argv)
{
    size_t want = 1000000;
    size_t h0 = heap_bytes();
    cv_log *log;
    if (argc > 1) {
        char err[256];
        bool warned = false;
        log = cv_log_create();
        if (log == NULL || cv_trace_read(argv[1], log, &warned, err, sizeof err) != 0) {
            fprintf(stderr, "bench_replay: %s\n", log ? err : "out of memory");
            return 1;
        }
    } else {
        log = stress_log(want);
    }
    size_t texts = heap_bytes() - h0;
    result st, sp;
    bench("stress", log, texts, &st);
    cv_log_destroy(log);

    h0 = heap_bytes();
    log = spinner_log(want);
    texts = heap_bytes() - h0;
    bench("spinner", log, texts, &sp);
    cv_log_destroy(log);
    printf("replay at %dx%d of %zu stress and %zu spinner events: first screen %.1f and %.1f ms "
           "after the log is read; every frame and key within %.2f and %.2f ms (End from the "
           "start lands in %.0f and %.0f ms, a frame at a time); %.0f and %.0f bytes per event\n",
           COLS, ROWS, st.count, sp.count, st.first, sp.first, st.worst, sp.worst, st.end_total,
           sp.end_total, st.bytes, sp.bytes);
    return 0;
}
