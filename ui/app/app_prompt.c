/*
 * A line of text typed at the key line (`g` asks for an event number or a
 * time): printable characters add to it, Backspace takes one off, Enter
 * hands it to the prompt's `done`, Esc drops it.  While it is open, every
 * key goes to it, so that typing "120" cannot also step the playhead.
 */
#include <string.h>

#include "app_state.h"
#include "terminal.h"

void cv_app__prompt_open(app *a, const char *label, const char *hint,
                         void (*done)(app *a, const char *text))
{
    a->prompt = (cv_app_prompt){.label = label, .hint = hint, .done = done};
}

void cv_app__prompt_key(app *a, int ch)
{
    cv_app_prompt *p = &a->prompt;
    if (ch == 27 || ch == 7) { /* Esc, Ctrl-G */
        p->label = NULL;
        return;
    }
    if (ch == '\r' || ch == '\n' || ch == CV_KEY_ENTER) {
        cv_app_prompt done = *p;
        p->label = NULL;
        if (done.len > 0 || done.empty_ok)
            done.done(a, done.text);
        return;
    }
    if (ch == CV_KEY_BACKSPACE || ch == 127 || ch == 8) {
        /* Back over a whole UTF-8 character. */
        while (p->len > 0 && ((unsigned char)p->text[p->len - 1] & 0xC0) == 0x80)
            p->len--;
        if (p->len > 0)
            p->len--;
        p->text[p->len] = '\0';
        return;
    }
    if (ch < 32 || ch >= CV_KEY_RESIZE)
        return; /* a control or function key: not text */
    char utf8[4];
    size_t n;
    if (ch < 0x80) {
        utf8[0] = (char)ch, n = 1;
    } else if (ch < 0x800) {
        utf8[0] = (char)(0xC0 | (ch >> 6)), utf8[1] = (char)(0x80 | (ch & 0x3F)), n = 2;
    } else if (ch < 0x10000) {
        utf8[0] = (char)(0xE0 | (ch >> 12)), utf8[1] = (char)(0x80 | ((ch >> 6) & 0x3F));
        utf8[2] = (char)(0x80 | (ch & 0x3F)), n = 3;
    } else {
        utf8[0] = (char)(0xF0 | (ch >> 18)), utf8[1] = (char)(0x80 | ((ch >> 12) & 0x3F));
        utf8[2] = (char)(0x80 | ((ch >> 6) & 0x3F)), utf8[3] = (char)(0x80 | (ch & 0x3F)), n = 4;
    }
    if (p->len + n < sizeof p->text) {
        memcpy(p->text + p->len, utf8, n);
        p->len += n;
        p->text[p->len] = '\0';
    }
}
