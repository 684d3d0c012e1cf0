/* The words goleash dumps are written in (docs/dump-format.md): goroutine
 * states, what a parked goroutine waits on, channel operations, timer and
 * context kinds, and wait reasons. The shim writes them, every reader maps
 * what it reads onto them and the model stores them, each from the one table
 * here, so a word cannot mean one thing to the writer and another to a
 * reader. */
#ifndef GOLEASH_FORMAT_VOCABULARY_H
#define GOLEASH_FORMAT_VOCABULARY_H

/* The first line of every dump: "goleash-dump 1". */
#define GL_DUMP_MAGIC "goleash-dump"
#define GL_DUMP_VERSION 1

/* `state=` of a goroutine. */
typedef enum gl_gstate { GL_G_RUNNING, GL_G_PARKED, GL_G_EXITED } gl_gstate;

/* `wait=`: what a parked goroutine waits on, as the shim classified it
 * (finer than the wait reason: a semacquire may be a Mutex or a WaitGroup). */
typedef enum gl_wait {
    GL_WAIT_NONE, GL_WAIT_CHAN, GL_WAIT_SELECT, GL_WAIT_NILCHAN, GL_WAIT_FOREVER,
    GL_WAIT_MUTEX, GL_WAIT_RWMUTEX, GL_WAIT_RWMUTEX_R, GL_WAIT_WAITGROUP, GL_WAIT_COND,
    GL_WAIT_SEMA, GL_WAIT_SLEEP, GL_WAIT_IO, GL_WAIT_OTHER,
    GL_WAIT_ONCE /* sync.Once.Do waiting for another goroutine's f */
} gl_wait;

/* `op=` of a touch record: who did what to a channel. */
typedef enum gl_chan_op { GL_OP_NONE, GL_OP_MAKE, GL_OP_SEND, GL_OP_RECV, GL_OP_SELECT, GL_OP_CLOSE } gl_chan_op;

/* `timer=` of a chan record: the channel of a time.Timer or time.Ticker. */
typedef enum gl_timer_kind { GL_TIMER_NONE, GL_TIMER_TIMER, GL_TIMER_TICKER } gl_timer_kind;

/* `kind=` of a context record: the constructor that made it. */
typedef enum gl_ctx_kind { GL_CTX_UNKNOWN, GL_CTX_CANCEL, GL_CTX_TIMEOUT, GL_CTX_DEADLINE } gl_ctx_kind;

/* Wait reasons as dumps record them in `reason=`: libgo's waitReason
 * numbering for Go 1.18 (gccgo 12, runtime/runtime2.go), which the shim
 * writes as it finds it and every other reader maps onto (a gc backend
 * translates gc's numbers into these). One row per reason:
 *
 *   X(number, NAME, Go's string, wait class, can leak)
 *
 * The wait class (GL_WAIT_<class>) is what a park for that reason waits on
 * when nothing finer is known; can leak is 1 for the reasons a goroutine can
 * be left parked for forever (the leak rules' candidates), 0 for those that
 * end by themselves (sleep, IO) or belong to the runtime. */
