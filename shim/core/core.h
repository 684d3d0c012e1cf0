/* The core of libgoleash.so: what the shim knows about its host process
 * (gl_shim) and the services every part uses (memory, logging, clocks, the
 * alternate stack, fork). Everything here runs inside the host program,
 * often on a gccgo goroutine's split-stack segment: no malloc on the hot
 * paths, small frames, heavy work on the per-thread alternate stack. */
#ifndef GOLEASH_SHIM_CORE_H
#define GOLEASH_SHIM_CORE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "format/vocabulary.h"
#include "options/options.h"

#define GL_HIDDEN __attribute__((visibility("hidden")))
#define GL_TLS __thread __attribute__((tls_model("initial-exec")))
#define GL_LIKELY(x) __builtin_expect(!!(x), 1)
#define GL_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* ---- the host's runtime functions, as Go values cross the C ABI ---- */
struct gl_go_time { uint64_t wall; int64_t ext; void *loc; };
struct gl_select_ret { intptr_t idx; _Bool recv_ok; };
struct gl_ctx_ret { void *tab; void *data; void *cancel; };
struct gl_go_string { const char *p; intptr_t n; };

/* The real functions behind the interposers (interpose/resolve.c). */
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
    void (*mutex_unlock)(void *m);
    void (*rwmutex_runlock)(void *m);
    _Bool (*mutex_trylock)(void *m);
    _Bool (*rwmutex_trylock)(void *m);
    _Bool (*rwmutex_tryrlock)(void *m);
    void (*once_do)(void *o, void *f);
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
    _Bool (*dopanic_m)(void *gp, uintptr_t pc, uintptr_t sp);
} gl_real;

/* What the shim learned at load time about the process it is in, and what
 * it was asked to do: written by the constructor (interpose/init.c and
 * resolve.c), read everywhere after. */
typedef struct gl_host_state {
    atomic_int active;        /* a gccgo program whose core symbols resolved,
                               * until a self-check fails */
    gl_options opts;          /* GOLEASH_OPTIONS */
    gl_real real;             /* libgo's functions behind the interposers */
    char libgo[256];          /* the libgo the process runs */
    char missing[512];        /* runtime symbols not found, comma-separated */
    /* testing.T.Run's code: a `go` statement returning there starts a
     * test's tRunner goroutine (interpose/testrun.c); len 0 when off. */
    uintptr_t trun_lo, trun_len;
} gl_host_state;

extern gl_host_state gl_host GL_HIDDEN;

static inline bool gl_active(void)
{
    return atomic_load_explicit(&gl_host.active, memory_order_relaxed);
}

/* ---- alloc.c: mmap-backed slabs, never malloc ---- */
GL_HIDDEN void *gl_alloc(size_t size);        /* zeroed */
GL_HIDDEN void gl_free(void *p, size_t size);
GL_HIDDEN void *gl_alloc_big(size_t size);    /* page-granular, zeroed */
GL_HIDDEN void gl_free_big(void *p, size_t size);
GL_HIDDEN void gl_alloc_atfork_prepare(void);
GL_HIDDEN void gl_alloc_atfork_parent(void);
GL_HIDDEN void gl_alloc_atfork_child(void);

/* uthash allocates through the shim's own allocator. */
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

/* ---- log.c: one line, signal-safe, to stderr or log_path ---- */
GL_HIDDEN void gl_log(const char *msg);
GL_HIDDEN void gl_warn_once(atomic_int *flag, const char *msg);
GL_HIDDEN int gl_log_fd(void);
GL_HIDDEN void gl_log_reset_after_fork(void);
/* pattern with %p replaced by the pid and %% by %: 0, or -1 with errno
 * ENAMETOOLONG when it does not fit in len (out then holds a cut copy). */
GL_HIDDEN int gl_expand_pattern(const char *pattern, char *out, size_t len);

/* ---- altstack.c ---- */
/* Runs fn(arg) on this thread's private alternate stack: interposers are
 * entered on goroutine stack segments with only a small guaranteed margin. */
GL_HIDDEN void gl_on_altstack(void (*fn)(void *), void *arg);

/* ---- clock.c ---- */
GL_HIDDEN int64_t gl_now_ns(void);
GL_HIDDEN int64_t gl_now_coarse_ns(void);

/* ---- fork.c: every lock of the core held across fork(2) ---- */
GL_HIDDEN void gl_fork_install(void);

/* ---- extent.c ---- */
/* The length of the function that starts at fn; false when unknown. */
GL_HIDDEN bool gl_function_extent(const void *fn, uintptr_t *len);

/* ---- thread.c: the shim's own threads ---- */
/* pthread_create with every asynchronous signal blocked in the new thread
 * (libgo's handler faults on a thread without a goroutine), returning once
 * the thread has taken its name (15 characters at most, for
 * /proc/PID/task); 0 or -1. */
GL_HIDDEN int gl_thread_start(pthread_t *t, int detached, const char *name, void *(*fn)(void *), void *arg);

#endif
