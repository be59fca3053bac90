/*
 * The event loop's machinery: a FIFO ready queue, a timer heap and a poll()
 * set, turned by cv_loop_run() one asyncio-style turn at a time.
 *
 * The ready queue is a circular doubly linked list of intrusive handles, so
 * that a handle can leave it from anywhere (a cancelled timer, a stopped
 * watcher) without a search.  A turn moves the whole queue to a second list,
 * the batch, and runs that: what the batch schedules lands on the emptied
 * ready queue and waits for the next turn, which is what makes a zero sleep
 * yield to every task that was already ready.
 *
 * poll() rather than epoll: the fd sets here are tens of sockets, rebuilding
 * the pollfd array each turn costs nothing next to a system call, and there
 * is no kernel state to keep in step with the watchers.  Other threads reach
 * the loop through an inbox of cv_posts under a mutex and an eventfd that is
 * written at most once per wake-up.  The loop thread empties the inbox onto
 * the ready queue before it queues anything itself and before each batch,
 * so a post keeps its place in arrival order, as asyncio's
 * call_soon_threadsafe does by appending to the ready queue directly.
 */
#include "loop.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "clock.h"
#include "future.h"
#include "loop_private.h"

/* A call queued by cv_loop_call_soon*(): the loop owns and frees it. */
typedef struct posted {
    cv_post post;
    cv_loop_fn fn;
    void *arg;
} posted;

struct cv_loop {
    cv_bus *bus;
    int lane;
    double demo_speed; /* how much faster than the demo's clock it runs */

    cv_list ready; /* cv_handles: callbacks for the next turn */
    cv_list batch; /* cv_handles: callbacks of the turn being run */

    cv_timer **heap; /* min-heap by (deadline, seq) */
    size_t nheap, heap_cap;
    uint64_t timer_seq;

    cv_list watchers; /* the started cv_ios */
    size_t nio;
    struct pollfd *pfds; /* rebuilt each turn: [0] is the eventfd */
    cv_io **pio;
    size_t pcap;

    int wakefd;
    pthread_mutex_t inbox_mu;
    cv_post *inbox_head, *inbox_tail;
    atomic_bool woken; /* the eventfd was written and not yet read */
    atomic_bool stop;

    bool running;
    /* The last loop event shown is RUNNING (not IDLE): the run that shows
     * IDLE ends it.  asyncio.run holds IDLE back between the runs it makes
     * (cv_loop__hold_idle), so the screen never says the loop stops and
     * then shows it turning again. */
    bool shown_running;
    bool hold_idle;
    int refs;
    cv_loop_tasks tasks;
};

/* ---- events ---- */

static void publish_loop(cv_loop *loop, int state, uint64_t ref)
{
    if (loop->bus == NULL)
        return;
    cv_event ev = {.kind = CV_EV_LOOP, .state = (uint16_t)state,
                   .lane = (int16_t)loop->lane, .ref = ref};
    cv_publish(loop->bus, &ev);
}

/* ---- handles and the ready queue ---- */

void cv_handle_init(cv_loop *loop, cv_handle *h, cv_loop_fn fn, void *arg)
{
    *h = (cv_handle){.loop_ = loop, .fn_ = fn, .arg_ = arg};
}

static void append_ready(cv_handle *h)
{
    if (!cv_list_linked(&h->node_))
        cv_list_insert_tail(&h->loop_->ready, &h->node_);
}

static void drain_inbox(cv_loop *loop);

void cv_handle_schedule(cv_handle *h)
{
    /* What other threads posted before this call goes first. */
    drain_inbox(h->loop_);
    append_ready(h);
}

void cv_handle_cancel(cv_handle *h)
{
    if (cv_list_linked(&h->node_))
        cv_list_remove(&h->node_);
}

static bool handle_scheduled(const cv_handle *h)
{
    return cv_list_linked(&h->node_);
}

static void run_posted(void *arg)
{
    posted *p = arg;
    cv_loop_fn fn = p->fn;
    void *fn_arg = p->arg;
    free(p);
    fn(fn_arg);
}

static posted *new_posted(cv_loop *loop, cv_loop_fn fn, void *arg)
{
    posted *p = malloc(sizeof *p);
    if (p == NULL)
        return NULL;
    cv_post_init(loop, &p->post, run_posted, p);
    p->fn = fn;
    p->arg = arg;
    return p;
}

static void wake(cv_loop *loop)
{
    if (atomic_exchange(&loop->woken, true))
        return;
    uint64_t one = 1;
    /* The eventfd cannot overflow at one write per wake-up, and EAGAIN
     * would mean it is already readable: either way the loop wakes. */
    ssize_t n = write(loop->wakefd, &one, sizeof one);
    (void)n;
}

