/*
 * Whole-or-nothing files (see atomic_file.h).
 *
 * Where the file system allows it (Linux 3.11 and later, on ext4, xfs,
 * btrfs, tmpfs...), the data is written to an unnamed file made with
 * O_TMPFILE in the target's directory, and commit gives it its name with
 * linkat().  Until then the file has no name, so a process killed with
 * SIGKILL, or by a SIGPIPE it did not expect, leaves nothing behind: the
 * kernel frees the file with its last descriptor.  It also spares the
 * directory one of its two locked changes per save (making a temporary
 * name), which is what a hundred threads saving into one directory queue
 * on.
 *
 * linkat() never replaces a name, so when the target exists already the
 * file is linked under a temporary name and renamed over it, which is
 * atomic within a directory.  Before that rename the file's data is handed
 * to writeback: ext4 otherwise does so itself inside the rename, with the
 * directory locked (its auto_da_alloc guard for replace-by-rename), and
 * every other saver waits on it.
 *
 * Without O_TMPFILE (EOPNOTSUPP, EISDIR or EINVAL from an older kernel or
 * another file system) the file is made with mkstemp beside the target, as
 * before, and renamed into place.
 */
#include "atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The directory part of path, "." when it has none; malloc'ed. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

/* An unnamed file in path's directory, or -1 with errno. */
static int open_unnamed(const char *path)
{
#ifdef O_TMPFILE
    char *dir = dir_of(path);
    if (dir == NULL) {
        errno = ENOMEM;
        return -1;
    }
    int fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
    int saved = errno;
    free(dir);
    errno = saved;
    return fd;
#else
    (void)path;
    errno = EOPNOTSUPP;
    return -1;
#endif
}

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
    int fd = open_unnamed(path);
    if (fd >= 0) {
        af->unnamed = true;
    } else if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL) {
        fd = mkstemp(af->tmp_path);
    }
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
        if (af->unnamed) {
            free(af->tmp_path);
            af->tmp_path = NULL;
        }
        cv_atomic_file_abort(af);
        return CV_EIO;
    }
    return 0;
}

/* Gives the unnamed file behind fd the name `name`; 0 or -1 with errno
 * (EEXIST when the name is taken). */
static int link_unnamed(int fd, const char *name)
{
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    if (linkat(AT_FDCWD, proc, AT_FDCWD, name, AT_SYMLINK_FOLLOW) == 0)
        return 0;
    if (errno != ENOENT)
        return -1;
#ifdef AT_EMPTY_PATH
    /* No /proc: this form needs CAP_DAC_READ_SEARCH, which root has. */
    return linkat(fd, "", AT_FDCWD, name, AT_EMPTY_PATH);
#else
    return -1;
#endif
}

/* Names the unnamed file af->path, replacing what is there; 0 or -1. */
static int name_unnamed(cv_atomic_file *af, int fd)
{
    if (link_unnamed(fd, af->path) == 0)
        return 0;
    if (errno != EEXIST)
        return -1;
    /* A temporary name, then rename over the target.  The name is drawn
     * from the process, a counter and the clock, and a clash (EEXIST)
     * draws again: linkat() never replaces, so it cannot take another's. */
    static atomic_uint counter;
    size_t len = strlen(af->path);
    for (int attempt = 0;; attempt++) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        unsigned mix = (unsigned)getpid() * 2654435761u ^ atomic_fetch_add(&counter, 1) * 40503u ^
                       (unsigned)now.tv_nsec;
        snprintf(af->tmp_path + len, 16, ".tmp%08x", mix);
        if (link_unnamed(fd, af->tmp_path) == 0)
            break;
        if (errno != EEXIST || attempt == 100)
            return -1;
    }
    /* Writeback starts here, off the directory's lock (see the top). */
    (void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
    if (rename(af->tmp_path, af->path) != 0) {
        int saved = errno;
        unlink(af->tmp_path);
        errno = saved;
        return -1;
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
    if (rc == 0 && af->unnamed && name_unnamed(af, fileno(af->fp)) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", af->path, strerror(errno));
        rc = CV_EIO;
    }
    if (fclose(af->fp) != 0 && rc == 0) {
        snprintf(err, errlen, "cannot write %s: %s", af->path, strerror(errno));
        rc = CV_EIO;
    }
    af->fp = NULL;
    if (rc == 0 && !af->unnamed && rename(af->tmp_path, af->path) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", af->path, strerror(errno));
        rc = CV_EIO;
    }
    if (rc != 0 && !af->unnamed)
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
    /* An unnamed file vanishes with its descriptor. */
    if (af->tmp_path != NULL && !af->unnamed)
        unlink(af->tmp_path);
    free(af->tmp_path);
    free(af->path);
    *af = (cv_atomic_file){0};
}
