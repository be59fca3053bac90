/*
 * Watching a program of the user's (run_program.h).
 *
 * A run of the pseudo-scenario "run" owns its log (cv_scenario.own_log):
 * its thread is the log's only writer.  It makes a private directory
 * (probe_dir.h) with the probe and a FIFO, spawns the program with the
 * environment of the contract (docs/run-probe-contract.md), and then
 * polls, every 10 ms at most:
 * - the FIFO, whose lines the stream reader (trace_stream.h) turns into
 *   events as they arrive;
 * - in UI mode, the pipe holding the program's stdout and stderr, whose
 *   lines become console lines on lane -1 (output that did not go through
 *   Python's sys.stdout: a C library, a child that is not Python);
 * - the program's end (waitpid), and the UI's request to stop.
 *
 * The FIFO is opened for reading before the program starts, and concviz
 * holds a write end of its own until the program has ended: without it,
 * a read before the first writer came (or between two processes) would
 * be the end of the stream.  Once the program has ended, concviz drops its
 * write end and reads until every writer closed the FIFO (the program's
 * children may outlive it) or a second passed; then it says how the
 * program ended in a mark on lane -1 (code CV_MARK_PROGRAM_END, ref the
 * exit status concviz passes on) and removes the directory.
 *
 * A stop (q in the UI, or a restart) is SIGTERM to the program's process
 * group (in UI mode the program leads a group of its own, so that the
 * terminal's keys never reach it), then SIGKILL after 2 s.
 */
#include "run_program.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "probe_dir.h"
#include "trace_stream.h"
#include "utf8.h"

extern char **environ;

#define POLL_MS 10
#define STOP_GRACE_NS (2 * 1000000000LL)
#define DRAIN_NS (1 * 1000000000LL)
/* The longest console line made of the program's raw output. */
#define OUT_LINE 1024

static struct {
    char **argv;
    bool headless;
    char command[256];
} program;

static atomic_int last_status = -1;
/* Lock-free, so that a signal handler may read it (cv_program_forward). */
static atomic_int running_pid; /* 0: no program running */

/* ---- finding the program ---------------------------------------------- */

static bool executable(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

int cv_program_check(const char *prog, char *err, size_t errlen)
{
    if (prog[0] == '\0') {
        snprintf(err, errlen, "the program's name is empty");
        return CV_EXIT_NOT_FOUND;
    }
    if (strchr(prog, '/') != NULL) {
        if (executable(prog))
            return 0;
        snprintf(err, errlen, "%.200s: %s", prog,
                 access(prog, F_OK) != 0 ? "no such file" : "not an executable file");
        return CV_EXIT_NOT_FOUND;
    }
    const char *path = getenv("PATH");
    if (path == NULL)
        path = "/usr/local/bin:/usr/bin:/bin";
    for (const char *p = path;; p++) {
        const char *end = strchr(p, ':');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char full[4096];
        int n = snprintf(full, sizeof full, "%.*s%s%s", (int)len, p, len ? "/" : "", prog);
        if (n > 0 && (size_t)n < sizeof full && executable(full))
            return 0;
        if (end == NULL)
            break;
        p = end;
    }
    snprintf(err, errlen, "%.200s: command not found", prog);
    return CV_EXIT_NOT_FOUND;
}

/* ---- the environment -------------------------------------------------- */

static bool named(const char *entry, const char *name)
{
    size_t n = strlen(name);
    return strncmp(entry, name, n) == 0 && entry[n] == '=';
}

/* The environment with the contract's variables set (and any the user had
 * of the same names replaced).  NULL without memory; free with free_env. */
static char **make_env(const char *dir, const char *fifo, int64_t t0)
{
    static const char *const ours[] = {"CONCVIZ_EVENTS", "CONCVIZ_T0_NS", "CONCVIZ_PARENT_PID",
                                       "CONCVIZ_PROBE_MODE", "PYTHONPATH"};
    size_t n = 0;
    while (environ[n] != NULL)
        n++;
    char **env = calloc(n + 6, sizeof *env);
    if (env == NULL)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        bool mine = false;
        for (size_t j = 0; j < sizeof ours / sizeof ours[0]; j++)
            mine |= named(environ[i], ours[j]);
        if (!mine && (env[k++] = strdup(environ[i])) == NULL)
            goto fail;
    }
    const char *old = getenv("PYTHONPATH");
    char *add[5] = {NULL};
    if (asprintf(&add[0], "CONCVIZ_EVENTS=%s", fifo) < 0 ||
        asprintf(&add[1], "CONCVIZ_T0_NS=%lld", (long long)t0) < 0 ||
        asprintf(&add[2], "CONCVIZ_PARENT_PID=%ld", (long)getpid()) < 0 ||
        asprintf(&add[3], "CONCVIZ_PROBE_MODE=%s", program.headless ? "headless" : "ui") < 0 ||
        asprintf(&add[4], "PYTHONPATH=%s%s%s", dir, old && old[0] ? ":" : "", old ? old : "") < 0)
        goto fail;
    for (int i = 0; i < 5; i++)
        env[k++] = add[i];
    return env;
fail:
    for (size_t i = 0; i < n + 6; i++)
        free(env[i]);
    free(env);
    return NULL;
}

