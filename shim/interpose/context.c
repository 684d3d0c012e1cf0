/* Contexts: where each cancelable context was made, whether its cancel ever
 * ran, and which channel its Done() hands out. A goroutine parked on that
 * channel of a never-cancelled context is a lost cancel. libgo relocates the
 * context method tables by symbol, so interface calls reach these too. */
#include "interpose/interpose.h"

struct ctx_note {
    uintptr_t ctx;
    uint8_t kind;
    int64_t deadline_ns;
};

static void ctx_record(void *arg)
{
    struct ctx_note *n = arg;
    gl_registry_ctx_made(n->ctx, n->kind, gl_current_goid(), gl_stack_capture(), n->deadline_ns);
}

/* libgo's WithTimeout is WithDeadline(parent, time.Now().Add(d)) through the
 * PLT: the inner interposer records the context (its stack shows the user's
 * call below context.WithTimeout) and leaves its address in
 * gl_notes.ctx_just_made, so the outer one only retags it instead of
 * unwinding and recording a second time. No runtime call runs between the
 * two returns, so this thread is still the one. */
static void ctx_made(void *data, uint8_t kind, int64_t deadline_ns)
{
    if (!data)
        return;
    struct ctx_note n = {.ctx = (uintptr_t)data, .kind = kind, .deadline_ns = deadline_ns};
    gl_on_altstack(ctx_record, &n);
    gl_notes.ctx_just_made = n.ctx;
}

struct gl_ctx_ret gl_with_cancel(void *ptab, void *pdata) __asm__("context.WithCancel");
struct gl_ctx_ret gl_with_cancel(void *ptab, void *pdata)
{
    struct gl_ctx_ret (*real)(void *, void *) =
        GL_REAL(with_cancel, "context.WithCancel");
    struct gl_ctx_ret r = real(ptab, pdata);
    if (gl_active())
        ctx_made(r.data, GL_CTX_CANCEL, 0);
    return r;
}

struct gl_ctx_ret gl_with_timeout(void *ptab, void *pdata, int64_t d) __asm__("context.WithTimeout");
struct gl_ctx_ret gl_with_timeout(void *ptab, void *pdata, int64_t d)
{
    struct gl_ctx_ret (*real)(void *, void *, int64_t) =
        GL_REAL(with_timeout, "context.WithTimeout");
    int64_t start = gl_now_ns();
    gl_notes.ctx_just_made = 0;
    struct gl_ctx_ret r = real(ptab, pdata, d);
    if (gl_active() && r.data) {
        if (gl_notes.ctx_just_made == (uintptr_t)r.data)
            gl_registry_ctx_retag((uintptr_t)r.data, GL_CTX_TIMEOUT, start + d);
        else
            ctx_made(r.data, GL_CTX_TIMEOUT, start + d);
    }
    gl_notes.ctx_just_made = 0;
    return r;
}

struct gl_ctx_ret gl_with_deadline(void *ptab, void *pdata, struct gl_go_time t) __asm__("context.WithDeadline");
struct gl_ctx_ret gl_with_deadline(void *ptab, void *pdata, struct gl_go_time t)
{
    struct gl_ctx_ret (*real)(void *, void *, struct gl_go_time) =
        GL_REAL(with_deadline, "context.WithDeadline");
    struct gl_ctx_ret r = real(ptab, pdata, t);
    /* A time.Time's monotonic reading is relative to the runtime's own
     * start, not to CLOCK_MONOTONIC, so the deadline itself is not kept. */
    if (gl_active())
        ctx_made(r.data, GL_CTX_DEADLINE, 0);
    return r;
}

struct done_note {
    uintptr_t ctx, ch;
};

static void done_record(void *arg)
{
    struct done_note *n = arg;
    gl_registry_ctx_done(n->ctx, n->ch);
}

void *gl_cancelctx_done(void *c) __asm__("context.cancelCtx.Done");
void *gl_cancelctx_done(void *c)
{
    void *(*real)(void *) = GL_REAL(cancelctx_done, "context.cancelCtx.Done");
    void *ch = real(c);
    if (gl_active() && ch) {
        struct done_note n = {(uintptr_t)c, (uintptr_t)ch};
        gl_on_altstack(done_record, &n);
    }
    return ch;
}

static void cancel_record(void *arg)
{
    gl_registry_ctx_cancelled(*(uintptr_t *)arg);
}

void gl_cancelctx_cancel(void *c, _Bool remove, void *err_tab, void *err_data) __asm__("context.cancelCtx.cancel");
void gl_cancelctx_cancel(void *c, _Bool remove, void *err_tab, void *err_data)
{
    void (*real)(void *, _Bool, void *, void *) =
        GL_REAL(cancelctx_cancel, "context.cancelCtx.cancel");
    if (gl_active()) {
        uintptr_t ctx = (uintptr_t)c;
        gl_on_altstack(cancel_record, &ctx);
    }
    real(c, remove, err_tab, err_data);
}
