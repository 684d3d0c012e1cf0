/* The shim's own threads (the exit reporter, the interval and on-request
 * dumpers) have no goroutine. libgo installs its signal handler for every
 * signal, and that handler, run on a thread without a g, prints "fatal: bad
 * g in signal handler" and faults: a SIGCHLD from a child process the tests
 * started, landing on the exit reporter while it writes the dump, killed
 * whole test binaries. So these threads start with every asynchronous signal
 * blocked (the kernel then delivers process-wide signals to the program's
 * own threads); faults stay deliverable, a blocked one would kill silently. */
#include "core/core.h"

#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>

static void block_async_signals(sigset_t *old)
{
    sigset_t all;
    sigfillset(&all);
    static const int faults[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, SIGABRT};
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++)
        sigdelset(&all, faults[i]);
    pthread_sigmask(SIG_BLOCK, &all, old);
}

int gl_thread_start(pthread_t *t, int detached, void *(*fn)(void *), void *arg)
{
    pthread_attr_t a;
    if (pthread_attr_init(&a) != 0)
        return -1;
    if (detached)
        pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    /* The new thread inherits the creator's mask; the creator's own is
     * restored at once. */
    sigset_t old;
    block_async_signals(&old);
    int rc = pthread_create(t, &a, fn, arg);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&a);
    return rc == 0 ? 0 : -1;
}

void gl_thread_name(const char *name)
{
    /* Named, so a look at /proc/PID/task tells them from the program's. */
    prctl(PR_SET_NAME, name, 0, 0, 0);
}
