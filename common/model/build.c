/* The builder (build.h): records appended to the dump's arrays and filed in
 * its lookup tables, everything else in the dump's store (model/store.h);
 * stacks of text sources interned by what exact grouping compares. */
#include "model/build.h"
#include "model/store.h"

#include "names/args_shape.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

/* A frame of the stack being built: its strings stay where the stack key
 * holds them (function, file) or in the scratch text (textbuf: the arguments
 * as printed, which the key holds only as a shape) until the stack turns out
 * to be new; then they are interned. */
typedef struct sframe {
    size_t function_at, function_len; /* in key; SIZE_MAX: none */
    size_t file_at, file_len;         /* in key; SIZE_MAX: none */
    size_t args_at, args_len;         /* in textbuf; SIZE_MAX: none */
    int line;
    uint64_t off, pc;
} sframe;

typedef struct ancestor {
    int64_t id, parent;
    const char *start_function;
} ancestor;

/* A stack's entry function, found once for all goroutines that share it. */
typedef struct outer_memo {
    const char *function;
    int known;
} outer_memo;

struct gl_build {
    gl_dump *d;
    gl_dump_store *st;
    size_t cap_stacks, cap_goroutines, cap_chans, cap_contexts, cap_locks, cap_modules, cap_tests;
    /* interned stacks of text sources, by key; the keys (~200 B a stack)
     * are the builder's own and go with it, as nothing in the model points
     * into them: 500,000 distinct stacks peak at 487 MB instead of 518 */
    gl_blob_table stacks;
    gl_arena keys;
    gl_stack *empty[2];          /* the empty stack, untruncated / truncated */
    /* the stack being built */
    sframe *frames;
    size_t nframes, cap_frames;
    char *textbuf;               /* the frames' arguments, NUL-terminated */
    size_t text_len, text_cap;
    unsigned char *key;          /* the stack's identity, built as frames come */
    size_t key_len, key_cap;
    ancestor *ancestors;
    size_t nancestors, cap_ancestors;
    outer_memo *outer;           /* by stack id: its outermost function */
    size_t cap_outer;
};

gl_build *gl_build_new(const char *path, const char *source)
{
    gl_build *b = calloc(1, sizeof *b);
    gl_dump *d = calloc(1, sizeof *d);
    gl_dump_store *st = calloc(1, sizeof *st);
    if (!b || !d || !st) {
        free(b);
        free(d);
        free(st);
        return NULL;
    }
    st->goroutines.spread = GL_MAP_IDS;
    st->chans.spread = GL_MAP_ADDRESSES;
    st->contexts.spread = GL_MAP_ADDRESSES;
    st->locks.spread = GL_MAP_ADDRESSES;
    d->store_ = st;
    d->source = source;
    d->version = GL_DUMP_VERSION;
    d->status = -1;
    d->mono_ns = GL_BUILD_NOW_NS;
    d->min_park_ns = -1;
    b->d = d;
    b->st = st;
    if (gl_blob_grow(&b->stacks) != 0
        || !(d->path = (char *)gl_build_intern(b, path ? path : "-", strlen(path ? path : "-")))) {
        gl_build_discard(b);
        return NULL;
    }
    return b;
}

gl_dump *gl_build_dump(gl_build *b)
{
    return b->d;
}

const char *gl_build_intern(gl_build *b, const char *s, size_t len)
{
    return s ? gl_store_intern(b->st, s, len) : NULL;
}

void *gl_build_alloc(gl_build *b, size_t n)
{
    return gl_arena_calloc(&b->st->mem, n);
}

/* ---- stacks ---------------------------------------------------------- */

/* Appends a stack of n frames (zeroed, module -1) with id. */
static gl_stack *push_stack(gl_build *b, uint32_t id, size_t n, int truncated)
{
    gl_dump *d = b->d;
    gl_stack *st = gl_build_alloc(b, sizeof *st);
    gl_frame *frames = n ? gl_build_alloc(b, n * sizeof *frames) : NULL;
    if (!st || (n && !frames)
        || gl_grow((void **)&d->stacks, &b->cap_stacks, d->nstacks + 1, sizeof *d->stacks) != 0)
        return NULL;
    for (size_t i = 0; i < n; i++)
        frames[i].mod = -1;
    st->id = id;
    st->truncated = truncated != 0;
    st->n = n;
    st->frames = frames;
    d->stacks[d->nstacks++] = st;
    return st;
}

