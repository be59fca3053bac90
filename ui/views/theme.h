/*
 * Styles and glyphs.  A view names what a cell means (running bar, idle
 * lane, key in the key line), never how it looks; this table says how, like
 * htop's CRT.c: a colour pair plus attributes for colour terminals, and a
 * monochrome attribute set for --no-color / NO_COLOR, chosen so that every
 * state still differs from every other by glyph and by bold/dim/reverse.
 * The table has no curses types so that screenshots and tests can use it.
 */
#ifndef CV_UI_THEME_H
#define CV_UI_THEME_H

#include <stdbool.h>
#include <stdint.h>

enum cv_style {
    CV_ST_NORMAL,
    CV_ST_HEADER,     /* the top bar */
    CV_ST_BADGE,      /* LIVE / PAUSED in the top bar */
    CV_ST_CAPTION,    /* the one-line explanation of the last step */
    CV_ST_KEYLINE,    /* the bottom key line */
    CV_ST_KEY,        /* a key name in the key line */
    CV_ST_TITLE,      /* a pane title */
    CV_ST_DIM,        /* secondary text: axis, times, borders */
    CV_ST_LANE,       /* a lane name */
    CV_ST_LANE_HOT,   /* the lane the last event concerns */
    CV_ST_IDLE,       /* a thread with nothing to do */
    CV_ST_BUSY,       /* a thread running its own code (main) */
    CV_ST_BLOCKED,    /* a thread blocked waiting for a result */
    CV_ST_PENDING,    /* a future queued, not yet running */
    CV_ST_RUNNING,
    CV_ST_FINISHED,
    CV_ST_FAILED,
    CV_ST_CANCELLED,
    CV_ST_BAR_RUNNING,   /* a label written on a bar */
    CV_ST_BAR_FINISHED,
    CV_ST_BAR_FAILED,
    CV_ST_BAR_BLOCKED,
    CV_ST_PLAYHEAD,
    CV_ST_ROW_HOT,    /* the table row the last event concerns */
    CV_ST_ERROR,
    CV_ST_HELP,       /* the help box */
    CV_ST_POLL,       /* an event loop waiting in poll(): nothing to run */
    CV_ST_SLICE,      /* a task ran here, then suspended at an await */
    CV_ST_BAR_SLICE,  /* a label written on a slice */
    CV_ST_SUSPENDED,  /* a task awaiting something (table, in-flight list) */
    CV_ST_SPINNER,    /* the big spinner glyph while it turns */
    CV_ST_FROZEN,     /* a spinner that has not turned for a while */
    CV_ST_TITLE_FOCUS, /* the title of the pane that j/k and Enter act on */
    CV_ST_ROW_SEL,    /* the table row the user selected */
    CV_ST_GIL,        /* a thread waiting for the GIL */
    CV_ST_BAR_GIL,    /* a label written on such a wait */
    CV_ST_CAPTION_BAND, /* presenter mode's caption: bold on a solid band */
    CV_ST_COUNT
};

/* The eight ANSI colours; CV_COL_DEFAULT keeps the terminal's own. */
enum cv_color {
    CV_COL_DEFAULT = -1,
    CV_COL_BLACK, CV_COL_RED, CV_COL_GREEN, CV_COL_YELLOW,
    CV_COL_BLUE, CV_COL_MAGENTA, CV_COL_CYAN, CV_COL_WHITE
};

#define CV_ATTR_BOLD 1u
#define CV_ATTR_DIM 2u
#define CV_ATTR_REVERSE 4u
#define CV_ATTR_UNDERLINE 8u

typedef struct cv_style_def {
    const char *name;
    short fg, bg;   /* enum cv_color */
    unsigned attr;  /* CV_ATTR_* with colours */
    unsigned mono;  /* CV_ATTR_* without colours */
} cv_style_def;

/* --theme: dark is the default look. */
enum cv_theme_id { CV_THEME_DARK, CV_THEME_LIGHT, CV_THEME_HIGH_CONTRAST, CV_THEME_COUNT };

/* The dark table, for callers that know no theme. */
extern const cv_style_def *const cv_styles;
/* The names --theme accepts, NULL-terminated, in enum order. */
extern const char *const cv_theme_names[CV_THEME_COUNT + 1];

/* The theme called `name` (case-insensitive), or -1. */
int cv_theme__parse(const char *name);
/* The style table of a theme; an unknown theme gives dark's. */
const cv_style_def *cv_theme__styles(int theme);

/* "#rrggbb" for a colour in screenshots of a theme; CV_COL_DEFAULT gives
 * the page's own foreground or background. */
const char *cv_theme__hex(int theme, short color, bool foreground);
/* The same for the dark theme. */
const char *cv_theme__color_hex(short color, bool foreground);

/* What each state looks like, as one-column code points. */
typedef struct cv_glyphs {
    uint32_t idle, busy, blocked;
    uint32_t run_body, run_head;
    uint32_t done_body, done_end;
    uint32_t fail_body, fail_end;
    uint32_t pending, cancelled;
    uint32_t playhead, playhead_top, hline, vline, tick;
    uint32_t poll, slice, block; /* loop polling, a task's slice, a pixel */
    /* A future that ended within its first cell (loiter(0)), and the
     * edge where a lane's wait starts right as another ended. */
    uint32_t instant, wait_edge;
    uint32_t slice_thin; /* a slice that covers under half its cell */
    uint32_t gil;        /* a thread waiting for the GIL */
    /* A download's outcome (cv_model_outcome): a 404's body and end, an
     * HTTP error's end, a timeout's end (their bodies are a failure's). */
    uint32_t notfound_body, notfound_end, http_end, timeout_end;
    /* How many futures run in a column, from none to the most. */
    uint32_t level[8];
    const char *arrow; /* "→" or "->" */
    const char *times; /* "×" or "x" */
} cv_glyphs;

const cv_glyphs *cv_theme__glyphs(bool ascii);

/* The glyph and style marking a future state (table, queue, legend). */
uint32_t cv_theme__state_glyph(const cv_glyphs *g, unsigned future_state);
int cv_theme__state_style(unsigned future_state);

#endif
