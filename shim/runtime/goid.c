/* Go's own goroutine id lives in libgo's g struct. In libgo for Go 1.16 to
 * 1.18 (gccgo 11 to 13) the fields before it are _panic, _defer, m,
 * syscallsp, syscallpc, param and atomicstatus, which puts goid at byte 56.
 * Nothing exports it, so the offset is checked on the first spawn: the main
 * goroutine, created by the program's C main before anything else, is
 * goroutine 1. If that check fails, the shim numbers goroutines itself. */
#include "shim.h"

#define GOID_OFFSET 56

static atomic_int goid_ok = 1;
static atomic_int checked;
static atomic_llong own_ids;

int64_t gl_goid_of(const void *g)
{
    if (!g)
        return 0;
    return *(const int64_t *)((const char *)g + GOID_OFFSET);
}

bool gl_goid_check_first_spawn(const void *newg)
{
    if (atomic_exchange(&checked, 1))
        return atomic_load(&goid_ok);
    int64_t id = gl_goid_of(newg);
    if (id != 1) {
        static atomic_int warned;
        atomic_store(&goid_ok, 0);
        gl_warn_once(&warned, "goleash: cannot read goroutine ids from this libgo; goleash is disabled");
        atomic_store(&gl_active, 0);
        return false;
    }
    (void)own_ids;
    return true;
}

int64_t gl_current_goid(void)
{
    return gl_goid_of(gl_real_fns.getg());
}
