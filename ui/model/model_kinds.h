/*
 * The UI's half of an event kind: how an event changes the model, and the
 * sentence that explains it.  The event layer (src/event/event_kinds.c)
 * describes a kind's fields but cannot know the model, which sits above
 * it; so the model keeps this second table, indexed by the same kind, and
 * model.c and caption.c dispatch through it.  A new kind is an entry in
 * the event table, a line in model_kinds.c and a file with its handlers.
 */
#ifndef CV_UI_MODEL_KINDS_H
#define CV_UI_MODEL_KINDS_H

#include <stddef.h>

#include "model.h"

typedef struct cv_model_kind {
    /* Applies log event `index` (e) to m; 0 or -1 without memory.  NULL:
     * the event is only counted (m->kinds). */
    int (*apply)(cv_model *m, const cv_event *e, size_t index);
    /* Explains e, already applied, into buf.  NULL: the plain sentence
     * made of the kind's and state's names. */
    void (*caption)(const cv_model *m, const cv_event *e, char *buf, size_t len);
} cv_model_kind;

/* The handlers of a kind, or NULL for a kind the table does not know. */
const cv_model_kind *cv_model__kind(unsigned kind);

/* model.c */
int cv_model__apply_header(cv_model *m, const cv_event *e, size_t index);
int cv_model__apply_future(cv_model *m, const cv_event *e, size_t index);
int cv_model__apply_thread(cv_model *m, const cv_event *e, size_t index);
int cv_model__apply_wait(cv_model *m, const cv_event *e, size_t index);
int cv_model__apply_log(cv_model *m, const cv_event *e, size_t index);
int cv_model__apply_drop(cv_model *m, const cv_event *e, size_t index);
int cv_model__apply_stall(cv_model *m, const cv_event *e, size_t index);
int cv_model__apply_mark(cv_model *m, const cv_event *e, size_t index);
/* model_tasks.c */
int cv_model__apply_task(cv_model *m, const cv_event *e, size_t index);
int cv_model__apply_loop(cv_model *m, const cv_event *e, size_t index);
int cv_model__apply_frame(cv_model *m, const cv_event *e, size_t index);

/* model_gil.c */
int cv_model__apply_gil(cv_model *m, const cv_event *e, size_t index);
void cv_caption__gil(const cv_model *m, const cv_event *e, char *buf, size_t len);

/* model_lines.c */
int cv_model__apply_line(cv_model *m, const cv_event *e, size_t index);
void cv_caption__line(const cv_model *m, const cv_event *e, char *buf, size_t len);

/* caption.c */
void cv_caption__header(const cv_model *m, const cv_event *e, char *buf, size_t len);
void cv_caption__future(const cv_model *m, const cv_event *e, char *buf, size_t len);
void cv_caption__thread(const cv_model *m, const cv_event *e, char *buf, size_t len);
void cv_caption__wait(const cv_model *m, const cv_event *e, char *buf, size_t len);
void cv_caption__log(const cv_model *m, const cv_event *e, char *buf, size_t len);
void cv_caption__drop(const cv_model *m, const cv_event *e, char *buf, size_t len);
void cv_caption__stall(const cv_model *m, const cv_event *e, char *buf, size_t len);
/* caption_order.c: "main waits for loiter(0) although loiter(1) is done:
 * map yields results in submission order", if a lane blocked in map shows
 * it now; and, for a finish, that a lane blocked in as_completed takes it. */
bool cv_caption__in_order(const cv_model *m, char *buf, size_t len, size_t *n);
bool cv_caption__taken_as_completed(const cv_model *m, char *buf, size_t len, size_t *n);
/* caption_tasks.c */
void cv_caption__task(const cv_model *m, const cv_event *e, char *buf, size_t len);
void cv_caption__loop(const cv_model *m, const cv_event *e, char *buf, size_t len);
void cv_caption__frame(const cv_model *m, const cv_event *e, char *buf, size_t len);
void cv_caption__mark(const cv_model *m, const cv_event *e, char *buf, size_t len);

#endif
