#include "text_report/text_report.h"
#include "options/duration.h"
#include "rules/suppress.h"
#include "util/escape.h"

#include <stdlib.h>
#include <string.h>

static const char *base_name(const char *path)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    return slash ? slash + 1 : path ? path : "?";
}

/* Names come from the program (symbols, DWARF, a dump anyone may have
 * written): composed raw, then escaped as a whole, since nothing goleash
 * adds to a frame is a control character. */
static void format_frame_raw(char *buf, size_t len, const gl_dump *d, const gl_frame *f)
{
    const char *fn = f->function ? f->function : "??";
    if (f->file) {
        snprintf(buf, len, "%s %s:%d", fn, f->file, f->line);
        return;
    }
    char where[256];
    const gl_module *m = gl_dump_module(d, f->mod);
    if (m)
        snprintf(where, sizeof where, "%s+0x%llx", base_name(m->path), (unsigned long long)(f->pc - m->base));
    else
        snprintf(where, sizeof where, "0x%llx", (unsigned long long)f->pc);
    if (f->function)
        snprintf(buf, len, "%s+0x%llx (%s)", fn, (unsigned long long)f->off, where);
    else
        snprintf(buf, len, "%s (%s)", fn, where);
}

void gl_format_frame(char *buf, size_t len, const gl_dump *d, const gl_frame *f)
{
    char raw[2048];
    format_frame_raw(raw, sizeof raw, d, f);
    gl_escape_to(buf, len, raw);
}

/* Prints s from frame `from` on, numbered from #0, saying how many inner
 * frames were skipped and how many were left out by max_frames. */
static void print_frames(FILE *out, const gl_dump *d, const gl_stack *s, size_t from, size_t max)
{
    char buf[1024];
    if (from)
        fprintf(out, "    (%zu inner runtime frame(s) not shown)\n", from);
    size_t shown = 0;
    for (size_t i = from; i < s->n; i++) {
        if (max && shown == max) {
            fprintf(out, "    ... %zu more frame(s)\n", s->n - i);
            break;
        }
        gl_format_frame(buf, sizeof buf, d, &s->frames[i]);
        fprintf(out, "    #%zu %s\n", shown++, buf);
    }
    if (s->truncated)
        fprintf(out, "    ... (stack truncated by the capture limit)\n");
}

static void print_site(char *buf, size_t len, const gl_dump *d, const gl_stack *s)
{
    const gl_frame *f = gl_rules_user_frame(s, NULL);
    if (f)
        gl_format_frame(buf, len, d, f);
    else
        snprintf(buf, len, "an unknown site");
}

/* "1.5s before the dump", or "" when the time is unknown. */
static const char *ago(char *buf, size_t len, const gl_dump *d, int64_t ns)
{
    if (ns <= 0 || ns > d->mono_ns) {
        buf[0] = '\0';
        return buf;
    }
    char dur[32];
    gl_format_duration(d->mono_ns - ns, dur, sizeof dur);
    snprintf(buf, len, "%s before the dump", dur);
    return buf;
}

static void print_channel(FILE *out, const gl_leak_group *g)
{
    const gl_chan *c = g->chan;
    const gl_dump *d = g->dump;
    char site[1024], when[64];
    print_site(site, sizeof site, d, c->made);
    fprintf(out, "  channel 0x%llx: made at %s, ", (unsigned long long)c->addr, site);
    if (c->cap == 0)
        fprintf(out, "unbuffered");
    else
        fprintf(out, "buffered (cap %lld)", (long long)c->cap);
    if (c->timer)
        fprintf(out, ", %s %s", gl_timer_kind_name(c->timer), c->timer_live ? "live" : "stopped");
    if (!c->closed) {
        fprintf(out, ", never closed");
    } else {
        fprintf(out, ", closed by goroutine %lld", (long long)c->closer);
        if (*ago(when, sizeof when, d, c->closed_ns))
            fprintf(out, " %s", when);
    }
    if (c->ntouches) {
        const gl_touch *t = &c->touches[c->ntouches - 1];
        fprintf(out, "; last touched by goroutine %lld (", (long long)t->goid);
        gl_fput_escaped(out, t->op);
        if (*ago(when, sizeof when, d, t->ns))
            fprintf(out, ", %s", when);
        fprintf(out, ")");
    }
    fprintf(out, "\n");
}

/* ---- who holds the lock a group waits on, and what that holder does ---- */

#define LOCK_CHAIN_MAX 8

static void print_lock(FILE *out, const gl_dump *d, const gl_lock *l, int depth, int64_t *chain, size_t nchain);

