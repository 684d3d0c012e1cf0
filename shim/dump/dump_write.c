/* Writes a dump (docs/dump-format.md) of everything the registry holds.
 * Runs on a thread of the shim's own (at exit, or the interval dumper), never
 * inside an interposer: the goroutines keep running while it reads, so it
 * copies each record under its lock and writes from the copies. */
#define UNW_LOCAL_ONLY
#include "shim.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <libunwind.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* ---- growable buffer on mmap ---- */

static void mb_reserve(gl_membuf *b, size_t extra)
{
    if (b->failed || b->len + extra <= b->cap)
        return;
    size_t ncap = b->cap ? b->cap * 2 : (1u << 16);
    while (ncap < b->len + extra)
        ncap *= 2;
    char *p = b->p ? mremap(b->p, b->cap, ncap, MREMAP_MAYMOVE)
                   : mmap(NULL, ncap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        b->failed = 1;
        return;
    }
    b->p = p;
    b->cap = ncap;
}

static void mb_put(gl_membuf *b, const char *s, size_t n)
{
    mb_reserve(b, n);
    if (b->failed)
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

static void mb_str(gl_membuf *b, const char *s)
{
    mb_put(b, s, strlen(s));
}

static void mb_dec(gl_membuf *b, int64_t v)
{
    char tmp[24];
    int i = sizeof tmp;
    uint64_t u = v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
    do {
        tmp[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        tmp[--i] = '-';
    mb_put(b, tmp + i, sizeof tmp - (size_t)i);
}

static void mb_hex(gl_membuf *b, uint64_t v)
{
    char tmp[18];
    int i = sizeof tmp;
    do {
        tmp[--i] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v);
    tmp[--i] = 'x';
    tmp[--i] = '0';
    mb_put(b, tmp + i, sizeof tmp - (size_t)i);
}

/* Percent-encodes what would break the line grammar. */
static void mb_pct(gl_membuf *b, const char *s)
{
    if (!*s) {
        mb_str(b, "-");
        return;
    }
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c <= 0x20 || c >= 0x7f || c == '%' || c == '=' || c == ',') {
            char e[3] = {'%', "0123456789ABCDEF"[c >> 4], "0123456789ABCDEF"[c & 15]};
            mb_put(b, e, 3);
        } else {
            mb_put(b, (const char *)&c, 1);
        }
    }
}

static void kv_dec(gl_membuf *b, const char *k, int64_t v)
{
    mb_str(b, " ");
    mb_str(b, k);
    mb_str(b, "=");
    mb_dec(b, v);
}

static void kv_hex(gl_membuf *b, const char *k, uint64_t v)
{
    mb_str(b, " ");
    mb_str(b, k);
    mb_str(b, "=");
    mb_hex(b, v);
}

static void kv_str(gl_membuf *b, const char *k, const char *v)
{
    mb_str(b, " ");
    mb_str(b, k);
    mb_str(b, "=");
    mb_pct(b, v);
}

void gl_membuf_free(gl_membuf *b)
{
    if (b->p)
        munmap(b->p, b->cap);
    memset(b, 0, sizeof *b);
}

/* ---- simple vectors and sets for the snapshot ---- */

typedef struct vec {
    char *p;
    size_t n, cap, elem;
} vec;

static void *vec_push(vec *v)
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

static void vec_free(vec *v)
{
    if (v->p)
        gl_free_big(v->p, v->cap * v->elem);
}

typedef struct key_set {
    uint64_t key;
    UT_hash_handle hh;
} key_set;

/* Returns true when key was new. */
static bool set_add(key_set **s, uint64_t key)
{
    key_set *e = NULL;
    HASH_FIND(hh, *s, &key, sizeof key, e);
    if (e)
        return false;
    e = gl_alloc(sizeof *e);
    if (!e)
        return false;
    e->key = key;
    HASH_ADD(hh, *s, key, sizeof e->key, e);
    return true;
}

static void set_free(key_set **s)
{
    key_set *e, *tmp;
    HASH_ITER(hh, *s, e, tmp) {
        HASH_DELETE(hh, *s, e);
        gl_free(e, sizeof *e);
    }
}

/* ---- modules ---- */

#define MAX_MODULES 512
typedef struct module {
    uintptr_t base, lo, hi;
    char build_id[2 * 128 + 1]; /* go-linked test binaries carry 83-byte ids */
    char path[512];
} module;

typedef struct modules {
    module m[MAX_MODULES];
    int n;
} modules;

static void hex_bytes(char *out, size_t cap, const unsigned char *p, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 2 < cap; i++) {
        out[o++] = "0123456789abcdef"[p[i] >> 4];
        out[o++] = "0123456789abcdef"[p[i] & 15];
    }
    out[o] = '\0';
}

