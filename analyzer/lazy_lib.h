/* Libraries only some commands need, opened when first used rather than at
 * every start: libcurl (URLs as inputs), libmicrohttpd (watch's /metrics)
 * and Graphviz (the HTML report's graphs). Linked, they and the 35
 * libraries they bring took 3.9 ms of every goleash process's 5.6 ms start
 * (a C program linked against goleash's other six libraries starts in
 * 1.7 ms), which `go test -exec 'goleash run --'` pays once per package.
 *
 * A user lists the functions it calls, each with the pointer it calls them
 * through, and calls gl_lazy_load before the first use:
 *
 *     static struct { CURL *(*easy_init)(void); ... } api;
 *     static const gl_lazy_sym syms[] = {{"curl_easy_init", (void **)&api.easy_init}, ...};
 *     static gl_lazy_lib lib = GL_LAZY_LIB("libcurl.so.4", syms);
 *     if (gl_lazy_load(&lib) != 0) ... lib.err says why ... */
#ifndef GOLEASH_LAZY_LIB_H
#define GOLEASH_LAZY_LIB_H

#include <pthread.h>
#include <stddef.h>

typedef struct gl_lazy_sym {
    const char *name;
    void **slot;          /* the function pointer it is called through */
} gl_lazy_sym;

typedef struct gl_lazy_lib {
    const char *soname;
    const gl_lazy_sym *syms;
    size_t nsyms;
    pthread_mutex_t mu;
    int state;            /* 0 not tried, 1 loaded, -1 failed for good */
    char err[512];
} gl_lazy_lib;

#define GL_LAZY_LIB(so, table) \
    {.soname = (so), .syms = (table), .nsyms = sizeof(table) / sizeof((table)[0]), .mu = PTHREAD_MUTEX_INITIALIZER}

/* Opens the library and fills every slot, once (later calls answer the
 * same); 0 when loaded, -1 with err set ("libcurl.so.4: cannot open ...").
 * Safe from several threads. The library stays open. */
int gl_lazy_load(gl_lazy_lib *lib);

#endif
