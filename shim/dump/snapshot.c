/* The snapshot the dump is written from (snapshot.h). The goroutines keep
 * running while it is taken, so each record is copied under its lock and
 * the dump is written from the copies. */
#include "dump/snapshot.h"
#include "runtime/libgo_abi.h"

#include <sys/uio.h>
#include <unistd.h>

/* ---- vectors and sets in shim memory ---- */

void *gl_vec_push(gl_vec *v)
{
    if (v->n == v->cap) {
        size_t ncap = v->cap ? v->cap * 2 : 64;
        char *np = gl_alloc_big(ncap * v->elem);
        if (!np)
            return NULL;
        if (v->p) {
            memcpy(np, v->p, v->n * v->elem);
            gl_free_big(v->p, v->cap * v->elem);
        }
        v->p = np;
        v->cap = ncap;
    }
    return v->p + v->n++ * v->elem;
}

void gl_vec_free(gl_vec *v)
{
    if (v->p)
        gl_free_big(v->p, v->cap * v->elem);
}

struct gl_key_set {
    uint64_t key;
    UT_hash_handle hh;
};

bool gl_set_has(gl_key_set *const *s, uint64_t key)
{
    gl_key_set *e = NULL;
    HASH_FIND(hh, *s, &key, sizeof key, e);
    return e != NULL;
}

bool gl_set_add(gl_key_set **s, uint64_t key)
{
    if (gl_set_has(s, key))
        return false;
    gl_key_set *e = gl_alloc(sizeof *e);
    if (!e)
        return false;
    e->key = key;
    HASH_ADD(hh, *s, key, sizeof e->key, e);
    return true;
}

void gl_set_free(gl_key_set **s)
{
    gl_key_set *e, *tmp;
    HASH_ITER(hh, *s, e, tmp) {
        HASH_DELETE(hh, *s, e);
        gl_free(e, sizeof *e);
    }
}

/* ---- the copies ---- */

static void want_stack(gl_snapshot *s, gl_istack *st)
{
    if (st && gl_set_add(&s->stack_ids, (uint64_t)(uintptr_t)st)) {
        gl_istack **slot = gl_vec_push(&s->stacks);
        if (slot)
            *slot = st;
    }
}

static bool is_parked(const gl_g *g)
{
    return atomic_load_explicit(&g->state, memory_order_relaxed) == GL_G_PARKED;
}

static void collect_g(const gl_g *g, void *arg)
{
    gl_snapshot *s = arg;
    if (!gl_set_add(&s->gids, (uint64_t)g->goid))
        return;
    gl_g *c = gl_vec_push(&s->gs);
    if (!c)
        return;
    gl_g_read(g, c);
    /* Woken but not yet run: the runtime's word is the truth. */
    if (is_parked(c) && !gl_gstatus_still_waiting(c->gptr, c->goid))
        atomic_store_explicit(&c->state, GL_G_RUNNING, memory_order_relaxed);
    /* Exited ancestors are immutable and kept alive by their child's
     * reference, which this shard's lock holds still. */
    for (const gl_g *p = g->parent; p; p = p->parent) {
        if (atomic_load_explicit(&p->state, memory_order_relaxed) != GL_G_EXITED)
            break;
        if (!gl_set_add(&s->gids, (uint64_t)p->goid))
            break;
        gl_g *pc = gl_vec_push(&s->gs);
        if (!pc)
            break;
        *pc = *p;
    }
}

/* Channels waited on by parked goroutines. */
static void collect_chans(gl_snapshot *s)
{
    const gl_g *gs = (const gl_g *)s->gs.p;
    gl_registry_lock_chans();
    for (size_t i = 0; i < s->gs.n; i++) {
        if (!is_parked(&gs[i]))
            continue;
        for (uint8_t k = 0; k < gs[i].nchans && k < GL_G_CHANS; k++) {
            const gl_chan_rec *r = gl_registry_find_chan_locked(gs[i].chans[k]);
            if (r && gl_set_add(&s->chan_addrs, r->addr)) {
                gl_chan_rec *c = gl_vec_push(&s->chans);
                if (c)
                    *c = *r;
            }
        }
    }
    gl_registry_unlock_chans();
}

/* The contexts whose Done() those channels are. */
static void collect_ctxs(gl_snapshot *s)
{
    gl_registry_lock_ctxs();
    for (size_t i = 0; i < s->chans.n; i++) {
        gl_chan_rec *c = (gl_chan_rec *)s->chans.p + i;
        if (!c->ctx)
            continue;
        const gl_ctx_rec *r = gl_registry_find_ctx_locked(c->ctx);
        if (r && gl_set_add(&s->ctx_addrs, r->addr)) {
            gl_ctx_rec *x = gl_vec_push(&s->ctxs);
            if (x)
                *x = *r;
        } else if (!r) {
            c->ctx = 0;
        }
    }
    gl_registry_unlock_ctxs();
}

/* ---- locks and their holders ---- */

static uint8_t lock_kind(uint8_t wait)
{
    switch (wait) {
    case GL_WAIT_MUTEX: return GL_WAIT_MUTEX;
    case GL_WAIT_RWMUTEX: case GL_WAIT_RWMUTEX_R: return GL_WAIT_RWMUTEX;
    case GL_WAIT_ONCE: return GL_WAIT_ONCE;
    default: return GL_WAIT_NONE;
    }
}

