/* goleash: report goroutine leaks from goleash dumps, run a Go program
 * under detection (gc by ptrace, gccgo by the shim), or snapshot a running
 * one. The commands and options are the tables
 * of commands.inc and options.inc (cli.c). */
#include "analyze.h"
#include "cli/cli.h"
#include "diff.h"
#include "readers/fetch.h"
#include "options/duration.h"
#include "options/kv_options.h"
#include "options/options.h"
#include "rules/suppress.h"
#include "memory_limit.h"
#include "run/run.h"
#include "run/shim_path.h"
#include "run/snapshot.h"
#include "watch/metrics.h"
#include "watch/watch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef GOLEASH_VERSION
#define GOLEASH_VERSION "0"
#endif

static int usage_error(const char *why)
{
    if (why)
        fprintf(stderr, "goleash: %s\n", why);
    gl_cli_usage(stderr);
    return GL_EXIT_USAGE;
}

/* A command's usage error: what is wrong and where its help is. */
static int command_usage_error(gl_cli_command cmd, const char *why)
{
    fprintf(stderr, "goleash: %s\ngoleash: see 'goleash %s --help'\n", why, gl_cli_command_name(cmd));
    return GL_EXIT_USAGE;
}

/* What GOLEASH_OPTIONS says about suppressions and ignore_setup, for `run`:
 * one setting then serves both the shim (LD_PRELOAD alone) and run's own
 * report, whatever backend observed the program. */
struct env_supp {
    char file[4096];
    int defaults;
    int ignore_setup;   /* -1 unset: gc programs have no shim to carry it */
};

/* A BOOL option's word; a bad one was refused by check_env_options. */
static void env_bool(const gl_kv *kv, int *out)
{
    char w[8] = "";
    if (kv->val_len < sizeof w)
        memcpy(w, kv->val, kv->val_len);
    gl_option_parse_bool(w, out);
}

static void env_supp_pair(const gl_kv *kv, void *ctx)
{
    struct env_supp *e = ctx;
    if (!kv->val)
        return;
    /* The file is taken as given (the shim makes it absolute for its own
     * use at exit). */
    if (gl_kv_key_is(kv, GL_OPTION_KEY(suppressions)))
        snprintf(e->file, sizeof e->file, "%.*s", (int)kv->val_len, kv->val);
    else if (gl_kv_key_is(kv, GL_OPTION_KEY(default_suppressions)))
        env_bool(kv, &e->defaults);
    else if (gl_kv_key_is(kv, GL_OPTION_KEY(ignore_setup)))
        env_bool(kv, &e->ignore_setup);
}

static void print_error(const char *msg)
{
    fprintf(stderr, "%s\n", msg);
}

/* `run` hands GOLEASH_OPTIONS to the shim, which would only warn about a
 * bad setting and carry on without it: a typo in a CI gate would pass
 * unnoticed. So every problem is an error here, before PROG starts. */
static int check_env_options(void)
{
    return gl_options_check(getenv("GOLEASH_OPTIONS"), print_error);
}

/* What the command line asked for. */
typedef struct cli_args {
    gl_report_opts report;
    int64_t min_growth;
    const char *keep_dir;
    char **supp_files;
    size_t nsupp_files;
    int default_supp;
    gl_cli_command cmd;
    int allow_unsupported;  /* run */
    int verbose;            /* snapshot */
    gl_fetch_opts fetch;    /* report, diff, watch: inputs given as URLs */
    gl_watch_opts watch;
    const char **headers;   /* fetch.headers, room for every argument */
} cli_args;

/* The rules, in the order they get credit for a match: --suppressions files
 * as given, then GOLEASH_OPTIONS' file (run), then the built-in list. */
static int load_suppressions(gl_suppressions *s, const cli_args *a, const struct env_supp *envp)
{
    gl_supp_error err;
    struct env_supp env = *envp;
    for (size_t i = 0; i < a->nsupp_files; i++)
        if (gl_supp_load_file(s, a->supp_files[i], &err) != 0)
            goto bad;
    if (env.file[0] && gl_supp_load_file(s, env.file, &err) != 0)
        goto bad;
    if (a->default_supp && env.defaults && gl_supp_load_default(s, &err) != 0)
        goto bad;
    return 0;
bad:
    fprintf(stderr, "%s\n", err.msg);
    return -1;
}

