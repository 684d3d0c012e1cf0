/* Unit tests of the pprof and HTML reports, from the committed leaky.dump
 * (2 goroutines parked in main.worker, 1 in main.sender, channels made by
 * goroutine 1) and odd_names.dump (a function name with markup, a control
 * character, a carriage return and a byte that is not UTF-8). The profile
 * is read back with the reader's own protobuf-c code. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../run_suites.h"
#include "../test_data.h"
#include "format/dump_read.h"
#include "pprof_profile.pb-c.h"
#include "reports/html.h"
#include "reports/pprof_out.h"
#include "rules/rules.h"

static gl_dump *read_dump(const char *name)
{
    gl_dump *d;
    gl_diag diag;
    ck_assert_msg(gl_dump_read_file(gl_test_data_path(name), &d, &diag) == 0, "%s", diag.msg);
    return d;
}

/* leaky.dump with file:line on main.worker, as the symbolizer fills it. */
static gl_dump *leaky_dump(void)
{
    gl_dump *d = read_dump("leaky.dump");
    gl_frame *f = &d->stacks[0]->frames[2];
    ck_assert_str_eq(f->function, "main.worker");
    f->file = (char *)gl_dump_intern(d, "/repo/pkg/leak.go");
    f->line = 12;
    return d;
}

/* ---- pprof -------------------------------------------------------------- */

static Glpprof__Profile *profile_of(gl_report *r, gl_dump *d)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_int_eq(gl_report_pprof(f, r, &d, 1), 0);
    fclose(f);
    ck_assert_uint_gt(len, 18);
    ck_assert_int_eq((unsigned char)buf[0], 0x1f); /* gzip */
    ck_assert_int_eq((unsigned char)buf[1], 0x8b);
    static unsigned char raw[1 << 16];
    z_stream z = {.next_in = (Bytef *)buf, .avail_in = (uInt)len, .next_out = raw, .avail_out = sizeof raw};
    ck_assert_int_eq(inflateInit2(&z, 15 + 16), Z_OK);
    ck_assert_int_eq(inflate(&z, Z_FINISH), Z_STREAM_END);
    size_t n = z.total_out;
    inflateEnd(&z);
    free(buf);
    Glpprof__Profile *p = glpprof__profile__unpack(NULL, n, raw);
    ck_assert_ptr_nonnull(p);
    return p;
}

static const char *str(const Glpprof__Profile *p, int64_t i)
{
    ck_assert_int_ge(i, 0);
    ck_assert_uint_lt((size_t)i, p->n_string_table);
    return p->string_table[i];
}

static const Glpprof__Location *location(const Glpprof__Profile *p, uint64_t id)
{
    for (size_t i = 0; i < p->n_location; i++)
        if (p->location[i]->id == id)
            return p->location[i];
    ck_abort_msg("no location %llu", (unsigned long long)id);
    return NULL;
}

static const Glpprof__Function *function(const Glpprof__Profile *p, uint64_t id)
{
    for (size_t i = 0; i < p->n_function; i++)
        if (p->function[i]->id == id)
            return p->function[i];
    ck_abort_msg("no function %llu", (unsigned long long)id);
    return NULL;
}

/* The sample's labels as "key=value" (numbers with their unit), joined. */
static void labels(const Glpprof__Profile *p, const Glpprof__Sample *s, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < s->n_label && n < len; i++) {
        const Glpprof__Label *l = s->label[i];
        if (l->str)
            n += (size_t)snprintf(buf + n, len - n, "%s%s=%s", i ? " " : "", str(p, l->key), str(p, l->str));
        else
            n += (size_t)snprintf(buf + n, len - n, "%s%s=%lld %s", i ? " " : "", str(p, l->key), (long long)l->num,
                                  str(p, l->num_unit));
    }
}

