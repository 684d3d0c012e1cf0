/* What the shim knows: live goroutines (and the exited ancestors they still
 * point to), channels, contexts, in tables sharded so that goroutines on
 * different threads rarely meet on a lock. Channels and contexts are uthash
 * tables. Goroutines get a plain chained table of their own: a goroutine is
 * born on one thread and dies on another, so every record a lookup touches is
 * a cache miss, and uthash's insertion-order list (two neighbours touched per
 * insert and delete) and its free-when-empty tables (a shard regrown and
 * rehashed from nothing after every burst) made spawn+exit 1.5 to 2.5 times
 * slower in scripts/bench.sh; this table's buckets only ever grow. A goroutine's park fields are
 * written only by that goroutine, without the shard lock, under a per-record
 * sequence counter; the dump reads them under the shard lock. */
#include "core/registry.h"

#include <pthread.h>

#define GSHARDS 64
#define CSHARDS 16

struct gshard {
    pthread_mutex_t mu;
    gl_g **buckets;
    size_t nbuckets;  /* power of two */
    size_t count;
} __attribute__((aligned(64)));

struct cshard {
    pthread_mutex_t mu;
    gl_chan_rec *head;
} __attribute__((aligned(64)));

/* Goroutines just spawned, by goid: a new goroutine's first park finds its
 * record here, without its shard's lock (see gl_registry_self). */
#define RECENT (1u << 12)

static struct {
    struct gshard g[GSHARDS];     /* goroutines, by goid % GSHARDS */
    _Atomic(gl_g *) recent[RECENT];
    struct cshard chans[CSHARDS]; /* channels, by address */
    pthread_mutex_t ctx_mu;       /* contexts: few, one table */
    gl_ctx_rec *ctxs;
} reg = {.ctx_mu = PTHREAD_MUTEX_INITIALIZER};

/* This thread's shortcuts into the tables (see where each is used). */
#define GCACHE 16
#define CCACHE 8
static GL_TLS struct {
    gl_g *pending_parent;         /* parent_unref: decrements not applied yet */
    unsigned pending_n;
    struct {
        int64_t goid;
        gl_g *rec;
    } gcache[GCACHE];             /* gl_registry_self */
    struct {
        uintptr_t addr;
        gl_chan_rec *rec;
    } ccache[CCACHE];             /* gl_registry_chan_touch */
} tl;

void gl_registry_init(void)
{
    for (int i = 0; i < GSHARDS; i++)
        pthread_mutex_init(&reg.g[i].mu, NULL);
    for (int i = 0; i < CSHARDS; i++)
        pthread_mutex_init(&reg.chans[i].mu, NULL);
}

static struct gshard *gshard_of(int64_t goid)
{
    return &reg.g[(uint64_t)goid % GSHARDS];
}

static struct cshard *cshard_of(uintptr_t c)
{
    return &reg.chans[(c >> 4) % CSHARDS];
}

/* Shards are picked by goid % GSHARDS, so buckets hash what is left. */
static size_t g_bucket(const struct gshard *s, int64_t goid)
{
    uint64_t k = (uint64_t)goid / GSHARDS;
    return (size_t)((k * 0x9E3779B97F4A7C15ull) >> 32) & (s->nbuckets - 1);
}

static gl_g *g_find(struct gshard *s, int64_t goid)
{
    if (!s->buckets)
        return NULL;
    for (gl_g *g = s->buckets[g_bucket(s, goid)]; g; g = g->hnext)
        if (g->goid == goid)
            return g;
    return NULL;
}

static void g_grow(struct gshard *s)
{
    size_t n = s->nbuckets ? s->nbuckets * 2 : 64;
    gl_g **b = gl_alloc(n * sizeof *b);
    if (!b)
        return; /* keep the old, longer chains */
    gl_g **old = s->buckets;
    size_t oldn = s->nbuckets;
    s->buckets = b;
    s->nbuckets = n;
    for (size_t i = 0; i < oldn; i++)
        for (gl_g *g = old[i], *next; g; g = next) {
            next = g->hnext;
            size_t k = g_bucket(s, g->goid);
            g->hnext = b[k];
            b[k] = g;
        }
    gl_free(old, oldn * sizeof *old);
}

