/*
 * The trace reader's JSON: one flat object per line, parsed in place.  A
 * trace line is the product's own format, so a tree per line (what a
 * general JSON library builds) is all cost: this parser checks the line
 * against JSON's grammar and hands back its members as spans of the line
 * itself.  Internal to src/trace (trace_read.c and its tests).
 */
#ifndef CV_TRACE_JSON_H
#define CV_TRACE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum cv_tjson_type {
    CV_TJ_STRING,
    CV_TJ_NUMBER,
    CV_TJ_TRUE,
    CV_TJ_FALSE,
    CV_TJ_NULL,
    CV_TJ_OBJECT, /* nested: checked and skipped, its contents not kept */
    CV_TJ_ARRAY,  /* likewise */
};

/* Nested objects and arrays deeper than this are refused. */
#define CV_TJSON_MAX_DEPTH 64

/* One member of the line's object.  Strings are decoded in place (every
 * escape, \uXXXX and surrogate pairs to UTF-8) and end in a NUL written
 * over the line; a number is its text as written, not NUL-terminated. */
typedef struct cv_tjson_member {
    const char *key;
    const char *val;
    uint32_t keylen, vallen;
    uint8_t type;  /* enum cv_tjson_type */
    bool plain;    /* a number without fraction or exponent, of at most 18
                      digits: its value is in `num` */
    bool exp;      /* a number with an exponent */
    int64_t num;
} cv_tjson_member;

/* The members of the last line parsed, and why a line was refused. */
typedef struct cv_tjson_line {
    cv_tjson_member *m;
    size_t n, cap;
    const char *why;  /* the refusal, in words */
    size_t at;        /* 1-based byte of the line where it was found */
    bool not_object;  /* the line does not start with '{' */
    bool trailing;    /* the object is whole, but bytes follow it */
    bool nul;         /* the parse stopped at a NUL byte in the line */
    bool incomplete;  /* the line ended inside the object: cut short */
} cv_tjson_line;

/* Parses line[0, len), which holds no newline and may be written over,
 * as one JSON object with nothing but white space around it.  line[len]
 * must be a NUL, followed by at least CV_TJSON_PAD - 1 more readable bytes
 * (strings are scanned 8 bytes at a time); a NUL inside the line is
 * refused as such.  Keys are not checked for repeats (the caller knows its
 * keys).  0, or -1 with why and at set, and the flags that apply. */
#define CV_TJSON_PAD 8
int cv_tjson__parse(cv_tjson_line *out, char *line, size_t len);
void cv_tjson__free(cv_tjson_line *out);

/* A JSON number's text (already checked by the parser) as a whole
 * number, exactly: 0 with *trunc (the value truncated toward zero) and
 * *frac (whether it had a nonzero fraction), or -1 when the truncated
 * value does not fit an int64_t. */
int cv_tjson__int(const char *num, size_t len, int64_t *trunc, bool *frac);

#endif
