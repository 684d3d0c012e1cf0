/* Streaming line reader over zlib (input.h). zlib's gzread passes plain
 * files through untouched, so one path serves both; a plain regular file is
 * mapped instead, so lines are read where the page cache holds them (no copy
 * through read(), no moving of partial lines), and the pages behind the
 * reader are let go again so a gigabyte dump never counts in the resident
 * size whole. */
#include "readers/input.h"
#include "readers/fetch.h"
#include "readers/streams.h"
#include "readers/unwrap.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define CHUNK (1u << 20)            /* one read */
#define INITIAL_BUFFER (4u << 20)
#define MAX_LINE (16u << 20)
#define DROP_WINDOW ((size_t)16 << 20) /* mapped input let go in steps of this */

struct gl_input {
    char *name;
    gzFile gz;
    char *buf;
    size_t cap, start, end;         /* unread bytes: buf[start, end) */
    int eof;
    long lineno;
    const char *last;               /* the last line, raw (prefix not stripped) */
    size_t last_len;
    int last_unterminated;
    int pushed;                     /* return `last` again */
    char *prefix;
    size_t prefix_len;
    size_t alt_len;                 /* t.Log's continuation: prefix's indentation + 4 spaces */
    int tentative;                  /* the prefix is confirmed by the line after the header */
    int unwrap;                     /* lines are log records (unwrap.h) */
    int redecode;                   /* decode the raw line read last once more */
    const char *raw;                /* that raw line */
    size_t raw_len;
    int raw_unterminated;
    char *ubuf;                     /* its decoded message, ubuf[upos, ulen) still to hand out */
    size_t ucap, ulen, upos;
    char *kbuf;                     /* a stream record's unfinished last line, kbuf[0, klen) */
    size_t kcap, klen;
    /* Interleaved tagged streams (streams.h): the one being read, lines of
     * the others kept for later. */
    char stream[65];
    size_t stream_len;
    gl_streams *streams;
    int source_done;                /* the input itself is read to its end */
    int mapped;                     /* buf is the file, mapped whole: buf[0, end) */
    size_t dropped;                 /* mapped bytes before this are let go */
    size_t populated;               /* ... and up to this mapped in ahead */
};

void gl_input_error(const gl_input *in, long line, gl_diag *diag, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gl_diag_vset(diag, in->name, line, 0, fmt, ap);
    va_end(ap);
}

__attribute__((format(printf, 3, 4)))
static void open_error(gl_diag *diag, const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gl_diag_vset(diag, name, 0, 0, fmt, ap);
    va_end(ap);
}

/* A mapped file that shrinks while it is read (a log being rotated or
 * rewritten) raises SIGBUS on the pages past its new end. The analyzer must
 * not die of a changing input: the handler puts zero pages over the rest of
 * the mapping so the reader can go on, and notes it, and the next line read
 * turns that into an error naming the file. One mapping is read at a time. */
static char *volatile guarded_lo, *volatile guarded_hi;
static volatile sig_atomic_t file_shrank;

static void on_sigbus(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    char *addr = si->si_addr, *lo = guarded_lo, *hi = guarded_hi;
    if (lo && addr >= lo && addr < hi) {
        size_t page = (size_t)sysconf(_SC_PAGESIZE);
        char *from = (char *)((uintptr_t)addr & ~(uintptr_t)(page - 1));
        if (mmap(from, (size_t)(hi - from), PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED) {
            file_shrank = 1;
            return;
        }
    }
    signal(sig, SIG_DFL); /* not ours: die of it as we would have */
    raise(sig);
}

static void guard_mapping(char *buf, size_t len)
{
    static int installed;
    if (!installed) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = on_sigbus;
        sa.sa_flags = SA_SIGINFO;
        sigemptyset(&sa.sa_mask);
        installed = sigaction(SIGBUS, &sa, NULL) == 0;
    }
    guarded_hi = buf + len;
    guarded_lo = buf;
    file_shrank = 0;
}

