/* GOLEASH_OPTIONS by the table of options.inc. Parsed once at load time
 * from a copy of the environment string, without allocating: the host's
 * malloc may not be ready for us, and a bad option must never stop the
 * program. */
#include "options/options.h"
#include "options/duration.h"
#include "options/kv_options.h"
#include "util/util.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

/* An integer option; beyond a billion it is a typo, not a setting. */
static int parse_int(const char *v, int *out)
{
    int64_t x;
    if (gl_parse_int64(v, &x) != 0 || x > 1000000009 || x < -1000000009)
        return -1;
    *out = (int)x;
    return 0;
}

int gl_option_parse_bool(const char *v, int *out)
{
    if (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes")) {
        *out = 1;
        return 0;
    }
    if (!strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "no")) {
        *out = 0;
        return 0;
    }
    return -1;
}

static void copy_str(char *dst, size_t cap, const char *v)
{
    size_t n = strlen(v);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, v, n);
    dst[n] = '\0';
}

/* What reading a value can say besides 0 (read). */
enum { BAD_VALUE = -1, TOO_LONG = -2 };

/* A path is kept whole or refused, never cut to another path. */
static int read_pattern(char *field, size_t cap, const char *v, size_t n)
{
    if (n >= cap)
        return TOO_LONG;
    memcpy(field, v, n);
    field[n] = '\0';
    return 0;
}

/* The file is read at exit, after the program may have changed directory:
 * a relative path is taken relative to the directory at start-up. */
static int read_file(char *field, size_t cap, const char *v, size_t n)
{
    if (n == 0 || *v == '/')
        return read_pattern(field, cap, v, n);
    char cwd[sizeof ((gl_options *)0)->suppressions];
    if (!getcwd(cwd, sizeof cwd))
        return BAD_VALUE;
    size_t c = strlen(cwd);
    if (c + 1 + n >= cap)
        return TOO_LONG;
    memcpy(field, cwd, c);
    field[c] = '/';
    memcpy(field + c + 1, v, n);
    field[c + 1 + n] = '\0';
    return 0;
}

static int read_level(int *field, const char *v)
{
    int x;
    if (parse_int(v, &x) != 0)
        return BAD_VALUE;
    *field = x;
    return 0;
}

static int read_exit_status(int *field, const char *v)
{
    int x;
    if (parse_int(v, &x) != 0 || x < 0 || x > 255)
        return BAD_VALUE;
    *field = x;
    return 0;
}

static int read_duration(int64_t *field, const char *v)
{
    int64_t ns;
    if (gl_parse_duration(v, &ns) != 0)
        return BAD_VALUE;
    *field = ns;
    return 0;
}

static int read_bool(int *field, const char *v)
{
    return gl_option_parse_bool(v, field) == 0 ? 0 : BAD_VALUE;
}

/* Paths take the value as it is (any length up to the field); the other
 * types read a short word, NUL-terminated in w. */
#define GL_OPTION_READ_PATTERN(o, name, kv, w) read_pattern((o)->name, sizeof (o)->name, (kv)->val, (kv)->val_len)
#define GL_OPTION_READ_FILE(o, name, kv, w) read_file((o)->name, sizeof (o)->name, (kv)->val, (kv)->val_len)
#define GL_OPTION_READ_BOOL(o, name, kv, w) read_bool(&(o)->name, w)
#define GL_OPTION_READ_LEVEL(o, name, kv, w) read_level(&(o)->name, w)
#define GL_OPTION_READ_EXIT_STATUS(o, name, kv, w) read_exit_status(&(o)->name, w)
#define GL_OPTION_READ_DURATION(o, name, kv, w) read_duration(&(o)->name##_ns, w)

#define GL_OPTION_SET_PATTERN(o, name, def) copy_str((o)->name, sizeof (o)->name, def)
#define GL_OPTION_SET_FILE(o, name, def) copy_str((o)->name, sizeof (o)->name, def)
#define GL_OPTION_SET_BOOL(o, name, def) ((o)->name = (def))
#define GL_OPTION_SET_LEVEL(o, name, def) ((o)->name = (def))
#define GL_OPTION_SET_EXIT_STATUS(o, name, def) ((o)->name = (def))
#define GL_OPTION_SET_DURATION(o, name, def) ((o)->name##_ns = (def))

void gl_options_defaults(gl_options *o)
{
    memset(o, 0, sizeof *o);
#define GL_OPTION(type, name, def, arg, help) GL_OPTION_SET_##type(o, name, def);
#include "options/options.inc"
#undef GL_OPTION
}

/* "goleash: WHAT 'KEY' in GOLEASH_OPTIONS" and tail, as one line. */
static void warn_kv(void (*warn)(const char *), const char *what, const gl_kv *kv, const char *tail)
{
    char msg[320];
    size_t n = 0;
    const char *parts[] = {"goleash: ", what, " '", NULL, "' in GOLEASH_OPTIONS", tail};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        const char *p = parts[i] ? parts[i] : kv->key;
        size_t len = parts[i] ? strlen(p) : kv->key_len;
        for (size_t k = 0; k < len && n + 1 < sizeof msg; k++)
            msg[n++] = p[k];
    }
    msg[n] = '\0';
    warn(msg);
}