static int parse_count(const char *arg, int64_t *out)
{
    /* Digits only: strtoll would take " 5" and "+5". */
    if (arg[0] < '0' || arg[0] > '9')
        return -1;
    char *end;
    errno = 0;
    long long v = strtoll(arg, &end, 10);
    if (errno || end == arg || *end || v < 1)
        return -1;
    *out = v;
    return 0;
}

/* A whole number option of watch into *out (1 <= N <= max). */
static int size_option(const char *name, const char *arg, size_t max, size_t *out)
{
    int64_t v;
    if (parse_count(arg, &v) != 0 || (uint64_t)v > max) {
        fprintf(stderr, "goleash: --%s: '%s' is not a whole number from 1 to %zu\n", name, arg, max);
        return GL_EXIT_USAGE;
    }
    *out = (size_t)v;
    return -1;
}

/* watch's own options: -1 to go on, else the exit status to stop with. */
static int apply_watch_option(cli_args *a, gl_cli_option opt, const char *arg)
{
    gl_watch_opts *w = &a->watch;
    switch (opt) {
    case GL_CLI_INTERVAL:
        if (gl_parse_duration(arg, &w->interval_ns) != 0 || w->interval_ns < 1000000) {
            fprintf(stderr, "goleash: --interval: bad duration '%s' (use e.g. 30s, 1m; at least 1ms)\n", arg);
            return GL_EXIT_USAGE;
        }
        return -1;
    case GL_CLI_WINDOW:
        return size_option("window", arg, 100000, &w->window);
    case GL_CLI_SAMPLES:
        return size_option("samples", arg, 100000, &w->samples);
    case GL_CLI_MAX_SITES:
        return size_option("max-sites", arg, 100000, &w->max_sites);
    case GL_CLI_ONCE:
        w->once = 1;
        return -1;
    case GL_CLI_LISTEN:
        w->listen = arg;
        return -1;
    case GL_CLI_TEXTFILE:
        w->textfile = arg;
        return -1;
    default:
        return usage_error(NULL);
    }
}

/* One option: -1 to go on, else the exit status to stop with. */
static int apply_option(cli_args *a, gl_cli_option opt, const char *arg)
{
    switch (opt) {
    case GL_CLI_INTERVAL:
    case GL_CLI_WINDOW:
    case GL_CLI_SAMPLES:
    case GL_CLI_MAX_SITES:
    case GL_CLI_ONCE:
    case GL_CLI_LISTEN:
    case GL_CLI_TEXTFILE:
        return apply_watch_option(a, opt, arg);
    case GL_CLI_HELP:
        gl_cli_usage_command(stdout, a->cmd);
        return GL_EXIT_CLEAN;
    case GL_CLI_MIN_GROWTH:
        if (parse_count(arg, &a->min_growth) != 0) {
            fprintf(stderr, "goleash: --min-growth: '%s' is not a whole number >= 1\n", arg);
            return GL_EXIT_USAGE;
        }
        return -1;
    case GL_CLI_KEEP_DUMPS:
        a->keep_dir = arg;
        return -1;
    case GL_CLI_SUPPRESSIONS:
        a->supp_files[a->nsupp_files++] = (char *)arg;
        return -1;
    case GL_CLI_NO_DEFAULT_SUPPRESSIONS:
        a->default_supp = 0;
        return -1;
    case GL_CLI_MAX_MEMORY:
        if (gl_memory_limit_parse(arg, &a->report.max_memory) != 0) {
            fprintf(stderr, "goleash: --max-memory: '%s' is not a size (512M, 2G, or bytes)\n", arg);
            return GL_EXIT_USAGE;
        }
        return -1;
    case GL_CLI_ALLOW_UNSUPPORTED:
        a->allow_unsupported = 1;
        return -1;
    case GL_CLI_VERBOSE:
        a->verbose = 1;
        return -1;
    case GL_CLI_TIMEOUT:
        if (gl_parse_duration(arg, &a->fetch.timeout_ns) != 0 || a->fetch.timeout_ns <= 0) {
            fprintf(stderr, "goleash: --timeout: bad duration '%s' (use e.g. 10s, 1m)\n", arg);
            return GL_EXIT_USAGE;
        }
        return -1;
    case GL_CLI_HEADER:
        if (!gl_fetch_header_ok(arg)) {
            fprintf(stderr, "goleash: --header '%s': want 'Name: value' on one line\n", arg);
            return GL_EXIT_USAGE;
        }
        a->headers[a->fetch.nheaders++] = arg;
        return -1;
    case GL_CLI_BEARER_TOKEN_FILE:
        a->fetch.bearer_token_file = arg;
        return -1;
    default: {
        int r = gl_cli_report_option(&a->report, opt, arg);
        return r < 0 ? GL_EXIT_USAGE : r == 0 ? usage_error(NULL) : -1;
    }
    }
}

