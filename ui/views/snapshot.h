/*
 * Screenshots: a screen rendered to a file without a terminal, for the
 * README, for `--screenshot` and for the golden screen tests.
 */
#ifndef CV_UI_SNAPSHOT_H
#define CV_UI_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>

#include "log.h"

/* Renders the screen as it would look with the playhead at `at_s` seconds
 * into `log`, at cols x rows, to path (.txt plain, .svg with colours).
 * Returns 0, or -1 with a one-line message in err. */
int cv_ui_screenshot(const cv_log *log, double at_s, int cols, int rows, bool ascii,
                     const char *path, char *err, size_t errlen);

/* The same in a theme (enum cv_theme_id); without `color` the SVG is
 * monochrome: the page's own two colours, the states told apart by glyph
 * and by bold, underline and reverse, as on a terminal without colours;
 * `present`: in presenter mode (--present); `source`: with the source
 * pane (--source, on by default in presenter mode). */
int cv_ui_screenshot_themed(const cv_log *log, double at_s, int cols, int rows, bool ascii,
                            int theme, bool color, bool present, bool source, const char *path,
                            char *err,
                            size_t errlen);

#endif
