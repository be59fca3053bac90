/*
 * Traces: the event log as JSON Lines, one event per line, so that a run
 * can be replayed, diffed and read by other tools.  The contract (see the
 * README): every line has "seq" (gapless from 0), "t" (seconds since the run
 * started, µs resolution) and "kind"; seq 0 is the header.
 */
#ifndef CV_TRACE_H
#define CV_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "atomic_file.h"
#include "log.h"
#include "trace_marks.h"

/* Writes one event as a JSON line (with its newline).  `labels` resolves
 * future and task ids to labels: pass the same cv_trace_labels for a whole
 * log.  Returns 0 or -1 on a write error. */
typedef struct cv_trace_labels cv_trace_labels;
cv_trace_labels *cv_trace_labels_create(void);
void cv_trace_labels_destroy(cv_trace_labels *labels);
/* Notes labels and lanes from ev; call for every event in order. */
void cv_trace_labels_note(cv_trace_labels *labels, const cv_event *ev);
/* The label of a future or task id, or NULL. */
const char *cv_trace_labels_get(const cv_trace_labels *labels, uint64_t id);
/* Internal to src/trace: gives id the label (a copy), as noting an event
 * that labels id does; the writer knows when without walking the fields. */
void cv_trace_labels__set(cv_trace_labels *labels, uint64_t id, const char *label);

int cv_trace_write_event(FILE *out, const cv_log *log, const cv_event *ev,
                         cv_trace_labels *labels);

/* Writes log events [from, to) to out: the same bytes as event by event,
 * handed to out in batches, which is faster. */
int cv_trace_write_range(FILE *out, const cv_log *log, size_t from, size_t to,
                         cv_trace_labels *labels);

/* A trace file being written (--trace FILE): whole or not at all, as an
 * atomic file, and compressed with zstd (zstd_file.h) when the name ends
 * in ".zst".  Write the lines to fp.  Commit ends the compressed stream
 * before the file gets its name; abort leaves no file.  Both return what
 * cv_atomic_file_commit and _open do, with the same messages. */
typedef struct cv_trace_file {
    FILE *fp; /* where the lines go: the file, or a zstd stream into it */
    cv_atomic_file file;
    char *buf; /* the file's buffer */
} cv_trace_file;
int cv_trace_file_open(cv_trace_file *tf, const char *path, char *err, size_t errlen);
int cv_trace_file_commit(cv_trace_file *tf, char *err, size_t errlen);
void cv_trace_file_abort(cv_trace_file *tf);

/* The longest line the reader takes.  (A header's speed is bounded by
 * CV_MAX_SPEED, log.h.) */
#define CV_TRACE_MAX_LINE (1 << 20)

/* Reads a trace into an empty log (and closes it).  Returns 0; or -1 with
 * a one-line message naming the line number in err.  The reader trusts
 * nothing: a line must be one JSON object and nothing more (strict JSON:
 * every escape decoded, a lone surrogate or \u0000 refused, a key at most
 * once, keys it does not know skipped whatever their value), at most
 * CV_TRACE_MAX_LINE bytes; every number must be in its field's range (and
 * whole where the field is an integer, read exactly, never through a
 * double); the path must be a regular file or a pipe (a directory or a
 * device is named as such).  A truncated last line (no newline, cut inside
 * its object: the writer was killed) is skipped, *warned set true and err
 * says so.  A path ending in ".zst" is read through zstd; data that is
 * not zstd, is corrupt or ends inside a frame is refused with what is
 * wrong.  A loop over the reader below. */
int cv_trace_read(const char *path, cv_log *log, bool *warned, char *err, size_t errlen);

/* The same reading in batches, so that a caller can show the first events
 * of a long trace before the last are read:
 *
 *     cv_trace_reader *r = cv_trace_reader_open(path, err, sizeof err);
 *     while (r && cv_trace_reader_next(r, log, 65536, err, sizeof err) == CV_TRACE_MORE)
 *         ... the log holds more events ...
 *     cv_trace_reader_close(r);
 *     cv_log_close(log);
 */
