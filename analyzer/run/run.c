#include "run/run.h"
#include "run/shim_path.h"
#include "options/options.h"

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

static volatile sig_atomic_t child_pid;

static void forward_signal(int sig)
{
    if (child_pid > 0)
        kill((pid_t)child_pid, sig);
}

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

static int set_child_env(const char *shim, const char *dir)
{
    const char *preload = getenv("LD_PRELOAD");
    const char *user_opts = getenv("GOLEASH_OPTIONS");
    size_t n = strlen(shim) + (preload ? strlen(preload) : 0) + 2;
    char *p = malloc(n);
    size_t m = strlen(dir) + (user_opts ? strlen(user_opts) : 0) + 80;
    char *o = malloc(m);
    if (!p || !o)
        return -1;
    snprintf(p, n, "%s%s%s", shim, preload && *preload ? ":" : "", preload && *preload ? preload : "");
    /* Ours go last: later keys win in the shim's option parser. */
    snprintf(o, m, "%s%s%s=%s/goleash.%%p.dump:%s=0:%s=0", user_opts && *user_opts ? user_opts : "",
             user_opts && *user_opts ? ":" : "", GL_OPTION_KEY(dump_path), dir, GL_OPTION_KEY(report),
             GL_OPTION_KEY(exitcode));
    int rc = setenv("LD_PRELOAD", p, 1) | setenv("GOLEASH_OPTIONS", o, 1);
    free(p);
    free(o);
    return rc;
}

/* Starts argv; returns its pid, or -1 (message printed) when it could not be
 * executed: a CLOEXEC pipe carries exec's errno back. */
static pid_t start_child(const char *shim, const char *dir, char *const *argv)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        fprintf(stderr, "goleash: pipe: %s\n", strerror(errno));
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "goleash: fork: %s\n", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        close(fds[0]);
        int err = ENOMEM;
        if (set_child_env(shim, dir) == 0) {
            execvp(argv[0], argv);
            err = errno;
        }
        if (write(fds[1], &err, sizeof err) < 0)
            _exit(127);
        _exit(127);
    }
    close(fds[1]);
    int err = 0;
    ssize_t r;
    do
        r = read(fds[0], &err, sizeof err);
    while (r < 0 && errno == EINTR);
    close(fds[0]);
    if (r == (ssize_t)sizeof err) {
        fprintf(stderr, "goleash: cannot run %s: %s\n", argv[0], strerror(err));
        waitpid(pid, NULL, 0);
        return -1;
    }
    return pid;
}

static int wait_child(pid_t pid)
{
    int status;
    for (;;) {
        pid_t r = waitpid(pid, &status, 0);
        if (r == pid)
            break;
        if (r < 0 && errno != EINTR) {
            fprintf(stderr, "goleash: waitpid: %s\n", strerror(errno));
            return GL_EXIT_USAGE;
        }
    }
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return GL_EXIT_USAGE;
}

int gl_run(const gl_report_opts *o, const char *keep_dir, char *const *argv)
{
    char shim[PATH_MAX], dir[PATH_MAX];
    name_list before = {0}, dumps = {0};
    if (gl_find_shim(shim, sizeof shim) != 0)
        return GL_EXIT_USAGE;
    if (prepare_dir(keep_dir, dir, sizeof dir, &before) != 0) {
        name_list_free(&before);
        return GL_EXIT_USAGE;
    }
    struct sigaction sa = {.sa_handler = forward_signal}, old_int, old_term;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    pid_t pid = start_child(shim, dir, argv);
    int prog_code = GL_EXIT_USAGE;
    if (pid > 0) {
        child_pid = pid;
        prog_code = wait_child(pid);
        child_pid = 0;
    }
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);

    int code = prog_code;
    if (pid > 0) {
        if (list_dumps(dir, keep_dir ? &before : NULL, &dumps) != 0) {
            fprintf(stderr, "goleash: %s: %s\n", dir, strerror(errno));
            code = prog_code ? prog_code : GL_EXIT_USAGE;
        } else if (dumps.n == 0) {
            fprintf(stderr, "goleash: %s left no dump (not a gccgo program?)\n", argv[0]);
        } else {
            gl_report_opts ro = *o;
            ro.pid = pid;
            ro.program = argv[0];
            int report_code = gl_analyze(&ro, dumps.names, dumps.n);
            code = prog_code ? prog_code : report_code;
        }
    }
    if (!keep_dir)
        remove_private_dir(dir);
    name_list_free(&before);
    name_list_free(&dumps);
    return code;
}
