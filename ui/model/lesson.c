/*
 * The lesson cards (lesson.h).  The first cards are fixed texts, one per
 * scenario.  The end-of-run card reads the log once, in order, and keeps
 * only counters and one small record per future or task: what each
 * scenario's card says is a handful of numbers (an order, a longest wait,
 * a longest gap, a peak), and a stress run of millions of events needs no
 * record at all.  Nothing here parses a text: labels are only shown.
 */
#include "lesson.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"

typedef struct intro {
    const char *scenario;
    const char *text;
} intro;

static const intro intros[] = {
    {"loiter",
     "loiter: executor.map versus as_completed\n"
     "Re-creates Fluent Python's demo_executor_map.py: five calls of\n"
     "loiter(n), each sleeping n seconds, on a pool of three workers.\n"
     "Watch: map hands results back in submission order, so main waits\n"
     "for loiter(0) although later calls are done; loiter(4) waits for\n"
     "a free worker.\n"
     "Try: space (pause), left/right (step), ? (help)."},
    {"spinner",
     "spinner: a thread and a coroutine spinning while work goes on\n"
     "Re-creates spinner_thread.py and spinner_async.py: a spinner draws\n"
     "frames while slow() runs.  With a blocking call in the coroutine,\n"
     "the event loop cannot run the spinner: its frames stop.\n"
     "Try: space (pause), left/right (step), ? (help)."},
    {"flags",
     "flags: downloading twenty flags three ways\n"
     "Re-creates flags.py, flags_threadpool.py and flags_asyncio.py:\n"
     "the same downloads one after another, on a thread pool, and as\n"
     "asyncio tasks on one thread.  Network waits overlap in the last two.\n"
     "Try: space (pause), left/right (step), ? (help)."},
    {"primes",
     "primes: CPU-bound work, threads and the GIL\n"
     "Re-creates sequential.py, threads.py and procs.py: checking numbers\n"
     "for primality.  Threads take turns holding the GIL, so they are no\n"
     "faster than one; processes run at once.\n"
     "Try: space (pause), left/right (step), ? (help)."},
    {"stress",
     "stress: many small futures, to measure the machinery\n"
     "Not a book program: it floods the pool with tiny calls to show how\n"
     "many events a second the bus and the log carry.\n"
     "Try: space (pause), ? (help)."},
};

const char *cv_lesson_intro(const char *scenario)
{
    if (scenario == NULL)
        return NULL;
    for (size_t i = 0; i < sizeof intros / sizeof intros[0]; i++)
        if (strcmp(intros[i].scenario, scenario) == 0)
            return intros[i].text;
    return NULL;
}

/* One future or task, in order of first appearance. */
typedef struct job {
    uint64_t id;
    bool task;
    const char *label;
    int64_t t_submit, t_start, t_end; /* -1: not seen */
    int outcome;                      /* CV_FINISHED, CV_FAILED, ...; -1: open */
} job;

typedef struct facts {
    job *jobs;
    size_t njobs, capjobs;
    bool oom;
    int64_t t_end;
    size_t events;
    long running, peak;          /* futures running plus tasks in flight */
    size_t gil_handoffs;
    int gil_holder;              /* lane that last took the GIL, -1: none */
    int64_t gil_since;           /* when the holder took it */
    int64_t gil_held;            /* time the GIL was held, in all: the work done */
    double speed;                /* the run's --speed */
    int64_t last_frame[CV_SIDE_COUNT]; /* -1: no frame yet */
    int64_t gap[CV_SIDE_COUNT];        /* longest stretch without a frame */
} facts;

/* The job of an id of the right family, appended when first seen.  A
 * linear search: runs with cards of futures have tens of them. */
static job *job_of(facts *f, uint64_t id, bool task)
{
    for (size_t i = f->njobs; i-- > 0;)
        if (f->jobs[i].id == id && f->jobs[i].task == task)
            return &f->jobs[i];
    if (f->njobs == f->capjobs) {
        size_t cap = f->capjobs ? 2 * f->capjobs : 32;
        job *j = realloc(f->jobs, cap * sizeof *j);
        if (j == NULL) {
            f->oom = true;
            return NULL;
        }
        f->jobs = j;
        f->capjobs = cap;
    }
    job *j = &f->jobs[f->njobs++];
    *j = (job){.id = id, .task = task, .t_submit = -1, .t_start = -1, .t_end = -1,
               .outcome = -1};
    return j;
}

static void end_job(facts *f, job *j, int64_t t, int outcome)
{
    if (j->outcome >= 0)
        return;
    if (j->t_start >= 0 || j->task)
        f->running--;
    j->t_end = t;
    j->outcome = outcome;
}

