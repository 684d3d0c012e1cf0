/* Go traceback text (gotrace.h, docs/input-formats.md).
 *
 * One pass, one line at a time, nothing allocated per line: a goroutine's
 * frames go straight into the builder's scratch stack, which interns them
 * when the goroutine ends. The dump ends at a line that ends dumps (`FAIL`,
 * `exit status 2`, a register dump, another dump's start: boundary_line) or
 * at the end of the input. Anything else it cannot read (log lines between
 * a header and its frames, a header without its `]:`, a frame without its
 * file line) is skipped: one warning per run of skipped lines, the rest
 * still read. Runs after the last goroutine are the log around the dump
 * and are skipped without a word. */
#include "readers/gotrace.h"
#include "util/util.h"
#include "format/wait_classify.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MINUTE_NS ((int64_t)60 * 1000000000)

typedef enum phase {
    PH_NONE,      /* between goroutines */
    PH_STACK,     /* frames of the goroutine's own stack */
    PH_CREATED,   /* the `created by` frame and the first originating block */
    PH_ORIGIN,    /* older originating blocks: only their ids and entry functions */
    PH_LOST,      /* after a malformed header: lines up to the next header are skipped */
} phase;

/* A run of lines that could not be read. */
typedef struct skip_run {
    long first, last;         /* input lines */
    unsigned n;               /* dump lines (a record may carry several) */
    int forced;               /* it lost something (a frame, a goroutine's stack):
                               * said even when the dump ends after it */
    char why[160];            /* of its first line */
} skip_run;

/* A status seen before, classified, its reason text interned: a dump has a
 * handful of statuses over a million headers. */
#define STATUS_MEMO 16
#define STATUS_MEMO_MAX_LEN 64

typedef struct status_memo {
    char status[STATUS_MEMO_MAX_LEN];
    size_t len;
    int used;                 /* status[0, len) is remembered */
    gl_wait_class cls;
    const char *reason_text;  /* interned; NULL when not parked */
    size_t reason_text_len;
} status_memo;

typedef struct parser {
    gl_input *in;
    gl_build *b;
    gl_diag *diag;
    phase ph;
    int need_file;            /* a function line was read; its file line must follow */
    int weak;                 /* ... but it may as well have been log text (-1: not known yet) */
    const char *fn;           /* that line: in the input when its lines stay put, else fnbuf */
    size_t fn_len;
    long fn_line;             /* its line */
    int discard_frame;        /* that frame is an originating block's creator: drop it */
    gl_build_frame fr;        /* that function line (function/args point into fn) */
    int stable_lines;         /* the input's lines stay valid (gl_input_lines_stable) */
    char *fnbuf;
    size_t fnbuf_cap;
    status_memo statuses[STATUS_MEMO];
    unsigned nstatuses;
    /* the goroutine being read */
    gl_build_goroutine g;
    long header_line;
    gl_wait_class cls;
    int stack_truncated;      /* frames elided */
    int outer_cut;            /* ... at the outer end: the entry function is unknown */
    gl_stack *park;
    int created_truncated;
    char *created_fn;         /* function of the `created by` frame (kept only to be
                               * compared: most dumps have no originating blocks) */
    size_t created_fn_len, created_fn_cap;
    int origin_blocks;        /* originating blocks seen */
    int skip_origin_first;    /* the first frame of the first block repeats created by */
    int64_t origin_id;        /* goroutine of the current block */
    const char *origin_outer; /* its outermost function so far (interned) */
    int origin_cut;
    /* the dump */
    int64_t max_id;           /* highest goroutine id so far */
    int frames_with_args, frames_without_args;
    signed char *sema_cache;  /* refined wait of a "semacquire" stack, by stack id */
    size_t sema_cache_cap;
    skip_run skip;            /* open when skip.n */
    const char *trunner;      /* "testing.tRunner", interned: frames compare by pointer */
    int offsets_seen;         /* file lines with `+0x` so far */
} parser;

/* ---- small scanners ----------------------------------------------------- */

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int starts(const char *s, size_t len, const char *lit)
{
    size_t n = strlen(lit);
    return len >= n && memcmp(s, lit, n) == 0;
}

