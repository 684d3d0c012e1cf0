/* A pprof sample as a goroutine record (pprof.h). */
#include "readers/pprof.h"
#include "format/wait_classify.h"

#include <string.h>

gl_build_goroutine gl_pprof_sample_goroutine(gl_stack *st, size_t nframes, int64_t count, const char *labels,
                                             int leak_profile)
{
    gl_build_goroutine g = {
        .state = GL_G_PARKED,
        .reason = -1,
        .park_minutes = -1,
        .weight = count,
        .system = -1,
        .stack = st,
        .labels = labels,
        .labels_len = labels ? strlen(labels) : 0,
    };
    if (nframes == 0)
        g.flags |= GL_GF_NO_STACK;
    else if (!gl_wait_classify_frames(st, &g.reason, &g.wait)) {
        g.reason = -1;
        g.wait = GL_WAIT_NONE;
    }
    if (leak_profile)
        g.flags |= GL_GF_LEAKED;
    return g;
}
