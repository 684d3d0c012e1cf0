/* Wait classification of foreign dumps (wait_classify.h). */
#include "format/wait_classify.h"

#include <string.h>

typedef struct status_entry {
    const char *text;
    gl_gstate state;
    int reason;
    gl_wait wait;
    unsigned flags;
} status_entry;

/* Every status gc (1.17 .. 1.27) and libgo print between the brackets,
 * modifiers removed, but the wait reasons of libgo's numbering, which are
 * the dump vocabulary's table (GL_WAIT_REASONS) and looked up there, after
 * these goroutine states. Wait reasons outside libgo's numbering get -1
 * unless they are a finer spelling of one it has (gc 1.22+ says
 * sync.Mutex.Lock where libgo says semacquire). */
static const status_entry states[] = {
    /* goroutine states (no wait reason) */
    {"running", GL_G_RUNNING, -1, GL_WAIT_NONE, 0},
    {"runnable", GL_G_RUNNING, -1, GL_WAIT_NONE, 0},
    {"syscall", GL_G_RUNNING, -1, GL_WAIT_NONE, 0},
    {"exiting syscall", GL_G_RUNNING, -1, GL_WAIT_NONE, 0},
    {"idle", GL_G_RUNNING, -1, GL_WAIT_NONE, 0},
    {"copystack", GL_G_RUNNING, -1, GL_WAIT_NONE, 0},
    {"preempted", GL_G_RUNNING, -1, GL_WAIT_NONE, 0},
    {"moribund", GL_G_RUNNING, -1, GL_WAIT_NONE, 0},
    {"dead", GL_G_EXITED, -1, GL_WAIT_NONE, 0},
    {"waiting", GL_G_PARKED, -1, GL_WAIT_OTHER, 0},
    /* Go 1.26: a goroutine the GC proved leaked, its wait reason unknown */
    {"leaked", GL_G_PARKED, -1, GL_WAIT_OTHER, GL_GF_LEAKED},
};

static const status_entry other_reasons[] = {
    /* gc's finer semacquire reasons (1.20+) */
    {"sync.Mutex.Lock", GL_G_PARKED, GL_WR_SEMACQUIRE, GL_WAIT_MUTEX, 0},
    {"sync.RWMutex.RLock", GL_G_PARKED, GL_WR_SEMACQUIRE, GL_WAIT_RWMUTEX_R, 0},
    {"sync.RWMutex.Lock", GL_G_PARKED, GL_WR_SEMACQUIRE, GL_WAIT_RWMUTEX, 0},
    {"sync.WaitGroup.Wait", GL_G_PARKED, GL_WR_SEMACQUIRE, GL_WAIT_WAITGROUP, 0},
    /* synctest (1.24 spells the durable ones "(synctest)", 1.25+ "(durable)"):
     * the durable waits are the leak candidates they look like */
    {"chan receive (synctest)", GL_G_PARKED, GL_WR_CHAN_RECEIVE, GL_WAIT_CHAN, GL_GF_DURABLE | GL_GF_BUBBLE},
    {"chan send (synctest)", GL_G_PARKED, GL_WR_CHAN_SEND, GL_WAIT_CHAN, GL_GF_DURABLE | GL_GF_BUBBLE},
    {"select (synctest)", GL_G_PARKED, GL_WR_SELECT, GL_WAIT_SELECT, GL_GF_DURABLE | GL_GF_BUBBLE},
    {"sync.WaitGroup.Wait (synctest)", GL_G_PARKED, GL_WR_SEMACQUIRE, GL_WAIT_WAITGROUP, GL_GF_DURABLE | GL_GF_BUBBLE},
    {"chan receive (durable)", GL_G_PARKED, GL_WR_CHAN_RECEIVE, GL_WAIT_CHAN, GL_GF_DURABLE},
    {"chan send (durable)", GL_G_PARKED, GL_WR_CHAN_SEND, GL_WAIT_CHAN, GL_GF_DURABLE},
    {"select (durable)", GL_G_PARKED, GL_WR_SELECT, GL_WAIT_SELECT, GL_GF_DURABLE},
    {"sync.WaitGroup.Wait (durable)", GL_G_PARKED, GL_WR_SEMACQUIRE, GL_WAIT_WAITGROUP, GL_GF_DURABLE},
    {"synctest.Run", GL_G_PARKED, -1, GL_WAIT_OTHER, GL_GF_BUBBLE},
    {"synctest.Wait", GL_G_PARKED, -1, GL_WAIT_OTHER, GL_GF_BUBBLE},
    /* gc's other runtime-internal reasons */
    {"GC worker (active)", GL_G_PARKED, -1, GL_WAIT_OTHER, 0},
    {"GOMAXPROCS updater (idle)", GL_G_PARKED, -1, GL_WAIT_OTHER, 0},
    {"GC mark termination", GL_G_PARKED, -1, GL_WAIT_OTHER, 0},
    {"stopping the world", GL_G_PARKED, -1, GL_WAIT_OTHER, 0},
    {"flushing proc caches", GL_G_PARKED, -1, GL_WAIT_OTHER, 0},
    {"trace goroutine status", GL_G_PARKED, -1, GL_WAIT_OTHER, 0},
    {"trace proc status", GL_G_PARKED, -1, GL_WAIT_OTHER, 0},
    {"page trace flush", GL_G_PARKED, -1, GL_WAIT_OTHER, 0},
    {"coroutine", GL_G_PARKED, -1, GL_WAIT_OTHER, 0},
    {"GC weak to strong wait", GL_G_PARKED, -1, GL_WAIT_OTHER, 0},
    {"cleanup wait", GL_G_PARKED, -1, GL_WAIT_OTHER, 0},
    {"finalizer and cleanup wait", GL_G_PARKED, -1, GL_WAIT_OTHER, 0},
    {"waiting for cgo callback", GL_G_RUNNING, -1, GL_WAIT_NONE, 0},
};

