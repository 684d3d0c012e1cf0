/* Unwinding a parked goroutine's stack the way the gc runtime's own
 * traceback does: each function's frame size at a PC comes from the
 * function table's pc-to-SP-delta table, the return address sits just
 * below the caller's stack pointer. No frame pointers or DWARF CFI needed. */
#ifndef GOLEASH_GC_UNWIND_H
#define GOLEASH_GC_UNWIND_H

#include <stddef.h>
#include <stdint.h>

#include "binary/pclntab.h"
#include "ptrace/proc_mem.h"

typedef struct gc_unwind_ctx {
    const gc_pcln *pcln;
    gc_mem *mem;              /* for words beyond the copy, NULL: none */
    uint64_t goexit;          /* runtime.goexit: the bottom of every goroutine */
    uint64_t lo, hi;          /* the goroutine's stack bounds */
    const unsigned char *copy;/* stack bytes already read ... */
    uint64_t copy_at;         /* ... from this address */
    size_t copy_len;
} gc_unwind_ctx;

/* Walks from (pc, sp) outwards, writing return addresses (pc first) to out;
 * stops at goexit (not written), at a PC in no function, or at cap frames
 * (*truncated = 1). Returns the number written. */
size_t gc_unwind(const gc_unwind_ctx *u, uint64_t pc, uint64_t sp, uint64_t *out, size_t cap, int *truncated);

#endif
