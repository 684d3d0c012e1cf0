/* The leak rules (see rules.h and docs/json-format.md). */
#include "rules/rules.h"

#include "util/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

static const char *const category_names[] = {
    [GL_CAT_CHAN_RECEIVE] = "chan-receive",
    [GL_CAT_CHAN_SEND] = "chan-send",
    [GL_CAT_NIL_CHAN_RECEIVE] = "nil-chan-receive",
    [GL_CAT_NIL_CHAN_SEND] = "nil-chan-send",
    [GL_CAT_SELECT] = "select",
    [GL_CAT_SELECT_FOREVER] = "select-forever",
    [GL_CAT_CONTEXT] = "context",
    [GL_CAT_MUTEX] = "mutex",
    [GL_CAT_RWMUTEX] = "rwmutex",
    [GL_CAT_WAITGROUP] = "waitgroup",
    [GL_CAT_COND] = "cond",
    [GL_CAT_SEMA] = "sema",
    [GL_CAT_OTHER] = "other",
    [GL_CAT_CHAN] = "chan",
};

const char *gl_category_name(gl_category c)
{
    if ((int)c < 0 || (size_t)c >= sizeof category_names / sizeof category_names[0])
        return "unknown";
    return category_names[c];
}

int gl_rules_reason_is_candidate(int reason)
{
    return gl_wait_reason_can_leak(reason);
}

static int has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Frames the user did not write: where a goroutine parks inside the runtime
 * or the standard library's blocking primitives. */
static int is_library_function(const char *fn)
{
    static const char *const prefixes[] = {
        "runtime.", "runtime_", "runtime/internal/", "__go_", "__morestack", "sync.",
        "sync/atomic.", "context.", "time.", "internal/",
    };
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (has_prefix(fn, prefixes[i]))
            return 1;
    return 0;
}

static int is_creation_runtime(const char *fn)
{
    return has_prefix(fn, "__go_go") || has_prefix(fn, "runtime.");
}

static const gl_frame *first_frame_not(const gl_stack *s, size_t *index, int (*skip)(const char *))
{
    if (index)
        *index = 0;
    if (!s || s->n == 0)
        return NULL;
    for (size_t i = 0; i < s->n; i++) {
        const char *fn = s->frames[i].function;
        if (fn && !skip(fn)) {
            if (index)
                *index = i;
            return &s->frames[i];
        }
    }
    return &s->frames[0];
}

const gl_frame *gl_rules_user_frame(const gl_stack *s, size_t *index)
{
    return first_frame_not(s, index, is_library_function);
}

const gl_frame *gl_rules_creation_frame(const gl_stack *s, size_t *index)
{
    return first_frame_not(s, index, is_creation_runtime);
}

/* ---- classification -------------------------------------------------- */

/* The category of a wait; the reason decides the direction of channel
 * waits, unless the source could not tell it (chan_unknown). */
static gl_category category_of_wait(gl_wait wait, int reason, int chan_unknown)
{
    switch (wait) {
    case GL_WAIT_CHAN:
        if (chan_unknown)
            return GL_CAT_CHAN;
        return reason == GL_WR_CHAN_SEND ? GL_CAT_CHAN_SEND : GL_CAT_CHAN_RECEIVE;
    case GL_WAIT_NILCHAN:
        return reason == GL_WR_CHAN_SEND_NIL ? GL_CAT_NIL_CHAN_SEND : GL_CAT_NIL_CHAN_RECEIVE;
    case GL_WAIT_SELECT: return GL_CAT_SELECT;
    case GL_WAIT_FOREVER: return GL_CAT_SELECT_FOREVER;
    case GL_WAIT_MUTEX: return GL_CAT_MUTEX;
    case GL_WAIT_RWMUTEX:
    case GL_WAIT_RWMUTEX_R: return GL_CAT_RWMUTEX;
    case GL_WAIT_WAITGROUP: return GL_CAT_WAITGROUP;
    case GL_WAIT_COND: return GL_CAT_COND;
    default: return GL_CAT_SEMA;
    }
}

