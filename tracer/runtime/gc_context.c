/* Contexts of Done() channels (gc_context.h). */
#include "runtime/gc_context.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_MAPS = 4096 };

typedef struct heap_maps {
    uint64_t lo[MAX_MAPS], hi[MAX_MAPS];
    size_t n;
} heap_maps;

/* Writable anonymous mappings: where Go's heap (and so every cancelCtx)
 * lives. Filtering stack words by them keeps the reads few. */
static void read_heap_maps(pid_t pid, heap_maps *m)
{
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
    FILE *f = fopen(path, "re");
    m->n = 0;
    while (f && m->n < MAX_MAPS && fgets(line, sizeof line, f)) {
        unsigned long lo, hi, inode;
        char perms[8];
        int name_at = 0;
        if (sscanf(line, "%lx-%lx %7s %*s %*s %lu %n", &lo, &hi, perms, &inode, &name_at) < 4)
            continue;
        if (perms[0] != 'r' || perms[1] != 'w' || inode != 0 || (line[name_at] && line[name_at] != '\n'))
            continue;
        m->lo[m->n] = lo;
        m->hi[m->n] = hi;
        m->n++;
    }
    if (f)
        fclose(f);
}

static int in_heap(const heap_maps *m, uint64_t a)
{
    for (size_t i = 0; i < m->n; i++)
        if (a >= m->lo[i] && a < m->hi[i])
            return 1;
    return 0;
}

static int is_context_candidate(const gc_chan *c)
{
    return c && !c->ctx && !c->closed && c->dataqsiz == 0 && c->elem_type && strcmp(c->elem_type, "struct {}") == 0;
}

/* The context type an interface's itab word names, NULL when it is not
 * the itab of a context type. */
static const char *itab_kind(gc_proc *p, uint64_t itab)
{
    uint64_t type;
    char *name;
    if (!itab || (itab & 7) || p->abi.member[GC_M_ITAB_TYPE] < 0
        || gc_mem_u64(&p->mem, itab + (uint64_t)p->abi.member[GC_M_ITAB_TYPE], &type) != 0
        || !(name = gc_type_name(p, type)))
        return NULL;
    const char *kind = strstr(name, "context.timerCtx") ? "deadline" : strstr(name, "context.cancelCtx") ? "cancel"
                                                                                                          : NULL;
    free(name);
    return kind;
}

/* The kind of the context at ctx: a stack that holds it as a
 * context.Context has the itab in the word before; a bare pointer tells
 * nothing, and "cancel" is what every cancelable context is. */
static const char *kind_of(gc_proc *p, const uint64_t *words, size_t nwords, uint64_t ctx)
{
    for (size_t i = 1; i < nwords; i++) {
        const char *k = words[i] == ctx ? itab_kind(p, words[i - 1]) : NULL;
        if (k)
            return k;
    }
    return "cancel";
}

static void add_context(gc_proc *p, gc_state *st, gc_chan *c, uint64_t ctx, const char *kind)
{
    gc_context *n = realloc(st->contexts, (st->ncontexts + 1) * sizeof *n);
    if (!n)
        return;
    st->contexts = n;
    gc_context *x = &st->contexts[st->ncontexts++];
    uint64_t err = 0;
    if (p->abi.member[GC_M_CANCELCTX_ERR] >= 0)
        gc_mem_u64(&p->mem, ctx + (uint64_t)p->abi.member[GC_M_CANCELCTX_ERR] + 8, &err);
    *x = (gc_context){.addr = ctx, .done = c->addr, .kind = kind, .cancelled = err != 0};
    c->ctx = ctx;
}

/* One goroutine's stack: every heap pointer on it is tried as a cancelCtx
 * whose done field holds one of the channels g waits on. */
static void scan_stack(gc_proc *p, gc_state *st, const gc_g *g, const heap_maps *maps)
{
    size_t nwords = g->stack_len / 8;
    uint64_t *words = malloc(nwords * 8 + 8), *done = malloc(nwords * 8 + 8);
    gc_mem_req *reqs = malloc((nwords + 1) * sizeof *reqs);
    size_t *at = malloc((nwords + 1) * sizeof *at);
    unsigned char *ok = calloc(nwords + 1, 1);
    size_t n = 0;
    int64_t off = p->abi.member[GC_M_CANCELCTX_DONE] + 8; /* the eface's data word */
    for (size_t i = 0; words && done && reqs && at && ok && i < nwords; i++) {
        memcpy(&words[i], g->stack_copy + i * 8, 8);
        if ((words[i] & 7) || !in_heap(maps, words[i]))
            continue;
        reqs[n] = (gc_mem_req){words[i] + (uint64_t)off, &done[n], 8};
        at[n++] = i;
    }
    if (n)
        gc_mem_read_batch(&p->mem, reqs, n, ok);
    for (size_t k = 0; k < n; k++) {
        gc_chan *c = ok[k] ? gc_state_chan(st, done[k]) : NULL;
        if (!is_context_candidate(c))
            continue;
        for (size_t j = 0; j < g->nchans; j++)
            if (g->chans[j] == c->addr)
                add_context(p, st, c, words[at[k]], kind_of(p, words, nwords, words[at[k]]));
    }
    free(words);
    free(done);
    free(reqs);
    free(at);
    free(ok);
}

void gc_find_contexts(gc_proc *p, gc_state *st)
{
    if (p->abi.member[GC_M_CANCELCTX_DONE] < 0)
        return;
    heap_maps *maps = NULL;
    for (size_t i = 0; i < st->ngs; i++) {
        const gc_g *g = &st->gs[i];
        int wants = 0;
        for (size_t j = 0; j < g->nchans; j++)
            wants |= is_context_candidate(gc_state_chan(st, g->chans[j]));
        if (!wants || !g->stack_copy || g->stack_len < 8)
            continue;
        if (!maps) {
            if (!(maps = malloc(sizeof *maps)))
                return;
            read_heap_maps(p->mem.pid, maps);
        }
        scan_stack(p, st, g, maps);
    }
    free(maps);
}