static int ends_with(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

static const status_entry *find(const status_entry *table, size_t n, const char *s, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(table[i].text) == len && memcmp(table[i].text, s, len) == 0)
            return &table[i];
    return NULL;
}

#define FIND(table, s, len) find(table, sizeof table / sizeof table[0], s, len)

static int lookup(const char *s, size_t len, gl_wait_class *out, unsigned flags)
{
    status_entry reason;
    const status_entry *e = FIND(states, s, len);
    if (!e) {
        int n = gl_wait_reason_from_string(s, len);
        if (n >= 0) {
            reason = (status_entry){NULL, GL_G_PARKED, n, gl_wait_reason_class(n), 0};
            e = &reason;
        }
    }
    if (!e)
        e = FIND(other_reasons, s, len);
    if (!e)
        return 0;
    out->state = e->state;
    out->reason = e->reason;
    out->wait = e->wait;
    out->flags = flags | e->flags;
    out->known = 1;
    return 1;
}

void gl_wait_classify_status(const char *s, size_t len, gl_wait_class *out)
{
    unsigned flags = 0;
    out->durable_suffix = 0;
    /* The header appends, in this order: " (leaked)" (1.26), " (scan)",
     * " (durable)" (1.25, for a bubbled goroutine idle in a way synctest
     * counts). Taken off from the end. */
    if (ends_with(s, len, " (durable)")) {
        /* ... unless the reason itself ends so ("chan receive (durable)"):
         * the suffix is never doubled, so either reading gives that. */
        size_t n = len - 10;
        if (!ends_with(s, n, " (scan)") && !ends_with(s, n, " (leaked)") && lookup(s, len, out, 0)) {
            out->core_len = len;
            return;
        }
        len = n;
        flags |= GL_GF_DURABLE;
        out->durable_suffix = 1;
    }
    if (ends_with(s, len, " (scan)"))
        len -= 7;
    if (ends_with(s, len, " (leaked)")) {
        len -= 9;
        flags |= GL_GF_LEAKED;
    }
    out->core_len = len;
    if (len == 0) {
        lookup("preempted", 9, out, flags);
        return;
    }
    if (lookup(s, len, out, flags))
        return;
    /* A reason we do not know: parked, kept verbatim, never a candidate. */
    out->state = GL_G_PARKED;
    out->reason = -1;
    out->wait = GL_WAIT_OTHER;
    out->flags = flags;
    out->known = 0;
}

/* ---- frames ----------------------------------------------------------- */

enum kind { K_SKIP, K_PARK, K_SEMA, K_REFINE };

typedef struct frame_entry {
    const char *function;
    enum kind kind;
    int reason;
    gl_wait wait;
} frame_entry;

/* gc spellings, then libgo's: methods as T.M instead of (*T).M, and
 * linknamed runtime functions with a doubled underscore. */
