/*
 * The front end's loop, as htop's ScreenManager_run: one thread (the
 * caller's) owns the screen (terminal.c) and sleeps in poll() on two
 * descriptors: the terminal, and a self-pipe written by the log's waker (a
 * batch of events arrived) and by the signal handlers (SIGINT, SIGTERM,
 * SIGHUP), so no curses call ever happens in a handler and no state is
 * shared with one beyond a pipe and a flag (a stop the loop has not heard
 * of yet: if a frame hangs, the handler ends the process itself).  Frames are paced at ~30 per second only
 * while something moves on its own (a live run's clock, playback); paused,
 * or once the run has ended, poll() blocks until a key, a resize or a new
 * event.
 *
 * Each frame: update the playhead, bring the model to its position (forward
 * is incremental, backward restores the model's nearest checkpoint and
 * replays from there), render the canvas, blit it.  A frame spends at most
 * about a millisecond on the model; a seek that needs more (End from the
 * start of a million events) goes on a millisecond at a time, with the
 * keys read in between, and a frame at the usual pace shows how far it
 * got: nothing freezes, and the seek costs little more than the events.
 * cv_ui_main is the three steps: set up (the run, the pipe, the signals,
 * the terminal), the loop, and the teardown, which every way out goes
 * through.  What the keys do is in app_keys.c; the state the files share,
 * in app_state.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bus.h"
#include "clock.h"
#include "playhead.h"
#include "nav.h"
#include "render.h"
#include "terminal.h"
#include "trace.h"
#include "ui.h"
#include "app_state.h"

#define FRAME_NS (33 * 1000000LL)

/* The write end of the self-pipe, for the signal handlers and the waker. */
static int wake_fd = -1;

/* A stop signal the loop has not taken yet (0: none).  The loop hears of
 * a stop between frames; if a frame never ends, the signal would never be
 * heard.  So a second stop signal while the first is pending, or
 * STOP_GRACE_S seconds of the first going unheard (SIGALRM), give the
 * terminal back from the handler and exit at once: a trace being recorded
 * is then lost, which beats a process that ignores Ctrl-C and SIGTERM. */
static volatile sig_atomic_t stop_pending;
/* Whether the loop runs: before it a stop is heard when it starts, and
 * after it, in the teardown, a stop changes nothing (the trace being
 * written is worth the wait). */
static volatile sig_atomic_t loop_running;
#define STOP_GRACE_S 2

static void on_signal(int sig)
{
    if (loop_running && stop_pending != 0) {
        cv_term__leave_now();
        _exit(128 + (sig == SIGALRM ? stop_pending : sig));
    }
    if (sig == SIGALRM)
        return; /* the loop took the stop just in time */
    int saved = errno;
    if (loop_running) {
        stop_pending = sig;
        alarm(STOP_GRACE_S);
    }
    unsigned char b = (unsigned char)sig;
    if (write(wake_fd, &b, 1) < 0) {
        /* The pipe is full: a wake-up is already pending. */
    }
    errno = saved;
}

static void on_log_batch(void *arg)
{
    (void)arg;
    unsigned char b = 0;
    if (write(wake_fd, &b, 1) < 0) {
        /* Full pipe: the UI will wake anyway. */
    }
}


/* ---- the run ----------------------------------------------------------- */

static int start_run(app *a)
{
    const cv_ui_config *cfg = a->cfg;
    if (cfg->replay != NULL) {
        a->log = cfg->replay;
        a->loading = cfg->replay_loader != NULL;
        if (a->loading)
            cv_log_set_waker(cfg->replay, on_log_batch, NULL);
    } else {
        a->run = cv_run_start(cfg->scenario, cfg->opts, cfg->speed, cfg->args);
        if (a->run == NULL)
            return -1;
        a->log = a->run->log;
        cv_log_set_waker(a->run->log, on_log_batch, NULL);
    }
    cv_app__history_free(a); /* its captions were of the old log */
    cv_app__steps_free(a);
    cv_model_free(&a->model);
    cv_model_init(&a->model, a->log);
    a->oom = false;
    return 0;
}

static void stop_run(app *a)
{
    if (a->run == NULL)
        return;
    cv_log_set_waker(a->run->log, NULL, NULL);
    cv_run_destroy(a->run);
    a->run = NULL;
}

