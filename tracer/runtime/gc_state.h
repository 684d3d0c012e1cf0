/* The gc runtime's state read from a stopped process: every goroutine with
 * its status, wait, creator and park stack, the channels they wait on, the
 * runtime's wait-reason strings. The tracer's "track" step: raw facts only;
 * gc_dump.c turns them into a goleash dump. */
#ifndef GOLEASH_GC_STATE_H
#define GOLEASH_GC_STATE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "binary/gc_abi.h"
#include "binary/gc_binary.h"
#include "binary/pclntab.h"
#include "ptrace/proc_mem.h"

#define GC_MAX_WAIT_CHANS 16   /* channels kept per select */
#define GC_MAX_ANCESTORS 64
#define GC_MAX_PCS 128         /* frames kept per stack (GL_MAX_FRAMES) */

/* One gc program as the tracer knows it: binary, vocabulary, function
 * table and memory, set up once per exec. */
typedef struct gc_proc {
    pid_t pid;
    gc_binary bin;
    gc_abi abi;
    gc_pcln pcln;
    gc_mem mem;
    uint64_t types;           /* moduledata.types (runtime), 0 unknown */
} gc_proc;

typedef struct gc_ancestor {
    int64_t goid;
    uint64_t gopc;
    size_t npcs;
    uint64_t *pcs;            /* its stack when it made its child, as
                               * runtime.Callers gives it (inlining expanded) */
} gc_ancestor;

typedef struct gc_g {
    uint64_t addr;
    int64_t goid;
    int64_t parent_goid;      /* 0 unknown (before Go 1.21) */
    uint32_t status;          /* scan bit removed */
    int waitreason;           /* the runtime's number, -1 when not waiting */
    uint64_t gopc, startpc;
    uint64_t sched_pc, sched_sp, sched_bp, stack_lo, stack_hi;
    uint8_t tracking_seq;
    int is_select;
    size_t nchans;
    uint64_t chans[GC_MAX_WAIT_CHANS];
    size_t nancestors;
    gc_ancestor *ancestors;
    size_t npcs;
    uint64_t *pcs;            /* park stack, innermost first; NULL unless waiting */
    const unsigned char *stack_copy; /* [sched_sp, +stack_len) while gc_state_read runs */
    size_t stack_len;
    int truncated;
} gc_g;

typedef struct gc_chan {
    uint64_t addr;
    uint64_t ctx;             /* the context whose Done() channel this is, 0 none */
    uint64_t qcount, dataqsiz;
    int closed;
    char *elem_type;          /* "main.result", NULL unknown */
    int timer;                /* 0 none, 1 timer, 2 ticker */
    int timer_live;
} gc_chan;

/* A context.cancelCtx (or a type embedding it: timerCtx) found holding a
 * waited-on channel as its done channel. */
typedef struct gc_context {
    uint64_t addr;
    uint64_t done;
    const char *kind;         /* "cancel", "deadline" (WithTimeout or WithDeadline) */
    int cancelled;
} gc_context;

typedef struct gc_state {
    gc_g *gs;
    size_t ngs;
    gc_chan *chans;
    size_t nchans;
    gc_context *contexts;
    size_t ncontexts;
    char **reasons;           /* runtime.waitReasonStrings */
    size_t nreasons;
    size_t unreadable;        /* goroutines that could not be read */
    size_t *by_goid;          /* indexes of gs sorted by goid, built on demand */
    int ancestors_on;         /* tracebackancestors was set */
} gc_state;

/* Prepares p for the process pid running the gc binary at exe (the path
 * /proc/PID/exe names). Returns 0, or -1 with why (one line) when the
 * program cannot be analysed. */
int gc_proc_open(gc_proc *p, pid_t pid, const char *exe, char *why, size_t whylen);
void gc_proc_close(gc_proc *p);

/* Reads the runtime's state; every thread of p must be stopped. 0, or -1
 * with why. Unreadable goroutines are counted, not fatal. */
int gc_state_read(gc_proc *p, gc_state *st, char *why, size_t whylen);
void gc_state_free(gc_state *st);

/* The channel at addr among those read (st->chans is sorted by address),
 * NULL when none. */
gc_chan *gc_state_chan(gc_state *st, uint64_t addr);

/* The goroutine with id goid, NULL when none (an index is built on the
 * first call). */
const gc_g *gc_state_g(gc_state *st, int64_t goid);

/* Counts, without reading stacks, the goroutines that are runnable, and
 * sums the ids of those running (a cheap signature: it changes when one
 * parks or another starts), leaving out the goroutines in skip (g
 * addresses: those in runtime.exit themselves). 0 or -1. */
int gc_census(gc_proc *p, const uint64_t *skip, size_t nskip, size_t *runnable, uint64_t *running_sig);

/* The name of the runtime type at type ("main.result", "*context.timerCtx"),
 * malloc'd; NULL when it cannot be read. */
char *gc_type_name(gc_proc *p, uint64_t type);

/* Whether two reads of the same goroutine saw one uninterrupted park:
 * waiting both times at the same place, not woken in between. */
int gc_g_same_park(const gc_g *a, const gc_g *b);

#endif
