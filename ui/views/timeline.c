/*
 * What a row of cells can show of a long list of stretches in time order
 * (a lane's idle and busy spans, its waits, its bars, an event loop's
 * slices, the spinner's frames), without visiting each of them.
 *
 * The lists a lane keeps are sequential: each stretch starts at or after
 * the one before it ended (the model opens one only by closing the one
 * before, or, for bars, says when a lane breaks that: cv_mlane.overlap).
 * Columns grow with time, so a stretch j covers the columns from where it
 * starts to where it ends, and ends at or before the column where j + 1
 * starts.  Among the stretches that start in one column, all but the last
 * end in that column too, where the last paints over them: drawing only
 * the last stretch that starts in each column, in list order, leaves
 * every cell as drawing them all would.  That is at most one stretch per
 * column, each found by a binary search, so a frame costs the same for a
 * hundred stretches and for a million.
 */
#include "pane.h"

size_t cv_timeline__upto(const void *list, size_t n, cv_start_fn t0, int64_t t)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t0(list, mid) <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t cv_timeline__last_in_column(const cv_axis *a, const void *list, size_t i, size_t n,
                                   cv_start_fn t0)
{
    int x = cv_lanes__axis_col(a, t0(list, i));
    /* Galloping first: the next column's stretch is usually near. */
    size_t lo = i + 1, step = 1, hi = lo;
    while (hi < n && cv_lanes__axis_col(a, t0(list, hi)) <= x) {
        lo = hi + 1;
        hi = lo + step < n ? lo + step : n;
        step *= 2;
    }
    if (hi > n)
        hi = n;
    /* Now every element before lo starts in column x or before it, and
     * element hi (if any) after it. */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cv_lanes__axis_col(a, t0(list, mid)) <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo - 1;
}

int64_t cv_timeline__span_t0(const void *spans, size_t i)
{
    return ((const cv_span *)spans)[i].t0;
}

int64_t cv_timeline__slice_t0(const void *slices, size_t i)
{
    return ((const cv_slice *)slices)[i].t0;
}
