/* URLs as inputs (fetch.h): one GET through libcurl, the body written to a
 * memfd. A memfd is a regular file to the input layer, so a plain body is
 * mapped and a gzip'd one inflated exactly as a file's would be, and the
 * body never sits in the heap twice. */
#include "readers/fetch.h"

#include "lazy_lib.h"
#include "options/duration.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef GOLEASH_VERSION
#define GOLEASH_VERSION "0"
#endif

/* libcurl, opened at the first URL (lazy_lib.h). */
static struct {
    __typeof__(curl_global_init) *global_init;
    __typeof__(curl_global_cleanup) *global_cleanup;
    __typeof__(curl_easy_init) *easy_init;
    __typeof__(curl_easy_setopt) *easy_setopt;
    __typeof__(curl_easy_perform) *easy_perform;
    __typeof__(curl_easy_getinfo) *easy_getinfo;
    __typeof__(curl_easy_reset) *easy_reset;
    __typeof__(curl_easy_cleanup) *easy_cleanup;
    __typeof__(curl_easy_strerror) *easy_strerror;
    __typeof__(curl_slist_append) *slist_append;
    __typeof__(curl_slist_free_all) *slist_free_all;
} curl;

static const gl_lazy_sym curl_syms[] = {
    {"curl_global_init", (void **)&curl.global_init},   {"curl_global_cleanup", (void **)&curl.global_cleanup},
    {"curl_easy_init", (void **)&curl.easy_init},       {"curl_easy_setopt", (void **)&curl.easy_setopt},
    {"curl_easy_perform", (void **)&curl.easy_perform}, {"curl_easy_getinfo", (void **)&curl.easy_getinfo},
    {"curl_easy_reset", (void **)&curl.easy_reset},     {"curl_easy_cleanup", (void **)&curl.easy_cleanup},
    {"curl_easy_strerror", (void **)&curl.easy_strerror},
    {"curl_slist_append", (void **)&curl.slist_append}, {"curl_slist_free_all", (void **)&curl.slist_free_all},
};

static gl_lazy_lib curl_lib = GL_LAZY_LIB("libcurl.so.4", curl_syms);

#define MAX_TOKEN 16384
#define BODY_LINE 160 /* of an error response's body, quoted in the message */

__attribute__((format(printf, 3, 4)))
static void fail(gl_diag *diag, const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gl_diag_vset(diag, name, 0, 0, fmt, ap);
    va_end(ap);
}

int gl_fetch_is_url(const char *arg)
{
    return strncasecmp(arg, "http://", 7) == 0 || strncasecmp(arg, "https://", 8) == 0;
}

/* RFC 9110's tchar. */
static int token_char(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || strchr("!#$%&'*+-.^_`|~", c);
}

int gl_fetch_header_ok(const char *h)
{
    size_t name = 0;
    while (h[name] && token_char(h[name]))
        name++;
    if (name == 0 || h[name] != ':')
        return 0;
    /* A line break would smuggle in a header (or a request) of its own. */
    return strpbrk(h, "\r\n") == NULL;
}

/* ---- the bearer token ---- */

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* The file's contents (at most MAX_TOKEN bytes) into buf, NUL-terminated;
 * the length, or -1 with diag set. */
static ssize_t read_token_file(const char *path, char *buf, gl_diag *diag)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fail(diag, path, "cannot read the bearer token (--bearer-token-file): %s", strerror(errno));
        return -1;
    }
    size_t len = 0;
    ssize_t r;
    while (len <= MAX_TOKEN && (r = read(fd, buf + len, MAX_TOKEN + 1 - len)) != 0) {
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            fail(diag, path, "cannot read the bearer token (--bearer-token-file): %s", strerror(errno));
            close(fd);
            return -1;
        }
        len += (size_t)r;
    }
    close(fd);
    if (len > MAX_TOKEN) {
        fail(diag, path, "the bearer token file is larger than %d KiB", MAX_TOKEN / 1024);
        return -1;
    }
    buf[len] = 0;
    return (ssize_t)len;
}

/* `Authorization: Bearer TOKEN` into line (room for MAX_TOKEN + 32), TOKEN
 * the file's contents without the whitespace around them (an editor's
 * trailing newline). 0, or -1 with diag set. */