/* Parses decimal digits at s[*i]; -1 when there are none or too many. */
static int scan_uint(const char *s, size_t len, size_t *i, int64_t *out)
{
    size_t j = *i;
    uint64_t v = 0;
    while (j < len && is_digit(s[j])) {
        if (v > (uint64_t)(INT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (uint64_t)(s[j] - '0');
        j++;
    }
    if (j == *i)
        return -1;
    *i = j;
    *out = (int64_t)v;
    return 0;
}

/* ---- headers ------------------------------------------------------------ */

typedef struct header {
    int64_t id;
    const char *status;       /* inside the brackets, up to the first ", " */
    size_t status_len;
    int64_t minutes;          /* -1 none */
    int locked;
    int64_t bubble;           /* synctest group/bubble id, 0 none */
    const char *labels;       /* `{...}` as printed (1.26 inside the brackets
                               * after "labels:", 1.27+ after them); NULL none */
    size_t labels_len;
} header;

/* `goroutine N( gp=.. m=.. mp=..) [STATUS(, PART)*( labels:{..})]( {..}):`
 * (docs/input-formats.md has the variants by version). */
/* One ", "-separated part after the status: park time, thread lock,
 * synctest bubble. Unknown ones are ignored: a newer Go may add more. */
static void header_part(header *h, const char *p, size_t n)
{
    size_t k = 0;
    int64_t v;
    if (scan_uint(p, n, &k, &v) == 0 && (n - k == 8 || n - k == 7) && starts(p + k, n - k, " minute"))
        h->minutes = v;
    else if (n == 16 && memcmp(p, "locked to thread", 16) == 0)
        h->locked = 1;
    else if (starts(p, n, "synctest group ") || starts(p, n, "synctest bubble ")) {
        k = p[9] == 'g' ? 15 : 16;
        h->bubble = scan_uint(p, n, &k, &v) == 0 ? v : -1;
    }
}

/* The status and the parts after it, in c[0, clen). */
static void header_status(header *h, const char *c, size_t clen)
{
    const char *comma = NULL;
    for (size_t k = 0; k + 1 < clen; k++)
        if (c[k] == ',' && c[k + 1] == ' ') {
            comma = c + k;
            break;
        }
    h->status = c;
    h->status_len = comma ? (size_t)(comma - c) : clen;
    h->minutes = -1;
    h->locked = 0;
    h->bubble = 0;
    const char *stop = c + clen;
    for (const char *p = comma; p && p < stop;) {
        p += 2;
        const char *q = p;
        while (q + 1 < stop && !(q[0] == ',' && q[1] == ' '))
            q++;
        if (q + 1 >= stop)
            q = stop;
        header_part(h, p, (size_t)(q - p));
        p = q < stop ? q : NULL;
    }
}

static int parse_header(const char *s, size_t len, header *h)
{
    size_t i = 10;
    if (!starts(s, len, "goroutine ") || scan_uint(s, len, &i, &h->id) != 0)
        return -1;
    if (len < 2 || s[len - 1] != ':' || (s[len - 2] != ']' && s[len - 2] != '}'))
        return -1;
    /* gc 1.22+ (SIGQUIT, throws, GOTRACEBACK=system): gp=, m=, mp= words
     * before the brackets; any such words are skipped. */
    while (i < len && s[i] == ' ') {
        i++;
        if (i < len && s[i] == '[')
            break;
        while (i < len && s[i] != ' ' && s[i] != '[')
            i++;
    }
    if (i >= len || s[i] != '[')
        return -1;
    i++;
    h->labels = NULL;
    h->labels_len = 0;
    size_t end = len - 2; /* the closing ']' */
    if (s[len - 2] == '}') {
        /* 1.27+: labels after the brackets. Reason strings hold no "] {". */
        const char *lb = memmem(s + i, len - i, "] {", 3);
        if (!lb)
            return -1;
        end = (size_t)(lb - s);
        h->labels = lb + 2;
        h->labels_len = (size_t)(s + len - 1 - h->labels);
    }
    const char *c = s + i;
    size_t clen = end - i;
    /* 1.26: labels inside the brackets, last. */
    const char *il = memmem(c, clen, " labels:{", 9);
    if (il && c[clen - 1] == '}') {
        h->labels = il + 8;
        h->labels_len = (size_t)(c + clen - h->labels);
        clen = (size_t)(il - c);
    }
    header_status(h, c, clen);
    return 0;
}

int gl_gotrace_is_header(const char *line, size_t len)
{
    header h;
    return parse_header(line, len, &h) == 0;
}

/* ---- frames ------------------------------------------------------------- */

/* A line that starts with a tab (or the spaces logs and web pages turn
 * it into). */
static int is_file_line(const char *s, size_t len)
{
    return len > 1 && (s[0] == '\t' || s[0] == ' ');
}

/* `\tFILE:LINE( +0xOFF)( fp=0x.. sp=0x.. pc=0x..)`; FILE may hold spaces and
 * colons: LINE is the digits after the last colon that are followed by the
 * end or a space. The suffix words are read from there on. */
static int parse_file_line(const char *s, size_t len, gl_build_frame *f)
{
    size_t i = 0;
    while (i < len && (s[i] == '\t' || s[i] == ' '))
        i++;
    s += i;
    len -= i;
    size_t colon = len;
    for (;;) {
        const char *c = colon ? memrchr(s, ':', colon) : NULL;
        if (!c || c == s)
            return -1;
        colon = (size_t)(c - s);
        size_t k = colon + 1;
        while (k < len && is_digit(s[k]))
            k++;
        if (k > colon + 1 && (k == len || s[k] == ' '))
            break;
    }
    size_t k = colon + 1;
    int64_t line;
    if (scan_uint(s, len, &k, &line) != 0 || line > 0x7fffffff)
        return -1;
    f->file = s;
    f->file_len = colon;
    f->line = (int)line;
    f->off = 0;
    /* The words after LINE: " +0xOFF" (gc, and libgo's created-by), then
     * " fp=0x.. sp=0x.. pc=0x.." (gc at GOTRACEBACK=system and up), or just
     * " pc=0x.." (a cgo symbolizer's frame). */
    while (k < len && s[k] == ' ') {
        size_t w = ++k;
        while (k < len && s[k] != ' ')
            k++;
        if (k - w > 3 && s[w] == '+')
            gl_parse_hex(s + w + 1, k - w - 1, &f->off);
        else if (k - w > 5 && s[w] == 'p' && s[w + 1] == 'c' && s[w + 2] == '=')
            gl_parse_hex(s + w + 3, k - w - 3, &f->pc);
    }
    return 0;
}

/* Does the line look like a frame's function line? gc: `NAME(ARGS)`;
 * libgo: `NAME`, one word with a dot (or `?`). Log text around a dump
 * (`exit status 2`, `FAIL\tpkg 0.1s`, `PASS`) does not. */
static int looks_like_function(const char *s, size_t len)
{
    if (len == 0 || s[0] == ' ' || s[0] == '\t')
        return 0;
    if (s[len - 1] == ')') {
        const char *paren = memchr(s, '(', len);
        if (!paren || paren == s)
            return 0;
        for (const char *c = s; c < paren; c++)
            if (*c == '\t')
                return 0;
        return 1;
    }
    if (len == 1 && s[0] == '?')
        return 1;
    int dot = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == ' ' || s[i] == '\t')
            return 0;
        dot |= s[i] == '.';
    }
    return dot;
}

