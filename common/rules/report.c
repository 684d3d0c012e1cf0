/* Report assembly: every goroutine of every dump judged (a leak, still
 * running, or neither), the groups sorted, the tests tallied. */
#include "rules/judge.h"

#include "util/util.h"

#include <stdlib.h>
#include <string.h>

static int add_running(gl_judge *j, const gl_goroutine *g)
{
    gl_report *r = j->r;
    if (gl_grow((void **)&r->running, &j->cap_running, r->nrunning + 1, sizeof *r->running) != 0)
        return -1;
    gl_running *x = &r->running[r->nrunning++];
    x->goid = g->id;
    x->pid = g->dump->pid;
    x->g = g;
    x->function = gl_rules_start_function(g);
    x->created_at = gl_rules_creation_frame(g->created, NULL);
    return 0;
}

static int add_leak(gl_judge *j, const gl_goroutine *g, gl_category cat, const gl_context *ctx)
{
    gl_report *r = j->r;
    const char *test;
    if (gl_attribute(j, g, &test) != 0)
        return -1;
    size_t weight = g->weight > 1 ? (size_t)g->weight : 1;
    if (test == gl_setup_test) {
        r->setup_leaked += weight;
        if (j->ignore_setup) {
            r->ignored_setup += weight;
            return 0;
        }
    }
    return gl_group_add(j, g, cat, ctx, test, weight);
}

/* A running service's main goroutine waits for the end of the program
 * (a signal, a quit channel, select {}) by design: in a snapshot of a live
 * process it is not a suspect. */
static int main_of_live_process(const gl_goroutine *g)
{
    const gl_dump *d = g->dump;
    return g->id == 1 && d->reason && strcmp(d->reason, "snapshot") == 0;
}

static int judge(gl_judge *j, const gl_goroutine *g, int64_t min_park)
{
    if (g->system || g->state == GL_G_EXITED)
        return 0;
    /* Go 1.26's goroutineleak profile: the garbage collector proved that
     * nothing can ever wake it, whatever the wait and however short. */
    if (g->flags & GL_GF_LEAKED)
        return add_leak(j, g, gl_leak_candidate(g) ? gl_category_of(g) : GL_CAT_OTHER, NULL);
    if (g->state == GL_G_RUNNING || !gl_leak_candidate(g) || main_of_live_process(g))
        return add_running(j, g);
    int64_t parked = gl_parked_ns(g);
    if (parked >= 0 && parked < min_park) {
        /* Said in the report: a fresh leak must not vanish without a hint. */
        j->r->below_min_park++;
        if (min_park > j->r->min_park_hid_ns)
            j->r->min_park_hid_ns = min_park;
        return add_running(j, g);
    }
    const gl_context *ctx = NULL;
    if (gl_waits_on_channels(g)) {
        if (gl_live_timer(g) || gl_signal_chan(g) || gl_woken_by_close(g))
            return add_running(j, g); /* it wakes by itself, or was woken */
        ctx = gl_uncancelled_context(g);
    }
    return add_leak(j, g, ctx ? GL_CAT_CONTEXT : gl_category_of(g), ctx);
}

static int compare_groups(const void *pa, const void *pb)
{
    const gl_leak_group *a = *(const gl_leak_group *const *)pa;
    const gl_leak_group *b = *(const gl_leak_group *const *)pb;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    const char *fa = a->blocked_at ? a->blocked_at->function : NULL;
    const char *fb = b->blocked_at ? b->blocked_at->function : NULL;
    if (fa != fb) {
        if (!fa)
            return 1;
        if (!fb)
            return -1;
        int c = strcmp(fa, fb);
        if (c)
            return c;
    }
    if (a->category != b->category)
        return a->category < b->category ? -1 : 1;
    /* Otherwise first seen first, so the order never depends on qsort. */
    return a < b ? -1 : a > b;
}

static int sort_groups(gl_report *r)
{
    if (r->ngroups < 2)
        return 0;
    gl_leak_group **order = malloc(r->ngroups * sizeof *order);
    gl_leak_group *sorted = malloc(r->ngroups * sizeof *sorted);
    if (!order || !sorted) {
        free(order);
        free(sorted);
        return -1;
    }
    for (size_t i = 0; i < r->ngroups; i++)
        order[i] = &r->groups[i];
    qsort(order, r->ngroups, sizeof *order, compare_groups);
    /* Moving a group is a plain copy: its pointers lead into the dumps. */
    for (size_t i = 0; i < r->ngroups; i++)
        sorted[i] = *order[i];
    free(order);
    free(r->groups);
    r->groups = sorted;
    return 0;
}

static void free_judge(gl_judge *j)
{
    gl_groups_free(j);
    gl_attribution_free(j);
}

/* The dumps' format: "mixed" when they differ, "goleash" when none says. */
static const char *report_source(gl_dump *const *dumps, size_t ndumps)
{
    const char *source = "goleash";
    for (size_t di = 0, seen = 0; di < ndumps; di++) {
        const char *src = dumps[di] && dumps[di]->source ? dumps[di]->source : NULL;
        if (!src)
            continue;
        if (seen++ && strcmp(src, source) != 0)
            return "mixed";
        source = src;
    }
    return source;
}

static int judge_dump(gl_judge *j, const gl_dump *d, const gl_rules_opts *opts)
{
    if (d->truncated)
        j->r->truncated = 1;
    int64_t min_park = !opts ? 0 : opts->min_park_ns >= 0 ? opts->min_park_ns : d->min_park_ns;
    j->ignore_setup = !opts ? 0 : opts->ignore_setup >= 0 ? opts->ignore_setup : d->ignore_setup;
    /* A tag alone counts too: a dump cut before its test list, or a
     * hand-written one. */
    j->dump_ran_tests = d->ntests > 0 || d->tests_dropped > 0;
    for (size_t i = 0; i < d->ngoroutines && !j->dump_ran_tests; i++)
        j->dump_ran_tests = d->goroutines[i].test != NULL;
    for (size_t i = 0; i < d->ngoroutines; i++) {
        const gl_goroutine *g = &d->goroutines[i];
        if (g->state != GL_G_EXITED)
            j->r->goroutines += g->weight > 1 ? (size_t)g->weight : 1;
        if (judge(j, g, min_park) != 0)
            return -1;
    }
    return 0;
}

gl_report *gl_rules_run(gl_dump *const *dumps, size_t ndumps, const gl_rules_opts *opts)
{
    gl_judge j = {0};
    j.r = calloc(1, sizeof *j.r);
    if (!j.r)
        return NULL;
    j.r->ndumps = ndumps;
    j.r->source = report_source(dumps, ndumps);
    j.loose = opts ? opts->loose : 0;
    int rc = 0;
    for (size_t di = 0; di < ndumps && rc == 0; di++)
        if (dumps[di])
            rc = judge_dump(&j, dumps[di], opts);
    if (rc == 0)
        rc = sort_groups(j.r) != 0 || gl_tally_tests(&j, dumps, ndumps) != 0 ? -1 : 0;
    free_judge(&j);
    if (rc != 0) {
        gl_report_free(j.r);
        return NULL;
    }
    return j.r;
}

const char *gl_group_reason(const gl_leak_group *g)
{
    return g->first && g->first->reason_text ? g->first->reason_text : gl_wait_reason_string(g->reason);
}

void gl_report_free(gl_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->ngroups; i++)
        gl_group_release(&r->groups[i]);
    free(r->groups);
    free(r->running);
    free(r->tests);
    free(r);
}
