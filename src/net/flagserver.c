/*
 * The flag server runs libmicrohttpd with one thread per connection
 * (MHD_USE_THREAD_PER_CONNECTION with the internal polling thread).  A
 * request's delay is then just a wait in its own thread, and the code reads
 * top to bottom like the book's slow_server.py: wait, maybe answer 418, else
 * look the file up.  The price, a thread per open connection, is nothing at
 * the few dozen connections a demo opens.  Suspend/resume with a timer
 * thread would scale further but would split each request in two.
 *
 * Delays are timed waits on one notice (notice.h) that stop() sets, so
 * stopping never waits for a delay to run out: a
 * woken request is dropped, and MHD_stop_daemon() then closes the sockets
 * and joins the threads.
 *
 * Request n's delay and its 418 decision are two draws from a counter-based
 * hash of (seed, n, stream), so they need no lock and a fixed seed gives the
 * same decisions for the same request numbers however the threads
 * interleave; over N requests the number of 418s is therefore reproducible.
 *
 * GIFs are encoded on first request, under a mutex, and kept until stop(),
 * so every later answer is a response over a buffer that never moves.
 *
 * Guards, for a server that others can reach.  libmicrohttpd's own timeout
 * counts idle time, so a client sending one byte every 20 s would hold its
 * connection (and its thread) for ever, and its own connection limits
 * close the surplus without a word.  So every connection gets a record
 * (MHD_OPTION_NOTIFY_CONNECTION), kept on a list under a mutex:
 *
 *   - A guard thread looks at the list a few times a second and shuts down
 *     the socket of a connection whose request headers are not all in by
 *     the deadline; libmicrohttpd then reads the end of the stream and
 *     closes it.  The record leaves the list (under the mutex) before
 *     libmicrohttpd closes the socket, so the guard never touches a
 *     descriptor that has been reused.
 *   - A connection that arrives while its client address, or everyone,
 *     holds the limit already is marked over; its request is answered 503
 *     with "Connection: close", without the delay.  libmicrohttpd's limits
 *     sit a little above ours, a hard stop for the answers' own threads.
 */
#include "flagserver.h"

#include <math.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "flagdata.h"
#include "flaggif.h"
#include "list.h"
#include "notice.h"

#define HTTP_TEAPOT 418
#define MAX_DELAY_SECONDS 3600.0
/* Idle keep-alive connections are closed after this many seconds. */
#define IDLE_TIMEOUT 30
/* How often the guard looks for late headers, in seconds. */
#define GUARD_PERIOD 0.1
/* Connections libmicrohttpd accepts beyond ours, to answer them 503. */
#define LIMIT_SLACK 32

/* One open connection, for the guards (see the top of the file). */
typedef struct conn_rec {
    cv_list node; /* on the server's conns */
    int fd;
    struct sockaddr_storage addr;
    int64_t since_ns;  /* when it began waiting for request headers */
    bool in_request;   /* the headers are in; an answer is being made */
    bool over;         /* beyond a limit: answer 503 */
    bool shut;         /* the guard shut it down */
} conn_rec;

struct cv_flagserver {
    struct MHD_Daemon *daemon;
    int port;
    char url[96];

    double delay_min, delay_max, error_rate;
    uint64_t seed;
    bool log_requests;
    FILE *log;
    void (*on_request)(void *ctx, const cv_flagserver_request *r);
    void *on_request_ctx;

    /* Set by stop(); requests wait out their delay on it. */
    cv_notice stopping;

    /* Guards the start-up error text that MHD's logger fills in. */
    pthread_mutex_t err_mu;
    bool starting;
    char start_err[160];

    pthread_mutex_t log_mu;

    pthread_mutex_t cache_mu;
    unsigned char **gif;
    size_t *gif_len;

    atomic_ullong next; /* the number the next request gets */
    atomic_ullong ok, not_found, teapots, other, aborted, busy, too_slow;

    /* The guards. */
    double header_timeout;
    unsigned per_client_limit, connection_limit;
    pthread_mutex_t conns_mu;
    cv_list conns; /* conn_rec */
    pthread_t guard;
    bool guard_started;
};

/* splitmix64's finaliser: a good 64-bit mix of a counter. */
static uint64_t mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* A uniform draw in [0, 1) for request n; stream 0 is the delay, 1 the
 * error decision. */