/* Splits a function line into name and argument list. */
static void split_function(const char *s, size_t len, gl_build_frame *f)
{
    f->function = s;
    f->function_len = len;
    f->args = NULL;
    f->args_len = 0;
    if (len < 2 || s[len - 1] != ')')
        return;
    /* The argument list is the parenthesis matching the last one: names hold
     * parentheses too (`main.(*T).m`). Most lists hold none: then it is the
     * last '(' before the end. */
    const char *open = memrchr(s, '(', len - 1);
    if (open && !memchr(open + 1, ')', (size_t)(s + len - 1 - (open + 1)))) {
        size_t i = (size_t)(open - s);
        if (i == 0)
            return;
        f->function_len = i;
        f->args = open + 1;
        f->args_len = len - i - 2;
        return;
    }
    int depth = 0;
    for (size_t i = len; i-- > 0;) {
        if (s[i] == ')')
            depth++;
        else if (s[i] == '(' && --depth == 0) {
            if (i == 0)
                return;
            f->function_len = i;
            f->args = s + i + 1;
            f->args_len = len - i - 2;
            return;
        }
    }
}

/* ---- goroutines --------------------------------------------------------- */

static int oom(parser *p)
{
    gl_input_error(p->in, gl_input_lineno(p->in), p->diag, "out of memory");
    return -1;
}

static void warn(parser *p, long line, const char *what)
{
    p->diag->nwarnings++;
    if (p->diag->msg[0])
        return;
    gl_input_error(p->in, line, p->diag, "%s", what);
    p->diag->is_warning = 1;
}

/* ---- skipped lines ------------------------------------------------------- */

/* Says a run: to the diag's sink when it has one, else as a warning. */
static void say_run(parser *p)
{
    skip_run *r = &p->skip;
    char what[400];
    if (r->first == r->last)
        snprintf(what, sizeof what, "skipped %u line%s that do%s not continue the dump: %s", r->n,
                 r->n == 1 ? "" : "s", r->n == 1 ? "es" : "", r->why);
    else
        snprintf(what, sizeof what, "skipped %u lines (to line %ld) that do not continue the dump: %s", r->n,
                 r->last, r->why);
    if (p->diag->sink) {
        gl_diag one;
        memset(&one, 0, sizeof one);
        gl_input_error(p->in, r->first, &one, "%s", what);
        p->diag->sink(p->diag->sink_ctx, one.msg);
    } else {
        warn(p, r->first, what);
    }
}

/* Ends the open run: said when the dump went on after it (said = 1) or it
 * lost something, dropped silently when it was only the log after the
 * dump. */
static void close_run(parser *p, int said)
{
    if (p->skip.n && (said || p->skip.forced))
        say_run(p);
    p->skip.n = 0;
}

/* A line (at `line`, the input's) that is skipped; why: what the reader
 * expected. forced: something of the dump is lost with it. */
static void skip_line(parser *p, long line, int forced, const char *why)
{
    skip_run *r = &p->skip;
    if (r->n && (line < r->first - 1 || line > r->last + 1))
        close_run(p, 1);
    if (!r->n) {
        r->first = r->last = line;
        r->forced = 0;
        snprintf(r->why, sizeof r->why, "%s", why);
        if (!p->diag->problem[0]) {
            gl_diag one;
            memset(&one, 0, sizeof one);
            gl_input_error(p->in, line, &one, "%s", why);
            memcpy(p->diag->problem, one.msg, sizeof p->diag->problem);
        }
    }
    if (line < r->first)
        r->first = line;
    if (line > r->last)
        r->last = line;
    r->n++;
    r->forced |= forced;
}

/* A line the dump goes on with: the run before it was inside the dump. */
static void accepted(parser *p)
{
    if (p->skip.n)
        close_run(p, 1);
}

/* The end of an originating block: its goroutine becomes an ancestor record. */
static int close_origin(parser *p, int64_t parent)
{
    if (!p->origin_id)
        return 0;
    const char *outer = p->origin_cut ? NULL : p->origin_outer;
    if (gl_build_ancestor(p->b, p->origin_id, parent, outer) != 0)
        return oom(p);
    p->origin_id = 0;
    p->origin_outer = NULL;
    p->origin_cut = 0;
    return 0;
}

static int end_park_stack(parser *p)
{
    p->park = gl_build_stack_end(p->b, p->stack_truncated);
    return p->park ? 0 : oom(p);
}

/* gc and libgo print "semacquire" for every sync type; the frames tell
 * which (cached per interned stack: the answer is the same for all). */
