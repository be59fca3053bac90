/*
 * A child process and the thread that relays its events (see proc.h).
 *
 * The channel is a SOCK_SEQPACKET socket pair: every message arrives whole
 * and alone, so neither side needs framing, and a send blocks while the
 * other side is behind.  A child that writes faster than the relay reads
 * waits; nothing is dropped (the relay in turn waits for the bus, which
 * stalls rather than drops unless the bus was made lossy).
 *
 * Time order.  The bus's drainer merges its rings by stamp up to a cut,
 * and never looks back below a cut it has passed.  A message stamped in
 * the child reaches the relay later, maybe after the drainer has already
 * cut past that stamp; published with the child's stamp it would land in
 * the log after events stamped later, and the log's order would be wrong.
 * So the relay publishes each event stamped when it publishes it, as any
 * thread's event is, and the child's own time travels in cv_event.spare
 * (ns since the run started): the log stays in time order, and what the
 * child saw when is not lost.  The cost is a lag of one relay hop (tens of
 * microseconds) on the lane, which is the truth about when the parent
 * learnt it.
 *
 * Descriptors.  A child must hold no end of another child's channel:
 * while it lived, that other child's death would never read as end of
 * file.  So every fork happens under one lock, the socket pairs are made
 * under it too, and each child closes right after the fork every
 * descriptor the parent marked private (the parent ends of all channels
 * and queues).  Reading that list in the child without taking the lock is
 * safe: the forking thread held it, so the copy is consistent.
 *
 * Reaping.  The relay waits for end of file, then for the child's exit
 * without reaping it (waitid with WNOWAIT), and reaps it under the proc's
 * lock; cv_proc_kill sends its signal under the same lock and only to a
 * child not reaped, so a recycled pid is never signalled.
 */
#include "proc.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "error.h"

struct cv_chan {
    int fd;
    pid_t pid, ppid;
    int64_t start_ns; /* the run's start on CLOCK_MONOTONIC */
};

struct cv_proc {
    cv_bus *bus;
    pid_t pid;
    int fd;
    int lane;
    char name[32];
    cv_proc_hooks hooks;
    pthread_t relay;
    pthread_mutex_t mu;
    bool reaped, joined;
    int status;
};

/* The descriptors children must not inherit, guarded by fork_mu. */
#define MAX_PRIVATE 1024
static pthread_mutex_t fork_mu = PTHREAD_MUTEX_INITIALIZER;
static int private_fds[MAX_PRIVATE];
static size_t nprivate;

static void add_private(int fd)
{
    if (nprivate < MAX_PRIVATE)
        private_fds[nprivate++] = fd;
}

void cv_proc_fd_private(int fd)
{
    pthread_mutex_lock(&fork_mu);
    add_private(fd);
    pthread_mutex_unlock(&fork_mu);
}

void cv_proc_fd_forget(int fd)
{
    pthread_mutex_lock(&fork_mu);
    for (size_t i = 0; i < nprivate; i++) {
        if (private_fds[i] == fd) {
            private_fds[i] = private_fds[--nprivate];
            break;
        }
    }
    pthread_mutex_unlock(&fork_mu);
}

/* ---- the child's side ---- */

bool cv_chan_emit(cv_chan *chan, cv_proc_msg *m)
{
    m->t_ns = cv_clock_mono_ns() - chan->start_ns;
    if (m->len > CV_PROC_BODY)
        m->len = CV_PROC_BODY;
    size_t bytes = offsetof(cv_proc_msg, body) + m->len;
    for (;;) {
        ssize_t n = send(chan->fd, m, bytes, MSG_NOSIGNAL);
        if (n >= 0)
            return true;
        if (errno != EINTR)
            return false;
    }
}

