/* `goleash run` on a program tree that may hold gc programs: runs PROG as
 * a ptrace tracee, follows every fork, clone and exec, stops each gc
 * process at its exit with its memory intact and writes its goleash dump.
 * gccgo processes in the tree take the shim (LD_PRELOAD, set by the caller)
 * and write their own dumps; the tracer only follows them. */
#ifndef GOLEASH_GC_TRACE_H
#define GOLEASH_GC_TRACE_H

#include <stddef.h>
#include <sys/types.h>

typedef struct gl_trace_opts {
    const char *dump_dir;     /* gc dumps go there as goleash.PID.dump */
    int untraced;             /* run without ptrace (where it is refused): only
                               * the shim observes, gccgo processes alone */
} gl_trace_opts;

typedef struct gl_trace_result {
    pid_t pid;                /* PROG's pid */
    int status;               /* PROG's wait status */
    int exec_errno;           /* PROG could not be executed (0: it ran) */
    size_t ngc, ngccgo, nother; /* executables run in the tree, by kind */
    size_t gc_dumped;         /* gc processes whose state was read */
    size_t unsupported;       /* gc processes goleash could not read */
    char unsupported_why[640];/* the first reason */
    size_t tests;             /* tests started in gc processes */
    int ptrace_refused;       /* PROG ran untraced (set by the caller) */
    /* what tracing cost: stops by kind, time spent reading and writing dumps */
    size_t stops_signal, stops_break, stops_task, settle_rounds;
    int64_t dump_ns;
} gl_trace_result;

/* Starts argv with the environment envp (PATH search as execvp) traced,
 * waits until it exits. Returns 0 with *r filled, or -1 with errno when
 * PROG could not be traced at all (EPERM: ptrace is not allowed here). */
int gl_trace_run(char *const *argv, char *const *envp, const gl_trace_opts *o, gl_trace_result *r);

/* The pid of the running PROG (0 when none): for forwarding signals. */
pid_t gl_trace_child(void);

#endif
