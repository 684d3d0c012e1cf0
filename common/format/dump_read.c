/* Reader of goleash dumps, version 1 (docs/dump-format.md).
 *
 * One pass over the lines: references point backwards, so every stack a record
 * names must already be defined. Records go into the model through the one
 * builder (model/build.h), which keeps the dump's strings, stacks and lookup
 * tables; the reader keeps only its own tables of stack ids and symbols. */
#include "format/dump_read.h"
#include "model/build.h"
#include "names/demangle.h"
#include "util/u64_map.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_LINE (64 * 1024)

typedef struct field {
    const char *key;
    size_t keylen;   /* compared first: most keys differ in length */
    char *value;
} field;

/* A function inlined at a PC (gc dumps: `inline` records). */
typedef struct inline_frame {
    const char *name, *file;
    int line;
    int wrapper;       /* a compiler-generated wrapper: left out of stacks */
} inline_frame;

/* A `sym` record: what the writer knew about a PC. */
typedef struct sym_entry {
    int mod;
    uint64_t off;
    const char *name;  /* demangled, interned; NULL when unresolved */
    const char *file;  /* interned; NULL unless the writer knew it (gc) */
    int line;
    int wrapper;
    size_t ninline;    /* calls inlined at pc, innermost first */
    inline_frame *inl;
} sym_entry;

/* How many records of each counted kind the file holds (duplicates included:
 * `end` counts what the writer wrote). */
typedef struct record_counts {
    int64_t goroutines, chans, contexts, stacks, tests, locks;
} record_counts;

typedef struct parser {
    const char *name;
    gl_build *b;
    gl_dump *d;
    gl_diag *diag;
    int line;
    char linebuf[MAX_LINE + 1];
    field *fields;
    size_t nfields, cap_fields;
    gl_u64_map stacks;      /* stack id -> position in d->stacks */
    gl_u64_map sym_by_pc;   /* pc -> position in syms */
    sym_entry *syms;
    size_t nsyms, cap_syms;
    int seen_info, seen_end;
    record_counts counts;
} parser;

char gl_diag_oom_note[160];

void gl_diag_vset(gl_diag *diag, const char *name, long line, int warning, const char *fmt, va_list ap)
{
    char what[400];
    int n = vsnprintf(what, sizeof what, fmt, ap);
    if (n > 0 && (size_t)n < sizeof what && strcmp(what, "out of memory") == 0)
        snprintf(what + n, sizeof what - (size_t)n, "%s", gl_diag_oom_note);
    if (line > 0)
        snprintf(diag->msg, sizeof diag->msg, "goleash: %s:%ld: %s", name, line, what);
    else
        snprintf(diag->msg, sizeof diag->msg, "goleash: %s: %s", name, what);
    diag->line = line > 0 && line < 0x7fffffff ? (int)line : 0;
    diag->is_warning = warning;
}

__attribute__((format(printf, 2, 3)))
static int fail(parser *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gl_diag_vset(p->diag, p->name, p->line, 0, fmt, ap);
    va_end(ap);
    return -1;
}

/* Keeps the first warning; `truncated` is always shown because it changes
 * how the whole report must be read. */
__attribute__((format(printf, 3, 4)))
static void warn(parser *p, int important, const char *fmt, ...)
{
    p->diag->nwarnings++;
    if (p->diag->msg[0] && !important)
        return;
    va_list ap;
    va_start(ap, fmt);
    gl_diag_vset(p->diag, p->name, p->line, 1, fmt, ap);
    va_end(ap);
}


/* ---- values ---------------------------------------------------------- */

/* A goroutine record is looked up for about 15 keys among as many fields:
 * a strcmp call for each pair was 16% of reading a goleash dump. */
static const char *find_value(const parser *p, const char *key)
{
    size_t n = strlen(key);
    /* Last one wins when a key repeats. */
    for (size_t i = p->nfields; i-- > 0;)
        if (p->fields[i].keylen == n && memcmp(p->fields[i].key, key, n) == 0)
            return p->fields[i].value;
    return NULL;
}


/* 0 found, 1 absent (and *out untouched), -1 error reported. */
static int get_int(parser *p, const char *key, int64_t *out)
{
    const char *v = find_value(p, key);
    if (!v)
        return 1;
    if (gl_parse_int64(v, out) != 0)
        return fail(p, "bad integer in key %s", key);
    return 0;
}

static int get_int32(parser *p, const char *key, int *out)
{
    int64_t v;
    int r = get_int(p, key, &v);
    if (r != 0)
        return r;
    if (v < -2147483647 - 1 || v > 2147483647)
        return fail(p, "bad integer in key %s", key);
    *out = (int)v;
    return 0;
}