static double draw(uint64_t seed, uint64_t n, uint64_t stream)
{
    uint64_t x = mix(seed ^ mix(n * 2 + stream));
    return (double)(x >> 11) * 0x1.0p-53;
}

/* Waits `seconds` unless stop() comes first; false if it did. */
static bool wait_unless_stopping(cv_flagserver *s, double seconds)
{
    return !cv_notice_wait_for(&s->stopping, seconds);
}

/* The cached GIF for f, encoding it on first use.  Returns 0 or the
 * encoder's error. */
static int cached_gif(cv_flagserver *s, const cv_flag_info *f, unsigned char **data, size_t *len)
{
    size_t i = cv_flag_index(f);
    int rc = 0;
    pthread_mutex_lock(&s->cache_mu);
    if (s->gif[i] == NULL)
        rc = cv_flag_gif(f, &s->gif[i], &s->gif_len[i]);
    *data = s->gif[i];
    *len = s->gif_len[i];
    pthread_mutex_unlock(&s->cache_mu);
    return rc;
}

/* Appends s to a JSON document as a quoted string. */
static size_t json_string(char *buf, size_t cap, const char *s)
{
    size_t n = 0;
    if (n < cap)
        buf[n++] = '"';
    for (; *s != '\0' && n + 2 < cap; s++) {
        if (*s == '"' || *s == '\\')
            buf[n++] = '\\';
        buf[n++] = *s;
    }
    if (n < cap)
        buf[n++] = '"';
    return n;
}

static struct MHD_Response *text_response(const char *text)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
    if (r != NULL)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
    return r;
}

static struct MHD_Response *metadata_response(const cv_flag_info *f)
{
    char buf[256], tld[4];
    size_t n = 0;
    cv_flag_tld(f, tld);
    n += (size_t)snprintf(buf + n, sizeof buf - n, "{\"country\": ");
    n += json_string(buf + n, sizeof buf - n, f->name);
    n += (size_t)snprintf(buf + n, sizeof buf - n, ", \"iso_cc\": \"%s\", \"tld_cc\": \"%s\"}\n", f->cc, tld);
    if (n >= sizeof buf)
        return NULL;
    struct MHD_Response *r = MHD_create_response_from_buffer(n, buf, MHD_RESPMEM_MUST_COPY);
    if (r != NULL)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    return r;
}

/* Finds the file that url names: sets *status and returns its response.
 * Only /flags/<cc>/<cc>.gif and /flags/<cc>/metadata.json exist, for the
 * codes of flagdata.h; everything after "/flags/" is case-insensitive. */
static struct MHD_Response *route(cv_flagserver *s, const char *url, int *status)
{
    static const char prefix[] = "/flags/";
    const cv_flag_info *f = NULL;
    const char *file = NULL;
    if (strncmp(url, prefix, sizeof prefix - 1) == 0) {
        const char *p = url + sizeof prefix - 1;
        char cc[3] = {0};
        if (p[0] != '\0' && p[1] != '\0' && p[2] == '/') {
            cc[0] = p[0];
            cc[1] = p[1];
            f = cv_flag_find(cc);
            file = p + 3;
        }
    }
    if (f != NULL && strcasecmp(file, "metadata.json") == 0) {
        *status = MHD_HTTP_OK;
        return metadata_response(f);
    }
    if (f != NULL && strlen(file) == 6 && strncasecmp(file, f->cc, 2) == 0 &&
        strcasecmp(file + 2, ".gif") == 0) {
        unsigned char *data;
        size_t len;
        if (cached_gif(s, f, &data, &len) != 0) {
            *status = MHD_HTTP_INTERNAL_SERVER_ERROR;
            return text_response("500 Internal Server Error: cannot encode the flag\n");
        }
        struct MHD_Response *r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_PERSISTENT);
        if (r != NULL)
            MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "image/gif");
        *status = MHD_HTTP_OK;
        return r;
    }
    *status = MHD_HTTP_NOT_FOUND;
    return text_response("404 Not Found\n");
}

/* Copies text for a log line: at most `max` bytes, unprintable bytes as
 * '?', and "..." when cut. */
