/* Reader of .gopclntab for Go 1.18+ (pclntab.h). The layout is the one
 * runtime/symtab.go and cmd/link write: a pcHeader, then the function-name,
 * compilation-unit, file and pc-value tables, then the function table. */
#include "binary/pclntab.h"

#include <string.h>

enum {
    MAGIC_GO118 = 0xfffffff0,
    MAGIC_GO120 = 0xfffffff1,
    PCDATA_INLTREE = 2,
    FUNCDATA_INLTREE = 3,
    MAX_INLINE_DEPTH = 64,
};

static uint32_t u32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static uint64_t u64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

uint64_t gc_pcln_file_text(const unsigned char *data, size_t size)
{
    return data && size >= 32 ? u64(data + 24) : 0;
}

/* A sub-table [off(k), off(k+1)) of the header's offsets; -1 when out of range. */
static int table(const gc_pcln *p, uint64_t from, uint64_t to, const unsigned char **out, size_t *len)
{
    if (from > to || to > p->size)
        return -1;
    *out = p->hdr + from;
    *len = (size_t)(to - from);
    return 0;
}

int gc_pcln_init(gc_pcln *p, const unsigned char *data, size_t size, uint64_t text)
{
    memset(p, 0, sizeof *p);
    if (!data || size < 72)
        return -1;
    uint32_t magic = u32(data);
    if ((magic != MAGIC_GO118 && magic != MAGIC_GO120) || data[4] || data[5] || data[7] != 8)
        return -1;
    p->hdr = data;
    p->size = size;
    p->go120 = magic == MAGIC_GO120;
    p->min_lc = data[6] ? data[6] : 1;
    p->nfunc = u64(data + 8);
    p->text = text;
    uint64_t names = u64(data + 32), cu = u64(data + 40), files = u64(data + 48), pcs = u64(data + 56),
             funcs = u64(data + 64);
    if (table(p, names, cu, &p->funcnametab, &p->funcnametab_size) || table(p, cu, files, &p->cutab, &p->cutab_size)
        || table(p, files, pcs, &p->filetab, &p->filetab_size) || table(p, pcs, funcs, &p->pctab, &p->pctab_size)
        || table(p, funcs, size, &p->ftab, &p->ftab_size))
        return -1;
    if (p->nfunc == 0 || (p->nfunc + 1) * 8 > p->ftab_size)
        return -1;
    return 0;
}

static uint32_t ftab_entry(const gc_pcln *p, uint64_t i)
{
    return u32(p->ftab + i * 8);
}

/* The _func record at funcoff, NULL when it does not fit. */
static const unsigned char *func_at(const gc_pcln *p, uint32_t funcoff)
{
    size_t hdr = p->go120 ? 44 : 40;
    if (funcoff > p->ftab_size || p->ftab_size - funcoff < hdr)
        return NULL;
    return p->ftab + funcoff;
}

int gc_pcln_find(const gc_pcln *p, uint64_t pc, gc_func *f)
{
    if (!p->hdr || pc < p->text)
        return -1;
    uint64_t off = pc - p->text;
    /* The last entry marks the end of the text: pcs at or past it are in no function. */
    if (off >= ftab_entry(p, p->nfunc))
        return -1;
    uint64_t lo = 0, hi = p->nfunc; /* entry(lo) <= off < entry(hi) */
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (ftab_entry(p, mid) <= off)
            lo = mid;
        else
            hi = mid;
    }
    if (ftab_entry(p, lo) > off)
        return -1;
    const unsigned char *raw = func_at(p, u32(p->ftab + lo * 8 + 4));
    if (!raw)
        return -1;
    f->raw = raw;
    f->entry = p->text + u32(raw);
    return 0;
}

static const char *string_at(const unsigned char *tab, size_t size, int64_t off)
{
    if (off < 0 || (uint64_t)off >= size || !memchr(tab + off, 0, size - (size_t)off))
        return NULL;
    return (const char *)tab + off;
}