/* The shim's wait classification is finer than the reason (a semacquire may
 * be a Mutex or a WaitGroup); where it says nothing about the object (none,
 * sleep, IO, other), the reason's wait class stands in. */
static gl_category category_of(const gl_goroutine *g)
{
    switch (g->wait) {
    case GL_WAIT_CHAN: case GL_WAIT_NILCHAN: case GL_WAIT_SELECT: case GL_WAIT_FOREVER: case GL_WAIT_MUTEX:
    case GL_WAIT_RWMUTEX: case GL_WAIT_RWMUTEX_R: case GL_WAIT_WAITGROUP: case GL_WAIT_COND: case GL_WAIT_SEMA:
        return category_of_wait(g->wait, g->reason, (g->flags & GL_GF_CHAN_UNKNOWN) != 0);
    default:
        if (!gl_wait_reason_can_leak(g->reason))
            return GL_CAT_SEMA;
        return category_of_wait(gl_wait_reason_class(g->reason), g->reason, 0);
    }
}

static int waits_on_channels(const gl_goroutine *g)
{
    return g->wait == GL_WAIT_CHAN || g->wait == GL_WAIT_SELECT
        || (g->wait == GL_WAIT_NONE
            && (g->reason == GL_WR_SELECT || g->reason == GL_WR_CHAN_RECEIVE || g->reason == GL_WR_CHAN_SEND));
}

static int leak_candidate(const gl_goroutine *g)
{
    switch (g->wait) {
    case GL_WAIT_SLEEP: case GL_WAIT_IO: case GL_WAIT_OTHER:
        return 0;
    default:
        return gl_rules_reason_is_candidate(g->reason);
    }
}

/* -1 when the park time is unknown (no since_ns, or clocks disagree). */
static int64_t parked_ns(const gl_goroutine *g)
{
    const gl_dump *d = g->dump;
    if (g->since_ns <= 0 || g->since_ns > d->mono_ns)
        return -1;
    return d->mono_ns - g->since_ns;
}

static const gl_chan *live_timer(const gl_goroutine *g)
{
    for (size_t i = 0; i < g->nchans; i++) {
        const gl_chan *c = gl_dump_chan(g->dump, g->chans[i]);
        if (c && c->timer && c->timer_live)
            return c;
    }
    return NULL;
}

/* A receive or select on a closed channel cannot stay parked: close readies
 * every waiter. One that still looks parked was woken but had not run yet
 * when the dump was taken. */
static int woken_by_close(const gl_goroutine *g)
{
    for (size_t i = 0; i < g->nchans; i++) {
        const gl_chan *c = gl_dump_chan(g->dump, g->chans[i]);
        if (c && c->closed)
            return 1;
    }
    return 0;
}

static const gl_context *uncancelled_context(const gl_goroutine *g)
{
    for (size_t i = 0; i < g->nchans; i++) {
        const gl_chan *c = gl_dump_chan(g->dump, g->chans[i]);
        if (!c || !c->ctx)
            continue;
        const gl_context *x = gl_dump_context(g->dump, c->ctx);
        if (x && !x->cancelled)
            return x;
    }
    return NULL;
}

static const gl_chan *main_chan(const gl_goroutine *g)
{
    const gl_chan *any = NULL;
    for (size_t i = 0; i < g->nchans; i++) {
        const gl_chan *c = gl_dump_chan(g->dump, g->chans[i]);
        if (c && !c->timer)
            return c;
        if (c && !any)
            any = c;
    }
    return any;
}

/* ---- grouping -------------------------------------------------------- */

typedef struct keybuf {
    char *s;
    size_t len, cap;
} keybuf;

