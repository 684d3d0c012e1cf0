#ifndef GOLEASH_RUN_H
#define GOLEASH_RUN_H

#include "analyze.h"

/* `goleash run`: runs argv[0] with the shim preloaded, then reports on the
 * dumps it (and its child processes) left. keep_dir: where to leave the
 * dumps, NULL to use a private temporary directory removed afterwards.
 * Returns the process exit code for goleash (see the help text). */
int gl_run(const gl_report_opts *o, const char *keep_dir, char *const *argv);

#endif
