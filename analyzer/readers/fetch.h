/* An input given as an http:// or https:// URL: a service's pprof goroutine
 * endpoint (net/http/pprof), fetched whole with libcurl into an anonymous
 * in-memory file that the input layer then reads like any file, so the body
 * goes through the same format detection (traceback text, debug=1 text,
 * protobuf, gzip'd or not). Proxies come from the environment as libcurl
 * reads them (http_proxy, https_proxy, all_proxy, no_proxy). */
#ifndef GOLEASH_FETCH_H
#define GOLEASH_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include "format/dump_read.h"

#define GL_FETCH_DEFAULT_TIMEOUT_NS (30 * (int64_t)1000000000)
#define GL_FETCH_DEFAULT_MAX_BYTES ((uint64_t)1 << 30)
#define GL_FETCH_MAX_REDIRECTS 10

typedef struct gl_fetch_opts {
    int64_t timeout_ns;             /* the whole transfer; 0: GL_FETCH_DEFAULT_TIMEOUT_NS */
    const char *const *headers;     /* "Name: value" each, sent as given */
    size_t nheaders;
    const char *bearer_token_file;  /* NULL: none; else `Authorization: Bearer <its contents, trimmed>` */
    uint64_t max_bytes;             /* the body's bound; 0: GL_FETCH_DEFAULT_MAX_BYTES */
} gl_fetch_opts;

/* 1 when arg starts with http:// or https:// (any case). */
int gl_fetch_is_url(const char *arg);

/* 1 when h is a header --header may send: `Name: value`, the name an HTTP
 * token, no line breaks anywhere. */
int gl_fetch_header_ok(const char *h);

/* GETs url (redirects followed, at most GL_FETCH_MAX_REDIRECTS) and returns
 * a file descriptor holding the body, at offset 0; the caller closes it. o
 * NULL: the defaults. Returns -1 with diag set (`goleash: URL: why`) when
 * the transfer fails, takes longer than the timeout, answers other than 2xx
 * (the status and the body's first line are named), or the body outgrows
 * its bound. */
int gl_fetch(const char *url, const gl_fetch_opts *o, gl_diag *diag);

#endif