void cv_post_init(cv_loop *loop, cv_post *p, cv_loop_fn fn, void *arg)
{
    cv_handle_init(loop, &p->handle_, fn, arg);
    p->next_ = NULL;
}

void cv_post_send(cv_post *p)
{
    cv_loop *loop = p->handle_.loop_;
    p->next_ = NULL;
    pthread_mutex_lock(&loop->inbox_mu);
    if (loop->inbox_tail != NULL)
        loop->inbox_tail->next_ = p;
    else
        loop->inbox_head = p;
    loop->inbox_tail = p;
    pthread_mutex_unlock(&loop->inbox_mu);
    wake(loop);
}

int cv_loop_call_soon(cv_loop *loop, cv_loop_fn fn, void *arg)
{
    posted *p = new_posted(loop, fn, arg);
    if (p == NULL)
        return CV_ENOMEM;
    cv_handle_schedule(&p->post.handle_);
    return CV_OK;
}

int cv_loop_call_soon_threadsafe(cv_loop *loop, cv_loop_fn fn, void *arg)
{
    posted *p = new_posted(loop, fn, arg);
    if (p == NULL)
        return CV_ENOMEM;
    cv_post_send(&p->post);
    return CV_OK;
}

/* Moves what other threads posted onto the ready queue, in their order.
 * The flag is cleared before the inbox is taken, so a post that misses
 * this take writes the eventfd again. */
void cv_loop__take_inbox(cv_loop *loop)
{
    atomic_store(&loop->woken, false);
    uint64_t count;
    ssize_t n = read(loop->wakefd, &count, sizeof count);
    (void)n;
    pthread_mutex_lock(&loop->inbox_mu);
    cv_post *p = loop->inbox_head;
    loop->inbox_head = loop->inbox_tail = NULL;
    pthread_mutex_unlock(&loop->inbox_mu);
    while (p != NULL) {
        cv_post *next = p->next_;
        append_ready(&p->handle_);
        p = next;
    }
}

/* The inbox is taken whenever the loop thread is about to queue something
 * or to start a batch, not only when poll() sees the eventfd: a post that
 * completed before the loop thread's call_soon then runs before it, as in
 * asyncio, where call_soon_threadsafe appends to the ready queue at once.
 * The flag keeps this to one atomic load when nothing was posted; a post
 * whose flag is not yet visible is still being made, so either order is
 * the arrival order. */
static void drain_inbox(cv_loop *loop)
{
    if (atomic_load(&loop->woken))
        cv_loop__take_inbox(loop);
}

/* ---- timers ---- */

static bool timer_before(const cv_timer *a, const cv_timer *b)
{
    if (a->deadline_ns_ != b->deadline_ns_)
        return a->deadline_ns_ < b->deadline_ns_;
    return a->seq_ < b->seq_;
}

static void heap_set(cv_loop *loop, size_t i, cv_timer *t)
{
    loop->heap[i] = t;
    t->heap_index_ = i;
}

static void sift_up(cv_loop *loop, size_t i)
{
    cv_timer *t = loop->heap[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!timer_before(t, loop->heap[parent]))
            break;
        heap_set(loop, i, loop->heap[parent]);
        i = parent;
    }
    heap_set(loop, i, t);
}

static void sift_down(cv_loop *loop, size_t i)
{
    cv_timer *t = loop->heap[i];
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= loop->nheap)
            break;
        if (child + 1 < loop->nheap && timer_before(loop->heap[child + 1], loop->heap[child]))
            child++;
        if (!timer_before(loop->heap[child], t))
            break;
        heap_set(loop, i, loop->heap[child]);
        i = child;
    }
    heap_set(loop, i, t);
}

static void heap_remove(cv_loop *loop, cv_timer *t)
{
    size_t i = t->heap_index_;
    t->heap_index_ = SIZE_MAX;
    cv_timer *last = loop->heap[--loop->nheap];
    if (last == t)
        return;
    heap_set(loop, i, last);
    sift_up(loop, i);
    sift_down(loop, last->heap_index_);
}

void cv_timer_init(cv_loop *loop, cv_timer *t, cv_loop_fn fn, void *arg)
{
    cv_handle_init(loop, &t->handle_, fn, arg);
    t->deadline_ns_ = 0;
    t->seq_ = 0;
    t->heap_index_ = SIZE_MAX;
}

