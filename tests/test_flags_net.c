/*
 * Flags at network speed, against a loopback server written here to behave
 * like CPython's http.server: HTTP/1.1 keep-alive, the headers and the body
 * in two separate sends, Nagle left on.  Against such a server a client
 * whose ACK of the headers is delayed (40 ms on Linux once a connection
 * looks interactive) waits that long for every body on a reused
 * connection.  The server counts the connections it accepts, so reuse is
 * checked by count, not by time: the sequential mode and the event loop
 * hold one connection, the thread pool one per worker.  The quick ACK is
 * checked by its counter and by a loose time bound on requests made one
 * after another over one connection: 30 of them take 1.2 s or more when
 * each waits for a delayed ACK, and a few ms each when none does.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fetch.h"
#include "run.h"
#include "scenarios.h"
#include "testutil.h"

#define MAX_CONNS 64
#define BODY_LEN 2000
#define NREQ 30

/* ---- a server that sends headers and body apart ---- */

typedef struct raw_server {
    int listen_fd;
    int port;
    pthread_t acceptor;
    pthread_t conns[MAX_CONNS];
    atomic_int nconns;
    atomic_int requests;
    atomic_bool stop;
} raw_server;

typedef struct conn_arg {
    raw_server *s;
    int fd;
} conn_arg;

/* Reads up to the end of one request's headers; false at end of stream
 * or on stop. */
static bool read_request(raw_server *s, int fd)
{
    char buf[4096];
    size_t n = 0;
    while (!atomic_load(&s->stop)) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 50) <= 0)
            continue;
        ssize_t got = recv(fd, buf + n, sizeof buf - 1 - n, 0);
        if (got <= 0)
            return false;
        n += (size_t)got;
        buf[n] = '\0';
        if (strstr(buf, "\r\n\r\n") != NULL)
            return true;
        if (n == sizeof buf - 1)
            return false;
    }
    return false;
}

static void *serve_conn(void *arg)
{
    conn_arg *c = arg;
    static char body[BODY_LEN];
    memset(body, 'G', sizeof body);
    char head[160];
    int hl = snprintf(head, sizeof head,
                      "HTTP/1.1 200 OK\r\nContent-Type: image/gif\r\nContent-Length: %d\r\n\r\n",
                      BODY_LEN);
    while (read_request(c->s, c->fd)) {
        atomic_fetch_add(&c->s->requests, 1);
        /* Two sends, as http.server's end_headers() and copyfile() do. */
        if (send(c->fd, head, (size_t)hl, MSG_NOSIGNAL) != hl ||
            send(c->fd, body, sizeof body, MSG_NOSIGNAL) != (ssize_t)sizeof body)
            break;
    }
    close(c->fd);
    free(c);
    return NULL;
}

static void *accept_loop(void *arg)
{
    raw_server *s = arg;
    while (!atomic_load(&s->stop)) {
        struct pollfd p = {.fd = s->listen_fd, .events = POLLIN};
        if (poll(&p, 1, 50) <= 0)
            continue;
        int fd = accept(s->listen_fd, NULL, NULL);
        if (fd < 0)
            continue;
        int k = atomic_load(&s->nconns);
        conn_arg *c = malloc(sizeof *c);
        if (k >= MAX_CONNS || c == NULL) {
            free(c);
            close(fd);
            continue;
        }
        *c = (conn_arg){.s = s, .fd = fd};
        /* Counted before the connection can answer: a client that got its
         * answer must see its connection counted (raw_stop joins only
         * after the acceptor has ended, so conns[k] is set by then). */
        atomic_store(&s->nconns, k + 1);
        if (pthread_create(&s->conns[k], NULL, serve_conn, c) != 0) {
            atomic_store(&s->nconns, k);
            free(c);
            close(fd);
            continue;
        }
    }
    return NULL;
}

