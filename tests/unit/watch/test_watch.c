/* Unit tests of `goleash watch`'s parts that are pure: the growth rule
 * (analyzer/watch/growth.c) on made-up series, the metrics text
 * (metrics.c: escaping, the cardinality cap, both text formats) and the
 * textfile writer. The loop itself runs end to end in tests/gc/run_watch.py. */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "watch/growth.h"
#include "watch/metrics.h"
#include "watch/textfile.h"
#include "../run_suites.h"

#define WINDOW 20
static const gl_growth_opts defaults = {.samples = GL_GROWTH_DEFAULT_SAMPLES, .min_growth = 1};

/* The first sample (1-based) at which the rule flags series, judging a
 * sliding window of WINDOW samples as watch does; 0 never. */
static size_t first_growing(const int64_t *series, size_t n, const gl_growth_opts *o)
{
    for (size_t t = 1; t <= n; t++) {
        size_t start = t > WINDOW ? t - WINDOW : 0;
        gl_growth g;
        gl_growth_judge(series + start, t - start, o, &g);
        if (g.growing)
            return t;
    }
    return 0;
}

/* How many samples of series the rule flags. */
static size_t alarms(const int64_t *series, size_t n)
{
    size_t k = 0;
    for (size_t t = 1; t <= n; t++) {
        size_t start = t > WINDOW ? t - WINDOW : 0;
        gl_growth g;
        gl_growth_judge(series + start, t - start, &defaults, &g);
        k += (size_t)g.growing;
    }
    return k;
}

START_TEST(growing_leak)
{
    int64_t s[40];
    for (int i = 0; i < 40; i++)
        s[i] = 3 + 2 * i;
    /* Not before --samples samples, then at once. */
    ck_assert_uint_eq(first_growing(s, 40, &defaults), 6);
    gl_growth g;
    gl_growth_judge(s, 6, &defaults, &g);
    ck_assert_int_eq(g.growing, 1);
    ck_assert_int_eq(g.from, 3);
    ck_assert_int_eq(g.to, 13);
    ck_assert(fabs(g.slope - 2.0) < 1e-9);
    /* A window longer than the run: judged on the last 6, still growing. */
    gl_growth_judge(s, 20, &defaults, &g);
    ck_assert_int_eq(g.growing, 1);
    ck_assert_int_eq(g.from, 31);
    ck_assert_int_eq(g.to, 41);
    /* A leak that starts after a flat stretch (sample 21 is its first
     * rise): flagged at its second rise, two rises being the least. */
    int64_t late[40];
    for (int i = 0; i < 40; i++)
        late[i] = i < 20 ? 10 : 10 + (i - 19);
    ck_assert_uint_eq(first_growing(late, 40, &defaults), 22);
}
END_TEST

START_TEST(min_growth_and_samples)
{
    int64_t s[12];
    for (int i = 0; i < 12; i++)
        s[i] = 100 + i;
    gl_growth_opts o = {.samples = 6, .min_growth = 6};
    /* +5 over 6 samples is below 6: not growing; over 7 it is 6. */
    ck_assert_uint_eq(first_growing(s, 6, &o), 0);
    o.samples = 7;
    ck_assert_uint_eq(first_growing(s, 12, &o), 7);
}
END_TEST

START_TEST(flat)
{
    int64_t s[60];
    for (int i = 0; i < 60; i++)
        s[i] = 42;
    ck_assert_uint_eq(alarms(s, 60), 0);
    int64_t zero[10] = {0};
    ck_assert_uint_eq(alarms(zero, 10), 0);
}
END_TEST