__attribute__((format(printf, 2, 3)))
static int key_append(keybuf *k, const char *fmt, ...)
{
    if (!k->s) { /* vsnprintf(NULL + 0, 0, ...) would be pointer arithmetic on NULL */
        k->s = malloc(256);
        if (!k->s)
            return -1;
        k->cap = 256;
        k->len = 0;
    }
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(k->s + k->len, k->cap - k->len, fmt, ap);
        va_end(ap);
        if (n < 0)
            return -1;
        if ((size_t)n < k->cap - k->len) {
            k->len += (size_t)n;
            return 0;
        }
        size_t cap = (k->cap + (size_t)n + 1) * 2;
        char *s = realloc(k->s, cap);
        if (!s)
            return -1;
        k->s = s;
        k->cap = cap;
    }
}

static const gl_module *module_of(const gl_dump *d, int mod)
{
    for (size_t i = 0; i < d->nmodules; i++)
        if (d->modules[i].id == mod)
            return &d->modules[i];
    return NULL;
}

/* A frame as something equal across processes: never the raw PC, which
 * differs with every load address. */
static int key_frame(keybuf *k, const gl_dump *d, const gl_frame *f, int loose)
{
    if (f->function && loose)
        return key_append(k, "%s\x1f%s\x1e", f->function, f->file ? f->file : "");
    if (f->function && f->file) {
        if (!f->args)
            return key_append(k, "%s\x1f%s:%d\x1e", f->function, f->file, f->line);
        char shape[256];
        size_t need = gl_rules_args_shape(f->args, shape, sizeof shape);
        if (need > sizeof shape) /* a huge list: its length stands in for the tail */
            return key_append(k, "%s\x1f%s:%d+0x%llx(%s~%zu)\x1e", f->function, f->file, f->line,
                              (unsigned long long)f->off, shape, need);
        return key_append(k, "%s\x1f%s:%d+0x%llx(%s)\x1e", f->function, f->file, f->line,
                          (unsigned long long)f->off, shape);
    }
    if (f->function)
        return key_append(k, "%s+0x%llx\x1e", f->function, (unsigned long long)f->off);
    const gl_module *m = module_of(d, f->mod);
    if (m)
        return key_append(k, "?%s+0x%llx\x1e", m->path ? m->path : "",
                          (unsigned long long)(f->pc - m->base));
    return key_append(k, "?0x%llx\x1e", (unsigned long long)f->pc);
}

static int key_stack(keybuf *k, const gl_dump *d, const gl_stack *s, int loose)
{
    if (!s)
        return key_append(k, "-\x1d");
    for (size_t i = 0; i < s->n; i++)
        if (key_frame(k, d, &s->frames[i], loose) != 0)
            return -1;
    return key_append(k, "\x1d");
}

typedef struct group_entry {
    char *key;
    size_t idx;
    UT_hash_handle hh;
} group_entry;

/* Goroutines of one dump share interned stacks, so most goroutines of a
 * group have the very same (stack, created) pointers: this table finds their
 * group without building the text key (a million-goroutine dump has a few
 * hundred distinct pairs). */
typedef struct fast_key {
    const gl_stack *stack, *created;
    const void *extra;
    int cat;
    int pad_;
} fast_key;

typedef struct fast_entry {
    fast_key key;
    size_t idx;
    UT_hash_handle hh;
} fast_entry;

/* The nearest tagged ancestor of a goroutine (NULL: none), remembered for
 * every goroutine on a walked chain: a million goroutines of one worker pool
 * cost one walk, not a million. */
typedef struct attr_entry {
    const gl_goroutine *g;
    const char *test;
    UT_hash_handle hh;
} attr_entry;

typedef struct test_entry {
    const char *name;
    size_t idx;
    UT_hash_handle hh;
} test_entry;

typedef struct builder {
    gl_report *r;
    int loose;
    fast_entry *fast;
    size_t cap_groups, cap_running;
    size_t *cap_goids;        /* parallel to r->groups */
    group_entry *table;
    keybuf key;
    attr_entry *attr;         /* test attribution memo, per goroutine */
    int ignore_setup;         /* for the dump being judged */
    int dump_ran_tests;       /* the dump being judged lists tests or tags goroutines */
    test_entry *tests;        /* name -> r->tests index */
    size_t cap_tests;
} builder;


