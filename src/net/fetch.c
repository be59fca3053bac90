/*
 * A download is an easy handle writing into a growing buffer.  The setup
 * lives in one function so that the easy interface here and the multi
 * interface in fetch_multi.c make identical requests: HTTP(S) only (also
 * across redirects, which are followed as httpx's follow_redirects does),
 * no signals (libcurl runs on many threads at once), a timeout for the
 * whole transfer, and a progress callback that lets the run abort it.
 * Classifying the outcome also lives in one function, so both interfaces
 * report in the same words.
 *
 * Two things make downloads run at the network's speed rather than at the
 * client's:
 *
 *   - A quick ACK after each read.  A server that writes the headers and
 *     the body in two sends (CPython's http.server does) holds the body
 *     back under Nagle until the headers are acknowledged, and on a reused
 *     connection Linux delays that ACK by up to 40 ms.  So the status line
 *     and every piece of body we are handed, each just read, are followed
 *     by TCP_QUICKACK on the connection's socket, which sends the pending
 *     ACK at once.  libcurl does not hand a running transfer its socket:
 *     the multi interface sees each socket become readable (fetch_multi.c),
 *     a kept handle learns its socket from its open-socket callback.  A socket option set once would not do: the kernel
 *     leaves quick-ACK mode by itself when the traffic looks interactive.
 *   - One kept easy handle per thread for cv_fetch_run(), whose connection
 *     cache keeps the connection alive for the thread's next request, as a
 *     requests.Session per worker would.  curl_easy_reset() clears the
 *     options between requests but keeps the connections; a thread-specific
 *     key frees the handle when its thread ends.
 */
#include "fetch.h"

#include <curl/curl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "future.h"

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc = CURLE_FAILED_INIT;

static void global_init(void)
{
    global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

int cv_fetch_global_init(void)
{
    pthread_once(&global_once, global_init);
    return global_rc == CURLE_OK ? CV_OK : CV_EFAILED;
}

const char *cv_http_reason(long status)
{
    static const struct {
        long status;
        const char *phrase;
    } phrases[] = {
        {200, "OK"}, {201, "Created"}, {202, "Accepted"}, {204, "No Content"},
        {301, "Moved Permanently"}, {302, "Found"}, {303, "See Other"},
        {304, "Not Modified"}, {307, "Temporary Redirect"}, {308, "Permanent Redirect"},
        {400, "Bad Request"}, {401, "Unauthorized"}, {403, "Forbidden"},
        {404, "Not Found"}, {405, "Method Not Allowed"}, {406, "Not Acceptable"},
        {408, "Request Timeout"}, {409, "Conflict"}, {410, "Gone"},
        {413, "Request Entity Too Large"}, {414, "Request-URI Too Long"},
        {418, "I'm a Teapot"}, {429, "Too Many Requests"},
        {500, "Internal Server Error"}, {501, "Not Implemented"}, {502, "Bad Gateway"},
        {503, "Service Unavailable"}, {504, "Gateway Timeout"},
    };
    for (size_t i = 0; i < sizeof phrases / sizeof phrases[0]; i++)
        if (phrases[i].status == status)
            return phrases[i].phrase;
    return "Unknown";
}

void cv_fetch_init(cv_fetch *f, const char *url, double timeout_s)
{
    memset(f, 0, sizeof *f);
    snprintf(f->url, sizeof f->url, "%s", url);
    f->timeout_s = timeout_s;
    f->outcome = CV_FETCH_ERROR;
}

void cv_fetch_free(cv_fetch *f)
{
    free(f->body);
    f->body = NULL;
    f->len = f->cap_ = 0;
}

/* The socket of this thread's kept handle's latest connection, which the
 * handle's open- and close-socket callbacks keep up to date: libcurl does
 * not tell an easy transfer its socket while it runs. */
static _Thread_local curl_socket_t kept_sock = CURL_SOCKET_BAD;

static curl_socket_t open_kept_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
    (void)arg, (void)purpose;
    curl_socket_t fd = socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
    if (fd != CURL_SOCKET_BAD)
        kept_sock = fd;
    return fd;
}

static int close_kept_socket(void *arg, curl_socket_t fd)
{
    (void)arg;
    if (fd == kept_sock)
        kept_sock = CURL_SOCKET_BAD;
    return close(fd);
}

/* Sends the ACK for what was just read now rather than up to 40 ms later
 * (see the top of the file).  Best effort: without TCP_QUICKACK, or on a
 * socket that is not TCP, nothing happens. */
bool cv_fetch_quick_ack_socket(int fd)
{
#ifdef TCP_QUICKACK
    int one = 1;
    return fd >= 0 && setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one) == 0;
#else
    (void)fd;
    return false;
#endif
}

/* Set when a multi transfer on this thread has read something; see
 * cv_fetch__take_reads(). */
static _Thread_local bool multi_read;

bool cv_fetch__take_reads(void)
{
    bool was = multi_read;
    multi_read = false;
    return was;
}

/* After a read: a kept handle acknowledges on its socket; a multi
 * transfer, whose socket it does not know, tells fetch_multi.c. */
static void quick_ack(cv_fetch *f)
{
    if (!f->kept_)
        multi_read = true;
    else if (cv_fetch_quick_ack_socket(kept_sock))
        f->quick_acks++;
}

