/* The end of the process: exit(3) is where a gccgo program finishes, whether
 * main returned, os.Exit was called or a panic was printed (libgo calls exit
 * through its PLT in all three). The dump is written, the leak rules and
 * suppressions run on it through the same parser as `goleash report`, the
 * report goes to stderr, and a clean exit status becomes `exitcode` when
 * there are leaks. A program's own failing status always wins. The work runs on a
 * thread of its own: exit may be called on a small goroutine stack segment. */
#include "interpose/interpose.h"
#include "util/util.h"
#include "dump/dump.h"
#include "format/dump_read.h"
#include "rules/rules.h"
#include "rules/suppress.h"
#include "text_report/text_report.h"

#include <dlfcn.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A report that has not finished by then is abandoned: a leak detector must
 * never keep a program from exiting. */
#define FINISH_TIMEOUT_S 60

static struct {
    atomic_int crashing;     /* the runtime is dying of a panic or a fatal error */
    atomic_int started;      /* some thread is in exit (settling or reporting) */
    atomic_int finished;     /* the exit dump is written or being written */
    /* One dump written at a time; the exit dump is the last word. */
    pthread_mutex_t dump_mu;
} ending = {.dump_mu = PTHREAD_MUTEX_INITIALIZER};

static void write_dump_file(const gl_membuf *b)
{
    static atomic_int warned;
    gl_dump_save(b, &warned);
}

struct finish {
    int status;
    int leaks;
};

/* Read at exit, not at start-up: the host's malloc is not ours to use in
 * the constructor. A bad file must not fail the host program: one warning,
 * and the report goes on with the built-in list only. */
static void load_suppressions(gl_suppressions *s)
{
    gl_supp_error err;
    const gl_options *o = &gl_host.opts;
    if (o->suppressions[0] && gl_supp_load_file(s, o->suppressions, &err) != 0) {
        char msg[sizeof err.msg + 64];
        snprintf(msg, sizeof msg, "%s (suppressions file ignored)", err.msg);
        gl_log(msg);
    }
    if (o->default_suppressions && gl_supp_load_default(s, &err) != 0)
        gl_log(err.msg);
}

static void print_report(const gl_report *r)
{
    int fd = dup(gl_log_fd());
    FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (out) {
        gl_text_opts to = {.pid = getpid(), .print_when_clean = 0, .max_frames = 0, .quiet_default_suppressions = 1};
        gl_report_text(out, r, &to);
        fclose(out);
    } else if (fd >= 0) {
        close(fd);
    }
}

/* The rules on the dump just written, read back by the common reader;
 * returns whether there are leaks. */
static int judge_dump(const gl_membuf *b)
{
    gl_dump *d = NULL;
    gl_diag diag;
    if (gl_dump_read_buffer("<in-process dump>", b->p, b->len, &d, &diag) != 0) {
        gl_log(diag.msg); /* a bug of ours: say so, never guess */
        return 0;
    }
    const gl_options *o = &gl_host.opts;
    gl_rules_opts ro = {.min_park_ns = o->min_park_ns, .ignore_setup = o->ignore_setup};
    gl_report *r = gl_rules_run((gl_dump *const *)&d, 1, &ro);
    gl_suppressions supp = {0};
    int leaks = 0;
    if (r) {
        load_suppressions(&supp);
        gl_supp_apply(&supp, r);
        leaks = r->leaked > 0;
        if (o->report && (r->leaked > 0 || gl_supp_used(&supp, NULL)))
            print_report(r);
        gl_report_free(r);
    }
    gl_supp_free(&supp);
    gl_dump_free(d);
    return leaks;
}

/* Nothing parked and no dump file wanted: the rules could only find no
 * leak, and the report would stay silent. Skipping the dump saves naming
 * every PC (a pass over libgo's 176,000 symbols, ~0.8 ms) at the end of
 * every clean program. The suppression files are still read, for their
 * warnings. */
static void note_parked(const gl_g *g, void *any)
{
    /* The registry's word: the dump may find it awake, never the reverse. */
    if (atomic_load_explicit(&g->state, memory_order_relaxed) == GL_G_PARKED)
        *(bool *)any = true;
}

static bool nothing_to_judge(void)
{
    if (gl_host.opts.dump_path[0])
        return false;
    bool any = false;
    gl_registry_each_g(note_parked, &any);
    if (any)
        return false;
    if (gl_host.opts.report || gl_host.opts.exitcode) {
        gl_suppressions supp = {0};
        load_suppressions(&supp);
        gl_supp_free(&supp);
    }
    return true;
}

