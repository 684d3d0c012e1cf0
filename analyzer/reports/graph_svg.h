/* A directed graph laid out by Graphviz (libcgraph, libgvc's dot) and
 * rendered to SVG in memory, for the HTML report to inline. Nodes are
 * named by keys the caller chooses, so a node reached twice is one node;
 * labels are plain text from the program (function names, paths), cleaned
 * here for Graphviz and escaped by its SVG writer. */
#ifndef GOLEASH_GRAPH_SVG_H
#define GOLEASH_GRAPH_SVG_H

#include <stddef.h>

typedef struct gl_graph gl_graph;

typedef enum gl_node_style {
    GL_NODE_LEAKED,     /* leaked goroutines: red */
    GL_NODE_GOROUTINE,  /* a live goroutine */
    GL_NODE_EXITED,     /* an exited ancestor, or one the dump does not hold */
    GL_NODE_TEST,       /* the goroutine running a test */
    GL_NODE_RESOURCE,   /* a channel, lock, WaitGroup, context */
    GL_NODE_NOTE,       /* a remark: "nothing else references it", "+3 more" */
} gl_node_style;

/* An empty graph laid out top-down (lr: left to right) that holds at most
 * max_nodes nodes. NULL when out of memory. */
gl_graph *gl_graph_new(int lr, size_t max_nodes);
void gl_graph_free(gl_graph *g);

/* The node called key: 1 when made now (label and style applied, inside
 * the box labelled cluster_label when cluster is not NULL), 0 when it
 * existed, -1 when the graph is full or out of memory. label: lines
 * separated by '\n'. */
int gl_graph_node(gl_graph *g, const char *key, const char *label, gl_node_style style, const char *cluster,
                  const char *cluster_label);
int gl_graph_has(gl_graph *g, const char *key);
size_t gl_graph_count(const gl_graph *g);
/* Whether the graph refused a node for want of room. */
int gl_graph_full(const gl_graph *g);

/* An edge between two existing nodes (label may be NULL); -1 when one of
 * them does not exist or out of memory. */
int gl_graph_edge(gl_graph *g, const char *from, const char *to, const char *label, int dashed);

/* The graph as an <svg> element for inlining in HTML: no XML prolog, no
 * DOCTYPE, no namespace declarations (an HTML parser needs none, and the
 * page names no URL). malloc'd, *len bytes; NULL when Graphviz failed. */
char *gl_graph_svg(gl_graph *g, size_t *len);

#endif
