/*
 * Presenter mode (--present): the same screen, made to be read from the
 * back of a lecture hall.  Nothing here draws by itself; the mode is a
 * switch in the view (cv_view.present) that the panes and the layout read:
 *
 *   - the layout gives a pane its presenter rows and share where its
 *     descriptor has them (pane.h): the header three rows for the big
 *     clock (view_header.c, bigtext.c), the caption two, wrapped on a
 *     solid band (view_caption.c), the lanes as many rows as are left;
 *   - each lane takes two or three rows where they fit (view_lanes.c):
 *     its bars, then the bars again without their labels, then a gap;
 *   - the spinner's glyph grows with its pane (view_spinner.c);
 *   - the table and the console step aside, since a hall reads the lanes
 *     and the caption; T and C bring them back (and, on a usual screen,
 *     hide them).
 *
 * The theme stays what the user chose: presenter mode changes sizes and
 * the caption's band, not colours, so --present --theme light is still
 * light.  A projector that washes colours out wants --theme
 * high-contrast as well, which the README says.
 */
#include "pane.h"

bool cv_present__shows(const cv_pane *p, const cv_view *v)
{
    if (p->toggle == CV_TOGGLE_NONE)
        return true;
    bool flip = v != NULL && (p->toggle == CV_TOGGLE_TABLE ? v->flip_table : v->flip_console);
    return cv_present__on(v) == flip;
}
