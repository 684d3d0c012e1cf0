/* One clock for every time the shim records: CLOCK_MONOTONIC (vDSO, no
 * syscall), so park durations survive wall-clock jumps. */
#include "core/core.h"

#include <time.h>

int64_t gl_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Park times need milliseconds, not nanoseconds: the coarse clock is a plain
 * vDSO read (a few ns) and lags CLOCK_MONOTONIC by at most one tick, so a
 * duration measured against gl_now_ns() is never negative. */
int64_t gl_now_coarse_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
