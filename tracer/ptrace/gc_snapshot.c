/* Snapshots of running gc programs (gc_snapshot.h). */
#include "ptrace/why.h"
#include "ptrace/gc_snapshot.h"
#include "ptrace/gc_attach.h"
#include "dump/gc_dump.h"
#include "runtime/gc_state.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ns(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The test suite's way to kill goleash while the process is stopped
 * (tests/gc/run_snapshot.py): GOLEASH_TEST_SNAPSHOT_HOLD_MS keeps it
 * stopped that long. */
static void hold_for_tests(void)
{
    const char *ms = getenv("GOLEASH_TEST_SNAPSHOT_HOLD_MS");
    if (ms && *ms)
        usleep((useconds_t)strtoul(ms, NULL, 10) * 1000);
}

/* One sample: stop, read, let go. Signals that would end goleash wait
 * until the process runs again, so that it is never left stopped. */
static int sample(gc_proc *p, gc_state *st, int64_t *at_ns, int64_t *pause_ns, size_t *threads, char *why,
                  size_t whylen)
{
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigaddset(&block, SIGQUIT);
    sigprocmask(SIG_BLOCK, &block, &old);
    gc_stopped s;
    int64_t t0 = now_ns(CLOCK_MONOTONIC);
    int rc = gc_stop_all(p->pid, &s, why, whylen);
    if (rc == 0) {
        *threads = s.n;
        *at_ns = now_ns(CLOCK_MONOTONIC);
        rc = gc_state_read(p, st, why, whylen);
        hold_for_tests();
        gc_resume_all(&s);
    }
    *pause_ns = now_ns(CLOCK_MONOTONIC) - t0;
    sigprocmask(SIG_SETMASK, &old, NULL);
    return rc;
}

static void sleep_ns(int64_t ns)
{
    struct timespec ts = {(time_t)(ns / 1000000000), (long)(ns % 1000000000)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

int gc_snapshot(pid_t pid, const gc_snapshot_opts *o, gc_snapshot_stats *stats, char *why, size_t whylen)
{
    char exe[64];
    gc_proc p;
    memset(stats, 0, sizeof *stats);
    snprintf(exe, sizeof exe, "/proc/%d/exe", (int)pid);
    char real[4096];
    ssize_t n = readlink(exe, real, sizeof real - 1);
    if (n < 0)
        return gc_attach_explain(pid, errno == ENOENT ? ESRCH : errno == EACCES ? EPERM : errno, why, whylen);
    real[n] = '\0';
    if (gc_proc_open(&p, pid, exe, why, whylen) != 0) {
        gc_proc_close(&p);
        return -1;
    }
    free(p.bin.path);
    p.bin.path = strdup(real);
    gc_state first = {0}, last = {0};
    int64_t first_ns = 0, last_ns = 0;
    int two = o->min_park_ns > 0;
    int rc = sample(&p, &first, &first_ns, &stats->pause_ns[0], &stats->threads, why, whylen);
    if (rc == 0 && two) {
        sleep_ns(o->min_park_ns);
        rc = sample(&p, &last, &last_ns, &stats->pause_ns[1], &stats->threads, why, whylen);
        if (rc != 0)
            gc_state_free(&last);
    }
    if (rc == 0) {
        const gc_state *st = two ? &last : &first;
        stats->goroutines = st->ngs;
        gc_dump_info info = {.pid = pid, .ppid = 0, .reason = "snapshot", .status = -1,
                             .mono_ns = two ? last_ns : first_ns, .wall_ns = now_ns(CLOCK_REALTIME),
                             .first = two ? &first : NULL, .first_ns = first_ns};
        rc = gc_dump_write(o->dump_path, &p, st, &info, why, whylen);
        if (two)
            gc_state_free(&last);
    }
    gc_state_free(&first);
    gc_proc_close(&p);
    return rc;
}