static void free_env(char **env)
{
    for (size_t i = 0; env != NULL && env[i] != NULL; i++)
        free(env[i]);
    free(env);
}

/* ---- the events concviz adds ------------------------------------------ */

typedef struct pump {
    cv_run *run;
    cv_trace_stream *stream;
    int64_t t0;
    pid_t pid;
    int fifo, keep, out; /* -1 when closed */
    char line[OUT_LINE + 1];
    size_t len;
} pump;

static int64_t now_ns(const pump *p)
{
    return cv_clock_mono_ns() - p->t0;
}

static void add(pump *p, int kind, int code, uint64_t ref, char *text)
{
    cv_event ev = {.kind = (uint16_t)kind, .t_ns = now_ns(p), .lane = CV_NO_LANE,
                   .origin = CV_NO_LANE, .code = code, .ref = ref, .text = text};
    if (p->stream != NULL) {
        cv_trace_stream_append(p->stream, &ev);
    } else {
        cv_log_append(p->run->log, &ev);
    }
    cv_log_publish(p->run->log);
}

static void say(pump *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(pump *p, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    add(p, CV_EV_LOG, 0, 0, strdup(text));
}

/* Bytes that are not UTF-8 become '?', so that the trace stays valid JSON
 * text whatever a program prints; control characters but tabs become
 * spaces. */
static void make_utf8(char *s, size_t len)
{
    unsigned char *u = (unsigned char *)s;
    for (size_t i = 0; i < len;) {
        size_t n = cv_utf8_len(u + i, len - i);
        if (n == 0) {
            u[i++] = '?';
            continue;
        }
        if (u[i] < 0x20 && u[i] != '\t')
            u[i] = ' ';
        i += n;
    }
}

static void out_line(pump *p)
{
    if (p->len > 0 && p->line[p->len - 1] == '\r')
        p->len--;
    p->line[p->len] = '\0';
    make_utf8(p->line, p->len);
    add(p, CV_EV_LOG, 0, 0, strdup(p->line));
    p->len = 0;
}

/* Reads the program's raw output: each line a console line on lane -1.
 * Returns -1 at its end. */
static int read_output(pump *p)
{
    char buf[4096];
    for (;;) {
        ssize_t got = read(p->out, buf, sizeof buf);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        if (got <= 0) {
            if (p->len > 0)
                out_line(p);
            return -1;
        }
        for (ssize_t i = 0; i < got; i++) {
            if (buf[i] == '\n') {
                out_line(p);
                continue;
            }
            p->line[p->len++] = buf[i];
            if (p->len == OUT_LINE)
                out_line(p); /* a long line goes in pieces */
        }
    }
}

/* One round: what the FIFO and the output pipe hold now. */
static void take_input(pump *p, int timeout_ms)
{
    struct pollfd fds[2] = {{.fd = p->fifo, .events = POLLIN}, {.fd = p->out, .events = POLLIN}};
    if (poll(fds, 2, timeout_ms) < 0 && errno != EINTR)
        return;
    if (p->fifo >= 0 && (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) &&
        cv_trace_stream_feed(p->stream, 1u << 20) < 0) {
        close(p->fifo);
        p->fifo = -1;
    }
    if (p->out >= 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) && read_output(p) < 0) {
        close(p->out);
        p->out = -1;
    }
}

/* "exited with status 3", "killed by signal 9 (SIGKILL)", and concviz's
 * exit status for it. */
static int describe_end(int ws, char *text, size_t len)
{
    if (WIFSIGNALED(ws)) {
        int sig = WTERMSIG(ws);
        const char *abbrev = sigabbrev_np(sig);
        snprintf(text, len, "%s killed by signal %d%s%s%s", program.command, sig,
                 abbrev ? " (SIG" : "", abbrev ? abbrev : "", abbrev ? ")" : "");
        return 128 + sig;
    }
    int status = WEXITSTATUS(ws);
    snprintf(text, len, "%s exited with status %d", program.command, status);
    return status;
}

/* ---- the run ---------------------------------------------------------- */

static pid_t spawn(pump *p, const cv_probe_dir *dir, int out_w, char *err, size_t errlen)
{
    p->t0 = cv_clock_mono_ns();
    char **env = make_env(dir->path, dir->fifo, p->t0);
    if (env == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    /* The signals concviz catches or blocks are the program's to have as
     * they are by default. */
    sigset_t none, dflt;
    sigemptyset(&none);
    sigemptyset(&dflt);
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT, SIGALRM, SIGWINCH, SIGTSTP};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaddset(&dflt, sigs[i]);
    short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &dflt);
    if (!program.headless) {
        /* Nothing of the program's may reach the screen or read the keys. */
        posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_adddup2(&fa, out_w, STDOUT_FILENO);
        posix_spawn_file_actions_adddup2(&fa, out_w, STDERR_FILENO);
        flags |= POSIX_SPAWN_SETPGROUP;
        posix_spawnattr_setpgroup(&attr, 0);
    }
    posix_spawnattr_setflags(&attr, flags);
    pid_t pid = -1;
    int rc = posix_spawnp(&pid, program.argv[0], &fa, &attr, program.argv, env);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    free_env(env);
    if (rc != 0) {
        snprintf(err, errlen, "cannot run %.200s: %s", program.argv[0], strerror(rc));
        return -1;
    }
    return pid;
}

