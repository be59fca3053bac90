/*
 * The model: what the screen shows, derived from a prefix of the event log.
 * It is built forward, one event at a time (cv_model_advance), which is all
 * a live run or a forward step needs.  A backward step (cv_model_seek)
 * restores the latest checkpoint at or before the target, taken as the
 * model went forward (model_checkpoint.c), and replays the few thousand
 * events after it: applying an event stays the only way the model changes,
 * and a step back fits in a frame however long the log.  Texts point into
 * the log, whose events never move and live as long as it does, so the
 * model copies none.
 *
 * Event-loop tasks are futures too (asyncio.Task is a Future), so they live
 * in the same array, flagged `task`, and the table and the captions find
 * them by id like any future; what only tasks have (the slices in which
 * they ran, what they await, the loop's polling) is applied by
 * model_tasks.c.  Spinner frames and console lines are also kept per side
 * (thread or task), for the two-pane screen of a two-sided scenario.
 */
#ifndef CV_UI_MODEL_H
#define CV_UI_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "log.h"

/* No index (future or lane not known). */
#define CV_NONE ((size_t)-1)

/* CV_SPAN_GIL: a thread waits for the GIL (model_gil.c), kept with the
 * blocked stretches in a lane's waits, since a thread does one or the
 * other, never both at once. */
enum cv_span_kind { CV_SPAN_IDLE, CV_SPAN_BUSY, CV_SPAN_BLOCKED, CV_SPAN_POLL, CV_SPAN_LOOP,
                    CV_SPAN_GIL };

/* A lane and the GIL at the playhead. */
enum cv_lane_gil { CV_LANE_GIL_NONE, CV_LANE_GIL_HOLDS, CV_LANE_GIL_WAITS };

/* A stretch of time on a lane.  t1 < 0 while it lasts. */
typedef struct cv_span {
    int64_t t0, t1;
    uint64_t ref;      /* BLOCKED: the future waited for (0: many) */
    const char *what;  /* BLOCKED: "result", "as_completed", ... */
    uint8_t kind;      /* enum cv_span_kind */
} cv_span;

/* The fields are in this order so that none is padded: 112 bytes on a
 * 64-bit machine, where
 * the model keeps one for each future of the log. */
typedef struct cv_mfuture {
    uint64_t id;
    const char *label;  /* from the pending event; NULL if never seen */
    const char *result; /* result text on finished, or NULL (see value) */
    const char *error;  /* message on failed */
    uint64_t value;     /* ref of the finished event */
    int64_t t_submit, t_start, t_end; /* -1 when not (yet) */
    size_t prev_on_lane; /* the future that ran before it on its lane */
    int code;           /* the outcome's code: a download's HTTP status
                         * (finished or failed), an error's code; 0: none */
    int lane;           /* worker lane, CV_NO_LANE before it runs */
    uint8_t state;      /* enum cv_future_state */
    bool task;
    /* Tasks only.  `state` is RUNNING from creation until the task ends
     * (it is in flight), then FINISHED, FAILED or CANCELLED. */
    uint8_t tstate;     /* enum cv_task_state */
    uint32_t nslices;   /* how many times it ran */
    const char *awaits; /* what it awaits while suspended, else NULL */
    uint64_t awaits_ref;
    /* The latest event that names it (its own, or a wait on it): where
     * the scan for its card (model_history.c) may stop. */
    size_t last_event;
} cv_mfuture;

/* A stretch in which a task ran on an event loop's lane.  t1 < 0 while it
 * runs; `end` is the task state that closed it (SUSPENDED, DONE, ...). */
typedef struct cv_slice {
    int64_t t0, t1;
    size_t fut;         /* the task's index in the model's futures */
    uint8_t end;        /* enum cv_task_state; RUNNING while open */
} cv_slice;

/* What one side of a two-sided scenario has shown. */
typedef struct cv_mside {
    size_t frames;      /* spinner frames drawn */
    const char *glyph;  /* the latest frame's text; NULL or "" once cleared */
    int64_t t_first, t_frame; /* times of the first and the latest frame */
    size_t *console;    /* indices of its LOG events */
    size_t nconsole, capconsole;
} cv_mside;

/* A section of a comparison (flags --mode compare), from its marks
 * (event.h): its name, and once it started, when. */
#define CV_SECTIONS_MAX 8
typedef struct cv_msection {
    const char *name;
    int64_t t0;
    bool started;
} cv_msection;

