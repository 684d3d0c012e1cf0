/* Timer facts of the channels goroutines wait on (gc_timers.h). */
#include "runtime/gc_timers.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_PS = 1024, MAX_TIMERS_PER_P = 1 << 16 };

typedef struct timer_facts {
    int64_t when, period;
    uint64_t fn, arg;         /* time.sendTime's funcval target, the channel */
    int live;
} timer_facts;

static int read_timer(gc_proc *p, uint64_t addr, timer_facts *t)
{
    const int64_t *m = p->abi.member;
    unsigned char raw[256];
    size_t size = (size_t)p->abi.size[GC_S_TIMER];
    if (!addr || size > sizeof raw || m[GC_M_TIMER_WHEN] < 0 || gc_mem_read(&p->mem, addr, raw, size) != 0)
        return -1;
    memset(t, 0, sizeof *t);
    memcpy(&t->when, raw + m[GC_M_TIMER_WHEN], 8);
    if (m[GC_M_TIMER_PERIOD] >= 0)
        memcpy(&t->period, raw + m[GC_M_TIMER_PERIOD], 8);
    uint64_t fv = 0;
    if (m[GC_M_TIMER_F] >= 0)
        memcpy(&fv, raw + m[GC_M_TIMER_F], 8);
    if (fv)
        gc_mem_u64(&p->mem, fv, &t->fn);
    if (m[GC_M_TIMER_ARG] >= 0)
        memcpy(&t->arg, raw + m[GC_M_TIMER_ARG] + 8, 8); /* eface data word */
    if (m[GC_M_TIMER_STATE] >= 0) {
        /* Go 1.23+: a stopped or fired timer has when = 0 */
        uint8_t state = raw[m[GC_M_TIMER_STATE]];
        int64_t zombie = p->abi.konst[GC_C_TIMER_ZOMBIE];
        t->live = t->when > 0 && !(zombie > 0 && (state & zombie));
    } else if (m[GC_M_TIMER_STATUS] >= 0) {
        uint32_t s;
        memcpy(&s, raw + m[GC_M_TIMER_STATUS], 4);
        const int64_t *k = p->abi.konst;
        t->live = (int64_t)s == k[GC_C_TIMER_WAITING] || (int64_t)s == k[GC_C_TIMER_RUNNING]
                  || (int64_t)s == k[GC_C_TIMER_MODIFYING] || (int64_t)s == k[GC_C_TIMER_MODIFIED_EARLIER]
                  || (int64_t)s == k[GC_C_TIMER_MODIFIED_LATER] || (int64_t)s == k[GC_C_TIMER_MOVING];
    }
    return 0;
}

static void apply(gc_chan *c, const timer_facts *t)
{
    c->timer = t->period > 0 ? 2 : 1;
    c->timer_live = t->live;
}

void gc_timer_of_chan(gc_proc *p, gc_chan *c, uint64_t timer)
{
    timer_facts t;
    if (read_timer(p, timer, &t) == 0)
        apply(c, &t);
}

static void match_timer(gc_proc *p, gc_state *st, uint64_t addr)
{
    timer_facts t;
    if (read_timer(p, addr, &t) != 0 || !t.fn || t.fn != p->abi.func[GC_F_SENDTIME])
        return;
    gc_chan *c = gc_state_chan(st, t.arg);
    if (c && !c->timer)
        apply(c, &t);
}

/* One P's heap: []*timer before Go 1.23, []timerWhen after. */
static void scan_p(gc_proc *p, gc_state *st, uint64_t pp)
{
    uint64_t hdr[2];
    if (gc_mem_read(&p->mem, pp + (uint64_t)p->abi.member[GC_M_P_TIMERS], hdr, sizeof hdr) != 0)
        return;
    int64_t esize = p->abi.size[GC_S_TIMERWHEN] > 0 ? p->abi.size[GC_S_TIMERWHEN] : 8;
    int64_t toff = p->abi.size[GC_S_TIMERWHEN] > 0 ? p->abi.member[GC_M_TIMERWHEN_TIMER] : 0;
    if (toff < 0 || hdr[1] > MAX_TIMERS_PER_P)
        return;
    for (uint64_t i = 0; i < hdr[1]; i++) {
        uint64_t t;
        if (gc_mem_u64(&p->mem, hdr[0] + i * (uint64_t)esize + (uint64_t)toff, &t) == 0)
            match_timer(p, st, t);
    }
}

void gc_timers_of_heaps(gc_proc *p, gc_state *st)
{
    uint64_t hdr[2];
    if (!st->nchans || !p->abi.func[GC_F_SENDTIME] || !p->abi.var[GC_V_ALLP] || p->abi.member[GC_M_P_TIMERS] < 0
        || gc_mem_read(&p->mem, p->abi.var[GC_V_ALLP] + p->mem.bias, hdr, sizeof hdr) != 0 || hdr[1] > MAX_PS)
        return;
    uint64_t ps[MAX_PS];
    if (gc_mem_read(&p->mem, hdr[0], ps, hdr[1] * 8) != 0)
        return;
    for (uint64_t i = 0; i < hdr[1]; i++)
        if (ps[i])
            scan_p(p, st, ps[i]);
}
