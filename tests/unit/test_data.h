/* Where the unit tests' data files are: $GL_TEST_DATA (set by meson), else
 * ./data. Several paths may be alive at once (two dumps on one command line). */
#ifndef GOLEASH_TEST_DATA_H
#define GOLEASH_TEST_DATA_H

#include <stdio.h>
#include <stdlib.h>

static inline const char *gl_test_data_path(const char *name)
{
    static char bufs[4][4096];
    static unsigned next;
    char *buf = bufs[next++ % 4];
    const char *dir = getenv("GL_TEST_DATA");
    snprintf(buf, sizeof bufs[0], "%s/%s", dir ? dir : "data", name);
    return buf;
}

#endif
