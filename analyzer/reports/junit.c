#include "reports/junit.h"
#include "reports/leak_text.h"
#include "reports/xml_escape.h"

#include <stdlib.h>
#include <string.h>

typedef struct testcase {
    const char *name;
    size_t ngroups;
    size_t leaked;
    const gl_leak_group *first;
} testcase;

typedef struct case_list {
    size_t n, cap;
    testcase *v;
} case_list;

static testcase *find_case(case_list *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].name, name) == 0)
            return &l->v[i];
    return NULL;
}

/* The case named name, added last when new; NULL when out of memory. */
static testcase *case_for(case_list *l, const char *name)
{
    testcase *c = find_case(l, name);
    if (c)
        return c;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        testcase *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return NULL;
        l->v = v;
        l->cap = cap;
    }
    c = &l->v[l->n++];
    memset(c, 0, sizeof *c);
    c->name = name;
    return c;
}

/* The failure of one testcase: its groups' paragraphs, in report order. */
static int write_failure(FILE *out, const gl_report *r, const testcase *c, const char *program)
{
    char *summary = gl_leak_summary(c->first);
    if (!summary)
        return -1;
    fputs("      <failure type=\"goroutine-leak\" message=\"", out);
    gl_xml_escape(out, summary, 1);
    if (c->ngroups > 1)
        fprintf(out, " (and %zu more group(s))", c->ngroups - 1);
    free(summary);
    fprintf(out, "\">goleash: %zu leaked goroutine(s) in %zu group(s)\n", c->leaked, c->ngroups);
    for (size_t i = 0; i < r->ngroups; i++) {
        const gl_leak_group *g = &r->groups[i];
        if (strcmp(gl_leak_test_name(g, program), c->name) != 0)
            continue;
        char *text = gl_leak_paragraph(g);
        if (!text)
            return -1;
        fputc('\n', out);
        gl_xml_escape(out, text, 0);
        fputc('\n', out);
        free(text);
    }
    fputs("</failure>\n", out);
    return 0;
}

int gl_report_junit(FILE *out, const gl_report *r, gl_dump *const *dumps, size_t ndumps, const char *program)
{
    case_list cases = {0};
    int rc = -1;
    for (size_t i = 0; i < ndumps; i++)
        for (size_t j = 0; j < dumps[i]->ntests; j++)
            if (dumps[i]->tests[j] && !case_for(&cases, dumps[i]->tests[j]))
                goto out;
    size_t failures = 0;
    for (size_t i = 0; i < r->ngroups; i++) {
        const gl_leak_group *g = &r->groups[i];
        testcase *c = case_for(&cases, gl_leak_test_name(g, program));
        if (!c)
            goto out;
        if (c->ngroups++ == 0) {
            c->first = g;
            failures++;
        }
        c->leaked += g->count;
    }
    if (cases.n == 0 && !case_for(&cases, program))
        goto out;

    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
    fprintf(out, "<testsuites name=\"goleash\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n", cases.n, failures);
    fputs("  <testsuite name=\"", out);
    gl_xml_escape(out, program, 1);
    fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\">\n", cases.n, failures);
    fputs("    <properties>\n", out);
    fprintf(out, "      <property name=\"goleash.leaked_goroutines\" value=\"%zu\"/>\n", r->leaked);
    fprintf(out, "      <property name=\"goleash.groups\" value=\"%zu\"/>\n", r->ngroups);
    fprintf(out, "      <property name=\"goleash.dumps\" value=\"%zu\"/>\n", r->ndumps);
    fputs("    </properties>\n", out);
    for (size_t i = 0; i < cases.n; i++) {
        const testcase *c = &cases.v[i];
        fputs("    <testcase classname=\"goleash.", out);
        gl_xml_escape(out, program, 1);
        fputs("\" name=\"", out);
        gl_xml_escape(out, c->name, 1);
        if (!c->ngroups) {
            fputs("\"/>\n", out);
            continue;
        }
        fputs("\">\n", out);
        if (write_failure(out, r, c, program) != 0)
            goto out;
        fputs("    </testcase>\n", out);
    }
    fputs("  </testsuite>\n</testsuites>\n", out);
    rc = ferror(out) ? -1 : 0;
out:
    free(cases.v);
    return rc;
}
