/* Unit tests of URLs as inputs (analyzer/readers/fetch.c): a loopback
 * server in a thread answers each connection with a canned response (or
 * holds it unanswered) and records what the client sent, so the request
 * (headers, token, redirects) and every way a fetch fails are checked
 * exactly. */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "readers/fetch.h"
#include "readers/load.h"
#include "../run_suites.h"
#include "../test_data.h"

/* ---- the server --------------------------------------------------------- */

#define MAX_CONN 12
#define STARTS(s, literal) (strncmp(s, literal, sizeof literal - 1) == 0)
#define HOLD NULL /* a response that never comes */

typedef struct canned {
    const char *data; /* HOLD: accept, read the request, answer nothing */
    size_t len;       /* 0: strlen(data) */
} canned;

typedef struct server {
    int fd, port;
    canned replies[MAX_CONN];
    size_t nreplies, served;
    char requests[MAX_CONN][4096];
    char url[64];
    pthread_t thread;
} server;

/* The request's head (up to the blank line) into buf. */
static void read_request(int c, char *buf, size_t size)
{
    size_t n = 0;
    while (n + 1 < size) {
        ssize_t r = recv(c, buf + n, size - 1 - n, 0);
        if (r <= 0)
            break;
        n += (size_t)r;
        buf[n] = 0;
        if (strstr(buf, "\r\n\r\n"))
            break;
    }
    buf[n] = 0;
}

static void *serve(void *arg)
{
    server *s = arg;
    for (size_t i = 0; i < s->nreplies; i++) {
        int c = accept(s->fd, NULL, NULL);
        if (c < 0)
            return NULL;
        read_request(c, s->requests[i], sizeof s->requests[i]);
        s->served = i + 1;
        const canned *r = &s->replies[i];
        if (r->data) {
            size_t len = r->len ? r->len : strlen(r->data);
            for (size_t off = 0; off < len;) {
                ssize_t w = send(c, r->data + off, len - off, MSG_NOSIGNAL);
                if (w <= 0)
                    break;
                off += (size_t)w;
            }
        } else {
            char sink[256];
            while (recv(c, sink, sizeof sink, 0) > 0) /* until the client gives up */
                ;
        }
        close(c);
    }
    return NULL;
}

/* Listening, its port known, no thread yet. */
static void server_listen(server *s)
{
    s->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ck_assert_int_ge(s->fd, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    ck_assert_int_eq(bind(s->fd, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(listen(s->fd, MAX_CONN), 0);
    socklen_t len = sizeof a;
    ck_assert_int_eq(getsockname(s->fd, (struct sockaddr *)&a, &len), 0);
    s->port = ntohs(a.sin_port);
}

static void server_run(server *s)
{
    ck_assert_int_eq(pthread_create(&s->thread, NULL, serve, s), 0);
}

static void server_start(server *s)
{
    server_listen(s);
    server_run(s);
}

static void server_stop(server *s)
{
    shutdown(s->fd, SHUT_RDWR); /* wakes an accept that no client will answer */
    pthread_join(s->thread, NULL);
    close(s->fd);
}

static const char *url_of(server *s, const char *path)
{
    snprintf(s->url, sizeof s->url, "http://127.0.0.1:%d%s", s->port, path);
    return s->url;
}

/* The whole of fd, NUL-terminated, malloc'd. */
static char *slurp_fd(int fd, size_t *len)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    ssize_t r;
    while ((r = read(fd, buf + n, cap - n)) > 0)
        if ((n += (size_t)r) == cap)
            buf = realloc(buf, (cap *= 2) + 1);
    buf[n] = 0;
    *len = n;
    return buf;
}

static const char ok_head[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n";

static char *response(const char *head, const char *body)
{
    char *r;
    ck_assert_int_gt(asprintf(&r, "%sContent-Length: %zu\r\n\r\n%s", head, strlen(body), body), 0);
    return r;
}

static char *write_temp(const char *contents)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/goleash-token.XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, contents, strlen(contents)), (ssize_t)strlen(contents));
    close(fd);
    return path;
}

/* ---- what counts as a URL, and as a header ------------------------------ */

