/* The leak groups' part of the HTML report: per group a collapsible
 * section with its blocking and creation stacks, file:line per frame. */
#ifndef GOLEASH_HTML_GROUPS_H
#define GOLEASH_HTML_GROUPS_H

#include <stdio.h>

#include "rules/rules.h"

/* Sections of the first open_groups groups start open. */
void gl_html_groups(FILE *out, const gl_report *r, size_t open_groups);

/* The leaks by test table (nothing when no group names a test). */
void gl_html_tests(FILE *out, const gl_report *r);

#endif
