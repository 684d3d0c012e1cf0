/* goleash dumps of gc programs (gc_dump.h). */
#include "ptrace/why.h"
#include "dump/gc_dump.h"
#include "model/model.h"
#include "util/util.h"
#include "format/dump_line.h"
#include "format/wait_classify.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uthash.h>

enum { MAX_INLINE = 16 };

typedef struct stack_entry {
    uint32_t id;
    int callers;              /* pcs as runtime.Callers gives them: one per frame */
    int truncated;
    size_t n;
    uint64_t *key;            /* n pcs, then callers and truncated */
    UT_hash_handle hh;
} stack_entry;

typedef struct pc_entry {
    uint64_t pc;
    int entry;                /* a function entry (start=), not a return address */
    UT_hash_handle hh;
} pc_entry;

typedef struct writer {
    gl_membuf *out;
    const gc_proc *p;
    const gc_state *st;
    const gc_dump_info *info;
    stack_entry *stacks;      /* uthash */
    stack_entry **order;      /* in id order */
    size_t nstacks, cap_stacks;
    pc_entry *pcs;
    int failed;
} writer;

/* ---- strings ------------------------------------------------------------ */

/* A function name as Go prints it: a generic function's shape arguments
 * (main.drain[go.shape.int]) read [...] (runtime.funcNameForPrint). */
static void kv_func(gl_membuf *out, const char *k, const char *name)
{
    const char *open = name ? strchr(name, '[') : NULL;
    const char *close = name ? strrchr(name, ']') : NULL;
    if (!open || !close || close <= open) {
        gl_kv_str(out, k, name);
        return;
    }
    char buf[1024];
    snprintf(buf, sizeof buf, "%.*s[...]%s", (int)(open - name), name, close + 1);
    gl_kv_str(out, k, buf);
}

/* ---- symbols -------------------------------------------------------------- */

static void note_pc(writer *w, uint64_t pc, int entry)
{
    pc_entry *e = NULL;
    HASH_FIND(hh, w->pcs, &pc, sizeof pc, e);
    if (e)
        return;
    if (!(e = calloc(1, sizeof *e))) {
        w->failed = 1;
        return;
    }
    e->pc = pc;
    e->entry = entry;
    HASH_ADD(hh, w->pcs, pc, sizeof e->pc, e);
}

/* Source frames of a PC as a stack holds it: a return address names the
 * call before it, a start PC its own function. */
static size_t frames_of(const gc_proc *p, uint64_t pc, int entry, gc_srcframe *out, size_t cap)
{
    return gc_pcln_frames(&p->pcln, entry || !pc ? pc : pc - 1, out, cap);
}

static int is_wrapper_id(const gc_proc *p, unsigned funcid)
{
    return p->abi.konst[GC_C_FUNCID_WRAPPER] >= 0 && funcid == (unsigned)p->abi.konst[GC_C_FUNCID_WRAPPER];
}

static void write_syms(writer *w)
{
    pc_entry *e, *tmp;
    HASH_ITER(hh, w->pcs, e, tmp) {
        gc_srcframe fr[MAX_INLINE];
        size_t n = frames_of(w->p, e->pc, e->entry, fr, MAX_INLINE);
        gc_func f;
        gl_membuf *o = w->out;
        int known = n && gc_pcln_find(&w->p->pcln, e->entry ? e->pc : e->pc - 1, &f) == 0;
        const gc_srcframe *phys = known ? &fr[n - 1] : NULL;
        gl_rec_begin(o, "sym");
        gl_kv_hex(o, "pc", e->pc);
        gl_kv_dec(o, "mod", known ? 0 : -1);
        if (known) {
            gl_kv_hex(o, "off", e->pc - f.entry);
            kv_func(o, "name", phys->function);
        } else {
            gl_kv_raw(o, "name", "?");
        }
        if (phys && phys->file) {
            gl_kv_str(o, "file", phys->file);
            gl_kv_dec(o, "line", phys->line > 0 ? phys->line : 0);
        }
        /* Compiler-generated wrappers (a `go f(x)` statement's closure,
         * method value and promoted-method wrappers) are marked so that
         * readers leave them out, as Go's own traceback does. */
        if (phys && is_wrapper_id(w->p, phys->funcid))
            gl_kv_dec(o, "wrapper", 1);
        gl_rec_end(o);
        for (size_t i = 0; known && i + 1 < n; i++) {
            gl_rec_begin(o, "inline");
            gl_kv_hex(o, "pc", e->pc);
            gl_kv_dec(o, "depth", (int64_t)i);
            kv_func(o, "name", fr[i].function);
            gl_kv_str(o, "file", fr[i].file);
            gl_kv_dec(o, "line", fr[i].line > 0 ? fr[i].line : 0);
            if (is_wrapper_id(w->p, fr[i].funcid))
                gl_kv_dec(o, "wrapper", 1);
            gl_rec_end(o);
        }
    }
}