/* Maps fd when it is a non-empty regular file that is not gzip'd; 0 done,
 * -1 not (then it is read as a stream). */
static int map_plain_file(gl_input *in, int fd)
{
    struct stat st;
    unsigned char magic[2];
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 || (uint64_t)st.st_size > SIZE_MAX
        || pread(fd, magic, 2, 0) != (st.st_size >= 2 ? 2 : 1) || (magic[0] == 0x1f && magic[1] == 0x8b))
        return -1;
    size_t len = (size_t)st.st_size;
    void *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m == MAP_FAILED)
        return -1;
    madvise(m, len, MADV_SEQUENTIAL);
    guard_mapping(m, len);
    in->buf = m;
    in->cap = in->end = len;
    in->eof = 1;
    in->mapped = 1;
    return 0;
}

/* Keeps a window of the mapped file ahead of the reader mapped in (one call
 * per window instead of a page fault per few pages) and lets go of the pages
 * well behind the current line: lines handed out stay readable (the kernel
 * maps them again from the page cache if touched), they just no longer hold
 * memory. */
static void slide_window(gl_input *in)
{
    if (in->populated < in->end && in->populated < in->start + DROP_WINDOW / 2) {
        size_t page = (size_t)sysconf(_SC_PAGESIZE);
        size_t from = in->populated > in->start ? in->populated : in->start & ~(page - 1);
        size_t upto = from + DROP_WINDOW < in->end ? from + DROP_WINDOW : in->end;
#ifdef MADV_POPULATE_READ
        madvise(in->buf + from, upto - from, MADV_POPULATE_READ); /* a hint: older kernels refuse it */
#endif
        in->populated = upto;
    }
    if (in->start - in->dropped < 2 * DROP_WINDOW)
        return;
    size_t upto = (in->start - DROP_WINDOW) & ~(size_t)(sysconf(_SC_PAGESIZE) - 1);
    madvise(in->buf + in->dropped, upto - in->dropped, MADV_DONTNEED);
    in->dropped = upto;
}

/* The descriptor to read path from: stdin's, the file's, or for a URL the
 * fetched body's (fetch.h); -1 with diag set. */
static int open_source(const char *path, const char *name, const gl_fetch_opts *fetch, gl_diag *diag)
{
    if (gl_fetch_is_url(path))
        return gl_fetch(path, fetch, diag);
    int fd = strcmp(path, "-") == 0 ? dup(0) : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        open_error(diag, name, "%s", strerror(errno));
    return fd;
}

gl_input *gl_input_open(const char *path, gl_diag *diag)
{
    return gl_input_open_fetch(path, NULL, diag);
}

gl_input *gl_input_open_fetch(const char *path, const gl_fetch_opts *fetch, gl_diag *diag)
{
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    int fd = open_source(path, name, fetch, diag);
    if (fd < 0)
        return NULL;
    gl_input *in = calloc(1, sizeof *in);
    if (in) {
        in->name = strdup(name);
        if (in->name && map_plain_file(in, fd) == 0) {
            close(fd);
            return in;
        }
        in->buf = malloc(INITIAL_BUFFER);
        in->cap = INITIAL_BUFFER;
    }
    if (!in || !in->name || !in->buf) {
        close(fd);
        gl_input_close(in);
        open_error(diag, name, "out of memory");
        return NULL;
    }
    in->gz = gzdopen(fd, "rb");
    if (!in->gz) {
        close(fd);
        gl_input_close(in);
        open_error(diag, name, "out of memory");
        return NULL;
    }
    gzbuffer(in->gz, 256 * 1024);
    return in;
}

void gl_input_close(gl_input *in)
{
    if (!in)
        return;
    if (in->gz)
        gzclose(in->gz);
    free(in->name);
    if (in->mapped) {
        if (guarded_lo == in->buf)
            guarded_lo = guarded_hi = NULL;
        munmap(in->buf, in->end);
    }
    else
        free(in->buf);
    free(in->prefix);
    free(in->ubuf);
    free(in->kbuf);
    gl_streams_free(in->streams);
    free(in);
}

