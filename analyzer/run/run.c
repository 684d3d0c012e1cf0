#include "run/run.h"
#include "memory_limit.h"
#include "run/dump_dir.h"
#include "run/shim_path.h"
#include "binary/gc_binary.h"
#include "ptrace/gc_trace.h"
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
    snprintf(opts, sizeof opts, "%s=%s/goleash.%%p.dump:%s=0:%s=0", GL_OPTION_KEY(dump_path), dir,
             GL_OPTION_KEY(report), GL_OPTION_KEY(exitcode));
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
        int err = errno;
        if (err != EPERM && err != ENOSYS && err != EACCES) {
            fprintf(stderr, "goleash: cannot run %s: %s\n", argv[0], strerror(err));
            return -1;
        }
        /* Without ptrace a gccgo program still has its shim; a gc one runs
         * unobserved, and the verdict says so (unanalysed). */
        char path[PATH_MAX];
        gl_exe_kind kind = gl_find_in_path(argv[0], path, sizeof path) == 0 ? gl_exe_kind_of(path) : GL_EXE_OTHER;
        fprintf(stderr, "goleash: cannot trace %s: ptrace is not allowed here (%s); allow it with CAP_SYS_PTRACE, "
                "a container seccomp profile that permits ptrace, or kernel.yama.ptrace_scope%s\n", argv[0],
                strerror(err), kind == GL_EXE_GCCGO ? "; running it with the shim alone" : "");
        to.untraced = 1;
        if (gl_trace_run(argv, env, &to, tr) != 0) {
            fprintf(stderr, "goleash: cannot run %s: %s\n", argv[0], strerror(errno));
            return -1;
        }
        tr->ptrace_refused = 1;
        tr->ngccgo = kind == GL_EXE_GCCGO;
    }
    if (tr->exec_errno) {
        fprintf(stderr, "goleash: cannot run %s: %s\n", argv[0], strerror(tr->exec_errno));
        return -1;
    }
    if (getenv("GOLEASH_TRACE_STATS"))
        fprintf(stderr, "goleash: tracer: %zu gc, %zu gccgo, %zu other executables; stops: %zu signals, %zu "
                "breakpoints, %zu task events; %zu settling rounds; %.1f ms reading and writing dumps\n",
                tr->ngc, tr->ngccgo, tr->nother, tr->stops_signal, tr->stops_break, tr->stops_task,
                tr->settle_rounds, tr->dump_ns / 1e6);
    return exit_code_of(tr->status);
}

/* PROG shares our process group, so a signal the terminal sends (Ctrl-C,
 * Ctrl-\, hangup: si_code SI_KERNEL) reaches it already: passing it on
 * would deliver it twice. One sent to us alone (go test's SIGQUIT on a
 * timeout, a supervisor's SIGTERM) is passed on; either way we wait for
 * PROG's end and report. */
static void forward_to_prog(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    if (si && si->si_code == SI_KERNEL)
        return;
    pid_t pid = gl_trace_child();
    if (pid > 0)
        kill(pid, sig);
}

static const int forwarded_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
enum { NFORWARDED = sizeof forwarded_signals / sizeof forwarded_signals[0] };

/* A signal the caller ignores (nohup, trap '' INT) stays ignored: PROG
 * inherits the disposition through exec, as it would without us. */
static void forward_signals(struct sigaction *old)
{
    struct sigaction sa = {.sa_sigaction = forward_to_prog, .sa_flags = SA_SIGINFO | SA_RESTART};
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < NFORWARDED; i++) {
        sigaction(forwarded_signals[i], NULL, &old[i]);
        if (old[i].sa_handler != SIG_IGN)
            sigaction(forwarded_signals[i], &sa, NULL);
    }
}

static void restore_signals(const struct sigaction *old)
{
    for (int i = 0; i < NFORWARDED; i++)
        sigaction(forwarded_signals[i], &old[i], NULL);
}

