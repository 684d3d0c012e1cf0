/* Timers and tickers: a goroutine waiting on the channel of a live timer or
 * ticker wakes by itself and is no leak; once the timer is stopped it is.
 * Timer and Ticker both start with their channel, `C`. */
#include "interpose/interpose.h"

struct timer_note {
    uintptr_t c;
    uint8_t kind;
    int64_t when;
    int stopped;
};

static void timer_record(void *arg)
{
    struct timer_note *n = arg;
    gl_registry_chan_timer(n->c, n->kind, n->when, n->stopped);
}

/* when: the due time, -1 to keep the one noted; stopped: 1 once stopped. */
static void note_chan(uintptr_t c, uint8_t kind, int64_t when, int stopped)
{
    struct timer_note n = {c, kind, when, stopped};
    if (n.c)
        gl_on_altstack(timer_record, &n);
}

static void note_timer(void *t, uint8_t kind, int64_t when, int stopped)
{
    if (t)
        note_chan(gl_libgo_timer_chan(t), kind, when, stopped);
}

void *gl_new_timer(int64_t d) __asm__("time.NewTimer");
void *gl_new_timer(int64_t d)
{
    void *(*real)(int64_t) = GL_REAL(new_timer, "time.NewTimer");
    void *t = real(d);
    if (gl_active())
        note_timer(t, GL_TIMER_TIMER, gl_now_ns() + d, 0);
    return t;
}

void *gl_new_ticker(int64_t d) __asm__("time.NewTicker");
void *gl_new_ticker(int64_t d)
{
    void *(*real)(int64_t) = GL_REAL(new_ticker, "time.NewTicker");
    void *t = real(d);
    if (gl_active())
        note_timer(t, GL_TIMER_TICKER, 0, 0);
    return t;
}

_Bool gl_timer_stop(void *t) __asm__("time.Timer.Stop");
_Bool gl_timer_stop(void *t)
{
    _Bool (*real)(void *) = GL_REAL(timer_stop, "time.Timer.Stop");
    _Bool r = real(t);
    if (gl_active())
        note_timer(t, GL_TIMER_TIMER, -1, 1);
    return r;
}

_Bool gl_timer_reset(void *t, int64_t d) __asm__("time.Timer.Reset");
_Bool gl_timer_reset(void *t, int64_t d)
{
    _Bool (*real)(void *, int64_t) = GL_REAL(timer_reset, "time.Timer.Reset");
    _Bool r = real(t, d);
    if (gl_active())
        note_timer(t, GL_TIMER_TIMER, gl_now_ns() + d, 0);
    return r;
}

void gl_ticker_stop(void *t) __asm__("time.Ticker.Stop");
void gl_ticker_stop(void *t)
{
    void (*real)(void *) = GL_REAL(ticker_stop, "time.Ticker.Stop");
    real(t);
    if (gl_active())
        note_timer(t, GL_TIMER_TICKER, -1, 1);
}

void gl_ticker_reset(void *t, int64_t d) __asm__("time.Ticker.Reset");
void gl_ticker_reset(void *t, int64_t d)
{
    void (*real)(void *, int64_t) = GL_REAL(ticker_reset, "time.Ticker.Reset");
    real(t, d);
    if (gl_active())
        note_timer(t, GL_TIMER_TICKER, -1, 0);
}

/* time.After and time.Tick hand out the channel itself. */
void *gl_after(int64_t d) __asm__("time.After");
void *gl_after(int64_t d)
{
    void *(*real)(int64_t) = GL_REAL(after, "time.After");
    void *c = real(d);
    if (gl_active())
        note_chan((uintptr_t)c, GL_TIMER_TIMER, gl_now_ns() + d, 0);
    return c;
}

void *gl_tick(int64_t d) __asm__("time.Tick");
void *gl_tick(int64_t d)
{
    void *(*real)(int64_t) = GL_REAL(tick, "time.Tick");
    void *c = real(d);
    if (gl_active())
        note_chan((uintptr_t)c, GL_TIMER_TICKER, 0, 0);
    return c;
}
