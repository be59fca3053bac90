/*
 * Fluent Python's flags2 scripts (chapter 20 and 21): download flag images
 * three ways and report what came back.
 *
 *   sequential  flags2_sequential.py: one transfer after another, in sorted
 *               order, on the main thread;
 *   threadpool  flags2_threadpool.py: one future per flag on the executor,
 *               results taken with as_completed (the to_do_map idiom);
 *   async       flags2_asyncio.py: one thread; the event loop drives every
 *               transfer through libcurl's multi interface, each download a
 *               task, a semaphore keeping at most -m of them in flight, and
 *               a supervisor task taking them as they complete;
 *   compare     the three in turn on the same codes and server, then their
 *               elapsed times side by side;
 *   futures     flags_threadpool_futures.py: the first five codes, three
 *               workers, each future printed as it is submitted and as it
 *               completes (flags_futures.c).
 *
 * The options, the report lines and the words for outcomes are the book's
 * (flags2_common.py).  Unless -s names a URL, the scenario starts the
 * embedded flag server (flagserver.h) for the run: LOCAL answers at once,
 * DELAY waits 0.5-5 s per request like the book's slow_server.py, ERROR
 * also answers a quarter of the requests "418 I'm a Teapot".  --delay,
 * --error-rate and --seed pin those down for tests and benchmarks.
 *
 * Each download is labelled by its code ("CN") as a future (sequential and
 * threadpool) or a task (async), and its outcome is the result: the bytes,
 * with "200 OK 1.2 KB" or "404 not found", or a failure with the book's
 * error text.  Files are saved as DEST/<CC>.gif through atomic_file.h, so
 * an interrupted run leaves no half-written flag.
 *
 * This file reads the options, starts the server and writes the report;
 * flags_download.c does the downloads.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "bus.h"
#include "clock.h"
#include "fetch.h"
#include "flagdata.h"
#include "flags_private.h"
#include "flagserver.h"
#include "future.h"
#include "scenarios.h"

#define EVERY_CODE (26 * 26)
#define REMOTE_URL "https://www.fluentpython.com/data/flags"

enum mode { MODE_SEQUENTIAL, MODE_THREADPOOL, MODE_ASYNC, MODE_COUNT };

static const char *const mode_names[MODE_COUNT] = {"sequential", "threadpool", "async"};
/* DEFAULT_CONCUR_REQ and MAX_CONCUR_REQ of each script. */
static const int default_req[MODE_COUNT] = {1, 30, 5};
static const int max_req[MODE_COUNT] = {1, 1000, 1000};


/* ---- the options ---- */

static const char *const mode_choices[] = {"sequential", "threadpool", "async", "compare",
                                           "futures", NULL};

static const cv_opt_spec flags_options[] = {
    {.name = "mode", .type = CV_OPT_STR, .def = "threadpool", .metavar = "MODE",
     .help = "sequential, threadpool, async, compare (the three in turn), or futures "
             "(submit and as_completed on five codes, printing each future)",
     .choices = mode_choices},
    {.name = "all", .short_name = 'a', .type = CV_OPT_FLAG,
     .help = "get all available flags (AD to ZW)"},
    {.name = "every", .short_name = 'e', .type = CV_OPT_FLAG,
     .help = "get flags for every possible code (AA...ZZ)"},
    {.name = "limit", .short_name = 'l', .type = CV_OPT_INT, .min = 1, .max = 10000,
     .metavar = "N", .help = "limit to N first codes"},
    {.name = "max-req", .short_name = 'm', .type = CV_OPT_INT, .min = 1, .max = 1000,
     .metavar = "CONCURRENT",
     .help = "maximum concurrent requests (default: sequential 1, threadpool 30, async 5)"},
    {.name = "server", .short_name = 's', .type = CV_OPT_STR, .def = "LOCAL", .metavar = "LABEL",
     .help = "LOCAL, DELAY or ERROR (the embedded server), REMOTE (the book's site), in any case, or an http(s) URL"},
    {.name = "verbose", .short_name = 'v', .type = CV_OPT_FLAG,
     .help = "output detailed progress info"},
    {.name = "dest", .type = CV_OPT_STR, .def = "downloaded", .metavar = "DIR",
     .help = "where to save the flags (created when missing)"},
    {.name = "timeout", .type = CV_OPT_NUM, .min = 0, .min_exclusive = true, .max = 600,
     .def = "3.1", .metavar = "SECONDS", .help = "per-request timeout"},
    {.name = "delay", .type = CV_OPT_NUM, .min = 0, .max = 60, .metavar = "SECONDS",
     .help = "embedded server: a fixed delay per request instead of the label's"},
    {.name = "error-rate", .type = CV_OPT_NUM, .min = 0, .max = 1, .metavar = "P",
     .help = "embedded server: the share of 418 answers instead of the label's"},
    {.name = "seed", .type = CV_OPT_INT, .min = 0, .max = 9007199254740991.0, .metavar = "N",
     .help = "embedded server: seed for its delays and errors (default: from the clock)"},
    {0},
};