static gl_wait refine_sema(parser *p, gl_stack *s)
{
    if (!s)
        return GL_WAIT_SEMA;
    if (s->id >= p->sema_cache_cap) {
        size_t cap = p->sema_cache_cap ? p->sema_cache_cap : 256;
        while (cap <= s->id)
            cap *= 2;
        signed char *c = realloc(p->sema_cache, cap);
        if (!c)
            return GL_WAIT_SEMA;
        memset(c + p->sema_cache_cap, -1, cap - p->sema_cache_cap);
        p->sema_cache = c;
        p->sema_cache_cap = cap;
    }
    if (p->sema_cache[s->id] < 0) {
        int reason;
        gl_wait w = GL_WAIT_SEMA;
        if (!gl_wait_classify_frames(s, &reason, &w) || reason != GL_WR_SEMACQUIRE)
            w = GL_WAIT_SEMA;
        p->sema_cache[s->id] = (signed char)w;
    }
    return (gl_wait)p->sema_cache[s->id];
}

/* The test a goroutine running testing.tRunner runs, as far as a text dump
 * tells: the top-level test function of the frame tRunner called
 * (`pkg.TestA.func1` → TestA). A subtest's name is not in the dump, so
 * its goroutines are its top-level test's. NULL: not a test's goroutine. */
static const char *test_of(parser *p, const gl_stack *s)
{
    if (!s || s->n < 2)
        return NULL;
    if (!p->trunner && !(p->trunner = gl_build_intern(p->b, "testing.tRunner", 15)))
        return NULL;
    for (size_t i = 1; i < s->n; i++) {
        if (s->frames[i].function != p->trunner)
            continue;
        const char *fn = s->frames[i - 1].function;
        const char *slash = fn ? strrchr(fn, '/') : NULL;
        const char *dot = fn ? strchr(slash ? slash : fn, '.') : NULL;
        if (!dot || strncmp(dot + 1, "Test", 4) != 0)
            return NULL;
        return gl_build_intern(p->b, dot + 1, strcspn(dot + 1, "."));
    }
    return NULL;
}

static int end_goroutine(parser *p)
{
    if (p->ph == PH_NONE)
        return 0;
    if (p->ph == PH_LOST) {
        p->ph = PH_NONE;
        return 0;
    }
    gl_stack *created = NULL;
    if (p->ph == PH_STACK) {
        if (end_park_stack(p) != 0)
            return -1;
    } else if (p->ph == PH_CREATED) {
        created = gl_build_stack_end(p->b, p->created_truncated);
        if (!created)
            return oom(p);
    } else {
        created = p->g.created;
    }
    if (close_origin(p, 0) != 0)
        return -1;
    gl_build_goroutine *g = &p->g;
    g->stack = p->park;
    g->created = created;
    if (g->wait == GL_WAIT_SEMA)
        g->wait = refine_sema(p, p->park);
    if (p->stack_truncated && p->outer_cut)
        g->start_function = NULL; /* unknown; the builder leaves it so for truncated stacks */
    else if (p->stack_truncated && p->park->n) {
        /* Only the middle was elided: the outermost frame is the entry. */
        const gl_frame *f = &p->park->frames[p->park->n - 1];
        g->start_function = f->function;
        if (f->function && (strcmp(f->function, "runtime.goexit") == 0) && p->park->n > 1)
            g->start_function = p->park->frames[p->park->n - 2].function;
    }
    int r = gl_build_goroutine_add(p->b, g);
    if (r < 0)
        return oom(p);
    const char *test = r == 0 ? test_of(p, p->park) : NULL;
    gl_goroutine *added = test ? gl_dump_goroutine(gl_build_dump(p->b), g->id) : NULL;
    if (added) /* (goroutine 0, gc's idle M stacks, is not looked up by id) */
        added->test = test;
    p->ph = PH_NONE;
    return 0;
}

/* The classification and reason text of a header's status, from the memo
 * when seen before. NULL when out of memory. */
static const status_memo *classify_status(parser *p, const header *h)
{
    for (unsigned i = 0; i < p->nstatuses && i < STATUS_MEMO; i++) {
        const status_memo *m = &p->statuses[i];
        if (m->used && m->len == h->status_len && memcmp(m->status, h->status, m->len) == 0)
            return m;
    }
    /* A status too long to remember still passes through a slot. */
    status_memo *m = &p->statuses[p->nstatuses++ % STATUS_MEMO];
    gl_wait_class *c = &m->cls;
    gl_wait_classify_status(h->status, h->status_len, c);
    m->used = 0;
    m->reason_text = NULL;
    m->reason_text_len = 0;
    if (c->state == GL_G_PARKED) {
        /* The reason as Go spells it: the status without the (leaked) and
         * (scan) marks, with a (durable) one ("sleep (durable)"). */
        char text[256];
        size_t n = c->core_len < 200 ? c->core_len : 200;
        memcpy(text, h->status, n);
        if (c->durable_suffix) {
            memcpy(text + n, " (durable)", 10);
            n += 10;
        }
        if (!(m->reason_text = gl_build_intern(p->b, text, n)))
            return NULL;
        m->reason_text_len = n;
    }
    if (h->status_len <= STATUS_MEMO_MAX_LEN) {
        memcpy(m->status, h->status, h->status_len);
        m->len = h->status_len;
        m->used = 1;
    }
    return m;
}