static int get_hex(parser *p, const char *key, uint64_t *out)
{
    const char *v = find_value(p, key);
    if (!v)
        return 1;
    if (gl_parse_hex(v, strlen(v), out) != 0)
        return fail(p, "bad hex in key %s", key);
    return 0;
}

static int get_bool(parser *p, const char *key, int *out)
{
    const char *v = find_value(p, key);
    if (!v)
        return 1;
    if ((v[0] != '0' && v[0] != '1') || v[1])
        return fail(p, "bad boolean in key %s", key);
    *out = v[0] - '0';
    return 0;
}

static int require(parser *p, int r, const char *key, const char *tag)
{
    if (r == 1)
        return fail(p, "missing key %s in %s", key, tag);
    return r;
}

/* Percent-decodes in place. */
static int percent_decode(char *s)
{
    char *o = s;
    for (char *i = s; *i;) {
        if (*i == '%') {
            int hi = gl_hex_digit(i[1]);
            int lo = hi < 0 ? -1 : gl_hex_digit(i[2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return -1;
            *o++ = (char)(hi << 4 | lo);
            i += 3;
        } else {
            *o++ = *i++;
        }
    }
    *o = '\0';
    return 0;
}

/* Decoded string in the pool; *out NULL when absent. */
static int get_str(parser *p, const char *key, const char **out)
{
    char *v = (char *)find_value(p, key);
    *out = NULL;
    if (!v)
        return 1;
    if (percent_decode(v) != 0)
        return fail(p, "bad percent escape in key %s", key);
    *out = gl_build_intern(p->b, v, strlen(v));
    if (!*out)
        return fail(p, "out of memory");
    return 0;
}

/* Copies a short enumerated string (op, kind) into a fixed buffer. */
static int get_word(parser *p, const char *key, char *buf, size_t len)
{
    const char *s;
    int r = get_str(p, key, &s);
    if (r != 0)
        return r;
    snprintf(buf, len, "%s", s);
    return 0;
}

static int get_stack_ref(parser *p, const char *key, gl_stack **out)
{
    int64_t id;
    int r = get_int(p, key, &id);
    *out = NULL;
    if (r != 0)
        return r < 0 ? -1 : 0;
    if (id == 0)
        return 0;
    const size_t *pos = id > 0 && id <= UINT32_MAX ? gl_map_find(&p->stacks, (uint64_t)id) : NULL;
    if (!pos)
        return fail(p, "stack %lld not defined", (long long)id);
    *out = p->d->stacks[*pos];
    return 0;
}

/* How many items the comma list v holds (an empty list none). */
static size_t list_length(const char *v)
{
    size_t count = *v != '\0';
    for (const char *c = v; *c; c++)
        count += *c == ',';
    return count;
}

/* Parses the comma list v (not empty, list_length(v) items) of hex numbers
 * into out. */
static int parse_hex_list(parser *p, const char *key, const char *v, uint64_t *out)
{
    for (const char *s = v;;) {
        const char *e = strchr(s, ',');
        if (!e)
            e = s + strlen(s);
        if (gl_parse_hex(s, (size_t)(e - s), out++) != 0)
            return fail(p, "bad hex in key %s", key);
        if (!*e)
            return 0;
        s = e + 1;
    }
}

/* ---- records --------------------------------------------------------- */

static int read_info(parser *p)
{
    gl_dump *d = p->d;
    const char *s;
    if (get_int(p, "pid", &d->pid) < 0 || get_int(p, "ppid", &d->ppid) < 0)
        return -1;
    if (get_str(p, "exe", &s) < 0)
        return -1;
    d->exe = (char *)s;
    if (get_str(p, "reason", &s) < 0)
        return -1;
    d->reason = (char *)s;
    d->status = -1;
    if (get_int32(p, "status", &d->status) < 0)
        return -1;
    if (get_int(p, "mono_ns", &d->mono_ns) < 0 || get_int(p, "wall_ns", &d->wall_ns) < 0)
        return -1;
    /* goroutine_ids: always "go" (a shim that cannot read Go's ids disables
     * itself); read for its syntax only. */
    if (get_str(p, "goroutine_ids", &s) < 0)
        return -1;
    if (get_str(p, "libgo", &s) < 0)
        return -1;
    d->libgo = (char *)s;
    if (get_int(p, "min_park_ns", &d->min_park_ns) < 0)
        return -1;
    if (get_str(p, "missing", &s) < 0)
        return -1;
    d->missing = (char *)s;
    int64_t dropped = 0;
    if (get_bool(p, "ignore_setup", &d->ignore_setup) < 0 || get_int(p, "tests_dropped", &dropped) < 0)
        return -1;
    if (dropped < 0)
        return fail(p, "bad integer in key tests_dropped");
    d->tests_dropped = (size_t)dropped;
    int64_t unreadable = 0;
    if (get_int(p, "unreadable", &unreadable) < 0)
        return -1;
    if (unreadable < 0)
        return fail(p, "bad integer in key unreadable");
    d->unreadable = (size_t)unreadable;
    return 0;
}

static int read_module(parser *p)
{
    gl_module m = {.id = -1};
    int64_t id;
    const char *s;
    if (require(p, get_int(p, "id", &id), "id", "module") < 0)
        return -1;
    if (id < -1 || id > 2147483647)
        return fail(p, "bad integer in key id");
    m.id = (int)id;
    if (get_hex(p, "base", &m.base) < 0)
        return -1;
    if (get_str(p, "build_id", &s) < 0)
        return -1;
    m.build_id = s && strcmp(s, "-") != 0 && *s ? (char *)s : NULL;
    if (get_str(p, "path", &s) < 0)
        return -1;
    m.path = (char *)s;
    for (size_t i = 0; i < p->d->nmodules; i++)
        if (p->d->modules[i].id == m.id) {
            warn(p, 0, "duplicate module %d ignored", m.id);
            return 0;
        }
    gl_module *slot = gl_build_module_new(p->b);
    if (!slot)
        return fail(p, "out of memory");
    *slot = m;
    return 0;
}

static const sym_entry *sym_of(const parser *p, uint64_t pc)
{
    const size_t *pos = gl_map_find(&p->sym_by_pc, pc);
    return pos ? &p->syms[*pos] : NULL;
}

static int read_sym(parser *p)
{
    uint64_t pc, off = 0;
    int mod = -1;
    const char *name;
    if (require(p, get_hex(p, "pc", &pc), "pc", "sym") < 0)
        return -1;
    if (get_int32(p, "mod", &mod) < 0 || get_hex(p, "off", &off) < 0 || get_str(p, "name", &name) < 0)
        return -1;
    if (sym_of(p, pc))
        return 0; /* the same PC resolves the same way; keep the first */
    sym_entry e = {.mod = mod, .off = off};
    int64_t line = 0;
    if (get_str(p, "file", &e.file) < 0 || get_int(p, "line", &line) < 0 || get_bool(p, "wrapper", &e.wrapper) < 0)
        return -1;
    e.line = line > 0 && line < 0x7fffffff ? (int)line : 0;
    if (name && strcmp(name, "?") != 0 && *name) {
        char *dm = gl_demangle(name);
        e.name = dm ? gl_build_intern(p->b, dm, strlen(dm)) : NULL;
        free(dm);
        if (!e.name)
            return fail(p, "out of memory");
    }
    if (gl_grow((void **)&p->syms, &p->cap_syms, p->nsyms + 1, sizeof *p->syms) != 0
        || gl_map_put(&p->sym_by_pc, pc, p->nsyms) < 0)
        return fail(p, "out of memory");
    p->syms[p->nsyms++] = e;
    return 0;
}

/* `inline pc=X depth=K name= file= line=`: the K-th call (innermost 0)
 * inlined at X, whose `sym` record came before. */
static int read_inline(parser *p)
{
    uint64_t pc;
    int64_t depth, line = 0;
    int wrapper = 0;
    const char *name, *file;
    if (require(p, get_hex(p, "pc", &pc), "pc", "inline") < 0
        || require(p, get_int(p, "depth", &depth), "depth", "inline") < 0 || get_str(p, "name", &name) < 0
        || get_str(p, "file", &file) < 0 || get_int(p, "line", &line) < 0 || get_bool(p, "wrapper", &wrapper) < 0)
        return -1;
    sym_entry *e = (sym_entry *)sym_of(p, pc);
    if (!e)
        return fail(p, "sym 0x%llx not defined", (unsigned long long)pc);
    if (depth != (int64_t)e->ninline || depth >= GL_MAX_FRAMES)
        return fail(p, "inline depth %lld out of order", (long long)depth);
    inline_frame *n = realloc(e->inl, (e->ninline + 1) * sizeof *n);
    if (!n)
        return fail(p, "out of memory");
    e->inl = n;
    e->inl[e->ninline++] = (inline_frame){name, file && strcmp(file, "-") ? file : NULL,
                                          line > 0 && line < 0x7fffffff ? (int)line : 0, wrapper};
    return 0;
}

static void set_frame(gl_frame *f, const sym_entry *e, uint64_t pc, const inline_frame *in)
{
    f->pc = pc;
    f->mod = e ? e->mod : -1;
    f->off = e ? e->off : 0;
    f->function = in ? (char *)in->name : e ? (char *)e->name : NULL;
    f->file = in ? (char *)in->file : e ? (char *)e->file : NULL;
    f->line = in ? in->line : e ? e->line : 0;
}

/* The frames one PC stands for: its inlined calls, innermost first, then
 * its function; only the innermost when the stack lists every frame's PC
 * itself (callers=1, as runtime.Callers does). At most room frames. */
static size_t fill_frames(const parser *p, gl_frame *out, size_t room, uint64_t pc, int callers)
{
    const sym_entry *e = sym_of(p, pc);
    size_t n = 0, ninl = e ? e->ninline : 0;
    if (callers) {
        int wrapper = ninl ? e->inl[0].wrapper : e && e->wrapper;
        if (wrapper)
            return 0;
        set_frame(&out[0], e, pc, ninl ? &e->inl[0] : NULL);
        return 1;
    }
    /* Wrappers go, as in Go's own tracebacks. */
    for (size_t i = 0; i < ninl && n + 1 < room; i++)
        if (!e->inl[i].wrapper)
            set_frame(&out[n++], e, pc, &e->inl[i]);
    if (!(e && e->wrapper))
        set_frame(&out[n++], e, pc, NULL);
    return n;
}

static size_t frames_needed(const parser *p, const uint64_t *pcs, size_t n, int callers)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        const sym_entry *e = sym_of(p, pcs[i]);
        total += callers || !e ? 1 : 1 + e->ninline;
    }
    return total;
}