static gl_g *g_new(struct gshard *s, int64_t goid)
{
    if (s->count >= s->nbuckets)
        g_grow(s);
    if (!s->buckets)
        return NULL;
    gl_g *g = gl_alloc(sizeof *g);
    if (!g)
        return NULL;
    g->goid = goid;
    atomic_init(&g->refs, 1);
    size_t k = g_bucket(s, goid);
    g->hnext = s->buckets[k];
    s->buckets[k] = g;
    s->count++;
    return g;
}

static void g_unlink(struct gshard *s, gl_g *g)
{
    for (gl_g **pp = &s->buckets[g_bucket(s, g->goid)]; *pp; pp = &(*pp)->hnext)
        if (*pp == g) {
            *pp = g->hnext;
            s->count--;
            return;
        }
}

static void g_unref(gl_g *g);

/* A parent's reference count is written by the parent at every spawn and by
 * its children's exits on other threads: the decrements for one parent are
 * gathered per thread and applied together. A pending decrement only keeps a
 * record alive longer (at most one parent per thread), never frees it early. */
#define UNREF_BATCH 64

static void flush_pending(void)
{
    gl_g *p = tl.pending_parent;
    unsigned n = tl.pending_n;
    tl.pending_parent = NULL;
    tl.pending_n = 0;
    if (p && n && atomic_fetch_sub_explicit(&p->refs, n, memory_order_acq_rel) == n) {
        gl_g *grand = p->parent;
        gl_free(p, sizeof *p);
        g_unref(grand);
    }
}

static void parent_unref(gl_g *p)
{
    if (!p)
        return;
    if (p != tl.pending_parent) {
        flush_pending();
        tl.pending_parent = p;
    }
    if (++tl.pending_n >= UNREF_BATCH)
        flush_pending();
}

/* Drops one reference; a record that reaches zero releases its parent. */
static void g_unref(gl_g *g)
{
    while (g && atomic_fetch_sub_explicit(&g->refs, 1, memory_order_acq_rel) == 1) {
        gl_g *parent = g->parent;
        gl_free(g, sizeof *g);
        g = parent;
    }
}

/* The exit of a goroutine: its own reference goes now, its parent's later. */
static void g_release(gl_g *g)
{
    if (atomic_fetch_sub_explicit(&g->refs, 1, memory_order_acq_rel) == 1) {
        gl_g *parent = g->parent;
        gl_free(g, sizeof *g);
        parent_unref(parent);
    }
}

void gl_registry_spawned(int64_t parent_goid, int64_t child_goid, uintptr_t start_pc, gl_istack *created)
{
    gl_g *parent = NULL;
    if (parent_goid > 0) {
        struct gshard *ps = gshard_of(parent_goid);
        pthread_mutex_lock(&ps->mu);
        parent = g_find(ps, parent_goid);
        pthread_mutex_unlock(&ps->mu);
    }
    gl_registry_spawned_by(parent, parent_goid, child_goid, start_pc, created, NULL);
}

/* parent is the spawning goroutine's own record (or NULL): it cannot go
 * away while that goroutine runs, so no lock is needed to take a reference. */
void gl_registry_spawned_by(gl_g *parent, int64_t parent_goid, int64_t child_goid, uintptr_t start_pc,
                            gl_istack *created, const char *test)
{
    gl_registry_spawned_g(parent, parent_goid, child_goid, start_pc, created, test, NULL);
}

/* What the parent's `go` statement tells about the child. */
static void set_origin(gl_g *g, gl_g *parent, int64_t parent_goid, uintptr_t start_pc, gl_istack *created,
                       const char *test)
{
    g->parent_goid = parent_goid;
    g->parent = parent;
    g->start_pc = start_pc;
    g->created = created;
    g->test = test;
}

