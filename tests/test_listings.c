/*
 * The embedded Python listings: the text in the binary is the .py file in
 * the repository byte for byte, every "# line: NAME" constant points at the
 * line that carries that marker, and each scenario and mode finds its file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "listing.h"

/* The whole of a file, NUL-terminated, in *len bytes; fails the test when
 * it cannot be read. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = (n + 4096 + 1) * 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        size_t got = fread(buf + n, 1, 4096, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static void test_embedded_text_is_the_file(void **state)
{
    (void)state;
    assert_true(CV_LISTING_COUNT >= 8);
    for (int id = 0; id < CV_LISTING_COUNT; id++) {
        const cv_listing *l = cv_listing_get(id);
        assert_non_null(l);
        char path[512];
        snprintf(path, sizeof path, "%s/scenarios/listings/%s", CV_SOURCE_DIR, l->file);
        size_t len;
        char *text = slurp(path, &len);
        assert_int_equal(l->len, len);
        assert_memory_equal(l->text, text, len);
        assert_int_equal(l->text[l->len], '\0');
        free(text);
    }
    assert_null(cv_listing_get(CV_LISTING_COUNT));
    assert_null(cv_listing_get(-1));
}

/* Line `line` of listing id ends with the marker `name`. */
static void assert_marker(int id, int line, const char *name)
{
    size_t len;
    const char *p = cv_listing_line(id, line, &len);
    assert_non_null(p);
    char want[64];
    int w = snprintf(want, sizeof want, "# line: %s", name);
    assert_true(len >= (size_t)w);
    if (memcmp(p + len - (size_t)w, want, (size_t)w) != 0)
        fail_msg("%s:%d does not end with '%s': '%.*s'", cv_listing_get(id)->file, line, want,
                 (int)len, p);
}

static void test_every_mark_is_on_its_line(void **state)
{
    (void)state;
    assert_true(cv_listing_mark_count() > 0);
    for (int i = 0; i < cv_listing_mark_count(); i++) {
        const cv_listing_mark *m = cv_listing_mark_at(i);
        assert_marker(m->listing, m->line, m->name);
    }
    assert_null(cv_listing_mark_at(cv_listing_mark_count()));
}

/* The constants scenario code uses are the generated ones: a marker that
 * is gone would not compile here (nor in the scenario). */
static void test_constants_name_their_marked_lines(void **state)
{
    (void)state;
    assert_marker(CV_LISTING_LOITER, CV_LINE_LOITER_LOITER_SLEEP, "LOITER_SLEEP");
    assert_marker(CV_LISTING_LOITER, CV_LINE_LOITER_MAP, "MAP");
    assert_marker(CV_LISTING_LOITER, CV_LINE_LOITER_FOR_RESULT, "FOR_RESULT");
    assert_marker(CV_LISTING_SPINNER_THREAD, CV_LINE_SPINNER_THREAD_SPIN_WAIT, "SPIN_WAIT");
    assert_marker(CV_LISTING_SPINNER_THREAD, CV_LINE_SPINNER_THREAD_SUP_DONE, "SUP_DONE");
    assert_marker(CV_LISTING_SPINNER_ASYNC, CV_LINE_SPINNER_ASYNC_SUP_CANCEL, "SUP_CANCEL");
    assert_marker(CV_LISTING_SPINNER_PROC, CV_LINE_SPINNER_PROC_SLOW_SLEEP, "SLOW_SLEEP");
    assert_marker(CV_LISTING_PRIMES_SEQUENTIAL, CV_LINE_PRIMES_SEQUENTIAL_CALL_CHECK, "CALL_CHECK");
    assert_marker(CV_LISTING_PRIMES_THREADS, CV_LINE_PRIMES_THREADS_WORKER_GET, "WORKER_GET");
    assert_marker(CV_LISTING_PRIMES_PROCS, CV_LINE_PRIMES_PROCS_DIVIDE, "DIVIDE");
    assert_marker(CV_LISTING_PRIMES_POOL, CV_LINE_PRIMES_POOL_MAP, "MAP");
    /* The loiter body, in file order. */
    assert_true(CV_LINE_LOITER_LOITER_START < CV_LINE_LOITER_LOITER_SLEEP);
    assert_true(CV_LINE_LOITER_LOITER_SLEEP < CV_LINE_LOITER_LOITER_DONE);
}

static void test_each_scenario_and_mode_finds_its_file(void **state)
{
    (void)state;
    assert_int_equal(cv_listing_for("loiter", NULL), CV_LISTING_LOITER);
    assert_int_equal(cv_listing_for("spinner", "task"), CV_LISTING_SPINNER_ASYNC);
    assert_int_equal(cv_listing_for("spinner", "process"), CV_LISTING_SPINNER_PROC);
    assert_int_equal(cv_listing_for("spinner", "both"), CV_LISTING_SPINNER_THREAD);
    assert_int_equal(cv_listing_for("primes", NULL), CV_LISTING_PRIMES_THREADS);
    assert_int_equal(cv_listing_for("primes", "sequential"), CV_LISTING_PRIMES_SEQUENTIAL);
    assert_int_equal(cv_listing_for("primes", "procs"), CV_LISTING_PRIMES_PROCS);
    assert_int_equal(cv_listing_for("primes", "pool"), CV_LISTING_PRIMES_POOL);
    assert_int_equal(cv_listing_for("stress", NULL), -1);
    assert_int_equal(cv_listing_for(NULL, NULL), -1);
    assert_int_equal(cv_listing_find("nope"), -1);
}

static void test_lines_cut_at_newlines(void **state)
{
    (void)state;
    int id = CV_LISTING_LOITER;
    int n = cv_listing_lines(id);
    assert_true(n > 10);
    size_t len;
    const char *first = cv_listing_line(id, 1, &len);
    assert_non_null(first);
    assert_true(len > 0 && first[0] == '#');
    assert_null(memchr(first, '\n', len));
    assert_non_null(cv_listing_line(id, n, &len));
    assert_null(cv_listing_line(id, n + 1, &len));
    assert_null(cv_listing_line(id, 0, &len));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_embedded_text_is_the_file),
        cmocka_unit_test(test_every_mark_is_on_its_line),
        cmocka_unit_test(test_constants_name_their_marked_lines),
        cmocka_unit_test(test_each_scenario_and_mode_finds_its_file),
        cmocka_unit_test(test_lines_cut_at_newlines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