static void print_holder(FILE *out, const gl_dump *d, const gl_lock *l, const gl_holder *h, int depth,
                         int64_t *chain, size_t nchain)
{
    char site[1024];
    int indent = 4 + 2 * depth;
    gl_holder_state st;
    gl_holder_state_of(d, h, &st);
    if (l->kind == GL_WAIT_ONCE)
        fprintf(out, "%*sits function run by goroutine %lld", indent, "", (long long)h->goid);
    else
        fprintf(out, "%*sheld by goroutine %lld%s", indent, "", (long long)h->goid, h->read ? " (read lock)" : "");
    if (st.exited)
        fprintf(out, ", which exited without %s", l->kind == GL_WAIT_ONCE ? "returning" : "unlocking");
    if (h->site) {
        print_site(site, sizeof site, d, h->site);
        fprintf(out, ", %s at %s", l->kind == GL_WAIT_ONCE ? "Once.Do called" : "locked", site);
    }
    if (st.blocked_at) {
        gl_format_frame(site, sizeof site, d, st.blocked_at);
        fprintf(out, "; it is blocked (%s) at %s", st.category, site);
    } else if (!st.exited && st.g) {
        fprintf(out, "; it is running");
    }
    fprintf(out, "\n");
    if (!st.waits_on)
        return;
    for (size_t i = 0; i < nchain; i++)
        if (chain[i] == h->goid) {
            fprintf(out, "%*s(waiting for a lock held along this chain: a deadlock)\n", indent + 2, "");
            return;
        }
    if (nchain >= LOCK_CHAIN_MAX) {
        fprintf(out, "%*s... (chain cut at %d locks)\n", indent + 2, "", LOCK_CHAIN_MAX);
        return;
    }
    chain[nchain] = h->goid;
    print_lock(out, d, st.waits_on, depth + 1, chain, nchain + 1);
}

static void print_lock(FILE *out, const gl_dump *d, const gl_lock *l, int depth, int64_t *chain, size_t nchain)
{
    int indent = 2 + 2 * depth;
    fprintf(out, "%*s%s%s 0x%llx:", indent, "", depth ? "on " : "", gl_lock_kind_name(l), (unsigned long long)l->addr);
    if (l->kind == GL_WAIT_RWMUTEX && l->readers >= 0)
        fprintf(out, " %lld read lock(s) held%s", (long long)l->readers, l->nholders ? "" : ";");
    if (l->locked == 0 && l->kind != GL_WAIT_RWMUTEX)
        fprintf(out, " unlocked at the dump");
    else if (!l->nholders)
        fprintf(out, " its holder is not recorded");
    else if (l->kind == GL_WAIT_MUTEX)
        fprintf(out, " locked");
    else if (l->kind == GL_WAIT_ONCE)
        fprintf(out, " its function has not returned");
    fprintf(out, "\n");
    for (size_t i = 0; i < l->nholders; i++)
        print_holder(out, d, l, &l->holders[i], depth, chain, nchain);
}

