/* On-request dumps of a gccgo service (request.h). */
#include "watch/request.h"
#include "options/kv_options.h"
#include "options/options.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The process's GOLEASH_OPTIONS value, into buf; 0 found, -1 not. */
static int environ_options(pid_t pid, char *buf, size_t len)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/environ", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    static const char key[] = "GOLEASH_OPTIONS=";
    int found = -1, c;
    size_t n = 0;
    char entry[8192];
    while ((c = fgetc(f)) != EOF) {
        if (c != '\0') {
            if (n + 1 < sizeof entry)
                entry[n++] = (char)c;
            continue;
        }
        entry[n] = '\0';
        n = 0;
        if (strncmp(entry, key, sizeof key - 1) == 0) {
            snprintf(buf, len, "%s", entry + sizeof key - 1);
            found = 0;
        }
    }
    fclose(f);
    return found;
}

/* pattern for pid, as a path we can open: a relative one is the
 * process's, from its working directory. */
static int expand(pid_t pid, const char *pattern, char *out, size_t len)
{
    char p[4096];
    if (gl_expand_pid_pattern(pattern, (long)pid, p, sizeof p) != 0)
        return -1;
    int n = p[0] == '/' ? snprintf(out, len, "%s", p) : snprintf(out, len, "/proc/%d/cwd/%s", (int)pid, p);
    return n < 0 || (size_t)n >= len ? -1 : 0;
}

static void ignore_warning(const char *msg)
{
    (void)msg; /* the shim warned the process itself about its options */
}

int gl_request_open(gl_request *r, pid_t pid, char *why, size_t len)
{
    static char value[65536];
    r->pid = pid;
    if (environ_options(pid, value, sizeof value) != 0) {
        snprintf(why, len, "process %d is a gccgo program without GOLEASH_OPTIONS (or its environment is not "
                 "readable): run it with libgoleash.so preloaded and GOLEASH_OPTIONS=dump_path=...:dump_on=... "
                 "(docs/services.md)", (int)pid);
        return -1;
    }
    static gl_options o;
    gl_options_defaults(&o);
    gl_options_parse(&o, value, ignore_warning);
    if (!o.dump_on[0] || !o.dump_path[0]) {
        snprintf(why, len, "process %d is a gccgo program whose GOLEASH_OPTIONS has no %s: it cannot be asked for a "
                 "dump (set dump_path=...:dump_on=..., docs/services.md)", (int)pid,
                 o.dump_on[0] ? GL_OPTION_KEY(dump_path) : GL_OPTION_KEY(dump_on));
        return -1;
    }
    if (expand(pid, o.dump_on, r->trigger, sizeof r->trigger) != 0
        || expand(pid, o.dump_path, r->dump, sizeof r->dump) != 0) {
        snprintf(why, len, "process %d: its dump_on or dump_path is too long", (int)pid);
        return -1;
    }
    return 0;
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The dump is replaced by a rename: a new inode, or a newer time. */
static int changed(const struct stat *before, int existed, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return 0;
    return !existed || st.st_ino != before->st_ino || st.st_mtim.tv_sec != before->st_mtim.tv_sec
           || st.st_mtim.tv_nsec != before->st_mtim.tv_nsec;
}

int gl_request_sample(const gl_request *r, int64_t timeout_ns, char *why, size_t len)
{
    struct stat before;
    int existed = stat(r->dump, &before) == 0;
    int fd = open(r->trigger, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        snprintf(why, len, "process %d: cannot create %s: %s", (int)r->pid, r->trigger, strerror(errno));
        return -1;
    }
    close(fd);
    for (int64_t deadline = now_ns() + timeout_ns; now_ns() < deadline;) {
        struct timespec ts = {.tv_sec = 0, .tv_nsec = 20000000};
        nanosleep(&ts, NULL);
        if (access(r->trigger, F_OK) != 0 && changed(&before, existed, r->dump))
            return 0;
    }
    unlink(r->trigger);
    snprintf(why, len, "process %d wrote no dump to %s within %.1fs of %s appearing (is libgoleash.so loaded in it?)",
             (int)r->pid, r->dump, (double)timeout_ns / 1e9, r->trigger);
    return -1;
}
