#include "run.h"
#include "gc_trace.h"
#include "shim_path.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct name_list {
    size_t n, cap;
    char **names;
} name_list;

static int name_list_add(name_list *l, const char *s)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        char **p = realloc(l->names, cap * sizeof *p);
        if (!p)
            return -1;
        l->names = p;
        l->cap = cap;
    }
    if (!(l->names[l->n] = strdup(s)))
        return -1;
    l->n++;
    return 0;
}

static int name_list_has(const name_list *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->names[i], s) == 0)
            return 1;
    return 0;
}

static void name_list_free(name_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->names[i]);
    free(l->names);
    memset(l, 0, sizeof *l);
}

static int is_dump_name(const char *name)
{
    size_t n = strlen(name);
    return n > 5 && strcmp(name + n - 5, ".dump") == 0;
}

/* The *.dump files in dir (full paths) that are not in `before`, by name. */
static int list_dumps(const char *dir, const name_list *before, name_list *out)
{
    DIR *dh = opendir(dir);
    if (!dh)
        return -1;
    struct dirent *e;
    name_list names = {0};
    while ((e = readdir(dh))) {
        if (is_dump_name(e->d_name) && (!before || !name_list_has(before, e->d_name)))
            if (name_list_add(&names, e->d_name) != 0) {
                closedir(dh);
                name_list_free(&names);
                return -1;
            }
    }
    closedir(dh);
    /* Sorting by name keeps the report the same from run to run. */
    for (size_t i = 1; i < names.n; i++)
        for (size_t j = i; j > 0 && strcmp(names.names[j - 1], names.names[j]) > 0; j--) {
            char *t = names.names[j];
            names.names[j] = names.names[j - 1];
            names.names[j - 1] = t;
        }
    for (size_t i = 0; i < names.n; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, names.names[i]);
        if (name_list_add(out, path) != 0) {
            name_list_free(&names);
            return -1;
        }
    }
    name_list_free(&names);
    return 0;
}

/* Empties and removes the private directory: only our child wrote there. */
static void remove_private_dir(const char *dir)
{
    DIR *dh = opendir(dir);
    if (dh) {
        struct dirent *e;
        while ((e = readdir(dh))) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            unlinkat(dirfd(dh), e->d_name, 0);
        }
        closedir(dh);
    }
    if (rmdir(dir) != 0)
        fprintf(stderr, "goleash: cannot remove %s: %s\n", dir, strerror(errno));
}

static int prepare_dir(const char *keep_dir, char *dir, size_t len, name_list *before)
{
    if (keep_dir) {
        if (mkdir(keep_dir, 0700) != 0 && errno != EEXIST) {
            fprintf(stderr, "goleash: --keep-dumps %s: %s\n", keep_dir, strerror(errno));
            return -1;
        }
        char *abs = realpath(keep_dir, NULL);
        if (!abs) {
            fprintf(stderr, "goleash: --keep-dumps %s: %s\n", keep_dir, strerror(errno));
            return -1;
        }
        snprintf(dir, len, "%s", abs);
        free(abs);
        /* Dumps of earlier runs may be there: report only this run's. */
        name_list none = {0};
        if (list_dumps(dir, &none, before) != 0) {
            fprintf(stderr, "goleash: --keep-dumps %s: %s\n", keep_dir, strerror(errno));
            return -1;
        }
        for (size_t i = 0; i < before->n; i++) {
            char *slash = strrchr(before->names[i], '/');
            memmove(before->names[i], slash + 1, strlen(slash + 1) + 1);
        }
    } else {
        const char *tmp = getenv("TMPDIR");
        if (!tmp || tmp[0] != '/')
            tmp = "/tmp";
        snprintf(dir, len, "%s/goleash.XXXXXX", tmp);
        if (!mkdtemp(dir)) {
            fprintf(stderr, "goleash: cannot create a directory in %s: %s\n", tmp, strerror(errno));
            return -1;
        }
    }
    if (strchr(dir, ':')) {
        /* ':' separates GOLEASH_OPTIONS entries. */
        fprintf(stderr, "goleash: dump directory %s must not contain ':'\n", dir);
        if (!keep_dir)
            rmdir(dir);
        return -1;
    }
    return 0;
}

/* NAME=VALUE in a fresh allocation. */
static char *env_entry(const char *name, const char *a, const char *sep, const char *b)
{
    size_t n = strlen(name) + strlen(a) + strlen(sep) + strlen(b) + 2;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s=%s%s%s", name, a, sep, b);
    return s;
}

/* GODEBUG with the runtime's creation chains on (tracebackancestors), so a
 * gc goroutine's parents are known through exited ones; a depth the user
 * chose stays. */
static char *godebug_entry(void)
{
    const char *user = getenv("GODEBUG");
    char depth[64];
    if (user && strstr(user, "tracebackancestors="))
        return env_entry("GODEBUG", user, "", "");
    snprintf(depth, sizeof depth, "tracebackancestors=%d", GL_TRACE_ANCESTORS);
    return env_entry("GODEBUG", user && *user ? user : "", user && *user ? "," : "", depth);
}

/* The child's environment: ours, with the shim preloaded (gccgo programs
 * in the tree write their dumps to dir) and our options after the user's
 * (later keys win in the shim's parser), and GODEBUG for gc programs. The
 * last three entries are ours to free. */
