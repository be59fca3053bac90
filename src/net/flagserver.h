/*
 * An in-process HTTP/1.1 server with the layout of the site that Fluent
 * Python's flags examples download from:
 *
 *     GET /flags/<cc>/<cc>.gif        image/gif
 *     GET /flags/<cc>/metadata.json   {"country": ..., "iso_cc": ..., "tld_cc": ...}
 *
 * for the 194 codes of flagdata.h, in either case.  Like the book's
 * slow_server.py it can wait a random time before each answer and then
 * answer some requests with 418 instead of the file; both draws come from
 * the seed, so a run is reproducible in its counts.
 */
#ifndef CV_FLAGSERVER_H
#define CV_FLAGSERVER_H

#include <stdbool.h>
#include <stddef.h>

typedef struct cv_flagserver cv_flagserver;

/* One answered request, for the log and the on_request hook. */
typedef struct cv_flagserver_request {
    unsigned long long number; /* 0, 1, 2... in order of arrival */
    const char *method;
    const char *path;  /* as received, possibly long and odd */
    int status;        /* 200, 404, 405, 418 or 503 */
    double delay;      /* seconds waited before answering */
    double seconds;    /* from arrival to answer */
} cv_flagserver_request;

typedef struct cv_flagserver_config {
    const char *bind;     /* address to listen on; NULL: "127.0.0.1" */
    int port;             /* 0: any free port */
    double delay_min;     /* seconds; each request waits a time drawn */
    double delay_max;     /* uniformly from [min, max]; 0, 0: no wait */
    double error_rate;    /* 0..1: the share answered 418 I'm a Teapot */
    unsigned long long seed;
    bool log_requests;    /* one line per request to log_file */
    void *log_file;       /* FILE *; NULL: stdout */
    /* Called once per answered request from the connection's thread,
     * concurrently for concurrent requests; NULL for none. */
    void (*on_request)(void *ctx, const cv_flagserver_request *r);
    void *on_request_ctx;
    /* Guards for a server others can reach (serve-flags sets them):
     * seconds a client has to send a request's headers, counted from
     * connecting or from the end of its previous answer (a client still
     * sending then is dropped); connections one client address may hold
     * open, and all clients together.  A connection beyond either limit is
     * answered 503 Service Unavailable and closed.  0: no guard. */
    double header_timeout;
    unsigned per_client_limit;
    unsigned connection_limit;
} cv_flagserver_config;

/* A struct tag without a typedef, so that the function below can carry
 * the same name. */
struct cv_flagserver_stats {
    unsigned long long requests;  /* requests received */
    unsigned long long ok;        /* answered 200 */
    unsigned long long not_found; /* answered 404 */
    unsigned long long teapots;   /* answered 418 */
    unsigned long long other;     /* answered anything else (405) */
    unsigned long long aborted;   /* dropped unanswered by stop() */
    unsigned long long busy;      /* answered 503: over a connection limit */
    unsigned long long too_slow;  /* dropped: headers not in by the deadline */
};

/* Starts serving on its own threads and returns at once, or returns NULL
 * with a one-line reason in err (an address in use, a bad address, a bad
 * setting). */
cv_flagserver *cv_flagserver_start(const cv_flagserver_config *cfg, char *err, size_t errlen);

/* The port listened on (the real one when the config asked for 0). */
int cv_flagserver_port(const cv_flagserver *s);

/* The base URL, "http://127.0.0.1:PORT/flags"; a wildcard bind address
 * (0.0.0.0, ::) is shown as the loopback address, which reaches it. */
const char *cv_flagserver_url(const cv_flagserver *s);

/* Counts so far.  A response is counted before it is sent, so once a
 * client has its answer the count includes it. */
void cv_flagserver_stats(const cv_flagserver *s, struct cv_flagserver_stats *out);

/* Wakes requests that are waiting out their delay (they are dropped),
 * closes every connection, joins every thread and frees s.  Quick: it
 * does not wait for delays to run out.  NULL is ignored. */
void cv_flagserver_stop(cv_flagserver *s);

#endif