START_TEST(url_detection)
{
    ck_assert_int_eq(gl_fetch_is_url("http://127.0.0.1:6060/debug/pprof/goroutine"), 1);
    ck_assert_int_eq(gl_fetch_is_url("HTTPS://example.com/x"), 1);
    ck_assert_int_eq(gl_fetch_is_url("http:/x"), 0);
    ck_assert_int_eq(gl_fetch_is_url("file:///etc/passwd"), 0);
    ck_assert_int_eq(gl_fetch_is_url("ftp://example.com/dump"), 0);
    ck_assert_int_eq(gl_fetch_is_url("-"), 0);
    ck_assert_int_eq(gl_fetch_is_url("./http://x"), 0);
    ck_assert_int_eq(gl_fetch_is_url("http"), 0);
}
END_TEST

START_TEST(header_shape)
{
    ck_assert_int_eq(gl_fetch_header_ok("X-Scope-OrgID: team-a"), 1);
    ck_assert_int_eq(gl_fetch_header_ok("X-A:b"), 1);
    ck_assert_int_eq(gl_fetch_header_ok("X-Empty:"), 1);
    ck_assert_int_eq(gl_fetch_header_ok("X A: b"), 0);
    ck_assert_int_eq(gl_fetch_header_ok(": b"), 0);
    ck_assert_int_eq(gl_fetch_header_ok("X-A b"), 0);
    ck_assert_int_eq(gl_fetch_header_ok(""), 0);
    ck_assert_int_eq(gl_fetch_header_ok("X-A: b\r\nEvil: 1"), 0);
    ck_assert_int_eq(gl_fetch_header_ok("X-A: b\nEvil: 1"), 0);
}
END_TEST

/* ---- a good fetch ------------------------------------------------------- */

START_TEST(body_and_request)
{
    static const char body[] = "goroutine profile: total 1\n1 @ 0x1\n#\t0x1\tmain.f+0x1\t/x.go:1\n";
    server s = {.nreplies = 1};
    s.replies[0].data = response(ok_head, body);
    server_start(&s);
    gl_diag diag = {0};
    int fd = gl_fetch(url_of(&s, "/debug/pprof/goroutine?debug=1"), NULL, &diag);
    server_stop(&s);
    ck_assert_msg(fd >= 0, "%s", diag.msg);
    size_t len;
    char *got = slurp_fd(fd, &len);
    close(fd);
    ck_assert_uint_eq(len, strlen(body));
    ck_assert_str_eq(got, body);
    ck_assert_msg(STARTS(s.requests[0], "GET /debug/pprof/goroutine?debug=1 HTTP/1.1\r\n"), "%s",
                  s.requests[0]);
    ck_assert_msg(strstr(s.requests[0], "\r\nUser-Agent: goleash/"), "%s", s.requests[0]);
    ck_assert_msg(!strstr(s.requests[0], "Authorization"), "%s", s.requests[0]);
    free(got);
    free((char *)s.replies[0].data);
}
END_TEST

START_TEST(headers_and_bearer_token)
{
    server s = {.nreplies = 1};
    s.replies[0].data = response(ok_head, "x\n");
    server_start(&s);
    const char *headers[] = {"X-Scope-OrgID: team-a", "X-Trace: 1"};
    char *token = write_temp("  s3cret-token.abc\n\n");
    gl_fetch_opts o = {.headers = headers, .nheaders = 2, .bearer_token_file = token};
    gl_diag diag = {0};
    int fd = gl_fetch(url_of(&s, "/"), &o, &diag);
    server_stop(&s);
    unlink(token);
    ck_assert_msg(fd >= 0, "%s", diag.msg);
    close(fd);
    const char *req = s.requests[0];
    ck_assert_msg(strstr(req, "\r\nX-Scope-OrgID: team-a\r\n"), "%s", req);
    ck_assert_msg(strstr(req, "\r\nX-Trace: 1\r\n"), "%s", req);
    ck_assert_msg(strstr(req, "\r\nAuthorization: Bearer s3cret-token.abc\r\n"), "%s", req);
    free((char *)s.replies[0].data);
}
END_TEST

START_TEST(redirect_followed)
{
    static const char body[] = "after the redirect\n";
    server s = {.nreplies = 2};
    s.replies[0].data = "HTTP/1.1 302 Found\r\nLocation: /real?debug=2\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    s.replies[1].data = response(ok_head, body);
    server_start(&s);
    gl_diag diag = {0};
    int fd = gl_fetch(url_of(&s, "/start"), NULL, &diag);
    server_stop(&s);
    ck_assert_msg(fd >= 0, "%s", diag.msg);
    size_t len;
    char *got = slurp_fd(fd, &len);
    close(fd);
    ck_assert_str_eq(got, body);
    ck_assert_uint_eq(s.served, 2);
    ck_assert_msg(STARTS(s.requests[1], "GET /real?debug=2 HTTP/1.1\r\n"), "%s", s.requests[1]);
    free(got);
    free((char *)s.replies[1].data);
}
END_TEST