const char *gc_pcln_name(const gc_pcln *p, const gc_func *f)
{
    return string_at(p->funcnametab, p->funcnametab_size, (int32_t)u32(f->raw + 4));
}

unsigned gc_pcln_funcid(const gc_pcln *p, const gc_func *f)
{
    return f->raw[p->go120 ? 40 : 36];
}

static size_t uvarint(const unsigned char *s, size_t n, uint32_t *out)
{
    uint32_t v = 0;
    for (size_t i = 0; i < n && i < 5; i++) {
        v |= (uint32_t)(s[i] & 0x7f) << (7 * i);
        if (!(s[i] & 0x80)) {
            *out = v;
            return i + 1;
        }
    }
    return 0;
}

/* The value a pc-value table (at pctab offset off) gives at pc; -1 when the
 * table is absent or does not cover pc, as the runtime's pcvalue does. */
static int32_t pcvalue(const gc_pcln *p, const gc_func *f, uint32_t off, uint64_t pc)
{
    if (off == 0 || off >= p->pctab_size)
        return -1;
    const unsigned char *s = p->pctab + off, *end = p->pctab + p->pctab_size;
    uint64_t at = f->entry;
    int32_t val = -1;
    for (int first = 1;; first = 0) {
        uint32_t uv, pcd;
        size_t k = uvarint(s, (size_t)(end - s), &uv);
        if (!k || (uv == 0 && !first))
            return -1;
        s += k;
        val += (int32_t)(-(uv & 1) ^ (uv >> 1));
        k = uvarint(s, (size_t)(end - s), &pcd);
        if (!k)
            return -1;
        s += k;
        at += (uint64_t)pcd * p->min_lc;
        if (pc < at)
            return val;
    }
}

/* Offsets of the pc-value tables inside _func. */
enum { F_PCSP = 16, F_PCFILE = 20, F_PCLN = 24, F_NPCDATA = 28, F_CUOFF = 32 };

int gc_pcln_spdelta(const gc_pcln *p, const gc_func *f, uint64_t pc, int32_t *out)
{
    int32_t v = pcvalue(p, f, u32(f->raw + F_PCSP), pc);
    if (v < 0)
        return -1;
    *out = v;
    return 0;
}

static size_t func_header_size(const gc_pcln *p)
{
    return p->go120 ? 44 : 40;
}

/* pcdata table k of f, 0 when f has none. */
static uint32_t pcdata_off(const gc_pcln *p, const gc_func *f, unsigned k)
{
    uint32_t n = u32(f->raw + F_NPCDATA);
    size_t at = func_header_size(p) + (size_t)k * 4;
    if (k >= n || (size_t)(f->raw - p->ftab) + at + 4 > p->ftab_size)
        return 0;
    return u32(f->raw + at);
}

/* funcdata k of f as a runtime address, 0 when absent. */
static uint64_t funcdata_addr(const gc_pcln *p, const gc_func *f, unsigned k)
{
    unsigned nfuncdata = f->raw[func_header_size(p) - 1];
    uint32_t npcdata = u32(f->raw + F_NPCDATA);
    size_t at = func_header_size(p) + (size_t)npcdata * 4 + (size_t)k * 4;
    if (!p->gofunc || k >= nfuncdata || (size_t)(f->raw - p->ftab) + at + 4 > p->ftab_size)
        return 0;
    uint32_t off = u32(f->raw + at);
    return off == UINT32_MAX ? 0 : p->gofunc + off;
}

static const char *file_at(const gc_pcln *p, const gc_func *f, uint64_t pc)
{
    int32_t fileno = pcvalue(p, f, u32(f->raw + F_PCFILE), pc);
    uint64_t cu = u32(f->raw + F_CUOFF);
    if (fileno < 0 || (cu + (uint64_t)fileno + 1) * 4 > p->cutab_size)
        return NULL;
    uint32_t off = u32(p->cutab + (cu + (uint64_t)fileno) * 4);
    return off == UINT32_MAX ? NULL : string_at(p->filetab, p->filetab_size, off);
}

