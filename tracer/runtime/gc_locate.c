/* Finding runtime globals without symbols (gc_locate.h). */
#include "ptrace/why.h"
#include "runtime/gc_locate.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_SECTION = 64 << 20, MAX_GS = 1 << 22, MAX_PS = 1024 };

/* A section of the running image, copied out of its memory. */
typedef struct image_copy {
    uint64_t addr;            /* runtime address */
    size_t len;
    uint64_t *words;
} image_copy;

static int copy_section(gc_proc *p, const gc_range *r, image_copy *c)
{
    memset(c, 0, sizeof *c);
    if (!r->size || r->size > MAX_SECTION)
        return -1;
    c->addr = r->addr + p->mem.bias;
    c->len = (size_t)r->size / 8;
    c->words = malloc(c->len * 8 + 8);
    if (!c->words || gc_mem_read(&p->mem, c->addr, c->words, c->len * 8) != 0) {
        free(c->words);
        c->words = NULL;
        return -1;
    }
    return 0;
}

static void set_var(gc_proc *p, gc_var_id v, uint64_t runtime_addr)
{
    p->abi.var[v] = runtime_addr - p->mem.bias;
}

/* runtime.firstmoduledata: its first word is the pcHeader's address, and
 * moduledata.text (relocated in a PIE) lies in the text section. */
static void find_moduledata(gc_proc *p)
{
    const gc_range *ranges[] = {&p->bin.gomodule, &p->bin.noptrdata, &p->bin.data};
    uint64_t hdr = p->bin.pclntab.addr + p->mem.bias;
    int64_t text_off = p->abi.member[GC_M_MODULEDATA_TEXT];
    for (size_t r = 0; r < sizeof ranges / sizeof ranges[0] && !p->abi.var[GC_V_FIRSTMODULEDATA]; r++) {
        image_copy c;
        if (copy_section(p, ranges[r], &c) != 0)
            continue;
        for (size_t i = 0; i + (size_t)text_off / 8 < c.len; i++) {
            uint64_t text = c.words[i + (size_t)text_off / 8];
            if (c.words[i] == hdr && text >= p->bin.text.addr + p->mem.bias
                && text < p->bin.text.addr + p->bin.text.size + p->mem.bias) {
                set_var(p, GC_V_FIRSTMODULEDATA, c.addr + i * 8);
                break;
            }
        }
        free(c.words);
    }
}

/* Whether g looks like a goroutine with id goid_min or more (exactly
 * goid_min when exact): stack bounds that make a stack. */
static int looks_like_g(gc_proc *p, uint64_t g, int64_t goid_min, int exact)
{
    const int64_t *m = p->abi.member;
    uint64_t lo, hi, goid;
    if (!g || (g & 7) || gc_mem_u64(&p->mem, g + (uint64_t)m[GC_M_G_STACK_LO], &lo) != 0
        || gc_mem_u64(&p->mem, g + (uint64_t)m[GC_M_G_STACK_HI], &hi) != 0
        || gc_mem_u64(&p->mem, g + (uint64_t)m[GC_M_G_GOID], &goid) != 0)
        return 0;
    if (exact ? (int64_t)goid != goid_min : (int64_t)goid < goid_min)
        return 0;
    return lo < hi && hi - lo >= 2048 && hi - lo <= (1ull << 30);
}

static int plausible_slice(const uint64_t *w, uint64_t max_len)
{
    return w[0] && !(w[0] & 7) && w[1] >= 1 && w[1] <= max_len && w[2] >= w[1] && w[2] <= 2 * max_len;
}

static int is_allgs(gc_proc *p, const uint64_t *w)
{
    uint64_t first[2] = {0, 0};
    if (!plausible_slice(w, MAX_GS) || gc_mem_read(&p->mem, w[0], first, w[1] > 1 ? 16 : 8) != 0)
        return 0;
    return looks_like_g(p, first[0], 1, 1) && (w[1] < 2 || looks_like_g(p, first[1], 2, 0));
}

static int is_allp(gc_proc *p, const uint64_t *w)
{
    uint64_t ps[MAX_PS];
    if (!plausible_slice(w, MAX_PS) || gc_mem_read(&p->mem, w[0], ps, w[1] * 8) != 0)
        return 0;
    for (uint64_t i = 0; i < w[1]; i++) {
        int32_t id;
        if (!ps[i] || gc_mem_read(&p->mem, ps[i] + (uint64_t)p->abi.member[GC_M_P_ID], &id, 4) != 0
            || id != (int32_t)i)
            return 0;
    }
    return 1;
}

/* runtime.allgs and runtime.allp are slices in .bss. */
static void find_slices(gc_proc *p)
{
    image_copy c;
    int want_gs = !p->abi.var[GC_V_ALLGS], want_p = !p->abi.var[GC_V_ALLP] && p->abi.member[GC_M_P_ID] >= 0;
    if ((!want_gs && !want_p) || copy_section(p, &p->bin.bss, &c) != 0)
        return;
    for (size_t i = 0; i + 3 <= c.len && (want_gs || want_p); i++) {
        if (want_gs && is_allgs(p, &c.words[i])) {
            set_var(p, GC_V_ALLGS, c.addr + i * 8);
            want_gs = 0;
        } else if (want_p && is_allp(p, &c.words[i])) {
            set_var(p, GC_V_ALLP, c.addr + i * 8);
            want_p = 0;
        }
    }
    free(c.words);
}

int gc_locate_vars(gc_proc *p, char *why, size_t whylen)
{
    if (!p->abi.var[GC_V_FIRSTMODULEDATA])
        find_moduledata(p);
    find_slices(p);
    for (int v = 0; v < GC_V_COUNT; v++)
        if (gc_abi_var_required((gc_var_id)v) && !p->abi.var[v])
            return gc_why(why, whylen, "%s: the binary has no symbol table and %s was not found in its memory",
                       p->bin.goversion, gc_abi_var_name((gc_var_id)v));
    return 0;
}