/* ---- stacks -------------------------------------------------------------- */

static uint32_t intern_stack(writer *w, const uint64_t *pcs, size_t n, int callers, int truncated)
{
    if (n == 0 || w->failed)
        return 0;
    size_t klen = (n + 1) * sizeof *pcs;
    uint64_t *key = malloc(klen);
    if (!key) {
        w->failed = 1;
        return 0;
    }
    memcpy(key, pcs, n * sizeof *pcs);
    key[n] = (uint64_t)callers << 1 | (uint64_t)truncated;
    stack_entry *e = NULL;
    HASH_FIND(hh, w->stacks, key, klen, e);
    if (e) {
        free(key);
        return e->id;
    }
    e = calloc(1, sizeof *e);
    if (!e || gl_grow((void **)&w->order, &w->cap_stacks, w->nstacks + 1, sizeof *w->order) != 0) {
        free(key);
        free(e);
        w->failed = 1;
        return 0;
    }
    e->key = key;
    e->n = n;
    e->callers = callers;
    e->truncated = truncated;
    w->order[w->nstacks++] = e;
    e->id = (uint32_t)w->nstacks;
    HASH_ADD_KEYPTR(hh, w->stacks, e->key, klen, e);
    for (size_t i = 0; i < n; i++)
        note_pc(w, pcs[i], 0);
    return e->id;
}

static void write_stacks(writer *w)
{
    for (size_t i = 0; i < w->nstacks; i++) {
        const stack_entry *e = w->order[i];
        gl_rec_begin(w->out, "stack");
        gl_kv_dec(w->out, "id", e->id);
        gl_kv_hex_list(w->out, "pcs", e->key, e->n);
        gl_kv_dec(w->out, "truncated", e->truncated);
        if (e->callers)
            gl_kv_dec(w->out, "callers", 1);
        gl_rec_end(w->out);
    }
}

static void free_writer(writer *w)
{
    stack_entry *s, *stmp;
    HASH_ITER(hh, w->stacks, s, stmp) {
        HASH_DEL(w->stacks, s);
        free(s->key);
        free(s);
    }
    pc_entry *p, *ptmp;
    HASH_ITER(hh, w->pcs, p, ptmp) {
        HASH_DEL(w->pcs, p);
        free(p);
    }
    free(w->order);
}

/* ---- goroutines ---------------------------------------------------------- */

/* What a goroutine record says, before it is written: the live ones and
 * the exited ancestors that link them to their tests. */
typedef struct grec {
    int64_t id, parent;
    uint64_t start;
    const char *start_name;   /* NULL: the start PC's function */
    uint32_t created, stack;
    int system, exited;
    const gc_g *g;            /* NULL for an exited ancestor */
    gl_wait_class cls;
    gl_wait wait;
    int reason;
    const char *reason_text;
    int64_t since_ns;
} grec;

/* The innermost function name at a stack PC. */
static const char *innermost(const gc_proc *p, uint64_t pc, int callers)
{
    gc_srcframe fr[MAX_INLINE];
    size_t n = frames_of(p, pc, 0, fr, MAX_INLINE);
    (void)callers;
    return n ? fr[0].function : NULL;
}

