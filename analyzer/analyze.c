#include "analyze.h"
#include "format/dump_read.h"
#include "readers/load.h"
#include "options/duration.h"
#include "reports/out_path.h"
#include "reports/github.h"
#include "reports/json.h"
#include "reports/junit.h"
#include "reports/sarif.h"
#include "text_report/text_report.h"
#include "enrich/source_root.h"
#include "rules/rules.h"
#include "rules/suppress.h"
#include "enrich/symbolize.h"
#include "warnings.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the report files need besides the report. */
typedef struct out_ctx {
    const gl_report_opts *o;
    const gl_report *r;
    const gl_warnings *w;
    gl_dump *const *dumps;
    size_t ndumps;
    int64_t pid;
    const char *program;       /* base name */
    gl_source_root root;
} out_ctx;

typedef enum out_kind { OUT_MAIN, OUT_JSON, OUT_JUNIT, OUT_SARIF } out_kind;

static int write_kind(FILE *out, out_kind kind, const out_ctx *c)
{
    switch (kind) {
    case OUT_MAIN:
        if (c->o->format == GL_FORMAT_TEXT) {
            gl_text_opts t = {.pid = c->pid, .print_when_clean = 1, .max_frames = 0};
            return gl_report_text(out, c->r, &t);
        }
        return gl_report_json(out, c->r, c->w);
    case OUT_JSON:
        return gl_report_json(out, c->r, c->w);
    case OUT_JUNIT:
        return gl_report_junit(out, c->r, c->dumps, c->ndumps, c->program);
    case OUT_SARIF: {
        char category[4096];
        const char *pattern = c->o->sarif_category ? c->o->sarif_category : "goleash/%b/";
        if (gl_out_path_expand(pattern, c->pid, c->program, category, sizeof category) != 0)
            return -1;
        gl_sarif_opts so = {.root = &c->root, .category = *category ? category : NULL};
        return gl_report_sarif(out, c->r, &so);
    }
    }
    return -1;
}

/* Writes one report to the file pattern names (stdout when NULL). */
static int write_one(const char *pattern, out_kind kind, const out_ctx *c)
{
    char path[4096];
    FILE *out = stdout;
    if (pattern) {
        if (gl_out_path_expand(pattern, c->pid, c->program, path, sizeof path) != 0) {
            fprintf(stderr, "goleash: %s: path too long\n", pattern);
            return -1;
        }
        if (gl_out_path_make_parent(path) != 0 || !(out = fopen(path, "w"))) {
            fprintf(stderr, "goleash: %s: %s\n", path, strerror(errno));
            return -1;
        }
    }
    int rc = write_kind(out, kind, c);
    if (fflush(out) != 0)
        rc = -1;
    if (out != stdout && fclose(out) != 0)
        rc = -1;
    if (rc != 0)
        fprintf(stderr, "goleash: %s: cannot write the report\n", pattern ? path : "stdout");
    return rc;
}

static int write_reports(const gl_report_opts *o, const gl_report *r, const gl_warnings *w, gl_dump *const *dumps,
                         size_t ndumps)
{
    out_ctx c = {.o = o, .r = r, .w = w, .dumps = dumps, .ndumps = ndumps};
    c.pid = o->pid ? o->pid : ndumps ? dumps[0]->pid : 0;
    const char *program = o->program ? o->program : ndumps && dumps[0]->exe ? dumps[0]->exe : "";
    c.program = *program ? gl_out_path_base(program) : "goleash";
    if (!*c.program)
        c.program = "goleash";
    int annotate = o->annotations == GL_ANNOTATE_ON || (o->annotations == GL_ANNOTATE_AUTO && gl_github_actions_env());
    if ((o->sarif_output || annotate) && gl_source_root_init(&c.root, o->source_root) != 0) {
        fprintf(stderr, "goleash: cannot tell the source root (--source-root): %s\n", strerror(errno));
        return -1;
    }
    int rc = write_one(o->output, OUT_MAIN, &c);
    if (o->json_output && write_one(o->json_output, OUT_JSON, &c) != 0)
        rc = -1;
    if (o->junit_output && write_one(o->junit_output, OUT_JUNIT, &c) != 0)
        rc = -1;
    if (o->sarif_output && write_one(o->sarif_output, OUT_SARIF, &c) != 0)
        rc = -1;
    if (annotate) {
        /* After the text report, so a report on stdout reads first. */
        if (gl_report_github(stdout, r, &c.root) != 0 || fflush(stdout) != 0) {
            fprintf(stderr, "goleash: stdout: cannot write the GitHub annotations\n");
            rc = -1;
        }
    }
    return rc;
}

/* gccgo's runtime/pprof records a stack only for the goroutine writing the
 * profile: the others arrive without one and cannot be judged. Say so, or a
 * clean report would look like a verdict. */
static void warn_stackless(const gl_dump *d, gl_warnings *w)
{
    size_t n = 0;
    for (size_t i = 0; i < d->ngoroutines; i++)
        if ((d->goroutines[i].flags & GL_GF_NO_STACK) && d->goroutines[i].state == GL_G_PARKED)
            n += d->goroutines[i].weight > 1 ? (size_t)d->goroutines[i].weight : 1;
    if (n && strncmp(d->source, "pprof", 5) == 0)
        gl_warn(w, "%s: %zu goroutine(s) without a stack were not judged (gccgo's runtime/pprof records only the "
                "caller's stack: use runtime.Stack or SIGQUIT there)", d->path, n);
}

int gl_analyze_load(const char *path, gl_dump_list *dumps, gl_warnings *w)
{
    gl_diag diag;
    size_t before = dumps->n;
    if (gl_load_dumps(path, dumps, &diag) != 0) {
        fprintf(stderr, "%s\n", diag.msg);
        return -1;
    }
    if (diag.msg[0])
        gl_warn_prefixed(w, diag.msg);
    if (diag.nwarnings > 1)
        gl_warn(w, "%s: %u more warning(s) about this input", path, diag.nwarnings - 1);
    for (size_t k = before; k < dumps->n; k++) {
        gl_symbolize(dumps->v[k], w);
        warn_stackless(dumps->v[k], w);
    }
    return 0;
}

int gl_analyze(const gl_report_opts *o, char *const *paths, size_t npaths)
{
    gl_dump_list dumps = {0};
    gl_warnings w = {0};
    int exit_code = GL_EXIT_USAGE;
    gl_report *r = NULL;
    for (size_t i = 0; i < npaths; i++)
        if (gl_analyze_load(paths[i], &dumps, &w) != 0)
            goto out;
    gl_rules_opts ro = {.min_park_ns = o->min_park_ns, .loose = o->loose, .ignore_setup = o->ignore_setup};
    r = gl_rules_run(dumps.v, dumps.n, &ro);
    if (!r) {
        fprintf(stderr, "goleash: out of memory\n");
        goto out;
    }
    gl_supp_apply(o->suppressions, r);
    if (write_reports(o, r, &w, dumps.v, dumps.n) == 0)
        exit_code = r->ngroups ? GL_EXIT_LEAKS : GL_EXIT_CLEAN;
out:
    gl_report_free(r);
    gl_dump_list_free(&dumps);
    gl_warnings_free(&w);
    return exit_code;
}