static int add_module(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void)size;
    modules *ms = arg;
    if (ms->n >= MAX_MODULES)
        return 1;
    module *m = &ms->m[ms->n];
    memset(m, 0, sizeof *m);
    m->base = info->dlpi_addr;
    m->lo = UINTPTR_MAX;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type == PT_LOAD) {
            uintptr_t lo = info->dlpi_addr + ph->p_vaddr, hi = lo + ph->p_memsz;
            if (lo < m->lo)
                m->lo = lo;
            if (hi > m->hi)
                m->hi = hi;
        } else if (ph->p_type == PT_NOTE && !m->build_id[0]) {
            const char *p = (const char *)(info->dlpi_addr + ph->p_vaddr);
            const char *end = p + ph->p_memsz;
            while (p + sizeof(ElfW(Nhdr)) <= end) {
                const ElfW(Nhdr) *nh = (const ElfW(Nhdr) *)p;
                const char *name = p + sizeof *nh;
                const unsigned char *desc = (const unsigned char *)name + ((nh->n_namesz + 3) & ~3u);
                if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 && memcmp(name, "GNU", 4) == 0 &&
                    (const char *)desc + nh->n_descsz <= end) {
                    hex_bytes(m->build_id, sizeof m->build_id, desc, nh->n_descsz);
                    break;
                }
                p = (const char *)desc + ((nh->n_descsz + 3) & ~3u);
            }
        }
    }
    if (m->lo == UINTPTR_MAX)
        return 0;
    const char *name = info->dlpi_name;
    if (ms->n == 0 && (!name || !*name)) {
        ssize_t k = readlink("/proc/self/exe", m->path, sizeof m->path - 1);
        m->path[k > 0 ? k : 0] = '\0';
    } else if (name) {
        size_t k = strlen(name);
        if (k >= sizeof m->path)
            k = sizeof m->path - 1;
        memcpy(m->path, name, k);
        m->path[k] = '\0';
    }
    ms->n++;
    return 0;
}

static int module_of(const modules *ms, uintptr_t pc)
{
    for (int i = 0; i < ms->n; i++)
        if (pc >= ms->m[i].lo && pc < ms->m[i].hi)
            return i;
    return -1;
}

/* ---- snapshot ---- */

typedef struct snapshot {
    vec gs;       /* gl_g copies: live, then exited ancestors */
    vec chans;    /* gl_chan_rec copies */
    vec ctxs;     /* gl_ctx_rec copies */
    key_set *gids, *stack_ids, *chan_addrs, *ctx_addrs;
    vec stacks;   /* gl_istack * */
} snapshot;

static void want_stack(snapshot *s, gl_istack *st)
{
    if (st && set_add(&s->stack_ids, (uint64_t)(uintptr_t)st)) {
        gl_istack **slot = vec_push(&s->stacks);
        if (slot)
            *slot = st;
    }
}

static void collect_g(const gl_g *g, void *arg)
{
    snapshot *s = arg;
    if (!set_add(&s->gids, (uint64_t)g->goid))
        return;
    gl_g *c = vec_push(&s->gs);
    if (!c)
        return;
    gl_g_read(g, c);
    /* Woken but not yet run: the runtime's word is the truth (gstatus.c). */
    if (atomic_load_explicit(&c->state, memory_order_relaxed) == GL_ST_PARKED &&
        !gl_gstatus_still_waiting(c->gptr, c->goid))
        atomic_store_explicit(&c->state, GL_ST_RUNNING, memory_order_relaxed);
    /* Exited ancestors are immutable and kept alive by their child's
     * reference, which this shard's lock holds still. */
    for (const gl_g *p = g->parent; p; p = p->parent) {
        if (atomic_load_explicit(&p->state, memory_order_relaxed) != GL_ST_EXITED)
            break;
        if (!set_add(&s->gids, (uint64_t)p->goid))
            break;
        gl_g *pc = vec_push(&s->gs);
        if (!pc)
            break;
        *pc = *p;
    }
}