/* Header lines arrive from one read; the status line stands for them. */
static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
    size_t len = size * n;
    if (len >= 5 && memcmp(data, "HTTP/", 5) == 0)
        quick_ack(arg);
    return len;
}

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
    cv_fetch *f = arg;
    size_t add = size * n;
    quick_ack(f);
    if (add > CV_FETCH_MAX_BODY - f->len)
        return 0; /* too long: libcurl ends the transfer with a write error */
    if (f->len + add > f->cap_) {
        size_t cap = f->cap_ ? f->cap_ : 4096;
        while (cap < f->len + add)
            cap *= 2;
        unsigned char *body = realloc(f->body, cap);
        if (body == NULL)
            return 0;
        f->body = body;
        f->cap_ = cap;
    }
    memcpy(f->body + f->len, data, add);
    f->len += add;
    return add;
}

static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    cv_fetch *f = arg;
    if (f->abort_fn != NULL && f->abort_fn(f->abort_ctx)) {
        f->aborted = true;
        return 1;
    }
    return 0;
}

/* Sets easy up for f's request. */
static void setup(CURL *easy, cv_fetch *f)
{
    long timeout_ms = f->timeout_s > 0 ? (long)(f->timeout_s * 1000 + 0.5) : 0;
    f->errbuf_[0] = '\0';
    curl_easy_setopt(easy, CURLOPT_URL, f->url);
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(easy, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    curl_easy_setopt(easy, CURLOPT_USERAGENT, "concviz/" CV_VERSION);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, f);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, f);
    curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(easy, CURLOPT_XFERINFODATA, f);
    curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, f->errbuf_);
    curl_easy_setopt(easy, CURLOPT_PRIVATE, f);
}

void *cv_fetch_easy_new(cv_fetch *f)
{
    f->outcome = CV_FETCH_ERROR;
    if (cv_fetch_global_init() != CV_OK) {
        snprintf(f->error, sizeof f->error, "libcurl failed to initialise");
        return NULL;
    }
    CURL *easy = curl_easy_init();
    if (easy == NULL) {
        snprintf(f->error, sizeof f->error, "out of memory");
        return NULL;
    }
    setup(easy, f);
    return easy;
}

void cv_fetch_complete(cv_fetch *f, void *easy, int curl_code)
{
    f->curl_code = curl_code;
    f->timed_out = curl_code == CURLE_OPERATION_TIMEDOUT && !f->aborted;
    f->status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &f->status);
    if (curl_code != CURLE_OK) {
        f->outcome = CV_FETCH_ERROR;
        if (f->aborted)
            snprintf(f->error, sizeof f->error, "stopped by the user");
        else if (curl_code == CURLE_WRITE_ERROR && f->len > 0)
            snprintf(f->error, sizeof f->error, "response longer than %u bytes, or out of memory",
                     CV_FETCH_MAX_BODY);
        else
            snprintf(f->error, sizeof f->error, "%.*s", (int)sizeof f->error - 1,
                     f->errbuf_[0] ? f->errbuf_ : curl_easy_strerror((CURLcode)curl_code));
        size_t len = strlen(f->error);
        while (len > 0 && (f->error[len - 1] == '\n' || f->error[len - 1] == ' '))
            f->error[--len] = '\0';
        return;
    }
    if (f->status >= 200 && f->status < 300) {
        f->outcome = CV_FETCH_OK;
        f->error[0] = '\0';
    } else if (f->status == 404) {
        f->outcome = CV_FETCH_NOT_FOUND;
        f->error[0] = '\0';
    } else {
        f->outcome = CV_FETCH_ERROR;
        snprintf(f->error, sizeof f->error, "HTTP error %ld - %s", f->status,
                 cv_http_reason(f->status));
    }
}

/* ---- the thread's kept handle ---- */

static pthread_once_t kept_once = PTHREAD_ONCE_INIT;
static pthread_key_t kept_key;
static bool kept_ok;

static void kept_free(void *easy)
{
    curl_easy_cleanup(easy);
}

static void kept_init(void)
{
    kept_ok = pthread_key_create(&kept_key, kept_free) == 0;
}

/* This thread's handle, made on first use; NULL without memory. */
static CURL *kept_handle(void)
{
    pthread_once(&kept_once, kept_init);
    if (!kept_ok)
        return NULL;
    CURL *easy = pthread_getspecific(kept_key);
    if (easy != NULL) {
        curl_easy_reset(easy);
        return easy;
    }
    easy = curl_easy_init();
    if (easy != NULL && pthread_setspecific(kept_key, easy) != 0) {
        curl_easy_cleanup(easy);
        easy = NULL;
    }
    return easy;
}

void cv_fetch_thread_done(void)
{
    pthread_once(&kept_once, kept_init);
    if (!kept_ok)
        return;
    CURL *easy = pthread_getspecific(kept_key);
    if (easy != NULL) {
        pthread_setspecific(kept_key, NULL);
        curl_easy_cleanup(easy);
    }
}

int cv_fetch_run(cv_fetch *f)
{
    f->outcome = CV_FETCH_ERROR;
    if (cv_fetch_global_init() != CV_OK) {
        snprintf(f->error, sizeof f->error, "libcurl failed to initialise");
        return f->outcome;
    }
    CURL *easy = kept_handle();
    if (easy == NULL) {
        snprintf(f->error, sizeof f->error, "out of memory");
        return f->outcome;
    }
    setup(easy, f);
    f->kept_ = true;
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, open_kept_socket);
    curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, close_kept_socket);
    CURLcode rc = curl_easy_perform(easy);
    cv_fetch_complete(f, easy, (int)rc);
    f->kept_ = false;
    return f->outcome;
}
