/*
 * Tests for the flag table, the GIF encoder, the flag server and the
 * serve-flags command.  The server is driven the way the flags scenarios
 * will drive it: through libcurl over loopback, on a port the kernel picks.
 * The serve-flags test forks, so it runs first, while this process still
 * has a single thread.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include <curl/curl.h>
#include <errno.h>
#include <gif_lib.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "flagdata.h"
#include "flaggif.h"
#include "flagserver.h"
#include "serve_flags.h"

/* ---- helpers ---------------------------------------------------------- */

typedef struct body {
    unsigned char *data;
    size_t len;
    char type[64];
} body;

static size_t on_data(char *p, size_t size, size_t n, void *userdata)
{
    body *b = userdata;
    size_t add = size * n;
    unsigned char *d = realloc(b->data, b->len + add + 1);
    if (d == NULL)
        return 0;
    memcpy(d + b->len, p, add);
    b->data = d;
    b->len += add;
    b->data[b->len] = '\0';
    return add;
}

static void body_free(body *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

static CURL *new_easy(const char *url, body *b)
{
    CURL *e = curl_easy_init();
    assert_non_null(e);
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, b);
    return e;
}

/* One GET; returns the status, or -1 if the transfer failed. */
static long fetch(const char *url, body *b)
{
    CURL *e = new_easy(url, b);
    curl_easy_setopt(e, CURLOPT_PATH_AS_IS, 1L);
    long status = -1;
    if (curl_easy_perform(e) == CURLE_OK) {
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
        char *type = NULL;
        curl_easy_getinfo(e, CURLINFO_CONTENT_TYPE, &type);
        snprintf(b->type, sizeof b->type, "%s", type ? type : "");
    }
    curl_easy_cleanup(e);
    return status;
}

static long fetch_path(cv_flagserver *s, const char *path, body *b)
{
    char url[8192];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", cv_flagserver_port(s), path);
    return fetch(url, b);
}

static cv_flagserver *start(double dmin, double dmax, double error_rate, unsigned long long seed)
{
    cv_flagserver_config cfg = {.port = 0, .delay_min = dmin, .delay_max = dmax,
                                .error_rate = error_rate, .seed = seed};
    char err[256] = "";
    cv_flagserver *s = cv_flagserver_start(&cfg, err, sizeof err);
    if (s == NULL)
        fail_msg("cannot start the flag server: %s", err);
    return s;
}

static double now(void)
{
    return (double)cv_clock_mono_ns() / 1e9;
}

/* Decodes a GIF held in memory. */
typedef struct reader {
    const unsigned char *p;
    size_t len, pos;
} reader;

static int read_mem(GifFileType *gif, GifByteType *buf, int n)
{
    reader *r = gif->UserData;
    size_t left = r->len - r->pos;
    size_t take = (size_t)n < left ? (size_t)n : left;
    memcpy(buf, r->p + r->pos, take);
    r->pos += take;
    return (int)take;
}

static void assert_gif(const unsigned char *data, size_t len)
{
    assert_true(len > 6);
    assert_memory_equal(data, "GIF89a", 6);
    reader r = {data, len, 0};
    int err = 0;
    GifFileType *gif = DGifOpen(&r, read_mem, &err);
    assert_non_null(gif);
    assert_int_equal(DGifSlurp(gif), GIF_OK);
    assert_int_equal(gif->SWidth, CV_FLAG_GIF_WIDTH);
    assert_int_equal(gif->SHeight, CV_FLAG_GIF_HEIGHT);
    assert_int_equal(gif->ImageCount, 1);
    assert_int_equal(gif->SavedImages[0].ImageDesc.Width, CV_FLAG_GIF_WIDTH);
    assert_int_equal(DGifCloseFile(gif, &err), GIF_OK);
}

/* Reads one line from fd, waiting at most `seconds`; false on timeout or
 * end of file. */
static bool read_line(int fd, char *buf, size_t cap, double seconds)
{
    size_t n = 0;
    double deadline = now() + seconds;
    while (n + 1 < cap) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int wait_ms = (int)((deadline - now()) * 1000);
        if (wait_ms <= 0 || poll(&p, 1, wait_ms) <= 0)
            return false;
        char c;
        if (read(fd, &c, 1) != 1)
            return false;
        if (c == '\n')
            break;
        buf[n++] = c;
    }
    buf[n] = '\0';
    return true;
}

