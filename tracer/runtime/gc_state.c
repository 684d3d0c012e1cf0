/* Reading a stopped gc program's runtime state (gc_state.h). Every offset
 * comes from gc_abi (the binary's own DWARF); nothing here knows a layout. */
#include "ptrace/why.h"
#include "runtime/gc_state.h"
#include "runtime/gc_context.h"
#include "runtime/gc_locate.h"
#include "runtime/gc_timers.h"
#include "runtime/gc_unwind.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    MAX_GOROUTINES = 1 << 22,   /* a sane upper bound on allglen */
    STACK_COPY = 16 * 1024,     /* bytes of each parked stack read in the batch */
    MAX_REASON_LEN = 64,
    MAX_TYPE_NAME = 256,
};

static uint64_t rd64(const unsigned char *p, int64_t off)
{
    uint64_t v = 0;
    if (off >= 0)
        memcpy(&v, p + off, 8);
    return v;
}

static uint32_t rd32(const unsigned char *p, int64_t off)
{
    uint32_t v = 0;
    if (off >= 0)
        memcpy(&v, p + off, 4);
    return v;
}

static uint8_t rd8(const unsigned char *p, int64_t off)
{
    return off >= 0 ? p[off] : 0;
}

static int read_file_data(void *ctx, uint64_t addr, void *out, size_t len)
{
    gc_proc *p = ctx;
    return gc_binary_read(&p->bin, addr - p->mem.bias, out, len);
}

/* Where the code of runtime.goexit is in .text (relative to .text's
 * start), from the function table alone: it is `NOP; CALL runtime.goexit1`
 * (to goexit1 or its ABI wrapper, which has the same name), six bytes whose
 * call distance the table tells; one place in .text holds them. -1 none. */
static int64_t find_goexit(gc_proc *p, const unsigned char *text, uint64_t *goexit_off)
{
    gc_pcln probe = p->pcln;
    uint64_t goexit, targets[4];
    probe.text = 0;
    size_t nt = gc_pcln_lookup_all(&probe, "runtime.goexit1", targets, 4);
    if (!(goexit = gc_pcln_lookup(&probe, "runtime.goexit")))
        return -1;
    for (size_t i = 0; i < nt; i++) {
        int32_t rel = (int32_t)((int64_t)targets[i] - (int64_t)goexit - 6);
        unsigned char pat[6] = {0x90, 0xe8};
        memcpy(pat + 2, &rel, 4);
        unsigned char *hit = memmem(text, p->bin.text.size, pat, sizeof pat);
        if (hit) {
            *goexit_off = goexit;
            return hit - text;
        }
    }
    return -1;
}

/* The linked address the function table's entry offsets count from. The
 * symbol runtime.text says it; without symbols, the header holds it unless
 * relocations fill it in (PIE, external linking), and the .text section
 * may start with C code (cgo): then it is found where goexit's code is. */
static uint64_t linked_text(gc_proc *p)
{
    static const char *const names[] = {"runtime.text"};
    uint64_t sym, goexit = 0;
    gc_binary_symbols(&p->bin, names, 1, &sym);
    if (sym)
        return sym;
    uint64_t t = gc_pcln_file_text(p->bin.pcln, p->bin.pclntab.size);
    if (t)
        return t;
    unsigned char *text = malloc(p->bin.text.size ? p->bin.text.size : 1);
    int64_t at = text && gc_binary_read(&p->bin, p->bin.text.addr, text, p->bin.text.size) == 0
                     ? find_goexit(p, text, &goexit) : -1;
    free(text);
    return at >= (int64_t)goexit ? p->bin.text.addr + (uint64_t)at - goexit : p->bin.text.addr;
}

static uint64_t linked_gofunc(gc_proc *p)
{
    static const char *const names[] = {"go:func.*", "go.func.*", "runtime.types"};
    uint64_t a[3];
    gc_binary_symbols(&p->bin, names, 3, a);
    if (a[2])
        p->types = a[2] + p->mem.bias;
    return a[0] ? a[0] : a[1];
}