void gl_report_text_group(FILE *out, const gl_leak_group *g, size_t max_frames)
{
    char dmin[32], dmax[32];
    const char *reason = gl_group_reason(g);
    if (!*reason)
        reason = gl_wait_name(g->wait);
    fprintf(out, "Leak of %zu goroutine(s) [", g->count);
    gl_fput_escaped(out, reason);
    fprintf(out, ", category %s]", gl_category_name(g->category));
    if (g->parked_min_ns >= 0 && (g->first->flags & GL_GF_MINUTES)) {
        /* gc prints whole minutes, rounded down: a lower bound. */
        long long lo = (long long)(g->parked_min_ns / 60000000000LL);
        long long hi = (long long)(g->parked_max_ns / 60000000000LL);
        if (lo == 0 && hi == 0)
            fprintf(out, ", parked < 1 min");
        else if (lo == hi)
            fprintf(out, ", parked >= %lld min", lo);
        else
            fprintf(out, ", parked >= %lld..%lld min", lo, hi);
    } else if (g->parked_min_ns >= 0) {
        gl_format_duration(g->parked_min_ns, dmin, sizeof dmin);
        gl_format_duration(g->parked_max_ns, dmax, sizeof dmax);
        if (strcmp(dmin, dmax) == 0)
            fprintf(out, ", parked %s", dmin);
        else
            fprintf(out, ", parked %s..%s", dmin, dmax);
    }
    if (g->first->flags & GL_GF_LEAKED)
        fprintf(out, ", leaked per the Go runtime");
    if (g->first->flags & GL_GF_DURABLE)
        fprintf(out, ", durably blocked (synctest)");
    fprintf(out, ", blocked at:\n");
    if (g->stack && g->stack->n)
        print_frames(out, g->dump, g->stack, g->blocked_index, max_frames);
    else
        fprintf(out, "    (park stack unknown)\n");

    int64_t parent = g->first->parent;
    if (g->created && g->created->n) {
        if (parent)
            fprintf(out, "  created by goroutine %lld at:\n", (long long)parent);
        else
            fprintf(out, "  created at:\n");
        print_frames(out, g->dump, g->created, g->created_index, max_frames);
    } else if (parent) {
        fprintf(out, "  created by goroutine %lld (creation stack unknown)\n", (long long)parent);
    }
    if (g->nancestors) {
        fprintf(out, "  ancestors:");
        for (size_t i = 0; i < g->nancestors; i++) {
            fprintf(out, "%s goroutine %lld", i ? "," : "", (long long)g->ancestors[i].goid);
            if (g->ancestors[i].function) {
                fputs(" (", out);
                gl_fput_escaped(out, g->ancestors[i].function);
                fputs(")", out);
            }
        }
        fprintf(out, "\n");
    }
    if (g->test) {
        fputs("  test: ", out);
        gl_fput_escaped(out, g->test);
        fputs("\n", out);
    }
    if (g->first->labels) {
        fputs("  labels: ", out);
        gl_fput_escaped(out, g->first->labels);
        fputs("\n", out);
    }
    if (g->npids > 1) {
        fprintf(out, "  in processes:");
        for (size_t i = 0; i < g->npids; i++)
            fprintf(out, "%s %lld", i ? "," : "", (long long)g->pids[i]);
        fprintf(out, "\n");
    }
    if (g->chan)
        print_channel(out, g);
    if (g->lock) {
        int64_t chain[LOCK_CHAIN_MAX + 1] = {g->first->id};
        print_lock(out, g->dump, g->lock, 0, chain, 1);
    }
    if (g->context) {
        char site[1024];
        print_site(site, sizeof site, g->dump, g->context->created);
        fprintf(out, "  context 0x%llx: %s at %s, cancel never called\n", (unsigned long long)g->context->addr,
                gl_ctx_constructor(g->context->kind), site);
    }
}

/* A group's paragraph and the blank line after it. */
/* ANSI colours, when the report goes to a terminal that wants them. */
#define RED "\033[1;31m"
#define BOLD "\033[1m"

static const char *on(const gl_text_opts *opts, const char *code)
{
    return opts->color ? code : "";
}

static const char *off(const gl_text_opts *opts)
{
    return opts->color ? "\033[0m" : "";
}

static void print_group(FILE *out, const gl_leak_group *g, const gl_text_opts *opts)
{
    gl_report_text_group(out, g, opts->max_frames);
    fprintf(out, "\n");
}

/* LeakSanitizer's "Suppressions used:" table: the rules that matched, with
 * what they took out of the verdict, in the order they were loaded. */
static void print_suppressions(FILE *out, const gl_suppressions *s)
{
    static const char rule[] = "-----------------------------------------------------\n";
    fprintf(out, "%sSuppressions used:\n  goroutines  groups  rule\n", rule);
    for (size_t i = 0; i < s->n; i++) {
        const gl_supp_rule *x = &s->rules[i];
        if (x->hit_groups) {
            fprintf(out, "  %10zu  %6zu  ", x->hit_goroutines, x->hit_groups);
            gl_fput_escaped(out, x->text);
            fputs(" (", out);
            gl_fput_escaped(out, x->origin);
            fprintf(out, ":%d)\n", x->line);
        }
    }
    /* What was left out must be findable: say what shows it. */
    fprintf(out, "  (shown with --no-default-suppressions or default_suppressions=0 for the\n"
                 "  <default> rules, and without the file for the others)\n");
    fprintf(out, "%s\n", rule);
}

