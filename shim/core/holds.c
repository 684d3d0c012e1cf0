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
#include "core/holds.h"

gl_hold gl_holds_table[GL_HOLD_SLOTS];

size_t gl_holds_of(uintptr_t obj, gl_hold *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < GL_HOLD_SLOTS && n < max; i++) {
        gl_hold *s = &gl_holds_table[i];
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
            || c.check != gl_holds_check_of(obj, c.goid, c.gptr, c.pc, c.mode))
            continue; /* rewritten while copied, or torn by two writers */
        atomic_init(&c.obj, obj);
        out[n++] = c;
    }
    return n;
}
