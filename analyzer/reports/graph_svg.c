/* Graphs through Graphviz, rendered to inline SVG (graph_svg.h). */
#include "reports/graph_svg.h"
#include "reports/xml_escape.h"
#include "lazy_lib.h"

#include <graphviz/gvc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Graphviz, opened at the first graph (lazy_lib.h); libgvc brings
 * libcgraph, whose functions are found through it. */
static struct {
    __typeof__(agopen) *agopen;
    __typeof__(agattr) *agattr;
    __typeof__(agclose) *agclose;
    __typeof__(agsafeset) *agsafeset;
    __typeof__(agsubg) *agsubg;
    __typeof__(agnode) *agnode;
    __typeof__(agedge) *agedge;
    __typeof__(gvContext) *gvContext;
    __typeof__(gvLayout) *gvLayout;
    __typeof__(gvRenderData) *gvRenderData;
    __typeof__(gvFreeRenderData) *gvFreeRenderData;
    __typeof__(gvFreeLayout) *gvFreeLayout;
    Agdesc_t *Agdirected;
} gv;

static const gl_lazy_sym gv_syms[] = {
    {"agopen", (void **)&gv.agopen},
    {"agattr", (void **)&gv.agattr},
    {"agclose", (void **)&gv.agclose},
    {"agsafeset", (void **)&gv.agsafeset},
    {"agsubg", (void **)&gv.agsubg},
    {"agnode", (void **)&gv.agnode},
    {"agedge", (void **)&gv.agedge},
    {"gvContext", (void **)&gv.gvContext},
    {"gvLayout", (void **)&gv.gvLayout},
    {"gvRenderData", (void **)&gv.gvRenderData},
    {"gvFreeRenderData", (void **)&gv.gvFreeRenderData},
    {"gvFreeLayout", (void **)&gv.gvFreeLayout},
    {"Agdirected", (void **)&gv.Agdirected},
};

static gl_lazy_lib gv_lib = GL_LAZY_LIB("libgvc.so.6", gv_syms);

struct gl_graph {
    Agraph_t *g;
    size_t max_nodes, nodes;
    int full;
};

/* Graphviz attributes take char *: these literals are never written. */
#define S(x) ((char *)(x))

/* Every graph's defaults, by the kind of object they are for. */
static const struct {
    int kind;
    const char *name, *value;
} defaults[] = {
    {AGRAPH, "fontname", "Helvetica,Arial,sans-serif"}, {AGRAPH, "fontsize", "11"},
    {AGRAPH, "nodesep", "0.3"},
    {AGNODE, "fontname", "Helvetica,Arial,sans-serif"}, {AGNODE, "fontsize", "10"},
    {AGNODE, "shape", "box"},                           {AGNODE, "style", "rounded,filled"},
    {AGNODE, "fillcolor", "white"},                     {AGNODE, "color", "#555555"},
    {AGEDGE, "fontname", "Helvetica,Arial,sans-serif"}, {AGEDGE, "fontsize", "9"},
    {AGEDGE, "color", "#555555"},
};

gl_graph *gl_graph_new(int lr, size_t max_nodes)
{
    if (gl_lazy_load(&gv_lib) != 0) {
        static int said;
        if (!said++)
            fprintf(stderr, "goleash: no graphs: %s\n", gv_lib.err);
        return NULL;
    }
    gl_graph *gg = calloc(1, sizeof *gg);
    if (!gg)
        return NULL;
    if (!(gg->g = gv.agopen(S("goleash"), *gv.Agdirected, NULL))) {
        free(gg);
        return NULL;
    }
    gg->max_nodes = max_nodes;
    gv.agattr(gg->g, AGRAPH, S("rankdir"), S(lr ? "LR" : "TB"));
    for (size_t i = 0; i < sizeof defaults / sizeof *defaults; i++)
        gv.agattr(gg->g, defaults[i].kind, S(defaults[i].name), S(defaults[i].value));
    return gg;
}

void gl_graph_free(gl_graph *g)
{
    if (!g)
        return;
    gv.agclose(g->g);
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
    gv.agsafeset(n, S("fillcolor"), S(looks[style].fill), S(""));
    gv.agsafeset(n, S("color"), S(looks[style].color), S(""));
    gv.agsafeset(n, S("style"), S(looks[style].style), S(""));
    gv.agsafeset(n, S("shape"), S(looks[style].shape), S(""));
}

/* The box of a process: a Graphviz cluster. */
static Agraph_t *cluster_of(gl_graph *g, const char *cluster, const char *label)
{
    char name[128];
    snprintf(name, sizeof name, "cluster_%s", cluster);
    Agraph_t *sub = gv.agsubg(g->g, name, 0);
    if (sub)
        return sub;
    if (!(sub = gv.agsubg(g->g, name, 1)))
        return NULL;
    char *l = clean_label(label ? label : cluster);
    if (l)
        gv.agsafeset(sub, S("label"), l, S(""));
    free(l);
    gv.agsafeset(sub, S("style"), S("rounded"), S(""));
    gv.agsafeset(sub, S("color"), S("#aaaaaa"), S(""));
    return sub;
}

int gl_graph_has(gl_graph *g, const char *key)
{
    return gv.agnode(g->g, (char *)key, 0) != NULL;
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
    Agnode_t *n = where && l ? gv.agnode(where, (char *)key, 1) : NULL;
    if (n) {
        gv.agsafeset(n, S("label"), l, S(""));
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
    Agnode_t *a = gv.agnode(g->g, (char *)from, 0), *b = gv.agnode(g->g, (char *)to, 0);
    if (!a || !b)
        return -1;
    Agedge_t *e = gv.agedge(g->g, a, b, NULL, 1);
    if (!e)
        return -1;
    if (label) {
        char *l = clean_label(label);
        if (l)
            gv.agsafeset(e, S("label"), l, S(""));
        free(l);
    }
    if (dashed)
        gv.agsafeset(e, S("style"), S("dashed"), S(""));
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
        gvc = gv.gvContext();
    return gvc;
}

char *gl_graph_svg(gl_graph *g, size_t *len)
{
    GVC_t *gvc = context();
    if (!gvc)
        return NULL;
    char *svg = NULL, *data = NULL;
    unsigned int dlen = 0;
    if (gv.gvLayout(gvc, g->g, "dot") == 0) {
        if (gv.gvRenderData(gvc, g->g, "svg", &data, &dlen) == 0 && data)
            svg = inline_svg(data, dlen, len);
        gv.gvFreeRenderData(data);
        gv.gvFreeLayout(gvc, g->g);
    }
    return svg;
}