/* Reads the options of cmd (argv[0] is the command): -1 when they are
 * all read, else the exit status to stop with. */
static int read_options(int argc, char **argv, gl_cli_command cmd, cli_args *a)
{
    optind = 1;
    opterr = 0; /* its messages lack our prefix: gl_cli_option_error */
    int code;
    while ((code = getopt_long(argc, argv, gl_cli_short_options(), gl_cli_long_options(), NULL)) != -1) {
        int opt = gl_cli_option_of(code);
        char why[160];
        if (opt < 0) {
            gl_cli_option_error(argv, code, optopt, optind, why, sizeof why);
            return command_usage_error(cmd, why);
        }
        if (opt != GL_CLI_HELP && !gl_cli_takes(cmd, (gl_cli_option)opt, why, sizeof why))
            return command_usage_error(cmd, why);
        int r = apply_option(a, (gl_cli_option)opt, optarg);
        if (r >= 0)
            return r;
    }
    return -1;
}

/* watch's checks of its options together, then the watch. */
static int run_watch(int argc, char **argv, cli_args *a)
{
    if (argc - optind != 1)
        return command_usage_error(GL_CMD_WATCH, argc == optind ? "watch: no source given (a URL, a PID or a "
                                                                  "directory)"
                                                                : "watch: give exactly one source");
    gl_watch_opts *w = &a->watch;
    if (w->samples < 2 || w->samples > w->window) {
        fprintf(stderr, "goleash: watch: --samples %zu must be at least 2 and at most --window (%zu)\n",
                w->samples, w->window);
        return GL_EXIT_USAGE;
    }
    w->report = &a->report;
    w->min_growth = a->min_growth;
    return gl_watch(w, argv[optind]);
}

/* The command once its options are read. */
static int run_command_bounded(int argc, char **argv, gl_cli_command cmd, cli_args *a);

/* The command under the memory bound (run applies it itself, once PROG
 * has ended: the bound is goleash's, never PROG's). */
static int run_command(int argc, char **argv, gl_cli_command cmd, cli_args *a)
{
    if (cmd != GL_CMD_RUN)
        gl_memory_limit_apply(a->report.max_memory);
    return run_command_bounded(argc, argv, cmd, a);
}

