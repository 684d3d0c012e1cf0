/* Warnings and the exit report go to stderr, or to log_path. Writes are
 * whole lines through writev(2) with an EINTR loop: safe from any context. */
#include "core/core.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

static int log_fd = -1;
static atomic_int log_warned;

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

/* One line on stderr about log_path itself, once: the log cannot carry it. */
static void warn_log_path(const char *path, const char *why)
{
    if (atomic_exchange(&log_warned, 1))
        return;
    const char *parts[] = {"goleash: log_path ", path, ": ", why, "; logging to stderr\n"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        write_all(2, parts[i], strlen(parts[i]));
}

/* log_path is appended to, never replaced: a regular file (made 0600 when
 * missing) or a character device (/dev/null, a terminal). A symbolic link
 * is not followed; a FIFO or socket could block the program or feed
 * another one, and is refused. O_NONBLOCK keeps the open of a FIFO
 * without a reader from hanging the program. */
static int open_log(const char *path)
{
    static const char not_file[] = "not a regular file or character device";
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
    struct stat st;
    if (fd < 0) {
        int err = errno;
        /* A FIFO without a reader fails with ENXIO: name what it is. */
        int special = lstat(path, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
        warn_log_path(path, err == ELOOP ? "a symbolic link (not followed)" : special ? not_file : strerror(err));
        return -1;
    }
    if (fstat(fd, &st) != 0 || (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))) {
        close(fd);
        warn_log_path(path, not_file);
        return -1;
    }
    fcntl(fd, F_SETFL, O_APPEND);
    return fd;
}

int gl_log_fd(void)
{
    if (log_fd >= 0)
        return log_fd;
    /* Not cached while unset: the options are parsed after the first
     * warnings may have been written. */
    if (!gl_host.opts.log_path[0])
        return 2;
    char path[PATH_MAX];
    if (gl_expand_pattern(gl_host.opts.log_path, path, sizeof path) != 0) {
        warn_log_path(gl_host.opts.log_path, strerror(ENAMETOOLONG));
        log_fd = 2;
        return 2;
    }
    int fd = open_log(path);
    /* Tried once: stderr from now on if it failed (a fork tries again,
     * for its own %p). */
    log_fd = fd >= 0 ? fd : 2;
    return log_fd;
}

void gl_log_reset_after_fork(void)
{
    /* The child logs to its own file when log_path has %p, and says so
     * when it cannot. */
    if (log_fd >= 0 && log_fd != 2)
        close(log_fd);
    log_fd = -1;
    atomic_store(&log_warned, 0);
}

void gl_log(const char *msg)
{
    int saved = errno;
    int fd = gl_log_fd();
    size_t n = strlen(msg);
    /* One writev: the line and its newline together, however long. */
    struct iovec iov[2] = {{(void *)msg, n}, {(void *)"\n", 1}};
    ssize_t w;
    do
        w = writev(fd, iov, 2);
    while (w < 0 && errno == EINTR);
    if (w >= 0 && (size_t)w < n + 1) {
        size_t done = (size_t)w;
        if (done < n)
            write_all(fd, msg + done, n - done);
        write_all(fd, "\n", 1);
    }
    errno = saved;
}

void gl_warn_once(atomic_int *flag, const char *msg)
{
    if (atomic_exchange(flag, 1) == 0)
        gl_log(msg);
}

/* log_path and dump_path: %p is the pid, so every process of a tree has
 * its own file. */
int gl_expand_pattern(const char *pattern, char *out, size_t len)
{
    return gl_expand_pid_pattern(pattern, (long)getpid(), out, len);
}
