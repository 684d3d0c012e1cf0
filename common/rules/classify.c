/* What a goroutine waits on, in the rules' terms: whether its wait can be a
 * leak, its leak category, and the facts that acquit it (a live timer, a
 * closed channel) or name its cause (an uncancelled context). */
#include "rules/judge.h"

#include <string.h>

static const char *const category_names[] = {
    [GL_CAT_CHAN_RECEIVE] = "chan-receive",
    [GL_CAT_CHAN_SEND] = "chan-send",
    [GL_CAT_NIL_CHAN_RECEIVE] = "nil-chan-receive",
    [GL_CAT_NIL_CHAN_SEND] = "nil-chan-send",
    [GL_CAT_SELECT] = "select",
    [GL_CAT_SELECT_FOREVER] = "select-forever",
    [GL_CAT_CONTEXT] = "context",
    [GL_CAT_MUTEX] = "mutex",
    [GL_CAT_RWMUTEX] = "rwmutex",
    [GL_CAT_WAITGROUP] = "waitgroup",
    [GL_CAT_COND] = "cond",
    [GL_CAT_SEMA] = "sema",
    [GL_CAT_OTHER] = "other",
    [GL_CAT_CHAN] = "chan",
    [GL_CAT_ONCE] = "once",
};

const char *gl_category_name(gl_category c)
{
    if ((int)c < 0 || (size_t)c >= sizeof category_names / sizeof category_names[0])
        return "unknown";
    return category_names[c];
}

int gl_rules_reason_is_candidate(int reason)
{
    return gl_wait_reason_can_leak(reason);
}

/* ---- classification -------------------------------------------------- */

/* The category of a wait; the reason decides the direction of channel
 * waits, unless the source could not tell it (chan_unknown). */
static gl_category category_of_wait(gl_wait wait, int reason, int chan_unknown)
{
    switch (wait) {
    case GL_WAIT_CHAN:
        if (chan_unknown)
            return GL_CAT_CHAN;
        return reason == GL_WR_CHAN_SEND ? GL_CAT_CHAN_SEND : GL_CAT_CHAN_RECEIVE;
    case GL_WAIT_NILCHAN:
        return reason == GL_WR_CHAN_SEND_NIL ? GL_CAT_NIL_CHAN_SEND : GL_CAT_NIL_CHAN_RECEIVE;
    case GL_WAIT_SELECT: return GL_CAT_SELECT;
    case GL_WAIT_FOREVER: return GL_CAT_SELECT_FOREVER;
    case GL_WAIT_MUTEX: return GL_CAT_MUTEX;
    case GL_WAIT_RWMUTEX:
    case GL_WAIT_RWMUTEX_R: return GL_CAT_RWMUTEX;
    case GL_WAIT_WAITGROUP: return GL_CAT_WAITGROUP;
    case GL_WAIT_COND: return GL_CAT_COND;
    case GL_WAIT_ONCE: return GL_CAT_ONCE;
    default: return GL_CAT_SEMA;
    }
}

/* The shim's wait classification is finer than the reason (a semacquire may
 * be a Mutex or a WaitGroup); where it says nothing about the object (none,
 * sleep, IO, other), the reason's wait class stands in. */
gl_category gl_category_of(const gl_goroutine *g)
{
    switch (g->wait) {
    case GL_WAIT_CHAN: case GL_WAIT_NILCHAN: case GL_WAIT_SELECT: case GL_WAIT_FOREVER: case GL_WAIT_MUTEX:
    case GL_WAIT_RWMUTEX: case GL_WAIT_RWMUTEX_R: case GL_WAIT_WAITGROUP: case GL_WAIT_COND: case GL_WAIT_SEMA:
    case GL_WAIT_ONCE:
        return category_of_wait(g->wait, g->reason, (g->flags & GL_GF_CHAN_UNKNOWN) != 0);
    default:
        if (!gl_wait_reason_can_leak(g->reason))
            return GL_CAT_SEMA;
        return category_of_wait(gl_wait_reason_class(g->reason), g->reason, 0);
    }
}

