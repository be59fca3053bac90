/*
 * The table of event kinds: for each, its name, its states and the fields
 * of its trace lines, in the order the writer puts them.  The trace writer
 * and reader (src/trace/trace_write.c, trace_read.c) know no kind by name; what a line holds,
 * when, and in which range is said here once.  A field's state mask says
 * when it appears ("result" only when a future is finished), and a key may
 * appear twice in disjoint states ("code": always when failed, otherwise
 * only when set).  The UI's half of a kind (how it changes the model, what
 * its caption says) is in ui/model/model_kinds.c.
 */
#include "event.h"

#include <stdint.h>

/* Ranges: the members' own, with -1 as "none" where a line may say so. */
#define ID_RANGE .min = 1, .max = INT64_MAX
#define COUNT_RANGE .min = 0, .max = INT64_MAX
#define ANY64_RANGE .min = INT64_MIN, .max = INT64_MAX
#define CODE_RANGE .min = INT32_MIN, .max = INT32_MAX
#define LANE_RANGE .min = -1, .max = INT16_MAX

static const char *const future_states[] = {
    [CV_PENDING] = "pending",   [CV_RUNNING] = "running",
    [CV_FINISHED] = "finished", [CV_FAILED] = "failed",
    [CV_CANCELLED] = "cancelled", NULL,
};

static const char *const thread_states[] = {
    [CV_THREAD_STARTED] = "started", [CV_THREAD_BUSY] = "busy",
    [CV_THREAD_IDLE] = "idle",       [CV_THREAD_STOPPED] = "stopped", NULL,
};

static const char *const wait_states[] = {
    [CV_WAIT_BLOCK] = "block", [CV_WAIT_UNBLOCK] = "unblock", NULL,
};

static const char *const task_states[] = {
    [CV_TASK_CREATED] = "created",     [CV_TASK_SCHEDULED] = "scheduled",
    [CV_TASK_RUNNING] = "running",     [CV_TASK_SUSPENDED] = "suspended",
    [CV_TASK_CANCELLED] = "cancelled", [CV_TASK_DONE] = "done",
    [CV_TASK_FAILED] = "failed", NULL,
};

static const char *const loop_states[] = {
    [CV_LOOP_POLLING] = "polling", [CV_LOOP_RUNNING] = "running",
    [CV_LOOP_IDLE] = "idle", NULL,
};

/* A future's label is given when it is submitted and looked up on every
 * later line; its lane appears once it runs; the outcome fields with the
 * outcome.  "code" is the HTTP status of a download, finished or failed. */
static const cv_field future_fields[] = {
    {"id", CV_FT_INT, CV_FM_ID, .required = true, ID_RANGE},
    {"label", CV_FT_LABEL, CV_FM_TEXT, .optional = true, .states = CV_IN(CV_PENDING)},
    {"label", CV_FT_LABEL_OF, CV_FM_ID, .optional = true, .states = ~CV_IN(CV_PENDING)},
    {"state", CV_FT_STATE, CV_FM_STATE, .required = true},
    {"lane", CV_FT_INT, CV_FM_LANE, .optional = true, .def = CV_NO_LANE,
     .states = ~CV_IN(CV_PENDING), LANE_RANGE},
    {"result", CV_FT_RESULT, CV_FM_TEXT, .states = CV_IN(CV_FINISHED)},
    {"value", CV_FT_INT, CV_FM_REF, .states = CV_IN(CV_FINISHED), ANY64_RANGE},
    {"error", CV_FT_TEXT, CV_FM_TEXT, .states = CV_IN(CV_FAILED), .text_def = "failed"},
    {"code", CV_FT_INT, CV_FM_CODE, .def = -1, .states = CV_IN(CV_FAILED), CODE_RANGE},
    {"code", CV_FT_INT, CV_FM_CODE, .optional = true, .states = ~CV_IN(CV_FAILED), CODE_RANGE},
};

/* A task is a future run by an event loop: the same outcome fields, plus
 * what it awaits while suspended, the task that created it, and why it is
 * scheduled again: "code" on a scheduled line is the outcome it wakes with,
 * absent for a timer, I/O or a plain wake-up, CV_ECANCELLED (-2) when
 * cancel() reached it (woke it, or found it ready already, then on a
 * second scheduled line) or the task it awaits ended cancelled, so that
 * the cancellation shows where it is asked, before the task catches it. */
