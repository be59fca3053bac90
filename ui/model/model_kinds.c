/*
 * The table of model_kinds.h: one line per event kind, the same index as
 * src/event/event_kinds.c.  A kind missing here is counted and captioned
 * from its names, so a new kind shows up plainly before it has handlers.
 */
#include "model_kinds.h"

static const cv_model_kind kinds[CV_EV_KIND_COUNT] = {
    [CV_EV_HEADER] = {cv_model__apply_header, cv_caption__header},
    [CV_EV_FUTURE] = {cv_model__apply_future, cv_caption__future},
    [CV_EV_THREAD] = {cv_model__apply_thread, cv_caption__thread},
    [CV_EV_WAIT] = {cv_model__apply_wait, cv_caption__wait},
    [CV_EV_LOG] = {cv_model__apply_log, cv_caption__log},
    [CV_EV_DROP] = {cv_model__apply_drop, cv_caption__drop},
    [CV_EV_TASK] = {cv_model__apply_task, cv_caption__task},
    [CV_EV_FRAME] = {cv_model__apply_frame, cv_caption__frame},
    [CV_EV_LOOP] = {cv_model__apply_loop, cv_caption__loop},
    [CV_EV_MARK] = {cv_model__apply_mark, cv_caption__mark},
    [CV_EV_STALL] = {cv_model__apply_stall, cv_caption__stall},
    [CV_EV_GIL] = {cv_model__apply_gil, cv_caption__gil},
    [CV_EV_LINE] = {cv_model__apply_line, cv_caption__line},
};

const cv_model_kind *cv_model__kind(unsigned kind)
{
    return kind < CV_EV_KIND_COUNT ? &kinds[kind] : NULL;
}
