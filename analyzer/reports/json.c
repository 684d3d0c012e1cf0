#include "reports/json.h"
#include "reports/json_writer.h"
#include "rules/suppress.h"

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

static json_t *string_or_null(const char *s)
{
    return gl_jw_string_json(s);
}

static json_t *site(const gl_frame *f)
{
    if (!f)
        return json_null();
    return json_pack("{s:o, s:o, s:i}", "function", string_or_null(f->function), "file", string_or_null(f->file),
                     "line", f->line);
}

/* Sites and stacks of groups: written in place, their names and paths being
 * the dumps' interned strings (a big dump has thousands of groups). */
static void site_out(gl_jw *w, const char *key, const gl_frame *f)
{
    if (!f) {
        gl_jw_null(w, key);
        return;
    }
    gl_jw_begin_object(w, key);
    gl_jw_string_stable(w, "function", f->function);
    gl_jw_string_stable(w, "file", f->file);
    gl_jw_int(w, "line", f->line);
    gl_jw_end(w);
}

/* "0x%llx" of v, by hand: it is written for every frame of every group. */
static void hex_word(char buf[20], uint64_t v)
{
    char rev[16];
    size_t n = 0;
    do {
        rev[n++] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v);
    buf[0] = '0';
    buf[1] = 'x';
    for (size_t i = 0; i < n; i++)
        buf[2 + i] = rev[n - 1 - i];
    buf[2 + n] = '\0';
}

static void stack_out(gl_jw *w, const char *key, const gl_stack *s)
{
    gl_jw_begin_array(w, key);
    for (size_t i = 0; s && i < s->n; i++) {
        const gl_frame *f = &s->frames[i];
        char pc[20];
        hex_word(pc, f->pc);
        gl_jw_begin_object(w, NULL);
        gl_jw_string_stable(w, "function", f->function);
        gl_jw_string_stable(w, "file", f->file);
        gl_jw_int(w, "line", f->line);
        gl_jw_string(w, "pc", pc);
        gl_jw_end(w);
    }
    gl_jw_end(w);
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
        json_array_append_new(touches, json_pack("{s:I, s:o, s:o}", "goid", (json_int_t)t->goid, "op", string_or_null(t->op),
                                                 "ago_ns", ns_or_null(ago)));
    }
    json_t *timer = c->timer ? json_string(gl_timer_kind_name(c->timer)) : json_null();
    return json_pack("{s:o, s:o, s:I, s:b, s:o, s:o}", "addr", hex(c->addr), "made_at",
                     site(gl_rules_user_frame(c->made, NULL)), "capacity", (json_int_t)c->cap, "closed", c->closed,
                     "timer", timer, "touches", touches);
}

static json_t *context(const gl_leak_group *g)
{
    const gl_context *x = g->context;
    if (!x)
        return json_null();
    return json_pack("{s:o, s:o, s:o, s:b}", "addr", hex(x->addr), "kind", string_or_null(x->kind), "created_at",
                     site(gl_rules_user_frame(x->created, NULL)), "cancelled", x->cancelled);
}

/* A lock and its holders; a holder parked on another lock carries that one
 * in waits_on, and so on along the chain (cut at 8; a holder already on
 * the chain ends it with deadlock: true). */
#define LOCK_CHAIN_MAX 8

static json_t *lock_json(const gl_dump *d, const gl_lock *l, int64_t *chain, size_t nchain);

static json_t *holder_json(const gl_dump *d, const gl_holder *h, int64_t *chain, size_t nchain)
{
    gl_holder_state st;
    gl_holder_state_of(d, h, &st);
    const char *state = st.exited ? "exited" : !st.g ? "unknown" : st.g->state == GL_G_PARKED ? "parked" : "running";
    int deadlock = 0;
    json_t *waits_on = json_null();
    if (st.waits_on) {
        for (size_t i = 0; i < nchain; i++)
            deadlock |= chain[i] == h->goid;
        if (!deadlock && nchain < LOCK_CHAIN_MAX) {
            chain[nchain] = h->goid;
            json_decref(waits_on);
            waits_on = lock_json(d, st.waits_on, chain, nchain + 1);
        }
    }
    return json_pack("{s:I, s:s, s:o, s:b, s:s, s:o, s:o, s:o, s:b}", "goid", (json_int_t)h->goid, "mode",
                     h->read ? "read" : "write", "locked_at", site(gl_rules_user_frame(h->site, NULL)), "exited",
                     st.exited, "state", state, "blocked_at", site(st.blocked_at), "category",
                     string_or_null(st.category), "waits_on", waits_on, "deadlock", deadlock);
}

static json_t *lock_json(const gl_dump *d, const gl_lock *l, int64_t *chain, size_t nchain)
{
    json_t *holders = json_array();
    for (size_t i = 0; holders && i < l->nholders; i++)
        json_array_append_new(holders, holder_json(d, &l->holders[i], chain, nchain));
    return json_pack("{s:o, s:s, s:o, s:o, s:o}", "addr", hex(l->addr), "kind", gl_lock_kind_name(l), "locked",
                     l->locked < 0 ? json_null() : json_boolean(l->locked), "readers",
                     l->readers < 0 ? json_null() : json_integer(l->readers), "holders", holders);
}

static json_t *lock_of(const gl_leak_group *g)
{
    if (!g->lock)
        return json_null();
    int64_t chain[LOCK_CHAIN_MAX + 1] = {g->first->id};
    return lock_json(g->dump, g->lock, chain, 1);
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

static json_t *tests(const gl_report *r)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < r->ntests; i++)
        json_array_append_new(a, json_pack("{s:o, s:I, s:I}", "name", string_or_null(r->tests[i].name), "leaked",
                                           (json_int_t)r->tests[i].leaked, "groups", (json_int_t)r->tests[i].groups));
    return a;
}

