/* A C host that dlopen()s a library with local scope (as Python's ctypes
 * does) and calls its Spawn (run_dlopen_local.py). */
#include <dlfcn.h>
#include <stdio.h>
int main(int argc, char **argv) {
    void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!h) { fprintf(stderr, "dlopen: %s\n", dlerror()); return 2; }
    int (*spawn)(void) = (int (*)(void))dlsym(h, "Spawn");
    if (!spawn) { fprintf(stderr, "dlsym: %s\n", dlerror()); return 3; }
    printf("Spawn() = %d\n", spawn());
    return 0;
}