START_TEST(spike_and_return)
{
    /* One burst that goes away, and one that has not gone yet: neither grows. */
    int64_t back[] = {10, 10, 50, 10, 10, 10, 10, 10, 11, 10, 10, 10};
    ck_assert_uint_eq(alarms(back, sizeof back / sizeof *back), 0);
    int64_t last[] = {10, 10, 10, 10, 10, 60};
    ck_assert_uint_eq(alarms(last, 6), 0);
    int64_t two_steps[] = {10, 10, 10, 10, 35, 60};
    gl_growth g;
    gl_growth_judge(two_steps, 6, &defaults, &g);
    ck_assert_int_eq(g.growing, 1); /* two rises, no fall: the rule's least */
    /* A climb back to where the count was earlier in the window is not
     * growth: the old level is still in the window. */
    int64_t ret[] = {50, 50, 50, 10, 12, 14, 16, 18, 20};
    ck_assert_uint_eq(alarms(ret, sizeof ret / sizeof *ret), 0);
    /* A leak after a spike: flagged once the spike leaves the window. */
    int64_t after[40] = {10, 10, 50, 10, 10, 10};
    for (int i = 6; i < 40; i++)
        after[i] = 10 + (i - 5);
    ck_assert_uint_eq(first_growing(after, 40, &defaults), 23);
}
END_TEST

START_TEST(slow_drift)
{
    /* A slow leak, one goroutine every other sample or every third. */
    int64_t half[40], third[40];
    for (int i = 0; i < 40; i++) {
        half[i] = 10 + i / 2;
        third[i] = 10 + i / 3;
    }
    ck_assert_uint_eq(first_growing(half, 40, &defaults), 6);
    ck_assert_uint_eq(first_growing(third, 40, &defaults), 7);
    /* Slower than one per (samples-1)/2 samples: the run shows one rise. */
    int64_t fifth[40];
    for (int i = 0; i < 40; i++)
        fifth[i] = 10 + i / 5;
    ck_assert_uint_eq(first_growing(fifth, 40, &defaults), 0);
}
END_TEST

/* A fixed pseudo-random sequence (LCG), so the test is the same each run. */
static uint32_t lcg(uint32_t *state)
{
    *state = *state * 1664525u + 1013904223u;
    return *state >> 8;
}

START_TEST(noisy_flat)
{
    enum { N = 20000 };
    int64_t *s = malloc(N * sizeof *s);
    uint32_t st = 7;
    /* Uniform noise, small and large, around a flat level. */
    for (int i = 0; i < N; i++)
        s[i] = 100 + (int64_t)(lcg(&st) % 7) - 3;
    ck_assert_uint_eq(alarms(s, N), 0);
    for (int i = 0; i < N; i++)
        s[i] = 20 + (int64_t)(lcg(&st) % 181);
    ck_assert_uint_eq(alarms(s, N), 0);
    /* Bursts: mostly nothing, sometimes a few, now and then many. */
    static const int64_t bursts[] = {0, 0, 0, 0, 5, 40};
    for (int i = 0; i < N; i++)
        s[i] = bursts[lcg(&st) % 6];
    ck_assert_uint_eq(alarms(s, N), 0);
    /* An oscillation the window spans (period ~12.6 samples) plus noise. */
    for (int i = 0; i < N; i++)
        s[i] = (int64_t)(100 + 50 * sin(i / 2.0)) + (int64_t)(lcg(&st) % 11) - 5;
    ck_assert_uint_eq(alarms(s, N), 0);
    free(s);
}
END_TEST

START_TEST(slope)
{
    int64_t line[] = {1, 3, 5, 7};
    ck_assert(fabs(gl_growth_slope(line, 4) - 2.0) < 1e-9);
    int64_t down[] = {9, 6, 3};
    ck_assert(fabs(gl_growth_slope(down, 3) + 3.0) < 1e-9);
    ck_assert(gl_growth_slope(line, 1) == 0);
    ck_assert_int_eq(gl_growth_tolerance(19), 0);
    ck_assert_int_eq(gl_growth_tolerance(100), 5);
}
END_TEST

/* ---- metrics ------------------------------------------------------------ */

static char *render(gl_metric_site *sites, size_t n, size_t max_sites, int om)
{
    gl_metrics m = {.sites = sites, .nsites = n, .goroutines = 57, .sampled_at = 1000.0, .samples = 3, .errors = 2};
    size_t len;
    char *text = gl_metrics_render(&m, max_sites, om, 1002.5, &len);
    ck_assert_ptr_nonnull(text);
    ck_assert_uint_eq(len, strlen(text));
    return text;
}

