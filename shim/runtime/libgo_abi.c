/* The checks of libgo_abi.h: goroutine ids and status words are read from
 * libgo's g, which nothing exports, at offsets checked on goroutines whose
 * answer is known. g structs are never freed by the runtime (dead ones wait
 * on free lists for reuse), so reading one is safe; a reused g shows
 * another goid and is not trusted. */
#include "runtime/libgo_abi.h"

/* What the checks found: 0 not yet, 1 passed, -1 failed. */
static struct {
    atomic_int goid;
    atomic_int status;
} checked;

int64_t gl_goid_of(const void *g)
{
    if (!g)
        return 0;
    return *(const int64_t *)((const char *)g + GL_LIBGO_G_GOID_OFFSET);
}

bool gl_goid_check_first_spawn(const void *newg)
{
    int expected = 0;
    /* The main goroutine, created by the program's C main before anything
     * else, is goroutine 1. */
    int verdict = gl_goid_of(newg) == 1 ? 1 : -1;
    if (!atomic_compare_exchange_strong(&checked.goid, &expected, verdict))
        return atomic_load(&checked.goid) > 0;
    if (verdict < 0) {
        static atomic_int warned;
        gl_warn_once(&warned, "goleash: cannot read goroutine ids from this libgo; goleash is disabled");
        atomic_store(&gl_host.active, 0);
        return false;
    }
    return true;
}

int64_t gl_current_goid(void)
{
    return gl_goid_of(gl_host.real.getg());
}

static uint32_t status_of(const void *g)
{
    return __atomic_load_n((const uint32_t *)((const char *)g + GL_LIBGO_G_STATUS_OFFSET), __ATOMIC_ACQUIRE)
         & ~(uint32_t)GL_LIBGO_G_SCAN;
}

bool gl_gstatus_validate(const void *running_g)
{
    int s = atomic_load_explicit(&checked.status, memory_order_relaxed);
    if (s)
        return s > 0;
    if (!running_g)
        return false;
    int want = status_of(running_g) == GL_LIBGO_G_RUNNING ? 1 : -1;
    int expected = 0;
    if (atomic_compare_exchange_strong(&checked.status, &expected, want) && want < 0) {
        static atomic_int warned;
        gl_warn_once(&warned, "goleash: cannot read goroutine status from this libgo; a goroutine woken "
                              "but not yet run at a dump may be reported as parked");
    }
    return atomic_load(&checked.status) > 0;
}

bool gl_gstatus_still_waiting(const void *g, int64_t goid)
{
    if (!g || atomic_load_explicit(&checked.status, memory_order_relaxed) <= 0)
        return true;
    if (gl_goid_of(g) != goid)
        return true;
    return status_of(g) == GL_LIBGO_G_WAITING;
}

int gl_gstatus_of(const void *g, int64_t goid)
{
    if (!g || atomic_load_explicit(&checked.status, memory_order_relaxed) <= 0 || gl_goid_of(g) != goid)
        return -1;
    return (int)status_of(g);
}
