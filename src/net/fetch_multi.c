/*
 * The multi interface in its socket form (curl_multi_socket_action), which
 * is the one meant for an outside event loop:
 *
 *   - CURLMOPT_SOCKETFUNCTION tells us to watch a socket for reading and/or
 *     writing, or to forget it: each socket gets a small record holding a
 *     cv_io watcher, tied to the socket with curl_multi_assign();
 *   - CURLMOPT_TIMERFUNCTION asks to be woken after a time (or never): one
 *     cv_timer per client;
 *   - when a watcher or the timer fires, we hand the news to
 *     curl_multi_socket_action() and then collect finished transfers with
 *     curl_multi_info_read(), waking the task that awaits each.
 *
 * Quick ACKs (see fetch.c for why): libcurl does not tell a transfer its
 * socket, so they are sent from here, where sockets are known: on a
 * socket after libcurl has acted on its event, and on every socket after
 * a timer turn in which some transfer read (fetch.c notes that).
 *
 * libcurl must not be re-entered from its own callbacks, and it is not:
 * the callbacks only start and stop watchers and timers, and the loop calls
 * back on a later turn.  A socket's record may be freed by a REMOVE that
 * arrives while its own watcher's callback is inside socket_action, so that
 * callback copies what it needs first and touches the record no more.
 */
#include "fetch_multi.h"

#include <curl/curl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct sock_watch {
    cv_io io;
    curl_socket_t fd;
    cv_fetch_multi *m;
    cv_list node; /* on the client's sockets */
} sock_watch;

struct cv_fetch_multi {
    cv_loop *loop;
    CURLM *multi;
    cv_timer timer;
    int running; /* as socket_action last counted */
    cv_list ops;   /* those ops (cv_fetch_op), newest first */
    cv_list socks; /* sock_watch, newest first */
};

static void collect_done(cv_fetch_multi *m);

static void sock_free(sock_watch *k)
{
    cv_io_stop(&k->io);
    cv_list_remove(&k->node);
    free(k);
}

static void on_io(cv_io *io, int revents, void *arg)
{
    (void)io;
    sock_watch *k = arg;
    cv_fetch_multi *m = k->m;
    curl_socket_t fd = k->fd;
    int flags = 0;
    if (revents & CV_IO_READ)
        flags |= CURL_CSELECT_IN;
    if (revents & CV_IO_WRITE)
        flags |= CURL_CSELECT_OUT;
    if (revents & CV_IO_ERROR)
        flags |= CURL_CSELECT_ERR;
    /* k may be freed from here on. */
    curl_multi_socket_action(m->multi, fd, flags, &m->running);
    /* What was just read is acknowledged now, not up to 40 ms later (see
     * fetch.c); Linux sends the pending ACK only once the receive buffer
     * is drained, so this comes after libcurl's read.  Also after a write:
     * libcurl reads right after sending a request, and a quick server's
     * headers may be there already.  libcurl may have closed fd meanwhile:
     * then the call fails (EBADF), or finds whatever took the number
     * (ENOTSOCK; or another TCP socket, to which a quick ACK does no
     * harm). */
    (void)cv_fetch__take_reads();
    cv_fetch_quick_ack_socket(fd);
    collect_done(m);
}

static void on_timer(void *arg)
{
    cv_fetch_multi *m = arg;
    (void)cv_fetch__take_reads();
    curl_multi_socket_action(m->multi, CURL_SOCKET_TIMEOUT, 0, &m->running);
    /* A transfer started here sends its request and reads at once; a
     * quick server's headers may be there already, read on no socket's
     * event.  libcurl does not say on which socket, so every socket gets
     * its quick ACK, but only after a timer turn that read something. */
    if (cv_fetch__take_reads()) {
        cv_list *it, *tmp;
        cv_list_foreach(it, tmp, &m->socks)
            cv_fetch_quick_ack_socket(cv_list_entry(it, sock_watch, node)->fd);
    }
    collect_done(m);
}

static int socket_cb(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
    (void)easy;
    cv_fetch_multi *m = userp;
    sock_watch *k = socketp;
    if (what == CURL_POLL_REMOVE) {
        if (k != NULL)
            sock_free(k);
        return 0;
    }
    if (k == NULL) {
        k = calloc(1, sizeof *k);
        if (k == NULL)
            return -1; /* libcurl fails the transfers on this socket */
        k->fd = fd;
        k->m = m;
        cv_list_insert_head(&m->socks, &k->node);
        cv_io_init(m->loop, &k->io, fd, on_io, k);
        curl_multi_assign(m->multi, fd, k);
    }
    int events = 0;
    if (what & CURL_POLL_IN)
        events |= CV_IO_READ;
    if (what & CURL_POLL_OUT)
        events |= CV_IO_WRITE;
    cv_io_start(&k->io, events);
    return 0;
}

