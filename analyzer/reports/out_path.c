#include "reports/out_path.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int gl_out_path_check(const char *pattern, char *bad)
{
    for (const char *p = pattern; *p; p++) {
        if (*p != '%')
            continue;
        if (p[1] != 'p' && p[1] != 'b' && p[1] != '%') {
            *bad = p[1];
            return -1;
        }
        p++;
    }
    return 0;
}

const char *gl_out_path_base(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* %b comes from the program (or a dump's exe): as a path component it must
 * stay one. A name of dots only would climb or stay put ("..", "."), and a
 * control byte has no business in a file name. */
static int is_dots(const char *s)
{
    return strcmp(s, ".") == 0 || strcmp(s, "..") == 0;
}

static int put_piece(char *buf, size_t len, size_t *n, const char *piece, int sanitize)
{
    for (const char *p = piece; *p; p++) {
        if (*n + 1 >= len)
            return -1;
        unsigned char c = (unsigned char)*p;
        buf[(*n)++] = sanitize && (c < 0x20 || c == 0x7f) ? '_' : (char)c;
    }
    return 0;
}

int gl_out_path_expand(const char *pattern, int64_t pid, const char *program, char *buf, size_t len)
{
    const char *base = program && *program ? gl_out_path_base(program) : "";
    if (!*base || is_dots(base))
        base = "goleash";
    size_t n = 0;
    for (const char *p = pattern; *p; p++) {
        char num[24];
        const char *piece = num;
        int sanitize = 0;
        if (*p == '%' && p[1] == 'p') {
            snprintf(num, sizeof num, "%lld", (long long)pid);
            p++;
        } else if (*p == '%' && p[1] == 'b') {
            piece = base;
            sanitize = 1;
            p++;
        } else {
            num[0] = *p;
            num[1] = '\0';
            if (*p == '%' && p[1] == '%')
                p++;
        }
        if (put_piece(buf, len, &n, piece, sanitize) != 0)
            return -1;
    }
    if (n >= len)
        return -1;
    buf[n] = '\0';
    return 0;
}

int gl_out_path_make_parent(const char *path)
{
    char dir[PATH_MAX];
    if (snprintf(dir, sizeof dir, "%s", path) >= (int)sizeof dir) {
        errno = ENAMETOOLONG;
        return -1;
    }
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return 0;
    *slash = '\0';
    for (char *p = dir + 1; ; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        if (mkdir(dir, 0777) != 0 && errno != EEXIST)
            return -1;
        if (c == '\0')
            break;
        *p = c;
    }
    return 0;
}