static const char *op_name(uint8_t op)
{
    switch (op) {
    case GL_OP_MAKE: return "make";
    case GL_OP_SEND: return "send";
    case GL_OP_RECV: return "recv";
    case GL_OP_SELECT: return "select";
    case GL_OP_CLOSE: return "close";
    default: return "other";
    }
}

static const char *wait_name(uint8_t w)
{
    static const char *names[] = {"other", "chan", "select", "nilchan", "forever", "mutex", "rwmutex",
                                  "rwmutex-r", "waitgroup", "cond", "sema", "sleep", "io", "other"};
    return w < sizeof names / sizeof names[0] ? names[w] : "other";
}

static void resolve_name(uintptr_t pc, char *name, size_t cap, uint64_t *off)
{
    unw_word_t o = 0;
    unw_accessors_t *a = unw_get_accessors(unw_local_addr_space);
    name[0] = '\0';
    *off = 0;
    if (a && a->get_proc_name && a->get_proc_name(unw_local_addr_space, pc, name, cap, &o, NULL) == 0 && name[0]) {
        *off = o;
        return;
    }
    Dl_info di;
    if (dladdr((void *)pc, &di) && di.dli_sname) {
        size_t k = strlen(di.dli_sname);
        if (k >= cap)
            k = cap - 1;
        memcpy(name, di.dli_sname, k);
        name[k] = '\0';
        *off = pc - (uintptr_t)di.dli_saddr;
        return;
    }
    strcpy(name, "?");
}

/* Runtime-internal goroutines by their start function: the runtime's own
 * (GC workers, finalizer, forcegc, sweeper, scavenger) and the signal loop. */
static bool system_start(const char *name)
{
    if (strncmp(name, "runtime.", 8) == 0)
        return strcmp(name, "runtime.main") != 0;
    /* gccgo 12 spells "os/signal" as os_1signal in symbols; older ones as os..z2fsignal. */
    return strncmp(name, "os_1signal.", 11) == 0 || strncmp(name, "os..z2fsignal.", 14) == 0 ||
           strncmp(name, "os/signal.", 10) == 0;
}

typedef struct start_name {
    uint64_t key;
    bool system;
    UT_hash_handle hh;
} start_name;

static void write_sym(gl_membuf *b, const modules *ms, uintptr_t pc, uintptr_t lookup, char *name, size_t cap)
{
    uint64_t off;
    resolve_name(lookup, name, cap, &off);
    mb_str(b, "sym");
    kv_hex(b, "pc", pc);
    kv_dec(b, "mod", module_of(ms, pc));
    kv_hex(b, "off", off + (pc - lookup));
    kv_str(b, "name", name);
    mb_str(b, "\n");
}

struct test_writer {
    gl_membuf *b;
    size_t *n;
};

static void write_test(const char *name, void *arg)
{
    struct test_writer *w = arg;
    mb_str(w->b, "test");
    kv_str(w->b, "name", name);
    mb_str(w->b, "\n");
    (*w->n)++;
}