static void printable(char *out, size_t cap, const char *in, size_t max)
{
    size_t n = 0;
    for (; *in != '\0' && n < max && n + 4 < cap; in++)
        out[n++] = (*in >= 0x20 && *in < 0x7f) ? *in : '?';
    if (*in != '\0' && n + 3 < cap) {
        memcpy(out + n, "...", 3);
        n += 3;
    }
    out[n] = '\0';
}

static void log_line(cv_flagserver *s, const cv_flagserver_request *r)
{
    char method[24], path[136], when[16];
    struct timespec now;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &now);
    localtime_r(&now.tv_sec, &tm);
    strftime(when, sizeof when, "%H:%M:%S", &tm);
    printable(method, sizeof method, r->method, 16);
    printable(path, sizeof path, r->path, 120);
    pthread_mutex_lock(&s->log_mu);
    fprintf(s->log, "%s.%03ld %s %s %d delay %.3fs\n", when, now.tv_nsec / 1000000L, method, path,
            r->status, r->delay);
    fflush(s->log);
    pthread_mutex_unlock(&s->log_mu);
}

static void count(cv_flagserver *s, int status)
{
    atomic_ullong *c = status == MHD_HTTP_OK          ? &s->ok
                       : status == MHD_HTTP_NOT_FOUND ? &s->not_found
                       : status == HTTP_TEAPOT        ? &s->teapots
                                                      : &s->other;
    atomic_fetch_add(c, 1);
}

/* ---- the guards ---- */

static conn_rec *rec_of(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info != NULL ? info->socket_context : NULL;
}

/* Headers in (true), or an answer sent and the next request awaited. */
static void set_in_request(cv_flagserver *s, struct MHD_Connection *conn, bool in)
{
    conn_rec *r = rec_of(conn);
    if (r == NULL)
        return;
    pthread_mutex_lock(&s->conns_mu);
    r->in_request = in;
    r->since_ns = cv_clock_mono_ns();
    pthread_mutex_unlock(&s->conns_mu);
}

static bool is_over(cv_flagserver *s, struct MHD_Connection *conn)
{
    conn_rec *r = rec_of(conn);
    pthread_mutex_lock(&s->conns_mu);
    bool over = r != NULL && r->over;
    pthread_mutex_unlock(&s->conns_mu);
    return over;
}

static enum MHD_Result answer_busy(cv_flagserver *s, struct MHD_Connection *conn)
{
    struct MHD_Response *resp = text_response("503 Service Unavailable: too many connections\n");
    if (resp == NULL)
        return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, "1");
    enum MHD_Result rc = MHD_queue_response(conn, MHD_HTTP_SERVICE_UNAVAILABLE, resp);
    MHD_destroy_response(resp);
    if (rc == MHD_YES)
        atomic_fetch_add(&s->busy, 1);
    return rc;
}

/* The same client: the same address, whatever the port. */
static bool same_client(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
    if (a->ss_family != b->ss_family)
        return false;
    if (a->ss_family == AF_INET)
        return memcmp(&((const struct sockaddr_in *)a)->sin_addr,
                      &((const struct sockaddr_in *)b)->sin_addr, sizeof(struct in_addr)) == 0;
    if (a->ss_family == AF_INET6)
        return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
                      &((const struct sockaddr_in6 *)b)->sin6_addr, sizeof(struct in6_addr)) == 0;
    return true;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    cv_flagserver *s = cls;
    conn_rec *r = *socket_context;
    if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        if (r != NULL) {
            pthread_mutex_lock(&s->conns_mu);
            cv_list_remove(&r->node);
            pthread_mutex_unlock(&s->conns_mu);
            free(r);
            *socket_context = NULL;
        }
        return;
    }
    r = calloc(1, sizeof *r);
    if (r == NULL)
        return; /* unguarded, but served */
    const union MHD_ConnectionInfo *fd = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    const union MHD_ConnectionInfo *addr = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    r->fd = fd != NULL ? fd->connect_fd : -1;
    if (addr != NULL && addr->client_addr != NULL)
        memcpy(&r->addr, addr->client_addr,
               addr->client_addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                        : sizeof(struct sockaddr_in));
    r->since_ns = cv_clock_mono_ns();
    unsigned mine = 0, all = 0;
    pthread_mutex_lock(&s->conns_mu);
    cv_list *it, *tmp;
    cv_list_foreach(it, tmp, &s->conns) {
        const conn_rec *o = cv_list_entry(it, conn_rec, node);
        if (o->over)
            continue;
        all++;
        if (same_client(&o->addr, &r->addr))
            mine++;
    }
    r->over = (s->per_client_limit > 0 && mine >= s->per_client_limit) ||
              (s->connection_limit > 0 && all >= s->connection_limit);
    cv_list_insert_head(&s->conns, &r->node);
    pthread_mutex_unlock(&s->conns_mu);
    *socket_context = r;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)req_cls, (void)toe;
    set_in_request(cls, conn, false);
}

