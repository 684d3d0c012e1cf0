/* What the dump writer works from: a copy of the registry taken record by
 * record under its locks (snapshot.c), and the process's module map and
 * symbol names (modules.c). Private to shim/dump/. */
#ifndef GOLEASH_SHIM_DUMP_SNAPSHOT_H
#define GOLEASH_SHIM_DUMP_SNAPSHOT_H

#include "core/registry.h"

/* A growable array in shim memory. */
typedef struct gl_vec {
    char *p;
    size_t n, cap, elem;
} gl_vec;

GL_HIDDEN void *gl_vec_push(gl_vec *v); /* NULL when out of memory */
GL_HIDDEN void gl_vec_free(gl_vec *v);

/* A set of 64-bit keys. */
typedef struct gl_key_set gl_key_set;
GL_HIDDEN bool gl_set_add(gl_key_set **s, uint64_t key); /* true when key was new */
GL_HIDDEN bool gl_set_has(gl_key_set *const *s, uint64_t key);
GL_HIDDEN void gl_set_free(gl_key_set **s);

/* A lock parked goroutines wait on, with its holders as holds.c has them. */
#define GL_LOCK_HOLDERS 8
typedef struct gl_lock_snap {
    uintptr_t addr;        /* the Mutex, RWMutex or Once waited on */
    uint8_t kind;          /* GL_WAIT_MUTEX, GL_WAIT_RWMUTEX (either side) or GL_WAIT_ONCE */
    int8_t locked;         /* the runtime's word at the dump: 1, 0, -1 unknown */
    int32_t readers;       /* RWMutex: read locks held, by the runtime's count */
    size_t nholders;
    gl_hold holders[GL_LOCK_HOLDERS];
    gl_istack *sites[GL_LOCK_HOLDERS]; /* each lock site as a one-frame stack */
    uint8_t exited[GL_LOCK_HOLDERS];   /* the holder is gone */
} gl_lock_snap;

typedef struct gl_snapshot {
    int64_t now;           /* gl_now_ns() when it was taken */
    gl_vec gs;             /* gl_g copies: live, then exited ancestors */
    gl_vec chans;          /* gl_chan_rec copies: what parked goroutines wait on */
    gl_vec ctxs;           /* gl_ctx_rec copies: whose Done() those channels are */
    gl_vec locks;          /* gl_lock_snap: the locks parked goroutines wait on */
    gl_vec stacks;         /* gl_istack *: every stack the copies point to */
    gl_key_set *gids, *stack_ids, *chan_addrs, *ctx_addrs, *lock_addrs;
} gl_snapshot;

GL_HIDDEN void gl_snapshot_take(gl_snapshot *s);
GL_HIDDEN void gl_snapshot_free(gl_snapshot *s);

/* ---- modules.c ---- */
#define GL_DUMP_MAX_MODULES 512
typedef struct gl_dump_module {
    uintptr_t base, lo, hi;
    char build_id[2 * 128 + 1]; /* go-linked test binaries carry 83-byte ids */
    char path[512];
} gl_dump_module;

typedef struct gl_dump_modules {
    gl_dump_module m[GL_DUMP_MAX_MODULES];
    int n;
} gl_dump_modules;

GL_HIDDEN void gl_modules_read(gl_dump_modules *ms);
GL_HIDDEN int gl_module_of(const gl_dump_modules *ms, uintptr_t pc); /* -1 none */
/* The function pc is in and pc's offset into it; "?" when unknown. */
GL_HIDDEN void gl_resolve_name(uintptr_t pc, char *name, size_t cap, uint64_t *off);

/* ---- symbols.c: the names of many PCs at once, as gl_resolve_name finds
 * them one by one ---- */
typedef struct gl_pcname {
    uintptr_t pc;         /* the address looked up */
    uint64_t off;         /* pc's offset into the function */
    const char *name;     /* NULL: not settled, ask gl_resolve_name */
} gl_pcname;

/* The files the names point into, mapped until gl_names_release. */
typedef struct gl_names {
    struct {
        void *p;
        size_t size;
    } maps[GL_DUMP_MAX_MODULES];
    int n;
} gl_names;

/* pcs sorted, no two alike; names of at most cap - 1 bytes. */
GL_HIDDEN void gl_names_resolve(const gl_dump_modules *ms, gl_pcname *pcs, size_t n, size_t cap, gl_names *keep);
GL_HIDDEN void gl_names_release(gl_names *keep);

/* Runtime-internal goroutines by their start function. */
GL_HIDDEN bool gl_system_start(const char *name);

#endif
