/* One line per leaking test, in `go test`'s own shape, so the output of
 * `go test -exec 'goleash run --'` (and test2json, IDEs, CI summaries)
 * names the tests that leaked without opening a report:
 *
 *     --- LEAK: TestPool/small (4 goroutines) at pool/pool.go:31
 *
 * "at" is the blocking site of the test's largest leak group, relative to
 * the source root when it lies under it. */
#ifndef GOLEASH_REPORTS_TEST_LINES_H
#define GOLEASH_REPORTS_TEST_LINES_H

#include <stdio.h>

#include "enrich/source_root.h"
#include "rules/rules.h"

/* Writes the lines (none when no test leaked); 0, or -1 on a write error. */
int gl_report_test_lines(FILE *out, const gl_report *r, const gl_source_root *root);

#endif
