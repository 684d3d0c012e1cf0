/* The names of the dump's words (vocabulary.h), one table each. */
#include "format/vocabulary.h"

#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *const gstate_names[] = {
    [GL_G_RUNNING] = "running",
    [GL_G_PARKED] = "parked",
    [GL_G_EXITED] = "exited",
};

static const char *const wait_names[] = {
    [GL_WAIT_NONE] = "",
    [GL_WAIT_CHAN] = "chan",
    [GL_WAIT_SELECT] = "select",
    [GL_WAIT_NILCHAN] = "nilchan",
    [GL_WAIT_FOREVER] = "forever",
    [GL_WAIT_MUTEX] = "mutex",
    [GL_WAIT_RWMUTEX] = "rwmutex",
    [GL_WAIT_RWMUTEX_R] = "rwmutex-r",
    [GL_WAIT_WAITGROUP] = "waitgroup",
    [GL_WAIT_COND] = "cond",
    [GL_WAIT_SEMA] = "sema",
    [GL_WAIT_SLEEP] = "sleep",
    [GL_WAIT_IO] = "io",
    [GL_WAIT_OTHER] = "other",
    [GL_WAIT_ONCE] = "once",
};

static const char *const op_names[] = {
    [GL_OP_MAKE] = "make",
    [GL_OP_SEND] = "send",
    [GL_OP_RECV] = "recv",
    [GL_OP_SELECT] = "select",
    [GL_OP_CLOSE] = "close",
};

static const char *const timer_names[] = {
    [GL_TIMER_TIMER] = "timer",
    [GL_TIMER_TICKER] = "ticker",
};

static const struct {
    const char *name, *constructor;
} ctx_kinds[] = {
    [GL_CTX_CANCEL] = {"cancel", "WithCancel"},
    [GL_CTX_TIMEOUT] = {"timeout", "WithTimeout"},
    [GL_CTX_DEADLINE] = {"deadline", "WithDeadline"},
};

const gl_wait_reason_row gl_wait_reason_rows[GL_WR_COUNT] = {
#define ROW_(n, name, text, wait, leak) [n] = {text, GL_WAIT_##wait, leak},
    GL_WAIT_REASONS(ROW_)
#undef ROW_
};

/* Every number up to the last has a row. */
#define ONE_(n, name, text, wait, leak) +1
_Static_assert(0 GL_WAIT_REASONS(ONE_) == GL_WR_COUNT, "wait reasons are numbered without gaps");
#undef ONE_

const char *gl_gstate_name(gl_gstate s)
{
    return (unsigned)s < COUNT(gstate_names) ? gstate_names[s] : "running";
}

int gl_gstate_from_name(const char *s, gl_gstate *out)
{
    for (size_t i = 0; i < COUNT(gstate_names); i++)
        if (strcmp(s, gstate_names[i]) == 0) {
            *out = (gl_gstate)i;
            return 0;
        }
    return -1;
}

const char *gl_wait_name(gl_wait w)
{
    return (unsigned)w < COUNT(wait_names) ? wait_names[w] : "other";
}

gl_wait gl_wait_from_name(const char *s)
{
    if (!s || !*s)
        return GL_WAIT_OTHER;
    for (size_t i = 1; i < COUNT(wait_names); i++)
        if (strcmp(s, wait_names[i]) == 0)
            return (gl_wait)i;
    return GL_WAIT_OTHER;
}

const char *gl_chan_op_name(gl_chan_op op)
{
    return (unsigned)op < COUNT(op_names) && op_names[op] ? op_names[op] : "other";
}

const char *gl_timer_kind_name(gl_timer_kind k)
{
    return (unsigned)k < COUNT(timer_names) ? timer_names[k] : NULL;
}

gl_timer_kind gl_timer_kind_from_name(const char *s)
{
    for (size_t i = 1; s && i < COUNT(timer_names); i++)
        if (strcmp(s, timer_names[i]) == 0)
            return (gl_timer_kind)i;
    return GL_TIMER_NONE;
}

const char *gl_ctx_kind_name(gl_ctx_kind k)
{
    return (unsigned)k < COUNT(ctx_kinds) && ctx_kinds[k].name ? ctx_kinds[k].name : ctx_kinds[GL_CTX_CANCEL].name;
}

const char *gl_ctx_constructor(const char *kind)
{
    for (size_t i = 1; i < COUNT(ctx_kinds); i++)
        if (strcmp(kind, ctx_kinds[i].name) == 0)
            return ctx_kinds[i].constructor;
    return "context";
}

int gl_wait_reason_from_string(const char *s, unsigned long len)
{
    for (int i = 1; i < GL_WR_COUNT; i++)
        if (strlen(gl_wait_reason_rows[i].text) == len && memcmp(gl_wait_reason_rows[i].text, s, len) == 0)
            return i;
    return -1;
}
