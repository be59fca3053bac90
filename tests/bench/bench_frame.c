/*
 * ms per rendered frame: a synthetic log of 10 000 futures across 8 worker
 * lanes (with thread, wait and console events, as a big map would make),
 * rendered at 200x60 into a canvas, the frame the terminal would blit.  The
 * figure is the median of 200 frames at a playhead in the middle of the run
 * (running bars, a long queue) and at the end.  A backward step restores
 * the nearest checkpoint of the model and replays the events after it, so
 * it is timed too, one event at a time back from several positions, as the
 * left arrow key does; so is a full rebuild from the first event, which is
 * what a step back cost before the checkpoints.  A second log puts an
 * event loop on main: 1 000 tasks running 5 000 short slices between the
 * loop's polls, as flags --mode async does, timed the same way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "../logbuild.h"
#include "render.h"

#define FUTURES 10000
#define LANES 8
#define FRAMES 200
#define MS 1000000LL

static void ev(cv_log *log, int64_t t, int kind, int state, uint64_t id, uint64_t ref,
               int lane, const char *text)
{
    log_event(log, t, kind, state, id, ref, lane, CV_SIDE_NONE, text);
}

static cv_log *synthetic_log(void)
{
    cv_log *log = cv_log_create();
    cv_log_meta meta = {.scenario = "bench", .speed = 1.0};
    cv_log_set_meta(log, &meta);
    ev(log, 0, CV_EV_HEADER, 0, 0, 0, -1, "bench");
    ev(log, 0, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, 0, "main");
    ev(log, 0, CV_EV_THREAD, CV_THREAD_BUSY, 0, 0, 0, NULL);
    char text[64];
    for (int id = 1; id <= FUTURES; id++) {
        snprintf(text, sizeof text, "job(%d)", id - 1);
        ev(log, id * 1000, CV_EV_FUTURE, CV_PENDING, (uint64_t)id, 0, -1, text);
    }
    for (int lane = 1; lane <= LANES; lane++) {
        snprintf(text, sizeof text, "worker %d", lane);
        ev(log, 11 * MS, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, lane, text);
        ev(log, 11 * MS, CV_EV_THREAD, CV_THREAD_BUSY, 0, 0, lane, NULL);
    }
    /* Each lane runs every 8th future, 1 ms each; main waits for each in
     * submission order, as executor.map does. */
    int64_t t = 11 * MS;
    for (int id = 1; id <= FUTURES; id++) {
        int lane = 1 + (id - 1) % LANES;
        ev(log, t, CV_EV_FUTURE, CV_RUNNING, (uint64_t)id, 0, lane, NULL);
        ev(log, t, CV_EV_WAIT, CV_WAIT_BLOCK, 0, (uint64_t)id, 0, "result");
        snprintf(text, sizeof text, "\tjob(%d): working", id - 1);
        ev(log, t, CV_EV_LOG, 0, 0, 0, lane, text);
        t += MS / LANES;
        ev(log, t, CV_EV_FUTURE, id % 97 ? CV_FINISHED : CV_FAILED, (uint64_t)id, (uint64_t)id,
           lane, id % 97 ? NULL : "boom");
        ev(log, t, CV_EV_WAIT, CV_WAIT_UNBLOCK, 0, (uint64_t)id, 0, "result");
        snprintf(text, sizeof text, "result %d", id - 1);
        ev(log, t, CV_EV_LOG, 0, 0, 0, 0, text);
    }
    for (int lane = LANES; lane >= 0; lane--)
        ev(log, t, CV_EV_THREAD, CV_THREAD_STOPPED, 0, 0, lane, NULL);
    cv_log_publish(log);
    cv_log_close(log);
    return log;
}

#define TASKS 1000
#define SLICES 5000