static void raw_start(raw_server *s)
{
    memset(s, 0, sizeof *s);
    s->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(s->listen_fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(s->listen_fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(s->listen_fd, 64), 0);
    socklen_t len = sizeof a;
    getsockname(s->listen_fd, (struct sockaddr *)&a, &len);
    s->port = ntohs(a.sin_port);
    assert_int_equal(pthread_create(&s->acceptor, NULL, accept_loop, s), 0);
}

static void raw_stop(raw_server *s)
{
    atomic_store(&s->stop, true);
    pthread_join(s->acceptor, NULL);
    for (int i = 0; i < atomic_load(&s->nconns); i++)
        pthread_join(s->conns[i], NULL);
    close(s->listen_fd);
}

/* ---- the easy interface: cv_fetch_run ---- */

static void test_one_thread_reuses_one_connection(void **state)
{
    (void)state;
    raw_server s;
    raw_start(&s);
    char url[96];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/de/de.gif", s.port);
    double t0 = test_now();
    for (int i = 0; i < NREQ; i++) {
        cv_fetch f;
        cv_fetch_init(&f, url, 10);
        assert_int_equal(cv_fetch_run(&f), CV_FETCH_OK);
        assert_int_equal(f.len, BODY_LEN);
        /* The status line and the body were each acknowledged at once. */
        assert_true(f.quick_acks >= 2);
        cv_fetch_free(&f);
    }
    double took = test_now() - t0;
    print_message("%d requests on one kept connection: %.3f s\n", NREQ, took);
    cv_fetch_thread_done();
    assert_int_equal(atomic_load(&s.requests), NREQ);
    assert_int_equal(atomic_load(&s.nconns), 1);
    /* 40 ms per request would be 1.2 s. */
    assert_true(took < NREQ * 0.040 / 2);
    raw_stop(&s);
}

static void test_thread_done_closes_the_connection(void **state)
{
    (void)state;
    raw_server s;
    raw_start(&s);
    char url[96];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/de/de.gif", s.port);
    for (int i = 0; i < 2; i++) {
        cv_fetch f;
        cv_fetch_init(&f, url, 10);
        assert_int_equal(cv_fetch_run(&f), CV_FETCH_OK);
        cv_fetch_free(&f);
        cv_fetch_thread_done();
    }
    /* A new handle after thread_done: a new connection. */
    assert_int_equal(atomic_load(&s.nconns), 2);
    raw_stop(&s);
}

/* ---- the scenario's three modes ---- */

static char tmpdir[64];

static void run_flags_against(raw_server *s, const char *mode, const char *req)
{
    char url[96], dest[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/flags", s->port);
    snprintf(dest, sizeof dest, "%s/%s", tmpdir, mode);
    /* Thirty codes, one letter each (B: BA..BZ, then four of C). */
    const char *args[] = {"--mode", mode, "-s", url, "-m", req, "--dest", dest, "B",
                          "CA", "CD", "CF", "CG", NULL};
    const cv_opt_spec *const tables[] = {cv_scenario_flags.options, NULL};
    char err[256];
    int argc = 0;
    while (args[argc] != NULL)
        argc++;
    cv_opts opts;
    if (cv_opts_parse(&opts, tables, argc, (char **)args, cv_scenario_flags.max_positional, err,
                      sizeof err) != 0)
        fail_msg("parse: %s", err);
    if (cv_scenario_flags.validate(&opts, err, sizeof err) != 0)
        fail_msg("validate: %s", err);
    cv_run *run = cv_run_start(&cv_scenario_flags, &opts, 1, "");
    assert_non_null(run);
    assert_int_equal(cv_run_join(run), 0);
    cv_run_destroy(run);
    assert_int_equal(atomic_load(&s->requests), NREQ);
    /* Every file was saved, and nothing else is left in the directory. */
    DIR *d = opendir(dest);
    assert_non_null(d);
    int files = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        assert_non_null(strstr(e->d_name, ".gif"));
        assert_null(strstr(e->d_name, ".tmp"));
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dest, e->d_name);
        unlink(path);
        files++;
    }
    closedir(d);
    rmdir(dest);
    assert_int_equal(files, NREQ);
}

static void test_sequential_keeps_one_connection(void **state)
{
    (void)state;
    raw_server s;
    raw_start(&s);
    double t0 = test_now();
    run_flags_against(&s, "sequential", "1");
    double took = test_now() - t0;
    print_message("sequential, %d flags: %.3f s\n", NREQ, took);
    assert_int_equal(atomic_load(&s.nconns), 1);
    assert_true(took < NREQ * 0.040 / 2);
    raw_stop(&s);
}

static void test_threadpool_keeps_a_connection_per_worker(void **state)
{
    (void)state;
    raw_server s;
    raw_start(&s);
    run_flags_against(&s, "threadpool", "3");
    /* One per worker: before, one per flag (30). */
    assert_true(atomic_load(&s.nconns) <= 3);
    raw_stop(&s);
}

static void test_async_quick_acks_on_one_connection(void **state)
{
    (void)state;
    raw_server s;
    raw_start(&s);
    double t0 = test_now();
    run_flags_against(&s, "async", "1");
    double took = test_now() - t0;
    print_message("async -m 1, %d flags: %.3f s\n", NREQ, took);
    assert_int_equal(atomic_load(&s.nconns), 1);
    assert_true(took < NREQ * 0.040 / 2);
    raw_stop(&s);
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/cv_test_flags_net_XXXXXX");
    return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    return rmdir(tmpdir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_thread_reuses_one_connection),
        cmocka_unit_test(test_thread_done_closes_the_connection),
        cmocka_unit_test(test_sequential_keeps_one_connection),
        cmocka_unit_test(test_threadpool_keeps_a_connection_per_worker),
        cmocka_unit_test(test_async_quick_acks_on_one_connection),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
