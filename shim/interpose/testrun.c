/* Which goroutine runs which test. testing.tRunner, where every test runs,
 * is local to libgo: nothing to interpose. The one `go` statement starting
 * it is in testing.T.Run (exported; libgo's runTests and user code for
 * subtests call it through the PLT): `go tRunner(t, f)`. So a __go_go that
 * returns into T.Run's code starts a test. Its argument block is {t, f}
 * (gccgo's thunk convention: the statement's arguments, in order), and
 * T.Name (exported as testing.T.Name..stub) gives the child's full name.
 * Nothing about that is taken on trust: the interposed T.Run notes its
 * arguments, the block's f must be the f T.Run was called with, and the name
 * must be the parent's name, "/", the name argument as Go rewrites it, and
 * maybe a "#NN" suffix. The first mismatch logs one warning and turns
 * attribution off; everything else keeps working. */
#include "interpose/interpose.h"

#include <pthread.h>
#include <stdio.h>


/* What T.Run was last called with, per goroutine, until its `go`. A
 * goroutine may change threads in between (a GC assist, the chatty
 * printer's lock): thread-local storage would not do. */
typedef struct run_note {
    int64_t goid;
    struct gl_go_string parent, given;
    void *f;
    UT_hash_handle hh;
} run_note;

/* What the interposed T.Run hands over, kept small: it lives on a
 * goroutine stack. */
typedef struct run_args {
    int64_t goid;
    struct gl_go_string parent, given;
    void *f;
} run_args;

static struct {
    atomic_int on;           /* attribution works so far */
    pthread_mutex_t mu;
    run_note *notes;         /* by goroutine */
} runs = {.mu = PTHREAD_MUTEX_INITIALIZER};

static void disable(const char *why)
{
    static atomic_int warned;
    __atomic_store_n(&gl_host.trun_len, 0, __ATOMIC_RELAXED);
    atomic_store(&runs.on, 0);
    /* Tests started from now on would look like setup: a dump says nothing
     * about tests rather than something wrong. */
    gl_tests_invalidate();
    char msg[300];
    snprintf(msg, sizeof msg, "goleash: per-test attribution disabled: %s", why);
    gl_warn_once(&warned, msg);
}

void gl_testrun_init(void)
{
    void *run = gl_host.real.t_run;
    uintptr_t len;
    if (!run || !gl_host.real.t_name)
        return; /* resolve.c names what is missing */
    if (!gl_function_extent(run, &len)) {
        disable("cannot find the extent of testing.T.Run");
        return;
    }
    gl_host.trun_lo = (uintptr_t)run;
    gl_host.trun_len = len;
    atomic_store(&runs.on, 1);
}

static void note_put(void *arg)
{
    const run_args *in = arg;
    pthread_mutex_lock(&runs.mu);
    run_note *e = NULL;
    HASH_FIND(hh, runs.notes, &in->goid, sizeof in->goid, e);
    if (!e) {
        e = gl_alloc(sizeof *e);
        if (e) {
            e->goid = in->goid;
            HASH_ADD(hh, runs.notes, goid, sizeof e->goid, e);
        }
    }
    if (e) {
        e->parent = in->parent;
        e->given = in->given;
        e->f = in->f;
    }
    pthread_mutex_unlock(&runs.mu);
}

_Bool gl_t_run(void *t, const char *name, intptr_t len, void *f) __asm__("testing.T.Run");
_Bool gl_t_run(void *t, const char *name, intptr_t len, void *f)
{
    _Bool (*real)(void *, const char *, intptr_t, void *) = GL_REAL(t_run, "testing.T.Run");
    if (atomic_load_explicit(&runs.on, memory_order_relaxed) && t) {
        run_args in = {.goid = gl_current_goid(), .given = {name, len}, .f = f};
        /* A Go call, made here on the goroutine's own stack, where its
         * split-stack prologue can grow it. */
        in.parent = gl_host.real.t_name(t);
        if (in.goid > 0)
            gl_on_altstack(note_put, &in);
    }
    return real(t, name, len, f);
}

static void note_take(void *arg)
{
    struct gl_test_spawn *ts = arg;
    pthread_mutex_lock(&runs.mu);
    run_note *e = NULL;
    HASH_FIND(hh, runs.notes, &ts->goid, sizeof ts->goid, e);
    if (e) {
        HASH_DEL(runs.notes, e);
        ts->ok = ((void *const *)ts->arg)[GL_LIBGO_TRUNNER_ARG_F] == e->f
                 && ((void *const *)ts->arg)[GL_LIBGO_TRUNNER_ARG_T] != NULL;
        ts->parent = e->parent;
        ts->given = e->given;
    }
    pthread_mutex_unlock(&runs.mu);
    if (e)
        gl_free(e, sizeof *e);
}

void gl_testrun_prepare(struct gl_test_spawn *ts)
{
    if (!ts->arg || ts->goid <= 0)
        return;
    gl_on_altstack(note_take, ts);
    if (ts->ok)
        ts->name = gl_host.real.t_name(((void *const *)ts->arg)[GL_LIBGO_TRUNNER_ARG_T]);
}

const char *gl_testrun_finish(struct gl_test_spawn *ts)
{
    if (!atomic_load_explicit(&runs.on, memory_order_relaxed))
        return NULL;
    if (!ts->ok) {
        disable("a test started without the testing.T.Run call it should come from");
        return NULL;
    }
    if (!gl_test_name_matches(ts->parent, ts->given, ts->name)) {
        disable("the name testing.T.Name gave does not match the testing.T.Run call");
        return NULL;
    }
    const char *copy = gl_tests_add(ts->name.p, (size_t)ts->name.n);
    if (!copy)
        disable("out of memory");
    return copy;
}
