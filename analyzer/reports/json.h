/* The JSON report of docs/json-format.md. */
#ifndef GOLEASH_REPORT_JSON_H
#define GOLEASH_REPORT_JSON_H

#include <stdio.h>

#include "rules/rules.h"
#include "warnings.h"

/* Writes the report as one JSON object (indent 2, documented key order) and
 * a final newline. Returns 0, or -1 when out of memory or writing failed. */
int gl_report_json(FILE *out, const gl_report *r, const gl_warnings *w);

#endif
