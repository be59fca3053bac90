/*
 * A flag is painted in layers, each a shape tested at every pixel centre:
 * the stripes, then the overlay's outline (the same shape grown a little),
 * the overlay itself, and last the disc.  Testing shapes per pixel keeps
 * every design a few lines of geometry and costs nothing at 160 x 100.
 *
 * The GIF is written by giflib into a growing memory buffer through
 * EGifOpen's output callback, so no file is ever touched and each call is
 * independent of every other (giflib keeps no global state when it
 * encodes), which lets several threads encode at once.
 */
#include "flaggif.h"

#include <gif_lib.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The sizes that the shapes are drawn at, in pixels of this bitmap. */
typedef struct geom {
    double w, h;
    double canton_w, canton_h;
    double grow; /* outline width */
} geom;

static double dist_to_line(double x, double y, double x0, double y0, double x1, double y1)
{
    double dx = x1 - x0, dy = y1 - y0;
    return fabs((x - x0) * dy - (y - y0) * dx) / sqrt(dx * dx + dy * dy);
}

/* The Union Flag in a w x h box: blue, white and red saltires, then the
 * white and red crosses.  Returns the colour at (x, y). */
static cv_flag_color union_color(double w, double h, double x, double y)
{
    double diag = fmin(dist_to_line(x, y, 0, 0, w, h), dist_to_line(x, y, 0, h, w, 0));
    double cross = fmin(fabs(x - w / 2), fabs(y - h / 2));
    if (cross < h / 10)
        return CV_RED;
    if (cross < h / 6)
        return CV_WHITE;
    if (diag < h * 0.04)
        return CV_RED;
    if (diag < h * 0.1)
        return CV_WHITE;
    return CV_NAVY;
}

/* Whether (x, y) lies within the overlay grown by `grow` pixels. */
static bool in_overlay(cv_flag_overlay over, const geom *g, double x, double y, double grow)
{
    double w = g->w, h = g->h;
    switch (over) {
    case CV_OVER_HOIST:
        return x < w / 4 + grow;
    case CV_OVER_TRIANGLE: {
        /* Vertices (0,0), (0,h) and (d,h/2); inside means on the inner side
         * of both slanted edges, with a margin of `grow`. */
        double d = w * 0.4, len = sqrt(d * d + h * h / 4);
        double yy = fmin(y, h - y);
        return (x * h / 2 - yy * d) / len <= grow;
    }
    case CV_OVER_CANTON:
    case CV_OVER_UNION_CANTON:
        return x < g->canton_w + grow && y < g->canton_h + grow;
    case CV_OVER_CROSS:
        return fmin(fabs(x - w / 2), fabs(y - h / 2)) < h / 10 + grow;
    case CV_OVER_NORDIC:
        return fmin(fabs(x - w * 0.36), fabs(y - h / 2)) < h / 10 + grow;
    case CV_OVER_SALTIRE:
        return fmin(dist_to_line(x, y, 0, 0, w, h), dist_to_line(x, y, 0, h, w, 0)) < h * 0.08 + grow;
    case CV_OVER_DIAGONAL:
        return dist_to_line(x, y, 0, h, w, 0) < h * 0.14 + grow;
    case CV_OVER_DIAMOND: {
        double m = h * 0.1 - grow;
        return fabs(x - w / 2) / (w / 2 - m) + fabs(y - h / 2) / (h / 2 - m) <= 1;
    }
    case CV_OVER_BORDER: {
        double b = h * 0.08 + grow;
        return x < b || y < b || x > w - b || y > h - b;
    }
    case CV_OVER_HALF:
        return x / w + y / h < 1 || dist_to_line(x, y, 0, h, w, 0) < grow;
    case CV_OVER_UNION:
        return true;
    case CV_OVER_NONE:
        break;
    }
    return false;
}

/* The overlay's colour at a point inside it. */
static cv_flag_color overlay_color(const cv_flag_info *f, const geom *g, double x, double y)
{
    if (f->over == CV_OVER_UNION)
        return union_color(g->w, g->h, x, y);
    if (f->over == CV_OVER_UNION_CANTON)
        return union_color(g->canton_w, g->canton_h, x, y);
    return f->over_color;
}

static bool in_mark(const cv_flag_info *f, const geom *g, double x, double y)
{
    double cx, cy, r;
    switch (f->mark) {
    case CV_MARK_CENTER:
        cx = g->w / 2, cy = g->h / 2, r = g->h * 0.2;
        break;
    case CV_MARK_HOIST:
        cx = g->w * 0.18, cy = g->h / 2, r = g->h * 0.13;
        break;
    case CV_MARK_CANTON:
        cx = g->canton_w / 2, cy = g->canton_h / 2, r = fmin(g->canton_w, g->canton_h) * 0.3;
        break;
    case CV_MARK_NONE:
    default:
        return false;
    }
    return (x - cx) * (x - cx) + (y - cy) * (y - cy) < r * r;
}