/* The function a compiler wrapper exists for: gc 1.21+ starts `go f(x)` in
 * a generated wrapper (main.main.gowrap1; 1.17-1.20 a func literal marked
 * as one) that inlines f, or calls it. The first inlined call in the
 * wrapper's code is f; else the first call to a function outside the
 * runtime. */
static const char *wrapper_target(const gc_proc *p, const gc_func *w)
{
    gc_func next;
    uint64_t end = w->entry + 256;
    for (uint64_t pc = w->entry; pc < end; pc++) {
        if (gc_pcln_find(&p->pcln, pc, &next) != 0 || next.entry != w->entry)
            break;
        gc_srcframe fr[MAX_INLINE];
        size_t n = frames_of(p, pc, 1, fr, MAX_INLINE);
        if (n >= 2 && !is_wrapper_id(p, fr[n - 2].funcid))
            return fr[n - 2].function;
    }
    unsigned char code[256];
    for (size_t len = sizeof code; len >= 16; len /= 2) {
        if (gc_binary_read(&p->bin, w->entry - p->mem.bias, code, len) != 0)
            continue;
        for (size_t i = 0; i + 5 <= len; i++) {
            int32_t rel;
            memcpy(&rel, code + i + 1, 4);
            uint64_t target = w->entry + i + 5 + (uint64_t)(int64_t)rel;
            gc_func t;
            if (code[i] != 0xe8 || gc_pcln_find(&p->pcln, target, &t) != 0 || t.entry != target)
                continue;
            const char *name = gc_pcln_name(&p->pcln, &t);
            if (name && strncmp(name, "runtime.", 8) != 0)
                return name;
        }
        break;
    }
    return NULL;
}

/* The name a goroutine's start PC stands for: its function, or what that
 * function wraps. NULL when the start PC's own name serves. */
static const char *start_name_of(const gc_proc *p, const gc_g *g)
{
    gc_func f;
    if (gc_pcln_find(&p->pcln, g->startpc, &f) != 0 || !is_wrapper_id(p, gc_pcln_funcid(&p->pcln, &f)))
        return NULL;
    return wrapper_target(p, &f);
}

static int is_system(const char *start)
{
    return start && strncmp(start, "runtime.", 8) == 0 && strcmp(start, "runtime.main") != 0;
}

/* runtime.Callers-style PCs of an ancestor, without the runtime frames of
 * the `go` statement itself (newproc, systemstack). */
static uint32_t creation_from_ancestor(writer *w, const gc_ancestor *a)
{
    size_t k = 0, n = a->npcs;
    while (k < n) {
        const char *name = innermost(w->p, a->pcs[k], 1);
        if (!name || strncmp(name, "runtime.", 8) != 0)
            break;
        k++;
    }
    /* and without the runtime.goexit every goroutine ends in */
    while (n > k) {
        const char *name = innermost(w->p, a->pcs[n - 1], 1);
        if (!name || strcmp(name, "runtime.goexit") != 0)
            break;
        n--;
    }
    return intern_stack(w, a->pcs + k, n - k, 1, 0);
}

static void classify_wait(writer *w, const gc_g *g, grec *r)
{
    const gc_state *st = w->st;
    const char *s = (size_t)g->waitreason < st->nreasons ? st->reasons[g->waitreason] : "";
    gl_wait_class cls;
    gl_wait_classify_status(s, strlen(s), &cls);
    r->reason = cls.reason;
    r->wait = cls.wait;
    r->reason_text = s;
    if ((cls.wait != GL_WAIT_SEMA && cls.wait != GL_WAIT_MUTEX) || !g->npcs)
        return;
    /* Go before 1.20 says semacquire for every sync wait: the frames tell
     * a Mutex from a WaitGroup. From 1.20 it says sync.Mutex.Lock also for
     * a writer in RWMutex.Lock waiting for another: the frames tell that. */
    gl_frame frames[GC_MAX_PCS];
    size_t n = 0;
    for (size_t i = 0; i < g->npcs && n < GC_MAX_PCS; i++) {
        gc_srcframe fr[MAX_INLINE];
        size_t k = frames_of(w->p, g->pcs[i], 0, fr, MAX_INLINE);
        for (size_t j = 0; j < k && n < GC_MAX_PCS; j++)
            frames[n++] = (gl_frame){.pc = g->pcs[i], .function = (char *)fr[j].function};
    }
    gl_stack stack = {.n = n, .frames = frames};
    int reason;
    gl_wait wait;
    if (gl_wait_classify_frames(&stack, &reason, &wait) && wait != GL_WAIT_SEMA && wait != GL_WAIT_OTHER)
        r->wait = wait;
}