START_TEST(pprof_one_sample_per_group)
{
    gl_dump *d = leaky_dump();
    gl_report *r = gl_rules_run(&d, 1, NULL);
    ck_assert_uint_eq(r->ngroups, 2);
    Glpprof__Profile *p = profile_of(r, d);
    ck_assert_str_eq(str(p, 0), "");
    ck_assert_uint_eq(p->n_sample_type, 1);
    ck_assert_str_eq(str(p, p->sample_type[0]->type), "goroutine");
    ck_assert_str_eq(str(p, p->sample_type[0]->unit), "count");
    ck_assert_str_eq(str(p, p->period_type->type), "goroutine");
    ck_assert_int_eq(p->period, 1);
    ck_assert_int_eq(p->time_nanos, 1700000000000000000LL);
    ck_assert_uint_eq(p->n_sample, 2);
    ck_assert_uint_eq(p->sample[0]->n_value, 1);
    ck_assert_int_eq(p->sample[0]->value[0], 2);
    ck_assert_int_eq(p->sample[1]->value[0], 1);
    /* Stacks innermost first, one line per location, file:line kept. */
    static const char *const worker[] = {"runtime.gopark", "runtime.chanrecv1", "main.worker", "main.main..func1"};
    ck_assert_uint_eq(p->sample[0]->n_location_id, 4);
    for (size_t i = 0; i < 4; i++) {
        const Glpprof__Location *l = location(p, p->sample[0]->location_id[i]);
        ck_assert_uint_eq(l->n_line, 1);
        const Glpprof__Function *f = function(p, l->line[0]->function_id);
        ck_assert_str_eq(str(p, f->name), worker[i]);
        ck_assert_str_eq(str(p, f->filename), i == 2 ? "/repo/pkg/leak.go" : "");
        ck_assert_int_eq(l->line[0]->line, i == 2 ? 12 : 0);
    }
    ck_assert_uint_eq(p->sample[1]->n_location_id, 2);
    /* runtime.gopark is one location and one function for both samples. */
    ck_assert_uint_eq(p->sample[1]->location_id[0], p->sample[0]->location_id[0]);
    ck_assert_uint_eq(p->n_location, 5);
    ck_assert_uint_eq(p->n_function, 5);
    for (size_t i = 0; i < p->n_string_table; i++)
        for (size_t k = i + 1; k < p->n_string_table; k++)
            ck_assert_str_ne(p->string_table[i], p->string_table[k]);
    char l[512];
    labels(p, p->sample[0], l, sizeof l);
    ck_assert_str_eq(l, "category=chan-receive wait_reason=chan receive created_by=main.main "
                        "blocked_for=1200000000 nanoseconds blocked_for_max=1500000000 nanoseconds");
    labels(p, p->sample[1], l, sizeof l);
    ck_assert_str_eq(l, "category=chan-send wait_reason=chan send created_by=main.main "
                        "blocked_for=1000000000 nanoseconds blocked_for_max=1000000000 nanoseconds");
    glpprof__profile__free_unpacked(p, NULL);
    gl_report_free(r);
    gl_dump_free(d);
}
END_TEST

START_TEST(pprof_test_label_and_empty_report)
{
    gl_dump *d = leaky_dump();
    gl_report *r = gl_rules_run(&d, 1, NULL);
    r->groups[1].test = "TestSend/sub";
    Glpprof__Profile *p = profile_of(r, d);
    char l[512];
    labels(p, p->sample[1], l, sizeof l);
    ck_assert_ptr_nonnull(strstr(l, "category=chan-send test=TestSend/sub wait_reason=chan send"));
    glpprof__profile__free_unpacked(p, NULL);
    /* No leaks: a valid profile without samples. */
    r->ngroups = 0;
    p = profile_of(r, d);
    ck_assert_uint_eq(p->n_sample, 0);
    ck_assert_uint_eq(p->n_sample_type, 1);
    glpprof__profile__free_unpacked(p, NULL);
    r->ngroups = 2;
    gl_report_free(r);
    gl_dump_free(d);
}
END_TEST

/* ---- HTML --------------------------------------------------------------- */

static char *html_of(gl_dump *d, size_t max_nodes)
{
    gl_report *r = gl_rules_run(&d, 1, NULL);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    gl_html_opts o = {.program = d->exe, .pid = d->pid, .max_nodes = max_nodes};
    ck_assert_int_eq(gl_report_html(f, r, &d, 1, &o), 0);
    fclose(f);
    ck_assert_uint_eq(strlen(buf), len); /* no NUL inside */
    gl_report_free(r);
    return buf;
}

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
        n++;
    return n;
}

/* The part of page from the element with id to the end of its graph. */
static char *section(const char *page, const char *id)
{
    char open[64];
    snprintf(open, sizeof open, "<h2 id=\"%s\">", id);
    const char *a = strstr(page, open);
    ck_assert_msg(a != NULL, "no section %s", id);
    const char *b = strstr(a, "</svg>");
    ck_assert_ptr_nonnull(b);
    return strndup(a, (size_t)(b - a));
}