int gc_proc_open(gc_proc *p, pid_t pid, const char *exe, char *why, size_t whylen)
{
    memset(p, 0, sizeof *p);
    p->pid = pid;
    if (gc_binary_open(exe, &p->bin) != 0)
        return gc_why(why, whylen, "cannot open %s: %s", exe, strerror(errno));
    if (p->bin.kind != GL_EXE_GC)
        return gc_why(why, whylen, "%s is not a gc Go program (%s)", exe, gl_exe_kind_name(p->bin.kind));
    if (p->bin.go_major == 1 && p->bin.go_minor < 18)
        return gc_why(why, whylen, "%s: Go older than 1.18 is not supported", p->bin.goversion);
    if (gc_abi_resolve(&p->abi, &p->bin, why, whylen) != 0)
        return -1;
    uint64_t bias = 0;
    if (p->bin.pie && gc_mem_exe_bias(pid, p->bin.entry, &bias) != 0)
        return gc_why(why, whylen, "cannot read the load address of process %d", (int)pid);
    gc_mem_init(&p->mem, pid, bias);
    if (gc_pcln_init(&p->pcln, p->bin.pcln, p->bin.pclntab.size, 0) != 0)
        return gc_why(why, whylen, "%s: no Go 1.18+ function table (.gopclntab)", exe);
    p->pcln.text = linked_text(p) + bias;
    uint64_t gofunc = linked_gofunc(p);
    p->pcln.gofunc = gofunc ? gofunc + bias : 0;
    p->pcln.read = read_file_data;
    p->pcln.read_ctx = p;
    return gc_abi_resolve_funcs(&p->abi, &p->pcln, why, whylen);
}

void gc_proc_close(gc_proc *p)
{
    gc_mem_close(&p->mem);
    gc_binary_close(&p->bin);
    memset(p, 0, sizeof *p);
}

static uint64_t var_addr(const gc_proc *p, gc_var_id v)
{
    return p->abi.var[v] ? p->abi.var[v] + p->mem.bias : 0;
}

/* ---- wait-reason strings ---------------------------------------------- */

static int read_reasons(gc_proc *p, gc_state *st)
{
    size_t n = (size_t)p->abi.nwaitreasons;
    if (p->abi.reasons) {
        st->reasons = calloc(n, sizeof *st->reasons);
        for (size_t i = 0; st->reasons && i < n; i++)
            st->reasons[i] = strdup(p->abi.reasons[i]);
        st->nreasons = st->reasons ? n : 0;
        return st->reasons ? 0 : -1;
    }
    unsigned char *hdrs = calloc(n, 16);
    st->reasons = calloc(n, sizeof *st->reasons);
    if (!hdrs || !st->reasons || gc_mem_read(&p->mem, var_addr(p, GC_V_WAITREASON_STRINGS), hdrs, n * 16) != 0) {
        free(hdrs);
        return -1;
    }
    st->nreasons = n;
    for (size_t i = 0; i < n; i++) {
        uint64_t ptr = rd64(hdrs, (int64_t)i * 16), len = rd64(hdrs, (int64_t)i * 16 + 8);
        char buf[MAX_REASON_LEN + 1] = "";
        if (len > MAX_REASON_LEN || (len && gc_mem_read(&p->mem, ptr, buf, len) != 0))
            len = 0;
        buf[len] = '\0';
        st->reasons[i] = strdup(buf);
    }
    free(hdrs);
    return 0;
}

/* ---- goroutines ------------------------------------------------------- */

static int read_allgs(gc_proc *p, uint64_t **out, size_t *n, char *why, size_t whylen)
{
    uint64_t hdr[2];
    if (gc_mem_read(&p->mem, var_addr(p, GC_V_ALLGS), hdr, sizeof hdr) != 0)
        return gc_why(why, whylen, "cannot read runtime.allgs of process %d", (int)p->pid);
    uint64_t arr = hdr[0], len = hdr[1];
    if (len > MAX_GOROUTINES)
        return gc_why(why, whylen, "runtime.allgs of process %d holds %llu: not a goroutine count", (int)p->pid,
                   (unsigned long long)len);
    *out = calloc(len ? len : 1, 8);
    if (!*out)
        return gc_why(why, whylen, "out of memory");
    if (len && gc_mem_read(&p->mem, arr, *out, len * 8) != 0) {
        free(*out);
        return gc_why(why, whylen, "cannot read the goroutine list of process %d", (int)p->pid);
    }
    *n = (size_t)len;
    return 0;
}

