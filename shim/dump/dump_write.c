/* Writes a dump (docs/dump-format.md) of everything the registry holds, one
 * function per record, from a snapshot (snapshot.c). Runs on a thread of
 * the shim's own (at exit, or the interval dumper), never inside an
 * interposer. Every record is gl_rec_begin(b, "tag"), its kv_*(b, "key", ...)
 * fields and gl_rec_end(b): tests/docs/check_dump_format.py reads this file
 * to hold the format document to what is written here. */
#include "dump/dump.h"
#include "dump/snapshot.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static uint32_t stack_id(const gl_istack *st)
{
    return st ? st->id : 0;
}

/* ---- the records, in the order the format gives them ---- */

static void write_info(gl_membuf *b, const char *reason, int status, int64_t now)
{
    struct timespec wall;
    clock_gettime(CLOCK_REALTIME, &wall);
    char exe[512];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[k > 0 ? k : 0] = '\0';
    gl_mb_str(b, GL_DUMP_MAGIC " ");
    gl_mb_dec(b, GL_DUMP_VERSION);
    gl_mb_str(b, "\n");
    gl_rec_begin(b, "info");
    gl_kv_dec(b, "pid", getpid());
    gl_kv_dec(b, "ppid", getppid());
    gl_kv_str(b, "exe", exe);
    gl_kv_str(b, "reason", reason);
    gl_kv_dec(b, "status", status);
    gl_kv_dec(b, "mono_ns", now);
    gl_kv_dec(b, "wall_ns", (int64_t)wall.tv_sec * 1000000000 + wall.tv_nsec);
    gl_kv_str(b, "goroutine_ids", "go");
    gl_kv_str(b, "libgo", gl_host.libgo);
    gl_kv_dec(b, "min_park_ns", gl_host.opts.min_park_ns);
    gl_kv_dec(b, "ignore_setup", gl_host.opts.ignore_setup);
    gl_kv_dec(b, "tests_dropped", gl_tests_valid() ? (int64_t)gl_tests_dropped() : 0);
    gl_kv_raw(b, "missing", gl_host.missing);
    gl_rec_end(b);
}

static void write_modules(gl_membuf *b, const gl_dump_modules *ms)
{
    for (int i = 0; i < ms->n; i++) {
        gl_rec_begin(b, "module");
        gl_kv_dec(b, "id", i);
        gl_kv_hex(b, "base", ms->m[i].base);
        gl_kv_raw(b, "build_id", ms->m[i].build_id[0] ? ms->m[i].build_id : "-");
        gl_kv_str(b, "path", ms->m[i].path);
        gl_rec_end(b);
    }
}

/* The names of one dump's PCs, resolved together (symbols.c). */
typedef struct names {
    gl_pcname *pcs;
    size_t n, cap;
    gl_names keep;
} names;

static int cmp_pc(const void *a, const void *b)
{
    uintptr_t x = ((const gl_pcname *)a)->pc, y = ((const gl_pcname *)b)->pc;
    return x < y ? -1 : x > y;
}

static void resolve(uintptr_t lookup, char *name, size_t cap, uint64_t *off, const names *nm)
{
    size_t lo = 0, hi = nm->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (nm->pcs[mid].pc < lookup)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < nm->n && nm->pcs[lo].pc == lookup && nm->pcs[lo].name) {
        size_t k = strlen(nm->pcs[lo].name);
        memcpy(name, nm->pcs[lo].name, k + 1);
        *off = nm->pcs[lo].off;
        return;
    }
    gl_resolve_name(lookup, name, cap, off);
}

static void write_sym(gl_membuf *b, const gl_dump_modules *ms, uintptr_t pc, uintptr_t lookup, char *name,
                      size_t cap, const names *nm)
{
    uint64_t off;
    resolve(lookup, name, cap, &off, nm);
    gl_rec_begin(b, "sym");
    gl_kv_hex(b, "pc", pc);
    gl_kv_dec(b, "mod", gl_module_of(ms, pc));
    gl_kv_hex(b, "off", off + (pc - lookup));
    gl_kv_str(b, "name", name);
    gl_rec_end(b);
}

/* Start PCs of goroutines whose start function is the runtime's own. */
typedef struct system_starts {
    gl_key_set *seen, *system;
} system_starts;

/* Every address write_syms looks up, sorted, then resolved in one pass per
 * module; gl_resolve_name answers for the rest. */
