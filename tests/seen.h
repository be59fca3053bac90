/*
 * A record of what happened, in order, for the loop and task tests: each
 * callback or task step notes a number, and the test compares the whole
 * sequence.  Header-only, one record per test program; include it after
 * cmocka.h.
 */
#ifndef CV_TEST_SEEN_H
#define CV_TEST_SEEN_H

#define SEEN_MAX 64

static int seen[SEEN_MAX];
static int nseen;

static inline void note(int v)
{
    if (nseen < SEEN_MAX)
        seen[nseen++] = v;
}

static inline void reset(void)
{
    nseen = 0;
}

/* The sequence is exactly want[0..n): the first difference is named. */
static inline void expect_seen(const int *want, int n)
{
    for (int i = 0; i < nseen && i < n; i++)
        if (seen[i] != want[i])
            fail_msg("event %d: saw %d, expected %d", i, seen[i], want[i]);
    assert_int_equal(nseen, n);
}

#endif