static const frame_entry frames[] = {
    /* the parking machinery itself */
    {"runtime.gopark", K_SKIP, 0, 0},
    {"runtime.goparkunlock", K_SKIP, 0, 0},
    {"runtime.park_m", K_SKIP, 0, 0},
    {"runtime.mcall", K_SKIP, 0, 0},
    {"runtime.Gosched", K_SKIP, 0, 0},
    /* channels */
    {"runtime.chanrecv", K_PARK, GL_WR_CHAN_RECEIVE, GL_WAIT_CHAN},
    {"runtime.chanrecv1", K_PARK, GL_WR_CHAN_RECEIVE, GL_WAIT_CHAN},
    {"runtime.chanrecv2", K_PARK, GL_WR_CHAN_RECEIVE, GL_WAIT_CHAN},
    {"runtime.chansend", K_PARK, GL_WR_CHAN_SEND, GL_WAIT_CHAN},
    {"runtime.chansend1", K_PARK, GL_WR_CHAN_SEND, GL_WAIT_CHAN},
    {"runtime.selectgo", K_PARK, GL_WR_SELECT, GL_WAIT_SELECT},
    {"runtime.block", K_PARK, GL_WR_SELECT_NO_CASES, GL_WAIT_FOREVER},
    /* sleep, I/O */
    {"time.Sleep", K_PARK, GL_WR_SLEEP, GL_WAIT_SLEEP},
    {"runtime.timeSleep", K_PARK, GL_WR_SLEEP, GL_WAIT_SLEEP},
    {"runtime.netpollblock", K_PARK, GL_WR_IO_WAIT, GL_WAIT_IO},
    {"internal/poll.runtime_pollWait", K_PARK, GL_WR_IO_WAIT, GL_WAIT_IO},
    {"internal/poll.runtime__pollWait", K_PARK, GL_WR_IO_WAIT, GL_WAIT_IO},
    /* sync.Cond */
    {"sync.runtime_notifyListWait", K_PARK, GL_WR_SYNC_COND_WAIT, GL_WAIT_COND},
    {"sync.runtime__notifyListWait", K_PARK, GL_WR_SYNC_COND_WAIT, GL_WAIT_COND},
    {"runtime.notifyListWait", K_PARK, GL_WR_SYNC_COND_WAIT, GL_WAIT_COND},
    /* semaphores: which sync type is behind one is decided further out */
    {"runtime.semacquire1", K_SEMA, GL_WR_SEMACQUIRE, GL_WAIT_SEMA},
    {"runtime.semacquire", K_SEMA, GL_WR_SEMACQUIRE, GL_WAIT_SEMA},
    {"sync.runtime_Semacquire", K_SEMA, GL_WR_SEMACQUIRE, GL_WAIT_SEMA},
    {"sync.runtime_SemacquireMutex", K_SEMA, GL_WR_SEMACQUIRE, GL_WAIT_SEMA},
    {"sync.runtime_SemacquireRWMutex", K_SEMA, GL_WR_SEMACQUIRE, GL_WAIT_SEMA},
    {"sync.runtime_SemacquireRWMutexR", K_SEMA, GL_WR_SEMACQUIRE, GL_WAIT_SEMA},
    {"sync.runtime_SemacquireWaitGroup", K_SEMA, GL_WR_SEMACQUIRE, GL_WAIT_SEMA},
    {"internal/sync.runtime_SemacquireMutex", K_SEMA, GL_WR_SEMACQUIRE, GL_WAIT_SEMA},
    {"sync.runtime__Semacquire", K_SEMA, GL_WR_SEMACQUIRE, GL_WAIT_SEMA},
    {"sync.runtime__SemacquireMutex", K_SEMA, GL_WR_SEMACQUIRE, GL_WAIT_SEMA},
    /* the sync types (found alone too: libgo's runtime.Stack hides the
     * runtime frames under them) */
    {"sync.(*Mutex).Lock", K_REFINE, GL_WR_SEMACQUIRE, GL_WAIT_MUTEX},
    {"sync.(*Mutex).lockSlow", K_REFINE, GL_WR_SEMACQUIRE, GL_WAIT_MUTEX},
    {"internal/sync.(*Mutex).Lock", K_REFINE, GL_WR_SEMACQUIRE, GL_WAIT_MUTEX},
    {"internal/sync.(*Mutex).lockSlow", K_REFINE, GL_WR_SEMACQUIRE, GL_WAIT_MUTEX},
    {"sync.Mutex.Lock", K_REFINE, GL_WR_SEMACQUIRE, GL_WAIT_MUTEX},
    {"sync.Mutex.lockSlow", K_REFINE, GL_WR_SEMACQUIRE, GL_WAIT_MUTEX},
    {"sync.(*RWMutex).RLock", K_REFINE, GL_WR_SEMACQUIRE, GL_WAIT_RWMUTEX_R},
    {"sync.RWMutex.RLock", K_REFINE, GL_WR_SEMACQUIRE, GL_WAIT_RWMUTEX_R},
    {"sync.(*RWMutex).Lock", K_REFINE, GL_WR_SEMACQUIRE, GL_WAIT_RWMUTEX},
    {"sync.RWMutex.Lock", K_REFINE, GL_WR_SEMACQUIRE, GL_WAIT_RWMUTEX},
    {"sync.(*WaitGroup).Wait", K_REFINE, GL_WR_SEMACQUIRE, GL_WAIT_WAITGROUP},
    {"sync.WaitGroup.Wait", K_REFINE, GL_WR_SEMACQUIRE, GL_WAIT_WAITGROUP},
    {"sync.(*Cond).Wait", K_REFINE, GL_WR_SYNC_COND_WAIT, GL_WAIT_COND},
    {"sync.Cond.Wait", K_REFINE, GL_WR_SYNC_COND_WAIT, GL_WAIT_COND},
    /* Once.Do waits in its inner Mutex.Lock for another goroutine's f */
    {"sync.(*Once).doSlow", K_REFINE, GL_WR_SEMACQUIRE, GL_WAIT_ONCE},
    {"sync.(*Once).Do", K_REFINE, GL_WR_SEMACQUIRE, GL_WAIT_ONCE},
    {"sync.Once.doSlow", K_REFINE, GL_WR_SEMACQUIRE, GL_WAIT_ONCE},
    {"sync.Once.Do", K_REFINE, GL_WR_SEMACQUIRE, GL_WAIT_ONCE},
};

