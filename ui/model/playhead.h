/*
 * The playhead: which prefix of the log the screen shows, and at what time.
 * It is an index (events [0, pos) are shown) plus a time (open bars end
 * there), in one of three modes:
 *   LIVE     follows the end of the log and the run's clock;
 *   PAUSED   stays put while the run goes on recording; steps move it one
 *            event at a time, and its time is that event's time;
 *   PLAYING  moves forward through the recorded log at `rate` times real
 *            time, and becomes LIVE when it catches up with a running log
 *            (or PAUSED at the end of a finished one).
 * The playhead knows nothing of curses or clocks: callers pass the times.
 */
#ifndef CV_UI_PLAYHEAD_H
#define CV_UI_PLAYHEAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "log.h"

enum cv_play_mode { CV_PLAY_LIVE, CV_PLAY_PAUSED, CV_PLAY_PLAYING };

typedef struct cv_playhead {
    int mode;
    size_t pos;           /* events shown: [0, pos) */
    int64_t t_ns;         /* the time shown */
    int rate_index;       /* into the rate table */
    int64_t anchor_clock; /* the caller's clock when PLAYING began */
    int64_t anchor_t;     /* the playhead time then */
} cv_playhead;

void cv_playhead_init(cv_playhead *p, bool paused);
/* Follows the log: live_now_ns is the run's clock (the last event's time
 * once the log is closed), clock_ns any monotonic clock.  Returns true if
 * what is shown changed. */
bool cv_playhead_update(cv_playhead *p, const cv_log *log, int64_t live_now_ns,
                        int64_t clock_ns);
void cv_playhead_pause(cv_playhead *p);
void cv_playhead_play(cv_playhead *p, int64_t clock_ns);
/* Pauses, then moves by delta events (never before the first). */
void cv_playhead_step(cv_playhead *p, const cv_log *log, long delta);
void cv_playhead_first(cv_playhead *p, const cv_log *log);
/* Pauses showing the first `pos` events (clamped to [1, count]). */
void cv_playhead_goto(cv_playhead *p, const cv_log *log, size_t pos);
void cv_playhead_live(cv_playhead *p);
/* Faster (+1) or slower (-1); false if live (no rate applies) or at a limit. */
bool cv_playhead_rate(cv_playhead *p, int dir, int64_t clock_ns);
double cv_playhead_rate_value(const cv_playhead *p);

#endif
