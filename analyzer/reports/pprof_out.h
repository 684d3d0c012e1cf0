/* The leak report as a pprof profile (gzipped profile.proto), for
 * `go tool pprof`, Pyroscope, Parca and every other pprof reader: one
 * sample per leak group, valued by its goroutines (docs/outputs.md). */
#ifndef GOLEASH_PPROF_OUT_H
#define GOLEASH_PPROF_OUT_H

#include <stdio.h>

#include "model/model.h"
#include "rules/rules.h"

/* Writes the profile (gzip'd). dumps: for the profile's time (the first
 * dump's wall clock). Returns 0, or -1 when out of memory or writing
 * failed. */
int gl_report_pprof(FILE *out, const gl_report *r, gl_dump *const *dumps, size_t ndumps);

#endif
