/* The textfile-collector file (textfile.h). */
#include "watch/textfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int write_all(int fd, const char *p, size_t len)
{
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int gl_textfile_write(const char *dir, const char *text, size_t len, char *why, size_t whylen)
{
    char tmp[PATH_MAX], path[PATH_MAX];
    snprintf(path, sizeof path, "%s/" GL_TEXTFILE_NAME, dir);
    snprintf(tmp, sizeof tmp, "%s/." GL_TEXTFILE_NAME ".%d.tmp", dir, (int)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(why, whylen, "--textfile %s: %s", dir, strerror(errno));
        return -1;
    }
    int rc = write_all(fd, text, len);
    int err = errno;
    if (close(fd) != 0 && rc == 0) {
        rc = -1;
        err = errno;
    }
    if (rc == 0 && rename(tmp, path) != 0) {
        rc = -1;
        err = errno;
    }
    if (rc != 0) {
        unlink(tmp);
        snprintf(why, whylen, "--textfile %s: %s", path, strerror(err));
    }
    return rc;
}
