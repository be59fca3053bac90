/*
 * The source pane: the Python program the scenario re-creates
 * (scenarios/listings/), with the line each lane or task stands at marked
 * by its tag ("main▸", "w1▸", "spin▸"), as Python Tutor puts the code
 * beside the state.  Which lines are current is the model's
 * (model_lines.c), so the pane follows the playhead both ways and a
 * replay shows what the run showed.
 *
 * Which listing: those the LINE events have named so far, in id order
 * (the spinner's thread and task sides are two programs, drawn side by
 * side when the pane is wide enough, else one above the other); before
 * any, the one the header's scenario and its --mode or --side choose.
 * The window over a long listing keeps in sight the line of the selected
 * lane, else the line that moved last.
 *
 * Two descriptors share the drawing: `source` on a one-sided screen, right
 * of the lanes on a wide screen, below them on a narrow one (its rows come
 * out of the table's and the console's); `source_sides` on a two-sided
 * screen, across the bottom under both columns.  Both show only when the
 * render options ask (show_source): cv_render leaves them out otherwise.
 */
#include <stdio.h>
#include <string.h>

#include "listing.h"
#include "pane.h"
#include "theme.h"

/* At most this many listings at once (a run names one per side). */
#define MAX_SHOWN 3
/* The tag column: "supervisor▸" and "w1 w2 w3▸" fit. */
#define TAG_W 12

/* The --mode or --side value in the scenario's options as given
 * ("--mode threads", "--side=task"), into buf; NULL if none. */
static const char *mode_of(const char *args, char *buf, size_t len)
{
    static const char *const names[] = {"--mode", "--side"};
    for (size_t k = 0; args != NULL && k < 2; k++) {
        const char *p = strstr(args, names[k]);
        if (p == NULL)
            continue;
        p += strlen(names[k]);
        if (*p != ' ' && *p != '=')
            continue;
        p++;
        size_t n = strcspn(p, " ");
        if (n == 0 || n >= len)
            continue;
        memcpy(buf, p, n);
        buf[n] = '\0';
        return buf;
    }
    return NULL;
}

/* The listings to show, in the order of the lowest lane at a line of each
 * (so the thread side's comes first, as its column does); how many. */
static int listings_of(const cv_model *m, const cv_render_opts *o, int *out)
{
    int n = 0, first[MAX_SHOWN];
    for (size_t i = 0; i < m->nlines; i++) {
        int id = m->lines[i].listing, lane = m->lines[i].lane, k = 0;
        if (cv_listing_get(id) == NULL)
            continue; /* a trace from a build with other listings */
        while (k < n && out[k] != id)
            k++;
        if (k == n) {
            if (n == MAX_SHOWN)
                continue;
            out[n] = id, first[n] = lane, n++;
        } else if (lane < first[k]) {
            first[k] = lane;
        }
    }
    for (int i = 1; i < n; i++) /* a few: insertion sort by lane */
        for (int j = i; j > 0 && first[j] < first[j - 1]; j--) {
            int t = out[j];
            out[j] = out[j - 1], out[j - 1] = t;
            t = first[j];
            first[j] = first[j - 1], first[j - 1] = t;
        }
    if (n == 0) {
        char mode[32];
        int id = cv_listing_for(m->scenario, mode_of(o->args, mode, sizeof mode));
        if (id >= 0)
            out[n++] = id;
    }
    return n;
}

static int rows(const cv_model *m, int side)
{
    (void)side;
    int most = 0;
    for (int id = 0; id < 64; id++)
        if (m->listings_seen & (1ull << id) && cv_listing_get(id) != NULL) {
            int k = cv_listing_lines(id);
            most = k > most ? k : most;
        }
    return 1 + (most > 0 ? most : 30);
}

/* A lane's short tag: "main", "w2" for worker 2, "T2" for Thread-2, a
 * task's name, else the first word of the lane's name, at most 10
 * characters. */
