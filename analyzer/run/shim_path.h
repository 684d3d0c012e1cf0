#ifndef GOLEASH_SHIM_PATH_H
#define GOLEASH_SHIM_PATH_H

#include <stddef.h>

/* Finds libgoleash.so: $GOLEASH_SHIM, else next to the build tree's analyzer
 * (<exe dir>/../shim/libgoleash.so), else the installed layout relative to
 * the executable (GOLEASH_SHIM_RELATIVE, from bindir to libdir/goleash),
 * else where meson installed it (GOLEASH_SHIM_INSTALLED). Writes an
 * absolute path into buf and returns 0, or prints why not and returns -1. */
int gl_find_shim(char *buf, size_t len);

#endif
