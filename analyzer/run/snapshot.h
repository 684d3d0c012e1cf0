#ifndef GOLEASH_SNAPSHOT_H
#define GOLEASH_SNAPSHOT_H

#include "analyze.h"

/* The minimum park time of `goleash snapshot` when --min-park is not
 * given: two samples one second apart. */
#define GL_SNAPSHOT_MIN_PARK_NS 1000000000LL

/* `goleash snapshot PID`: reads the goroutines of the running gc program
 * pid (two samples o->min_park_ns apart; one when it is 0) and reports on
 * them like `report`. keep_dir as for run. verbose: how long the program
 * was stopped, on stderr. Returns GL_EXIT_CLEAN, GL_EXIT_LEAKS, or
 * GL_EXIT_USAGE (message printed: no such process, not allowed to trace
 * it and how to allow it, not a gc program). */
int gl_snapshot(const gl_report_opts *o, const char *keep_dir, const char *pid_arg, int verbose);

#endif