static void tag_of(const cv_model *m, const cv_mline *p, char *buf, size_t len)
{
    char name[64];
    const cv_mfuture *task = p->task != 0 ? cv_model_future(m, p->task) : NULL;
    if (task != NULL) {
        cv_model_label(task, name, sizeof name);
    } else {
        int worker = cv_model_worker_number(m, p->lane);
        const cv_mlane *l = cv_model_lane(m, p->lane);
        cv_model_lane_name(m, p->lane, name, sizeof name);
        if (worker > 0 && strncmp(name, "worker ", 7) == 0) {
            snprintf(buf, len, "w%d", worker);
            return;
        }
        if (l != NULL && l->loop) {
            snprintf(buf, len, "loop");
            return;
        }
    }
    size_t n = strcspn(name, " (");
    /* Python's own thread names, "Thread-2 (worker)": T2. */
    const char *dash = memchr(name, '-', n);
    if (dash != NULL && dash > name && dash + 1 < name + n &&
        strspn(dash + 1, "0123456789") == (size_t)(name + n - dash - 1)) {
        snprintf(buf, len, "%c%.*s", name[0], (int)(name + n - dash - 1), dash + 1);
        return;
    }
    snprintf(buf, len, "%.*s", (int)(n < 10 ? n : 10), name);
}

/* The line of the listing the window should keep in sight: the selected
 * lane's, else the one of this listing that moved last; 0: none. */
static int line_to_show(const cv_model *m, const cv_render_opts *o, int id)
{
    if (o->view != NULL && o->view->sel_lane1 > 0) {
        const cv_mline *p = cv_model_line_of(m, o->view->sel_lane1 - 1, 0);
        if (p != NULL && p->listing == id && cv_model_line_shown(m, p))
            return p->line;
    }
    const cv_mline *last = NULL;
    for (size_t i = 0; i < m->nlines; i++) {
        const cv_mline *p = &m->lines[i];
        if (p->listing == id && cv_model_line_shown(m, p) && (last == NULL || p->event > last->event))
            last = p;
    }
    return last != NULL ? last->line : 0;
}

static int clamp_top(int top, int h, int total)
{
    return top < 1 ? 1 : top > total - h + 1 ? total - h + 1 : top;
}

/* The first line of an h-line window over a listing of `total` lines:
 * every current line, centred, if they fit; else the window around
 * `want` or around another current line that holds the most of them (a
 * crowd of workers in is_prime outweighs main alone in report()). */
static int window_top(const cv_model *m, int id, int want, int h, int total)
{
    int lo = want, hi = want;
    for (size_t i = 0; i < m->nlines; i++) {
        const cv_mline *p = &m->lines[i];
        if (p->listing == id && cv_model_line_shown(m, p)) {
            lo = p->line < lo ? p->line : lo;
            hi = p->line > hi ? p->line : hi;
        }
    }
    if (hi - lo < h)
        return clamp_top(lo - (h - (hi - lo + 1)) / 2, h, total);
    int best = clamp_top(want - h / 3, h, total), most = -1;
    for (size_t c = 0; c <= m->nlines; c++) {
        const cv_mline *pc = c < m->nlines ? &m->lines[c] : NULL;
        if (pc != NULL && (pc->listing != id || !cv_model_line_shown(m, pc)))
            continue;
        int top = clamp_top((pc != NULL ? pc->line : want) - h / 3, h, total), count = 0;
        for (size_t i = 0; i < m->nlines; i++) {
            const cv_mline *p = &m->lines[i];
            count += p->listing == id && cv_model_line_shown(m, p) && p->line >= top &&
                     p->line < top + h;
        }
        /* Ties go to the window with the line that moved last. */
        if (count > most || (count == most && want >= top && want < top + h)) {
            most = count;
            best = top;
        }
    }
    return best;
}

/* The tags of every lane and task at line `line` of listing id, joined by
 * spaces, cut with '+' when too long; whether the last move is among them. */
static bool tags_at(const cv_model *m, int id, int line, char *buf, size_t len, int width)
{
    bool hot = false;
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < m->nlines; i++) {
        const cv_mline *p = &m->lines[i];
        if (p->listing != id || p->line != line || !cv_model_line_shown(m, p))
            continue;
        hot |= m->line_moved1 == i + 1;
        char tag[16];
        tag_of(m, p, tag, sizeof tag);
        size_t t = strlen(tag);
        if (n + (n > 0) + t > (size_t)width) {
            if (n > 0 && n < len - 1 && buf[n - 1] != '+') {
                if (n >= (size_t)width)
                    n = (size_t)width - 1;
                buf[n++] = '+';
                buf[n] = '\0';
            }
            continue;
        }
        n += (size_t)snprintf(buf + n, len - n, "%s%s", n > 0 ? " " : "", tag);
    }
    return hot;
}

/* One listing in r: its file name, then its lines from a window that
 * keeps the current line in sight. */