static const cv_field task_fields[] = {
    {"id", CV_FT_INT, CV_FM_ID, .required = true, ID_RANGE},
    {"label", CV_FT_LABEL, CV_FM_TEXT, .optional = true, .states = CV_IN(CV_TASK_CREATED)},
    {"label", CV_FT_LABEL_OF, CV_FM_ID, .optional = true, .states = ~CV_IN(CV_TASK_CREATED)},
    {"state", CV_FT_STATE, CV_FM_STATE, .required = true},
    {"lane", CV_FT_INT, CV_FM_LANE, .optional = true, .def = CV_NO_LANE, LANE_RANGE},
    {"result", CV_FT_RESULT, CV_FM_TEXT, .states = CV_IN(CV_TASK_DONE)},
    {"value", CV_FT_INT, CV_FM_REF, .states = CV_IN(CV_TASK_DONE), ANY64_RANGE},
    {"error", CV_FT_TEXT, CV_FM_TEXT, .states = CV_IN(CV_TASK_FAILED), .text_def = "failed"},
    {"code", CV_FT_INT, CV_FM_CODE, .def = -1, .states = CV_IN(CV_TASK_FAILED), CODE_RANGE},
    {"awaits", CV_FT_TEXT, CV_FM_TEXT, .optional = true, .states = CV_IN(CV_TASK_SUSPENDED)},
    {"on", CV_FT_INT, CV_FM_REF, .optional = true, .states = CV_IN(CV_TASK_SUSPENDED),
     COUNT_RANGE},
    {"by", CV_FT_INT, CV_FM_REF, .optional = true, .states = CV_IN(CV_TASK_CREATED),
     COUNT_RANGE},
    {"code", CV_FT_INT, CV_FM_CODE, .optional = true, .states = CV_IN(CV_TASK_SCHEDULED),
     CODE_RANGE},
    {"code", CV_FT_INT, CV_FM_CODE, .optional = true,
     .states = ~(CV_IN(CV_TASK_FAILED) | CV_IN(CV_TASK_SUSPENDED) | CV_IN(CV_TASK_SCHEDULED)),
     CODE_RANGE},
};

static const cv_field thread_fields[] = {
    {"lane", CV_FT_INT, CV_FM_LANE, .def = CV_NO_LANE, LANE_RANGE},
    {"state", CV_FT_STATE, CV_FM_STATE, .required = true},
    {"name", CV_FT_TEXT, CV_FM_TEXT, .optional = true},
    {"role", CV_FT_ROLE, CV_FM_CODE, .optional = true, .states = CV_IN(CV_THREAD_STARTED)},
};

/* "on" is the future waited for (none when it waits for many). */
static const cv_field wait_fields[] = {
    {"lane", CV_FT_INT, CV_FM_LANE, .def = CV_NO_LANE, LANE_RANGE},
    {"state", CV_FT_STATE, CV_FM_STATE, .required = true},
    {"on", CV_FT_INT, CV_FM_REF, .optional = true, COUNT_RANGE},
    {"label", CV_FT_LABEL_OF, CV_FM_REF, .optional = true},
    {"what", CV_FT_TEXT, CV_FM_TEXT, .optional = true},
};

static const cv_field log_fields[] = {
    {"lane", CV_FT_INT, CV_FM_LANE, .def = CV_NO_LANE, LANE_RANGE},
    {"text", CV_FT_TEXT, CV_FM_TEXT, .required = true, .text_def = ""},
};

static const cv_field drop_fields[] = {
    {"lane", CV_FT_INT, CV_FM_LANE, .def = CV_NO_LANE, LANE_RANGE},
    {"count", CV_FT_INT, CV_FM_REF, COUNT_RANGE},
};

/* "n" is the frame's number on its side; an empty glyph clears the line. */
static const cv_field frame_fields[] = {
    {"side", CV_FT_SIDE, CV_FM_SIDE, .optional = false},
    {"glyph", CV_FT_TEXT, CV_FM_TEXT, .text_def = ""},
    {"lane", CV_FT_INT, CV_FM_LANE, .def = CV_NO_LANE, LANE_RANGE},
    {"n", CV_FT_INT, CV_FM_REF, COUNT_RANGE},
};

/* A poll's timeout in µs; -1 (all ones in ref) waits for I/O alone. */
static const cv_field loop_fields[] = {
    {"lane", CV_FT_INT, CV_FM_LANE, .def = CV_NO_LANE, LANE_RANGE},
    {"state", CV_FT_STATE, CV_FM_STATE, .required = true},
    {"timeout_us", CV_FT_INT, CV_FM_REF, .optional = true, .min = -1, .max = INT64_MAX},
};

