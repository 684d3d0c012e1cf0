/* Whether a channel a goroutine waits on is a time.Timer's or a
 * time.Ticker's, and whether that timer will still fire: a goroutine whose
 * wait a live timer ends wakes by itself, and is no leak. */
#ifndef GOLEASH_GC_TIMERS_H
#define GOLEASH_GC_TIMERS_H

#include "runtime/gc_state.h"

/* Go 1.23+: the channel points at its timer (hchan.timer). */
void gc_timer_of_chan(gc_proc *p, gc_chan *c, uint64_t timer);

/* Before Go 1.23: timers live in the per-P heaps; a channel's timer is the
 * one whose function is time.sendTime and whose argument is the channel. */
void gc_timers_of_heaps(gc_proc *p, gc_state *st);

#endif
