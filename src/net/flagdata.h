/*
 * The countries of Fluent Python's flags examples, as data.  The book's `-a`
 * option reads country_codes.txt: 194 ISO 3166 codes from AD to ZW.  That
 * list is the 193 UN member states without DO (the Dominican Republic), plus
 * TW (Taiwan) and VA (the Holy See); we copy it as it is, so that a run here
 * downloads what a run of the book's scripts does.
 *
 * Each country carries a simplified flag: a field of equal stripes and at
 * most one overlay shape and one disc.  The table is data, not pictures, so
 * that flaggif.c can draw every flag with one small renderer.
 */
#ifndef CV_FLAGDATA_H
#define CV_FLAGDATA_H

#include <stddef.h>

/* The palette; CV_NONE (0) ends a stripe list or means "no colour". */
typedef enum cv_flag_color {
    CV_NONE,
    CV_WHITE,
    CV_BLACK,
    CV_RED,
    CV_MAROON,
    CV_ORANGE,
    CV_YELLOW,
    CV_GREEN,
    CV_DKGREEN,
    CV_LTBLUE,
    CV_BLUE,
    CV_NAVY,
    CV_BROWN,
    CV_GREY,
    CV_FLAG_COLOR_COUNT
} cv_flag_color;

/* Red, green and blue of each palette entry. */
extern const unsigned char cv_flag_rgb[CV_FLAG_COLOR_COUNT][3];

typedef enum cv_flag_stripes {
    CV_STRIPES_H, /* stripes run across, first one at the top */
    CV_STRIPES_V, /* stripes run down, first one at the hoist */
} cv_flag_stripes;

/* One shape drawn over the stripes. */
typedef enum cv_flag_overlay {
    CV_OVER_NONE,
    CV_OVER_HOIST,        /* a vertical band along the hoist (UAE, Qatar) */
    CV_OVER_TRIANGLE,     /* a triangle from the hoist (Czechia, Cuba) */
    CV_OVER_CANTON,       /* the upper hoist rectangle (USA, Malaysia) */
    CV_OVER_CROSS,        /* a centred cross (Switzerland, Georgia) */
    CV_OVER_NORDIC,       /* a cross shifted to the hoist (Denmark) */
    CV_OVER_SALTIRE,      /* a diagonal cross (Jamaica) */
    CV_OVER_DIAGONAL,     /* a band from lower hoist to upper fly */
    CV_OVER_DIAMOND,      /* a lozenge (Brazil) */
    CV_OVER_BORDER,       /* a frame (Montenegro) */
    CV_OVER_HALF,         /* the upper hoist half, cut diagonally (Bhutan) */
    CV_OVER_UNION,        /* the Union Flag over the whole field */
    CV_OVER_UNION_CANTON, /* the Union Flag in the canton (Australia) */
} cv_flag_overlay;

/* Where the disc goes. */
typedef enum cv_flag_mark {
    CV_MARK_NONE,
    CV_MARK_CENTER,
    CV_MARK_HOIST,  /* centred vertically, near the hoist */
    CV_MARK_CANTON, /* in the middle of the canton */
} cv_flag_mark;

#define CV_FLAG_MAX_STRIPES 7

typedef struct cv_flag_info {
    char cc[3];           /* upper case ISO 3166-1 alpha-2 */
    const char *name;     /* short English name, ASCII */
    const char *tld;      /* ".uk" where it is not ".cc"; NULL otherwise */
    cv_flag_stripes dir;
    cv_flag_color stripes[CV_FLAG_MAX_STRIPES]; /* 1..7, CV_NONE after */
    cv_flag_overlay over;
    cv_flag_color over_color;
    cv_flag_color edge; /* an outline around the overlay, or CV_NONE */
    cv_flag_mark mark;
    cv_flag_color mark_color;
} cv_flag_info;

/* 194. */
size_t cv_flag_count(void);
/* The i-th country in code order, or NULL if i >= cv_flag_count(). */
const cv_flag_info *cv_flag_at(size_t i);
/* The country with code cc (two letters, any case), or NULL. */
const cv_flag_info *cv_flag_find(const char *cc);
/* The index of f in code order (f must come from this table). */
size_t cv_flag_index(const cv_flag_info *f);
/* Number of stripes in f's field (1..CV_FLAG_MAX_STRIPES). */
int cv_flag_stripe_count(const cv_flag_info *f);
/* Writes the top-level domain (".cn", ".uk") into buf[4]. */
void cv_flag_tld(const cv_flag_info *f, char buf[4]);

/* The twenty most populous countries, in the book's order. */
extern const char *const cv_pop20[20];

#endif
