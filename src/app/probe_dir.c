/*
 * The run's private directory (probe_dir.h).  Files are written with
 * O_EXCL into the fresh directory, so that nothing there can be a link
 * planted by someone else; the removal walks the tree without following
 * links.
 */
#include "probe_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probe_files.h"

/* Makes the folders of a relative path "a/b/c.py" under root. */
static int make_parents(const char *root, const char *rel)
{
    char path[PATH_MAX];
    for (const char *slash = strchr(rel, '/'); slash != NULL; slash = strchr(slash + 1, '/')) {
        int n = snprintf(path, sizeof path, "%s/%.*s", root, (int)(slash - rel), rel);
        if (n < 0 || (size_t)n >= sizeof path)
            return -1;
        if (mkdir(path, 0700) != 0 && errno != EEXIST)
            return -1;
    }
    return 0;
}

static int write_file(const char *path, const char *bytes, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return -1;
    while (len > 0) {
        ssize_t put = write(fd, bytes, len);
        if (put < 0 && errno == EINTR)
            continue;
        if (put <= 0) {
            close(fd);
            return -1;
        }
        bytes += put;
        len -= (size_t)put;
    }
    return close(fd);
}

int cv_probe_dir_make(cv_probe_dir *d, char *err, size_t errlen)
{
    d->path[0] = d->fifo[0] = '\0';
    const char *tmp = getenv("TMPDIR");
    if (tmp == NULL || tmp[0] == '\0')
        tmp = "/tmp";
    int n = snprintf(d->path, sizeof d->path, "%s/concviz-run-XXXXXX", tmp);
    if (n < 0 || (size_t)n >= sizeof d->path || mkdtemp(d->path) == NULL) {
        snprintf(err, errlen, "cannot make a directory in %s: %s", tmp, strerror(errno));
        d->path[0] = '\0';
        return -1;
    }
    char path[PATH_MAX];
    for (const cv_probe_file *f = cv_probe_files; f->path != NULL; f++) {
        n = snprintf(path, sizeof path, "%s/%s", d->path, f->path);
        if (n < 0 || (size_t)n >= sizeof path || make_parents(d->path, f->path) != 0 ||
            write_file(path, f->bytes, f->len) != 0) {
            snprintf(err, errlen, "cannot write the probe into %s: %s", d->path, strerror(errno));
            cv_probe_dir_remove(d);
            return -1;
        }
    }
    n = snprintf(d->fifo, sizeof d->fifo, "%s/events", d->path);
    if (n < 0 || (size_t)n >= sizeof d->fifo || mkfifo(d->fifo, 0600) != 0) {
        snprintf(err, errlen, "cannot make a FIFO in %s: %s", d->path, strerror(errno));
        cv_probe_dir_remove(d);
        return -1;
    }
    return 0;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st, (void)ftw;
    if (type == FTW_DP)
        rmdir(path);
    else
        unlink(path);
    return 0; /* go on: remove what can be removed */
}

void cv_probe_dir_remove(cv_probe_dir *d)
{
    if (d->path[0] == '\0')
        return;
    nftw(d->path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
    d->path[0] = d->fifo[0] = '\0';
}
