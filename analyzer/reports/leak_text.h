/* The words the JUnit, SARIF and GitHub reports use for one leak group, so
 * that they all say what the text report says. */
#ifndef GOLEASH_LEAK_TEXT_H
#define GOLEASH_LEAK_TEXT_H

#include "rules/rules.h"

/* One line: "Leak of 2 goroutine(s) in test TestA: chan receive (category
 * chan-receive) at main.worker /src/leak.go:12, created at main.main
 * /src/leak.go:20". malloc'd, NULL when out of memory. */
char *gl_leak_summary(const gl_leak_group *g);

/* The group's paragraph of the text report (gl_report_text_group), all
 * frames, without the final newline. malloc'd, NULL when out of memory. */
char *gl_leak_paragraph(const gl_leak_group *g);

/* The test a group belongs to as the reports name it: the test, "setup",
 * or fallback when the process ran no tests (test NULL). */
const char *gl_leak_test_name(const gl_leak_group *g, const char *fallback);

#endif
