/* The ptrace event loop of `goleash run` (gc_trace.h). Hygiene after rr and
 * Delve: tracees are seized (no stray SIGSTOP), every signal a tracee
 * receives is delivered to it unchanged, group stops stay stops
 * (PTRACE_LISTEN), and PTRACE_O_EXITKILL ends the tree if goleash dies, so
 * nothing keeps running unobserved. */
#include "ptrace/gc_trace.h"
#include "util/util.h"
#include "dump/gc_dump.h"
#include "runtime/gc_state.h"
#include "runtime/gc_tests.h"
#include "ptrace/hw_break.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <uthash.h>

enum {
    BP_TRUNNER = 0,
    BP_EXIT = 1,
    MAX_TEST_NAME = 4096,
    SETTLE_STABLE = 16,    /* rounds without change that end the settling */
    SETTLE_MAX = 2000,     /* rounds at most */
};

typedef struct proc {
    pid_t tgid;
    pid_t ppid;
    gl_exe_kind kind;
    int gc_ready;             /* gp is open and usable */
    gc_proc gp;
    gc_tests tests;
    hw_breaks breaks;
    int dumped;
    int crashed;              /* exit called on the runtime's fatal path */
    unsigned settle_rounds, settle_stable; /* the exit's yield loop */
    unsigned settle_waiting;  /* rounds in a row with goroutines waiting for a CPU */
    /* Goroutines that called runtime.exit (g addresses): they wait to end
     * the process with the first, and are not what the settling waits for. */
    uint64_t exiting[16];
    size_t nexiting;
    uint64_t settle_sig;
    unsigned ntasks;          /* its threads in the task table */
    UT_hash_handle hh;
} proc;

typedef struct task {
    pid_t tid;
    proc *p;
    UT_hash_handle hh;
} task;

typedef struct tracer {
    const gl_trace_opts *o;
    gl_trace_result *r;
    pid_t top;
    int top_done;
    proc *procs;
    task *tasks;
} tracer;

static volatile pid_t traced_child;

pid_t gl_trace_child(void)
{
    return traced_child;
}

static const unsigned long seize_options = PTRACE_O_TRACEEXEC | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK
                                           | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL;

/* ---- process and thread table -------------------------------------------- */

static proc *proc_get(tracer *t, pid_t tgid, pid_t ppid)
{
    proc *p = NULL;
    HASH_FIND_INT(t->procs, &tgid, p);
    if (p)
        return p;
    if (!(p = calloc(1, sizeof *p)))
        return NULL;
    p->tgid = tgid;
    p->ppid = ppid;
    p->kind = GL_EXE_OTHER;
    HASH_ADD_INT(t->procs, tgid, p);
    return p;
}

/* A task's process and its parent, from /proc: a new process's first stop
 * can come before its parent's fork event says who it is. */
static pid_t ids_of(pid_t tid, pid_t *ppid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)tid);
    FILE *f = fopen(path, "re");
    pid_t tgid = tid;
    *ppid = 0;
    int found = 0;
    while (f && found < 2 && fgets(line, sizeof line, f))
        found += sscanf(line, "Tgid: %d", &tgid) == 1 || sscanf(line, "PPid: %d", ppid) == 1;
    if (f)
        fclose(f);
    return tgid;
}

static task *task_get(tracer *t, pid_t tid)
{
    task *k = NULL;
    HASH_FIND_INT(t->tasks, &tid, k);
    if (k)
        return k;
    if (!(k = calloc(1, sizeof *k)))
        return NULL;
    k->tid = tid;
    pid_t ppid, tgid = ids_of(tid, &ppid);
    k->p = proc_get(t, tgid, ppid);
    if (!k->p) {
        free(k);
        return NULL;
    }
    k->p->ntasks++;
    HASH_ADD_INT(t->tasks, tid, k);
    return k;
}

static void proc_free(proc *p)
{
    if (p->gc_ready)
        gc_proc_close(&p->gp);
    gc_tests_free(&p->tests);
    free(p);
}

