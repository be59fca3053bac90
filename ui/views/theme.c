/*
 * The colour schemes (one table per --theme, like htop's CRT.c) and the
 * two glyph sets.  The Unicode glyphs of the lane states differ in shape,
 * not only in shade: ░ blocked (texture), ═ running (two rails), ▀ a task's
 * slice (half a cell), █ finished (solid), so that they stay apart without
 * colour and for colour-blind readers.  Colours are chosen to read on
 * dark and light terminals alike (the background stays the terminal's own,
 * see use_default_colors in app.c): state colours are used as foregrounds on
 * bars and as backgrounds only under black label text.
 */
#include "theme.h"

#include "event.h"

#include <strings.h>

static const cv_style_def dark_styles[CV_ST_COUNT] = {
    [CV_ST_NORMAL] = {"normal", CV_COL_DEFAULT, CV_COL_DEFAULT, 0, 0},
    [CV_ST_HEADER] = {"header", CV_COL_BLACK, CV_COL_CYAN, 0, CV_ATTR_REVERSE},
    [CV_ST_BADGE] = {"badge", CV_COL_WHITE, CV_COL_BLUE, CV_ATTR_BOLD, CV_ATTR_BOLD},
    [CV_ST_CAPTION] = {"caption", CV_COL_YELLOW, CV_COL_DEFAULT, CV_ATTR_BOLD, CV_ATTR_BOLD},
    [CV_ST_KEYLINE] = {"keyline", CV_COL_BLACK, CV_COL_CYAN, 0, CV_ATTR_REVERSE},
    [CV_ST_KEY] = {"key", CV_COL_WHITE, CV_COL_BLUE, CV_ATTR_BOLD, CV_ATTR_BOLD},
    [CV_ST_TITLE] = {"title", CV_COL_CYAN, CV_COL_DEFAULT, CV_ATTR_BOLD, CV_ATTR_BOLD | CV_ATTR_UNDERLINE},
    [CV_ST_DIM] = {"dim", CV_COL_DEFAULT, CV_COL_DEFAULT, CV_ATTR_DIM, CV_ATTR_DIM},
    [CV_ST_LANE] = {"lane", CV_COL_DEFAULT, CV_COL_DEFAULT, CV_ATTR_BOLD, CV_ATTR_BOLD},
    [CV_ST_LANE_HOT] = {"lane-hot", CV_COL_BLACK, CV_COL_YELLOW, CV_ATTR_BOLD, CV_ATTR_REVERSE},
    [CV_ST_IDLE] = {"idle", CV_COL_DEFAULT, CV_COL_DEFAULT, CV_ATTR_DIM, CV_ATTR_DIM},
    [CV_ST_BUSY] = {"busy", CV_COL_CYAN, CV_COL_DEFAULT, 0, 0},
    [CV_ST_BLOCKED] = {"blocked", CV_COL_RED, CV_COL_DEFAULT, CV_ATTR_BOLD, CV_ATTR_BOLD},
    [CV_ST_PENDING] = {"pending", CV_COL_CYAN, CV_COL_DEFAULT, 0, CV_ATTR_UNDERLINE},
    [CV_ST_RUNNING] = {"running", CV_COL_GREEN, CV_COL_DEFAULT, CV_ATTR_BOLD, CV_ATTR_BOLD},
    [CV_ST_FINISHED] = {"finished", CV_COL_BLUE, CV_COL_DEFAULT, 0, 0},
    [CV_ST_FAILED] = {"failed", CV_COL_RED, CV_COL_DEFAULT, CV_ATTR_BOLD, CV_ATTR_BOLD | CV_ATTR_UNDERLINE},
    [CV_ST_CANCELLED] = {"cancelled", CV_COL_MAGENTA, CV_COL_DEFAULT, CV_ATTR_DIM, CV_ATTR_DIM},
    [CV_ST_BAR_RUNNING] = {"bar-running", CV_COL_BLACK, CV_COL_GREEN, CV_ATTR_BOLD, CV_ATTR_REVERSE | CV_ATTR_BOLD},
    [CV_ST_BAR_FINISHED] = {"bar-finished", CV_COL_WHITE, CV_COL_BLUE, 0, CV_ATTR_REVERSE},
    [CV_ST_BAR_FAILED] = {"bar-failed", CV_COL_WHITE, CV_COL_RED, CV_ATTR_BOLD, CV_ATTR_REVERSE | CV_ATTR_UNDERLINE},
    [CV_ST_BAR_BLOCKED] = {"bar-blocked", CV_COL_WHITE, CV_COL_RED, CV_ATTR_BOLD, CV_ATTR_REVERSE | CV_ATTR_BOLD},
    [CV_ST_PLAYHEAD] = {"playhead", CV_COL_YELLOW, CV_COL_DEFAULT, CV_ATTR_BOLD, CV_ATTR_BOLD},
    [CV_ST_ROW_HOT] = {"row-hot", CV_COL_BLACK, CV_COL_YELLOW, 0, CV_ATTR_REVERSE},
    [CV_ST_ERROR] = {"error", CV_COL_WHITE, CV_COL_RED, CV_ATTR_BOLD, CV_ATTR_REVERSE | CV_ATTR_BOLD},
    [CV_ST_HELP] = {"help", CV_COL_DEFAULT, CV_COL_DEFAULT, 0, 0},
    [CV_ST_POLL] = {"poll", CV_COL_MAGENTA, CV_COL_DEFAULT, 0, CV_ATTR_DIM},
    [CV_ST_SLICE] = {"slice", CV_COL_GREEN, CV_COL_DEFAULT, 0, 0},
    [CV_ST_BAR_SLICE] = {"bar-slice", CV_COL_BLACK, CV_COL_GREEN, 0, CV_ATTR_REVERSE},
    [CV_ST_SUSPENDED] = {"suspended", CV_COL_MAGENTA, CV_COL_DEFAULT, 0, CV_ATTR_UNDERLINE},
    [CV_ST_SPINNER] = {"spinner", CV_COL_GREEN, CV_COL_DEFAULT, CV_ATTR_BOLD, CV_ATTR_BOLD},
    [CV_ST_FROZEN] = {"frozen", CV_COL_RED, CV_COL_DEFAULT, CV_ATTR_BOLD, CV_ATTR_BOLD | CV_ATTR_UNDERLINE},
    [CV_ST_TITLE_FOCUS] = {"title-focus", CV_COL_BLACK, CV_COL_CYAN, CV_ATTR_BOLD, CV_ATTR_REVERSE | CV_ATTR_BOLD},
    [CV_ST_ROW_SEL] = {"row-sel", CV_COL_WHITE, CV_COL_BLUE, CV_ATTR_BOLD, CV_ATTR_BOLD | CV_ATTR_UNDERLINE},
    /* Yellow, not the red of a wait for a result: the thread is ready to
     * run and waits only for its turn. */
    [CV_ST_GIL] = {"gil", CV_COL_YELLOW, CV_COL_DEFAULT, 0, CV_ATTR_DIM | CV_ATTR_UNDERLINE},
    [CV_ST_BAR_GIL] = {"bar-gil", CV_COL_BLACK, CV_COL_YELLOW, 0, CV_ATTR_REVERSE | CV_ATTR_DIM},
    /* Presenter mode: dark on yellow reads from afar on any wall. */
    [CV_ST_CAPTION_BAND] = {"caption-band", CV_COL_BLACK, CV_COL_YELLOW, CV_ATTR_BOLD, CV_ATTR_BOLD | CV_ATTR_REVERSE},
};

