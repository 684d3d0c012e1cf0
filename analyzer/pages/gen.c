/* Generates, from the command's tables (commands.inc, options.inc) and the
 * shim's (common/options/options.inc), what is installed besides the
 * binaries, so none of it can drift from the code:
 *
 *   goleash-gen man1        goleash(1)
 *   goleash-gen man7        libgoleash(7): the shim and GOLEASH_OPTIONS
 *   goleash-gen bash        bash completion
 *
 * The page's prose beyond the tables is here; the tables are not. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#ifndef GOLEASH_VERSION
#define GOLEASH_VERSION "0"
#endif

/* text as roff: backslashes and hyphens escaped, a line that would start
 * with a control character guarded. */
static void roff(const char *text)
{
    int bol = 1;
    for (const char *p = text; *p; p++) {
        if (bol && (*p == '.' || *p == '\''))
            fputs("\\&", stdout);
        bol = *p == '\n';
        if (*p == '\\')
            fputs("\\e", stdout);
        else if (*p == '-')
            fputs("\\-", stdout);
        else
            putchar(*p);
    }
}

static void roff_line(const char *text)
{
    roff(text);
    putchar('\n');
}

static void man1_options(int section)
{
    for (int i = 0; i < GL_CLI_OPTION_COUNT; i++) {
        const gl_cli_option_desc *o = gl_cli_option_desc_of((gl_cli_option)i);
        if (o->section != section || !o->help)
            continue;
        fputs(".TP\n", stdout);
        if (o->letter)
            printf("\\fB\\-%c\\fR, ", o->letter);
        fputs("\\fB\\-\\-", stdout);
        roff(o->name);
        fputs("\\fR", stdout);
        if (o->arg[0]) {
            fputs(" \\fI", stdout);
            roff(o->arg);
            fputs("\\fR", stdout);
        }
        putchar('\n');
        roff_line(o->help[0] == '\n' ? o->help + 1 : o->help);
    }
}

static void man1(void)
{
    printf(".TH GOLEASH 1 \"\" \"goleash %s\" \"User Commands\"\n", GOLEASH_VERSION);
    puts(".SH NAME\ngoleash \\- find goroutine leaks in Go programs");
    puts(".SH SYNOPSIS\n.nf");
    for (int c = 0; c < GL_CMD_COUNT; c++)
        roff_line(gl_cli_command_desc_of((gl_cli_command)c)->usage);
    puts("goleash help [COMMAND] | \\-\\-help | \\-\\-version | \\-\\-print\\-shim\\-path\n.fi");
    puts(".SH DESCRIPTION\ngoleash reports goroutines left parked for ever: on a channel nobody\n"
         "closes, a context nobody cancels, a lock nobody releases. Programs built\n"
         "with the gc toolchain are read from outside over ptrace; programs built\n"
         "with gccgo through the preloaded libgoleash.so (see \\fBlibgoleash\\fR(7)).");
    puts(".SH COMMANDS");
    for (int c = 0; c < GL_CMD_COUNT; c++) {
        const gl_cli_command_desc *d = gl_cli_command_desc_of((gl_cli_command)c);
        printf(".TP\n.B %s\n", d->name);
        roff_line(d->help);
    }
    puts(".SH OPTIONS\nEach command takes the options that apply to it (goleash COMMAND \\-\\-help).");
    man1_options(GL_CLI_SECTION_OPTIONS);
    puts(".SH REPORT FILES\nWritten besides the main report, any number at once.");
    man1_options(GL_CLI_SECTION_FILES);
    puts(".PP");
    roff(gl_cli_files_paths);
    puts(".SH ENVIRONMENT");
    roff(gl_cli_environment);
    puts(".SH EXIT STATUS");
    roff(gl_cli_exit_status);
    puts(".SH EXAMPLES\n.nf\ngoleash run \\-\\- ./server\n"
         "go test \\-exec 'goleash run \\-\\-' ./...\n"
         "goleash snapshot \\-\\-min\\-park 2s 4242\n"
         "goleash report crash.log\n"
         "goleash diff before.txt after.pb.gz\n"
         "goleash watch \\-\\-listen 127.0.0.1:9464 http://svc:6060/debug/pprof/goroutine?debug=1\n"
         "goleash watch \\-\\-once \\-\\-interval 10s 4242\n.fi");
    puts(".SH SEE ALSO\n\\fBlibgoleash\\fR(7), \\fBgo\\fR(1)");
}

