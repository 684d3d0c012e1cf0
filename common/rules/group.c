/* Grouping: goroutines parked at the same code, created at the same code,
 * in the same test and category are one leak. Exact grouping compares
 * function, file:line, offset and argument shape; loose only function and
 * file. */
#include "rules/judge.h"

#include "names/canonical.h"
#include "util/hash.h"
#include "util/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

static int has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Code the compiler wrote, never where the user's goroutine waits:
 * gccgo's method stubs (a method promoted from an embedded field,
 * main.T.Lock..stub) and go/defer trampolines (main.go..thunk1), gc's
 * method values (main.S.bump-fm) and go/defer wrappers (.gowrap1,
 * .deferwrap1). The next frame out is the user's. */
static int is_compiler_wrapper(const char *fn)
{
    return has_suffix(fn, "..stub") || strstr(fn, "..thunk") || has_suffix(fn, "-fm") || strstr(fn, ".gowrap")
           || strstr(fn, ".deferwrap");
}

/* Frames the user did not write: where a goroutine parks inside the runtime
 * or the standard library's blocking primitives, and compiler wrappers. */
static int is_library_function(const char *fn)
{
    if (is_compiler_wrapper(fn))
        return 1;
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

const char *gl_rules_start_function(const gl_goroutine *g)
{
    const char *fn = g->start_function;
    const gl_stack *s = g->stack;
    if (!fn || !is_compiler_wrapper(fn) || !s)
        return fn;
    /* The wrapper is the stack's outermost Go frame; what it called, the
     * frame inside it, is the function the `go` statement named. */
    for (size_t i = s->n; i-- > 1;)
        if (s->frames[i].function && strcmp(s->frames[i].function, fn) == 0)
            return s->frames[i - 1].function ? s->frames[i - 1].function : fn;
    return fn;
}

const gl_frame *gl_rules_creation_frame(const gl_stack *s, size_t *index)
{
    return first_frame_not(s, index, is_creation_runtime);
}

/* ---- keys ------------------------------------------------------------ */

__attribute__((format(printf, 2, 3)))
static int key_append(gl_keybuf *k, const char *fmt, ...)
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

/* key_append's pieces by hand, for the frames (every frame of every new
 * stack pair): the same bytes as its "%s", "%d" and "%llx", NUL kept after
 * them, without vsnprintf's cost. */
static int key_put(gl_keybuf *k, const char *s, size_t n)
{
    if (!k->s || k->cap - k->len <= n) {
        size_t cap = k->s ? (k->cap + n + 1) * 2 : (n < 256 ? 256 : (n + 1) * 2);
        char *b = realloc(k->s, cap);
        if (!b)
            return -1;
        if (!k->s)
            k->len = 0;
        k->s = b;
        k->cap = cap;
    }
    memcpy(k->s + k->len, s, n);
    k->len += n;
    k->s[k->len] = '\0';
    return 0;
}

static int key_str(gl_keybuf *k, const char *s)
{
    return key_put(k, s, strlen(s));
}

static int key_dec(gl_keybuf *k, int v)
{
    char buf[GL_DEC_MAX];
    return key_put(k, buf, gl_format_dec(buf, v));
}

static int key_hex(gl_keybuf *k, unsigned long long v)
{
    char rev[16];
    size_t n = 0;
    do {
        rev[n++] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v);
    char buf[16];
    for (size_t i = 0; i < n; i++)
        buf[i] = rev[n - 1 - i];
    return key_put(k, buf, n);
}

/* "FUNCTION\x1fFILE:LINE", the common head of a resolved frame's key. */
static int key_site(gl_keybuf *k, const gl_frame *f, const char *fn)
{
    return key_str(k, fn) || key_put(k, "\x1f", 1) || key_str(k, f->file) || key_put(k, ":", 1)
        || key_dec(k, f->line) ? -1 : 0;
}

static int key_frame_named(gl_keybuf *k, const gl_dump *d, const gl_frame *f, const char *fn, int loose)
{
    if (fn && loose)
        return key_append(k, "%s\x1f%s\x1e", fn, f->file ? f->file : "");
    if (fn && f->file) {
        if (!f->args)
            return key_site(k, f, fn) || key_put(k, "\x1e", 1) ? -1 : 0;
        char shape[256];
        size_t need = gl_rules_args_shape(f->args, shape, sizeof shape);
        if (need > sizeof shape) /* a huge list: its length stands in for the tail */
            return key_append(k, "%s\x1f%s:%d+0x%llx(%s~%zu)\x1e", fn, f->file, f->line,
                              (unsigned long long)f->off, shape, need);
        return key_site(k, f, fn) || key_put(k, "+0x", 3) || key_hex(k, (unsigned long long)f->off)
                || key_put(k, "(", 1) || key_str(k, shape) || key_put(k, ")\x1e", 2)
            ? -1
            : 0;
    }
    if (fn)
        return key_str(k, fn) || key_put(k, "+0x", 3) || key_hex(k, (unsigned long long)f->off)
                || key_put(k, "\x1e", 1)
            ? -1
            : 0;
    const gl_module *m = gl_dump_module(d, f->mod);
    if (m)
        return key_append(k, "?%s+0x%llx\x1e", m->path ? m->path : "",
                          (unsigned long long)(f->pc - m->base));
    return key_append(k, "?0x%llx\x1e", (unsigned long long)f->pc);
}

/* A frame as something equal across processes and compilers: never the raw
 * PC, which differs with every load address, and the function's name in its
 * canonical spelling. */
static int key_frame(gl_keybuf *k, const gl_dump *d, const gl_frame *f, int loose)
{
    char buf[512], *heap;
    const char *fn = gl_canonical_name(f->function, buf, sizeof buf, &heap);
    if (f->function && !fn)
        return -1;
    int rc = key_frame_named(k, d, f, fn, loose);
    free(heap);
    return rc;
}

static int key_stack(gl_keybuf *k, const gl_dump *d, const gl_stack *s, int loose)
{
    if (!s)
        return key_append(k, "-\x1d");
    for (size_t i = 0; i < s->n; i++)
        if (key_frame(k, d, &s->frames[i], loose) != 0)
            return -1;
    return key_append(k, "\x1d");
}

typedef struct group_entry {
    size_t idx;
    UT_hash_handle hh;
    char key[];
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

/* ---- groups ---------------------------------------------------------- */

/* The chain is gathered on the stack and kept at its own length: a dump of
 * distinct stacks has a group per goroutine, and an array of the maximum
 * for each was a third of the analyzer's memory there. */
static int fill_ancestors(gl_leak_group *grp, const gl_goroutine *g)
{
    gl_ancestor chain[GL_MAX_ANCESTORS];
    size_t n = 0;
    for (int64_t id = g->parent; id != 0 && n < GL_MAX_ANCESTORS;) {
        const gl_goroutine *a = gl_dump_goroutine(g->dump, id);
        if (!a || id == g->id)
            break;
        int cycle = 0; /* parents recorded wrongly: stop, do not loop */
        for (size_t i = 0; i < n && !cycle; i++)
            cycle = chain[i].goid == id;
        if (cycle)
            break;
        chain[n++] = (gl_ancestor){.goid = id, .function = a->start_function};
        id = a->parent;
    }
    if (n == 0)
        return 0;
    grp->ancestors = malloc(n * sizeof *grp->ancestors);
    if (!grp->ancestors)
        return -1;
    memcpy(grp->ancestors, chain, n * sizeof *chain);
    grp->nancestors = n;
    return 0;
}

static int new_group(gl_judge *j, const gl_goroutine *g, gl_category cat, const gl_context *ctx, const char *test,
                     size_t *idx)
{
    gl_report *r = j->r;
    size_t old_cap = j->cap_groups;
    if (gl_grow((void **)&r->groups, &j->cap_groups, r->ngroups + 1, sizeof *r->groups) != 0)
        return -1;
    if (j->cap_groups != old_cap) {
        size_t *c = realloc(j->cap_goids, j->cap_groups * sizeof *c);
        if (!c)
            return -1;
        j->cap_goids = c;
    }
    *idx = r->ngroups;
    gl_leak_group *grp = &r->groups[r->ngroups++];
    memset(grp, 0, sizeof *grp);
    j->cap_goids[*idx] = 0;
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
    grp->chan = gl_main_chan(g);
    grp->lock = gl_waited_lock(g);
    grp->context = cat == GL_CAT_CONTEXT ? ctx : NULL;
    grp->test = test;
    return fill_ancestors(grp, g);
}

/* The group of g by its text key (slow path), creating it when new. */
static int find_group(gl_judge *j, const gl_goroutine *g, gl_category cat, const gl_context *ctx, const char *test,
                      size_t *out)
{
    j->key.len = 0;
    if (key_append(&j->key, "%d\x1d%s\x1d", (int)cat, test ? test : "\x1f") != 0
        || key_stack(&j->key, g->dump, g->stack, j->loose) != 0 || key_stack(&j->key, g->dump, g->created, j->loose) != 0)
        return -1;
    group_entry *e = NULL;
    HASH_FIND(hh, j->table, j->key.s, j->key.len, e);
    size_t idx;
    if (e) {
        idx = e->idx;
    } else {
        if (new_group(j, g, cat, ctx, test, &idx) != 0)
            return -1;
        e = malloc(sizeof *e + j->key.len);
        if (!e)
            return -1;
        memcpy(e->key, j->key.s, j->key.len);
        e->idx = idx;
        HASH_ADD_KEYPTR(hh, j->table, e->key, j->key.len, e);
    }
    *out = idx;
    return 0;
}

/* The group of g: by the fast table when its stacks were seen, else by the
 * text key. */
static int group_of(gl_judge *j, const gl_goroutine *g, gl_category cat, const gl_context *ctx, const char *test,
                    size_t *out)
{
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
        HASH_FIND(hh, j->fast, &fk, sizeof fk, fe);
    if (fe) {
        idx = fe->idx;
    } else {
        if (find_group(j, g, cat, ctx, test, &idx) != 0)
            return -1;
        if (g->stack && cat != GL_CAT_CONTEXT) {
            fe = malloc(sizeof *fe);
            if (!fe)
                return -1;
            fe->key = fk;
            fe->idx = idx;
            HASH_ADD(hh, j->fast, key, sizeof fk, fe);
        }
    }
    *out = idx;
    return 0;
}

/* Adds a goroutine's id to group idx, and its process to the group's. */
static int note_ids(gl_judge *j, size_t idx, const gl_goroutine *g)
{
    gl_leak_group *grp = &j->r->groups[idx];
    if (g->id > 0) {
        if (gl_grow((void **)&grp->goids, &j->cap_goids[idx], grp->ngoids + 1, sizeof *grp->goids) != 0)
            return -1;
        grp->goids[grp->ngoids++] = g->id;
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

int gl_group_add(gl_judge *j, const gl_goroutine *g, gl_category cat, const gl_context *ctx, const char *test,
                 size_t weight)
{
    gl_report *r = j->r;
    size_t idx;
    if (group_of(j, g, cat, ctx, test, &idx) != 0)
        return -1;
    gl_leak_group *grp = &r->groups[idx];
    grp->count += weight;
    r->leaked += weight;
    int64_t parked = gl_parked_ns(g);
    if (parked >= 0) {
        if (grp->parked_min_ns < 0 || parked < grp->parked_min_ns)
            grp->parked_min_ns = parked;
        if (parked > grp->parked_max_ns)
            grp->parked_max_ns = parked;
    }
    return note_ids(j, idx, g);
}

char *gl_rules_group_key(const gl_leak_group *g, unsigned flags, size_t *len)
{
    gl_keybuf k = {0};
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

void gl_group_release(gl_leak_group *g)
{
    free(g->goids);
    free(g->pids);
    free(g->ancestors);
}

void gl_groups_free(gl_judge *j)
{
    GL_HASH_FREE(j->fast);
    GL_HASH_FREE(j->table);
    free(j->cap_goids);
    free(j->key.s);
}
