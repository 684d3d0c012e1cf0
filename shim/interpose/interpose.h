/* The interposers: the runtime entry points libgoleash.so defines in place
 * of libgo's (resolve.c finds libgo's own, which they call), and the notes
 * they leave each other on the calling thread. */
#ifndef GOLEASH_SHIM_INTERPOSE_H
#define GOLEASH_SHIM_INTERPOSE_H

#include "core/registry.h"
#include "runtime/libgo_abi.h"

/* ---- resolve.c: the real runtime functions ---- */
/* Finds libgo and its functions (gl_host.real); sets gl_host.active when the
 * process is a gccgo program whose core symbols resolved. */
GL_HIDDEN void gl_resolve_all(void);
GL_HIDDEN void *gl_resolve_or_die(void **slot, const char *name);
/* The real function for an interposer: resolved at load time, so this is
 * one load on every call; the slow path covers calls before the constructor. */
#define GL_REAL(field, name)                                                                        \
    (GL_LIKELY(gl_host.real.field != NULL) ? (__typeof__(gl_host.real.field))gl_host.real.field     \
                                           : (__typeof__(gl_host.real.field))gl_resolve_or_die(     \
                                                 (void **)&gl_host.real.field, name))

/* Declares the interposer `cname` for the runtime function `sym`. A plain
 * __asm__(sym) label would name the function so in its DWARF too, and libgo
 * names traceback frames from DWARF: an interposer that stays on the stack
 * while its goroutine waits (sync.c) would show in the program's own
 * runtime.Stack, panic and SIGQUIT dumps. So the function is named as one of
 * libgo's internal C functions ("__go_" ones, which Go's traceback hides
 * below GOTRACEBACK=system), and `sym` is made another name of it. */
#define GL_INTERPOSER_HIDDEN_FRAME(ret, cname, params, sym)                                         \
    ret cname params __asm__("__go_goleash_" #cname);                                             \
    __asm__(".globl \"" sym "\"\n\t.type \"" sym "\", @function\n\t.set \"" sym             \
            "\", __go_goleash_" #cname)

/* ---- what this thread's interposers noted for the runtime calls below them ---- */
typedef struct gl_pending_op {
    void *g;           /* goroutine that published it */
    uint8_t wait;      /* gl_wait */
    uintptr_t obj;     /* channel, or sync object */
    void *cases;       /* select: scase array */
    intptr_t ncases;
    uintptr_t site;    /* once: the return address into Once.Do's caller */
} gl_pending_op;

typedef struct gl_thread_notes {
    /* The operation about to park, for runtime.gopark (park.c). */
    gl_pending_op op;
    /* The channel of this thread's latest send or receive. Needs no owner: a
     * channel park passes &c->lock to gopark, which confirms it exactly. */
    uintptr_t chan;
    /* The context the inner context interposer just recorded (context.c). */
    uintptr_t ctx_just_made;
} gl_thread_notes;

extern GL_TLS gl_thread_notes gl_notes GL_HIDDEN;

/* Publishes what this goroutine is about to wait on and returns the previous
 * note, so that nested runtime calls can put it back. */
static inline gl_pending_op gl_note_push_g(void *g, uint8_t wait, uintptr_t obj, void *cases, intptr_t ncases)
{
    gl_pending_op saved = gl_notes.op;
    gl_notes.op = (gl_pending_op){.g = g, .wait = wait, .obj = obj, .cases = cases, .ncases = ncases};
    return saved;
}

static inline gl_pending_op gl_note_push(uint8_t wait, uintptr_t obj, void *cases, intptr_t ncases)
{
    return gl_note_push_g(gl_host.real.getg(), wait, obj, cases, ncases);
}

/* After the call the goroutine may be on another thread: restore only a note
 * that belongs to it, otherwise clear. */
static inline void gl_note_pop_g(const gl_pending_op *saved, void *g)
{
    if (saved->g && saved->g == g)
        gl_notes.op = *saved;
    else
        gl_notes.op.g = NULL;
}

static inline void gl_note_pop(const gl_pending_op *saved)
{
    gl_note_pop_g(saved, gl_host.real.getg());
}

/* ---- testrun.c: which goroutine runs which test ---- */
GL_HIDDEN void gl_testrun_init(void);
struct gl_test_spawn {
    int64_t goid;                /* the goroutine calling T.Run */
    void *arg;                   /* the go statement's argument block {t, f} */
    struct gl_go_string parent;  /* what T.Run was called with: the parent's name, */
    struct gl_go_string given;   /* the name argument */
    struct gl_go_string name;    /* the child test's full name, from T.Name */
    int ok;
};
/* Before the real __go_go, on the goroutine stack: checks the argument block
 * against what T.Run was called with and asks the child T for its name. */
GL_HIDDEN void gl_testrun_prepare(struct gl_test_spawn *ts);
/* On the alternate stack, after the spawn: validates the name, stores it;
 * returns the stored name, NULL when attribution is off or failed. */
GL_HIDDEN const char *gl_testrun_finish(struct gl_test_spawn *ts);

/* ---- exit.c ---- */
GL_HIDDEN void gl_exit_init(void);

#endif
