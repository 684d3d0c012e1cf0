/* Graphs through Graphviz, rendered to inline SVG (graph_svg.h). */
#include "reports/graph_svg.h"
#include "reports/xml_escape.h"

#include <graphviz/gvc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gl_graph {
    Agraph_t *g;
    size_t max_nodes, nodes;
    int full;
};

/* Graphviz attributes take char *: these literals are never written. */
#define S(x) ((char *)(x))

gl_graph *gl_graph_new(int lr, size_t max_nodes)
{
    gl_graph *gg = calloc(1, sizeof *gg);
    if (!gg)
        return NULL;
    if (!(gg->g = agopen(S("goleash"), Agdirected, NULL))) {
        free(gg);
        return NULL;
    }
    gg->max_nodes = max_nodes;
    agattr(gg->g, AGRAPH, S("rankdir"), S(lr ? "LR" : "TB"));
    agattr(gg->g, AGRAPH, S("fontname"), S("Helvetica,Arial,sans-serif"));
    agattr(gg->g, AGRAPH, S("fontsize"), S("11"));
    agattr(gg->g, AGRAPH, S("nodesep"), S("0.3"));
    agattr(gg->g, AGNODE, S("fontname"), S("Helvetica,Arial,sans-serif"));
    agattr(gg->g, AGNODE, S("fontsize"), S("10"));
    agattr(gg->g, AGNODE, S("shape"), S("box"));
    agattr(gg->g, AGNODE, S("style"), S("rounded,filled"));
    agattr(gg->g, AGNODE, S("fillcolor"), S("white"));
    agattr(gg->g, AGNODE, S("color"), S("#555555"));
    agattr(gg->g, AGEDGE, S("fontname"), S("Helvetica,Arial,sans-serif"));
    agattr(gg->g, AGEDGE, S("fontsize"), S("9"));
    agattr(gg->g, AGEDGE, S("color"), S("#555555"));
    return gg;
}

void gl_graph_free(gl_graph *g)
{
    if (!g)
        return;
    agclose(g->g);
    free(g);
}

/* label as Graphviz reads it: valid UTF-8 without control characters, and
 * its two escapes disarmed (a backslash starts \N \G \l, an ampersand an
 * entity). malloc'd. */
static char *clean_label(const char *label)
{
    char *clean = NULL, *out = NULL;
    size_t len = 0, olen = 0;
    FILE *f = open_memstream(&clean, &len);
    if (!f)
        return NULL;
    gl_xml_clean(f, label);
    if (fclose(f) != 0 || !(f = open_memstream(&out, &olen))) {
        free(clean);
        return NULL;
    }
    for (const char *p = clean; *p; p++) {
        if (*p == '\\')
            fputs("\\\\", f);
        else if (*p == '&')
            fputs("&amp;", f);
        else if (*p != '\t' && *p != '\r')
            fputc(*p, f);
    }
    free(clean);
    if (fclose(f) != 0) {
        free(out);
        return NULL;
    }
    return out;
}

static void apply_style(Agnode_t *n, gl_node_style style)
{
    static const struct { const char *fill, *color, *style, *shape; } looks[] = {
        [GL_NODE_LEAKED] = {"#f8c9c4", "#b3261e", "rounded,filled,bold", "box"},
        [GL_NODE_GOROUTINE] = {"white", "#555555", "rounded,filled", "box"},
        [GL_NODE_EXITED] = {"#eeeeee", "#888888", "rounded,filled,dashed", "box"},
        [GL_NODE_TEST] = {"#d4e4fa", "#1f4f99", "rounded,filled", "box"},
        [GL_NODE_RESOURCE] = {"#fff3c4", "#8a6d00", "filled", "ellipse"},
        [GL_NODE_NOTE] = {"white", "#888888", "dashed", "note"},
    };
    agsafeset(n, S("fillcolor"), S(looks[style].fill), S(""));
    agsafeset(n, S("color"), S(looks[style].color), S(""));
    agsafeset(n, S("style"), S(looks[style].style), S(""));
    agsafeset(n, S("shape"), S(looks[style].shape), S(""));
}

