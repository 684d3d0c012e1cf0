/* `goleash watch --listen ADDR`: /metrics over HTTP (libmicrohttpd, its
 * own thread), rendered at each scrape from the latest sample's metrics. */
#ifndef GOLEASH_WATCH_METRICS_HTTP_H
#define GOLEASH_WATCH_METRICS_HTTP_H

#include <stddef.h>

#include "watch/metrics.h"

typedef struct gl_metrics_server gl_metrics_server;

/* addr: HOST:PORT, [IPV6]:PORT or :PORT (every address); port 0 picks a
 * free one (gl_metrics_server_port says which). NULL with why when the
 * address is bad or cannot be bound. */
gl_metrics_server *gl_metrics_server_start(const char *addr, size_t max_sites, char *why, size_t whylen);

/* The port it listens on. */
unsigned gl_metrics_server_port(const gl_metrics_server *s);

/* Serves m from now on; takes what m holds (m is emptied). */
void gl_metrics_server_publish(gl_metrics_server *s, gl_metrics *m);

/* Stops serving (waits for a scrape being answered) and frees s. */
void gl_metrics_server_stop(gl_metrics_server *s);

#endif
