/* The dump builder (dump_build.h): an arena for everything a dump keeps
 * besides its goroutine array, and two open-addressing tables that intern
 * strings and stacks. */
#include "model/build.h"

#include "util/util.h"
#include "model/dump_index.h"
#include "format/dump_read.h"
#include "rules/rules.h"

#include <stdlib.h>
#include <string.h>

/* ---- arena ------------------------------------------------------------ */

#define ARENA_BLOCK (1u << 20)

typedef struct arena_block {
    struct arena_block *next;
    size_t used, size;
    _Alignas(16) unsigned char data[];
} arena_block;

typedef struct arena {
    arena_block *head;
} arena;

static void *arena_alloc(arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    arena_block *b = a->head;
    if (!b || b->size - b->used < n) {
        /* A big request gets a block of its own behind the current one, so
         * the space left in the current block is not wasted. */
        size_t size = n > ARENA_BLOCK / 4 ? n : ARENA_BLOCK;
        arena_block *nb = malloc(sizeof *nb + size);
        if (!nb)
            return NULL;
        nb->used = 0;
        nb->size = size;
        if (b && size != ARENA_BLOCK) {
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            a->head = nb;
        }
        b = nb;
    }
    void *p = b->data + b->used;
    b->used += n;
    return p;
}

static void arena_free(arena *a)
{
    for (arena_block *b = a->head, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    a->head = NULL;
}

/* ---- hashing ---------------------------------------------------------- */

static uint64_t mix(uint64_t h)
{
    h ^= h >> 31;
    h *= 0x94d049bb133111ebull;
    h ^= h >> 29;
    return h;
}

/* Stack keys run to a kilobyte per goroutine, hashed once each: four
 * independent lanes of eight bytes keep the multiplier busy. */
static uint64_t hash_bytes(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 0x9E3779B97F4A7C15ull ^ (uint64_t)n;
    if (n >= 32) {
        uint64_t l0 = h, l1 = h ^ 0x243F6A8885A308D3ull, l2 = h ^ 0x13198A2E03707344ull,
                 l3 = h ^ 0xA4093822299F31D0ull;
        while (n >= 32) {
            uint64_t w[4];
            memcpy(w, s, 32);
            l0 = (l0 ^ w[0]) * 0xbf58476d1ce4e5b9ull;
            l1 = (l1 ^ w[1]) * 0xbf58476d1ce4e5b9ull;
            l2 = (l2 ^ w[2]) * 0xbf58476d1ce4e5b9ull;
            l3 = (l3 ^ w[3]) * 0xbf58476d1ce4e5b9ull;
            l0 ^= l0 >> 29;
            l1 ^= l1 >> 29;
            l2 ^= l2 >> 29;
            l3 ^= l3 >> 29;
            s += 32;
            n -= 32;
        }
        h = mix(l0) ^ mix(l1 + 1) * 3 ^ mix(l2 + 2) * 5 ^ mix(l3 + 3) * 7;
    }
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
        h ^= h >> 27;
        s += 8;
        n -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, s, n);
    return mix((h ^ w) * 0xbf58476d1ce4e5b9ull);
}

/* ---- interning tables ------------------------------------------------- */

typedef struct slot {
    uint64_t hash;       /* 0: empty (a real hash of 0 is stored as 1) */
    const char *key;     /* the string / the stack key, in the arena */
    size_t len;
    gl_stack *stack;     /* stack table only */
} slot;

typedef struct table {
    slot *slots;
    size_t mask, n;
} table;

static int table_grow(table *t)
{
    size_t cap = t->slots ? (t->mask + 1) * 2 : 1024;
    slot *s = calloc(cap, sizeof *s);
    if (!s)
        return -1;
    for (size_t i = 0; t->slots && i <= t->mask; i++) {
        if (!t->slots[i].hash)
            continue;
        size_t j = t->slots[i].hash & (cap - 1);
        while (s[j].hash)
            j = (j + 1) & (cap - 1);
        s[j] = t->slots[i];
    }
    free(t->slots);
    t->slots = s;
    t->mask = cap - 1;
    return 0;
}

/* The slot holding key, or the empty slot where it belongs. */
static slot *table_find(table *t, uint64_t hash, const void *key, size_t len)
{
    for (size_t i = hash & t->mask;; i = (i + 1) & t->mask) {
        slot *s = &t->slots[i];
        if (!s->hash || (s->hash == hash && s->len == len && memcmp(s->key, key, len) == 0))
            return s;
    }
}

/* ---- the builder ------------------------------------------------------ */

struct gl_build;
static int index_reserve(struct gl_build *b, size_t n);

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

/* What outlives the builder: owned by the dump (gl_dump_index.owner). */
typedef struct owned {
    arena mem;
} owned;