static const frame_entry *frame_lookup(const char *fn)
{
    for (size_t i = 0; i < sizeof frames / sizeof frames[0]; i++)
        if (strcmp(frames[i].function, fn) == 0)
            return &frames[i];
    return NULL;
}

/* How far out a semaphore's owner may be: lockSlow, Lock, and inlining
 * wrappers in between. */
#define SEMA_REACH 4

/* The sync type the user called: RWMutex.Lock waits for a competing writer
 * in its inner Mutex.Lock, which is still an RWMutex wait to its caller, and
 * Once.Do for another goroutine's f in its inner Mutex.Lock, a Once wait. */
static gl_wait outer_sync_type(const gl_stack *s, size_t at, gl_wait found)
{
    if (found != GL_WAIT_MUTEX)
        return found;
    for (size_t i = at + 1; i < s->n && i <= at + SEMA_REACH; i++) {
        const char *fn = s->frames[i].function;
        const frame_entry *e = fn ? frame_lookup(fn) : NULL;
        if (e && e->kind == K_REFINE && e->wait != GL_WAIT_MUTEX)
            return e->wait;
        /* Past the sync package: a Mutex the caller locked itself, if
         * inside a Once's function, is still a Mutex wait. */
        if (!e && (!fn || (strncmp(fn, "sync.", 5) != 0 && strncmp(fn, "internal/sync.", 14) != 0)))
            break;
    }
    return found;
}

int gl_wait_classify_frames(const gl_stack *s, int *reason, gl_wait *wait)
{
    if (!s)
        return 0;
    int sema = 0;
    size_t sema_at = 0;
    for (size_t i = 0; i < s->n; i++) {
        const char *fn = s->frames[i].function;
        if (!fn)
            break;
        if (sema && i - sema_at > SEMA_REACH)
            break;
        const frame_entry *e = frame_lookup(fn);
        if (!e) {
            if (sema)
                continue; /* e.g. an inlined helper between sema and Lock */
            break;
        }
        switch (e->kind) {
        case K_SKIP:
            continue;
        case K_PARK:
            if (sema)
                continue;
            *reason = e->reason;
            *wait = e->wait;
            return 1;
        case K_SEMA:
            if (!sema) {
                sema = 1;
                sema_at = i;
            }
            continue;
        case K_REFINE:
            *reason = e->reason;
            *wait = outer_sync_type(s, i, e->wait);
            return 1;
        }
    }
    if (sema) {
        *reason = GL_WR_SEMACQUIRE;
        *wait = GL_WAIT_SEMA;
        return 1;
    }
    return 0;
}
