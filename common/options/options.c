/* GOLEASH_OPTIONS by the table of options.inc. Parsed once at load time
 * from a copy of the environment string, without allocating: the host's
 * malloc may not be ready for us, and a bad option must never stop the
 * program. */
#include "options/options.h"
#include "options/duration.h"
#include "options/kv_options.h"
#include "util/util.h"

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

/* The file is read at exit, after the program may have changed directory:
 * a relative path is taken relative to the directory at start-up. */
static int set_path_from_cwd(char *dst, size_t cap, const char *v)
{
    if (!*v) {
        dst[0] = '\0';
        return 0;
    }
    if (*v == '/') {
        if (strlen(v) >= cap)
            return -1;
        copy_str(dst, cap, v);
        return 0;
    }
    if (!getcwd(dst, cap))
        return -1;
    size_t n = strlen(dst);
    if (n + 1 + strlen(v) >= cap) {
        dst[0] = '\0';
        return -1;
    }
    dst[n] = '/';
    copy_str(dst + n + 1, cap - n - 1, v);
    return 0;
}

/* One reader per type of options.inc: 0 read, -1 a bad value (the option
 * keeps what it had). */
static int read_pattern(char *field, size_t cap, const char *v)
{
    copy_str(field, cap, v);
    return 0;
}

static int read_file(char *field, size_t cap, const char *v)
{
    return set_path_from_cwd(field, cap, v);
}

static int read_level(int *field, const char *v)
{
    int x;
    if (parse_int(v, &x) != 0)
        return -1;
    *field = x;
    return 0;
}

static int read_exit_status(int *field, const char *v)
{
    int x;
    if (parse_int(v, &x) != 0 || x < 0 || x > 255)
        return -1;
    *field = x;
    return 0;
}

static int read_duration(int64_t *field, const char *v)
{
    int64_t ns;
    if (gl_parse_duration(v, &ns) != 0)
        return -1;
    *field = ns;
    return 0;
}

#define GL_OPTION_READ_PATTERN(o, name, v) read_pattern((o)->name, sizeof (o)->name, v)
#define GL_OPTION_READ_FILE(o, name, v) read_file((o)->name, sizeof (o)->name, v)
#define GL_OPTION_READ_BOOL(o, name, v) gl_option_parse_bool(v, &(o)->name)
#define GL_OPTION_READ_LEVEL(o, name, v) read_level(&(o)->name, v)
#define GL_OPTION_READ_EXIT_STATUS(o, name, v) read_exit_status(&(o)->name, v)
#define GL_OPTION_READ_DURATION(o, name, v) read_duration(&(o)->name##_ns, v)

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

static void warn_kv(void (*warn)(const char *), const char *what, const char *key)
{
    char msg[256];
    size_t n = 0;
    const char *parts[] = {"goleash: ", what, " '", key, "' in GOLEASH_OPTIONS ignored"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        for (const char *p = parts[i]; *p && n + 1 < sizeof msg; p++)
            msg[n++] = *p;
    msg[n] = '\0';
    warn(msg);
}

/* 0 read, -1 bad value, 1 no such option. */
static int read_option(gl_options *o, const char *key, const char *val)
{
#define GL_OPTION(type, name, def, arg, help)                                                      \
    if (strcmp(key, #name) == 0)                                                                   \
        return GL_OPTION_READ_##type(o, name, val) == 0 ? 0 : -1;
#include "options/options.inc"
#undef GL_OPTION
    return 1;
}

struct parse_ctx {
    gl_options *o;
    void (*warn)(const char *);
};

static void on_pair(const char *key, const char *val, void *ctx)
{
    struct parse_ctx *c = ctx;
    if (!val) {
        warn_kv(c->warn, "option without value", key);
        return;
    }
    int r = read_option(c->o, key, val);
    if (r > 0)
        warn_kv(c->warn, "unknown option", key);
    else if (r < 0)
        warn_kv(c->warn, "bad value for option", key);
}

void gl_options_parse(gl_options *o, const char *s, void (*warn)(const char *))
{
    struct parse_ctx c = {o, warn};
    gl_kv_parse(s, on_pair, &c);
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