void cv_timer_stop(cv_timer *t)
{
    if (t->heap_index_ != SIZE_MAX)
        heap_remove(t->handle_.loop_, t);
    cv_handle_cancel(&t->handle_);
}

static void timer_start_ns(cv_timer *t, int64_t deadline_ns)
{
    cv_loop *loop = t->handle_.loop_;
    cv_timer_stop(t);
    if (loop->nheap == loop->heap_cap) {
        size_t cap = loop->heap_cap ? loop->heap_cap * 2 : 64;
        cv_timer **heap = realloc(loop->heap, cap * sizeof *heap);
        if (heap == NULL) {
            /* Without room in the heap the timer fires on the next turn:
             * early rather than never. */
            cv_handle_schedule(&t->handle_);
            return;
        }
        loop->heap = heap;
        loop->heap_cap = cap;
    }
    t->deadline_ns_ = deadline_ns;
    t->seq_ = ++loop->timer_seq;
    loop->heap[loop->nheap] = t;
    t->heap_index_ = loop->nheap++;
    sift_up(loop, t->heap_index_);
}

/* Seconds to nanoseconds, bounded so that the sum with the clock cannot
 * overflow: a century either way is "never" and "long ago". */
static int64_t seconds_ns(double s)
{
    const double limit = 100.0 * 365 * 24 * 3600;
    if (!(s > -limit)) /* also NaN */
        s = s != s ? 0 : -limit;
    if (s > limit)
        s = limit;
    return (int64_t)(s * 1e9);
}

void cv_timer_start(cv_timer *t, double delay_s)
{
    /* A negative delay is a deadline in the past, not zero: timers keep
     * deadline order, so call_later(-2) fires before call_later(-1). */
    timer_start_ns(t, cv_clock_mono_ns() + seconds_ns(delay_s));
}

void cv_timer_start_at(cv_timer *t, double when)
{
    timer_start_ns(t, seconds_ns(when));
}

bool cv_timer_active(const cv_timer *t)
{
    return t->heap_index_ != SIZE_MAX || handle_scheduled(&t->handle_);
}

/* Expired timers join the ready queue in deadline order. */
static void expire_timers(cv_loop *loop)
{
    int64_t now = cv_clock_mono_ns();
    while (loop->nheap > 0 && loop->heap[0]->deadline_ns_ <= now) {
        cv_timer *t = loop->heap[0];
        heap_remove(loop, t);
        cv_handle_schedule(&t->handle_);
    }
}

/* ---- I/O watchers ---- */

static void io_dispatch(void *arg)
{
    cv_io *io = arg;
    int revents = io->revents_;
    io->revents_ = 0;
    io->fn_(io, revents, io->arg_);
}

void cv_io_init(cv_loop *loop, cv_io *io, int fd, cv_io_fn fn, void *arg)
{
    cv_handle_init(loop, &io->handle_, io_dispatch, io);
    io->watch_ = (cv_list){NULL, NULL};
    io->fd_ = fd;
    io->events_ = 0;
    io->revents_ = 0;
    io->fn_ = fn;
    io->arg_ = arg;
}

void cv_io_stop(cv_io *io)
{
    if (cv_list_linked(&io->watch_)) {
        cv_list_remove(&io->watch_);
        io->handle_.loop_->nio--;
    }
    io->events_ = 0;
    io->revents_ = 0;
    cv_handle_cancel(&io->handle_);
}

void cv_io_start(cv_io *io, int events)
{
    events &= CV_IO_READ | CV_IO_WRITE;
    if (events == 0) {
        cv_io_stop(io);
        return;
    }
    io->events_ = events;
    if (!cv_list_linked(&io->watch_)) {
        cv_loop *loop = io->handle_.loop_;
        cv_list_insert_tail(&loop->watchers, &io->watch_);
        loop->nio++;
    }
}

bool cv_io_active(const cv_io *io)
{
    return cv_list_linked(&io->watch_);
}

int cv_io_fd(const cv_io *io)
{
    return io->fd_;
}

static int io_revents(short re, int asked)
{
    int r = 0;
    if (re & (POLLIN | POLLPRI | POLLHUP | POLLERR | POLLNVAL))
        r |= asked & CV_IO_READ;
    if (re & (POLLOUT | POLLHUP | POLLERR | POLLNVAL))
        r |= asked & CV_IO_WRITE;
    if (re & (POLLERR | POLLNVAL))
        r |= CV_IO_ERROR;
    return r;
}

