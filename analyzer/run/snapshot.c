/* `goleash snapshot` (snapshot.h): the tracer takes the dump, the analyzer
 * reports on it as on any other. */
#include "snapshot.h"
#include "dump_dir.h"
#include "ptrace/gc_snapshot.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_pid(const char *s, pid_t *pid)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v <= 0 || v > INT32_MAX)
        return -1;
    *pid = (pid_t)v;
    return 0;
}

int gl_snapshot(const gl_report_opts *o, const char *keep_dir, const char *pid_arg, int verbose)
{
    pid_t pid;
    if (parse_pid(pid_arg, &pid) != 0) {
        fprintf(stderr, "goleash: snapshot: '%s' is not a process id\n", pid_arg);
        return GL_EXIT_USAGE;
    }
    char dir[PATH_MAX], path[PATH_MAX + 64], why[640];
    name_list before = {0};
    if (gl_prepare_dump_dir(keep_dir, dir, sizeof dir, &before) != 0)
        return GL_EXIT_USAGE;
    snprintf(path, sizeof path, "%s/goleash.%d.snapshot.dump", dir, (int)pid);
    gc_snapshot_opts so = {.min_park_ns = o->min_park_ns >= 0 ? o->min_park_ns : GL_SNAPSHOT_MIN_PARK_NS,
                           .dump_path = path};
    gc_snapshot_stats stats;
    int code = GL_EXIT_USAGE;
    if (gc_snapshot(pid, &so, &stats, why, sizeof why) != 0) {
        fprintf(stderr, "goleash: snapshot: %s\n", why);
    } else {
        if (verbose)
            fprintf(stderr, "goleash: process %d stopped %.3f ms%s%.3f ms (%zu threads, %zu goroutines)\n",
                    (int)pid, stats.pause_ns[0] / 1e6, so.min_park_ns > 0 ? " and " : "",
                    so.min_park_ns > 0 ? stats.pause_ns[1] / 1e6 : 0.0, stats.threads, stats.goroutines);
        gl_report_opts ro = *o;
        ro.min_park_ns = so.min_park_ns;
        ro.pid = pid;
        char *paths[] = {path};
        code = gl_analyze(&ro, paths, 1);
    }
    if (!keep_dir)
        gl_remove_private_dir(dir);
    gl_name_list_free(&before);
    return code;
}