typedef struct cv_mlane {
    bool present;
    const char *name;   /* "main", "worker 1", ... (NULL: "lane N") */
    int role;           /* enum cv_thread_role, from its started event */
    int state;          /* enum cv_thread_state, -1 before any event */
    cv_span *spans;     /* thread state: idle / busy, in time order */
    size_t nspans, capspans;
    cv_span *waits;     /* blocked stretches, in time order */
    size_t nwaits, capwaits;
    size_t *futs;       /* futures run here, in start order */
    size_t nfuts, capfuts;
    /* Some future here started while another still ran, ended after the
     * next began, ran twice or ran after it ended: its bars overlap, and a
     * view must draw each of them rather than one a column
     * (ui/views/timeline.c). */
    bool overlap;
    size_t running;     /* the future running now, or CV_NONE */
    size_t last_done;   /* the last future finished here, or CV_NONE */
    int side;           /* enum cv_side: set by its first event with a side */
    bool loop;          /* an event loop runs here */
    cv_span *loops;     /* the loop's state: CV_SPAN_POLL / CV_SPAN_LOOP */
    size_t nloops, caploops;
    cv_slice *slices;   /* tasks run here, in time order */
    size_t nslices, capslices;
    size_t *frames;     /* indices of the spinner frames drawn here */
    size_t nframes, capframes;
    uint8_t gil;        /* enum cv_lane_gil */
} cv_mlane;

/* Where a lane's code, or a task's on a loop's lane, stands in the run's
 * Python listing (model_lines.c): one for each lane and task that ever
 * published a LINE event, changed in place as it moves. */
typedef struct cv_mline {
    int lane;
    int listing, line;  /* CV_LISTING_... id, 1-based line */
    uint64_t task;      /* the task's id; 0: the lane's own code */
    int64_t t;          /* when it got there */
    size_t event;       /* the LINE event that put it there */
} cv_mline;

/* Future ids to indices, a hash (model_ids.c). */
typedef struct cv_model_ids {
    uint64_t *ids;
    uint32_t *index1;  /* index + 1; 0: an empty slot */
    size_t cap, n;     /* cap: a power of two, or 0 */
} cv_model_ids;

typedef struct cv_model {
    const cv_log *log;
    size_t upto;        /* events [0, upto) are applied */
    int64_t t_last;     /* time of the last applied event */
    const char *scenario;
    cv_mfuture *futs;   /* in order of first appearance (submission) */
    size_t nfuts, capfuts;
    cv_model_ids ids;   /* future id -> index (model_ids.c) */
    cv_mlane *lanes;    /* indexed by lane number */
    int nlanes, caplanes;
    size_t *console;    /* indices of LOG events */
    size_t nconsole, capconsole;
    size_t npending, nrunning, ndone;
    size_t first_pending; /* no pending future has a smaller index */
    size_t done_prefix;   /* every future below this index is done */
    uint64_t dropped;
    uint64_t stalls;     /* times a thread waited for room in its ring */
    int64_t stalled_ns;  /* how long, in all */
    size_t kinds[CV_EV_KIND_COUNT + 1]; /* events seen, by kind (last: unknown) */
    bool failed_seen;   /* some future failed: worth a word in the header */
    bool user_stopped;  /* a CV_MARK_USER_STOP was applied: the user stopped the run */
    cv_msection sections[CV_SECTIONS_MAX]; /* a comparison's sections, by number */
    int nsections;      /* 0: not a comparison */
    size_t last_touched; /* the future or task of the latest such event */
    size_t ntasks, ntasks_done;
    size_t ntask_states[CV_TASK_STATE_COUNT]; /* live tasks by state */
    bool sided;         /* some event has a side: show two panes */
    /* The GIL (model_gil.c): its holder's lane + 1 (0: free), the lane
     * that held it last + 1, and how often it changed hands. */
    int gil_holder1, gil_last1;
    uint64_t gil_handoffs, gil_requests;
    cv_mside sides[CV_SIDE_COUNT];
    /* The listing lines (model_lines.c): every lane's and task's, the one
     * that moved last (index + 1; 0: none), and the listings named so far
     * (bit id). */
    cv_mline *lines;
    size_t nlines, caplines;
    size_t line_moved1;
    uint64_t listings_seen;
    /* Not the state shown but how to get back to one: the checkpoints
     * (NULL: none kept) and the event count at which to take the next.
     * A new array above needs its lines in model_checkpoint.c's restore. */
    struct cv_model_checkpoints *ckpts;
    size_t ckpt_next;
} cv_model;

int cv_model_init(cv_model *m, const cv_log *log);
void cv_model_free(cv_model *m);
/* Sizes every array for the whole log once it is closed, keeping what the
 * model holds: for a replay whose trace was read behind the screen, which
 * cv_model_init saw open.  (For a log closed at init, init did it.) */
void cv_model_reserve_whole_log(cv_model *m);
/* Forgets everything applied (keeps the log, the memory and the
 * checkpoints, which stay true of the log). */
void cv_model_reset(cv_model *m);
/* Applies events up to (not including) index upto, forward from m->upto.
 * Returns 0 or -1 without memory (the model stays consistent). */
int cv_model_advance(cv_model *m, size_t upto);
/* Moves to exactly upto events: a step back restores the latest checkpoint
 * at or before upto (or starts over) and advances from there. */
int cv_model_seek(cv_model *m, size_t upto);
/* Moves toward exactly upto events as cv_model_seek does, but applies at
 * most `budget` events: a seek further than that stops short, at a true
 * model of an earlier prefix (m->upto says which), and the caller comes
 * back for the rest, a frame at a time.  A step back costs a restore and
 * the replay from the checkpoint, at most the checkpoints' spacing. */
