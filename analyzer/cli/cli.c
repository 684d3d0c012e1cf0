/* The command line from its tables (cli.h). */
#include "cli/cli.h"

#include <string.h>

#define SECTION_OPTIONS GL_CLI_SECTION_OPTIONS
#define SECTION_FILES GL_CLI_SECTION_FILES
#define SECTION_HIDDEN GL_CLI_SECTION_HIDDEN
#define SECTION_(s) SECTION_##s

/* Which commands take an option. */
#define TAKES_ANY ((1u << GL_CMD_COUNT) - 1)
#define TAKES_REPORT (1u << GL_CMD_REPORT)
#define TAKES_RUN (1u << GL_CMD_RUN)
#define TAKES_DIFF (1u << GL_CMD_DIFF)
#define TAKES_SNAPSHOT (1u << GL_CMD_SNAPSHOT)
#define TAKES_WATCH (1u << GL_CMD_WATCH)
#define TAKES_DIFF_WATCH (TAKES_DIFF | TAKES_WATCH)
#define TAKES_URLS (TAKES_REPORT | TAKES_DIFF | TAKES_WATCH)
#define TAKES_RUN_SNAPSHOT (TAKES_RUN | TAKES_SNAPSHOT)
#define TAKES_REPORTS (TAKES_REPORT | TAKES_RUN | TAKES_SNAPSHOT)

/* getopt's code of an option without a letter. */
#define CODE_BASE 256

static const gl_cli_command_desc commands[] = {
#define GL_CLI_COMMAND(id, name, usage, help) [GL_CMD_##id] = {name, usage, help},
#include "cli/commands.inc"
#undef GL_CLI_COMMAND
};