static void *finish_thread(void *arg)
{
    struct finish *f = arg;
    if (nothing_to_judge())
        return NULL;
    gl_membuf b = {0};
    pthread_mutex_lock(&ending.dump_mu);
    /* A process that crashed (tests crash child processes on purpose)
     * is a note to the analyzer, not a verdict. */
    const char *reason = atomic_load(&ending.crashing) ? "crash" : "exit";
    int built = gl_dump_build(&b, reason, f->status);
    if (built == 0 && gl_host.opts.dump_path[0])
        write_dump_file(&b);
    pthread_mutex_unlock(&ending.dump_mu);
    if (built != 0)
        gl_log("goleash: out of memory while writing the dump");
    else if (gl_host.opts.report || gl_host.opts.exitcode)
        f->leaks = judge_dump(&b);
    gl_membuf_free(&b);
    return NULL;
}

enum { SETTLE_MAX_ROUNDS = 2000, SETTLE_STEADY = 16 };

static int finish(int status)
{
    /* Static: an abandoned reporter thread may still write to it. */
    static struct finish f;
    f.status = status;
    f.leaks = 0;
    pthread_t t;
    if (gl_thread_start(&t, 0, "goleash-exit", finish_thread, &f) != 0) {
        gl_log("goleash: cannot start the exit reporter thread");
        return status;
    }
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += FINISH_TIMEOUT_S;
    if (pthread_timedjoin_np(t, NULL, &deadline) != 0) {
        gl_log("goleash: the exit report took too long; exiting without it");
        return status;
    }
    if (f.leaks && status == 0 && gl_host.opts.exitcode)
        return gl_host.opts.exitcode;
    return status;
}

struct settle_count {
    int64_t self;
    size_t runnable;   /* readied, waiting for a CPU: about to reach its park or leave it */
    size_t on_cpu;     /* running Go code or in a syscall, per the runtime */
};

static void count_unsettled(const gl_g *g, void *arg)
{
    struct settle_count *c = arg;
    /* Itself, and the goroutines that called exit too and wait for it. */
    if (g->goid == c->self || atomic_load_explicit(&g->exiting, memory_order_relaxed))
        return;
    int st = gl_gstatus_of(g->gptr, g->goid);
    if (st == GL_LIBGO_G_RUNNABLE)
        c->runnable++;
    else if (st == GL_LIBGO_G_RUNNING || st == GL_LIBGO_G_SYSCALL)
        c->on_cpu++;
}

/* A test that starts goroutines and returns at once, or sends its last item
 * and returns, leaves goroutines that are runnable but have not yet reached
 * the point where they block (or wake up): judged now, they would count as
 * running, or as parked where they no longer are, depending on the
 * scheduler's luck. So the exiting goroutine yields, without sleeping, while
 * the runtime's own status words say so: until no goroutine is runnable and
 * the number on a CPU has stopped changing for a few rounds (goroutines that
 * really run, busy or in a syscall, keep it steady). Each round yields to the
 * Go scheduler and to the kernel's, so goroutines on other threads get their
 * CPU too. Bounded; only on a clean or failing exit (0, 1), from a goroutine,
 * and only when the status word could be validated. */
static void settle(int status)
{
    if ((status != 0 && status != 1) || !gl_host.real.gosched || !gl_host.real.getg)
        return;
    void *g = gl_host.real.getg();
    if (!g || !gl_gstatus_validate(g))
        return;
    struct settle_count c = {.self = gl_goid_of(g)};
    if (c.self <= 0)
        return;
    size_t last_on_cpu = SIZE_MAX;
    unsigned waiting = 0;
    for (int round = 0, steady = 0; round < SETTLE_MAX_ROUNDS && steady < SETTLE_STEADY; round++) {
        c.runnable = c.on_cpu = 0;
        gl_registry_each_g(count_unsettled, &c);
        if (c.runnable == 0 && c.on_cpu == 0)
            break;
        steady = c.runnable == 0 && c.on_cpu == last_on_cpu ? steady + 1 : 0;
        last_on_cpu = c.on_cpu;
        /* A goroutine counted on a CPU may be one whose thread the kernel
         * has not scheduled (a loaded machine): the steady rounds then
         * span milliseconds, not microseconds, before it counts as running. */
        waiting = c.runnable || c.on_cpu ? waiting + 1 : 0;
        gl_host.real.gosched();
        gl_yield_cpu(waiting);
    }
}

/* libgo's last step before it prints a fatal panic or error and exits
 * (runtime.throw and fatalpanic call it): the exit that follows is a crash. */
_Bool gl_dopanic_m(void *gp, uintptr_t pc, uintptr_t sp) __asm__("runtime.dopanic__m");
_Bool gl_dopanic_m(void *gp, uintptr_t pc, uintptr_t sp)
{
    _Bool (*real)(void *, uintptr_t, uintptr_t) = GL_REAL(dopanic_m, "runtime.dopanic__m");
    atomic_store(&ending.crashing, 1);
    return real(gp, pc, sp);
}