/* ---- test attribution ------------------------------------------------ */

#define ATTR_MAX_DEPTH 100000
/* One spelling, compared by pointer: no real test is named "setup" (a
 * top-level test's name starts with Test, a subtest's holds a '/'). */
static const char setup_name[] = GL_TEST_SETUP;

static int memo_get(builder *b, const gl_goroutine *g, const char **test)
{
    attr_entry *e = NULL;
    HASH_FIND(hh, b->attr, &g, sizeof g, e);
    if (e)
        *test = e->test;
    return e != NULL;
}

static int memo_put(builder *b, const gl_goroutine *g, const char *test)
{
    attr_entry *e = malloc(sizeof *e);
    if (!e)
        return -1;
    e->g = g;
    e->test = test;
    HASH_ADD(hh, b->attr, g, sizeof e->g, e);
    return 0;
}

/* The test whose goroutine tree g belongs to: the nearest goroutine on its
 * creation chain (g itself included) that ran testing.tRunner; "setup" when
 * there is none in a dump that ran tests; NULL when it ran none. */
static int attribute(builder *b, const gl_goroutine *g, const char **out)
{
    const gl_dump *d = g->dump;
    *out = NULL;
    if (!b->dump_ran_tests)
        return 0;
    const gl_goroutine *path[64];
    size_t npath = 0;
    const char *found = NULL;
    const gl_goroutine *cur = g;
    for (size_t depth = 0; cur && depth < ATTR_MAX_DEPTH; depth++) {
        if (cur->test) {
            found = cur->test;
            break;
        }
        if (memo_get(b, cur, &found))
            break;
        if (npath < sizeof path / sizeof path[0])
            path[npath++] = cur;
        if (cur->parent == 0 || cur->parent == cur->id)
            break;
        cur = gl_dump_goroutine(d, cur->parent);
    }
    for (size_t i = 0; i < npath; i++)
        if (memo_put(b, path[i], found) != 0)
            return -1;
    *out = found ? found : setup_name;
    return 0;
}

static int note_test(builder *b, const char *name, size_t *idx)
{
    gl_report *r = b->r;
    test_entry *e = NULL;
    HASH_FIND(hh, b->tests, name, strlen(name), e);
    if (e) {
        *idx = e->idx;
        return 0;
    }
    if (gl_grow((void **)&r->tests, &b->cap_tests, r->ntests + 1, sizeof *r->tests) != 0)
        return -1;
    e = malloc(sizeof *e);
    if (!e)
        return -1;
    e->name = name;
    e->idx = r->ntests;
    HASH_ADD_KEYPTR(hh, b->tests, e->name, strlen(e->name), e);
    r->tests[r->ntests++] = (gl_test_result){.name = name};
    *idx = e->idx;
    return 0;
}

static int add_running(builder *b, const gl_goroutine *g)
{
    gl_report *r = b->r;
    if (gl_grow((void **)&r->running, &b->cap_running, r->nrunning + 1, sizeof *r->running) != 0)
        return -1;
    gl_running *x = &r->running[r->nrunning++];
    x->goid = g->id;
    x->pid = g->dump->pid;
    x->g = g;
    x->function = g->start_function;
    x->created_at = gl_rules_creation_frame(g->created, NULL);
    return 0;
}

