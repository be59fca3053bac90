/*
 * The Python listings: for each scenario (and mode or side) the program the
 * book would run, written for concviz, kept as a .py file next to this one
 * and embedded at build time (cmake/embed_listings.cmake), so that the file
 * in the repository is the text shown.  Its own small library below every
 * layer: the scenarios name lines through the generated constants
 * (listing_lines.h: CV_LISTING_<FILE>, CV_LINE_<FILE>_<MARK>), and the
 * views read the text.
 */
#ifndef CV_LISTING_H
#define CV_LISTING_H

#include <stddef.h>

#include "listing_lines.h"

typedef struct cv_listing {
    const char *name; /* the file's name without .py: "loiter", "spinner_thread" */
    const char *file; /* "loiter.py" */
    const char *text; /* the whole file, NUL-terminated */
    size_t len;       /* its bytes, without the NUL */
} cv_listing;

/* One "# line: NAME" marker: line (1-based) of listing id. */
typedef struct cv_listing_mark {
    int listing;
    const char *name;
    int line;
} cv_listing_mark;

/* The listing with this id (CV_LISTING_...), or NULL when out of range. */
const cv_listing *cv_listing_get(int id);
/* By name ("primes_threads"); -1 when there is none. */
int cv_listing_find(const char *name);
/* The listing of a scenario run with its --mode or --side (NULL: the
 * scenario's default); -1 when the scenario has none (stress). */
int cv_listing_for(const char *scenario, const char *mode);

/* How many lines listing id has (a last line without '\n' counts). */
int cv_listing_lines(int id);
/* Line `line` (1-based) of listing id: its start, and its length without
 * the '\n' in *len; NULL when out of range. */
const char *cv_listing_line(int id, int line, size_t *len);

/* Every marker of every listing, in file order. */
int cv_listing_mark_count(void);
const cv_listing_mark *cv_listing_mark_at(int i);

#endif