static int read_stack(parser *p)
{
    int64_t id;
    int truncated = 0;
    if (require(p, get_int(p, "id", &id), "id", "stack") < 0)
        return -1;
    p->counts.stacks++;
    if (id <= 0 || id > UINT32_MAX)
        return fail(p, "bad stack id %lld", (long long)id);
    int callers = 0;
    if (get_bool(p, "truncated", &truncated) < 0 || get_bool(p, "callers", &callers) < 0)
        return -1;
    if (gl_map_find(&p->stacks, (uint64_t)id)) {
        warn(p, 0, "duplicate stack %u ignored", (uint32_t)id);
        return 0;
    }
    const char *v = find_value(p, "pcs");
    size_t n = v ? list_length(v) : 0;
    uint64_t *pcs = n ? malloc(n * sizeof *pcs) : NULL;
    if (n && !pcs)
        return fail(p, "out of memory");
    if (n && parse_hex_list(p, "pcs", v, pcs) < 0) {
        free(pcs);
        return -1;
    }
    size_t nframes = frames_needed(p, pcs, n, callers);
    gl_stack *st = gl_build_stack_new(p->b, (uint32_t)id, nframes, truncated);
    if (!st || gl_map_put(&p->stacks, (uint64_t)id, p->d->nstacks - 1) < 0) {
        free(pcs);
        return fail(p, "out of memory");
    }
    size_t at = 0;
    for (size_t i = 0; i < n; i++)
        at += fill_frames(p, st->frames + at, nframes - at, pcs[i], callers);
    st->n = at; /* wrappers left out */
    free(pcs);
    return 0;
}

