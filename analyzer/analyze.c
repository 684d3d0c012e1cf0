/* The pipeline every command runs: the readers (readers/), symbolization
 * (enrich/), the rules and suppressions (common/rules/), the reports
 * (reports/). */
#include "analyze.h"
#include "enrich/symbolize.h"
#include "format/dump_read.h"
#include "readers/load.h"
#include "rules/rules.h"
#include "rules/suppress.h"
#include "warnings.h"

#include <stdio.h>
#include <string.h>

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
    if (gl_write_reports(o, r, &w, dumps.v, dumps.n) == 0)
        exit_code = r->ngroups ? GL_EXIT_LEAKS : GL_EXIT_CLEAN;
out:
    gl_report_free(r);
    gl_dump_list_free(&dumps);
    gl_warnings_free(&w);
    return exit_code;
}
