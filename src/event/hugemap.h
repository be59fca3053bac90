/*
 * Anonymous memory laid out so that the kernel can back it with huge pages:
 * the event log's chunks and the busy part of each event ring.  A 2 MiB
 * huge page must start on a 2 MiB boundary, which plain mmap does not
 * promise.
 */
#ifndef CV_HUGEMAP_H
#define CV_HUGEMAP_H

#include <stddef.h>

#define CV_HUGE_PAGE ((size_t)2 << 20)

/* A private, zero-filled mapping of `bytes` that starts on a huge-page
 * boundary, or NULL.  `noreserve`: do not count it against the commit
 * limit (for memory that may never be touched).  Free it with
 * munmap(p, bytes).  Asking for huge pages (madvise) is the caller's
 * choice, because only the caller knows which part will be filled. */
void *cv_hugemap(size_t bytes, int noreserve);

#endif
