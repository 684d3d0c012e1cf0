#include "analyze.h"
#include "dump_read.h"
#include "load.h"
#include "duration.h"
#include "report_json.h"
#include "report_text.h"
#include "rules.h"
#include "symbolize.h"
#include "warnings.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int gl_report_option(gl_report_opts *o, int opt, const char *arg)
{
    switch (opt) {
    case 'f':
        if (strcmp(arg, "text") == 0)
            o->format = GL_FORMAT_TEXT;
        else if (strcmp(arg, "json") == 0)
            o->format = GL_FORMAT_JSON;
        else {
            fprintf(stderr, "goleash: --format must be text or json, not '%s'\n", arg);
            return -1;
        }
        return 1;
    case 'm':
        if (gl_parse_duration(arg, &o->min_park_ns) != 0) {
            fprintf(stderr, "goleash: --min-park: bad duration '%s' (use e.g. 500ms, 2s)\n", arg);
            return -1;
        }
        return 1;
    case 'o':
        o->output = arg;
        return 1;
    case 'g':
        if (strcmp(arg, "exact") == 0)
            o->loose = 0;
        else if (strcmp(arg, "loose") == 0)
            o->loose = 1;
        else {
            fprintf(stderr, "goleash: --grouping must be exact or loose, not '%s'\n", arg);
            return -1;
        }
        return 1;
    default:
        return 0;
    }
}

static int write_report(const gl_report_opts *o, const gl_report *r, const gl_warnings *w, int64_t pid)
{
    FILE *out = stdout;
    if (o->output && !(out = fopen(o->output, "w"))) {
        fprintf(stderr, "goleash: %s: %s\n", o->output, strerror(errno));
        return -1;
    }
    int rc;
    if (o->format == GL_FORMAT_JSON) {
        rc = gl_report_json(out, r, w);
    } else {
        gl_text_opts t = {.pid = pid, .print_when_clean = 1, .max_frames = 0};
        rc = gl_report_text(out, r, &t);
    }
    if (fflush(out) != 0)
        rc = -1;
    if (out != stdout && fclose(out) != 0)
        rc = -1;
    if (rc != 0)
        fprintf(stderr, "goleash: %s: cannot write the report\n", o->output ? o->output : "stdout");
    return rc;
}

int gl_analyze(const gl_report_opts *o, char *const *paths, size_t npaths)
{
    gl_dump_list dumps = {0};
    gl_warnings w = {0};
    int exit_code = GL_EXIT_USAGE;
    gl_report *r = NULL;
    for (size_t i = 0; i < npaths; i++) {
        gl_diag diag;
        size_t before = dumps.n;
        if (gl_load_dumps(paths[i], &dumps, &diag) != 0) {
            fprintf(stderr, "%s\n", diag.msg);
            goto out;
        }
        if (diag.msg[0])
            gl_warn_prefixed(&w, diag.msg);
        if (diag.nwarnings > 1)
            gl_warn(&w, "%s: %u more warning(s) about this input", paths[i], diag.nwarnings - 1);
        for (size_t k = before; k < dumps.n; k++)
            gl_symbolize(dumps.v[k], &w);
    }
    gl_rules_opts ro = {.min_park_ns = o->min_park_ns, .loose = o->loose};
    r = gl_rules_run(dumps.v, dumps.n, &ro);
    if (!r) {
        fprintf(stderr, "goleash: out of memory\n");
        goto out;
    }
    int64_t pid = o->pid ? o->pid : dumps.n ? dumps.v[0]->pid : 0;
    if (write_report(o, r, &w, pid) == 0)
        exit_code = r->ngroups ? GL_EXIT_LEAKS : GL_EXIT_CLEAN;
out:
    gl_report_free(r);
    gl_dump_list_free(&dumps);
    gl_warnings_free(&w);
    return exit_code;
}