static void decode_g(const gc_proc *p, const unsigned char *raw, uint64_t addr, gc_g *g)
{
    const int64_t *m = p->abi.member;
    memset(g, 0, sizeof *g);
    g->addr = addr;
    g->goid = (int64_t)rd64(raw, m[GC_M_G_GOID]);
    g->parent_goid = (int64_t)rd64(raw, m[GC_M_G_PARENTGOID]);
    g->status = rd32(raw, m[GC_M_G_STATUS]) & ~(uint32_t)p->abi.konst[GC_C_G_SCAN];
    g->waitreason = g->status == (uint32_t)p->abi.konst[GC_C_G_WAITING] ? rd8(raw, m[GC_M_G_WAITREASON]) : -1;
    g->gopc = rd64(raw, m[GC_M_G_GOPC]);
    g->startpc = rd64(raw, m[GC_M_G_STARTPC]);
    g->sched_pc = rd64(raw, m[GC_M_G_SCHED_PC]);
    g->sched_sp = rd64(raw, m[GC_M_G_SCHED_SP]);
    g->sched_bp = rd64(raw, m[GC_M_G_SCHED_BP]);
    g->stack_lo = rd64(raw, m[GC_M_G_STACK_LO]);
    g->stack_hi = rd64(raw, m[GC_M_G_STACK_HI]);
    g->tracking_seq = rd8(raw, m[GC_M_G_TRACKINGSEQ]);
}

static int is_dead(const gc_proc *p, uint32_t status)
{
    return status == (uint32_t)p->abi.konst[GC_C_G_DEAD] || status == (uint32_t)p->abi.konst[GC_C_G_DEADEXTRA]
           || status == 0 /* _Gidle: allocated, never started */;
}

/* The sudogs the waiting goroutines hang on (g.waiting, linked by
 * waitlink): the channel of a receive or send, every case's channel of a
 * select. Read a link at a time for all of them at once, so that a pause
 * costs a few system calls per thousand goroutines, not one each. */
static void read_waits(gc_proc *p, gc_g *gs, const uint64_t *first, size_t n)
{
    const int64_t *m = p->abi.member;
    size_t size = (size_t)p->abi.size[GC_S_SUDOG];
    uint64_t *next = malloc(n * sizeof *next);
    size_t *who = malloc(n * sizeof *who);
    unsigned char *raw = malloc(n * size), *ok = malloc(n);
    gc_mem_req *reqs = malloc(n * sizeof *reqs);
    for (size_t i = 0; next && who && raw && ok && reqs && i < n; i++)
        next[i] = first[i];
    for (int hop = 0; next && who && raw && ok && reqs && hop < 64; hop++) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (next[i]) {
                reqs[k] = (gc_mem_req){next[i], raw + k * size, size};
                who[k++] = i;
            }
        if (!k)
            break;
        gc_mem_read_batch(&p->mem, reqs, k, ok);
        for (size_t j = 0; j < k; j++) {
            gc_g *g = &gs[who[j]];
            const unsigned char *s = raw + j * size;
            next[who[j]] = 0;
            if (!ok[j])
                continue;
            uint64_t c = rd64(s, m[GC_M_SUDOG_C]);
            g->is_select |= rd8(s, m[GC_M_SUDOG_ISSELECT]);
            int seen = 0;
            for (size_t i = 0; i < g->nchans; i++)
                seen |= g->chans[i] == c;
            if (c && !seen && g->nchans < GC_MAX_WAIT_CHANS)
                g->chans[g->nchans++] = c;
            next[who[j]] = rd64(s, m[GC_M_SUDOG_WAITLINK]);
        }
    }
    free(next);
    free(who);
    free(raw);
    free(ok);
    free(reqs);
}

