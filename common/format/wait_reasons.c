/* Go's wait-reason strings for the libgo of Go 1.18 (gccgo 12), indexed by the
 * number the shim records. A libgo with another numbering needs its own table
 * (see docs/dump-format.md, "Wait reasons"). */
#include "model/model.h"

static const char *const reason_strings_go118[] = {
    "",                        /* 0 */
    "GC assist marking",
    "IO wait",
    "chan receive (nil chan)",
    "chan send (nil chan)",
    "dumping heap",            /* 5 */
    "garbage collection",
    "garbage collection scan",
    "panicwait",
    "select",
    "select (no cases)",       /* 10 */
    "GC assist wait",
    "GC sweep wait",
    "GC scavenge wait",
    "chan receive",
    "chan send",               /* 15 */
    "finalizer wait",
    "force gc (idle)",
    "semacquire",
    "sleep",
    "sync.Cond.Wait",          /* 20 */
    "timer goroutine (idle)",
    "trace reader (blocked)",
    "wait for GC cycle",
    "GC worker (idle)",
    "preempted",               /* 25 */
    "debug call",
};

const char *gl_wait_reason_string(int reason)
{
    if (reason < 0 || (size_t)reason >= sizeof reason_strings_go118 / sizeof reason_strings_go118[0])
        return "";
    return reason_strings_go118[reason];
}