/* Light: the terminal's background is white, so nothing that only reads
 * on black (the bold yellow caption, the cyan titles) stays. */
static const cv_style_def light_styles[CV_ST_COUNT] = {
    [CV_ST_NORMAL] = {"normal", CV_COL_DEFAULT, CV_COL_DEFAULT, 0, 0},
    [CV_ST_HEADER] = {"header", CV_COL_BLACK, CV_COL_CYAN, 0, CV_ATTR_REVERSE},
    [CV_ST_BADGE] = {"badge", CV_COL_WHITE, CV_COL_BLUE, CV_ATTR_BOLD, CV_ATTR_BOLD},
    [CV_ST_CAPTION] = {"caption", CV_COL_BLUE, CV_COL_DEFAULT, CV_ATTR_BOLD, CV_ATTR_BOLD},
    [CV_ST_KEYLINE] = {"keyline", CV_COL_BLACK, CV_COL_CYAN, 0, CV_ATTR_REVERSE},
    [CV_ST_KEY] = {"key", CV_COL_WHITE, CV_COL_BLUE, CV_ATTR_BOLD, CV_ATTR_BOLD},
    [CV_ST_TITLE] = {"title", CV_COL_BLUE, CV_COL_DEFAULT, CV_ATTR_BOLD, CV_ATTR_BOLD | CV_ATTR_UNDERLINE},
    [CV_ST_DIM] = {"dim", CV_COL_DEFAULT, CV_COL_DEFAULT, CV_ATTR_DIM, CV_ATTR_DIM},
    [CV_ST_LANE] = {"lane", CV_COL_DEFAULT, CV_COL_DEFAULT, CV_ATTR_BOLD, CV_ATTR_BOLD},
    [CV_ST_LANE_HOT] = {"lane-hot", CV_COL_BLACK, CV_COL_YELLOW, CV_ATTR_BOLD, CV_ATTR_REVERSE},
    [CV_ST_IDLE] = {"idle", CV_COL_DEFAULT, CV_COL_DEFAULT, CV_ATTR_DIM, CV_ATTR_DIM},
    [CV_ST_BUSY] = {"busy", CV_COL_BLUE, CV_COL_DEFAULT, 0, 0},
    [CV_ST_BLOCKED] = {"blocked", CV_COL_RED, CV_COL_DEFAULT, CV_ATTR_BOLD, CV_ATTR_BOLD},
    [CV_ST_PENDING] = {"pending", CV_COL_CYAN, CV_COL_DEFAULT, 0, CV_ATTR_UNDERLINE},
    [CV_ST_RUNNING] = {"running", CV_COL_GREEN, CV_COL_DEFAULT, CV_ATTR_BOLD, CV_ATTR_BOLD},
    [CV_ST_FINISHED] = {"finished", CV_COL_BLUE, CV_COL_DEFAULT, 0, 0},
    [CV_ST_FAILED] = {"failed", CV_COL_RED, CV_COL_DEFAULT, CV_ATTR_BOLD, CV_ATTR_BOLD | CV_ATTR_UNDERLINE},
    [CV_ST_CANCELLED] = {"cancelled", CV_COL_MAGENTA, CV_COL_DEFAULT, CV_ATTR_DIM, CV_ATTR_DIM},
    [CV_ST_BAR_RUNNING] = {"bar-running", CV_COL_BLACK, CV_COL_GREEN, CV_ATTR_BOLD, CV_ATTR_REVERSE | CV_ATTR_BOLD},
    [CV_ST_BAR_FINISHED] = {"bar-finished", CV_COL_WHITE, CV_COL_BLUE, 0, CV_ATTR_REVERSE},
    [CV_ST_BAR_FAILED] = {"bar-failed", CV_COL_WHITE, CV_COL_RED, CV_ATTR_BOLD, CV_ATTR_REVERSE | CV_ATTR_UNDERLINE},
    [CV_ST_BAR_BLOCKED] = {"bar-blocked", CV_COL_WHITE, CV_COL_RED, CV_ATTR_BOLD, CV_ATTR_REVERSE | CV_ATTR_BOLD},
    [CV_ST_PLAYHEAD] = {"playhead", CV_COL_MAGENTA, CV_COL_DEFAULT, CV_ATTR_BOLD, CV_ATTR_BOLD},
    [CV_ST_ROW_HOT] = {"row-hot", CV_COL_BLACK, CV_COL_YELLOW, 0, CV_ATTR_REVERSE},
    [CV_ST_ERROR] = {"error", CV_COL_WHITE, CV_COL_RED, CV_ATTR_BOLD, CV_ATTR_REVERSE | CV_ATTR_BOLD},
    [CV_ST_HELP] = {"help", CV_COL_DEFAULT, CV_COL_DEFAULT, 0, 0},
    [CV_ST_POLL] = {"poll", CV_COL_MAGENTA, CV_COL_DEFAULT, 0, CV_ATTR_DIM},
    [CV_ST_SLICE] = {"slice", CV_COL_GREEN, CV_COL_DEFAULT, 0, 0},
    [CV_ST_BAR_SLICE] = {"bar-slice", CV_COL_BLACK, CV_COL_GREEN, 0, CV_ATTR_REVERSE},
    [CV_ST_SUSPENDED] = {"suspended", CV_COL_MAGENTA, CV_COL_DEFAULT, 0, CV_ATTR_UNDERLINE},
    [CV_ST_SPINNER] = {"spinner", CV_COL_GREEN, CV_COL_DEFAULT, CV_ATTR_BOLD, CV_ATTR_BOLD},
    [CV_ST_FROZEN] = {"frozen", CV_COL_RED, CV_COL_DEFAULT, CV_ATTR_BOLD, CV_ATTR_BOLD | CV_ATTR_UNDERLINE},
    [CV_ST_TITLE_FOCUS] = {"title-focus", CV_COL_BLACK, CV_COL_CYAN, CV_ATTR_BOLD, CV_ATTR_REVERSE | CV_ATTR_BOLD},
    [CV_ST_ROW_SEL] = {"row-sel", CV_COL_WHITE, CV_COL_BLUE, CV_ATTR_BOLD, CV_ATTR_BOLD | CV_ATTR_UNDERLINE},
    /* Yellow, not the red of a wait for a result: the thread is ready to
     * run and waits only for its turn. */
    [CV_ST_GIL] = {"gil", CV_COL_YELLOW, CV_COL_DEFAULT, CV_ATTR_BOLD, CV_ATTR_DIM | CV_ATTR_UNDERLINE},
    [CV_ST_BAR_GIL] = {"bar-gil", CV_COL_BLACK, CV_COL_YELLOW, 0, CV_ATTR_REVERSE | CV_ATTR_DIM},
    /* Presenter mode: white on blue, as the light caption is blue. */
    [CV_ST_CAPTION_BAND] = {"caption-band", CV_COL_WHITE, CV_COL_BLUE, CV_ATTR_BOLD, CV_ATTR_BOLD | CV_ATTR_REVERSE},
};

