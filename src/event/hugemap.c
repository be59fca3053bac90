/*
 * Huge-page-aligned mappings (see hugemap.h): map one huge page more than
 * asked, then give back the unaligned ends.
 */
#include "hugemap.h"

#include <stdint.h>
#include <sys/mman.h>

void *cv_hugemap(size_t bytes, int noreserve)
{
    size_t span = bytes + CV_HUGE_PAGE;
    int flags = MAP_PRIVATE | MAP_ANONYMOUS | (noreserve ? MAP_NORESERVE : 0);
    char *raw = mmap(NULL, span, PROT_READ | PROT_WRITE, flags, -1, 0);
    if (raw == MAP_FAILED)
        return NULL;
    char *start = (char *)(((uintptr_t)raw + CV_HUGE_PAGE - 1) & ~(uintptr_t)(CV_HUGE_PAGE - 1));
    if (start > raw)
        munmap(raw, (size_t)(start - raw));
    if (start + bytes < raw + span)
        munmap(start + bytes, (size_t)(raw + span - (start + bytes)));
    return start;
}
