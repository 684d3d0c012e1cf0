/* What the shim records while the program runs: interned stacks
 * (stacks.c), the goroutines, channels and contexts (registry.c), and the
 * tests a test binary started (tests.c). The dump writer reads it all. */
#ifndef GOLEASH_SHIM_REGISTRY_H
#define GOLEASH_SHIM_REGISTRY_H

#include "core/core.h"

/* ---- stacks.c: capture and interning ---- */
typedef struct gl_istack {
    uint32_t id;
    uint32_t hash;
    uint16_t n;
    uint8_t truncated;
    atomic_uchar reusable;    /* slot offsets are the same for every capture */
    struct gl_istack *next;   /* intern table chain */
    /* shared table chain (stacks.c), set once; shared: 1 once linked */
    _Atomic(struct gl_istack *) shared_next;
    atomic_uchar shared;
    uint32_t *slot_off;       /* where each return address lives, from the anchor */
    uintptr_t pcs[];          /* innermost first */
} gl_istack;

/* A goroutine's recent captures: re-parking at the same place (same anchor,
 * same return addresses in the same slots) reuses the stack unwound before. */
#define GL_SCACHE 3
typedef struct gl_scache {
    uintptr_t anchor[GL_SCACHE];
    gl_istack *stack[GL_SCACHE];
    uint8_t next;
} gl_scache;

#define GL_STACK_MAX 128
GL_HIDDEN void gl_stacks_init(void);
/* Captures the calling goroutine's stack minus the shim's own frames and
 * interns it. Must run on the alternate stack. */
GL_HIDDEN gl_istack *gl_stack_capture(void);
/* The same, for the goroutine owning cache, whose interposer's CFA is anchor
 * (__builtin_dwarf_cfa()): checks the cache first, unwinds on a miss. */
GL_HIDDEN gl_istack *gl_stack_capture_cached(gl_scache *cache, uintptr_t anchor);
GL_HIDDEN gl_istack *gl_stack_intern(const uintptr_t *pcs, size_t n, bool truncated);
/* Full unwinds done so far (the caches' misses), for tests and benchmarks. */
GL_HIDDEN unsigned long gl_stacks_unwinds(void);

/* ---- segment.c: the split-stack segment this thread runs on ---- */
GL_HIDDEN void gl_segment_init(void);
/* [lo, hi) of the segment holding sp, inside its mapping; false when sp is
 * not on one (a thread's own stack, an unknown runtime). */
GL_HIDDEN bool gl_segment_bounds(uintptr_t sp, uintptr_t *lo, uintptr_t *hi);
/* Tests: bounds from elsewhere (a thread's stack stands for a segment). */
GL_HIDDEN void gl_segment_set_query(bool (*query)(uintptr_t sp, uintptr_t *lo, uintptr_t *hi));
GL_HIDDEN bool gl_pc_in_shim(uintptr_t pc);
GL_HIDDEN void gl_stacks_set_own_range(uintptr_t lo, uintptr_t hi);
GL_HIDDEN void gl_stacks_set_bottom(uintptr_t lo, uintptr_t hi);
GL_HIDDEN void gl_stacks_atfork_prepare(void);
GL_HIDDEN void gl_stacks_atfork_parent(void);
GL_HIDDEN void gl_stacks_atfork_child(void);

/* ---- registry.c ---- */
#define GL_G_CHANS 4