/* Did the holder exit? libgo's g says so (dead, or reused for another
 * goroutine: its id changed); when its status cannot be read, the
 * registry's list of goroutines decides. */
static bool holder_exited(const gl_snapshot *s, const gl_hold *h)
{
    if (h->gptr && gl_goid_of(h->gptr) != h->goid)
        return true;
    int st = gl_gstatus_of(h->gptr, h->goid);
    if (st >= 0)
        return st == GL_LIBGO_G_DEAD;
    return !gl_set_has(&s->gids, (uint64_t)h->goid);
}

/* A word of the program's memory, or false: read with process_vm_readv,
 * which fails instead of faulting, since an address the registry holds is
 * only as good as the record it came from. */
static bool read_word(uintptr_t addr, int32_t *out)
{
    struct iovec local = {out, sizeof *out}, remote = {(void *)addr, sizeof *out};
    return process_vm_readv(getpid(), &local, 1, &remote, 1, 0) == (ssize_t)sizeof *out;
}

/* The lock's words at the dump; -1 where they cannot be read. */
static void read_lock_state(gl_lock_snap *l, uintptr_t mutex)
{
    int32_t w;
    l->locked = read_word(mutex, &w) ? (int8_t)((w & GL_LIBGO_MUTEX_LOCKED) != 0) : -1;
    l->readers = -1;
    /* With no writer, every reader counted holds it; once one came, the
     * readers counted after it wait, and readerWait holds the rest. */
    if (l->kind == GL_WAIT_RWMUTEX && read_word(l->addr + GL_LIBGO_RWMUTEX_READER_COUNT_OFFSET, &w))
        if (w >= 0 || read_word(l->addr + GL_LIBGO_RWMUTEX_READER_WAIT_OFFSET, &w))
            l->readers = w;
}

static void collect_lock(gl_snapshot *s, const gl_g *g)
{
    uint8_t kind = lock_kind(g->wait);
    if (!kind || !g->obj || !gl_set_add(&s->lock_addrs, g->obj))
        return;
    gl_lock_snap *l = gl_vec_push(&s->locks);
    if (!l)
        return;
    memset(l, 0, sizeof *l);
    l->addr = g->obj;
    l->kind = kind;
    uintptr_t mutex = kind == GL_WAIT_ONCE ? g->obj + GL_LIBGO_ONCE_M_OFFSET : g->obj;
    read_lock_state(l, mutex);
    l->nholders = gl_holds_of(mutex, l->holders, GL_LOCK_HOLDERS);
    for (size_t k = 0; k < l->nholders; k++) {
        uintptr_t pc = l->holders[k].pc;
        l->sites[k] = pc ? gl_stack_intern(&pc, 1, false) : NULL;
        l->exited[k] = holder_exited(s, &l->holders[k]);
    }
}

static void collect_locks(gl_snapshot *s)
{
    const gl_g *gs = (const gl_g *)s->gs.p;
    for (size_t i = 0; i < s->gs.n; i++)
        if (is_parked(&gs[i]))
            collect_lock(s, &gs[i]);
}

static void collect_stacks(gl_snapshot *s)
{
    const gl_g *gs = (const gl_g *)s->gs.p;
    for (size_t i = 0; i < s->gs.n; i++) {
        want_stack(s, gs[i].created);
        if (is_parked(&gs[i]))
            want_stack(s, gs[i].park_stack);
    }
    for (size_t i = 0; i < s->chans.n; i++) {
        const gl_chan_rec *c = (const gl_chan_rec *)s->chans.p + i;
        want_stack(s, c->made);
        want_stack(s, c->close_stack);
        for (int t = 0; t < c->ntouch && t < GL_CHAN_TOUCHES; t++)
            want_stack(s, c->touches[t].stack);
    }
    for (size_t i = 0; i < s->ctxs.n; i++)
        want_stack(s, ((const gl_ctx_rec *)s->ctxs.p)[i].created);
    for (size_t i = 0; i < s->locks.n; i++) {
        const gl_lock_snap *l = (const gl_lock_snap *)s->locks.p + i;
        for (size_t k = 0; k < l->nholders; k++)
            want_stack(s, l->sites[k]);
    }
}

void gl_snapshot_take(gl_snapshot *s)
{
    memset(s, 0, sizeof *s);
    s->gs.elem = sizeof(gl_g);
    s->chans.elem = sizeof(gl_chan_rec);
    s->ctxs.elem = sizeof(gl_ctx_rec);
    s->stacks.elem = sizeof(gl_istack *);
    s->locks.elem = sizeof(gl_lock_snap);
    s->now = gl_now_ns();
    gl_registry_each_g(collect_g, s);
    collect_chans(s);
    collect_ctxs(s);
    collect_locks(s);
    collect_stacks(s);
}

void gl_snapshot_free(gl_snapshot *s)
{
    gl_vec_free(&s->gs);
    gl_vec_free(&s->chans);
    gl_vec_free(&s->ctxs);
    gl_vec_free(&s->stacks);
    gl_vec_free(&s->locks);
    gl_set_free(&s->gids);
    gl_set_free(&s->stack_ids);
    gl_set_free(&s->chan_addrs);
    gl_set_free(&s->ctx_addrs);
    gl_set_free(&s->lock_addrs);
}
