/* Linked against fake_libgo.so: looks like a gccgo program to the shim. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

void *fake_go_go(unsigned long fn, void *arg) __asm__("__go_go");

int main(void)
{
    long long *g = fake_go_go(0, (void *)0x1234);
    printf("spawned goroutine %lld\n", g[7]);
    fprintf(stderr, "to stderr\n");
#ifdef KILL_SELF
    /* Killed before exit: no dump, and `goleash run` must say so. */
    fflush(NULL);
    raise(SIGKILL);
#endif
    exit(5);
}
