/* Warnings and the exit report go to stderr, or to log_path. Writes are
 * whole lines through write(2) with an EINTR loop: safe from any context. */
#include "core/core.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static int log_fd = -1;

int gl_log_fd(void)
{
    if (log_fd >= 0)
        return log_fd;
    if (gl_host.opts.log_path[0]) {
        char path[600];
        gl_expand_pattern(gl_host.opts.log_path, path, sizeof path);
        int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd >= 0) {
            log_fd = fd;
            return fd;
        }
    }
    return 2;
}

void gl_log_reset_after_fork(void)
{
    /* The child logs to its own file when log_path has %p. */
    if (log_fd >= 0 && log_fd != 2)
        close(log_fd);
    log_fd = -1;
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        p += w;
        n -= (size_t)w;
    }
}

void gl_log(const char *msg)
{
    char line[1024];
    size_t n = strlen(msg);
    if (n > sizeof line - 2)
        n = sizeof line - 2;
    memcpy(line, msg, n);
    line[n++] = '\n';
    int saved = errno;
    write_all(gl_log_fd(), line, n);
    errno = saved;
}

void gl_warn_once(atomic_int *flag, const char *msg)
{
    if (atomic_exchange(flag, 1) == 0)
        gl_log(msg);
}

/* log_path and dump_path: %p is the pid, so every process of a tree has
 * its own file. */
void gl_expand_pattern(const char *pattern, char *out, size_t len)
{
    size_t o = 0;
    for (const char *p = pattern; *p && o + 1 < len; p++) {
        if (p[0] == '%' && p[1] == 'p') {
            char tmp[24];
            int i = sizeof tmp;
            long pid = (long)getpid();
            do {
                tmp[--i] = (char)('0' + pid % 10);
                pid /= 10;
            } while (pid);
            while (i < (int)sizeof tmp && o + 1 < len)
                out[o++] = tmp[i++];
            p++;
        } else if (p[0] == '%' && p[1] == '%') {
            out[o++] = '%';
            p++;
        } else {
            out[o++] = *p;
        }
    }
    out[o] = '\0';
}