int gl_waits_on_channels(const gl_goroutine *g)
{
    return g->wait == GL_WAIT_CHAN || g->wait == GL_WAIT_SELECT
        || (g->wait == GL_WAIT_NONE
            && (g->reason == GL_WR_SELECT || g->reason == GL_WR_CHAN_RECEIVE || g->reason == GL_WR_CHAN_SEND));
}

int gl_leak_candidate(const gl_goroutine *g)
{
    switch (g->wait) {
    case GL_WAIT_SLEEP: case GL_WAIT_IO: case GL_WAIT_OTHER:
        return 0;
    default:
        return gl_rules_reason_is_candidate(g->reason);
    }
}

int64_t gl_parked_ns(const gl_goroutine *g)
{
    const gl_dump *d = g->dump;
    if (g->since_ns <= 0 || g->since_ns > d->mono_ns)
        return -1;
    return d->mono_ns - g->since_ns;
}

const gl_chan *gl_live_timer(const gl_goroutine *g)
{
    for (size_t i = 0; i < g->nchans; i++) {
        const gl_chan *c = gl_dump_chan(g->dump, g->chans[i]);
        if (c && c->timer && c->timer_live)
            return c;
    }
    return NULL;
}

/* A channel of os.Signal is fed by os/signal.Notify: a goroutine waiting
 * on one (the usual `<-sig` of a shutdown handler, cmd/go's interrupt
 * watcher) wakes when a signal arrives, and lives as long as the process by
 * design, like os/signal's own loop. */
const gl_chan *gl_signal_chan(const gl_goroutine *g)
{
    for (size_t i = 0; i < g->nchans; i++) {
        const gl_chan *c = gl_dump_chan(g->dump, g->chans[i]);
        if (c && c->signal)
            return c;
    }
    return NULL;
}

/* A receive or select on a closed channel cannot stay parked: close readies
 * every waiter. One that still looks parked was woken but had not run yet
 * when the dump was taken. */
int gl_woken_by_close(const gl_goroutine *g)
{
    for (size_t i = 0; i < g->nchans; i++) {
        const gl_chan *c = gl_dump_chan(g->dump, g->chans[i]);
        if (c && c->closed)
            return 1;
    }
    return 0;
}

const gl_context *gl_uncancelled_context(const gl_goroutine *g)
{
    for (size_t i = 0; i < g->nchans; i++) {
        const gl_chan *c = gl_dump_chan(g->dump, g->chans[i]);
        if (!c || !c->ctx)
            continue;
        const gl_context *x = gl_dump_context(g->dump, c->ctx);
        if (x && !x->cancelled)
            return x;
    }
    return NULL;
}

const gl_chan *gl_main_chan(const gl_goroutine *g)
{
    const gl_chan *any = NULL;
    for (size_t i = 0; i < g->nchans; i++) {
        const gl_chan *c = gl_dump_chan(g->dump, g->chans[i]);
        if (c && !c->timer)
            return c;
        if (c && !any)
            any = c;
    }
    return any;
}

/* ---- locks and their holders ---------------------------------------- */

const gl_lock *gl_waited_lock(const gl_goroutine *g)
{
    if (g->state != GL_G_PARKED || !g->obj)
        return NULL;
    switch (g->wait) {
    case GL_WAIT_MUTEX: case GL_WAIT_RWMUTEX: case GL_WAIT_RWMUTEX_R: case GL_WAIT_ONCE:
        return gl_dump_lock(g->dump, g->obj);
    default:
        return NULL;
    }
}

const char *gl_lock_kind_name(const gl_lock *l)
{
    return gl_wait_name(l->kind);
}

void gl_holder_state_of(const gl_dump *d, const gl_holder *h, gl_holder_state *out)
{
    memset(out, 0, sizeof *out);
    const gl_goroutine *g = gl_dump_goroutine(d, h->goid);
    out->g = g;
    out->exited = h->exited || (g && g->state == GL_G_EXITED);
    if (out->exited || !g || g->state != GL_G_PARKED)
        return;
    out->blocked_at = gl_rules_user_frame(g->stack, NULL);
    out->category = gl_category_name(gl_category_of(g));
    out->waits_on = gl_waited_lock(g);
}
