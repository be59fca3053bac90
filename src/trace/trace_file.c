/*
 * The file a trace is written to (see trace.h): an atomic file with a
 * large buffer, and a zstd stream in front of it when the name asks.
 * A million-event trace is over 100 MB; in the FILE's own 4 KiB buffer
 * that is 30 000 write calls, a large share of what writing costs.
 */
#include "trace.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "zstd_file.h"

/* The raw file's buffer (compressed output bypasses it: libzstd hands
 * over blocks of about this size itself). */
#define TRACE_FILE_BUFFER (1 << 20)

int cv_trace_file_open(cv_trace_file *tf, const char *path, char *err, size_t errlen)
{
    *tf = (cv_trace_file){0};
    int rc = cv_atomic_file_open(&tf->file, path, err, errlen);
    if (rc != 0)
        return rc;
    if (cv_zstd_path(path)) {
        tf->fp = cv_zstd_fopen_write(tf->file.fp, CV_ZSTD_LEVEL);
    } else {
        /* A buffer the FILE does not free: ours, freed after it closes. */
        tf->buf = malloc(TRACE_FILE_BUFFER);
        if (tf->buf != NULL)
            setvbuf(tf->file.fp, tf->buf, _IOFBF, TRACE_FILE_BUFFER);
        tf->fp = tf->file.fp;
    }
    if (tf->fp == NULL) {
        cv_trace_file_abort(tf);
        snprintf(err, errlen, "out of memory");
        return CV_ENOMEM;
    }
    return 0;
}

int cv_trace_file_commit(cv_trace_file *tf, char *err, size_t errlen)
{
    int rc = 0;
    if (tf->fp != tf->file.fp) {
        /* The zstd stream's end goes into the file before it is named. */
        errno = 0;
        if (fclose(tf->fp) != 0) {
            snprintf(err, errlen, "cannot write %s: %s", tf->file.path,
                     errno != 0 ? strerror(errno) : "the compressed stream failed");
            rc = CV_EIO;
        }
        tf->fp = tf->file.fp;
    }
    if (rc != 0)
        cv_atomic_file_abort(&tf->file);
    else
        rc = cv_atomic_file_commit(&tf->file, err, errlen);
    free(tf->buf);
    *tf = (cv_trace_file){0};
    return rc;
}

void cv_trace_file_abort(cv_trace_file *tf)
{
    if (tf->fp != NULL && tf->fp != tf->file.fp)
        fclose(tf->fp); /* the stream's end goes into a file that goes */
    cv_atomic_file_abort(&tf->file);
    free(tf->buf);
    *tf = (cv_trace_file){0};
}