int gl_dump_build(gl_membuf *b, const char *reason, int status)
{
    snapshot s;
    memset(&s, 0, sizeof s);
    s.gs.elem = sizeof(gl_g);
    s.chans.elem = sizeof(gl_chan_rec);
    s.ctxs.elem = sizeof(gl_ctx_rec);
    s.stacks.elem = sizeof(gl_istack *);
    static modules ms; /* large: keep it off the stack */
    ms.n = 0;
    int64_t now = gl_now_ns();

    gl_registry_each_g(collect_g, &s);
    gl_g *gs = (gl_g *)s.gs.p;

    /* Channels waited on by parked goroutines, and their contexts. */
    gl_registry_lock_chans();
    for (size_t i = 0; i < s.gs.n; i++) {
        if (atomic_load_explicit(&gs[i].state, memory_order_relaxed) != GL_ST_PARKED)
            continue;
        for (uint8_t k = 0; k < gs[i].nchans && k < GL_G_CHANS; k++) {
            const gl_chan_rec *r = gl_registry_find_chan_locked(gs[i].chans[k]);
            if (r && set_add(&s.chan_addrs, r->addr)) {
                gl_chan_rec *c = vec_push(&s.chans);
                if (c)
                    *c = *r;
            }
        }
    }
    gl_registry_unlock_chans();
    gl_registry_lock_ctxs();
    for (size_t i = 0; i < s.chans.n; i++) {
        gl_chan_rec *c = (gl_chan_rec *)s.chans.p + i;
        if (!c->ctx)
            continue;
        const gl_ctx_rec *r = gl_registry_find_ctx_locked(c->ctx);
        if (r && set_add(&s.ctx_addrs, r->addr)) {
            gl_ctx_rec *x = vec_push(&s.ctxs);
            if (x)
                *x = *r;
        } else if (!r) {
            c->ctx = 0;
        }
    }
    gl_registry_unlock_ctxs();

    for (size_t i = 0; i < s.gs.n; i++) {
        want_stack(&s, gs[i].created);
        if (atomic_load_explicit(&gs[i].state, memory_order_relaxed) == GL_ST_PARKED)
            want_stack(&s, gs[i].park_stack);
    }
    for (size_t i = 0; i < s.chans.n; i++) {
        gl_chan_rec *c = (gl_chan_rec *)s.chans.p + i;
        want_stack(&s, c->made);
        want_stack(&s, c->close_stack);
        for (int t = 0; t < c->ntouch && t < GL_CHAN_TOUCHES; t++)
            want_stack(&s, c->touches[t].stack);
    }
    for (size_t i = 0; i < s.ctxs.n; i++)
        want_stack(&s, ((gl_ctx_rec *)s.ctxs.p)[i].created);

    dl_iterate_phdr(add_module, &ms);

    /* Header and info. */
    struct timespec wall;
    clock_gettime(CLOCK_REALTIME, &wall);
    char exe[512];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[k > 0 ? k : 0] = '\0';
    mb_str(b, "goleash-dump 1\ninfo");
    kv_dec(b, "pid", getpid());
    kv_dec(b, "ppid", getppid());
    kv_str(b, "exe", exe);
    kv_str(b, "reason", reason);
    kv_dec(b, "status", status);
    kv_dec(b, "mono_ns", now);
    kv_dec(b, "wall_ns", (int64_t)wall.tv_sec * 1000000000 + wall.tv_nsec);
    kv_str(b, "goroutine_ids", "go");
    kv_str(b, "libgo", gl_libgo_path());
    kv_dec(b, "min_park_ns", gl_opts.min_park_ns);
    kv_dec(b, "ignore_setup", gl_opts.ignore_setup);
    kv_dec(b, "tests_dropped", gl_tests_valid() ? (int64_t)gl_tests_dropped() : 0);
    mb_str(b, " missing=");
    mb_str(b, gl_missing_symbols()[0] ? gl_missing_symbols() : "");
    mb_str(b, "\n");

    for (int i = 0; i < ms.n; i++) {
        mb_str(b, "module");
        kv_dec(b, "id", i);
        kv_hex(b, "base", ms.m[i].base);
        mb_str(b, " build_id=");
        mb_str(b, ms.m[i].build_id[0] ? ms.m[i].build_id : "-");
        kv_str(b, "path", ms.m[i].path);
        mb_str(b, "\n");
    }

    /* Names: every stack PC is a return address (resolved at pc-1);
     * start PCs are function entries. */
    char name[512];
    key_set *pcs = NULL;
    gl_istack **stacks = (gl_istack **)s.stacks.p;
    for (size_t i = 0; i < s.stacks.n; i++)
        for (uint16_t f = 0; f < stacks[i]->n; f++)
            if (set_add(&pcs, stacks[i]->pcs[f]))
                write_sym(b, &ms, stacks[i]->pcs[f], stacks[i]->pcs[f] - 1, name, sizeof name);
    start_name *starts = NULL;
    for (size_t i = 0; i < s.gs.n; i++) {
        uint64_t pc = gs[i].start_pc;
        start_name *sn = NULL;
        HASH_FIND(hh, starts, &pc, sizeof pc, sn);
        if (sn || !pc)
            continue;
        sn = gl_alloc(sizeof *sn);
        if (!sn)
            continue;
        sn->key = pc;
        uint64_t off;
        resolve_name(pc, name, sizeof name, &off);
        sn->system = system_start(name);
        HASH_ADD(hh, starts, key, sizeof sn->key, sn);
        if (set_add(&pcs, pc))
            write_sym(b, &ms, pc, pc, name, sizeof name);
    }
    set_free(&pcs);

    for (size_t i = 0; i < s.stacks.n; i++) {
        gl_istack *st = stacks[i];
        mb_str(b, "stack");
        kv_dec(b, "id", st->id);
        mb_str(b, " pcs=");
        for (uint16_t f = 0; f < st->n; f++) {
            if (f)
                mb_str(b, ",");
            mb_hex(b, st->pcs[f]);
        }
        kv_dec(b, "truncated", st->truncated);
        mb_str(b, "\n");
    }

    /* The tests the process started, in start order. */
    size_t ntests = 0;
    struct test_writer tw = {b, &ntests};
    bool tests_valid = gl_tests_valid();
    if (tests_valid)
        gl_tests_each(write_test, &tw);

    /* Exited ancestors are written first so that live goroutines' parent
     * references still point backwards. */
    size_t ngs = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < s.gs.n; i++) {
            gl_g *g = &gs[i];
            int state = atomic_load_explicit(&g->state, memory_order_relaxed);
            if ((state == GL_ST_EXITED) != (pass == 0))
                continue;
            start_name *sn = NULL;
            uint64_t pc = g->start_pc;
            HASH_FIND(hh, starts, &pc, sizeof pc, sn);
            mb_str(b, "goroutine");
            kv_dec(b, "id", g->goid);
            kv_dec(b, "parent", g->parent_goid);
            kv_hex(b, "start", g->start_pc);
            kv_dec(b, "created", g->created ? g->created->id : 0);
            kv_dec(b, "created_ns", g->created_ns);
            kv_dec(b, "system", sn && sn->system);
            if (g->test && tests_valid)
                kv_str(b, "test", g->test);
            if (state == GL_ST_EXITED) {
                mb_str(b, " state=exited\n");
            } else if (state == GL_ST_PARKED) {
                mb_str(b, " state=parked");
                kv_dec(b, "reason", g->reason);
                kv_dec(b, "since_ns", g->since_ns);
                kv_dec(b, "stack", g->park_stack ? g->park_stack->id : 0);
                kv_str(b, "wait", wait_name(g->wait));
                if (g->obj)
                    kv_hex(b, "obj", g->obj);
                mb_str(b, " chans=");
                for (uint8_t c = 0; c < g->nchans && c < GL_G_CHANS; c++) {
                    if (c)
                        mb_str(b, ",");
                    mb_hex(b, g->chans[c]);
                }
                mb_str(b, "\n");
            } else {
                mb_str(b, " state=running\n");
            }
            ngs++;
        }
    }
    start_name *sn, *stmp;
    HASH_ITER(hh, starts, sn, stmp) {
        HASH_DELETE(hh, starts, sn);
        gl_free(sn, sizeof *sn);
    }

    for (size_t i = 0; i < s.chans.n; i++) {
        gl_chan_rec *c = (gl_chan_rec *)s.chans.p + i;
        mb_str(b, "chan");
        kv_hex(b, "addr", c->addr);
        kv_dec(b, "made", c->made ? c->made->id : 0);
        kv_dec(b, "maker", c->maker);
        kv_dec(b, "made_ns", c->made_ns);
        kv_dec(b, "cap", c->cap);
        kv_dec(b, "closed", c->closed);
        if (c->closed) {
            kv_dec(b, "closer", c->closer);
            kv_dec(b, "close_stack", c->close_stack ? c->close_stack->id : 0);
            kv_dec(b, "closed_ns", c->closed_ns);
        }
        if (c->timer) {
            bool live = !c->timer_stopped && (c->timer == 2 || c->timer_when_ns > now);
            kv_str(b, "timer", c->timer == 2 ? "ticker" : "timer");
            kv_dec(b, "timer_live", live);
        }
        if (c->ctx)
            kv_hex(b, "ctx", c->ctx);
        mb_str(b, "\n");
        /* Oldest first. */
        int n = c->ntouch < GL_CHAN_TOUCHES ? c->ntouch : GL_CHAN_TOUCHES;
        int first = n < GL_CHAN_TOUCHES ? 0 : c->touch_next;
        for (int t = 0; t < n; t++) {
            const gl_touch_rec *tr = &c->touches[(first + t) % GL_CHAN_TOUCHES];
            mb_str(b, "touch");
            kv_hex(b, "chan", c->addr);
            kv_dec(b, "goid", tr->goid);
            kv_str(b, "op", op_name(tr->op));
            kv_dec(b, "ns", tr->ns);
            kv_dec(b, "stack", tr->stack ? tr->stack->id : 0);
            mb_str(b, "\n");
        }
    }

    static const char *ctx_kinds[] = {"cancel", "cancel", "timeout", "deadline"};
    for (size_t i = 0; i < s.ctxs.n; i++) {
        gl_ctx_rec *x = (gl_ctx_rec *)s.ctxs.p + i;
        mb_str(b, "context");
        kv_hex(b, "addr", x->addr);
        kv_str(b, "kind", ctx_kinds[x->kind < 4 ? x->kind : 0]);
        kv_dec(b, "created", x->created ? x->created->id : 0);
        kv_dec(b, "creator", x->creator);
        kv_dec(b, "created_ns", x->created_ns);
        kv_dec(b, "cancelled", x->cancelled);
        if (x->deadline_ns)
            kv_dec(b, "deadline_ns", x->deadline_ns);
        if (x->done)
            kv_hex(b, "done", x->done);
        mb_str(b, "\n");
    }

    mb_str(b, "end");
    kv_dec(b, "goroutines", (int64_t)ngs);
    kv_dec(b, "chans", (int64_t)s.chans.n);
    kv_dec(b, "contexts", (int64_t)s.ctxs.n);
    kv_dec(b, "stacks", (int64_t)s.stacks.n);
    kv_dec(b, "tests", (int64_t)ntests);
    mb_str(b, "\n");

    vec_free(&s.gs);
    vec_free(&s.chans);
    vec_free(&s.ctxs);
    vec_free(&s.stacks);
    set_free(&s.gids);
    set_free(&s.stack_ids);
    set_free(&s.chan_addrs);
    set_free(&s.ctx_addrs);
    return b->failed ? -1 : 0;
}