/* Shuts down every connection whose headers are late (see the top). */
static void *guard_main(void *arg)
{
    cv_flagserver *s = arg;
    int64_t limit = (int64_t)(s->header_timeout * 1e9);
    while (!cv_notice_wait_for(&s->stopping, GUARD_PERIOD)) {
        int64_t now = cv_clock_mono_ns();
        pthread_mutex_lock(&s->conns_mu);
        cv_list *it, *tmp;
        cv_list_foreach(it, tmp, &s->conns) {
            conn_rec *r = cv_list_entry(it, conn_rec, node);
            if (!r->in_request && !r->shut && r->fd >= 0 && now - r->since_ns > limit) {
                /* Counted first, so that a client that sees the end of
                 * the stream also sees it in the stats. */
                atomic_fetch_add(&s->too_slow, 1);
                r->shut = true;
                shutdown(r->fd, SHUT_RDWR);
            }
        }
        pthread_mutex_unlock(&s->conns_mu);
    }
    return NULL;
}

/* Marks a request whose headers have been seen; never written. */
static const int headers_seen;

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
    cv_flagserver *s = cls;
    (void)version;
    (void)upload_data;
    /* The first call only announces the headers; a body, if any, arrives
     * in further calls and is thrown away; the last call answers. */
    if (*req_cls == NULL) {
        *req_cls = (void *)&headers_seen;
        set_in_request(s, conn, true);
        return MHD_YES;
    }
    if (*upload_data_size != 0) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (is_over(s, conn))
        return answer_busy(s, conn);

    int64_t arrived = cv_clock_mono_ns();
    unsigned long long n = atomic_fetch_add(&s->next, 1);
    double delay = s->delay_min + (s->delay_max - s->delay_min) * draw(s->seed, n, 0);
    if (delay > 0 && !wait_unless_stopping(s, delay)) {
        atomic_fetch_add(&s->aborted, 1);
        return MHD_NO;
    }

    int status;
    struct MHD_Response *resp;
    if (s->error_rate > 0 && draw(s->seed, n, 1) < s->error_rate) {
        status = HTTP_TEAPOT;
        resp = text_response("418 I'm a Teapot\n");
    } else if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
        status = MHD_HTTP_METHOD_NOT_ALLOWED;
        resp = text_response("405 Method Not Allowed\n");
        if (resp != NULL)
            MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    } else {
        resp = route(s, url, &status);
    }
    if (resp == NULL)
        return MHD_NO;
    enum MHD_Result rc = MHD_queue_response(conn, (unsigned int)status, resp);
    MHD_destroy_response(resp);
    if (rc != MHD_YES)
        return rc;
    /* Counted before the bytes leave, so a client that has its answer
     * also sees it in the stats. */
    count(s, status);

    cv_flagserver_request r = {
        .number = n,
        .method = method,
        .path = url,
        .status = status,
        .delay = delay,
        .seconds = (double)(cv_clock_mono_ns() - arrived) / 1e9,
    };
    if (s->log_requests)
        log_line(s, &r);
    if (s->on_request != NULL)
        s->on_request(s->on_request_ctx, &r);
    return MHD_YES;
}

/* MHD reports why it could not start through its logger; keep the last
 * message while starting and drop any later ones (they would scribble
 * over a terminal UI). */
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    cv_flagserver *s = cls;
    pthread_mutex_lock(&s->err_mu);
    if (s->starting) {
        vsnprintf(s->start_err, sizeof s->start_err, fmt, ap);
        s->start_err[strcspn(s->start_err, "\r\n")] = '\0';
    }
    pthread_mutex_unlock(&s->err_mu);
}