/* A second exit while the first is reporting (os.Exit from several
 * goroutines at once, exit racing a panic): the first one reports, dumps
 * and ends the process with its status; this goroutine waits for that
 * rather than ending the process under it. It yields rather than sleeps:
 * its thread's processor may hold goroutines the first exit's settling
 * must see run (a blocked thread would keep them runnable for ever). */
static _Noreturn void wait_for_the_first_exit(void)
{
    int64_t goid = gl_active() ? gl_current_goid() : 0;
    gl_g *self = goid > 0 ? gl_registry_self(goid) : NULL;
    if (self)
        atomic_store(&self->exiting, 1);
    for (;;) {
        if (gl_host.real.gosched)
            gl_host.real.gosched();
        sched_yield();
    }
}

void exit(int status)
{
    void (*real)(int) = gl_host.real.exit;
    if (!real)
        real = (void (*)(int))dlsym(RTLD_NEXT, "exit");
    /* The first exit's own settling yields, and the goroutine calling
     * exit may come back to it (a deferred os.Exit, a nested exit): that
     * goroutine carries on. Any other waits. Goroutines, not threads:
     * another goroutine scheduled on this thread is another exit. */
    static atomic_llong exiting_goid;
    if (atomic_load(&gl_host.active)) {
        int64_t me = gl_current_goid();
        if (atomic_exchange(&ending.started, 1) != 0 && (me <= 0 || atomic_load(&exiting_goid) != me))
            wait_for_the_first_exit();
        atomic_store(&exiting_goid, me);
        if (atomic_load(&ending.finished) == 0)
            settle(status);
        if (atomic_exchange(&ending.finished, 1) == 0)
            status = finish(status);
    }
    real(status);
    __builtin_unreachable();
}

static void sleep_ns(int64_t ns)
{
    struct timespec ts = {.tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

/* A dump while the program runs (reason "interval" or "request"), unless
 * the exit dump has been written: that one is the last word. 0, or -1 once
 * the process is ending (the thread then stops). */
static int background_dump(const char *reason)
{
    pthread_mutex_lock(&ending.dump_mu);
    if (atomic_load(&ending.finished)) {
        pthread_mutex_unlock(&ending.dump_mu);
        return -1;
    }
    gl_membuf b = {0};
    if (gl_dump_build(&b, reason, -1) == 0)
        write_dump_file(&b);
    pthread_mutex_unlock(&ending.dump_mu);
    gl_membuf_free(&b);
    return 0;
}

static void *interval_main(void *arg)
{
    (void)arg;
    do
        sleep_ns(gl_host.opts.dump_interval_ns);
    while (background_dump("interval") == 0);
    return NULL;
}

/* How often dump_on's file is looked for: a cheap stat on the shim's own
 * thread, never in the program's. */
#define REQUEST_POLL_NS 100000000

/* dump_on: a dump whenever the file appears, for `goleash watch PID` on a
 * running gccgo service (signals are the Go runtime's: a file is ours). */
static void *request_main(void *arg)
{
    (void)arg;
    char path[sizeof gl_host.opts.dump_on];
    if (gl_expand_pattern(gl_host.opts.dump_on, path, sizeof path) != 0)
        return NULL;
    for (;;) {
        sleep_ns(REQUEST_POLL_NS);
        /* Removed, it was asked for; absent (or not ours), it was not. */
        if (unlink(path) == 0 && background_dump("request") != 0)
            return NULL;
    }
}

static void start_detached(const char *name, void *(*fn)(void *))
{
    pthread_t t;
    if (gl_thread_start(&t, 1, name, fn, NULL) != 0)
        gl_log("goleash: cannot start a dump thread");
}

static void start_request_thread(void)
{
    if (!gl_host.opts.dump_on[0])
        return;
    if (!gl_host.opts.dump_path[0]) {
        gl_log("goleash: dump_on needs dump_path; no dumps on request");
        return;
    }
    start_detached("goleash-request", request_main);
}

static void start_interval_thread(void)
{
    if (gl_host.opts.dump_interval_ns <= 0)
        return;
    if (!gl_host.opts.dump_path[0]) {
        gl_log("goleash: dump_interval needs dump_path; no periodic dumps");
        return;
    }
    start_detached("goleash-dump", interval_main);
}

/* The child is its own process: its own dump (dump_path's %p), its own log,
 * its own exit report; the parent's goroutines are not its leaks, but the
 * registry is what the child inherited, and a forked gccgo child never runs
 * Go code before exec anyway. */
static void atfork_child(void)
{
    /* The parent's interval thread may have held it at the fork. */
    pthread_mutex_init(&ending.dump_mu, NULL);
    atomic_store(&ending.finished, 0);
    atomic_store(&ending.started, 0);
    start_interval_thread();
    start_request_thread();
}

void gl_exit_init(void)
{
    gl_fork_install();
    pthread_atfork(NULL, NULL, atfork_child);
    start_interval_thread();
    start_request_thread();
}
