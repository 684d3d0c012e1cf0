/* The shim's own threads: named before gl_thread_start returns (a program
 * that looks at /proc/self/task at once must see them), and started with
 * every asynchronous signal blocked but faults deliverable. */
#include "core/core.h"

#include <check.h>

#include "../run_suites.h"
#include <dirent.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static sem_t release;

static void *wait_release(void *arg)
{
    (void)arg;
    while (sem_wait(&release) != 0)
        ;
    return NULL;
}

/* The task of this process named name, or 0. */
static long task_named(const char *name)
{
    DIR *d = opendir("/proc/self/task");
    if (!d)
        return 0;
    long found = 0;
    for (struct dirent *e; !found && (e = readdir(d));) {
        char path[300], comm[64] = {0};
        snprintf(path, sizeof path, "/proc/self/task/%s/comm", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        if (fgets(comm, sizeof comm, f)) {
            comm[strcspn(comm, "\n")] = '\0';
            if (strcmp(comm, name) == 0)
                found = strtol(e->d_name, NULL, 10);
        }
        fclose(f);
    }
    closedir(d);
    return found;
}

/* The blocked-signal mask of task tid, from its status file. */
static unsigned long long sig_blocked(long tid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/self/task/%ld/status", tid);
    FILE *f = fopen(path, "r");
    unsigned long long mask = 0;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "SigBlk:", 7) == 0)
            mask = strtoull(line + 7, NULL, 16);
    if (f)
        fclose(f);
    return mask;
}

static int blocked(unsigned long long mask, int sig)
{
    return (mask >> (sig - 1)) & 1;
}

START_TEST(named_when_started)
{
    ck_assert_int_eq(sem_init(&release, 0, 0), 0);
    /* Many times: the thread that named itself only once it ran was seen
     * unnamed by a look right after the start now and then. */
    for (int i = 0; i < 200; i++) {
        pthread_t t;
        ck_assert_int_eq(gl_thread_start(&t, 0, "goleash-unit", wait_release, NULL), 0);
        long tid = task_named("goleash-unit");
        ck_assert_msg(tid != 0, "start %d: no task named goleash-unit yet", i);
        if (i == 0) {
            unsigned long long m = sig_blocked(tid);
            ck_assert(blocked(m, SIGCHLD) && blocked(m, SIGTERM) && blocked(m, SIGPROF));
            ck_assert(!blocked(m, SIGSEGV) && !blocked(m, SIGBUS) && !blocked(m, SIGABRT));
        }
        sem_post(&release);
        pthread_join(t, NULL);
    }
    sem_destroy(&release);
}
END_TEST

int main(void)
{
    Suite *s;
    gl_single_case(&s, "thread", 60, GL_TESTS(
        named_when_started));
    return gl_run_suites(GL_SUITES(s), CK_VERBOSE, 1);
}