static void on_future(facts *f, const cv_event *ev)
{
    job *j = job_of(f, ev->id, false);
    if (j == NULL)
        return;
    switch (ev->state) {
    case CV_PENDING:
        j->t_submit = ev->t_ns;
        if (j->label == NULL)
            j->label = ev->text;
        break;
    case CV_RUNNING:
        if (j->t_start < 0 && j->outcome < 0) {
            j->t_start = ev->t_ns;
            if (++f->running > f->peak)
                f->peak = f->running;
        }
        break;
    default:
        end_job(f, j, ev->t_ns, ev->state);
        break;
    }
}

static void on_task(facts *f, const cv_event *ev)
{
    job *j = job_of(f, ev->id, true);
    if (j == NULL)
        return;
    switch (ev->state) {
    case CV_TASK_CREATED:
        if (j->t_submit < 0) {
            j->t_submit = j->t_start = ev->t_ns;
            j->label = ev->text;
            if (++f->running > f->peak)
                f->peak = f->running;
        }
        break;
    case CV_TASK_DONE: end_job(f, j, ev->t_ns, CV_FINISHED); break;
    case CV_TASK_FAILED: end_job(f, j, ev->t_ns, CV_FAILED); break;
    case CV_TASK_CANCELLED: end_job(f, j, ev->t_ns, CV_CANCELLED); break;
    default: break;
    }
}

static void on_event(facts *f, const cv_event *ev)
{
    f->events++;
    f->t_end = ev->t_ns;
    switch (ev->kind) {
    case CV_EV_FUTURE: on_future(f, ev); break;
    case CV_EV_TASK: on_task(f, ev); break;
    case CV_EV_GIL:
        /* A hand-off: the GIL taken by another thread than the last. */
        if (ev->state == CV_GIL_TAKE) {
            if (f->gil_holder >= 0 && f->gil_holder != ev->lane)
                f->gil_handoffs++;
            f->gil_holder = ev->lane;
            f->gil_since = ev->t_ns;
        } else if (ev->state == CV_GIL_DROP && ev->lane == f->gil_holder && f->gil_since >= 0) {
            f->gil_held += ev->t_ns - f->gil_since;
            f->gil_since = -1;
        }
        break;
    case CV_EV_FRAME:
        if (ev->side < CV_SIDE_COUNT) {
            int64_t *last = &f->last_frame[ev->side];
            if (*last >= 0 && ev->t_ns - *last > f->gap[ev->side])
                f->gap[ev->side] = ev->t_ns - *last;
            *last = ev->t_ns;
        }
        break;
    default: break;
    }
}

/* Appends one line to the card. */
typedef struct card {
    char *buf;
    size_t cap, len;
    int lines;
} card;