static void man7_option(const char *name, const char *arg, const char *help)
{
    fputs(".TP\n\\fB", stdout);
    roff(name);
    fputs("\\fR=\\fI", stdout);
    roff(arg);
    puts("\\fR");
    roff_line(help);
}

static void man7(void)
{
    printf(".TH LIBGOLEASH 7 \"\" \"goleash %s\" \"Miscellaneous\"\n", GOLEASH_VERSION);
    puts(".SH NAME\nlibgoleash.so \\- goroutine\\-leak detection preloaded into gccgo programs");
    puts(".SH SYNOPSIS\n.nf\nLD_PRELOAD=$(goleash \\-\\-print\\-shim\\-path) GOLEASH_OPTIONS=... ./prog\n.fi");
    puts(".SH DESCRIPTION\nPreloaded into a program built with gccgo (whose runtime, libgo, is a\n"
         "shared library), libgoleash.so interposes the runtime's spawn, channel,\n"
         "park, sync, context and timer entry points, records who created each\n"
         "goroutine and where and on what it parked, and when the program exits\n"
         "prints a report of the goroutines left parked, LeakSanitizer\\-style, and\n"
         "exits with status 23 if there were any (unless the program already\n"
         "failed). In any other program it does nothing. \\fBgoleash run\\fR(1)\n"
         "preloads it itself and also handles programs built with gc.");
    puts(".SH OPTIONS\nIn the environment variable GOLEASH_OPTIONS, key=value pairs separated\n"
         "by ':' (or ',' or blanks); quote a value holding separators; later keys\n"
         "win. A bad key or value is one warning line and is ignored.");
#define GL_OPTION(type, name, def, arg, help) man7_option(#name, arg, help);
#include "options/options.inc"
#undef GL_OPTION
    puts(".SH EXIT STATUS\n23 when leaks were found and the program would have exited 0\n"
         "(the exitcode option); the program's own status otherwise.");
    puts(".SH SEE ALSO\n\\fBgoleash\\fR(1)");
}

/* Completion: the commands, then each command's options; files otherwise. */
static void bash(void)
{
    puts("# bash completion for goleash (generated from its option tables)");
    puts("_goleash() {\n    local cur=${COMP_WORDS[COMP_CWORD]} cmd=${COMP_WORDS[1]} opts\n"
         "    if [[ $COMP_CWORD -eq 1 ]]; then");
    fputs("        COMPREPLY=($(compgen -W 'help --help --version --print-shim-path", stdout);
    for (int c = 0; c < GL_CMD_COUNT; c++)
        printf(" %s", gl_cli_command_desc_of((gl_cli_command)c)->name);
    puts("' -- \"$cur\"))\n        return\n    fi\n    case $cmd in");
    for (int c = 0; c < GL_CMD_COUNT; c++) {
        printf("    %s) opts='", gl_cli_command_desc_of((gl_cli_command)c)->name);
        for (int i = 0; i < GL_CLI_OPTION_COUNT; i++) {
            const gl_cli_option_desc *o = gl_cli_option_desc_of((gl_cli_option)i);
            if (o->takes & (1u << c))
                printf("%s--%s", i ? " " : "", o->name);
        }
        puts("' ;;");
    }
    puts("    help) COMPREPLY=($(compgen -W '");
    for (int c = 0; c < GL_CMD_COUNT; c++)
        printf("%s%s", c ? " " : "", gl_cli_command_desc_of((gl_cli_command)c)->name);
    puts("' -- \"$cur\")); return ;;\n    *) return ;;\n    esac\n"
         "    if [[ $cur == -* ]]; then\n        COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
         "    else\n        COMPREPLY=($(compgen -f -- \"$cur\"))\n    fi\n}\n"
         "complete -o filenames -F _goleash goleash");
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "";
    if (strcmp(what, "man1") == 0)
        man1();
    else if (strcmp(what, "man7") == 0)
        man7();
    else if (strcmp(what, "bash") == 0)
        bash();
    else {
        fprintf(stderr, "usage: goleash-gen man1|man7|bash\n");
        return 2;
    }
    return ferror(stdout) ? 1 : 0;
}
