/* The dump line writer (dump_line.h). */
#include "format/dump_line.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static void reserve(gl_membuf *b, size_t extra)
{
    if (b->failed || b->len + extra <= b->cap)
        return;
    size_t ncap = b->cap ? b->cap * 2 : (1u << 16);
    while (ncap < b->len + extra)
        ncap *= 2;
    char *p = b->p ? mremap(b->p, b->cap, ncap, MREMAP_MAYMOVE)
                   : mmap(NULL, ncap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        b->failed = 1;
        return;
    }
    b->p = p;
    b->cap = ncap;
}

void gl_mb_put(gl_membuf *b, const char *s, size_t n)
{
    reserve(b, n);
    if (b->failed)
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

void gl_mb_str(gl_membuf *b, const char *s)
{
    gl_mb_put(b, s, strlen(s));
}

void gl_mb_dec(gl_membuf *b, int64_t v)
{
    char digits[GL_DEC_MAX];
    gl_mb_put(b, digits, gl_format_dec(digits, v));
}

void gl_mb_hex(gl_membuf *b, uint64_t v)
{
    char tmp[18];
    int i = sizeof tmp;
    do {
        tmp[--i] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v);
    tmp[--i] = 'x';
    tmp[--i] = '0';
    gl_mb_put(b, tmp + i, sizeof tmp - (size_t)i);
}

static void put_pct(gl_membuf *b, const char *s)
{
    if (!s || !*s) {
        gl_mb_str(b, "-");
        return;
    }
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c <= 0x20 || c >= 0x7f || c == '%' || c == '=' || c == ',') {
            char e[3] = {'%', "0123456789ABCDEF"[c >> 4], "0123456789ABCDEF"[c & 15]};
            gl_mb_put(b, e, 3);
        } else {
            gl_mb_put(b, (const char *)&c, 1);
        }
    }
}

void gl_membuf_free(gl_membuf *b)
{
    if (b->p)
        munmap(b->p, b->cap);
    memset(b, 0, sizeof *b);
}

void gl_rec_begin(gl_membuf *b, const char *tag)
{
    gl_mb_str(b, tag);
}

void gl_rec_end(gl_membuf *b)
{
    gl_mb_str(b, "\n");
}

static void key(gl_membuf *b, const char *k)
{
    gl_mb_str(b, " ");
    gl_mb_str(b, k);
    gl_mb_str(b, "=");
}

void gl_kv_dec(gl_membuf *b, const char *k, int64_t v)
{
    key(b, k);
    gl_mb_dec(b, v);
}

void gl_kv_hex(gl_membuf *b, const char *k, uint64_t v)
{
    key(b, k);
    gl_mb_hex(b, v);
}

void gl_kv_str(gl_membuf *b, const char *k, const char *v)
{
    key(b, k);
    put_pct(b, v);
}

void gl_kv_raw(gl_membuf *b, const char *k, const char *v)
{
    key(b, k);
    gl_mb_str(b, v);
}

void gl_kv_hex_list(gl_membuf *b, const char *k, const uint64_t *v, size_t n)
{
    key(b, k);
    for (size_t i = 0; i < n; i++) {
        if (i)
            gl_mb_str(b, ",");
        gl_mb_hex(b, v[i]);
    }
}

static int write_all(const gl_membuf *b, int fd)
{
    for (size_t off = 0; off < b->len;) {
        ssize_t k = write(fd, b->p + off, b->len - off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        off += (size_t)k;
    }
    return 0;
}

/* The final name may be missing or a regular file: rename(2) would replace
 * anything else, a device node (/dev/null as root), a FIFO someone reads, or
 * a symbolic link someone put there, and none of those is ours to replace. */
static int final_name_ok(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -1;
    if (S_ISLNK(st.st_mode)) {
        errno = GL_WRITE_REFUSED_LINK;
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        errno = GL_WRITE_REFUSED_SPECIAL;
        return -1;
    }
    return 0;
}

int gl_membuf_write_file(const gl_membuf *b, const char *path)
{
    char tmp[4096];
    size_t n = strlen(path);
    if (n + 12 > sizeof tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if (final_name_ok(path) != 0)
        return -1;
    memcpy(tmp, path, n);
    memcpy(tmp + n, ".tmp.XXXXXX", 12);
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = b->failed ? (errno = ENOMEM, -1) : write_all(b, fd);
    int e = errno;
    if (close(fd) != 0 && rc == 0) {
        rc = -1;
        e = errno;
    }
    /* Again just before the rename: the write may have taken a while. */
    if (rc == 0 && (final_name_ok(path) != 0 || rename(tmp, path) != 0)) {
        rc = -1;
        e = errno;
    }
    if (rc != 0) {
        unlink(tmp);
        errno = e;
    }
    return rc;
}

const char *gl_write_file_strerror(int err)
{
    if (err == GL_WRITE_REFUSED_LINK)
        return "a symbolic link is there (goleash neither follows nor replaces it)";
    if (err == GL_WRITE_REFUSED_SPECIAL)
        return "something other than a regular file is there (goleash does not replace it)";
    return strerror(err);
}