static int timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
    (void)multi;
    cv_fetch_multi *m = userp;
    if (timeout_ms < 0)
        cv_timer_stop(&m->timer);
    else
        cv_timer_start(&m->timer, (double)timeout_ms / 1000.0);
    return 0;
}

static cv_fetch_op *op_of(CURL *easy)
{
    char *priv = NULL;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, &priv);
    /* The private pointer is the op's cv_fetch, its first member. */
    return (cv_fetch_op *)(void *)(priv - offsetof(cv_fetch_op, fetch));
}

/* Takes op's handle off the client; op is done. */
static void detach_op(cv_fetch_op *op)
{
    cv_fetch_multi *m = op->multi_;
    curl_multi_remove_handle(m->multi, op->easy_);
    curl_easy_cleanup(op->easy_);
    op->easy_ = NULL;
    op->done_ = true;
    cv_list_remove(&op->node_);
}

static void finish_op(cv_fetch_op *op, int curl_code)
{
    cv_fetch_complete(&op->fetch, op->easy_, curl_code);
    detach_op(op);
}

static void collect_done(cv_fetch_multi *m)
{
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(m->multi, &left)) != NULL) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        cv_fetch_op *op = op_of(msg->easy_handle);
        finish_op(op, (int)msg->data.result);
        cv_waitq_wake_all(&op->waitq_, CV_OK);
    }
}

cv_fetch_multi *cv_fetch_multi_create(cv_loop *loop)
{
    if (cv_fetch_global_init() != CV_OK)
        return NULL;
    cv_fetch_multi *m = calloc(1, sizeof *m);
    if (m == NULL)
        return NULL;
    m->loop = loop;
    cv_list_init(&m->ops);
    cv_list_init(&m->socks);
    m->multi = curl_multi_init();
    if (m->multi == NULL) {
        free(m);
        return NULL;
    }
    cv_timer_init(loop, &m->timer, on_timer, m);
    curl_multi_setopt(m->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
    curl_multi_setopt(m->multi, CURLMOPT_SOCKETDATA, m);
    curl_multi_setopt(m->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
    curl_multi_setopt(m->multi, CURLMOPT_TIMERDATA, m);
    return m;
}

void cv_fetch_multi_destroy(cv_fetch_multi *m)
{
    if (m == NULL)
        return;
    /* Transfers still going would be orphaned: their ops are told. */
    while (!cv_list_empty(&m->ops))
        cv_fetch_op_cancel(cv_list_entry(cv_list_first(&m->ops), cv_fetch_op, node_));
    /* From here libcurl may still close cached connections; it need not
     * tell us, since every watcher is stopped and freed here. */
    curl_multi_setopt(m->multi, CURLMOPT_SOCKETFUNCTION, NULL);
    curl_multi_setopt(m->multi, CURLMOPT_TIMERFUNCTION, NULL);
    while (!cv_list_empty(&m->socks))
        sock_free(cv_list_entry(cv_list_first(&m->socks), sock_watch, node));
    cv_timer_stop(&m->timer);
    curl_multi_cleanup(m->multi);
    free(m);
}

int cv_fetch_op_start(cv_fetch_multi *m, cv_fetch_op *op)
{
    op->multi_ = m;
    op->done_ = false;
    op->started_ = true;
    cv_waitq_init(&op->waitq_, NULL);
    op->easy_ = cv_fetch_easy_new(&op->fetch);
    if (op->easy_ == NULL) {
        op->done_ = true;
        return CV_ENOMEM;
    }
    if (curl_multi_add_handle(m->multi, op->easy_) != CURLM_OK) {
        curl_easy_cleanup(op->easy_);
        op->easy_ = NULL;
        op->done_ = true;
        snprintf(op->fetch.error, sizeof op->fetch.error, "libcurl refused the transfer");
        return CV_EFAILED;
    }
    cv_list_insert_head(&m->ops, &op->node_);
    return CV_OK;
}

void cv_fetch_op_cancel(cv_fetch_op *op)
{
    if (!op->started_ || op->done_ || op->easy_ == NULL)
        return;
    detach_op(op);
    op->fetch.outcome = CV_FETCH_ERROR;
    snprintf(op->fetch.error, sizeof op->fetch.error, "cancelled");
    cv_waitq_wake_all(&op->waitq_, CV_OK);
}

int cv_fetch__await(cv_task *t, cv_fetch_op *op)
{
    if (!op->started_ || op->done_)
        return cv_coro__ready(t, CV_OK);
    return cv_coro__waitq(t, &op->waitq_, "download");
}
