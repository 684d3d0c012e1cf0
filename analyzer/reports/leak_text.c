/* The words of one leak group for the JUnit, SARIF and GitHub reports
 * (leak_text.h). */
#include "reports/leak_text.h"
#include "text_report/text_report.h"
#include "util/escape.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *gl_leak_test_name(const gl_leak_group *g, const char *fallback)
{
    return g->test ? g->test : fallback;
}

/* What write puts out for g, as a malloc'd string of *len bytes; NULL when
 * out of memory. */
static char *capture(void (*write)(FILE *, const gl_leak_group *), const gl_leak_group *g, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    if (!f)
        return NULL;
    write(f, g);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

static void write_summary(FILE *f, const gl_leak_group *g)
{
    fprintf(f, "Leak of %zu goroutine(s)", g->count);
    if (g->test && strcmp(g->test, GL_TEST_SETUP) == 0)
        fprintf(f, " in setup (before the first test)");
    else if (g->test) {
        fputs(" in test ", f);
        gl_fput_escaped(f, g->test);
    }
    const char *reason = gl_group_reason(g);
    if (!*reason)
        reason = gl_wait_name(g->wait);
    fputs(": ", f);
    gl_fput_escaped(f, reason);
    fprintf(f, " (category %s)", gl_category_name(g->category));
    char site[1024];
    if (g->blocked_at) {
        gl_format_frame(site, sizeof site, g->dump, g->blocked_at);
        fprintf(f, " at %s", site);
    }
    if (g->created_at) {
        gl_format_frame(site, sizeof site, g->dump, g->created_at);
        fprintf(f, ", created at %s", site);
    }
}

static void write_paragraph(FILE *f, const gl_leak_group *g)
{
    gl_report_text_group(f, g, 0);
}

char *gl_leak_summary(const gl_leak_group *g)
{
    size_t len;
    return capture(write_summary, g, &len);
}

char *gl_leak_paragraph(const gl_leak_group *g)
{
    size_t len;
    char *buf = capture(write_paragraph, g, &len);
    while (buf && len && buf[len - 1] == '\n')
        buf[--len] = '\0';
    return buf;
}
