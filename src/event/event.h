/*
 * An event is one state change somewhere in the instrumented runtime: a
 * future moving between states, a thread becoming busy or idle, a caller
 * blocking on a result, a console line.  Events are small fixed-size records
 * so that publishing one costs a timestamp and a copy; the only heap part is
 * an optional text (a label, a result, a console line) that travels with the
 * event and is owned by whoever holds the event last (ring, then log).
 */
#ifndef CV_EVENT_H
#define CV_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum cv_event_kind {
    CV_EV_HEADER = 1, /* seq 0 of every log: describes the run */
    CV_EV_FUTURE,     /* a future changed state (enum cv_future_state) */
    CV_EV_THREAD,     /* a thread started, became busy or idle, stopped */
    CV_EV_WAIT,       /* a caller blocks on / unblocks from futures */
    CV_EV_LOG,        /* a console line, exactly as headless mode prints it */
    CV_EV_DROP,       /* events a full ring had to drop (ref = how many) */
    CV_EV_TASK,       /* an event-loop task changed state */
    CV_EV_FRAME,      /* a spinner frame was drawn */
    CV_EV_LOOP,       /* the event loop polls or idles */
    CV_EV_MARK,       /* a scenario-defined milestone (text says what) */
    CV_EV_STALL,      /* a thread waited for room in its full ring (ref = ns) */
    CV_EV_GIL,        /* a thread waits for, takes or drops the GIL (src/runtime/gil.h) */
    CV_EV_LINE,       /* a lane is at a line of its Python listing (code = listing, ref = line) */
    CV_EV_KIND_COUNT
};

/* A mark's code, when the run says something the UI must understand, not
 * only show: 0 is a scenario's milestone (its text says what);
 * CV_MARK_USER_STOP says the user stopped the run (q, Ctrl-C), so calls
 * cut short after it were stopped, not failed. */
/* A comparison (flags --mode compare) runs its ways one after another and
 * says so: CV_MARK_SECTION_PLAN, at the start, once per section it means to
 * run (ref: its number from 0; text: its name), then CV_MARK_SECTION when
 * that section starts (the same ref and text), so that a view can put each
 * on its own axis from its own t = 0 and show those not started yet. */
/* A watched program (concviz run) ended: CV_MARK_PROGRAM_END, on lane -1,
 * its text saying how ("python3 x.py exited with status 3"), ref the exit
 * status concviz passes on (128 + N for signal N, 127: could not start). */
enum { CV_MARK_MILESTONE = 0, CV_MARK_USER_STOP = 1, CV_MARK_SECTION = 2,
       CV_MARK_SECTION_PLAN = 3, CV_MARK_PROGRAM_END = 4 };

enum cv_future_state {
    CV_PENDING,
    CV_RUNNING,
    CV_FINISHED,
    CV_FAILED,
    CV_CANCELLED,
    CV_FUTURE_STATE_COUNT
};

enum cv_thread_state {
    CV_THREAD_STARTED,
    CV_THREAD_BUSY,
    CV_THREAD_IDLE,
    CV_THREAD_STOPPED,
    CV_THREAD_STATE_COUNT
};

enum cv_wait_state {
    CV_WAIT_BLOCK,   /* ref = the future waited for, or 0 for many */
    CV_WAIT_UNBLOCK,
    CV_WAIT_STATE_COUNT
};

enum cv_task_state {
    CV_TASK_CREATED,   /* created: already scheduled on its loop */
    CV_TASK_SCHEDULED, /* ready again (a timer fired, I/O is ready, ...) */
    CV_TASK_RUNNING,   /* resumed on the loop thread */
    CV_TASK_SUSPENDED, /* awaiting something; text says what */
    CV_TASK_CANCELLED,
    CV_TASK_DONE,
    CV_TASK_FAILED,
    CV_TASK_STATE_COUNT
};

