/* Inertness control: a plain C program (no Go runtime). Its stdout, stderr and
 * exit code must be byte-identical with and without LD_PRELOAD=libgoleash.so. */
#include <stdio.h>

int main(int argc, char **argv)
{
    printf("stdout line 1 (%d args)\n", argc);
    fprintf(stderr, "stderr line from %s\n", argc > 0 ? "inert" : "?");
    printf("stdout line 2\n");
    fflush(stdout);
    fputs("stderr line 2\n", stderr);
    return 3;
}
