/*
 * zstd streams behind a FILE * (see zstd_file.h).  glibc's fopencookie
 * gives a FILE whose buffer is emptied into, or filled from, our functions;
 * they run libzstd's streaming API between that buffer and the raw file.
 *
 * Writing: every chunk the FILE hands over is compressed with
 * ZSTD_e_continue, and whatever output libzstd has ready goes to the raw
 * file at once; closing ends the frame (ZSTD_e_end) and writes its last
 * blocks and the checksum.  The level is 1, not zstd's default 3: on the
 * lines of a million-future trace it compresses about twice as fast, and
 * the file comes out smaller, not larger (about 8 bytes an event against
 * 10; tests/bench/bench_trace_write.c measures both), since what makes
 * trace lines compress is their long repeats, which level 1 finds too.
 *
 * Reading: raw input is fed to ZSTD_decompressStream until it yields
 * bytes.  At the end of the raw file the frame must be complete (libzstd's
 * hint is 0); otherwise the file was cut short.  Every failure is a failed
 * read, and the reason is kept for cv_zstd_error, per thread, since a FILE
 * has no room for one.  Memory is bounded by libzstd's window limit (128
 * MiB at most, refused beyond); lines are bounded by their reader.
 */
#include "zstd_file.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <zstd.h>
#include <zstd_errors.h>

bool cv_zstd_path(const char *path)
{
    size_t n = strlen(path);
    return n >= 4 && strcmp(path + n - 4, ".zst") == 0;
}

/* The last failure on this thread: which stream, and why. */
static _Thread_local struct {
    FILE *fp;
    char why[160];
} last_error;

static void set_error(FILE *fp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void set_error(FILE *fp, const char *fmt, ...)
{
    last_error.fp = fp;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error.why, sizeof last_error.why, fmt, ap);
    va_end(ap);
}

static void forget_error(FILE *fp)
{
    if (last_error.fp == fp)
        last_error.fp = NULL;
}

const char *cv_zstd_error(FILE *fp)
{
    return fp != NULL && last_error.fp == fp ? last_error.why : NULL;
}

/* ---- writing ------------------------------------------------------------ */

typedef struct zwriter {
    ZSTD_CCtx *cctx;
    FILE *raw;
    FILE *fp; /* the stream this is the cookie of */
    size_t cap;
    char out[]; /* compressed bytes on their way to raw */
} zwriter;

/* Compresses in[0, size) (an end of frame when `end`) and writes what
 * comes out; 0 or -1. */
static int compress_out(zwriter *z, const char *in, size_t size, bool end)
{
    ZSTD_inBuffer src = {in, size, 0};
    for (;;) {
        ZSTD_outBuffer dst = {z->out, z->cap, 0};
        size_t left = ZSTD_compressStream2(z->cctx, &dst, &src, end ? ZSTD_e_end : ZSTD_e_continue);
        if (ZSTD_isError(left)) {
            set_error(z->fp, "zstd compression failed: %s", ZSTD_getErrorName(left));
            errno = EIO;
            return -1;
        }
        if (dst.pos > 0 && fwrite(z->out, 1, dst.pos, z->raw) != dst.pos) {
            set_error(z->fp, "%s", strerror(errno));
            return -1;
        }
        /* Done when the input is taken and, at the end, all of it out. */
        if (src.pos == src.size && (!end || left == 0))
            return 0;
    }
}

static ssize_t zwrite(void *cookie, const char *buf, size_t size)
{
    return compress_out(cookie, buf, size, false) == 0 ? (ssize_t)size : -1;
}

static int zclose_write(void *cookie)
{
    zwriter *z = cookie;
    int rc = compress_out(z, NULL, 0, true);
    forget_error(z->fp);
    ZSTD_freeCCtx(z->cctx);
    free(z);
    return rc;
}

