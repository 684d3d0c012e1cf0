/* The JUnit XML report: one testcase per test the process ran, failed
 * when leaks were attributed to it (the failure text is that test's part of
 * the text report), passed when not. Leaks spawned before the first test are
 * the testcase "setup"; leaks of a process that ran no tests (test NULL) are
 * the testcase named after the program, which also stands alone, passing,
 * for a clean run with no test list. Layout in docs/outputs.md. */
#ifndef GOLEASH_REPORT_JUNIT_H
#define GOLEASH_REPORT_JUNIT_H

#include <stdio.h>

#include "rules/rules.h"

/* program: base name of the program ("pool.test"): the suite's name, the
 * classname "goleash.<program>", and the process-level testcase. dumps: those
 * r was made from (their test lists). Returns 0, or -1 when out of memory or
 * writing failed. */
int gl_report_junit(FILE *out, const gl_report *r, gl_dump *const *dumps, size_t ndumps, const char *program);

#endif
