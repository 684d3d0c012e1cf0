/* `--- LEAK:` lines (test_lines.h). */
#include "reports/test_lines.h"

#include <string.h>

static int same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* The test's largest group (groups are sorted by count, largest first). */
static const gl_leak_group *largest_group(const gl_report *r, const char *test)
{
    for (size_t i = 0; i < r->ngroups; i++)
        if (same(r->groups[i].test, test))
            return &r->groups[i];
    return NULL;
}

int gl_report_test_lines(FILE *out, const gl_report *r, const gl_source_root *root)
{
    for (size_t i = 0; i < r->ntests; i++) {
        const gl_test_result *t = &r->tests[i];
        if (!t->leaked)
            continue;
        fprintf(out, "--- LEAK: %s (%zu goroutine%s)", t->name, t->leaked, t->leaked == 1 ? "" : "s");
        const gl_leak_group *g = largest_group(r, t->name);
        const gl_frame *at = g ? g->blocked_at : NULL;
        if (at && at->file) {
            const char *rel = root ? gl_source_root_relative(root, at->file) : NULL;
            fprintf(out, " at %s:%d", rel ? rel : at->file, at->line);
        } else if (at && at->function) {
            fprintf(out, " in %s", at->function);
        }
        fputc('\n', out);
    }
    return fflush(out) != 0 || ferror(out) ? -1 : 0;
}