/* A process whose last thread is gone goes too: a later process may get
 * its pid and must start afresh, not as the ended one. */
static void task_drop(tracer *t, task *k)
{
    proc *p = k->p;
    HASH_DEL(t->tasks, k);
    free(k);
    if (--p->ntasks == 0) {
        HASH_DEL(t->procs, p);
        proc_free(p);
    }
}

/* ---- gc processes ------------------------------------------------------ */

static void note_unsupported(tracer *t, proc *p, const char *why)
{
    t->r->unsupported++;
    if (!t->r->unsupported_why[0])
        snprintf(t->r->unsupported_why, sizeof t->r->unsupported_why, "process %d: %s", (int)p->tgid, why);
}

/* A process has a new image: classify it, and for a gc program prepare
 * the reader and the breakpoints. */
static void on_exec(tracer *t, task *k)
{
    proc *p = k->p;
    char exe[64], why[512];
    snprintf(exe, sizeof exe, "/proc/%d/exe", (int)p->tgid);
    if (p->gc_ready)
        gc_proc_close(&p->gp);
    gc_tests_free(&p->tests);
    memset(&p->breaks, 0, sizeof p->breaks);
    p->gc_ready = 0;
    p->dumped = 0;
    p->kind = gl_exe_kind_of(exe);
    t->r->ngc += p->kind == GL_EXE_GC;
    t->r->ngccgo += p->kind == GL_EXE_GCCGO;
    t->r->nother += p->kind != GL_EXE_GC && p->kind != GL_EXE_GCCGO;
    if (p->kind != GL_EXE_GC)
        return;
    if (gc_proc_open(&p->gp, p->tgid, exe, why, sizeof why) != 0) {
        gc_proc_close(&p->gp);
        note_unsupported(t, p, why);
        return;
    }
    char real[4096];
    ssize_t n = readlink(exe, real, sizeof real - 1);
    if (n > 0) {
        real[n] = '\0';
        free(p->gp.bin.path);
        p->gp.bin.path = strdup(real);
    }
    p->gc_ready = 1;
    if (p->gp.abi.member[GC_M_TESTING_T_NAME] >= 0)
        p->breaks.addr[BP_TRUNNER] = p->gp.abi.func[GC_F_TRUNNER];
    if (p->gp.abi.func[GC_F_GOSCHED])
        p->breaks.addr[BP_EXIT] = p->gp.abi.func[GC_F_EXIT];
    p->settle_rounds = p->settle_stable = p->settle_waiting = 0;
    p->nexiting = 0;
    p->crashed = 0;
    hw_break_apply(k->tid, &p->breaks);
}

/* testing.tRunner(t *T, fn): register ABI, so t is in RAX and the running
 * goroutine's g in R14. One stop per test: kept to a few system calls. */
static void on_trunner(tracer *t, proc *p, pid_t tid, const struct user_regs_struct *regs)
{
    uint64_t goid = 0, hdr[2] = {0, 0};
    gc_mem_req reqs[2] = {{regs->r14 + (uint64_t)p->gp.abi.member[GC_M_G_GOID], &goid, 8},
                          {regs->rax + (uint64_t)p->gp.abi.member[GC_M_TESTING_T_NAME], hdr, 16}};
    unsigned char ok[2];
    (void)tid;
    if (gc_mem_read_batch(&p->gp.mem, reqs, 2, ok) != 2 || hdr[1] == 0 || hdr[1] > MAX_TEST_NAME)
        return;
    char name[MAX_TEST_NAME + 1];
    if (gc_mem_read(&p->gp.mem, hdr[0], name, hdr[1]) != 0)
        return;
    name[hdr[1]] = '\0';
    if (gc_tests_add(&p->tests, (int64_t)goid, name) == 0)
        t->r->tests++;
}

/* Makes the thread stopped at runtime.exit's entry call runtime.Gosched
 * first, as Go's own asynchronous preemption injects a call: the entry PC
 * becomes the return address, so exit runs again (and stops here again)
 * once the goroutine is scheduled back. */
