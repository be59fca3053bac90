/*
 * What the flags scenario's two files share: flags.c reads the options,
 * starts the server and writes the report; flags_download.c does the
 * downloads, in the three ways the book compares.
 */
#ifndef CV_FLAGS_PRIVATE_H
#define CV_FLAGS_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include "future.h"
#include "run.h"

/* What every download of a run shares. */
typedef struct cv_flags__ctx {
    cv_run *run;
    char label[16];    /* LOCAL, DELAY, ERROR, REMOTE or URL */
    char base_url[512];
    const char *dest;
    double timeout;
    bool verbose;
    bool bar; /* draw a progress bar on stderr */
} cv_flags__ctx;

/* One code's download and its outcome. */
typedef struct cv_flags__job {
    const cv_flags__ctx *ctx;
    char cc[3];
    int outcome; /* enum cv_fetch_outcome */
    long status;
    size_t bytes;
    char error[192];
    bool stopped; /* cut short by the user's stop, not failed */
    bool timed_out; /* its --timeout passed */
} cv_flags__job;

/* The book's Counter[DownloadStatus], plus how long it took. */
typedef struct cv_flags__tally {
    int ok, not_found, errors;
    size_t done;
    double elapsed;
    bool interrupted;
} cv_flags__tally;

/* The three ways; each fills the tally and returns 0, or a CV_E* code
 * when it could not start (a message is logged). */
void cv_flags__sequential(const cv_flags__ctx *ctx, cv_flags__job *jobs, size_t n,
                          cv_flags__tally *t);
int cv_flags__threadpool(const cv_flags__ctx *ctx, cv_flags__job *jobs, size_t n, int concur,
                         cv_flags__tally *t);
/* flags_futures.c: --mode futures, flags_threadpool_futures.py (at most
 * five codes, `workers` threads); the book's lines, then "N downloads in
 * Ts".  flags_download.c's pool call is its download. */
int cv_flags__futures(const cv_flags__ctx *ctx, cv_flags__job *jobs, size_t n, int workers,
                      cv_flags__tally *t);
void cv_flags__pool_download(void *arg, cv_result *out);
int cv_flags__async(const cv_flags__ctx *ctx, cv_flags__job *jobs, size_t n, int concur,
                    cv_flags__tally *t);

#endif