static int read_slice(gc_proc *p, uint64_t addr, uint64_t *ptr, uint64_t *len)
{
    uint64_t hdr[2];
    if (gc_mem_read(&p->mem, addr, hdr, sizeof hdr) != 0)
        return -1;
    *ptr = hdr[0];
    *len = hdr[1];
    return 0;
}

/* g.ancestors: *[]ancestorInfo, parent first. */
static void read_ancestors(gc_proc *p, gc_g *g, uint64_t ancestors)
{
    const int64_t *m = p->abi.member;
    uint64_t arr, n;
    size_t esize = (size_t)p->abi.size[GC_S_ANCESTOR];
    if (!ancestors || esize == 0 || esize > 64 || read_slice(p, ancestors, &arr, &n) != 0)
        return;
    if (n > GC_MAX_ANCESTORS)
        n = GC_MAX_ANCESTORS;
    g->ancestors = calloc(n ? n : 1, sizeof *g->ancestors);
    for (uint64_t i = 0; g->ancestors && i < n; i++) {
        unsigned char raw[64];
        if (gc_mem_read(&p->mem, arr + i * esize, raw, esize) != 0)
            break;
        gc_ancestor *a = &g->ancestors[g->nancestors++];
        a->goid = (int64_t)rd64(raw, m[GC_M_ANCESTOR_GOID]);
        a->gopc = rd64(raw, m[GC_M_ANCESTOR_GOPC]);
        uint64_t pcs = rd64(raw, m[GC_M_ANCESTOR_PCS]), npcs = rd64(raw, m[GC_M_ANCESTOR_PCS] + 8);
        if (npcs > GC_MAX_PCS)
            npcs = GC_MAX_PCS;
        a->pcs = calloc(npcs ? npcs : 1, 8);
        if (a->pcs && npcs && gc_mem_read(&p->mem, pcs, a->pcs, npcs * 8) == 0)
            a->npcs = (size_t)npcs;
    }
}

static void unwind_parked(gc_proc *p, gc_g *g, const unsigned char *stack, size_t stack_len)
{
    g->pcs = calloc(GC_MAX_PCS, sizeof *g->pcs);
    if (!g->pcs)
        return;
    gc_unwind_ctx u = {.pcln = &p->pcln, .mem = &p->mem, .goexit = p->abi.func[GC_F_GOEXIT],
                       .lo = g->stack_lo, .hi = g->stack_hi, .copy = stack, .copy_at = g->sched_sp,
                       .copy_len = stack_len};
    g->npcs = gc_unwind(&u, g->sched_pc, g->sched_sp, g->pcs, GC_MAX_PCS, &g->truncated);
}

/* The runtime.g records of a batch of goroutines, in one system call per
 * few hundred, so that the pause of a live snapshot stays short. */
static unsigned char *read_g_records(gc_proc *p, const uint64_t *addrs, size_t n, unsigned char *ok)
{
    size_t gsize = (size_t)p->abi.size[GC_S_G];
    unsigned char *raw = malloc(n * gsize);
    gc_mem_req *reqs = malloc(n * sizeof *reqs);
    if (raw && reqs) {
        for (size_t i = 0; i < n; i++)
            reqs[i] = (gc_mem_req){addrs[i], raw + i * gsize, gsize};
        gc_mem_read_batch(&p->mem, reqs, n, ok);
    } else {
        free(raw);
        raw = NULL;
    }
    free(reqs);
    return raw;
}

/* The live part of each parked goroutine's stack, [sched.sp, min(hi,
 * sp + STACK_COPY)), read in batches; each is unwound from its copy, and
 * the copies serve gc_find_contexts before they go. */
