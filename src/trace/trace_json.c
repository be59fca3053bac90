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
 * It is the reader's inner loop, so it is written for speed: the line ends
 * in a NUL (which no line holds, so it stops every scan without a bounds
 * test) followed by padding, strings are scanned 8 bytes at a time, and
 * the position travels in a local.  The line is decoded in place: an
 * escape is never shorter than what it decodes to, so the write position
 * trails the read position, and the closing quote's byte takes the
 * string's NUL.
 */
#include "trace_json.h"

#include <stdlib.h>
#include <string.h>

/* What is fixed while a line is parsed: where it starts and ends, and
 * where a refusal goes. */
typedef struct ctx {
    const char *base, *end;
    cv_tjson_line *out;
} ctx;

/* Refuses the line at `at`; a refusal at its end means it was cut short. */
static char *fail_at(const ctx *c, const char *at, const char *why)
{
    /* No JSON holds a NUL, so the parse stops at the first one in the
     * line: that is the reason, whatever was expected there. */
    c->out->nul = at < c->end && *at == '\0';
    c->out->why = c->out->nul ? "a NUL byte in the line" : why;
    c->out->at = (size_t)(at - c->base) + 1;
    c->out->incomplete = at >= c->end;
    return NULL;
}

/* JSON's white space, less the newline that ends the line; the NUL at the
 * end stops it. */
static inline char *skip_ws(char *p)
{
    if ((unsigned char)*p > ' ')
        return p;
    while (*p == ' ' || *p == '\t' || *p == '\r')
        p++;
    return p;
}

static inline bool is_digit(char c)
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
        char ch = q[i];
        if (i < lead ? ch != "\\u"[i] : !is_hex(ch))
            return false;
    }
    return true;
}

/* Decodes the \u escape at s (pointing at the 'u'), and its low half if
 * it is a high surrogate, into *w; returns what follows, or NULL.  A line
 * that ends inside the escape is reported as cut short, not as bad. */
static char *unicode_escape(const ctx *c, char *s, char **w)
{
    unsigned cp, lo;
    char *q = s + 1;
    size_t have = (size_t)(c->end - q);
    if (have < 4 || hex4(q, &cp) != 0)
        return fail_at(c, have < 4 && could_continue(q, have, 0) ? c->end : s - 1,
                       "a \\u escape needs 4 hex digits");
    q += 4;
    if (cp >= 0xdc00 && cp <= 0xdfff)
        return fail_at(c, s - 1, "a lone surrogate (a low half without its high half)");
    if (cp >= 0xd800 && cp <= 0xdbff) {
        have = (size_t)(c->end - q);
        if (have < 6 || q[0] != '\\' || q[1] != 'u' || hex4(q + 2, &lo) != 0 || lo < 0xdc00 ||
            lo > 0xdfff)
            return fail_at(c, have < 6 && could_continue(q, have, 2) ? c->end : s - 1,
                           "a lone surrogate (a high half without its low half)");
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        q += 6;
    }
    if (cp == 0)
        return fail_at(c, s - 1, "\\u0000 in a string (a text cannot hold a NUL)");
    *w = put_utf8(*w, cp);
    return q;
}

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* The bytes of x (8 bytes of a string) that end its plain run: a quote, a
 * backslash or a control byte (the final NUL among them), each as its high
 * bit.  Each term is the classic test for a zero byte (x - 1 borrows into
 * the high bit only where x was 0, or above such a byte, never below the
 * first), so the lowest bit set is the first such byte.  A quote or
 * backslash XORed in keeps every high bit, so one ~x serves the three. */
static inline uint64_t string_stops(uint64_t x)
{
    uint64_t q = x ^ (ONES * '"'), b = x ^ (ONES * '\\');
    return ((x - ONES * 0x20) | (q - ONES) | (b - ONES)) & ~x & HIGHS;
}

/* The slow part of a string: from its first escape (or bad byte) at s,
 * decoding in place.  Returns what follows the closing quote, or NULL. */