START_TEST(metrics_text)
{
    gl_metric_site sites[] = {
        {.site = "main.leaky at a.go:3", .category = "chan-send", .goroutines = 9, .growing = 1, .growth = 1.5},
        {.site = "main.odd \"q\" \\ at\nb.go:7", .category = "select", .goroutines = 2},
    };
    char *text = render(sites, 2, 20, 0);
    static const char want[] =
        "# HELP goleash_goroutines Goroutines parked at a blocking site in the latest sample, by leak category.\n"
        "# TYPE goleash_goroutines gauge\n"
        "goleash_goroutines{site=\"main.leaky at a.go:3\",category=\"chan-send\"} 9\n"
        "goleash_goroutines{site=\"main.odd \\\"q\\\" \\\\ at\\nb.go:7\",category=\"select\"} 2\n"
        "# HELP goleash_suspects 1 while the site's goroutine count keeps growing, else 0.\n"
        "# TYPE goleash_suspects gauge\n"
        "goleash_suspects{site=\"main.leaky at a.go:3\"} 1\n"
        "goleash_suspects{site=\"main.odd \\\"q\\\" \\\\ at\\nb.go:7\"} 0\n"
        "# HELP goleash_site_growth_per_sample Least-squares growth of the site's goroutines per sample over the "
        "last --samples samples.\n"
        "# TYPE goleash_site_growth_per_sample gauge\n"
        "goleash_site_growth_per_sample{site=\"main.leaky at a.go:3\"} 1.5\n"
        "goleash_site_growth_per_sample{site=\"main.odd \\\"q\\\" \\\\ at\\nb.go:7\"} 0\n"
        "# HELP goleash_sample_goroutines Every goroutine of the latest sample.\n"
        "# TYPE goleash_sample_goroutines gauge\n"
        "goleash_sample_goroutines 57\n"
        "# HELP goleash_sample_age_seconds Seconds since the latest successful sample.\n"
        "# TYPE goleash_sample_age_seconds gauge\n"
        "goleash_sample_age_seconds 2.500\n"
        "# HELP goleash_samples_total Successful samples.\n"
        "# TYPE goleash_samples_total counter\n"
        "goleash_samples_total 3\n"
        "# HELP goleash_scrape_errors_total Samples that failed: the source could not be fetched, read or "
        "snapshot.\n"
        "# TYPE goleash_scrape_errors_total counter\n"
        "goleash_scrape_errors_total 2\n";
    ck_assert_str_eq(text, want);
    free(text);
    /* OpenMetrics: counter families without _total, and # EOF. */
    text = render(sites, 2, 20, 1);
    ck_assert_ptr_nonnull(strstr(text, "# TYPE goleash_samples counter\ngoleash_samples_total 3\n"));
    ck_assert_ptr_nonnull(strstr(text, "# TYPE goleash_scrape_errors counter\ngoleash_scrape_errors_total 2\n"));
    ck_assert_ptr_null(strstr(text, "_total counter"));
    size_t len = strlen(text);
    ck_assert(len > 6 && strcmp(text + len - 6, "# EOF\n") == 0);
    free(text);
}
END_TEST

/* The number of lines of text that start with prefix. */
static int lines_starting(const char *text, const char *prefix)
{
    int n = 0;
    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
        n += strncmp(p, prefix, strlen(prefix)) == 0;
    return n;
}