/* The box of a process: a Graphviz cluster. */
static Agraph_t *cluster_of(gl_graph *g, const char *cluster, const char *label)
{
    char name[128];
    snprintf(name, sizeof name, "cluster_%s", cluster);
    Agraph_t *sub = agsubg(g->g, name, 0);
    if (sub)
        return sub;
    if (!(sub = agsubg(g->g, name, 1)))
        return NULL;
    char *l = clean_label(label ? label : cluster);
    if (l)
        agsafeset(sub, S("label"), l, S(""));
    free(l);
    agsafeset(sub, S("style"), S("rounded"), S(""));
    agsafeset(sub, S("color"), S("#aaaaaa"), S(""));
    return sub;
}

int gl_graph_has(gl_graph *g, const char *key)
{
    return agnode(g->g, (char *)key, 0) != NULL;
}

int gl_graph_node(gl_graph *g, const char *key, const char *label, gl_node_style style, const char *cluster,
                  const char *cluster_label)
{
    if (gl_graph_has(g, key))
        return 0;
    if (g->nodes >= g->max_nodes) {
        g->full = 1;
        return -1;
    }
    Agraph_t *where = cluster ? cluster_of(g, cluster, cluster_label) : g->g;
    char *l = clean_label(label);
    Agnode_t *n = where && l ? agnode(where, (char *)key, 1) : NULL;
    if (n) {
        agsafeset(n, S("label"), l, S(""));
        apply_style(n, style);
        g->nodes++;
    }
    free(l);
    return n ? 1 : -1;
}

size_t gl_graph_count(const gl_graph *g)
{
    return g->nodes;
}

int gl_graph_full(const gl_graph *g)
{
    return g->full;
}

int gl_graph_edge(gl_graph *g, const char *from, const char *to, const char *label, int dashed)
{
    Agnode_t *a = agnode(g->g, (char *)from, 0), *b = agnode(g->g, (char *)to, 0);
    if (!a || !b)
        return -1;
    Agedge_t *e = agedge(g->g, a, b, NULL, 1);
    if (!e)
        return -1;
    if (label) {
        char *l = clean_label(label);
        if (l)
            agsafeset(e, S("label"), l, S(""));
        free(l);
    }
    if (dashed)
        agsafeset(e, S("style"), S("dashed"), S(""));
    return 0;
}

/* Removes the first occurrence of what from s (of *len bytes). */
static void cut(char *s, size_t *len, const char *what)
{
    char *p = strstr(s, what);
    if (!p)
        return;
    size_t n = strlen(what);
    memmove(p, p + n, *len - (size_t)(p - s) - n + 1);
    *len -= n;
}

/* From <svg to the end, without the namespace declarations: Graphviz's
 * document is an XML file with a DOCTYPE naming the W3C's DTD by URL. */
static char *inline_svg(const char *data, size_t dlen, size_t *len)
{
    const char *start = memmem(data, dlen, "<svg", 4);
    if (!start)
        return NULL;
    size_t n = dlen - (size_t)(start - data);
    char *svg = malloc(n + 1);
    if (!svg)
        return NULL;
    memcpy(svg, start, n);
    svg[n] = '\0';
    cut(svg, &n, " xmlns=\"http://www.w3.org/2000/svg\"");
    cut(svg, &n, " xmlns:xlink=\"http://www.w3.org/1999/xlink\"");
    *len = n;
    return svg;
}

/* One Graphviz context for the process, never freed: Graphviz 2.43's
 * pango text layout keeps a pointer to a font name the context owns, so a
 * second context after freeing the first reads freed memory (ASan sees it
 * on the second graph of a page). */
static GVC_t *context(void)
{
    static GVC_t *gvc;
    if (!gvc)
        gvc = gvContext();
    return gvc;
}

char *gl_graph_svg(gl_graph *g, size_t *len)
{
    GVC_t *gvc = context();
    if (!gvc)
        return NULL;
    char *svg = NULL, *data = NULL;
    unsigned int dlen = 0;
    if (gvLayout(gvc, g->g, "dot") == 0) {
        if (gvRenderData(gvc, g->g, "svg", &data, &dlen) == 0 && data)
            svg = inline_svg(data, dlen, len);
        gvFreeRenderData(data);
        gvFreeLayout(gvc, g->g);
    }
    return svg;
}
