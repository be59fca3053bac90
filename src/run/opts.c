/*
 * The table-driven option parser (see opts.h).  It checks everything it can
 * before a run starts, so that bad input never gets as far as a thread.
 */
#include "opts.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int find_long(const cv_opts *o, const char *name, size_t len)
{
    for (size_t i = 0; i < o->nspec; i++)
        if (strlen(o->spec[i]->name) == len && strncmp(o->spec[i]->name, name, len) == 0)
            return (int)i;
    return -1;
}

static int find_short(const cv_opts *o, char c)
{
    for (size_t i = 0; i < o->nspec; i++)
        if (o->spec[i]->short_name == c)
            return (int)i;
    return -1;
}

static void range_text(const cv_opt_spec *s, char *buf, size_t len)
{
    if (s->type == CV_OPT_INT)
        snprintf(buf, len, "a whole number from %.0f to %.0f", s->min, s->max);
    else if (s->min_exclusive)
        snprintf(buf, len, "a number above %g, at most %g", s->min, s->max);
    else
        snprintf(buf, len, "a number from %g to %g", s->min, s->max);
}

/* Checks one value against its spec; message in err. */
static int check_value(const cv_opt_spec *s, const char *v, char *err, size_t errlen)
{
    char range[96];
    range_text(s, range, sizeof range);
    if (s->type == CV_OPT_INT || s->type == CV_OPT_NUM) {
        char *end;
        errno = 0;
        double d = strtod(v, &end);
        bool bad = *v == '\0' || *end != '\0' || errno == ERANGE || !isfinite(d);
        if (!bad && s->type == CV_OPT_INT) {
            bad = strspn(v, "+-0123456789") != strlen(v);
        }
        if (bad) {
            snprintf(err, errlen, "--%s takes %s, not '%s'", s->name, range, v);
            return CV_EINVAL;
        }
        if (d < s->min || d > s->max || (s->min_exclusive && d <= s->min)) {
            snprintf(err, errlen, "--%s takes %s, not %s", s->name, range, v);
            return CV_EINVAL;
        }
        return 0;
    }
    if (s->type == CV_OPT_STR && s->choices != NULL) {
        char list[256] = "";
        /* A list option checks each of its comma-separated words. */
        bool all_known;
        const char *w = v;
        do {
            size_t len = s->list ? strcspn(w, ",") : strlen(w);
            all_known = false;
            for (const char *const *c = s->choices; *c != NULL && !all_known; c++)
                all_known = strlen(*c) == len && strncasecmp(*c, w, len) == 0;
            w += len;
        } while (all_known && *w++ == ',');
        if (all_known)
            return 0;
        for (const char *const *c = s->choices; *c != NULL; c++) {
            size_t used = strlen(list);
            snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "", *c);
        }
        snprintf(err, errlen, "--%s takes %s %s, not '%s'", s->name,
                 s->list ? "a comma-separated list of" : "one of", list, v);
        return CV_EINVAL;
    }
    return 0;
}

