/* GOLEASH_OPTIONS, in LeakSanitizer's syntax: key=value pairs separated by ':'
 * (or spaces or commas). Parsed once at load time from a copy of the
 * environment string, without allocating: the host's malloc may not be ready
 * for us, and a bad option must never stop the program. */
#include "shim.h"
#include "options/duration.h"
#include "options/kv_options.h"

#include <string.h>
#include <unistd.h>

gl_options gl_opts;

void gl_options_defaults(gl_options *o)
{
    memset(o, 0, sizeof *o);
    o->report = 1;
    o->exitcode = 23;
    o->min_park_ns = 0;
    o->verbosity = 0;
    o->default_suppressions = 1;
}

static int parse_int(const char *v, int *out)
{
    int neg = 0;
    long x = 0;
    if (*v == '-') {
        neg = 1;
        v++;
    }
    if (!*v)
        return -1;
    for (; *v; v++) {
        if (*v < '0' || *v > '9' || x > 100000000)
            return -1;
        x = x * 10 + (*v - '0');
    }
    *out = (int)(neg ? -x : x);
    return 0;
}

static int parse_duration(const char *v, int64_t *out)
{
    int64_t ns;
    if (gl_parse_duration(v, &ns) != 0)
        return -1;
    *out = ns;
    return 0;
}

static int parse_bool(const char *v, int *out)
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

static void apply(gl_options *o, const char *key, const char *val, void (*warn)(const char *))
{
    int bad = 0;
    if (!strcmp(key, "dump_path"))
        copy_str(o->dump_path, sizeof o->dump_path, val);
    else if (!strcmp(key, "log_path"))
        copy_str(o->log_path, sizeof o->log_path, val);
    else if (!strcmp(key, "report"))
        bad = parse_bool(val, &o->report);
    else if (!strcmp(key, "exitcode")) {
        int v;
        bad = parse_int(val, &v) || v < 0 || v > 255;
        if (!bad)
            o->exitcode = v;
    }
    else if (!strcmp(key, "min_park"))
        bad = parse_duration(val, &o->min_park_ns);
    else if (!strcmp(key, "dump_interval"))
        bad = parse_duration(val, &o->dump_interval_ns);
    else if (!strcmp(key, "verbosity")) {
        int v;
        bad = parse_int(val, &v);
        if (!bad)
            o->verbosity = v;
    } else if (!strcmp(key, "ignore_setup"))
        bad = parse_bool(val, &o->ignore_setup);
    else if (!strcmp(key, "help"))
        bad = parse_bool(val, &o->help);
    else if (!strcmp(key, "suppressions"))
        bad = set_path_from_cwd(o->suppressions, sizeof o->suppressions, val);
    else if (!strcmp(key, "default_suppressions"))
        bad = parse_bool(val, &o->default_suppressions);
    else {
        warn_kv(warn, "unknown option", key);
        return;
    }
    if (bad)
        warn_kv(warn, "bad value for option", key);
}

struct parse_ctx {
    gl_options *o;
    void (*warn)(const char *);
};

static void on_pair(const char *key, const char *val, void *ctx)
{
    struct parse_ctx *c = ctx;
    if (!val)
        warn_kv(c->warn, "option without value", key);
    else
        apply(c->o, key, val, c->warn);
}

void gl_options_parse(gl_options *o, const char *s, void (*warn)(const char *))
{
    struct parse_ctx c = {o, warn};
    gl_kv_parse(s, on_pair, &c);
}

void gl_options_help(int fd)
{
    static const char text[] =
        "goleash: options in GOLEASH_OPTIONS, key=value separated by ':'\n"
        "  dump_path=PATTERN    write a dump there at exit (%p = pid); default: none\n"
        "  report=1|0           print a leak report at exit (default 1)\n"
        "  exitcode=N           exit code when leaks are found and the program exits 0 (default 23, 0 disables)\n"
        "  min_park=DURATION    a goroutine must be parked this long to count as leaked (default 0)\n"
        "  dump_interval=DURATION  also write the dump periodically (needs dump_path)\n"
        "  log_path=PATTERN     write the report and warnings there instead of stderr (%p = pid)\n"
        "  verbosity=N          0 quiet, 1 says what was intercepted\n"
        "  suppressions=FILE    leak groups to leave out of the report (docs/suppressions.md)\n"
        "  default_suppressions=1|0  apply the built-in list of standard-library goroutines (default 1)\n"
        "  ignore_setup=1|0     in a test binary, do not report leaks spawned outside any test\n"
        "                       (init, TestMain) (default 0)\n"
        "  help=1               print this help\n";
    ssize_t off = 0, len = (ssize_t)sizeof text - 1;
    while (off < len) {
        ssize_t w = write(fd, text + off, (size_t)(len - off));
        if (w < 0)
            return;
        off += w;
    }
}
