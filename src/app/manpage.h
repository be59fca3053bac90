/*
 * The man page, concviz(1), written from the tables the command line
 * parses with: the commands and common options of cli.h, and each
 * scenario's options from the registry.  The build runs it (concviz-gendoc)
 * so that the installed page always matches the binary beside it.
 */
#ifndef CV_MANPAGE_H
#define CV_MANPAGE_H

#include <stdio.h>

/* Writes the page in roff (the man macros).  0, or -1 on a write error. */
int cv_manpage_write(FILE *out);

#endif