static void say(card *c, const char *fmt, ...)
{
    if (c->cap == 0 || c->len + 1 >= c->cap)
        return;
    if (c->lines > 0)
        c->buf[c->len++] = '\n';
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(c->buf + c->len, c->cap - c->len, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    c->len += (size_t)n < c->cap - c->len ? (size_t)n : c->cap - c->len - 1;
    c->lines++;
}

/* Times on the cards are demo times, as the header's clock shows them
 * (real time x --speed), so that loiter(4)'s one second reads 1.00 s at
 * any speed; only stress's events per second are per real second. */
static double secs(const facts *f, int64_t ns) { return (double)ns * f->speed / 1e9; }

/* A finished call: its end, and its submission index, which breaks ties. */
typedef struct ended {
    int64_t t_end;
    size_t index;
} ended;

static int by_end(const void *a, const void *b)
{
    const ended *x = a, *y = b;
    if (x->t_end != y->t_end)
        return x->t_end < y->t_end ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

/* loiter: the order in which the calls finished, by submission index, and
 * the call that waited longest for a free worker. */
static void say_loiter(card *c, const facts *f)
{
    ended *idx = malloc((f->njobs + 1) * sizeof *idx);
    if (idx == NULL)
        return;
    size_t n = 0;
    for (size_t i = 0; i < f->njobs; i++)
        if (!f->jobs[i].task && f->jobs[i].t_end >= 0)
            idx[n++] = (ended){f->jobs[i].t_end, i};
    qsort(idx, n, sizeof *idx, by_end);
    char order[128] = "";
    size_t len = 0;
    bool in_order = true;
    for (size_t k = 0; k < n && len + 24 < sizeof order; k++) {
        len += (size_t)snprintf(order + len, sizeof order - len, "%s%zu", k ? ", " : "",
                                idx[k].index);
        in_order = in_order && (k == 0 || idx[k].index > idx[k - 1].index);
    }
    free(idx);
    if (n > 0)
        say(c, "calls finished %s: %s", in_order ? "in submission order" : "in the order",
            order);
    const job *longest = NULL;
    for (size_t i = 0; i < f->njobs; i++) {
        const job *j = &f->jobs[i];
        if (!j->task && j->t_submit >= 0 && j->t_start >= 0 &&
            (longest == NULL ||
             j->t_start - j->t_submit > longest->t_start - longest->t_submit))
            longest = j;
    }
    if (longest != NULL && longest->t_start - longest->t_submit >= 1000000)
        say(c, "%s waited %.2f s for a free worker", longest->label ? longest->label : "a call",
            secs(f, longest->t_start - longest->t_submit));
}

static const char *const side_names[CV_SIDE_COUNT] = {"", "thread", "task", "process"};

/* spinner: each side's longest stretch without a frame, counting from its
 * last frame to the end of the run too (a spinner that stopped for good). */
static void say_spinner(card *c, const facts *f)
{
    for (int s = 0; s < CV_SIDE_COUNT; s++) {
        if (f->last_frame[s] < 0)
            continue;
        int64_t gap = f->gap[s];
        if (f->t_end - f->last_frame[s] > gap)
            gap = f->t_end - f->last_frame[s];
        say(c, "the %s%sspinner drew no frame for %.1f s", side_names[s], *side_names[s] ? " " : "",
            secs(f, gap));
    }
}

static size_t count_outcome(const facts *f, int outcome)
{
    size_t n = 0;
    for (size_t i = 0; i < f->njobs; i++)
        n += f->jobs[i].outcome == outcome;
    return n;
}

static void say_flags(card *c, const facts *f)
{
    say(c, "downloads: %zu done, %zu failed, in %.2f s", count_outcome(f, CV_FINISHED),
        count_outcome(f, CV_FAILED), secs(f, f->t_end));
    say(c, "concurrency peak: %ld at once", f->peak);
}

/* primes: the run against what one thread doing the same work one check
 * after another would have taken.  Under the GIL that is the time the GIL
 * was held, since only its holder computes; without it (processes, or a
 * run with no GIL) the sum of the checks' own times. */
static void say_primes(card *c, const facts *f)
{
    int64_t busy = 0;
    for (size_t i = 0; i < f->njobs; i++)
        if (!f->jobs[i].task && f->jobs[i].t_start >= 0 && f->jobs[i].t_end >= 0)
            busy += f->jobs[i].t_end - f->jobs[i].t_start;
    int64_t held = f->gil_held;
    if (f->gil_since >= 0 && f->gil_holder >= 0)
        held += f->t_end - f->gil_since;
    say(c, "time: %.2f s; GIL hand-offs: %zu", secs(f, f->t_end), f->gil_handoffs);
    if (held > 0)
        say(c, "time / one thread's (the GIL held): %.2f", (double)f->t_end / (double)held);
    else if (busy > 0)
        say(c, "time / one thread's (the checks' sum): %.2f", (double)f->t_end / (double)busy);
}

static void say_stress(card *c, const facts *f)
{
    if (f->t_end > 0)
        say(c, "%zu events in %.2f s (real time): %.0f events/s", f->events,
            (double)f->t_end / 1e9, (double)f->events / ((double)f->t_end / 1e9));
}

int cv_lesson_end(const cv_log *log, size_t upto, char *buf, size_t cap)
{
    card c = {.buf = buf, .cap = cap};
    if (cap > 0)
        buf[0] = '\0';
    size_t count = cv_log_count(log);
    if (upto > count)
        upto = count;
    double speed = cv_log_meta_get(log)->speed;
    facts f = {.gil_holder = -1, .gil_since = -1, .speed = speed > 0 ? speed : 1};
    for (int s = 0; s < CV_SIDE_COUNT; s++)
        f.last_frame[s] = -1;
    /* The header (seq 0) is not part of the run. */
    for (size_t i = 0; i < upto; i++) {
        const cv_event *ev = cv_log_at(log, i);
        if (ev->kind != CV_EV_HEADER)
            on_event(&f, ev);
    }
    const char *scenario = cv_log_meta_get(log)->scenario;
    if (!f.oom && f.events > 0) {
        say(&c, "%s: the run is over", scenario[0] ? scenario : "run");
        if (strcmp(scenario, "loiter") == 0)
            say_loiter(&c, &f);
        else if (strcmp(scenario, "spinner") == 0)
            say_spinner(&c, &f);
        else if (strcmp(scenario, "flags") == 0)
            say_flags(&c, &f);
        else if (strcmp(scenario, "primes") == 0)
            say_primes(&c, &f);
        else if (strcmp(scenario, "stress") == 0)
            say_stress(&c, &f);
    }
    free(f.jobs);
    /* A card with its title alone says nothing. */
    if (c.lines <= 1) {
        if (cap > 0)
            buf[0] = '\0';
        return 0;
    }
    return c.lines;
}
