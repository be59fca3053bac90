/*
 * The command line: the edge where errors become words and exit statuses.
 * Everything inside returns codes; here a bad input becomes one line on
 * stderr and status 2, before any thread starts or any file is created.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "atomic_file.h"
#include "cli.h"
#include "error.h"
#include "export_perfetto.h"
#include "headless.h"
#include "log.h"
#include "opts.h"
#include "run.h"
#include "run_program.h"
#include "scenarios.h"
#include "serve_flags.h"
#include "trace.h"
#include "trace_marks.h"
#ifdef CV_HAVE_UI
#include "export_cast.h"
#include "snapshot.h"
#include "theme.h"
#include "ui.h"
#endif

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    interrupted = sig;
}

static void list_scenarios(void)
{
    for (size_t i = 0; cv_scenarios[i] != NULL; i++)
        printf("%-10s %s\n", cv_scenarios[i]->name, cv_scenarios[i]->summary);
}

static void scenario_help(const cv_scenario *sc)
{
    printf("usage: concviz %s [options]%s%s\n%s\n\n", sc->name,
           sc->positional_usage ? " " : "", sc->positional_usage ? sc->positional_usage : "",
           sc->summary);
    if (sc->options != NULL && sc->options[0].name != NULL) {
        printf("%s options:\n", sc->name);
        cv_opts_print_help(sc->options, stdout);
        printf("\n");
    }
    printf("common options:\n");
    cv_opts_print_help(cv_cli_common_options, stdout);
}

/* Colours unless --no-color or NO_COLOR: by no-color.org an empty NO_COLOR
 * does not count as set. */
static bool want_color(const cv_opts *opts)
{
    const char *env = getenv("NO_COLOR");
    return !cv_opts_flag(opts, "no-color") && (env == NULL || env[0] == '\0');
}

#ifdef CV_HAVE_UI
/* --theme, already one of the choices the parser accepts. */
static int theme_of(const cv_opts *opts)
{
    int t = cv_theme__parse(cv_opts_str(opts, "theme"));
    return t < 0 ? CV_THEME_DARK : t;
}
#endif

static int usage_error(const char *who, const char *msg, const char *hint)
{
    fprintf(stderr, "concviz%s%s: %s%s%s\n", who ? " " : "", who ? who : "", msg,
            hint ? " " : "", hint ? hint : "");
    return CV_EXIT_USAGE;
}

static int parse_size(const char *s, int *cols, int *rows)
{
    char tail;
    if (sscanf(s, "%dx%d%c", cols, rows, &tail) != 2)
        return -1;
    return *cols >= 20 && *cols <= 1000 && *rows >= 5 && *rows <= 500 ? 0 : -1;
}

/* --screenshot FILE --at SECONDS [--size COLSxROWS], checked before anything
 * runs: a scenario's and a replay's alike. */
struct shot {
    const char *path; /* NULL: no screenshot */
    double at;
    int cols, rows;
};

static int check_screenshot(const cv_opts *opts, struct shot *shot, const char *who,
                            const char *hint)
{
    *shot = (struct shot){.path = cv_opts_str(opts, "screenshot"), .at = cv_opts_num(opts, "at")};
    if (shot->path == NULL) {
        if (cv_opts_given(opts, "at") || cv_opts_given(opts, "size"))
            return usage_error(who, "--at and --size go with --screenshot FILE", hint);
        return 0;
    }
#ifndef CV_HAVE_UI
    return usage_error(who, "--screenshot needs the UI, which this build lacks", NULL);
#endif
    const char *dot = strrchr(shot->path, '.');
    if (dot == NULL || (strcasecmp(dot, ".txt") != 0 && strcasecmp(dot, ".svg") != 0))
        return usage_error(who, "--screenshot FILE must end in .txt or .svg", hint);
    if (!cv_opts_given(opts, "at"))
        return usage_error(who, "--screenshot needs --at SECONDS", hint);
    if (parse_size(cv_opts_str(opts, "size"), &shot->cols, &shot->rows) != 0)
        return usage_error(who, "--size takes COLSxROWS from 20x5 to 1000x500, such as 120x40", hint);
    /* Find out now, not after the run, that the file cannot be written. */
    char err[256];
    cv_atomic_file probe;
    if (cv_atomic_file_open(&probe, shot->path, err, sizeof err) != 0)
        return usage_error(who, err, NULL);
    cv_atomic_file_abort(&probe);
    return 0;
}

