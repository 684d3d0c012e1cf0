/* Writes a dump (docs/dump-format.md) of everything the registry holds, one
 * function per record, from a snapshot (snapshot.c). Runs on a thread of
 * the shim's own (at exit, or the interval dumper), never inside an
 * interposer. Every record is rec_begin(b, "tag"), its kv_*(b, "key", ...)
 * fields and rec_end(b): tests/docs/check_dump_format.py reads this file
 * to hold the format document to what is written here. */
#include "dump/dump.h"
#include "dump/snapshot.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
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
    char digits[GL_DEC_MAX];
    mb_put(b, digits, gl_format_dec(digits, v));
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

/* Percent-encodes what would break the line grammar; "" is written "-". */
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

void gl_membuf_free(gl_membuf *b)
{
    if (b->p)
        munmap(b->p, b->cap);
    memset(b, 0, sizeof *b);
}

/* ---- records: a tag, then " key=value" fields, then a newline ---- */

static void rec_begin(gl_membuf *b, const char *tag)
{
    mb_str(b, tag);
}

static void rec_end(gl_membuf *b)
{
    mb_str(b, "\n");
}

static void key(gl_membuf *b, const char *k)
{
    mb_str(b, " ");
    mb_str(b, k);
    mb_str(b, "=");
}

static void kv_dec(gl_membuf *b, const char *k, int64_t v)
{
    key(b, k);
    mb_dec(b, v);
}

static void kv_hex(gl_membuf *b, const char *k, uint64_t v)
{
    key(b, k);
    mb_hex(b, v);
}

static void kv_str(gl_membuf *b, const char *k, const char *v)
{
    key(b, k);
    mb_pct(b, v);
}

/* A value that needs no encoding and may be empty (a comma list of names). */
static void kv_raw(gl_membuf *b, const char *k, const char *v)
{
    key(b, k);
    mb_str(b, v);
}

static void kv_hex_list(gl_membuf *b, const char *k, const uintptr_t *v, size_t n)
{
    key(b, k);
    for (size_t i = 0; i < n; i++) {
        if (i)
            mb_str(b, ",");
        mb_hex(b, v[i]);
    }
}

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
    mb_str(b, GL_DUMP_MAGIC " ");
    mb_dec(b, GL_DUMP_VERSION);
    mb_str(b, "\n");
    rec_begin(b, "info");
    kv_dec(b, "pid", getpid());
    kv_dec(b, "ppid", getppid());
    kv_str(b, "exe", exe);
    kv_str(b, "reason", reason);
    kv_dec(b, "status", status);
    kv_dec(b, "mono_ns", now);
    kv_dec(b, "wall_ns", (int64_t)wall.tv_sec * 1000000000 + wall.tv_nsec);
    kv_str(b, "goroutine_ids", "go");
    kv_str(b, "libgo", gl_host.libgo);
    kv_dec(b, "min_park_ns", gl_host.opts.min_park_ns);
    kv_dec(b, "ignore_setup", gl_host.opts.ignore_setup);
    kv_dec(b, "tests_dropped", gl_tests_valid() ? (int64_t)gl_tests_dropped() : 0);
    kv_raw(b, "missing", gl_host.missing);
    rec_end(b);
}

static void write_modules(gl_membuf *b, const gl_dump_modules *ms)
{
    for (int i = 0; i < ms->n; i++) {
        rec_begin(b, "module");
        kv_dec(b, "id", i);
        kv_hex(b, "base", ms->m[i].base);
        kv_raw(b, "build_id", ms->m[i].build_id[0] ? ms->m[i].build_id : "-");
        kv_str(b, "path", ms->m[i].path);
        rec_end(b);
    }
}

static void write_sym(gl_membuf *b, const gl_dump_modules *ms, uintptr_t pc, uintptr_t lookup, char *name,
                      size_t cap)
{
    uint64_t off;
    gl_resolve_name(lookup, name, cap, &off);
    rec_begin(b, "sym");
    kv_hex(b, "pc", pc);
    kv_dec(b, "mod", gl_module_of(ms, pc));
    kv_hex(b, "off", off + (pc - lookup));
    kv_str(b, "name", name);
    rec_end(b);
}

/* Start PCs of goroutines whose start function is the runtime's own. */
typedef struct system_starts {
    gl_key_set *seen, *system;
} system_starts;

/* Names: every stack PC is a return address (resolved at pc-1); start PCs
 * are function entries, and tell which goroutines are the runtime's. */
static void write_syms(gl_membuf *b, const gl_snapshot *s, const gl_dump_modules *ms, system_starts *starts)
{
    char name[512];
    gl_key_set *pcs = NULL;
    gl_istack *const *stacks = (gl_istack *const *)s->stacks.p;
    for (size_t i = 0; i < s->stacks.n; i++)
        for (uint16_t f = 0; f < stacks[i]->n; f++)
            if (gl_set_add(&pcs, stacks[i]->pcs[f]))
                write_sym(b, ms, stacks[i]->pcs[f], stacks[i]->pcs[f] - 1, name, sizeof name);
    const gl_g *gs = (const gl_g *)s->gs.p;
    for (size_t i = 0; i < s->gs.n; i++) {
        uint64_t pc = gs[i].start_pc;
        if (!pc || !gl_set_add(&starts->seen, pc))
            continue;
        uint64_t off;
        gl_resolve_name(pc, name, sizeof name, &off);
        if (gl_system_start(name))
            gl_set_add(&starts->system, pc);
        if (gl_set_add(&pcs, pc))
            write_sym(b, ms, pc, pc, name, sizeof name);
    }
    gl_set_free(&pcs);
}