/* High contrast: bold everywhere, no dim text, the caption on a solid
 * band, for projectors and the back of a hall. */
static const cv_style_def hc_styles[CV_ST_COUNT] = {
    [CV_ST_NORMAL] = {"normal", CV_COL_DEFAULT, CV_COL_DEFAULT, CV_ATTR_BOLD, 0},
    [CV_ST_HEADER] = {"header", CV_COL_BLACK, CV_COL_WHITE, CV_ATTR_BOLD, CV_ATTR_REVERSE | CV_ATTR_BOLD},
    [CV_ST_BADGE] = {"badge", CV_COL_WHITE, CV_COL_BLUE, CV_ATTR_BOLD, CV_ATTR_BOLD},
    [CV_ST_CAPTION] = {"caption", CV_COL_BLACK, CV_COL_YELLOW, CV_ATTR_BOLD, CV_ATTR_BOLD | CV_ATTR_REVERSE},
    [CV_ST_KEYLINE] = {"keyline", CV_COL_BLACK, CV_COL_WHITE, CV_ATTR_BOLD, CV_ATTR_REVERSE | CV_ATTR_BOLD},
    [CV_ST_KEY] = {"key", CV_COL_WHITE, CV_COL_BLUE, CV_ATTR_BOLD, CV_ATTR_BOLD},
    [CV_ST_TITLE] = {"title", CV_COL_CYAN, CV_COL_DEFAULT, CV_ATTR_BOLD, CV_ATTR_BOLD | CV_ATTR_UNDERLINE},
    [CV_ST_DIM] = {"dim", CV_COL_WHITE, CV_COL_DEFAULT, 0, 0},
    [CV_ST_LANE] = {"lane", CV_COL_DEFAULT, CV_COL_DEFAULT, CV_ATTR_BOLD, CV_ATTR_BOLD},
    [CV_ST_LANE_HOT] = {"lane-hot", CV_COL_BLACK, CV_COL_YELLOW, CV_ATTR_BOLD, CV_ATTR_REVERSE},
    [CV_ST_IDLE] = {"idle", CV_COL_WHITE, CV_COL_DEFAULT, 0, 0},
    [CV_ST_BUSY] = {"busy", CV_COL_CYAN, CV_COL_DEFAULT, CV_ATTR_BOLD, 0},
    [CV_ST_BLOCKED] = {"blocked", CV_COL_RED, CV_COL_DEFAULT, CV_ATTR_BOLD, CV_ATTR_BOLD},
    [CV_ST_PENDING] = {"pending", CV_COL_CYAN, CV_COL_DEFAULT, CV_ATTR_BOLD, CV_ATTR_UNDERLINE},
    [CV_ST_RUNNING] = {"running", CV_COL_GREEN, CV_COL_DEFAULT, CV_ATTR_BOLD, CV_ATTR_BOLD},
    [CV_ST_FINISHED] = {"finished", CV_COL_BLUE, CV_COL_DEFAULT, CV_ATTR_BOLD, 0},
    [CV_ST_FAILED] = {"failed", CV_COL_RED, CV_COL_DEFAULT, CV_ATTR_BOLD, CV_ATTR_BOLD | CV_ATTR_UNDERLINE},
    [CV_ST_CANCELLED] = {"cancelled", CV_COL_MAGENTA, CV_COL_DEFAULT, CV_ATTR_BOLD, CV_ATTR_BOLD},
    [CV_ST_BAR_RUNNING] = {"bar-running", CV_COL_BLACK, CV_COL_GREEN, CV_ATTR_BOLD, CV_ATTR_REVERSE | CV_ATTR_BOLD},
    [CV_ST_BAR_FINISHED] = {"bar-finished", CV_COL_WHITE, CV_COL_BLUE, CV_ATTR_BOLD, CV_ATTR_REVERSE},
    [CV_ST_BAR_FAILED] = {"bar-failed", CV_COL_WHITE, CV_COL_RED, CV_ATTR_BOLD, CV_ATTR_REVERSE | CV_ATTR_UNDERLINE},
    [CV_ST_BAR_BLOCKED] = {"bar-blocked", CV_COL_WHITE, CV_COL_RED, CV_ATTR_BOLD, CV_ATTR_REVERSE | CV_ATTR_BOLD},
    [CV_ST_PLAYHEAD] = {"playhead", CV_COL_YELLOW, CV_COL_DEFAULT, CV_ATTR_BOLD, CV_ATTR_BOLD},
    [CV_ST_ROW_HOT] = {"row-hot", CV_COL_BLACK, CV_COL_YELLOW, CV_ATTR_BOLD, CV_ATTR_REVERSE},
    [CV_ST_ERROR] = {"error", CV_COL_WHITE, CV_COL_RED, CV_ATTR_BOLD, CV_ATTR_REVERSE | CV_ATTR_BOLD},
    [CV_ST_HELP] = {"help", CV_COL_DEFAULT, CV_COL_DEFAULT, CV_ATTR_BOLD, 0},
    [CV_ST_POLL] = {"poll", CV_COL_MAGENTA, CV_COL_DEFAULT, CV_ATTR_BOLD, CV_ATTR_DIM},
    [CV_ST_SLICE] = {"slice", CV_COL_GREEN, CV_COL_DEFAULT, CV_ATTR_BOLD, 0},
    [CV_ST_BAR_SLICE] = {"bar-slice", CV_COL_BLACK, CV_COL_GREEN, CV_ATTR_BOLD, CV_ATTR_REVERSE},
    [CV_ST_SUSPENDED] = {"suspended", CV_COL_MAGENTA, CV_COL_DEFAULT, CV_ATTR_BOLD, CV_ATTR_UNDERLINE},
    [CV_ST_SPINNER] = {"spinner", CV_COL_GREEN, CV_COL_DEFAULT, CV_ATTR_BOLD, CV_ATTR_BOLD},
    [CV_ST_FROZEN] = {"frozen", CV_COL_RED, CV_COL_DEFAULT, CV_ATTR_BOLD, CV_ATTR_BOLD | CV_ATTR_UNDERLINE},
    [CV_ST_TITLE_FOCUS] = {"title-focus", CV_COL_BLACK, CV_COL_CYAN, CV_ATTR_BOLD, CV_ATTR_REVERSE | CV_ATTR_BOLD},
    [CV_ST_ROW_SEL] = {"row-sel", CV_COL_WHITE, CV_COL_BLUE, CV_ATTR_BOLD, CV_ATTR_BOLD | CV_ATTR_UNDERLINE},
    /* Yellow, not the red of a wait for a result: the thread is ready to
     * run and waits only for its turn. */
    [CV_ST_GIL] = {"gil", CV_COL_YELLOW, CV_COL_DEFAULT, CV_ATTR_BOLD, CV_ATTR_DIM | CV_ATTR_UNDERLINE},
    [CV_ST_BAR_GIL] = {"bar-gil", CV_COL_BLACK, CV_COL_YELLOW, CV_ATTR_BOLD, CV_ATTR_REVERSE | CV_ATTR_DIM},
    [CV_ST_CAPTION_BAND] = {"caption-band", CV_COL_BLACK, CV_COL_YELLOW, CV_ATTR_BOLD, CV_ATTR_BOLD | CV_ATTR_REVERSE},
};