/* A token is for the host it was given for: a redirect to another host
 * (localhost is another name, to libcurl) does not carry it along; other
 * headers go on. */
START_TEST(token_stays_with_its_host)
{
    server s = {.nreplies = 2};
    char moved[200];
    s.replies[1].data = response(ok_head, "x\n");
    server_listen(&s);
    snprintf(moved, sizeof moved,
             "HTTP/1.1 307 Temporary Redirect\r\nLocation: http://localhost:%d/next\r\nContent-Length: 0\r\n"
             "Connection: close\r\n\r\n",
             s.port);
    s.replies[0].data = moved;
    server_run(&s);
    char *token = write_temp("s3cret\n");
    const char *headers[] = {"X-Trace: 1"};
    gl_fetch_opts o = {.headers = headers, .nheaders = 1, .bearer_token_file = token};
    gl_diag diag = {0};
    int fd = gl_fetch(url_of(&s, "/first"), &o, &diag);
    server_stop(&s);
    unlink(token);
    ck_assert_msg(fd >= 0, "%s", diag.msg);
    close(fd);
    ck_assert_uint_eq(s.served, 2);
    ck_assert_msg(strstr(s.requests[0], "\r\nAuthorization: Bearer s3cret\r\n"), "%s", s.requests[0]);
    ck_assert_msg(STARTS(s.requests[1], "GET /next HTTP/1.1\r\n"), "%s", s.requests[1]);
    ck_assert_msg(strstr(s.requests[1], "\r\nHost: localhost:"), "%s", s.requests[1]);
    ck_assert_msg(!strstr(s.requests[1], "Authorization"), "%s", s.requests[1]);
    ck_assert_msg(strstr(s.requests[1], "\r\nX-Trace: 1\r\n"), "%s", s.requests[1]);
    free((char *)s.replies[1].data);
}
END_TEST

START_TEST(redirects_bounded)
{
    server s = {.nreplies = MAX_CONN};
    static const char loop[] = "HTTP/1.1 302 Found\r\nLocation: /again\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    for (size_t i = 0; i < MAX_CONN; i++)
        s.replies[i].data = loop;
    server_start(&s);
    gl_diag diag = {0};
    const char *url = url_of(&s, "/again");
    int fd = gl_fetch(url, NULL, &diag);
    server_stop(&s);
    ck_assert_int_eq(fd, -1);
    ck_assert_uint_eq(s.served, GL_FETCH_MAX_REDIRECTS + 1);
    char want[600];
    snprintf(want, sizeof want, "goleash: %s: cannot fetch: Maximum (%d) redirects followed", url,
             GL_FETCH_MAX_REDIRECTS);
    ck_assert_str_eq(diag.msg, want);
}
END_TEST

/* ---- failures ----------------------------------------------------------- */

START_TEST(status_with_body)
{
    server s = {.nreplies = 1};
    s.replies[0].data = response("HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\n",
                                 "boom: no profile today\r\nsecond line\n");
    server_start(&s);
    gl_diag diag = {0};
    const char *url = url_of(&s, "/debug/pprof/goroutine");
    int fd = gl_fetch(url, NULL, &diag);
    server_stop(&s);
    ck_assert_int_eq(fd, -1);
    char want[600];
    snprintf(want, sizeof want, "goleash: %s: HTTP 500: boom: no profile today", url);
    ck_assert_str_eq(diag.msg, want);
    ck_assert_int_eq(diag.is_warning, 0);
    free((char *)s.replies[0].data);
}
END_TEST

START_TEST(status_without_body)
{
    server s = {.nreplies = 1};
    s.replies[0].data = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    server_start(&s);
    gl_diag diag = {0};
    const char *url = url_of(&s, "/nothing");
    int fd = gl_fetch(url, NULL, &diag);
    server_stop(&s);
    ck_assert_int_eq(fd, -1);
    char want[600];
    snprintf(want, sizeof want, "goleash: %s: HTTP 404 (and no explanation in the body)", url);
    ck_assert_str_eq(diag.msg, want);
}
END_TEST

