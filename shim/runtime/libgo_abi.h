/* libgo's runtime as the shim relies on it, all in one place: where fields
 * live in its structures, what its status words say, how it lays out the
 * arguments the shim reads, and the self-checks that keep another layout
 * from being misread. libgo for Go 1.16 to 1.18 (gccgo 11 to 13).
 *
 * Wait reasons are not here: libgo's numbering is the one dumps record
 * (common/format/vocabulary.h, GL_WAIT_REASONS), so the shim writes the
 * number gopark is handed as it is. A libgo with another layout gets a
 * table of its own; a gc backend brings its own file like this one. */
#ifndef GOLEASH_SHIM_LIBGO_ABI_H
#define GOLEASH_SHIM_LIBGO_ABI_H

#include "core/core.h"

enum gl_libgo_layout {
    /* g.atomicstatus: the uint32 after _panic, _defer, m, syscallsp,
     * syscallpc and param. Checked on a goroutine that runs Go code
     * (gl_gstatus_validate); unchecked, the registry's word stands. */
    GL_LIBGO_G_STATUS_OFFSET = 48,
    /* g.goid, right after atomicstatus (and its padding). Checked on the
     * first spawn, which is the main goroutine, id 1 (gl_goid_check_first_spawn);
     * on failure the shim disables itself. */
    GL_LIBGO_G_GOID_OFFSET = 56,
    /* hchan.lock, after qcount, dataqsiz, buf, elemsize+closed, elemtype,
     * sendx, recvx, recvq and sendq: a channel park hands gopark &c.lock.
     * Another layout only leaves the channel unnamed, never misnamed: the
     * address must match the channel of this thread's last operation. */
    GL_LIBGO_HCHAN_LOCK_OFFSET = 88,
    /* selectgo's scase is {c *hchan; elem unsafe.Pointer}: words per case,
     * sends first, then receives. */
    GL_LIBGO_SCASE_WORDS = 2,
    /* sync (sync/mutex.go, rwmutex.go, once.go; read in libgo.so's code:
     * RWMutex.Lock adds to 0x10 and 0x14, Once.doSlow locks o+4):
     * Mutex{state int32; sema uint32}, state bit 0 is "locked";
     * RWMutex{w Mutex; writerSem, readerSem uint32; readerCount, readerWait
     * int32}; readerCount counts readers holding and waiting, less
     * rwmutexMaxReaders once a writer came, and then readerWait counts the
     * readers still holding it that the writer waits for;
     * Once{done uint32; m Mutex}. */
    GL_LIBGO_MUTEX_LOCKED = 1,
    GL_LIBGO_RWMUTEX_READER_COUNT_OFFSET = 0x10,
    GL_LIBGO_RWMUTEX_READER_WAIT_OFFSET = 0x14,
    GL_LIBGO_ONCE_DONE_OFFSET = 0,
    GL_LIBGO_ONCE_M_OFFSET = 4,
    /* time.Timer and time.Ticker start with their channel C. */
    GL_LIBGO_TIMER_C_OFFSET = 0,
    /* The argument block of `go tRunner(t, f)` in testing.T.Run: gccgo
     * passes a go statement's arguments in order, {t, f}. Checked against
     * the f T.Run was called with (interpose/testrun.c). */
    GL_LIBGO_TRUNNER_ARG_T = 0,
    GL_LIBGO_TRUNNER_ARG_F = 1,
    /* A type descriptor (_type): kind is the byte after size, ptrdata,
     * hash, tflag, align and fieldAlign; _string (*string) follows equal
     * and gcdata; chantype's elem follows the 64-byte _type. */
    GL_LIBGO_TYPE_KIND_OFFSET = 23,
    GL_LIBGO_TYPE_STRING_OFFSET = 40,
    GL_LIBGO_CHANTYPE_ELEM_OFFSET = 64,
    GL_LIBGO_KIND_MASK = 31,
    GL_LIBGO_KIND_CHAN = 18,
};

/* Values of g.atomicstatus (runtime/runtime2.go). */
enum gl_libgo_gstatus {
    GL_LIBGO_G_RUNNABLE = 1,
    GL_LIBGO_G_RUNNING = 2,
    GL_LIBGO_G_SYSCALL = 3,
    GL_LIBGO_G_WAITING = 4,
    GL_LIBGO_G_DEAD = 6,
    GL_LIBGO_G_SCAN = 0x1000, /* or'ed in while the GC scans the stack */
};

/* ---- goroutine ids ---- */
GL_HIDDEN int64_t gl_goid_of(const void *g);
/* The id check on the first spawn (newg must be goroutine 1): false, one
 * warning and the shim disabled when it fails. */
GL_HIDDEN bool gl_goid_check_first_spawn(const void *newg);
GL_HIDDEN int64_t gl_current_goid(void);
/* Sets newg's creator PC (g.gopc, which libgo took from the interposer) to
 * the Go caller's, found and checked as libgo_abi.c says; else nothing. */
GL_HIDDEN void gl_set_creator_pc(void *newg, uintptr_t caller_pc);

/* Whether makechan's type t is chan os.Signal: such a channel is fed by
 * os/signal.Notify, and a goroutine waiting on it wakes on a signal. false
 * when t does not look like a channel type (another layout: never a false
 * yes). */
GL_HIDDEN bool gl_chantype_is_signal(const void *t);

/* ---- status words ---- */
/* Checks the offset of g.atomicstatus on a goroutine that is running Go code
 * (it must read _Grunning); false (and a warning) when it does not. */
GL_HIDDEN bool gl_gstatus_validate(const void *running_g);
/* False only when the runtime says for sure that g (goroutine goid) is not
 * waiting: readied (runnable) or running again. True when it is waiting, or
 * when the status cannot be trusted (unvalidated offset, g reused). */
GL_HIDDEN bool gl_gstatus_still_waiting(const void *g, int64_t goid);
/* libgo's status of g when readable (the offset checked and g still goid's),
 * a gl_libgo_gstatus without the scan bit; -1 unknown. */
GL_HIDDEN int gl_gstatus_of(const void *g, int64_t goid);

/* ---- argument layouts ---- */
static inline uintptr_t gl_libgo_timer_chan(const void *timer)
{
    return *(const uintptr_t *)((const char *)timer + GL_LIBGO_TIMER_C_OFFSET);
}

/* The channel of select case i (NULL for a nil channel). */
static inline uintptr_t gl_libgo_scase_chan(const void *cases, intptr_t i)
{
    return ((const uintptr_t *)cases)[GL_LIBGO_SCASE_WORDS * i];
}

/* Does lock (what gopark was handed) belong to channel c? */
static inline bool gl_libgo_is_chan_lock(uintptr_t lock, uintptr_t c)
{
    return c && lock == c + GL_LIBGO_HCHAN_LOCK_OFFSET;
}

#endif
