/* The watch loop (watch.h): source -> rules -> sites -> output, metrics. */
#include "watch/watch.h"
#include "rules/suppress.h"
#include "watch/metrics.h"
#include "watch/metrics_http.h"
#include "watch/output.h"
#include "watch/source.h"
#include "watch/textfile.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
    stop_signal = sig;
}

/* No SA_RESTART: the sleep between samples ends at once. */
static void catch_stop_signals(void)
{
    struct sigaction sa = {.sa_handler = on_stop};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

typedef struct watch {
    const gl_watch_opts *o;
    gl_source source;
    gl_sites sites;
    gl_growth_opts growth;
    gl_watch_out out;
    gl_metrics metrics;
    gl_metrics_server *server;
    gl_warnings warnings;
    int growing;            /* some site grows in the latest sample */
} watch;

static double now_unix(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The metrics of the latest state to wherever they go. A textfile that
 * cannot be written is said once per failure and does not stop the watch. */
static void export_metrics(watch *w)
{
    if (w->o->textfile) {
        size_t len;
        char why[PATH_MAX + 128];
        char *text = gl_metrics_render(&w->metrics, w->o->max_sites, 0, now_unix(), &len);
        if (!text || gl_textfile_write(w->o->textfile, text, len, why, sizeof why) != 0)
            fprintf(stderr, "goleash: watch: %s\n", text ? why : "out of memory");
        free(text);
    }
    gl_metrics copy;
    if (w->server && gl_metrics_copy(&copy, &w->metrics) == 0)
        gl_metrics_server_publish(w->server, &copy);
}

/* Judges one sample's dumps and folds them into the window. */
static int judge_sample(watch *w, gl_dump_list *dumps)
{
    const gl_report_opts *ro = w->o->report;
    gl_rules_opts rules = {.min_park_ns = ro->min_park_ns >= 0 ? ro->min_park_ns : 0, .loose = ro->loose,
                           .ignore_setup = ro->ignore_setup > 0};
    gl_report *r = gl_rules_run(dumps->v, dumps->n, &rules);
    if (!r)
        return -1;
    gl_supp_apply(ro->suppressions, r);
    int rc = gl_sites_add(&w->sites, r, gl_sites_key_flags(r, !ro->loose));
    if (rc == 0) {
        gl_sites_judge(&w->sites, &w->growth);
        gl_metrics_free(&w->metrics);
        rc = gl_metrics_from_sites(&w->metrics, &w->sites);
        w->metrics.goroutines = (int64_t)r->goroutines;
        w->metrics.sampled_at = now_unix();
        w->metrics.samples++;
        gl_watch_out_sample(&w->out, &w->sites, w->sites.taken, r->goroutines, w->metrics.sampled_at,
                            gl_source_name(&w->source));
        w->growing = 0;
        for (gl_site *e = w->sites.table; e; e = e->hh.next)
            w->growing |= e->growth.growing;
    }
    gl_report_free(r);
    return rc;
}

/* One sample: 1 taken, 0 none ready, -1 failed (said why). */
static int take_sample(watch *w)
{
    gl_dump_list dumps = {0};
    /* The first sample's warnings are worth reading; every later one would
     * repeat them. */
    w->warnings.quiet = w->sites.taken > 0;
    gl_watch_out_clear(&w->out);
    int rc = gl_source_next(&w->source, &dumps, &w->warnings);
    if (rc == 1 && judge_sample(w, &dumps) != 0) {
        fprintf(stderr, "goleash: out of memory\n");
        rc = -1;
    }
    gl_dump_list_free(&dumps);
    if (rc < 0)
        w->metrics.errors++;
    if (rc != 0)
        export_metrics(w);
    return rc;
}

static int decided(const watch *w)
{
    return w->o->once && (w->growing || w->sites.taken >= w->o->samples);
}

/* Sleeps until *next (CLOCK_MONOTONIC) and moves it on by the interval,
 * skipping ticks a slow sample overran. 0, or -1 when a signal stops us. */
static int wait_tick(struct timespec *next, int64_t interval_ns)
{
    int64_t at = next->tv_sec * 1000000000LL + next->tv_nsec + interval_ns;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t now_ns = now.tv_sec * 1000000000LL + now.tv_nsec;
    while (at <= now_ns)
        at += interval_ns;
    *next = (struct timespec){.tv_sec = at / 1000000000LL, .tv_nsec = at % 1000000000LL};
    while (!stop_signal) {
        int rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, next, NULL);
        if (rc == 0)
            return 0;
        if (rc != EINTR)
            return -1;
    }
    return -1;
}

/* Samples until a signal, or with --once a verdict or a failed sample. */
static int loop(watch *w)
{
    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    for (;;) {
        int rc;
        do
            rc = take_sample(w);
        while (rc == 1 && gl_source_drains(&w->source) && !decided(w) && !stop_signal);
        if (rc < 0 && w->o->once)
            return GL_EXIT_USAGE;
        if (decided(w)) {
            gl_watch_out_verdict(&w->out, &w->sites, w->growing);
            return w->growing ? GL_EXIT_LEAKS : GL_EXIT_CLEAN;
        }
        if (wait_tick(&next, w->o->interval_ns) != 0) {
            gl_watch_out_clear(&w->out);
            return GL_EXIT_CLEAN;
        }
    }
}

static int start_outputs(watch *w)
{
    const gl_report_opts *ro = w->o->report;
    w->out.f = stdout;
    if (ro->output && !(w->out.f = fopen(ro->output, "w"))) {
        fprintf(stderr, "goleash: watch: %s: %s\n", ro->output, strerror(errno));
        return -1;
    }
    w->out.json = ro->format == GL_FORMAT_JSON;
    w->out.live = !w->out.json && isatty(fileno(w->out.f));
    w->out.samples = w->o->samples;
    if (w->o->listen) {
        char why[512];
        if (!(w->server = gl_metrics_server_start(w->o->listen, w->o->max_sites, why, sizeof why))) {
            fprintf(stderr, "goleash: watch: %s\n", why);
            return -1;
        }
        /* The port matters when it was 0: say where the metrics are. */
        fprintf(stderr, "goleash: watch: metrics on port %u at /metrics\n", gl_metrics_server_port(w->server));
    }
    if (w->o->textfile && access(w->o->textfile, W_OK) != 0) {
        fprintf(stderr, "goleash: watch: --textfile %s: %s\n", w->o->textfile, strerror(errno));
        return -1;
    }
    return 0;
}

int gl_watch(const gl_watch_opts *o, const char *source)
{
    watch w = {.o = o, .growth = {.samples = o->samples, .min_growth = o->min_growth}};
    gl_sites_init(&w.sites, o->window);
    int rc = GL_EXIT_USAGE;
    if (gl_source_open(&w.source, source, o->report->fetch) == 0) {
        if (start_outputs(&w) == 0) {
            catch_stop_signals();
            export_metrics(&w);
            rc = loop(&w);
        }
        gl_source_close(&w.source);
    }
    gl_metrics_server_stop(w.server);
    if (w.out.f && w.out.f != stdout && fclose(w.out.f) != 0 && rc != GL_EXIT_USAGE) {
        fprintf(stderr, "goleash: watch: %s: cannot write\n", o->report->output);
        rc = GL_EXIT_USAGE;
    }
    gl_metrics_free(&w.metrics);
    gl_sites_free(&w.sites);
    gl_warnings_free(&w.warnings);
    return rc;
}
