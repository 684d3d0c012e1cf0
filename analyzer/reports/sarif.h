/* The SARIF 2.1.0 report (GitHub code scanning and other SARIF viewers):
 * one result per leak group, a rule per category, located at the blocking
 * site, with fingerprints that stay the same across runs and builds.
 * Layout and the fingerprint scheme in docs/outputs.md. */
#ifndef GOLEASH_REPORT_SARIF_H
#define GOLEASH_REPORT_SARIF_H

#include <stdio.h>

#include "rules/rules.h"
#include "enrich/source_root.h"

typedef struct gl_sarif_opts {
    const gl_source_root *root;   /* %SRCROOT% */
    const char *category;         /* run.automationDetails.id; NULL: none */
} gl_sarif_opts;

/* The fingerprint of one group, "<64 hex digits>:<n>" (see
 * docs/outputs.md), into buf (at least 88 bytes). r: the report g is in, for
 * the ordinal n among groups of equal hash. */
void gl_sarif_fingerprint(const gl_report *r, const gl_leak_group *g, char *buf, size_t len);

/* The rule id of a category: "goroutine-leak/chan-receive". */
void gl_sarif_rule_id(gl_category c, char *buf, size_t len);

/* Writes the SARIF log (indent 2) and a final newline. Returns 0, or -1 when
 * out of memory or writing failed. */
int gl_report_sarif(FILE *out, const gl_report *r, const gl_sarif_opts *o);

#endif
