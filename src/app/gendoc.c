/*
 * concviz-gendoc: the build's writer of the man page and the bash
 * completion (see manpage.h and completion.h).  It links the same tables as
 * concviz, so what it writes is what the binary beside it parses.  Not
 * installed.
 *
 *   concviz-gendoc man OUT.1
 *   concviz-gendoc bash-completion OUT
 */
#include <stdio.h>
#include <string.h>

#include "atomic_file.h"
#include "completion.h"
#include "manpage.h"

int main(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[1], "man") != 0 && strcmp(argv[1], "bash-completion") != 0)) {
        fprintf(stderr, "usage: concviz-gendoc man|bash-completion OUTFILE\n");
        return 2;
    }
    /* Written whole or not at all, so that make never sees half a page as
     * up to date after an interrupted build. */
    cv_atomic_file af;
    char err[256];
    if (cv_atomic_file_open(&af, argv[2], err, sizeof err) != 0) {
        fprintf(stderr, "concviz-gendoc: %s\n", err);
        return 1;
    }
    int rc = strcmp(argv[1], "man") == 0 ? cv_manpage_write(af.fp) : cv_completion_write_bash(af.fp);
    if (rc != 0) {
        fprintf(stderr, "concviz-gendoc: cannot write %s\n", argv[2]);
        cv_atomic_file_abort(&af);
        return 1;
    }
    if (cv_atomic_file_commit(&af, err, sizeof err) != 0) {
        fprintf(stderr, "concviz-gendoc: %s\n", err);
        return 1;
    }
    return 0;
}
