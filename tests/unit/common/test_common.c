/* Unit tests of common/: dump reader, leak rules, suppressions, text report,
 * durations. */
#include "suites.h"

#include <stdio.h>
#include <stdlib.h>

#include "../run_suites.h"
#include "../test_data.h"
#include <string.h>

const char *data_path(const char *name)
{
    return gl_test_data_path(name);
}

gl_dump *parse_ok(const char *text)
{
    gl_dump *d = NULL;
    gl_diag diag;
    int rc = gl_dump_read_buffer("test.dump", text, strlen(text), &d, &diag);
    ck_assert_msg(rc == 0, "parse failed: %s", diag.msg);
    ck_assert_ptr_nonnull(d);
    return d;
}

int main(void)
{
    return gl_run_suites(GL_SUITES(dump_read_suite(), rules_suite(), suppress_suite(), report_text_suite(),
                                   duration_suite(), attribution_suite()),
                         CK_VERBOSE, 0);
}