void gl_expand_pattern(const char *pattern, char *out, size_t len)
{
    size_t o = 0;
    for (const char *p = pattern; *p && o + 1 < len; p++) {
        if (p[0] == '%' && p[1] == 'p') {
            char tmp[24];
            int i = sizeof tmp;
            long pid = (long)getpid();
            do {
                tmp[--i] = (char)('0' + pid % 10);
                pid /= 10;
            } while (pid);
            while (i < (int)sizeof tmp && o + 1 < len)
                out[o++] = tmp[i++];
            p++;
        } else if (p[0] == '%' && p[1] == '%') {
            out[o++] = '%';
            p++;
        } else {
            out[o++] = *p;
        }
    }
    out[o] = '\0';
}

/* Atomic, private, and never through a symlink: a fresh O_EXCL temporary in
 * the same directory, renamed over the final name. */
int gl_dump_write_file(const gl_membuf *b, const char *pattern, char *final_path, size_t len)
{
    gl_expand_pattern(pattern, final_path, len);
    char tmp[600];
    size_t n = strlen(final_path);
    if (n + 12 >= sizeof tmp)
        return -1;
    memcpy(tmp, final_path, n);
    memcpy(tmp + n, ".tmp.XXXXXX", 12);
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t off = 0;
    while (off < b->len) {
        ssize_t w = write(fd, b->p + off, b->len - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            close(fd);
            unlink(tmp);
            return -1;
        }
        off += (size_t)w;
    }
    if (close(fd) != 0 || rename(tmp, final_path) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}