/* Runs cv_serve_flags_main with stderr captured into err. */
static int run_cli(int argc, char **argv, char *err, size_t cap)
{
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    fflush(stdout);
    fflush(stderr);
    int saved_err = dup(STDERR_FILENO), saved_out = dup(STDOUT_FILENO);
    dup2(fileno(tmp), STDERR_FILENO);
    dup2(fileno(tmp), STDOUT_FILENO);
    int rc = cv_serve_flags_main(argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(saved_err, STDERR_FILENO);
    dup2(saved_out, STDOUT_FILENO);
    close(saved_err);
    close(saved_out);
    rewind(tmp);
    size_t n = fread(err, 1, cap - 1, tmp);
    err[n] = '\0';
    fclose(tmp);
    return rc;
}

/* ---- serve-flags ------------------------------------------------------ */

static void test_serve_flags_runs_and_stops_on_signal(void **state)
{
    (void)state;
    int out[2];
    assert_int_equal(pipe(out), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(out[1], STDOUT_FILENO);
        close(out[0]);
        close(out[1]);
        char *argv[] = {"--port", "0", "--seed", "7", "--delay", "0.01:0.02", NULL};
        int rc = cv_serve_flags_main(6, argv);
        fflush(stdout);
        _exit(rc);
    }
    close(out[1]);
    char line[512];
    assert_true(read_line(out[0], line, sizeof line, 10));
    int port = 0;
    assert_int_equal(sscanf(line, "Serving flags on http://127.0.0.1:%d/flags (Ctrl-C to stop)", &port), 1);
    assert_true(strstr(line, "(Ctrl-C to stop)") != NULL);
    assert_true(port > 0);

    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/flags/fr/fr.gif", port);
    body b = {0};
    assert_int_equal(fetch(url, &b), 200);
    assert_gif(b.data, b.len);
    body_free(&b);
    assert_true(read_line(out[0], line, sizeof line, 10));
    assert_non_null(strstr(line, "GET /flags/fr/fr.gif 200 delay 0.0"));

    double t0 = now();
    kill(pid, SIGINT);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(now() - t0 < 2);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_true(read_line(out[0], line, sizeof line, 1));
    assert_non_null(strstr(line, "Stopped by SIGINT after 1 request: 1 ok, 0 not found, 0 teapots."));
    close(out[0]);
}

static void test_serve_flags_bad_input(void **state)
{
    (void)state;
    static const struct {
        int argc;
        char *argv[3];
        const char *message;
    } cases[] = {
        {1, {"--bogus"}, "concviz serve-flags: unknown option '--bogus'\n"},
        {2, {"--port", "70000"}, "concviz serve-flags: --port takes a whole number from 0 to 65535, not 70000\n"},
        {2, {"--error-rate", "2"}, "concviz serve-flags: --error-rate takes a number from 0 to 1, not 2\n"},
        {2, {"--error-rate", "lots"}, "concviz serve-flags: --error-rate takes a number from 0 to 1, not 'lots'\n"},
        {2, {"--delay", "5:1"}, "concviz serve-flags: --delay takes seconds as MIN or MIN:MAX with 0 <= MIN <= MAX <= 60, not '5:1'\n"},
        {2, {"--delay", "soon"}, "not 'soon'\n"},
        {2, {"--delay", "1:"}, "not '1:'\n"},
        {2, {"--delay", "-1"}, "not '-1'\n"},
        {2, {"--seed", "x"}, "concviz serve-flags: --seed takes a whole number"},
        {1, {"--port"}, "concviz serve-flags: --port needs a whole number from 0 to 65535\n"},
        {1, {"extra"}, "concviz serve-flags: unexpected argument 'extra'\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char err[512];
        char *argv[3] = {cases[i].argv[0], cases[i].argv[1], NULL};
        int rc = run_cli(cases[i].argc, argv, err, sizeof err);
        if (rc != 2 || strstr(err, cases[i].message) == NULL)
            fail_msg("case %zu: status %d, stderr '%s'", i, rc, err);
        /* One line, and nothing else. */
        assert_ptr_equal(strchr(err, '\n'), err + strlen(err) - 1);
    }
}

static void test_serve_flags_help(void **state)
{
    (void)state;
    char out[4096];
    char *argv[] = {"--help", NULL};
    assert_int_equal(run_cli(1, argv, out, sizeof out), 0);
    assert_non_null(strstr(out, "usage: concviz serve-flags"));
    assert_non_null(strstr(out, "--error-rate P"));
}

static void test_serve_flags_port_in_use(void **state)
{
    (void)state;
    cv_flagserver *s = start(0, 0, 0, 1);
    char port[16], err[512];
    snprintf(port, sizeof port, "%d", cv_flagserver_port(s));
    char *argv[] = {"--port", port, NULL};
    assert_int_equal(run_cli(2, argv, err, sizeof err), 1);
    assert_non_null(strstr(err, "concviz serve-flags: cannot listen on 127.0.0.1 port"));
    assert_non_null(strstr(err, "in use"));
    cv_flagserver_stop(s);
}

/* ---- the table and the GIFs ------------------------------------------- */

static void test_codes(void **state)
{
    (void)state;
    static const char expected[] =
        "A11 B17 C15 D5 E6 F4 G12 H4 I8 J3 K10 L11 M18 N9 O1 P9 Q1 R4 S18 T13 U5 V5 W1 Y1 Z3";
    assert_int_equal(cv_flag_count(), 194);
    int per_letter[26] = {0};
    for (size_t i = 0; i < cv_flag_count(); i++) {
        const cv_flag_info *f = cv_flag_at(i);
        assert_non_null(f);
        assert_true(f->cc[0] >= 'A' && f->cc[0] <= 'Z' && f->cc[1] >= 'A' && f->cc[1] <= 'Z');
        assert_non_null(f->name);
        if (i > 0)
            assert_true(strcmp(cv_flag_at(i - 1)->cc, f->cc) < 0);
        assert_ptr_equal(cv_flag_find(f->cc), f);
        assert_int_equal(cv_flag_index(f), i);
        per_letter[f->cc[0] - 'A']++;
    }
    assert_null(cv_flag_at(cv_flag_count()));
    char got[256] = "";
    for (int c = 0; c < 26; c++)
        if (per_letter[c] > 0) {
            size_t used = strlen(got);
            snprintf(got + used, sizeof got - used, "%s%c%d", used ? " " : "", 'A' + c, per_letter[c]);
        }
    assert_string_equal(got, expected);
    assert_string_equal(cv_flag_at(0)->cc, "AD");
    assert_string_equal(cv_flag_at(193)->cc, "ZW");
    /* The book's list: no Dominican Republic, but Taiwan and the Holy See. */
    assert_null(cv_flag_find("DO"));
    assert_non_null(cv_flag_find("TW"));
    assert_non_null(cv_flag_find("VA"));

    assert_string_equal(cv_flag_find("cn")->name, "China");
    assert_string_equal(cv_flag_find("Br")->cc, "BR");
    assert_null(cv_flag_find("xx"));
    assert_null(cv_flag_find("c"));
    assert_null(cv_flag_find("cnn"));
    assert_null(cv_flag_find(""));
    assert_null(cv_flag_find(NULL));
    for (int i = 0; i < 20; i++)
        assert_non_null(cv_flag_find(cv_pop20[i]));
    assert_string_equal(cv_pop20[0], "CN");
    assert_string_equal(cv_pop20[19], "FR");
    char tld[4];
    cv_flag_tld(cv_flag_find("GB"), tld);
    assert_string_equal(tld, ".uk");
    cv_flag_tld(cv_flag_find("CN"), tld);
    assert_string_equal(tld, ".cn");
}

static void test_every_gif_encodes(void **state)
{
    (void)state;
    size_t smallest = SIZE_MAX, largest = 0;
    for (size_t i = 0; i < cv_flag_count(); i++) {
        unsigned char *gif = NULL;
        size_t len = 0;
        assert_int_equal(cv_flag_gif(cv_flag_at(i), &gif, &len), 0);
        assert_gif(gif, len);
        smallest = len < smallest ? len : smallest;
        largest = len > largest ? len : largest;
        free(gif);
    }
    assert_true(largest < 8192);
    print_message("GIF sizes: %zu to %zu bytes\n", smallest, largest);
}

static void test_draw_uses_the_table(void **state)
{
    (void)state;
    enum { W = 30, H = 20 };
    unsigned char pix[W * H];
    /* France: blue, white, red from the hoist. */
    assert_int_equal(cv_flag_draw(cv_flag_find("FR"), pix, W, H), 0);
    assert_int_equal(pix[10 * W + 1], CV_BLUE);
    assert_int_equal(pix[10 * W + 15], CV_WHITE);
    assert_int_equal(pix[10 * W + 28], CV_RED);
    /* Japan: white with a red disc in the middle. */
    assert_int_equal(cv_flag_draw(cv_flag_find("JP"), pix, W, H), 0);
    assert_int_equal(pix[0], CV_WHITE);
    assert_int_equal(pix[10 * W + 15], CV_RED);
    assert_int_equal(cv_flag_draw(NULL, pix, W, H), CV_EINVAL);
}

/* ---- the server ------------------------------------------------------- */

static void test_gif_response(void **state)
{
    (void)state;
    cv_flagserver *s = start(0, 0, 0, 1);
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/flags", cv_flagserver_port(s));
    assert_string_equal(cv_flagserver_url(s), url);

    body a = {0}, b = {0}, c = {0};
    assert_int_equal(fetch_path(s, "/flags/cn/cn.gif", &a), 200);
    assert_string_equal(a.type, "image/gif");
    assert_gif(a.data, a.len);
    assert_int_equal(fetch_path(s, "/flags/cn/cn.gif", &b), 200);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    assert_int_equal(fetch_path(s, "/flags/CN/CN.GIF", &c), 200);
    assert_int_equal(a.len, c.len);
    assert_memory_equal(a.data, c.data, a.len);

    /* The server's bytes are the encoder's bytes. */
    unsigned char *gif;
    size_t len;
    assert_int_equal(cv_flag_gif(cv_flag_find("CN"), &gif, &len), 0);
    assert_int_equal(len, a.len);
    assert_memory_equal(gif, a.data, len);
    free(gif);
    body_free(&a);
    body_free(&b);
    body_free(&c);

    /* HEAD: the same headers, no body. */
    CURL *e = new_easy(cv_flagserver_url(s), &a);
    char url_gif[160];
    snprintf(url_gif, sizeof url_gif, "%s/cn/cn.gif", cv_flagserver_url(s));
    curl_easy_setopt(e, CURLOPT_URL, url_gif);
    curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    assert_int_equal(curl_easy_perform(e), CURLE_OK);
    long status = 0;
    curl_off_t length = -1;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(e, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
    assert_int_equal(status, 200);
    assert_int_equal(length, (curl_off_t)len);
    assert_int_equal(a.len, 0);
    curl_easy_cleanup(e);

    struct cv_flagserver_stats st;
    cv_flagserver_stats(s, &st);
    assert_int_equal(st.requests, 4);
    assert_int_equal(st.ok, 4);
    cv_flagserver_stop(s);
}

static void test_every_flag_is_served(void **state)
{
    (void)state;
    cv_flagserver *s = start(0, 0, 0, 1);
    body b = {0};
    CURL *e = new_easy("", &b);
    for (size_t i = 0; i < cv_flag_count(); i++) {
        const char *cc = cv_flag_at(i)->cc;
        char url[160];
        snprintf(url, sizeof url, "%s/%c%c/%c%c.gif", cv_flagserver_url(s), cc[0] + 32, cc[1] + 32,
                 cc[0] + 32, cc[1] + 32);
        curl_easy_setopt(e, CURLOPT_URL, url);
        b.len = 0;
        assert_int_equal(curl_easy_perform(e), CURLE_OK);
        long status = 0;
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
        assert_int_equal(status, 200);
        assert_memory_equal(b.data, "GIF89a", 6);
    }
    curl_easy_cleanup(e);
    body_free(&b);
    struct cv_flagserver_stats st;
    cv_flagserver_stats(s, &st);
    assert_int_equal(st.ok, 194);
    cv_flagserver_stop(s);
}

static void test_metadata(void **state)
{
    (void)state;
    cv_flagserver *s = start(0, 0, 0, 1);
    body b = {0};
    assert_int_equal(fetch_path(s, "/flags/br/metadata.json", &b), 200);
    assert_string_equal(b.type, "application/json");
    assert_non_null(strstr((char *)b.data, "\"country\": \"Brazil\""));
    assert_non_null(strstr((char *)b.data, "\"iso_cc\": \"BR\""));
    assert_non_null(strstr((char *)b.data, "\"tld_cc\": \".br\""));
    assert_int_equal(b.data[0], '{');
    body_free(&b);
    assert_int_equal(fetch_path(s, "/flags/CI/metadata.json", &b), 200);
    assert_string_equal((char *)b.data,
                        "{\"country\": \"Cote d'Ivoire\", \"iso_cc\": \"CI\", \"tld_cc\": \".ci\"}\n");
    body_free(&b);
    assert_int_equal(fetch_path(s, "/flags/gb/metadata.json", &b), 200);
    assert_non_null(strstr((char *)b.data, "\"tld_cc\": \".uk\""));
    body_free(&b);
    cv_flagserver_stop(s);
}

static void test_not_found_and_odd_paths(void **state)
{
    (void)state;
    cv_flagserver *s = start(0, 0, 0, 1);
    static const char *const paths[] = {
        "/flags/xx/xx.gif", "/flags/do/do.gif", "/", "/flags", "/flags/", "/flags/cn",
        "/flags/cn/", "/flags/cn/us.gif", "/flags/cn/cn.png", "/flags/cn/cn.gif/",
        "/flags/cn/cn.gif/x", "/flags/cnn/cnn.gif", "/flags/c/c.gif", "/flags/cn/cn.gifx",
        "/flags/cn/metadata.jsonx", "/flags/../flags/cn/cn.gif", "/flags/cn/../cn/cn.gif",
        "/../../etc/passwd", "/flags/%2e%2e/cn.gif", "/flags/c%00/cn.gif", "/flags/cn/cn%00.gif",
        "/FLAGS/cn/cn.gif", "/flags//cn/cn.gif", "/flags/cn//cn.gif", "/flags/cn/cn.gif?x=1#y",
    };
    size_t n = sizeof paths / sizeof paths[0];
    unsigned long long answered_404 = 0;
    for (size_t i = 0; i < n; i++) {
        body b = {0};
        long status = fetch_path(s, paths[i], &b);
        body_free(&b);
        /* A query string is not part of the path, so that one is found. */
        long want = strchr(paths[i], '?') ? 200 : 404;
        if (status != want)
            fail_msg("%s: status %ld, expected %ld", paths[i], status, want);
        answered_404 += status == 404;
    }

    /* A very long path: refused (404, or 414 from libmicrohttpd), never a
     * crash; the server still answers afterwards. */
    char *path = malloc(20000);
    assert_non_null(path);
    strcpy(path, "/flags/");
    memset(path + 7, 'a', 19000);
    path[19007] = '\0';
    body b = {0};
    long status = fetch_path(s, path, &b);
    body_free(&b);
    free(path);
    assert_true(status == 404 || status == 414 || status == 431);
    answered_404 += status == 404;

    /* Only GET and HEAD. */
    CURL *e = new_easy(cv_flagserver_url(s), &b);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, "x=1");
    assert_int_equal(curl_easy_perform(e), CURLE_OK);
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    assert_int_equal(status, 405);
    curl_easy_cleanup(e);
    body_free(&b);

    assert_int_equal(fetch_path(s, "/flags/cn/cn.gif", &b), 200);
    body_free(&b);
    struct cv_flagserver_stats st;
    cv_flagserver_stats(s, &st);
    assert_int_equal(st.not_found, answered_404);
    assert_int_equal(st.other, 1);
    assert_int_equal(st.ok, 2);
    cv_flagserver_stop(s);
}

/* Runs n GETs of url at once with curl multi; fills status[] and
 * seconds[] and returns the wall time. */
static double fetch_parallel(const char *url, int n, long *status, double *seconds)
{
    CURLM *m = curl_multi_init();
    CURL *easy[32];
    body bodies[32];
    assert_true(n <= 32);
    double t0 = now();
    for (int i = 0; i < n; i++) {
        memset(&bodies[i], 0, sizeof bodies[i]);
        easy[i] = new_easy(url, &bodies[i]);
        curl_multi_add_handle(m, easy[i]);
    }
    int running = n;
    while (running > 0) {
        curl_multi_perform(m, &running);
        if (running > 0)
            curl_multi_poll(m, NULL, 0, 100, NULL);
    }
    double wall = now() - t0;
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(m, &left)) != NULL)
        assert_int_equal(msg->data.result, CURLE_OK);
    for (int i = 0; i < n; i++) {
        curl_easy_getinfo(easy[i], CURLINFO_RESPONSE_CODE, &status[i]);
        curl_easy_getinfo(easy[i], CURLINFO_TOTAL_TIME, &seconds[i]);
        curl_multi_remove_handle(m, easy[i]);
        curl_easy_cleanup(easy[i]);
        body_free(&bodies[i]);
    }
    curl_multi_cleanup(m);
    return wall;
}

