/* Stopping a running process for a moment, without it noticing: every
 * thread is seized (PTRACE_SEIZE, so no SIGSTOP is sent) and interrupted;
 * a signal that arrives meanwhile is held and handed back on detach. A
 * seized process is never left stopped: if goleash dies, the kernel lets
 * the threads go (no PTRACE_O_EXITKILL here, and an interrupt stop is not
 * a group stop), and no breakpoint is ever written. */
#ifndef GOLEASH_GC_ATTACH_H
#define GOLEASH_GC_ATTACH_H

#include <stddef.h>
#include <sys/types.h>

typedef struct gc_stopped {
    pid_t pid;
    size_t n, cap;
    pid_t *tids;
    int *pending;             /* a signal to deliver on detach, 0 none */
} gc_stopped;

/* Stops every thread of pid. 0, or -1 with why (one line saying what to
 * do about it when ptrace is not allowed) and nothing left attached. */
int gc_stop_all(pid_t pid, gc_stopped *s, char *why, size_t whylen);

/* Why pid cannot be traced (err: EPERM, ESRCH, ...), and what would allow
 * it, as one line in why. Returns -1. */
int gc_attach_explain(pid_t pid, int err, char *why, size_t len);

/* Lets every thread go; the process runs on as before. */
void gc_resume_all(gc_stopped *s);

#endif
