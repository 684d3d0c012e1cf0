/* Internal interfaces of libgoleash.so. Everything here runs inside the host
 * program, often on a gccgo goroutine's split-stack segment: no malloc on the
 * hot paths, small frames, heavy work on the per-thread alternate stack. */
#ifndef GOLEASH_SHIM_H
#define GOLEASH_SHIM_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* uthash allocates through the shim's own allocator (see alloc.c). */
#define uthash_malloc(sz) gl_alloc(sz)
#define uthash_free(ptr, sz) gl_free((ptr), (sz))
#define HASH_NONFATAL_OOM 1
/* Every key the shim hashes is one 8-byte integer (goid, address): a
 * multiplicative hash does for it what Jenkins' does for strings, cheaper. */
#define HASH_FUNCTION(keyptr, keylen, hashv)                                   \
    do {                                                                       \
        uint64_t k_;                                                           \
        memcpy(&k_, (keyptr), sizeof k_);                                      \
        (void)(keylen);                                                        \
        k_ *= 0x9E3779B97F4A7C15ull;                                           \
        (hashv) = (unsigned)(k_ >> 32);                                        \
    } while (0)
#include <string.h>
#include <uthash.h>

#define GL_HIDDEN __attribute__((visibility("hidden")))
#define GL_TLS __thread __attribute__((tls_model("initial-exec")))
#define GL_LIKELY(x) __builtin_expect(!!(x), 1)
#define GL_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* ---- options.c ---- */
typedef struct gl_options {
    char dump_path[512];    /* empty: no dump file */
    char log_path[512];     /* empty: stderr */
    int report;             /* print the report at exit */
    int exitcode;           /* exit code when leaks are found, 0 disables */
    int64_t min_park_ns;
    int64_t dump_interval_ns;
    int verbosity;
    int ignore_setup;       /* leaks spawned outside any test are not reported */
    int help;
    char suppressions[1024]; /* absolute path of a suppressions file, empty: none */
    int default_suppressions; /* apply the built-in list (default 1) */
} gl_options;

extern gl_options gl_opts GL_HIDDEN;
/* Parses LeakSanitizer-style "k=v:k=v" into opts. Unknown keys and bad values
 * are reported through warn(msg) and skipped. Allocation-free. */
GL_HIDDEN void gl_options_defaults(gl_options *o);
GL_HIDDEN void gl_options_parse(gl_options *o, const char *s, void (*warn)(const char *msg));
GL_HIDDEN void gl_options_help(int fd);

/* ---- log.c: one line, signal-safe, to stderr or log_path ---- */
GL_HIDDEN void gl_log(const char *msg);
GL_HIDDEN void gl_warn_once(atomic_int *flag, const char *msg);
GL_HIDDEN int gl_log_fd(void);
GL_HIDDEN void gl_log_reset_after_fork(void);

/* ---- alloc.c: mmap-backed slabs, never malloc ---- */
GL_HIDDEN void *gl_alloc(size_t size);        /* zeroed */
GL_HIDDEN void gl_free(void *p, size_t size);
GL_HIDDEN void *gl_alloc_big(size_t size);    /* page-granular, zeroed */
GL_HIDDEN void gl_free_big(void *p, size_t size);
GL_HIDDEN size_t gl_alloc_bytes(void);         /* bytes currently mapped, for tests/bench */
GL_HIDDEN void gl_alloc_atfork_prepare(void);
GL_HIDDEN void gl_alloc_atfork_parent(void);
GL_HIDDEN void gl_alloc_atfork_child(void);

/* ---- altstack.c ---- */
/* Runs fn(arg) on this thread's private alternate stack: interposers are
 * entered on goroutine stack segments with only a small guaranteed margin. */
GL_HIDDEN void gl_on_altstack(void (*fn)(void *), void *arg);

/* ---- clock ---- */
GL_HIDDEN int64_t gl_now_ns(void);
GL_HIDDEN int64_t gl_now_coarse_ns(void);

/* ---- resolve.c: the real runtime functions ---- */
struct gl_go_time { uint64_t wall; int64_t ext; void *loc; };
struct gl_select_ret { intptr_t idx; _Bool recv_ok; };
struct gl_ctx_ret { void *tab; void *data; void *cancel; };
struct gl_go_string { const char *p; intptr_t n; };