static char *string_rest(const ctx *c, char *start, char *s, const char **str, uint32_t *len)
{
    char *w = s;
    for (;;) {
        char ch = *s;
        if (ch == '"') {
            *w = '\0';
            *str = start;
            *len = (uint32_t)(w - start);
            return s + 1;
        }
        if ((unsigned char)ch < 0x20) {
            if (s >= c->end)
                return fail_at(c, c->end, "the line ends inside a string");
            return fail_at(c, s, "a control character in a string (it must be escaped)");
        }
        if (ch != '\\') {
            *w++ = *s++;
            continue;
        }
        char e = s[1];
        switch (e) {
        case '"': *w++ = '"'; break;
        case '\\': *w++ = '\\'; break;
        case '/': *w++ = '/'; break;
        case 'b': *w++ = '\b'; break;
        case 'f': *w++ = '\f'; break;
        case 'n': *w++ = '\n'; break;
        case 'r': *w++ = '\r'; break;
        case 't': *w++ = '\t'; break;
        case 'u':
            if ((s = unicode_escape(c, s + 1, &w)) == NULL)
                return NULL;
            continue;
        default:
            if (e == '\0') /* the end of the line, or a NUL in it */
                return fail_at(c, s + 1, "the line ends inside a string");
            return fail_at(c, s, "an unknown escape in a string");
        }
        s += 2;
    }
}

/* Reads the string whose opening quote is at p; *str and *len give it,
 * decoded and NUL-terminated.  Returns what follows, or NULL. */
static inline char *parse_string(const ctx *c, char *p, const char **str, uint32_t *len)
{
    char *start = p + 1, *s = start;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    for (;;) {
        uint64_t x;
        memcpy(&x, s, 8);
        uint64_t stops = string_stops(x);
        if (stops != 0) {
            s += __builtin_ctzll(stops) >> 3;
            break;
        }
        s += 8;
    }
#else
    while (*s != '"' && *s != '\\' && (unsigned char)*s >= 0x20)
        s++;
#endif
    if (*s == '"') { /* the common case: no escape, nothing to move */
        *s = '\0';
        *str = start;
        *len = (uint32_t)(s - start);
        return s + 1;
    }
    return string_rest(c, start, s, str, len);
}

/* Checks the number at p against JSON's grammar and returns what follows;
 * a plain whole number's value is read on the way (trace_json.h). */
static inline __attribute__((always_inline)) char *parse_number(const ctx *c, char *p,
                                                                cv_tjson_member *m)
{
    char *s = p, *digits;
    bool neg = *s == '-';
    uint64_t v = 0; /* wraps past 19 digits, when it is not used */
    s += neg;
    digits = s;
    unsigned d = (unsigned)(*s - '0');
    if (d == 0) {
        s++;
    } else if (d < 10) {
        do {
            v = v * 10 + d;
            d = (unsigned)(*++s - '0');
        } while (d < 10);
    } else {
        return fail_at(c, s, s >= c->end ? "the line ends inside a number" : "not a JSON value");
    }
    m->plain = s - digits <= 18;
    m->exp = false;
    m->num = (int64_t)(neg ? 0 - v : v); /* unsigned negation: -2^63 too */
    if (*s == '.') {
        m->plain = false;
        if (!is_digit(*++s))
            return fail_at(c, s, s >= c->end ? "the line ends inside a number"
                                             : "a number needs digits after its '.'");
        while (is_digit(*s))
            s++;
    }
    if (*s == 'e' || *s == 'E') {
        m->plain = false;
        m->exp = true;
        if (*++s == '+' || *s == '-')
            s++;
        if (!is_digit(*s))
            return fail_at(c, s, s >= c->end ? "the line ends inside a number"
                                             : "a number needs digits in its exponent");
        while (is_digit(*s))
            s++;
    }
    if (is_digit(*s) || *s == '.' || *s == 'e' || *s == 'E')
        return fail_at(c, s, "not a JSON number (a leading zero, or a second '.' or exponent)");
    m->type = CV_TJ_NUMBER;
    m->val = p;
    m->vallen = (uint32_t)(s - p);
    return s;
}

static char *parse_word(const ctx *c, char *p, const char *word)
{
    size_t n = strlen(word), have = (size_t)(c->end - p);
    if (have < n)
        return fail_at(c, memcmp(p, word, have) == 0 ? c->end : p, "not a JSON value");
    if (memcmp(p, word, n) != 0)
        return fail_at(c, p, "not a JSON value");
    return p + n;
}

static char *parse_value(const ctx *c, char *p, int depth, cv_tjson_member *m);

/* A number inside a nested value: one out-of-line copy, so that only the
 * member loop carries the inlined one. */
static char *parse_nested_number(const ctx *c, char *p, cv_tjson_member *m)
{
    return parse_number(c, p, m);
}