static void read_stacks(gc_proc *p, gc_state *st)
{
    size_t total = 0;
    for (size_t i = 0; i < st->ngs; i++) {
        gc_g *g = &st->gs[i];
        if (g->waitreason >= 0 && g->sched_sp >= g->stack_lo && g->sched_sp < g->stack_hi)
            g->stack_len = g->stack_hi - g->sched_sp < STACK_COPY ? (size_t)(g->stack_hi - g->sched_sp) : STACK_COPY;
        total += g->stack_len;
    }
    unsigned char *arena = malloc(total ? total : 1);
    gc_mem_req *reqs = malloc((st->ngs ? st->ngs : 1) * sizeof *reqs);
    unsigned char *ok = calloc(st->ngs ? st->ngs : 1, 1);
    if (arena && reqs && ok) {
        size_t at = 0;
        for (size_t i = 0; i < st->ngs; i++) {
            reqs[i] = (gc_mem_req){st->gs[i].sched_sp, arena + at, st->gs[i].stack_len};
            at += st->gs[i].stack_len;
        }
        gc_mem_read_batch(&p->mem, reqs, st->ngs, ok);
        for (size_t i = 0; i < st->ngs; i++) {
            gc_g *g = &st->gs[i];
            g->stack_copy = ok[i] && g->stack_len ? reqs[i].out : NULL;
            if (g->waitreason >= 0)
                unwind_parked(p, g, g->stack_copy, g->stack_copy ? g->stack_len : 0);
        }
        gc_find_contexts(p, st);
    }
    for (size_t i = 0; i < st->ngs; i++) {
        st->gs[i].stack_copy = NULL;
        st->gs[i].stack_len = 0;
    }
    free(arena);
    free(reqs);
    free(ok);
}

static void decode_batch(gc_proc *p, gc_state *st, const uint64_t *addrs, size_t n)
{
    unsigned char *ok = calloc(n, 1);
    unsigned char *raw = ok ? read_g_records(p, addrs, n, ok) : NULL;
    uint64_t *sudogs = calloc(n, sizeof *sudogs);
    const int64_t *m = p->abi.member;
    size_t gsize = (size_t)p->abi.size[GC_S_G], first = st->ngs;
    for (size_t i = 0; raw && sudogs && i < n; i++) {
        const unsigned char *r = raw + i * gsize;
        if (!ok[i]) {
            st->unreadable += addrs[i] != 0;
            continue;
        }
        gc_g *g = &st->gs[st->ngs];
        decode_g(p, r, addrs[i], g);
        if (is_dead(p, g->status))
            continue;
        sudogs[st->ngs - first] = g->waitreason >= 0 ? rd64(r, m[GC_M_G_WAITING]) : 0;
        read_ancestors(p, g, rd64(r, m[GC_M_G_ANCESTORS]));
        st->ancestors_on |= g->nancestors > 0;
        st->ngs++;
    }
    if (!raw || !sudogs)
        st->unreadable += n;
    else
        read_waits(p, st->gs + first, sudogs, st->ngs - first);
    free(sudogs);
    free(raw);
    free(ok);
}

static int read_goroutines(gc_proc *p, gc_state *st, char *why, size_t whylen)
{
    enum { CHUNK = 4096 };
    uint64_t *addrs = NULL;
    size_t n = 0;
    if (read_allgs(p, &addrs, &n, why, whylen) != 0)
        return -1;
    st->gs = calloc(n ? n : 1, sizeof *st->gs);
    if (!st->gs) {
        free(addrs);
        return gc_why(why, whylen, "out of memory");
    }
    for (size_t at = 0; at < n; at += CHUNK)
        decode_batch(p, st, addrs + at, n - at < CHUNK ? n - at : CHUNK);
    free(addrs);
    return 0;
}

/* ---- channels --------------------------------------------------------- */

/* A runtime type's name: abi.Type.Str is an offset into the module's type
 * data, where a name is a flag byte, a varint length and the bytes. */
