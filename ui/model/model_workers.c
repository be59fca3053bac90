/*
 * Worker numbers that mean something.  A pool's threads are numbered by
 * the runtime in the order they were created, and which of them takes the
 * first job is a race: two runs of loiter put loiter(0) on worker 1 in one
 * and on worker 2 in the other.  So the model numbers workers itself, in
 * the order they first started a future (worker 1 is the first to start
 * work; ties, and workers that have not started any, go by lane), and
 * everything that names a lane (the lanes, the table, the captions) asks
 * here through cv_model_lane_name.  The number is a function of the
 * model's state alone, so a screen is the same however the playhead came
 * to it.  Both functions visit the lanes, which are few (threads, not
 * futures).
 */
#include <stdint.h>

#include "model.h"

static bool is_worker(const cv_mlane *l)
{
    return l->present && l->role == CV_ROLE_WORKER;
}

/* When the lane first started a future; INT64_MAX if it never has. */
static int64_t first_work(const cv_model *m, const cv_mlane *l)
{
    if (l->nfuts == 0)
        return INT64_MAX;
    int64_t t = m->futs[l->futs[0]].t_start;
    return t >= 0 ? t : INT64_MAX;
}

int cv_model_worker_number(const cv_model *m, int lane)
{
    const cv_mlane *l = cv_model_lane(m, lane);
    if (l == NULL || !is_worker(l))
        return 0;
    int64_t t = first_work(m, l);
    int n = 1;
    for (int i = 0; i < m->nlanes; i++) {
        if (i == lane || !is_worker(&m->lanes[i]))
            continue;
        int64_t u = first_work(m, &m->lanes[i]);
        n += u < t || (u == t && i < lane);
    }
    return n;
}

int cv_model_lane_in_row(const cv_model *m, int lane)
{
    const cv_mlane *l = cv_model_lane(m, lane);
    if (l == NULL || !is_worker(l))
        return lane;
    /* This is the k-th worker lane by lane number: it shows worker k. */
    int k = 1;
    for (int i = 0; i < lane; i++)
        k += is_worker(&m->lanes[i]);
    for (int i = 0; i < m->nlanes; i++)
        if (is_worker(&m->lanes[i]) && cv_model_worker_number(m, i) == k)
            return i;
    return lane;
}