static int begin_goroutine(parser *p, const header *h)
{
    const status_memo *m = classify_status(p, h);
    if (!m)
        return oom(p);
    p->cls = m->cls;
    gl_wait_class *c = &p->cls;
    memset(&p->g, 0, sizeof p->g);
    gl_build_goroutine *g = &p->g;
    g->id = h->id;
    g->state = c->state;
    g->reason = c->reason;
    g->wait = c->wait;
    g->flags = c->flags;
    g->system = -1;
    g->park_minutes = -1;
    if (c->state == GL_G_PARKED) {
        /* gc prints no minutes below one: parked, for less than a minute. */
        g->park_minutes = h->minutes >= 0 ? h->minutes : 0;
        g->reason_text = m->reason_text;
        g->reason_text_len = m->reason_text_len;
    }
    if (h->labels) {
        g->labels = h->labels;
        g->labels_len = h->labels_len;
        /* the header line goes away before the goroutine is added */
        if (!(g->labels = gl_build_intern(p->b, h->labels, h->labels_len)))
            return oom(p);
    }
    if (h->locked)
        g->flags |= GL_GF_LOCKED;
    if (h->bubble)
        g->flags |= GL_GF_BUBBLE;
    p->header_line = gl_input_lineno(p->in);
    p->stack_truncated = p->outer_cut = 0;
    p->created_truncated = 0;
    p->park = NULL;
    p->created_fn_len = 0;
    p->origin_blocks = 0;
    p->origin_id = 0;
    p->origin_outer = NULL;
    p->origin_cut = 0;
    p->ph = PH_STACK;
    gl_build_stack_begin(p->b);
    return 0;
}

/* ---- lines -------------------------------------------------------------- */

static int add_frame(parser *p, const gl_build_frame *f)
{
    switch (p->ph) {
    case PH_STACK:
        if (f->args)
            p->frames_with_args++;
        else
            p->frames_without_args++;
        return gl_build_frame_add(p->b, f) == 0 ? 0 : oom(p);
    case PH_CREATED:
        if (p->skip_origin_first) {
            p->skip_origin_first = 0;
            const char *fn = gl_build_intern(p->b, f->function, f->function_len);
            if (!fn)
                return oom(p);
            if (p->origin_blocks && p->created_fn_len && f->function_len == p->created_fn_len
                && memcmp(f->function, p->created_fn, f->function_len) == 0) {
                p->origin_outer = fn;
                return 0;
            }
        }
        if (p->origin_blocks && !(p->origin_outer = gl_build_intern(p->b, f->function, f->function_len)))
            return oom(p);
        return gl_build_frame_add(p->b, f) == 0 ? 0 : oom(p);
    case PH_ORIGIN:
        p->origin_outer = gl_build_intern(p->b, f->function, f->function_len);
        return p->origin_outer ? 0 : oom(p);
    default:
        return 0;
    }
}

/* A copy of s[0, len) in *buf (of *cap bytes, grown as needed); -1 when
 * out of memory. */
static int keep_copy(char **buf, size_t *cap, const char *s, size_t len)
{
    if (gl_grow((void **)buf, cap, len, 1) != 0)
        return -1;
    if (len)
        memcpy(*buf, s, len);
    return 0;
}

/* Keeps the function line until its file line arrives. */
static int hold_function(parser *p, const char *s, size_t len)
{
    if (!p->stable_lines) {
        if (keep_copy(&p->fnbuf, &p->fnbuf_cap, s, len) != 0)
            return oom(p);
        s = p->fnbuf;
    }
    p->fr.pc = 0;
    split_function(s, len, &p->fr);
    p->need_file = 1;
    p->weak = -1; /* decided only if no file line follows */
    p->fn = s;
    p->fn_len = len;
    p->fn_line = gl_input_lineno(p->in);
    return 0;
}

/* The park stack is complete: the creation stack comes next. */
static int start_creation(parser *p)
{
    if (end_park_stack(p) != 0)
        return -1;
    gl_build_stack_begin(p->b);
    p->ph = PH_CREATED;
    return 0;
}

static int created_by(parser *p, const char *s, size_t len)
{
    s += 11;
    len -= 11;
    /* gc 1.21+: `created by F in goroutine N` */
    for (size_t k = len; k-- > 0;) {
        if (s[k] == ' ' || !is_digit(s[k])) {
            if (k >= 13 && s[k] == ' ' && k + 1 < len && memcmp(s + k - 13, " in goroutine", 13) == 0) {
                size_t i = k + 1;
                int64_t parent;
                if (scan_uint(s, len, &i, &parent) == 0 && i == len) {
                    if (p->ph == PH_STACK)
                        p->g.parent = parent;
                    len = k - 13;
                }
            }
            break;
        }
    }
    if (len == 0) {
        skip_line(p, gl_input_lineno(p->in), 1, "expected a function after 'created by'");
        return 0;
    }
    if (p->ph == PH_STACK) {
        if (start_creation(p) != 0)
            return -1;
        if (keep_copy(&p->created_fn, &p->created_fn_cap, s, len) != 0)
            return oom(p);
        p->created_fn_len = len;
    }
    /* In an originating block the creator names the next block's goroutine,
     * which the next block header gives with its id: nothing to keep. */
    else
        p->discard_frame = 1;
    if (hold_function(p, s, len) != 0)
        return -1;
    p->fr.args = NULL;
    p->weak = 0;
    return 0;
}

