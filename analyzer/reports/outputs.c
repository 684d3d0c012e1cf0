/* The main report and the report files (outputs.h). */
#include "reports/outputs.h"
#include "enrich/source_root.h"
#include "reports/github.h"
#include "reports/html.h"
#include "reports/json.h"
#include "reports/junit.h"
#include "reports/out_path.h"
#include "reports/pprof_out.h"
#include "reports/sarif.h"
#include "reports/test_lines.h"
#include "text_report/text_report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *const gl_format_names[] = {[GL_FORMAT_TEXT] = "text", [GL_FORMAT_JSON] = "json",
                                       [GL_FORMAT_PPROF] = "pprof", [GL_FORMAT_HTML] = "html", NULL};

/* What the report files need besides the report. */
typedef struct out_ctx {
    const gl_report_opts *o;
    const gl_report *r;
    const gl_warnings *w;
    gl_dump *const *dumps;
    size_t ndumps;
    int64_t pid;
    const char *program;       /* base name */
    gl_source_root root;
} out_ctx;

typedef enum out_kind { OUT_MAIN, OUT_JSON, OUT_JUNIT, OUT_SARIF, OUT_PPROF, OUT_HTML } out_kind;

/* https://no-color.org: a set, non-empty NO_COLOR turns auto off. */
static int wants_color(const gl_report_opts *o, FILE *out)
{
    if (o->color != GL_COLOR_AUTO)
        return o->color == GL_COLOR_ALWAYS;
    const char *no = getenv("NO_COLOR");
    return !(no && *no) && isatty(fileno(out));
}

static int write_kind(FILE *out, out_kind kind, const out_ctx *c)
{
    switch (kind) {
    case OUT_MAIN:
        switch (c->o->format) {
        case GL_FORMAT_TEXT: {
            gl_text_opts t = {.pid = c->pid, .print_when_clean = 1, .max_frames = 0, .color = wants_color(c->o, out)};
            return gl_report_text(out, c->r, &t);
        }
        case GL_FORMAT_JSON:
            return gl_report_json(out, c->r, c->w);
        case GL_FORMAT_PPROF:
            return write_kind(out, OUT_PPROF, c);
        case GL_FORMAT_HTML:
            return write_kind(out, OUT_HTML, c);
        }
        return -1;
    case OUT_JSON:
        return gl_report_json(out, c->r, c->w);
    case OUT_JUNIT:
        return gl_report_junit(out, c->r, c->dumps, c->ndumps, c->program);
    case OUT_SARIF: {
        char category[4096];
        const char *pattern = c->o->sarif_category ? c->o->sarif_category : "goleash/%b/";
        if (gl_out_path_expand(pattern, c->pid, c->program, category, sizeof category) != 0)
            return -1;
        gl_sarif_opts so = {.root = &c->root, .category = *category ? category : NULL};
        return gl_report_sarif(out, c->r, &so);
    }
    case OUT_PPROF:
        return gl_report_pprof(out, c->r, c->dumps, c->ndumps);
    case OUT_HTML: {
        gl_html_opts ho = {.program = c->program, .pid = c->pid, .warnings = c->w};
        return gl_report_html(out, c->r, c->dumps, c->ndumps, &ho);
    }
    }
    return -1;
}

/* The report file at path, truncated, or NULL after saying why. A symbolic
 * link at the name is refused, not followed: whoever planted it (a shared
 * CI directory, a predictable name) does not get to choose which file a
 * report overwrites. Anything else that is there is written in place, never
 * replaced: a FIFO or /dev/null is the user's own choice. */
static FILE *open_report(const char *path)
{
    if (gl_out_path_make_parent(path) != 0) {
        fprintf(stderr, "goleash: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0 && errno == ELOOP) {
        fprintf(stderr, "goleash: %s: a symbolic link; goleash does not write through it (name the file itself)\n",
                path);
        return NULL;
    }
    FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!out) {
        fprintf(stderr, "goleash: %s: %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
    }
    return out;
}

/* Writes one report to the file pattern names (stdout when NULL). */
static int write_one(const char *pattern, out_kind kind, const out_ctx *c)
{
    char path[4096];
    FILE *out = kind == OUT_MAIN && c->o->main_to_stderr ? stderr : stdout;
    if (pattern) {
        if (gl_out_path_expand(pattern, c->pid, c->program, path, sizeof path) != 0) {
            fprintf(stderr, "goleash: %s: path too long\n", pattern);
            return -1;
        }
        if (!(out = open_report(path)))
            return -1;
    }
    int rc = write_kind(out, kind, c);
    if (fflush(out) != 0)
        rc = -1;
    if (pattern && fclose(out) != 0)
        rc = -1;
    if (rc != 0)
        fprintf(stderr, "goleash: %s: cannot write the report\n", pattern ? path : out == stderr ? "stderr" : "stdout");
    return rc;
}

int gl_write_reports(const gl_report_opts *o, const gl_report *r, const gl_warnings *w, gl_dump *const *dumps,
                         size_t ndumps)
{
    out_ctx c = {.o = o, .r = r, .w = w, .dumps = dumps, .ndumps = ndumps};
    c.pid = o->pid ? o->pid : ndumps ? dumps[0]->pid : 0;
    const char *program = o->program ? o->program : ndumps && dumps[0]->exe ? dumps[0]->exe : "";
    c.program = *program ? gl_out_path_base(program) : "goleash";
    if (!*c.program)
        c.program = "goleash";
    int annotate = o->annotations == GL_ANNOTATE_ON || (o->annotations == GL_ANNOTATE_AUTO && gl_github_actions_env());
    if ((o->sarif_output || annotate || o->test_lines) && gl_source_root_init(&c.root, o->source_root) != 0) {
        fprintf(stderr, "goleash: cannot tell the source root (--source-root): %s\n", strerror(errno));
        return -1;
    }
    int rc = write_one(o->output, OUT_MAIN, &c);
    if (o->json_output && write_one(o->json_output, OUT_JSON, &c) != 0)
        rc = -1;
    if (o->junit_output && write_one(o->junit_output, OUT_JUNIT, &c) != 0)
        rc = -1;
    if (o->sarif_output && write_one(o->sarif_output, OUT_SARIF, &c) != 0)
        rc = -1;
    if (o->pprof_output && write_one(o->pprof_output, OUT_PPROF, &c) != 0)
        rc = -1;
    if (o->html_output && write_one(o->html_output, OUT_HTML, &c) != 0)
        rc = -1;
    /* Last on stderr, where go test shows them after the test's own lines. */
    if (o->test_lines && gl_report_test_lines(stderr, r, &c.root) != 0)
        rc = -1;
    if (annotate) {
        /* After the text report, so a report on stdout reads first. */
        if (gl_report_github(stdout, r, &c.root) != 0 || fflush(stdout) != 0) {
            fprintf(stderr, "goleash: stdout: cannot write the GitHub annotations\n");
            rc = -1;
        }
    }
    return rc;
}
