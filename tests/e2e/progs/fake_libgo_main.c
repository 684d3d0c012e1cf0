/* Linked against fake_libgo.so: looks like a gccgo program to the shim. */
#include <stdio.h>
#include <stdlib.h>

void *fake_go_go(unsigned long fn, void *arg) __asm__("__go_go");

int main(void)
{
    long long *g = fake_go_go(0, (void *)0x1234);
    printf("spawned goroutine %lld\n", g[7]);
    fprintf(stderr, "to stderr\n");
    exit(5);
}