static void names_collect(names *nm, const gl_snapshot *s, const gl_dump_modules *ms, size_t cap)
{
    gl_istack *const *stacks = (gl_istack *const *)s->stacks.p;
    const gl_g *gs = (const gl_g *)s->gs.p;
    size_t total = s->gs.n;
    for (size_t i = 0; i < s->stacks.n; i++)
        total += stacks[i]->n;
    nm->n = 0;
    nm->cap = total;
    nm->pcs = total ? gl_alloc_big(total * sizeof *nm->pcs) : NULL;
    if (!nm->pcs)
        return;
    for (size_t i = 0; i < s->stacks.n; i++)
        for (uint16_t f = 0; f < stacks[i]->n; f++)
            nm->pcs[nm->n++].pc = stacks[i]->pcs[f] - 1;
    for (size_t i = 0; i < s->gs.n; i++)
        if (gs[i].start_pc)
            nm->pcs[nm->n++].pc = gs[i].start_pc;
    qsort(nm->pcs, nm->n, sizeof *nm->pcs, cmp_pc);
    size_t u = 0;
    for (size_t i = 0; i < nm->n; i++)
        if (u == 0 || nm->pcs[u - 1].pc != nm->pcs[i].pc)
            nm->pcs[u++] = nm->pcs[i];
    nm->n = u;
    gl_names_resolve(ms, nm->pcs, nm->n, cap, &nm->keep);
}

static void names_free(names *nm)
{
    gl_names_release(&nm->keep);
    if (nm->pcs)
        gl_free_big(nm->pcs, nm->cap * sizeof *nm->pcs);
}

/* Names: every stack PC is a return address (resolved at pc-1); start PCs
 * are function entries, and tell which goroutines are the runtime's. */
static void write_syms(gl_membuf *b, const gl_snapshot *s, const gl_dump_modules *ms, system_starts *starts)
{
    char name[512];
    static names nm; /* large: keep it off the stack; one dump at a time */
    names_collect(&nm, s, ms, sizeof name);
    gl_key_set *pcs = NULL;
    gl_istack *const *stacks = (gl_istack *const *)s->stacks.p;
    for (size_t i = 0; i < s->stacks.n; i++)
        for (uint16_t f = 0; f < stacks[i]->n; f++)
            if (gl_set_add(&pcs, stacks[i]->pcs[f]))
                write_sym(b, ms, stacks[i]->pcs[f], stacks[i]->pcs[f] - 1, name, sizeof name, &nm);
    const gl_g *gs = (const gl_g *)s->gs.p;
    for (size_t i = 0; i < s->gs.n; i++) {
        uint64_t pc = gs[i].start_pc;
        if (!pc || !gl_set_add(&starts->seen, pc))
            continue;
        uint64_t off;
        resolve(pc, name, sizeof name, &off, &nm);
        if (gl_system_start(name))
            gl_set_add(&starts->system, pc);
        if (gl_set_add(&pcs, pc))
            write_sym(b, ms, pc, pc, name, sizeof name, &nm);
    }
    gl_set_free(&pcs);
    names_free(&nm);
}

static void write_stacks(gl_membuf *b, const gl_snapshot *s)
{
    gl_istack *const *stacks = (gl_istack *const *)s->stacks.p;
    for (size_t i = 0; i < s->stacks.n; i++) {
        const gl_istack *st = stacks[i];
        gl_rec_begin(b, "stack");
        gl_kv_dec(b, "id", st->id);
        gl_kv_hex_list(b, "pcs", st->pcs, st->n);
        gl_kv_dec(b, "truncated", st->truncated);
        gl_rec_end(b);
    }
}

struct test_writer {
    gl_membuf *b;
    size_t n;
};

static void write_test(const char *name, void *arg)
{
    struct test_writer *w = arg;
    gl_rec_begin(w->b, "test");
    gl_kv_str(w->b, "name", name);
    gl_rec_end(w->b);
    w->n++;
}

/* The tests the process started, in start order; returns how many. */
static size_t write_tests(gl_membuf *b, bool tests_valid)
{
    struct test_writer w = {b, 0};
    if (tests_valid)
        gl_tests_each(write_test, &w);
    return w.n;
}