gl_stack *gl_build_stack_new(gl_build *b, uint32_t id, size_t n, int truncated)
{
    return push_stack(b, id, n, truncated);
}

void gl_build_stack_begin(gl_build *b)
{
    b->nframes = 0;
    b->text_len = 0;
    b->key_len = 1; /* byte 0: the truncation mark, set at the end */
}

size_t gl_build_stack_depth(const gl_build *b)
{
    return b->nframes;
}

static void key_put(gl_build *b, const void *p, size_t n)
{
    if (n == 0) /* p is NULL for an absent function or file: memcpy forbids it */
        return;
    memcpy(b->key + b->key_len, p, n);
    b->key_len += n;
}

/* The argument shape the rules group by (gl_args_shape), straight into the
 * key, NUL-ended; the key has room for len + 1 bytes. */
static void key_put_shape(gl_build *b, const char *s, size_t len)
{
    b->key_len += gl_args_shape(s, len, (char *)b->key + b->key_len) + 1;
}

static size_t text_put(gl_build *b, const char *s, size_t len)
{
    size_t at = b->text_len;
    memcpy(b->textbuf + at, s, len);
    b->textbuf[at + len] = '\0';
    b->text_len += len + 1;
    return at;
}

int gl_build_frame_add(gl_build *b, const gl_build_frame *f)
{
    size_t fl = f->function ? f->function_len : 0, il = f->file ? f->file_len : 0,
           al = f->args ? f->args_len : 0;
    if (gl_grow((void **)&b->frames, &b->cap_frames, b->nframes + 1, sizeof *b->frames) != 0
        || (f->args && gl_grow((void **)&b->textbuf, &b->text_cap, b->text_len + al + 1, 1) != 0)
        || gl_grow((void **)&b->key, &b->key_cap, b->key_len + fl + il + al + 64, 1) != 0)
        return -1;
    sframe *s = &b->frames[b->nframes++];
    s->args_at = f->args ? text_put(b, f->args, al) : SIZE_MAX;
    s->args_len = al;
    s->line = f->line;
    s->off = f->off;
    s->pc = f->pc;
    /* The key: lengths make the concatenation unambiguous; the pc counts only
     * when there is no function to tell frames apart. */
    struct {
        uint64_t off, pc;
        int64_t line;
        uint32_t function_len, file_len;
        uint32_t has_function, has_file, has_args, pad_;
    } k = {f->off, f->function ? 0 : f->pc, f->line, (uint32_t)fl, (uint32_t)il,
           f->function != NULL, f->file != NULL, f->args != NULL, 0};
    key_put(b, &k, sizeof k);
    s->function_at = f->function ? b->key_len : SIZE_MAX;
    s->function_len = fl;
    key_put(b, f->function, fl);
    s->file_at = f->file ? b->key_len : SIZE_MAX;
    s->file_len = il;
    key_put(b, f->file, il);
    if (f->args)
        key_put_shape(b, f->args, al);
    return 0;
}

/* The frames built so far as a new stack, its strings interned. */
static gl_stack *new_stack(gl_build *b, int truncated)
{
    gl_stack *st = push_stack(b, (uint32_t)(b->d->nstacks + 1), b->nframes, truncated);
    if (!st)
        return NULL;
    for (size_t i = 0; i < b->nframes; i++) {
        const sframe *s = &b->frames[i];
        gl_frame *f = &st->frames[i];
        f->pc = s->pc;
        f->off = s->off;
        f->line = s->line;
        if (s->function_at != SIZE_MAX
            && !(f->function = (char *)gl_build_intern(b, (char *)b->key + s->function_at, s->function_len)))
            return NULL;
        if (s->file_at != SIZE_MAX
            && !(f->file = (char *)gl_build_intern(b, (char *)b->key + s->file_at, s->file_len)))
            return NULL;
        if (s->args_at != SIZE_MAX) {
            f->args = gl_arena_alloc(&b->st->mem, s->args_len + 1);
            if (!f->args)
                return NULL;
            memcpy(f->args, b->textbuf + s->args_at, s->args_len + 1);
        }
    }
    return st;
}

