/* Who holds which Mutex and RWMutex, and where it was locked: one small
 * table for the whole process, indexed by the lock's address (a read lock by
 * the address and the reader's goroutine id), so that an Unlock finds the
 * entry by address whichever goroutine calls it (Go allows unlocking a
 * Mutex locked by another goroutine) and no per-goroutine state has to
 * outlive a goroutine that exited while holding a lock.
 *
 * The fast path of an uncontended Lock/Unlock pair is a few loads, one
 * compare-and-swap and four stores on one slot: no lock, no allocation, no
 * unwinding (only the caller's return address is kept; the dump interns it
 * as a one-frame stack). A slot is claimed by swapping its address word to
 * BUSY, filled, then published; readers (the dump) check the word before and
 * after copying. When every probed slot is taken by other live locks the
 * first is overwritten: a fact can be missing (the report then says nothing
 * of the holder), never wrong about which goroutine took the lock. */
#include "core/registry.h"

#define SLOTS 4096 /* power of two */
#define PROBES 4
#define BUSY ((uintptr_t)1)

static gl_hold table[SLOTS];

static size_t slot_of(uintptr_t obj, int64_t goid)
{
    uint64_t k = ((uint64_t)obj >> 3) ^ ((uint64_t)goid * 0x9E3779B97F4A7C15ull);
    return (size_t)((k * 0xff51afd7ed558ccdull) >> 40) & (SLOTS - 1);
}

/* Is slot s the entry of (obj, mode, goid)? A writer's entry is one per
 * lock; a reader's one per lock and reader. */
static bool same_entry(const gl_hold *s, uintptr_t obj, uint8_t mode, int64_t goid)
{
    return atomic_load_explicit(&s->obj, memory_order_relaxed) == obj && s->mode == mode
        && (mode == GL_HOLD_WRITE || s->goid == goid);
}

void gl_holds_lock(uintptr_t obj, uint8_t mode, int64_t goid, void *gptr, uintptr_t pc)
{
    size_t h = slot_of(obj, mode == GL_HOLD_READ ? goid : 0);
    gl_hold *pick = NULL;
    for (size_t i = 0; i < PROBES && !pick; i++) {
        gl_hold *s = &table[(h + i) & (SLOTS - 1)];
        uintptr_t cur = atomic_load_explicit(&s->obj, memory_order_relaxed);
        if (cur == 0 || same_entry(s, obj, mode, goid))
            pick = s;
    }
    if (!pick)
        pick = &table[h];
    uintptr_t cur = atomic_load_explicit(&pick->obj, memory_order_relaxed);
    if (cur == BUSY
        || !atomic_compare_exchange_strong_explicit(&pick->obj, &cur, BUSY, memory_order_acquire,
                                                    memory_order_relaxed))
        return; /* another writer is on this slot this instant: the fact is lost */
    pick->goid = goid;
    pick->gptr = gptr;
    pick->pc = pc;
    pick->mode = mode;
    atomic_store_explicit(&pick->obj, obj, memory_order_release);
}

void gl_holds_unlock(uintptr_t obj, uint8_t mode, int64_t goid)
{
    size_t h = slot_of(obj, mode == GL_HOLD_READ ? goid : 0);
    for (size_t i = 0; i < PROBES; i++) {
        gl_hold *s = &table[(h + i) & (SLOTS - 1)];
        if (same_entry(s, obj, mode, goid)) {
            uintptr_t cur = obj;
            atomic_compare_exchange_strong_explicit(&s->obj, &cur, 0, memory_order_release, memory_order_relaxed);
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
        gl_hold c = {.goid = s->goid, .gptr = s->gptr, .pc = s->pc, .mode = s->mode};
        atomic_thread_fence(memory_order_acquire);
        if (atomic_load_explicit(&s->obj, memory_order_relaxed) != obj)
            continue; /* rewritten while copied */
        atomic_init(&c.obj, obj);
        out[n++] = c;
    }
    return n;
}

void gl_holds_atfork_child(void)
{
    /* A slot caught BUSY by the fork stays so: free it, its fact is lost. */
    for (size_t i = 0; i < SLOTS; i++)
        if (atomic_load_explicit(&table[i].obj, memory_order_relaxed) == BUSY)
            atomic_store_explicit(&table[i].obj, 0, memory_order_relaxed);
}
