/* Stand-in for parse_pprof.c until the pprof readers land: meson builds this
 * file only while analyzer/parse_pprof.c does not exist, so adding that file
 * replaces it without touching anything else. */
#include "parse_pprof.h"

#include <stdio.h>

int gl_parse_pprof_text(gl_input *in, gl_build *b, gl_diag *diag)
{
    (void)b;
    const char *line;
    size_t len;
    if (gl_input_line(in, &line, &len, diag) < 0)
        return -1;
    gl_input_error(in, gl_input_lineno(in), diag, "pprof goroutine profiles (debug=1) are not supported yet");
    return -1;
}

int gl_parse_pprof_proto(const char *name, const unsigned char *buf, size_t len, gl_build *b, gl_diag *diag)
{
    (void)buf;
    (void)len;
    (void)b;
    snprintf(diag->msg, sizeof diag->msg, "goleash: %s: binary pprof profiles (debug=0) are not supported yet", name);
    diag->is_warning = 0;
    return -1;
}