/* --marks FILE, read before anything runs: a bad file is refused with
 * its line number, and a missing one is a new sidecar. */
static int load_marks(const cv_opts *opts, cv_marks *marks, const char *who)
{
    const char *path = cv_opts_str(opts, "marks");
    char err[320];
    if (path != NULL && cv_marks_load(marks, path, err, sizeof err) != 0)
        return usage_error(who, err, NULL);
    return 0;
}

/* The events read before the UI opens on a long trace: a few
 * milliseconds of reading, and a whole short trace, so that a trace refused
 * early never reaches the screen. */
#define FIRST_BATCH 65536

static int replay_main(int argc, char **argv)
{
    const cv_opt_spec *const tables[] = {cv_cli_replay_options, NULL};
    cv_opts opts;
    char err[256];
    if (cv_opts_parse(&opts, tables, argc, argv, 1, err, sizeof err) != 0)
        return usage_error("replay", err, "(usage: concviz replay FILE)");
    if (cv_opts_flag(&opts, "help")) {
        printf("usage: concviz replay FILE [--ascii] [--no-color]\n"
               "       concviz replay FILE --screenshot OUT --at SECONDS [--size COLSxROWS] [--ascii]\n");
        return 0;
    }
    if (opts.npos != 1)
        return usage_error("replay", "needs the trace FILE to open", "(usage: concviz replay FILE)");
    struct shot shot;
    if (check_screenshot(&opts, &shot, "replay", "(see: concviz replay --help)") != 0)
        return CV_EXIT_USAGE;
    static cv_marks marks;
    if (load_marks(&opts, &marks, "replay") != 0)
        return CV_EXIT_USAGE;
    cv_log *log = cv_log_create();
    bool interactive = false;
#ifdef CV_HAVE_UI
    interactive = shot.path == NULL && isatty(STDOUT_FILENO);
#endif
    /* The UI opens after the first batch and the rest is read behind it;
     * a screenshot or the printer needs the whole trace first. */
    cv_trace_reader *reader = log ? cv_trace_reader_open(opts.pos[0], err, sizeof err) : NULL;
    int got = reader == NULL ? CV_TRACE_ERROR
                             : cv_trace_reader_next(reader, log, interactive ? FIRST_BATCH : 0,
                                                    err, sizeof err);
    if (got == CV_TRACE_ERROR) {
        fprintf(stderr, "concviz replay: %s: %s\n", opts.pos[0], log ? err : "out of memory");
        cv_trace_reader_close(reader);
        cv_log_destroy(log);
        return CV_EXIT_USAGE;
    }
    if (got == CV_TRACE_TRUNCATED)
        fprintf(stderr, "concviz replay: warning: %s: %s\n", opts.pos[0], err);
    cv_trace_loader *loader = NULL;
    if (got == CV_TRACE_MORE && (loader = cv_trace_loader_start(reader, log)) == NULL) {
        /* No thread for it: read the rest now. */
        got = cv_trace_reader_next(reader, log, 0, err, sizeof err);
        if (got == CV_TRACE_ERROR || got == CV_TRACE_TRUNCATED)
            fprintf(stderr, "concviz replay: %s%s: %s\n",
                    got == CV_TRACE_ERROR ? "" : "warning: ", opts.pos[0], err);
        if (got == CV_TRACE_ERROR) {
            cv_trace_reader_close(reader);
            cv_log_destroy(log);
            return CV_EXIT_USAGE;
        }
    }
    if (loader == NULL) {
        /* The trace's bookmarks join the sidecar's (which win on the same
         * event).  A trace still loading behind the screen has its
         * bookmarks at the end, so they come too late to open at. */
        const cv_marks *inside = cv_trace_reader_marks(reader);
        for (size_t i = 0; i < inside->n; i++)
            if (cv_marks_find(&marks, inside->at[i].event) < 0)
                cv_marks_add(&marks, inside->at[i].event, inside->at[i].demo_s, inside->at[i].text);
        cv_trace_reader_close(reader);
        cv_log_close(log);
    }
    int status = 0;
#ifdef CV_HAVE_UI
    if (shot.path != NULL) {
        /* A trace renders the same screen at every run: golden screenshots
         * (screenshots/make.sh) are made this way. */
        if (cv_ui_screenshot_themed(log, shot.at, shot.cols, shot.rows, cv_opts_flag(&opts, "ascii"),
                                    theme_of(&opts), want_color(&opts), cv_opts_flag(&opts, "present"),
                                    cv_opts_flag(&opts, "source") || cv_opts_flag(&opts, "present"),
                                    shot.path, err, sizeof err) != 0) {
            fprintf(stderr, "concviz replay: %s\n", err);
            status = 1;
        }
        cv_log_destroy(log);
        return status;
    }
    if (isatty(STDOUT_FILENO)) {
        cv_ui_config cfg = {.replay = log, .replay_path = opts.pos[0], .paused = true,
                            .no_intro = cv_opts_flag(&opts, "no-intro"),
                            .marks_path = cv_opts_str(&opts, "marks"), .marks = &marks,
                            .ascii = cv_opts_flag(&opts, "ascii"), .source = cv_opts_flag(&opts, "source"),
                            .color = want_color(&opts), .theme = theme_of(&opts),
                            .present = cv_opts_flag(&opts, "present"),
                            .speed = cv_log_meta_get(log)->speed};
        cfg.replay_loader = loader;
        status = cv_ui_main(&cfg);
        if (loader != NULL) {
            /* A refusal found behind the screen is still a refusal. */
            int ended = cv_trace_loader_finish(loader, 0.5, err, sizeof err);
            if (ended == CV_TRACE_MORE)
                return status; /* still reading: the loader holds the log */
            if (ended == CV_TRACE_ERROR || ended == CV_TRACE_TRUNCATED)
                fprintf(stderr, "concviz replay: %s%s: %s\n",
                        ended == CV_TRACE_ERROR ? "" : "warning: ", opts.pos[0], err);
            if (ended == CV_TRACE_ERROR && status == 0)
                status = CV_EXIT_USAGE;
        }
        cv_log_destroy(log);
        return status;
    }
#endif
    /* Not a terminal: print what headless mode printed. */
    cv_headless_print_log(log, stdout);
    cv_log_destroy(log);
    return status;
}

