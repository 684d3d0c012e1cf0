/* Libraries opened on first use (lazy_lib.h). */
#include "lazy_lib.h"

#include <dlfcn.h>
#include <stdio.h>

static int load(gl_lazy_lib *lib)
{
    void *h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        snprintf(lib->err, sizeof lib->err, "%s", dlerror());
        return -1;
    }
    for (size_t i = 0; i < lib->nsyms; i++) {
        void *p = dlsym(h, lib->syms[i].name);
        if (!p) {
            snprintf(lib->err, sizeof lib->err, "%s: no symbol %s", lib->soname, lib->syms[i].name);
            return -1;
        }
        *lib->syms[i].slot = p;
    }
    return 0;
}

int gl_lazy_load(gl_lazy_lib *lib)
{
    pthread_mutex_lock(&lib->mu);
    if (lib->state == 0)
        lib->state = load(lib) == 0 ? 1 : -1;
    int state = lib->state;
    pthread_mutex_unlock(&lib->mu);
    return state == 1 ? 0 : -1;
}
