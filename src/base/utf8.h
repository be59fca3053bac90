/*
 * Well-formed UTF-8, as a strict JSON reader takes it: no overlong forms,
 * no surrogates, nothing past U+10FFFF.  For text that came from outside
 * (a program's raw output, a sidecar's mark) on its way into a trace or a
 * recording, where one bad byte would make the whole line unreadable.
 */
#ifndef CV_UTF8_H
#define CV_UTF8_H

#include <stddef.h>

/* The length of the well-formed UTF-8 sequence at s (of at most left
 * bytes, left > 0), or 0 when the bytes there are not one. */
size_t cv_utf8_len(const unsigned char *s, size_t left);

#endif
