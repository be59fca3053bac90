/*
 * Whole-or-nothing files (see atomic_file.h): mkstemp beside the target,
 * then rename, which is atomic within a directory.
 */
#include "atomic_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cv_atomic_file_open(cv_atomic_file *af, const char *path, char *err, size_t errlen)
{
    *af = (cv_atomic_file){0};
    size_t len = strlen(path) + 16;
    af->path = strdup(path);
    af->tmp_path = malloc(len);
    if (af->path == NULL || af->tmp_path == NULL) {
        cv_atomic_file_abort(af);
        snprintf(err, errlen, "out of memory");
        return CV_ENOMEM;
    }
    snprintf(af->tmp_path, len, "%s.tmpXXXXXX", path);
    int fd = mkstemp(af->tmp_path);
    if (fd < 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        free(af->tmp_path);
        af->tmp_path = NULL;
        cv_atomic_file_abort(af);
        return CV_EIO;
    }
    af->fp = fdopen(fd, "w");
    if (af->fp == NULL) {
        close(fd);
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        cv_atomic_file_abort(af);
        return CV_EIO;
    }
    return 0;
}

int cv_atomic_file_commit(cv_atomic_file *af, char *err, size_t errlen)
{
    int rc = 0;
    if (fflush(af->fp) != 0 || ferror(af->fp)) {
        snprintf(err, errlen, "cannot write %s: %s", af->path, strerror(errno));
        rc = CV_EIO;
    }
    if (fclose(af->fp) != 0 && rc == 0) {
        snprintf(err, errlen, "cannot write %s: %s", af->path, strerror(errno));
        rc = CV_EIO;
    }
    af->fp = NULL;
    if (rc == 0 && rename(af->tmp_path, af->path) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", af->path, strerror(errno));
        rc = CV_EIO;
    }
    if (rc != 0)
        unlink(af->tmp_path);
    free(af->tmp_path);
    free(af->path);
    *af = (cv_atomic_file){0};
    return rc;
}

void cv_atomic_file_abort(cv_atomic_file *af)
{
    if (af->fp != NULL)
        fclose(af->fp);
    if (af->tmp_path != NULL)
        unlink(af->tmp_path);
    free(af->tmp_path);
    free(af->path);
    *af = (cv_atomic_file){0};
}

