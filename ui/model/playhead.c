/*
 * A paused playhead shows the time of its last event, so stepping from one
 * event to the next makes bars grow by exactly the time between them.
 * Playing re-anchors on every rate change, so changing speed never makes
 * the time jump.  A rate is in demo seconds per real second, whatever the
 * run's --speed.
 */
#include "playhead.h"

#include "model.h"

static const double rates[] = {0.05, 0.1, 0.25, 0.5, 1, 2, 4, 10};
#define NRATES ((int)(sizeof rates / sizeof rates[0]))
#define RATE_1X 4

void cv_playhead_init(cv_playhead *p, bool paused)
{
    *p = (cv_playhead){.mode = paused ? CV_PLAY_PAUSED : CV_PLAY_LIVE, .pos = 1,
                       .rate_index = RATE_1X};
    if (!paused)
        p->pos = 0;
}

static int64_t time_of(const cv_log *log, size_t pos)
{
    return pos > 0 ? cv_log_at(log, pos - 1)->t_ns : 0;
}

bool cv_playhead_update(cv_playhead *p, const cv_log *log, int64_t live_now_ns,
                        int64_t clock_ns)
{
    size_t count = cv_log_count(log);
    size_t old_pos = p->pos;
    int64_t old_t = p->t_ns;
    int64_t last = time_of(log, count);
    if (live_now_ns < last)
        live_now_ns = last;
    switch (p->mode) {
    case CV_PLAY_LIVE:
        p->pos = count;
        p->t_ns = live_now_ns;
        break;
    case CV_PLAY_PAUSED:
        if (p->pos > count)
            p->pos = count;
        if (p->pos == 0 && count > 0)
            p->pos = 1; /* opened paused before the first event came */
        p->t_ns = time_of(log, p->pos);
        break;
    case CV_PLAY_PLAYING: {
        /* The rate counts demo time, as the header's clock does: at rate
         * 1x a --speed 10 run plays one demo second (a tenth of a second
         * of log time) per second, as a lecture wants, not ten. */
        double speed = cv_log_meta_get(log)->speed;
        double dt = (double)(clock_ns - p->anchor_clock) * rates[p->rate_index] /
                    (speed > 0 ? speed : 1.0);
        int64_t t = p->anchor_t + (int64_t)dt;
        if (t >= live_now_ns) {
            if (cv_log_closed(log)) {
                p->mode = CV_PLAY_PAUSED;
                p->pos = count;
                p->t_ns = last;
            } else {
                p->mode = CV_PLAY_LIVE;
                p->pos = count;
                p->t_ns = live_now_ns;
            }
            break;
        }
        p->t_ns = t;
        p->pos = cv_log_index_at(log, count, t);
        if (p->pos == 0 && count > 0)
            p->pos = 1;
        break;
    }
    }
    return p->pos != old_pos || p->t_ns != old_t;
}

void cv_playhead_pause(cv_playhead *p)
{
    p->mode = CV_PLAY_PAUSED;
}

void cv_playhead_play(cv_playhead *p, int64_t clock_ns)
{
    p->mode = CV_PLAY_PLAYING;
    p->anchor_clock = clock_ns;
    p->anchor_t = p->t_ns;
}

void cv_playhead_step(cv_playhead *p, const cv_log *log, long delta)
{
    size_t count = cv_log_count(log);
    p->mode = CV_PLAY_PAUSED;
    if (delta < 0)
        p->pos = p->pos > (size_t)-delta + 1 ? p->pos - (size_t)-delta : 1;
    else
        p->pos = p->pos + (size_t)delta < count ? p->pos + (size_t)delta : count;
    if (p->pos > count)
        p->pos = count;
    p->t_ns = time_of(log, p->pos);
}

void cv_playhead_first(cv_playhead *p, const cv_log *log)
{
    p->mode = CV_PLAY_PAUSED;
    p->pos = cv_log_count(log) > 0 ? 1 : 0;
    p->t_ns = time_of(log, p->pos);
}

void cv_playhead_goto(cv_playhead *p, const cv_log *log, size_t pos)
{
    size_t count = cv_log_count(log);
    p->mode = CV_PLAY_PAUSED;
    p->pos = pos > count ? count : pos;
    if (p->pos == 0 && count > 0)
        p->pos = 1;
    p->t_ns = time_of(log, p->pos);
}

void cv_playhead_live(cv_playhead *p)
{
    p->mode = CV_PLAY_LIVE;
}

bool cv_playhead_rate(cv_playhead *p, int dir, int64_t clock_ns)
{
    if (p->mode == CV_PLAY_LIVE)
        return false;
    int r = p->rate_index + (dir > 0 ? 1 : -1);
    if (r < 0 || r >= NRATES)
        return false;
    if (p->mode == CV_PLAY_PLAYING) {
        p->anchor_t = p->t_ns;
        p->anchor_clock = clock_ns;
    }
    p->rate_index = r;
    return true;
}

double cv_playhead_rate_value(const cv_playhead *p)
{
    return rates[p->rate_index];
}