/* The inlined call the code at pc belongs to: its name and the offset from
 * the function entry of an instruction at its call site. 0, or -1 when pc
 * is not inside inlined code (or the tree cannot be read). */
static int inlined_call(const gc_pcln *p, const gc_func *f, uint64_t pc, const char **name, uint32_t *parent_pc,
                        unsigned *funcid)
{
    if (!p->read)
        return -1;
    uint32_t tab = pcdata_off(p, f, PCDATA_INLTREE);
    uint64_t tree = funcdata_addr(p, f, FUNCDATA_INLTREE);
    if (!tab || !tree)
        return -1;
    int32_t ix = pcvalue(p, f, tab, pc);
    if (ix < 0)
        return -1;
    unsigned char call[20];
    size_t size = p->go120 ? 16 : 20;
    if (p->read(p->read_ctx, tree + (uint64_t)ix * size, call, size) != 0)
        return -1;
    /* 1.20+: funcID, pad[3], nameOff, parentPc, startLine;
     * 1.18-1.19: parent, funcID, pad, file, line, func_ (name), parentPc. */
    int32_t name_off = (int32_t)u32(call + (p->go120 ? 4 : 12));
    *parent_pc = u32(call + (p->go120 ? 8 : 16));
    *funcid = call[p->go120 ? 0 : 2];
    *name = string_at(p->funcnametab, p->funcnametab_size, name_off);
    return *name ? 0 : -1;
}

size_t gc_pcln_frames(const gc_pcln *p, uint64_t pc, gc_srcframe *out, size_t cap)
{
    gc_func f;
    if (cap == 0 || gc_pcln_find(p, pc, &f) != 0)
        return 0;
    size_t n = 0;
    for (int depth = 0; n < cap; depth++) {
        const char *name;
        uint32_t parent_pc;
        unsigned funcid;
        int inl = depth < MAX_INLINE_DEPTH && inlined_call(p, &f, pc, &name, &parent_pc, &funcid) == 0;
        out[n].function = inl ? name : gc_pcln_name(p, &f);
        out[n].funcid = inl ? funcid : gc_pcln_funcid(p, &f);
        out[n].file = file_at(p, &f, pc);
        out[n].line = pcvalue(p, &f, u32(f.raw + F_PCLN), pc);
        out[n].inlined = inl;
        n++;
        if (!inl)
            break;
        pc = f.entry + parent_pc;
    }
    return n;
}

void gc_pcln_each(const gc_pcln *p, void (*fn)(const char *name, uint64_t entry, void *ctx), void *ctx)
{
    for (uint64_t i = 0; i < p->nfunc; i++) {
        const unsigned char *raw = func_at(p, u32(p->ftab + i * 8 + 4));
        if (!raw)
            continue;
        gc_func f = {raw, p->text + u32(raw)};
        const char *s = gc_pcln_name(p, &f);
        if (s)
            fn(s, f.entry, ctx);
    }
}

size_t gc_pcln_lookup_all(const gc_pcln *p, const char *name, uint64_t *entries, size_t cap)
{
    size_t n = 0;
    for (uint64_t i = 0; i < p->nfunc && n < cap; i++) {
        const unsigned char *raw = func_at(p, u32(p->ftab + i * 8 + 4));
        if (!raw)
            continue;
        gc_func f = {raw, p->text + u32(raw)};
        const char *s = gc_pcln_name(p, &f);
        if (s && strcmp(s, name) == 0)
            entries[n++] = f.entry;
    }
    return n;
}

uint64_t gc_pcln_lookup(const gc_pcln *p, const char *name)
{
    uint64_t entry = 0;
    return gc_pcln_lookup_all(p, name, &entry, 1) ? entry : 0;
}