static int check_config(const cv_flagserver_config *c, char *err, size_t errlen)
{
    if (c->port < 0 || c->port > 65535) {
        snprintf(err, errlen, "port %d is not between 0 and 65535", c->port);
        return CV_EINVAL;
    }
    if (!(c->delay_min >= 0 && c->delay_min <= c->delay_max && c->delay_max <= MAX_DELAY_SECONDS)) {
        snprintf(err, errlen, "the delay range %g..%g s is not within 0..%g s with min <= max",
                 c->delay_min, c->delay_max, MAX_DELAY_SECONDS);
        return CV_EINVAL;
    }
    if (!(c->header_timeout >= 0 && c->header_timeout <= MAX_DELAY_SECONDS)) {
        snprintf(err, errlen, "the header timeout %g s is not within 0..%g s", c->header_timeout,
                 MAX_DELAY_SECONDS);
        return CV_EINVAL;
    }
    if (!(c->error_rate >= 0 && c->error_rate <= 1)) {
        snprintf(err, errlen, "the error rate %g is not between 0 and 1", c->error_rate);
        return CV_EINVAL;
    }
    return 0;
}

/* Resolves bind:port into *out, the first address found. */
static int resolve(const char *bind, int port, struct sockaddr_storage *out,
                   socklen_t *outlen, char *err, size_t errlen)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    char service[8];
    snprintf(service, sizeof service, "%d", port);
    int rc = getaddrinfo(bind, service, &hints, &res);
    if (rc != 0 || res == NULL) {
        snprintf(err, errlen, "cannot use address '%s': %s", bind, gai_strerror(rc));
        return CV_EINVAL;
    }
    memcpy(out, res->ai_addr, res->ai_addrlen);
    *outlen = res->ai_addrlen;
    freeaddrinfo(res);
    return 0;
}

/* "http://HOST:PORT/flags", HOST being the numeric bind address, or the
 * loopback address when bound to every address. */
static void make_url(cv_flagserver *s, const struct sockaddr_storage *addr, socklen_t len)
{
    char host[NI_MAXHOST] = "127.0.0.1";
    getnameinfo((const struct sockaddr *)addr, len, host, sizeof host, NULL, 0, NI_NUMERICHOST);
    bool v6 = addr->ss_family == AF_INET6;
    if (strcmp(host, "0.0.0.0") == 0)
        snprintf(host, sizeof host, "127.0.0.1");
    else if (strcmp(host, "::") == 0)
        snprintf(host, sizeof host, "::1");
    snprintf(s->url, sizeof s->url, "http://%s%.64s%s:%d/flags", v6 ? "[" : "", host, v6 ? "]" : "",
             s->port);
}

static void destroy(cv_flagserver *s)
{
    if (s->gif != NULL)
        for (size_t i = 0; i < cv_flag_count(); i++)
            free(s->gif[i]);
    free(s->gif);
    free(s->gif_len);
    cv_notice_destroy(&s->stopping);
    pthread_mutex_destroy(&s->err_mu);
    pthread_mutex_destroy(&s->log_mu);
    pthread_mutex_destroy(&s->cache_mu);
    pthread_mutex_destroy(&s->conns_mu);
    free(s);
}

