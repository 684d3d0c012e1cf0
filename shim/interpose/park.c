/* runtime.gopark is reached only when a goroutine really parks, so it is
 * where the park stack is captured. What the goroutine waits on was noted in
 * thread-local storage by the channel, select and sync interposers just
 * before they called into the runtime. A stale note left on this thread by
 * another goroutine is never used: a channel note must match the &c.lock
 * gopark is handed, the select and sync notes carry the publishing g. */
#include "shim.h"

GL_TLS gl_pending_op gl_tls_op;
GL_TLS uintptr_t gl_tls_chan;

/* Where libgo (Go 1.18, gccgo 12) keeps hchan.lock: after qcount, dataqsiz,
 * buf, elemsize+closed, elemtype, sendx, recvx, recvq, sendq. Another layout
 * only means the channel stays unnamed: the check below never misleads. */
#define HCHAN_LOCK_OFFSET 88

/* libgo's waitReason numbering for Go 1.18 (runtime/runtime2.go). */
enum {
    WR_CHAN_RECV_NIL = 3, WR_CHAN_SEND_NIL = 4, WR_SELECT = 9, WR_SELECT_NO_CASES = 10,
    WR_CHAN_RECV = 14, WR_CHAN_SEND = 15, WR_SEMACQUIRE = 18, WR_COND_WAIT = 20,
};

struct park_note {
    uintptr_t lock;
    int64_t goid;
    uintptr_t anchor;
    uint8_t reason, wait, op;
    uintptr_t chan;   /* the channel of a send or receive */
    uintptr_t obj;    /* the Mutex, RWMutex, WaitGroup or Cond */
    const uintptr_t *cases;
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
    } else if (n->wait == GL_W_SELECT && n->cases) {
        /* scase is {c *hchan; elem unsafe.Pointer}: sends first, then receives. */
        for (intptr_t i = 0; i < n->ncases && nchans < GL_G_CHANS; i++)
            if (n->cases[2 * i])
                chans[nchans++] = n->cases[2 * i];
    }

    gl_registry_park_set(g, n->reason, n->wait, n->obj, chans, nchans, st, now);
    n->rec = g;

    for (uint8_t i = 0; i < nchans; i++)
        gl_registry_chan_touch(chans[i], n->goid, n->op, st, now);
}

/* What kind of wait does this reason mean, and does the thread's note agree? */
static bool classify(struct park_note *n, void *g)
{
    gl_pending_op *op = &gl_tls_op;
    bool mine = op->g == g;
    switch (n->reason) {
    case WR_CHAN_RECV:
    case WR_CHAN_SEND:
        n->wait = GL_W_CHAN;
        n->op = n->reason == WR_CHAN_RECV ? GL_OP_RECV : GL_OP_SEND;
        if (gl_tls_chan && n->lock == gl_tls_chan + HCHAN_LOCK_OFFSET)
            n->chan = gl_tls_chan;
        return true;
    case WR_CHAN_RECV_NIL:
    case WR_CHAN_SEND_NIL:
        n->wait = GL_W_NILCHAN;
        return true;
    case WR_SELECT:
        n->wait = GL_W_SELECT;
        n->op = GL_OP_SELECT;
        if (mine && op->wait == GL_W_SELECT) {
            n->cases = op->cases;
            n->ncases = op->ncases;
        }
        return true;
    case WR_SELECT_NO_CASES:
        n->wait = GL_W_FOREVER;
        return true;
    case WR_SEMACQUIRE:
        n->wait = GL_W_SEMA;
        if (mine && (op->wait == GL_W_MUTEX || op->wait == GL_W_RWMUTEX || op->wait == GL_W_RWMUTEX_R ||
                     op->wait == GL_W_WAITGROUP)) {
            n->wait = op->wait;
            n->obj = op->obj;
        }
        return true;
    case WR_COND_WAIT:
        n->wait = GL_W_COND;
        if (mine && op->wait == GL_W_COND)
            n->obj = op->obj;
        return true;
    default:
        /* Sleep, IO, GC and scheduler waits are never leaks: not recorded,
         * which keeps the runtime's own parks free of overhead. */
        return false;
    }
}

void gl_gopark(void *unlockf, void *lock, uint8_t reason, uint8_t trace_ev, intptr_t traceskip) __asm__("runtime.gopark");
void gl_gopark(void *unlockf, void *lock, uint8_t reason, uint8_t trace_ev, intptr_t traceskip)
{
    void (*real)(void *, void *, uint8_t, uint8_t, intptr_t) =
        GL_REAL(gopark, "runtime.gopark");
    if (!atomic_load_explicit(&gl_active, memory_order_relaxed)) {
        real(unlockf, lock, reason, trace_ev, traceskip);
        return;
    }
    struct park_note n = {.reason = reason, .lock = (uintptr_t)lock, .anchor = (uintptr_t)__builtin_dwarf_cfa()};
    void *g = gl_real_fns.getg();
    if (g && classify(&n, g)) {
        n.goid = gl_goid_of(g);
        n.gp = g;
        gl_on_altstack(park_record, &n);
        /* Used: a later park of this goroutine must not take it again. Other
         * parks (GC assist inside a channel op) leave it for the real one. */
        gl_tls_op.g = NULL;
    }
    real(unlockf, lock, reason, trace_ev, traceskip);
    if (n.rec)
        gl_registry_unpark(n.rec);
}
