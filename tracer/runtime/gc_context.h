/* Which waited-on channels are contexts' Done() channels. The runtime keeps
 * no link from a channel to its context, but a goroutine waiting on
 * ctx.Done() nearly always still holds ctx on its stack (to call ctx.Err()
 * afterwards, or in a frame further out): a word there that points at a
 * context.cancelCtx whose done field holds the channel is that context.
 * Exact when it matches (the channel address must be the one inside);
 * a context held only in registers is missed, and the goroutine is then
 * reported as a plain channel wait. */
#ifndef GOLEASH_GC_CONTEXT_H
#define GOLEASH_GC_CONTEXT_H

#include "runtime/gc_state.h"

/* Fills st->contexts and the channels' ctx from the stack copies of the
 * goroutines waiting on channels of struct{}. */
void gc_find_contexts(gc_proc *p, gc_state *st);

#endif