static void test_delay_does_not_block_other_connections(void **state)
{
    (void)state;
    cv_flagserver *s = start(0.2, 0.2, 0, 1);
    char url[160];
    snprintf(url, sizeof url, "%s/br/br.gif", cv_flagserver_url(s));
    long status[10];
    double seconds[10];
    double wall = fetch_parallel(url, 10, status, seconds);
    for (int i = 0; i < 10; i++) {
        assert_int_equal(status[i], 200);
        if (seconds[i] < 0.195)
            fail_msg("request %d took %.3f s, less than the 0.2 s delay", i, seconds[i]);
    }
    print_message("10 parallel requests with a 0.2 s delay: %.3f s\n", wall);
    if (wall >= 1.2)
        fail_msg("10 parallel requests took %.3f s: the delays ran one after another", wall);
    cv_flagserver_stop(s);
}

/* 200 GETs in a row on one connection; returns how many were 418s. */
static int count_teapots(cv_flagserver *s, int n, int *ok)
{
    body b = {0};
    char url[160];
    snprintf(url, sizeof url, "%s/jp/jp.gif", cv_flagserver_url(s));
    CURL *e = new_easy(url, &b);
    int teapots = 0;
    *ok = 0;
    for (int i = 0; i < n; i++) {
        b.len = 0;
        assert_int_equal(curl_easy_perform(e), CURLE_OK);
        long status = 0;
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
        if (status == 418)
            teapots++;
        else if (status == 200)
            (*ok)++;
        else
            fail_msg("status %ld", status);
    }
    curl_easy_cleanup(e);
    body_free(&b);
    return teapots;
}