START_TEST(metrics_cap)
{
    /* Five sites, one with two categories, capped at two: the first two
     * labels by order (growing first) keep their names. */
    gl_metric_site sites[] = {
        {.site = "s1", .category = "chan-send", .goroutines = 50, .growing = 1, .growth = 2},
        {.site = "s2", .category = "chan-receive", .goroutines = 40, .growth = 0.5},
        {.site = "s1", .category = "select", .goroutines = 7, .growth = 1},
        {.site = "s3", .category = "chan-receive", .goroutines = 30, .growing = 1, .growth = 0.25},
        {.site = "s4", .category = "mutex", .goroutines = 20},
        {.site = "s5", .category = "chan-receive", .goroutines = 10, .growth = 0.5},
    };
    char *text = render(sites, 6, 2, 0);
    ck_assert_ptr_nonnull(strstr(text, "goleash_goroutines{site=\"s1\",category=\"chan-send\"} 50\n"
                                       "goleash_goroutines{site=\"s2\",category=\"chan-receive\"} 40\n"
                                       "goleash_goroutines{site=\"s1\",category=\"select\"} 7\n"
                                       "goleash_goroutines{site=\"other\",category=\"chan-receive\"} 40\n"
                                       "goleash_goroutines{site=\"other\",category=\"mutex\"} 20\n"
                                       "# HELP goleash_suspects"));
    ck_assert_ptr_nonnull(strstr(text, "goleash_suspects{site=\"s1\"} 1\n"
                                       "goleash_suspects{site=\"s2\"} 0\n"
                                       "goleash_suspects{site=\"other\"} 1\n"));
    ck_assert_ptr_nonnull(strstr(text, "goleash_site_growth_per_sample{site=\"s1\"} 3\n"
                                       "goleash_site_growth_per_sample{site=\"s2\"} 0.5\n"
                                       "goleash_site_growth_per_sample{site=\"other\"} 0.75\n"));
    ck_assert_int_eq(lines_starting(text, "goleash_suspects{"), 3);
    free(text);
    /* Under the cap: no "other" at all. */
    text = render(sites, 6, 5, 0);
    ck_assert_ptr_null(strstr(text, "\"other\""));
    ck_assert_int_eq(lines_starting(text, "goleash_suspects{"), 5);
    free(text);
    /* No sample yet: no age, no goroutines; the counters are there. */
    gl_metrics empty = {0};
    size_t len;
    text = gl_metrics_render(&empty, 20, 0, 5.0, &len);
    ck_assert_ptr_null(strstr(text, "goleash_sample_age_seconds"));
    ck_assert_ptr_nonnull(strstr(text, "\ngoleash_scrape_errors_total 0\n"));
    ck_assert_int_eq(lines_starting(text, "goleash_goroutines{"), 0);
    free(text);
}
END_TEST

START_TEST(textfile)
{
    char dir[] = "/tmp/gl-textfile-XXXXXX", why[512], path[600], buf[64] = "";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(gl_textfile_write(dir, "a 1\n", 4, why, sizeof why), 0);
    ck_assert_int_eq(gl_textfile_write(dir, "b 2\n", 4, why, sizeof why), 0);
    snprintf(path, sizeof path, "%s/goleash.prom", dir);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fread(buf, 1, sizeof buf - 1, f), 4);
    fclose(f);
    ck_assert_str_eq(buf, "b 2\n");
    /* Only the file: the temporary one was renamed. */
    DIR *d = opendir(dir);
    int files = 0;
    for (struct dirent *e; (e = readdir(d));)
        files += e->d_name[0] != '.' || (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."));
    closedir(d);
    ck_assert_int_eq(files, 1);
    unlink(path);
    rmdir(dir);
    ck_assert_int_eq(gl_textfile_write(dir, "x", 1, why, sizeof why), -1);
    ck_assert_ptr_nonnull(strstr(why, "No such file or directory"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("watch");
    TCase *growth = tcase_create("growth");
    tcase_add_test(growth, growing_leak);
    tcase_add_test(growth, min_growth_and_samples);
    tcase_add_test(growth, flat);
    tcase_add_test(growth, spike_and_return);
    tcase_add_test(growth, slow_drift);
    tcase_add_test(growth, noisy_flat);
    tcase_add_test(growth, slope);
    suite_add_tcase(s, growth);
    TCase *metrics = tcase_create("metrics");
    tcase_add_test(metrics, metrics_text);
    tcase_add_test(metrics, metrics_cap);
    tcase_add_test(metrics, textfile);
    suite_add_tcase(s, metrics);
    return gl_run_suites(GL_SUITES(s), CK_NORMAL, 0);
}
