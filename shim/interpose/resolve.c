/* The real runtime entry points, found by name with dlsym(RTLD_NEXT) at load
 * time. libgo versions differ: a missing symbol is noted (one warning line)
 * and its part of the shim stays out of the way. */
#include "interpose/interpose.h"

#include <dlfcn.h>
#include <link.h>
#include <string.h>
#include <unistd.h>

gl_host_state gl_host;

#define SYM(field, name, core) {offsetof(gl_real, field), name, core}
static const struct {
    size_t off;
    const char *name;
    int core; /* without it the shim cannot work at all */
} table[] = {
    SYM(go_go, "__go_go", 1),
    SYM(goexit1, "runtime.goexit1", 1),
    SYM(getg, "runtime.getg", 1),
    SYM(gopark, "runtime.gopark", 1),
    SYM(makechan, "runtime.makechan", 0),
    SYM(makechan64, "runtime.makechan64", 0),
    SYM(chansend1, "runtime.chansend1", 0),
    SYM(chanrecv1, "runtime.chanrecv1", 0),
    SYM(chanrecv2, "runtime.chanrecv2", 0),
    SYM(closechan, "runtime.closechan", 0),
    SYM(selectgo, "runtime.selectgo", 0),
    SYM(mutex_lock, "sync.Mutex.Lock", 0),
    SYM(rwmutex_lock, "sync.RWMutex.Lock", 0),
    SYM(rwmutex_rlock, "sync.RWMutex.RLock", 0),
    SYM(mutex_unlock, "sync.Mutex.Unlock", 0),
    SYM(rwmutex_runlock, "sync.RWMutex.RUnlock", 0),
    SYM(mutex_trylock, "sync.Mutex.TryLock", 0),
    SYM(rwmutex_trylock, "sync.RWMutex.TryLock", 0),
    SYM(rwmutex_tryrlock, "sync.RWMutex.TryRLock", 0),
    SYM(once_do, "sync.Once.Do", 0),
    SYM(waitgroup_wait, "sync.WaitGroup.Wait", 0),
    SYM(cond_wait, "sync.Cond.Wait", 0),
    SYM(with_cancel, "context.WithCancel", 0),
    SYM(with_timeout, "context.WithTimeout", 0),
    SYM(with_deadline, "context.WithDeadline", 0),
    SYM(cancelctx_done, "context.cancelCtx.Done", 0),
    SYM(cancelctx_cancel, "context.cancelCtx.cancel", 0),
    SYM(new_timer, "time.NewTimer", 0),
    SYM(new_ticker, "time.NewTicker", 0),
    SYM(after, "time.After", 0),
    SYM(tick, "time.Tick", 0),
    SYM(timer_stop, "time.Timer.Stop", 0),
    SYM(timer_reset, "time.Timer.Reset", 0),
    SYM(ticker_stop, "time.Ticker.Stop", 0),
    SYM(ticker_reset, "time.Ticker.Reset", 0),
    SYM(t_run, "testing.T.Run", 0),
    SYM(t_name, "testing.T.Name..stub", 0),
    SYM(gosched, "runtime.Gosched", 0),
    SYM(dopanic_m, "runtime.dopanic__m", 0),
};

static void note_missing(const char *name)
{
    char *missing = gl_host.missing;
    size_t n = strlen(missing);
    size_t k = strlen(name);
    if (n + k + 2 >= sizeof gl_host.missing)
        return;
    if (n)
        missing[n++] = ',';
    memcpy(missing + n, name, k + 1);
}

static int find_libgo(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void)size;
    (void)arg;
    const char *base = strrchr(info->dlpi_name, '/');
    base = base ? base + 1 : info->dlpi_name;
    if (strncmp(base, "libgo.so", 8) == 0) {
        size_t n = strlen(info->dlpi_name);
        if (n >= sizeof gl_host.libgo)
            n = sizeof gl_host.libgo - 1;
        memcpy(gl_host.libgo, info->dlpi_name, n);
        gl_host.libgo[n] = '\0';
        return 1;
    }
    return 0;
}

void gl_resolve_all(void)
{
    /* exit is needed in every process, gccgo or not. */
    gl_host.real.exit = (void (*)(int))dlsym(RTLD_NEXT, "exit");

    /* Not a gccgo program: nothing to do, and nothing to say. (RTLD_NEXT:
     * the default scope would find our own __go_go in every process.) */
    if (dlsym(RTLD_NEXT, "__go_go") == NULL)
        return;
    dl_iterate_phdr(find_libgo, NULL);

    int core_ok = 1;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        void *p = dlsym(RTLD_NEXT, table[i].name);
        *(void **)((char *)&gl_host.real + table[i].off) = p;
        if (!p) {
            note_missing(table[i].name);
            if (table[i].core)
                core_ok = 0;
        }
    }
    if (gl_host.missing[0]) {
        char msg[700];
        size_t n = 0;
        const char *parts[] = {"goleash: this libgo lacks ", gl_host.missing,
                               core_ok ? "; those are not intercepted" : "; goleash is disabled"};
        for (size_t i = 0; i < 3; i++)
            for (const char *p = parts[i]; *p && n + 1 < sizeof msg; p++)
                msg[n++] = *p;
        msg[n] = '\0';
        gl_log(msg);
    }
    atomic_store(&gl_host.active, core_ok);
}

/* An interposer reached before the constructor ran (a library constructor
 * calling into Go) resolves its own target; if even that fails the program
 * could not have run without us either, so fail the way ld.so would. */
/* A libgo that is not in the global scope: loaded later with a library a
 * host dlopen()ed with RTLD_LOCAL (Python's ctypes, a C plugin host), whose
 * calls still reach the interposers (we are global). Looked up through its
 * own handle: RTLD_NEXT cannot see it. */
static void *from_local_libgo(const char *name)
{
    if (!gl_host.libgo[0])
        dl_iterate_phdr(find_libgo, NULL);
    if (!gl_host.libgo[0])
        return NULL;
    void *h = dlopen(gl_host.libgo, RTLD_LAZY | RTLD_NOLOAD);
    if (!h)
        return NULL;
    void *p = dlsym(h, name);
    dlclose(h); /* NOLOAD took a reference of its own: libgo stays loaded */
    return p;
}

void *gl_resolve_or_die(void **slot, const char *name)
{
    void *p = *slot;
    if (p)
        return p;
    p = dlsym(RTLD_NEXT, name);
    if (!p)
        p = from_local_libgo(name);
    if (!p) {
        static const char pre[] = "goleash: symbol lookup error: undefined symbol: ";
        if (write(2, pre, sizeof pre - 1) < 0 || write(2, name, strlen(name)) < 0 || write(2, "\n", 1) < 0) {
        }
        _exit(127);
    }
    *slot = p;
    return p;
}