static void test_error_rate_is_seeded(void **state)
{
    (void)state;
    int counts[2];
    for (int run = 0; run < 2; run++) {
        cv_flagserver *s = start(0, 0, 0.25, 42);
        int ok;
        counts[run] = count_teapots(s, 200, &ok);
        struct cv_flagserver_stats st;
        cv_flagserver_stats(s, &st);
        assert_int_equal(st.teapots, (unsigned long long)counts[run]);
        assert_int_equal(st.ok, (unsigned long long)ok);
        assert_int_equal(st.requests, 200);
        assert_int_equal(ok + counts[run], 200);
        cv_flagserver_stop(s);
    }
    print_message("418s with error rate 0.25, seed 42: %d of 200\n", counts[0]);
    assert_int_equal(counts[0], counts[1]);
    assert_in_range(counts[0], 25, 75);

    cv_flagserver *none = start(0, 0, 0, 42), *all = start(0, 0, 1, 42);
    int ok;
    assert_int_equal(count_teapots(none, 20, &ok), 0);
    assert_int_equal(count_teapots(all, 20, &ok), 20);
    cv_flagserver_stop(none);
    cv_flagserver_stop(all);
}

static void test_stop_is_quick_while_requests_sleep(void **state)
{
    (void)state;
    cv_flagserver *s = start(5, 5, 0, 1);
    char url[160];
    snprintf(url, sizeof url, "%s/in/in.gif", cv_flagserver_url(s));
    CURLM *m = curl_multi_init();
    CURL *easy[5];
    body bodies[5];
    for (int i = 0; i < 5; i++) {
        memset(&bodies[i], 0, sizeof bodies[i]);
        easy[i] = new_easy(url, &bodies[i]);
        curl_multi_add_handle(m, easy[i]);
    }
    /* Drive the transfers until the server holds all five. */
    struct cv_flagserver_stats st = {0};
    double deadline = now() + 3;
    int running = 5;
    while (st.requests < 5 && now() < deadline) {
        curl_multi_perform(m, &running);
        curl_multi_poll(m, NULL, 0, 10, NULL);
        cv_flagserver_stats(s, &st);
    }
    assert_int_equal(st.requests, 5);

    double t0 = now();
    cv_flagserver_stop(s);
    double took = now() - t0;
    print_message("stop() with 5 requests in a 5 s delay: %.3f s\n", took);
    if (took >= 1)
        fail_msg("stop() took %.3f s", took);

    /* The clients see their connections close. */
    deadline = now() + 3;
    while (running > 0 && now() < deadline) {
        curl_multi_perform(m, &running);
        if (running > 0)
            curl_multi_poll(m, NULL, 0, 10, NULL);
    }
    assert_int_equal(running, 0);
    for (int i = 0; i < 5; i++) {
        curl_multi_remove_handle(m, easy[i]);
        curl_easy_cleanup(easy[i]);
        body_free(&bodies[i]);
    }
    curl_multi_cleanup(m);
}

