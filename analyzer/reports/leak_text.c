#include "reports/leak_text.h"
#include "text_report/text_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *gl_leak_test_name(const gl_leak_group *g, const char *fallback)
{
    return g->test ? g->test : fallback;
}

char *gl_leak_summary(const gl_leak_group *g)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    fprintf(f, "Leak of %zu goroutine(s)", g->count);
    if (g->test && strcmp(g->test, GL_TEST_SETUP) == 0)
        fprintf(f, " in setup (before the first test)");
    else if (g->test)
        fprintf(f, " in test %s", g->test);
    const char *reason = gl_group_reason(g);
    if (!*reason)
        reason = gl_wait_name(g->wait);
    fprintf(f, ": %s (category %s)", reason, gl_category_name(g->category));
    char site[1024];
    if (g->blocked_at) {
        gl_format_frame(site, sizeof site, g->dump, g->blocked_at);
        fprintf(f, " at %s", site);
    }
    if (g->created_at) {
        gl_format_frame(site, sizeof site, g->dump, g->created_at);
        fprintf(f, ", created at %s", site);
    }
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

char *gl_leak_paragraph(const gl_leak_group *g)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    gl_report_text_group(f, g, 0);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    while (len && buf[len - 1] == '\n')
        buf[--len] = '\0';
    return buf;
}
