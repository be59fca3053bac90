/*
 * A strict parser for one flat JSON object, the shape of every trace line
 * (see trace_json.h).  It follows RFC 8259's grammar and nothing looser:
 * strings with every escape (a \u escape's surrogates must pair; a lone
 * one, or \u0000, which no C string can hold, is refused), raw control
 * characters refused inside strings, numbers by the grammar (no leading
 * zeros, no bare '.', no "inf"), only true/false/null as words, and no
 * bytes after the object.  Values nested in objects or arrays are checked
 * the same way, up to a depth bound, and then skipped, since no trace key
 * holds one.  Bytes that are not UTF-8 are let through, as the previous
 * reader (cJSON) let them: the views show them as '?'.
 *
 * The line is decoded in place: an escape is never shorter than what it
 * decodes to, so the write position trails the read position, and the
 * closing quote's byte can take the string's NUL.
 */
#include "trace_json.h"

#include <stdlib.h>
#include <string.h>

typedef struct parser {
    char *p, *end, *base;
    cv_tjson_line *out;
} parser;

/* What a byte inside a string is: 0 for a plain byte, else what to do. */
enum { PLAIN, QUOTE, BACKSLASH, CONTROL };
static const unsigned char string_class[256] = {
    [0x00] = CONTROL, [0x01] = CONTROL, [0x02] = CONTROL, [0x03] = CONTROL,
    [0x04] = CONTROL, [0x05] = CONTROL, [0x06] = CONTROL, [0x07] = CONTROL,
    [0x08] = CONTROL, [0x09] = CONTROL, [0x0a] = CONTROL, [0x0b] = CONTROL,
    [0x0c] = CONTROL, [0x0d] = CONTROL, [0x0e] = CONTROL, [0x0f] = CONTROL,
    [0x10] = CONTROL, [0x11] = CONTROL, [0x12] = CONTROL, [0x13] = CONTROL,
    [0x14] = CONTROL, [0x15] = CONTROL, [0x16] = CONTROL, [0x17] = CONTROL,
    [0x18] = CONTROL, [0x19] = CONTROL, [0x1a] = CONTROL, [0x1b] = CONTROL,
    [0x1c] = CONTROL, [0x1d] = CONTROL, [0x1e] = CONTROL, [0x1f] = CONTROL,
    ['"'] = QUOTE, ['\\'] = BACKSLASH,
};

static int fail_at(parser *ps, const char *at, const char *why)
{
    ps->out->why = why;
    ps->out->at = (size_t)(at - ps->base) + 1;
    ps->out->incomplete = at >= ps->end;
    return -1;
}

