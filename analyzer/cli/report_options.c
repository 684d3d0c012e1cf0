/* The values of the options every command reads into gl_report_opts. */
#include "cli/cli.h"
#include "options/duration.h"
#include "reports/out_path.h"

#include <stdio.h>
#include <string.h>

static int path_option(const char **slot, const char *name, const char *arg)
{
    char bad;
    if (gl_out_path_check(arg, &bad) != 0) {
        if (bad)
            fprintf(stderr, "goleash: %s %s: unknown placeholder %%%c (use %%p, %%b or %%%%)\n", name, arg, bad);
        else
            fprintf(stderr, "goleash: %s %s: lone %% at the end (use %%%% for a percent sign)\n", name, arg);
        return -1;
    }
    *slot = arg;
    return 1;
}

int gl_cli_report_option(gl_report_opts *o, gl_cli_option opt, const char *arg)
{
    switch (opt) {
    case GL_CLI_FORMAT:
        if (strcmp(arg, "text") == 0)
            o->format = GL_FORMAT_TEXT;
        else if (strcmp(arg, "json") == 0)
            o->format = GL_FORMAT_JSON;
        else {
            fprintf(stderr, "goleash: --format must be text or json, not '%s'\n", arg);
            return -1;
        }
        return 1;
    case GL_CLI_MIN_PARK:
        if (gl_parse_duration(arg, &o->min_park_ns) != 0) {
            fprintf(stderr, "goleash: --min-park: bad duration '%s' (use e.g. 500ms, 2s)\n", arg);
            return -1;
        }
        return 1;
    case GL_CLI_OUTPUT:
        return path_option(&o->output, "-o", arg);
    case GL_CLI_JSON:
        return path_option(&o->json_output, "--json", arg);
    case GL_CLI_JUNIT:
        return path_option(&o->junit_output, "--junit", arg);
    case GL_CLI_SARIF:
        return path_option(&o->sarif_output, "--sarif", arg);
    case GL_CLI_SARIF_CATEGORY:
        return path_option(&o->sarif_category, "--sarif-category", arg);
    case GL_CLI_SOURCE_ROOT:
        o->source_root = arg;
        return 1;
    case GL_CLI_GITHUB_ANNOTATIONS:
        if (strcmp(arg, "auto") == 0)
            o->annotations = GL_ANNOTATE_AUTO;
        else if (strcmp(arg, "on") == 0)
            o->annotations = GL_ANNOTATE_ON;
        else if (strcmp(arg, "off") == 0)
            o->annotations = GL_ANNOTATE_OFF;
        else {
            fprintf(stderr, "goleash: --github-annotations must be auto, on or off, not '%s'\n", arg);
            return -1;
        }
        return 1;
    case GL_CLI_GROUPING:
        if (strcmp(arg, "exact") == 0)
            o->loose = 0;
        else if (strcmp(arg, "loose") == 0)
            o->loose = 1;
        else {
            fprintf(stderr, "goleash: --grouping must be exact or loose, not '%s'\n", arg);
            return -1;
        }
        return 1;
    case GL_CLI_IGNORE_SETUP:
        o->ignore_setup = 1;
        return 1;
    default:
        return 0;
    }
}
