/* The HTML report (html.h). The page needs nothing but itself: CSS in a
 * <style>, graphs as inline SVG laid out by Graphviz, collapsing by
 * <details>, no script; its Content-Security-Policy forbids fetching
 * anything, so a browser proves it. */
#include "reports/html.h"
#include "reports/creation_tree.h"
#include "reports/html_groups.h"
#include "reports/leak_members.h"
#include "reports/wait_for.h"
#include "reports/xml_escape.h"
#include "rules/suppress.h"

#include <stdlib.h>

#ifndef GOLEASH_VERSION
#define GOLEASH_VERSION "0"
#endif

#define OPEN_GROUPS 10   /* group sections open at first; the rest collapsed */

static const char style[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:1.5em auto;"
    "max-width:1200px;padding:0 1em;color:#222;line-height:1.4}\n"
    "h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.6em}\n"
    "h4{margin:.8em 0 .2em;font-size:.95em}\n"
    ".summary{font-size:1.1em;padding:.6em .8em;border-radius:4px}\n"
    ".summary.leaks{background:#fde7e4;border-left:4px solid #b3261e}\n"
    ".summary.clean{background:#e6f4ea;border-left:4px solid #1e7e34}\n"
    "table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.25em .6em;text-align:left}\n"
    "tr.leaked td:first-child{color:#b3261e;font-weight:bold}\n"
    "details.group{border:1px solid #ddd;border-radius:4px;margin:.6em 0;padding:.3em .8em}\n"
    "details.group>summary{cursor:pointer;font-weight:600}\n"
    ".count{display:inline-block;min-width:2em;text-align:center;background:#b3261e;color:#fff;"
    "border-radius:3px;margin-right:.4em}\n"
    ".facts{color:#444;font-size:.9em}\n"
    "ol.stack{font-size:.88em;margin:.2em 0;padding-left:2.5em}\n"
    "ol.stack li.inner{color:#999}ol.stack li.site{background:#fff3c4}\n"
    ".fn{font-weight:600}.loc{color:#555;font-family:ui-monospace,Menlo,Consolas,monospace}\n"
    "pre{background:#f6f6f6;padding:.6em;overflow-x:auto;font-size:.85em}\n"
    ".none{color:#888;font-style:italic}.note{color:#7a5b00}\n"
    ".graph svg{max-width:100%;height:auto}\n"
    ".warnings li{color:#7a5b00}\n"
    "footer{margin-top:2em;color:#888;font-size:.85em}\n";

static void esc(FILE *out, const char *s)
{
    gl_xml_escape(out, s, 0);
}

static void head(FILE *out, const gl_html_opts *o)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>goleash: ",
          out);
    esc(out, o->program ? o->program : "report");
    fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>goleash report: <code>", style);
    esc(out, o->program ? o->program : "");
    fputs("</code></h1>\n", out);
}

static void summary(FILE *out, const gl_report *r, const gl_html_opts *o)
{
    if (r->ngroups)
        fprintf(out, "<p class=\"summary leaks\"><b>%zu leaked goroutine(s) in %zu group(s)</b>", r->leaked,
                r->ngroups);
    else
        fputs("<p class=\"summary clean\"><b>No goroutine leaks</b>", out);
    fprintf(out, " among %zu goroutine(s) in %zu dump(s)", r->goroutines, r->ndumps);
    if (o->pid)
        fprintf(out, ", process %lld", (long long)o->pid);
    fputs(".</p>\n<ul class=\"facts\">\n<li>source: ", out);
    esc(out, r->source ? r->source : "goleash");
    fputs("</li>\n", out);
    if (r->suppressed)
        fprintf(out, "<li>%zu goroutine(s) in %zu group(s) suppressed</li>\n", r->suppressed, r->suppressed_groups);
    if (r->ignored_setup)
        fprintf(out, "<li>%zu goroutine(s) spawned outside any test left out (ignore_setup)</li>\n", r->ignored_setup);
    if (r->below_min_park)
        fprintf(out, "<li>%zu leak suspect(s) parked for less than min_park not judged</li>\n", r->below_min_park);
    if (r->truncated)
        fputs("<li>a dump was truncated: the report holds what it had</li>\n", out);
    fputs("</ul>\n", out);
    if (!o->warnings || !o->warnings->n)
        return;
    fputs("<h2>Warnings</h2>\n<ul class=\"warnings\">\n", out);
    for (size_t i = 0; i < o->warnings->n; i++) {
        fputs("<li>", out);
        esc(out, o->warnings->msgs[i]);
        fputs("</li>\n", out);
    }
    fputs("</ul>\n", out);
}

/* A graph's section: what it shows, what was left out, the SVG. */
static void graph_section(FILE *out, const char *id, const char *title, const char *about, const gl_graph_out *g,
                          const char *omitted_what, size_t max_nodes)
{
    fprintf(out, "<h2 id=\"%s\">%s</h2>\n<p>%s</p>\n", id, title, about);
    if (g->full)
        fprintf(out, "<p class=\"note\">The graph is bounded to %zu nodes: %zu %s not drawn.</p>\n", max_nodes,
                g->omitted, omitted_what);
    if (g->svg) {
        fprintf(out, "<div class=\"graph\" id=\"%s-svg\">\n", id);
        fwrite(g->svg, 1, g->len, out);
        fputs("\n</div>\n", out);
    } else {
        fputs("<p class=\"none\">Nothing to draw.</p>\n", out);
    }
}

static int graphs(FILE *out, const gl_report *r, gl_dump *const *dumps, size_t ndumps, size_t max_nodes)
{
    gl_members m;
    if (gl_members_init(&m, r, dumps, ndumps) != 0)
        return -1;
    gl_graph_out tree = {0}, wait = {0};
    int rc = gl_creation_tree(r, &m, max_nodes, &tree) == 0 && gl_wait_for_graph(r, &m, max_nodes, &wait) == 0
                 ? 0 : -1;
    if (rc == 0) {
        graph_section(out, "creation-tree", "Creation tree",
                      "Which goroutine started which, from <code>main</code> or the test down to the leaked "
                      "goroutines (red; one box per group and parent), through exited ancestors (grey, dashed) "
                      "where the dump keeps them. Test goroutines are blue.",
                      &tree, "leaked goroutine(s)", max_nodes);
        graph_section(out, "wait-for", "Wait-for graph",
                      "Each leak group (red), what it waits on (yellow), and the goroutines that could wake it: "
                      "those that reference or last touched the channel, made it or closed it. A resource no "
                      "other goroutine references can never be woken.",
                      &wait, "leak group(s)", max_nodes);
    }
    free(tree.svg);
    free(wait.svg);
    gl_members_free(&m);
    return rc;
}

int gl_report_html(FILE *out, const gl_report *r, gl_dump *const *dumps, size_t ndumps, const gl_html_opts *o)
{
    size_t max_nodes = o->max_nodes ? o->max_nodes : GL_HTML_MAX_NODES;
    head(out, o);
    summary(out, r, o);
    gl_html_tests(out, r);
    if (r->ngroups) {
        fputs("<h2 id=\"leaks\">Leaks</h2>\n", out);
        gl_html_groups(out, r, OPEN_GROUPS);
    }
    int rc = r->ngroups ? graphs(out, r, dumps, ndumps, max_nodes) : 0;
    fputs("<footer>goleash " GOLEASH_VERSION "</footer>\n</body>\n</html>\n", out);
    return rc != 0 || ferror(out) ? -1 : 0;
}