/* One loop on main; each turn, one task runs a slice and awaits again. */
static cv_log *task_log(void)
{
    cv_log *log = cv_log_create();
    cv_log_meta meta = {.scenario = "bench-tasks", .speed = 1.0};
    cv_log_set_meta(log, &meta);
    ev(log, 0, CV_EV_HEADER, 0, 0, 0, -1, "bench-tasks");
    ev(log, 0, CV_EV_THREAD, CV_THREAD_STARTED, 0, 0, 0, "main");
    char text[64];
    for (int id = 1; id <= TASKS; id++) {
        snprintf(text, sizeof text, "T%d", id);
        ev(log, 0, CV_EV_TASK, CV_TASK_CREATED, (uint64_t)id, 0, 0, text);
    }
    int64_t t = MS;
    for (int k = 0; k < SLICES; k++) {
        uint64_t id = 1 + (uint64_t)(k % TASKS);
        ev(log, t, CV_EV_LOOP, CV_LOOP_RUNNING, 0, 0, 0, NULL);
        ev(log, t, CV_EV_TASK, CV_TASK_RUNNING, id, 0, 0, NULL);
        t += 20000;
        if (k + TASKS >= SLICES)
            ev(log, t, CV_EV_TASK, CV_TASK_DONE, id, 7, 0, "200 OK 1.2 KB");
        else
            ev(log, t, CV_EV_TASK, CV_TASK_SUSPENDED, id, 0, 0, k % 3 ? "download" : "semaphore");
        ev(log, t, CV_EV_LOOP, CV_LOOP_POLLING, 0, 100000, 0, NULL);
        t += 180000;
    }
    ev(log, t, CV_EV_LOOP, CV_LOOP_IDLE, 0, 0, 0, NULL);
    ev(log, t, CV_EV_THREAD, CV_THREAD_STOPPED, 0, 0, 0, NULL);
    cv_log_publish(log);
    cv_log_close(log);
    return log;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_frame_ms(const cv_log *log, int64_t at)
{
    static double ms[FRAMES];
    size_t count = cv_log_count(log);
    cv_model m;
    cv_canvas c;
    cv_model_init(&m, log);
    cv_canvas_init(&c, 200, 60, false);
    cv_model_advance(&m, cv_log_index_at(log, count, at));
    int64_t end = cv_log_at(log, count - 1)->t_ns;
    cv_render_opts o = {.now_ns = at, .span_ns = cv_nice_span(end), .speed = 1.0,
                        .mode = "LIVE", .total = count};
    for (int i = 0; i < FRAMES; i++) {
        int64_t t0 = cv_clock_mono_ns();
        cv_render(&c, &m, &o);
        ms[i] = (double)(cv_clock_mono_ns() - t0) / 1e6;
    }
    qsort(ms, FRAMES, sizeof ms[0], cmp);
    cv_canvas_free(&c);
    cv_model_free(&m);
    return ms[FRAMES / 2];
}

#define STEP_FROM 4
#define STEPS 50

/* The median and the worst ms of a backward step of one event, from a
 * model that has seen the whole log (as a live run leaves it), over STEPS
 * steps back from each of STEP_FROM positions; frame_ms also counts
 * rendering the frame, which is what a key press costs. */
static void step_back_ms(const cv_log *log, double *seek_ms, double *worst_ms,
                         double *frame_ms)
{
    static double seek[STEP_FROM * STEPS], both[STEP_FROM * STEPS];
    size_t count = cv_log_count(log);
    int64_t end = cv_log_at(log, count - 1)->t_ns;
    cv_model m;
    cv_canvas c;
    cv_model_init(&m, log);
    cv_canvas_init(&c, 200, 60, false);
    cv_model_advance(&m, count);
    int n = 0;
    for (int k = 1; k <= STEP_FROM; k++) {
        size_t pos = count * (size_t)k / STEP_FROM;
        cv_model_seek(&m, pos);
        for (int s = 0; s < STEPS; s++) {
            pos--;
            int64_t t0 = cv_clock_mono_ns();
            cv_model_seek(&m, pos);
            int64_t t1 = cv_clock_mono_ns();
            cv_render_opts o = {.now_ns = cv_log_at(log, pos - 1)->t_ns,
                                .span_ns = cv_nice_span(end), .speed = 1.0,
                                .mode = "PAUSED", .total = count};
            cv_render(&c, &m, &o);
            int64_t t2 = cv_clock_mono_ns();
            seek[n] = (double)(t1 - t0) / 1e6;
            both[n++] = (double)(t2 - t0) / 1e6;
        }
    }
    qsort(seek, (size_t)n, sizeof seek[0], cmp);
    qsort(both, (size_t)n, sizeof both[0], cmp);
    *seek_ms = seek[n / 2];
    *worst_ms = seek[n - 1];
    *frame_ms = both[n / 2];
    cv_canvas_free(&c);
    cv_model_free(&m);
}

int main(void)
{
    cv_log *log = synthetic_log();
    size_t count = cv_log_count(log);
    int64_t end = cv_log_at(log, count - 1)->t_ns;
    double mid = median_frame_ms(log, end / 2);
    double last = median_frame_ms(log, end);

    /* The model rebuilt from the first event, as a step back used to be. */
    cv_model m;
    cv_model_init(&m, log);
    int64_t t0 = cv_clock_mono_ns();
    cv_model_advance(&m, count);
    double rebuild = (double)(cv_clock_mono_ns() - t0) / 1e6;
    cv_model_free(&m);
    double back, back_worst, back_frame;
    step_back_ms(log, &back, &back_worst, &back_frame);

    printf("frame: %d futures, %d lanes, %zu events, 200x60: median %.3f ms (mid-run), "
           "%.3f ms (end); model rebuild %.2f ms\n",
           FUTURES, LANES, count, mid, last, rebuild);
    printf("step back: median %.3f ms (model; worst %.3f ms), %.3f ms (model and frame), "
           "%d steps of one event from %d positions\n",
           back, back_worst, back_frame, STEPS, STEP_FROM);
    cv_log_destroy(log);

    log = task_log();
    count = cv_log_count(log);
    end = cv_log_at(log, count - 1)->t_ns;
    double tmid = median_frame_ms(log, end / 2);
    double tlast = median_frame_ms(log, end);
    printf("frame: %d tasks, %d slices on one loop, %zu events, 200x60: median %.3f ms "
           "(mid-run), %.3f ms (end)\n", TASKS, SLICES, count, tmid, tlast);
    double worst = mid > last ? mid : last;
    worst = tmid > worst ? tmid : worst;
    worst = tlast > worst ? tlast : worst;
    printf("frame_ms=%.3f\n", worst);
    cv_log_destroy(log);
    return 0;
}
