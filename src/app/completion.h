/*
 * The bash completion of concviz, written from the same tables as --help
 * and the man page: the commands, the scenarios of the registry, each
 * scenario's options and the common ones, the values of options that have
 * choices, and file names where an option or argument names a file.
 */
#ifndef CV_COMPLETION_H
#define CV_COMPLETION_H

#include <stdio.h>

/* Writes a bash script that defines _concviz and registers it for
 * concviz.  0, or -1 on a write error. */
int cv_completion_write_bash(FILE *out);

#endif
