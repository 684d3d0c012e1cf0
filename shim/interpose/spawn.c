/* Goroutine birth and death. __go_go is the `go` statement; the creation
 * stack is captured in the parent right after it (the child may already be
 * running and even parked: the registry reconciles either order). runtime.goexit1
 * is where every goroutine ends, by returning or by runtime.Goexit. A `go`
 * returning into testing.T.Run starts a test (testrun.c). */
#include "interpose/interpose.h"

struct spawn_note {
    int64_t parent, child;
    uintptr_t caller;         /* the Go code's return address: libgo's gopc without us */
    gl_g *self;
    void *g;
    void *child_g;
    uintptr_t anchor;
    uintptr_t fn;
    gl_istack *stack;
    struct gl_test_spawn *test;
};

/* Runs after the real __go_go has returned: the parent is still in the same
 * frames, so its creation stack is the one the `go` statement had. */
static void spawn_record(void *arg)
{
    struct spawn_note *n = arg;
    const char *test = NULL;
    n->self = n->parent > 0 ? gl_registry_self(n->parent) : NULL;
    if (n->self)
        gl_gstatus_validate(n->g);
    if (GL_UNLIKELY(n->test != NULL))
        test = gl_testrun_finish(n->test);
    n->stack = n->self ? gl_stack_capture_cached(&n->self->scache, n->anchor) : gl_stack_capture();
    gl_registry_spawned_g(n->self, n->parent, n->child, n->fn, n->stack, test, n->child_g);
}

static inline void *spawn(void *(*real)(uintptr_t, void *), struct spawn_note *n, void *arg)
{
    void *newg = real(n->fn, arg);
    gl_set_creator_pc(newg, n->caller);
    if (GL_UNLIKELY(n->parent == 0) && !gl_goid_check_first_spawn(newg))
        return newg;
    n->child = gl_goid_of(newg);
    n->child_g = newg;
    if (n->child > 0)
        gl_on_altstack(spawn_record, n);
    return newg;
}

/* The tRunner spawn: rare, so its bookkeeping stays out of the common
 * path's frame (goroutine stacks have little to spare). */
static __attribute__((noinline)) void *spawn_test(void *(*real)(uintptr_t, void *), uintptr_t fn, void *arg,
                                                  void *g, uintptr_t caller)
{
    struct gl_test_spawn ts = {.goid = gl_goid_of(g), .arg = arg};
    struct spawn_note n = {.fn = fn, .anchor = (uintptr_t)__builtin_dwarf_cfa(), .g = g, .test = &ts,
                           .caller = caller};
    n.parent = ts.goid;
    gl_testrun_prepare(&ts);
    return spawn(real, &n, arg);
}

void *gl_go_go(uintptr_t fn, void *arg) __asm__("__go_go");
void *gl_go_go(uintptr_t fn, void *arg)
{
    void *(*real)(uintptr_t, void *) = GL_REAL(go_go, "__go_go");
    if (!gl_active())
        return real(fn, arg);
    void *g = gl_host.real.getg();
    if (GL_UNLIKELY((uintptr_t)__builtin_return_address(0) - gl_host.trun_lo <
                    __atomic_load_n(&gl_host.trun_len, __ATOMIC_RELAXED)))
        return spawn_test(real, fn, arg, g, (uintptr_t)__builtin_return_address(0));
    struct spawn_note n = {.fn = fn, .anchor = (uintptr_t)__builtin_dwarf_cfa(), .g = g,
                           .caller = (uintptr_t)__builtin_return_address(0)};
    n.parent = gl_goid_of(g);
    return spawn(real, &n, arg);
}

static void exit_register(void *arg)
{
    gl_registry_exited(*(int64_t *)arg);
}

void gl_goexit1(void) __asm__("runtime.goexit1") __attribute__((noreturn));
void gl_goexit1(void)
{
    void (*real)(void) = GL_REAL(goexit1, "runtime.goexit1");
    if (gl_active()) {
        int64_t goid = gl_current_goid();
        if (goid > 0)
            gl_on_altstack(exit_register, &goid);
    }
    real();
    __builtin_unreachable();
}
