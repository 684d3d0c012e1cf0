/* Unit tests of common/: dump reader, leak rules, suppressions, text report,
 * durations. */
#include "suites.h"

#include <stdio.h>
#include <stdlib.h>

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
    SRunner *sr = srunner_create(dump_read_suite());
    srunner_add_suite(sr, rules_suite());
    srunner_add_suite(sr, suppress_suite());
    srunner_add_suite(sr, report_text_suite());
    srunner_add_suite(sr, duration_suite());
    srunner_add_suite(sr, attribution_suite());
    srunner_run_all(sr, CK_VERBOSE);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