static const cv_field mark_fields[] = {
    {"lane", CV_FT_INT, CV_FM_LANE, .def = CV_NO_LANE, LANE_RANGE},
    {"id", CV_FT_INT, CV_FM_ID, .optional = true, COUNT_RANGE},
    {"ref", CV_FT_INT, CV_FM_REF, .optional = true, COUNT_RANGE},
    {"text", CV_FT_TEXT, CV_FM_TEXT, .optional = true},
    /* CV_MARK_*; others read as milestones.  4, the end of a watched
     * program, has its exit status in "ref". */
    {"code", CV_FT_INT, CV_FM_CODE, .optional = true, CODE_RANGE},
};

/* A thread found its ring full and waited for the drainer: for how long,
 * in ns ("waited_ns"), and how many events the ring holds ("ring"). */
static const cv_field stall_fields[] = {
    {"lane", CV_FT_INT, CV_FM_LANE, .def = CV_NO_LANE, LANE_RANGE},
    {"waited_ns", CV_FT_INT, CV_FM_REF, COUNT_RANGE},
    {"ring", CV_FT_INT, CV_FM_CODE, .optional = true, .def = 0, .min = 0, .max = INT32_MAX},
};

static const char *const gil_states[] = {
    [CV_GIL_WAIT] = "wait", [CV_GIL_TAKE] = "take", [CV_GIL_DROP] = "drop",
    [CV_GIL_REQUEST] = "request", NULL,
};

/* A drop says why ("reason", enum cv_gil_reason: 0 switch request, 1
 * blocking call or sleep, 2 done; a reason from a later version reads as
 * a plain drop); a request names the holder asked. */
static const cv_field gil_fields[] = {
    {"lane", CV_FT_INT, CV_FM_LANE, .def = CV_NO_LANE, LANE_RANGE},
    {"state", CV_FT_STATE, CV_FM_STATE, .required = true},
    {"reason", CV_FT_INT, CV_FM_CODE, .states = CV_IN(CV_GIL_DROP), .min = 0,
     .max = INT32_MAX},
    {"holder", CV_FT_INT, CV_FM_REF, .states = CV_IN(CV_GIL_REQUEST), .min = 0, .max = INT16_MAX},
};

/* Which line of the scenario's Python listing (scenarios/listings/) the
 * lane's code stands for now: "listing" is the listing's id, "line" is
 * 1-based; on the loop side "task" names the task running it. */
static const cv_field line_fields[] = {
    {"lane", CV_FT_INT, CV_FM_LANE, .def = CV_NO_LANE, LANE_RANGE},
    {"listing", CV_FT_INT, CV_FM_CODE, .min = 0, .max = INT32_MAX},
    {"line", CV_FT_INT, CV_FM_REF, COUNT_RANGE},
    {"task", CV_FT_INT, CV_FM_ID, .optional = true, COUNT_RANGE},
};

#define FIELDS(a) .fields = a, .nfields = sizeof a / sizeof a[0]

static const cv_kind_desc kinds[CV_EV_KIND_COUNT] = {
    [CV_EV_HEADER] = {"header", .meta = true},
    [CV_EV_FUTURE] = {"future", future_states, FIELDS(future_fields)},
    [CV_EV_THREAD] = {"thread", thread_states, FIELDS(thread_fields)},
    [CV_EV_WAIT] = {"wait", wait_states, FIELDS(wait_fields)},
    [CV_EV_LOG] = {"log", NULL, FIELDS(log_fields)},
    [CV_EV_DROP] = {"drop", NULL, FIELDS(drop_fields)},
    [CV_EV_TASK] = {"task", task_states, FIELDS(task_fields)},
    [CV_EV_FRAME] = {"frame", NULL, FIELDS(frame_fields)},
    [CV_EV_LOOP] = {"loop", loop_states, FIELDS(loop_fields)},
    [CV_EV_MARK] = {"mark", NULL, FIELDS(mark_fields)},
    [CV_EV_STALL] = {"stall", NULL, FIELDS(stall_fields)},
    [CV_EV_GIL] = {"gil", gil_states, FIELDS(gil_fields)},
    [CV_EV_LINE] = {"line", NULL, FIELDS(line_fields)},
};

const cv_kind_desc *cv_event_kind_desc(unsigned kind)
{
    return kind < CV_EV_KIND_COUNT && kinds[kind].name != NULL ? &kinds[kind] : NULL;
}

bool cv_field_in_state(const cv_field *f, unsigned state)
{
    return f->states == 0 || (state < 32 && (f->states >> state) & 1u);
}
