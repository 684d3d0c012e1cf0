#include "report_text.h"
#include "duration.h"

#include <string.h>

static const gl_module *module_of(const gl_dump *d, int mod)
{
    if (!d)
        return NULL;
    for (size_t i = 0; i < d->nmodules; i++)
        if (d->modules[i].id == mod)
            return &d->modules[i];
    return NULL;
}

static const char *base_name(const char *path)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    return slash ? slash + 1 : path ? path : "?";
}

void gl_format_frame(char *buf, size_t len, const gl_dump *d, const gl_frame *f)
{
    const char *fn = f->function ? f->function : "??";
    if (f->file) {
        snprintf(buf, len, "%s %s:%d", fn, f->file, f->line);
        return;
    }
    char where[256];
    const gl_module *m = module_of(d, f->mod);
    if (m)
        snprintf(where, sizeof where, "%s+0x%llx", base_name(m->path), (unsigned long long)(f->pc - m->base));
    else
        snprintf(where, sizeof where, "0x%llx", (unsigned long long)f->pc);
    if (f->function)
        snprintf(buf, len, "%s+0x%llx (%s)", fn, (unsigned long long)f->off, where);
    else
        snprintf(buf, len, "%s (%s)", fn, where);
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
        fprintf(out, ", %s %s", c->timer == 2 ? "ticker" : "timer", c->timer_live ? "live" : "stopped");
    if (!c->closed) {
        fprintf(out, ", never closed");
    } else {
        fprintf(out, ", closed by goroutine %lld", (long long)c->closer);
        if (*ago(when, sizeof when, d, c->closed_ns))
            fprintf(out, " %s", when);
    }
    if (c->ntouches) {
        const gl_touch *t = &c->touches[c->ntouches - 1];
        fprintf(out, "; last touched by goroutine %lld (%s", (long long)t->goid, t->op);
        if (*ago(when, sizeof when, d, t->ns))
            fprintf(out, ", %s", when);
        fprintf(out, ")");
    }
    fprintf(out, "\n");
}

static const char *context_constructor(const char *kind)
{
    if (strcmp(kind, "cancel") == 0)
        return "WithCancel";
    if (strcmp(kind, "timeout") == 0)
        return "WithTimeout";
    if (strcmp(kind, "deadline") == 0)
        return "WithDeadline";
    return "context";
}

static void print_group(FILE *out, const gl_leak_group *g, size_t max_frames)
{
    char dmin[32], dmax[32];
    /* A text dump's reason as it printed it (gc 1.22+ says sync.Mutex.Lock
     * where libgo's table has only semacquire). */
    const char *reason = g->first->reason_text ? g->first->reason_text : gl_wait_reason_string(g->reason);
    if (!*reason)
        reason = gl_wait_name(g->wait);
    fprintf(out, "Leak of %zu goroutine(s) [%s, category %s]", g->count, reason, gl_category_name(g->category));
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
            if (g->ancestors[i].function)
                fprintf(out, " (%s)", g->ancestors[i].function);
        }
        fprintf(out, "\n");
    }
    if (g->first->labels)
        fprintf(out, "  labels: %s\n", g->first->labels);
    if (g->npids > 1) {
        fprintf(out, "  in processes:");
        for (size_t i = 0; i < g->npids; i++)
            fprintf(out, "%s %lld", i ? "," : "", (long long)g->pids[i]);
        fprintf(out, "\n");
    }
    if (g->chan)
        print_channel(out, g);
    if (g->context) {
        char site[1024];
        print_site(site, sizeof site, g->dump, g->context->created);
        fprintf(out, "  context 0x%llx: %s at %s, cancel never called\n", (unsigned long long)g->context->addr,
                context_constructor(g->context->kind), site);
    }
}

int gl_report_text(FILE *out, const gl_report *r, const gl_text_opts *opts)
{
    gl_text_opts defaults = {0};
    if (!opts)
        opts = &defaults;
    if (r->ngroups == 0) {
        if (opts->print_when_clean)
            fprintf(out, "goleash: no goroutine leaks (%zu goroutines in %zu dump(s))\n", r->goroutines, r->ndumps);
        return ferror(out) ? -1 : 0;
    }
    fprintf(out, "=================================================================\n");
    fprintf(out, "==%lld==ERROR: goleash: detected goroutine leaks\n\n", (long long)opts->pid);
    for (size_t i = 0; i < r->ngroups; i++) {
        print_group(out, &r->groups[i], opts->max_frames);
        fprintf(out, "\n");
    }
    fprintf(out, "SUMMARY: goleash: %zu leaked goroutine(s) in %zu group(s).\n", r->leaked, r->ngroups);
    return ferror(out) ? -1 : 0;
}