const char *gl_input_name(const gl_input *in)
{
    return in->name;
}

/* Reads more after buf[end]; moves unread bytes to the front first, and
 * grows the buffer when it is full: up to a line's limit when reading lines,
 * up to `limit` bytes when the input is read whole (gl_input_slurp).
 * 1 read some, 0 end, -1 error. */
static int fill_upto(gl_input *in, gl_diag *diag, size_t limit)
{
    if (in->eof)
        return 0;
    if (in->start > 0 && (in->end == in->cap || in->start > in->cap / 2)) {
        memmove(in->buf, in->buf + in->start, in->end - in->start);
        in->end -= in->start;
        in->start = 0;
    }
    if (in->end == in->cap) {
        if (in->cap >= limit) {
            if (limit == MAX_LINE + CHUNK)
                gl_input_error(in, in->lineno + 1, diag, "line too long (more than %u MiB)", MAX_LINE >> 20);
            else
                gl_input_error(in, 0, diag, "input too large (more than %zu MiB)", limit >> 20);
            return -1;
        }
        char *nb = realloc(in->buf, in->cap * 2);
        if (!nb) {
            gl_input_error(in, in->lineno + 1, diag, "out of memory");
            return -1;
        }
        in->buf = nb;
        in->cap *= 2;
    }
    size_t want = in->cap - in->end;
    if (want > CHUNK)
        want = CHUNK;
    int r = gzread(in->gz, in->buf + in->end, (unsigned)want);
    if (r < 0) {
        int err;
        const char *what = gzerror(in->gz, &err);
        gl_input_error(in, 0, diag, "%s", err == Z_ERRNO ? strerror(errno) : what);
        return -1;
    }
    if (r == 0) {
        /* gzread returns 0 both at the end and, for a gzip stream cut short,
         * after the last bytes it could inflate: the latter is an error. */
        int err;
        const char *what = gzerror(in->gz, &err);
        if (err != Z_OK && err != Z_BUF_ERROR) {
            gl_input_error(in, 0, diag, "%s", what);
            return -1;
        }
        in->eof = 1;
        return 0;
    }
    in->end += (size_t)r;
    return 1;
}

static int fill(gl_input *in, gl_diag *diag)
{
    return fill_upto(in, diag, MAX_LINE + CHUNK);
}

const unsigned char *gl_input_peek(gl_input *in, size_t *len, gl_diag *diag)
{
    size_t want = *len < 65536 ? *len : 65536;
    while (in->end - in->start < want) {
        int r = fill(in, diag);
        if (r < 0)
            return NULL;
        if (r == 0)
            break;
    }
    size_t have = in->end - in->start;
    *len = have < want ? have : want;
    return (const unsigned char *)in->buf + in->start;
}

static int digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Prefix bytes that may differ from line to line: any digit for any digit
 * (timestamps), and a space for a digit (right-aligned line numbers). */
static int prefix_byte_matches(char a, char p)
{
    return a == p || (digit(a) && (digit(p) || p == ' ')) || (a == ' ' && digit(p));
}

/* 1 when raw carries the prefix's shape (its first n bytes); *skip: how
 * much to strip. */
static int prefix_matches(const char *prefix, size_t n, const char *raw, size_t len, size_t *skip)
{
    size_t m = len < n ? len : n;
    for (size_t i = 0; i < m; i++)
        if (!prefix_byte_matches(raw[i], prefix[i]))
            return 0;
    if (len < n) {
        /* A log line that holds only the prefix: an empty line of the dump,
         * its trailing blanks eaten by the log. */
        for (size_t i = len; i < n; i++)
            if (prefix[i] != ' ' && prefix[i] != '\t')
                return 0;
        *skip = len;
        return 1;
    }
    *skip = n;
    return 1;
}