void gl_registry_spawned_g(gl_g *parent, int64_t parent_goid, int64_t child_goid, uintptr_t start_pc,
                           gl_istack *created, const char *test, void *child_g)
{
    if (parent)
        atomic_fetch_add_explicit(&parent->refs, 1, memory_order_relaxed);
    struct gshard *s = gshard_of(child_goid);
    pthread_mutex_lock(&s->mu);
    gl_g *g = g_find(s, child_goid);
    if (g && atomic_load_explicit(&g->state, memory_order_relaxed) == GL_G_EXITED) {
        /* It ran and finished before its parent got back here. Its children
         * (if it had time for any) still point to it: it becomes an
         * ordinary exited ancestor, with the parent link and test it should
         * have had all along, and goes when they do. */
        g_unlink(s, g);
        pthread_mutex_unlock(&s->mu);
        set_origin(g, parent, parent_goid, start_pc, created, test);
        g_release(g);
        return;
    }
    if (!g)
        g = g_new(s, child_goid);
    if (g) {
        set_origin(g, parent, parent_goid, start_pc, created, test);
        g->created_ns = gl_now_coarse_ns();
        g->spawn_seen = 1;
        if (child_g && !g->gptr)
            g->gptr = child_g;
        parent = NULL;
        atomic_store_explicit(&reg.recent[(uint64_t)child_goid % RECENT], g, memory_order_release);
    }
    pthread_mutex_unlock(&s->mu);
    g_unref(parent); /* only when the record could not be made */
}

void gl_registry_exited(int64_t goid)
{
    struct gshard *s = gshard_of(goid);
    pthread_mutex_lock(&s->mu);
    gl_g *g = g_find(s, goid);
    if (!g) {
        /* Exited before its spawn was recorded: leave a tombstone for
         * gl_registry_spawned to find. */
        g = g_new(s, goid);
        if (g)
            atomic_store_explicit(&g->state, GL_G_EXITED, memory_order_relaxed);
        pthread_mutex_unlock(&s->mu);
        return;
    }
    atomic_store_explicit(&g->state, GL_G_EXITED, memory_order_relaxed);
    if (!g->spawn_seen) {
        /* It parked or spawned before its parent recorded the spawn: the
         * record stays, as a tombstone, for gl_registry_spawned_by. */
        pthread_mutex_unlock(&s->mu);
        return;
    }
    g_unlink(s, g);
    pthread_mutex_unlock(&s->mu);
    g_release(g);
}

/* A goroutine's record is freed only by its own exit, so while it runs, a
 * cached pointer whose goid matches is its record. Records live in slabs that
 * are never unmapped, so checking a stale entry is safe. */

static bool is_self(const gl_g *c, int64_t goid)
{
    return c && __atomic_load_n(&c->goid, __ATOMIC_RELAXED) == goid &&
           atomic_load_explicit(&c->state, memory_order_relaxed) != GL_G_EXITED;
}

gl_g *gl_registry_self(int64_t goid)
{
    unsigned slot = (unsigned)goid % GCACHE;
    gl_g *c = tl.gcache[slot].rec;
    if (tl.gcache[slot].goid == goid && is_self(c, goid))
        return c;
    /* Spawned on another thread, here for the first time: the same checks
     * hold for the spawn's note (goids are never reused). */
    gl_g *g = atomic_load_explicit(&reg.recent[(uint64_t)goid % RECENT], memory_order_acquire);
    if (!is_self(g, goid)) {
        struct gshard *s = gshard_of(goid);
        pthread_mutex_lock(&s->mu);
        g = g_find(s, goid);
        if (!g)
            g = g_new(s, goid); /* parked before its parent recorded the spawn */
        pthread_mutex_unlock(&s->mu);
    }
    tl.gcache[slot].goid = goid;
    tl.gcache[slot].rec = g;
    return g;
}