enum cv_loop_state {
    CV_LOOP_POLLING, /* waiting for I/O or a timer */
    CV_LOOP_RUNNING, /* running ready tasks */
    CV_LOOP_IDLE,    /* stopped: nothing left to run */
    CV_LOOP_STATE_COUNT
};

/* The GIL's steps, on the lane of the thread concerned: it waits for the
 * GIL, takes it, drops it (code: enum cv_gil_reason), or, having waited a
 * switch interval, asks the holder to drop it (ref: the holder's lane). */
enum cv_gil_state {
    CV_GIL_WAIT,
    CV_GIL_TAKE,
    CV_GIL_DROP,
    CV_GIL_REQUEST,
    CV_GIL_STATE_COUNT
};

enum cv_gil_reason {
    CV_GIL_SWITCH,   /* a waiter asked for it (the eval breaker) */
    CV_GIL_BLOCKING, /* a blocking call or a sleep releases it */
    CV_GIL_DONE,     /* the thread stops running Python code */
    CV_GIL_REASON_COUNT
};

/* What a thread is for, so that a view never guesses it from a name.  A
 * thread's STARTED event carries its role in cv_event.code (threads have
 * no other use for it); the trace writes it as "role" on that line.  Old
 * traces have none: CV_ROLE_UNKNOWN, shown as a plain thread. */
enum cv_thread_role {
    CV_ROLE_UNKNOWN,
    CV_ROLE_MAIN,    /* the scenario's main thread */
    CV_ROLE_WORKER,  /* a thread of a pool */
    CV_ROLE_LOOP,    /* a thread that runs an event loop */
    CV_ROLE_SPINNER, /* the spinner scenario's thread */
    CV_ROLE_PROCESS, /* a child process (its events relayed: runtime/proc.h) */
    CV_ROLE_COUNT
};

/* cv_event.side for spinner frames and two-sided scenarios. */
enum cv_side { CV_SIDE_NONE, CV_SIDE_THREAD, CV_SIDE_TASK, CV_SIDE_PROCESS, CV_SIDE_COUNT };

/* No lane: the event does not concern a particular thread. */
#define CV_NO_LANE (-1)
/* The lane of the scenario's main (calling) thread. */
#define CV_MAIN_LANE 0

typedef struct cv_event {
    uint64_t seq;   /* position in the log, gapless from 0 */
    int64_t t_ns;   /* ns since the run started (raw clock ticks in a ring) */
    uint64_t id;    /* the future or task concerned */
    uint64_t ref;   /* kind-specific: result value, waited future, drop count */
    char *text;     /* owned, may be NULL: label, result text, error, line */
    int32_t code;   /* kind-specific: error code, HTTP status, thread role */
    int16_t lane;   /* the lane the event concerns, CV_NO_LANE if none */
    int16_t origin; /* the lane of the thread that published it */
    uint16_t kind;  /* enum cv_event_kind */
    uint16_t state; /* kind-specific state enum */
    uint16_t side;  /* kind-specific sub-classification */
    uint16_t flags; /* kind-specific bits */
    uint64_t spare; /* pads the record to one 64-byte cache line */
} cv_event;

_Static_assert(sizeof(cv_event) == 64, "an event is one cache line");

/*
 * The kinds as data (event_kinds.c): each kind's trace name, state names
 * and the fields its trace lines carry, in the order they are written.
 * The trace writer and reader are driven by this table alone, so a new
 * kind is one entry there (and its handlers in ui/model).
 *
 * A field maps one JSON key to one cv_event member.  It belongs to the
 * states in its mask (0: to every state, and to kinds without states),
 * which is how a kind says that "result" appears only when a future is
 * finished: two fields may share a key in disjoint states.
 */
