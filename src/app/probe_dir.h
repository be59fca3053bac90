/*
 * The private directory of one `concviz run`: the probe's Python files
 * (written from the copy embedded in the binary, probe_files.h) and the
 * FIFO the program's processes write their events into.  Made with
 * mkdtemp (mode 0700, so that no other user can write into the FIFO or
 * replace the probe) and removed whole at the end, whatever the program
 * or Python left in it (__pycache__).
 */
#ifndef CV_PROBE_DIR_H
#define CV_PROBE_DIR_H

#include <limits.h>
#include <stddef.h>

typedef struct cv_probe_dir {
    char path[PATH_MAX]; /* "" until made */
    char fifo[PATH_MAX];
} cv_probe_dir;

/* Makes the directory under $TMPDIR (or /tmp), writes the probe and makes
 * the FIFO.  0, or -1 with a one-line message in err (and nothing left). */
int cv_probe_dir_make(cv_probe_dir *d, char *err, size_t errlen);
/* Removes the directory and everything in it; nothing if not made. */
void cv_probe_dir_remove(cv_probe_dir *d);

#endif
