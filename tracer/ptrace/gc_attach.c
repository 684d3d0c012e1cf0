/* Seize, interrupt, detach (gc_attach.h), after rr's and Delve's ptrace
 * hygiene: all threads, __WALL, ESRCH means the thread is gone. */
#include "ptrace/why.h"
#include "ptrace/gc_attach.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

static int read_int_file(const char *path, long *out)
{
    FILE *f = fopen(path, "re");
    int ok = f && fscanf(f, "%ld", out) == 1;
    if (f)
        fclose(f);
    return ok ? 0 : -1;
}

/* The status line `Key:\tvalue` of /proc/PID/status, as a number. */
static long status_field(pid_t pid, const char *key)
{
    char path[64], line[256];
    long v = -1;
    size_t klen = strlen(key);
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "re");
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
            v = strtol(line + klen + 1, NULL, 10);
            break;
        }
    if (f)
        fclose(f);
    return v;
}

int gc_attach_explain(pid_t pid, int err, char *why, size_t len)
{
    if (err == ESRCH)
        return gc_why(why, len, "process %d does not exist", (int)pid);
    if (err != EPERM)
        return gc_why(why, len, "cannot attach to process %d: %s", (int)pid, strerror(err));
    long tracer = status_field(pid, "TracerPid"), scope = -1;
    long uid = status_field(pid, "Uid");
    if (tracer > 0)
        return gc_why(why, len, "cannot attach to process %d: it is already traced by process %ld (a debugger?)",
                   (int)pid, tracer);
    if (uid >= 0 && (uid_t)uid != geteuid() && geteuid() != 0)
        return gc_why(why, len, "cannot attach to process %d: it belongs to uid %ld, not to you; run goleash as that "
                   "user or as root", (int)pid, uid);
    if (read_int_file("/proc/sys/kernel/yama/ptrace_scope", &scope) == 0 && scope > 0)
        return gc_why(why, len, "cannot attach to process %d: ptrace is restricted (kernel.yama.ptrace_scope = %ld%s); "
                   "run as root, or give goleash CAP_SYS_PTRACE (setcap cap_sys_ptrace+ep $(command -v goleash))%s",
                   (int)pid, scope, scope == 3 ? ": no attaching at all until reboot" : "",
                   scope == 1 ? ", or: sysctl kernel.yama.ptrace_scope=0" : "");
    return gc_why(why, len, "cannot attach to process %d: ptrace is not permitted here (no CAP_SYS_PTRACE; in a "
               "container, its seccomp profile or capabilities forbid it)", (int)pid);
}

static int has_tid(const gc_stopped *s, pid_t tid)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->tids[i] == tid)
            return 1;
    return 0;
}

/* Waits for tid's interrupt stop; a signal stop before it is kept for the
 * detach. 0 stopped, -1 gone. */
static int wait_stopped(pid_t tid, int *pending)
{
    for (;;) {
        int status;
        pid_t r = waitpid(tid, &status, __WALL);
        if (r < 0 && errno == EINTR)
            continue;
        if (r != tid || !WIFSTOPPED(status))
            return -1;
        int ev = (int)((unsigned)status >> 16), sig = WSTOPSIG(status);
        if (ev == PTRACE_EVENT_STOP)
            return 0;
        if (ev == 0) {
            /* A signal on its way in: hold it, hand it back on detach. */
            *pending = sig;
            return 0;
        }
        if (ptrace(PTRACE_CONT, tid, NULL, NULL) != 0)
            return -1;
    }
}

static int seize_one(gc_stopped *s, pid_t tid)
{
    if (ptrace(PTRACE_SEIZE, tid, NULL, NULL) != 0)
        return errno == ESRCH ? 0 : -1; /* a thread that just exited */
    if (gl_grow((void **)&s->tids, &s->cap, s->n + 1, sizeof *s->tids) != 0
        || !(s->pending = realloc(s->pending, s->cap * sizeof *s->pending))) {
        ptrace(PTRACE_DETACH, tid, NULL, NULL);
        errno = ENOMEM;
        return -1;
    }
    s->tids[s->n] = tid;
    s->pending[s->n] = 0;
    if (ptrace(PTRACE_INTERRUPT, tid, NULL, NULL) != 0 || wait_stopped(tid, &s->pending[s->n]) != 0) {
        ptrace(PTRACE_DETACH, tid, NULL, NULL);
        return 0; /* gone meanwhile */
    }
    s->n++;
    return 0;
}

/* One pass over /proc/PID/task: seizes threads not seen yet. Returns how
 * many were new, -1 on a refusal (errno). */
static int seize_new(gc_stopped *s)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", (int)s->pid);
    DIR *d = opendir(path);
    if (!d)
        return -1;
    int added = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        pid_t tid = (pid_t)strtol(e->d_name, NULL, 10);
        if (tid <= 0 || has_tid(s, tid))
            continue;
        size_t before = s->n;
        if (seize_one(s, tid) != 0) {
            int err = errno;
            closedir(d);
            errno = err;
            return -1;
        }
        added += s->n > before;
    }
    closedir(d);
    return added;
}

int gc_stop_all(pid_t pid, gc_stopped *s, char *why, size_t whylen)
{
    memset(s, 0, sizeof *s);
    s->pid = pid;
    /* Threads started while the first ones were being stopped show up in
     * the next pass; once all are stopped none can start. */
    for (int pass = 0; pass < 1000; pass++) {
        int added = seize_new(s);
        if (added < 0) {
            int err = errno;
            gc_resume_all(s);
            return gc_attach_explain(pid, err, why, whylen);
        }
        if (added == 0 && pass > 0)
            return s->n ? 0 : gc_attach_explain(pid, ESRCH, why, whylen);
    }
    gc_resume_all(s);
    return gc_why(why, whylen, "process %d keeps starting threads: could not stop them all", (int)pid);
}

void gc_resume_all(gc_stopped *s)
{
    for (size_t i = 0; i < s->n; i++)
        ptrace(PTRACE_DETACH, s->tids[i], NULL, (void *)(uintptr_t)s->pending[i]);
    free(s->tids);
    free(s->pending);
    memset(s, 0, sizeof *s);
}