static int bearer_line(const char *path, char *line, size_t size, gl_diag *diag)
{
    char buf[MAX_TOKEN + 1];
    ssize_t n = read_token_file(path, buf, diag);
    if (n < 0)
        return -1;
    size_t from = 0, to = (size_t)n;
    while (from < to && is_space(buf[from]))
        from++;
    while (to > from && is_space(buf[to - 1]))
        to--;
    int rc = -1;
    if (from == to)
        fail(diag, path, "the bearer token file is empty");
    else if (memchr(buf + from, '\n', to - from) || memchr(buf + from, '\r', to - from))
        fail(diag, path, "the bearer token file holds more than one line");
    else
        rc = snprintf(line, size, "Authorization: Bearer %.*s", (int)(to - from), buf + from) < (int)size ? 0 : -1;
    explicit_bzero(buf, sizeof buf);
    return rc;
}

/* --header's lines and the bearer token's into *list. 0, or -1 with diag set. */
static int request_headers(const gl_fetch_opts *o, struct curl_slist **list, const char *url, gl_diag *diag)
{
    *list = NULL;
    for (size_t i = 0; i < o->nheaders; i++) {
        struct curl_slist *more = curl.slist_append(*list, o->headers[i]);
        if (!more)
            goto oom;
        *list = more;
    }
    if (!o->bearer_token_file)
        return 0;
    char line[MAX_TOKEN + 32];
    if (bearer_line(o->bearer_token_file, line, sizeof line, diag) != 0)
        return -1;
    struct curl_slist *more = curl.slist_append(*list, line);
    explicit_bzero(line, sizeof line);
    if (!more)
        goto oom;
    *list = more;
    return 0;
oom:
    fail(diag, url, "out of memory");
    return -1;
}

/* ---- the body ---- */

typedef struct sink {
    int fd;
    uint64_t written, max;
    int too_large;
    int write_errno;
} sink;

static size_t on_body(char *data, size_t size, size_t n, void *ctx)
{
    sink *s = ctx;
    size_t len = size * n;
    if (len > s->max - s->written) {
        s->too_large = 1;
        return 0; /* anything but len ends the transfer */
    }
    for (size_t off = 0; off < len;) {
        ssize_t w = write(s->fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            s->write_errno = errno;
            return 0;
        }
        off += (size_t)w;
    }
    s->written += len;
    return len;
}

/* ---- errors ---- */

/* `HTTP 503: <the body's first line>`: servers say there why they refuse. */
static void status_error(gl_diag *diag, const char *url, long status, int fd)
{
    char body[BODY_LINE + 1];
    ssize_t n = pread(fd, body, sizeof body, 0);
    size_t len = 0;
    while (n > 0 && len < (size_t)n && body[len] != '\n' && body[len] != '\r')
        len++;
    int cut = len > BODY_LINE;
    if (cut)
        len = BODY_LINE;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)body[i] < 0x20 || body[i] == 0x7f)
            body[i] = '?';
    if (len)
        fail(diag, url, "HTTP %ld: %.*s%s", status, (int)len, body, cut ? "..." : "");
    else
        fail(diag, url, "HTTP %ld (and no explanation in the body)", status);
}

static void transfer_error(gl_diag *diag, const char *url, CURLcode rc, const char *why, const sink *s,
                           const gl_fetch_opts *o)
{
    char limit[32];
    int mib = s->max % (1u << 20) == 0;
    if (rc == CURLE_FILESIZE_EXCEEDED || s->too_large)
        fail(diag, url, "the response is larger than %llu %s", (unsigned long long)(mib ? s->max >> 20 : s->max),
             mib ? "MiB" : "bytes");
    else if (s->write_errno)
        fail(diag, url, "cannot hold the response: %s", strerror(s->write_errno));
    else if (rc == CURLE_OPERATION_TIMEDOUT)
        fail(diag, url, "no complete response within %s (--timeout): %s",
             gl_format_duration(o->timeout_ns, limit, sizeof limit), why[0] ? why : curl.easy_strerror(rc));
    else
        fail(diag, url, "cannot fetch: %s", why[0] ? why : curl.easy_strerror(rc));
}

/* ---- the transfer ---- */