static void test_stop_is_quick_with_idle_connections(void **state)
{
    (void)state;
    cv_flagserver *s = start(0, 0, 0, 1);
    body b = {0};
    char url[160];
    snprintf(url, sizeof url, "%s/de/de.gif", cv_flagserver_url(s));
    /* Two handles that keep their connections open after a request. */
    CURL *e1 = new_easy(url, &b), *e2 = new_easy(url, &b);
    assert_int_equal(curl_easy_perform(e1), CURLE_OK);
    assert_int_equal(curl_easy_perform(e2), CURLE_OK);
    double t0 = now();
    cv_flagserver_stop(s);
    double took = now() - t0;
    print_message("stop() with 2 idle keep-alive connections: %.3f s\n", took);
    assert_true(took < 1);
    curl_easy_cleanup(e1);
    curl_easy_cleanup(e2);
    body_free(&b);
}

/* ---- the guards: a header deadline and connection limits ---- */

static cv_flagserver *start_guarded(double delay, double header_timeout, unsigned per_client,
                                    unsigned total)
{
    cv_flagserver_config cfg = {.delay_min = delay, .delay_max = delay, .seed = 1,
                                .header_timeout = header_timeout,
                                .per_client_limit = per_client, .connection_limit = total};
    char err[256] = "";
    cv_flagserver *s = cv_flagserver_start(&cfg, err, sizeof err);
    if (s == NULL)
        fail_msg("cannot start the flag server: %s", err);
    return s;
}

