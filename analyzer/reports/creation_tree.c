/* The creation tree (creation_tree.h). */
#include "reports/creation_tree.h"
#include "reports/graph_labels.h"
#include "reports/graph_svg.h"

#include <stdio.h>
#include <stdlib.h>

/* The leaked goroutines of one group started by one parent in one dump. */
typedef struct leaf {
    size_t di;
    int64_t parent;
    int gi;
    size_t count;
} leaf;

static void leaf_key(char *buf, size_t len, size_t di, int64_t parent, int gi)
{
    snprintf(buf, len, "d%zu_p%lld_l%d", di, (long long)parent, gi);
}

static void goroutine_key(char *buf, size_t len, size_t di, int64_t id)
{
    snprintf(buf, len, "d%zu_g%lld", di, (long long)id);
}

static void cluster_key(char *buf, size_t len, size_t di)
{
    snprintf(buf, len, "d%zu", di);
}

/* Collects the leaves, at most max; *omitted counts the goroutines beyond. */
static size_t collect_leaves(const gl_members *m, leaf *leaves, size_t max, size_t *omitted)
{
    size_t n = 0;
    for (size_t di = 0; di < m->ndumps; di++) {
        const gl_dump *d = m->dumps[di];
        for (size_t k = 0; k < d->ngoroutines; k++) {
            int gi = gl_members_group(m, di, k);
            if (gi < 0)
                continue;
            int64_t parent = d->goroutines[k].parent;
            size_t i = 0;
            while (i < n && !(leaves[i].di == di && leaves[i].parent == parent && leaves[i].gi == gi))
                i++;
            if (i == n && n == max) {
                (*omitted)++;
                continue;
            }
            if (i == n)
                leaves[n++] = (leaf){.di = di, .parent = parent, .gi = gi};
            leaves[i].count++;
        }
    }
    return n;
}

/* The node of goroutine id of dump di: its leaf when it is leaked itself
 * (leak_grandchild), else its own. *made: 1 new, 0 existed, -1 full. */
static int ancestor_node(gl_graph *g, const gl_members *m, size_t di, int64_t id, char *key, size_t klen)
{
    const gl_dump *d = m->dumps[di];
    const gl_goroutine *x = gl_dump_goroutine(d, id);
    char label[1024], cluster[32], process[512];
    if (x) {
        int gi = gl_members_group(m, di, (size_t)(x - d->goroutines));
        leaf_key(key, klen, di, x->parent, gi);
        if (gi >= 0 && gl_graph_has(g, key))
            return 0;
        gl_label_goroutine(label, sizeof label, x);
    } else {
        snprintf(label, sizeof label, "goroutine %lld\n(not in the dump)", (long long)id);
    }
    goroutine_key(key, klen, di, id);
    cluster_key(cluster, sizeof cluster, di);
    gl_label_process(process, sizeof process, d);
    return gl_graph_node(g, key, label, x ? gl_goroutine_style(x) : GL_NODE_EXITED, cluster, process);
}

/* The leaf's node and the chain of its ancestors up to one already drawn
 * or to the root; returns -1 when the leaf itself found no room. */
static int draw_leaf(gl_graph *g, const gl_report *r, const gl_members *m, const leaf *l)
{
    const gl_dump *d = m->dumps[l->di];
    char key[96], parent_key[96], label[2048], cluster[32], process[512];
    leaf_key(key, sizeof key, l->di, l->parent, l->gi);
    cluster_key(cluster, sizeof cluster, l->di);
    gl_label_process(process, sizeof process, d);
    gl_label_group(label, sizeof label, &r->groups[l->gi], (size_t)l->gi, l->count);
    if (gl_graph_node(g, key, label, GL_NODE_LEAKED, cluster, process) < 0)
        return -1;
    int64_t id = l->parent;
    for (int depth = 0; id != 0 && depth < GL_MAX_ANCESTORS; depth++) {
        int made = ancestor_node(g, m, l->di, id, parent_key, sizeof parent_key);
        if (made < 0)
            break;
        gl_graph_edge(g, parent_key, key, NULL, 0);
        const gl_goroutine *x = gl_dump_goroutine(d, id);
        if (made == 0 || !x)
            break;
        snprintf(key, sizeof key, "%s", parent_key);
        id = x->parent;
    }
    return 0;
}

int gl_creation_tree(const gl_report *r, const gl_members *m, size_t max_nodes, gl_graph_out *out)
{
    *out = (gl_graph_out){0};
    leaf *leaves = malloc((max_nodes ? max_nodes : 1) * sizeof *leaves);
    gl_graph *g = gl_graph_new(0, max_nodes);
    if (!leaves || !g) {
        free(leaves);
        gl_graph_free(g);
        return -1;
    }
    size_t n = collect_leaves(m, leaves, max_nodes, &out->omitted);
    for (size_t i = 0; i < n; i++)
        if (draw_leaf(g, r, m, &leaves[i]) != 0)
            out->omitted += leaves[i].count;
    out->nodes = gl_graph_count(g);
    out->full = gl_graph_full(g) || out->omitted;
    if (out->nodes)
        out->svg = gl_graph_svg(g, &out->len);
    free(leaves);
    gl_graph_free(g);
    return 0;
}