static int set_options(CURL *c, const char *url, const gl_fetch_opts *o, struct curl_slist *headers, sink *s,
                       char *errbuf)
{
    long timeout_ms = (long)(o->timeout_ns / 1000000);
    int bad = 0;
    bad |= curl.easy_setopt(c, CURLOPT_URL, url) != CURLE_OK;
    bad |= curl.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK;
    bad |= curl.easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") != CURLE_OK;
    bad |= curl.easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L) != CURLE_OK;
    bad |= curl.easy_setopt(c, CURLOPT_MAXREDIRS, (long)GL_FETCH_MAX_REDIRECTS) != CURLE_OK;
    bad |= curl.easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms > 0 ? timeout_ms : 1L) != CURLE_OK;
    /* No SIGALRM for name lookups: the timeout holds through the threaded resolver. */
    bad |= curl.easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
    bad |= curl.easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)s->max) != CURLE_OK;
    /* Any content coding libcurl knows is undone, so a proxy that compresses
     * cannot hide the format; a gzip'd profile (gzip as its content, as Go
     * serves it) stays gzip'd for the input layer. */
    bad |= curl.easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "") != CURLE_OK;
    bad |= curl.easy_setopt(c, CURLOPT_USERAGENT, "goleash/" GOLEASH_VERSION) != CURLE_OK;
    bad |= curl.easy_setopt(c, CURLOPT_HTTPHEADER, headers) != CURLE_OK;
    bad |= curl.easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body) != CURLE_OK;
    bad |= curl.easy_setopt(c, CURLOPT_WRITEDATA, s) != CURLE_OK;
    bad |= curl.easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf) != CURLE_OK;
    return bad ? -1 : 0;
}

/* One handle for every fetch of the process, reset between them: its
 * connection stays open (HTTP keep-alive), so the next pull from the same
 * service (`diff URL URL`, `watch URL`) goes over it. A connection closed
 * after each pull is torn down by the service while the next pull's
 * snapshot is taken, and its goroutines, briefly waiting on the
 * connection's locks, are then in that snapshot: goleash's own noise. On a
 * kept connection the service ends one request before it reads the next. */
static CURL *handle;

static void handle_free(void)
{
    curl.easy_cleanup(handle);
    handle = NULL;
}

static CURL *reusable_handle(void)
{
    if (handle)
        return handle; /* reset after its last transfer: options only, connections stay */
    handle = curl.easy_init();
    if (handle)
        atexit(handle_free); /* after curl_ready's: runs before curl.global_cleanup */
    return handle;
}

/* The transfer into s->fd; 0 when a 2xx response arrived whole. */
static int transfer(const char *url, const gl_fetch_opts *o, struct curl_slist *headers, sink *s, gl_diag *diag)
{
    CURL *c = reusable_handle();
    char errbuf[CURL_ERROR_SIZE] = "";
    if (!c || set_options(c, url, o, headers, s, errbuf) != 0) {
        fail(diag, url, "cannot fetch: libcurl could not be set up (is it built with http and https?)");
        if (c)
            curl.easy_reset(c);
        return -1;
    }
    CURLcode rc = curl.easy_perform(c);
    long status = 0;
    curl.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl.easy_reset(c); /* it pointed at this call's headers, buffer and sink */
    if (rc != CURLE_OK) {
        transfer_error(diag, url, rc, errbuf, s, o);
        return -1;
    }
    if (status < 200 || status > 299) {
        status_error(diag, url, status, s->fd);
        return -1;
    }
    return 0;
}

/* 0 ready; -1 with the reason in diag. */
static int curl_ready(const char *url, gl_diag *diag)
{
    static int state; /* 0 not yet, 1 ready, -1 failed */
    if (gl_lazy_load(&curl_lib) != 0) {
        fail(diag, url, "cannot fetch: %s", curl_lib.err);
        return -1;
    }
    if (state == 0) {
        state = curl.global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 1 : -1;
        if (state == 1)
            atexit(curl.global_cleanup);
    }
    if (state != 1)
        fail(diag, url, "cannot fetch: libcurl failed to initialise");
    return state == 1 ? 0 : -1;
}

int gl_fetch(const char *url, const gl_fetch_opts *given, gl_diag *diag)
{
    gl_fetch_opts o = given ? *given : (gl_fetch_opts){0};
    if (o.timeout_ns <= 0)
        o.timeout_ns = GL_FETCH_DEFAULT_TIMEOUT_NS;
    if (o.max_bytes == 0)
        o.max_bytes = GL_FETCH_DEFAULT_MAX_BYTES;
    if (curl_ready(url, diag) != 0)
        return -1;
    struct curl_slist *headers;
    if (request_headers(&o, &headers, url, diag) != 0)
        return -1;
    sink s = {.fd = memfd_create("goleash-fetch", MFD_CLOEXEC), .max = o.max_bytes};
    int rc = -1;
    if (s.fd < 0)
        fail(diag, url, "cannot hold the response: %s", strerror(errno));
    else
        rc = transfer(url, &o, headers, &s, diag);
    curl.slist_free_all(headers);
    if (rc != 0) {
        if (s.fd >= 0)
            close(s.fd);
        return -1;
    }
    lseek(s.fd, 0, SEEK_SET);
    return s.fd;
}