/* The channels of a goroutine's wait, in the dump's memory. */
static int get_chans(parser *p, gl_goroutine *g)
{
    const char *v = find_value(p, "chans");
    if (!v || !*v)
        return 0;
    size_t n = list_length(v);
    uint64_t *chans = gl_build_alloc(p->b, n * sizeof *chans);
    if (!chans)
        return fail(p, "out of memory");
    if (parse_hex_list(p, "chans", v, chans) < 0)
        return -1;
    g->chans = chans;
    g->nchans = n;
    return 0;
}

/* The fields of a goroutine record but its chans; -1 on an error. */
static int goroutine_fields(parser *p, gl_goroutine *g)
{
    const char *s;
    if (get_int(p, "parent", &g->parent) < 0 || get_hex(p, "start", &g->start_pc) < 0
        || get_stack_ref(p, "created", &g->created) < 0 || get_int(p, "created_ns", &g->created_ns) < 0
        || get_bool(p, "system", &g->system) < 0)
        return -1;
    if (require(p, get_str(p, "state", &s), "state", "goroutine") < 0)
        return -1;
    if (gl_gstate_from_name(s, &g->state) != 0)
        return fail(p, "bad value in key state");
    if (get_int32(p, "reason", &g->reason) < 0 || get_int(p, "since_ns", &g->since_ns) < 0
        || get_stack_ref(p, "stack", &g->stack) < 0 || get_hex(p, "obj", &g->obj) < 0)
        return -1;
    if (g->state != GL_G_PARKED)
        g->reason = -1;
    if (get_str(p, "wait", &s) < 0)
        return -1;
    if (s)
        g->wait = gl_wait_from_name(s);
    const char *start_name;
    if (get_str(p, "test", &g->test) < 0 || get_str(p, "start_name", &start_name) < 0
        || get_str(p, "reason_text", &g->reason_text) < 0)
        return -1;
    const sym_entry *start = sym_of(p, g->start_pc);
    g->start_function = (char *)(start_name ? start_name : start ? start->name : NULL);
    return 0;
}