/* A plain TCP connection to the server. */
static int connect_raw(cv_flagserver *s)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)cv_flagserver_port(s)),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    return fd;
}

/* True once the server has closed fd (end of file or an error), looking
 * for at most `seconds` while sending one header byte every 0.1 s. */
static bool closed_while_trickling(int fd, double seconds)
{
    double deadline = now() + seconds;
    while (now() < deadline) {
        if (send(fd, "x", 1, MSG_NOSIGNAL) != 1)
            return true;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 100) > 0) {
            char c;
            if (recv(fd, &c, 1, 0) <= 0)
                return true;
        }
    }
    return false;
}

static void test_header_deadline_drops_a_slow_client(void **state)
{
    (void)state;
    /* The answer's own delay (0.4 s) is longer than the header deadline
     * (0.2 s): the deadline covers the headers only. */
    cv_flagserver *s = start_guarded(0.4, 0.2, 0, 0);
    int fd = connect_raw(s);
    const char *part = "GET /flags/de/de.gif HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    assert_int_equal(send(fd, part, strlen(part), MSG_NOSIGNAL), (ssize_t)strlen(part));
    /* Without the deadline, one byte every 0.1 s keeps it open for ever. */
    assert_true(closed_while_trickling(fd, 10));
    close(fd);
    struct cv_flagserver_stats st;
    cv_flagserver_stats(s, &st);
    assert_int_equal(st.too_slow, 1);
    assert_int_equal(st.requests, 0);
    /* A client that sends its headers is served, delay and all. */
    body b = {0};
    assert_int_equal(fetch_path(s, "/flags/de/de.gif", &b), 200);
    assert_gif(b.data, b.len);
    body_free(&b);
    cv_flagserver_stats(s, &st);
    assert_int_equal(st.too_slow, 1);
    cv_flagserver_stop(s);
}