typedef struct gl_g {
    int64_t goid;
    int64_t parent_goid;
    struct gl_g *parent;          /* reference held while this record lives */
    uintptr_t start_pc;
    gl_istack *created;
    int64_t created_ns;
    atomic_uint refs;             /* 1 while alive + 1 per live child record */
    atomic_uint seq;              /* odd while the owner rewrites the park fields */
    atomic_uchar state;           /* gl_gstate */
    uint8_t reason, wait, nchans; /* wait: gl_wait */
    uint8_t spawn_seen;           /* the parent's spawn record arrived */
    atomic_uchar exiting;         /* waiting in exit for another exit to end the process */
    int64_t since_ns;
    gl_istack *park_stack;
    uintptr_t obj;
    uintptr_t chans[GL_G_CHANS];
    gl_scache scache;             /* owner-only */
    const char *test;             /* the test this goroutine runs (tRunner), NULL none */
    void *gptr;                   /* libgo's g, for its status word (runtime/libgo_abi.c) */
    struct gl_g *hnext;           /* goroutine table chain (registry.c) */
} gl_g;

typedef struct gl_touch_rec {
    int64_t goid;
    int64_t ns;
    gl_istack *stack;
    uint8_t op;                   /* gl_chan_op */
} gl_touch_rec;
#define GL_CHAN_TOUCHES 4

typedef struct gl_chan_rec {
    uintptr_t addr;
    gl_istack *made;
    int64_t maker;
    int64_t made_ns;
    int64_t cap;
    int64_t closer;
    int64_t closed_ns;
    gl_istack *close_stack;
    uintptr_t ctx;
    int64_t timer_when_ns;        /* one-shot timer due time */
    uint8_t closed, timer, timer_stopped, ntouch; /* timer: gl_timer_kind */
    uint8_t touch_next;
    uint8_t signal;               /* chan os.Signal: woken by os/signal.Notify */
    gl_touch_rec touches[GL_CHAN_TOUCHES];
    UT_hash_handle hh;
} gl_chan_rec;

typedef struct gl_ctx_rec {
    uintptr_t addr;
    gl_istack *created;
    int64_t creator;
    int64_t created_ns;
    int64_t deadline_ns;
    uintptr_t done;
    uint8_t kind;                 /* gl_ctx_kind */
    uint8_t cancelled;
    UT_hash_handle hh;
} gl_ctx_rec;

GL_HIDDEN void gl_registry_init(void);
GL_HIDDEN void gl_registry_spawned_by(gl_g *parent, int64_t parent_goid, int64_t child_goid, uintptr_t start_pc,
                                      gl_istack *created, const char *test);
/* The same, also noting the child's libgo g (for its status word). */
GL_HIDDEN void gl_registry_spawned_g(gl_g *parent, int64_t parent_goid, int64_t child_goid, uintptr_t start_pc,
                                     gl_istack *created, const char *test, void *child_g);
GL_HIDDEN void gl_registry_spawned(int64_t parent_goid, int64_t child_goid, uintptr_t start_pc,
                                   gl_istack *created);
GL_HIDDEN void gl_registry_exited(int64_t goid);
/* The record of the running goroutine goid, made if its spawn is not
 * recorded yet. Only ever called by that goroutine. */
GL_HIDDEN gl_g *gl_registry_self(int64_t goid);
/* Called by the owning goroutine only: publishes its park under the record's
 * sequence counter, and clears it when the park ends. */
GL_HIDDEN void gl_registry_park_set(gl_g *g, uint8_t reason, uint8_t wait, uintptr_t obj, const uintptr_t *chans,
                                    uint8_t nchans, gl_istack *stack, int64_t now);
GL_HIDDEN void gl_registry_unpark(gl_g *g);
GL_HIDDEN void gl_registry_chan_made(uintptr_t c, int64_t cap, int64_t goid, gl_istack *st);
GL_HIDDEN void gl_registry_chan_touch(uintptr_t c, int64_t goid, uint8_t op, gl_istack *st, int64_t ns);
GL_HIDDEN void gl_registry_chan_closed(uintptr_t c, int64_t goid, gl_istack *st);
GL_HIDDEN void gl_registry_chan_timer(uintptr_t c, uint8_t kind, int64_t when_ns, int stopped);
GL_HIDDEN void gl_registry_chan_signal(uintptr_t c);
GL_HIDDEN void gl_registry_ctx_made(uintptr_t ctx, uint8_t kind, int64_t goid, gl_istack *st,
                                    int64_t deadline_ns);