static int read_goroutine(parser *p)
{
    gl_goroutine g = {.reason = -1, .wait = GL_WAIT_NONE};
    p->counts.goroutines++;
    if (require(p, get_int(p, "id", &g.id), "id", "goroutine") < 0 || goroutine_fields(p, &g) < 0)
        return -1;
    if (gl_dump_goroutine(p->d, g.id)) {
        warn(p, 0, "duplicate goroutine %lld ignored", (long long)g.id);
        return 0;
    }
    if (get_chans(p, &g) < 0)
        return -1;
    int dup;
    gl_goroutine *slot = gl_build_goroutine_new(p->b, 1, g.id, &dup);
    if (!slot)
        return fail(p, "out of memory");
    g.dump = p->d;
    *slot = g;
    return 0;
}

/* After the builder made a record at addr (slot; NULL and dup for an
 * address already taken): 1 fill it in, 0 a duplicate (warned and
 * ignored), -1 out of memory (reported). */
static int made(parser *p, const void *slot, int dup, const char *what, uint64_t addr)
{
    if (slot)
        return 1;
    if (!dup)
        return fail(p, "out of memory");
    warn(p, 0, "duplicate %s 0x%llx ignored", what, (unsigned long long)addr);
    return 0;
}

static int read_chan(parser *p)
{
    gl_chan c = {0};
    const char *s;
    p->counts.chans++;
    if (require(p, get_hex(p, "addr", &c.addr), "addr", "chan") < 0)
        return -1;
    if (get_stack_ref(p, "made", &c.made) < 0 || get_int(p, "maker", &c.maker) < 0
        || get_int(p, "made_ns", &c.made_ns) < 0 || get_int(p, "cap", &c.cap) < 0
        || get_bool(p, "closed", &c.closed) < 0 || get_int(p, "closer", &c.closer) < 0
        || get_stack_ref(p, "close_stack", &c.close_stack) < 0 || get_int(p, "closed_ns", &c.closed_ns) < 0
        || get_bool(p, "timer_live", &c.timer_live) < 0 || get_hex(p, "ctx", &c.ctx) < 0
        || get_str(p, "timer", &s) < 0)
        return -1;
    c.timer = gl_timer_kind_from_name(s);
    if (get_str(p, "elem", &s) < 0)
        return -1;
    c.signal = s && strcmp(s, "os.Signal") == 0;
    if (!c.timer)
        c.timer_live = 0;
    int dup;
    gl_chan *slot = gl_build_chan_new(p->b, c.addr, &dup);
    int r = made(p, slot, dup, "chan", c.addr);
    if (r > 0)
        *slot = c;
    return r < 0 ? -1 : 0;
}

static int read_touch(parser *p)
{
    uint64_t addr;
    gl_touch t = {0};
    if (require(p, get_hex(p, "chan", &addr), "chan", "touch") < 0)
        return -1;
    if (get_int(p, "goid", &t.goid) < 0 || get_word(p, "op", t.op, sizeof t.op) < 0
        || get_int(p, "ns", &t.ns) < 0 || get_stack_ref(p, "stack", &t.stack) < 0)
        return -1;
    gl_chan *c = gl_dump_chan(p->d, addr);
    if (!c)
        return fail(p, "chan 0x%llx not defined", (unsigned long long)addr);
    /* Newest last; when more arrive than the model keeps, keep the newest. */
    if (c->ntouches == GL_MAX_TOUCHES) {
        memmove(&c->touches[0], &c->touches[1], (GL_MAX_TOUCHES - 1) * sizeof c->touches[0]);
        c->ntouches--;
    }
    c->touches[c->ntouches++] = t;
    return 0;
}