/* LOCAL, DELAY, ERROR, REMOTE: the label; otherwise NULL. */
static const char *server_label(const char *server)
{
    static const char *const labels[] = {"LOCAL", "DELAY", "ERROR", "REMOTE"};
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (strcasecmp(server, labels[i]) == 0)
            return labels[i];
    return NULL;
}

static bool is_url(const char *s)
{
    const char *host = strncasecmp(s, "http://", 7) == 0    ? s + 7
                       : strncasecmp(s, "https://", 8) == 0 ? s + 8
                                                            : NULL;
    return host != NULL && *host != '\0' && *host != '/' && strlen(s) < 400;
}

static bool embedded(const char *label)
{
    return label != NULL && strcmp(label, "REMOTE") != 0;
}

/* One positional: a letter or two, in either case. */
static bool valid_code_arg(const char *a)
{
    size_t len = strlen(a);
    if (len < 1 || len > 2)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = a[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
            return false;
    }
    return true;
}

/* The nearest existing ancestor of `dir` (or dir itself) must be a
 * writable directory, so that the run can create and fill it. */
static int check_dest(const char *dir, char *err, size_t errlen)
{
    char path[4096];
    if (dir[0] == '\0' || strlen(dir) >= sizeof path) {
        snprintf(err, errlen, "--dest needs a directory name");
        return CV_EINVAL;
    }
    snprintf(path, sizeof path, "%s", dir);
    for (;;) {
        struct stat st;
        if (stat(path, &st) == 0) {
            if (!S_ISDIR(st.st_mode)) {
                snprintf(err, errlen, "--dest %s: %s is not a directory", dir, path);
                return CV_EINVAL;
            }
            if (access(path, W_OK | X_OK) != 0) {
                snprintf(err, errlen, "--dest %s: %s is not writable", dir, path);
                return CV_EINVAL;
            }
            return 0;
        }
        if (errno != ENOENT) {
            snprintf(err, errlen, "--dest %s: %s: %s", dir, path, strerror(errno));
            return CV_EINVAL;
        }
        char *slash = strrchr(path, '/');
        while (slash != NULL && slash > path && slash[1] == '\0') {
            *slash = '\0'; /* trailing slashes */
            slash = strrchr(path, '/');
        }
        if (slash == NULL)
            snprintf(path, sizeof path, ".");
        else if (slash == path)
            path[1] = '\0';
        else
            *slash = '\0';
    }
}

static int validate_flags(const cv_opts *opts, char *err, size_t errlen)
{
    for (size_t i = 0; i < opts->npos; i++)
        if (!valid_code_arg(opts->pos[i])) {
            snprintf(err, errlen, "each CC argument must be A to Z or AA to ZZ, not '%.40s'",
                     opts->pos[i]);
            return CV_EINVAL;
        }
    const char *server = cv_opts_str(opts, "server");
    const char *label = server_label(server);
    if (label == NULL && !is_url(server)) {
        snprintf(err, errlen,
                 "--server takes LOCAL, DELAY, ERROR, REMOTE or an http(s):// URL, not '%.60s'",
                 server);
        return CV_EINVAL;
    }
    /* --speed divides the embedded server's delays; a site we do not run
     * answers at its own pace, so a sped-up clock would only mislead. */
    if (!embedded(label) && cv_opts_given(opts, "speed") && cv_opts_num(opts, "speed") != 1) {
        snprintf(err, errlen,
                 "--speed needs the embedded server (-s LOCAL, DELAY or ERROR): "
                 "a remote site cannot be sped up");
        return CV_EINVAL;
    }
    if (!embedded(label) && (cv_opts_given(opts, "delay") || cv_opts_given(opts, "error-rate") ||
                             cv_opts_given(opts, "seed"))) {
        snprintf(err, errlen,
                 "--delay, --error-rate and --seed set up the embedded server "
                 "(-s LOCAL, DELAY or ERROR)");
        return CV_EINVAL;
    }
    return check_dest(cv_opts_str(opts, "dest"), err, errlen);
}

