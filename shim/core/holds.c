/* Who holds which Mutex and RWMutex, and where it was locked: one small
 * table for the whole process, indexed by the lock's address (a read lock by
 * the address and the reader's goroutine id), so that an Unlock finds the
 * entry by address whichever goroutine calls it (Go allows unlocking a
 * Mutex locked by another goroutine) and no per-goroutine state has to
 * outlive a goroutine that exited while holding a lock.
 *
 * The fast path of an uncontended Lock/Unlock pair is a few loads and
 * stores on one slot: no lock, no atomic read-modify-write, no allocation,
 * no unwinding (only the caller's return address is kept; the dump interns
 * it as a one-frame stack). A write lock's slot is written only by the
 * goroutine holding that lock, so two writers meet on a slot only when two
 * held locks hash to it at the same instant; instead of paying a
 * compare-and-swap on every Lock for that, each entry carries a check word
 * over its fields, written before its address word, and the reader (the
 * dump) takes only entries whose check matches: an entry torn by two
 * writers is dropped. When every probed slot is taken by other live locks
 * the first is overwritten. So a fact can be missing, never wrong about
 * which goroutine took the lock. */
#include "core/registry.h"

#define SLOTS 4096 /* power of two */
#define PROBES 4

static gl_hold table[SLOTS];

static size_t slot_of(uintptr_t obj, int64_t goid)
{
    uint64_t k = ((uint64_t)obj >> 3) ^ ((uint64_t)goid * 0x9E3779B97F4A7C15ull);
    return (size_t)((k * 0xff51afd7ed558ccdull) >> 40) & (SLOTS - 1);
}

static uint64_t check_of(uintptr_t obj, int64_t goid, const void *gptr, uintptr_t pc, uint8_t mode)
{
    uint64_t h = (uint64_t)obj * 0x9E3779B97F4A7C15ull;
    h ^= (uint64_t)goid * 0xC2B2AE3D27D4EB4Full;
    h ^= (uint64_t)(uintptr_t)gptr * 0x165667B19E3779F9ull;
    h ^= (uint64_t)pc * 0xD6E8FEB86659FD93ull;
    return h ^ mode;
}

/* Is slot s the entry of (obj, mode, goid)? A writer's entry is one per
 * lock; a reader's one per lock and reader. */
static bool same_entry(const gl_hold *s, uintptr_t obj, uint8_t mode, int64_t goid)
{
    return atomic_load_explicit(&s->obj, memory_order_relaxed) == obj
        && __atomic_load_n(&s->mode, __ATOMIC_RELAXED) == mode
        && (mode == GL_HOLD_WRITE || __atomic_load_n(&s->goid, __ATOMIC_RELAXED) == goid);
}

void gl_holds_lock(uintptr_t obj, uint8_t mode, int64_t goid, void *gptr, uintptr_t pc)
{
    size_t h = slot_of(obj, mode == GL_HOLD_READ ? goid : 0);
    gl_hold *pick = &table[h];
    for (size_t i = 0; i < PROBES; i++) {
        gl_hold *s = &table[(h + i) & (SLOTS - 1)];
        if (atomic_load_explicit(&s->obj, memory_order_relaxed) == 0 || same_entry(s, obj, mode, goid)) {
            pick = s;
            break;
        }
    }
    /* Address word last: a reader seeing it sees the fields (x86 keeps
     * stores in order; the release says so to the compiler and elsewhere). */
    atomic_store_explicit(&pick->obj, 0, memory_order_relaxed);
    __atomic_store_n(&pick->goid, goid, __ATOMIC_RELAXED);
    __atomic_store_n(&pick->gptr, gptr, __ATOMIC_RELAXED);
    __atomic_store_n(&pick->pc, pc, __ATOMIC_RELAXED);
    __atomic_store_n(&pick->mode, mode, __ATOMIC_RELAXED);
    __atomic_store_n(&pick->check, check_of(obj, goid, gptr, pc, mode), __ATOMIC_RELAXED);
    atomic_store_explicit(&pick->obj, obj, memory_order_release);
}

void gl_holds_unlock(uintptr_t obj, uint8_t mode, int64_t goid)
{
    size_t h = slot_of(obj, mode == GL_HOLD_READ ? goid : 0);
    for (size_t i = 0; i < PROBES; i++) {
        gl_hold *s = &table[(h + i) & (SLOTS - 1)];
        if (same_entry(s, obj, mode, goid)) {
            atomic_store_explicit(&s->obj, 0, memory_order_relaxed);
            return;
        }
    }
}

size_t gl_holds_of(uintptr_t obj, gl_hold *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < SLOTS && n < max; i++) {
        gl_hold *s = &table[i];
        if (atomic_load_explicit(&s->obj, memory_order_acquire) != obj)
            continue;
        gl_hold c = {
            .goid = __atomic_load_n(&s->goid, __ATOMIC_RELAXED),
            .gptr = __atomic_load_n(&s->gptr, __ATOMIC_RELAXED),
            .pc = __atomic_load_n(&s->pc, __ATOMIC_RELAXED),
            .mode = __atomic_load_n(&s->mode, __ATOMIC_RELAXED),
            .check = __atomic_load_n(&s->check, __ATOMIC_RELAXED),
        };
        atomic_thread_fence(memory_order_acquire);
        if (atomic_load_explicit(&s->obj, memory_order_relaxed) != obj
            || c.check != check_of(obj, c.goid, c.gptr, c.pc, c.mode))
            continue; /* rewritten while copied, or torn by two writers */
        atomic_init(&c.obj, obj);
        out[n++] = c;
    }
    return n;
}
