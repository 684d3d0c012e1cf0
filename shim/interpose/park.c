/* runtime.gopark is reached only when a goroutine really parks, so it is
 * where the park stack is captured. What the goroutine waits on was noted in
 * thread-local storage by the channel, select and sync interposers just
 * before they called into the runtime. A stale note left on this thread by
 * another goroutine is never used: a channel note must match the &c.lock
 * gopark is handed, the select and sync notes carry the publishing g. */
#include "interpose/interpose.h"

GL_TLS gl_thread_notes gl_notes;

struct park_note {
    uintptr_t lock;
    int64_t goid;
    uintptr_t anchor;
    uint8_t reason, wait, op;
    uintptr_t chan;   /* the channel of a send or receive */
    uintptr_t obj;    /* the Mutex, RWMutex, WaitGroup or Cond */
    const void *cases;
    intptr_t ncases;
    gl_g *rec;
    void *gp;         /* libgo's g */
};

static void park_record(void *arg)
{
    struct park_note *n = arg;
    gl_g *g = gl_registry_self(n->goid);
    if (!g)
        return;
    gl_istack *st = gl_stack_capture_cached(&g->scache, n->anchor);
    g->gptr = n->gp;
    int64_t now = gl_now_coarse_ns();

    uintptr_t chans[GL_G_CHANS];
    uint8_t nchans = 0;
    if (n->chan) {
        chans[nchans++] = n->chan;
    } else if (n->wait == GL_WAIT_SELECT && n->cases) {
        for (intptr_t i = 0; i < n->ncases && nchans < GL_G_CHANS; i++)
            if (gl_libgo_scase_chan(n->cases, i))
                chans[nchans++] = gl_libgo_scase_chan(n->cases, i);
    }

    gl_registry_park_set(g, n->reason, n->wait, n->obj, chans, nchans, st, now);
    n->rec = g;

    for (uint8_t i = 0; i < nchans; i++)
        gl_registry_chan_touch(chans[i], n->goid, n->op, st, now);
}

static bool is_sync_object(uint8_t wait)
{
    return wait == GL_WAIT_MUTEX || wait == GL_WAIT_RWMUTEX || wait == GL_WAIT_RWMUTEX_R || wait == GL_WAIT_WAITGROUP
        || wait == GL_WAIT_ONCE;
}

/* Is this park worth recording (a wait that can leak), what does it wait
 * on, and does the thread's note tell more? Sleep, IO, GC and scheduler
 * waits are never leaks: not recorded, which keeps the runtime's own parks
 * free of overhead. */
static bool classify(struct park_note *n, void *g)
{
    if (!gl_wait_reason_can_leak(n->reason))
        return false;
    const gl_pending_op *op = &gl_notes.op;
    bool mine = op->g == g;
    n->wait = (uint8_t)gl_wait_reason_class(n->reason);
    switch (n->wait) {
    case GL_WAIT_CHAN:
        n->op = n->reason == GL_WR_CHAN_RECEIVE ? GL_OP_RECV : GL_OP_SEND;
        if (gl_libgo_is_chan_lock(n->lock, gl_notes.chan))
            n->chan = gl_notes.chan;
        break;
    case GL_WAIT_SELECT:
        n->op = GL_OP_SELECT;
        if (mine && op->wait == GL_WAIT_SELECT) {
            n->cases = op->cases;
            n->ncases = op->ncases;
        }
        break;
    case GL_WAIT_SEMA:
        if (mine && is_sync_object(op->wait)) {
            n->wait = op->wait;
            n->obj = op->obj;
        }
        break;
    case GL_WAIT_COND:
        if (mine && op->wait == GL_WAIT_COND)
            n->obj = op->obj;
        break;
    default:
        break;
    }
    return true;
}

void gl_gopark(void *unlockf, void *lock, uint8_t reason, uint8_t trace_ev, intptr_t traceskip) __asm__("runtime.gopark");
void gl_gopark(void *unlockf, void *lock, uint8_t reason, uint8_t trace_ev, intptr_t traceskip)
{
    void (*real)(void *, void *, uint8_t, uint8_t, intptr_t) =
        GL_REAL(gopark, "runtime.gopark");
    if (!gl_active()) {
        real(unlockf, lock, reason, trace_ev, traceskip);
        return;
    }
    struct park_note n = {.reason = reason, .lock = (uintptr_t)lock, .anchor = (uintptr_t)__builtin_dwarf_cfa()};
    void *g = gl_host.real.getg();
    if (g && classify(&n, g)) {
        n.goid = gl_goid_of(g);
        n.gp = g;
        gl_on_altstack(park_record, &n);
        /* Used: a later park of this goroutine must not take it again. Other
         * parks (GC assist inside a channel op) leave it for the real one. */
        gl_notes.op.g = NULL;
    }
    real(unlockf, lock, reason, trace_ev, traceskip);
    if (n.rec)
        gl_registry_unpark(n.rec);
}
