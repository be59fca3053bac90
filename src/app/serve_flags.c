/*
 * The serve-flags command waits for SIGINT or SIGTERM with sigwait(): the
 * two signals are blocked before the server starts, so its threads inherit
 * the mask and only this thread ever takes them, synchronously, with no
 * handler and no flag to poll.  The signal mask is put back on the way out,
 * after any second Ctrl-C still pending has been consumed, so the caller
 * finds the process as it was.
 */
#include "serve_flags.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "clock.h"
#include "flagserver.h"
#include "opts.h"

#define EXIT_USAGE 2
#define MAX_DELAY 60.0
/* The guards of a server others can reach (flagserver.h): a client has
 * 10 s to send a request's headers; one address may hold 256 connections
 * (enough for `concviz flags -m 256`), everyone 900, which keeps a thread
 * per connection well below the 1024 descriptors a process usually has.
 * Beyond a limit the answer is 503. */
#define HEADER_TIMEOUT 10.0
#define PER_CLIENT_LIMIT 256
#define CONNECTION_LIMIT 900

static void usage(FILE *out)
{
    fprintf(out,
            "usage: concviz serve-flags [--port N] [--bind ADDR] [--delay MIN[:MAX]]\n"
            "                           [--error-rate P] [--seed N]\n"
            "Serves the flags of Fluent Python's examples at http://ADDR:PORT/flags,\n"
            "as /flags/<cc>/<cc>.gif and /flags/<cc>/metadata.json, until Ctrl-C.\n"
            "A client has 10 s to send a request's headers; one address may hold 256\n"
            "connections and all clients 900; beyond that the answer is 503.\n\n"
            "options:\n");
    cv_opts_print_help(cv_cli_serve_options, out);
}

/* Reads one number of seconds; false unless all of text is one. */
static bool parse_seconds(const char *text, size_t len, double *out)
{
    char buf[64], *end;
    if (len == 0 || len >= sizeof buf)
        return false;
    memcpy(buf, text, len);
    buf[len] = '\0';
    errno = 0;
    *out = strtod(buf, &end);
    return *end == '\0' && errno == 0 && isfinite(*out);
}

/* "0.5" or "0.5:1.5" into min and max; 0, or CV_EINVAL with a message. */
static int parse_delay(const char *text, double *min, double *max, char *err, size_t errlen)
{
    const char *colon = strchr(text, ':');
    bool ok = colon == NULL ? parse_seconds(text, strlen(text), min) && (*max = *min, true)
                            : parse_seconds(text, (size_t)(colon - text), min) &&
                                  parse_seconds(colon + 1, strlen(colon + 1), max);
    if (!ok || *min < 0 || *min > *max || *max > MAX_DELAY) {
        snprintf(err, errlen,
                 "--delay takes seconds as MIN or MIN:MAX with 0 <= MIN <= MAX <= %g, not '%s'",
                 MAX_DELAY, text);
        return CV_EINVAL;
    }
    return 0;
}

/* Takes any signal of `set` still pending (a second Ctrl-C), so that
 * unblocking does not deliver it to the caller. */
static void drain_signals(const sigset_t *set)
{
    struct timespec zero = {0, 0};
    while (sigtimedwait(set, NULL, &zero) > 0)
        ;
}

int cv_serve_flags_main(int argc, char **argv)
{
    const cv_opt_spec *const tables[] = {cv_cli_serve_options, NULL};
    cv_opts opts;
    char err[256];
    if (cv_opts_parse(&opts, tables, argc, argv, 0, err, sizeof err) != 0) {
        fprintf(stderr, "concviz serve-flags: %s\n", err);
        return EXIT_USAGE;
    }
    if (cv_opts_flag(&opts, "help")) {
        usage(stdout);
        return 0;
    }
    cv_flagserver_config cfg = {
        .bind = cv_opts_str(&opts, "bind"),
        .port = (int)cv_opts_int(&opts, "port"),
        .error_rate = cv_opts_num(&opts, "error-rate"),
        .seed = cv_opts_given(&opts, "seed") ? (unsigned long long)cv_opts_int(&opts, "seed")
                                             : (unsigned long long)cv_clock_wall_ns(),
        .log_requests = true,
        .log_file = stdout,
        .header_timeout = HEADER_TIMEOUT,
        .per_client_limit = PER_CLIENT_LIMIT,
        .connection_limit = CONNECTION_LIMIT,
    };
    if (parse_delay(cv_opts_str(&opts, "delay"), &cfg.delay_min, &cfg.delay_max, err,
                    sizeof err) != 0) {
        fprintf(stderr, "concviz serve-flags: %s\n", err);
        return EXIT_USAGE;
    }

    sigset_t stop_signals, old_mask;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, &old_mask);

    cv_flagserver *server = cv_flagserver_start(&cfg, err, sizeof err);
    if (server == NULL) {
        pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
        fprintf(stderr, "concviz serve-flags: %s\n", err);
        return 1;
    }
    printf("Serving flags on %s (Ctrl-C to stop)\n", cv_flagserver_url(server));
    fflush(stdout);

    int sig = 0;
    while (sigwait(&stop_signals, &sig) != 0)
        ;
    struct cv_flagserver_stats st;
    cv_flagserver_stats(server, &st);
    cv_flagserver_stop(server);
    printf("Stopped by %s after %llu request%s: %llu ok, %llu not found, %llu teapot%s.\n",
           sig == SIGINT ? "SIGINT" : "SIGTERM", st.requests, st.requests == 1 ? "" : "s", st.ok,
           st.not_found, st.teapots, st.teapots == 1 ? "" : "s");
    fflush(stdout);

    sigset_t ours = stop_signals;
    if (sigismember(&old_mask, SIGINT))
        sigdelset(&ours, SIGINT);
    if (sigismember(&old_mask, SIGTERM))
        sigdelset(&ours, SIGTERM);
    drain_signals(&ours);
    pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
    return 0;
}