static void draw_listing(cv_canvas *c, cv_rect r, const cv_model *m, const cv_render_opts *o,
                         int id, bool title)
{
    const cv_listing *l = cv_listing_get(id);
    int end = r.x + r.w;
    int x = r.x;
    if (title)
        x = cv_canvas__text(c, x, r.y, end, CV_ST_TITLE, "source") + 1;
    x = cv_canvas__text(c, x, r.y, end, CV_ST_DIM, l->file);
    if (m->listings_seen == 0) {
        bool whole = cv_log_closed(m->log) && m->upto == cv_log_count(m->log);
        cv_canvas__text(c, x + 2, r.y, end, CV_ST_DIM,
                        whole ? "no source lines in this trace" : "no lines yet");
    }
    int h = r.h - 1, total = cv_listing_lines(id);
    if (h <= 0)
        return;
    int want = line_to_show(m, o, id);
    int top = 1;
    if (total > h && want > 0)
        top = window_top(m, id, want, h, total);
    const char *mark = o->ascii ? ">" : "\u25b8";
    for (int k = 0; k < h && top + k <= total; k++) {
        int line = top + k, y = r.y + 1 + k;
        char tags[64];
        bool hot = tags_at(m, id, line, tags, sizeof tags, TAG_W - 1);
        bool here = tags[0] != '\0';
        int st = hot ? CV_ST_ROW_HOT : here ? CV_ST_ROW_SEL : CV_ST_NORMAL;
        if (here)
            cv_canvas__fill(c, r.x, y, r.w, ' ', st);
        if (here) {
            int tw = cv_canvas__text_width(tags);
            int tx = r.x + TAG_W - 1 - tw;
            cv_canvas__text(c, tx < r.x ? r.x : tx, y, r.x + TAG_W - 1, hot ? st : CV_ST_LANE_HOT,
                            tags);
            cv_canvas__text(c, r.x + TAG_W - 1, y, end, hot ? st : CV_ST_LANE_HOT, mark);
        }
        int cx = cv_canvas__printf(c, r.x + TAG_W, y, end, here ? st : CV_ST_DIM, "%3d ", line);
        size_t len = 0;
        const char *text = cv_listing_line(id, line, &len);
        if (text == NULL)
            continue;
        /* The "# line: NAME" markers are for the scenarios, not for readers. */
        const char *cut = memmem(text, len, "  # line: ", 10);
        if (cut != NULL)
            len = (size_t)(cut - text);
        char buf[256];
        snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf - 1 ? len : sizeof buf - 1), text);
        cv_canvas__text(c, cx, y, end, st, buf);
    }
}

static void draw(cv_canvas *c, cv_rect r, const cv_model *m, const cv_render_opts *o,
                 const cv_focus *f, int side)
{
    (void)f;
    (void)side;
    int ids[MAX_SHOWN];
    int n = listings_of(m, o, ids);
    if (n == 0) {
        int x = cv_canvas__text(c, r.x, r.y, r.x + r.w, CV_ST_TITLE, "source") + 2;
        if (m->scenario != NULL && strcmp(m->scenario, "stress") == 0)
            cv_canvas__printf(c, x, r.y, r.x + r.w, CV_ST_DIM,
                              "stress re-creates no Python program: it has no listing");
        else if (m->scenario != NULL) /* flags: its listings are still to come */
            cv_canvas__printf(c, x, r.y, r.x + r.w, CV_ST_DIM, "no Python listing for %s yet",
                              m->scenario);
        else
            cv_canvas__text(c, x, r.y, r.x + r.w, CV_ST_DIM, "no source lines in this trace");
        return;
    }
    /* Side by side when each gets 44 columns, else stacked. */
    bool across = n > 1 && r.w / n >= 44;
    for (int i = 0; i < n; i++) {
        cv_rect s = r;
        if (across) {
            s.x = r.x + r.w * i / n;
            s.w = r.x + r.w * (i + 1) / n - s.x - (i + 1 < n);
        } else {
            s.y = r.y + r.h * i / n;
            s.h = r.y + r.h * (i + 1) / n - s.y;
        }
        if (s.h >= 2 && s.w >= 20)
            draw_listing(c, s, m, o, ids[i], i == 0);
    }
}

const cv_pane cv_pane__source = {
    .name = "source", .where = CV_PANE_BODY, .priority = 2, .min_rows = 4, .share = 45,
    .beside = true, .rows = rows, .draw = draw,
};

static bool sides_apply(const cv_model *m, int side)
{
    (void)side;
    return m->sided;
}

const cv_pane cv_pane__source_sides = {
    .name = "source", .where = CV_PANE_EDGE, .priority = 2, .min_rows = 4, .share = 40,
    .applies = sides_apply, .rows = rows, .draw = draw,
};