static void write_stacks(gl_membuf *b, const gl_snapshot *s)
{
    gl_istack *const *stacks = (gl_istack *const *)s->stacks.p;
    for (size_t i = 0; i < s->stacks.n; i++) {
        const gl_istack *st = stacks[i];
        rec_begin(b, "stack");
        kv_dec(b, "id", st->id);
        kv_hex_list(b, "pcs", st->pcs, st->n);
        kv_dec(b, "truncated", st->truncated);
        rec_end(b);
    }
}

struct test_writer {
    gl_membuf *b;
    size_t n;
};

static void write_test(const char *name, void *arg)
{
    struct test_writer *w = arg;
    rec_begin(w->b, "test");
    kv_str(w->b, "name", name);
    rec_end(w->b);
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
    rec_begin(b, "goroutine");
    kv_dec(b, "id", g->goid);
    kv_dec(b, "parent", g->parent_goid);
    kv_hex(b, "start", g->start_pc);
    kv_dec(b, "created", stack_id(g->created));
    kv_dec(b, "created_ns", g->created_ns);
    kv_dec(b, "system", system);
    if (g->test && tests_valid)
        kv_str(b, "test", g->test);
    kv_raw(b, "state", gl_gstate_name((gl_gstate)state));
    if (state == GL_G_PARKED) {
        kv_dec(b, "reason", g->reason);
        kv_dec(b, "since_ns", g->since_ns);
        kv_dec(b, "stack", stack_id(g->park_stack));
        kv_str(b, "wait", gl_wait_name(g->wait == GL_WAIT_NONE ? GL_WAIT_OTHER : (gl_wait)g->wait));
        if (g->obj)
            kv_hex(b, "obj", g->obj);
        kv_hex_list(b, "chans", g->chans, g->nchans < GL_G_CHANS ? g->nchans : GL_G_CHANS);
    }
    rec_end(b);
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
        rec_begin(b, "touch");
        kv_hex(b, "chan", c->addr);
        kv_dec(b, "goid", tr->goid);
        kv_str(b, "op", gl_chan_op_name((gl_chan_op)tr->op));
        kv_dec(b, "ns", tr->ns);
        kv_dec(b, "stack", stack_id(tr->stack));
        rec_end(b);
    }
}

static void write_chan(gl_membuf *b, const gl_chan_rec *c, int64_t now)
{
    rec_begin(b, "chan");
    kv_hex(b, "addr", c->addr);
    kv_dec(b, "made", stack_id(c->made));
    kv_dec(b, "maker", c->maker);
    kv_dec(b, "made_ns", c->made_ns);
    kv_dec(b, "cap", c->cap);
    kv_dec(b, "closed", c->closed);
    if (c->closed) {
        kv_dec(b, "closer", c->closer);
        kv_dec(b, "close_stack", stack_id(c->close_stack));
        kv_dec(b, "closed_ns", c->closed_ns);
    }
    if (c->timer) {
        bool live = !c->timer_stopped && (c->timer == GL_TIMER_TICKER || c->timer_when_ns > now);
        kv_str(b, "timer", gl_timer_kind_name(c->timer == GL_TIMER_TICKER ? GL_TIMER_TICKER : GL_TIMER_TIMER));
        kv_dec(b, "timer_live", live);
    }
    if (c->ctx)
        kv_hex(b, "ctx", c->ctx);
    rec_end(b);
    write_touches(b, c);
}

static void write_context(gl_membuf *b, const gl_ctx_rec *x)
{
    rec_begin(b, "context");
    kv_hex(b, "addr", x->addr);
    kv_str(b, "kind", gl_ctx_kind_name((gl_ctx_kind)x->kind));
    kv_dec(b, "created", stack_id(x->created));
    kv_dec(b, "creator", x->creator);
    kv_dec(b, "created_ns", x->created_ns);
    kv_dec(b, "cancelled", x->cancelled);
    if (x->deadline_ns)
        kv_dec(b, "deadline_ns", x->deadline_ns);
    if (x->done)
        kv_hex(b, "done", x->done);
    rec_end(b);
}

static void write_end(gl_membuf *b, const gl_snapshot *s, size_t goroutines, size_t tests)
{
    rec_begin(b, "end");
    kv_dec(b, "goroutines", (int64_t)goroutines);
    kv_dec(b, "chans", (int64_t)s->chans.n);
    kv_dec(b, "contexts", (int64_t)s->ctxs.n);
    kv_dec(b, "stacks", (int64_t)s->stacks.n);
    kv_dec(b, "tests", (int64_t)tests);
    rec_end(b);
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
    write_end(b, &s, goroutines, tests);
    gl_set_free(&starts.seen);
    gl_set_free(&starts.system);
    gl_snapshot_free(&s);
    return b->failed ? -1 : 0;
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
