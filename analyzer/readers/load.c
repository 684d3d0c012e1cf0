/* Format detection and dispatch (load.h). */
#include "readers/load.h"
#include "model/build.h"
#include "readers/input.h"
#include "readers/gotrace.h"
#include "readers/pprof.h"
#include "readers/unwrap.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PEEK 4096

static int append(gl_dump_list *l, gl_dump *d)
{
    if (gl_grow((void **)&l->v, &l->cap, l->n + 1, sizeof *l->v) != 0)
        return -1;
    l->v[l->n++] = d;
    return 0;
}

void gl_dump_list_free(gl_dump_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        gl_dump_free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

/* Control bytes no text log holds (ESC stays: logs carry colour codes). */
static int looks_binary(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1b)
            return 1;
    }
    return 0;
}

/* Appends d (NULL: the reader ran out of memory) to out; frees it on error. */
static int hand_over(gl_input *in, gl_dump *d, gl_dump_list *out, gl_diag *diag)
{
    if (!d || append(out, d) != 0) {
        gl_dump_free(d);
        gl_input_error(in, 0, diag, "out of memory");
        return -1;
    }
    return 0;
}

/* Line by line: what was read is let go as it is parsed (a file's pages, a
 * pipe's chunks), so the input never sits in memory whole beside its model. */
static int read_goleash(gl_input *in, gl_dump_list *out, gl_diag *diag)
{
    gl_dump_reader *r = gl_dump_reader_new(gl_input_name(in), diag);
    if (!r)
        return -1;
    const char *line;
    size_t len;
    int got;
    gl_diag input_diag;
    memset(&input_diag, 0, sizeof input_diag);
    while ((got = gl_input_line(in, &line, &len, &input_diag)) == 1)
        if (gl_dump_reader_line(r, line, len, !gl_input_last_unterminated(in)) != 0)
            break;
    if (got < 0) { /* a read error: the input's message, not the parser's */
        gl_dump_reader_discard(r);
        *diag = input_diag;
        return -1;
    }
    gl_dump *d;
    if (gl_dump_reader_finish(r, &d) != 0)
        return -1;
    return hand_over(in, d, out, diag);
}

/* Hands the finished dump over; frees it on error. */
static int keep(gl_input *in, gl_build *b, gl_dump_list *out, gl_diag *diag)
{
    return hand_over(in, gl_build_finish(b), out, diag);
}

static int read_proto(gl_input *in, gl_dump_list *out, gl_diag *diag)
{
    unsigned char *buf;
    size_t len;
    if (gl_input_slurp(in, &buf, &len, diag) != 0)
        return -1;
    gl_build *b = gl_build_new(gl_input_name(in), "pprof-proto");
    if (!b) {
        free(buf);
        gl_input_error(in, 0, diag, "out of memory");
        return -1;
    }
    int rc = gl_parse_pprof_proto(gl_input_name(in), buf, len, b, diag);
    free(buf);
    if (rc != 0) {
        gl_build_discard(b);
        return -1;
    }
    return keep(in, b, out, diag);
}

typedef enum text_kind { TEXT_NONE, TEXT_TRACEBACK, TEXT_PPROF, TEXT_PPROF_LEAK } text_kind;