static int same_test(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* A test's leaks, and where its name first appears (for a stable order). */
typedef struct test_row {
    const char *name;
    size_t leaked, groups, first;
} test_row;

static int compare_rows(const void *pa, const void *pb)
{
    const test_row *a = pa, *b = pb;
    if (a->leaked != b->leaked)
        return a->leaked > b->leaked ? -1 : 1;
    return a->first < b->first ? -1 : a->first > b->first;
}

/* The tests that leaked, largest first; "setup" is a row like the others. */
static test_row *leaking_tests(const gl_report *r, size_t *n)
{
    test_row *rows = calloc(r->ngroups ? r->ngroups : 1, sizeof *rows);
    *n = 0;
    if (!rows)
        return NULL;
    for (size_t i = 0; i < r->ngroups; i++) {
        const gl_leak_group *g = &r->groups[i];
        size_t k = 0;
        while (k < *n && !same_test(rows[k].name, g->test))
            k++;
        if (k == *n)
            rows[(*n)++] = (test_row){.name = g->test, .first = i};
        rows[k].leaked += g->count;
        rows[k].groups++;
    }
    qsort(rows, *n, sizeof *rows, compare_rows);
    return rows;
}

/* A test's name for the table and headings: escaped, "?" when unknown. */
static const char *row_name(char *buf, size_t len, const test_row *row)
{
    return gl_escape_to(buf, len, row->name ? row->name : "?");
}

static void print_by_test(FILE *out, const gl_report *r, const gl_text_opts *opts)
{
    size_t n;
    test_row *rows = leaking_tests(r, &n);
    if (!rows) {
        for (size_t i = 0; i < r->ngroups; i++)
            print_group(out, &r->groups[i], opts);
        return;
    }
    char name[1024];
    size_t width = 4;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(row_name(name, sizeof name, &rows[i]));
        if (len > width)
            width = len;
    }
    if (width > 60)
        width = 60;
    size_t setup = 0;
    for (size_t i = 0; i < n; i++)
        setup += rows[i].name && strcmp(rows[i].name, GL_TEST_SETUP) == 0;
    fprintf(out, "Leaks by test (%zu of %zu test(s) leaked%s):\n", n - setup, r->ntests + r->tests_dropped,
            setup ? "; setup: spawned outside any test" : "");
    for (size_t i = 0; i < n; i++)
        fprintf(out, "  %-*s  %zu goroutine(s) in %zu group(s)\n", (int)width, row_name(name, sizeof name, &rows[i]),
                rows[i].leaked, rows[i].groups);
    fprintf(out, "\n");
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "%s--- %s: %zu leaked goroutine(s) in %zu group(s)%s\n\n", on(opts, BOLD),
                row_name(name, sizeof name, &rows[i]), rows[i].leaked, rows[i].groups, off(opts));
        for (size_t k = 0; k < r->ngroups; k++)
            if (same_test(r->groups[k].test, rows[i].name)) {
                print_group(out, &r->groups[k], opts);
            }
    }
    free(rows);
}

/* The tail of the summary and of the clean line. */
static void print_suppressed(FILE *out, const gl_report *r)
{
    if (r->suppressed)
        fprintf(out, "; %zu suppressed", r->suppressed);
}

/* Suspects a min_park hid: how many, and how to see them. */
static void print_below_min_park(FILE *out, const gl_report *r)
{
    if (!r->below_min_park)
        return;
    char d[32];
    gl_format_duration(r->min_park_hid_ns, d, sizeof d);
    fprintf(out,
            "goleash: %zu goroutine(s) in leak-prone waits parked for less than min_park (%s) not judged "
            "(--min-park 0 or min_park=0 shows them)\n",
            r->below_min_park, d);
}

static void print_ignored(FILE *out, const gl_report *r)
{
    print_below_min_park(out, r);
    if (r->ignored_setup)
        fprintf(out, "goleash: %zu goroutine(s) leaked outside any test (setup) not reported (ignore_setup)\n",
                r->ignored_setup);
}

int gl_report_text(FILE *out, const gl_report *r, const gl_text_opts *opts)
{
    gl_text_opts defaults = {0};
    if (!opts)
        opts = &defaults;
    size_t from_user = 0;
    size_t used = gl_supp_used(r->suppressions, &from_user);
    int table = used && (r->ngroups || from_user || !opts->quiet_default_suppressions);
    if (r->ngroups == 0) {
        if (table)
            print_suppressions(out, r->suppressions);
        if (opts->print_when_clean) {
            print_ignored(out, r);
            fprintf(out, "goleash: no goroutine leaks (%zu goroutines in %zu dump(s)", r->goroutines, r->ndumps);
            print_suppressed(out, r);
            fprintf(out, ")\n");
        }
        return ferror(out) ? -1 : 0;
    }
    fprintf(out, "=================================================================\n");
    fprintf(out, "%s==%lld==ERROR: goleash: detected goroutine leaks%s\n\n", on(opts, RED), (long long)opts->pid,
            off(opts));
    int by_test = 0;
    for (size_t i = 0; i < r->ngroups; i++)
        by_test |= r->groups[i].test != NULL;
    if (by_test) {
        print_by_test(out, r, opts);
    } else {
        for (size_t i = 0; i < r->ngroups; i++)
            print_group(out, &r->groups[i], opts);
    }
    if (table)
        print_suppressions(out, r->suppressions);
    print_ignored(out, r);
    fprintf(out, "%sSUMMARY: goleash: %zu leaked goroutine(s) in %zu group(s)", on(opts, RED), r->leaked, r->ngroups);
    print_suppressed(out, r);
    fprintf(out, ".%s\n", off(opts));
    return ferror(out) ? -1 : 0;
}