/* Writes the log as a trace (--trace FILE in the UI), whole or not at all. */
static void write_trace(app *a, char *err, size_t errlen)
{
    err[0] = '\0';
    if (a->cfg->trace_path == NULL || a->run == NULL)
        return;
    cv_run_request_stop(a->run);
    cv_run_join(a->run);
    cv_trace_file tf;
    if (cv_trace_file_open(&tf, a->cfg->trace_path, err, errlen) != 0)
        return;
    cv_trace_labels *labels = cv_trace_labels_create();
    static cv_marks marks; /* the teardown's: too big for a small stack */
    cv_app__marks_for_trace(a, &marks);
    if (labels == NULL ||
        cv_trace_write_range(tf.fp, a->log, 0, cv_log_count(a->log), labels) != 0 ||
        cv_marks_write_trace(tf.fp, &marks) != 0) {
        snprintf(err, errlen, "%s: cannot write the trace", a->cfg->trace_path);
        cv_trace_file_abort(&tf);
    } else {
        cv_trace_file_commit(&tf, err, errlen);
    }
    cv_trace_labels_destroy(labels);
}

/* ---- a frame ----------------------------------------------------------- */

static int64_t live_now(const app *a)
{
    size_t n = cv_log_count(a->log);
    int64_t last = n ? cv_log_at(a->log, n - 1)->t_ns : 0;
    if (a->run == NULL || cv_log_closed(a->log))
        return last;
    /* The bus's own clock, which stamps the events: the wall clock would
     * drift from it (NTP slews it, and it can step back). */
    int64_t t = cv_bus_now_ns(a->run->bus);
    return t > last ? t : last;
}

/* The model has not reached the playhead yet (a long seek): the next
 * frame goes on at once. */
static bool seeking(const app *a)
{
    return !a->oom && a->model.upto != a->ph.pos;
}

static bool animating(const app *a)
{
    return a->ph.mode == CV_PLAY_PLAYING ||
           (a->ph.mode == CV_PLAY_LIVE && a->run != NULL && !cv_log_closed(a->log));
}

/* A replay whose trace is still being read: once the reader stops, a
 * refusal or a cut last line stays in the header (the exit status and
 * stderr say it again after the UI closes). */
static void loading_news(app *a, int64_t clock)
{
    char msg[256];
    int status = cv_trace_loader_status(a->cfg->replay_loader, msg, sizeof msg);
    if (status == CV_TRACE_MORE)
        return;
    a->loading = false;
    cv_log_set_waker(a->cfg->replay, NULL, NULL);
    /* Now that the log is whole, its arrays are sized once, as for a
     * trace read before the screen opened: a doubling array would copy
     * itself in the frame that crossed a power of two. */
    cv_model_reserve_whole_log(&a->model);
    /* A long trace's bookmarks come last: take them now (--marks wins on
     * the same event), and open at the first if nobody has moved yet. */
    const cv_marks *inside = cv_trace_loader_marks(a->cfg->replay_loader);
    bool had = a->marks.n > 0;
    for (size_t i = 0; inside != NULL && i < inside->n; i++)
        if (cv_marks_find(&a->marks, inside->at[i].event) < 0)
            cv_marks_add(&a->marks, inside->at[i].event, inside->at[i].demo_s, inside->at[i].text);
    if (!had && !a->stepped)
        cv_app__marks_first(a);
    if (status == CV_TRACE_ERROR || status == CV_TRACE_TRUNCATED) {
        snprintf(a->notice, sizeof a->notice, "%s: %.150s",
                 status == CV_TRACE_ERROR ? "trace refused, the rest not shown" : "warning", msg);
        a->notice_until = status == CV_TRACE_ERROR ? INT64_MAX : clock + 5 * 1000000000LL;
    }
}

