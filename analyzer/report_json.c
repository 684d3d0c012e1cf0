#include "report_json.h"

#include <jansson.h>
#include <stdlib.h>

#ifndef GOLEASH_VERSION
#define GOLEASH_VERSION "0"
#endif

static json_t *hex(uint64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "0x%llx", (unsigned long long)v);
    return json_string(buf);
}

/* jansson wants valid UTF-8; names and paths from a dump need not be. */
static json_t *string_or_null(const char *s)
{
    if (!s)
        return json_null();
    json_t *j = json_string(s);
    if (!j) {
        size_t len = 0;
        while (s[len])
            len++;
        char *clean = malloc(len + 1);
        if (!clean)
            return json_null();
        for (size_t i = 0; i <= len; i++)
            clean[i] = (unsigned char)s[i] < 0x80 ? s[i] : '?';
        j = json_string(clean);
        free(clean);
    }
    return j ? j : json_null();
}

static json_t *site(const gl_frame *f)
{
    if (!f)
        return json_null();
    return json_pack("{s:o, s:o, s:i}", "function", string_or_null(f->function), "file", string_or_null(f->file),
                     "line", f->line);
}

static json_t *stack(const gl_stack *s)
{
    json_t *a = json_array();
    for (size_t i = 0; s && a && i < s->n; i++) {
        const gl_frame *f = &s->frames[i];
        json_array_append_new(a, json_pack("{s:o, s:o, s:i, s:o}", "function", string_or_null(f->function), "file",
                                           string_or_null(f->file), "line", f->line, "pc", hex(f->pc)));
    }
    return a;
}

static json_t *int_list(const int64_t *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(a, json_integer(v[i]));
    return a;
}

static json_t *ns_or_null(int64_t ns)
{
    return ns >= 0 ? json_integer(ns) : json_null();
}

static json_t *channel(const gl_leak_group *g)
{
    const gl_chan *c = g->chan;
    if (!c)
        return json_null();
    json_t *touches = json_array();
    for (size_t i = 0; touches && i < c->ntouches; i++) {
        const gl_touch *t = &c->touches[i];
        int64_t ago = t->ns > 0 && t->ns <= g->dump->mono_ns ? g->dump->mono_ns - t->ns : -1;
        json_array_append_new(touches, json_pack("{s:I, s:s, s:o}", "goid", (json_int_t)t->goid, "op", t->op,
                                                 "ago_ns", ns_or_null(ago)));
    }
    json_t *timer = c->timer == 1 ? json_string("timer") : c->timer == 2 ? json_string("ticker") : json_null();
    return json_pack("{s:o, s:o, s:I, s:b, s:o, s:o}", "addr", hex(c->addr), "made_at",
                     site(gl_rules_user_frame(c->made, NULL)), "capacity", (json_int_t)c->cap, "closed", c->closed,
                     "timer", timer, "touches", touches);
}

static json_t *context(const gl_leak_group *g)
{
    const gl_context *x = g->context;
    if (!x)
        return json_null();
    return json_pack("{s:o, s:s, s:o, s:b}", "addr", hex(x->addr), "kind", x->kind, "created_at",
                     site(gl_rules_user_frame(x->created, NULL)), "cancelled", x->cancelled);
}

static json_t *ancestors(const gl_leak_group *g)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < g->nancestors; i++)
        json_array_append_new(a, json_pack("{s:I, s:o}", "goid", (json_int_t)g->ancestors[i].goid, "function",
                                           string_or_null(g->ancestors[i].function)));
    return a;
}

/* The goroutine flags worth knowing in a report, by name. */
static json_t *flags(unsigned f)
{
    static const struct { unsigned bit; const char *name; } names[] = {
        {GL_GF_LOCKED, "locked"}, {GL_GF_LEAKED, "leaked"}, {GL_GF_NO_STACK, "no-stack"},
        {GL_GF_DURABLE, "durable"}, {GL_GF_BUBBLE, "bubble"}, {GL_GF_MINUTES, "minutes"},
    };
    json_t *a = json_array();
    for (size_t i = 0; a && i < sizeof names / sizeof names[0]; i++)
        if (f & names[i].bit)
            json_array_append_new(a, json_string(names[i].name));
    return a;
}

static json_t *leak(const gl_leak_group *g)
{
    json_t *parked = json_pack("{s:o, s:o}", "min", ns_or_null(g->parked_min_ns), "max", ns_or_null(g->parked_max_ns));
    const char *reason = g->first->reason_text ? g->first->reason_text : gl_wait_reason_string(g->reason);
    return json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
                     "count", (json_int_t)g->count,
                     "category", gl_category_name(g->category),
                     "wait", gl_wait_name(g->wait),
                     "reason", string_or_null(reason),
                     "labels", string_or_null(g->first->labels),
                     "flags", flags(g->first->flags),
                     "blocked_at", site(g->blocked_at),
                     "stack", stack(g->stack),
                     "created_at", site(g->created_at),
                     "creation_stack", stack(g->created),
                     "ancestors", ancestors(g),
                     "parked_ns", parked,
                     "goroutines", int_list(g->goids, g->ngoids),
                     "pids", int_list(g->pids, g->npids),
                     "channel", channel(g),
                     "context", context(g));
}

static json_t *running(const gl_running *x)
{
    return json_pack("{s:I, s:o, s:o}", "goid", (json_int_t)x->goid, "function", string_or_null(x->function),
                     "created_at", site(x->created_at));
}

int gl_report_json(FILE *out, const gl_report *r, const gl_warnings *w)
{
    json_t *leaks = json_array(), *run = json_array(), *warns = json_array();
    for (size_t i = 0; leaks && i < r->ngroups; i++)
        json_array_append_new(leaks, leak(&r->groups[i]));
    for (size_t i = 0; run && i < r->nrunning; i++)
        json_array_append_new(run, running(&r->running[i]));
    for (size_t i = 0; w && warns && i < w->n; i++)
        json_array_append_new(warns, string_or_null(w->msgs[i]));
    json_t *summary = json_pack("{s:I, s:I, s:I, s:I, s:I, s:b}", "leaked_goroutines", (json_int_t)r->leaked,
                                "groups", (json_int_t)r->ngroups, "goroutines", (json_int_t)r->goroutines,
                                "still_running", (json_int_t)r->nrunning, "dumps", (json_int_t)r->ndumps,
                                "truncated", r->truncated);
    /* json_pack with "o" steals the references, also of NULL ones on failure. */
    json_t *root = json_pack("{s:i, s:s, s:s, s:o, s:o, s:o, s:o}", "version", 1, "tool", "goleash " GOLEASH_VERSION,
                             "source", r->source ? r->source : "goleash", "summary", summary, "leaks", leaks, "running", run, "warnings",
                             warns);
    if (!root)
        return -1;
    int rc = json_dumpf(root, out, JSON_INDENT(2));
    json_decref(root);
    if (rc != 0 || fputc('\n', out) == EOF)
        return -1;
    return ferror(out) ? -1 : 0;
}