static const gl_cli_option_desc options[] = {
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

const gl_cli_command_desc *gl_cli_command_desc_of(gl_cli_command cmd)
{
    return &commands[cmd];
}

const gl_cli_option_desc *gl_cli_option_desc_of(gl_cli_option opt)
{
    return &options[opt];
}

int gl_cli_command_of(const char *name)
{
    for (int i = 0; i < GL_CMD_COUNT; i++)
        if (strcmp(name, commands[i].name) == 0)
            return i;
    return -1;
}

const char *gl_cli_command_name(gl_cli_command cmd)
{
    return commands[cmd].name;
}

const char *gl_cli_short_options(void)
{
    static char spec[3 + 2 * GL_CLI_OPTION_COUNT];
    if (!spec[0]) {
        size_t n = 0;
        spec[n++] = '+';
        spec[n++] = ':'; /* a missing argument is ':', so we can say which */
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
    for (int i = 0; code != '?' && code != ':' && i < GL_CLI_OPTION_COUNT; i++)
        if (options[i].letter && options[i].letter == code)
            return i;
    return -1;
}

int gl_cli_takes(gl_cli_command cmd, gl_cli_option opt, char *buf, size_t len)
{
    if (options[opt].takes & (1u << cmd))
        return 1;
    int n = 0, total = 0;
    for (int c = 0; c < GL_CMD_COUNT; c++)
        total += !!(options[opt].takes & (1u << c));
    size_t at = (size_t)snprintf(buf, len, "--%s is for", options[opt].name);
    for (int c = 0; c < GL_CMD_COUNT && at < len; c++)
        if (options[opt].takes & (1u << c))
            at += (size_t)snprintf(buf + at, len - at, "%s %s", n++ == 0 ? "" : n == total ? " and" : ",",
                                   commands[c].name);
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

/* The options of section that cmd takes (-1: every command's). */
static int put_section(FILE *out, int section, int cmd)
{
    int n = 0;
    for (int i = 0; i < GL_CLI_OPTION_COUNT; i++)
        if (options[i].section == section && (cmd < 0 || options[i].takes & (1u << cmd))) {
            put_option(out, i);
            n++;
        }
    return n;
}

const char gl_cli_files_paths[] =
    "In FILE (and -o, --sarif-category) %p is the program's pid (report: the\n"
    "first dump's), %b the program's base name (pool.test), %% a percent sign:\n"
    "  go test -exec \"goleash run --junit $PWD/reports/%b.xml --\" ./...\n"
    "Missing directories of FILE are created.\n";

const char gl_cli_environment[] =
    "GOLEASH_SHIM: the path of libgoleash.so (run). GOLEASH_OPTIONS: options\n"
    "passed on to the shim (libgoleash(7)); its suppressions=,\n"
    "default_suppressions= and ignore_setup= also apply to run's report,\n"
    "whatever backend observed the program.\n";

const char gl_cli_exit_status[] =
    "0 no leaks, 1 leaks (diff: some group grew; watch --once: some site\n"
    "grew), 2 usage or input error (snapshot: no such process, not allowed to\n"
    "trace it; watch --once: a sample failed), 3 run could not analyse the\n"
    "program (a gc build goleash cannot read, ptrace refused, no Go program in\n"
    "the tree: never a silent pass; --allow-unsupported: 0); for run, a\n"
    "non-zero exit status of PROG wins (128+N when signal N killed it). watch\n"
    "without --once runs until SIGINT or SIGTERM and then exits 0.\n";

/* Each line of text indented by n. */
static void put_indented(FILE *out, const char *text, int n)
{
    for (const char *line = text; *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        fprintf(out, "%*s%.*s\n", n, "", (int)len, line);
        line += len + (nl != NULL);
    }
}

static const char files_intro[] =
    "report files, written besides the report above, any number at once\n"
    "(docs/outputs.md):\n";

void gl_cli_usage(FILE *out)
{
    for (int c = 0; c < GL_CMD_COUNT; c++)
        fprintf(out, "%s%s\n", c ? "       " : "usage: ", commands[c].usage);
    fputs("       goleash help | --help | --version\n\n", out);
    for (int c = 0; c < GL_CMD_COUNT; c++) {
        fprintf(out, "%-*s", COMMAND_COLUMN, commands[c].name);
        put_lines(out, commands[c].help, COMMAND_COLUMN);
    }
    fputs("\noptions (goleash COMMAND --help: a command's own):\n", out);
    put_section(out, SECTION_OPTIONS, -1);
    fprintf(out, "\n%s", files_intro);
    put_section(out, SECTION_FILES, -1);
    put_indented(out, gl_cli_files_paths, 2);
    fputs("\nenvironment:\n", out);
    put_indented(out, gl_cli_environment, 2);
    fputs("\nexit status:\n", out);
    put_indented(out, gl_cli_exit_status, 2);
}

void gl_cli_usage_command(FILE *out, gl_cli_command cmd)
{
    fprintf(out, "usage: %s\n\n", commands[cmd].usage);
    put_lines(out, commands[cmd].help, 0);
    fputs("\noptions:\n", out);
    put_section(out, SECTION_OPTIONS, (int)cmd);
    if (options[GL_CLI_JSON].takes & (1u << cmd)) {
        fprintf(out, "\n%s", files_intro);
        put_section(out, SECTION_FILES, (int)cmd);
        put_indented(out, gl_cli_files_paths, 2);
    }
    fputs("\nMore: goleash --help, docs/ in the source tree.\n", out);
}

void gl_cli_option_error(char *const *argv, int code, int optopt_, int optind_, char *buf, size_t len)
{
    const char *word = optind_ > 0 ? argv[optind_ - 1] : "";
    int is_long = strncmp(word, "--", 2) == 0;
    if (code == ':') {
        if (is_long)
            snprintf(buf, len, "option '%.*s' needs an argument", (int)strcspn(word, "="), word);
        else
            snprintf(buf, len, "option '-%c' needs an argument", optopt_);
    } else if (is_long || !optopt_) {
        snprintf(buf, len, "unknown option '%.*s'", (int)strcspn(word, "="), word);
    } else {
        snprintf(buf, len, "unknown option '-%c'", optopt_);
    }
}