int cv_opts_parse(cv_opts *o, const cv_opt_spec *const *tables, int argc, char **argv,
                  size_t max_pos, char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    for (const cv_opt_spec *const *t = tables; *t != NULL; t++)
        for (const cv_opt_spec *s = *t; s->name != NULL && o->nspec < CV_OPTS_MAX; s++) {
            o->spec[o->nspec] = s;
            o->value[o->nspec] = s->def;
            o->nspec++;
        }

    bool only_pos = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        int idx = -1;
        const char *inline_value = NULL;
        char shown[64];
        if (!only_pos && strcmp(a, "--") == 0) {
            only_pos = true;
            continue;
        }
        if (!only_pos && a[0] == '-' && a[1] == '-') {
            const char *eq = strchr(a + 2, '=');
            size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
            idx = find_long(o, a + 2, len);
            inline_value = eq ? eq + 1 : NULL;
            snprintf(shown, sizeof shown, "%.*s", (int)(len + 2), a);
        } else if (!only_pos && a[0] == '-' && a[1] != '\0' && !(a[1] >= '0' && a[1] <= '9')) {
            idx = find_short(o, a[1]);
            inline_value = a[2] ? a + 2 : NULL;
            snprintf(shown, sizeof shown, "-%c", a[1]);
        } else {
            if (o->npos >= max_pos || o->npos >= CV_OPTS_MAX_POS) {
                if (max_pos == 0)
                    snprintf(err, errlen, "unexpected argument '%s'", a);
                else
                    snprintf(err, errlen, "too many arguments (at most %zu)", max_pos);
                return CV_EINVAL;
            }
            o->pos[o->npos++] = a;
            continue;
        }
        if (idx < 0) {
            snprintf(err, errlen, "unknown option '%s'", shown);
            return CV_EINVAL;
        }
        const cv_opt_spec *s = o->spec[idx];
        if (s->type == CV_OPT_FLAG) {
            if (inline_value != NULL) {
                snprintf(err, errlen, "--%s takes no value", s->name);
                return CV_EINVAL;
            }
            o->value[idx] = "1";
            o->given[idx] = true;
            continue;
        }
        const char *v = inline_value;
        if (v == NULL) {
            if (i + 1 >= argc) {
                char range[96] = "a value";
                if (s->type == CV_OPT_INT || s->type == CV_OPT_NUM)
                    range_text(s, range, sizeof range);
                snprintf(err, errlen, "--%s needs %s", s->name, range);
                return CV_EINVAL;
            }
            v = argv[++i];
        }
        if (check_value(s, v, err, errlen) != 0)
            return CV_EINVAL;
        o->value[idx] = v;
        o->given[idx] = true;
    }
    return 0;
}

static int find_name(const cv_opts *o, const char *name)
{
    return find_long(o, name, strlen(name));
}

bool cv_opts_given(const cv_opts *o, const char *name)
{
    int i = find_name(o, name);
    return i >= 0 && o->given[i];
}

bool cv_opts_flag(const cv_opts *o, const char *name)
{
    int i = find_name(o, name);
    return i >= 0 && o->value[i] != NULL && strcmp(o->value[i], "1") == 0;
}

long long cv_opts_int(const cv_opts *o, const char *name)
{
    int i = find_name(o, name);
    return i >= 0 && o->value[i] ? strtoll(o->value[i], NULL, 10) : 0;
}

double cv_opts_num(const cv_opts *o, const char *name)
{
    int i = find_name(o, name);
    return i >= 0 && o->value[i] ? strtod(o->value[i], NULL) : 0;
}

const char *cv_opts_str(const cv_opts *o, const char *name)
{
    int i = find_name(o, name);
    return i >= 0 ? o->value[i] : NULL;
}

void cv_opts_print_help(const cv_opt_spec *table, void *file)
{
    FILE *out = file;
    for (const cv_opt_spec *s = table; s->name != NULL; s++) {
        char left[64];
        char shortpart[8] = "    ";
        if (s->short_name)
            snprintf(shortpart, sizeof shortpart, "-%c, ", s->short_name);
        snprintf(left, sizeof left, "%s--%s%s%s", shortpart, s->name,
                 s->type == CV_OPT_FLAG ? "" : " ", s->type == CV_OPT_FLAG ? "" : (s->metavar ? s->metavar : "VALUE"));
        fprintf(out, "  %-26s %s", left, s->help ? s->help : "");
        if (s->def != NULL && s->type != CV_OPT_FLAG)
            fprintf(out, " (default %s)", s->def);
        fputc('\n', out);
    }
}

void cv_opts_describe(const cv_opts *o, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < o->nspec && used < len; i++) {
        const cv_opt_spec *s = o->spec[i];
        if (!o->given[i] || s->quiet)
            continue;
        int n = s->type == CV_OPT_FLAG
                    ? snprintf(buf + used, len - used, "%s--%s", used ? " " : "", s->name)
                    : snprintf(buf + used, len - used, "%s--%s %s", used ? " " : "", s->name, o->value[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    for (size_t i = 0; i < o->npos && used < len; i++) {
        int n = snprintf(buf + used, len - used, "%s%s", used ? " " : "", o->pos[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    if (used >= len && len > 0)
        buf[len - 1] = '\0';
}