static void test_per_client_limit_answers_503(void **state)
{
    (void)state;
    cv_flagserver *s = start_guarded(0, 0, 2, 0);
    int held[2] = {connect_raw(s), connect_raw(s)};
    /* The server counts a connection once its thread has it: wait until
     * both are served once, on their own connections. */
    const char *req = "GET /flags/de/metadata.json HTTP/1.1\r\nHost: x\r\n\r\n";
    char line[256];
    for (int i = 0; i < 2; i++) {
        assert_int_equal(send(held[i], req, strlen(req), MSG_NOSIGNAL), (ssize_t)strlen(req));
        assert_true(read_line(held[i], line, sizeof line, 10));
        assert_string_equal(line, "HTTP/1.1 200 OK\r");
    }
    /* A third connection from the same address is one too many. */
    int third = connect_raw(s);
    assert_int_equal(send(third, req, strlen(req), MSG_NOSIGNAL), (ssize_t)strlen(req));
    assert_true(read_line(third, line, sizeof line, 10));
    assert_string_equal(line, "HTTP/1.1 503 Service Unavailable\r");
    close(third);
    struct cv_flagserver_stats st;
    cv_flagserver_stats(s, &st);
    assert_int_equal(st.busy, 1);
    assert_int_equal(st.ok, 2);
    /* Once one of the two leaves, a newcomer is served again (the server
     * notices the close on its own time, so try a few times). */
    close(held[0]);
    body b = {0};
    long status = 0;
    for (int i = 0; i < 100 && status != 200; i++) {
        body_free(&b);
        status = fetch_path(s, "/flags/de/metadata.json", &b);
        if (status != 200)
            usleep(50000);
    }
    assert_int_equal(status, 200);
    body_free(&b);
    close(held[1]);
    cv_flagserver_stop(s);
}

