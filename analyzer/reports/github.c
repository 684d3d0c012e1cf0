#include "reports/github.h"
#include "reports/leak_text.h"
#include "util/escape.h"

#include <stdlib.h>
#include <string.h>

/* GitHub's workflow-command escapes, and for every other control
 * character goleash's own \xHH (escape.h): GitHub decodes only its own, so
 * an escape sequence would otherwise reach the log as it is. */
void gl_github_escape(FILE *out, const char *s, int is_property)
{
    for (const char *p = s; p && *p; p++) {
        char one[2] = {*p, '\0'};
        switch (*p) {
        case '%': fputs("%25", out); break;
        case '\r': fputs("%0D", out); break;
        case '\n': fputs("%0A", out); break;
        case ':': is_property ? fputs("%3A", out) : fputc(':', out); break;
        case ',': is_property ? fputs("%2C", out) : fputc(',', out); break;
        default:
            if ((unsigned char)*p == 0xc2 && (unsigned char)p[1] >= 0x80 && (unsigned char)p[1] <= 0x9f) {
                char c1[3] = {p[0], p[1], '\0'};
                gl_fput_escaped(out, c1);
                p++;
            } else {
                gl_fput_escaped(out, one);
            }
            break;
        }
    }
}

int gl_github_actions_env(void)
{
    const char *v = getenv("GITHUB_ACTIONS");
    return v && strcmp(v, "true") == 0;
}

int gl_report_github(FILE *out, const gl_report *r, const gl_source_root *root)
{
    for (size_t i = 0; i < r->ngroups; i++) {
        const gl_leak_group *g = &r->groups[i];
        char *summary = gl_leak_summary(g), *paragraph = gl_leak_paragraph(g);
        if (!summary || !paragraph) {
            free(summary);
            free(paragraph);
            return -1;
        }
        fputs("::error ", out);
        const gl_frame *at = g->blocked_at ? gl_source_root_frame(root, g->stack, g->blocked_index) : NULL;
        const char *rel = at ? gl_source_root_relative(root, at->file) : NULL;
        if (rel) {
            fputs("file=", out);
            gl_github_escape(out, rel, 1);
            if (at->line > 0)
                fprintf(out, ",line=%d", at->line);
            fputc(',', out);
        }
        char title[512], test[400];
        if (g->test)
            snprintf(title, sizeof title, "goroutine leak (%s) in %s", gl_category_name(g->category),
                     gl_escape_to(test, sizeof test, g->test));
        else
            snprintf(title, sizeof title, "goroutine leak (%s)", gl_category_name(g->category));
        fputs("title=", out);
        gl_github_escape(out, title, 1);
        fputs("::", out);
        gl_github_escape(out, summary, 0);
        gl_github_escape(out, "\n\n", 0);
        gl_github_escape(out, paragraph, 0);
        fputc('\n', out);
        free(summary);
        free(paragraph);
    }
    return ferror(out) ? -1 : 0;
}