const cv_style_def *const cv_styles = dark_styles;

static const cv_style_def *const style_tables[CV_THEME_COUNT] = {
    [CV_THEME_DARK] = dark_styles,
    [CV_THEME_LIGHT] = light_styles,
    [CV_THEME_HIGH_CONTRAST] = hc_styles,
};

/* Screenshot palettes: the eight colours, then the page's own foreground and
 * background (CV_COL_DEFAULT).  Dark is close to common terminal defaults;
 * light and high contrast use the Okabe-Ito colours, which stay apart for
 * the common colour-vision deficiencies (vermillion for blocked and failed,
 * bluish green for running, blue for finished, orange for the GIL). */
typedef struct palette {
    const char *color[8];
    const char *fg, *bg;
} palette;

static const palette palettes[CV_THEME_COUNT] = {
    [CV_THEME_DARK] = {
        .color = {[CV_COL_BLACK] = "#1c1c1c", [CV_COL_RED] = "#e05252",
                  [CV_COL_GREEN] = "#5fba5f", [CV_COL_YELLOW] = "#e0c050",
                  [CV_COL_BLUE] = "#5c8fe0", [CV_COL_MAGENTA] = "#c678dd",
                  [CV_COL_CYAN] = "#56b6c2", [CV_COL_WHITE] = "#e8e8e8"},
        .fg = "#d0d0d0", .bg = "#1e1e1e"},
    [CV_THEME_LIGHT] = {
        .color = {[CV_COL_BLACK] = "#000000", [CV_COL_RED] = "#d55e00",
                  [CV_COL_GREEN] = "#009e73", [CV_COL_YELLOW] = "#e69f00",
                  [CV_COL_BLUE] = "#0072b2", [CV_COL_MAGENTA] = "#cc79a7",
                  [CV_COL_CYAN] = "#56b4e9", [CV_COL_WHITE] = "#ffffff"},
        .fg = "#1a1a1a", .bg = "#fafafa"},
    [CV_THEME_HIGH_CONTRAST] = {
        .color = {[CV_COL_BLACK] = "#000000", [CV_COL_RED] = "#ff7a33",
                  [CV_COL_GREEN] = "#00d19a", [CV_COL_YELLOW] = "#f0e442",
                  [CV_COL_BLUE] = "#56b4e9", [CV_COL_MAGENTA] = "#ee99c8",
                  [CV_COL_CYAN] = "#9ad8ff", [CV_COL_WHITE] = "#ffffff"},
        .fg = "#ffffff", .bg = "#000000"},
};