/* t.Log continuation lines: the prefix's own indentation, 4 spaces more. */
static int alt_matches(const gl_input *in, const char *raw, size_t len, size_t *skip)
{
    size_t n = in->alt_len;
    if (!n || len < n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (raw[i] != ' ')
            return 0;
    *skip = n;
    return 1;
}

static int deliver(gl_input *in, const char **line, size_t *len)
{
    const char *raw = in->last;
    size_t n = in->last_len;
    if (in->prefix_len) {
        size_t skip;
        if (prefix_matches(in->prefix, in->prefix_len, raw, n, &skip) || alt_matches(in, raw, n, &skip)) {
            raw += skip;
            n -= skip;
        } else if (in->tentative == 1) {
            /* The header's line carried text glued before it, not a prefix
             * every line of the dump has: read on without one. */
            in->prefix_len = in->alt_len = 0;
        } else {
            in->pushed = 1; /* keep it for whoever reads on without the prefix */
            return 0;
        }
        if (in->tentative)
            in->tentative--;
    }
    *line = raw;
    *len = n;
    return 1;
}

/* The next line of the record decoded last, if any is left (its final
 * newline ends the last line, it does not start another). */
static int next_piece(gl_input *in)
{
    if (in->upos >= in->ulen)
        return 0;
    const char *p = in->ubuf + in->upos;
    size_t left = in->ulen - in->upos;
    const char *nl = memchr(p, '\n', left);
    size_t n = nl ? (size_t)(nl - p) : left;
    in->upos += n + (nl != NULL);
    in->last = p;
    in->last_len = n && p[n - 1] == '\r' ? n - 1 : n;
    in->last_unterminated = in->raw_unterminated && in->upos >= in->ulen && !nl;
    return 1;
}

/* A stream record's text goes on from the line the one before left
 * unfinished: ubuf becomes that line's start followed by the text. */
static int join_carried(gl_input *in)
{
    if (!in->klen)
        return 0;
    size_t n = in->klen + in->ulen;
    if (gl_grow((void **)&in->kbuf, &in->kcap, n, 1) != 0)
        return -1;
    memcpy(in->kbuf + in->klen, in->ubuf, in->ulen);
    char *b = in->ubuf;
    size_t c = in->ucap;
    in->ubuf = in->kbuf;
    in->ucap = in->kcap;
    in->kbuf = b;
    in->kcap = c;
    in->ulen = n;
    in->klen = 0;
    return 0;
}

/* Keeps what follows a stream record's last newline for the next record. */
static int carry_tail(gl_input *in)
{
    const char *nl = memrchr(in->ubuf, '\n', in->ulen);
    size_t from = nl ? (size_t)(nl - in->ubuf) + 1 : 0, n = in->ulen - from;
    if (!n)
        return 0;
    if (gl_grow((void **)&in->kbuf, &in->kcap, n, 1) != 0)
        return -1;
    memcpy(in->kbuf, in->ubuf + from, n);
    in->klen = n;
    in->ulen = from;
    return 0;
}

/* Hands out the carried unfinished line as a line of its own (the stream
 * ended, or a record of another kind came): 1, or 0 when there is none. */
static int flush_carried(gl_input *in)
{
    if (!in->klen)
        return 0;
    in->last = in->kbuf;
    in->last_len = in->klen;
    in->last_unterminated = 1;
    in->klen = in->ulen = in->upos = 0;
    return 1;
}

/* Decodes the raw line read last: 1 it gave lines (the first is `last`),
 * 0 it is a record without a message or only the start of a line, 2 it is
 * no record, 3 a line is carried that must be handed out first, -1 out of
 * memory. */
static int decode_raw(gl_input *in, gl_diag *diag)
{
    int r = gl_unwrap_record(in->raw, in->raw_len, &in->ubuf, &in->ucap, &in->ulen);
    if (r < 0) {
        gl_input_error(in, in->lineno, diag, "out of memory");
        return -1;
    }
    if (in->klen && r != GL_UNWRAP_STREAM && r != GL_UNWRAP_EMPTY)
        return 3;
    in->last = in->raw;
    in->last_len = in->raw_len;
    in->last_unterminated = in->raw_unterminated;
    if (r == GL_UNWRAP_PLAIN)
        return 2;
    in->upos = 0;
    if (r == GL_UNWRAP_STREAM && (join_carried(in) != 0 || carry_tail(in) != 0)) {
        gl_input_error(in, in->lineno, diag, "out of memory");
        return -1;
    }
    return r != GL_UNWRAP_EMPTY && next_piece(in) ? 1 : 0;
}

/* Reads the next raw line into `last`: 1, 0 at the end, -1 error. */
static int read_raw(gl_input *in, gl_diag *diag)
{
    size_t scanned = in->start;
    for (;;) {
        char *nl = memchr(in->buf + scanned, '\n', in->end - scanned);
        if (nl) {
            size_t n = (size_t)(nl - (in->buf + in->start));
            in->last = in->buf + in->start;
            in->start += n + 1;
            in->last_unterminated = 0;
            if (n && in->last[n - 1] == '\r')
                n--;
            in->last_len = n;
            break;
        }
        size_t pending = in->end - in->start;
        int r = fill(in, diag);
        if (r < 0)
            return -1;
        scanned = in->start + pending;
        if (r == 0) {
            if (pending == 0)
                return 0;
            in->last = in->buf + in->start;
            in->last_len = pending;
            in->start = in->end;
            in->last_unterminated = 1;
            if (in->last[pending - 1] == '\r')
                in->last_len--;
            break;
        }
    }
    if (in->last_len > MAX_LINE) {
        gl_input_error(in, in->lineno + 1, diag, "line too long (more than %u MiB)", MAX_LINE >> 20);
        return -1;
    }
    in->lineno++;
    if (in->mapped) {
        if (file_shrank) {
            gl_input_error(in, in->lineno, diag, "the file shrank while it was being read");
            return -1;
        }
        slide_window(in);
    }
    return 1;
}

/* Records: the lines of their messages; records without one give none. */
static int read_unwrapped(gl_input *in, gl_diag *diag)
{
    if (next_piece(in))
        return 1;
    for (;;) {
        if (!in->redecode) {
            int r = read_raw(in, diag);
            if (r < 0)
                return r;
            if (r == 0)
                return flush_carried(in);
            in->raw = in->last;
            in->raw_len = in->last_len;
            in->raw_unterminated = in->last_unterminated;
        }
        in->redecode = 0;
        int d = decode_raw(in, diag);
        if (d == 3) {
            in->redecode = 1; /* this record again, after the carried line */
            return flush_carried(in);
        }
        if (d != 0)
            return d < 0 ? -1 : 1;
    }
}

/* The next line: from the input, then, once it is at its end, the lines
 * kept for other streams, one stream after the other. A dump being read
 * when its stream ends ends there: 0 once, then the next stream's lines. */
static int next_line(gl_input *in, gl_diag *diag)
{
    for (;;) {
        long no;
        const char *text;
        size_t n;
        if (gl_streams_next(in->streams, &no, &text, &n)) {
            in->lineno = no;
            in->last = text;
            in->last_len = n;
            in->last_unterminated = 0;
            return 1;
        }
        if (!in->source_done) {
            int r = in->unwrap ? read_unwrapped(in, diag) : read_raw(in, diag);
            if (r != 0)
                return r;
            in->source_done = 1;
        }
        if (!gl_streams_rewind(in->streams))
            return 0;
        in->stream_len = 0;
        if (in->prefix_len)
            return 0;
    }
}

/* 1 when the line read last belongs to another tagged stream than the one
 * being read, and was kept for later; -1 out of memory. */
static int keep_other_stream(gl_input *in)
{
    size_t name, tag = in->stream_len ? gl_stream_tag(in->last, in->last_len, &name) : 0;
    if (!tag || (name == in->stream_len && memcmp(in->last, in->stream, name) == 0))
        return 0;
    return gl_streams_keep(&in->streams, in->lineno, in->last, in->last_len) == 0 ? 1 : -1;
}

int gl_input_line(gl_input *in, const char **line, size_t *len, gl_diag *diag)
{
    for (;;) {
        int r = 1;
        if (in->pushed)
            in->pushed = 0;
        else if ((r = next_line(in, diag)) <= 0)
            return r;
        int other = keep_other_stream(in);
        if (other < 0) {
            gl_input_error(in, in->lineno, diag, "out of memory");
            return -1;
        }
        if (!other)
            return deliver(in, line, len);
    }
}

const char *gl_input_stream(const gl_input *in)
{
    return in->stream_len ? in->stream : NULL;
}

void gl_input_set_unwrap(gl_input *in)
{
    if (in->unwrap || !in->last)
        return;
    in->unwrap = 1;
    in->redecode = 1;
    in->pushed = 0;
    in->raw = in->last;
    in->raw_len = in->last_len;
    in->raw_unterminated = in->last_unterminated;
    in->ulen = in->upos = 0;
}

int gl_input_unwrapping(const gl_input *in)
{
    return in->unwrap;
}

int gl_input_lines_stable(const gl_input *in)
{
    return in->mapped && !in->unwrap;
}

void gl_input_unread(gl_input *in)
{
    if (in->last)
        in->pushed = 1;
}

/* `    file_test.go:57: `: t.Log's prefix, whose later lines carry only its
 * indentation and 4 spaces more. The length of that indentation + 4, or 0. */
static size_t tlog_continuation(const char *p, size_t len)
{
    size_t ws = 0;
    while (ws < len && p[ws] == ' ')
        ws++;
    if (len < ws + 8 || p[len - 1] != ' ' || p[len - 2] != ':')
        return 0;
    size_t k = len - 2;
    while (k > ws && digit(p[k - 1]))
        k--;
    if (k == len - 2 || k < ws + 5 || memcmp(p + k - 4, ".go:", 4) != 0)
        return 0;
    for (size_t i = ws; i < k; i++)
        if (p[i] == ' ' || p[i] == '\t')
            return 0;
    return ws + 4;
}

int gl_input_set_prefix(gl_input *in, const char *prefix, size_t len)
{
    free(in->prefix);
    in->prefix = NULL;
    in->prefix_len = in->alt_len = 0;
    in->tentative = 0;
    if (!len)
        return 0;
    in->prefix = malloc(len);
    if (!in->prefix)
        return -1;
    memcpy(in->prefix, prefix, len);
    in->prefix_len = len;
    in->alt_len = tlog_continuation(prefix, len);
    in->tentative = 2; /* this line (the header), then the one deciding */
    size_t name;
    if (gl_stream_tag(prefix, len, &name) == len) {
        /* A process's name (`web-1  | `): its lines are read, the other
         * processes' kept for later; no glued text, never tentative. */
        memcpy(in->stream, prefix, name);
        in->stream[name] = '\0';
        in->stream_len = name;
        in->tentative = 0;
    }
    return 0;
}

long gl_input_lineno(const gl_input *in)
{
    return in->lineno;
}

int gl_input_last_unterminated(const gl_input *in)
{
    return in->last_unterminated;
}

/* Inputs read whole (goleash dumps, binary profiles) are not lines: a pipe
 * or a gzip stream of them may be any size up to this. */
#define MAX_WHOLE ((size_t)1 << 31)

int gl_input_slurp(gl_input *in, unsigned char **buf, size_t *len, gl_diag *diag)
{
    for (;;) {
        int r = fill_upto(in, diag, MAX_WHOLE);
        if (r < 0)
            return -1;
        if (r == 0)
            break;
    }
    size_t n = in->end - in->start;
    unsigned char *out = malloc(n ? n : 1);
    if (!out) {
        gl_input_error(in, 0, diag, "out of memory");
        return -1;
    }
    memcpy(out, in->buf + in->start, n);
    in->start = in->end;
    *buf = out;
    *len = n;
    return 0;
}