int cv_flag_draw(const cv_flag_info *f, unsigned char *pix, int w, int h)
{
    if (f == NULL || pix == NULL || w <= 0 || h <= 0)
        return CV_EINVAL;
    int n = cv_flag_stripe_count(f);
    geom g = {.w = w, .h = h, .canton_w = w * 0.4, .canton_h = h * 0.5, .grow = h * 0.05};
    /* With five or more stripes the canton covers the upper half of them,
     * as on the flags of the USA, Greece and Togo. */
    if (f->dir == CV_STRIPES_H && n >= 5)
        g.canton_h = (double)h * ((n + 1) / 2) / n;
    if (f->over == CV_OVER_UNION_CANTON)
        g.canton_w = w * 0.5;

    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            double px = x + 0.5, py = y + 0.5;
            int stripe = f->dir == CV_STRIPES_H ? y * n / h : x * n / w;
            cv_flag_color c = f->stripes[stripe] != CV_NONE ? f->stripes[stripe] : CV_WHITE;
            if (f->over != CV_OVER_NONE) {
                if (f->edge != CV_NONE && in_overlay(f->over, &g, px, py, g.grow))
                    c = f->edge;
                if (in_overlay(f->over, &g, px, py, 0))
                    c = overlay_color(f, &g, px, py);
            }
            if (in_mark(f, &g, px, py))
                c = f->mark_color;
            pix[(size_t)y * (size_t)w + (size_t)x] = (unsigned char)c;
        }
    }
    return 0;
}

/* A buffer that giflib appends to. */
typedef struct membuf {
    unsigned char *data;
    size_t len, cap;
} membuf;

static int write_mem(GifFileType *gif, const GifByteType *bytes, int n)
{
    membuf *m = gif->UserData;
    if (n <= 0)
        return 0;
    if (m->len + (size_t)n > m->cap) {
        size_t cap = m->cap ? m->cap : 4096;
        while (cap < m->len + (size_t)n)
            cap *= 2;
        unsigned char *p = realloc(m->data, cap);
        if (p == NULL)
            return 0; /* giflib sees a short write and fails the call */
        m->data = p;
        m->cap = cap;
    }
    memcpy(m->data + m->len, bytes, (size_t)n);
    m->len += (size_t)n;
    return n;
}

/* Writes the screen, the image and its rows; returns 0 or CV_EIO. */
static int encode(GifFileType *gif, unsigned char *pix)
{
    GifColorType colors[16] = {{0, 0, 0}};
    for (int i = 0; i < CV_FLAG_COLOR_COUNT; i++)
        colors[i] = (GifColorType){cv_flag_rgb[i][0], cv_flag_rgb[i][1], cv_flag_rgb[i][2]};
    /* giflib copies the map into the screen descriptor, so ours is freed
     * straight after. */
    ColorMapObject *map = GifMakeMapObject(16, colors);
    if (map == NULL)
        return CV_EIO;
    EGifSetGifVersion(gif, true);
    int rc = EGifPutScreenDesc(gif, CV_FLAG_GIF_WIDTH, CV_FLAG_GIF_HEIGHT, 4, 0, map);
    GifFreeMapObject(map);
    if (rc != GIF_OK)
        return CV_EIO;
    if (EGifPutImageDesc(gif, 0, 0, CV_FLAG_GIF_WIDTH, CV_FLAG_GIF_HEIGHT, false, NULL) != GIF_OK)
        return CV_EIO;
    for (int y = 0; y < CV_FLAG_GIF_HEIGHT; y++)
        if (EGifPutLine(gif, pix + (size_t)y * CV_FLAG_GIF_WIDTH, CV_FLAG_GIF_WIDTH) != GIF_OK)
            return CV_EIO;
    return 0;
}

int cv_flag_gif(const cv_flag_info *f, unsigned char **out, size_t *len)
{
    if (out == NULL || len == NULL)
        return CV_EINVAL;
    *out = NULL;
    *len = 0;
    if (f == NULL)
        return CV_EINVAL;
    unsigned char pix[CV_FLAG_GIF_WIDTH * CV_FLAG_GIF_HEIGHT];
    cv_flag_draw(f, pix, CV_FLAG_GIF_WIDTH, CV_FLAG_GIF_HEIGHT);

    membuf m = {0};
    int gif_err = 0;
    GifFileType *gif = EGifOpen(&m, write_mem, &gif_err);
    if (gif == NULL)
        return gif_err == E_GIF_ERR_NOT_ENOUGH_MEM ? CV_ENOMEM : CV_EIO;
    int rc = encode(gif, pix);
    /* Closing writes the trailer and frees gif whatever happened before. */
    if (EGifCloseFile(gif, &gif_err) != GIF_OK && rc == 0)
        rc = CV_EIO;
    if (rc != 0) {
        free(m.data);
        return rc;
    }
    *out = m.data;
    *len = m.len;
    return 0;
}
