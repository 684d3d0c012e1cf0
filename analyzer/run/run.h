#ifndef GOLEASH_RUN_H
#define GOLEASH_RUN_H

#include "analyze.h"

/* Creation chains kept per goroutine in gc programs (the runtime's
 * tracebackancestors), as deep as the rules follow them. */
#define GL_TRACE_ANCESTORS 64

/* `goleash run`: runs argv[0] with the shim preloaded and under the gc
 * tracer, then reports on the dumps it and its child processes left (gccgo
 * processes through the shim, gc ones read at their exit). keep_dir: where
 * to leave the dumps, NULL to use a private temporary directory removed
 * afterwards. allow_unsupported: a program goleash cannot analyse is a
 * warning, not GL_EXIT_UNSUPPORTED. Returns the process exit code for
 * goleash (see the help text). */
int gl_run(const gl_report_opts *o, const char *keep_dir, int allow_unsupported, char *const *argv);

#endif
