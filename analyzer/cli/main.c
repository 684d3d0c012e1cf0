/* goleash: report goroutine leaks from goleash dumps, or run a gccgo program
 * under the shim and report on it. */
#include "analyze.h"
#include "diff.h"
#include "options/kv_options.h"
#include "options/options.h"
#include "run/run.h"
#include "rules/suppress.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef GOLEASH_VERSION
#define GOLEASH_VERSION "0"
#endif

static const char usage_text[] =
    "usage: goleash report [OPTIONS] DUMP...   (DUMP: a file, or - for stdin)\n"
    "       goleash run [OPTIONS] [--keep-dumps DIR] -- PROG [ARGS...]\n"
    "       goleash diff [OPTIONS] [--min-growth N] BEFORE AFTER\n"
    "       goleash help | --help | --version\n"
    "\n"
    "report   read dumps and report leaked goroutines: goleash dumps (written by\n"
    "         libgoleash.so), Go goroutine dumps from gc or gccgo (runtime.Stack,\n"
    "         SIGQUIT, panics, go test timeouts, also inside a CI log), pprof\n"
    "         goroutine profiles; gzip'd or plain (docs/input-formats.md)\n"
    "run      run a gccgo program with libgoleash.so preloaded, then report on the\n"
    "         dumps it and its child processes left\n"
    "diff     compare two dumps (any formats): per group, blocked goroutines before\n"
    "         and after; groups that grew by at least --min-growth (default 1) fail\n"
    "\n"
    "options:\n"
    "  --format text|json   report format (default text; JSON per docs/json-format.md)\n"
    "  --min-park D         goroutines parked for less than D (e.g. 500ms, 2s) are not\n"
    "                       leaks (default: the min_park each process ran with;\n"
    "                       1m for Go text dumps, which give park time in minutes)\n"
    "  --grouping exact|loose  group leaks by function, file:line, offset and\n"
    "                       argument shape (exact, default), or by function and\n"
    "                       file only, ignoring line drift between builds (loose)\n"
    "  -o, --output FILE    write the report to FILE instead of stdout\n"
    "  --ignore-setup       test binaries: leave out leaks spawned outside any test\n"
    "                       (init, TestMain); default: the shim's ignore_setup option\n"
    "  --keep-dumps DIR     run: write the dumps to DIR and keep them\n"
    "  --suppressions FILE  leave the leak groups FILE's rules match out of the verdict\n"
    "                       (repeatable; docs/suppressions.md)\n"
    "  --no-default-suppressions\n"
    "                       do not apply the built-in list of goroutines the Go\n"
    "                       standard library leaves parked by design\n"
    "\n"
    "report files, written besides the report above, any number at once\n"
    "(docs/outputs.md):\n"
    "  --json FILE          the JSON report (docs/json-format.md)\n"
    "  --junit FILE         JUnit XML: one testcase per test, failed when it leaked\n"
    "  --sarif FILE         SARIF 2.1.0, for GitHub code scanning and SARIF viewers\n"
    "  --sarif-category ID  SARIF run.automationDetails.id (default goleash/%b/)\n"
    "  --source-root DIR    SARIF and annotation paths are relative to DIR (default\n"
    "                       $GITHUB_WORKSPACE, else the current directory)\n"
    "  --github-annotations auto|on|off\n"
    "                       print ::error workflow commands on stdout, one per leak\n"
    "                       group (auto: when GITHUB_ACTIONS=true)\n"
    "  In FILE (and -o, --sarif-category) %p is the program's pid (report: the\n"
    "  first dump's), %b the program's base name (pool.test), %% a percent sign:\n"
    "    go test -exec \"goleash run --junit $PWD/reports/%b.xml --\" ./...\n"
    "  Missing directories of FILE are created.\n"
    "\n"
    "environment (run): GOLEASH_SHIM path of libgoleash.so; GOLEASH_OPTIONS options\n"
    "passed on to the shim; its suppressions= and default_suppressions= also apply\n"
    "to run's report.\n"
    "\n"
    "exit status: 0 no leaks, 1 leaks (diff: some group grew), 2 usage or input\n"
    "error; for run, a non-zero exit status of PROG wins (128+N when signal N\n"
    "killed it).\n";

