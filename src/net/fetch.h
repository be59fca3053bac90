/*
 * One HTTP download into memory with libcurl, and the words Fluent Python's
 * flags2 scripts use for how it went: OK, not found (404), or an error (any
 * other status, a refused connection, a timeout) with its text, such as
 * "HTTP error 418 - I'm a Teapot".
 *
 * A cv_fetch is both the request and its outcome.  cv_fetch_run() performs
 * it with the easy interface on the calling thread (the sequential and
 * thread-pool modes) over a connection the thread keeps between requests;
 * fetch_multi.c drives the same setup through the multi interface on an
 * event loop, so both ways give the same words.  Either way each read is
 * acknowledged at once (TCP_QUICKACK), see fetch.c.
 */
#ifndef CV_FETCH_H
#define CV_FETCH_H

#include <stdbool.h>
#include <stddef.h>

enum cv_fetch_outcome {
    CV_FETCH_OK,        /* 200: the body is the file */
    CV_FETCH_NOT_FOUND, /* 404 */
    CV_FETCH_ERROR,     /* anything else; `error` says what */
};

/* Polled during the transfer: true aborts it (the run is stopping). */
typedef bool (*cv_fetch_abort_fn)(void *ctx);

/* The largest body kept; a longer one is an error, not a flag. */
#define CV_FETCH_MAX_BODY (16u << 20)

typedef struct cv_fetch {
    /* The request: set by cv_fetch_init(), then abort_fn if wanted. */
    char url[512];
    double timeout_s; /* the whole transfer; <= 0 for none */
    cv_fetch_abort_fn abort_fn;
    void *abort_ctx;

    /* The outcome. */
    int outcome;         /* enum cv_fetch_outcome */
    long status;         /* the HTTP status, 0 if no answer came */
    int curl_code;       /* CURLcode, 0 for a completed transfer */
    bool aborted;        /* abort_fn asked to stop it */
    bool timed_out;      /* the transfer's timeout passed (and no stop) */
    unsigned char *body; /* malloc'ed, len bytes; NULL when empty */
    size_t len;
    char error[192]; /* for CV_FETCH_ERROR: what went wrong, in words */
    unsigned long quick_acks; /* cv_fetch_run's reads acknowledged at once */

    /* Private. */
    bool kept_;  /* on this thread's kept handle: its socket is known */
    size_t cap_;
    char errbuf_[256]; /* CURL_ERROR_SIZE */
} cv_fetch;

/* curl_global_init, once per process (pthread_once); 0 or CV_EFAILED.
 * Every function here calls it; call it first to learn of a failure. */
int cv_fetch_global_init(void);

/* Prepares f to GET url with a timeout; url is copied (cut at 511). */
void cv_fetch_init(cv_fetch *f, const char *url, double timeout_s);
/* Performs the transfer on this thread and returns f->outcome.  The thread
 * keeps its easy handle, and so its open connection, for its next call;
 * the handle is freed when the thread ends or by cv_fetch_thread_done(). */
int cv_fetch_run(cv_fetch *f);
/* Frees this thread's kept handle now, closing its connections: for a
 * thread that outlives its downloads (the main thread never runs the
 * thread-end destructor).  The next cv_fetch_run() makes a new one. */
void cv_fetch_thread_done(void);
/* Frees the body; f may be run again after cv_fetch_init(). */
void cv_fetch_free(cv_fetch *f);

/* "OK", "Not Found", "I'm a Teapot": the standard phrase for a status, as
 * Python's http.HTTPStatus has it, or "Unknown". */
const char *cv_http_reason(long status);

/* For fetch_multi.c: a new easy handle (CURL *) set up for f, or NULL
 * (then f->outcome says why); and filling in f's outcome once the handle
 * has finished with `curl_code`.  The handle is the caller's to clean up. */
void *cv_fetch_easy_new(cv_fetch *f);
/* Sends the ACK for what socket fd has received now (TCP_QUICKACK); true
 * if it could.  fetch_multi.c calls it on each readable socket. */
bool cv_fetch_quick_ack_socket(int fd);
/* For fetch_multi.c: whether a multi transfer on this thread has read a
 * response's headers or body since the last call. */
bool cv_fetch__take_reads(void);
void cv_fetch_complete(cv_fetch *f, void *easy, int curl_code);

#endif
