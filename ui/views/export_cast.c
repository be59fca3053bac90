/*
 * The asciicast export (export_cast.h): the UI playing a trace, recorded.
 *
 * The file is newline-delimited JSON: a header object (version 2, the
 * size, the run's start as timestamp, a title, the theme's colours so that
 * a player shows them), then one [time, "o", text] line per frame, where
 * the text is what a terminal would have been sent.  Time runs on a grid
 * of 1/fps seconds of the recording: at each grid point the playhead is
 * placed where playback at --speed would have it (the trace's clock is
 * real time; demo time is that times the run's speed, and the recording's
 * is demo time divided by --speed), the screen is rendered by the views
 * exactly as a screenshot is, and the frame is written only if the screen
 * changed.  So the bars grow and the clock ticks as in the UI, a quiet
 * stretch costs nothing, and no frame is closer than 1/fps to the last.
 *
 * A bookmark interrupts the grid at its own event, off the grid: the
 * screen with the playhead on the marked event (the mark's text in the
 * header, as the UI shows it), a "m" marker line that players offer as a
 * chapter (or pause at), and then --pause seconds in which the frame
 * stands before the playback goes on.
 *
 * Frames stay small: the first clears the screen and draws every row;
 * each later one rewrites, in each row that changed, only the span from
 * its first changed cell to its last (a cursor move, the cells with an
 * SGR wherever the style changes, and an erase to the end of the line
 * where the rest of the row is blank), so that a clock tick is a few
 * bytes.  Every frame ends with the attributes reset, so that a player
 * may start drawing from any frame's state.
 */
#include "export_cast.h"

#include "atomic_file.h"
#include "canvas.h"
#include "error.h"
#include "log.h"
#include "model.h"
#include "render.h"
#include "theme.h"
#include "trace.h"
#include "utf8.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A growing byte buffer: one frame's terminal output. */
typedef struct bytes {
    char *p;
    size_t n, cap;
    bool oom;
} bytes;

static void put(bytes *b, const char *s, size_t len)
{
    if (b->oom)
        return;
    if (b->n + len > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + len)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (p == NULL) {
            b->oom = true;
            return;
        }
        b->p = p, b->cap = cap;
    }
    memcpy(b->p + b->n, s, len);
    b->n += len;
}

static void puts_b(bytes *b, const char *s)
{
    put(b, s, strlen(s));
}

