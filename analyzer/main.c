/* goleash: report goroutine leaks from goleash dumps, or run a gccgo program
 * under the shim and report on it. */
#include "analyze.h"
#include "run.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#ifndef GOLEASH_VERSION
#define GOLEASH_VERSION "0"
#endif

static const char usage_text[] =
    "usage: goleash report [OPTIONS] DUMP...   (DUMP: a file, or - for stdin)\n"
    "       goleash run [OPTIONS] [--keep-dumps DIR] -- PROG [ARGS...]\n"
    "       goleash help | --help | --version\n"
    "\n"
    "report   read dumps and report leaked goroutines: goleash dumps (written by\n"
    "         libgoleash.so), Go goroutine dumps from gc or gccgo (runtime.Stack,\n"
    "         SIGQUIT, panics, go test timeouts, also inside a CI log), pprof\n"
    "         goroutine profiles; gzip'd or plain (docs/input-formats.md)\n"
    "run      run a gccgo program with libgoleash.so preloaded, then report on the\n"
    "         dumps it and its child processes left\n"
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
    "  --keep-dumps DIR     run: write the dumps to DIR and keep them\n"
    "\n"
    "environment (run): GOLEASH_SHIM path of libgoleash.so; GOLEASH_OPTIONS options\n"
    "passed on to the shim.\n"
    "\n"
    "exit status: 0 no leaks, 1 leaks, 2 usage or input error; for run, a non-zero\n"
    "exit status of PROG wins (128+N when signal N killed it).\n";

enum { OPT_KEEP_DUMPS = 256, OPT_HELP, OPT_VERSION };

static const struct option command_options[] = {
    {"format", required_argument, NULL, 'f'},
    {"min-park", required_argument, NULL, 'm'},
    {"output", required_argument, NULL, 'o'},
    {"grouping", required_argument, NULL, 'g'},
    {"keep-dumps", required_argument, NULL, OPT_KEEP_DUMPS},
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

/* Parses the options of `report` or `run` (argv[0] is the command). */
static int command(int argc, char **argv, int is_run)
{
    gl_report_opts o = {.format = GL_FORMAT_TEXT, .min_park_ns = -1};
    const char *keep_dir = NULL;
    int opt;
    optind = 1;
    opterr = 1;
    /* '+': for run, stop at PROG so its own options are not ours. */
    while ((opt = getopt_long(argc, argv, "+o:", command_options, NULL)) != -1) {
        if (opt == OPT_HELP) {
            fputs(usage_text, stdout);
            return GL_EXIT_CLEAN;
        }
        if (opt == OPT_KEEP_DUMPS) {
            if (!is_run)
                return usage_error("--keep-dumps is for run");
            keep_dir = optarg;
            continue;
        }
        int r = opt == '?' ? 0 : gl_report_option(&o, opt, optarg);
        if (r < 0)
            return GL_EXIT_USAGE;
        if (r == 0)
            return usage_error(NULL);
    }
    if (optind >= argc)
        return usage_error(is_run ? "run: no program given" : "report: no dump given");
    if (is_run)
        return gl_run(&o, keep_dir, argv + optind);
    return gl_analyze(&o, argv + optind, (size_t)(argc - optind));
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
        return command(argc - 1, argv + 1, 0);
    if (strcmp(cmd, "run") == 0)
        return command(argc - 1, argv + 1, 1);
    fprintf(stderr, "goleash: unknown command '%s'\n", cmd);
    return usage_error(NULL);
}
