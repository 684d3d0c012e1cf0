/* The wait-for graph of the HTML report: each leak group, what its
 * goroutines wait on (a channel, a lock, a WaitGroup; a nil channel or an
 * empty select, which nothing wakes), and the goroutines that could wake
 * it: those that also reference or touched the channel, the one that made
 * it, the context whose Done() it is. A resource no other goroutine
 * references says so. */
#ifndef GOLEASH_WAIT_FOR_H
#define GOLEASH_WAIT_FOR_H

#include "reports/creation_tree.h"

/* At most max_nodes nodes; out->omitted counts the groups left out.
 * Returns 0, or -1 when out of memory. */
int gl_wait_for_graph(const gl_report *r, const gl_members *m, size_t max_nodes, gl_graph_out *out);

#endif