FILE *cv_zstd_fopen_write(FILE *raw, int level)
{
    size_t cap = ZSTD_CStreamOutSize();
    zwriter *z = calloc(1, sizeof *z + cap);
    if (z == NULL)
        return NULL;
    z->cctx = ZSTD_createCCtx();
    z->raw = raw;
    z->cap = cap;
    if (z->cctx == NULL ||
        ZSTD_isError(ZSTD_CCtx_setParameter(z->cctx, ZSTD_c_compressionLevel, level)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(z->cctx, ZSTD_c_checksumFlag, 1))) {
        ZSTD_freeCCtx(z->cctx);
        free(z);
        return NULL;
    }
    FILE *fp = fopencookie(z, "w", (cookie_io_functions_t){.write = zwrite, .close = zclose_write});
    if (fp == NULL) {
        ZSTD_freeCCtx(z->cctx);
        free(z);
        return NULL;
    }
    z->fp = fp;
    return fp;
}

/* ---- reading ------------------------------------------------------------ */

typedef struct zreader {
    ZSTD_DCtx *dctx;
    FILE *raw;
    FILE *fp;
    ZSTD_inBuffer src; /* the part of in[] not yet decompressed */
    size_t hint;       /* libzstd's last answer: 0 at the end of a frame */
    bool raw_ended;
    size_t cap;
    char in[];
} zreader;

/* Why libzstd refused the data, in a user's words. */
static void decode_error(zreader *z, size_t code)
{
    switch (ZSTD_getErrorCode(code)) {
    case ZSTD_error_prefix_unknown:
        set_error(z->fp, "not zstd data, though the name ends in .zst");
        break;
    case ZSTD_error_checksum_wrong:
        set_error(z->fp, "corrupt zstd data: the checksum does not match");
        break;
    default:
        set_error(z->fp, "corrupt zstd data: %s", ZSTD_getErrorName(code));
        break;
    }
}

static ssize_t zread(void *cookie, char *buf, size_t size)
{
    zreader *z = cookie;
    ZSTD_outBuffer dst = {buf, size, 0};
    for (;;) {
        if (z->src.pos == z->src.size && !z->raw_ended) {
            size_t n = fread(z->in, 1, z->cap, z->raw);
            if (n == 0 && ferror(z->raw)) {
                set_error(z->fp, "%s", strerror(errno));
                return -1;
            }
            z->raw_ended = n == 0;
            z->src = (ZSTD_inBuffer){z->in, n, 0};
        }
        bool last = z->raw_ended && z->src.pos == z->src.size;
        /* The end: nothing more to read, and the last frame was whole
         * (or there was none: an empty file). */
        if (last && z->hint == 0)
            return 0;
        size_t hint = ZSTD_decompressStream(z->dctx, &dst, &z->src);
        if (ZSTD_isError(hint)) {
            decode_error(z, hint);
            errno = EILSEQ;
            return -1;
        }
        z->hint = hint;
        if (dst.pos > 0)
            return (ssize_t)dst.pos;
        if (last) { /* no input left, and no more output from it */
            set_error(z->fp, "truncated zstd data: the file ends inside a frame");
            errno = EILSEQ;
            return -1;
        }
    }
}

static int zclose_read(void *cookie)
{
    zreader *z = cookie;
    forget_error(z->fp);
    ZSTD_freeDCtx(z->dctx);
    int rc = fclose(z->raw);
    free(z);
    return rc;
}

FILE *cv_zstd_fopen_read(FILE *raw)
{
    size_t cap = ZSTD_DStreamInSize();
    zreader *z = calloc(1, sizeof *z + cap);
    if (z == NULL)
        return NULL;
    z->dctx = ZSTD_createDCtx();
    z->raw = raw;
    z->cap = cap;
    FILE *fp = z->dctx != NULL ? fopencookie(z, "r", (cookie_io_functions_t){.read = zread,
                                                                            .close = zclose_read})
                               : NULL;
    if (fp == NULL) {
        ZSTD_freeDCtx(z->dctx);
        free(z);
        return NULL;
    }
    z->fp = fp;
    return fp;
}
