/* GitHub Actions workflow commands: one `::error` annotation per leak group,
 * printed when goleash runs inside GitHub Actions (GITHUB_ACTIONS=true), so
 * leaks show on the pull request's diff and in the run summary. */
#ifndef GOLEASH_REPORT_GITHUB_H
#define GOLEASH_REPORT_GITHUB_H

#include <stdio.h>

#include "rules/rules.h"
#include "enrich/source_root.h"

/* Writes s escaped as workflow commands want it: '%', CR and LF as %25,
 * %0D, %0A; in a property value (is_property) also ':' and ',' as %3A, %2C. */
void gl_github_escape(FILE *out, const char *s, int is_property);

/* One line per group:
 *   ::error file=REL,line=N,title=TITLE::MESSAGE
 * file and line only when the blocking site's file is under root. Returns 0,
 * or -1 when out of memory or writing failed. */
int gl_report_github(FILE *out, const gl_report *r, const gl_source_root *root);

/* Whether the environment is a GitHub Actions job (GITHUB_ACTIONS=true). */
int gl_github_actions_env(void);

#endif
