/* Hardware breakpoints (x86-64 debug registers, set through ptrace) on a
 * few runtime functions of a traced gc program: they stop the thread that
 * reaches them without touching the program's code, so nothing is left in
 * the process if goleash goes away, and the kernel resumes the instruction
 * by itself (no single-stepping over a patched byte). Debug registers are
 * per thread: every thread of the process gets them, new ones as they
 * start. */
#ifndef GOLEASH_HW_BREAK_H
#define GOLEASH_HW_BREAK_H

#include <stdint.h>
#include <sys/types.h>

#define HW_BREAK_SLOTS 4

typedef struct hw_breaks {
    uint64_t addr[HW_BREAK_SLOTS]; /* 0: slot unused */
} hw_breaks;

/* Loads b into the debug registers of the stopped thread tid. 0 or -1. */
int hw_break_apply(pid_t tid, const hw_breaks *b);

/* After a SIGTRAP stop of tid: which slot fired (0..3), -1 when the trap
 * was not one of ours. (The kernel starts the status afresh at every debug
 * exception: nothing to clear.) */
int hw_break_hit(pid_t tid);

#endif
