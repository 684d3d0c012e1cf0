/* One clock for every time the shim records: CLOCK_MONOTONIC (vDSO, no
 * syscall), so park durations survive wall-clock jumps. */
#include "shim.h"

#include <time.h>

int64_t gl_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