static int read_context(parser *p)
{
    gl_context x = {0};
    p->counts.contexts++;
    if (require(p, get_hex(p, "addr", &x.addr), "addr", "context") < 0)
        return -1;
    if (get_word(p, "kind", x.kind, sizeof x.kind) < 0 || get_stack_ref(p, "created", &x.created) < 0
        || get_int(p, "creator", &x.creator) < 0 || get_int(p, "created_ns", &x.created_ns) < 0
        || get_bool(p, "cancelled", &x.cancelled) < 0 || get_int(p, "deadline_ns", &x.deadline_ns) < 0
        || get_hex(p, "done", &x.done) < 0)
        return -1;
    int dup;
    gl_context *slot = gl_build_context_new(p->b, x.addr, &dup);
    int r = made(p, slot, dup, "context", x.addr);
    if (r > 0)
        *slot = x;
    return r < 0 ? -1 : 0;
}

/* A lock goroutines wait on: `lock addr=... kind=mutex locked=1`. */
static int read_lock(parser *p)
{
    gl_lock l = {.locked = -1, .readers = -1};
    const char *kind;
    p->counts.locks++;
    if (require(p, get_hex(p, "addr", &l.addr), "addr", "lock") < 0
        || require(p, get_str(p, "kind", &kind), "kind", "lock") < 0)
        return -1;
    if (get_bool(p, "locked", &l.locked) < 0 || get_int(p, "readers", &l.readers) < 0)
        return -1;
    l.kind = gl_wait_from_name(kind);
    if (l.kind != GL_WAIT_MUTEX && l.kind != GL_WAIT_RWMUTEX && l.kind != GL_WAIT_ONCE)
        return fail(p, "bad lock kind '%.40s'", kind);
    int dup;
    gl_lock *slot = gl_build_lock_new(p->b, l.addr, &dup);
    int r = made(p, slot, dup, "lock", l.addr);
    if (r > 0)
        *slot = l;
    return r < 0 ? -1 : 0;
}

/* A goroutine holding it: `holder lock=... goid=7 mode=write site=12 exited=1`. */
static int read_holder(parser *p)
{
    uint64_t addr;
    gl_holder h = {0};
    char mode[8] = "write";
    if (require(p, get_hex(p, "lock", &addr), "lock", "holder") < 0
        || require(p, get_int(p, "goid", &h.goid), "goid", "holder") < 0)
        return -1;
    if (get_word(p, "mode", mode, sizeof mode) < 0 || get_stack_ref(p, "site", &h.site) < 0
        || get_bool(p, "exited", &h.exited) < 0)
        return -1;
    if (strcmp(mode, "read") != 0 && strcmp(mode, "write") != 0)
        return fail(p, "bad holder mode '%s'", mode);
    h.read = mode[0] == 'r';
    gl_lock *l = gl_dump_lock(p->d, addr);
    if (!l)
        return fail(p, "lock 0x%llx not defined", (unsigned long long)addr);
    if (l->nholders == GL_MAX_HOLDERS) {
        warn(p, 0, "more than %d holders of lock 0x%llx: the rest ignored", GL_MAX_HOLDERS, (unsigned long long)addr);
        return 0;
    }
    l->holders[l->nholders++] = h;
    return 0;
}

/* A test the process started: `test name=TestA/sub`, in start order. */
static int read_test(parser *p)
{
    const char *name;
    p->counts.tests++;
    if (require(p, get_str(p, "name", &name), "name", "test") < 0)
        return -1;
    if (gl_build_test_add(p->b, name) != 0)
        return fail(p, "out of memory");
    return 0;
}

static int check_count(parser *p, const char *key, int64_t have)
{
    int64_t want;
    int r = get_int(p, key, &want);
    if (r < 0)
        return -1;
    if (r == 0 && want != have)
        return fail(p, "count mismatch in end: %s=%lld but the dump has %lld", key, (long long)want,
                    (long long)have);
    return 0;
}

static int read_end(parser *p)
{
    if (check_count(p, "goroutines", p->counts.goroutines) < 0 || check_count(p, "chans", p->counts.chans) < 0
        || check_count(p, "contexts", p->counts.contexts) < 0 || check_count(p, "stacks", p->counts.stacks) < 0
        || check_count(p, "tests", p->counts.tests) < 0 || check_count(p, "locks", p->counts.locks) < 0)
        return -1;
    p->seen_end = 1;
    return 0;
}

