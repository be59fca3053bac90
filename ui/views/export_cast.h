/*
 * A trace as an asciicast v2 recording (asciinema's format): the UI
 * playing the run, as a lecturer would play it, that `asciinema play` and
 * the asciinema web player show on a slide.  The screens are the views'
 * own (the same rendering as --screenshot), written as ANSI text.
 */
#ifndef CV_UI_EXPORT_CAST_H
#define CV_UI_EXPORT_CAST_H

#include <stdbool.h>
#include <stddef.h>

#include "trace_marks.h"

typedef struct cv_cast_opts {
    int cols, rows;  /* the recording's terminal size */
    double speed;    /* recording seconds = demo seconds / speed */
    double pause;    /* seconds each mark holds its frame */
    double fps;      /* the most frames a second of the recording */
    bool ascii;      /* ASCII glyphs only */
    bool color;      /* false: the theme's monochrome attributes */
    int theme;       /* enum cv_theme_id */
} cv_cast_opts;

/* Reads the trace at `in` (the strict reader, as replay and the Perfetto
 * export do) and writes the recording to `out`, whole or not at all.
 * `marks` (or NULL) are the sidecar's bookmarks; the trace's own join
 * them, the sidecar's winning on the same event, as in a replay.
 * Returns 0; CV_EINVAL when the trace is refused; CV_EIO or CV_ENOMEM when
 * out cannot be written.  err holds one line saying why. */
int cv_export_cast(const char *in, const cv_marks *marks, const char *out,
                   const cv_cast_opts *o, char *err, size_t errlen);

#endif