static void install_signals(void)
{
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    /* A reader that went away (`concviz ... | head -1`) is a stop like the
     * others, so that the trace is still committed; the write that raised
     * it fails with EPIPE instead of ending the process with status 141. */
    sigaction(SIGPIPE, &sa, NULL);
}

/* Runs without the UI: console lines to stdout (or nowhere for a
 * screenshot), events to the trace. */
static int run_headless(const cv_scenario *sc, const cv_opts *opts, double speed,
                        const char *args, cv_trace_file *trace, const char *shot,
                        double at, int cols, int rows)
{
    install_signals();
    cv_run *run = cv_run_start(sc, opts, speed, args);
    if (run == NULL) {
        fprintf(stderr, "concviz %s: cannot start the run (out of memory or threads)\n", sc->name);
        if (trace->fp)
            cv_trace_file_abort(trace);
        return 1;
    }
    FILE *sink = stdout;
    FILE *devnull = NULL;
    if (shot != NULL)
        sink = devnull = fopen("/dev/null", "w");
    int status = cv_headless_follow(run, sink ? sink : stdout, trace->fp, &interrupted);
    if (devnull)
        fclose(devnull);
    char err[256];
    if (trace->fp != NULL) {
        if (status < 0) {
            fprintf(stderr, "concviz %s: cannot write the trace\n", sc->name);
            cv_trace_file_abort(trace);
        } else if (cv_trace_file_commit(trace, err, sizeof err) != 0) {
            fprintf(stderr, "concviz %s: %s\n", sc->name, err);
            status = 1;
        }
    }
    if (shot != NULL && status >= 0) {
#ifdef CV_HAVE_UI
        if (cv_ui_screenshot_themed(run->log, at, cols, rows, cv_opts_flag(opts, "ascii"), theme_of(opts),
                                    want_color(opts), cv_opts_flag(opts, "present"),
                                    cv_opts_flag(opts, "source") || cv_opts_flag(opts, "present"), shot, err,
                                    sizeof err) != 0) {
            fprintf(stderr, "concviz %s: %s\n", sc->name, err);
            status = 1;
        }
#else
        (void)at, (void)cols, (void)rows;
#endif
    }
    cv_run_destroy(run);
    /* Output no one reads any more is not a failure: the run stopped, as
     * `yes | head` would, and its trace is whole. */
    if (interrupted == SIGPIPE)
        return status == 0 ? 0 : 1;
    if (interrupted)
        return 128 + interrupted;
    return status == 0 ? 0 : 1;
}