/* 0 read, BAD_VALUE, TOO_LONG, or 1 no such option. */
static int read_option(gl_options *o, const gl_kv *kv)
{
    /* Words longer than this are no number, duration or boolean. */
    char w[64] = "";
    if (kv->val_len < sizeof w)
        memcpy(w, kv->val, kv->val_len);
    else
        memcpy(w, "?", 2);
#define GL_OPTION(type, name, def, arg, help)                                                      \
    if (gl_kv_key_is(kv, #name))                                                                   \
        return GL_OPTION_READ_##type(o, name, kv, w);
#include "options/options.inc"
#undef GL_OPTION
    return 1;
}

struct parse_ctx {
    gl_options *o;
    void (*warn)(const char *);
    const char *tail;
    int errors;
};

static void on_pair(const gl_kv *kv, void *ctx)
{
    struct parse_ctx *c = ctx;
    const char *what = NULL;
    if (!kv->val)
        what = "option without value";
    else if (kv->unterminated)
        what = "unterminated quote in the value of option";
    if (!what) {
        int r = read_option(c->o, kv);
        what = r > 0 ? "unknown option" : r == TOO_LONG ? "value too long for option"
             : r < 0 ? "bad value for option" : NULL;
    }
    if (what) {
        c->errors++;
        warn_kv(c->warn, what, kv, c->tail);
    }
}

void gl_options_parse(gl_options *o, const char *s, void (*warn)(const char *))
{
    struct parse_ctx c = {o, warn, " ignored", 0};
    gl_kv_parse(s, on_pair, &c);
}

int gl_options_check(const char *s, void (*error)(const char *))
{
    /* Large: kept off the caller's stack. */
    static gl_options scratch;
    gl_options_defaults(&scratch);
    struct parse_ctx c = {&scratch, error, "", 0};
    gl_kv_parse(s, on_pair, &c);
    return c.errors ? -1 : 0;
}

/* ---- help ---- */

#define HELP_COLUMN 23

typedef struct text {
    char buf[4096];
    size_t len;
} text;

static void put(text *t, const char *s, size_t n)
{
    if (n > sizeof t->buf - t->len)
        n = sizeof t->buf - t->len;
    memcpy(t->buf + t->len, s, n);
    t->len += n;
}

static void put_str(text *t, const char *s)
{
    put(t, s, strlen(s));
}

static void put_spaces(text *t, size_t n)
{
    while (n--)
        put(t, " ", 1);
}

/* "  name=ARG" padded to the help column (at least two spaces), then the
 * help, its later lines indented to the column. */
static void put_option(text *t, const char *name, const char *arg, const char *help)
{
    size_t at = t->len;
    put_str(t, "  ");
    put_str(t, name);
    put_str(t, "=");
    put_str(t, arg);
    size_t width = t->len - at;
    put_spaces(t, width + 2 < HELP_COLUMN ? HELP_COLUMN - width : 2);
    for (const char *line = help;;) {
        const char *nl = strchr(line, '\n');
        put(t, line, nl ? (size_t)(nl - line) : strlen(line));
        put_str(t, "\n");
        if (!nl)
            break;
        put_spaces(t, HELP_COLUMN);
        line = nl + 1;
    }
}

void gl_options_help(int fd)
{
    static text t; /* the constructor's stack may be a small one */
    t.len = 0;
    put_str(&t, "goleash: options in GOLEASH_OPTIONS, key=value separated by ':'\n");
#define GL_OPTION(type, name, def, arg, help) put_option(&t, #name, arg, help);
#include "options/options.inc"
#undef GL_OPTION
    size_t off = 0;
    while (off < t.len) {
        ssize_t w = write(fd, t.buf + off, t.len - off);
        if (w < 0)
            return;
        off += (size_t)w;
    }
}

int gl_expand_pid_pattern(const char *pattern, long pid, char *out, size_t len)
{
    size_t o = 0;
    for (const char *p = pattern; *p; p++) {
        char tmp[24];
        int i = sizeof tmp;
        if (p[0] == '%' && p[1] == 'p') {
            long v = pid;
            do {
                tmp[--i] = (char)('0' + v % 10);
                v /= 10;
            } while (v);
            p++;
        } else if (p[0] == '%' && p[1] == '%') {
            tmp[--i] = '%';
            p++;
        } else {
            tmp[--i] = *p;
        }
        for (; i < (int)sizeof tmp; i++) {
            if (o + 1 >= len) {
                out[len ? len - 1 : 0] = '\0';
                errno = ENAMETOOLONG;
                return -1;
            }
            out[o++] = tmp[i];
        }
    }
    out[o] = '\0';
    return 0;
}