static void frame(app *a)
{
    int64_t clock = cv_clock_mono_ns();
    /* The scenario returned: join its thread now (quick, it is done) so
     * that the bus drains the last events and closes the log, which stops
     * the clock and the frame pacing. */
    if (a->run != NULL && cv_run_finished(a->run) && !cv_log_closed(a->log))
        cv_run_join(a->run);
    int cols, rows;
    cv_term__size(&cols, &rows);
    if (a->canvas.cols != cols || a->canvas.rows != rows) {
        cv_canvas_free(&a->canvas);
        if (cv_canvas_init(&a->canvas, cols, rows, a->ascii) != 0)
            return;
        cv_term__redraw();
    }
    cv_playhead_update(&a->ph, a->log, live_now(a), clock);
    /* A frame spends about a millisecond on the model: a longer seek (End
     * from the start of a million events) takes several frames, each
     * showing where the model got, until it reaches the playhead. */
    if (!a->oom && cv_model_seek_within(&a->model, a->ph.pos, CV_MODEL_FRAME_NS) != 0) {
        snprintf(a->notice, sizeof a->notice, "out of memory");
        a->notice_until = INT64_MAX;
        a->oom = true;
    }
    bool behind = !a->oom && a->model.upto != a->ph.pos;

    char mode[48], status[128];
    const char *prefix = a->cfg->replay ? "REPLAY " : "";
    double rate = cv_playhead_rate_value(&a->ph);
    if (a->ph.mode == CV_PLAY_LIVE)
        snprintf(mode, sizeof mode, "%s%s", prefix,
                 a->run && !cv_log_closed(a->log) ? "LIVE" : a->run ? "LIVE: run over" : "END");
    else if (a->ph.mode == CV_PLAY_PLAYING)
        snprintf(mode, sizeof mode, "%sPLAY %g%s", prefix, rate, a->ascii ? "x" : "\xc3\x97");
    else
        snprintf(mode, sizeof mode, "%sPAUSED (rate %g%s)", prefix, rate,
                 a->ascii ? "x" : "\xc3\x97");
    if (a->loading)
        loading_news(a, clock);
    const char *st = NULL;
    if (behind) {
        snprintf(status, sizeof status, "seeking: %zu%%",
                 a->ph.pos ? a->model.upto * 100 / a->ph.pos : 100);
        st = status;
    } else if (clock < a->notice_until) {
        st = a->notice;
    } else if (a->loading) {
        snprintf(status, sizeof status, "reading the trace: %zu events so far",
                 cv_log_count(a->log));
        st = status;
    } else if (a->run != NULL && cv_run_finished(a->run) && a->run->status != 0) {
        /* A watched program (concviz run) ended with its own status,
         * which the end mark explains. */
        snprintf(status, sizeof status,
                 a->run->scenario->own_log ? "the program ended with status %d"
                                           : "scenario failed (status %d): see the console",
                 a->run->status);
        st = status;
    }
    /* The default timeline is a function of the log and the mode only,
     * never of how the playhead got here: live, it fits "now"; paused,
     * stepping or playing back, it fits the whole recorded log, so that
     * stepping forward and back draw the same screen at every event. */
    size_t count = cv_log_count(a->log);
    int64_t end = count ? cv_log_at(a->log, count - 1)->t_ns : 0;
    if (a->ph.mode == CV_PLAY_LIVE && live_now(a) > end)
        end = live_now(a);
    int64_t span = cv_nice_span(end > 0 ? end : 1);
    /* Behind the playhead, the screen is the model's: its last event's time. */
    int64_t now_ns = a->ph.t_ns;
    if (behind)
        now_ns = a->model.upto ? cv_log_at(a->log, a->model.upto - 1)->t_ns : 0;
    a->view.mark = cv_app__mark_here(a);
    cv_app__history_rows(a);
    if (!behind && !a->loading)
        cv_app__lesson_frame(a);
    cv_render_opts o = {
        .ascii = a->ascii, .help = a->help, .help_page = a->help_page, .replay = a->cfg->replay != NULL,
        .now_ns = now_ns, .span_ns = span,
        .speed = cv_log_meta_get(a->log)->speed,
        .mode = mode, .args = cv_log_meta_get(a->log)->args, .status = st, .total = count,
        .paused = a->ph.mode == CV_PLAY_PAUSED,
        .question = a->asking == 'q' ? "quit? y/n" : a->asking == 'r' ? "restart? y/n" : NULL,
        .prompt = a->prompt.label, .prompt_text = a->prompt.text, .prompt_hint = a->prompt.hint,
        .view = &a->view,
        .lesson = a->lesson ? a->lesson_text : NULL,
        .show_source = a->source,
    };
    cv_render(&a->canvas, &a->model, &o);
    cv_term__blit(&a->canvas);
    a->last_frame = clock;
}

/* Throws the run away and starts it again. */
void cv_app__restart(app *a)
{
    stop_run(a);
    if (start_run(a) != 0) {
        a->quit = 1;
        return;
    }
    /* A run opened with --paused opens paused again. */
    cv_playhead_init(&a->ph, a->cfg->paused);
    /* The new run's futures are not the old one's: no card, no pins. */
    a->view.card = 0;
    cv_view_follow(&a->view);
    a->stepped = false;
    a->lesson = false;
    a->lesson_end_shown = false; /* the new run gets its own end card */
}

/* ---- set-up, loop, teardown -------------------------------------------- */

static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGALRM};
#define NSTOP (sizeof stop_signals / sizeof stop_signals[0])

static int setup_pipe(app *a)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    for (int i = 0; i < 2; i++) {
        fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
        fcntl(fds[i], F_SETFD, FD_CLOEXEC);
    }
    a->pipe_r = fds[0];
    wake_fd = fds[1];
    return 0;
}

/* Everything before the first frame: the locale, the stop signals into
 * the pipe, the run, the playhead, the terminal.  Returns 0, or 1 with a
 * message on stderr (what was set up is undone by tear_down). */
