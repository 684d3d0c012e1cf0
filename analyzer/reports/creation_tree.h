/* The creation tree of the HTML report: which goroutine started which,
 * from main or the test down to the leaked goroutines, through the exited
 * ancestors a dump keeps. Leaked goroutines of one group started by one
 * parent are one node ("5 leaked goroutines"), so a fan-out of thousands
 * stays one box. */
#ifndef GOLEASH_CREATION_TREE_H
#define GOLEASH_CREATION_TREE_H

#include <stddef.h>

#include "reports/leak_members.h"
#include "rules/rules.h"

typedef struct gl_graph_out {
    char *svg;          /* malloc'd <svg> element, NULL when there is nothing to draw or Graphviz failed */
    size_t len;
    size_t nodes;
    size_t omitted;     /* leaked goroutines (creation tree) or groups (wait-for graph) left out */
    int full;           /* the graph reached its node limit */
} gl_graph_out;

/* At most max_nodes nodes. Returns 0, or -1 when out of memory. */
int gl_creation_tree(const gl_report *r, const gl_members *m, size_t max_nodes, gl_graph_out *out);

#endif
