/*
 * Headless mode (see headless.h): follow the log as the drainer fills it
 * and print what the Python scripts would print.
 */
#include "headless.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "trace.h"

/* The next character of s as bytes safe for a terminal, into out (1 to 4
 * bytes; s advances).  A trace is input from anywhere, and its text goes to
 * a terminal as it is: an ESC or OSC sequence in a log line would move the
 * cursor, retitle the window or worse.  Control characters (C0 but the tab,
 * DEL, C1) and bytes that are not UTF-8 become '?'. */
static size_t clean_next(const char **s, char out[4])
{
    const unsigned char *p = (const unsigned char *)*s;
    size_t more = p[0] < 0x80 ? 0 : (p[0] & 0xe0) == 0xc0 ? 1 : (p[0] & 0xf0) == 0xe0 ? 2
                : (p[0] & 0xf8) == 0xf0 ? 3 : 4;
    uint32_t cp = more == 0 ? p[0] : more == 1 ? p[0] & 0x1fu : more == 2 ? p[0] & 0x0fu : p[0] & 0x07u;
    size_t i = 1;
    for (; more < 4 && i <= more && (p[i] & 0xc0) == 0x80; i++)
        cp = (cp << 6) | (p[i] & 0x3fu);
    if (more == 4 || i <= more) { /* a stray byte, or a sequence cut short */
        *s += i;
        out[0] = '?';
        return 1;
    }
    *s += i;
    if ((cp < 0x20 && cp != '\t') || (cp >= 0x7f && cp < 0xa0)) {
        out[0] = '?';
        return 1;
    }
    memcpy(out, p, i);
    return i;
}

static void put_clean(FILE *out, const char *s)
{
    char c[4];
    while (*s != '\0')
        fwrite(c, 1, clean_next(&s, c), out);
}

/* Copies s into dst (of cap bytes, NUL-terminated), made safe as above;
 * only whole characters. */
static void copy_clean(char *dst, size_t cap, const char *s)
{
    size_t len = 0;
    char c[4];
    while (*s != '\0') {
        size_t n = clean_next(&s, c);
        if (len + n >= cap)
            break;
        memcpy(dst + len, c, n);
        len += n;
    }
    dst[len] = '\0';
}

/* Formats the stamp for an event at t_ns into buf: "[21:20:24.123] ". */
static void format_stamp(const cv_log *log, int64_t t_ns, char *buf, size_t len)
{
    /* Seconds and nanoseconds apart: a trace's start and times are both
     * within range, but their sum in ns need not be. */
    int64_t start = cv_log_meta_get(log)->wall_start_ns;
    int64_t ns = start % 1000000000 + t_ns % 1000000000;
    time_t secs = (time_t)(start / 1000000000 + t_ns / 1000000000 + ns / 1000000000);
    ns %= 1000000000;
    struct tm tm;
    if (localtime_r(&secs, &tm) == NULL)
        memset(&tm, 0, sizeof tm);
    snprintf(buf, len, "[%02d:%02d:%02d.%03d] ", tm.tm_hour, tm.tm_min, tm.tm_sec,
             (int)(ns / 1000000));
}

/* Spinner frames (CV_EV_FRAME) are shown as the Python scripts show them
 * on a terminal: one line redrawn in place after '\r', cleared by the
 * empty frame.  Console lines clear it first and redraw it after, so they
 * are never mixed with it.  Into a file, redraws would only be noise: each
 * side's spinning is summed up in one line when its empty frame comes. */
typedef struct printer {
    FILE *out;
    bool tty;
    bool spinning[CV_SIDE_COUNT];
    char glyph[CV_SIDE_COUNT][8];
    unsigned long frames[CV_SIDE_COUNT];
    int shown; /* width of the spinner line on screen, 0 if none */
} printer;

static void clear_spinner_line(printer *p)
{
    if (p->shown > 0)
        fprintf(p->out, "\r%*s\r", p->shown, "");
    p->shown = 0;
}