void gl_registry_park_set(gl_g *g, uint8_t reason, uint8_t wait, uintptr_t obj, const uintptr_t *chans,
                          uint8_t nchans, gl_istack *stack, int64_t now)
{
    unsigned seq = atomic_load_explicit(&g->seq, memory_order_relaxed);
    atomic_store_explicit(&g->seq, seq + 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
    g->reason = reason;
    g->wait = wait;
    g->since_ns = now;
    g->park_stack = stack;
    g->obj = obj;
    if (nchans > GL_G_CHANS)
        nchans = GL_G_CHANS;
    g->nchans = nchans;
    for (uint8_t i = 0; i < nchans; i++)
        g->chans[i] = chans[i];
    atomic_store_explicit(&g->state, GL_G_PARKED, memory_order_relaxed);
    atomic_store_explicit(&g->seq, seq + 2, memory_order_release);
}

void gl_registry_unpark(gl_g *g)
{
    atomic_store_explicit(&g->state, GL_G_RUNNING, memory_order_relaxed);
}

void gl_g_read(const gl_g *g, gl_g *copy)
{
    for (int tries = 0;; tries++) {
        unsigned s1 = atomic_load_explicit(&g->seq, memory_order_acquire);
        *copy = *g;
        atomic_thread_fence(memory_order_acquire);
        unsigned s2 = atomic_load_explicit(&g->seq, memory_order_relaxed);
        if (s1 == s2 && !(s1 & 1))
            return;
        if (tries > 1000) {
            /* The owner is mid-update: it is running, not parked. */
            atomic_store_explicit(&copy->state, GL_G_RUNNING, memory_order_relaxed);
            return;
        }
    }
}

void gl_registry_each_g(void (*fn)(const gl_g *g, void *arg), void *arg)
{
    for (int i = 0; i < GSHARDS; i++) {
        pthread_mutex_lock(&reg.g[i].mu);
        for (size_t b = 0; b < reg.g[i].nbuckets; b++)
            for (gl_g *g = reg.g[i].buckets[b]; g; g = g->hnext)
                if (atomic_load_explicit(&g->state, memory_order_relaxed) != GL_G_EXITED)
                    fn(g, arg);
        pthread_mutex_unlock(&reg.g[i].mu);
    }
}

/* Summed when asked (tests, never a hot path): one counter shared by every
 * spawn and exit bounced its cache line between the cores, 6% of spawn+exit. */
size_t gl_registry_live_goroutines(void)
{
    size_t n = 0;
    for (int i = 0; i < GSHARDS; i++) {
        pthread_mutex_lock(&reg.g[i].mu);
        n += reg.g[i].count;
        pthread_mutex_unlock(&reg.g[i].mu);
    }
    return n;
}

/* ---- channels ---- */

/* A record whose address the Go heap gave to a new object: cleared for it,
 * but kept in its table. */
#define RECLAIM(r)                                                             \
    do {                                                                       \
        UT_hash_handle hh_ = (r)->hh;                                          \
        memset((r), 0, sizeof *(r));                                           \
        (r)->hh = hh_;                                                         \
    } while (0)

static gl_chan_rec *chan_find(struct cshard *s, uintptr_t c)
{
    gl_chan_rec *r = NULL;
    HASH_FIND(hh, s->head, &c, sizeof c, r);
    return r;
}

static gl_chan_rec *chan_get(struct cshard *s, uintptr_t c)
{
    gl_chan_rec *r = chan_find(s, c);
    if (!r) {
        r = gl_alloc(sizeof *r);
        if (!r)
            return NULL;
        r->addr = c;
        r->cap = -1;
        HASH_ADD(hh, s->head, addr, sizeof r->addr, r);
    }
    return r;
}

static void touch_locked(gl_chan_rec *r, int64_t goid, uint8_t op, gl_istack *st, int64_t ns)
{
    gl_touch_rec *t = &r->touches[r->touch_next];
    t->goid = goid;
    t->op = op;
    t->stack = st;
    t->ns = ns;
    r->touch_next = (uint8_t)((r->touch_next + 1) % GL_CHAN_TOUCHES);
    if (r->ntouch < GL_CHAN_TOUCHES)
        r->ntouch++;
}

void gl_registry_chan_made(uintptr_t c, int64_t cap, int64_t goid, gl_istack *st)
{
    struct cshard *s = cshard_of(c);
    pthread_mutex_lock(&s->mu);
    gl_chan_rec *r = chan_find(s, c);
    if (r) {
        RECLAIM(r);
        r->addr = c;
    } else {
        r = chan_get(s, c);
    }
    if (r) {
        int64_t now = gl_now_coarse_ns();
        r->made = st;
        r->maker = goid;
        r->made_ns = now;
        r->cap = cap;
        touch_locked(r, goid, GL_OP_MAKE, NULL, now);
    }
    pthread_mutex_unlock(&s->mu);
}

/* The same goroutine parking on the same channel the same way again (a
 * worker loop, a ping-pong) only refreshes the newest touch's time: that
 * needs no lock, just the record, which is never freed. */

static unsigned ccache_slot(uintptr_t c)
{
    return (unsigned)((c >> 4) ^ (c >> 10)) % CCACHE;
}

void gl_registry_chan_touch(uintptr_t c, int64_t goid, uint8_t op, gl_istack *st, int64_t ns)
{
    unsigned slot = ccache_slot(c);
    gl_chan_rec *hot = tl.ccache[slot].rec;
    if (hot && tl.ccache[slot].addr == c && __atomic_load_n(&hot->addr, __ATOMIC_RELAXED) == c) {
        unsigned last = (__atomic_load_n(&hot->touch_next, __ATOMIC_RELAXED) + GL_CHAN_TOUCHES - 1) % GL_CHAN_TOUCHES;
        gl_touch_rec *t = &hot->touches[last];
        if (__atomic_load_n(&t->goid, __ATOMIC_RELAXED) == goid && __atomic_load_n(&t->op, __ATOMIC_RELAXED) == op &&
            __atomic_load_n(&t->stack, __ATOMIC_RELAXED) == st) {
            __atomic_store_n(&t->ns, ns, __ATOMIC_RELAXED);
            return;
        }
    }
    struct cshard *s = cshard_of(c);
    pthread_mutex_lock(&s->mu);
    /* Under the lock the cached record is still this channel's (records are
     * never freed; a reclaimed one keeps its address): no table walk. */
    gl_chan_rec *r = hot && tl.ccache[slot].addr == c && hot->addr == c ? hot : chan_get(s, c);
    if (r)
        touch_locked(r, goid, op, st, ns);
    pthread_mutex_unlock(&s->mu);
    tl.ccache[slot].addr = c;
    tl.ccache[slot].rec = r;
}

void gl_registry_chan_closed(uintptr_t c, int64_t goid, gl_istack *st)
{
    struct cshard *s = cshard_of(c);
    pthread_mutex_lock(&s->mu);
    gl_chan_rec *r = chan_get(s, c);
    if (r) {
        int64_t now = gl_now_coarse_ns();
        r->closed = 1;
        r->closer = goid;
        r->close_stack = st;
        r->closed_ns = now;
        touch_locked(r, goid, GL_OP_CLOSE, st, now);
    }
    pthread_mutex_unlock(&s->mu);
}

void gl_registry_chan_timer(uintptr_t c, uint8_t kind, int64_t when_ns, int stopped)
{
    struct cshard *s = cshard_of(c);
    pthread_mutex_lock(&s->mu);
    gl_chan_rec *r = chan_get(s, c);
    if (r) {
        if (kind)
            r->timer = kind;
        if (when_ns >= 0)
            r->timer_when_ns = when_ns;
        r->timer_stopped = (uint8_t)stopped;
    }
    pthread_mutex_unlock(&s->mu);
}

void gl_registry_chan_signal(uintptr_t c)
{
    struct cshard *s = cshard_of(c);
    pthread_mutex_lock(&s->mu);
    gl_chan_rec *r = chan_get(s, c);
    if (r)
        r->signal = 1;
    pthread_mutex_unlock(&s->mu);
}

void gl_registry_lock_chans(void)
{
    for (int i = 0; i < CSHARDS; i++)
        pthread_mutex_lock(&reg.chans[i].mu);
}

void gl_registry_unlock_chans(void)
{
    for (int i = CSHARDS - 1; i >= 0; i--)
        pthread_mutex_unlock(&reg.chans[i].mu);
}

const gl_chan_rec *gl_registry_find_chan_locked(uintptr_t c)
{
    return chan_find(cshard_of(c), c);
}

/* ---- contexts ---- */

static gl_ctx_rec *ctx_find(uintptr_t ctx)
{
    gl_ctx_rec *r = NULL;
    HASH_FIND(hh, reg.ctxs, &ctx, sizeof ctx, r);
    return r;
}

void gl_registry_ctx_made(uintptr_t ctx, uint8_t kind, int64_t goid, gl_istack *st, int64_t deadline_ns)
{
    pthread_mutex_lock(&reg.ctx_mu);
    gl_ctx_rec *r = ctx_find(ctx);
    if (r) {
        RECLAIM(r);
    } else {
        r = gl_alloc(sizeof *r);
        if (r) {
            r->addr = ctx;
            HASH_ADD(hh, reg.ctxs, addr, sizeof r->addr, r);
        }
    }
    if (r) {
        r->addr = ctx;
        r->kind = kind;
        r->creator = goid;
        r->created = st;
        r->created_ns = gl_now_coarse_ns();
        r->deadline_ns = deadline_ns;
    }
    pthread_mutex_unlock(&reg.ctx_mu);
}

void gl_registry_ctx_retag(uintptr_t ctx, uint8_t kind, int64_t deadline_ns)
{
    pthread_mutex_lock(&reg.ctx_mu);
    gl_ctx_rec *r = ctx_find(ctx);
    if (r) {
        r->kind = kind;
        r->deadline_ns = deadline_ns;
    }
    pthread_mutex_unlock(&reg.ctx_mu);
}

void gl_registry_ctx_done(uintptr_t ctx, uintptr_t done_chan)
{
    pthread_mutex_lock(&reg.ctx_mu);
    gl_ctx_rec *r = ctx_find(ctx);
    if (r)
        r->done = done_chan;
    pthread_mutex_unlock(&reg.ctx_mu);
    if (r) {
        struct cshard *s = cshard_of(done_chan);
        pthread_mutex_lock(&s->mu);
        gl_chan_rec *c = chan_get(s, done_chan);
        if (c)
            c->ctx = ctx;
        pthread_mutex_unlock(&s->mu);
    }
}

void gl_registry_ctx_cancelled(uintptr_t ctx)
{
    pthread_mutex_lock(&reg.ctx_mu);
    gl_ctx_rec *r = ctx_find(ctx);
    if (r)
        r->cancelled = 1;
    pthread_mutex_unlock(&reg.ctx_mu);
}

void gl_registry_lock_ctxs(void) { pthread_mutex_lock(&reg.ctx_mu); }
void gl_registry_unlock_ctxs(void) { pthread_mutex_unlock(&reg.ctx_mu); }
const gl_ctx_rec *gl_registry_find_ctx_locked(uintptr_t c) { return ctx_find(c); }

/* ---- fork: hold every lock across fork so the child's copies are sane ---- */

void gl_registry_atfork_prepare(void)
{
    pthread_mutex_lock(&reg.ctx_mu);
    gl_registry_lock_chans();
    for (int i = 0; i < GSHARDS; i++)
        pthread_mutex_lock(&reg.g[i].mu);
}

void gl_registry_atfork_parent(void)
{
    for (int i = GSHARDS - 1; i >= 0; i--)
        pthread_mutex_unlock(&reg.g[i].mu);
    gl_registry_unlock_chans();
    pthread_mutex_unlock(&reg.ctx_mu);
}

void gl_registry_atfork_child(void)
{
    gl_registry_init();
    pthread_mutex_init(&reg.ctx_mu, NULL);
}