bool cv_chan_event(cv_chan *chan, int kind, int state, uint64_t id, uint64_t ref, int32_t code,
                   const char *text)
{
    cv_proc_msg m;
    memset(&m, 0, offsetof(cv_proc_msg, body));
    m.kind = (uint16_t)kind;
    m.state = (uint16_t)state;
    m.id = id;
    m.ref = ref;
    m.code = code;
    if (text != NULL) {
        size_t len = strnlen(text, CV_PROC_BODY - 1);
        memcpy(m.body, text, len);
        m.len = (uint32_t)len;
    }
    return cv_chan_emit(chan, &m);
}

long cv_chan_recv(cv_chan *chan, void *buf, size_t len, int timeout_ms)
{
    struct pollfd pfd = {.fd = chan->fd, .events = POLLIN};
    for (;;) {
        int r = poll(&pfd, 1, timeout_ms);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            return 0;
        ssize_t n = recv(chan->fd, buf, len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        return n <= 0 ? -1 : (long)n;
    }
}

pid_t cv_chan_pid(const cv_chan *chan)
{
    return chan->pid;
}

pid_t cv_chan_ppid(const cv_chan *chan)
{
    return chan->ppid;
}

/* ---- the parent's side ---- */

static void reap(cv_proc *p)
{
    siginfo_t info;
    while (waitid(P_PID, (id_t)p->pid, &info, WEXITED | WNOWAIT) < 0 && errno == EINTR) {
    }
    pthread_mutex_lock(&p->mu);
    int status = 0;
    while (waitpid(p->pid, &status, 0) < 0 && errno == EINTR) {
    }
    p->status = status;
    p->reaped = true;
    pthread_mutex_unlock(&p->mu);
}

/* The lane's STARTED (with its role) or STOPPED, on the proc's side. */
static void publish_lane(cv_proc *p, int state)
{
    if (p->bus == NULL)
        return;
    cv_event ev = {.kind = CV_EV_THREAD, .state = (uint16_t)state, .lane = (int16_t)p->lane,
                   .side = (uint16_t)p->hooks.side, .text = strdup(p->name),
                   .code = state == CV_THREAD_STARTED ? CV_ROLE_PROCESS : 0};
    cv_publish(p->bus, &ev);
}

static void *relay_main(void *arg)
{
    cv_proc *p = arg;
    cv_bus_attach(p->bus, p->lane);
    cv_proc_msg m;
    for (;;) {
        ssize_t n = recv(p->fd, &m, sizeof m, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < (ssize_t)offsetof(cv_proc_msg, body))
            break; /* end of file: the child is gone */
        size_t len = (size_t)n - offsetof(cv_proc_msg, body);
        if (m.len > len)
            m.len = (uint32_t)len;
        if (m.kind == CV_PROC_DATA) {
            if (p->hooks.data != NULL)
                p->hooks.data(p, &m, p->hooks.ctx);
            continue;
        }
        if (p->bus == NULL)
            continue;
        char *text = NULL;
        if (m.len > 0 && (text = malloc(m.len + 1)) != NULL) {
            memcpy(text, m.body, m.len);
            text[m.len] = '\0';
        }
        cv_event ev = {.kind = m.kind, .state = m.state, .side = m.side, .flags = m.flags,
                       .code = m.code, .id = m.id, .ref = m.ref, .lane = (int16_t)p->lane,
                       .text = text, .spare = (uint64_t)m.t_ns};
        cv_publish(p->bus, &ev);
    }
    reap(p);
    publish_lane(p, CV_THREAD_STOPPED);
    if (p->hooks.exited != NULL)
        p->hooks.exited(p, p->status, p->hooks.ctx);
    return NULL;
}

/* In the child, right after the fork: never returns. */
static _Noreturn void child(int fd, int64_t start_ns, cv_proc_main main, void *arg)
{
    for (size_t i = 0; i < nprivate; i++)
        close(private_fds[i]);
    /* The parent's handlers only make sense in the parent (the UI's would
     * restore the terminal from here).  Ctrl-C reaches the whole process
     * group: the parent takes it as a stop and kills its children, so a
     * child ignores it rather than die half-way and break its pool; the
     * other signals do what they do by default. */
    struct sigaction dfl = {.sa_handler = SIG_DFL}, ign = {.sa_handler = SIG_IGN};
    sigemptyset(&dfl.sa_mask);
    sigemptyset(&ign.sa_mask);
    sigaction(SIGINT, &ign, NULL);
    static const int reset[] = {SIGTERM, SIGHUP, SIGALRM, SIGPIPE, SIGWINCH};
    for (size_t i = 0; i < sizeof reset / sizeof reset[0]; i++)
        sigaction(reset[i], &dfl, NULL);
    alarm(0); /* an alarm the parent set is not the child's */
    cv_chan chan = {.fd = fd, .pid = getpid(), .ppid = getppid(), .start_ns = start_ns};
    main(&chan, arg);
    _exit(0);
}

cv_proc *cv_proc_start(cv_bus *bus, const char *name, cv_proc_main main, void *arg,
                       const cv_proc_hooks *hooks)
{
    cv_proc *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->bus = bus;
    p->lane = cv_bus_new_lane(bus);
    if (hooks != NULL)
        p->hooks = *hooks;
    pthread_mutex_init(&p->mu, NULL);
    if (name != NULL)
        snprintf(p->name, sizeof p->name, "%s", name);
    else
        snprintf(p->name, sizeof p->name, "process %d", p->lane);
    int64_t start_ns = cv_clock_mono_ns() - cv_bus_now_ns(bus);
    /* The lane starts before anything the child says on it. */
    publish_lane(p, CV_THREAD_STARTED);

    pthread_mutex_lock(&fork_mu);
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
        pthread_mutex_unlock(&fork_mu);
        goto fail;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        child(sv[1], start_ns, main, arg);
    }
    close(sv[1]);
    if (pid < 0) {
        close(sv[0]);
        pthread_mutex_unlock(&fork_mu);
        goto fail;
    }
    add_private(sv[0]);
    pthread_mutex_unlock(&fork_mu);
    p->pid = pid;
    p->fd = sv[0];
    if (pthread_create(&p->relay, NULL, relay_main, p) != 0) {
        /* Without its relay nobody reads the child: stop it here. */
        kill(pid, SIGKILL);
        reap(p);
        cv_proc_fd_forget(p->fd);
        close(p->fd);
        goto fail;
    }
    return p;
fail:
    publish_lane(p, CV_THREAD_STOPPED);
    pthread_mutex_destroy(&p->mu);
    free(p);
    return NULL;
}