/* JSON's white space, less the newline that ends the line. */
static void skip_ws(parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\r'))
        ps->p++;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_hex(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int hex4(const char *s, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned char c = (unsigned char)s[i];
        unsigned d = c >= '0' && c <= '9'   ? c - (unsigned)'0'
                     : c >= 'a' && c <= 'f' ? c - 'a' + 10u
                     : c >= 'A' && c <= 'F' ? c - 'A' + 10u
                                            : 16u;
        if (d == 16)
            return -1;
        v = v << 4 | d;
    }
    *out = v;
    return 0;
}

static char *put_utf8(char *w, unsigned cp)
{
    if (cp < 0x80) {
        *w++ = (char)cp;
    } else if (cp < 0x800) {
        *w++ = (char)(0xc0 | cp >> 6);
        *w++ = (char)(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        *w++ = (char)(0xe0 | cp >> 12);
        *w++ = (char)(0x80 | (cp >> 6 & 0x3f));
        *w++ = (char)(0x80 | (cp & 0x3f));
    } else {
        *w++ = (char)(0xf0 | cp >> 18);
        *w++ = (char)(0x80 | (cp >> 12 & 0x3f));
        *w++ = (char)(0x80 | (cp >> 6 & 0x3f));
        *w++ = (char)(0x80 | (cp & 0x3f));
    }
    return w;
}

/* Whether the `have` bytes at q could be the start of what an escape
 * still needs (`\uXXXX` when lead is 2, `XXXX` when 0): then the line
 * was cut there, rather than holding a bad escape. */
static bool could_continue(const char *q, size_t have, size_t lead)
{
    for (size_t i = 0; i < have; i++) {
        char c = q[i];
        if (i < lead ? c != "\\u"[i] : !is_hex(c))
            return false;
    }
    return true;
}

/* Decodes the \u escape at s (pointing at the 'u'), and its low half if
 * it is a high surrogate, into w; sets *s past what it read.  A line that
 * ends inside the escape is reported as cut short, not as a bad escape. */
static int unicode_escape(parser *ps, char **s, char **w)
{
    unsigned cp, lo;
    char *q = *s + 1;
    size_t have = (size_t)(ps->end - q);
    if (have < 4 || hex4(q, &cp) != 0)
        return fail_at(ps, have < 4 && could_continue(q, have, 0) ? ps->end : *s - 1,
                       "a \\u escape needs 4 hex digits");
    q += 4;
    if (cp >= 0xdc00 && cp <= 0xdfff)
        return fail_at(ps, *s - 1, "a lone surrogate (a low half without its high half)");
    if (cp >= 0xd800 && cp <= 0xdbff) {
        have = (size_t)(ps->end - q);
        if (have < 6 || q[0] != '\\' || q[1] != 'u' || hex4(q + 2, &lo) != 0 || lo < 0xdc00 ||
            lo > 0xdfff)
            return fail_at(ps, have < 6 && could_continue(q, have, 2) ? ps->end : *s - 1,
                           "a lone surrogate (a high half without its low half)");
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        q += 6;
    }
    if (cp == 0)
        return fail_at(ps, *s - 1, "\\u0000 in a string (a text cannot hold a NUL)");
    *w = put_utf8(*w, cp);
    *s = q;
    return 0;
}

/* Reads the string whose opening quote is at ps->p, decoding it in place:
 * *str and *len give the result, NUL-terminated. */
static int parse_string(parser *ps, const char **str, uint32_t *len)
{
    char *s = ps->p + 1, *end = ps->end;
    char *start = s;
    /* The common case: no escape, nothing to move. */
    while (s < end && string_class[(unsigned char)*s] == PLAIN)
        s++;
    char *w = s;
    while (s < end) {
        unsigned char c = (unsigned char)*s;
        switch (string_class[c]) {
        case PLAIN:
            *w++ = *s++;
            continue;
        case QUOTE:
            *w = '\0';
            *str = start;
            *len = (uint32_t)(w - start);
            ps->p = s + 1;
            return 0;
        case CONTROL:
            return fail_at(ps, s, "a control character in a string (it must be escaped)");
        default:
            break;
        }
        /* A backslash. */
        if (s + 1 >= end)
            return fail_at(ps, end, "the line ends inside a string");
        char e = s[1];
        const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
        const char *hit = e != '\0' ? strchr(from, e) : NULL;
        if (hit != NULL) {
            *w++ = to[hit - from];
            s += 2;
        } else if (e == 'u') {
            s++;
            if (unicode_escape(ps, &s, &w) != 0)
                return -1;
        } else {
            return fail_at(ps, s, "an unknown escape in a string");
        }
    }
    return fail_at(ps, end, "the line ends inside a string");
}

/* Checks the number at ps->p against JSON's grammar and steps over it. */
static int parse_number(parser *ps, bool *plain)
{
    char *s = ps->p, *end = ps->end;
    *plain = true;
    if (s < end && *s == '-')
        s++;
    if (s >= end)
        return fail_at(ps, end, "the line ends inside a number");
    if (*s == '0') {
        s++;
    } else if (is_digit(*s)) {
        while (s < end && is_digit(*s))
            s++;
    } else {
        return fail_at(ps, s, "not a JSON number");
    }
    if (s < end && *s == '.') {
        *plain = false;
        if (++s >= end)
            return fail_at(ps, end, "the line ends inside a number");
        if (!is_digit(*s))
            return fail_at(ps, s, "a number needs digits after its '.'");
        while (s < end && is_digit(*s))
            s++;
    }
    if (s < end && (*s == 'e' || *s == 'E')) {
        *plain = false;
        if (++s < end && (*s == '+' || *s == '-'))
            s++;
        if (s >= end)
            return fail_at(ps, end, "the line ends inside a number");
        if (!is_digit(*s))
            return fail_at(ps, s, "a number needs digits in its exponent");
        while (s < end && is_digit(*s))
            s++;
    }
    if (s < end && (is_digit(*s) || *s == '.' || *s == 'e' || *s == 'E'))
        return fail_at(ps, s, "not a JSON number (a leading zero, or a second '.' or exponent)");
    ps->p = s;
    return 0;
}

static int parse_word(parser *ps, const char *word)
{
    size_t n = strlen(word);
    size_t have = (size_t)(ps->end - ps->p);
    if (memcmp(ps->p, word, have < n ? have : n) != 0)
        return fail_at(ps, ps->p, "not a JSON value");
    if (have < n)
        return fail_at(ps, ps->end, "the line ends inside a word");
    ps->p += n;
    return 0;
}

static int parse_value(parser *ps, int depth, cv_tjson_member *m);

/* An object or array inside the line's object: checked, then forgotten. */
static int skip_nested(parser *ps, int depth, char close)
{
    if (depth > CV_TJSON_MAX_DEPTH)
        return fail_at(ps, ps->p, "objects or arrays nested too deeply");
    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        return 0;
    }
    cv_tjson_member ignored;
    for (;;) {
        if (close == '}') {
            if (ps->p >= ps->end)
                return fail_at(ps, ps->end, "the line ends inside an object");
            if (*ps->p != '"')
                return fail_at(ps, ps->p, "an object key must be a string");
            const char *k;
            uint32_t kl;
            if (parse_string(ps, &k, &kl) != 0)
                return -1;
            skip_ws(ps);
            if (ps->p >= ps->end)
                return fail_at(ps, ps->end, "the line ends inside an object");
            if (*ps->p != ':')
                return fail_at(ps, ps->p, "':' expected after a key");
            ps->p++;
            skip_ws(ps);
        }
        if (parse_value(ps, depth + 1, &ignored) != 0)
            return -1;
        skip_ws(ps);
        if (ps->p >= ps->end)
            return fail_at(ps, ps->end, "the line ends inside an object or array");
        if (*ps->p == close) {
            ps->p++;
            return 0;
        }
        if (*ps->p != ',')
            return fail_at(ps, ps->p, close == '}' ? "',' or '}' expected" : "',' or ']' expected");
        ps->p++;
        skip_ws(ps);
    }
}

static int parse_value(parser *ps, int depth, cv_tjson_member *m)
{
    if (ps->p >= ps->end)
        return fail_at(ps, ps->end, "the line ends where a value belongs");
    char *at = ps->p;
    switch (*at) {
    case '"':
        m->type = CV_TJ_STRING;
        return parse_string(ps, &m->val, &m->vallen);
    case '{':
    case '[':
        m->type = *at == '{' ? CV_TJ_OBJECT : CV_TJ_ARRAY;
        m->val = at;
        m->vallen = 0;
        return skip_nested(ps, depth, *at == '{' ? '}' : ']');
    case 't':
        m->type = CV_TJ_TRUE;
        return parse_word(ps, "true");
    case 'f':
        m->type = CV_TJ_FALSE;
        return parse_word(ps, "false");
    case 'n':
        m->type = CV_TJ_NULL;
        return parse_word(ps, "null");
    default:
        m->type = CV_TJ_NUMBER;
        if (parse_number(ps, &m->plain) != 0)
            return -1;
        m->val = at;
        m->vallen = (uint32_t)(ps->p - at);
        return 0;
    }
}

static cv_tjson_member *new_member(cv_tjson_line *out)
{
    if (out->n == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : 16;
        cv_tjson_member *m = realloc(out->m, cap * sizeof *m);
        if (m == NULL)
            return NULL;
        out->m = m;
        out->cap = cap;
    }
    return &out->m[out->n++];
}

int cv_tjson__parse(cv_tjson_line *out, char *line, size_t len)
{
    parser ps = {.p = line, .end = line + len, .base = line, .out = out};
    out->n = 0;
    out->why = NULL;
    out->at = 0;
    out->not_object = out->trailing = out->incomplete = false;
    skip_ws(&ps);
    if (ps.p >= ps.end || *ps.p != '{') {
        out->not_object = true;
        return fail_at(&ps, ps.p, "not a JSON object");
    }
    ps.p++;
    skip_ws(&ps);
    if (ps.p < ps.end && *ps.p == '}') {
        ps.p++;
    } else {
        for (;;) {
            if (ps.p >= ps.end)
                return fail_at(&ps, ps.end, "the line ends inside the object");
            if (*ps.p != '"')
                return fail_at(&ps, ps.p, "an object key must be a string");
            cv_tjson_member *m = new_member(out);
            if (m == NULL)
                return fail_at(&ps, ps.p, "out of memory");
            if (parse_string(&ps, &m->key, &m->keylen) != 0)
                return -1;
            skip_ws(&ps);
            if (ps.p >= ps.end)
                return fail_at(&ps, ps.end, "the line ends inside the object");
            if (*ps.p != ':')
                return fail_at(&ps, ps.p, "':' expected after a key");
            ps.p++;
            skip_ws(&ps);
            m->plain = false;
            if (parse_value(&ps, 1, m) != 0)
                return -1;
            skip_ws(&ps);
            if (ps.p >= ps.end)
                return fail_at(&ps, ps.end, "the line ends inside the object");
            if (*ps.p == '}') {
                ps.p++;
                break;
            }
            if (*ps.p != ',')
                return fail_at(&ps, ps.p, "',' or '}' expected");
            ps.p++;
            skip_ws(&ps);
        }
    }
    skip_ws(&ps);
    if (ps.p != ps.end) {
        out->trailing = true;
        return fail_at(&ps, ps.p, "bytes after the JSON object");
    }
    return 0;
}

void cv_tjson__free(cv_tjson_line *out)
{
    free(out->m);
    *out = (cv_tjson_line){0};
}

int cv_tjson__int(const char *num, size_t len, int64_t *trunc, bool *frac)
{
    const char *s = num, *end = num + len;
    bool neg = s < end && *s == '-';
    s += neg;
    /* The digits before the '.', then after it, then the exponent. */
    const char *ip = s;
    while (s < end && is_digit(*s))
        s++;
    size_t nint = (size_t)(s - ip);
    const char *fp = s, *fend = s;
    if (s < end && *s == '.') {
        fp = ++s;
        while (s < end && is_digit(*s))
            s++;
        fend = s;
    }
    long long exp = 0;
    if (s < end && (*s == 'e' || *s == 'E')) {
        s++;
        bool eneg = s < end && *s == '-';
        s += s < end && (*s == '+' || *s == '-');
        for (; s < end && is_digit(*s); s++)
            if (exp < 100000000) /* far past any int64's digits; stays small */
                exp = exp * 10 + (*s - '0');
        exp = eneg ? -exp : exp;
    }
    /* The digit string D = int digits then fraction digits; the point sits
     * after `point` of them (may be negative or past D's end). */
    size_t nfrac = (size_t)(fend - fp), nd = nint + nfrac;
    long long point = (long long)nint + exp;
    uint64_t mag = 0;
    bool over = false;
    *frac = false;
    for (size_t i = 0; i < nd; i++) {
        int d = (i < nint ? ip[i] : fp[i - nint]) - '0';
        if ((long long)i < point) {
            if (mag > (UINT64_MAX - (uint64_t)d) / 10)
                over = true;
            else
                mag = mag * 10 + (uint64_t)d;
        } else if (d != 0) {
            *frac = true;
        }
    }
    for (long long i = (long long)nd; i < point && mag != 0 && !over; i++) {
        if (mag > UINT64_MAX / 10)
            over = true;
        else
            mag *= 10;
    }
    uint64_t limit = neg ? (uint64_t)1 << 63 : ((uint64_t)1 << 63) - 1;
    if (over || mag > limit)
        return -1;
    *trunc = neg ? (int64_t)(0 - mag) : (int64_t)mag;
    return 0;
}
