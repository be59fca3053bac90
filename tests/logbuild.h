/* Building a log by hand, for the UI tests and the frame benchmark: one
 * event appended as the bus would deliver it.  No cmocka here, so that a
 * benchmark can use it too. */
#ifndef CV_LOGBUILD_H
#define CV_LOGBUILD_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

/* Appends one event; its origin is its lane (main when it has none) and
 * its text is copied.  Returns cv_log_append()'s result. */
static inline int log_event(cv_log *log, int64_t t_ns, int kind, int state, uint64_t id,
                            uint64_t ref, int lane, int side, const char *text)
{
    cv_event e = {.t_ns = t_ns, .kind = (uint16_t)kind, .state = (uint16_t)state, .id = id,
                  .ref = ref, .lane = (int16_t)lane, .origin = (int16_t)(lane < 0 ? 0 : lane),
                  .side = (uint16_t)side, .text = text ? strdup(text) : NULL};
    return cv_log_append(log, &e);
}

#endif