static void write_goroutine(gl_membuf *b, const gl_g *g, int state, bool system, bool tests_valid)
{
    gl_rec_begin(b, "goroutine");
    gl_kv_dec(b, "id", g->goid);
    gl_kv_dec(b, "parent", g->parent_goid);
    gl_kv_hex(b, "start", g->start_pc);
    gl_kv_dec(b, "created", stack_id(g->created));
    gl_kv_dec(b, "created_ns", g->created_ns);
    gl_kv_dec(b, "system", system);
    if (g->test && tests_valid)
        gl_kv_str(b, "test", g->test);
    gl_kv_raw(b, "state", gl_gstate_name((gl_gstate)state));
    if (state == GL_G_PARKED) {
        gl_kv_dec(b, "reason", g->reason);
        gl_kv_dec(b, "since_ns", g->since_ns);
        gl_kv_dec(b, "stack", stack_id(g->park_stack));
        gl_kv_str(b, "wait", gl_wait_name(g->wait == GL_WAIT_NONE ? GL_WAIT_OTHER : (gl_wait)g->wait));
        if (g->obj)
            gl_kv_hex(b, "obj", g->obj);
        gl_kv_hex_list(b, "chans", g->chans, g->nchans < GL_G_CHANS ? g->nchans : GL_G_CHANS);
    }
    gl_rec_end(b);
}

/* Exited ancestors are written first so that live goroutines' parent
 * references still point backwards. Returns how many were written. */
static size_t write_goroutines(gl_membuf *b, const gl_snapshot *s, const system_starts *starts, bool tests_valid)
{
    const gl_g *gs = (const gl_g *)s->gs.p;
    size_t n = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < s->gs.n; i++) {
            const gl_g *g = &gs[i];
            int state = atomic_load_explicit(&g->state, memory_order_relaxed);
            if ((state == GL_G_EXITED) != (pass == 0))
                continue;
            write_goroutine(b, g, state, gl_set_has(&starts->system, g->start_pc), tests_valid);
            n++;
        }
    }
    return n;
}

/* The last operations on c, oldest first. */
static void write_touches(gl_membuf *b, const gl_chan_rec *c)
{
    int n = c->ntouch < GL_CHAN_TOUCHES ? c->ntouch : GL_CHAN_TOUCHES;
    int first = n < GL_CHAN_TOUCHES ? 0 : c->touch_next;
    for (int t = 0; t < n; t++) {
        const gl_touch_rec *tr = &c->touches[(first + t) % GL_CHAN_TOUCHES];
        gl_rec_begin(b, "touch");
        gl_kv_hex(b, "chan", c->addr);
        gl_kv_dec(b, "goid", tr->goid);
        gl_kv_str(b, "op", gl_chan_op_name((gl_chan_op)tr->op));
        gl_kv_dec(b, "ns", tr->ns);
        gl_kv_dec(b, "stack", stack_id(tr->stack));
        gl_rec_end(b);
    }
}

static void write_chan(gl_membuf *b, const gl_chan_rec *c, int64_t now)
{
    gl_rec_begin(b, "chan");
    gl_kv_hex(b, "addr", c->addr);
    gl_kv_dec(b, "made", stack_id(c->made));
    gl_kv_dec(b, "maker", c->maker);
    gl_kv_dec(b, "made_ns", c->made_ns);
    gl_kv_dec(b, "cap", c->cap);
    gl_kv_dec(b, "closed", c->closed);
    if (c->closed) {
        gl_kv_dec(b, "closer", c->closer);
        gl_kv_dec(b, "close_stack", stack_id(c->close_stack));
        gl_kv_dec(b, "closed_ns", c->closed_ns);
    }
    if (c->timer) {
        bool live = !c->timer_stopped && (c->timer == GL_TIMER_TICKER || c->timer_when_ns > now);
        gl_kv_str(b, "timer", gl_timer_kind_name(c->timer == GL_TIMER_TICKER ? GL_TIMER_TICKER : GL_TIMER_TIMER));
        gl_kv_dec(b, "timer_live", live);
    }
    if (c->ctx)
        gl_kv_hex(b, "ctx", c->ctx);
    if (c->signal)
        gl_kv_str(b, "elem", "os.Signal"); /* the gc backend's key for the element type */
    gl_rec_end(b);
    write_touches(b, c);
}

static void write_context(gl_membuf *b, const gl_ctx_rec *x)
{
    gl_rec_begin(b, "context");
    gl_kv_hex(b, "addr", x->addr);
    gl_kv_str(b, "kind", gl_ctx_kind_name((gl_ctx_kind)x->kind));
    gl_kv_dec(b, "created", stack_id(x->created));
    gl_kv_dec(b, "creator", x->creator);
    gl_kv_dec(b, "created_ns", x->created_ns);
    gl_kv_dec(b, "cancelled", x->cancelled);
    if (x->deadline_ns)
        gl_kv_dec(b, "deadline_ns", x->deadline_ns);
    if (x->done)
        gl_kv_hex(b, "done", x->done);
    gl_rec_end(b);
}