GL_HIDDEN void gl_registry_ctx_retag(uintptr_t ctx, uint8_t kind, int64_t deadline_ns);
GL_HIDDEN void gl_registry_ctx_done(uintptr_t ctx, uintptr_t done_chan);
GL_HIDDEN void gl_registry_ctx_cancelled(uintptr_t ctx);

/* Snapshot for the dump writer: calls fn under each shard lock. */
GL_HIDDEN void gl_registry_each_g(void (*fn)(const gl_g *g, void *arg), void *arg);
/* Consistent copy of a goroutine's park fields (seqlock read). */
GL_HIDDEN void gl_g_read(const gl_g *g, gl_g *copy);
GL_HIDDEN const gl_chan_rec *gl_registry_find_chan_locked(uintptr_t c);
GL_HIDDEN void gl_registry_lock_chans(void);
GL_HIDDEN void gl_registry_unlock_chans(void);
GL_HIDDEN const gl_ctx_rec *gl_registry_find_ctx_locked(uintptr_t c);
GL_HIDDEN void gl_registry_lock_ctxs(void);
GL_HIDDEN void gl_registry_unlock_ctxs(void);
GL_HIDDEN size_t gl_registry_live_goroutines(void);
GL_HIDDEN void gl_registry_atfork_prepare(void);
GL_HIDDEN void gl_registry_atfork_parent(void);
GL_HIDDEN void gl_registry_atfork_child(void);

/* ---- holds.c: who holds which Mutex and RWMutex ---- */
enum { GL_HOLD_WRITE = 1, GL_HOLD_READ = 2 };
typedef struct gl_hold {
    _Atomic uintptr_t obj;        /* the Mutex or RWMutex; 0 free */
    int64_t goid;                 /* the goroutine that locked it */
    void *gptr;                   /* its libgo g: did it exit since? */
    uintptr_t pc;                 /* return address into the Lock's caller */
    uint64_t check;               /* over the fields: an entry torn by two writers fails it */
    uint8_t mode;                 /* GL_HOLD_WRITE (Lock) or GL_HOLD_READ (RLock) */
} gl_hold;
/* gl_holds_lock and gl_holds_unlock, the fast path, are inline in holds.h. */
/* Copies up to max entries for obj; returns how many. For the dump. */
GL_HIDDEN size_t gl_holds_of(uintptr_t obj, gl_hold *out, size_t max);

/* ---- tests.c: the tests the process started ---- */
#define GL_TESTS_MAX 100000
/* Copies a test's name into shim memory, appends it to the start-order list
 * (the first GL_TESTS_MAX; later ones are only counted) and returns the copy,
 * NULL when out of memory. */
GL_HIDDEN const char *gl_tests_add(const char *name, size_t len);
/* Calls fn for each listed test in start order, under the list's lock. */
GL_HIDDEN void gl_tests_each(void (*fn)(const char *name, void *arg), void *arg);
/* Attribution broke down: dumps carry no test information at all. */
GL_HIDDEN void gl_tests_invalidate(void);
GL_HIDDEN bool gl_tests_valid(void);
GL_HIDDEN size_t gl_tests_dropped(void); /* started beyond GL_TESTS_MAX */
/* Is name the full name testing gives a test started by T.Run(given) on a
 * T named parent ("" for the root)? parent "/" given with Go's rewriting
 * (spaces to '_', unprintables escaped), maybe "#NN" suffixes; a top-level
 * test's name is given itself. */
GL_HIDDEN bool gl_test_name_matches(struct gl_go_string parent, struct gl_go_string given, struct gl_go_string name);
GL_HIDDEN void gl_tests_atfork_prepare(void);
GL_HIDDEN void gl_tests_atfork_parent(void);
GL_HIDDEN void gl_tests_atfork_child(void);

#endif
