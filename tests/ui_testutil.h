/* Helpers the UI tests share: render a log at a playhead as text, the
 * caption of one event, and a check that a screen is pure ASCII.  Include
 * after cmocka.h. */
#ifndef CV_UI_TESTUTIL_H
#define CV_UI_TESTUTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "canvas.h"
#include "caption.h"
#include "model.h"
#include "render.h"

/* Renders the model on a fresh cols x rows canvas with the options o;
 * returns the screen as text (free it). */
static inline char *render_text(const cv_model *m, int cols, int rows, bool ascii,
                                const cv_render_opts *o)
{
    cv_canvas c;
    assert_int_equal(cv_canvas_init(&c, cols, rows, ascii), 0);
    cv_render(&c, m, o);
    char *text = cv_canvas_dump(&c);
    assert_non_null(text);
    cv_canvas_free(&c);
    return text;
}

/* Renders the log with the playhead at t seconds; returns the screen as
 * text (free it). */
static inline char *render_at(const cv_log *log, double t, int cols, int rows, bool ascii)
{
    cv_model m;
    cv_model_init(&m, log);
    size_t count = cv_log_count(log);
    int64_t at = (int64_t)(t * 1e9);
    assert_int_equal(cv_model_advance(&m, cv_log_index_at(log, count, at)), 0);
    int64_t end = cv_log_at(log, count - 1)->t_ns;
    cv_render_opts o = {.ascii = ascii, .now_ns = at, .span_ns = cv_nice_span(end),
                        .speed = cv_log_meta_get(log)->speed, .mode = "PAUSED",
                        .total = count};
    char *text = render_text(&m, cols, rows, ascii, &o);
    cv_model_free(&m);
    return text;
}

/* The caption the UI shows after stepping onto event `index`. */
static inline void caption_at(const cv_log *log, size_t index, char *buf, size_t len)
{
    cv_model m;
    cv_model_init(&m, log);
    assert_int_equal(cv_model_advance(&m, index + 1), 0);
    cv_caption(&m, index, buf, len);
    cv_model_free(&m);
}

static inline void assert_ascii(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p >= 0x80)
            fail_msg("non-ASCII byte 0x%02x at offset %td", *p, (const char *)p - s);
}

#endif