#define GL_WAIT_REASONS(X)                                                          \
    X(0, NONE, "", NONE, 0)                                                         \
    X(1, GC_ASSIST_MARKING, "GC assist marking", OTHER, 0)                          \
    X(2, IO_WAIT, "IO wait", IO, 0)                                                 \
    X(3, CHAN_RECEIVE_NIL, "chan receive (nil chan)", NILCHAN, 1)                   \
    X(4, CHAN_SEND_NIL, "chan send (nil chan)", NILCHAN, 1)                         \
    X(5, DUMPING_HEAP, "dumping heap", OTHER, 0)                                    \
    X(6, GARBAGE_COLLECTION, "garbage collection", OTHER, 0)                        \
    X(7, GARBAGE_COLLECTION_SCAN, "garbage collection scan", OTHER, 0)              \
    X(8, PANICWAIT, "panicwait", OTHER, 0)                                          \
    X(9, SELECT, "select", SELECT, 1)                                               \
    X(10, SELECT_NO_CASES, "select (no cases)", FOREVER, 1)                         \
    X(11, GC_ASSIST_WAIT, "GC assist wait", OTHER, 0)                               \
    X(12, GC_SWEEP_WAIT, "GC sweep wait", OTHER, 0)                                 \
    X(13, GC_SCAVENGE_WAIT, "GC scavenge wait", OTHER, 0)                           \
    X(14, CHAN_RECEIVE, "chan receive", CHAN, 1)                                    \
    X(15, CHAN_SEND, "chan send", CHAN, 1)                                          \
    X(16, FINALIZER_WAIT, "finalizer wait", OTHER, 0)                               \
    X(17, FORCE_GC_IDLE, "force gc (idle)", OTHER, 0)                               \
    X(18, SEMACQUIRE, "semacquire", SEMA, 1)                                        \
    X(19, SLEEP, "sleep", SLEEP, 0)                                                 \
    X(20, SYNC_COND_WAIT, "sync.Cond.Wait", COND, 1)                                \
    X(21, TIMER_GOROUTINE_IDLE, "timer goroutine (idle)", OTHER, 0)                 \
    X(22, TRACE_READER_BLOCKED, "trace reader (blocked)", OTHER, 0)                 \
    X(23, WAIT_FOR_GC_CYCLE, "wait for GC cycle", OTHER, 0)                         \
    X(24, GC_WORKER_IDLE, "GC worker (idle)", OTHER, 0)                             \
    X(25, PREEMPTED, "preempted", OTHER, 0)                                         \
    X(26, DEBUG_CALL, "debug call", OTHER, 0)

/* GL_WR_CHAN_RECEIVE = 14, ...: the numbers by name. */
enum {
#define GL_WR_ENUM_(n, name, text, wait, leak) GL_WR_##name = n,
    GL_WAIT_REASONS(GL_WR_ENUM_)
#undef GL_WR_ENUM_
    GL_WR_COUNT
};

const char *gl_gstate_name(gl_gstate s);               /* "running", "parked", "exited" */
int gl_gstate_from_name(const char *s, gl_gstate *out); /* 0, or -1 when unknown */
const char *gl_wait_name(gl_wait w);                    /* "chan", "mutex", ...; "" for NONE */
gl_wait gl_wait_from_name(const char *s);               /* GL_WAIT_OTHER when unknown */
const char *gl_chan_op_name(gl_chan_op op);             /* "send", ...; "other" when unknown */
const char *gl_timer_kind_name(gl_timer_kind k);        /* "timer", "ticker"; NULL for none */
gl_timer_kind gl_timer_kind_from_name(const char *s);   /* GL_TIMER_NONE when unknown or NULL */
const char *gl_ctx_kind_name(gl_ctx_kind k);            /* "cancel", ...; "cancel" when unknown */
/* The constructor a context kind names: "WithCancel", ...; "context" when unknown. */
const char *gl_ctx_constructor(const char *kind);

/* The table's rows, by number (the shim asks on every park: inline). */
typedef struct gl_wait_reason_row {
    const char *text;
    gl_wait wait;
    int can_leak;
} gl_wait_reason_row;
extern const gl_wait_reason_row gl_wait_reason_rows[GL_WR_COUNT];

/* Go's string for a wait reason, "" when the number is not in the table. */
static inline const char *gl_wait_reason_string(int reason)
{
    return reason >= 0 && reason < GL_WR_COUNT ? gl_wait_reason_rows[reason].text : "";
}

/* The wait class of a reason; GL_WAIT_OTHER when not in the table. */
static inline gl_wait gl_wait_reason_class(int reason)
{
    return reason >= 0 && reason < GL_WR_COUNT ? gl_wait_reason_rows[reason].wait : GL_WAIT_OTHER;
}

/* Whether a goroutine parked for this reason can be a leak. */
static inline int gl_wait_reason_can_leak(int reason)
{
    return reason >= 0 && reason < GL_WR_COUNT && gl_wait_reason_rows[reason].can_leak;
}

/* The reason whose string is s[0, len), -1 when none (reason 0's "" never matches). */
int gl_wait_reason_from_string(const char *s, unsigned long len);

#endif