static int fill_ancestors(gl_leak_group *grp, const gl_goroutine *g)
{
    int64_t id = g->parent;
    while (id != 0 && grp->nancestors < GL_MAX_ANCESTORS) {
        const gl_goroutine *a = gl_dump_goroutine(g->dump, id);
        if (!a || id == g->id)
            break;
        for (size_t i = 0; i < grp->nancestors; i++)
            if (grp->ancestors[i].goid == id)
                return 0; /* a cycle: parents recorded wrongly; stop, do not loop */
        if (!grp->ancestors) {
            grp->ancestors = calloc(GL_MAX_ANCESTORS, sizeof *grp->ancestors);
            if (!grp->ancestors)
                return -1;
        }
        grp->ancestors[grp->nancestors].goid = id;
        grp->ancestors[grp->nancestors].function = a->start_function;
        grp->nancestors++;
        id = a->parent;
    }
    return 0;
}

static int new_group(builder *b, const gl_goroutine *g, gl_category cat, const gl_context *ctx, const char *test,
                     size_t *idx)
{
    gl_report *r = b->r;
    size_t old_cap = b->cap_groups;
    if (gl_grow((void **)&r->groups, &b->cap_groups, r->ngroups + 1, sizeof *r->groups) != 0)
        return -1;
    if (b->cap_groups != old_cap) {
        size_t *c = realloc(b->cap_goids, b->cap_groups * sizeof *c);
        if (!c)
            return -1;
        b->cap_goids = c;
    }
    *idx = r->ngroups;
    gl_leak_group *grp = &r->groups[r->ngroups++];
    memset(grp, 0, sizeof *grp);
    b->cap_goids[*idx] = 0;
    grp->category = cat;
    grp->wait = g->wait;
    grp->reason = g->reason;
    grp->first = g;
    grp->dump = g->dump;
    grp->stack = g->stack;
    grp->created = g->created;
    grp->blocked_at = gl_rules_user_frame(g->stack, &grp->blocked_index);
    grp->created_at = gl_rules_creation_frame(g->created, &grp->created_index);
    grp->parked_min_ns = grp->parked_max_ns = -1;
    grp->chan = main_chan(g);
    grp->context = cat == GL_CAT_CONTEXT ? ctx : NULL;
    grp->test = test;
    return fill_ancestors(grp, g);
}

/* The group of g by its text key (slow path), creating it when new. */
static int find_group(builder *b, const gl_goroutine *g, gl_category cat, const gl_context *ctx, const char *test,
                      size_t *out)
{
    b->key.len = 0;
    if (key_append(&b->key, "%d\x1d%s\x1d", (int)cat, test ? test : "\x1f") != 0 || key_stack(&b->key, g->dump, g->stack, b->loose) != 0
        || key_stack(&b->key, g->dump, g->created, b->loose) != 0)
        return -1;
    group_entry *e = NULL;
    HASH_FIND(hh, b->table, b->key.s, b->key.len, e);
    size_t idx;
    if (e) {
        idx = e->idx;
    } else {
        if (new_group(b, g, cat, ctx, test, &idx) != 0)
            return -1;
        e = malloc(sizeof *e);
        char *key = malloc(b->key.len);
        if (!e || !key) {
            free(e);
            free(key);
            return -1;
        }
        memcpy(key, b->key.s, b->key.len);
        e->key = key;
        e->idx = idx;
        HASH_ADD_KEYPTR(hh, b->table, e->key, b->key.len, e);
    }
    *out = idx;
    return 0;
}

