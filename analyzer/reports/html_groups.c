/* Leak groups and the leaks by test, as HTML (html_groups.h). Every
 * string from the program goes through gl_xml_escape: its entities are
 * HTML's, and it keeps the page valid UTF-8. */
#include "reports/html_groups.h"
#include "reports/leak_text.h"
#include "reports/xml_escape.h"
#include "text_report/text_report.h"

#include <stdlib.h>
#include <string.h>

#define MAX_IDS 32   /* goroutine ids listed per group */

static void esc(FILE *out, const char *s)
{
    gl_xml_escape(out, s, 0);
}

static void frame_item(FILE *out, const gl_dump *d, const gl_frame *f, const char *cls)
{
    fprintf(out, "<li class=\"%s\"><code class=\"fn\">", cls);
    esc(out, f->function ? f->function : "?");
    fputs("</code> <span class=\"loc\">", out);
    if (f->file) {
        esc(out, f->file);
        fprintf(out, ":%d", f->line);
    } else {
        /* "+0x1a (prog+0x11a0)": the offsets, the name being shown. */
        char site[1024];
        gl_format_frame(site, sizeof site, d, f);
        size_t n = f->function ? strlen(f->function) : 0;
        esc(out, n && strncmp(site, f->function, n) == 0 ? site + n : site);
    }
    fputs("</span></li>\n", out);
}

/* A stack, innermost first; mark: the frame to highlight (blocked_at, the
 * creation site), the runtime frames inside it dimmed. */
static void stack_list(FILE *out, const gl_dump *d, const gl_stack *s, const gl_frame *mark)
{
    if (!s || !s->n) {
        fputs("<p class=\"none\">not known</p>\n", out);
        return;
    }
    if (mark && (mark < s->frames || mark >= s->frames + s->n))
        mark = NULL;
    int inside = mark != NULL;
    fputs("<ol class=\"stack\" start=\"0\">\n", out);
    for (size_t i = 0; i < s->n; i++) {
        const gl_frame *f = &s->frames[i];
        int here = f == mark;
        frame_item(out, d, f, here ? "frame site" : inside ? "frame inner" : "frame");
        if (here)
            inside = 0;
    }
    fputs("</ol>\n", out);
    if (s->truncated)
        fputs("<p class=\"none\">(stack truncated)</p>\n", out);
}

static void facts(FILE *out, const gl_leak_group *g)
{
    const char *reason = gl_group_reason(g);
    fputs("<p class=\"facts\">category <b>", out);
    esc(out, gl_category_name(g->category));
    fputs("</b> · wait <b>", out);
    esc(out, *reason ? reason : gl_wait_name(g->wait));
    fputs("</b>", out);
    if (g->test) {
        fputs(" · test <b>", out);
        esc(out, g->test);
        fputs("</b>", out);
    }
    if (g->parked_min_ns >= 0)
        fprintf(out, " · parked %.1f ms to %.1f ms", g->parked_min_ns / 1e6, g->parked_max_ns / 1e6);
    fputs(" · goroutine", out);
    fputs(g->ngoids == 1 ? "" : "s", out);
    for (size_t i = 0; i < g->ngoids && i < MAX_IDS; i++)
        fprintf(out, "%s%lld", i ? ", " : " ", (long long)g->goids[i]);
    if (g->ngoids > MAX_IDS)
        fprintf(out, " and %zu more", g->ngoids - MAX_IDS);
    if (g->npids > 1 || (g->npids == 1 && g->pids[0]))
        for (size_t i = 0; i < g->npids; i++)
            fprintf(out, "%s%lld", i ? ", " : " · process ", (long long)g->pids[i]);
    fputs("</p>\n", out);
}

static void group_section(FILE *out, const gl_leak_group *g, size_t i, int open)
{
    char *summary = gl_leak_summary(g), *paragraph = gl_leak_paragraph(g);
    fprintf(out, "<details class=\"group\" id=\"group-%zu\"%s>\n<summary><span class=\"count\">%zu</span> ", i + 1,
            open ? " open" : "", g->count);
    esc(out, summary ? summary : "");
    fputs("</summary>\n", out);
    facts(out, g);
    fputs("<h4>Blocked at</h4>\n", out);
    stack_list(out, g->dump, g->stack, g->blocked_at);
    if (g->first && g->first->parent)
        fprintf(out, "<h4>Created by goroutine %lld at</h4>\n", (long long)g->first->parent);
    else
        fputs("<h4>Created at</h4>\n", out);
    stack_list(out, g->dump, g->created, g->created_at);
    fputs("<details class=\"text\"><summary>As the text report says</summary>\n<pre>", out);
    esc(out, paragraph ? paragraph : "");
    fputs("</pre></details>\n</details>\n", out);
    free(summary);
    free(paragraph);
}

void gl_html_groups(FILE *out, const gl_report *r, size_t open_groups)
{
    for (size_t i = 0; i < r->ngroups; i++)
        group_section(out, &r->groups[i], i, i < open_groups);
}

/* One row: the test, its leaked goroutines, links to its groups. */
static void test_row(FILE *out, const gl_report *r, const char *name, size_t leaked)
{
    fprintf(out, "<tr class=\"%s\"><td><code>", leaked ? "leaked" : "clean");
    esc(out, name);
    fprintf(out, "</code></td><td>%zu</td><td>", leaked);
    int first = 1;
    for (size_t i = 0; i < r->ngroups; i++) {
        if (!r->groups[i].test || strcmp(r->groups[i].test, name) != 0)
            continue;
        fprintf(out, "%s<a href=\"#group-%zu\">group %zu</a>", first ? "" : ", ", i + 1, i + 1);
        first = 0;
    }
    fputs(first ? "clean</td></tr>\n" : "</td></tr>\n", out);
}

void gl_html_tests(FILE *out, const gl_report *r)
{
    size_t setup = 0;
    int any = 0;
    for (size_t i = 0; i < r->ngroups; i++) {
        any |= r->groups[i].test != NULL;
        if (r->groups[i].test && strcmp(r->groups[i].test, GL_TEST_SETUP) == 0)
            setup += r->groups[i].count;
    }
    if (!any && !r->ntests)
        return;
    fputs("<h2>Leaks by test</h2>\n<table class=\"tests\">\n<tr><th>test</th><th>leaked goroutines</th>"
          "<th>groups</th></tr>\n", out);
    if (setup)
        test_row(out, r, GL_TEST_SETUP, setup);
    for (size_t i = 0; i < r->ntests; i++)
        test_row(out, r, r->tests[i].name, r->tests[i].leaked);
    fputs("</table>\n", out);
}