gl_stack *gl_build_stack_end(gl_build *b, int truncated)
{
    if (b->nframes == 0) {
        gl_stack **e = &b->empty[truncated != 0];
        if (!*e)
            *e = new_stack(b, truncated);
        return *e;
    }
    b->key[0] = (unsigned char)(truncated != 0);
    if (b->key_len > GL_BLOB_MAX_LEN)
        return NULL;
    uint64_t h = gl_blob_hash(b->key, b->key_len);
    gl_blob_slot *sl = gl_blob_find(&b->stacks, h, b->key, b->key_len);
    gl_stack *st;
    if (sl->key) {
        memcpy(&st, sl->key - sizeof st, sizeof st);
        return st;
    }
    /* The stack is kept just before its key: the table's slots have no
     * room for a value (store.h). */
    char *entry = gl_arena_alloc(&b->keys, sizeof st + b->key_len);
    st = entry ? new_stack(b, truncated) : NULL;
    if (!st)
        return NULL;
    memcpy(entry, &st, sizeof st);
    memcpy(entry + sizeof st, b->key, b->key_len);
    sl->hash = (uint32_t)h;
    sl->key = entry + sizeof st;
    sl->len = (uint32_t)b->key_len;
    if (gl_blob_added(&b->stacks) != 0)
        return NULL;
    return st;
}

/* ---- records ---------------------------------------------------------- */

/* Appends a zeroed element to *arr and files it under key in map (when
 * given): NULL with *dup set when the key is taken, NULL when out of memory. */
static void *append(void **arr, size_t *n, size_t *cap, size_t elem, gl_u64_map *map, uint64_t key, int *dup)
{
    *dup = 0;
    if (gl_grow(arr, cap, *n + 1, elem) != 0)
        return NULL;
    if (map) {
        int r = gl_map_put(map, key, *n);
        if (r != 0) {
            *dup = r > 0;
            return NULL;
        }
    }
    void *e = (char *)*arr + *n * elem;
    memset(e, 0, elem);
    (*n)++;
    return e;
}

gl_goroutine *gl_build_goroutine_new(gl_build *b, int has_id, int64_t id, int *dup)
{
    gl_dump *d = b->d;
    gl_goroutine *g = append((void **)&d->goroutines, &d->ngoroutines, &b->cap_goroutines, sizeof *g,
                             has_id ? &b->st->goroutines : NULL, (uint64_t)id, dup);
    if (g) {
        g->id = id;
        g->dump = d;
    }
    return g;
}

gl_chan *gl_build_chan_new(gl_build *b, uint64_t addr, int *dup)
{
    gl_dump *d = b->d;
    gl_chan *c = append((void **)&d->chans, &d->nchans, &b->cap_chans, sizeof *c, &b->st->chans, addr, dup);
    if (c)
        c->addr = addr;
    return c;
}

gl_lock *gl_build_lock_new(gl_build *b, uint64_t addr, int *dup)
{
    gl_dump *d = b->d;
    gl_lock *l = append((void **)&d->locks, &d->nlocks, &b->cap_locks, sizeof *l, &b->st->locks, addr, dup);
    if (l)
        l->addr = addr;
    return l;
}

gl_context *gl_build_context_new(gl_build *b, uint64_t addr, int *dup)
{
    gl_dump *d = b->d;
    gl_context *x = append((void **)&d->contexts, &d->ncontexts, &b->cap_contexts, sizeof *x, &b->st->contexts,
                           addr, dup);
    if (x)
        x->addr = addr;
    return x;
}

gl_module *gl_build_module_new(gl_build *b)
{
    int dup;
    gl_dump *d = b->d;
    return append((void **)&d->modules, &d->nmodules, &b->cap_modules, sizeof *d->modules, NULL, 0, &dup);
}

int gl_build_test_add(gl_build *b, const char *name)
{
    gl_dump *d = b->d;
    if (gl_grow((void **)&d->tests, &b->cap_tests, d->ntests + 1, sizeof *d->tests) != 0)
        return -1;
    d->tests[d->ntests++] = name;
    return 0;
}

/* ---- goroutines of text sources ---------------------------------------- */

static int has_prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

/* gc ends every goroutine's stack in runtime.goexit when it shows runtime
 * frames; the function the goroutine started in is the one inside it. */
static int is_trampoline(const char *fn)
{
    return strcmp(fn, "runtime.goexit") == 0 || strcmp(fn, "runtime.goexit1") == 0
        || strcmp(fn, "runtime.kickoff") == 0;
}

static const char *outermost_function(const gl_stack *s)
{
    if (!s || s->truncated)
        return NULL;
    for (size_t i = s->n; i-- > 0;) {
        const char *fn = s->frames[i].function;
        if (fn && !is_trampoline(fn))
            return fn;
        if (!fn)
            return NULL;
    }
    return NULL;
}