static int originating(parser *p, const char *s, size_t len)
{
    size_t i = 28; /* strlen("[originating from goroutine ") */
    int64_t id;
    if (scan_uint(s, len, &i, &id) != 0 || len - i != 2 || s[i] != ']' || s[i + 1] != ':') {
        skip_line(p, gl_input_lineno(p->in), 1, "malformed '[originating from goroutine N]:' line");
        return 0;
    }
    /* No `created by` before it (the main goroutine has none). */
    if (p->ph == PH_STACK && start_creation(p) != 0)
        return -1;
    if (p->ph == PH_CREATED && p->origin_blocks == 0) {
        if (!p->g.parent)
            p->g.parent = id;
        p->skip_origin_first = 1;
    } else {
        if (p->ph == PH_CREATED) {
            p->g.created = gl_build_stack_end(p->b, p->created_truncated);
            if (!p->g.created)
                return oom(p);
            p->ph = PH_ORIGIN;
        }
        if (close_origin(p, id) != 0)
            return -1;
    }
    p->origin_blocks++;
    p->origin_id = id;
    p->origin_outer = NULL;
    p->origin_cut = 0;
    return 0;
}

static void elided(parser *p, int outer)
{
    if (p->ph == PH_STACK) {
        p->stack_truncated = 1;
        p->outer_cut |= outer;
    } else if (p->ph == PH_CREATED) {
        p->created_truncated = 1;
        p->origin_cut |= outer;
    } else {
        p->origin_cut |= outer;
    }
}

/* `...N frames elided...` (1.21+, the middle) or `...additional frames elided...`. */
static int elision(const char *s, size_t len, int *outer)
{
    if (len == 3 && memcmp(s, "...", 3) == 0) {
        *outer = 1; /* frames elided, how many and where not said */
        return 1;
    }
    if (len < 6 || memcmp(s, "...", 3) != 0 || memcmp(s + len - 3, "...", 3) != 0)
        return 0;
    static const char cut[] = "...additional frames elided...";
    if (len == sizeof cut - 1 && memcmp(s, cut, len) == 0) {
        *outer = 1;
        return 1;
    }
    size_t i = 3;
    int64_t n;
    if (scan_uint(s, len, &i, &n) == 0 && len - i == 17 && memcmp(s + i, " frames elided...", 17) == 0) {
        *outer = 0;
        return 1;
    }
    return 0;
}

static int stack_unavailable(const char *s, size_t len)
{
    while (len && (*s == '\t' || *s == ' ')) {
        s++;
        len--;
    }
    if (len < 20 || s[0] != 'g')
        return 0;
    return (len == 52 && memcmp(s, "goroutine running on other thread; stack unavailable", 52) == 0)
        || (len == 39 && memcmp(s, "goroutine in C code; stack unavailable", 39) == 0)
        || (starts(s, len, "goroutine ") && len > 19 && memcmp(s + len - 19, "; stack unavailable", 19) == 0);
}

/* A frame's file line: the frame is complete. */
static int file_line(parser *p, const char *s, size_t len)
{
    p->need_file = 0;
    if (parse_file_line(s, len, &p->fr) != 0) {
        /* Both lines are lost: the frame cannot be told. */
        skip_line(p, gl_input_lineno(p->in), 1, "expected FILE:LINE after the function line");
        skip_line(p, p->fn_line, 1, "expected FILE:LINE after the function line");
        return 0;
    }
    accepted(p);
    p->offsets_seen += p->fr.off != 0;
    if (p->discard_frame) {
        p->discard_frame = 0;
        return 0;
    }
    return add_frame(p, &p->fr);
}

enum { CONTINUE, END_OF_DUMP };

/* What the runtime prints into a stack when it finds something odd
 * (`runtime: g 5: unexpected return pc ...`, then `stack: frame={...}` and
 * hex words), and cgo frames without a symbolizer: not frames of ours. */
static int runtime_noise(const char *s, size_t len)
{
    if (starts(s, len, "runtime: ") || starts(s, len, "stack: frame={") || starts(s, len, "non-Go function")
        || starts(s, len, "\tpc=0x"))
        return 1;
    if (len > 3 && s[0] == '0' && s[1] == 'x') {
        size_t i = 2;
        while (i < len && gl_hex_digit(s[i]) >= 0)
            i++;
        return i < len && s[i] == ':';
    }
    return 0;
}

/* A goroutine header with nothing under it yet. */
static int no_frames(const parser *p)
{
    return p->ph == PH_STACK && gl_build_stack_depth(p->b) == 0 && !(p->g.flags & GL_GF_NO_STACK);
}

/* Could this line be part of a dump? (For a last line cut short.) */
static int dump_like(const char *s, size_t len)
{
    return len && (s[0] == '\t' || s[0] == ' ' || starts(s, len, "goroutine ") || starts(s, len, "created by ")
                   || starts(s, len, "[originating") || starts(s, len, "...") || looks_like_function(s, len));
}

/* The line just read is not the dump's: it is left for the caller. */
static int dump_over(parser *p, int *verdict)
{
    *verdict = END_OF_DUMP;
    gl_input_unread(p->in);
    return 0;
}

/* A lowercase register name, spaces, a hex value: the register dump after
 * a SIGQUIT dump (`rax    0x0`, `pc     0x46d8a1`). */
static int register_line(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && i < 8 && ((s[i] >= 'a' && s[i] <= 'z') || is_digit(s[i])))
        i++;
    if (i == 0 || i == len || s[i] != ' ')
        return 0;
    while (i < len && s[i] == ' ')
        i++;
    if (len - i < 3 || s[i] != '0' || s[i + 1] != 'x')
        return 0;
    for (i += 2; i < len; i++)
        if (gl_hex_digit(s[i]) < 0)
            return 0;
    return 1;
}

