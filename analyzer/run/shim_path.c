#include "run/shim_path.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int usable(const char *path)
{
    return access(path, R_OK) == 0;
}

int gl_find_shim(char *buf, size_t len)
{
    const char *env = getenv("GOLEASH_SHIM");
    if (env && *env) {
        /* The child may chdir; LD_PRELOAD must not depend on the cwd. */
        char *abs = realpath(env, NULL);
        if (!abs || !usable(abs)) {
            fprintf(stderr, "goleash: GOLEASH_SHIM=%s: no such readable file\n", env);
            free(abs);
            return -1;
        }
        snprintf(buf, len, "%s", abs);
        free(abs);
        return 0;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        fprintf(stderr, "goleash: cannot find my own executable; set GOLEASH_SHIM\n");
        return -1;
    }
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = '\0';
    static const char *const relative[] = {"../shim/libgoleash.so", "../lib/goleash/libgoleash.so"};
    for (size_t i = 0; i < sizeof relative / sizeof relative[0]; i++) {
        char candidate[PATH_MAX + 64];
        snprintf(candidate, sizeof candidate, "%s/%s", exe, relative[i]);
        char *abs = realpath(candidate, NULL);
        if (abs && usable(abs)) {
            snprintf(buf, len, "%s", abs);
            free(abs);
            return 0;
        }
        free(abs);
    }
    fprintf(stderr, "goleash: libgoleash.so not found (looked in %s/../shim and %s/../lib/goleash); set GOLEASH_SHIM\n",
            exe, exe);
    return -1;
}