typedef struct gl_real {
    void *(*go_go)(uintptr_t fn, void *arg);
    void (*goexit1)(void);
    void *(*getg)(void);
    void (*gopark)(void *unlockf, void *lock, uint8_t reason, uint8_t trace_ev, intptr_t traceskip);
    void *(*makechan)(void *t, intptr_t size);
    void *(*makechan64)(void *t, int64_t size);
    void (*chansend1)(void *c, void *elem);
    void (*chanrecv1)(void *c, void *elem);
    _Bool (*chanrecv2)(void *c, void *elem);
    void (*closechan)(void *c);
    struct gl_select_ret (*selectgo)(void *cas0, void *order0, intptr_t nsends, intptr_t nrecvs, _Bool block);
    void (*mutex_lock)(void *m);
    void (*rwmutex_lock)(void *m);
    void (*rwmutex_rlock)(void *m);
    void (*waitgroup_wait)(void *wg);
    void (*cond_wait)(void *c);
    struct gl_ctx_ret (*with_cancel)(void *ptab, void *pdata);
    struct gl_ctx_ret (*with_timeout)(void *ptab, void *pdata, int64_t d);
    struct gl_ctx_ret (*with_deadline)(void *ptab, void *pdata, struct gl_go_time d);
    void *(*cancelctx_done)(void *c);
    void (*cancelctx_cancel)(void *c, _Bool remove_from_parent, void *err_tab, void *err_data);
    void *(*new_timer)(int64_t d);
    void *(*new_ticker)(int64_t d);
    void *(*after)(int64_t d);
    void *(*tick)(int64_t d);
    _Bool (*timer_stop)(void *t);
    _Bool (*timer_reset)(void *t, int64_t d);
    void (*ticker_stop)(void *t);
    void (*ticker_reset)(void *t, int64_t d);
    _Bool (*t_run)(void *t, const char *name, intptr_t name_len, void *f);
    struct gl_go_string (*t_name)(void *t);
    void (*exit)(int status);
    void (*gosched)(void);
} gl_real;

extern gl_real gl_real_fns GL_HIDDEN;
/* 1 when the process is a gccgo program and the core symbols resolved. */
extern atomic_int gl_active GL_HIDDEN;
GL_HIDDEN void gl_resolve_all(void);
GL_HIDDEN const char *gl_missing_symbols(void); /* comma list, "" when none */
GL_HIDDEN void *gl_resolve_or_die(void **slot, const char *name);
/* The real function for an interposer: resolved at load time, so this is
 * one load on every call; the slow path covers calls before the constructor. */
#define GL_REAL(field, name)                                                                       \
    (GL_LIKELY(gl_real_fns.field != NULL) ? (__typeof__(gl_real_fns.field))gl_real_fns.field        \
                                          : (__typeof__(gl_real_fns.field))gl_resolve_or_die(        \
                                                (void **)&gl_real_fns.field, name))
GL_HIDDEN const char *gl_libgo_path(void);

/* ---- goid.c: Go's goroutine ids from libgo's g ---- */
GL_HIDDEN int64_t gl_goid_of(const void *g);
GL_HIDDEN bool gl_goid_check_first_spawn(const void *newg);
GL_HIDDEN int64_t gl_current_goid(void);

/* ---- stacks.c: capture and interning ---- */
typedef struct gl_istack {
    uint32_t id;
    uint32_t hash;
    uint16_t n;
    uint8_t truncated;
    atomic_uchar reusable;    /* slot offsets are the same for every capture */
    struct gl_istack *next;   /* intern table chain */
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
GL_HIDDEN bool gl_pc_in_shim(uintptr_t pc);
GL_HIDDEN void gl_stacks_set_own_range(uintptr_t lo, uintptr_t hi);
GL_HIDDEN void gl_stacks_set_bottom(uintptr_t lo, uintptr_t hi);
GL_HIDDEN void gl_stacks_atfork_prepare(void);
GL_HIDDEN void gl_stacks_atfork_parent(void);
GL_HIDDEN void gl_stacks_atfork_child(void);

/* ---- registry.c ---- */
enum { GL_ST_RUNNING = 0, GL_ST_PARKED = 1, GL_ST_EXITED = 2 };
enum {
    GL_W_NONE, GL_W_CHAN, GL_W_SELECT, GL_W_NILCHAN, GL_W_FOREVER, GL_W_MUTEX, GL_W_RWMUTEX,
    GL_W_RWMUTEX_R, GL_W_WAITGROUP, GL_W_COND, GL_W_SEMA, GL_W_SLEEP, GL_W_IO, GL_W_OTHER
};
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
    atomic_uchar state;
    uint8_t reason, wait, nchans;
    uint8_t spawn_seen;           /* the parent's spawn record arrived */
    int64_t since_ns;
    gl_istack *park_stack;
    uintptr_t obj;
    uintptr_t chans[GL_G_CHANS];
    gl_scache scache;             /* owner-only */
    const char *test;             /* the test this goroutine runs (tRunner), NULL none */
    void *gptr;                   /* libgo's g, for its status word (gstatus.c) */
    struct gl_g *hnext;           /* goroutine table chain (registry.c) */
} gl_g;