static int run_command_bounded(int argc, char **argv, gl_cli_command cmd, cli_args *a)
{
    if (cmd == GL_CMD_DIFF) {
        if (a->report.format == GL_FORMAT_PPROF || a->report.format == GL_FORMAT_HTML)
            return command_usage_error(cmd, "diff: --format is text or json (pprof and html are for report, run "
                                            "and snapshot)");
        if (argc - optind != 2)
            return command_usage_error(cmd, "diff: give exactly two dumps, BEFORE and AFTER");
        gl_diff_opts d = {.report = a->report, .min_growth = a->min_growth};
        return gl_diff(&d, argv[optind], argv[optind + 1]);
    }
    int is_run = cmd == GL_CMD_RUN;
    if (optind >= argc && cmd != GL_CMD_WATCH)
        return command_usage_error(cmd, is_run                    ? "run: no program given"
                                        : cmd == GL_CMD_SNAPSHOT ? "snapshot: no process id given"
                                                                 : "report: no dump given");
    if (cmd == GL_CMD_SNAPSHOT && argc - optind != 1)
        return command_usage_error(cmd, "snapshot: give exactly one process id");
    /* PROG's stdout and stderr are its own: the human report goes to
     * stderr after PROG's output, as LeakSanitizer's does, and a machine
     * format needs a file of its own. */
    if (is_run && !a->report.output) {
        if (a->report.format != GL_FORMAT_TEXT) {
            const char *f = gl_format_name(a->report.format);
            fprintf(stderr, "goleash: run: --format %s would mix with the program's output: "
                            "give -o FILE (or --%s FILE)\n", f, f);
            return GL_EXIT_USAGE;
        }
        a->report.main_to_stderr = 1;
    }
    /* Gzip'd protobuf is no use on a terminal nor in a pipe by accident. */
    if (a->report.format == GL_FORMAT_PPROF && !a->report.output) {
        fprintf(stderr, "goleash: %s: --format pprof writes a binary file: give -o FILE (or --pprof FILE)\n",
                gl_cli_command_name(cmd));
        return GL_EXIT_USAGE;
    }
    a->report.test_lines = is_run;
    struct env_supp env = {.defaults = 1, .ignore_setup = -1};
    if (is_run) {
        if (check_env_options() != 0)
            return GL_EXIT_USAGE;
        gl_kv_parse(getenv("GOLEASH_OPTIONS"), env_supp_pair, &env);
    }
    if (a->report.ignore_setup < 0 && env.ignore_setup >= 0)
        a->report.ignore_setup = env.ignore_setup;
    /* Before PROG runs: a bad suppressions file is a usage error, not
     * something to find out after a long test suite. */
    gl_suppressions supp = {0};
    int rc = GL_EXIT_USAGE;
    if (load_suppressions(&supp, a, &env) == 0) {
        a->report.suppressions = &supp;
        if (is_run)
            rc = gl_run(&a->report, a->keep_dir, a->allow_unsupported, argv + optind);
        else if (cmd == GL_CMD_SNAPSHOT)
            rc = gl_snapshot(&a->report, a->keep_dir, argv[optind], a->verbose);
        else if (cmd == GL_CMD_WATCH)
            rc = run_watch(argc, argv, a);
        else
            rc = gl_analyze(&a->report, argv + optind, (size_t)(argc - optind));
    }
    gl_supp_free(&supp);
    return rc;
}

static int command(int argc, char **argv, gl_cli_command cmd)
{
    cli_args a = {
        .report = {.format = GL_FORMAT_TEXT, .min_park_ns = -1, .ignore_setup = -1,
                   .max_memory = GL_MEMORY_LIMIT_DEFAULT},
        .min_growth = 1,
        .supp_files = calloc((size_t)argc, sizeof *a.supp_files),
        .default_supp = 1,
        .cmd = cmd,
        .headers = calloc((size_t)argc, sizeof *a.headers),
    };
    a.fetch.headers = a.headers;
    a.watch = (gl_watch_opts){.interval_ns = GL_WATCH_DEFAULT_INTERVAL_NS, .window = GL_WATCH_DEFAULT_WINDOW,
                              .samples = GL_GROWTH_DEFAULT_SAMPLES, .max_sites = GL_METRICS_DEFAULT_MAX_SITES};
    /* Watching follows sites across builds and line drift: loose unless
     * --grouping exact. */
    a.report.loose = cmd == GL_CMD_WATCH;
    a.report.fetch = &a.fetch;
    if (!a.supp_files || !a.headers) {
        fprintf(stderr, "goleash: out of memory\n");
        return GL_EXIT_USAGE;
    }
    int rc = read_options(argc, argv, cmd, &a);
    if (rc < 0)
        rc = run_command(argc, argv, cmd, &a);
    free(a.supp_files);
    free(a.headers);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage_error("no command given");
    const char *name = argv[1];
    if (strcmp(name, "help") == 0 && argc > 2) {
        int cmd = gl_cli_command_of(argv[2]);
        if (cmd < 0) {
            fprintf(stderr, "goleash: help: unknown command '%s'\n", argv[2]);
            return usage_error(NULL);
        }
        gl_cli_usage_command(stdout, (gl_cli_command)cmd);
        return GL_EXIT_CLEAN;
    }
    if (strcmp(name, "help") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        gl_cli_usage(stdout);
        return GL_EXIT_CLEAN;
    }
    if (strcmp(name, "--print-shim-path") == 0) {
        char shim[4096];
        if (gl_find_shim(shim, sizeof shim) != 0)
            return GL_EXIT_USAGE; /* it said why */
        printf("%s\n", shim);
        return GL_EXIT_CLEAN;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
        printf("goleash %s\n", GOLEASH_VERSION);
        return GL_EXIT_CLEAN;
    }
    int cmd = gl_cli_command_of(name);
    if (cmd >= 0)
        return command(argc - 1, argv + 1, (gl_cli_command)cmd);
    fprintf(stderr, "goleash: unknown command '%s'\n", name);
    return usage_error(NULL);
}
