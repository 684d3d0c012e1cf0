/* runtime/pprof's goroutine profile at debug=1, and Go 1.26's goroutineleak
 * profile in the same layout:
 *
 *     goroutine profile: total 15
 *     4 @ 0x4375f6 0x447bfe 0x45f2c5 0x469912 0x4b6919 0x462b21
 *     # labels: {"shard":"7", "worker":"labelled"}
 *     #	0x45f2c4	sync.runtime_Semacquire+0x24	/usr/lib/go/src/runtime/sema.go:62
 *     #	0x4b6918	main.waitForever+0x18		/tmp/main.go:22
 *     <blank line>
 *
 * One record per distinct stack (and label set): a count, the raw return
 * addresses, then one `#` line per frame (tab-separated, padded with more
 * tabs). runtime/pprof hides the runtime frames above the first other one,
 * so a goroutine parked in a channel operation shows only its own code; see
 * infer_hidden_park for what the addresses still tell. */
#include "readers/pprof.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/build.h"
#include "readers/input.h"
#include "util/util.h"
#include "format/wait_classify.h"

#define MAX_PCS 512           /* kept per record; gc records at most 32 (gccgo 100) */

typedef struct pprof_text {
    gl_input *in;
    gl_build *b;
    gl_diag *diag;
    int seen_header;
    int leak_profile;         /* goroutineleak: the runtime proved each one leaked */
    int ended;                /* a line that is not ours ended the profile */
    int failed;
    int64_t total;            /* from the header */
    int64_t counted;          /* sum of the records' counts */
    size_t header_line;
    /* the open record */
    int in_record;
    size_t record_line;
    int64_t count;
    size_t npcs;
    uint64_t pcs[MAX_PCS];
    char *labels;
    size_t nframes;
    int skipped_placeholder;  /* a `#\t0x0` line: the stack was not available */
    uint64_t first_pc;        /* of the first frame shown */
    int first_is_runtime;
} pprof_text;

#define set_error(t, line, ...) \
    ((t)->failed = 1, gl_input_error((t)->in, (long)(line), (t)->diag, __VA_ARGS__))

/* The first warning is kept (as gl_diag says); later ones only counted. */
#define set_warning(t, line, ...)                                        \
    do {                                                                 \
        if ((t)->diag->nwarnings++ == 0) {                               \
            unsigned nw_ = (t)->diag->nwarnings;                         \
            gl_input_error((t)->in, (long)(line), (t)->diag, __VA_ARGS__); \
            (t)->diag->is_warning = 1;                                   \
            (t)->diag->nwarnings = nw_;                                  \
        }                                                                \
    } while (0)

static int starts_with(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && memcmp(s, prefix, n) == 0;
}

