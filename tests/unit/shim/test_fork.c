/* fork while other threads spawn, park, exit and intern stacks: the child
 * must never deadlock on a lock held at the fork, and writes its own dump
 * under its own pid. */
#include "core/registry.h"
#include "dump/dump.h"
#include "format/dump_read.h"

#include <check.h>

#include "../run_suites.h"
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static atomic_int stop;

static void *hammer(void *p)
{
    int64_t first = (int64_t)(intptr_t)p;
    for (int64_t i = 0; !atomic_load(&stop); i++) {
        int64_t id = first + i % 5000;
        uintptr_t pcs[3] = {0x100, (uintptr_t)id, 0x300};
        gl_registry_spawned(first - 1, id, 0x1, gl_stack_intern(pcs, 3, false));
        gl_g *g = gl_registry_self(id);
        gl_registry_park_set(g, 14, GL_WAIT_CHAN, 0, NULL, 0, NULL, i);
        gl_registry_chan_made((uintptr_t)(0xc000000000 + (i % 997) * 64), 1, id, NULL);
        gl_registry_exited(id);
    }
    return NULL;
}

START_TEST(fork_under_load)
{
    gl_options_defaults(&gl_host.opts);
    gl_stacks_init();
    gl_stacks_set_own_range(0, 0);
    gl_registry_init();
    gl_fork_install();

    char dir[] = "/tmp/goleash-fork-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, hammer, (void *)(intptr_t)(1000000 * (i + 1)));

    for (int round = 0; round < 25; round++) {
        usleep(2000);
        pid_t pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
            alarm(10); /* a deadlock kills the child: the parent sees it */
            gl_registry_spawned(0, 424242, 0x42, NULL);
            gl_membuf b = {0};
            char pattern[128], final[600];
            snprintf(pattern, sizeof pattern, "%s/child.%%p.dump", dir);
            int ok = gl_dump_build(&b, "exit", 0) == 0 && gl_dump_write_file(&b, pattern, final, sizeof final) == 0;
            _exit(ok ? 0 : 3);
        }
        int status;
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child %d: status 0x%x", (int)pid, status);

        char path[128];
        snprintf(path, sizeof path, "%s/child.%d.dump", dir, (int)pid);
        gl_dump *d = NULL;
        gl_diag diag;
        ck_assert_msg(gl_dump_read_file(path, &d, &diag) == 0, "%s", diag.msg);
        ck_assert_int_eq(d->pid, pid);
        ck_assert_ptr_nonnull(gl_dump_goroutine(d, 424242));
        gl_dump_free(d);
        unlink(path);
    }
    atomic_store(&stop, 1);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    rmdir(dir);
}
END_TEST

int main(void)
{
    Suite *s;
    gl_single_case(&s, "fork", 120, GL_TESTS(
        fork_under_load));
    return gl_run_suites(GL_SUITES(s), CK_VERBOSE, 1);
}