struct gl_build {
    gl_dump *d;
    gl_dump_index *ix;
    owned *own;
    table strings, stacks;
    size_t cap_stacks, cap_goroutines;
    /* the stack being built */
    sframe *frames;
    size_t nframes, cap_frames;
    char *textbuf;               /* the frames' arguments, NUL-terminated */
    size_t text_len, text_cap;
    unsigned char *key;          /* the stack's identity, built as frames come */
    size_t key_len, key_cap;
    int key_failed;
    gl_stack *empty[2];          /* the empty stack, untruncated / truncated */
    ancestor *ancestors;
    size_t nancestors, cap_ancestors;
    outer_memo *outer;           /* by stack id: its outermost function */
    size_t cap_outer;
};

static void release(gl_dump *d)
{
    gl_dump_index *ix = d->index_;
    owned *own = ix->owner;
    free(d->stacks);
    d->stacks = NULL;
    d->nstacks = 0;
    free(ix->gid_keys);
    free(ix->gid_pos);
    ix->gid_keys = NULL;
    ix->gid_pos = NULL;
    if (own) {
        arena_free(&own->mem);
        free(own);
    }
    ix->owner = NULL;
    ix->release = NULL;
    d->path = NULL;
}

gl_build *gl_build_new(const char *path, const char *source)
{
    gl_build *b = calloc(1, sizeof *b);
    gl_dump *d = calloc(1, sizeof *d);
    gl_dump_index *ix = calloc(1, sizeof *ix);
    owned *own = calloc(1, sizeof *own);
    if (!b || !d || !ix || !own) {
        free(b);
        free(d);
        free(ix);
        free(own);
        return NULL;
    }
    ix->owner = own;
    ix->release = release;
    d->index_ = ix;
    d->source = source;
    d->version = GL_DUMP_VERSION;
    d->status = -1;
    d->mono_ns = GL_BUILD_NOW_NS;
    d->min_park_ns = -1;
    b->d = d;
    b->ix = ix;
    b->own = own;
    if (table_grow(&b->strings) != 0 || table_grow(&b->stacks) != 0 || index_reserve(b, 1) != 0
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
    if (!s)
        return NULL;
    uint64_t h = hash_bytes(s, len);
    h += !h;
    slot *sl = table_find(&b->strings, h, s, len);
    if (sl->hash)
        return sl->key;
    char *copy = arena_alloc(&b->own->mem, len + 1);
    if (!copy)
        return NULL;
    memcpy(copy, s, len);
    copy[len] = '\0';
    sl->hash = h;
    sl->key = copy;
    sl->len = len;
    if (++b->strings.n * 2 > b->strings.mask && table_grow(&b->strings) != 0)
        return NULL;
    return copy;
}

void gl_build_stack_begin(gl_build *b)
{
    b->nframes = 0;
    b->text_len = 0;
    b->key_len = 1; /* byte 0: the truncation mark, set at the end */
    b->key_failed = 0;
}

size_t gl_build_stack_depth(const gl_build *b)
{
    return b->nframes;
}

static int key_reserve(gl_build *b, size_t n)
{
    return gl_grow((void **)&b->key, &b->key_cap, b->key_len + n, 1);
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
        || key_reserve(b, fl + il + al + 64) != 0)
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

static gl_stack *new_stack(gl_build *b, int truncated)
{
    arena *a = &b->own->mem;
    gl_stack *st = arena_alloc(a, sizeof *st);
    gl_frame *frames = b->nframes ? arena_alloc(a, b->nframes * sizeof *frames) : NULL;
    if (!st || (b->nframes && !frames))
        return NULL;
    for (size_t i = 0; i < b->nframes; i++) {
        const sframe *s = &b->frames[i];
        gl_frame *f = &frames[i];
        f->pc = s->pc;
        f->mod = -1;
        f->off = s->off;
        f->function = NULL;
        f->file = NULL;
        if (s->function_at != SIZE_MAX
            && !(f->function = (char *)gl_build_intern(b, (char *)b->key + s->function_at, s->function_len)))
            return NULL;
        if (s->file_at != SIZE_MAX
            && !(f->file = (char *)gl_build_intern(b, (char *)b->key + s->file_at, s->file_len)))
            return NULL;
        f->line = s->line;
        f->args = NULL;
        if (s->args_at != SIZE_MAX) {
            f->args = arena_alloc(a, s->args_len + 1);
            if (!f->args)
                return NULL;
            memcpy(f->args, b->textbuf + s->args_at, s->args_len + 1);
        }
    }
    gl_dump *d = b->d;
    if (gl_grow((void **)&d->stacks, &b->cap_stacks, d->nstacks + 1, sizeof *d->stacks) != 0)
        return NULL;
    st->id = (uint32_t)(d->nstacks + 1);
    st->truncated = truncated != 0;
    st->n = b->nframes;
    st->frames = frames;
    d->stacks[d->nstacks++] = st;
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
    uint64_t h = hash_bytes(b->key, b->key_len);
    h += !h;
    slot *sl = table_find(&b->stacks, h, b->key, b->key_len);
    if (sl->hash)
        return sl->stack;
    char *key = arena_alloc(&b->own->mem, b->key_len);
    gl_stack *st = key ? new_stack(b, truncated) : NULL;
    if (!st)
        return NULL;
    memcpy(key, b->key, b->key_len);
    sl->hash = h;
    sl->key = key;
    sl->len = b->key_len;
    sl->stack = st;
    if (++b->stacks.n * 2 > b->stacks.mask && table_grow(&b->stacks) != 0)
        return NULL;
    return st;
}

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

/* Inserts id at position pos; 1 when the id is already there. */
static int index_put(gl_dump_index *ix, int64_t id, size_t pos)
{
    for (size_t i = gl_gid_slot(id, ix->gid_mask);; i = (i + 1) & ix->gid_mask) {
        if (ix->gid_keys[i] == id)
            return 1;
        if (ix->gid_keys[i] == 0) {
            ix->gid_keys[i] = id;
            ix->gid_pos[i] = pos;
            return 0;
        }
    }
}

/* Keeps the id table at most half full. */
static int index_reserve(gl_build *b, size_t n)
{
    gl_dump_index *ix = b->ix;
    size_t cap = ix->gid_keys ? ix->gid_mask + 1 : 0;
    if (n * 2 < cap)
        return 0;
    size_t ncap = cap ? cap : 1024;
    while (n * 2 >= ncap)
        ncap *= 2;
    int64_t *keys = calloc(ncap, sizeof *keys);
    size_t *pos = malloc(ncap * sizeof *pos);
    if (!keys || !pos) {
        free(keys);
        free(pos);
        return -1;
    }
    int64_t *old_keys = ix->gid_keys;
    size_t *old_pos = ix->gid_pos;
    ix->gid_keys = keys;
    ix->gid_pos = pos;
    ix->gid_mask = ncap - 1;
    for (size_t i = 0; i < cap; i++)
        if (old_keys[i])
            index_put(ix, old_keys[i], old_pos[i]);
    free(old_keys);
    free(old_pos);
    return 0;
}

static gl_goroutine *append_goroutine(gl_build *b)
{
    gl_dump *d = b->d;
    if (gl_grow((void **)&d->goroutines, &b->cap_goroutines, d->ngoroutines + 1, sizeof *d->goroutines) != 0
        || index_reserve(b, d->ngoroutines + 1) != 0)
        return NULL;
    gl_goroutine *g = &d->goroutines[d->ngoroutines];
    memset(g, 0, sizeof *g);
    g->dump = d;
    return g;
}

int gl_build_goroutine_add(gl_build *b, const gl_build_goroutine *in)
{
    gl_dump *d = b->d;
    gl_goroutine *g = append_goroutine(b);
    if (!g)
        return -1;
    /* One probe both finds a duplicate and files the new id. */
    if (in->id > 0 && index_put(b->ix, in->id, d->ngoroutines) == 1)
        return 1;
    g->id = in->id;
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
    else if (in->stack) {
        size_t id = in->stack->id;
        size_t had = b->cap_outer;
        if (gl_grow((void **)&b->outer, &b->cap_outer, id + 1, sizeof *b->outer) != 0)
            return -1;
        memset(b->outer + had, 0, (b->cap_outer - had) * sizeof *b->outer);
        outer_memo *m = &b->outer[id];
        if (!m->known) {
            m->function = outermost_function(in->stack);
            m->known = 1;
        }
        g->start_function = (char *)m->function;
    }
    g->system = in->system >= 0 ? in->system : looks_system(g);
    d->ngoroutines++;
    return 0;
}

size_t gl_build_goroutine_count(const gl_build *b)
{
    return b->d->ngoroutines;
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
    gl_dump *d = b->d;
    for (size_t i = 0; i < b->nancestors; i++) {
        const ancestor *a = &b->ancestors[i];
        if (gl_dump_goroutine(d, a->id))
            continue;
        gl_goroutine *g = append_goroutine(b);
        if (!g)
            return -1;
        g->id = a->id;
        g->parent = a->parent;
        g->state = GL_G_EXITED;
        g->reason = -1;
        g->start_function = (char *)a->start_function;
        index_put(b->ix, a->id, d->ngoroutines++);
    }
    return 0;
}

gl_dump *gl_build_finish(gl_build *b)
{
    if (index_reserve(b, 1) != 0 || add_ancestors(b) != 0) {
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
    free(b->strings.slots);
    free(b->stacks.slots);
    free(b->frames);
    free(b->textbuf);
    free(b->key);
    free(b->ancestors);
    free(b->outer);
    free(b);
}
