/*
 * A child process with an event channel: what multiprocessing.Process is
 * to the process modes, as CPython 3.11 starts it on Linux (fork).
 *
 * The child runs a C function in a copy of the parent's memory.  It cannot
 * publish on the bus (the bus's locks and rings belong to the parent's
 * threads, and writes in the child are not seen by the parent), so it
 * writes fixed-size messages to a socket instead; a relay thread in the
 * parent reads them and publishes them as events on the child's own lane,
 * "process N", whose STARTED event says CV_ROLE_PROCESS.  Messages of kind
 * CV_PROC_DATA are not events: the relay hands them to the owner's handler
 * (a pool's results travel that way, behind the events that led to them).
 *
 * The same socket carries messages the other way: cv_proc_send in the
 * parent, cv_chan_recv in the child (a pool's jobs, a spinner's "done").
 */
#ifndef CV_PROC_H
#define CV_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "bus.h"

/* A message's kind when it is data for the owner, not an event. */
#define CV_PROC_DATA 0xffffu
/* Bytes of text or data a message carries. */
#define CV_PROC_BODY 288

/* One message from the child.  Its event fields are cv_event's; lane and
 * origin are the relay's to fill in (the child's lane). */
typedef struct cv_proc_msg {
    uint16_t kind; /* enum cv_event_kind, or CV_PROC_DATA */
    uint16_t state, side, flags;
    int32_t code;
    uint32_t len; /* bytes of body used (text: without its '\0') */
    uint64_t id, ref;
    int64_t t_ns; /* when the child wrote it, in ns since the run started */
    unsigned char body[CV_PROC_BODY];
} cv_proc_msg;

/* The child's end of the channel. */
typedef struct cv_chan cv_chan;

/* What a child runs.  It may only do what is safe after a fork in a
 * threaded program: compute, cv_chan_* calls, async-signal-safe calls.  No
 * bus, no malloc-heavy library, no threads, no stdio.  When it returns the
 * child exits with status 0. */
typedef void (*cv_proc_main)(cv_chan *chan, void *arg);

typedef struct cv_proc cv_proc;

typedef struct cv_proc_hooks {
    /* A CV_PROC_DATA message arrived (on the relay thread). */
    void (*data)(cv_proc *p, const cv_proc_msg *m, void *ctx);
    /* The child is gone and reaped; status as waitpid gives it (on the
     * relay thread, after every message it wrote). */
    void (*exited)(cv_proc *p, int status, void *ctx);
    void *ctx;
    /* The side (enum cv_side) its lane's STARTED and STOPPED events carry,
     * so that a two-sided screen puts the lane in that side's column. */
    int side;
} cv_proc_hooks;

/* Forks a child that runs main(chan, arg), with a new lane "<name> N"
 * (name NULL: "process").  hooks may be NULL.  NULL if the system refused
 * (no processes, descriptors or memory). */
cv_proc *cv_proc_start(cv_bus *bus, const char *name, cv_proc_main main, void *arg,
                       const cv_proc_hooks *hooks);
/* Sends len bytes (at most CV_PROC_BODY) to the child as one message.
 * CV_OK, or CV_EIO if the child is gone. */
int cv_proc_send(cv_proc *p, const void *buf, size_t len);
/* SIGKILL, unless the child is already reaped. */
void cv_proc_kill(cv_proc *p);
/* Waits until the child has exited and every message of it is relayed;
 * returns its waitpid status.  One thread joins a proc (later calls return
 * at once), and never its own relay (from a hook). */
int cv_proc_join(cv_proc *p);
/* Kills the child if it still runs, joins it and frees p (not from a hook). */
void cv_proc_destroy(cv_proc *p);

pid_t cv_proc_pid(const cv_proc *p);
int cv_proc_lane(const cv_proc *p);
const char *cv_proc_name(const cv_proc *p);
bool cv_proc_alive(cv_proc *p);

/* A descriptor no child may inherit (the parent's end of a queue): the
 * child closes it right after the fork.  Forget it before closing it. */
void cv_proc_fd_private(int fd);
void cv_proc_fd_forget(int fd);

/* In the child.  Sends a message (m->t_ns is stamped here); blocks while
 * the parent is behind, so that nothing is lost.  False if the parent end
 * is closed. */
bool cv_chan_emit(cv_chan *chan, cv_proc_msg *m);
/* An event in one call; text may be NULL (cut at CV_PROC_BODY - 1). */
bool cv_chan_event(cv_chan *chan, int kind, int state, uint64_t id, uint64_t ref, int32_t code,
                   const char *text);
/* Receives one message from the parent into buf (at most len bytes):
 * waits up to timeout_ms (negative: forever).  Returns its length, 0 on
 * timeout, -1 when the parent end is closed. */
long cv_chan_recv(cv_chan *chan, void *buf, size_t len, int timeout_ms);
/* The child's own pid and its parent's, for the console lines. */
pid_t cv_chan_pid(const cv_chan *chan);
pid_t cv_chan_ppid(const cv_chan *chan);

#endif