static void printf_b(bytes *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void printf_b(bytes *b, const char *fmt, ...)
{
    char tmp[64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* Writes s[0..len) as the inside of a JSON string; a byte that is not
 * part of well-formed UTF-8 (a sidecar's mark text may hold any) is '?'. */
static void json_text(FILE *out, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        size_t n = cv_utf8_len(u + i, len - i);
        if (n == 0) {
            fputc('?', out);
            i++;
        } else if (n > 1) {
            fwrite(u + i, 1, n, out);
            i += n;
        } else if (u[i] == '"' || u[i] == '\\') {
            fprintf(out, "\\%c", u[i++]);
        } else if (u[i] < 0x20 || u[i] == 0x7f) {
            fprintf(out, "\\u%04x", u[i++]);
        } else {
            fputc(u[i++], out);
        }
    }
}

typedef struct caster {
    FILE *out;
    const cv_log *log;
    const cv_cast_opts *o;
    cv_model model;
    cv_canvas cur, prev; /* this frame and the last one written */
    bool drawn;          /* a frame was written (the screen is cleared) */
    int style;           /* the style whose SGR is in force while writing */
    char sgr[CV_ST_COUNT][48];
    bytes frame;
    int64_t span_ns, end_ns;
    double log_to_cast;  /* recording seconds per log ns */
    double offset;       /* seconds of pauses so far */
} caster;

/* The SGR sequence of each style in the chosen theme and colour mode. */
static void make_sgr(caster *c)
{
    const cv_style_def *defs = cv_theme__styles(c->o->theme);
    for (int s = 0; s < CV_ST_COUNT; s++) {
        unsigned a = c->o->color ? defs[s].attr : defs[s].mono;
        char *p = c->sgr[s];
        size_t left = sizeof c->sgr[s];
        int n = snprintf(p, left, "\x1b[0%s%s%s%s", a & CV_ATTR_BOLD ? ";1" : "",
                         a & CV_ATTR_DIM ? ";2" : "", a & CV_ATTR_UNDERLINE ? ";4" : "",
                         a & CV_ATTR_REVERSE ? ";7" : "");
        if (c->o->color && defs[s].fg >= 0)
            n += snprintf(p + n, left - (size_t)n, ";3%d", defs[s].fg);
        if (c->o->color && defs[s].bg >= 0)
            n += snprintf(p + n, left - (size_t)n, ";4%d", defs[s].bg);
        snprintf(p + n, left - (size_t)n, "m");
    }
}

static bool same(const cv_cell *a, const cv_cell *b)
{
    return a->ch == b->ch && a->style == b->style;
}

static bool blank(const cv_cell *a)
{
    return a->ch == ' ' && a->style == CV_ST_NORMAL;
}

/* Appends to the frame what turns row y of prev into row y of cur. */
static void diff_row(caster *c, int y)
{
    int cols = c->cur.cols, x0 = 0, x1 = cols - 1;
    while (x0 < cols && same(cv_canvas_get(&c->cur, x0, y), cv_canvas_get(&c->prev, x0, y)))
        x0++;
    if (x0 == cols)
        return;
    while (same(cv_canvas_get(&c->cur, x1, y), cv_canvas_get(&c->prev, x1, y)))
        x1--;
    /* From `tail` on, the new row is blank: one erase clears it, and
     * writing the last column (which would leave a terminal waiting to
     * wrap) is avoided for every row that ends in blanks. */
    int tail = cols;
    while (tail > 0 && blank(cv_canvas_get(&c->cur, tail - 1, y)))
        tail--;
    int end = x1 + 1;
    bool erase = end >= tail;
    if (erase)
        end = tail;
    printf_b(&c->frame, "\x1b[%d;%dH", y + 1, x0 + 1);
    for (int x = x0; x < end; x++) {
        const cv_cell *cell = cv_canvas_get(&c->cur, x, y);
        if (cell->style != c->style) {
            puts_b(&c->frame, c->sgr[cell->style < CV_ST_COUNT ? cell->style : CV_ST_NORMAL]);
            c->style = cell->style;
        }
        char enc[4];
        put(&c->frame, enc, cv_canvas__utf8_put(cell->ch, enc));
    }
    if (erase) {
        if (c->style != CV_ST_NORMAL) {
            puts_b(&c->frame, "\x1b[0m");
            c->style = CV_ST_NORMAL;
        }
        puts_b(&c->frame, "\x1b[K");
    }
}

/* Renders the model at playhead time now_ns and writes the frame at
 * recording time t if the screen changed.  Returns 0 or -1 (no memory). */
static int frame(caster *c, int64_t now_ns, double t, const char *mode, const char *mark)
{
    cv_view view = {.mark = mark};
    cv_render_opts ro = {.ascii = c->o->ascii, .replay = true, .now_ns = now_ns,
                         .span_ns = c->span_ns, .speed = cv_log_meta_get(c->log)->speed,
                         .mode = mode, .args = cv_log_meta_get(c->log)->args,
                         .total = cv_log_count(c->log), .paused = mark != NULL, .view = &view};
    cv_render(&c->cur, &c->model, &ro);
    c->frame.n = 0;
    /* Every frame starts with the attributes reset (the last one ended
     * so, and the first resets them). */
    c->style = CV_ST_NORMAL;
    if (!c->drawn) /* hide the cursor, reset, home, clear: the screen is ours */
        puts_b(&c->frame, "\x1b[?25l\x1b[0m\x1b[H\x1b[2J");
    for (int y = 0; y < c->cur.rows; y++)
        diff_row(c, y);
    if (c->frame.oom)
        return -1;
    if (c->frame.n == 0)
        return 0; /* nothing moved */
    if (c->style != CV_ST_NORMAL)
        puts_b(&c->frame, "\x1b[0m");
    fprintf(c->out, "[%.6f, \"o\", \"", t);
    json_text(c->out, c->frame.p, c->frame.n);
    fputs("\"]\n", c->out);
    c->drawn = true;
    cv_canvas tmp = c->prev;
    c->prev = c->cur, c->cur = tmp;
    return c->frame.oom ? -1 : 0;
}

static double cast_time(const caster *c, double log_ns)
{
    return log_ns * c->log_to_cast + c->offset;
}

static void header(caster *c, double duration)
{
    const cv_log_meta *meta = cv_log_meta_get(c->log);
    fprintf(c->out, "{\"version\": 2, \"width\": %d, \"height\": %d, \"timestamp\": %lld, "
                    "\"duration\": %.6f, \"title\": \"",
            c->o->cols, c->o->rows, (long long)(meta->wall_start_ns / 1000000000), duration);
    char title[320];
    int n = snprintf(title, sizeof title, "concviz %s%s%s", meta->scenario,
                     meta->args[0] ? " " : "", meta->args);
    json_text(c->out, title, n < 0 ? 0 : (size_t)n < sizeof title ? (size_t)n : sizeof title - 1);
    fputs("\", \"env\": {\"TERM\": \"xterm-256color\"}, \"theme\": {", c->out);
    fprintf(c->out, "\"fg\": \"%s\", \"bg\": \"%s\", \"palette\": \"",
            cv_theme__hex(c->o->theme, CV_COL_DEFAULT, true),
            cv_theme__hex(c->o->theme, CV_COL_DEFAULT, false));
    /* Sixteen colours, the bright ones as the plain: a player that shows
     * bold as bright then keeps the theme's colours. */
    for (int i = 0; i < 16; i++)
        fprintf(c->out, "%s%s", i ? ":" : "", cv_theme__hex(c->o->theme, (short)(i % 8), true));
    fputs("\"}}\n", c->out);
}

/* Where a mark puts the playhead: after its event, within the log. */
static size_t mark_pos(const cv_log *log, const cv_mark *m)
{
    size_t count = cv_log_count(log);
    return m->event + 1 < count ? (size_t)m->event + 1 : count;
}

static int play(caster *c, const cv_marks *marks)
{
    size_t count = cv_log_count(c->log);
    /* The grid, in the log's nanoseconds. */
    double step = 1.0 / (c->o->fps * c->log_to_cast);
    char play_mode[32];
    snprintf(play_mode, sizeof play_mode, "PLAY %g%s", c->o->speed, c->o->ascii ? "x" : "\xc3\x97");
    size_t mi = 0;
    for (uint64_t k = 0;;) {
        double g = (double)k * step;
        bool grid_done = g >= (double)c->end_ns;
        if (mi < marks->n) {
            const cv_mark *m = &marks->at[mi];
            size_t pos = mark_pos(c->log, m);
            int64_t tm = cv_log_at(c->log, pos - 1)->t_ns;
            if (grid_done || (double)tm <= g) {
                if (pos > c->model.upto && cv_model_advance(&c->model, pos) != 0)
                    return -1;
                double t = cast_time(c, (double)tm);
                if (frame(c, tm, t, "PAUSED", m->text) != 0)
                    return -1;
                fprintf(c->out, "[%.6f, \"m\", \"", t);
                json_text(c->out, m->text, strlen(m->text));
                fputs("\"]\n", c->out);
                c->offset += c->o->pause;
                mi++;
                continue;
            }
        }
        if (grid_done)
            break;
        int64_t now = (int64_t)g;
        if (cv_model_advance(&c->model, cv_log_index_at(c->log, count, now)) != 0 ||
            frame(c, now, cast_time(c, g), play_mode, NULL) != 0)
            return -1;
        k++;
    }
    if (cv_model_advance(&c->model, count) != 0)
        return -1;
    return frame(c, c->end_ns, cast_time(c, (double)c->end_ns), "END", NULL);
}

/* The trace read whole, its bookmarks joined to the sidecar's. */
static cv_log *read_trace(const char *in, cv_marks *marks, char *err, size_t errlen)
{
    cv_log *log = cv_log_create();
    if (log == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    char msg[512];
    cv_trace_reader *r = cv_trace_reader_open(in, msg, sizeof msg);
    int st = r ? cv_trace_reader_next(r, log, 0, msg, sizeof msg) : CV_TRACE_ERROR;
    if (r != NULL) {
        const cv_marks *inside = cv_trace_reader_marks(r);
        for (size_t i = 0; i < inside->n; i++)
            if (cv_marks_find(marks, inside->at[i].event) < 0)
                cv_marks_add(marks, inside->at[i].event, inside->at[i].demo_s, inside->at[i].text);
        cv_trace_reader_close(r);
    }
    cv_log_close(log);
    if (st == CV_TRACE_ERROR || cv_log_count(log) == 0) {
        snprintf(err, errlen, "%s", st == CV_TRACE_ERROR ? msg : "the trace is empty");
        cv_log_destroy(log);
        return NULL;
    }
    return log;
}

int cv_export_cast(const char *in, const cv_marks *sidecar, const char *out,
                   const cv_cast_opts *o, char *err, size_t errlen)
{
    if (o->cols < 1 || o->rows < 1 || o->cols > 4000 || o->rows > 2000 || !(o->speed > 0) ||
        !(o->pause >= 0) || !(o->fps > 0)) {
        snprintf(err, errlen, "bad recording options");
        return CV_EINVAL;
    }
    cv_marks marks = {0};
    if (sidecar != NULL)
        marks = *sidecar;
    cv_log *log = read_trace(in, &marks, err, errlen);
    if (log == NULL)
        return CV_EINVAL;
    caster c = {.log = log, .o = o};
    size_t count = cv_log_count(log);
    c.end_ns = cv_log_at(log, count - 1)->t_ns;
    c.span_ns = cv_nice_span(c.end_ns > 0 ? c.end_ns : 1);
    double run_speed = cv_log_meta_get(log)->speed;
    c.log_to_cast = (run_speed > 0 ? run_speed : 1.0) / o->speed / 1e9;
    make_sgr(&c);
    int rc = CV_ENOMEM;
    snprintf(err, errlen, "out of memory");
    bool canvases = cv_model_init(&c.model, log) == 0 &&
                    cv_canvas_init(&c.cur, o->cols, o->rows, o->ascii) == 0 &&
                    cv_canvas_init(&c.prev, o->cols, o->rows, o->ascii) == 0;
    cv_atomic_file af;
    if (canvases && (rc = cv_atomic_file_open(&af, out, err, errlen)) == 0) {
        c.out = af.fp;
        header(&c, cast_time(&c, (double)c.end_ns) + (double)marks.n * o->pause);
        if (play(&c, &marks) != 0) {
            cv_atomic_file_abort(&af);
            snprintf(err, errlen, "out of memory");
            rc = CV_ENOMEM;
        } else {
            rc = cv_atomic_file_commit(&af, err, errlen);
        }
    }
    free(c.frame.p);
    cv_canvas_free(&c.cur);
    cv_canvas_free(&c.prev);
    cv_model_free(&c.model);
    cv_log_destroy(log);
    return rc;
}
