/*
 * Removing repeats from a list while keeping its order, as Python's
 * set(fs) does for as_completed and wait (which then keep the caller's
 * order for what they report).  Sorting (n log n) rather than comparing
 * every pair (n²), since 100 000 futures are a case we measure.
 */
#ifndef CV_DISTINCT_H
#define CV_DISTINCT_H

#include <stddef.h>
#include <stdint.h>

/* Removes repeats from keys[0..n) in place, keeping each key at its first
 * place and those places in order; returns how many are left, or SIZE_MAX
 * without memory (keys is then untouched).  Pointers go in as uintptr_t. */
size_t cv_distinct(uintptr_t *keys, size_t n);

#endif
