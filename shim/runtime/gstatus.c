/* Is a goroutine the registry shows parked still parked? The registry's
 * record says "parked" from the gopark interposer until the goroutine runs
 * again, so one that was readied (a channel send, a close, an Unlock) but has
 * not been scheduled yet still looks parked: at exit that is the worker a
 * test sent its last item to just before returning, a false leak. The
 * runtime knows better: goready turns the g's status word from _Gwaiting to
 * _Grunnable before the waker returns. So the dump asks the g itself.
 *
 * In libgo for Go 1.16 to 1.18 (gccgo 11 to 13) atomicstatus is the uint32
 * after _panic, _defer, m, syscallsp, syscallpc and param: byte 48, just
 * before goid (goid.c). The offset is checked on a goroutine known to be
 * running Go code; until that check passed, or if it failed, nothing is
 * overruled and the registry's word stands. g structs are never freed by the
 * runtime (dead ones wait on free lists for reuse), so reading one is safe;
 * a reused g shows another goid and is not trusted either. */
#include "shim.h"

#define GSTATUS_OFFSET 48
enum { G_RUNNING = 2, G_WAITING = 4, G_SCAN = 0x1000 };

/* 0 unchecked, 1 valid, -1 failed */
static atomic_int state;

static uint32_t status_of(const void *g)
{
    return __atomic_load_n((const uint32_t *)((const char *)g + GSTATUS_OFFSET), __ATOMIC_ACQUIRE) & ~(uint32_t)G_SCAN;
}

bool gl_gstatus_validate(const void *running_g)
{
    int s = atomic_load_explicit(&state, memory_order_relaxed);
    if (s)
        return s > 0;
    if (!running_g)
        return false;
    int want = status_of(running_g) == G_RUNNING ? 1 : -1;
    int expected = 0;
    if (atomic_compare_exchange_strong(&state, &expected, want) && want < 0) {
        static atomic_int warned;
        gl_warn_once(&warned, "goleash: cannot read goroutine status from this libgo; a goroutine woken "
                              "but not yet run at a dump may be reported as parked");
    }
    return atomic_load(&state) > 0;
}

bool gl_gstatus_still_waiting(const void *g, int64_t goid)
{
    if (!g || atomic_load_explicit(&state, memory_order_relaxed) <= 0)
        return true;
    if (gl_goid_of(g) != goid)
        return true;
    return status_of(g) == G_WAITING;
}

int gl_gstatus_of(const void *g, int64_t goid)
{
    if (!g || atomic_load_explicit(&state, memory_order_relaxed) <= 0 || gl_goid_of(g) != goid)
        return -1;
    return (int)status_of(g);
}
