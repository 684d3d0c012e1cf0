/* What a goroutine of a foreign dump waits on, in the terms the rules use:
 * a wait-reason number (libgo's numbering, common/format/vocabulary.h) and a
 * gl_wait. Two sources: the status a traceback header prints (every spelling
 * gc has used since 1.17 and libgo's), and the innermost frames of a stack
 * (pprof has no status; gc's and libgo's "semacquire" does not say whether a
 * Mutex or a WaitGroup is behind it). */
#ifndef GOLEASH_WAIT_CLASSIFY_H
#define GOLEASH_WAIT_CLASSIFY_H

#include <stddef.h>

#include "model/model.h"

typedef struct gl_wait_class {
    gl_gstate state;   /* GL_G_PARKED for every wait reason, known or not */
    int reason;        /* wait-reason number; -1: not parked, or a reason that
                        * has no number (a newer gc's, or one we do not know;
                        * such goroutines are never leak candidates) */
    gl_wait wait;
    unsigned flags;    /* GL_GF_LEAKED, GL_GF_DURABLE from the modifiers */
    int known;         /* 0: a status we have never seen (kept verbatim) */
    size_t core_len;   /* length of the status without the header's
                        * modifiers " (leaked)", " (scan)", " (durable)" */
    int durable_suffix;/* " (durable)" was one of them: the reason as Go
                        * spells it is the core plus " (durable)" */
} gl_wait_class;

/* Classifies the status part of a header's brackets (what comes before
 * ", N minutes"): STATUS[ (leaked)][ (scan)][ (durable)] as gc 1.17-1.27
 * and libgo print it, e.g. "chan receive", "semacquire (scan)",
 * "chan receive (durable)" (a 1.25 reason), "sleep (durable)" (sleep in a
 * synctest bubble), "sync.WaitGroup.Wait", "running", "chan send (leaked)".
 * Never fails: an unknown status is a wait reason with reason -1; an empty
 * one (libgo's preempted goroutines print `[]`) is running. */
void gl_wait_classify_status(const char *s, size_t len, gl_wait_class *out);

/* Classifies by the innermost frames of s (runtime.chanrecv1 -> chan receive,
 * runtime.selectgo -> select, runtime.block -> select (no cases),
 * sync.(*WaitGroup).Wait -> semacquire/waitgroup, time.Sleep -> sleep,
 * netpoll -> IO wait, ...; gc and gccgo spellings). A receive from a nil
 * channel parks in the same frames as any receive: frames say chan receive.
 * Returns 1 and fills *reason and *wait when the frames tell, else 0. */
int gl_wait_classify_frames(const gl_stack *s, int *reason, gl_wait *wait);

#endif
