/* What the nodes of the HTML report's graphs say and how they look. */
#ifndef GOLEASH_GRAPH_LABELS_H
#define GOLEASH_GRAPH_LABELS_H

#include <stddef.h>

#include "model/model.h"
#include "reports/graph_svg.h"
#include "rules/rules.h"

/* A node for n goroutines of group gi (of r): "5 goroutines (group 1)",
 * the wait, the blocking function and its file:line. */
void gl_label_group(char *buf, size_t len, const gl_leak_group *g, size_t gi, size_t n);

/* A node for one goroutine: its id, start function, state, its test. */
void gl_label_goroutine(char *buf, size_t len, const gl_goroutine *g);
gl_node_style gl_goroutine_style(const gl_goroutine *g);

/* The box of a process: "process 4242 (prog)". */
void gl_label_process(char *buf, size_t len, const gl_dump *d);

#endif
