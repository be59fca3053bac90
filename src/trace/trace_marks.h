/*
 * Bookmarks a lecturer puts on a run: an event number, the demo time of
 * that event, and a short text.  They live in a sidecar file (--marks
 * FILE), one mark a line, so that a trace on disk is never rewritten:
 *
 *     # concviz marks: EVENT<TAB>DEMO-SECONDS<TAB>TEXT
 *     120	1.500	the pool is full
 *
 * Lines starting with '#' and empty lines are skipped.  A replay places
 * a mark by its event number; a live run, whose event numbers differ
 * from run to run, places it by demo time.  The file is written whole
 * or not at all (atomic_file), and a reader refuses a bad line, naming
 * its number.  A live run with --trace also writes its marks into the
 * trace, as bookmark lines after the last event (cv_marks_write_trace).
 */
#ifndef CV_TRACE_MARKS_H
#define CV_TRACE_MARKS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CV_MARKS_MAX 64
#define CV_MARK_TEXT 48

typedef struct cv_mark {
    uint64_t event;        /* the event the playhead showed last (seq) */
    double demo_s;         /* that event's time, in demo seconds */
    char text[CV_MARK_TEXT];
} cv_mark;

/* Kept sorted by event number (equal events: the newer mark wins). */
typedef struct cv_marks {
    cv_mark at[CV_MARKS_MAX];
    size_t n;
} cv_marks;

/* Adds a mark (text cut to fit, tabs and newlines made spaces); replaces
 * the text of a mark on the same event.  Returns its index, or -1 when
 * the list is full. */
int cv_marks_add(cv_marks *ms, uint64_t event, double demo_s, const char *text);
/* The index of the mark on `event`, or -1. */
int cv_marks_find(const cv_marks *ms, uint64_t event);

/* Reads FILE into ms.  A file that does not exist gives no marks (0).
 * Otherwise 0, or CV_EIO / CV_EINVAL with "FILE:LINE: what" in err. */
int cv_marks_load(cv_marks *ms, const char *path, char *err, size_t errlen);
/* Parses one line (no newline); 0 or CV_EINVAL with what is wrong. */
int cv_marks_parse_line(cv_mark *m, const char *line, char *err, size_t errlen);
/* Writes the marks as a trace's last lines, one a line:
 *     {"bookmark":120,"demo_t":1.500,"text":"the pool is full"}
 * (the trace reader collects them; see trace.h).  0, or -1 on a write error. */
int cv_marks_write_trace(FILE *out, const cv_marks *ms);
/* Writes all marks to FILE, whole or not at all.  0 or CV_EIO with a message. */
int cv_marks_save(const cv_marks *ms, const char *path, char *err, size_t errlen);

#endif
