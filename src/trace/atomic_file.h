/*
 * A file that appears whole or not at all: written as an unnamed file
 * (O_TMPFILE) in the target's directory and linked into place on commit,
 * or, where the file system cannot do that, written under a temporary name
 * beside the target and renamed.  Traces and saved flags use it, so a
 * failed or interrupted run never leaves half a file, and with O_TMPFILE
 * not even a temporary one after SIGKILL.  Separate files may be written
 * and committed from many threads at once.
 */
#ifndef CV_ATOMIC_FILE_H
#define CV_ATOMIC_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "error.h"

typedef struct cv_atomic_file {
    FILE *fp;
    char *path;
    char *tmp_path; /* the temporary name, or room for one */
    bool unnamed;   /* made with O_TMPFILE: no name until commit */
} cv_atomic_file;

/* Opens a temporary file beside `path`.  0, or CV_ENOMEM or CV_EIO with a
 * message. */
int cv_atomic_file_open(cv_atomic_file *af, const char *path, char *err, size_t errlen);
/* Flushes, names the file `path` (replacing a file there) and closes it.  0, or CV_EIO with a message
 * (the temporary file is removed). */
int cv_atomic_file_commit(cv_atomic_file *af, char *err, size_t errlen);
/* Closes the file and removes it, if it had a temporary name. */
void cv_atomic_file_abort(cv_atomic_file *af);

#endif