static int known(int theme)
{
    return theme >= 0 && theme < CV_THEME_COUNT ? theme : CV_THEME_DARK;
}

const char *const cv_theme_names[CV_THEME_COUNT + 1] = {
    [CV_THEME_DARK] = "dark", [CV_THEME_LIGHT] = "light",
    [CV_THEME_HIGH_CONTRAST] = "high-contrast", [CV_THEME_COUNT] = NULL,
};

int cv_theme__parse(const char *name)
{
    for (int t = 0; name != NULL && t < CV_THEME_COUNT; t++)
        if (strcasecmp(name, cv_theme_names[t]) == 0)
            return t;
    return -1;
}

const cv_style_def *cv_theme__styles(int theme)
{
    return style_tables[known(theme)];
}

const char *cv_theme__hex(int theme, short color, bool foreground)
{
    const palette *p = &palettes[known(theme)];
    if (color < 0 || color > 7)
        return foreground ? p->fg : p->bg;
    return p->color[color];
}

const char *cv_theme__color_hex(short color, bool foreground)
{
    return cv_theme__hex(CV_THEME_DARK, color, foreground);
}

static const cv_glyphs unicode_glyphs = {
    .idle = 0x00b7,      /* · */
    .busy = 0x2500,      /* ─ */
    .blocked = 0x2591,   /* ░ : the one shaded texture left */
    .run_body = 0x2550,  /* ═ : two rails, open, unlike the solid finished */
    .run_head = 0x25b6,  /* ▶ */
    .done_body = 0x2588, /* █ */
    .done_end = 0x258c,  /* ▌ */
    .fail_body = 0x2573, /* ╳ */
    .fail_end = 0x2718,  /* ✘ */
    .pending = 0x25cc,   /* ◌ */
    .cancelled = 0x2298, /* ⊘ */
    .playhead = 0x2503,  /* ┃ */
    .playhead_top = 0x25bc, /* ▼ */
    .hline = 0x2500,     /* ─ */
    .vline = 0x2502,     /* │ */
    .tick = 0x2577,      /* ╷ */
    .poll = 0x254c,      /* ╌ */
    .slice = 0x2580,     /* ▀ : half a cell tall, unlike a whole block */
    .block = 0x2588,     /* █ */
    .instant = 0x2507,   /* ┇ */
    .wait_edge = 0x258f, /* ▏ */
    .slice_thin = 0x25aa, /* ▪ */
    .gil = 0x22ef,       /* ⋯ */
    .notfound_body = 0x2505, /* ┅ : an answer, but no file */
    .notfound_end = 0x2205,  /* ∅ */
    .http_end = 0x2716,      /* ✖ : heavier than a plain failure's ✘ */
    .timeout_end = 0x25f7,   /* ◷ : a clock's face */
    .level = {' ', 0x2581, 0x2582, 0x2583, 0x2584, 0x2585, 0x2586, 0x2587}, /* ▁..▇ */
    .arrow = "\xe2\x86\x92",
    .times = "\xc3\x97",
};