static const gc_g *find_g(const gc_state *st, int64_t goid)
{
    return st ? gc_state_g((gc_state *)st, goid) : NULL;
}

static int parked_status(const gc_proc *p, uint32_t status)
{
    return status == (uint32_t)p->abi.konst[GC_C_G_WAITING]
           || (p->abi.konst[GC_C_G_LEAKED] >= 0 && status == (uint32_t)p->abi.konst[GC_C_G_LEAKED]);
}

static void live_record(writer *w, const gc_g *g, grec *r)
{
    memset(r, 0, sizeof *r);
    r->g = g;
    r->id = g->goid;
    r->parent = g->nancestors ? g->ancestors[0].goid : g->parent_goid;
    r->start = g->startpc;
    r->start_name = start_name_of(w->p, g);
    gc_func f;
    const char *sname = r->start_name ? r->start_name
                        : gc_pcln_find(&w->p->pcln, g->startpc, &f) == 0 ? gc_pcln_name(&w->p->pcln, &f) : NULL;
    r->system = is_system(sname);
    if (g->nancestors)
        r->created = creation_from_ancestor(w, &g->ancestors[0]);
    if (!r->created && g->gopc)
        r->created = intern_stack(w, &g->gopc, 1, 0, 0);
    if (g->startpc)
        note_pc(w, g->startpc, 1);
    r->reason = -1;
    r->since_ns = -1;
    if (!parked_status(w->p, g->status) || g->waitreason < 0)
        return;
    classify_wait(w, g, r);
    r->stack = intern_stack(w, g->pcs, g->npcs, 0, g->truncated);
    if (w->info->first) {
        const gc_g *before = find_g(w->info->first, g->goid);
        r->since_ns = before && gc_g_same_park(before, g) ? w->info->first_ns : w->info->mono_ns;
    }
}

/* The outermost function of an ancestor's stack (its start function). */
static const char *ancestor_start(writer *w, const gc_ancestor *a)
{
    for (size_t k = a->npcs; k-- > 0;) {
        gc_srcframe fr[MAX_INLINE];
        size_t n = frames_of(w->p, a->pcs[k], 0, fr, MAX_INLINE);
        if (n && strcmp(fr[0].function, "runtime.goexit") != 0 && !is_wrapper_id(w->p, fr[0].funcid))
            return fr[0].function;
    }
    return NULL;
}

typedef struct id_entry {
    int64_t id;
    UT_hash_handle hh;
} id_entry;

typedef struct grec_list {
    grec *v;
    size_t n, cap;
    id_entry *exited;         /* ids of the exited records, uthash */
} grec_list;

/* Whether an exited record for id is there already; notes it when not. */
static int has_id(writer *w, grec_list *l, int64_t id)
{
    id_entry *e = NULL;
    HASH_FIND(hh, l->exited, &id, sizeof id, e);
    if (e)
        return 1;
    if (!(e = malloc(sizeof *e))) {
        w->failed = 1;
        return 1;
    }
    e->id = id;
    HASH_ADD(hh, l->exited, id, sizeof e->id, e);
    return 0;
}

static grec *push_rec(writer *w, grec_list *l)
{
    if (gl_grow((void **)&l->v, &l->cap, l->n + 1, sizeof *l->v) != 0) {
        w->failed = 1;
        return NULL;
    }
    grec *r = &l->v[l->n++];
    memset(r, 0, sizeof *r);
    return r;
}

/* Exited goroutines on a live one's creation chain, so that the rules can
 * follow it to a test or to main (the shim writes the same records). */