int cv_proc_send(cv_proc *p, const void *buf, size_t len)
{
    if (len > CV_PROC_BODY)
        return CV_EINVAL;
    for (;;) {
        ssize_t n = send(p->fd, buf, len, MSG_NOSIGNAL);
        if (n >= 0)
            return CV_OK;
        if (errno != EINTR)
            return CV_EIO;
    }
}

void cv_proc_kill(cv_proc *p)
{
    pthread_mutex_lock(&p->mu);
    if (!p->reaped)
        kill(p->pid, SIGKILL);
    pthread_mutex_unlock(&p->mu);
}

bool cv_proc_alive(cv_proc *p)
{
    pthread_mutex_lock(&p->mu);
    bool alive = !p->reaped;
    pthread_mutex_unlock(&p->mu);
    return alive;
}

int cv_proc_join(cv_proc *p)
{
    pthread_mutex_lock(&p->mu);
    bool joined = p->joined;
    p->joined = true;
    pthread_mutex_unlock(&p->mu);
    if (!joined)
        pthread_join(p->relay, NULL);
    return p->status;
}

void cv_proc_destroy(cv_proc *p)
{
    if (p == NULL)
        return;
    cv_proc_kill(p);
    cv_proc_join(p);
    cv_proc_fd_forget(p->fd);
    close(p->fd);
    pthread_mutex_destroy(&p->mu);
    free(p);
}

pid_t cv_proc_pid(const cv_proc *p)
{
    return p->pid;
}

int cv_proc_lane(const cv_proc *p)
{
    return p->lane;
}

const char *cv_proc_name(const cv_proc *p)
{
    return p->name;
}