enum cv_field_type {
    CV_FT_INT,      /* a whole number, the member's value */
    CV_FT_TEXT,     /* cv_event.text */
    CV_FT_LABEL,    /* cv_event.text, which names cv_event.id from now on */
    CV_FT_LABEL_OF, /* the label of the id in the member (written, not read) */
    CV_FT_STATE,    /* the state's name, or its number when it has none */
    CV_FT_SIDE,     /* enum cv_side by name (cv_event.side) */
    CV_FT_ROLE,     /* enum cv_thread_role by name (in the member) */
    CV_FT_RESULT,   /* cv_event.text, or the number in ref when it has none */
};

enum cv_field_member {
    CV_FM_NONE, CV_FM_ID, CV_FM_REF, CV_FM_TEXT, CV_FM_CODE,
    CV_FM_LANE, CV_FM_STATE, CV_FM_SIDE, CV_FM_FLAGS,
};

/* A field's member as the signed number a trace line holds, and back: the
 * one mapping of enum cv_field_member to cv_event, for the writer and the
 * reader alike (inline: the writer calls it for every field it writes). */
static inline long long cv_field_member_get(const cv_event *ev, unsigned member)
{
    switch (member) {
    case CV_FM_ID: return (long long)ev->id;
    case CV_FM_REF: return (long long)ev->ref;
    case CV_FM_CODE: return ev->code;
    case CV_FM_LANE: return ev->lane;
    case CV_FM_STATE: return ev->state;
    case CV_FM_SIDE: return ev->side;
    case CV_FM_FLAGS: return ev->flags;
    default: return 0;
    }
}

static inline void cv_field_member_set(cv_event *ev, unsigned member, long long v)
{
    switch (member) {
    case CV_FM_ID: ev->id = (uint64_t)v; break;
    case CV_FM_REF: ev->ref = (uint64_t)v; break;
    case CV_FM_CODE: ev->code = (int32_t)v; break;
    case CV_FM_LANE: ev->lane = (int16_t)v; break;
    case CV_FM_STATE: ev->state = (uint16_t)v; break;
    case CV_FM_SIDE: ev->side = (uint16_t)v; break;
    case CV_FM_FLAGS: ev->flags = (uint16_t)v; break;
    default: break;
    }
}

/* The bit of a state in a field's mask. */
#define CV_IN(state) (1u << (state))

typedef struct cv_field {
    const char *key;
    uint8_t type;      /* enum cv_field_type */
    uint8_t member;    /* enum cv_field_member */
    bool optional;     /* left out when the number is `def` or the text NULL */
    bool required;     /* a line without it is refused */
    uint32_t states;   /* the states it appears in; 0: all */
    long long min, max; /* a number out of this range is refused */
    long long def;     /* a number's value when the line has none */
    const char *text_def; /* written when the event has no text */
} cv_field;

typedef struct cv_kind_desc {
    const char *name;           /* in traces and on screen */
    const char *const *states;  /* state names, NULL-terminated; NULL: none */
    const cv_field *fields;
    size_t nfields;
    bool meta; /* the header: its fields are the run's (cv_log_meta) */
} cv_kind_desc;

/* The descriptor of a kind, or NULL for an unknown one. */
const cv_kind_desc *cv_event_kind_desc(unsigned kind);
/* Whether field f belongs to state `state` of its kind. */
bool cv_field_in_state(const cv_field *f, unsigned state);

/* The names used in traces and on screen ("future", "running", ...). */
const char *cv_event_kind_name(unsigned kind);
const char *cv_event_state_name(unsigned kind, unsigned state);
/* Inverse of the above: -1 when the name is unknown. */
int cv_event_kind_from_name(const char *name);
int cv_event_state_from_name(unsigned kind, const char *name);
const char *cv_side_name(unsigned side);
int cv_side_from_name(const char *name);
/* "worker", ...; "unknown" for CV_ROLE_UNKNOWN or out of range. */
const char *cv_role_name(unsigned role);
/* CV_ROLE_UNKNOWN for a name it does not know. */
int cv_role_from_name(const char *name);

#endif
