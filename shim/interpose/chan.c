/* Channel make, send, receive, close and select. Operations that do not park
 * cost a note in thread-local storage and nothing else: the note tells
 * runtime.gopark which channel a park is about. make and close capture their
 * stacks (they are where a leak report points to). `select {}` needs no
 * interposer: runtime.block parks with the reason "select (no cases)",
 * which is all park.c needs. */
#include "interpose/interpose.h"

struct make_note {
    uintptr_t c;
    uintptr_t anchor;
    int64_t cap;
    gl_istack *stack;
    int close;
    bool signal;
};

static void make_record(void *arg)
{
    struct make_note *n = arg;
    int64_t goid = gl_current_goid();
    gl_g *self = goid > 0 ? gl_registry_self(goid) : NULL;
    gl_istack *st = self ? gl_stack_capture_cached(&self->scache, n->anchor) : gl_stack_capture();
    if (n->close)
        gl_registry_chan_closed(n->c, goid, st);
    else
        gl_registry_chan_made(n->c, n->cap, goid, st);
    if (n->signal)
        gl_registry_chan_signal(n->c);
}

/* anchor: the calling interposer's CFA, for the stack-reuse check. */
static inline void chan_event(void *c, int64_t cap, int close, bool signal, uintptr_t anchor)
{
    if (gl_active() && c) {
        struct make_note n = {.c = (uintptr_t)c, .cap = cap, .close = close, .signal = signal, .anchor = anchor};
        gl_on_altstack(make_record, &n);
    }
}

void *gl_makechan(void *t, intptr_t size) __asm__("runtime.makechan");
void *gl_makechan(void *t, intptr_t size)
{
    void *c = GL_REAL(makechan, "runtime.makechan")(t, size);
    chan_event(c, size, 0, gl_chantype_is_signal(t), (uintptr_t)__builtin_dwarf_cfa());
    return c;
}

void *gl_makechan64(void *t, int64_t size) __asm__("runtime.makechan64");
void *gl_makechan64(void *t, int64_t size)
{
    void *c = GL_REAL(makechan64, "runtime.makechan64")(t, size);
    chan_event(c, size, 0, gl_chantype_is_signal(t), (uintptr_t)__builtin_dwarf_cfa());
    return c;
}

void gl_closechan(void *c) __asm__("runtime.closechan");
void gl_closechan(void *c)
{
    chan_event(c, 0, 1, false, (uintptr_t)__builtin_dwarf_cfa());
    GL_REAL(closechan, "runtime.closechan")(c);
}

/* Send and receive cost one thread-local store and nothing else unless
 * they park: the hot path of every channel in the program. */
#define CHAN_OP(cname, sym, field)                                                   \
    void cname(void *c, void *elem) __asm__(sym);                                    \
    void cname(void *c, void *elem)                                                  \
    {                                                                                \
        void (*real)(void *, void *) = GL_REAL(field, sym);                          \
        gl_notes.chan = (uintptr_t)c;                                                \
        real(c, elem);                                                               \
    }

CHAN_OP(gl_chansend1, "runtime.chansend1", chansend1)
CHAN_OP(gl_chanrecv1, "runtime.chanrecv1", chanrecv1)

_Bool gl_chanrecv2(void *c, void *elem) __asm__("runtime.chanrecv2");
_Bool gl_chanrecv2(void *c, void *elem)
{
    _Bool (*real)(void *, void *) = GL_REAL(chanrecv2, "runtime.chanrecv2");
    gl_notes.chan = (uintptr_t)c;
    return real(c, elem);
}

struct gl_select_ret gl_selectgo(void *cas0, void *order0, intptr_t nsends, intptr_t nrecvs, _Bool block)
    __asm__("runtime.selectgo");
struct gl_select_ret gl_selectgo(void *cas0, void *order0, intptr_t nsends, intptr_t nrecvs, _Bool block)
{
    struct gl_select_ret (*real)(void *, void *, intptr_t, intptr_t, _Bool) =
        GL_REAL(selectgo, "runtime.selectgo");
    if (!gl_active())
        return real(cas0, order0, nsends, nrecvs, block);
    gl_pending_op saved = gl_note_push(GL_WAIT_SELECT, 0, cas0, nsends + nrecvs);
    struct gl_select_ret r = real(cas0, order0, nsends, nrecvs, block);
    gl_note_pop(&saved);
    return r;
}
