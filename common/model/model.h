/* In-memory model of one or more goleash dumps (docs/dump-format.md) and of
 * every other dump format goleash reads. Built by the one builder (build.h)
 * for every reader (format/dump_read.c, the analyzer's readers), enriched by
 * the analyzer's symbolizer (file:line), judged by the rules, rendered by the
 * reports. The shim links this too: its exit report parses the dump it just
 * wrote, so the in-process report and `goleash report` can never disagree. */
#ifndef GOLEASH_MODEL_H
#define GOLEASH_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "format/vocabulary.h"

#define GL_MAX_FRAMES 128
#define GL_MAX_TOUCHES 8
#define GL_MAX_HOLDERS 8

typedef struct gl_module {
    int id;
    uint64_t base;
    char *build_id; /* hex, NULL when absent */
    char *path;
} gl_module;

typedef struct gl_frame {
    uint64_t pc;
    int mod;          /* module id, -1 unknown */
    uint64_t off;     /* offset into function */
    char *function;   /* as gccgo spells it, demangled of ..zXX escapes; NULL unknown */
    char *file;       /* from DWARF, NULL until symbolized */
    int line;         /* 0 unknown */
    char *args;       /* text dumps: the argument list as printed, without the
                       * parentheses ("0xc000010000, 0x1", "...");
                       * NULL when the source prints none (goleash dumps) */
} gl_frame;

typedef struct gl_stack {
    uint32_t id;
    int truncated;
    size_t n;
    gl_frame *frames; /* innermost first */
} gl_stack;

typedef struct gl_goroutine {
    int64_t id;
    int64_t parent;
    uint64_t start_pc;
    char *start_function;     /* resolved from start_pc via sym records */
    gl_stack *created;        /* NULL unknown */
    int64_t created_ns;
    int system;
    gl_gstate state;
    int reason;               /* wait reason number, -1 when not parked */
    int64_t since_ns;
    gl_stack *stack;          /* park stack */
    gl_wait wait;
    uint64_t obj;
    size_t nchans;
    uint64_t *chans;
    struct gl_dump *dump;     /* owning dump */
    /* Filled by the readers of other formats and by test attribution;
     * zero/NULL in a plain goleash dump. */
    const char *reason_text;  /* wait reason as a text dump spelled it (kept
                               * verbatim when `reason` is -1: unknown to us) */
    const char *labels;       /* goroutine labels as the source printed them */
    const char *test;         /* set on the goroutine running testing.tRunner:
                               * its test (subtest path "TestA/sub") */
    int64_t weight;           /* goroutines this record stands for: 1, or a
                               * pprof sample's count; 0 is read as 1 */
    unsigned flags;           /* GL_GF_* */
} gl_goroutine;

/* gl_goroutine.flags */
enum {
    GL_GF_LOCKED = 1u << 0,   /* locked to thread */
    GL_GF_LEAKED = 1u << 1,   /* the runtime itself says leaked (Go 1.26 goroutineleak) */
    GL_GF_NO_STACK = 1u << 2, /* stack unavailable (running on another thread, in C code) */
    GL_GF_DURABLE = 1u << 3,  /* durably blocked (synctest) */
    GL_GF_BUBBLE = 1u << 4,   /* inside a synctest bubble */
    GL_GF_MINUTES = 1u << 5,  /* park time known only to the minute (gc text: ", N minutes") */
    GL_GF_CHAN_UNKNOWN = 1u << 6, /* a channel wait whose direction the source does not
                                   * tell (pprof debug=1 hides the runtime frames) */
};

typedef struct gl_touch {
    int64_t goid;
    char op[8];               /* send recv select close make */
    int64_t ns;
    gl_stack *stack;          /* NULL when the op did not park */
} gl_touch;

typedef struct gl_chan {
    uint64_t addr;
    gl_stack *made;
    int64_t maker;
    int64_t made_ns;
    int64_t cap;
    int closed;
    int64_t closer;
    gl_stack *close_stack;
    int64_t closed_ns;
    gl_timer_kind timer;
    int timer_live;
    int signal;               /* elem os.Signal: fed by os/signal.Notify */
    uint64_t ctx;             /* context whose Done() this is, 0 none */
    size_t ntouches;
    gl_touch touches[GL_MAX_TOUCHES];
} gl_chan;

typedef struct gl_context {
    uint64_t addr;
    char kind[12];            /* cancel timeout deadline */
    gl_stack *created;
    int64_t creator;
    int64_t created_ns;
    int cancelled;
    int64_t deadline_ns;      /* 0 none */
    uint64_t done;
} gl_context;

/* Who holds a lock a goroutine waits on (the shim's `lock`/`holder`
 * records; gc's runtime records no owner, so gc dumps have none). */
typedef struct gl_holder {
    int64_t goid;
    int read;                 /* 1: an RLock; 0: Lock (or the Once's function running) */
    gl_stack *site;           /* one frame: where Lock/RLock/Once.Do was called; NULL unknown */
    int exited;               /* the holder exited without unlocking */
} gl_holder;

typedef struct gl_lock {
    uint64_t addr;            /* the Mutex, RWMutex or Once (a goroutine's obj) */
    gl_wait kind;             /* GL_WAIT_MUTEX, GL_WAIT_RWMUTEX or GL_WAIT_ONCE */
    int locked;               /* the lock word at the dump: 1, 0, -1 unknown */
    int64_t readers;          /* RWMutex: read locks held by the runtime's count; -1 unknown */
    size_t nholders;
    gl_holder holders[GL_MAX_HOLDERS];
} gl_lock;

typedef struct gl_dump {
    char *path;               /* file the dump came from (for messages) */
    const char *source;       /* format: "goleash", "gc-traceback", "gccgo-traceback",
                               * "pprof-debug1", "pprof-proto" (docs/json-format.md) */
    int version;
    int truncated;            /* no `end` record */
    /* info */
    int64_t pid, ppid;
    char *exe;
    char *reason;
    int status;
    int64_t mono_ns, wall_ns;
    char *libgo;
    int64_t min_park_ns;
    int ignore_setup;         /* the process ran with ignore_setup=1 */
    char *missing;
    size_t unreadable;        /* goroutines the writer could not read (gc backend) */
    /* records */
    size_t nmodules;    gl_module *modules;
    size_t nstacks;     gl_stack **stacks;
    size_t ngoroutines; gl_goroutine *goroutines;
    size_t nchans;      gl_chan *chans;
    size_t ncontexts;   gl_context *contexts;
    size_t nlocks;      gl_lock *locks;
    size_t ntests;      const char **tests; /* every test the process started, in start order */
    size_t tests_dropped;     /* tests started beyond the shim's list limit (not in tests) */
    void *store_;             /* private: its memory and lookup tables (model/store.h) */
} gl_dump;

/* Lookups by key; NULL when absent. */
gl_goroutine *gl_dump_goroutine(const gl_dump *d, int64_t id);
gl_chan *gl_dump_chan(const gl_dump *d, uint64_t addr);
gl_context *gl_dump_context(const gl_dump *d, uint64_t addr);
gl_lock *gl_dump_lock(const gl_dump *d, uint64_t addr);
const gl_module *gl_dump_module(const gl_dump *d, int id);

/* Returns a copy of s owned by d (equal strings share one copy), valid until
 * gl_dump_free. For code that fills frames after reading (the symbolizer).
 * NULL on allocation failure or when s is NULL. */
const char *gl_dump_intern(gl_dump *d, const char *s);

void gl_dump_free(gl_dump *d);

#endif