START_TEST(html_page_is_self_contained)
{
    gl_dump *d = leaky_dump();
    char *page = html_of(d, 0);
    ck_assert_int_eq(strncmp(page, "<!DOCTYPE html>\n<html lang=\"en\">\n", 33), 0);
    ck_assert_ptr_nonnull(strstr(page, "</html>\n"));
    ck_assert_ptr_null(strstr(page, "://"));
    ck_assert_ptr_null(strstr(page, "<script"));
    ck_assert_ptr_null(strstr(page, "<?xml"));
    ck_assert_ptr_null(strstr(page, "<!DOCTYPE svg"));
    ck_assert_uint_eq(count(page, "<svg "), 2);
    ck_assert_ptr_nonnull(strstr(page, "<b>3 leaked goroutine(s) in 2 group(s)</b>"));
    ck_assert_uint_eq(count(page, "<details class=\"group\""), 2);
    ck_assert_ptr_nonnull(strstr(page, "<li class=\"frame site\"><code class=\"fn\">main.worker</code> "
                                       "<span class=\"loc\">/repo/pkg/leak.go:12</span></li>"));
    /* Without file:line, the frame's offsets. */
    ck_assert_ptr_nonnull(strstr(page, "<code class=\"fn\">main.sender</code> <span class=\"loc\">+0x"));
    char *tree = section(page, "creation-tree");
    ck_assert_ptr_nonnull(strstr(tree, "2 leaked goroutines (group 1)"));
    ck_assert_ptr_nonnull(strstr(tree, "1 leaked goroutine (group 2)"));
    ck_assert_ptr_nonnull(strstr(tree, "goroutine 1"));
    ck_assert_ptr_nonnull(strstr(tree, "leak.go:12"));
    ck_assert_uint_eq(count(tree, "class=\"edge\""), 2); /* goroutine 1 -> each group */
    ck_assert_ptr_null(strstr(tree, "bounded"));
    char *wait = section(page, "wait-for");
    ck_assert_uint_eq(count(wait, "&gt;waits on&lt;") + count(wait, ">waits on<"), 2);
    ck_assert_ptr_nonnull(strstr(wait, "channel 0xc000012000"));
    ck_assert_ptr_nonnull(strstr(wait, "buffer of 2, never closed"));
    /* goroutine 1 made both channels: it could wake them. */
    ck_assert_uint_eq(count(wait, ">made it<"), 2);
    ck_assert_ptr_null(strstr(wait, ">no other goroutine<"));
    free(tree);
    free(wait);
    free(page);
    gl_dump_free(d);
}
END_TEST

START_TEST(html_graphs_are_bounded)
{
    gl_dump *d = leaky_dump();
    char *page = html_of(d, 2);
    char *tree = section(page, "creation-tree");
    ck_assert_ptr_nonnull(strstr(tree, "The graph is bounded to 2 nodes: 1 leaked goroutine(s) not drawn."));
    ck_assert_uint_eq(count(tree, "class=\"node\""), 2);
    char *wait = section(page, "wait-for");
    ck_assert_ptr_nonnull(strstr(wait, "The graph is bounded to 2 nodes: 1 leak group(s) not drawn."));
    ck_assert_uint_eq(count(wait, "class=\"node\""), 2);
    free(tree);
    free(wait);
    free(page);
    gl_dump_free(d);
}
END_TEST

START_TEST(html_escapes_the_program_strings)
{
    gl_dump *d = read_dump("odd_names.dump");
    char *page = html_of(d, 0);
    ck_assert_ptr_null(strstr(page, "w<&>"));
    ck_assert_ptr_null(strstr(page, "\x01"));
    ck_assert_ptr_null(strstr(page, "\xff"));
    ck_assert_ptr_null(strstr(page, "\r"));
    ck_assert_ptr_nonnull(strstr(page, "<title>goleash: /src/odd&amp;prog</title>"));
    ck_assert_ptr_nonnull(strstr(page, "main.(*T[&quot;a&quot;]).w&lt;&amp;&gt;&#13;?&apos;x"));
    /* Graphviz's own escaping of the same name in both graphs. */
    ck_assert_uint_eq(count(page, "main.(*T[&quot;a&quot;]).w&lt;&amp;&gt;?&#39;x"), 2);
    free(page);
    gl_dump_free(d);
}
END_TEST

START_TEST(html_clean_report_has_no_graphs)
{
    gl_dump *d = read_dump("clean.dump");
    char *page = html_of(d, 0);
    ck_assert_ptr_nonnull(strstr(page, "<p class=\"summary clean\"><b>No goroutine leaks</b>"));
    ck_assert_ptr_null(strstr(page, "<svg"));
    ck_assert_ptr_null(strstr(page, "<details"));
    free(page);
    gl_dump_free(d);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("report_formats");
    TCase *pp = tcase_create("pprof");
    tcase_add_test(pp, pprof_one_sample_per_group);
    tcase_add_test(pp, pprof_test_label_and_empty_report);
    suite_add_tcase(s, pp);
    TCase *html = tcase_create("html");
    tcase_add_test(html, html_page_is_self_contained);
    tcase_add_test(html, html_graphs_are_bounded);
    tcase_add_test(html, html_escapes_the_program_strings);
    tcase_add_test(html, html_clean_report_has_no_graphs);
    suite_add_tcase(s, html);
    return gl_run_suites(GL_SUITES(s), CK_VERBOSE, 0);
}
