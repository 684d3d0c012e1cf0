/* The pipeline every command runs: the readers (readers/), symbolization
 * (enrich/), the rules and suppressions (common/rules/), the reports
 * (reports/). */
#include "analyze.h"
#include "enrich/symbolize.h"
#include "format/dump_read.h"
#include "memory_limit.h"
#include "readers/load.h"
#include "rules/rules.h"
#include "rules/suppress.h"
#include "warnings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t weight_of(const gl_goroutine *g)
{
    return g->weight > 1 ? (size_t)g->weight : 1;
}

/* A profile written by gccgo: its stacks run through libgo's sources. */
static int from_libgo(const gl_dump *d)
{
    for (size_t i = 0; i < d->ngoroutines; i++) {
        const gl_stack *st = d->goroutines[i].stack;
        for (size_t k = 0; st && k < st->n; k++)
            if (st->frames[k].file && strstr(st->frames[k].file, "/libgo/go/"))
                return 1;
    }
    return 0;
}

/* Goroutines a profile gives without a stack cannot be judged. Say so, or a
 * clean report would look like a verdict. gccgo's runtime/pprof records a
 * stack only for the goroutine writing the profile; gc's leaves one out now
 * and then (a goroutine starting or ending as the profile is taken): the
 * hint to take another kind of dump is for gccgo only. */
static void warn_stackless(const gl_dump *d, gl_warnings *w)
{
    size_t n = 0;
    for (size_t i = 0; i < d->ngoroutines; i++)
        if ((d->goroutines[i].flags & GL_GF_NO_STACK) && d->goroutines[i].state == GL_G_PARKED)
            n += weight_of(&d->goroutines[i]);
    if (!n || strncmp(d->source, "pprof", 5) != 0)
        return;
    if (from_libgo(d))
        gl_warn(w, "%s: %zu goroutine(s) without a stack were not judged (gccgo's runtime/pprof records only the "
                "caller's stack: use runtime.Stack or SIGQUIT there)", d->path, n);
    else
        gl_warn(w, "%s: %zu goroutine(s) without a stack were not judged (the profile recorded no frames for them)",
                d->path, n);
}

/* Each run of skipped lines of a traceback, said as it is found. */
static void skipped_lines(void *ctx, const char *msg)
{
    gl_warn_prefixed(ctx, msg);
}

/* Dumps of one text input that came from tagged streams (readers/streams.h:
 * `docker compose` output): each names its process in exe. */
static int from_streams(gl_dump *const *d, size_t n, char *names, size_t len)
{
    size_t at = 0;
    names[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (!d[i]->exe || strcmp(d[i]->source, "goleash") == 0)
            return 0;
        if (at < len)
            at += (size_t)snprintf(names + at, len - at, "%s%s", i ? ", " : "", i < 4 ? d[i]->exe : "...");
        if (i >= 4)
            at = len;
    }
    return 1;
}

int gl_analyze_load(const char *path, const gl_fetch_opts *fetch, gl_dump_list *dumps, gl_warnings *w)
{
    gl_diag diag;
    size_t before = dumps->n;
    if (gl_load_dumps_sink(path, fetch, dumps, &diag, skipped_lines, w) != 0) {
        fprintf(stderr, "%s\n", diag.msg);
        return -1;
    }
    if (diag.msg[0])
        gl_warn_prefixed(w, diag.msg);
    if (diag.nwarnings > 1)
        gl_warn(w, "%s: %u more warning(s) about this input", path, diag.nwarnings - 1);
    char names[256];
    if (dumps->n - before > 1 && from_streams(dumps->v + before, dumps->n - before, names, sizeof names))
        gl_warn(w, "%s: %zu dumps in this input, one per process its lines are tagged with (%s), each read apart",
                path, dumps->n - before, names);
    else if (dumps->n - before > 1)
        gl_warn(w, "%s: %zu dumps in this input, each read as a moment of its own (a goroutine in two of them "
                "counts twice)", path, dumps->n - before);
    for (size_t k = before; k < dumps->n; k++) {
        gl_symbolize(dumps->v[k], w);
        warn_stackless(dumps->v[k], w);
    }
    return 0;
}

/* A child process that ended by a crash (a panic nobody recovered, a fatal
 * error, a fatal signal) left its goroutines wherever the crash found
 * them: test suites crash child processes on purpose and check that they
 * did. Those goroutines are not judged; a note says how many there were.
 * PROG's own crash is judged (its exit status fails the run anyway, and
 * the report tells what it left). Writes the dumps to judge to out (room
 * for n) and returns how many. top: PROG's pid, 0 when unknown (report).
 * Goroutines a writer could not read are warned about here too: a report
 * that leaves them out says so. */
static size_t judged_dumps(gl_dump *const *dumps, size_t n, int64_t top, gl_dump **out, gl_warnings *w)
{
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        const gl_dump *d = dumps[i];
        if (d->unreadable)
            gl_warn(w, "%s: %zu goroutine(s) of process %lld could not be read: they are not in the report",
                    d->path, d->unreadable, (long long)d->pid);
        int crash = d->reason && strcmp(d->reason, "crash") == 0;
        if (!top || d->pid == top || (!crash && (!d->reason || strcmp(d->reason, "signal") != 0))) {
            out[kept++] = dumps[i];
            continue;
        }
        size_t parked = 0;
        for (size_t k = 0; k < d->ngoroutines; k++)
            parked += d->goroutines[k].state == GL_G_PARKED && !d->goroutines[k].system;
        gl_warn(w, "%s: process %lld ended by a %s (exit status %d): its %zu parked goroutine(s) are not judged",
                d->path, (long long)d->pid, crash ? "crash (panic or fatal error)" : "fatal signal", d->status,
                parked);
    }
    return kept;
}

int gl_analyze(const gl_report_opts *o, char *const *paths, size_t npaths)
{
    gl_dump_list dumps = {0};
    gl_warnings w = {0};
    int exit_code = GL_EXIT_USAGE;
    gl_report *r = NULL;
    for (size_t i = 0; i < npaths; i++)
        if (gl_analyze_load(paths[i], o->fetch, &dumps, &w) != 0)
            goto out;
    gl_rules_opts ro = {.min_park_ns = o->min_park_ns, .loose = o->loose, .ignore_setup = o->ignore_setup};
    gl_dump **judged = malloc((dumps.n ? dumps.n : 1) * sizeof *judged);
    if (!judged) {
        gl_memory_oom("judging the dumps");
        goto out;
    }
    r = gl_rules_run(judged, judged_dumps(dumps.v, dumps.n, o->pid, judged, &w), &ro);
    free(judged);
    if (!r) {
        gl_memory_oom("judging the dumps");
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
