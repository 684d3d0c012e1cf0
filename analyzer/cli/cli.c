/* The command line from its tables (cli.h). */
#include "cli/cli.h"

#include <string.h>

/* Where --help lists an option. */
enum { SECTION_OPTIONS, SECTION_FILES, SECTION_HIDDEN };
#define SECTION_(s) SECTION_##s

/* Which commands take an option. */
#define TAKES_ANY ((1u << GL_CMD_COUNT) - 1)
#define TAKES_REPORT (1u << GL_CMD_REPORT)
#define TAKES_RUN (1u << GL_CMD_RUN)
#define TAKES_DIFF (1u << GL_CMD_DIFF)
#define TAKES_SNAPSHOT (1u << GL_CMD_SNAPSHOT)
#define TAKES_RUN_SNAPSHOT (TAKES_RUN | TAKES_SNAPSHOT)
#define TAKES_REPORT_DIFF (TAKES_REPORT | TAKES_DIFF)

/* getopt's code of an option without a letter. */
#define CODE_BASE 256

static const struct {
    const char *name, *usage, *help;
} commands[] = {
#define GL_CLI_COMMAND(id, name, usage, help) [GL_CMD_##id] = {name, usage, help},
#include "cli/commands.inc"
#undef GL_CLI_COMMAND
};

static const struct {
    const char *name;
    char letter;
    const char *arg;
    unsigned takes;
    int section;
    const char *help;
} options[] = {
#define GL_CLI_OPTION(id, name, letter, arg, cmds, section, help)                                 \
    [GL_CLI_##id] = {name, letter, arg, TAKES_##cmds, SECTION_(section), help},
#include "cli/options.inc"
#undef GL_CLI_OPTION
};

static const struct option long_options[] = {
#define GL_CLI_OPTION(id, name, letter, arg, cmds, section, help)                                 \
    {name, sizeof(arg) > 1 ? required_argument : no_argument, NULL, letter ? letter : CODE_BASE + GL_CLI_##id},
#include "cli/options.inc"
#undef GL_CLI_OPTION
    {NULL, 0, NULL, 0},
};

int gl_cli_command_of(const char *name)
{
    for (int i = 0; i < GL_CMD_COUNT; i++)
        if (strcmp(name, commands[i].name) == 0)
            return i;
    return -1;
}

const char *gl_cli_short_options(void)
{
    static char spec[2 + 2 * GL_CLI_OPTION_COUNT];
    if (!spec[0]) {
        size_t n = 0;
        spec[n++] = '+';
        for (int i = 0; i < GL_CLI_OPTION_COUNT; i++) {
            if (!options[i].letter)
                continue;
            spec[n++] = options[i].letter;
            if (options[i].arg[0])
                spec[n++] = ':';
        }
    }
    return spec;
}

const struct option *gl_cli_long_options(void)
{
    return long_options;
}

int gl_cli_option_of(int code)
{
    if (code >= CODE_BASE && code < CODE_BASE + GL_CLI_OPTION_COUNT)
        return code - CODE_BASE;
    for (int i = 0; code != '?' && i < GL_CLI_OPTION_COUNT; i++)
        if (options[i].letter && options[i].letter == code)
            return i;
    return -1;
}

int gl_cli_takes(gl_cli_command cmd, gl_cli_option opt, char *buf, size_t len)
{
    if (options[opt].takes & (1u << cmd))
        return 1;
    buf[0] = 0;
    for (int c = 0; c < GL_CMD_COUNT; c++)
        if (options[opt].takes & (1u << c)) {
            size_t n = strlen(buf);
            if (n)
                snprintf(buf + n, len - n, " and %s", commands[c].name);
            else
                snprintf(buf, len, "--%s is for %s", options[opt].name, commands[c].name);
        }
    return 0;
}

/* ---- --help ---- */

#define HELP_COLUMN 23
#define COMMAND_COLUMN 9

static void pad(FILE *out, int n)
{
    fprintf(out, "%*s", n, "");
}

/* text, its later lines ("\n") indented to column. */
static void put_lines(FILE *out, const char *text, int column)
{
    for (const char *line = text;;) {
        const char *nl = strchr(line, '\n');
        fprintf(out, "%.*s\n", nl ? (int)(nl - line) : (int)strlen(line), line);
        if (!nl)
            return;
        pad(out, column);
        line = nl + 1;
    }
}

static void put_option(FILE *out, int i)
{
    int width = options[i].letter ? fprintf(out, "  -%c, --%s", options[i].letter, options[i].name)
                                  : fprintf(out, "  --%s", options[i].name);
    if (options[i].arg[0])
        width += fprintf(out, " %s", options[i].arg);
    const char *help = options[i].help;
    if (help[0] == '\n') {
        fputc('\n', out);
        pad(out, HELP_COLUMN);
        help++;
    } else {
        pad(out, width + 2 < HELP_COLUMN ? HELP_COLUMN - width : 2);
    }
    put_lines(out, help, HELP_COLUMN);
}

static void put_section(FILE *out, int section)
{
    for (int i = 0; i < GL_CLI_OPTION_COUNT; i++)
        if (options[i].section == section)
            put_option(out, i);
}

static const char files_intro[] =
    "report files, written besides the report above, any number at once\n"
    "(docs/outputs.md):\n";

static const char files_paths[] =
    "  In FILE (and -o, --sarif-category) %p is the program's pid (report: the\n"
    "  first dump's), %b the program's base name (pool.test), %% a percent sign:\n"
    "    go test -exec \"goleash run --junit $PWD/reports/%b.xml --\" ./...\n"
    "  Missing directories of FILE are created.\n";

static const char environment_and_exit[] =
    "environment (run): GOLEASH_SHIM path of libgoleash.so; GOLEASH_OPTIONS options\n"
    "passed on to the shim; its suppressions= and default_suppressions= also apply\n"
    "to run's report, whatever backend observed the program, and so does its\n"
    "ignore_setup=.\n"
    "\n"
    "exit status: 0 no leaks, 1 leaks (diff: some group grew), 2 usage or input\n"
    "error (snapshot: no such process, not allowed to trace it), 3 run could\n"
    "not analyse the program (a gc build goleash cannot read, ptrace refused, no\n"
    "Go program in the tree: never a silent pass; --allow-unsupported: 0); for\n"
    "run, a non-zero exit status of PROG wins (128+N when signal N killed it).\n";

void gl_cli_usage(FILE *out)
{
    for (int c = 0; c < GL_CMD_COUNT; c++)
        fprintf(out, "%s%s\n", c ? "       " : "usage: ", commands[c].usage);
    fputs("       goleash help | --help | --version\n\n", out);
    for (int c = 0; c < GL_CMD_COUNT; c++) {
        fprintf(out, "%-*s", COMMAND_COLUMN, commands[c].name);
        put_lines(out, commands[c].help, COMMAND_COLUMN);
    }
    fputs("\noptions:\n", out);
    put_section(out, SECTION_OPTIONS);
    fprintf(out, "\n%s", files_intro);
    put_section(out, SECTION_FILES);
    fprintf(out, "%s\n%s", files_paths, environment_and_exit);
}
