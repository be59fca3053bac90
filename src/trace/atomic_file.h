/*
 * A file that appears whole or not at all: written under a temporary name
 * in the same directory and renamed into place on commit.  Traces and saved
 * flags use it, so a failed or interrupted run never leaves half a file.
 */
#ifndef CV_ATOMIC_FILE_H
#define CV_ATOMIC_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "error.h"

typedef struct cv_atomic_file {
    FILE *fp;
    char *path;
    char *tmp_path;
} cv_atomic_file;

/* Opens a temporary file beside `path`.  0, or CV_ENOMEM or CV_EIO with a
 * message. */
int cv_atomic_file_open(cv_atomic_file *af, const char *path, char *err, size_t errlen);
/* Flushes, closes and renames into place.  0, or CV_EIO with a message
 * (the temporary file is removed). */
int cv_atomic_file_commit(cv_atomic_file *af, char *err, size_t errlen);
/* Closes and removes the temporary file. */
void cv_atomic_file_abort(cv_atomic_file *af);

#endif
