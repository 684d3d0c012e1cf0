/* sync waits all park as "semacquire" (Cond as "sync.Cond.Wait"): the note
 * left here tells runtime.gopark which kind of object it is and where. */
#include "interpose/interpose.h"

/* RWMutex.Lock takes its inner Mutex first: a writer waiting there for
 * another writer is still waiting on the RWMutex, the API the user called. */
static int inside_rwmutex_lock(void)
{
    const gl_pending_op *op = &gl_notes.op;
    return op->g && op->wait == GL_WAIT_RWMUTEX && op->g == gl_host.real.getg();
}

#define SYNC_WAIT(cname, sym, field, kind)                                                   \
    GL_INTERPOSER_HIDDEN_FRAME(GL_HIDDEN void, cname, (void *obj), sym);                     \
    void cname(void *obj)                                                                    \
    {                                                                                        \
        void (*real)(void *) = GL_REAL(field, sym);          \
        if (!gl_active() || (kind == GL_WAIT_MUTEX && inside_rwmutex_lock())) {              \
            real(obj);                                                                       \
            return;                                                                          \
        }                                                                                    \
        gl_pending_op saved = gl_note_push(kind, (uintptr_t)obj, NULL, 0);                   \
        real(obj);                                                                           \
        gl_note_pop(&saved);                                                                 \
    }

SYNC_WAIT(gl_mutex_lock, "sync.Mutex.Lock", mutex_lock, GL_WAIT_MUTEX)
SYNC_WAIT(gl_rwmutex_lock, "sync.RWMutex.Lock", rwmutex_lock, GL_WAIT_RWMUTEX)
SYNC_WAIT(gl_rwmutex_rlock, "sync.RWMutex.RLock", rwmutex_rlock, GL_WAIT_RWMUTEX_R)
SYNC_WAIT(gl_waitgroup_wait, "sync.WaitGroup.Wait", waitgroup_wait, GL_WAIT_WAITGROUP)
SYNC_WAIT(gl_cond_wait, "sync.Cond.Wait", cond_wait, GL_WAIT_COND)