enum { OPT_KEEP_DUMPS = 256, OPT_HELP, OPT_VERSION, OPT_MIN_GROWTH, OPT_SUPPRESSIONS,
       OPT_NO_DEFAULT_SUPPRESSIONS };

static const struct option command_options[] = {
    {"format", required_argument, NULL, 'f'},
    {"min-park", required_argument, NULL, 'm'},
    {"output", required_argument, NULL, 'o'},
    {"ignore-setup", no_argument, NULL, GL_OPT_IGNORE_SETUP},
    {"keep-dumps", required_argument, NULL, OPT_KEEP_DUMPS},
    {"grouping", required_argument, NULL, 'g'},
    {"min-growth", required_argument, NULL, OPT_MIN_GROWTH},
    {"suppressions", required_argument, NULL, OPT_SUPPRESSIONS},
    {"no-default-suppressions", no_argument, NULL, OPT_NO_DEFAULT_SUPPRESSIONS},
    {"json", required_argument, NULL, GL_OPT_JSON},
    {"junit", required_argument, NULL, GL_OPT_JUNIT},
    {"sarif", required_argument, NULL, GL_OPT_SARIF},
    {"sarif-category", required_argument, NULL, GL_OPT_SARIF_CATEGORY},
    {"source-root", required_argument, NULL, GL_OPT_SOURCE_ROOT},
    {"github-annotations", required_argument, NULL, GL_OPT_GITHUB_ANNOTATIONS},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

static int usage_error(const char *why)
{
    if (why)
        fprintf(stderr, "goleash: %s\n", why);
    fputs(usage_text, stderr);
    return GL_EXIT_USAGE;
}

/* What GOLEASH_OPTIONS says about suppressions, for `run`: one setting then
 * serves both the shim (LD_PRELOAD alone) and run's own report. */
struct env_supp {
    char file[4096];
    int defaults;
};

static void env_supp_pair(const char *key, const char *val, void *ctx)
{
    struct env_supp *e = ctx;
    if (!val)
        return;
    /* Bad values are the shim's to warn about: it parses the same string.
     * The file is taken as given (the shim makes it absolute for its own
     * use at exit). */
    if (strcmp(key, GL_OPTION_KEY(suppressions)) == 0)
        snprintf(e->file, sizeof e->file, "%s", val);
    else if (strcmp(key, GL_OPTION_KEY(default_suppressions)) == 0)
        gl_option_parse_bool(val, &e->defaults);
}

/* The rules, in the order they get credit for a match: --suppressions files
 * as given, then GOLEASH_OPTIONS' file (run), then the built-in list. */
static int load_suppressions(gl_suppressions *s, char **files, size_t nfiles, int defaults, int is_run)
{
    gl_supp_error err;
    struct env_supp env = {.defaults = 1};
    if (is_run)
        gl_kv_parse(getenv("GOLEASH_OPTIONS"), env_supp_pair, &env);
    for (size_t i = 0; i < nfiles; i++)
        if (gl_supp_load_file(s, files[i], &err) != 0)
            goto bad;
    if (env.file[0] && gl_supp_load_file(s, env.file, &err) != 0)
        goto bad;
    if (defaults && env.defaults && gl_supp_load_default(s, &err) != 0)
        goto bad;
    return 0;
bad:
    fprintf(stderr, "%s\n", err.msg);
    return -1;
}

enum { CMD_REPORT, CMD_RUN, CMD_DIFF };

static int parse_count(const char *arg, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(arg, &end, 10);
    if (errno || end == arg || *end || v < 1)
        return -1;
    *out = v;
    return 0;
}

/* Parses the options of `report`, `run` or `diff` (argv[0] is the command). */
static int command(int argc, char **argv, int cmd)
{
    int is_run = cmd == CMD_RUN;
    gl_report_opts o = {.format = GL_FORMAT_TEXT, .min_park_ns = -1, .ignore_setup = -1};
    int64_t min_growth = 1;
    const char *keep_dir = NULL;
    char **supp_files = calloc((size_t)argc, sizeof *supp_files);
    size_t nsupp_files = 0;
    int default_supp = 1;
    gl_suppressions supp = {0};
    int rc = GL_EXIT_USAGE;
    int opt;
    if (!supp_files) {
        fprintf(stderr, "goleash: out of memory\n");
        return GL_EXIT_USAGE;
    }
    optind = 1;
    opterr = 1;
    /* '+': for run, stop at PROG so its own options are not ours. */
    while ((opt = getopt_long(argc, argv, "+o:", command_options, NULL)) != -1) {
        if (opt == OPT_HELP) {
            fputs(usage_text, stdout);
            rc = GL_EXIT_CLEAN;
            goto out;
        }
        if (opt == OPT_MIN_GROWTH) {
            if (cmd != CMD_DIFF) {
                rc = usage_error("--min-growth is for diff");
                goto out;
            }
            if (parse_count(optarg, &min_growth) != 0) {
                fprintf(stderr, "goleash: --min-growth: '%s' is not a whole number >= 1\n", optarg);
                goto out;
            }
            continue;
        }
        if (opt == OPT_KEEP_DUMPS) {
            if (!is_run) {
                rc = usage_error("--keep-dumps is for run");
                goto out;
            }
            keep_dir = optarg;
            continue;
        }
        if (opt == OPT_SUPPRESSIONS) {
            supp_files[nsupp_files++] = optarg;
            continue;
        }
        if (opt == OPT_NO_DEFAULT_SUPPRESSIONS) {
            default_supp = 0;
            continue;
        }
        int r = opt == '?' ? 0 : gl_report_option(&o, opt, optarg);
        if (r < 0)
            goto out;
        if (r == 0) {
            rc = usage_error(NULL);
            goto out;
        }
    }
    if (cmd == CMD_DIFF) {
        if (argc - optind != 2) {
            rc = usage_error("diff: give exactly two dumps, BEFORE and AFTER");
            goto out;
        }
        gl_diff_opts d = {.report = o, .min_growth = min_growth};
        rc = gl_diff(&d, argv[optind], argv[optind + 1]);
        goto out;
    }
    if (optind >= argc) {
        rc = usage_error(is_run ? "run: no program given" : "report: no dump given");
        goto out;
    }
    /* Before PROG runs: a bad suppressions file is a usage error, not
     * something to find out after a long test suite. */
    if (load_suppressions(&supp, supp_files, nsupp_files, default_supp, is_run) != 0)
        goto out;
    o.suppressions = &supp;
    if (is_run)
        rc = gl_run(&o, keep_dir, argv + optind);
    else
        rc = gl_analyze(&o, argv + optind, (size_t)(argc - optind));
out:
    gl_supp_free(&supp);
    free(supp_files);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage_error("no command given");
    const char *cmd = argv[1];
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        fputs(usage_text, stdout);
        return GL_EXIT_CLEAN;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("goleash %s\n", GOLEASH_VERSION);
        return GL_EXIT_CLEAN;
    }
    if (strcmp(cmd, "report") == 0)
        return command(argc - 1, argv + 1, CMD_REPORT);
    if (strcmp(cmd, "run") == 0)
        return command(argc - 1, argv + 1, CMD_RUN);
    if (strcmp(cmd, "diff") == 0)
        return command(argc - 1, argv + 1, CMD_DIFF);
    fprintf(stderr, "goleash: unknown command '%s'\n", cmd);
    return usage_error(NULL);
}
