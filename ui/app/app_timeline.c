/*
 * The timeline's keys: z and x zoom in and out around the playhead, < and
 * > pan a zoomed window by a quarter of its width, 0 goes back to the
 * default (the whole span, no pan), o switches between time and event
 * order, v between full and compact lanes.  They change only the view
 * (cv_view, the section for the timeline); the lanes pane derives the
 * axis from it and the playhead at each frame, so no key leaves a scale
 * behind that depends on how the user got somewhere.
 */
#include "app_state.h"

/* Says why a key did nothing, so that the lecturer is not left guessing. */
static void limit(app *a, const char *why)
{
    cv_app__notice(a, why);
}

void cv_app__timeline_key(app *a, int ch)
{
    cv_view *v = &a->view;
    switch (ch) {
    case 'z':
        if (v->zoom >= CV_VIEW_ZOOM_MAX)
            limit(a, "zoomed in as far as it goes");
        else
            v->zoom++;
        break;
    case 'x':
        if (v->zoom <= 0) {
            limit(a, "the timeline shows the whole run (z zooms in)");
        } else {
            v->zoom--;
            if (v->zoom == 0)
                v->pan = 0; /* the whole span has nowhere to pan to */
        }
        break;
    case '<':
    case '>':
        if (v->zoom == 0 && !v->order) {
            limit(a, "the whole run is on screen: z zooms in, then < > pan");
            break;
        }
        {
            /* A zoomed window pans over the span in quarters: 2^zoom
             * windows, so more than 4 << zoom quarters either way would
             * only pile up presses the screen cannot show (the pane
             * clamps the window to the span). */
            int most = v->order || v->zoom > 10 ? CV_VIEW_PAN_MAX : 4 << v->zoom;
            if (ch == '<' ? v->pan > -most : v->pan < most)
                v->pan += ch == '<' ? -1 : 1;
        }
        break;
    case '0':
        v->zoom = 0;
        v->pan = 0;
        break;
    case 'o':
        v->order = !v->order;
        v->pan = 0;
        cv_app__notice(a, v->order ? "event order: one column per event" : "time order");
        break;
    case 'v':
        v->compact = !v->compact;
        break;
    default:
        break;
    }
}