static int scenario_main(const cv_scenario *sc, int argc, char **argv)
{
    const cv_opt_spec *const tables[] = {sc->options ? sc->options : cv_cli_common_options + 0,
                                         cv_cli_common_options, NULL};
    static cv_opts opts; /* large; lives as long as the run */
    char err[256];
    char hint[96];
    snprintf(hint, sizeof hint, "(see: concviz %s --help)", sc->name);
    if (cv_opts_parse(&opts, sc->options ? tables : tables + 1, argc, argv, sc->max_positional,
                      err, sizeof err) != 0)
        return usage_error(sc->name, err, hint);
    if (cv_opts_flag(&opts, "help")) {
        scenario_help(sc);
        return 0;
    }
    if (sc->validate != NULL && sc->validate(&opts, err, sizeof err) != 0)
        return usage_error(sc->name, err, hint);

    struct shot shot;
    if (check_screenshot(&opts, &shot, sc->name, hint) != 0)
        return CV_EXIT_USAGE;
    static cv_marks marks;
    if (load_marks(&opts, &marks, sc->name) != 0)
        return CV_EXIT_USAGE;

    double speed = cv_opts_num(&opts, "speed");
    char args[256];
    cv_opts_describe(&opts, args, sizeof args);

    cv_trace_file trace = {0};
    const char *trace_path = cv_opts_str(&opts, "trace");
    if (trace_path != NULL && cv_trace_file_open(&trace, trace_path, err, sizeof err) != 0)
        return usage_error(sc->name, err, NULL);

    bool headless = cv_opts_flag(&opts, "headless") || shot.path != NULL || !isatty(STDOUT_FILENO);
#ifdef CV_HAVE_UI
    if (!headless) {
        if (trace.fp != NULL) /* the UI writes the trace itself, at the end */
            cv_trace_file_abort(&trace);
        cv_ui_config cfg = {.scenario = sc, .opts = &opts, .speed = speed, .args = args,
                            .trace_path = trace_path, .paused = cv_opts_flag(&opts, "paused"),
                            .no_intro = cv_opts_flag(&opts, "no-intro"),
                            .marks_path = cv_opts_str(&opts, "marks"), .marks = &marks,
                            .ascii = cv_opts_flag(&opts, "ascii"),
                            .source = cv_opts_flag(&opts, "source") || cv_opts_flag(&opts, "present"),
                            .color = want_color(&opts), .theme = theme_of(&opts),
                            .present = cv_opts_flag(&opts, "present")};
        return cv_ui_main(&cfg);
    }
#endif
    (void)headless;
    return run_headless(sc, &opts, speed, args, &trace, shot.path, shot.at, shot.cols, shot.rows);
}

/* A stop signal in headless `concviz run` is passed on to the program.  One
 * the terminal sent (Ctrl-C: si_code SI_KERNEL) reached the program too,
 * which is in concviz's process group, and is not sent twice. */
static void forward_signal(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    if (si == NULL || si->si_code != SI_KERNEL)
        cv_program_forward(sig);
}

static void run_help(void)
{
    printf("usage: concviz run [options] -- PROGRAM ARGS...\n"
           "Runs PROGRAM (such as python3 SCRIPT ...) with concviz's probe loaded into every Python\n"
           "process it starts, and shows its threads, futures, waits and tasks as they happen.\n"
           "concviz exits with the program's status (128 + N when signal N killed it).\n\n");
    cv_opts_print_help(cv_cli_run_options, stdout);
}

/* concviz run [options] -- PROGRAM ARGS...: checked here (status 2 for bad
 * options, 127 for a program that cannot be run) before anything starts. */
