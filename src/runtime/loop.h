/*
 * The event loop: one thread, one loop, with the shape of asyncio's
 * BaseEventLoop._run_once.  Each turn of the loop
 *
 *     1. polls file descriptors (and a wake-up eventfd) with a timeout
 *        that is zero when callbacks are ready, else the nearest timer;
 *     2. appends the handles of ready I/O watchers, then expired timers
 *        (deadline order, ties in the order they were started), to the
 *        ready queue;
 *     3. runs the callbacks that were ready when the turn began, in FIFO
 *        order; callbacks they schedule wait for the next turn.
 *
 * Step 3 is why a zero sleep yields: the task goes to the back of the queue
 * and runs again only after everyone who was ready before it.  A call
 * posted from another thread joins the same queue in the order it arrived:
 * behind what the loop thread queued before it, ahead of what it queues
 * after (asyncio's call_soon_threadsafe appends to _ready at once).
 *
 * Everything here is intrusive and caller-owned (a cv_handle, cv_timer or
 * cv_io lives inside the caller's struct), so scheduling never allocates and
 * never fails; only the fire-and-forget cv_loop_call_soon*() allocate.  The
 * fields of these structs are private: use the functions.  Tasks (task.h)
 * are built on the same three pieces.  libcurl's multi interface fits
 * directly: CURLMOPT_SOCKETFUNCTION maps to cv_io_start()/cv_io_stop() and
 * CURLMOPT_TIMERFUNCTION to cv_timer_start()/cv_timer_stop().
 *
 * Only cv_loop_call_soon_threadsafe(), cv_post_send(), cv_loop_stop() and
 * cv_loop_time() may be called from other threads; everything else belongs
 * to the thread that runs the loop (or to any one thread while it is not
 * running).
 *
 * Events (CV_EV_LOOP; lane = the loop's lane): RUNNING when cv_loop_run()
 * starts and when a poll that could block ends with something to run;
 * POLLING before such a poll, ref = its timeout in microseconds
 * (UINT64_MAX: no timeout; polls that cannot block are not shown, and a
 * poll that wakes with nothing to run polls on without a new POLLING); IDLE
 * when cv_loop_run() returns, except between the runs of one
 * cv_loop_run_main() (asyncio.run), which shows one IDLE at its end.
 */
#ifndef CV_LOOP_H
#define CV_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus.h"
#include "list.h"

typedef struct cv_loop cv_loop;
typedef void (*cv_loop_fn)(void *arg);

/* Creates a loop whose events show on `lane` (bus may be NULL: no events).
 * Returns NULL without memory or file descriptors. */
cv_loop *cv_loop_create(cv_bus *bus, int lane);
/* Frees the loop.  Tasks still alive end cancelled (with an event, so
 * destroy the loop before its bus) without running again; stop your own
 * timers and watchers first, they are not touched after this. */
void cv_loop_destroy(cv_loop *loop);

/* Runs the loop on the calling thread (attached to the loop's lane) until
 * nothing is left to do, or cv_loop_stop() is called.  "Something to do" is
 * a live task, a ready callback, an active timer or watcher, or a
 * cv_loop_ref().  Returns 0, CV_EINVAL if the loop is already running, or
 * CV_EFAILED if poll() fails. */
int cv_loop_run(cv_loop *loop);
/* Asks the loop to return after the callbacks of its current turn (any
 * thread).  A later cv_loop_run() carries on where it stopped.  Called
 * while the loop is not running, it makes the next cv_loop_run() run one
 * turn without blocking and return, as asyncio's stop() before
 * run_forever(). */
void cv_loop_stop(cv_loop *loop);
/* True if cv_loop_run() would find something to do. */
bool cv_loop_alive(const cv_loop *loop);
/* Monotonic time in seconds, the clock timers use (any thread). */
double cv_loop_time(const cv_loop *loop);
cv_bus *cv_loop_bus(const cv_loop *loop);
int cv_loop_lane(const cv_loop *loop);
/* A scenario run with --speed F sleeps 1/F of the demo's seconds; telling
 * the loop F makes what tasks await read in demo seconds ("sleep 0.1s"). */
