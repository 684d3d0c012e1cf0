/* Writes what gc_state read as a goleash dump (docs/dump-format.md): the
 * same format the shim writes, so one reader, one set of rules and every
 * report serve gc programs too. Symbols are resolved here, from the
 * binary's function table (with inlined calls), since the binary may be
 * gone by the time the dump is read. */
#ifndef GOLEASH_GC_DUMP_H
#define GOLEASH_GC_DUMP_H

#include <stdint.h>
#include <sys/types.h>

#include "runtime/gc_state.h"
#include "runtime/gc_tests.h"

typedef struct gc_dump_info {
    pid_t pid, ppid;
    const char *reason;       /* "exit", "signal", "snapshot" */
    int status;               /* exit status, -1 unknown */
    int64_t mono_ns, wall_ns;
    const gc_tests *tests;    /* NULL: the process ran no tests */
    /* snapshot --min-park: the first sample; goroutines parked the same way
     * in both get since_ns = first_ns. NULL: park times are unknown. */
    const gc_state *first;
    int64_t first_ns;
} gc_dump_info;

/* Writes the dump to path atomically (temporary file + rename, mode 0600).
 * 0, or -1 with why. */
int gc_dump_write(const char *path, const gc_proc *p, const gc_state *st, const gc_dump_info *info, char *why,
                  size_t whylen);

#endif
