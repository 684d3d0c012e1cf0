/* The goleash command line, made from its two tables: the commands
 * (commands.inc) and the options (options.inc). getopt's table, which
 * command takes which option, and --help all come from them. */
#ifndef GOLEASH_CLI_H
#define GOLEASH_CLI_H

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>

#include "analyze.h"

typedef enum gl_cli_command {
#define GL_CLI_COMMAND(id, name, usage, help) GL_CMD_##id,
#include "cli/commands.inc"
#undef GL_CLI_COMMAND
    GL_CMD_COUNT
} gl_cli_command;

/* Where --help lists an option. */
enum { GL_CLI_SECTION_OPTIONS, GL_CLI_SECTION_FILES, GL_CLI_SECTION_HIDDEN };

/* A row of commands.inc and of options.inc, for the generated pages (man
 * pages, shell completion: cli/man.c). */
typedef struct gl_cli_command_desc {
    const char *name, *usage, *help;
} gl_cli_command_desc;

typedef struct gl_cli_option_desc {
    const char *name;
    char letter;
    const char *arg;      /* "" none */
    unsigned takes;       /* bit per gl_cli_command */
    int section;          /* GL_CLI_SECTION_* */
    const char *help;     /* NULL for hidden ones */
} gl_cli_option_desc;

/* The texts of --help besides the tables. */
extern const char gl_cli_files_paths[];
extern const char gl_cli_environment[];
extern const char gl_cli_exit_status[];

typedef enum gl_cli_option {
#define GL_CLI_OPTION(id, name, letter, arg, commands, section, help) GL_CLI_##id,
#include "cli/options.inc"
#undef GL_CLI_OPTION
    GL_CLI_OPTION_COUNT
} gl_cli_option;

const gl_cli_command_desc *gl_cli_command_desc_of(gl_cli_command cmd);
const gl_cli_option_desc *gl_cli_option_desc_of(gl_cli_option opt);

/* The command called name, -1 when there is none. */
int gl_cli_command_of(const char *name);
const char *gl_cli_command_name(gl_cli_command cmd);

/* getopt_long's arguments for every command ('+': for run, the options end
 * at PROG, whose own options are not ours). */
const char *gl_cli_short_options(void);
const struct option *gl_cli_long_options(void);

/* The option getopt_long returned code for, -1 for '?' and ':' (an
 * unknown option, a missing argument: gl_cli_option_error says which). */
int gl_cli_option_of(int code);

/* Whether cmd takes opt; when not, why, into buf ("--min-growth is for diff"). */
int gl_cli_takes(gl_cli_command cmd, gl_cli_option opt, char *buf, size_t len);

/* The --help text. */
void gl_cli_usage(FILE *out);

/* One command's help: its usage, what it does, the options it takes. */
void gl_cli_usage_command(FILE *out, gl_cli_command cmd);

/* What was wrong when getopt_long returned code '?' or ':' (its optopt and
 * optind given), without the "goleash: " prefix, into buf. */
void gl_cli_option_error(char *const *argv, int code, int optopt_, int optind_, char *buf, size_t len);

/* The options every command reads into gl_report_opts (--format, --min-park,
 * -o, --grouping, --ignore-setup and the report files). Returns 1 when opt
 * was one of them, 0 when not, -1 on a bad value (message printed). */
int gl_cli_report_option(gl_report_opts *o, gl_cli_option opt, const char *arg);

#endif