static int inject_gosched(proc *p, pid_t tid, struct user_regs_struct *regs)
{
    uint64_t sp = regs->rsp - 8;
    if (ptrace(PTRACE_POKEDATA, tid, (void *)(uintptr_t)sp, (void *)(uintptr_t)regs->rip) != 0)
        return -1;
    regs->rsp = sp;
    regs->rip = p->gp.abi.func[GC_F_GOSCHED];
    return ptrace(PTRACE_SETREGS, tid, NULL, regs) == 0 ? 0 : -1;
}

/* runtime.exit(code) from a goroutine: before the process ends, the
 * goroutines it readied or started get to run until they park or finish,
 * so that whether they count as parked does not depend on how busy the
 * machine is. The exiting goroutine yields until no other is runnable and
 * the running ones have stayed the same for SETTLE_STABLE rounds (the
 * shim's rule at exit), never on a fatal path (code > 1, or on the
 * system stack). */
static void note_exiting(proc *p, uint64_t g)
{
    for (size_t i = 0; i < p->nexiting; i++)
        if (p->exiting[i] == g)
            return;
    if (p->nexiting < sizeof p->exiting / sizeof p->exiting[0])
        p->exiting[p->nexiting++] = g;
}

static void on_exit_call(tracer *t, proc *p, pid_t tid)
{
    struct user_regs_struct regs;
    uint32_t code;
    uint64_t goid = 0;
    gc_mem *m = &p->gp.mem;
    pid_t reader = m->pid;
    m->pid = tid;
    if (ptrace(PTRACE_GETREGS, tid, NULL, &regs) != 0 || gc_mem_read(m, regs.rsp + 8, &code, 4) != 0
        || gc_mem_u64(m, regs.r14 + (uint64_t)p->gp.abi.member[GC_M_G_GOID], &goid) != 0) {
        m->pid = reader;
        return;
    }
    /* On the system stack (g0, goroutine id 0) exit is the runtime's own:
     * a panic nobody recovered, a fatal error, a fatal signal. */
    if (goid == 0)
        p->crashed = 1;
    if (goid == 0 || code > 1 || p->settle_rounds >= SETTLE_MAX) {
        m->pid = reader;
        return;
    }
    size_t runnable;
    uint64_t sig;
    note_exiting(p, regs.r14);
    int ok = gc_census(&p->gp, p->exiting, p->nexiting, &runnable, &sig) == 0;
    m->pid = reader;
    if (!ok)
        return;
    p->settle_stable = runnable == 0 && sig == p->settle_sig ? p->settle_stable + 1 : 0;
    p->settle_sig = sig;
    /* Running ones too: their thread may not have a CPU (a loaded machine),
     * so the steady rounds span milliseconds before they count as running. */
    p->settle_waiting = runnable || sig ? p->settle_waiting + 1 : 0;
    int quiet = runnable == 0 && (sig == 0 || p->settle_stable >= SETTLE_STABLE);
    if (!quiet)
        gl_yield_cpu(p->settle_waiting); /* the exiting thread stays stopped meanwhile */
    if (!quiet && inject_gosched(p, tid, &regs) == 0) {
        p->settle_rounds++;
        t->r->settle_rounds++;
    }
}