static int program_main(int argc, char **argv)
{
    const char *hint = "(usage: concviz run [options] -- PROGRAM ARGS...)";
    int dash = -1;
    for (int i = 0; i < argc && dash < 0; i++)
        if (strcmp(argv[i], "--") == 0)
            dash = i;
    int nopt = dash < 0 ? argc : dash;
    const cv_opt_spec *const tables[] = {cv_cli_run_options, NULL};
    static cv_opts opts;
    char err[320];
    if (cv_opts_parse(&opts, tables, nopt, argv, CV_OPTS_MAX_POS, err, sizeof err) != 0)
        return usage_error("run", err, hint);
    if (opts.npos > 0)
        return usage_error("run", "needs -- before the program to run", hint);
    if (cv_opts_flag(&opts, "help")) {
        run_help();
        return 0;
    }
    if (dash < 0)
        return usage_error("run", "needs -- and the program to run", hint);
    if (dash + 1 >= argc)
        return usage_error("run", "needs the program to run after --", hint);
    char **prog = argv + dash + 1; /* argv ends with NULL, as main's does */
    if (cv_program_check(prog[0], err, sizeof err) != 0) {
        fprintf(stderr, "concviz run: %s\n", err);
        return CV_EXIT_NOT_FOUND;
    }
    static cv_marks marks;
    if (load_marks(&opts, &marks, "run") != 0)
        return CV_EXIT_USAGE;
    cv_trace_file trace = {0};
    const char *trace_path = cv_opts_str(&opts, "trace");
    if (trace_path != NULL && cv_trace_file_open(&trace, trace_path, err, sizeof err) != 0)
        return usage_error("run", err, NULL);
    bool headless = cv_opts_flag(&opts, "headless") || !isatty(STDOUT_FILENO);
#ifndef CV_HAVE_UI
    headless = true;
#endif
    const cv_scenario *sc = cv_program_scenario(prog, headless);
#ifdef CV_HAVE_UI
    if (!headless) {
        if (trace.fp != NULL) /* the UI writes the trace itself, at the end */
            cv_trace_file_abort(&trace);
        cv_ui_config cfg = {.scenario = sc, .opts = &opts, .speed = 1.0, .args = cv_program_command(),
                            .trace_path = trace_path, .paused = cv_opts_flag(&opts, "paused"),
                            .no_intro = true, .marks_path = cv_opts_str(&opts, "marks"),
                            .marks = &marks, .ascii = cv_opts_flag(&opts, "ascii"),
                            .color = want_color(&opts), .theme = theme_of(&opts),
                            .present = cv_opts_flag(&opts, "present")};
        int status = cv_ui_main(&cfg);
        int ended = cv_program_exit_status();
        /* q: the program's status; a signal to concviz: that signal's. */
        return status == 0 && ended >= 0 ? ended : status;
    }
#endif
    struct sigaction sa = {.sa_sigaction = forward_signal, .sa_flags = SA_SIGINFO | SA_RESTART};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN); /* a trace on a closed pipe fails as EPIPE */
    cv_run *run = cv_run_start(sc, &opts, 1.0, cv_program_command());
    FILE *devnull = fopen("/dev/null", "w");
    if (run == NULL || devnull == NULL) {
        fprintf(stderr, "concviz run: cannot start (out of memory or threads)\n");
        if (trace.fp)
            cv_trace_file_abort(&trace);
        cv_run_destroy(run);
        if (devnull)
            fclose(devnull);
        return 1;
    }
    /* concviz prints nothing: the program's output is on the terminal. */
    static volatile sig_atomic_t never;
    int status = cv_headless_follow(run, devnull, trace.fp, &never);
    fclose(devnull);
    if (trace.fp != NULL) {
        if (status < 0) {
            fprintf(stderr, "concviz run: cannot write the trace\n");
            cv_trace_file_abort(&trace);
        } else if (cv_trace_file_commit(&trace, err, sizeof err) != 0) {
            fprintf(stderr, "concviz run: %s\n", err);
        }
    }
    cv_run_destroy(run);
    int ended = cv_program_exit_status();
    return ended >= 0 ? ended : 1;
}

/* The options that only a recording takes (--to cast). */
static const char *const cast_only[] = {"size", "speed", "pause", "marks", "theme", "ascii",
                                         "no-color", NULL};

/* concviz export TRACE --to cast OUT.cast [options]: the UI playing the
 * trace, recorded for asciinema.  Options checked, the sidecar read. */
