/*
 * The Python probe's files (src/probe/), embedded at build time by
 * cmake/embed_probe.cmake: `concviz run` writes them into a private
 * directory and puts it first on the program's PYTHONPATH.
 */
#ifndef CV_PROBE_FILES_H
#define CV_PROBE_FILES_H

#include <stddef.h>

typedef struct cv_probe_file {
    const char *path; /* under src/probe: "sitecustomize.py", "concviz_probe/_emit.py" */
    const char *bytes;
    size_t len;
} cv_probe_file;

/* Ends with a NULL path. */
extern const cv_probe_file cv_probe_files[];

#endif