/* Splits the record in linebuf into its tag and fields. */
static int split_fields(parser *p, char **tag)
{
    char *s = p->linebuf;
    p->nfields = 0;
    while (*s == ' ')
        s++;
    *tag = s;
    while (*s && *s != ' ')
        s++;
    while (*s) {
        *s++ = '\0';
        while (*s == ' ')
            s++;
        if (!*s)
            break;
        char *tok = s, *eq = NULL;
        for (; *s && *s != ' '; s++)
            if (*s == '=' && !eq)
                eq = s;
        char save = *s;
        *s = '\0';
        if (!eq || eq == tok)
            return fail(p, "malformed field '%.40s'", tok);
        *eq = '\0';
        if (gl_grow((void **)&p->fields, &p->cap_fields, p->nfields + 1, sizeof *p->fields) != 0)
            return fail(p, "out of memory");
        p->fields[p->nfields].key = tok;
        p->fields[p->nfields].keylen = (size_t)(eq - tok);
        p->fields[p->nfields].value = eq + 1;
        p->nfields++;
        *s = save;
    }
    return 0;
}

static int read_record(parser *p)
{
    char *tag;
    if (split_fields(p, &tag) < 0)
        return -1;
    if (p->seen_end)
        return fail(p, "record after end");
    if (!p->seen_info) {
        if (strcmp(tag, "info") != 0)
            return fail(p, "expected info record, got '%.40s'", tag);
        p->seen_info = 1;
        return read_info(p);
    }
    if (strcmp(tag, "info") == 0)
        return fail(p, "duplicate info record");
    static const struct {
        const char *tag;
        int (*read)(parser *p);
    } records[] = {
        {"module", read_module}, {"sym", read_sym},   {"inline", read_inline}, {"stack", read_stack},     {"goroutine", read_goroutine},
        {"chan", read_chan},     {"touch", read_touch}, {"context", read_context}, {"test", read_test},
        {"lock", read_lock},     {"holder", read_holder},
        {"end", read_end},
    };
    for (size_t i = 0; i < sizeof records / sizeof records[0]; i++)
        if (strcmp(tag, records[i].tag) == 0)
            return records[i].read(p);
    if (*tag >= 'A' && *tag <= 'Z')
        return fail(p, "unknown record '%.40s'", tag);
    return 0; /* unknown lower-case tags belong to a newer minor writer */
}

static int read_header(parser *p)
{
    const char *s = p->linebuf;
    size_t ml = strlen(GL_DUMP_MAGIC);
    if (strncmp(s, GL_DUMP_MAGIC, ml) != 0 || s[ml] != ' ')
        return fail(p, "not a goleash dump");
    int64_t version;
    if (gl_parse_int64(s + ml + 1, &version) != 0)
        return fail(p, "not a goleash dump");
    if (version != GL_DUMP_VERSION)
        return fail(p, "unsupported dump version %lld", (long long)version);
    p->d->version = (int)version;
    return 0;
}

static void free_parser_tables(parser *p)
{
    gl_map_free(&p->stacks);
    gl_map_free(&p->sym_by_pc);
    for (size_t i = 0; i < p->nsyms; i++)
        free(p->syms[i].inl);
    free(p->syms);
    free(p->fields);
}

/* ---- line by line ------------------------------------------------------- */

struct gl_dump_reader {
    parser p;
    int have_header;
    int stopped;   /* a cut last line ended the dump */
    int failed;
};

gl_dump_reader *gl_dump_reader_new(const char *name, gl_diag *diag)
{
    memset(diag, 0, sizeof *diag);
    if (!name)
        name = "(buffer)";
    gl_dump_reader *r = calloc(1, sizeof *r);
    gl_build *b = gl_build_new(name, "goleash");
    if (!r || !b) {
        free(r);
        gl_build_discard(b);
        snprintf(diag->msg, sizeof diag->msg, "goleash: %s: out of memory", name);
        return NULL;
    }
    parser *p = &r->p;
    p->name = name;
    p->b = b;
    p->d = gl_build_dump(b);
    p->diag = diag;
    p->stacks.spread = GL_MAP_IDS;
    p->sym_by_pc.spread = GL_MAP_ADDRESSES;
    /* Its own clock and min_park come in info; what info lacks is 0. */
    p->d->mono_ns = 0;
    p->d->min_park_ns = 0;
    return r;
}

