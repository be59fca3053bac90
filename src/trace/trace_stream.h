/*
 * The events of a live program (concviz run): trace lines that the
 * program's processes write into a FIFO, read as they arrive and appended
 * to a log.  See docs/run-probe-contract.md for what a line holds.
 */
#ifndef CV_TRACE_STREAM_H
#define CV_TRACE_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "log.h"

typedef struct cv_trace_stream cv_trace_stream;

/* How many refused lines get a console line saying why; the rest are
 * only counted (a program that writes garbage in a loop must not bury its
 * own output). */
#define CV_TRACE_STREAM_SAY 5

/* A stream reading fd (non-blocking, owned by the caller) into `log`, whose
 * only writer it becomes.  root_pid is the process whose lane 0 is global
 * lane 0 (the program concviz spawned).  NULL without memory. */
cv_trace_stream *cv_trace_stream_create(int fd, pid_t root_pid, cv_log *log);
void cv_trace_stream_destroy(cv_trace_stream *s);

/* Reads what fd holds now (until it would block, or `budget` bytes) and
 * appends every whole line as an event, then publishes them.  Returns 1 if
 * it read something, 0 if nothing was there (EAGAIN), -1 at the end of
 * the stream (every writer closed it) or on a read error.  A partial line
 * waits for its end; at the end of the stream it is refused. */
int cv_trace_stream_feed(cv_trace_stream *s, size_t budget);

/* Appends an event of concviz's own (a console line of the program's raw
 * output, the end mark), timed at least as late as the last. */
int cv_trace_stream_append(cv_trace_stream *s, cv_event *ev);

/* The latest time appended, in ns since the run started. */
int64_t cv_trace_stream_last_t(const cv_trace_stream *s);
/* Lines refused so far (malformed, or no room for their lane). */
uint64_t cv_trace_stream_refused(const cv_trace_stream *s);

#endif