/* The goroutines holding a lock, as holds.c saw them lock it. */
static void write_holders(gl_membuf *b, const gl_lock_snap *l)
{
    for (size_t k = 0; k < l->nholders; k++) {
        const gl_hold *h = &l->holders[k];
        gl_rec_begin(b, "holder");
        gl_kv_hex(b, "lock", l->addr);
        gl_kv_dec(b, "goid", h->goid);
        gl_kv_raw(b, "mode", h->mode == GL_HOLD_READ ? "read" : "write");
        gl_kv_dec(b, "site", stack_id(l->sites[k]));
        gl_kv_dec(b, "exited", l->exited[k]);
        gl_rec_end(b);
    }
}

static void write_lock(gl_membuf *b, const gl_lock_snap *l)
{
    gl_rec_begin(b, "lock");
    gl_kv_hex(b, "addr", l->addr);
    gl_kv_raw(b, "kind", gl_wait_name((gl_wait)l->kind));
    if (l->locked >= 0)
        gl_kv_dec(b, "locked", l->locked);
    if (l->kind == GL_WAIT_RWMUTEX && l->readers >= 0)
        gl_kv_dec(b, "readers", l->readers);
    gl_rec_end(b);
    write_holders(b, l);
}

static void write_end(gl_membuf *b, const gl_snapshot *s, size_t goroutines, size_t tests)
{
    gl_rec_begin(b, "end");
    gl_kv_dec(b, "goroutines", (int64_t)goroutines);
    gl_kv_dec(b, "chans", (int64_t)s->chans.n);
    gl_kv_dec(b, "contexts", (int64_t)s->ctxs.n);
    gl_kv_dec(b, "stacks", (int64_t)s->stacks.n);
    gl_kv_dec(b, "tests", (int64_t)tests);
    gl_kv_dec(b, "locks", (int64_t)s->locks.n);
    gl_rec_end(b);
}

int gl_dump_build(gl_membuf *b, const char *reason, int status)
{
    static gl_dump_modules ms; /* large: keep it off the stack */
    gl_snapshot s;
    system_starts starts = {0};
    gl_snapshot_take(&s);
    gl_modules_read(&ms);
    write_info(b, reason, status, s.now);
    write_modules(b, &ms);
    write_syms(b, &s, &ms, &starts);
    write_stacks(b, &s);
    /* Test records and test keys both, or neither. */
    bool tests_valid = gl_tests_valid();
    size_t tests = write_tests(b, tests_valid);
    size_t goroutines = write_goroutines(b, &s, &starts, tests_valid);
    for (size_t i = 0; i < s.chans.n; i++)
        write_chan(b, (const gl_chan_rec *)s.chans.p + i, s.now);
    for (size_t i = 0; i < s.ctxs.n; i++)
        write_context(b, (const gl_ctx_rec *)s.ctxs.p + i);
    for (size_t i = 0; i < s.locks.n; i++)
        write_lock(b, (const gl_lock_snap *)s.locks.p + i);
    write_end(b, &s, goroutines, tests);
    gl_set_free(&starts.seen);
    gl_set_free(&starts.system);
    gl_snapshot_free(&s);
    return b->failed ? -1 : 0;
}

int gl_dump_write_file(const gl_membuf *b, const char *pattern, char *final_path, size_t len)
{
    if (gl_expand_pattern(pattern, final_path, len) != 0)
        return -1;
    return gl_membuf_write_file(b, final_path);
}

void gl_dump_save(const gl_membuf *b, atomic_int *warned)
{
    char path[PATH_MAX];
    if (gl_dump_write_file(b, gl_host.opts.dump_path, path, sizeof path) == 0)
        return;
    const char *why = gl_write_file_strerror(errno);
    /* The message holds the whole path, however long: gl_log does not cut. */
    gl_membuf m = {0};
    gl_mb_str(&m, "goleash: cannot write dump ");
    gl_mb_str(&m, path);
    gl_mb_str(&m, ": ");
    gl_mb_str(&m, why);
    gl_mb_put(&m, "", 1);
    gl_warn_once(warned, m.failed ? "goleash: cannot write dump" : m.p);
    gl_membuf_free(&m);
}
