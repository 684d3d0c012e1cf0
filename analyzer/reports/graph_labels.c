/* Node labels of the HTML report's graphs (graph_labels.h). */
#include "reports/graph_labels.h"

#include <stdio.h>
#include <string.h>

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* "name file.go:12" of a frame, the file's base name only: a graph node
 * has no room for paths (the page's stacks give them in full). */
static void frame_line(char *buf, size_t len, const gl_frame *f)
{
    const char *fn = f && f->function ? f->function : "?";
    if (f && f->file && f->line > 0)
        snprintf(buf, len, "%s\n%s:%d", fn, base_name(f->file), f->line);
    else
        snprintf(buf, len, "%s", fn);
}

void gl_label_group(char *buf, size_t len, const gl_leak_group *g, size_t gi, size_t n)
{
    char site[1024];
    frame_line(site, sizeof site, g->blocked_at);
    const char *reason = gl_group_reason(g);
    snprintf(buf, len, "%zu leaked goroutine%s (group %zu)\n%s\n%s", n, n == 1 ? "" : "s", gi + 1,
             *reason ? reason : gl_category_name(g->category), site);
}

void gl_label_goroutine(char *buf, size_t len, const gl_goroutine *g)
{
    const char *fn = gl_rules_start_function(g);
    if (!fn)
        fn = "?";
    const char *state = g->state == GL_G_EXITED   ? "exited"
                        : g->state == GL_G_PARKED ? (g->reason_text ? g->reason_text : "parked")
                                                  : "running";
    int n = snprintf(buf, len, "goroutine %lld\n%s\n%s", (long long)g->id, fn, state);
    if (g->test && n >= 0 && (size_t)n < len)
        snprintf(buf + n, len - (size_t)n, "\ntest %s", g->test);
}

gl_node_style gl_goroutine_style(const gl_goroutine *g)
{
    return g->test ? GL_NODE_TEST : g->state == GL_G_EXITED ? GL_NODE_EXITED : GL_NODE_GOROUTINE;
}

void gl_label_process(char *buf, size_t len, const gl_dump *d)
{
    snprintf(buf, len, "process %lld (%s)", (long long)d->pid, d->exe ? base_name(d->exe) : d->path ? d->path : "?");
}