typedef struct gl_touch_rec {
    int64_t goid;
    int64_t ns;
    gl_istack *stack;
    uint8_t op;
} gl_touch_rec;
enum { GL_OP_MAKE = 1, GL_OP_SEND, GL_OP_RECV, GL_OP_SELECT, GL_OP_CLOSE };
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
    uint8_t closed, timer, timer_stopped, ntouch;
    uint8_t touch_next;
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
    uint8_t kind;                 /* 1 cancel, 2 timeout, 3 deadline */
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

/* ---- park.c: per-thread note of the operation about to park ---- */
typedef struct gl_pending_op {
    void *g;           /* goroutine that published it */
    uint8_t wait;      /* GL_W_* */
    uintptr_t obj;     /* channel, or sync object */
    void *cases;       /* select: scase array */
    intptr_t ncases;
} gl_pending_op;
extern GL_TLS gl_pending_op gl_tls_op GL_HIDDEN;
/* The channel of this thread's latest send or receive. Needs no owner: a
 * channel park passes &c->lock to gopark, which confirms it exactly. */
extern GL_TLS uintptr_t gl_tls_chan GL_HIDDEN;

/* Publishes what this goroutine is about to wait on and returns the previous
 * note, so that nested runtime calls can put it back. */
static inline gl_pending_op gl_note_push(uint8_t wait, uintptr_t obj, void *cases, intptr_t ncases)
{
    gl_pending_op saved = gl_tls_op;
    gl_tls_op = (gl_pending_op){.g = gl_real_fns.getg(), .wait = wait, .obj = obj, .cases = cases, .ncases = ncases};
    return saved;
}

/* After the call the goroutine may be on another thread: restore only a note
 * that belongs to it, otherwise clear. */
static inline void gl_note_pop(const gl_pending_op *saved)
{
    if (saved->g && saved->g == gl_real_fns.getg())
        gl_tls_op = *saved;
    else
        gl_tls_op.g = NULL;
}

/* ---- gstatus.c: libgo's own status word of a g ---- */
/* Checks the offset of g.atomicstatus on a goroutine that is running Go code
 * (it must read _Grunning); false (and a warning) when it does not. */
GL_HIDDEN bool gl_gstatus_validate(const void *running_g);
/* False only when the runtime says for sure that g (goroutine goid) is not
 * waiting: readied (runnable) or running again. True when it is waiting, or
 * when the status cannot be trusted (unvalidated offset, g reused). */
GL_HIDDEN bool gl_gstatus_still_waiting(const void *g, int64_t goid);
/* libgo's status of g when readable (the offset checked and g still goid's):
 * 1 runnable, 2 running, 3 in a syscall, 4 waiting; -1 unknown. */
GL_HIDDEN int gl_gstatus_of(const void *g, int64_t goid);

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

/* ---- testrun.c: which goroutine runs which test ---- */
GL_HIDDEN void gl_testrun_init(void);
/* Return addresses of libgo's testing.T.Run: a `go` statement returning there
 * is the one starting a test's tRunner goroutine. */
extern uintptr_t gl_trun_lo GL_HIDDEN, gl_trun_len GL_HIDDEN;
struct gl_test_spawn {
    int64_t goid;                /* the goroutine calling T.Run */
    void *arg;                   /* the go statement's argument block {t, f} */
    struct gl_go_string parent;  /* what T.Run was called with: the parent's name, */
    struct gl_go_string given;   /* the name argument */
    struct gl_go_string name;    /* the child test's full name, from T.Name */
    int ok;
};
/* Before the real __go_go, on the goroutine stack: checks the argument block
 * against what T.Run was called with and asks the child T for its name. */
GL_HIDDEN void gl_testrun_prepare(struct gl_test_spawn *ts);
/* On the alternate stack, after the spawn: validates the name, stores it;
 * returns the stored name, NULL when attribution is off or failed. */
GL_HIDDEN const char *gl_testrun_finish(struct gl_test_spawn *ts);

/* ---- dump_write.c ---- */
typedef struct gl_membuf { char *p; size_t len, cap; int failed; } gl_membuf;
GL_HIDDEN int gl_dump_build(gl_membuf *out, const char *reason, int status);
GL_HIDDEN int gl_dump_write_file(const gl_membuf *b, const char *pattern, char *final_path, size_t len);
GL_HIDDEN void gl_membuf_free(gl_membuf *b);
GL_HIDDEN void gl_expand_pattern(const char *pattern, char *out, size_t len);

/* ---- fork.c ---- */
GL_HIDDEN void gl_fork_install(void);

/* ---- exit.c ---- */
GL_HIDDEN void gl_exit_init(void);

#endif
