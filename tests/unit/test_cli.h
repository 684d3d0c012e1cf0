/* Runs the goleash command ($GOLEASH_BIN, set by meson) for the unit tests
 * that check its exit codes and output. */
#ifndef GOLEASH_TEST_CLI_H
#define GOLEASH_TEST_CLI_H

#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct cli_result {
    int code;
    char out[65536];
    char err[65536];
} cli_result;

static inline void gl_slurp_fd(int fd, char *buf, size_t cap)
{
    lseek(fd, 0, SEEK_SET);
    ssize_t n = read(fd, buf, cap - 1);
    buf[n > 0 ? n : 0] = '\0';
    close(fd);
}

/* goleash ARGS (NULL-terminated), with one extra environment variable
 * NAME=VALUE (env, may be NULL) and stdin from the file `in` (NULL:
 * /dev/null). The result is overwritten by the next call. */
static inline cli_result *gl_cli(const char *env, const char *in, const char *const *args)
{
    static cli_result res;
    const char *bin = getenv("GOLEASH_BIN");
    ck_assert_msg(bin != NULL, "GOLEASH_BIN not set");
    char outp[] = "/tmp/goleash-test-out.XXXXXX", errp[] = "/tmp/goleash-test-err.XXXXXX";
    int out = mkstemp(outp), err = mkstemp(errp);
    unlink(outp);
    unlink(errp);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int fd = open(in ? in : "/dev/null", O_RDONLY);
        dup2(fd, 0);
        dup2(out, 1);
        dup2(err, 2);
        if (env)
            putenv((char *)env);
        char *argv[32] = {(char *)bin};
        for (size_t i = 0; args[i] && i < 30; i++)
            argv[i + 1] = (char *)args[i];
        execv(bin, argv);
        _exit(126);
    }
    int status;
    waitpid(pid, &status, 0);
    res.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    gl_slurp_fd(out, res.out, sizeof res.out);
    gl_slurp_fd(err, res.err, sizeof res.err);
    return &res;
}

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

#endif