typedef struct cv_trace_reader cv_trace_reader;

typedef enum cv_trace_status {
    CV_TRACE_ERROR = -1,    /* refused: err says why, naming the line */
    CV_TRACE_END = 0,       /* the whole trace is in the log */
    CV_TRACE_MORE = 1,      /* a batch is in the log; call again for more */
    CV_TRACE_TRUNCATED = 2, /* the end, but the last line was cut short and
                               skipped: err says so (a warning) */
} cv_trace_status;

/* Opens a trace (NULL with a message in err: it cannot be opened, or is a
 * directory or a device). */
cv_trace_reader *cv_trace_reader_open(const char *path, char *err, size_t errlen);
/* Appends up to max_events events (0: all that are left) to log, the
 * same log on every call, and publishes them (cv_log_publish).  Returns a
 * cv_trace_status; once it is not CV_TRACE_MORE, every later call returns
 * the same again (with the same message).  The log is never closed here:
 * the caller closes it when it stops reading.  The events before a refused
 * line stay in the log. */
int cv_trace_reader_next(cv_trace_reader *r, cv_log *log, size_t max_events, char *err,
                         size_t errlen);
void cv_trace_reader_close(cv_trace_reader *r);
/* The bookmarks read so far: lines {"bookmark": EVENT, "demo_t": SECONDS,
 * "text": TEXT} after the last event (trace_marks.h).  A trace without
 * them has none; an event line after one is refused. */
const cv_marks *cv_trace_reader_marks(const cv_trace_reader *r);

/* The rest of a trace read by a thread of its own (trace_loader.c), so
 * that a replay can open after the first batch: the loader owns the reader
 * and is the log's only writer from now on; it closes the log when it
 * stops.  NULL without memory or a thread. */
typedef struct cv_trace_loader cv_trace_loader;
cv_trace_loader *cv_trace_loader_start(cv_trace_reader *reader, cv_log *log);
/* CV_TRACE_MORE while it reads, then how the reading ended (with the
 * message of a refusal or a truncated last line in msg). */
int cv_trace_loader_status(cv_trace_loader *l, char *msg, size_t msglen);
/* The trace's bookmarks once the loader has stopped (its status is no
 * longer CV_TRACE_MORE); NULL before. */
const cv_marks *cv_trace_loader_marks(cv_trace_loader *l);
/* Asks the loader to stop after its batch, waits up to timeout_s for it,
 * frees it and the reader, and returns how the reading ended (a stop
 * asked for counts as the end).  If the thread does not stop in time (a
 * read of a pipe that sends nothing), returns CV_TRACE_MORE and keeps the
 * loader, which still writes the log: call it again to wait longer, or
 * leave the thread, the reader and the log to the process's exit (and do
 * not destroy the log). */
int cv_trace_loader_finish(cv_trace_loader *l, double timeout_s, char *msg, size_t msglen);

/* Internal to src/trace, for trace_stream.c: a reader of lines sent by a
 * live program, with no file: no "seq" (the caller numbers the lines),
 * each line with its "pid", never a header or a bookmark.  Parse a line
 * (NUL at line[len], CV_TJSON_PAD - 1 readable bytes after it) into *ev
 * and *pid: 0, or -1 with why in err (the line is refused, nothing kept). */
cv_trace_reader *cv_trace__reader_stream(void);
int cv_trace__parse_stream_line(cv_trace_reader *r, cv_log *log, char *line, size_t len,
                                cv_event *ev, int64_t *pid, char *err, size_t errlen);

/* For tests: the first block the reader reads (default 256 KiB), before
 * its first cv_trace_reader_next.  A block smaller than a line grows, up
 * to the line cap. */
void cv_trace__reader_set_block(cv_trace_reader *r, size_t bytes);

#endif
