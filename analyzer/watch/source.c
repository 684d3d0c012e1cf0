/* The sources of samples (source.h). */
#include "watch/source.h"
#include "analyze.h"
#include "binary/gc_binary.h"
#include "ptrace/gc_snapshot.h"
#include "run/dump_dir.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int all_digits(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return 0;
    return 1;
}

static int open_pid(gl_source *s)
{
    char *end;
    errno = 0;
    long v = strtol(s->arg, &end, 10);
    if (errno || v <= 0 || v > INT32_MAX) {
        fprintf(stderr, "goleash: watch: '%s' is not a process id\n", s->arg);
        return -1;
    }
    s->pid = (pid_t)v;
    s->kind = GL_SOURCE_PID;
    char exe[64], why[1024];
    snprintf(exe, sizeof exe, "/proc/%d/exe", (int)s->pid);
    if (gl_exe_kind_of(exe) == GL_EXE_GCCGO) {
        s->gccgo = 1;
        if (gl_request_open(&s->request, s->pid, why, sizeof why) != 0) {
            fprintf(stderr, "goleash: watch: %s\n", why);
            return -1;
        }
        return 0;
    }
    return gl_prepare_dump_dir(NULL, s->dir, sizeof s->dir, NULL);
}

/* How long a gccgo service may take to write a requested dump. */
#define REQUEST_TIMEOUT_NS ((int64_t)10 * 1000000000)

static int next_gccgo(gl_source *s, gl_dump_list *dumps, gl_warnings *w)
{
    char why[1024];
    if (gl_request_sample(&s->request, REQUEST_TIMEOUT_NS, why, sizeof why) != 0) {
        fprintf(stderr, "goleash: watch: %s\n", why);
        return -1;
    }
    return gl_analyze_load(s->request.dump, NULL, dumps, w) == 0 ? 1 : -1;
}

int gl_source_open(gl_source *s, const char *arg, const gl_fetch_opts *fetch)
{
    *s = (gl_source){.arg = arg, .fetch = fetch, .kind = GL_SOURCE_INPUT};
    if (strcmp(arg, "-") == 0) {
        fprintf(stderr, "goleash: watch: stdin cannot be sampled more than once: give a URL, a PID, a file or a "
                        "directory\n");
        return -1;
    }
    if (all_digits(arg))
        return open_pid(s);
    struct stat st;
    if (!gl_fetch_is_url(arg) && stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
        s->kind = GL_SOURCE_DIR;
    return 0;
}

/* One snapshot of the process into the private directory, read back. */
static int next_pid(gl_source *s, gl_dump_list *dumps, gl_warnings *w)
{
    char path[PATH_MAX + 64], why[640];
    snprintf(path, sizeof path, "%s/goleash.%d.watch.dump", s->dir, (int)s->pid);
    gc_snapshot_opts so = {.min_park_ns = 0, .dump_path = path};
    gc_snapshot_stats stats;
    int rc = -1;
    if (gc_snapshot(s->pid, &so, &stats, why, sizeof why) != 0)
        fprintf(stderr, "goleash: watch: %s\n", why);
    else
        rc = gl_analyze_load(path, NULL, dumps, w) == 0 ? 1 : -1;
    unlink(path);
    return rc;
}

/* Files count, hidden ones (a writer's temporary names) do not. */
static int is_sample_file(const char *dir, const struct dirent *e)
{
    if (e->d_name[0] == '.')
        return 0;
    char path[PATH_MAX];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The first name after s->last, in strcmp order, into s->taken. */
static int next_name(gl_source *s, char **name)
{
    DIR *d = opendir(s->arg);
    if (!d) {
        fprintf(stderr, "goleash: watch: %s: %s\n", s->arg, strerror(errno));
        return -1;
    }
    *name = NULL;
    for (struct dirent *e; (e = readdir(d));) {
        if (s->last && strcmp(e->d_name, s->last) <= 0)
            continue;
        if ((*name && strcmp(e->d_name, *name) >= 0) || !is_sample_file(s->arg, e))
            continue;
        free(*name);
        *name = strdup(e->d_name);
    }
    closedir(d);
    return 0;
}

static int next_file(gl_source *s, gl_dump_list *dumps, gl_warnings *w)
{
    char *name;
    if (next_name(s, &name) != 0)
        return -1;
    if (!name)
        return 0;
    free(s->last);
    s->last = name;
    snprintf(s->taken, sizeof s->taken, "%s/%s", s->arg, name);
    return gl_analyze_load(s->taken, s->fetch, dumps, w) == 0 ? 1 : -1;
}

int gl_source_next(gl_source *s, gl_dump_list *dumps, gl_warnings *w)
{
    switch (s->kind) {
    case GL_SOURCE_PID:
        return s->gccgo ? next_gccgo(s, dumps, w) : next_pid(s, dumps, w);
    case GL_SOURCE_DIR:
        return next_file(s, dumps, w);
    default:
        return gl_analyze_load(s->arg, s->fetch, dumps, w) == 0 ? 1 : -1;
    }
}

int gl_source_drains(const gl_source *s)
{
    return s->kind == GL_SOURCE_DIR;
}

const char *gl_source_name(const gl_source *s)
{
    static char name[64];
    if (s->kind == GL_SOURCE_PID) {
        snprintf(name, sizeof name, "process %d", (int)s->pid);
        return name;
    }
    return s->kind == GL_SOURCE_DIR ? s->taken : s->arg;
}

void gl_source_close(gl_source *s)
{
    if (s->kind == GL_SOURCE_PID && s->dir[0])
        gl_remove_private_dir(s->dir);
    free(s->last);
    s->last = NULL;
}
