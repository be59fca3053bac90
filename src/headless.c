#include "headless.h"

#include <time.h>

#include "trace.h"

void cv_headless_stamp(const cv_log *log, int64_t t_ns, char *buf, size_t len)
{
    int64_t wall = cv_log_meta_get(log)->wall_start_ns + t_ns;
    time_t secs = (time_t)(wall / 1000000000);
    struct tm tm;
    localtime_r(&secs, &tm);
    snprintf(buf, len, "[%02d:%02d:%02d.%03d] ", tm.tm_hour, tm.tm_min, tm.tm_sec,
             (int)(wall % 1000000000 / 1000000));
}

/* Emits events [from, to). */
static int emit(cv_log *log, size_t from, size_t to, FILE *out, FILE *trace,
                cv_trace_labels *labels)
{
    for (size_t i = from; i < to; i++) {
        const cv_event *ev = cv_log_at(log, i);
        if (ev->kind == CV_EV_LOG) {
            char stamp[32];
            cv_headless_stamp(log, ev->t_ns, stamp, sizeof stamp);
            fprintf(out, "%s%s\n", stamp, ev->text ? ev->text : "");
        }
        if (trace != NULL && cv_trace_write_event(trace, log, ev, labels) != 0)
            return -1;
    }
    fflush(out);
    return 0;
}

int cv_headless_follow(cv_run *run, FILE *out, FILE *trace, volatile sig_atomic_t *interrupt)
{
    cv_trace_labels *labels = cv_trace_labels_create();
    size_t done = 0;
    int trace_rc = 0;
    bool asked = false;
    while (!cv_run_finished(run)) {
        size_t n = cv_log_wait(run->log, done, 0.1);
        if (trace_rc == 0)
            trace_rc = emit(run->log, done, n, out, trace, labels);
        done = n;
        if (interrupt != NULL && *interrupt && !asked) {
            cv_run_request_stop(run);
            asked = true;
        }
    }
    int status = cv_run_join(run);
    size_t n = cv_log_count(run->log);
    if (trace_rc == 0)
        trace_rc = emit(run->log, done, n, out, trace, labels);
    cv_trace_labels_destroy(labels);
    return trace_rc != 0 ? -1 : status;
}