static int add_leak(builder *b, const gl_goroutine *g, gl_category cat, const gl_context *ctx)
{
    gl_report *r = b->r;
    const char *test;
    if (attribute(b, g, &test) != 0)
        return -1;
    size_t weight = g->weight > 1 ? (size_t)g->weight : 1;
    if (test == setup_name) {
        r->setup_leaked += weight;
        if (b->ignore_setup) {
            r->ignored_setup += weight;
            return 0;
        }
    }
    fast_key fk;
    memset(&fk, 0, sizeof fk);
    fk.stack = g->stack;
    fk.created = g->created;
    fk.extra = test; /* the strings of one dump are pooled: equal names, equal pointers */
    fk.cat = (int)cat;
    fast_entry *fe = NULL;
    size_t idx;
    /* A context leak's group also names the context: first seen wins, as
     * with the text key, so the fast path is only for the rest. */
    if (g->stack && cat != GL_CAT_CONTEXT)
        HASH_FIND(hh, b->fast, &fk, sizeof fk, fe);
    if (fe) {
        idx = fe->idx;
    } else {
        if (find_group(b, g, cat, ctx, test, &idx) != 0)
            return -1;
        if (g->stack && cat != GL_CAT_CONTEXT) {
            fe = malloc(sizeof *fe);
            if (!fe)
                return -1;
            fe->key = fk;
            fe->idx = idx;
            HASH_ADD(hh, b->fast, key, sizeof fk, fe);
        }
    }
    gl_leak_group *grp = &r->groups[idx];
    if (g->id > 0) {
        if (gl_grow((void **)&grp->goids, &b->cap_goids[idx], grp->ngoids + 1, sizeof *grp->goids) != 0)
            return -1;
        grp->goids[grp->ngoids++] = g->id;
    }
    grp->count += weight;
    r->leaked += weight;
    int64_t parked = parked_ns(g);
    if (parked >= 0) {
        if (grp->parked_min_ns < 0 || parked < grp->parked_min_ns)
            grp->parked_min_ns = parked;
        if (parked > grp->parked_max_ns)
            grp->parked_max_ns = parked;
    }
    int64_t pid = g->dump->pid;
    for (size_t i = 0; i < grp->npids; i++)
        if (grp->pids[i] == pid)
            return 0;
    int64_t *pids = realloc(grp->pids, (grp->npids + 1) * sizeof *pids);
    if (!pids)
        return -1;
    grp->pids = pids;
    grp->pids[grp->npids++] = pid;
    return 0;
}