/* `SIGQUIT: quit`, `SIGSEGV: segmentation violation`. */
static int signal_line(const char *s, size_t len)
{
    size_t i = 3;
    if (!starts(s, len, "SIG"))
        return 0;
    while (i < len && s[i] >= 'A' && s[i] <= 'Z')
        i++;
    return i > 3 && i < len && s[i] == ':';
}

/* Lines that end a dump: what go test, the shell and the runtime print after
 * one (or before the next one), and the start of a profile. */
static int boundary_line(const char *s, size_t len)
{
    if (len < 3)
        return 0;
    switch (s[0]) {
    case 'F':
        return starts(s, len, "FAIL") && (len == 4 || s[4] == '\t' || s[4] == ' ');
    case 'P':
        return (starts(s, len, "PASS") && len == 4) || starts(s, len, "PC=0x");
    case 'o':
        return starts(s, len, "ok  ") || starts(s, len, "ok\t");
    case 'e':
        return starts(s, len, "exit status ");
    case 'p':
        return starts(s, len, "panic: ");
    case 'f':
        return starts(s, len, "fatal error: ");
    case 'S':
        return signal_line(s, len);
    case '-':
        return starts(s, len, "-----") || starts(s, len, "--- ");
    case '=':
        return starts(s, len, "=== ");
    case 'g':
        return starts(s, len, "goroutine profile: total") || starts(s, len, "goroutineleak profile: total");
    case '[':
        return starts(s, len, "[signal ");
    default:
        return register_line(s, len);
    }
}

/* A goroutine header inside a line, after text glued before it. */
static int glued_header(const char *s, size_t len)
{
    if (len < 14 || s[len - 1] != ':')
        return 0; /* every header ends so: most lines are out after one byte */
    for (const char *g = s; (g = memmem(g, len - (size_t)(g - s), "goroutine ", 10)) != NULL; g++)
        if (g > s && gl_gotrace_is_header(g, len - (size_t)(g - s)))
            return 1;
    return 0;
}

/* A file line whose indentation was lost (a dump copied from a web page):
 * `/src/app/main.go:12 +0x1d`, a path with a source file and a line. */
static int bare_file_line(const char *s, size_t len)
{
    if (len < 6 || (s[0] != '/' && !memmem(s, len, ".go:", 4) && !memmem(s, len, ".s:", 3)))
        return 0;
    gl_build_frame f = {0};
    return !memchr(s, '(', len) && parse_file_line(s, len, &f) == 0;
}

/* The held function line had no file line after it: it is dropped. */
static void drop_held(parser *p, const char *why)
{
    char what[160];
    snprintf(what, sizeof what, "%s '%.*s'", why, (int)(p->fr.function_len < 80 ? p->fr.function_len : 80),
             p->fr.function);
    p->need_file = 0;
    p->discard_frame = 0;
    skip_line(p, p->fn_line, 1, what);
}

/* Ends the goroutine being read; the dump is over at this line. */
static int end_dump_here(parser *p, int *verdict)
{
    if (p->need_file)
        drop_held(p, "expected a tab-indented FILE:LINE line after");
    if (no_frames(p) && !p->skip.n)
        skip_line(p, p->header_line, 1, "expected a stack frame after the goroutine header");
    close_run(p, 0);
    return end_goroutine(p) != 0 ? -1 : dump_over(p, verdict);
}

static int handle_line(parser *p, const char *s, size_t len, int *verdict);

/* The line after a function line: its file line; else the function line
 * was log text (or lost its file line), and this line is read afresh. */
static int after_function_line(parser *p, const char *s, size_t len, int *verdict)
{
    if (len == 0 || (len == 2 && s[0] == '-' && s[1] == '-'))
        return 0; /* double-spaced, or a grep -A separator */
    if (is_file_line(s, len) || bare_file_line(s, len))
        return file_line(p, s, len);
    if (p->weak < 0)
        p->weak = !looks_like_function(p->fn, p->fn_len);
    if (p->weak) {
        /* The line taken for a frame was log text. */
        p->need_file = 0;
        p->discard_frame = 0;
        skip_line(p, p->fn_line, 0, "text that is not part of a goroutine dump");
        return handle_line(p, s, len, verdict);
    }
    if (!dump_like(s, len) && !boundary_line(s, len) && !glued_header(s, len)) {
        /* A log line between a function line and its file line. */
        skip_line(p, gl_input_lineno(p->in), 0, "text that is not part of a goroutine dump");
        return 0;
    }
    drop_held(p, "expected a tab-indented FILE:LINE line after");
    return handle_line(p, s, len, verdict);
}

static int header_line(parser *p, const char *s, size_t len, int *verdict)
{
    header h;
    if (parse_header(s, len, &h) != 0) {
        if (stack_unavailable(s, len) && p->ph == PH_STACK) {
            p->g.flags |= GL_GF_NO_STACK;
            accepted(p);
            return 0;
        }
        /* Its frames belong to no goroutine we know: skipped up to the next header. */
        if (end_goroutine(p) != 0)
            return -1;
        p->ph = PH_LOST;
        skip_line(p, gl_input_lineno(p->in), 1, "malformed goroutine header (expected 'goroutine N [STATUS]:')");
        return 0;
    }
    if (no_frames(p) && !p->skip.n)
        skip_line(p, p->header_line, 1, "expected a stack frame after the goroutine header");
    if (end_goroutine(p) != 0)
        return -1;
    /* gc prints goroutines in creation order, ids mostly rising: only
     * an id not above the highest so far can be a repeat. */
    int repeat = h.id > 0 && h.id <= p->max_id && gl_dump_goroutine(gl_build_dump(p->b), h.id);
    if (repeat) {
        /* The same goroutine again: a second dump follows this one. */
        close_run(p, 0);
        return dump_over(p, verdict);
    }
    accepted(p);
    if (h.id > p->max_id)
        p->max_id = h.id;
    return begin_goroutine(p, &h);
}

