/* The gc runtime's vocabulary resolved for one binary (the entries of
 * gc_abi.def): member offsets, struct sizes, constants, variable and
 * function addresses. */
#ifndef GOLEASH_GC_ABI_H
#define GOLEASH_GC_ABI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "binary/gc_binary.h"
#include "binary/pclntab.h"

typedef enum {
#define GC_STRUCT(id, names) GC_S_##id,
#include "binary/gc_abi.def"
    GC_S_COUNT
} gc_struct_id;

typedef enum {
#define GC_MEMBER(id, st, path, req) GC_M_##id,
#include "binary/gc_abi.def"
    GC_M_COUNT
} gc_member_id;

typedef enum {
#define GC_CONST(id, name, dflt) GC_C_##id,
#include "binary/gc_abi.def"
    GC_C_COUNT
} gc_const_id;

typedef enum {
#define GC_VAR(id, name, req) GC_V_##id,
#include "binary/gc_abi.def"
    GC_V_COUNT
} gc_var_id;

typedef enum {
#define GC_FUNC(id, name, req) GC_F_##id,
#include "binary/gc_abi.def"
    GC_F_COUNT
} gc_func_id;

typedef struct gc_abi {
    int64_t member[GC_M_COUNT];   /* byte offset, -1 unknown */
    int64_t size[GC_S_COUNT];     /* byte size, -1 unknown */
    int64_t konst[GC_C_COUNT];    /* value, -1 unknown */
    uint64_t var[GC_V_COUNT];     /* linked address, 0 unknown */
    uint64_t func[GC_F_COUNT];    /* runtime entry address, 0 unknown */
    int64_t nwaitreasons;         /* elements of runtime.waitReasonStrings, -1 unknown */
    const char *const *reasons;   /* the table's copy of them, NULL: read the binary's */
    char source[48];              /* "DWARF" or "table for go1.N" */
} gc_abi;

/* Resolves the layouts and constants of b from its DWARF, or from the
 * per-version table when b has none, and its variables from .symtab (those
 * a binary without symbols lacks are found in its memory: gc_locate.c).
 * Returns 0, or -1 with why (one line naming what is missing) when a
 * required layout is unknown. */
int gc_abi_resolve(gc_abi *abi, const gc_binary *b, char *why, size_t whylen);

/* Fills abi->func from the function table (runtime addresses). Returns 0,
 * or -1 with why when a required function is absent. */
int gc_abi_resolve_funcs(gc_abi *abi, const gc_pcln *pcln, char *why, size_t whylen);

/* Writes the layouts and constants of abi, and the wait-reason strings,
 * as one row of the per-version table (gc_abi_versions.inc): what
 * scripts/gen_gc_abi.sh collects. */
void gc_abi_print_row(FILE *out, const gc_abi *abi, const char *goversion, const char *const *reasons, size_t n);

/* Whether var is required (a binary that lacks it cannot be read). */
int gc_abi_var_required(gc_var_id v);
const char *gc_abi_var_name(gc_var_id v);

#endif
