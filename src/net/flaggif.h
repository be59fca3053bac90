/*
 * Draws a simplified flag from its table row (flagdata.h) into an indexed
 * bitmap, and encodes that bitmap as a GIF with giflib.  Drawing is public
 * on its own so that a terminal view can paint the same flag that the
 * server sends; the pixel values are cv_flag_color palette indices.
 */
#ifndef CV_FLAGGIF_H
#define CV_FLAGGIF_H

#include <stddef.h>

#include "error.h"
#include "flagdata.h"

#define CV_FLAG_GIF_WIDTH 160
#define CV_FLAG_GIF_HEIGHT 100

/* Fills pix[w * h] (row by row, top first) with palette indices.  Any size
 * works; flags look right at 3:2 or 8:5.  Returns 0, or CV_EINVAL. */
int cv_flag_draw(const cv_flag_info *f, unsigned char *pix, int w, int h);

/* Encodes f as a CV_FLAG_GIF_WIDTH x CV_FLAG_GIF_HEIGHT GIF89a.  On success
 * *out is a malloc'ed buffer of *len bytes that the caller frees, and the
 * result is 0; otherwise CV_ENOMEM or CV_EIO and *out is NULL. */
int cv_flag_gif(const cv_flag_info *f, unsigned char **out, size_t *len);

#endif
