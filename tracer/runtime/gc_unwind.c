/* Stack walking over pcsp tables (gc_unwind.h). */
#include "runtime/gc_unwind.h"

#include <string.h>

static int word_at(const gc_unwind_ctx *u, uint64_t addr, uint64_t *out)
{
    if (addr < u->lo || addr + 8 > u->hi)
        return -1;
    if (u->copy && addr >= u->copy_at && addr + 8 <= u->copy_at + u->copy_len) {
        memcpy(out, u->copy + (addr - u->copy_at), 8);
        return 0;
    }
    return u->mem ? gc_mem_u64(u->mem, addr, out) : -1;
}

size_t gc_unwind(const gc_unwind_ctx *u, uint64_t pc, uint64_t sp, uint64_t *out, size_t cap, int *truncated)
{
    size_t n = 0;
    *truncated = 0;
    while (pc) {
        gc_func f;
        int32_t delta;
        if (gc_pcln_find(u->pcln, pc, &f) != 0 || f.entry == u->goexit)
            break;
        if (n == cap) {
            *truncated = 1;
            break;
        }
        out[n++] = pc;
        /* The frame ends above its locals at sp + delta; the CALL that
         * entered it pushed the return address there. */
        if (gc_pcln_spdelta(u->pcln, &f, pc, &delta) != 0 || delta < 0)
            break;
        uint64_t fp = sp + (uint64_t)delta + 8;
        uint64_t ret;
        if (word_at(u, fp - 8, &ret) != 0)
            break;
        pc = ret;
        sp = fp;
    }
    return n;
}