static int64_t clock_ns(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The process is exiting (exit_group, or killed): its memory is still
 * there while this thread is stopped; read the runtime and write the dump. */
static void dump_at_exit(tracer *t, proc *p, pid_t tid, unsigned long exit_status)
{
    char why[512], path[4096];
    gc_state st;
    int64_t t0 = clock_ns(CLOCK_MONOTONIC);
    p->dumped = 1;
    /* Read through this thread: it holds the address space until it is let
     * go, while the thread-group leader may be gone already (os.Exit runs
     * on whatever thread the calling goroutine is on). */
    p->gp.mem.pid = tid;
    gc_mem_close(&p->gp.mem);
    if (gc_state_read(&p->gp, &st, why, sizeof why) != 0) {
        note_unsupported(t, p, why);
        gc_state_free(&st);
        return;
    }
    int status = WIFEXITED(exit_status) ? WEXITSTATUS(exit_status) : 128 + WTERMSIG(exit_status);
    const char *reason = p->crashed ? "crash" : WIFSIGNALED(exit_status) ? "signal" : "exit";
    gc_dump_info info = {.pid = p->tgid, .ppid = p->ppid, .reason = reason,
                         .status = status, .mono_ns = clock_ns(CLOCK_MONOTONIC),
                         .wall_ns = clock_ns(CLOCK_REALTIME), .tests = p->tests.n ? &p->tests : NULL};
    snprintf(path, sizeof path, "%s/goleash.%d.dump", t->o->dump_dir, (int)p->tgid);
    if (gc_dump_write(path, &p->gp, &st, &info, why, sizeof why) != 0)
        note_unsupported(t, p, why);
    else
        t->r->gc_dumped++;
    gc_state_free(&st);
    t->r->dump_ns += clock_ns(CLOCK_MONOTONIC) - t0;
}

static void on_exit_event(tracer *t, task *k)
{
    proc *p = k->p;
    unsigned long msg = 0;
    struct user_regs_struct regs;
    if (p->kind != GL_EXE_GC || !p->gc_ready || p->dumped)
        return;
    ptrace(PTRACE_GETEVENTMSG, k->tid, NULL, &msg);
    int group_exit = ptrace(PTRACE_GETREGS, k->tid, NULL, &regs) == 0 && regs.orig_rax == SYS_exit_group;
    /* One thread leaving (SYS_exit) is not the process ending. */
    if (group_exit || WIFSIGNALED(msg))
        dump_at_exit(t, p, k->tid, msg);
}

/* ---- events -------------------------------------------------------------- */

/* The new process (fork, vfork) is a copy of its parent until it execs:
 * not read at its exit. Its own stops can come before this event, its
 * exec too: what on_exec found stays. */
static void on_new_task(tracer *t, task *parent, int ev)
{
    unsigned long child = 0;
    if (ptrace(PTRACE_GETEVENTMSG, parent->tid, NULL, &child) != 0 || !child)
        return;
    task *k = task_get(t, (pid_t)child);
    if (!k || ev == PTRACE_EVENT_CLONE)
        return;
    k->p->ppid = parent->p->tgid;
}

/* A SIGTRAP at one of our breakpoints is ours (the debug status register
 * says which fired; the kernel resets it for every debug exception); any
 * other signal is the program's and goes on to it unchanged. */
static void on_signal_stop(tracer *t, task *k, int sig)
{
    proc *p = k->p;
    struct user_regs_struct regs;
    int slot = -1;
    if (sig == SIGTRAP && p->gc_ready && ptrace(PTRACE_GETREGS, k->tid, NULL, &regs) == 0) {
        for (int i = 0; i < HW_BREAK_SLOTS; i++)
            if (p->breaks.addr[i] && regs.rip == p->breaks.addr[i])
                slot = hw_break_hit(k->tid) == i ? i : -1;
    }
    if (slot == BP_TRUNNER)
        on_trunner(t, p, k->tid, &regs);
    else if (slot == BP_EXIT)
        on_exit_call(t, p, k->tid);
    if (slot >= 0) {
        t->r->stops_break++;
        ptrace(PTRACE_CONT, k->tid, NULL, NULL);
        return;
    }
    t->r->stops_signal++;
    ptrace(PTRACE_CONT, k->tid, NULL, (void *)(uintptr_t)sig);
}

static void on_stop(tracer *t, pid_t tid, int status)
{
    task *k = task_get(t, tid);
    int sig = WSTOPSIG(status), ev = (int)((unsigned)status >> 16);
    if (!k) {
        ptrace(PTRACE_CONT, tid, NULL, NULL);
        return;
    }
    if (ev)
        t->r->stops_task++;
    switch (ev) {
    case 0:
        on_signal_stop(t, k, sig);
        return;
    case PTRACE_EVENT_EXEC:
        on_exec(t, k);
        break;
    case PTRACE_EVENT_FORK: case PTRACE_EVENT_VFORK: case PTRACE_EVENT_CLONE:
        on_new_task(t, k, ev);
        break;
    case PTRACE_EVENT_EXIT:
        on_exit_event(t, k);
        break;
    case PTRACE_EVENT_STOP:
        if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
            ptrace(PTRACE_LISTEN, tid, NULL, NULL); /* a job-control stop stays a stop */
            return;
        }
        /* A new thread's first stop: give it the process's breakpoints. */
        if (k->p->gc_ready)
            hw_break_apply(tid, &k->p->breaks);
        break;
    }
    ptrace(PTRACE_CONT, tid, NULL, NULL);
}

