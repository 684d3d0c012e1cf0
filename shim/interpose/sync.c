/* sync waits all park as "semacquire" (Cond as "sync.Cond.Wait"): the note
 * left here tells runtime.gopark which kind of object it is and where.
 *
 * Locks also record their holder (core/holds.c): after a Lock or RLock
 * returns, the lock, the goroutine and the Lock's return address into its
 * caller; before an Unlock or RUnlock, the entry goes. gccgo 12 calls all of
 * these through the PLT, from programs and from libgo itself (none is inlined
 * into user code; Mutex.Lock's fast path is inside libgo's Mutex.Lock), so
 * every Lock, TryLock and Unlock is seen. */
#include "interpose/interpose.h"
#include "core/holds.h"

/* RWMutex.Lock takes its inner Mutex first: a writer waiting there for
 * another writer is still waiting on the RWMutex, the API the user called. */
static int inside_rwmutex_lock(void *g)
{
    const gl_pending_op *op = &gl_notes.op;
    return op->g && op->wait == GL_WAIT_RWMUTEX && op->g == g;
}

/* Once.doSlow locks the Once's inner Mutex: a goroutine waiting there waits
 * for another one's f, and the holder's lock site is its Once.Do call. */
static int inside_once_lock(void *g, void *obj)
{
    const gl_pending_op *op = &gl_notes.op;
    return op->g && op->wait == GL_WAIT_ONCE && op->g == g && (uintptr_t)obj == op->obj + GL_LIBGO_ONCE_M_OFFSET;
}

#define SYNC_WAIT(cname, sym, field, kind)                                                   \
    GL_INTERPOSER_HIDDEN_FRAME(GL_HIDDEN void, cname, (void *obj), sym);                     \
    void cname(void *obj)                                                                    \
    {                                                                                        \
        void (*real)(void *) = GL_REAL(field, sym);                                          \
        if (!gl_active()) {                                                                  \
            real(obj);                                                                       \
            return;                                                                          \
        }                                                                                    \
        gl_pending_op saved = gl_note_push(kind, (uintptr_t)obj, NULL, 0);                   \
        real(obj);                                                                           \
        gl_note_pop(&saved);                                                                 \
    }

SYNC_WAIT(gl_waitgroup_wait, "sync.WaitGroup.Wait", waitgroup_wait, GL_WAIT_WAITGROUP)
SYNC_WAIT(gl_cond_wait, "sync.Cond.Wait", cond_wait, GL_WAIT_COND)

/* A lock: the wait note while it may park, then its holder. */
#define SYNC_LOCK(cname, sym, field, kind, mode)                                             \
    GL_INTERPOSER_HIDDEN_FRAME(GL_HIDDEN void, cname, (void *obj), sym);                     \
    void cname(void *obj)                                                                    \
    {                                                                                        \
        void (*real)(void *) = GL_REAL(field, sym);                                          \
        if (!gl_active()) {                                                                  \
            real(obj);                                                                       \
            return;                                                                          \
        }                                                                                    \
        void *g = gl_host.real.getg();                                                       \
        uintptr_t site = (uintptr_t)__builtin_return_address(0);                             \
        if (kind == GL_WAIT_MUTEX && inside_rwmutex_lock(g)) {                               \
            real(obj); /* the RWMutex.Lock interposer records the holder */                  \
            return;                                                                          \
        }                                                                                    \
        if (kind == GL_WAIT_MUTEX && inside_once_lock(g, obj)) {                             \
            site = gl_notes.op.site;                                                         \
            real(obj);                                                                       \
            if (gl_notes.op.g == g) /* f runs now: its waits are not the Once's */          \
                gl_notes.op.g = NULL;                                                        \
        } else {                                                                             \
            gl_pending_op saved = gl_note_push_g(g, kind, (uintptr_t)obj, NULL, 0);          \
            real(obj);                                                                       \
            gl_note_pop_g(&saved, g); /* the same goroutine, whatever thread it is on now */ \
        }                                                                                    \
        gl_holds_lock((uintptr_t)obj, mode, gl_goid_of(g), g, site);                         \
    }

