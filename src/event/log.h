/*
 * The event log: the truth every view reads.  It is append-only with one
 * writer (the bus's drainer, or the trace reader for a replay) and any number
 * of readers that never take a lock: events live in fixed chunks that never
 * move, and a reader may look at any index below cv_log_count().  A view is
 * a function of a prefix of this log, so stepping back is only reading less.
 */
#ifndef CV_LOG_H
#define CV_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "event.h"

typedef struct cv_log cv_log;

/* What a run was: the header event (seq 0) carries it in traces. */
typedef struct cv_log_meta {
    char scenario[32];
    char args[256];       /* the scenario's options as given, for people */
    int64_t wall_start_ns; /* CLOCK_REALTIME when the run started */
    double speed;          /* the --speed the scenario ran at */
} cv_log_meta;

/* The fastest speed a run may have: the CLI's bound on --speed, and the
 * trace reader's on a header's (the UI divides demo time by it, and a
 * speed of 1e300 once made the time axis step by nothing). */
#define CV_MAX_SPEED 1000

cv_log *cv_log_create(void);
void cv_log_destroy(cv_log *log);

void cv_log_set_meta(cv_log *log, const cv_log_meta *meta);
const cv_log_meta *cv_log_meta_get(const cv_log *log);

/* Appends a copy of *ev, taking ownership of ev->text (which it copies
 * into its own blocks and frees at once); assigns ev->seq.
 * t_ns is clamped so that time never runs backwards in the log.  Only one
 * thread may append.  Returns 0, or CV_ENOMEM (the text is freed; a
 * refused DROP event's count still goes into cv_log_dropped, and the bus
 * reports other refused events in its next DROP). */
int cv_log_append(cv_log *log, const cv_event *ev);
/* Tells waiters that a batch of appends is complete. */
void cv_log_publish(cv_log *log);

/* The number of events readers may look at (acquire). */
size_t cv_log_count(const cv_log *log);
/* The event at index i < cv_log_count(). */
const cv_event *cv_log_at(const cv_log *log, size_t i);

/* No more events will come (the run ended).  Wakes waiters. */
void cv_log_close(cv_log *log);
bool cv_log_closed(const cv_log *log);

/* Blocks until the log has more than `known` events, is closed, or
 * timeout_s passes (negative: no timeout).  Returns the count. */
size_t cv_log_wait(cv_log *log, size_t known, double timeout_s);

/* A function called (from the appending thread) after each published batch
 * and on close, so that a UI can wake its input loop.  NULL to remove; once
 * that returns, the old function is not running and will not run again.
 * It runs under the log's lock: it must be quick and must not call into
 * the log. */
void cv_log_set_waker(cv_log *log, void (*fn)(void *), void *arg);

/* Total events lost: dropped by full rings in lossy mode or refused by
 * the log, as recorded by DROP events (or by a DROP the log refused). */
uint64_t cv_log_dropped(const cv_log *log);

#endif