/* The outermost function of a stack, found once per stack. */
static int start_function_of(gl_build *b, const gl_stack *s, const char **out)
{
    size_t id = s->id;
    size_t had = b->cap_outer;
    if (gl_grow((void **)&b->outer, &b->cap_outer, id + 1, sizeof *b->outer) != 0)
        return -1;
    memset(b->outer + had, 0, (b->cap_outer - had) * sizeof *b->outer);
    outer_memo *m = &b->outer[id];
    if (!m->known) {
        m->function = outermost_function(s);
        m->known = 1;
    }
    *out = m->function;
    return 0;
}

/* The runtime's own goroutines (GC workers, finalizers...): shown by gc with
 * GOTRACEBACK=system and by libgo; never leaks, like the shim's system=1. */
static int looks_system(const gl_goroutine *g)
{
    const char *fn = g->start_function;
    if (fn && has_prefix(fn, "runtime.") && strcmp(fn, "runtime.main") != 0)
        return 1;
    const gl_frame *c = g->created && g->created->n ? &g->created->frames[0] : NULL;
    return c && c->function && has_prefix(c->function, "runtime.") && strcmp(c->function, "runtime.main") != 0;
}

int gl_build_goroutine_add(gl_build *b, const gl_build_goroutine *in)
{
    int dup;
    gl_goroutine *g = gl_build_goroutine_new(b, in->id > 0, in->id, &dup);
    if (!g)
        return dup ? 1 : -1;
    g->parent = in->parent;
    g->state = in->state;
    g->reason = in->state == GL_G_PARKED ? in->reason : -1;
    g->wait = in->wait;
    g->stack = in->stack;
    g->created = in->created;
    g->weight = in->weight;
    g->flags = in->flags & ~(unsigned)GL_GF_MINUTES;
    if (in->park_minutes >= 0) {
        /* A century of minutes is already nonsense; clamp before it overflows. */
        int64_t m = in->park_minutes < 52560000 ? in->park_minutes : 52560000;
        g->since_ns = GL_BUILD_NOW_NS - m * 60 * (int64_t)1000000000;
        g->flags |= GL_GF_MINUTES;
    }
    if (in->reason_text && !(g->reason_text = gl_build_intern(b, in->reason_text, in->reason_text_len)))
        return -1;
    if (in->labels && !(g->labels = gl_build_intern(b, in->labels, in->labels_len)))
        return -1;
    if (in->start_function)
        g->start_function = (char *)in->start_function;
    else if (in->stack && start_function_of(b, in->stack, (const char **)&g->start_function) != 0)
        return -1;
    g->system = in->system >= 0 ? in->system : looks_system(g);
    return 0;
}

int gl_build_ancestor(gl_build *b, int64_t id, int64_t parent, const char *start_function)
{
    if (id <= 0)
        return 0;
    for (size_t i = b->nancestors; i-- > 0;)
        if (b->ancestors[i].id == id)
            return 0;
    if (gl_grow((void **)&b->ancestors, &b->cap_ancestors, b->nancestors + 1, sizeof *b->ancestors) != 0)
        return -1;
    b->ancestors[b->nancestors++] = (ancestor){id, parent, start_function};
    return 0;
}

/* Ancestors wait for the end: the live goroutine may come later in the dump. */
static int add_ancestors(gl_build *b)
{
    for (size_t i = 0; i < b->nancestors; i++) {
        const ancestor *a = &b->ancestors[i];
        if (gl_dump_goroutine(b->d, a->id))
            continue;
        int dup;
        gl_goroutine *g = gl_build_goroutine_new(b, 1, a->id, &dup);
        if (!g)
            return -1;
        g->parent = a->parent;
        g->state = GL_G_EXITED;
        g->reason = -1;
        g->start_function = (char *)a->start_function;
    }
    return 0;
}

gl_dump *gl_build_finish(gl_build *b)
{
    if (add_ancestors(b) != 0) {
        gl_build_discard(b);
        return NULL;
    }
    gl_dump *d = b->d;
    b->d = NULL;
    gl_build_discard(b);
    return d;
}

void gl_build_discard(gl_build *b)
{
    if (!b)
        return;
    gl_dump_free(b->d);
    free(b->stacks.slots);
    gl_arena_free(&b->keys);
    free(b->frames);
    free(b->textbuf);
    free(b->key);
    free(b->ancestors);
    free(b->outer);
    free(b);
}