START_TEST(long_body_line_cut)
{
    char body[400];
    memset(body, 'e', sizeof body - 1);
    body[sizeof body - 1] = 0;
    server s = {.nreplies = 1};
    s.replies[0].data = response("HTTP/1.1 403 Forbidden\r\nConnection: close\r\n", body);
    server_start(&s);
    gl_diag diag = {0};
    const char *url = url_of(&s, "/");
    int fd = gl_fetch(url, NULL, &diag);
    server_stop(&s);
    ck_assert_int_eq(fd, -1);
    char want[600];
    snprintf(want, sizeof want, "goleash: %s: HTTP 403: %.160s...", url, body);
    ck_assert_str_eq(diag.msg, want);
    free((char *)s.replies[0].data);
}
END_TEST

START_TEST(connection_refused)
{
    /* A port that was just free: bound, then closed again. */
    server s = {0};
    s.fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    ck_assert_int_eq(bind(s.fd, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(getsockname(s.fd, (struct sockaddr *)&a, &len), 0);
    s.port = ntohs(a.sin_port);
    close(s.fd);
    const char *url = url_of(&s, "/debug/pprof/goroutine");
    char want[600];
    gl_diag diag = {0};
    ck_assert_int_eq(gl_fetch(url, NULL, &diag), -1);
    snprintf(want, sizeof want, "goleash: %s: cannot fetch: Failed to connect to 127.0.0.1 port %d", url, s.port);
    ck_assert_msg(strncmp(diag.msg, want, strlen(want)) == 0, "%s", diag.msg);
    ck_assert_msg(strstr(diag.msg, "Couldn't connect to server"), "%s", diag.msg);
}
END_TEST

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

START_TEST(silent_server_times_out)
{
    server s = {.nreplies = 1};
    s.replies[0].data = HOLD;
    server_start(&s);
    gl_fetch_opts o = {.timeout_ns = 300 * 1000000LL};
    gl_diag diag = {0};
    const char *url = url_of(&s, "/");
    double t0 = now();
    int fd = gl_fetch(url, &o, &diag);
    double took = now() - t0;
    server_stop(&s);
    ck_assert_int_eq(fd, -1);
    ck_assert_msg(took >= 0.29 && took < 2.0, "took %.2fs", took);
    char want[600];
    snprintf(want, sizeof want, "goleash: %s: no complete response within 300ms (--timeout): Operation timed out", url);
    ck_assert_msg(strncmp(diag.msg, want, strlen(want)) == 0, "%s", diag.msg);
}
END_TEST

/* The bound holds whether the server announces the length or not. */
START_TEST(body_bound)
{
    char body[101];
    memset(body, 'x', 100);
    body[100] = 0;
    char *chunked;
    ck_assert_int_gt(asprintf(&chunked, "%s\r\n%s", ok_head, body), 0); /* no length: until the close */
    server s = {.nreplies = 1};
    s.replies[0].data = _i == 0 ? response(ok_head, body) : chunked;
    server_start(&s);
    gl_fetch_opts o = {.max_bytes = 64};
    gl_diag diag = {0};
    const char *url = url_of(&s, "/");
    char want[600];
    int fd = gl_fetch(url, &o, &diag);
    server_stop(&s);
    ck_assert_int_eq(fd, -1);
    snprintf(want, sizeof want, "goleash: %s: the response is larger than 64 bytes", url);
    ck_assert_str_eq(diag.msg, want);
    if (_i == 0)
        free((char *)s.replies[0].data);
    free(chunked);
}
END_TEST

START_TEST(body_at_the_bound)
{
    server s = {.nreplies = 1};
    s.replies[0].data = response(ok_head, "0123456789");
    server_start(&s);
    gl_fetch_opts o = {.max_bytes = 10};
    gl_diag diag = {0};
    int fd = gl_fetch(url_of(&s, "/"), &o, &diag);
    server_stop(&s);
    ck_assert_msg(fd >= 0, "%s", diag.msg);
    close(fd);
    free((char *)s.replies[0].data);
}
END_TEST

START_TEST(token_file_errors)
{
    /* Nothing listens on port 9 of loopback, and nothing is asked: the
     * token is read before any connection. */
    static const char *const contents[] = {" \n\t\n", "first\nsecond\n"};
    static const char *const why[] = {"the bearer token file is empty", "the bearer token file holds more than one line"};
    gl_diag diag = {0};
    gl_fetch_opts o = {.bearer_token_file = "/nonexistent/token"};
    ck_assert_int_eq(gl_fetch("http://127.0.0.1:9/", &o, &diag), -1);
    ck_assert_str_eq(diag.msg, "goleash: /nonexistent/token: cannot read the bearer token (--bearer-token-file): "
                               "No such file or directory");
    for (int i = 0; i < 2; i++) {
        char *path = write_temp(contents[i]), want[200];
        o.bearer_token_file = path;
        ck_assert_int_eq(gl_fetch("http://127.0.0.1:9/", &o, &diag), -1);
        snprintf(want, sizeof want, "goleash: %s: %s", path, why[i]);
        ck_assert_str_eq(diag.msg, want);
        unlink(path);
    }
}
END_TEST

/* ---- through the loader: the body is sniffed like a file ---------------- */

/* A 200 response with the data file name as its body (any bytes). */
static char *file_response(const char *name, size_t *len)
{
    FILE *f = fopen(gl_test_data_path(name), "rb");
    ck_assert_msg(f != NULL, "%s", gl_test_data_path(name));
    static char body[1 << 20];
    size_t n = fread(body, 1, sizeof body, f);
    fclose(f);
    char *r = malloc(sizeof ok_head + 64 + n);
    int h = sprintf(r, "%sContent-Length: %zu\r\n\r\n", ok_head, n);
    memcpy(r + h, body, n);
    *len = (size_t)h + n;
    return r;
}

START_TEST(loaded_like_a_file)
{
    static const char *const files[] = {"gc119_debug1.txt", "gc119_debug0.pb.gz"};
    static const char *const sources[] = {"pprof-debug1", "pprof-proto"};
    server s = {.nreplies = 1};
    char *r = file_response(files[_i], &s.replies[0].len);
    s.replies[0].data = r;
    server_start(&s);
    const char *url = url_of(&s, "/debug/pprof/goroutine");
    gl_dump_list l = {0};
    gl_diag diag;
    int rc = gl_load_dumps(url, &l, &diag);
    server_stop(&s);
    ck_assert_msg(rc == 0, "%s", diag.msg);
    ck_assert_uint_eq(l.n, 1);
    ck_assert_str_eq(l.v[0]->path, url);
    ck_assert_str_eq(l.v[0]->source, sources[_i]);
    ck_assert_uint_gt(l.v[0]->ngoroutines, 0);
    gl_dump_list_free(&l);
    free(r);
}
END_TEST

START_TEST(garbage_is_no_dump)
{
    server s = {.nreplies = 1};
    s.replies[0].data = response(ok_head, "<html><body>Hello, world</body></html>\n");
    server_start(&s);
    const char *url = url_of(&s, "/");
    char want[600];
    gl_dump_list l = {0};
    gl_diag diag;
    ck_assert_int_eq(gl_load_dumps(url, &l, &diag), -1);
    server_stop(&s);
    ck_assert_uint_eq(l.n, 0);
    snprintf(want, sizeof want, "goleash: %s: no goroutine dump found", url);
    ck_assert_msg(strncmp(diag.msg, want, strlen(want)) == 0, "%s", diag.msg);
    free((char *)s.replies[0].data);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fetch");
    TCase *shape = tcase_create("shape");
    tcase_add_test(shape, url_detection);
    tcase_add_test(shape, header_shape);
    suite_add_tcase(s, shape);
    TCase *good = tcase_create("good");
    tcase_add_test(good, body_and_request);
    tcase_add_test(good, headers_and_bearer_token);
    tcase_add_test(good, redirect_followed);
    tcase_add_test(good, token_stays_with_its_host);
    tcase_add_test(good, body_at_the_bound);
    tcase_add_loop_test(good, loaded_like_a_file, 0, 2);
    suite_add_tcase(s, good);
    TCase *bad = tcase_create("bad");
    tcase_set_timeout(bad, 20);
    tcase_add_test(bad, redirects_bounded);
    tcase_add_test(bad, status_with_body);
    tcase_add_test(bad, status_without_body);
    tcase_add_test(bad, long_body_line_cut);
    tcase_add_test(bad, connection_refused);
    tcase_add_test(bad, silent_server_times_out);
    tcase_add_loop_test(bad, body_bound, 0, 2);
    tcase_add_test(bad, token_file_errors);
    tcase_add_test(bad, garbage_is_no_dump);
    suite_add_tcase(s, bad);
    return gl_run_suites(GL_SUITES(s), CK_NORMAL, 0);
}