static void ancestor_records(writer *w, const gc_g *g, grec_list *l)
{
    for (size_t i = 0; i < g->nancestors; i++) {
        const gc_ancestor *a = &g->ancestors[i];
        if (find_g(w->st, a->goid) || has_id(w, l, a->goid))
            continue;
        grec *r = push_rec(w, l);
        if (!r)
            return;
        r->id = a->goid;
        r->exited = 1;
        r->reason = -1;
        r->since_ns = -1;
        r->parent = i + 1 < g->nancestors ? g->ancestors[i + 1].goid : 0;
        r->start_name = ancestor_start(w, a);
        r->system = is_system(r->start_name);
        if (i + 1 < g->nancestors)
            r->created = creation_from_ancestor(w, &g->ancestors[i + 1]);
        if (!r->created && a->gopc)
            r->created = intern_stack(w, &a->gopc, 1, 0, 0);
    }
}

/* Without ancestors (Go 1.21+ has parentGoid): an exited parent that ran a
 * test still links its children to the test. */
static void parent_record(writer *w, const gc_g *g, grec_list *l)
{
    const gc_tests *t = w->info->tests;
    if (g->nancestors || !g->parent_goid || !t || !gc_tests_of(t, g->parent_goid) || find_g(w->st, g->parent_goid)
        || has_id(w, l, g->parent_goid))
        return;
    grec *r = push_rec(w, l);
    if (r) {
        r->id = g->parent_goid;
        r->exited = 1;
        r->reason = -1;
        r->since_ns = -1;
    }
}

static void collect(writer *w, grec_list *l)
{
    for (size_t i = 0; i < w->st->ngs; i++) {
        grec *r = push_rec(w, l);
        if (r)
            live_record(w, &w->st->gs[i], r);
    }
    for (size_t i = 0; i < w->st->ngs; i++) {
        ancestor_records(w, &w->st->gs[i], l);
        parent_record(w, &w->st->gs[i], l);
    }
}

static void write_goroutine(writer *w, const grec *r)
{
    gl_membuf *o = w->out;
    gl_rec_begin(o, "goroutine");
    gl_kv_dec(o, "id", r->id);
    gl_kv_dec(o, "parent", r->parent);
    if (r->start)
        gl_kv_hex(o, "start", r->start);
    if (r->start_name)
        kv_func(o, "start_name", r->start_name);
    gl_kv_dec(o, "created", r->created);
    gl_kv_dec(o, "system", r->system);
    const char *test = w->info->tests ? gc_tests_of(w->info->tests, r->id) : NULL;
    if (test)
        gl_kv_str(o, "test", test);
    gl_gstate state = r->exited ? GL_G_EXITED : r->reason_text ? GL_G_PARKED : GL_G_RUNNING;
    gl_kv_raw(o, "state", gl_gstate_name(state));
    if (state == GL_G_PARKED) {
        gl_kv_dec(o, "reason", r->reason);
        gl_kv_str(o, "reason_text", r->reason_text);
        gl_kv_str(o, "wait", gl_wait_name(r->wait));
        if (r->since_ns >= 0)
            gl_kv_dec(o, "since_ns", r->since_ns);
        gl_kv_dec(o, "stack", r->stack);
        gl_kv_hex_list(o, "chans", r->g->chans, r->g->nchans);
    }
    gl_rec_end(o);
}

static void write_chan(writer *w, const gc_chan *c)
{
    gl_membuf *o = w->out;
    gl_rec_begin(o, "chan");
    gl_kv_hex(o, "addr", c->addr);
    gl_kv_dec(o, "cap", (int64_t)c->dataqsiz);
    gl_kv_dec(o, "closed", c->closed);
    if (c->ctx)
        gl_kv_hex(o, "ctx", c->ctx);
    if (c->timer) {
        gl_kv_raw(o, "timer", gl_timer_kind_name(c->timer == 2 ? GL_TIMER_TICKER : GL_TIMER_TIMER));
        gl_kv_dec(o, "timer_live", c->timer_live);
    }
    if (c->elem_type)
        gl_kv_str(o, "elem", c->elem_type);
    gl_kv_dec(o, "queued", (int64_t)c->qcount);
    gl_rec_end(o);
}

