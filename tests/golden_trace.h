/*
 * The recorded traces of tests/golden/traces, read into a log for the
 * render tests (include after cmocka.h).  A trace that does not read fails
 * the test with the reader's message.
 */
#ifndef CV_TEST_GOLDEN_TRACE_H
#define CV_TEST_GOLDEN_TRACE_H

#include <stdbool.h>
#include <stdio.h>

#include "log.h"
#include "trace.h"

#define TRACES CV_SOURCE_DIR "/tests/golden/traces/"

static inline cv_log *trace_log(const char *name)
{
    char path[512], err[256];
    bool warned = false;
    snprintf(path, sizeof path, "%s%s.jsonl", TRACES, name);
    cv_log *log = cv_log_create();
    assert_non_null(log);
    if (cv_trace_read(path, log, &warned, err, sizeof err) != 0)
        fail_msg("%s: %s", path, err);
    return log;
}

#endif
