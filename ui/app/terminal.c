/*
 * The terminal through ncurses.  newterm, not initscr: initscr exits the
 * process on a bad TERM, which would leave a run's threads going and skip
 * the caller's clean-up.  The mouse reports left clicks and the wheel
 * only (mousemask): a terminal then keeps Shift+drag for selecting text,
 * which is all ncurses leaves it once the mouse is ours.  Colours come from the theme's table, one pair a
 * style, on the terminal's own background (use_default_colors); without
 * colours each style's monochrome attributes stand in.
 *
 * The fault handler may only make async-signal-safe calls, so everything
 * it needs is prepared in cv_term__init: the terminal modes from before
 * curses (termios), and the terminfo strings that leave the alternate
 * screen and show the cursor, copied into static buffers.  It writes those,
 * restores the modes, puts the fault's previous handler back and lets the
 * fault happen again under it (a sanitizer's report, or the core dump).
 * The stop signals (SIGINT, SIGTERM, SIGHUP) are not faults: the loop
 * (app.c) hears of them through its pipe and gives the terminal back with
 * cv_term__done.
 */
#include "terminal.h"

#include <curses.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

#include "theme.h"

static const int faults[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
#define NFAULTS (sizeof faults / sizeof faults[0])

static SCREEN *screen;
static bool colors;
static const cv_style_def *styles; /* the --theme table, set once in cv_term__init */
static struct termios saved_modes;
static bool have_modes;
static char leave_seq[128]; /* rmcup and cnorm, for the fault handler */
static size_t leave_len;
static struct sigaction old_fault[NFAULTS];
static int mouse_x, mouse_y; /* the latest click */

static void append_cap(const char *name)
{
    char *s = tigetstr(name);
    if (s == NULL || s == (char *)-1)
        return;
    size_t n = strlen(s);
    if (leave_len + n < sizeof leave_seq) {
        memcpy(leave_seq + leave_len, s, n);
        leave_len += n;
    }
}

void cv_term__leave_now(void)
{
    int saved = errno;
    if (leave_len > 0 && write(STDOUT_FILENO, leave_seq, leave_len) < 0) {
        /* Nothing more can be done from here. */
    }
    if (have_modes)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_modes);
    errno = saved;
}

static void on_fault(int sig, siginfo_t *info, void *context)
{
    (void)context;
    int saved = errno;
    cv_term__leave_now();
    for (size_t i = 0; i < NFAULTS; i++)
        if (faults[i] == sig)
            sigaction(sig, &old_fault[i], NULL);
    errno = saved;
    /* A fault the kernel raised happens again when the handler returns
     * to the faulting instruction, now under the previous handler; one
     * sent (kill, abort()) must be sent again.  It stays blocked until the
     * handler returns. */
    if (info == NULL || info->si_code <= 0)
        raise(sig);
}

static attr_t attrs_of(unsigned bits)
{
    attr_t a = A_NORMAL;
    if (bits & CV_ATTR_BOLD)
        a |= A_BOLD;
    if (bits & CV_ATTR_DIM)
        a |= A_DIM;
    if (bits & CV_ATTR_REVERSE)
        a |= A_REVERSE;
    if (bits & CV_ATTR_UNDERLINE)
        a |= A_UNDERLINE;
    return a;
}

static void init_colors(bool want, int theme)
{
    styles = cv_theme__styles(theme);
    colors = want && has_colors();
    if (!colors)
        return;
    start_color();
    use_default_colors();
    for (int s = 0; s < CV_ST_COUNT; s++)
        init_pair((short)(s + 1), styles[s].fg, styles[s].bg);
}

int cv_term__init(bool color, int theme, char *err, size_t errlen)
{
    have_modes = tcgetattr(STDIN_FILENO, &saved_modes) == 0;
    screen = newterm(NULL, stdout, stdin);
    if (screen == NULL) {
        snprintf(err, errlen, "cannot use the terminal (TERM=%s)",
                 getenv("TERM") ? getenv("TERM") : "");
        return -1;
    }
    set_term(screen);
    leave_len = 0;
    append_cap("rmcup");
    append_cap("cnorm");
    struct sigaction sa = {.sa_sigaction = on_fault, .sa_flags = SA_SIGINFO};
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < NFAULTS; i++)
        sigaction(faults[i], &sa, &old_fault[i]);
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    mousemask(BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
    init_colors(color, theme);
    return 0;
}

void cv_term__done(void)
{
    if (screen == NULL)
        return;
    endwin();
    for (size_t i = 0; i < NFAULTS; i++)
        sigaction(faults[i], &old_fault[i], NULL);
    delscreen(screen);
    screen = NULL;
}

void cv_term__size(int *cols, int *rows)
{
    *cols = COLS;
    *rows = LINES;
}

void cv_term__blit(const cv_canvas *c)
{
    for (int y = 0; y < c->rows; y++) {
        for (int x = 0; x < c->cols; x++) {
            const cv_cell *cell = cv_canvas_get(c, x, y);
            const cv_style_def *s = &styles[cell->style];
            wchar_t wc[2] = {(wchar_t)cell->ch, 0};
            cchar_t cc;
            if (colors)
                setcchar(&cc, wc, attrs_of(s->attr), (short)(cell->style + 1), NULL);
            else
                setcchar(&cc, wc, attrs_of(s->mono), 0, NULL);
            mvadd_wch(y, x, &cc); /* the bottom-right cell may report ERR */
        }
    }
    wnoutrefresh(stdscr);
    doupdate();
}

void cv_term__redraw(void)
{
    clearok(curscr, TRUE);
}

void cv_term__mouse(int *x, int *y)
{
    *x = mouse_x;
    *y = mouse_y;
}

/* A mouse event as a key: a click (where, for cv_term__mouse), the wheel,
 * or nothing worth a key. */
static int mouse_key(void)
{
    MEVENT ev;
    if (getmouse(&ev) != OK)
        return CV_KEY_OTHER;
    if (ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_RELEASED)) {
        mouse_x = ev.x;
        mouse_y = ev.y;
        return CV_KEY_CLICK;
    }
    if (ev.bstate & BUTTON4_PRESSED)
        return CV_KEY_WHEEL_UP;
    if (ev.bstate & BUTTON5_PRESSED)
        return CV_KEY_WHEEL_DOWN;
    return CV_KEY_OTHER;
}

int cv_term__key(void)
{
    int ch = getch();
    switch (ch) {
    case KEY_MOUSE: return mouse_key();
    case ERR: return CV_KEY_NONE;
    case KEY_RESIZE: return CV_KEY_RESIZE;
    case KEY_LEFT: return CV_KEY_LEFT;
    case KEY_RIGHT: return CV_KEY_RIGHT;
    case KEY_HOME: return CV_KEY_HOME;
    case KEY_END: return CV_KEY_END;
    case KEY_UP: return CV_KEY_UP;
    case KEY_DOWN: return CV_KEY_DOWN;
    case KEY_PPAGE: return CV_KEY_PGUP;
    case KEY_NPAGE: return CV_KEY_PGDN;
    case KEY_BACKSPACE: return CV_KEY_BACKSPACE;
    case KEY_ENTER: return CV_KEY_ENTER;
    case KEY_BTAB: return CV_KEY_BTAB;
    default: return ch >= KEY_MIN ? CV_KEY_OTHER : ch;
    }
}