SYNC_LOCK(gl_mutex_lock, "sync.Mutex.Lock", mutex_lock, GL_WAIT_MUTEX, GL_HOLD_WRITE)
SYNC_LOCK(gl_rwmutex_lock, "sync.RWMutex.Lock", rwmutex_lock, GL_WAIT_RWMUTEX, GL_HOLD_WRITE)
SYNC_LOCK(gl_rwmutex_rlock, "sync.RWMutex.RLock", rwmutex_rlock, GL_WAIT_RWMUTEX_R, GL_HOLD_READ)

/* A TryLock that got the lock holds it like a Lock: without its entry, a
 * goroutine waiting for the lock would be told nothing of who holds it.
 * RWMutex.TryLock takes its inner Mutex with Mutex.TryLock (an entry at
 * the same address, replaced here with the caller's site, or removed by the
 * inner Unlock when readers make the RWMutex's TryLock fail). */
#define SYNC_TRYLOCK(cname, sym, field, mode)                                                \
    GL_INTERPOSER_HIDDEN_FRAME(GL_HIDDEN _Bool, cname, (void *obj), sym);                    \
    _Bool cname(void *obj)                                                                   \
    {                                                                                        \
        _Bool (*real)(void *) = GL_REAL(field, sym);                                         \
        _Bool got = real(obj);                                                               \
        if (got && gl_active()) {                                                            \
            void *g = gl_host.real.getg();                                                   \
            gl_holds_lock((uintptr_t)obj, mode, gl_goid_of(g), g,                            \
                          (uintptr_t)__builtin_return_address(0));                           \
        }                                                                                    \
        return got;                                                                          \
    }

SYNC_TRYLOCK(gl_mutex_trylock, "sync.Mutex.TryLock", mutex_trylock, GL_HOLD_WRITE)
SYNC_TRYLOCK(gl_rwmutex_trylock, "sync.RWMutex.TryLock", rwmutex_trylock, GL_HOLD_WRITE)
SYNC_TRYLOCK(gl_rwmutex_tryrlock, "sync.RWMutex.TryRLock", rwmutex_tryrlock, GL_HOLD_READ)

/* The entry goes before the real unlock: after it, another goroutine may
 * already hold the lock and have recorded itself. A write lock's entry goes
 * by address, so an Unlock by another goroutine than the locker leaves no
 * stale holder. RWMutex.Unlock needs no interposer: it ends by unlocking
 * its inner Mutex, at the RWMutex's own address, through the PLT (libgo
 * 12's code), and that Unlock removes the writer's entry, before the
 * inner Mutex is free for the next writer. */
#define SYNC_UNLOCK(cname, sym, field, mode, goid_expr)                                      \
    GL_INTERPOSER_HIDDEN_FRAME(GL_HIDDEN void, cname, (void *obj), sym);                     \
    void cname(void *obj)                                                                    \
    {                                                                                        \
        void (*real)(void *) = GL_REAL(field, sym);                                          \
        if (gl_active())                                                                     \
            gl_holds_unlock((uintptr_t)obj, mode, goid_expr);                                \
        real(obj);                                                                           \
    }

SYNC_UNLOCK(gl_mutex_unlock, "sync.Mutex.Unlock", mutex_unlock, GL_HOLD_WRITE, 0)
SYNC_UNLOCK(gl_rwmutex_runlock, "sync.RWMutex.RUnlock", rwmutex_runlock, GL_HOLD_READ, gl_current_goid())

/* Once.Do: a goroutine that finds another one running f waits on the
 * Once's inner Mutex; the note makes that wait `once`, on the Once. Done
 * Onces (the common call) go straight through. */
GL_INTERPOSER_HIDDEN_FRAME(GL_HIDDEN void, gl_once_do, (void *o, void *f), "sync.Once.Do");
void gl_once_do(void *o, void *f)
{
    void (*real)(void *, void *) = GL_REAL(once_do, "sync.Once.Do");
    if (!gl_active() || !o
        || __atomic_load_n((const uint32_t *)((const char *)o + GL_LIBGO_ONCE_DONE_OFFSET), __ATOMIC_ACQUIRE)) {
        real(o, f);
        return;
    }
    gl_pending_op saved = gl_note_push(GL_WAIT_ONCE, (uintptr_t)o, NULL, 0);
    gl_notes.op.site = (uintptr_t)__builtin_return_address(0);
    real(o, f);
    gl_note_pop(&saved);
}
