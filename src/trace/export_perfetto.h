/*
 * A trace as Chrome's Trace Event Format (JSON), which ui.perfetto.dev
 * and chrome://tracing open: one track per lane named as the UI names it,
 * futures and task steps as slices on the lane that ran them, waits and
 * GIL waits as slices on the waiting lane, console lines and marks as
 * instants, and a flow per future from its submission through its start
 * to the taking of its result.
 */
#ifndef CV_EXPORT_PERFETTO_H
#define CV_EXPORT_PERFETTO_H

#include <stddef.h>

/* Reads the trace at in (with the strict reader) and writes out, whole or
 * not at all.  0; CV_EINVAL when the trace is refused; CV_EIO or CV_ENOMEM
 * when out cannot be written.  err holds one line saying why. */
int cv_export_perfetto(const char *in, const char *out, char *err, size_t errlen);

#endif