/* Waits up to timeout_ns (negative: forever) and queues what is ready. */
static int poll_once(cv_loop *loop, int64_t timeout_ns)
{
    size_t n = 1 + loop->nio;
    if (n > loop->pcap) {
        size_t cap = n * 2;
        struct pollfd *pfds = realloc(loop->pfds, cap * sizeof *pfds);
        if (pfds == NULL)
            return CV_ENOMEM;
        loop->pfds = pfds;
        cv_io **pio = realloc(loop->pio, cap * sizeof *pio);
        if (pio == NULL)
            return CV_ENOMEM;
        loop->pio = pio;
        loop->pcap = cap;
    }
    loop->pfds[0] = (struct pollfd){.fd = loop->wakefd, .events = POLLIN};
    size_t i = 1;
    cv_list *node, *tmp;
    cv_list_foreach(node, tmp, &loop->watchers) {
        cv_io *io = cv_list_entry(node, cv_io, watch_);
        short ev = 0;
        if (io->events_ & CV_IO_READ)
            ev |= POLLIN;
        if (io->events_ & CV_IO_WRITE)
            ev |= POLLOUT;
        loop->pfds[i] = (struct pollfd){.fd = io->fd_, .events = ev};
        loop->pio[i++] = io;
    }

    struct timespec ts, *tsp = NULL;
    if (timeout_ns >= 0) {
        ts.tv_sec = timeout_ns / 1000000000;
        ts.tv_nsec = timeout_ns % 1000000000;
        tsp = &ts;
    }
    int rc = ppoll(loop->pfds, n, tsp, NULL);
    if (rc < 0)
        return errno == EINTR ? CV_OK : CV_EFAILED;
    if (rc == 0)
        return CV_OK;

    /* Posts that arrived while the loop slept come before the watchers
     * that woke it: in asyncio they were on the ready queue already. */
    if (loop->pfds[0].revents != 0)
        cv_loop__take_inbox(loop);
    /* No callback runs between ppoll() and here, so every pio[] entry is
     * still a started watcher. */
    for (i = 1; i < n; i++) {
        if (loop->pfds[i].revents == 0)
            continue;
        cv_io *io = loop->pio[i];
        int r = io_revents(loop->pfds[i].revents, io->events_);
        if (r != 0) {
            io->revents_ |= r;
            cv_handle_schedule(&io->handle_);
        }
    }
    return CV_OK;
}

/* ---- the loop ---- */

cv_loop *cv_loop_create(cv_bus *bus, int lane)
{
    cv_loop *loop = calloc(1, sizeof *loop);
    if (loop == NULL)
        return NULL;
    loop->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (loop->wakefd < 0) {
        free(loop);
        return NULL;
    }
    loop->bus = bus;
    loop->lane = lane;
    cv_list_init(&loop->ready);
    cv_list_init(&loop->batch);
    cv_list_init(&loop->watchers);
    cv_list_init(&loop->tasks.live);
    cv_list_init(&loop->tasks.fwaits);
    pthread_mutex_init(&loop->inbox_mu, NULL);
    atomic_init(&loop->woken, false);
    atomic_init(&loop->stop, false);
    return loop;
}

/* Empties a queue, freeing the calls the loop owns and leaving the
 * caller's handles unscheduled. */
static void drop_queue(cv_list *q)
{
    while (!cv_list_empty(q)) {
        cv_handle *h = cv_list_entry(cv_list_first(q), cv_handle, node_);
        cv_list_remove(&h->node_);
        if (h->fn_ == run_posted)
            free(h->arg_);
    }
}

void cv_loop_destroy(cv_loop *loop)
{
    if (loop == NULL)
        return;
    if (loop->tasks.teardown != NULL)
        loop->tasks.teardown(loop);
    drop_queue(&loop->batch);
    drop_queue(&loop->ready);
    for (size_t i = 0; i < loop->nheap; i++)
        loop->heap[i]->heap_index_ = SIZE_MAX;
    while (!cv_list_empty(&loop->watchers))
        cv_io_stop(cv_list_entry(cv_list_first(&loop->watchers), cv_io, watch_));
    cv_post *p = loop->inbox_head;
    while (p != NULL) {
        cv_post *next = p->next_;
        if (p->handle_.fn_ == run_posted)
            free(p->handle_.arg_);
        p = next;
    }
    close(loop->wakefd);
    pthread_mutex_destroy(&loop->inbox_mu);
    free(loop->heap);
    free(loop->pfds);
    free(loop->pio);
    free(loop);
}

bool cv_loop_alive(const cv_loop *loop)
{
    return loop->refs > 0 || !cv_list_empty(&loop->ready) || loop->nheap > 0 ||
           loop->nio > 0 || atomic_load(&((cv_loop *)loop)->woken);
}