static void on_gone(tracer *t, pid_t tid, int status)
{
    task *k = NULL;
    HASH_FIND_INT(t->tasks, &tid, k);
    if (tid == t->top) {
        t->r->status = status;
        t->top_done = 1;
        traced_child = 0;
    }
    if (k)
        task_drop(t, k);
}

/* ---- start and loop ------------------------------------------------------- */

static pid_t start_child(char *const *argv, char *const *envp, int traced, int *err_fd)
{
    int go[2], err[2];
    if (pipe2(go, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        char c;
        close(go[1]);
        close(err[0]);
        /* Wait until the tracer holds us, so the exec is seen. */
        if (read(go[0], &c, 1) != 1)
            _exit(127);
        execvpe(argv[0], argv, envp);
        int e = errno;
        if (write(err[1], &e, sizeof e) < 0)
            _exit(127);
        _exit(127);
    }
    close(go[0]);
    close(err[1]);
    if (traced && ptrace(PTRACE_SEIZE, pid, NULL, (void *)seize_options) != 0) {
        int e = errno;
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        close(go[1]);
        close(err[0]);
        errno = e;
        return -1;
    }
    if (write(go[1], "g", 1) != 1) {
        close(go[1]);
        close(err[0]);
        return -1;
    }
    close(go[1]);
    *err_fd = err[0];
    return pid;
}

/* After PROG is gone, tracees it left behind are let go, not killed. */
static void release_rest(tracer *t)
{
    task *k, *tmp;
    HASH_ITER(hh, t->tasks, k, tmp) {
        if (ptrace(PTRACE_INTERRUPT, k->tid, NULL, NULL) != 0) {
            task_drop(t, k);
            continue;
        }
        int status;
        if (waitpid(k->tid, &status, __WALL) == k->tid && WIFSTOPPED(status))
            ptrace(PTRACE_DETACH, k->tid, NULL, NULL);
        task_drop(t, k);
    }
}

int gl_trace_run(char *const *argv, char *const *envp, const gl_trace_opts *o, gl_trace_result *r)
{
    memset(r, 0, sizeof *r);
    int err_fd = -1;
    tracer t = {.o = o, .r = r};
    t.top = start_child(argv, envp, !o->untraced, &err_fd);
    if (t.top < 0)
        return -1;
    traced_child = t.top;
    r->pid = t.top;
    task_get(&t, t.top);
    while (!t.top_done) {
        int status;
        pid_t tid = waitpid(-1, &status, __WALL);
        if (tid < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (WIFSTOPPED(status))
            on_stop(&t, tid, status);
        else if (WIFEXITED(status) || WIFSIGNALED(status))
            on_gone(&t, tid, status);
    }
    release_rest(&t);
    int e = 0;
    if (read(err_fd, &e, sizeof e) == (ssize_t)sizeof e)
        r->exec_errno = e;
    close(err_fd);
    proc *p, *ptmp;
    HASH_ITER(hh, t.procs, p, ptmp) {
        HASH_DEL(t.procs, p);
        proc_free(p);
    }
    return 0;
}