/* The book's expand_cc_args: sorted, unique, cut to --limit; POP20 when
 * nothing was asked for.  Returns the number of codes in out. */
static size_t expand_codes(const cv_opts *opts, char (*out)[3])
{
    bool want[EVERY_CODE] = {false};
    if (cv_opts_flag(opts, "every")) {
        for (size_t i = 0; i < EVERY_CODE; i++)
            want[i] = true;
    } else if (cv_opts_flag(opts, "all")) {
        for (size_t i = 0; i < cv_flag_count(); i++) {
            const char *cc = cv_flag_at(i)->cc;
            want[(cc[0] - 'A') * 26 + (cc[1] - 'A')] = true;
        }
    } else {
        for (size_t i = 0; i < opts->npos; i++) {
            const char *a = opts->pos[i];
            int first = (a[0] & ~0x20) - 'A';
            if (a[1] == '\0')
                for (int k = 0; k < 26; k++)
                    want[first * 26 + k] = true;
            else
                want[first * 26 + ((a[1] & ~0x20) - 'A')] = true;
        }
    }
    bool none = true;
    for (size_t i = 0; i < EVERY_CODE && none; i++)
        none = !want[i];
    if (none)
        for (size_t i = 0; i < 20; i++)
            want[(cv_pop20[i][0] - 'A') * 26 + (cv_pop20[i][1] - 'A')] = true;
    size_t limit = cv_opts_given(opts, "limit") ? (size_t)cv_opts_int(opts, "limit") : EVERY_CODE;
    size_t n = 0;
    for (size_t i = 0; i < EVERY_CODE && n < limit; i++)
        if (want[i]) {
            out[n][0] = (char)('A' + i / 26);
            out[n][1] = (char)('A' + i % 26);
            out[n][2] = '\0';
            n++;
        }
    return n;
}

/* ---- the report ---- */

static int actual_req(const cv_opts *opts, enum mode m, size_t n)
{
    long long req = cv_opts_given(opts, "max-req") ? cv_opts_int(opts, "max-req") : default_req[m];
    if (req > max_req[m])
        req = max_req[m];
    if ((size_t)req > n)
        req = (long long)n;
    return req < 1 ? 1 : (int)req;
}

static void initial_report(const cv_flags__ctx *ctx, char (*codes)[3], size_t n, int req)
{
    cv_run_log(ctx->run, "%s site: %s", ctx->label, ctx->base_url);
    char msg[64];
    if (n <= 10) {
        size_t used = 0;
        msg[0] = '\0';
        for (size_t i = 0; i < n; i++)
            used += (size_t)snprintf(msg + used, sizeof msg - used, "%s%s", i ? ", " : "", codes[i]);
    } else {
        snprintf(msg, sizeof msg, "from %.2s to %.2s", codes[0], codes[n - 1]);
    }
    cv_run_log(ctx->run, "Searching for %zu flag%s: %s", n, n != 1 ? "s" : "", msg);
    if (req == 1)
        cv_run_log(ctx->run, "1 connection will be used.");
    else
        cv_run_log(ctx->run, "%d concurrent connections will be used.", req);
}

static void final_report(const cv_flags__ctx *ctx, const cv_flags__tally *t)
{
    cv_run_log(ctx->run, "--------------------");
    cv_run_log(ctx->run, "%3d flag%s downloaded.", t->ok, t->ok != 1 ? "s" : "");
    if (t->not_found)
        cv_run_log(ctx->run, "%3d not found.", t->not_found);
    if (t->errors)
        cv_run_log(ctx->run, "%3d error%s.", t->errors, t->errors != 1 ? "s" : "");
    cv_run_log(ctx->run, "Elapsed time: %.2fs", t->elapsed);
}