void cv_loop_stop(cv_loop *loop)
{
    atomic_store(&loop->stop, true);
    wake(loop);
}

void cv_loop_ref(cv_loop *loop)
{
    loop->refs++;
}

void cv_loop_unref(cv_loop *loop)
{
    loop->refs--;
}

double cv_loop_time(const cv_loop *loop)
{
    (void)loop;
    return (double)cv_clock_mono_ns() / 1e9;
}

cv_bus *cv_loop_bus(const cv_loop *loop)
{
    return loop->bus;
}

void cv_loop_set_demo_speed(cv_loop *loop, double speed)
{
    loop->demo_speed = speed > 0 ? speed : 1.0;
}

double cv_loop_demo_speed(const cv_loop *loop)
{
    return loop->demo_speed > 0 ? loop->demo_speed : 1.0;
}

int cv_loop_lane(const cv_loop *loop)
{
    return loop->lane;
}

cv_loop_tasks *cv_loop__tasks(cv_loop *loop)
{
    return &loop->tasks;
}

/* How long the next poll may block: not at all with work ready, until the
 * nearest deadline with timers, else until something wakes the loop. */
static int64_t poll_timeout_ns(cv_loop *loop)
{
    if (!cv_list_empty(&loop->ready) || atomic_load(&loop->stop))
        return 0;
    if (loop->nheap == 0)
        return -1;
    int64_t left = loop->heap[0]->deadline_ns_ - cv_clock_mono_ns();
    return left > 0 ? left : 0;
}

/* Runs the callbacks that were ready when the turn began (the caller has
 * drained the inbox into the ready queue just before). */
static void run_batch(cv_loop *loop)
{
    if (cv_list_empty(&loop->ready))
        return;
    cv_list *b = &loop->batch;
    cv_list_move(&loop->ready, b);
    while (!cv_list_empty(b)) {
        cv_handle *h = cv_list_entry(cv_list_first(b), cv_handle, node_);
        cv_list_remove(&h->node_);
        h->fn_(h->arg_);
    }
}

int cv_loop__run(cv_loop *loop, bool (*goal)(void *arg), void *arg)
{
    if (loop->running)
        return CV_EINVAL;
    loop->running = true;
    cv_bus_attach(loop->bus, loop->lane);
    if (!loop->shown_running)
        publish_loop(loop, CV_LOOP_RUNNING, 0);
    loop->shown_running = true;
    int rc = CV_OK;
    /* POLLING was shown and nothing has run since: a poll that wakes with
     * nothing to run (a timer not quite due, a spurious wake-up) polls on
     * without showing a turn in which nothing ran. */
    bool asleep = false;
    for (;;) {
        /* A goal met on the last turn stops the loop after this one, as
         * asyncio's done callback calling stop() one turn later does. */
        if (goal != NULL && goal(arg))
            atomic_store(&loop->stop, true);
        /* A pending stop still runs this turn (asyncio checks _stopping
         * after _run_once), so a stop before run runs one turn. */
        if (!atomic_load(&loop->stop) && !cv_loop_alive(loop))
            break;
        int64_t timeout = poll_timeout_ns(loop);
        if (timeout != 0 && !asleep) {
            publish_loop(loop, CV_LOOP_POLLING,
                         timeout < 0 ? UINT64_MAX : (uint64_t)(timeout / 1000));
            asleep = true;
        }
        rc = poll_once(loop, timeout);
        if (rc != CV_OK)
            break;
        expire_timers(loop);
        /* Posts from other threads join the ready queue before the batch
         * is taken, and before deciding whether this turn shows. */
        drain_inbox(loop);
        if (asleep && (!cv_list_empty(&loop->ready) || atomic_load(&loop->stop))) {
            publish_loop(loop, CV_LOOP_RUNNING, 0);
            asleep = false;
        }
        run_batch(loop);
        if (atomic_exchange(&loop->stop, false))
            break;
    }
    if (!loop->hold_idle) {
        publish_loop(loop, CV_LOOP_IDLE, 0);
        loop->shown_running = false;
    }
    loop->running = false;
    return rc;
}

void cv_loop__hold_idle(cv_loop *loop, bool hold)
{
    loop->hold_idle = hold;
    if (!hold && loop->shown_running && !loop->running) {
        publish_loop(loop, CV_LOOP_IDLE, 0);
        loop->shown_running = false;
    }
}

int cv_loop_run(cv_loop *loop)
{
    return cv_loop__run(loop, NULL, NULL);
}