static int reader_line(gl_dump_reader *r, const char *line, size_t n, int complete)
{
    parser *p = &r->p;
    p->line++;
    if (n > MAX_LINE)
        return fail(p, "line too long");
    memcpy(p->linebuf, line, n);
    p->linebuf[n] = '\0';
    if (n && p->linebuf[n - 1] == '\r')
        p->linebuf[--n] = '\0';
    int has_nul = memchr(p->linebuf, '\0', n) != NULL;
    if (!r->have_header) {
        if (has_nul)
            return fail(p, "not a goleash dump"); /* binary junk */
        if (read_header(p) < 0)
            return -1;
        r->have_header = 1;
        return 0;
    }
    if (has_nul)
        return fail(p, "NUL byte in line");
    if (n == 0 || p->linebuf[0] == '#')
        return 0;
    /* A last line without its newline was cut by whatever truncated the
     * file, unless it is the complete `end`. */
    if (!complete && strncmp(p->linebuf, "end", 3) != 0) {
        r->stopped = 1;
        return 0;
    }
    return read_record(p);
}

int gl_dump_reader_line(gl_dump_reader *r, const char *line, size_t n, int complete)
{
    if (r->failed || r->stopped)
        return r->failed ? -1 : 0;
    if (reader_line(r, line, n, complete) < 0)
        r->failed = 1;
    return r->failed ? -1 : 0;
}

void gl_dump_reader_discard(gl_dump_reader *r)
{
    if (!r)
        return;
    free_parser_tables(&r->p);
    gl_build_discard(r->p.b);
    free(r);
}

int gl_dump_reader_finish(gl_dump_reader *r, gl_dump **out)
{
    parser *p = &r->p;
    gl_diag *diag = p->diag;
    const char *name = p->name;
    int rc = r->failed ? -1 : 0;
    *out = NULL;
    if (rc == 0 && p->line == 0) {
        p->line = 1;
        rc = fail(p, "empty file");
    }
    if (rc == 0 && !p->seen_end) {
        p->d->truncated = 1;
        p->line = 0;
        /* Cut before its first goroutine it holds nothing to judge: read as
         * an empty report it would pass a leaky program as clean. */
        if (p->counts.goroutines == 0)
            rc = fail(p, "truncated dump (no end record) cut before its first goroutine: nothing to judge");
        else
            warn(p, 1, "truncated dump (no end record): reporting what it holds");
    }
    gl_build *b = p->b;
    free_parser_tables(p);
    free(r);
    if (rc != 0) {
        gl_build_discard(b);
        return -1;
    }
    gl_dump *d = gl_build_finish(b);
    if (!d) {
        snprintf(diag->msg, sizeof diag->msg, "goleash: %s: out of memory", name);
        return -1;
    }
    *out = d;
    return 0;
}

int gl_dump_read_buffer(const char *name, const char *buf, size_t len, gl_dump **out, gl_diag *diag)
{
    gl_diag local;
    if (!diag)
        diag = &local;
    *out = NULL;
    gl_dump_reader *r = gl_dump_reader_new(name, diag);
    if (!r)
        return -1;
    for (size_t pos = 0; buf && pos < len;) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - buf) : len;
        if (gl_dump_reader_line(r, buf + pos, end - pos, nl != NULL) != 0)
            break;
        pos = end + 1;
    }
    return gl_dump_reader_finish(r, out);
}

int gl_dump_read_file(const char *path, gl_dump **out, gl_diag *diag)
{
    gl_diag local;
    if (!diag)
        diag = &local;
    memset(diag, 0, sizeof *diag);
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(diag->msg, sizeof diag->msg, "goleash: %s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(diag->msg, sizeof diag->msg, "goleash: %s: not a regular file", path);
        close(fd);
        return -1;
    }
    size_t cap = st.st_size > 0 ? (size_t)st.st_size : 4096, len = 0;
    char *buf = malloc(cap);
    if (!buf) {
        close(fd);
        snprintf(diag->msg, sizeof diag->msg, "goleash: %s: out of memory", path);
        return -1;
    }
    /* Read to EOF rather than trusting st_size: the file may still grow. */
    for (;;) {
        if (len == cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                close(fd);
                snprintf(diag->msg, sizeof diag->msg, "goleash: %s: out of memory", path);
                return -1;
            }
            buf = nb;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + len, cap - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(diag->msg, sizeof diag->msg, "goleash: %s: %s", path, strerror(errno));
            free(buf);
            close(fd);
            return -1;
        }
        if (r == 0)
            break;
        len += (size_t)r;
    }
    close(fd);
    int rc = gl_dump_read_buffer(path, buf, len, out, diag);
    free(buf);
    return rc;
}