/* An object or array inside the line's object: checked, then forgotten. */
static char *skip_nested(const ctx *c, char *p, int depth, char close)
{
    if (depth > CV_TJSON_MAX_DEPTH)
        return fail_at(c, p, "objects or arrays nested too deeply");
    p = skip_ws(p + 1);
    if (*p == close)
        return p + 1;
    cv_tjson_member ignored;
    for (;;) {
        if (close == '}') {
            if (*p != '"')
                return fail_at(c, p, p >= c->end ? "the line ends inside an object"
                                                 : "an object key must be a string");
            if ((p = parse_string(c, p, &ignored.key, &ignored.keylen)) == NULL)
                return NULL;
            p = skip_ws(p);
            if (*p != ':')
                return fail_at(c, p, p >= c->end ? "the line ends inside an object"
                                                 : "':' expected after a key");
            p = skip_ws(p + 1);
        }
        if ((p = parse_value(c, p, depth + 1, &ignored)) == NULL)
            return NULL;
        p = skip_ws(p);
        if (*p == close)
            return p + 1;
        if (*p != ',')
            return fail_at(c, p, p >= c->end ? "the line ends inside an object or array"
                                 : close == '}' ? "',' or '}' expected" : "',' or ']' expected");
        p = skip_ws(p + 1);
    }
}

static char *parse_value(const ctx *c, char *p, int depth, cv_tjson_member *m)
{
    switch (*p) {
    case '"':
        m->type = CV_TJ_STRING;
        return parse_string(c, p, &m->val, &m->vallen);
    case '{':
    case '[':
        m->type = *p == '{' ? CV_TJ_OBJECT : CV_TJ_ARRAY;
        m->val = p;
        m->vallen = 0;
        return skip_nested(c, p, depth, *p == '{' ? '}' : ']');
    case 't':
        m->type = CV_TJ_TRUE;
        return parse_word(c, p, "true");
    case 'f':
        m->type = CV_TJ_FALSE;
        return parse_word(c, p, "false");
    case 'n':
        m->type = CV_TJ_NULL;
        return parse_word(c, p, "null");
    default:
        return parse_nested_number(c, p, m);
    }
}

/* Room for member n (the array is kept from line to line). */
static cv_tjson_member *grow(cv_tjson_line *out, size_t n)
{
    size_t cap = out->cap ? out->cap * 2 : 16;
    cv_tjson_member *m = realloc(out->m, cap * sizeof *m);
    if (m == NULL)
        return NULL;
    out->m = m;
    out->cap = cap;
    return &out->m[n];
}

int cv_tjson__parse(cv_tjson_line *out, char *line, size_t len)
{
    ctx c = {.base = line, .end = line + len, .out = out};
    size_t n = 0; /* members so far, in a local while the loop runs */
    out->n = 0;
    out->why = NULL;
    out->at = 0;
    out->not_object = out->trailing = out->incomplete = out->nul = false;
    char *p = skip_ws(line);
    if (*p != '{') {
        out->not_object = true;
        fail_at(&c, p, "not a JSON object");
        return -1;
    }
    p = skip_ws(p + 1);
    if (*p == '}') {
        p++;
    } else {
        for (;;) {
            if (*p != '"') {
                fail_at(&c, p, p >= c.end ? "the line ends inside the object"
                                          : "an object key must be a string");
                return -1;
            }
            cv_tjson_member *m = n < out->cap ? &out->m[n] : grow(out, n);
            if (m == NULL) {
                fail_at(&c, p, "out of memory");
                return -1;
            }
            if ((p = parse_string(&c, p, &m->key, &m->keylen)) == NULL)
                return -1;
            if (*p != ':') {
                p = skip_ws(p);
                if (*p != ':') {
                    fail_at(&c, p, p >= c.end ? "the line ends inside the object"
                                              : "':' expected after a key");
                    return -1;
                }
            }
            p = skip_ws(p + 1);
            /* The two kinds of value trace keys have, without a call. */
            if (*p == '"') {
                m->type = CV_TJ_STRING;
                p = parse_string(&c, p, &m->val, &m->vallen);
            } else if (is_digit(*p) || *p == '-') {
                p = parse_number(&c, p, m);
            } else {
                p = parse_value(&c, p, 1, m);
            }
            if (p == NULL)
                return -1;
            n++;
            if (*p != ',' && *p != '}')
                p = skip_ws(p);
            if (*p == '}') {
                p++;
                break;
            }
            if (*p != ',') {
                fail_at(&c, p, p >= c.end ? "the line ends inside the object"
                                          : "',' or '}' expected");
                return -1;
            }
            p = skip_ws(p + 1);
        }
    }
    p = skip_ws(p);
    if (p != c.end) {
        out->trailing = true;
        fail_at(&c, p, "bytes after the JSON object");
        return -1;
    }
    out->n = n;
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