int cv_model_seek_some(cv_model *m, size_t upto, size_t budget);
/* The same, applying events for about max_ns at most (the clock is read
 * every thousand events), which is what a frame of the UI may spend on
 * the model: CV_MODEL_FRAME_NS keeps a frame, render included, within
 * 2 ms on a loaded machine.  A seek that needs more (End from the start of
 * a million events: about 60 ms of events) takes several frames, each a
 * true picture of an earlier prefix, so the screen shows the way. */
int cv_model_seek_within(cv_model *m, size_t upto, int64_t max_ns);
#define CV_MODEL_FRAME_NS 1000000

/* Heap bytes held by the model's own arrays and hash (model_bytes) and by
 * its checkpoints (checkpoint_bytes), for the benchmarks. */
void cv_model_memory(const cv_model *m, size_t *model_bytes, size_t *checkpoint_bytes);

/* Takes a checkpoint every `every` events, keeping at most `max` (thinning
 * them out to every other one, twice as far apart, when full); 0 keeps the
 * default.  Drops those taken.  For tests: the defaults suit the UI. */
void cv_model_set_checkpoints(cv_model *m, size_t every, size_t max);
/* How many checkpoints are kept and how far apart, in events. */
size_t cv_model_checkpoint_count(const cv_model *m, size_t *every);

/* How many futures below index `before` are finished or failed: the
 * futures the model knows to be done in a row from the first are counted
 * at once, the rest one by one (in a map, main waits in order, so they
 * are none). */
size_t cv_model_done_before(const cv_model *m, size_t before);

/* The future with this id, or NULL. */
const cv_mfuture *cv_model_future(const cv_model *m, uint64_t id);
size_t cv_model_future_index(const cv_model *m, uint64_t id);
/* The lane, or NULL if never seen. */
const cv_mlane *cv_model_lane(const cv_model *m, int lane);
/* The lane's name into buf: its thread name, or "lane N"; a pool's
 * worker is "worker K" with K its cv_model_worker_number. */
const char *cv_model_lane_name(const cv_model *m, int lane, char *buf, size_t len);
/* model_workers.c: a worker lane's number, 1 for the first to start a
 * future (0: not a worker), the same in every run of a scenario. */
int cv_model_worker_number(const cv_model *m, int lane);
/* The lane to draw in the row of `lane` when lanes go in lane order:
 * worker rows are in worker-number order, other lanes stay. */
int cv_model_lane_in_row(const cv_model *m, int lane);
/* The future's label into buf: its label, or "future N". */
const char *cv_model_label(const cv_mfuture *f, char *buf, size_t len);

/* The lane holding the GIL at the playhead, or CV_NO_LANE; how many
 * lanes wait for it. */
int cv_model_gil_holder(const cv_model *m);
int cv_model_gil_waiters(const cv_model *m);

/* model_lines.c: the line of `lane` (task 0) or of task `task`, or NULL;
 * whether it is shown now: a lane's while it runs code (not idle, not
 * stopped, not since begun a new call elsewhere), a task's while it is in
 * flight. */
const cv_mline *cv_model_line_of(const cv_model *m, int lane, uint64_t task);
bool cv_model_line_shown(const cv_model *m, const cv_mline *p);

/* The pane a lane or a console line belongs to on a two-sided screen:
 * CV_SIDE_TASK, CV_SIDE_PROCESS, or CV_SIDE_THREAD for everything else. */
int cv_pane_of_side(int side);

/* The lane an event concerns: its lane, else the publishing thread's. */
int cv_event_lane_of(const cv_event *e);

/* A future's history (model_history.c), for its card: the events among
 * those applied that name the future `id` (its own state changes, and the
 * waits on it), in log order.  Puts the indices of the matches number
 * skip .. skip + max - 1 in out, and returns how many there are in all
 * (0: no such future). */
size_t cv_model_history(const cv_model *m, uint64_t id, size_t skip, size_t *out, size_t max);
/* Whether event e names the future `id`, in the sense above. */
bool cv_model_history_names(const cv_event *e, uint64_t id);

/* How a download ended, from its outcome's code (never its text): a 404
 * (finished, the book's "not found"), another HTTP status it failed with
 * (418 I'm a Teapot), its own timeout (CV_ENETTIMEOUT); CV_OUTCOME_PLAIN
 * for everything else, drawn by its state alone. */
enum cv_outcome { CV_OUTCOME_PLAIN, CV_OUTCOME_NOT_FOUND, CV_OUTCOME_HTTP_ERROR,
                  CV_OUTCOME_TIMEOUT };
int cv_model_outcome(const cv_mfuture *f);

/* When section k of a comparison ends: when the next started one starts,
 * or the latest event applied; -1 if it has not started. */
int64_t cv_model_section_end(const cv_model *m, int k);

/* How many of the first `count` events happen at or before t_ns. */
size_t cv_log_index_at(const cv_log *log, size_t count, int64_t t_ns);

#endif
