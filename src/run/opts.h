/*
 * Command-line options described by tables, so that each scenario declares
 * its own (--workers, --count, -m, ...) and one parser checks them all:
 * unknown names, missing or non-numeric values and out-of-range numbers are
 * reported in one line that names the option and the allowed range.
 */
#ifndef CV_OPTS_H
#define CV_OPTS_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

typedef enum cv_opt_type {
    CV_OPT_FLAG, /* no value */
    CV_OPT_INT,  /* a whole number in [min, max] */
    CV_OPT_NUM,  /* a number in [min, max]; min excluded if min_exclusive */
    CV_OPT_STR,  /* text; one of `choices` if given */
} cv_opt_type;

typedef struct cv_opt_spec {
    const char *name;   /* long name without "--"; NULL ends a table */
    char short_name;    /* -x, or 0 */
    cv_opt_type type;
    double min, max;
    bool min_exclusive;
    const char *def;    /* default, as text; NULL: unset */
    const char *metavar;
    const char *help;
    const char *const *choices; /* NULL-terminated, case-insensitive */
    bool list;  /* the value is a comma-separated list of choices */
    bool quiet; /* how to show the run, not what runs: left out of describe */
} cv_opt_spec;

#define CV_OPTS_MAX 64
#define CV_OPTS_MAX_POS 1024

typedef struct cv_opts {
    const cv_opt_spec *spec[CV_OPTS_MAX];
    const char *value[CV_OPTS_MAX]; /* NULL: not given and no default */
    bool given[CV_OPTS_MAX];
    size_t nspec;
    const char *pos[CV_OPTS_MAX_POS];
    size_t npos;
} cv_opts;

/* Parses argv[0..argc) (no program or command name) against the tables
 * (a NULL-terminated list of NULL-name-terminated arrays).  Positionals are
 * allowed only if max_pos > 0.  Returns 0, or CV_EINVAL with a one-line message in
 * err that names the offending option. */
int cv_opts_parse(cv_opts *o, const cv_opt_spec *const *tables, int argc, char **argv,
                  size_t max_pos, char *err, size_t errlen);

bool cv_opts_given(const cv_opts *o, const char *name);
bool cv_opts_flag(const cv_opts *o, const char *name);
long long cv_opts_int(const cv_opts *o, const char *name);
double cv_opts_num(const cv_opts *o, const char *name);
const char *cv_opts_str(const cv_opts *o, const char *name); /* NULL if unset */

/* Writes "  -x, --name VALUE   help (default ...)" lines for a table. */
void cv_opts_print_help(const cv_opt_spec *table, void *file);
/* "--workers 3 --count 5": the options given (but quiet ones), for the
 * trace header. */
void cv_opts_describe(const cv_opts *o, char *buf, size_t len);

#endif