static char **child_env(const char *shim, const char *dir)
{
    extern char **environ;
    const char *preload = getenv("LD_PRELOAD");
    const char *user_opts = getenv("GOLEASH_OPTIONS");
    size_t n = 0;
    while (environ[n])
        n++;
    char **env = calloc(n + 4, sizeof *env);
    char opts[PATH_MAX + 64];
    snprintf(opts, sizeof opts, "dump_path=%s/goleash.%%p.dump:report=0:exitcode=0", dir);
    char *p = env_entry("LD_PRELOAD", shim, preload && *preload ? ":" : "", preload ? preload : "");
    char *o = env_entry("GOLEASH_OPTIONS", user_opts && *user_opts ? user_opts : "",
                        user_opts && *user_opts ? ":" : "", opts);
    char *g = godebug_entry();
    if (!env || !p || !o || !g) {
        free(env);
        free(p);
        free(o);
        free(g);
        return NULL;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "LD_PRELOAD=", 11) != 0 && strncmp(environ[i], "GOLEASH_OPTIONS=", 16) != 0
            && strncmp(environ[i], "GODEBUG=", 8) != 0)
            env[k++] = environ[i];
    env[k++] = p;
    env[k++] = o;
    env[k++] = g;
    return env;
}

static void free_child_env(char **env)
{
    if (!env)
        return;
    size_t n = 0;
    while (env[n])
        n++;
    for (size_t i = n >= 3 ? n - 3 : 0; i < n; i++)
        free(env[i]);
    free(env);
}

static int exit_code_of(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return GL_EXIT_USAGE;
}

/* Runs argv under the tracer: gc processes of the tree are read at their
 * exit, gccgo ones write their dumps through the shim. Returns PROG's exit
 * code, or -1 (message printed) when it did not run. */
static int run_traced(const char *dir, char **env, char *const *argv, gl_trace_result *tr)
{
    gl_trace_opts to = {.dump_dir = dir};
    if (gl_trace_run(argv, env, &to, tr) != 0) {
        if (errno == EPERM || errno == ENOSYS)
            fprintf(stderr, "goleash: cannot trace %s: ptrace is not allowed here (%s); a gc program cannot be "
                    "analysed without it: allow ptrace (CAP_SYS_PTRACE, a container's seccomp profile, "
                    "/proc/sys/kernel/yama/ptrace_scope)\n", argv[0], strerror(errno));
        else
            fprintf(stderr, "goleash: cannot run %s: %s\n", argv[0], strerror(errno));
        return -1;
    }
    if (tr->exec_errno) {
        fprintf(stderr, "goleash: cannot run %s: %s\n", argv[0], strerror(tr->exec_errno));
        return -1;
    }
    return exit_code_of(tr->status);
}

static void forward_to_traced(int sig)
{
    pid_t pid = gl_trace_child();
    if (pid > 0)
        kill(pid, sig);
}

/* What could not be analysed: never a silent pass. Returns 1 when the run
 * must not pass as clean. */
static int unanalysed(const gl_trace_result *tr, size_t ndumps, const char *prog, int allow)
{
    const char *tail = allow ? " (--allow-unsupported: not failing for it)" : "";
    if (tr->unsupported) {
        fprintf(stderr, "goleash: cannot analyse %zu gc process(es) of %s: %s%s\n", tr->unsupported, prog,
                tr->unsupported_why, tail);
        return !allow;
    }
    if (ndumps == 0 && tr->ngccgo) {
        fprintf(stderr, "goleash: %s: the gccgo program left no dump (was libgoleash.so loaded?)%s\n", prog, tail);
        return !allow;
    }
    if (ndumps == 0) {
        fprintf(stderr, "goleash: %s ran no Go program goleash can analyse (no gc or gccgo executable in its "
                "process tree)%s\n", prog, tail);
        return !allow;
    }
    return 0;
}

int gl_run(const gl_report_opts *o, const char *keep_dir, int allow_unsupported, char *const *argv)
{
    char shim[PATH_MAX], dir[PATH_MAX];
    name_list before = {0}, dumps = {0};
    if (gl_find_shim(shim, sizeof shim) != 0)
        return GL_EXIT_USAGE;
    if (prepare_dir(keep_dir, dir, sizeof dir, &before) != 0) {
        name_list_free(&before);
        return GL_EXIT_USAGE;
    }
    char **env = child_env(shim, dir);
    struct sigaction sa = {.sa_handler = forward_to_traced}, old_int, old_term;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    gl_trace_result tr;
    int prog_code = env ? run_traced(dir, env, argv, &tr) : -1;
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    free_child_env(env);

    int code = prog_code < 0 ? GL_EXIT_USAGE : prog_code;
    if (prog_code >= 0) {
        if (list_dumps(dir, keep_dir ? &before : NULL, &dumps) != 0) {
            fprintf(stderr, "goleash: %s: %s\n", dir, strerror(errno));
            code = prog_code ? prog_code : GL_EXIT_USAGE;
        } else {
            int bad = unanalysed(&tr, dumps.n, argv[0], allow_unsupported);
            int report_code = GL_EXIT_CLEAN;
            if (dumps.n) {
                gl_report_opts ro = *o;
                ro.pid = tr.pid;
                ro.program = argv[0];
                report_code = gl_analyze(&ro, dumps.names, dumps.n);
            }
            if (bad && report_code == GL_EXIT_CLEAN)
                report_code = GL_EXIT_UNSUPPORTED;
            code = prog_code ? prog_code : report_code;
        }
    }
    if (!keep_dir)
        remove_private_dir(dir);
    name_list_free(&before);
    name_list_free(&dumps);
    return code;
}
