/*
 * zstd streams behind a FILE *, so that a trace named "x.jsonl.zst" is
 * written and read by the same code as a plain one: the writer prints
 * lines into the stream, the reader reads lines out of it, and libzstd
 * compresses or decompresses in between (glibc's fopencookie).
 */
#ifndef CV_ZSTD_FILE_H
#define CV_ZSTD_FILE_H

#include <stdbool.h>
#include <stdio.h>

/* The level traces are written at (see zstd_file.c for why not zstd's
 * default, 3). */
#define CV_ZSTD_LEVEL 1

/* Whether a path names a zstd file: it ends in ".zst". */
bool cv_zstd_path(const char *path);

/* A stream that compresses what is written to it into raw, one zstd frame
 * with a checksum.  Closing it ends the frame and writes the rest into raw
 * (fclose fails if that write does); raw stays the caller's, open, for it
 * to flush and close.  NULL without memory. */
FILE *cv_zstd_fopen_write(FILE *raw, int level);

/* A stream that reads what the zstd data in raw decompresses to (one or
 * more frames; an empty raw file reads as empty).  The stream owns raw:
 * closing it closes raw.  Data that is not zstd, is corrupt or ends inside
 * a frame makes a read fail (ferror), and cv_zstd_error says why.  NULL
 * without memory (raw is then left open). */
FILE *cv_zstd_fopen_read(FILE *raw);

/* Why the last read or write through zstd stream fp failed, in words
 * ("truncated zstd data: ..."), or NULL if it did not (or fp is no such
 * stream).  Ask from the thread that read or wrote, before closing fp. */
const char *cv_zstd_error(FILE *fp);

#endif