static int judge(builder *b, const gl_goroutine *g, int64_t min_park)
{
    if (g->system || g->state == GL_G_EXITED)
        return 0;
    /* Go 1.26's goroutineleak profile: the garbage collector proved that
     * nothing can ever wake it, whatever the wait and however short. */
    if (g->flags & GL_GF_LEAKED)
        return add_leak(b, g, leak_candidate(g) ? category_of(g) : GL_CAT_OTHER, NULL);
    if (g->state == GL_G_RUNNING || !leak_candidate(g))
        return add_running(b, g);
    int64_t parked = parked_ns(g);
    if (parked >= 0 && parked < min_park)
        return add_running(b, g);
    const gl_context *ctx = NULL;
    if (waits_on_channels(g)) {
        if (live_timer(g) || woken_by_close(g))
            return add_running(b, g); /* it wakes by itself, or was woken */
        ctx = uncancelled_context(g);
    }
    return add_leak(b, g, ctx ? GL_CAT_CONTEXT : category_of(g), ctx);
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

static void free_builder(builder *b)
{
    fast_entry *fe, *ftmp;
    HASH_ITER(hh, b->fast, fe, ftmp) {
        HASH_DEL(b->fast, fe);
        free(fe);
    }
    group_entry *e, *tmp;
    HASH_ITER(hh, b->table, e, tmp) {
        HASH_DEL(b->table, e);
        free(e->key);
        free(e);
    }
    attr_entry *ae, *atmp;
    HASH_ITER(hh, b->attr, ae, atmp) {
        HASH_DEL(b->attr, ae);
        free(ae);
    }
    test_entry *te, *ttmp;
    HASH_ITER(hh, b->tests, te, ttmp) {
        HASH_DEL(b->tests, te);
        free(te);
    }
    free(b->cap_goids);
    free(b->key.s);
}

/* Every test started, in start order, with what leaked from it. */
static int tally_tests(builder *b, gl_dump *const *dumps, size_t ndumps)
{
    gl_report *r = b->r;
    size_t idx;
    for (size_t di = 0; di < ndumps; di++) {
        if (!dumps[di])
            continue;
        r->tests_dropped += dumps[di]->tests_dropped;
        for (size_t i = 0; i < dumps[di]->ntests; i++)
            if (dumps[di]->tests[i] && note_test(b, dumps[di]->tests[i], &idx) != 0)
                return -1;
    }
    for (size_t i = 0; i < r->ngroups; i++) {
        const gl_leak_group *grp = &r->groups[i];
        if (!grp->test || grp->test == setup_name)
            continue;
        if (note_test(b, grp->test, &idx) != 0) /* beyond the shim's list limit */
            return -1;
        r->tests[idx].leaked += grp->count;
        r->tests[idx].groups++;
    }
    return 0;
}

gl_report *gl_rules_run(gl_dump *const *dumps, size_t ndumps, const gl_rules_opts *opts)
{
    builder b = {0};
    b.r = calloc(1, sizeof *b.r);
    if (!b.r)
        return NULL;
    b.r->ndumps = ndumps;
    b.r->source = "goleash";
    b.loose = opts ? opts->loose : 0;
    for (size_t di = 0, seen = 0; di < ndumps; di++) {
        const char *src = dumps[di] && dumps[di]->source ? dumps[di]->source : NULL;
        if (!src)
            continue;
        if (seen++ && strcmp(src, b.r->source) != 0) {
            b.r->source = "mixed";
            break;
        }
        b.r->source = src;
    }
    for (size_t di = 0; di < ndumps; di++) {
        const gl_dump *d = dumps[di];
        if (!d)
            continue;
        if (d->truncated)
            b.r->truncated = 1;
        int64_t min_park = !opts ? 0 : opts->min_park_ns >= 0 ? opts->min_park_ns : d->min_park_ns;
        b.ignore_setup = !opts ? 0 : opts->ignore_setup >= 0 ? opts->ignore_setup : d->ignore_setup;
        /* A tag alone counts too: a dump cut before its test list, or a
         * hand-written one. */
        b.dump_ran_tests = d->ntests > 0 || d->tests_dropped > 0;
        for (size_t i = 0; i < d->ngoroutines && !b.dump_ran_tests; i++)
            b.dump_ran_tests = d->goroutines[i].test != NULL;
        for (size_t i = 0; i < d->ngoroutines; i++) {
            const gl_goroutine *g = &d->goroutines[i];
            if (g->state != GL_G_EXITED)
                b.r->goroutines += g->weight > 1 ? (size_t)g->weight : 1;
            if (judge(&b, g, min_park) != 0)
                goto oom;
        }
    }
    if (sort_groups(b.r) != 0 || tally_tests(&b, dumps, ndumps) != 0)
        goto oom;
    free_builder(&b);
    return b.r;
oom:
    free_builder(&b);
    gl_report_free(b.r);
    return NULL;
}

const char *gl_group_reason(const gl_leak_group *g)
{
    return g->first && g->first->reason_text ? g->first->reason_text : gl_wait_reason_string(g->reason);
}

char *gl_rules_group_key(const gl_leak_group *g, unsigned flags, size_t *len)
{
    keybuf k = {0};
    int loose = (flags & GL_KEY_LOOSE) != 0;
    gl_stack user;
    const gl_stack *park = g->stack;
    if (park && (flags & GL_KEY_USER_PART) && g->blocked_at) {
        user = *park;
        user.frames += g->blocked_index;
        user.n -= g->blocked_index;
        park = &user;
    }
    if (key_append(&k, "%d\x1d%s\x1d", (int)g->category, g->test ? g->test : "") != 0
        || key_stack(&k, g->dump, park, loose) != 0
        || (!(flags & GL_KEY_NO_CREATION) && key_stack(&k, g->dump, g->created, loose) != 0)) {
        free(k.s);
        return NULL;
    }
    *len = k.len;
    return k.s;
}

void gl_report_free(gl_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->ngroups; i++) {
        free(r->groups[i].goids);
        free(r->groups[i].pids);
        free(r->groups[i].ancestors);
    }
    free(r->groups);
    free(r->running);
    free(r->tests);
    free(r);
}