static int profile_header(const char *s, size_t len, const char *what)
{
    size_t n = strlen(what);
    if (len <= n || memcmp(s, what, n) != 0)
        return 0;
    for (size_t i = n; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* Where a dump starts in this line, after whatever prefix the log put
 * before it. */
static text_kind dump_start(const char *s, size_t len, size_t *at)
{
    const char *p = s;
    while ((p = memmem(p, len - (size_t)(p - s), "goroutine", 9)) != NULL) {
        size_t rest = len - (size_t)(p - s);
        *at = (size_t)(p - s);
        if (gl_gotrace_is_header(p, rest))
            return TEXT_TRACEBACK;
        if (profile_header(p, rest, "goroutine profile: total "))
            return TEXT_PPROF;
        if (profile_header(p, rest, "goroutineleak profile: total "))
            return TEXT_PPROF_LEAK;
        p += 9;
    }
    /* Go 1.26's leak profile header starts with "goroutineleak", found above. */
    return TEXT_NONE;
}

/* A log record (unwrap.h) whose message holds a dump start: then the
 * input is read as records from this line on. */
static int record_with_dump(const char *s, size_t len)
{
    if (!memchr(s, '"', len) || !memmem(s, len, "goroutine", 9))
        return 0;
    char *buf = NULL;
    size_t cap = 0, n = 0, at;
    int found = 0;
    int r = gl_unwrap_record(s, len, &buf, &cap, &n);
    if (r == GL_UNWRAP_TEXT || r == GL_UNWRAP_STREAM) {
        for (size_t i = 0; i < n && !found;) {
            const char *nl = memchr(buf + i, '\n', n - i);
            size_t e = nl ? (size_t)(nl - buf) : n;
            size_t l = e > i && buf[e - 1] == '\r' ? e - 1 - i : e - i;
            found = dump_start(buf + i, l, &at) != TEXT_NONE;
            i = e + 1;
        }
    }
    free(buf);
    return found;
}

/* The skipped-line messages of an input, held until it is known whether
 * anything could be read (else the error says it all). */
typedef struct held {
    char **msgs;
    size_t n, cap;
    int oom;
} held;

static void hold_msg(void *ctx, const char *msg)
{
    held *h = ctx;
    char *m = strdup(msg);
    if (!m || gl_grow((void **)&h->msgs, &h->cap, h->n + 1, sizeof *h->msgs) != 0) {
        free(m);
        h->oom = 1;
        return;
    }
    h->msgs[h->n++] = m;
}

/* Passes the held messages on (sink NULL: drops them) and frees them. */
static void release_msgs(held *h, const gl_diag *diag)
{
    for (size_t i = 0; i < h->n; i++) {
        if (diag->sink)
            diag->sink(diag->sink_ctx, h->msgs[i]);
        free(h->msgs[i]);
    }
    free(h->msgs);
    memset(h, 0, sizeof *h);
}

/* Goroutines a traceback dump holds that could be read: with frames, or
 * said to have no stack. */
static size_t readable(const gl_dump *d)
{
    size_t n = 0;
    for (size_t i = 0; i < d->ngoroutines; i++)
        n += (d->goroutines[i].stack && d->goroutines[i].stack->n) || (d->goroutines[i].flags & GL_GF_NO_STACK);
    return n;
}

static int read_text_held(gl_input *in, gl_dump_list *out, gl_diag *diag, held *msgs);

/* Reads one dump starting at the line just read (a header at `at`). */
static int read_one(gl_input *in, text_kind kind, const char *s, size_t at, gl_dump_list *out, gl_diag *one)
{
    if (gl_input_set_prefix(in, s, at) != 0) {
        gl_input_error(in, 0, one, "out of memory");
        return -1;
    }
    gl_input_unread(in);
    const char *source = kind == TEXT_TRACEBACK ? "gc-traceback"
                         : kind == TEXT_PPROF   ? "pprof-debug1"
                                                : "pprof-leak-debug1";
    gl_build *b = gl_build_new(gl_input_name(in), source);
    const char *stream = gl_input_stream(in);
    if (!b || (stream && !(gl_build_dump(b)->exe = (char *)gl_build_intern(b, stream, strlen(stream))))) {
        if (b)
            gl_build_discard(b);
        gl_input_error(in, 0, one, "out of memory");
        return -1;
    }
    int rc = kind == TEXT_TRACEBACK ? gl_parse_gotrace(in, b, one) : gl_parse_pprof_text(in, b, one);
    if (rc != 0) {
        gl_build_discard(b);
        return -1;
    }
    return keep(in, b, out, one);
}

static int read_text(gl_input *in, gl_dump_list *out, gl_diag *diag)
{
    held msgs = {0};
    int rc = read_text_held(in, out, diag, diag->sink ? &msgs : NULL);
    if (rc != 0 || msgs.oom) {
        gl_diag none = {0};
        release_msgs(&msgs, &none);
        if (rc == 0)
            gl_input_error(in, 0, diag, "out of memory");
        return -1;
    }
    release_msgs(&msgs, diag);
    return 0;
}

static int read_text_held(gl_input *in, gl_dump_list *out, gl_diag *diag, held *msgs)
{
    size_t found = 0, usable = 0, before = out->n;
    gl_diag warning = {0};
    char problem[sizeof diag->problem] = "";
    for (;;) {
        const char *s;
        size_t len, at;
        int r = gl_input_line(in, &s, &len, diag);
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        text_kind kind = dump_start(s, len, &at);
        if (kind == TEXT_NONE) {
            if (!gl_input_unwrapping(in) && record_with_dump(s, len))
                gl_input_set_unwrap(in);
            continue;
        }
        gl_diag one;
        memset(&one, 0, sizeof one);
        if (msgs) {
            one.sink = hold_msg;
            one.sink_ctx = msgs;
        }
        if (read_one(in, kind, s, at, out, &one) != 0) {
            *diag = one;
            return -1;
        }
        found++;
        gl_dump *d = out->v[out->n - 1];
        usable += kind == TEXT_TRACEBACK ? readable(d) : 1;
        if (one.problem[0] && !problem[0])
            memcpy(problem, one.problem, sizeof problem);
        /* The first warning of the input is the one shown; a truncated dump
         * always is. */
        if (one.msg[0] && (!warning.msg[0] || d->truncated)) {
            unsigned n = warning.nwarnings;
            warning = one;
            warning.nwarnings += n;
        } else {
            warning.nwarnings += one.nwarnings;
        }
        gl_input_set_prefix(in, NULL, 0);
    }
    if (found && !usable && problem[0]) {
        /* Nothing could be read: what stopped it is the error. */
        while (out->n > before)
            gl_dump_free(out->v[--out->n]);
        memset(diag, 0, sizeof *diag);
        memcpy(diag->msg, problem, sizeof problem);
        return -1;
    }
    if (!found) {
        gl_input_error(in, 0, diag,
                       "no goroutine dump found (expected a goleash dump, Go traceback text with "
                       "'goroutine N [...]:' headers, or a pprof goroutine profile)");
        return -1;
    }
    warning.sink = diag->sink;
    warning.sink_ctx = diag->sink_ctx;
    memcpy(warning.problem, problem, sizeof problem);
    *diag = warning;
    return 0;
}

int gl_load_dumps(const char *path, gl_dump_list *out, gl_diag *diag)
{
    return gl_load_dumps_fetch(path, NULL, out, diag);
}

int gl_load_dumps_fetch(const char *path, const gl_fetch_opts *fetch, gl_dump_list *out, gl_diag *diag)
{
    return gl_load_dumps_sink(path, fetch, out, diag, NULL, NULL);
}

int gl_load_dumps_sink(const char *path, const gl_fetch_opts *fetch, gl_dump_list *out, gl_diag *diag,
                       void (*sink)(void *ctx, const char *msg), void *sink_ctx)
{
    gl_diag local;
    if (!diag)
        diag = &local;
    memset(diag, 0, sizeof *diag);
    diag->sink = sink;
    diag->sink_ctx = sink_ctx;
    gl_input *in = gl_input_open_fetch(path, fetch, diag);
    if (!in)
        return -1;
    size_t before = out->n;
    size_t n = PEEK;
    const unsigned char *head = gl_input_peek(in, &n, diag);
    int rc;
    size_t ml = strlen(GL_DUMP_MAGIC);
    if (!head)
        rc = -1;
    else if (n > ml && memcmp(head, GL_DUMP_MAGIC, ml) == 0 && head[ml] == ' ')
        rc = read_goleash(in, out, diag);
    else if (looks_binary(head, n))
        rc = read_proto(in, out, diag);
    else
        rc = read_text(in, out, diag);
    if (rc != 0) {
        while (out->n > before)
            gl_dump_free(out->v[--out->n]);
    }
    gl_input_close(in);
    return rc;
}