char *gc_type_name(gc_proc *p, uint64_t type)
{
    const int64_t *m = p->abi.member;
    if (!type || !p->types || m[GC_M_TYPE_STR] < 0)
        return NULL;
    uint32_t str;
    uint8_t tflag = 0;
    if (gc_mem_read(&p->mem, type + (uint64_t)m[GC_M_TYPE_STR], &str, 4) != 0)
        return NULL;
    if (m[GC_M_TYPE_TFLAG] >= 0)
        gc_mem_read(&p->mem, type + (uint64_t)m[GC_M_TYPE_TFLAG], &tflag, 1);
    unsigned char hdr[4];
    if (gc_mem_read(&p->mem, p->types + str, hdr, sizeof hdr) != 0)
        return NULL;
    size_t len = 0, k = 1;
    for (int shift = 0; k < sizeof hdr; k++, shift += 7) {
        len |= (size_t)(hdr[k] & 0x7f) << shift;
        if (!(hdr[k] & 0x80))
            break;
    }
    if (k == sizeof hdr || len == 0 || len > MAX_TYPE_NAME)
        return NULL;
    char *s = calloc(1, len + 1);
    if (s && gc_mem_read(&p->mem, p->types + str + k + 1, s, len) != 0) {
        free(s);
        return NULL;
    }
    if (s && (tflag & p->abi.konst[GC_C_TFLAG_EXTRASTAR]) && s[0] == '*')
        memmove(s, s + 1, len);
    return s;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void read_chan(gc_proc *p, gc_chan *c)
{
    const int64_t *m = p->abi.member;
    unsigned char raw[256];
    size_t size = (size_t)p->abi.size[GC_S_HCHAN];
    if (size > sizeof raw || gc_mem_read(&p->mem, c->addr, raw, size) != 0)
        return;
    c->qcount = rd64(raw, m[GC_M_HCHAN_QCOUNT]);
    c->dataqsiz = rd64(raw, m[GC_M_HCHAN_DATAQSIZ]);
    c->closed = rd32(raw, m[GC_M_HCHAN_CLOSED]) != 0;
    c->elem_type = gc_type_name(p, rd64(raw, m[GC_M_HCHAN_ELEMTYPE]));
    uint64_t timer = rd64(raw, m[GC_M_HCHAN_TIMER]);
    if (timer)
        gc_timer_of_chan(p, c, timer);
}

/* Every distinct channel a goroutine waits on, read once. */
static int read_chans(gc_proc *p, gc_state *st)
{
    size_t cap = 0, n = 0;
    for (size_t i = 0; i < st->ngs; i++)
        cap += st->gs[i].nchans;
    uint64_t *addrs = malloc((cap ? cap : 1) * sizeof *addrs);
    st->chans = calloc(cap ? cap : 1, sizeof *st->chans);
    if (!addrs || !st->chans) {
        free(addrs);
        return -1;
    }
    for (size_t i = 0; i < st->ngs; i++)
        for (size_t k = 0; k < st->gs[i].nchans; k++)
            addrs[n++] = st->gs[i].chans[k];
    qsort(addrs, n, sizeof *addrs, cmp_u64);
    for (size_t i = 0; i < n; i++) {
        if (i && addrs[i] == addrs[i - 1])
            continue;
        gc_chan *c = &st->chans[st->nchans++];
        c->addr = addrs[i];
        read_chan(p, c);
    }
    free(addrs);
    /* Channels without a timer link: before Go 1.23, or with
     * GODEBUG=asynctimerchan=1 (the default outside a go 1.23+ module),
     * their timers are found in the per-P heaps. */
    gc_timers_of_heaps(p, st);
    return 0;
}

gc_chan *gc_state_chan(gc_state *st, uint64_t addr)
{
    size_t lo = 0, hi = st->nchans;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (st->chans[mid].addr == addr)
            return &st->chans[mid];
        if (st->chans[mid].addr < addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static const gc_g *sort_base;

static int cmp_goid(const void *a, const void *b)
{
    int64_t x = sort_base[*(const size_t *)a].goid, y = sort_base[*(const size_t *)b].goid;
    return x < y ? -1 : x > y;
}

const gc_g *gc_state_g(gc_state *st, int64_t goid)
{
    if (!st->by_goid && st->ngs) {
        if (!(st->by_goid = malloc(st->ngs * sizeof *st->by_goid)))
            return NULL;
        for (size_t i = 0; i < st->ngs; i++)
            st->by_goid[i] = i;
        sort_base = st->gs;
        qsort(st->by_goid, st->ngs, sizeof *st->by_goid, cmp_goid);
    }
    size_t lo = 0, hi = st->ngs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int64_t at = st->gs[st->by_goid[mid]].goid;
        if (at == goid)
            return &st->gs[st->by_goid[mid]];
        if (at < goid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int skipped(uint64_t g, const uint64_t *skip, size_t nskip)
{
    for (size_t i = 0; i < nskip; i++)
        if (skip[i] == g)
            return 1;
    return 0;
}

int gc_census(gc_proc *p, const uint64_t *skip, size_t nskip, size_t *runnable, uint64_t *running_sig)
{
    char why[256];
    uint64_t *addrs = NULL;
    size_t n = 0;
    *runnable = 0;
    *running_sig = 0;
    if (gc_locate_vars(p, why, sizeof why) != 0 || read_allgs(p, &addrs, &n, why, sizeof why) != 0)
        return -1;
    const int64_t *m = p->abi.member;
    const int64_t *k = p->abi.konst;
    gc_mem_req *reqs = malloc((n ? n : 1) * sizeof *reqs);
    uint64_t *words = calloc(n ? n : 1, 16);
    unsigned char *ok = calloc(n ? n : 1, 1);
    for (size_t i = 0; reqs && words && ok && i < n; i++) {
        /* status (4 bytes) and goid (8) in one read when they are close */
        reqs[i] = (gc_mem_req){addrs[i] + (uint64_t)m[GC_M_G_STATUS], &words[2 * i], 4};
    }
    if (reqs && words && ok)
        gc_mem_read_batch(&p->mem, reqs, n, ok);
    for (size_t i = 0; reqs && words && ok && i < n; i++) {
        uint32_t status = (uint32_t)words[2 * i] & ~(uint32_t)k[GC_C_G_SCAN];
        if (!ok[i] || skipped(addrs[i], skip, nskip))
            continue;
        if (status == (uint32_t)k[GC_C_G_RUNNABLE])
            (*runnable)++;
        else if (status == (uint32_t)k[GC_C_G_RUNNING])
            *running_sig += addrs[i] * 0x9E3779B97F4A7C15ull + 1;
    }
    free(reqs);
    free(words);
    free(ok);
    free(addrs);
    return 0;
}

int gc_state_read(gc_proc *p, gc_state *st, char *why, size_t whylen)
{
    memset(st, 0, sizeof *st);
    if (gc_locate_vars(p, why, whylen) != 0)
        return -1;
    if (!p->pcln.gofunc && p->abi.member[GC_M_MODULEDATA_GOFUNC] >= 0)
        gc_mem_u64(&p->mem, var_addr(p, GC_V_FIRSTMODULEDATA) + (uint64_t)p->abi.member[GC_M_MODULEDATA_GOFUNC],
                   &p->pcln.gofunc);
    if (read_reasons(p, st) != 0)
        return gc_why(why, whylen, "cannot read runtime.waitReasonStrings of process %d", (int)p->pid);
    if (!p->types && p->abi.var[GC_V_FIRSTMODULEDATA] && p->abi.member[GC_M_MODULEDATA_TYPES] >= 0)
        gc_mem_u64(&p->mem, var_addr(p, GC_V_FIRSTMODULEDATA) + (uint64_t)p->abi.member[GC_M_MODULEDATA_TYPES],
                   &p->types);
    if (read_goroutines(p, st, why, whylen) != 0 || read_chans(p, st) != 0)
        return -1;
    read_stacks(p, st);
    return 0;
}

void gc_state_free(gc_state *st)
{
    for (size_t i = 0; i < st->ngs; i++) {
        for (size_t k = 0; k < st->gs[i].nancestors; k++)
            free(st->gs[i].ancestors[k].pcs);
        free(st->gs[i].ancestors);
        free(st->gs[i].pcs);
    }
    for (size_t i = 0; i < st->nchans; i++)
        free(st->chans[i].elem_type);
    for (size_t i = 0; i < st->nreasons; i++)
        free(st->reasons[i]);
    free(st->gs);
    free(st->by_goid);
    free(st->chans);
    free(st->contexts);
    free(st->reasons);
    memset(st, 0, sizeof *st);
}

int gc_g_same_park(const gc_g *a, const gc_g *b)
{
    return a->goid == b->goid && a->addr == b->addr && a->waitreason >= 0 && a->waitreason == b->waitreason
           && a->sched_pc == b->sched_pc && a->sched_sp == b->sched_sp && a->tracking_seq == b->tracking_seq;
}