/* Runs one mode over the codes with the book's reports around it. */
static int run_mode(const cv_flags__ctx *ctx, enum mode m, char (*codes)[3], size_t n,
                    cv_flags__tally *t)
{
    int req = actual_req(ctx->run->opts, m, n);
    initial_report(ctx, codes, n, req);
    cv_flags__job *jobs = calloc(n, sizeof *jobs);
    if (jobs == NULL)
        return CV_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        jobs[i].ctx = ctx;
        memcpy(jobs[i].cc, codes[i], 3);
    }
    *t = (cv_flags__tally){0};
    int64_t t0 = cv_clock_mono_ns();
    int rc = CV_OK;
    switch (m) {
    case MODE_SEQUENTIAL: cv_flags__sequential(ctx, jobs, n, t); break;
    case MODE_THREADPOOL: rc = cv_flags__threadpool(ctx, jobs, n, req, t); break;
    default: rc = cv_flags__async(ctx, jobs, n, req, t); break;
    }
    t->elapsed = (double)(cv_clock_mono_ns() - t0) / 1e9 * ctx->run->speed; /* demo seconds */
    if (ctx->bar && t->done < n)
        fputc('\n', stderr);
    free(jobs);
    if (rc != CV_OK) {
        cv_run_log(ctx->run, "%s mode failed: %s", mode_names[m], cv_strerror(rc));
        return rc;
    }
    final_report(ctx, t);
    return CV_OK;
}

/* --mode futures: the book's flags.py main around it, so no flags2
 * reports; flags_futures.c prints its own lines. */
static int run_futures(const cv_flags__ctx *ctx, char (*codes)[3], size_t n, int workers)
{
    cv_flags__job *jobs = calloc(n ? n : 1, sizeof *jobs);
    if (jobs == NULL)
        return CV_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        jobs[i].ctx = ctx;
        memcpy(jobs[i].cc, codes[i], 3);
    }
    cv_flags__tally t = {0};
    int rc = cv_flags__futures(ctx, jobs, n, workers, &t);
    if (rc != CV_OK)
        cv_run_log(ctx->run, "futures mode failed: %s", cv_strerror(rc));
    free(jobs);
    return rc;
}

/* Each connection to the embedded server costs two descriptors in this
 * process (client and server end), so -m 1000 needs more than the usual
 * soft limit of 1024: raise it towards the hard limit, as servers do. */
static void raise_fd_limit(rlim_t need)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= need)
        return;
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > need ? need : rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
}

/* mkdir -p; 0, or CV_EIO with errno set. */
static int make_dirs(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s", dir);
    for (char *p = path + 1; *p != '\0'; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST)
            return CV_EIO;
        *p = '/';
    }
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        return CV_EIO;
    struct stat st;
    if (stat(path, &st) != 0)
        return CV_EIO;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return CV_EIO;
    }
    return 0;
}

static cv_flagserver *start_server(const cv_opts *opts, const char *label, double speed,
                                   char *err, size_t errlen)
{
    cv_flagserver_config cfg = {0};
    if (strcmp(label, "DELAY") == 0 || strcmp(label, "ERROR") == 0) {
        cfg.delay_min = 0.5;
        cfg.delay_max = 5.0;
    }
    if (strcmp(label, "ERROR") == 0)
        cfg.error_rate = 0.25;
    if (cv_opts_given(opts, "delay"))
        cfg.delay_min = cfg.delay_max = cv_opts_num(opts, "delay");
    if (cv_opts_given(opts, "error-rate"))
        cfg.error_rate = cv_opts_num(opts, "error-rate");
    /* Delays are demo seconds, like every sleep of a run: at --speed 10 a
     * 1 s delay waits 0.1 s, and the table shows it as 1 s of demo time. */
    cfg.delay_min /= speed;
    cfg.delay_max /= speed;
    cfg.seed = cv_opts_given(opts, "seed") ? (unsigned long long)cv_opts_int(opts, "seed")
                                           : (unsigned long long)cv_clock_wall_ns();
    return cv_flagserver_start(&cfg, err, errlen);
}

/* A mark that tells the UI about a section of the comparison (event.h):
 * CV_MARK_SECTION_PLAN for each at the start, CV_MARK_SECTION as it starts.
 * The UI puts each section on its own axis from these, never from the
 * "*** mode ***" lines, which are only what the book prints. */
static void section_mark(cv_run *run, int code, int m)
{
    if (run->bus == NULL)
        return;
    cv_event ev = {.kind = CV_EV_MARK, .lane = (int16_t)cv_bus_lane(run->bus), .code = code,
                   .ref = (uint64_t)m, .text = strdup(mode_names[m])};
    cv_publish(run->bus, &ev);
}

