/*
 * The keys that move about the screen rather than the playhead: Tab and
 * Shift-Tab move the focus among the panes on screen, j/k and the arrows a
 * row, PgDn/PgUp a page, in the focused pane (nav.h says what each pane
 * does with them), `*` or Backspace lets every pane follow the playhead
 * again, and Enter or a click opens the card of a future or task.  While a
 * card is open, Esc, q and Enter close it and every other key works as
 * usual, so the card follows the playhead as the lecturer steps.
 */
#include "app_state.h"
#include "nav.h"
#include "terminal.h"

static void open_card(app *a, uint64_t id)
{
    if (id == 0) {
        cv_app__notice(a, "nothing to inspect here: select a row with j/k, or a lane");
        return;
    }
    a->view.card = id;
}

/* A click selects what is under it, as j/k would, and opens its card. */
static void click(app *a)
{
    int x, y;
    cv_term__mouse(&x, &y);
    if (a->view.card != 0) {
        a->view.card = 0; /* a click anywhere closes a card */
        return;
    }
    const cv_model *m = &a->model;
    cv_view_hit hit = cv_view_hit_at(m, &a->view, a->canvas.cols, a->canvas.rows, x, y);
    if (hit.pane == CV_FOCUS_LANES) {
        /* Pin the pane where it is, so that the lane clicked stays put. */
        a->view.focus = CV_FOCUS_LANES;
        a->view.sel_lane1 = hit.lane + 1;
        cv_view_move(&a->view, m, a->canvas.cols, a->canvas.rows, 0, false);
        open_card(a, cv_view_lane_future(m, hit.lane));
    } else if (hit.pane == CV_FOCUS_TABLE) {
        a->view.focus = CV_FOCUS_TABLE;
        a->view.sel_future = hit.future;
        cv_view_move(&a->view, m, a->canvas.cols, a->canvas.rows, 0, false);
        open_card(a, hit.future);
    }
}

bool cv_app__card_key(app *a, int ch)
{
    if (a->view.card == 0)
        return false;
    if (ch == 27 || ch == 'q' || ch == 'Q' || ch == '\r' || ch == '\n' || ch == CV_KEY_ENTER) {
        a->view.card = 0;
        return true;
    }
    return false;
}

void cv_app__focus_key(app *a, int ch)
{
    cv_view *v = &a->view;
    const cv_model *m = &a->model;
    int cols = a->canvas.cols, rows = a->canvas.rows;
    switch (ch) {
    case '\t':
        cv_view_focus_step(v, m, cols, rows, 1);
        break;
    case CV_KEY_BTAB:
        cv_view_focus_step(v, m, cols, rows, -1);
        break;
    case 'j':
    case CV_KEY_DOWN:
    case CV_KEY_WHEEL_DOWN:
        cv_view_move(v, m, cols, rows, 1, false);
        break;
    case 'k':
    case CV_KEY_UP:
    case CV_KEY_WHEEL_UP:
        cv_view_move(v, m, cols, rows, -1, false);
        break;
    case CV_KEY_PGDN:
        cv_view_move(v, m, cols, rows, 1, true);
        break;
    case CV_KEY_PGUP:
        cv_view_move(v, m, cols, rows, -1, true);
        break;
    case '*':
    case CV_KEY_BACKSPACE:
    case 127:
    case 8:
        cv_view_follow(v);
        break;
    case '\r':
    case '\n':
    case CV_KEY_ENTER:
        open_card(a, cv_view_card_target(m, v));
        break;
    case CV_KEY_CLICK:
        click(a);
        break;
    default:
        break;
    }
}