static int export_cast(const cv_opts *opts, const char *in, const char *out, const char *hint)
{
#ifdef CV_HAVE_UI
    cv_cast_opts co = {.speed = cv_opts_num(opts, "speed"), .pause = cv_opts_num(opts, "pause"),
                       .fps = 20, .ascii = cv_opts_flag(opts, "ascii"), .color = want_color(opts),
                       .theme = theme_of(opts)};
    if (parse_size(cv_opts_str(opts, "size"), &co.cols, &co.rows) != 0)
        return usage_error("export", "--size takes COLSxROWS from 20x5 to 1000x500, such as 120x40", hint);
    const char *marks_path = cv_opts_str(opts, "marks");
    if (marks_path != NULL && access(marks_path, R_OK) != 0) {
        /* A replay starts a new sidecar; a recording only reads one. */
        char msg[320];
        snprintf(msg, sizeof msg, "cannot read the --marks file '%.200s'", marks_path);
        return usage_error("export", msg, NULL);
    }
    static cv_marks marks;
    if (load_marks(opts, &marks, "export") != 0)
        return CV_EXIT_USAGE;
    char err[640];
    int rc = cv_export_cast(in, &marks, out, &co, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "concviz export: %s: %s\n", rc == CV_EINVAL ? in : out, err);
        return rc == CV_EINVAL ? CV_EXIT_USAGE : 1;
    }
    return 0;
#else
    (void)opts, (void)in, (void)out, (void)hint;
    return usage_error("export", "--to cast needs the UI, which this build lacks", NULL);
#endif
}

/* concviz export TRACE --to FORMAT OUT: a trace for other tools. */
static int export_main(int argc, char **argv)
{
    const char *hint = "(usage: concviz export TRACE --to perfetto|cast OUT)";
    const cv_opt_spec *const tables[] = {cv_cli_export_options, NULL};
    cv_opts opts;
    char err[640];
    if (cv_opts_parse(&opts, tables, argc, argv, 2, err, sizeof err) != 0)
        return usage_error("export", err, hint);
    if (cv_opts_flag(&opts, "help")) {
        printf("usage: concviz export TRACE --to perfetto OUT.json\n"
               "       concviz export TRACE --to cast OUT.cast [options]\n\n");
        cv_opts_print_help(cv_cli_export_options, stdout);
        return 0;
    }
    const char *to = cv_opts_str(&opts, "to");
    if (opts.npos != 2 || to == NULL)
        return usage_error("export", "takes TRACE --to FORMAT OUT", hint);
    if (strcasecmp(to, "cast") == 0)
        return export_cast(&opts, opts.pos[0], opts.pos[1], hint);
    for (const char *const *o = cast_only; *o != NULL; o++)
        if (cv_opts_given(&opts, *o)) {
            snprintf(err, sizeof err, "--%s goes with --to cast, not --to %s", *o, to);
            return usage_error("export", err, hint);
        }
    int rc = cv_export_perfetto(opts.pos[0], opts.pos[1], err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "concviz export: %s: %s\n", rc == CV_EINVAL ? opts.pos[0] : opts.pos[1], err);
        /* A trace refused is bad input; an output that cannot be
         * written is a failure of its own. */
        return rc == CV_EINVAL ? CV_EXIT_USAGE : 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage_error(NULL, "which scenario?", "(usage: concviz SCENARIO [options]; try: concviz list, concviz --help)");
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        cv_cli_print_usage(stdout);
        printf("\nscenarios:\n");
        list_scenarios();
        return 0;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("concviz %s\n", CV_VERSION);
        return 0;
    }
    if (strcmp(cmd, "list") == 0) {
        if (argc > 2)
            return usage_error("list", "takes no arguments", NULL);
        list_scenarios();
        return 0;
    }
    if (strcmp(cmd, "replay") == 0)
        return replay_main(argc - 2, argv + 2);
    if (strcmp(cmd, "run") == 0)
        return program_main(argc - 2, argv + 2);
    if (strcmp(cmd, "export") == 0)
        return export_main(argc - 2, argv + 2);
    if (strcmp(cmd, "serve-flags") == 0)
        return cv_serve_flags_main(argc - 2, argv + 2);
    if (cmd[0] == '-') {
        char msg[160];
        snprintf(msg, sizeof msg, "a scenario comes first, before options like '%.100s'", cmd);
        return usage_error(NULL, msg, "(usage: concviz SCENARIO [options]; try: concviz list)");
    }
    const cv_scenario *sc = cv_scenario_find(cmd);
    if (sc == NULL) {
        char msg[160];
        snprintf(msg, sizeof msg, "unknown scenario '%.100s'", cmd);
        return usage_error(NULL, msg, "(try: concviz list)");
    }
    return scenario_main(sc, argc - 2, argv + 2);
}
