/* The shim's own threads (the exit reporter, the interval and on-request
 * dumpers) have no goroutine. libgo installs its signal handler for every
 * signal, and that handler, run on a thread without a g, prints "fatal: bad
 * g in signal handler" and faults: a SIGCHLD from a child process the tests
 * started, landing on the exit reporter while it writes the dump, killed
 * whole test binaries. So these threads start with every asynchronous signal
 * blocked (the kernel then delivers process-wide signals to the program's
 * own threads); faults stay deliverable, a blocked one would kill silently. */
#include "core/core.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
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

/* The thread names itself before its creator goes on: a look at
 * /proc/PID/task right after the shim started (the e2e test
 * clean_signal_shim_thread does one) never finds it still unnamed. */
struct start {
    const char *name;
    void *(*fn)(void *);
    void *arg;
    sem_t named;
};

static void *trampoline(void *p)
{
    struct start *s = p;
    void *(*fn)(void *) = s->fn;
    void *arg = s->arg;
    /* Named, so a look at /proc/PID/task tells them from the program's. */
    prctl(PR_SET_NAME, s->name, 0, 0, 0);
    sem_post(&s->named); /* s is the creator's: not touched after this */
    return fn(arg);
}

int gl_thread_start(pthread_t *t, int detached, const char *name, void *(*fn)(void *), void *arg)
{
    pthread_attr_t a;
    if (pthread_attr_init(&a) != 0)
        return -1;
    if (detached)
        pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    struct start s = {.name = name, .fn = fn, .arg = arg};
    if (sem_init(&s.named, 0, 0) != 0) {
        pthread_attr_destroy(&a);
        return -1;
    }
    /* The new thread inherits the creator's mask; the creator's own is
     * restored at once. */
    sigset_t old;
    block_async_signals(&old);
    int rc = pthread_create(t, &a, trampoline, &s);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&a);
    if (rc == 0)
        while (sem_wait(&s.named) != 0 && errno == EINTR)
            ;
    sem_destroy(&s.named);
    return rc == 0 ? 0 : -1;
}
