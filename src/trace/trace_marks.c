/*
 * The marks sidecar file (see trace_marks.h for its format).  Reading is
 * strict like the trace reader: a line that is not EVENT, TAB, SECONDS,
 * TAB, TEXT is refused with its line number rather than skipped, so a
 * lecturer learns at once that the file is not what they think.
 */
#include "trace_marks.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "error.h"

static void copy_text(char *dst, const char *src)
{
    size_t n = 0;
    for (; src[n] != '\0' && n + 1 < CV_MARK_TEXT; n++)
        dst[n] = (src[n] == '\t' || src[n] == '\n' || src[n] == '\r') ? ' ' : src[n];
    /* Never cut a UTF-8 character in half. */
    while (n > 0 && src[n] != '\0' && ((unsigned char)src[n] & 0xC0) == 0x80)
        n--;
    dst[n] = '\0';
}

int cv_marks_find(const cv_marks *ms, uint64_t event)
{
    for (size_t i = 0; i < ms->n; i++)
        if (ms->at[i].event == event)
            return (int)i;
    return -1;
}

int cv_marks_add(cv_marks *ms, uint64_t event, double demo_s, const char *text)
{
    int found = cv_marks_find(ms, event);
    if (found >= 0) {
        copy_text(ms->at[found].text, text);
        return found;
    }
    if (ms->n >= CV_MARKS_MAX)
        return -1;
    size_t i = ms->n;
    while (i > 0 && ms->at[i - 1].event > event) {
        ms->at[i] = ms->at[i - 1];
        i--;
    }
    ms->at[i] = (cv_mark){.event = event, .demo_s = demo_s};
    copy_text(ms->at[i].text, text);
    ms->n++;
    return (int)i;
}

int cv_marks_parse_line(cv_mark *m, const char *line, char *err, size_t errlen)
{
    const char *p = line;
    if (*p < '0' || *p > '9') {
        snprintf(err, errlen, "expected EVENT<TAB>SECONDS<TAB>TEXT");
        return CV_EINVAL;
    }
    char *end;
    errno = 0;
    unsigned long long ev = strtoull(p, &end, 10);
    if (errno != 0 || *end != '\t' || ev > 9007199254740991ULL) {
        snprintf(err, errlen, "the event number is not a whole number followed by a tab");
        return CV_EINVAL;
    }
    p = end + 1;
    if ((*p < '0' || *p > '9')) {
        snprintf(err, errlen, "the demo time is not a number of seconds");
        return CV_EINVAL;
    }
    double s = strtod(p, &end);
    if (!isfinite(s) || s < 0 || *end != '\t') {
        snprintf(err, errlen, "the demo time is not a number of seconds followed by a tab");
        return CV_EINVAL;
    }
    p = end + 1;
    if (*p == '\0') {
        snprintf(err, errlen, "the mark has no text");
        return CV_EINVAL;
    }
    if (strlen(p) >= CV_MARK_TEXT) {
        snprintf(err, errlen, "the text is longer than %d bytes", CV_MARK_TEXT - 1);
        return CV_EINVAL;
    }
    for (const char *c = p; *c; c++) {
        if ((unsigned char)*c < 32) {
            snprintf(err, errlen, "the text holds a control character");
            return CV_EINVAL;
        }
    }
    *m = (cv_mark){.event = ev, .demo_s = s};
    copy_text(m->text, p);
    return 0;
}

int cv_marks_load(cv_marks *ms, const char *path, char *err, size_t errlen)
{
    ms->n = 0;
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        if (errno == ENOENT)
            return 0; /* a new sidecar: marks made now will create it */
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return CV_EIO;
    }
    char line[256];
    int rc = 0;
    for (unsigned lineno = 1; fgets(line, sizeof line, f) != NULL; lineno++) {
        size_t len = strlen(line);
        if (len == sizeof line - 1 && line[len - 1] != '\n' && !feof(f)) {
            snprintf(err, errlen, "%s:%u: the line is too long", path, lineno);
            rc = CV_EINVAL;
            break;
        }
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        cv_mark m;
        char why[128];
        if (cv_marks_parse_line(&m, line, why, sizeof why) != 0) {
            snprintf(err, errlen, "%s:%u: %s", path, lineno, why);
            rc = CV_EINVAL;
            break;
        }
        if (cv_marks_add(ms, m.event, m.demo_s, m.text) < 0) {
            snprintf(err, errlen, "%s:%u: more than %d marks", path, lineno, CV_MARKS_MAX);
            rc = CV_EINVAL;
            break;
        }
    }
    if (rc == 0 && ferror(f)) {
        snprintf(err, errlen, "%s: cannot read", path);
        rc = CV_EIO;
    }
    fclose(f);
    if (rc != 0)
        ms->n = 0;
    return rc;
}

int cv_marks_write_trace(FILE *out, const cv_marks *ms)
{
    for (size_t i = 0; i < ms->n; i++) {
        fprintf(out, "{\"bookmark\":%llu,\"demo_t\":%.3f,\"text\":\"",
                (unsigned long long)ms->at[i].event, ms->at[i].demo_s);
        /* JSON wants quotes, backslashes and control characters escaped;
         * UTF-8 goes as it is. */
        for (const unsigned char *c = (const unsigned char *)ms->at[i].text; *c; c++) {
            if (*c == '"' || *c == '\\')
                fprintf(out, "\\%c", *c);
            else if (*c < 0x20)
                fprintf(out, "\\u%04x", *c);
            else
                fputc(*c, out);
        }
        fputs("\"}\n", out);
    }
    return ferror(out) ? -1 : 0;
}

int cv_marks_save(const cv_marks *ms, const char *path, char *err, size_t errlen)
{
    cv_atomic_file af;
    int rc = cv_atomic_file_open(&af, path, err, errlen);
    if (rc != 0)
        return rc;
    fprintf(af.fp, "# concviz marks: EVENT<TAB>DEMO-SECONDS<TAB>TEXT\n");
    for (size_t i = 0; i < ms->n; i++)
        fprintf(af.fp, "%llu\t%.3f\t%s\n", (unsigned long long)ms->at[i].event,
                ms->at[i].demo_s, ms->at[i].text);
    if (ferror(af.fp)) {
        snprintf(err, errlen, "%s: cannot write", path);
        cv_atomic_file_abort(&af);
        return CV_EIO;
    }
    return cv_atomic_file_commit(&af, err, errlen);
}
