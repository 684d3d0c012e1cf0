/* The /metrics endpoint (metrics_http.h). */
#include "watch/metrics_http.h"
#include "lazy_lib.h"

#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* libmicrohttpd, opened when a server starts (lazy_lib.h). */
static struct {
    __typeof__(MHD_create_response_from_buffer) *create_response_from_buffer;
    __typeof__(MHD_add_response_header) *add_response_header;
    __typeof__(MHD_queue_response) *queue_response;
    __typeof__(MHD_destroy_response) *destroy_response;
    __typeof__(MHD_lookup_connection_value) *lookup_connection_value;
    __typeof__(MHD_start_daemon) *start_daemon;
    __typeof__(MHD_get_daemon_info) *get_daemon_info;
    __typeof__(MHD_stop_daemon) *stop_daemon;
} mhd;

static const gl_lazy_sym mhd_syms[] = {
    {"MHD_create_response_from_buffer", (void **)&mhd.create_response_from_buffer},
    {"MHD_add_response_header", (void **)&mhd.add_response_header},
    {"MHD_queue_response", (void **)&mhd.queue_response},
    {"MHD_destroy_response", (void **)&mhd.destroy_response},
    {"MHD_lookup_connection_value", (void **)&mhd.lookup_connection_value},
    {"MHD_start_daemon", (void **)&mhd.start_daemon},
    {"MHD_get_daemon_info", (void **)&mhd.get_daemon_info},
    {"MHD_stop_daemon", (void **)&mhd.stop_daemon},
};

static gl_lazy_lib mhd_lib = GL_LAZY_LIB("libmicrohttpd.so.12", mhd_syms);

struct gl_metrics_server {
    struct MHD_Daemon *daemon;
    pthread_mutex_t lock;   /* guards metrics: published by the sampling thread */
    gl_metrics metrics;
    size_t max_sites;
    unsigned port;
};

#define PROMETHEUS_TYPE "text/plain; version=0.0.4; charset=utf-8"
#define OPENMETRICS_TYPE "application/openmetrics-text; version=1.0.0; charset=utf-8"

static double now_unix(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static enum MHD_Result answer(struct MHD_Connection *c, unsigned status, char *body, size_t len,
                              const char *type)
{
    struct MHD_Response *r = mhd.create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(body);
        return MHD_NO;
    }
    mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    enum MHD_Result ok = mhd.queue_response(c, status, r);
    mhd.destroy_response(r);
    return ok;
}

static enum MHD_Result text(struct MHD_Connection *c, unsigned status, const char *msg)
{
    char *body = strdup(msg);
    return body ? answer(c, status, body, strlen(body), "text/plain; charset=utf-8") : MHD_NO;
}

/* Prometheus asks for OpenMetrics in its Accept header; anything else
 * (curl, a browser, node_exporter's parser) gets the text format. */
static int wants_openmetrics(struct MHD_Connection *c)
{
    const char *accept = mhd.lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
    return accept && strstr(accept, "application/openmetrics-text") != NULL;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload, size_t *upload_size, void **state)
{
    (void)version, (void)upload, (void)upload_size, (void)state;
    gl_metrics_server *s = cls;
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "GET /metrics\n");
    if (strcmp(url, "/") == 0)
        return text(c, MHD_HTTP_OK, "goleash watch: the metrics are at /metrics\n");
    if (strcmp(url, "/metrics") != 0)
        return text(c, MHD_HTTP_NOT_FOUND, "not found: the metrics are at /metrics\n");
    int om = wants_openmetrics(c);
    size_t len = 0;
    pthread_mutex_lock(&s->lock);
    char *body = gl_metrics_render(&s->metrics, s->max_sites, om, now_unix(), &len);
    pthread_mutex_unlock(&s->lock);
    if (!body)
        return text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
    return answer(c, MHD_HTTP_OK, body, len, om ? OPENMETRICS_TYPE : PROMETHEUS_TYPE);
}

/* HOST:PORT, [V6]:PORT or :PORT into host (empty: any) and port. */
static int split_addr(const char *addr, char *host, size_t hostlen, const char **port)
{
    const char *colon = strrchr(addr, ':');
    if (!colon || !colon[1])
        return -1;
    const char *h = addr;
    size_t n = (size_t)(colon - addr);
    int bracketed = n >= 2 && h[0] == '[' && h[n - 1] == ']';
    if (bracketed)
        h++, n -= 2;
    /* An IPv6 address without brackets: which colon ends it is a guess. */
    if (n >= hostlen || (!bracketed && memchr(h, ':', n) != NULL))
        return -1;
    memcpy(host, h, n);
    host[n] = 0;
    *port = colon + 1;
    return 0;
}

static struct addrinfo *resolve(const char *addr, char *why, size_t whylen)
{
    char host[256];
    const char *port;
    if (split_addr(addr, host, sizeof host, &port) != 0) {
        snprintf(why, whylen, "--listen %s: want HOST:PORT, [IPV6]:PORT or :PORT", addr);
        return NULL;
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV}, *res = NULL;
    int rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &res);
    if (rc != 0) {
        snprintf(why, whylen, "--listen %s: %s", addr, gai_strerror(rc));
        return NULL;
    }
    return res;
}

gl_metrics_server *gl_metrics_server_start(const char *addr, size_t max_sites, char *why, size_t whylen)
{
    if (gl_lazy_load(&mhd_lib) != 0) {
        snprintf(why, whylen, "--listen %s: %s", addr, mhd_lib.err);
        return NULL;
    }
    struct addrinfo *ai = resolve(addr, why, whylen);
    if (!ai)
        return NULL;
    gl_metrics_server *s = calloc(1, sizeof *s);
    if (!s) {
        freeaddrinfo(ai);
        snprintf(why, whylen, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&s->lock, NULL);
    s->max_sites = max_sites;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | (ai->ai_family == AF_INET6 ? MHD_USE_IPv6 : 0);
    s->daemon = mhd.start_daemon(flags, 0, NULL, NULL, handle, s, MHD_OPTION_SOCK_ADDR, ai->ai_addr,
                                 MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
    freeaddrinfo(ai);
    if (!s->daemon) {
        snprintf(why, whylen, "--listen %s: cannot listen there (in use, or not an address of this host)", addr);
        pthread_mutex_destroy(&s->lock);
        free(s);
        return NULL;
    }
    const union MHD_DaemonInfo *info = mhd.get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : 0;
    return s;
}

unsigned gl_metrics_server_port(const gl_metrics_server *s)
{
    return s->port;
}

void gl_metrics_server_publish(gl_metrics_server *s, gl_metrics *m)
{
    pthread_mutex_lock(&s->lock);
    gl_metrics old = s->metrics;
    s->metrics = *m;
    pthread_mutex_unlock(&s->lock);
    gl_metrics_free(&old);
    *m = (gl_metrics){0};
}

void gl_metrics_server_stop(gl_metrics_server *s)
{
    if (!s)
        return;
    mhd.stop_daemon(s->daemon);
    gl_metrics_free(&s->metrics);
    pthread_mutex_destroy(&s->lock);
    free(s);
}