void cv_loop_set_demo_speed(cv_loop *loop, double speed);
double cv_loop_demo_speed(const cv_loop *loop);
/* Keeps the loop alive while something outside it (a thread that will call
 * cv_loop_call_soon_threadsafe) still has work for it. */
void cv_loop_ref(cv_loop *loop);
void cv_loop_unref(cv_loop *loop);

/*
 * Handles: a callback that can sit on the ready queue, at most once.  The
 * loop thread schedules them; other threads use a cv_post.
 */
typedef struct cv_handle {
    cv_list node_; /* on a queue iff linked */
    cv_loop *loop_;
    cv_loop_fn fn_;
    void *arg_;
} cv_handle;

void cv_handle_init(cv_loop *loop, cv_handle *h, cv_loop_fn fn, void *arg);
/* Appends h to the ready queue unless it is already there. */
void cv_handle_schedule(cv_handle *h);
/* Takes h off the ready queue if it is there. */
void cv_handle_cancel(cv_handle *h);

/* Calls fn(arg) on a later turn (loop thread): asyncio's call_soon, with
 * the loop owning the call.  0 or CV_ENOMEM. */
int cv_loop_call_soon(cv_loop *loop, cv_loop_fn fn, void *arg);
/* The same from any thread: queues the call in arrival order (see the top
 * of this file) and wakes the loop through its eventfd.  0 or CV_ENOMEM. */
int cv_loop_call_soon_threadsafe(cv_loop *loop, cv_loop_fn fn, void *arg);

/* A thread-safe call in caller-owned memory, for code that must not fail
 * in the other thread: init it on any thread, send it from any thread, at
 * most once per callback run (the callback may send it again). */
typedef struct cv_post {
    cv_handle handle_;
    struct cv_post *next_; /* in the loop's inbox */
} cv_post;

void cv_post_init(cv_loop *loop, cv_post *p, cv_loop_fn fn, void *arg);
void cv_post_send(cv_post *p);

/*
 * Timers: a handle with a deadline, kept in a min-heap.
 */
typedef struct cv_timer {
    cv_handle handle_;
    int64_t deadline_ns_;
    uint64_t seq_;     /* start order, breaks deadline ties */
    size_t heap_index_; /* SIZE_MAX when not in the heap */
} cv_timer;

void cv_timer_init(cv_loop *loop, cv_timer *t, cv_loop_fn fn, void *arg);
/* (Re)starts t to fire once after delay_s seconds.  As in asyncio, a
 * delay <= 0 is a deadline already past: the timer fires on the next turn,
 * and expired timers still run in deadline order (-2 before -1), ties in
 * the order they were started. */
void cv_timer_start(cv_timer *t, double delay_s);
/* (Re)starts t to fire at cv_loop_time() == when, as asyncio's call_at. */
void cv_timer_start_at(cv_timer *t, double when);
/* Stops t whether it is waiting or has fired but not yet run. */
void cv_timer_stop(cv_timer *t);
bool cv_timer_active(const cv_timer *t);

/*
 * I/O watchers: level-triggered readiness of one fd.  While started, the
 * callback runs once per turn in which the fd is ready.
 */
enum { CV_IO_READ = 1, CV_IO_WRITE = 2, CV_IO_ERROR = 4 };

typedef struct cv_io cv_io;
/* revents: CV_IO_READ and/or CV_IO_WRITE (as asked for; hang-up and error
 * count as both), plus CV_IO_ERROR for POLLERR or an invalid fd. */
typedef void (*cv_io_fn)(cv_io *io, int revents, void *arg);

struct cv_io {
    cv_handle handle_;
    cv_list watch_; /* on the loop's started watchers iff linked */
    int fd_;
    int events_;
    int revents_;
    cv_io_fn fn_;
    void *arg_;
};

void cv_io_init(cv_loop *loop, cv_io *io, int fd, cv_io_fn fn, void *arg);
/* Starts watching for events (CV_IO_READ | CV_IO_WRITE), or changes what
 * is watched; 0 stops. */
void cv_io_start(cv_io *io, int events);
void cv_io_stop(cv_io *io);
bool cv_io_active(const cv_io *io);
int cv_io_fd(const cv_io *io);

#endif
