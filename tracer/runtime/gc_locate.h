/* The runtime's globals in a binary without a symbol table (go test links
 * its test binaries with -s -w): found in the stopped process's memory by
 * what they hold, each candidate checked against the layout it must have.
 *   runtime.firstmoduledata: the word in the module data that points at the
 *     function table's header, followed by the text start;
 *   runtime.allgs: the slice in .bss whose first goroutine has id 1 (main)
 *     and sane stack bounds;
 *   runtime.allp: the slice in .bss whose i-th element is a P with id i. */
#ifndef GOLEASH_GC_LOCATE_H
#define GOLEASH_GC_LOCATE_H

#include <stddef.h>

#include "runtime/gc_state.h"

/* Fills p->abi.var[] entries .symtab did not. 0, or -1 with why when a
 * required one cannot be found. */
int gc_locate_vars(gc_proc *p, char *why, size_t whylen);

#endif