static void write_header(writer *w)
{
    const gc_dump_info *in = w->info;
    const gc_proc *p = w->p;
    gl_membuf *o = w->out;
    gl_mb_str(o, GL_DUMP_MAGIC " ");
    gl_mb_dec(o, GL_DUMP_VERSION);
    gl_mb_str(o, "\n");
    gl_rec_begin(o, "info");
    gl_kv_dec(o, "pid", in->pid);
    gl_kv_dec(o, "ppid", in->ppid);
    gl_kv_str(o, "exe", p->bin.path);
    gl_kv_str(o, "reason", in->reason);
    gl_kv_dec(o, "status", in->status);
    gl_kv_dec(o, "mono_ns", in->mono_ns);
    gl_kv_dec(o, "wall_ns", in->wall_ns);
    gl_kv_str(o, "goroutine_ids", "go");
    gl_kv_str(o, "runtime", "gc");
    gl_kv_str(o, "goversion", p->bin.goversion);
    gl_kv_str(o, "layout", p->abi.source);
    gl_kv_dec(o, "min_park_ns", 0);
    gl_kv_raw(o, "missing", "-");
    gl_kv_dec(o, "tests_dropped", in->tests ? (int64_t)in->tests->dropped : 0);
    gl_kv_dec(o, "unreadable", (int64_t)w->st->unreadable);
    gl_rec_end(o);
    gl_rec_begin(o, "module");
    gl_kv_dec(o, "id", 0);
    gl_kv_hex(o, "base", p->mem.bias);
    gl_kv_str(o, "build_id", p->bin.build_id);
    gl_kv_str(o, "path", p->bin.path);
    gl_rec_end(o);
}

static void write_body(writer *w, const grec_list *l)
{
    write_header(w);
    write_syms(w);
    write_stacks(w);
    size_t ntests = w->info->tests ? w->info->tests->n : 0;
    for (size_t i = 0; i < ntests; i++) {
        gl_rec_begin(w->out, "test");
        gl_kv_str(w->out, "name", w->info->tests->names[i]);
        gl_rec_end(w->out);
    }
    for (size_t i = 0; i < l->n; i++)
        write_goroutine(w, &l->v[i]);
    /* A context before the channel that names it: references point back. */
    for (size_t i = 0; i < w->st->ncontexts; i++) {
        const gc_context *x = &w->st->contexts[i];
        gl_rec_begin(w->out, "context");
        gl_kv_hex(w->out, "addr", x->addr);
        gl_kv_raw(w->out, "kind", x->kind);
        gl_kv_dec(w->out, "cancelled", x->cancelled);
        gl_kv_hex(w->out, "done", x->done);
        gl_rec_end(w->out);
    }
    for (size_t i = 0; i < w->st->nchans; i++)
        write_chan(w, &w->st->chans[i]);
    gl_rec_begin(w->out, "end");
    gl_kv_dec(w->out, "goroutines", (int64_t)l->n);
    gl_kv_dec(w->out, "chans", (int64_t)w->st->nchans);
    gl_kv_dec(w->out, "contexts", (int64_t)w->st->ncontexts);
    gl_kv_dec(w->out, "stacks", (int64_t)w->nstacks);
    gl_kv_dec(w->out, "tests", (int64_t)ntests);
    gl_rec_end(w->out);
}

int gc_dump_write(const char *path, const gc_proc *p, const gc_state *st, const gc_dump_info *info, char *why,
                  size_t whylen)
{
    gl_membuf buf = {0};
    writer w = {.out = &buf, .p = p, .st = st, .info = info};
    grec_list l = {0};
    collect(&w, &l);
    if (!w.failed)
        write_body(&w, &l);
    free(l.v);
    id_entry *e, *etmp;
    HASH_ITER(hh, l.exited, e, etmp) {
        HASH_DEL(l.exited, e);
        free(e);
    }
    free_writer(&w);
    if (w.failed)
        buf.failed = 1;
    int rc = gl_membuf_write_file(&buf, path);
    int err = errno;
    gl_membuf_free(&buf);
    if (rc != 0)
        return gc_why(why, whylen, "cannot write %s: %s", path, strerror(err));
    return 0;
}
