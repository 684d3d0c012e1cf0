/* The lock-holder table's fast path (holds.c says how it works), inline in
 * the Lock and Unlock interposers: the mode is a constant there, and the
 * call would cost as much as the work. */
#ifndef GOLEASH_SHIM_HOLDS_H
#define GOLEASH_SHIM_HOLDS_H

#include "core/registry.h"

#define GL_HOLD_SLOTS 4096 /* power of two */
#define GL_HOLD_PROBES 4

extern gl_hold gl_holds_table[GL_HOLD_SLOTS] GL_HIDDEN;

static inline size_t gl_holds_slot_of(uintptr_t obj, int64_t goid)
{
    uint64_t k = ((uint64_t)obj >> 3) ^ ((uint64_t)goid * 0x9E3779B97F4A7C15ull);
    return (size_t)((k * 0xff51afd7ed558ccdull) >> 40) & (GL_HOLD_SLOTS - 1);
}

/* Each field through its own odd multiplier, so that fields of two
 * entries mixed together do not sum to either entry's check. */
static inline uint64_t gl_holds_check_of(uintptr_t obj, int64_t goid, const void *gptr, uintptr_t pc, uint8_t mode)
{
    return ((uint64_t)obj * 0x9E3779B97F4A7C15ull) ^ ((uint64_t)goid * 0xC2B2AE3D27D4EB4Full)
         ^ ((uint64_t)(uintptr_t)gptr * 0x165667B19E3779F9ull) ^ ((uint64_t)pc * 0xD6E8FEB86659FD93ull) ^ mode;
}

/* Is slot s the entry of (obj, mode, goid)? A writer's entry is one per
 * lock; a reader's one per lock and reader. */
static inline bool gl_holds_same_entry(const gl_hold *s, uintptr_t obj, uint8_t mode, int64_t goid)
{
    return atomic_load_explicit(&s->obj, memory_order_relaxed) == obj
        && __atomic_load_n(&s->mode, __ATOMIC_RELAXED) == mode
        && (mode == GL_HOLD_WRITE || __atomic_load_n(&s->goid, __ATOMIC_RELAXED) == goid);
}

static inline void gl_holds_lock(uintptr_t obj, uint8_t mode, int64_t goid, void *gptr, uintptr_t pc)
{
    size_t h = gl_holds_slot_of(obj, mode == GL_HOLD_READ ? goid : 0);
    gl_hold *pick = &gl_holds_table[h];
    for (size_t i = 0; i < GL_HOLD_PROBES; i++) {
        gl_hold *s = &gl_holds_table[(h + i) & (GL_HOLD_SLOTS - 1)];
        if (atomic_load_explicit(&s->obj, memory_order_relaxed) == 0 || gl_holds_same_entry(s, obj, mode, goid)) {
            pick = s;
            break;
        }
    }
    /* Address word last: a reader seeing it sees the fields (x86 keeps
     * stores in order; the release says so to the compiler and elsewhere).
     * A reader that sees the old address with some new fields fails the
     * check, which covers the address too. */
    __atomic_store_n(&pick->goid, goid, __ATOMIC_RELAXED);
    __atomic_store_n(&pick->gptr, gptr, __ATOMIC_RELAXED);
    __atomic_store_n(&pick->pc, pc, __ATOMIC_RELAXED);
    __atomic_store_n(&pick->mode, mode, __ATOMIC_RELAXED);
    __atomic_store_n(&pick->check, gl_holds_check_of(obj, goid, gptr, pc, mode), __ATOMIC_RELAXED);
    atomic_store_explicit(&pick->obj, obj, memory_order_release);
}

static inline void gl_holds_unlock(uintptr_t obj, uint8_t mode, int64_t goid)
{
    size_t h = gl_holds_slot_of(obj, mode == GL_HOLD_READ ? goid : 0);
    for (size_t i = 0; i < GL_HOLD_PROBES; i++) {
        gl_hold *s = &gl_holds_table[(h + i) & (GL_HOLD_SLOTS - 1)];
        if (gl_holds_same_entry(s, obj, mode, goid)) {
            atomic_store_explicit(&s->obj, 0, memory_order_relaxed);
            return;
        }
    }
}

#endif
