/* The gc runtime's own function table (.gopclntab, Go 1.18+): function
 * names, frame sizes, file:line and inlining per PC. It is in every gc
 * binary, stripped or not, and it is what the runtime's traceback reads,
 * so frames come out as Go itself would print them. */
#ifndef GOLEASH_PCLNTAB_H
#define GOLEASH_PCLNTAB_H

#include <stddef.h>
#include <stdint.h>

/* Reads funcdata (the inline tree lives there): len bytes at a runtime
 * address; 0 on success. */
typedef int (*gc_pcln_read_fn)(void *ctx, uint64_t addr, void *out, size_t len);

typedef struct gc_pcln {
    const unsigned char *hdr;     /* the pcHeader, start of the table */
    size_t size;
    int go120;                    /* _func has startLine, inlinedCall is the 1.20 one */
    unsigned min_lc;              /* instruction size quantum */
    uint64_t nfunc;
    uint64_t text;                /* runtime address that entry offsets are relative to */
    uint64_t gofunc;              /* runtime address funcdata offsets are relative to, 0 unknown */
    const unsigned char *funcnametab, *cutab, *filetab, *pctab, *ftab;
    size_t funcnametab_size, cutab_size, filetab_size, pctab_size, ftab_size;
    gc_pcln_read_fn read;         /* for funcdata; NULL: no inline expansion */
    void *read_ctx;
} gc_pcln;

/* One function of the table. */
typedef struct gc_func {
    const unsigned char *raw;     /* its _func record */
    uint64_t entry;               /* runtime address */
} gc_func;

/* Parses the header of data[0, size). text is the runtime address of the
 * module's text start (pcHeader.textStart as relocated in the process).
 * 0 on success, -1 when this is not a Go 1.18+ table. */
int gc_pcln_init(gc_pcln *p, const unsigned char *data, size_t size, uint64_t text);

/* pcHeader.textStart as the file holds it (0 in PIE, relocated at load). */
uint64_t gc_pcln_file_text(const unsigned char *data, size_t size);

/* The function containing pc: 0 and *f, -1 when none. */
int gc_pcln_find(const gc_pcln *p, uint64_t pc, gc_func *f);

const char *gc_pcln_name(const gc_pcln *p, const gc_func *f);

/* abi.FuncID of f: which runtime special or compiler wrapper it is. */
unsigned gc_pcln_funcid(const gc_pcln *p, const gc_func *f);

/* The stack-pointer delta of f at pc (frame size below the return address). */
int gc_pcln_spdelta(const gc_pcln *p, const gc_func *f, uint64_t pc, int32_t *out);

/* One source frame; a PC inside inlined code gives several, innermost first. */
typedef struct gc_srcframe {
    const char *function;
    const char *file;
    int line;
    int inlined;                  /* 1: an inlined call inside the next frame's function */
    unsigned funcid;              /* abi.FuncID (wrappers, runtime specials) */
} gc_srcframe;

/* The source frames at pc (look up pc - 1 for a return address), innermost
 * first, at most cap; returns how many (0 when pc is in no function). */
size_t gc_pcln_frames(const gc_pcln *p, uint64_t pc, gc_srcframe *out, size_t cap);

/* Entry address of the function named name, 0 when absent. Linear: for the
 * handful of functions the tracer needs, once per binary. */
uint64_t gc_pcln_lookup(const gc_pcln *p, const char *name);

/* Calls fn(name, entry, ctx) for every function, in address order. */
void gc_pcln_each(const gc_pcln *p, void (*fn)(const char *name, uint64_t entry, void *ctx), void *ctx);

/* Every function named name (an assembly function and its ABI wrapper share
 * one): their entries, at most cap; returns how many. */
size_t gc_pcln_lookup_all(const gc_pcln *p, const char *name, uint64_t *entries, size_t cap);

#endif
