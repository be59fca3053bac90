/*
 * The fuzz target: one input is a trace file.  The reader must refuse it
 * with a message or accept it; an accepted trace then goes where replay
 * takes it: the model forward to the end and back (checkpoints restored,
 * futures made since forgotten), a render of the whole screen at both ends
 * and in between at a large and a tiny size, and the headless printer.
 * Nothing may crash, leak, hang or print a control byte, and the reader
 * in batches from tiny blocks must agree with the whole read.  Built two ways
 * (tests/fuzz/CMakeLists.txt): under libFuzzer when clang is there, and
 * into fuzz_regressions, which the normal suite runs over the seeds and
 * every input a fuzzing run ever found (tests/fuzz/regressions).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "canvas.h"
#include "headless.h"
#include "log.h"
#include "model.h"
#include "render.h"
#include "trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void render_at(const cv_model *m, const cv_log *log, int cols, int rows, bool ascii)
{
    cv_canvas c;
    if (cv_canvas_init(&c, cols, rows, ascii) != 0)
        return;
    size_t count = cv_log_count(log);
    int64_t end = count ? cv_log_at(log, count - 1)->t_ns : 0;
    cv_render_opts o = {.ascii = ascii, .replay = true, .now_ns = m->t_last,
                        .span_ns = cv_nice_span(end > 0 ? end : 1),
                        .speed = cv_log_meta_get(log)->speed, .mode = "REPLAY PAUSED",
                        .args = cv_log_meta_get(log)->args, .total = count};
    cv_render(&c, m, &o);
    o.help = true;
    cv_render(&c, m, &o);
    cv_canvas_free(&c);
}

/* The headless printer's output (into a file: no spinner redraws) may hold
 * newlines and tabs, and no other control byte: C0, DEL or C1 (U+0080 to
 * U+009F, C2 80 to C2 9F in UTF-8). */
static void print_headless(cv_log *log)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (out == NULL)
        return;
    cv_headless_print_log(log, out);
    fclose(out);
    for (size_t i = 0; i < len; i++) {
        unsigned char b = (unsigned char)text[i];
        if ((b < 0x20 && b != '\n' && b != '\t') || b == 0x7f ||
            (b == 0xc2 && i + 1 < len && (unsigned char)text[i + 1] >= 0x80 &&
             (unsigned char)text[i + 1] < 0xa0)) {
            fprintf(stderr, "fuzz_replay: control byte 0x%02x printed at %zu\n", b, i);
            abort();
        }
    }
    free(text);
}

static void replay(cv_log *log)
{
    size_t n = cv_log_count(log);
    cv_model m;
    cv_model_init(&m, log);
    if (cv_model_advance(&m, n) == 0)
        render_at(&m, log, 200, 60, false);
    /* Back and forth, as the arrow keys and Home/End go. */
    const size_t stops[] = {n / 2, n > 0 ? n - 1 : 0, 0, n / 3, n, 1, n};
    for (size_t i = 0; i < sizeof stops / sizeof stops[0]; i++) {
        if (stops[i] > n || cv_model_seek(&m, stops[i]) != 0)
            continue;
        render_at(&m, log, i % 2 ? 20 : 200, i % 2 ? 5 : 60, i % 2);
    }
    cv_model_free(&m);
    print_headless(log);
}

/* The same file read again in batches, from tiny blocks whose size
 * depends on the input (so lines and escapes split at every place), must
 * give the same outcome, message and events as the whole read. */
static void read_in_batches(const char *path, size_t size, int rc, bool warned, const char *err,
                            const cv_log *whole)
{
    char err2[256] = "";
    cv_log *log = cv_log_create();
    cv_trace_reader *r = log != NULL ? cv_trace_reader_open(path, err2, sizeof err2) : NULL;
    if (r == NULL) {
        cv_log_destroy(log);
        return;
    }
    cv_trace__reader_set_block(r, 2 + size % 61);
    int status;
    while ((status = cv_trace_reader_next(r, log, 1 + size % 5, err2, sizeof err2)) ==
           CV_TRACE_MORE)
        ;
    cv_trace_reader_close(r);
    cv_log_close(log);
    bool same = (status == CV_TRACE_ERROR) == (rc != 0) &&
                (status == CV_TRACE_TRUNCATED) == warned &&
                (status == CV_TRACE_END || strcmp(err, err2) == 0) &&
                cv_log_count(log) == cv_log_count(whole);
    for (size_t i = 0; same && i < cv_log_count(log); i++) {
        const cv_event *a = cv_log_at(whole, i), *b = cv_log_at(log, i);
        same = a->kind == b->kind && a->state == b->state && a->t_ns == b->t_ns &&
               a->id == b->id && a->ref == b->ref && a->code == b->code && a->lane == b->lane &&
               (a->text == NULL) == (b->text == NULL) &&
               (a->text == NULL || strcmp(a->text, b->text) == 0);
    }
    if (!same) {
        fprintf(stderr, "fuzz_replay: batches differ from the whole read: '%s' / '%s'\n", err,
                err2);
        abort();
    }
    cv_log_destroy(log);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The reader takes a path: a memory file has one, without a disk. */
    int fd = memfd_create("trace", MFD_CLOEXEC);
    if (fd < 0)
        return 0;
    for (size_t off = 0; off < size;) {
        ssize_t w = write(fd, data + off, size - off);
        if (w <= 0) {
            close(fd);
            return 0;
        }
        off += (size_t)w;
    }
    char path[64], err[256] = "";
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    cv_log *log = cv_log_create();
    bool warned = false;
    if (log != NULL) {
        int rc = cv_trace_read(path, log, &warned, err, sizeof err);
        /* A refusal is one line that names what is wrong. */
        if ((rc != 0 || warned) && (err[0] == '\0' || strchr(err, '\n') != NULL))
            abort();
        read_in_batches(path, size, rc, warned, err, log);
        if (rc == 0)
            replay(log);
        if (getenv("CV_FUZZ_VERBOSE") != NULL)
            fprintf(stderr, "%zu bytes: %s\n", size, rc == 0 ? "replayed" : err);
        cv_log_destroy(log);
    }
    close(fd);
    return 0;
}