/* The rules that matched, in load order, with their hits. */
static json_t *suppressions(const gl_suppressions *s)
{
    json_t *a = json_array();
    for (size_t i = 0; s && a && i < s->n; i++) {
        const gl_supp_rule *x = &s->rules[i];
        if (!x->hit_groups)
            continue;
        json_array_append_new(a, json_pack("{s:o, s:s, s:o, s:o, s:i, s:I, s:I}", "rule", string_or_null(x->text),
                                           "kind", gl_supp_kind_name(x->kind), "pattern", string_or_null(x->pattern),
                                           "file", string_or_null(x->origin), "line", x->line, "goroutines",
                                           (json_int_t)x->hit_goroutines, "groups", (json_int_t)x->hit_groups));
    }
    return a;
}

static size_t leaking_tests(const gl_report *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->ntests; i++)
        n += r->tests[i].leaked > 0;
    return n;
}

static void int_list(gl_jw *w, const char *key, const int64_t *v, size_t n)
{
    gl_jw_begin_array(w, key);
    for (size_t i = 0; i < n; i++)
        gl_jw_int(w, NULL, v[i]);
    gl_jw_end(w);
}

/* A leak group: its few sub-values built with jansson, its id list (up to a
 * million ids) written as it goes. */
static void leak(gl_jw *w, const gl_leak_group *g)
{
    const char *reason = gl_group_reason(g);
    gl_jw_begin_object(w, NULL);
    gl_jw_int(w, "count", (int64_t)g->count);
    gl_jw_string(w, "category", gl_category_name(g->category));
    gl_jw_string(w, "wait", gl_wait_name(g->wait));
    gl_jw_string(w, "reason", reason);
    gl_jw_string(w, "labels", g->first->labels);
    gl_jw_value(w, "flags", flags(g->first->flags));
    site_out(w, "blocked_at", g->blocked_at);
    stack_out(w, "stack", g->stack);
    site_out(w, "created_at", g->created_at);
    stack_out(w, "creation_stack", g->created);
    gl_jw_value(w, "ancestors", ancestors(g));
    gl_jw_value(w, "parked_ns",
                json_pack("{s:o, s:o}", "min", ns_or_null(g->parked_min_ns), "max", ns_or_null(g->parked_max_ns)));
    int_list(w, "goroutines", g->goids, g->ngoids);
    int_list(w, "pids", g->pids, g->npids);
    gl_jw_value(w, "channel", channel(g));
    gl_jw_value(w, "context", context(g));
    gl_jw_value(w, "lock", lock_of(g));
    gl_jw_string(w, "test", g->test);
    gl_jw_end(w);
}

/* One of possibly a million, most alike but for the id: what follows the
 * id is written once per (function, creation site) and replayed. */
static void running(gl_jw *w, const gl_running *x)
{
    gl_jw_begin_object(w, NULL);
    gl_jw_int(w, "goid", x->goid);
    if (!gl_jw_replay(w, x->function, x->created_at)) {
        gl_jw_record_begin(w);
        gl_jw_string_stable(w, "function", x->function);
        site_out(w, "created_at", x->created_at);
        gl_jw_record_end(w, x->function, x->created_at);
    }
    gl_jw_end(w);
}

int gl_report_json(FILE *out, const gl_report *r, const gl_warnings *w)
{
    gl_jw jw;
    gl_jw_init(&jw, out);
    gl_jw_begin_object(&jw, NULL);
    gl_jw_int(&jw, "version", 1);
    gl_jw_string(&jw, "tool", "goleash " GOLEASH_VERSION);
    gl_jw_string(&jw, "source", r->source ? r->source : "goleash");
    gl_jw_begin_object(&jw, "summary");
    gl_jw_int(&jw, "leaked_goroutines", (int64_t)r->leaked);
    gl_jw_int(&jw, "groups", (int64_t)r->ngroups);
    gl_jw_int(&jw, "goroutines", (int64_t)r->goroutines);
    gl_jw_int(&jw, "still_running", (int64_t)r->nrunning);
    gl_jw_int(&jw, "dumps", (int64_t)r->ndumps);
    gl_jw_bool(&jw, "truncated", r->truncated);
    gl_jw_int(&jw, "suppressed_goroutines", (int64_t)r->suppressed);
    gl_jw_int(&jw, "suppressed_groups", (int64_t)r->suppressed_groups);
    gl_jw_int(&jw, "tests", (int64_t)(r->ntests + r->tests_dropped));
    gl_jw_int(&jw, "tests_leaking", (int64_t)leaking_tests(r));
    gl_jw_int(&jw, "setup_leaked", (int64_t)r->setup_leaked);
    gl_jw_int(&jw, "ignored_setup", (int64_t)r->ignored_setup);
    gl_jw_int(&jw, "below_min_park", (int64_t)r->below_min_park);
    gl_jw_end(&jw);
    gl_jw_begin_array(&jw, "leaks");
    for (size_t i = 0; i < r->ngroups && !jw.failed; i++)
        leak(&jw, &r->groups[i]);
    gl_jw_end(&jw);
    gl_jw_begin_array(&jw, "running");
    for (size_t i = 0; i < r->nrunning && !jw.failed; i++)
        running(&jw, &r->running[i]);
    gl_jw_end(&jw);
    gl_jw_begin_array(&jw, "warnings");
    for (size_t i = 0; w && i < w->n; i++)
        gl_jw_string(&jw, NULL, w->msgs[i]);
    gl_jw_end(&jw);
    gl_jw_value(&jw, "suppressions", suppressions(r->suppressions));
    gl_jw_value(&jw, "tests", tests(r));
    gl_jw_end(&jw);
    return gl_jw_finish(&jw);
}