/* "\r| thinking!", or both sides in a row when both spin. */
static void draw_spinner_line(printer *p)
{
    int active = 0;
    for (int s = 0; s < CV_SIDE_COUNT; s++)
        active += p->spinning[s];
    char line[128] = "";
    size_t len = 0;
    for (int s = 0; s < CV_SIDE_COUNT && len < sizeof line; s++) {
        if (!p->spinning[s])
            continue;
        int n = active > 1 ? snprintf(line + len, sizeof line - len, "%s%s thinking! (%s)",
                                      len > 0 ? "   " : "", p->glyph[s], cv_side_name((unsigned)s))
                           : snprintf(line + len, sizeof line - len, "%s thinking!", p->glyph[s]);
        len += n > 0 ? (size_t)n : 0;
    }
    if (len >= sizeof line)
        len = sizeof line - 1;
    if (len == 0) {
        clear_spinner_line(p);
        return;
    }
    int pad = p->shown > (int)len ? p->shown - (int)len : 0;
    fprintf(p->out, "\r%s%*s", line, pad, "");
    p->shown = (int)len + pad;
}

static void print_frame(printer *p, const cv_log *log, const cv_event *ev)
{
    unsigned s = ev->side < CV_SIDE_COUNT ? ev->side : CV_SIDE_NONE;
    if (ev->text != NULL && ev->text[0] != '\0') {
        p->spinning[s] = true;
        copy_clean(p->glyph[s], sizeof p->glyph[s], ev->text);
        p->frames[s]++;
    } else {
        p->spinning[s] = false;
        if (!p->tty) {
            char stamp[32];
            format_stamp(log, ev->t_ns, stamp, sizeof stamp);
            fprintf(p->out, "%s(%s side drew %lu frame%s)\n", stamp, cv_side_name(s),
                    p->frames[s], p->frames[s] == 1 ? "" : "s");
        }
        p->frames[s] = 0;
    }
    if (p->tty)
        draw_spinner_line(p);
}

/* Emits events [from, to). */
static int emit(printer *p, cv_log *log, size_t from, size_t to, FILE *trace,
                cv_trace_labels *labels)
{
    for (size_t i = from; i < to; i++) {
        const cv_event *ev = cv_log_at(log, i);
        if (ev->kind == CV_EV_LOG) {
            char stamp[32];
            format_stamp(log, ev->t_ns, stamp, sizeof stamp);
            bool redraw = p->shown > 0;
            clear_spinner_line(p);
            fputs(stamp, p->out);
            put_clean(p->out, ev->text ? ev->text : "");
            fputc('\n', p->out);
            if (redraw)
                draw_spinner_line(p);
        } else if (ev->kind == CV_EV_FRAME) {
            print_frame(p, log, ev);
        } else if (ev->kind == CV_EV_MARK && ev->code == CV_MARK_USER_STOP) {
            /* The console tells why the output ends early. */
            char stamp[32];
            format_stamp(log, ev->t_ns, stamp, sizeof stamp);
            clear_spinner_line(p);
            fprintf(p->out, "%s(stopped by the user)\n", stamp);
        }
    }
    fflush(p->out);
    /* The trace gets the same events as a batch, which it writes faster
     * than line by line. */
    if (trace != NULL && cv_trace_write_range(trace, log, from, to, labels) != 0)
        return CV_EIO;
    return 0;
}

void cv_headless_print_log(cv_log *log, FILE *out)
{
    printer p = {.out = out, .tty = isatty(fileno(out)) == 1};
    emit(&p, log, 0, cv_log_count(log), NULL, NULL);
    clear_spinner_line(&p);
    fflush(out);
}

int cv_headless_follow(cv_run *run, FILE *out, FILE *trace, volatile sig_atomic_t *interrupt)
{
    cv_trace_labels *labels = cv_trace_labels_create();
    printer p = {.out = out, .tty = isatty(fileno(out)) == 1};
    size_t done = 0;
    int trace_rc = 0;
    bool asked = false;
    while (!cv_run_finished(run)) {
        size_t n = cv_log_wait(run->log, done, 0.1);
        if (trace_rc == 0)
            trace_rc = emit(&p, run->log, done, n, trace, labels);
        done = n;
        if (interrupt != NULL && *interrupt && !asked) {
            cv_run_request_stop(run);
            asked = true;
        }
    }
    int status = cv_run_join(run);
    size_t n = cv_log_count(run->log);
    if (trace_rc == 0)
        trace_rc = emit(&p, run->log, done, n, trace, labels);
    /* A run stopped early may leave a spinner on screen. */
    clear_spinner_line(&p);
    fflush(out);
    cv_trace_labels_destroy(labels);
    return trace_rc != 0 ? CV_EIO : status;
}
