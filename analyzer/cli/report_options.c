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

/* The position of arg among words (NULL-terminated), which spell the
 * option's values in the order of their enum; -1 after saying what the
 * option takes. */
static int one_of(const char *option, const char *arg, const char *const *words)
{
    size_t n = 0;
    for (; words[n]; n++)
        if (strcmp(arg, words[n]) == 0)
            return (int)n;
    char list[128];
    size_t len = 0;
    for (size_t i = 0; i < n && len < sizeof list; i++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i == 0 ? "" : i + 1 < n ? ", " : " or ",
                                words[i]);
    fprintf(stderr, "goleash: %s must be %s, not '%s'\n", option, list, arg);
    return -1;
}

int gl_cli_report_option(gl_report_opts *o, gl_cli_option opt, const char *arg)
{
    switch (opt) {
    case GL_CLI_FORMAT: {
        int i = one_of("--format", arg, gl_format_names);
        if (i >= 0)
            o->format = (gl_format)i;
        return i >= 0 ? 1 : -1;
    }
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
    case GL_CLI_PPROF:
        return path_option(&o->pprof_output, "--pprof", arg);
    case GL_CLI_HTML:
        return path_option(&o->html_output, "--html", arg);
    case GL_CLI_SARIF_CATEGORY:
        return path_option(&o->sarif_category, "--sarif-category", arg);
    case GL_CLI_SOURCE_ROOT:
        o->source_root = arg;
        return 1;
    case GL_CLI_GITHUB_ANNOTATIONS: {
        static const char *const modes[] = {
            [GL_ANNOTATE_AUTO] = "auto", [GL_ANNOTATE_ON] = "on", [GL_ANNOTATE_OFF] = "off", NULL};
        int i = one_of("--github-annotations", arg, modes);
        if (i >= 0)
            o->annotations = (gl_annotations)i;
        return i >= 0 ? 1 : -1;
    }
    case GL_CLI_GROUPING: {
        static const char *const groupings[] = {"exact", "loose", NULL};
        int i = one_of("--grouping", arg, groupings);
        if (i >= 0)
            o->loose = i;
        return i >= 0 ? 1 : -1;
    }
    case GL_CLI_COLOR: {
        static const char *const modes[] = {
            [GL_COLOR_AUTO] = "auto", [GL_COLOR_ALWAYS] = "always", [GL_COLOR_NEVER] = "never", NULL};
        int i = one_of("--color", arg, modes);
        if (i >= 0)
            o->color = (gl_color)i;
        return i >= 0 ? 1 : -1;
    }
    case GL_CLI_IGNORE_SETUP:
        o->ignore_setup = 1;
        return 1;
    default:
        return 0;
    }
}