static void test_connection_limit_answers_503(void **state)
{
    (void)state;
    cv_flagserver *s = start_guarded(0, 0, 0, 1);
    int held = connect_raw(s);
    const char *req = "GET /flags/de/metadata.json HTTP/1.1\r\nHost: x\r\n\r\n";
    char line[256];
    assert_int_equal(send(held, req, strlen(req), MSG_NOSIGNAL), (ssize_t)strlen(req));
    assert_true(read_line(held, line, sizeof line, 10));
    assert_string_equal(line, "HTTP/1.1 200 OK\r");
    body b = {0};
    assert_int_equal(fetch_path(s, "/flags/de/metadata.json", &b), 503);
    body_free(&b);
    close(held);
    cv_flagserver_stop(s);
}

static void on_request(void *ctx, const cv_flagserver_request *r)
{
    int *seen = ctx;
    if (r->status == 404 && strcmp(r->path, "/nope") == 0 && strcmp(r->method, "GET") == 0)
        (*seen)++;
}

static void test_log_and_hook(void **state)
{
    (void)state;
    FILE *log = tmpfile();
    assert_non_null(log);
    int seen = 0;
    cv_flagserver_config cfg = {.log_requests = true, .log_file = log, .on_request = on_request,
                                .on_request_ctx = &seen};
    char err[256];
    cv_flagserver *s = cv_flagserver_start(&cfg, err, sizeof err);
    assert_non_null(s);
    body b = {0};
    assert_int_equal(fetch_path(s, "/nope", &b), 404);
    body_free(&b);
    assert_int_equal(fetch_path(s, "/flags/a%01b", &b), 404);
    body_free(&b);
    cv_flagserver_stop(s);
    assert_int_equal(seen, 1);
    rewind(log);
    char line[256];
    assert_non_null(fgets(line, sizeof line, log));
    assert_non_null(strstr(line, " GET /nope 404 delay 0.000s\n"));
    assert_non_null(fgets(line, sizeof line, log));
    assert_non_null(strstr(line, " GET /flags/a?b 404 "));
    fclose(log);
}

static void test_bad_config(void **state)
{
    (void)state;
    char err[256];
    cv_flagserver_config bad_rate = {.error_rate = 1.5};
    assert_null(cv_flagserver_start(&bad_rate, err, sizeof err));
    assert_non_null(strstr(err, "error rate"));
    cv_flagserver_config bad_delay = {.delay_min = 2, .delay_max = 1};
    assert_null(cv_flagserver_start(&bad_delay, err, sizeof err));
    assert_non_null(strstr(err, "delay"));
    cv_flagserver_config bad_addr = {.bind = "999.1.2.3"};
    assert_null(cv_flagserver_start(&bad_addr, err, sizeof err));
    assert_non_null(strstr(err, "999.1.2.3"));
    cv_flagserver_stop(NULL);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        /* First: it forks, and wants no other threads around. */
        cmocka_unit_test(test_serve_flags_runs_and_stops_on_signal),
        cmocka_unit_test(test_serve_flags_bad_input),
        cmocka_unit_test(test_serve_flags_help),
        cmocka_unit_test(test_codes),
        cmocka_unit_test(test_every_gif_encodes),
        cmocka_unit_test(test_draw_uses_the_table),
        cmocka_unit_test(test_gif_response),
        cmocka_unit_test(test_every_flag_is_served),
        cmocka_unit_test(test_metadata),
        cmocka_unit_test(test_not_found_and_odd_paths),
        cmocka_unit_test(test_delay_does_not_block_other_connections),
        cmocka_unit_test(test_error_rate_is_seeded),
        cmocka_unit_test(test_stop_is_quick_while_requests_sleep),
        cmocka_unit_test(test_stop_is_quick_with_idle_connections),
        cmocka_unit_test(test_log_and_hook),
        cmocka_unit_test(test_bad_config),
        cmocka_unit_test(test_header_deadline_drops_a_slow_client),
        cmocka_unit_test(test_per_client_limit_answers_503),
        cmocka_unit_test(test_connection_limit_answers_503),
        cmocka_unit_test(test_serve_flags_port_in_use),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return failed;
}