/* Decimal in s[0..len) exactly; -1 when not a number or out of range. */
static int parse_dec(const char *s, size_t len, int64_t *out)
{
    if (len == 0 || len > 18)
        return -1;
    int64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* The header: "goroutine profile: total N" or "goroutineleak profile: total N". */
static int is_header(const char *line, size_t len, int *leak, int64_t *total)
{
    static const char *const kinds[] = {"goroutine profile: total ", "goroutineleak profile: total "};
    while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
        len--;
    for (int k = 0; k < 2; k++) {
        size_t n = strlen(kinds[k]);
        int64_t v;
        if (starts_with(line, len, kinds[k]) && parse_dec(line + n, len - n, &v) == 0) {
            if (leak)
                *leak = k;
            if (total)
                *total = v;
            return 1;
        }
    }
    return 0;
}

/* runtime.* (hidden by runtime/pprof above other code) and runtime/...
 * packages (runtime/pprof: the goroutine writing the profile, which is not
 * parked although runtime frames are hidden above it too). */
static int is_runtime_function(const char *fn, size_t len)
{
    return starts_with(fn, len, "runtime.") || starts_with(fn, len, "runtime/");
}

/* runtime/pprof prints no runtime frame above the first frame of other
 * code, but the record's address list still has them: the first frame shown
 * is the hidden-th address. In gc (1.19 to 1.26) and libgo a goroutine parks
 * through runtime.gopark, so two hidden frames are gopark + selectgo (or
 * block, select with no cases) and three are gopark + chanrecv/chansend +
 * chanrecv1/chanrecv2/chansend1: a channel operation whose direction the
 * profile does not tell. Any other count, or a first frame in runtime/...
 * (the profile's writer), is left unclassified. Returns 1 and
 * fills reason and wait when it can tell. */
static int infer_hidden_park(const pprof_text *t, int *reason, gl_wait *wait, unsigned *flags)
{
    if (t->nframes == 0 || t->first_is_runtime || t->first_pc == 0)
        return 0;
    size_t hidden = SIZE_MAX;
    for (size_t i = 0; i < t->npcs; i++)
        /* Frames print pc-1 for return addresses (the call instruction). */
        if (t->pcs[i] == t->first_pc || t->pcs[i] == t->first_pc + 1) {
            hidden = i;
            break;
        }
    switch (hidden) {
    case 2:
        *reason = GL_WR_SELECT;
        *wait = GL_WAIT_SELECT;
        return 1;
    case 3:
        *reason = GL_WR_CHAN_RECEIVE; /* a channel wait; category "chan": the direction is unknown */
        *wait = GL_WAIT_CHAN;
        *flags |= GL_GF_CHAN_UNKNOWN;
        return 1;
    default:
        return 0;
    }
}

static int close_record(pprof_text *t)
{
    if (!t->in_record)
        return 0;
    t->in_record = 0;
    gl_stack *s = gl_build_stack_end(t->b, t->npcs >= MAX_PCS);
    if (!s) {
        set_error(t, t->record_line, "out of memory");
        return -1;
    }
    gl_build_goroutine g = gl_pprof_sample_goroutine(s, t->nframes, t->count, t->labels, t->leak_profile);
    /* The frames did not tell; the addresses above them may. */
    if (t->nframes && g.reason < 0 && infer_hidden_park(t, &g.reason, &g.wait, &g.flags)
        && (g.flags & GL_GF_CHAN_UNKNOWN)) {
        /* Not "chan receive": a send parks in the same number of frames. */
        g.reason_text = "chan";
        g.reason_text_len = 4;
    }
    if (gl_build_goroutine_add(t->b, &g) < 0) {
        set_error(t, t->record_line, "out of memory");
        return -1;
    }
    free(t->labels);
    t->labels = NULL;
    return 0;
}

/* "N @ 0x... 0x..." */
static int record_header(pprof_text *t, const char *line, size_t len, size_t lineno)
{
    const char *at = memchr(line, '@', len);
    size_t n = (size_t)(at - line);
    while (n && line[n - 1] == ' ')
        n--;
    int64_t count;
    if (parse_dec(line, n, &count) != 0) {
        set_error(t, lineno, "record count `%.*s` is not a number", (int)(n > 40 ? 40 : n), line);
        return -1;
    }
    if (count > INT64_MAX - t->counted) {
        set_error(t, lineno, "record counts overflow 64 bits");
        return -1;
    }
    if (close_record(t) != 0)
        return -1;
    t->in_record = 1;
    t->record_line = lineno;
    t->count = count;
    t->counted += count;
    t->npcs = 0;
    t->nframes = 0;
    t->skipped_placeholder = 0;
    t->first_pc = 0;
    t->first_is_runtime = 0;
    const char *p = at + 1, *end = line + len;
    while (p < end) {
        while (p < end && (*p == ' ' || *p == '\r'))
            p++;
        const char *q = p;
        while (q < end && *q != ' ' && *q != '\r')
            q++;
        if (q == p)
            break;
        uint64_t pc;
        if (gl_parse_hex(p, (size_t)(q - p), &pc) != 0) {
            set_error(t, lineno, "`%.*s` is not an address (0x...)", (int)(q - p > 40 ? 40 : q - p), p);
            return -1;
        }
        if (t->npcs < MAX_PCS)
            t->pcs[t->npcs++] = pc;
        p = q;
    }
    gl_build_stack_begin(t->b);
    return 0;
}

/* "# labels: {...}" kept verbatim: runtime/pprof already prints the pairs
 * sorted, which is what grouping by labels needs. */
static int labels_line(pprof_text *t, const char *line, size_t len, size_t lineno)
{
    const char *v = line + strlen("# labels:");
    size_t n = len - strlen("# labels:");
    while (n && (*v == ' ' || *v == '\t')) {
        v++;
        n--;
    }
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\r'))
        n--;
    if (!t->in_record) {
        set_error(t, lineno, "labels outside a record (no `N @ ...` line before them)");
        return -1;
    }
    if (n < 2 || v[0] != '{' || v[n - 1] != '}') {
        set_error(t, lineno, "labels must be a {...} set");
        return -1;
    }
    free(t->labels);
    t->labels = strndup(v, n);
    if (!t->labels) {
        set_error(t, lineno, "out of memory");
        return -1;
    }
    return 0;
}

/* The tab-separated fields of a frame line after its '#' (tabs pad them;
 * the third keeps its spaces): at most 3, their count returned. */
static size_t frame_fields(const char *line, size_t len, const char *field[3], size_t flen[3])
{
    size_t nf = 0;
    const char *p = line + 1, *end = line + len;
    while (end > p && (end[-1] == '\r' || end[-1] == ' '))
        end--;
    while (p < end && nf < 3) {
        while (p < end && *p == '\t')
            p++;
        if (p == end)
            break;
        const char *q = nf < 2 ? memchr(p, '\t', (size_t)(end - p)) : NULL;
        if (!q)
            q = end;
        field[nf] = p;
        flen[nf++] = (size_t)(q - p);
        p = q;
    }
    return nf;
}

/* "function+0xOFF": the last "+0x" whose tail is all hex is the offset. */
static int frame_function(pprof_text *t, const char *fn, size_t fnlen, size_t lineno, gl_build_frame *f)
{
    for (size_t i = fnlen; i-- > 0;) {
        if (fn[i] == '+' && gl_parse_hex(fn + i + 1, fnlen - i - 1, &f->off) == 0) {
            fnlen = i;
            break;
        }
    }
    if (fnlen == 0) {
        set_error(t, lineno, "frame has an empty function name");
        return -1;
    }
    f->function = fn;
    f->function_len = fnlen;
    return 0;
}

/* "file:line", the line after the last colon. */
static int frame_location(pprof_text *t, const char *fl, size_t n, size_t lineno, gl_build_frame *f)
{
    const char *colon = NULL;
    for (size_t i = n; i-- > 0;)
        if (fl[i] == ':') {
            colon = fl + i;
            break;
        }
    int64_t ln;
    if (!colon || colon == fl || parse_dec(colon + 1, (size_t)(fl + n - colon - 1), &ln) != 0 || ln > INT32_MAX) {
        set_error(t, lineno, "frame location `%.*s` is not file:line", (int)(n > 80 ? 80 : n), fl);
        return -1;
    }
    f->file = fl;
    f->file_len = (size_t)(colon - fl);
    f->line = (int)ln;
    return 0;
}

/* "#\t0xPC\tfunction+0xOFF\tfile:line"; function and file:line may be
 * missing (an address without symbols). */
static int frame_line(pprof_text *t, const char *line, size_t len, size_t lineno)
{
    if (!t->in_record) {
        set_error(t, lineno, "frame outside a record (no `N @ ...` line before it)");
        return -1;
    }
    const char *field[3];
    size_t flen[3];
    size_t nf = frame_fields(line, len, field, flen);
    gl_build_frame f = {0};
    if (nf == 0 || gl_parse_hex(field[0], flen[0], &f.pc) != 0) {
        set_error(t, lineno, "frame line must start with `#`, a tab and an address (0x...)");
        return -1;
    }
    if (nf == 1 && f.pc == 0) {
        /* libgo prints `#\t0x0` for a goroutine whose stack it could not
         * take: no frame at all. */
        t->skipped_placeholder = 1;
        return 0;
    }
    if ((nf >= 2 && frame_function(t, field[1], flen[1], lineno, &f) != 0)
        || (nf == 3 && frame_location(t, field[2], flen[2], lineno, &f) != 0))
        return -1;
    if (t->nframes == 0) {
        t->first_pc = f.pc;
        t->first_is_runtime = f.function && is_runtime_function(f.function, f.function_len);
    }
    t->nframes++;
    if (gl_build_frame_add(t->b, &f) != 0) {
        set_error(t, lineno, "out of memory");
        return -1;
    }
    return 0;
}

static int feed_line(pprof_text *t, const char *line, size_t len, size_t lineno)
{
    while (len && line[len - 1] == '\r')
        len--;
    if (!t->seen_header) {
        if (len == 0)
            return 0;
        if (!is_header(line, len, &t->leak_profile, &t->total)) {
            set_error(t, lineno, "expected `goroutine profile: total N` (a pprof debug=1 goroutine profile)");
            return -1;
        }
        t->seen_header = 1;
        t->header_line = lineno;
        return 0;
    }
    if (len == 0 || (len == 1 && line[0] == ' '))
        return close_record(t) == 0 ? 0 : -1;
    if (line[0] == '#') {
        if (len >= 2 && line[1] == '\t')
            return frame_line(t, line, len, lineno) == 0 ? 0 : -1;
        if (starts_with(line, len, "# labels:"))
            return labels_line(t, line, len, lineno) == 0 ? 0 : -1;
        set_error(t, lineno, "unexpected `#` line (neither a frame `#<tab>0x...` nor `# labels:`)");
        return -1;
    }
    if (line[0] >= '0' && line[0] <= '9' && memchr(line, '@', len))
        return record_header(t, line, len, lineno) == 0 ? 0 : -1;
    if (line[0] >= '0' && line[0] <= '9') {
        set_error(t, lineno, "record line must be `N @ 0x... 0x...`");
        return -1;
    }
    /* Anything else is the log the profile was embedded in. */
    if (close_record(t) != 0)
        return -1;
    t->ended = 1;
    return 1;
}

static int finish(pprof_text *t, long lineno)
{
    if (!t->seen_header) {
        set_error(t, lineno, "empty input: no `goroutine profile: total N` line");
        return -1;
    }
    if (close_record(t) != 0)
        return -1;
    int cut = !t->ended && gl_input_last_unterminated(t->in);
    if (t->counted != t->total || cut) {
        if (t->counted < t->total || cut)
            gl_build_dump(t->b)->truncated = 1;
        if (cut && t->counted == t->total)
            set_warning(t, lineno, "the profile ends in the middle of a line (truncated?)");
        else
            set_warning(t, t->header_line, "the profile holds %" PRId64 " goroutines, its header says %" PRId64
                        "%s", t->counted, t->total, t->counted < t->total ? " (truncated?)" : "");
    }
    return 0;
}

int gl_parse_pprof_text(gl_input *in, gl_build *b, gl_diag *diag)
{
    pprof_text t = {.in = in, .b = b, .diag = diag};
    int rc = -1;
    for (;;) {
        const char *line;
        size_t len;
        int got = gl_input_line(in, &line, &len, diag);
        if (got < 0)
            goto out;
        if (got == 0)
            break;
        int fed = feed_line(&t, line, len, (size_t)gl_input_lineno(in));
        if (fed < 0)
            goto out;
        if (fed > 0) {
            gl_input_unread(in); /* the log goes on, maybe to another dump */
            break;
        }
    }
    rc = finish(&t, gl_input_lineno(in));
out:
    free(t.labels);
    return rc;
}
