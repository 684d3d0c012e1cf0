/* Debug-register breakpoints (hw_break.h). */
#include "ptrace/hw_break.h"

#include <errno.h>
#include <stddef.h>
#include <sys/ptrace.h>
#include <sys/user.h>

static long dr_offset(int n)
{
    return (long)offsetof(struct user, u_debugreg) + (long)n * (long)sizeof(unsigned long);
}

int hw_break_apply(pid_t tid, const hw_breaks *b)
{
    unsigned long dr7 = 0;
    for (int i = 0; i < HW_BREAK_SLOTS; i++) {
        if (!b->addr[i])
            continue;
        if (ptrace(PTRACE_POKEUSER, tid, (void *)dr_offset(i), (void *)(uintptr_t)b->addr[i]) != 0)
            return -1;
        /* Local enable; R/W = 00 (execute) and LEN = 00, as execute breakpoints need. */
        dr7 |= 1ul << (2 * i);
    }
    return ptrace(PTRACE_POKEUSER, tid, (void *)dr_offset(7), (void *)dr7) == 0 ? 0 : -1;
}

int hw_break_hit(pid_t tid)
{
    errno = 0;
    long dr6 = ptrace(PTRACE_PEEKUSER, tid, (void *)dr_offset(6), NULL);
    if (errno)
        return -1;
    for (int i = 0; i < HW_BREAK_SLOTS; i++)
        if (dr6 & (1l << i))
            return i;
    return -1;
}