/* A line that is none of the dump's: skipped, unless it ends the dump. */
static int other_line(parser *p, const char *s, size_t len, int *verdict)
{
    if (boundary_line(s, len) || glued_header(s, len))
        return end_dump_here(p, verdict);
    skip_line(p, gl_input_lineno(p->in), p->ph == PH_LOST || no_frames(p),
              p->ph == PH_LOST  ? "lines of a goroutine whose header could not be read"
              : no_frames(p)    ? "expected a stack frame after the goroutine header"
                                : "text that is not part of a goroutine dump");
    return 0;
}

static int handle_line(parser *p, const char *s, size_t len, int *verdict)
{
    *verdict = CONTINUE;
    if (p->need_file)
        return after_function_line(p, s, len, verdict);
    if (len == 0 || (len == 2 && s[0] == '-' && s[1] == '-'))
        return 0; /* blank lines (one after every line, too), grep -A's separators */
    if (s[0] == 'g' && starts(s, len, "goroutine ") && len > 10 && is_digit(s[10]))
        return header_line(p, s, len, verdict);
    if (p->ph == PH_NONE)
        return dump_over(p, verdict);
    if (p->ph == PH_LOST)
        return other_line(p, s, len, verdict);
    if (stack_unavailable(s, len)) {
        p->g.flags |= GL_GF_NO_STACK;
        accepted(p);
        return 0;
    }
    if (runtime_noise(s, len))
        return 0;
    if (s[0] == 'c' && starts(s, len, "created by "))
        return created_by(p, s, len);
    if (s[0] == '[' && starts(s, len, "[originating from goroutine "))
        return originating(p, s, len);
    int outer;
    if (s[0] == '.' && elision(s, len, &outer)) {
        accepted(p);
        elided(p, outer);
        return 0;
    }
    if (s[0] != ' ' && s[0] != '\t' && !boundary_line(s, len) && !glued_header(s, len))
        return hold_function(p, s, len);
    return other_line(p, s, len, verdict);
}

/* A last line without its newline is kept when it completes the dump by
 * its shape: the file line of the last goroutine's `created by` (a dump
 * whose final newline was lost). Anything else may be cut short. */
static int complete_last_line(const parser *p, const char *s, size_t len)
{
    gl_build_frame f = {0};
    if (!p->need_file || p->ph != PH_CREATED || p->origin_blocks || !(is_file_line(s, len) || bare_file_line(s, len))
        || parse_file_line(s, len, &f) != 0)
        return 0;
    return !p->offsets_seen || f.off != 0;
}

/* The end of the input: what the dump holds, and whether it was cut. */
static int finish_dump(parser *p)
{
    gl_dump *d = gl_build_dump(p->b);
    if (p->need_file && !looks_like_function(p->fn, p->fn_len)) {
        /* A last line of log text after the dump (`bye`), not a frame. */
        p->need_file = 0;
        p->discard_frame = 0;
    }
    if (p->need_file || no_frames(p))
        d->truncated = 1;
    p->need_file = 0;
    p->discard_frame = 0;
    close_run(p, 0);
    if (d->truncated && p->ph == PH_STACK) {
        p->stack_truncated = 1;
        p->outer_cut = 1;
    } else if (d->truncated && p->ph == PH_CREATED) {
        p->created_truncated = 1;
    }
    if (d->truncated) {
        char what[160];
        snprintf(what, sizeof what, "truncated dump (cut inside goroutine %lld): reporting what it holds",
                 (long long)p->g.id);
        /* The truncation warning wins over any other. */
        p->diag->msg[0] = '\0';
        warn(p, gl_input_lineno(p->in), what);
    }
    return end_goroutine(p);
}

int gl_parse_gotrace(gl_input *in, gl_build *b, gl_diag *diag)
{
    parser p = {.in = in, .b = b, .diag = diag, .stable_lines = gl_input_lines_stable(in)};
    gl_dump *d = gl_build_dump(b);
    int rc = 0, over = 0;
    for (;;) {
        const char *s;
        size_t len;
        int r = gl_input_line(in, &s, &len, diag);
        if (r < 0) {
            rc = -1;
            break;
        }
        if (r == 0)
            break;
        if (gl_input_last_unterminated(in) && (p.need_file || dump_like(s, len)) && !complete_last_line(&p, s, len)) {
            /* Whatever cut the file cut this line too: it cannot be trusted. */
            d->truncated = 1;
            break;
        }
        int verdict;
        if (handle_line(&p, s, len, &verdict) != 0) {
            rc = -1;
            break;
        }
        if (verdict == END_OF_DUMP) {
            over = 1;
            break;
        }
    }
    if (rc == 0 && !over && finish_dump(&p) != 0)
        rc = -1;
    if (rc == 0) {
        d->source = p.frames_with_args || !p.frames_without_args ? "gc-traceback" : "gccgo-traceback";
        d->min_park_ns = MINUTE_NS;
    }
    free(p.fnbuf);
    free(p.created_fn);
    free(p.sema_cache);
    return rc;
}
