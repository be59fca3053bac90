/*
 * Whole-or-nothing files (atomic_file.h), as the flags saves and the trace
 * use them: nothing under the target's name until commit; a new name and a
 * replaced one both hold exactly what was written; an abort, and a process
 * killed with SIGKILL before commit, leave the directory as it was (where
 * the file system has O_TMPFILE, which this machine's has); a hundred
 * threads saving over the same few names leave one whole file each and no
 * temporary ones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "atomic_file.h"

static char dir[64];

/* Entries in dir, "." and ".." aside; the first name into first. */
static int entries(char *first, size_t cap)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (n++ == 0 && first != NULL)
            snprintf(first, cap, "%s", e->d_name);
    }
    closedir(d);
    return n;
}

static void read_file(const char *path, char *buf, size_t cap)
{
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    size_t n = fread(buf, 1, cap - 1, fp);
    buf[n] = '\0';
    fclose(fp);
}

static void save(const char *path, const char *text)
{
    char err[256];
    cv_atomic_file af;
    assert_int_equal(cv_atomic_file_open(&af, path, err, sizeof err), 0);
    fputs(text, af.fp);
    if (cv_atomic_file_commit(&af, err, sizeof err) != 0)
        fail_msg("commit: %s", err);
}

static void test_new_then_replaced(void **state)
{
    (void)state;
    char path[128], buf[64];
    snprintf(path, sizeof path, "%s/a.gif", dir);
    char err[256];
    cv_atomic_file af;
    assert_int_equal(cv_atomic_file_open(&af, path, err, sizeof err), 0);
    fputs("first", af.fp);
    fflush(af.fp);
    /* Written but not committed: no file of that name. */
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(cv_atomic_file_commit(&af, err, sizeof err), 0);
    read_file(path, buf, sizeof buf);
    assert_string_equal(buf, "first");
    save(path, "second, longer");
    read_file(path, buf, sizeof buf);
    assert_string_equal(buf, "second, longer");
    char name[256];
    assert_int_equal(entries(name, sizeof name), 1);
    assert_string_equal(name, "a.gif");
    unlink(path);
}

static void test_abort_leaves_nothing(void **state)
{
    (void)state;
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/b.gif", dir);
    cv_atomic_file af;
    assert_int_equal(cv_atomic_file_open(&af, path, err, sizeof err), 0);
    fputs("never", af.fp);
    cv_atomic_file_abort(&af);
    assert_int_equal(entries(NULL, 0), 0);
}

static void test_sigkill_leaves_nothing(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/trace.jsonl", dir);
    int ready[2];
    assert_int_equal(pipe(ready), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char err[256];
        cv_atomic_file af;
        if (cv_atomic_file_open(&af, path, err, sizeof err) != 0)
            _exit(1);
        fputs("{\"seq\":0}\n", af.fp);
        fflush(af.fp);
        (void)!write(ready[1], "x", 1);
        pause(); /* killed here, mid-write */
        _exit(2);
    }
    close(ready[1]);
    char c;
    assert_int_equal(read(ready[0], &c, 1), 1);
    close(ready[0]);
    /* Open and written: on a file system without O_TMPFILE a temporary
     * name would show here; with it, nothing does.  (Counted before the
     * kill, asserted after it, so that a failure leaves no child behind.) */
    int while_open = entries(NULL, 0);
    kill(pid, SIGKILL);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_int_equal(while_open, 0);
    assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    char name[256] = "";
    if (entries(name, sizeof name) != 0)
        fail_msg("SIGKILL left %s behind", name);
}

/* ---- many threads, few names ---- */

#define THREADS 100
#define NAMES 5
#define ROUNDS 5

static void *saver(void *arg)
{
    long me = (long)arg;
    for (int r = 0; r < ROUNDS; r++) {
        char path[128], text[64];
        snprintf(path, sizeof path, "%s/%ld.gif", dir, (me + r) % NAMES);
        /* Long enough to need several writes' worth of stdio buffer. */
        snprintf(text, sizeof text, "saver %03ld round %d\n", me, r);
        char err[256];
        cv_atomic_file af;
        if (cv_atomic_file_open(&af, path, err, sizeof err) != 0)
            return (void *)1;
        for (int i = 0; i < 1000; i++)
            fputs(text, af.fp);
        if (cv_atomic_file_commit(&af, err, sizeof err) != 0)
            return (void *)1;
    }
    return NULL;
}

static void test_many_threads_over_few_names(void **state)
{
    (void)state;
    pthread_t t[THREADS];
    for (long i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, saver, (void *)i), 0);
    for (int i = 0; i < THREADS; i++) {
        void *rc;
        pthread_join(t[i], &rc);
        assert_null(rc);
    }
    assert_int_equal(entries(NULL, 0), NAMES);
    /* Each file is one saver's, whole: 1000 copies of one line. */
    for (int k = 0; k < NAMES; k++) {
        char path[128];
        snprintf(path, sizeof path, "%s/%d.gif", dir, k);
        FILE *fp = fopen(path, "r");
        assert_non_null(fp);
        char first[64], line[64];
        assert_non_null(fgets(first, sizeof first, fp));
        int lines = 1;
        while (fgets(line, sizeof line, fp) != NULL) {
            assert_string_equal(line, first);
            lines++;
        }
        fclose(fp);
        assert_int_equal(lines, 1000);
        unlink(path);
    }
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/cv_test_flags_files_XXXXXX");
    return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    return rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_then_replaced),
        cmocka_unit_test(test_abort_leaves_nothing),
        cmocka_unit_test(test_sigkill_leaves_nothing),
        cmocka_unit_test(test_many_threads_over_few_names),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