cv_flagserver *cv_flagserver_start(const cv_flagserver_config *cfg, char *err, size_t errlen)
{
    char dummy[8];
    if (err == NULL || errlen == 0) {
        err = dummy;
        errlen = sizeof dummy;
    }
    err[0] = '\0';
    cv_flagserver_config defaults = {0};
    if (cfg == NULL)
        cfg = &defaults;
    if (check_config(cfg, err, errlen) != 0)
        return NULL;

    cv_flagserver *s = calloc(1, sizeof *s);
    if (s == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->delay_min = cfg->delay_min;
    s->delay_max = cfg->delay_max;
    s->error_rate = cfg->error_rate;
    s->seed = cfg->seed;
    s->log_requests = cfg->log_requests;
    s->log = cfg->log_file != NULL ? cfg->log_file : stdout;
    s->on_request = cfg->on_request;
    s->on_request_ctx = cfg->on_request_ctx;
    atomic_init(&s->next, 0);
    atomic_init(&s->ok, 0);
    atomic_init(&s->not_found, 0);
    atomic_init(&s->teapots, 0);
    atomic_init(&s->other, 0);
    atomic_init(&s->aborted, 0);
    atomic_init(&s->busy, 0);
    atomic_init(&s->too_slow, 0);
    s->header_timeout = cfg->header_timeout;
    s->per_client_limit = cfg->per_client_limit;
    s->connection_limit = cfg->connection_limit;
    pthread_mutex_init(&s->conns_mu, NULL);
    cv_list_init(&s->conns);

    cv_notice_init(&s->stopping);
    pthread_mutex_init(&s->err_mu, NULL);
    pthread_mutex_init(&s->log_mu, NULL);
    pthread_mutex_init(&s->cache_mu, NULL);
    s->gif = calloc(cv_flag_count(), sizeof *s->gif);
    s->gif_len = calloc(cv_flag_count(), sizeof *s->gif_len);
    if (s->gif == NULL || s->gif_len == NULL) {
        snprintf(err, errlen, "out of memory");
        destroy(s);
        return NULL;
    }

    const char *bind = cfg->bind != NULL && cfg->bind[0] != '\0' ? cfg->bind : "127.0.0.1";
    struct sockaddr_storage addr;
    socklen_t addrlen;
    if (resolve(bind, cfg->port, &addr, &addrlen, err, errlen) != 0) {
        destroy(s);
        return NULL;
    }

    unsigned int flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                         MHD_USE_AUTO | MHD_USE_ERROR_LOG;
    if (addr.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    s->starting = true;
    /* libmicrohttpd's hard limits, a little above ours (0: its default). */
    unsigned per_ip = s->per_client_limit > 0 ? s->per_client_limit + LIMIT_SLACK : 0;
    struct MHD_OptionItem limits[] = {
        {s->connection_limit > 0 ? MHD_OPTION_CONNECTION_LIMIT : MHD_OPTION_END,
         (intptr_t)(s->connection_limit + LIMIT_SLACK), NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    /* The logger comes first so that it hears about the options too. */
    s->daemon = MHD_start_daemon(flags, (uint16_t)cfg->port, NULL, NULL, on_request, s,
                                 MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, s,
                                 MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                                 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)IDLE_TIMEOUT,
                                 MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
                                 MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
                                 MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip,
                                 MHD_OPTION_ARRAY, limits,
                                 MHD_OPTION_END);
    pthread_mutex_lock(&s->err_mu);
    s->starting = false;
    pthread_mutex_unlock(&s->err_mu);
    if (s->daemon == NULL) {
        /* "Failed to bind to port 8000: Address already in use": the
         * address is said once, by us, and the reason is MHD's last words. */
        const char *why = strrchr(s->start_err, ':');
        if (why != NULL && why[1] == ' ' && why[2] != '\0')
            why += 2;
        else
            why = s->start_err[0] ? s->start_err : "libmicrohttpd would not start";
        snprintf(err, errlen, "cannot listen on %s port %d: %s", bind, cfg->port, why);
        destroy(s);
        return NULL;
    }
    if (s->header_timeout > 0) {
        if (pthread_create(&s->guard, NULL, guard_main, s) != 0) {
            snprintf(err, errlen, "cannot start a thread");
            MHD_stop_daemon(s->daemon);
            destroy(s);
            return NULL;
        }
        s->guard_started = true;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info != NULL && info->port != 0 ? info->port : cfg->port;
    make_url(s, &addr, addrlen);
    return s;
}

int cv_flagserver_port(const cv_flagserver *s)
{
    return s->port;
}

const char *cv_flagserver_url(const cv_flagserver *s)
{
    return s->url;
}

void cv_flagserver_stats(const cv_flagserver *s, struct cv_flagserver_stats *out)
{
    /* The counters are atomics; a const server is only read. */
    cv_flagserver *m = (cv_flagserver *)s;
    out->requests = atomic_load(&m->next);
    out->ok = atomic_load(&m->ok);
    out->not_found = atomic_load(&m->not_found);
    out->teapots = atomic_load(&m->teapots);
    out->other = atomic_load(&m->other);
    out->aborted = atomic_load(&m->aborted);
    out->busy = atomic_load(&m->busy);
    out->too_slow = atomic_load(&m->too_slow);
}

void cv_flagserver_stop(cv_flagserver *s)
{
    if (s == NULL)
        return;
    cv_notice_set(&s->stopping);
    if (s->guard_started)
        pthread_join(s->guard, NULL);
    /* Closes the listening socket and every connection, and joins their
     * threads; the ones that were waiting have just been woken. */
    MHD_stop_daemon(s->daemon);
    destroy(s);
}