/* Follows the program until it ends; its wait status. */
static int follow(pump *p)
{
    bool stop_sent = false, killed = false;
    int64_t kill_at = 0;
    int ws = 0;
    for (;;) {
        take_input(p, POLL_MS);
        pid_t got = waitpid(p->pid, &ws, WNOHANG);
        if (got == p->pid || (got < 0 && errno != EINTR))
            break;
        if (!stop_sent && cv_run_stopping(p->run)) {
            add(p, CV_EV_MARK, CV_MARK_USER_STOP, 0, strdup("stopped by the user"));
            kill(program.headless ? p->pid : -p->pid, SIGTERM);
            stop_sent = true;
            kill_at = cv_clock_mono_ns() + STOP_GRACE_NS;
        } else if (stop_sent && !killed && cv_clock_mono_ns() >= kill_at) {
            kill(program.headless ? p->pid : -p->pid, SIGKILL);
            killed = true;
        }
    }
    atomic_store(&running_pid, 0);
    return ws;
}

/* After the program: its children may still write; read until every
 * writer closed the FIFO and the output pipe, or DRAIN_NS passed. */
static void drain(pump *p)
{
    close(p->keep);
    p->keep = -1;
    int64_t until = cv_clock_mono_ns() + DRAIN_NS;
    while ((p->fifo >= 0 || p->out >= 0) && cv_clock_mono_ns() < until)
        take_input(p, POLL_MS);
    if (p->len > 0)
        out_line(p);
}

static int program_run(cv_run *run)
{
    pump p = {.run = run, .fifo = -1, .keep = -1, .out = -1, .t0 = cv_clock_mono_ns()};
    cv_probe_dir dir;
    char err[320], text[400];
    int out[2] = {-1, -1};
    int status = 1;
    bool told = false; /* the end mark is in the log */
    if (cv_probe_dir_make(&dir, err, sizeof err) != 0) {
        say(&p, "concviz: %s", err);
        goto end;
    }
    p.fifo = open(dir.fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    p.keep = p.fifo < 0 ? -1 : open(dir.fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (p.keep < 0 || (!program.headless && pipe2(out, O_CLOEXEC) != 0)) {
        say(&p, "concviz: cannot open the program's channels: %s", strerror(errno));
        goto end;
    }
    if (out[0] >= 0)
        fcntl(out[0], F_SETFL, O_NONBLOCK);
    p.out = out[0];
    p.pid = spawn(&p, &dir, out[1], err, sizeof err);
    if (out[1] >= 0)
        close(out[1]);
    if (p.pid < 0) {
        say(&p, "concviz: %s", err);
        status = CV_EXIT_NOT_FOUND;
        goto end;
    }
    atomic_store(&running_pid, (int)p.pid);
    p.stream = cv_trace_stream_create(p.fifo, p.pid, run->log);
    if (p.stream == NULL) {
        say(&p, "concviz: out of memory");
        kill(p.pid, SIGKILL);
        waitpid(p.pid, NULL, 0);
        atomic_store(&running_pid, 0);
        goto end;
    }
    int ws = follow(&p);
    drain(&p);
    status = describe_end(ws, text, sizeof text);
    add(&p, CV_EV_MARK, CV_MARK_PROGRAM_END, (uint64_t)status, strdup(text));
    told = true;
end:
    if (!told) {
        snprintf(text, sizeof text, "%s could not start", program.command);
        add(&p, CV_EV_MARK, CV_MARK_PROGRAM_END, (uint64_t)status, strdup(text));
    }
    cv_trace_stream_destroy(p.stream);
    if (p.fifo >= 0)
        close(p.fifo);
    if (p.keep >= 0)
        close(p.keep);
    if (p.out >= 0)
        close(p.out);
    cv_probe_dir_remove(&dir);
    atomic_store(&last_status, status);
    return status;
}

static const cv_scenario program_scenario = {
    .name = "run",
    .summary = "a program of yours, watched through the probe (concviz run -- PROGRAM ARGS...)",
    .run = program_run,
    .own_log = true,
};

const cv_scenario *cv_program_scenario(char **argv, bool headless)
{
    program.argv = argv;
    program.headless = headless;
    size_t used = 0;
    program.command[0] = '\0';
    for (size_t i = 0; argv[i] != NULL && used < sizeof program.command; i++) {
        int n = snprintf(program.command + used, sizeof program.command - used, "%s%s",
                         i ? " " : "", argv[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    if (used >= sizeof program.command) /* cut: say so */
        memcpy(program.command + sizeof program.command - 4, "...", 4);
    return &program_scenario;
}

int cv_program_exit_status(void)
{
    return atomic_load(&last_status);
}

const char *cv_program_command(void)
{
    return program.command;
}

void cv_program_forward(int sig)
{
    pid_t pid = atomic_load(&running_pid);
    if (pid > 0)
        kill(pid, sig);
}
