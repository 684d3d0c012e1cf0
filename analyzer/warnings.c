#include "warnings.h"
#include "util/escape.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void keep(gl_warnings *w, const char *msg)
{
    /* A warning may quote a dump (a module path, a name): escaped for the
     * terminal, kept as it is for the JSON report. */
    if (!w->quiet) {
        fputs("goleash: ", stderr);
        gl_fput_escaped(stderr, msg);
        fputs("\n", stderr);
    }
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 8;
        char **m = realloc(w->msgs, cap * sizeof *m);
        if (!m)
            return; /* printed already; losing it from the JSON is the lesser harm */
        w->msgs = m;
        w->cap = cap;
    }
    char *copy = strdup(msg);
    if (copy)
        w->msgs[w->n++] = copy;
}

void gl_warn(gl_warnings *w, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    keep(w, buf);
}

void gl_warn_prefixed(gl_warnings *w, const char *msg)
{
    static const char prefix[] = "goleash: ";
    if (strncmp(msg, prefix, sizeof prefix - 1) == 0)
        msg += sizeof prefix - 1;
    keep(w, msg);
}

void gl_warnings_free(gl_warnings *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->msgs[i]);
    free(w->msgs);
    w->msgs = NULL;
    w->n = w->cap = 0;
}
