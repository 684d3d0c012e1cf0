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
    /* The build tree, then the installed layout relative to the binary (so
     * an installed tree can move, or sit under DESTDIR), then where it was
     * installed. */
    static const char *const places[] = {"../shim/libgoleash.so", GOLEASH_SHIM_RELATIVE, GOLEASH_SHIM_INSTALLED};
    for (size_t i = 0; i < sizeof places / sizeof places[0]; i++) {
        if (!places[i][0])
            continue;
        char candidate[PATH_MAX + 64];
        if (places[i][0] == '/')
            snprintf(candidate, sizeof candidate, "%s", places[i]);
        else
            snprintf(candidate, sizeof candidate, "%s/%s", exe, places[i]);
        char *abs = realpath(candidate, NULL);
        if (abs && usable(abs)) {
            snprintf(buf, len, "%s", abs);
            free(abs);
            return 0;
        }
        free(abs);
    }
    fprintf(stderr, "goleash: libgoleash.so not found (looked in %s/../shim, %s/%s and %s); set GOLEASH_SHIM\n",
            exe, exe, GOLEASH_SHIM_RELATIVE, GOLEASH_SHIM_INSTALLED);
    return -1;
}