static const cv_glyphs ascii_glyphs = {
    .idle = '.', .busy = '-', .blocked = '~',
    .run_body = '=', .run_head = '>',
    .done_body = '#', .done_end = ']',
    .fail_body = 'x', .fail_end = 'X',
    .pending = 'o', .cancelled = '/',
    .playhead = '|', .playhead_top = 'v',
    .hline = '-', .vline = '|', .tick = '\'',
    .poll = ':', .slice = '%', .block = '#',
    .instant = '!', .wait_edge = ';', .slice_thin = ',', .gil = 'g',
    .notfound_body = '?', .notfound_end = '?', .http_end = 'E', .timeout_end = '@',
    .level = {' ', '.', '_', '-', '=', '+', '*', '#'},
    .arrow = "->", .times = "x",
};

const cv_glyphs *cv_theme__glyphs(bool ascii)
{
    return ascii ? &ascii_glyphs : &unicode_glyphs;
}

uint32_t cv_theme__state_glyph(const cv_glyphs *g, unsigned future_state)
{
    switch (future_state) {
    case CV_PENDING: return g->pending;
    case CV_RUNNING: return g->run_head;
    case CV_FINISHED: return g->done_body;
    case CV_FAILED: return g->fail_end;
    case CV_CANCELLED: return g->cancelled;
    default: return '?';
    }
}

int cv_theme__state_style(unsigned future_state)
{
    switch (future_state) {
    case CV_PENDING: return CV_ST_PENDING;
    case CV_RUNNING: return CV_ST_RUNNING;
    case CV_FINISHED: return CV_ST_FINISHED;
    case CV_FAILED: return CV_ST_FAILED;
    case CV_CANCELLED: return CV_ST_CANCELLED;
    default: return CV_ST_NORMAL;
    }
}