/* The run after the codes are known: the server, the mode(s), the end. */
static int run_codes(cv_flags__ctx *ctx, char (*codes)[3], size_t n)
{
    cv_run *run = ctx->run;
    const cv_opts *opts = run->opts;

    if (cv_fetch_global_init() != CV_OK) {
        cv_run_log(run, "error: libcurl failed to initialise");
        return 1;
    }
    if (make_dirs(ctx->dest) != 0) {
        cv_run_log(run, "error: cannot create --dest %s: %s", ctx->dest, strerror(errno));
        return 1;
    }

    const char *server = cv_opts_str(opts, "server");
    const char *label = server_label(server);
    cv_flagserver *srv = NULL;
    if (embedded(label)) {
        char err[256];
        srv = start_server(opts, label, run->speed, err, sizeof err);
        if (srv == NULL) {
            cv_run_log(run, "error: cannot start the flag server: %s", err);
            return 1;
        }
        snprintf(ctx->label, sizeof ctx->label, "%s", label);
        snprintf(ctx->base_url, sizeof ctx->base_url, "%s", cv_flagserver_url(srv));
    } else {
        snprintf(ctx->label, sizeof ctx->label, "%s", label ? label : "URL");
        snprintf(ctx->base_url, sizeof ctx->base_url, "%s", label ? REMOTE_URL : server);
        size_t len = strlen(ctx->base_url);
        while (len > 0 && ctx->base_url[len - 1] == '/')
            ctx->base_url[--len] = '\0';
    }

    raise_fd_limit((rlim_t)(3 * (size_t)actual_req(opts, MODE_THREADPOOL, n) + 256));
    const char *mode = cv_opts_str(opts, "mode");
    int status = 0;
    if (strcasecmp(mode, "compare") == 0) {
        cv_flags__tally t[MODE_COUNT] = {0};
        int ran = 0;
        for (int m = 0; m < MODE_COUNT; m++)
            section_mark(run, CV_MARK_SECTION_PLAN, m);
        for (int m = 0; m < MODE_COUNT && !cv_run_stopping(run); m++, ran++) {
            section_mark(run, CV_MARK_SECTION, m);
            cv_run_log(run, "*** %s ***", mode_names[m]);
            if (run_mode(ctx, (enum mode)m, codes, n, &t[m]) != CV_OK)
                status = 1;
        }
        cv_run_log(run, "====================");
        cv_run_log(run, "%-11s %8s %11s %10s %7s", "mode", "elapsed", "downloaded", "not found",
                   "errors");
        for (int m = 0; m < ran; m++)
            cv_run_log(run, "%-11s %7.2fs %11d %10d %7d%s", mode_names[m], t[m].elapsed,
                       t[m].ok, t[m].not_found, t[m].errors,
                       t[m].interrupted ? "  (interrupted)" : "");
    } else if (strcasecmp(mode, "futures") == 0) {
        /* The book's max_workers=3, unless -m says otherwise. */
        int workers = cv_opts_given(opts, "max-req") ? (int)cv_opts_int(opts, "max-req") : 3;
        if (run_futures(ctx, codes, n, workers) != CV_OK)
            status = 1;
    } else {
        enum mode m = MODE_THREADPOOL;
        for (int k = 0; k < MODE_COUNT; k++)
            if (strcasecmp(mode, mode_names[k]) == 0)
                m = (enum mode)k;
        cv_flags__tally t;
        if (run_mode(ctx, m, codes, n, &t) != CV_OK)
            status = 1;
    }
    cv_flagserver_stop(srv);
    return status;
}

static int run_flags(cv_run *run)
{
    const cv_opts *opts = run->opts;
    cv_flags__ctx ctx = {.run = run, .dest = cv_opts_str(opts, "dest"),
                     .timeout = cv_opts_num(opts, "timeout") / run->speed, /* demo seconds */
                     .verbose = cv_opts_flag(opts, "verbose")};
    bool headless = cv_opts_flag(opts, "headless") || !isatty(STDOUT_FILENO);
    ctx.bar = headless && !ctx.verbose && isatty(STDERR_FILENO);

    char(*codes)[3] = calloc(EVERY_CODE, sizeof *codes);
    if (codes == NULL) {
        cv_run_log(run, "error: out of memory");
        return 1;
    }
    size_t n = expand_codes(opts, codes);
    int status = run_codes(&ctx, codes, n);
    free(codes);
    return status;
}

const cv_scenario cv_scenario_flags = {
    .name = "flags",
    .summary = "flags2: download flags sequentially, with a thread pool, or on an event loop",
    .options = flags_options,
    .max_positional = CV_OPTS_MAX_POS,
    .positional_usage = "[CC ...]  (country codes; one letter X means XA..XZ; default: the 20 most populous)",
    .validate = validate_flags,
    .run = run_flags,
};