/* Why the gccgo programs of the tree left no dump, as far as it can be
 * told from here: PROG's own end, or what keeps the dynamic linker from
 * preloading the shim into it. Otherwise the shim itself said why on
 * stderr (it disabled itself, or could not write the file). */
static void no_dump_cause(const gl_trace_result *tr, const char *prog, char *buf, size_t len)
{
    char path[PATH_MAX];
    struct stat st;
    int gccgo = gl_find_in_path(prog, path, sizeof path) == 0 && gl_exe_kind_of(path) == GL_EXE_GCCGO;
    if (gccgo && WIFSIGNALED(tr->status))
        snprintf(buf, len, "it was killed by signal %d (%s) before it could write one: the shim writes its dump "
                 "at exit (dump_interval in GOLEASH_OPTIONS also writes one periodically)",
                 WTERMSIG(tr->status), strsignal(WTERMSIG(tr->status)));
    else if (gccgo && stat(path, &st) == 0 && (st.st_mode & (S_ISUID | S_ISGID)))
        snprintf(buf, len, "it is set-user-ID or set-group-ID, and the dynamic linker does not preload "
                 "libgoleash.so into such programs");
    else
        snprintf(buf, len, "the shim wrote none (it disabled itself or could not write the file: its warning "
                 "above says which)");
}

/* What could not be analysed: never a silent pass. Returns 1 when the run
 * must not pass as clean. */
static int unanalysed(const gl_trace_result *tr, size_t ndumps, const char *prog, int allow)
{
    const char *tail = allow ? " (--allow-unsupported: not failing for it)" : "";
    if (tr->ptrace_refused && !tr->ngccgo) {
        fprintf(stderr, "goleash: cannot analyse %s: without ptrace a gc program cannot be read%s\n", prog, tail);
        return !allow;
    }
    if (tr->unsupported) {
        fprintf(stderr, "goleash: cannot analyse %zu gc process(es) of %s: %s%s\n", tr->unsupported, prog,
                tr->unsupported_why, tail);
        return !allow;
    }
    if (ndumps == 0 && tr->ngccgo) {
        char why[512];
        no_dump_cause(tr, prog, why, sizeof why);
        fprintf(stderr, "goleash: %s: the gccgo program left no dump: %s%s\n", prog, why, tail);
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
    if (gl_prepare_dump_dir(keep_dir, dir, sizeof dir, &before) != 0) {
        gl_name_list_free(&before);
        return GL_EXIT_USAGE;
    }
    char **env = child_env(shim, dir);
    struct sigaction old[NFORWARDED];
    forward_signals(old);
    gl_trace_result tr;
    int prog_code = env ? run_traced(dir, env, argv, &tr) : -1;
    restore_signals(old);
    free_child_env(env);

    int code = prog_code < 0 ? GL_EXIT_USAGE : prog_code;
    if (prog_code >= 0) {
        if (gl_list_dumps(dir, keep_dir ? &before : NULL, &dumps) != 0) {
            fprintf(stderr, "goleash: %s: %s\n", dir, strerror(errno));
            code = prog_code ? prog_code : GL_EXIT_USAGE;
        } else {
            int bad = unanalysed(&tr, dumps.n, argv[0], allow_unsupported);
            int report_code = GL_EXIT_CLEAN;
            if (dumps.n) {
                gl_report_opts ro = *o;
                ro.pid = tr.pid;
                ro.program = argv[0];
                gl_memory_limit_apply(o->max_memory); /* PROG has ended */
                report_code = gl_analyze(&ro, dumps.names, dumps.n);
            }
            if (bad && report_code == GL_EXIT_CLEAN)
                report_code = GL_EXIT_UNSUPPORTED;
            code = prog_code ? prog_code : report_code;
        }
    }
    if (!keep_dir)
        gl_remove_private_dir(dir);
    gl_name_list_free(&before);
    gl_name_list_free(&dumps);
    return code;
}
