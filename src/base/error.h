/*
 * The project's one family of return codes: 0 for success, or one of the
 * negative CV_E* codes below, turned into words with cv_strerror() at the
 * edge (the command line, a scenario's console line), not deep inside.
 *
 * They are not the negated errno values libuv uses: a failed task or future
 * carries its code into the event log and the trace's `code` field, where
 * these small numbers are already recorded, so they keep their values and
 * new codes are added below the last.
 */
#ifndef CV_ERROR_H
#define CV_ERROR_H

enum {
    CV_OK = 0,
    CV_ETIMEDOUT = -1,  /* the timeout passed first */
    CV_ECANCELLED = -2, /* the future or task was cancelled */
    CV_EFAILED = -3,    /* the call failed; its result says how */
    CV_ENOMEM = -4,     /* out of memory (or threads, or descriptors) */
    CV_ESHUTDOWN = -5,  /* the executor no longer accepts calls */
    CV_EDONE = -6,      /* an iterator has nothing more */
    CV_EINVAL = -7,     /* a bad argument, option or state */
    CV_EIO = -8,        /* reading or writing a file or stream failed */
    CV_EINVALIDSTATE = -9, /* a future already done was completed again
                            * (Python's InvalidStateError) */
    CV_EBROKEN = -10,      /* a process of the pool died abruptly
                            * (Python's BrokenProcessPool) */
    CV_ENETTIMEOUT = -11,  /* a network transfer's own timeout passed (a
                            * download's outcome, unlike CV_ETIMEDOUT, a
                            * wait's, which a failed line also reads as
                            * "no code") */
};
/* The lowest code: every code from CV_ELAST to -1 has its own words. */
#define CV_ELAST CV_ENETTIMEOUT

/* Words for a return code ("timed out"); never NULL. */
const char *cv_strerror(int code);

#endif