static int set_up(app *a)
{
    const cv_ui_config *cfg = a->cfg;
    setlocale(LC_ALL, "");
    /* Without a UTF-8 locale the terminal cannot show the glyphs. */
    if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
        a->ascii = true;
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < NSTOP; i++)
        sigaction(stop_signals[i], &sa, &a->old_signals[i]);

    cv_model_init(&a->model, NULL);
    if (start_run(a) != 0) {
        fprintf(stderr, "concviz %s: cannot start the run (out of memory or threads)\n",
                cfg->scenario ? cfg->scenario->name : "");
        return 1;
    }
    cv_playhead_init(&a->ph, cfg->paused || cfg->replay != NULL);
    if (cfg->marks != NULL)
        a->marks = *cfg->marks;
    /* A replay with marks opens at the first, where the lecture starts. */
    if (cfg->replay != NULL)
        cv_app__marks_first(a);
    char err[160];
    if (cv_term__init(cfg->color, cfg->theme, err, sizeof err) != 0) {
        fprintf(stderr, "concviz: %s\n", err);
        return 1;
    }
    return 0;
}

/* Frames, keys and wake-ups until a quit; returns the exit status. */
static int run_loop(app *a)
{
    bool dirty = true;
    loop_running = 1;
    while (a->quit < 0) {
        int64_t now = cv_clock_mono_ns();
        int timeout = -1;
        bool due = now - a->last_frame >= FRAME_NS;
        if (dirty || ((animating(a) || seeking(a)) && due)) {
            frame(a);
            dirty = false;
            now = cv_clock_mono_ns();
        } else if (seeking(a)) {
            /* Between the frames of a long seek, the model goes on a
             * millisecond at a time, and the keys are read after each. */
            if (cv_model_seek_within(&a->model, a->ph.pos, CV_MODEL_FRAME_NS) != 0) {
                snprintf(a->notice, sizeof a->notice, "out of memory");
                a->notice_until = INT64_MAX;
                a->oom = true;
                dirty = true;
            }
            now = cv_clock_mono_ns();
        }
        if (seeking(a)) {
            timeout = 0;
        } else if (animating(a)) {
            int64_t left = a->last_frame + FRAME_NS - now;
            timeout = left > 0 ? (int)(left / 1000000) + 1 : 0;
        } else if (a->notice_until > now && a->notice_until != INT64_MAX) {
            timeout = (int)((a->notice_until - now) / 1000000) + 1;
        }
        struct pollfd fds[2] = {{.fd = STDIN_FILENO, .events = POLLIN},
                                {.fd = a->pipe_r, .events = POLLIN}};
        int n = poll(fds, 2, timeout);
        if (n < 0 && errno != EINTR)
            break;
        if (n == 0 && !animating(a))
            dirty = true; /* a notice expired */
        unsigned char buf[64];
        ssize_t got;
        bool batch = false;
        while ((got = read(a->pipe_r, buf, sizeof buf)) > 0) {
            for (ssize_t i = 0; i < got; i++) {
                if (buf[i] != 0) {
                    a->quit = 128 + buf[i];
                    alarm(0);
                    stop_pending = 0;
                }
                else
                    batch = true;
            }
        }
        /* New events: show them at the next frame slot, not at once, so a
         * burst of batches costs one frame. */
        if (batch && !animating(a))
            dirty = true;
        if (batch && a->ph.mode == CV_PLAY_LIVE && now - a->last_frame >= FRAME_NS)
            dirty = true;
        int ch;
        while (a->quit < 0 && (ch = cv_term__key()) != CV_KEY_NONE) {
            cv_app__key(a, ch);
            dirty = true;
        }
        if (fds[0].revents & (POLLHUP | POLLERR))
            a->quit = 128 + SIGHUP; /* the terminal went away */
    }
    loop_running = 0;
    alarm(0);
    stop_pending = 0;
    return a->quit;
}

/* After the terminal is given back: the trace (--trace), the run, the
 * memory, the signals and the pipe. */
static void tear_down(app *a)
{
    char err[256];
    write_trace(a, err, sizeof err);
    if (err[0] != '\0')
        fprintf(stderr, "concviz: %s\n", err);
    stop_run(a);
    if (a->loading) /* the loader goes on reading, but wakes no one now */
        cv_log_set_waker(a->cfg->replay, NULL, NULL);
    cv_app__history_free(a);
    cv_app__steps_free(a);
    cv_model_free(&a->model);
    cv_canvas_free(&a->canvas);
    alarm(0);
    for (size_t i = 0; i < NSTOP; i++)
        sigaction(stop_signals[i], &a->old_signals[i], NULL);
    stop_pending = 0;
    close(a->pipe_r);
    close(wake_fd);
    wake_fd = -1;
}

int cv_ui_main(const cv_ui_config *cfg)
{
    app a = {.cfg = cfg, .ascii = cfg->ascii, .source = cfg->source, .quit = -1, .pipe_r = -1};
    a.view.present = cfg->present;
    if (setup_pipe(&a) != 0) {
        fprintf(stderr, "concviz: cannot create a pipe: %s\n", strerror(errno));
        return 1;
    }
    int status = set_up(&a);
    if (status == 0) {
        status = run_loop(&a);
        cv_term__done();
    }
    tear_down(&a);
    return status;
}
