/* gen_gcdump: writes a synthetic but realistic goroutine dump in the text
 * format of the gc toolchain's runtime (Go 1.21+), for benchmarking
 * `goleash report` on standard Go dumps.
 *
 *   gen_gcdump -n GOROUTINES -o FILE [-z] [-s SEED] [-k SHAPES] [-l LEAKPCT]
 *              [--style stack|sigquit]
 *
 * --style stack (default) is what runtime.Stack(buf, true) and
 * /debug/pprof/goroutine?debug=2 print: runtime frames hidden, no fp/sp/pc.
 * --style sigquit is what a SIGQUIT with GOTRACEBACK=all prints: a
 * "SIGQUIT: quit" header, runtime frames, fp=/sp=/pc= on every frame,
 * runtime.goexit at the bottom, a few system goroutines and the register
 * dump at the end.
 *
 * The output is a pure function of (N, seed, shapes, leak%, style). Every
 * goroutine is drawn from a catalogue of stack "shapes" (one code path: same
 * functions, lines and offsets) with a Zipf-like long tail; only the argument
 * words, goroutine ids, wait minutes and "in goroutine N" of creators vary,
 * as they do between goroutines of one site in a real dump. LEAKPCT percent
 * of the goroutines sit at four planted leak sites (three in chan receive,
 * one in chan send), parked for at least one minute.
 *
 * Written for speed (the 1M-goroutine file is ~1 GB): each shape is compiled
 * once into literal runs and typed holes, and a goroutine is rendered by
 * copying runs into a large buffer and formatting the holes by hand. -z
 * pipes the text through `gzip -1`, which runs in its own process.
 *
 * A summary line (goroutines, bytes, shapes used, planted leaks) goes to
 * stderr, and with -m FILE as key=value lines to FILE. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- random numbers: splitmix64, deterministic across platforms --------- */
static uint64_t rng_state;
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static unsigned rnd_below(unsigned n) { return (unsigned)((rnd() >> 32) * n >> 32); }
static double rnd_unit(void) { return (double)(rnd() >> 11) * (1.0 / 9007199254740992.0); }
static int rnd_in(int lo, int hi) { return lo + (int)rnd_below((unsigned)(hi - lo + 1)); }

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("gen_gcdump: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p)
        die("out of memory");
    return p;
}

/* ---- frame catalogue ------------------------------------------------------
 * Argument templates use marker characters for the words that differ per
 * goroutine: '@' heap pointer, '#' heap pointer printed as uncertain ("?"),
 * '!' off-heap (mmap) pointer, '%' small integer, '&' small integer with "?".
 * '$' is a type or itab word: an address in the binary, fixed per call site.
 * Everything else is literal. args NULL means an inlined frame "(...)". */
enum { RT = 1 }; /* runtime frame: printed only in the sigquit style */

typedef struct {
    const char *fn, *file;
    int line, off;
    const char *args;
    int flags;
} frame;

#define GOROOT "/usr/local/go/src/"
#define MOD "/root/go/pkg/mod/"
#define APP "/src/orders/"

#define GOPARK {"runtime.gopark", GOROOT "runtime/proc.go", 402, 0xce, "(#, #, &, &, #)", RT}
#define GOPARKUNLOCK {"runtime.goparkunlock", GOROOT "runtime/proc.go", 408, 0, NULL, RT}

/* Leaves: what a goroutine blocked in a given way has at the top. */
static const frame leaf_chanrecv[] = {GOPARK,
    {"runtime.chanrecv", GOROOT "runtime/chan.go", 583, 0x3cd, "(@, 0x0, 0x1)", RT},
    {"runtime.chanrecv1", GOROOT "runtime/chan.go", 442, 0x12, "(#, #)", RT}, {0}};
static const frame leaf_chanrecv2[] = {GOPARK,
    {"runtime.chanrecv", GOROOT "runtime/chan.go", 583, 0x3cd, "(@, @, 0x1)", RT},
    {"runtime.chanrecv2", GOROOT "runtime/chan.go", 447, 0x12, "(#, #)", RT}, {0}};
static const frame leaf_chansend[] = {GOPARK,
    {"runtime.chansend", GOROOT "runtime/chan.go", 259, 0x38e, "(@, @, 0x1, 0x0?)", RT},
    {"runtime.chansend1", GOROOT "runtime/chan.go", 145, 0x17, "(#, #)", RT}, {0}};
static const frame leaf_select[] = {GOPARK,
    {"runtime.selectgo", GOROOT "runtime/select.go", 327, 0x7be, "(@, @, #, 0x0, &, 0x1)", RT}, {0}};
static const frame leaf_selectnc[] = {GOPARK,
    {"runtime.block", GOROOT "runtime/select.go", 103, 0x25, "()", RT}, {0}};
static const frame leaf_sleep[] = {GOPARK,
    {"time.Sleep", GOROOT "runtime/time.go", 195, 0x126, "(0x3b9aca00)", 0}, {0}};
static const frame leaf_mutex[] = {GOPARK, GOPARKUNLOCK,
    {"runtime.semacquire1", GOROOT "runtime/sema.go", 160, 0x218, "(@, 0x0?, 0x3, 0x1, 0x15)", RT},
    {"sync.runtime_SemacquireMutex", GOROOT "runtime/sema.go", 77, 0x25, "(#, 0x0?, &)", 0},
    {"sync.(*Mutex).lockSlow", GOROOT "sync/mutex.go", 171, 0x15d, "(@)", 0},
    {"sync.(*Mutex).Lock", GOROOT "sync/mutex.go", 90, 0, NULL, 0}, {0}};
static const frame leaf_rlock[] = {GOPARK, GOPARKUNLOCK,
    {"runtime.semacquire1", GOROOT "runtime/sema.go", 160, 0x218, "(@, 0x0?, 0x1, 0x0, 0x17)", RT},
    {"sync.runtime_SemacquireRWMutexR", GOROOT "runtime/sema.go", 82, 0x25, "(#, 0x0?, &)", 0},
    {"sync.(*RWMutex).RLock", GOROOT "sync/rwmutex.go", 71, 0, NULL, 0}, {0}};
static const frame leaf_wg[] = {GOPARK, GOPARKUNLOCK,
    {"runtime.semacquire1", GOROOT "runtime/sema.go", 160, 0x218, "(@, 0x0?, 0x0, 0x0, 0x0?)", RT},
    {"sync.runtime_Semacquire", GOROOT "runtime/sema.go", 62, 0x25, "(#)", 0},
    {"sync.(*WaitGroup).Wait", GOROOT "sync/waitgroup.go", 116, 0x48, "(@)", 0}, {0}};
static const frame leaf_cond[] = {GOPARK, GOPARKUNLOCK,
    {"runtime.notifyListWait", GOROOT "runtime/sema.go", 587, 0x13a, "(@, &)", RT},
    {"sync.runtime_notifyListWait", GOROOT "runtime/sema.go", 569, 0x13a, "(@, &)", 0},
    {"sync.(*Cond).Wait", GOROOT "sync/cond.go", 70, 0x85, "(@)", 0}, {0}};
#define POLLWAIT GOPARK, \
    {"runtime.netpollblock", GOROOT "runtime/netpoll.go", 564, 0xf7, "(#, &, 0x0?)", RT}, \
    {"internal/poll.runtime_pollWait", GOROOT "runtime/netpoll.go", 343, 0x85, "(!, 0x72)", 0}, \
    {"internal/poll.(*pollDesc).wait", GOROOT "internal/poll/fd_poll_runtime.go", 84, 0x27, "(@, #, 0x0)", 0}, \
    {"internal/poll.(*pollDesc).waitRead", GOROOT "internal/poll/fd_poll_runtime.go", 89, 0, NULL, 0}
static const frame leaf_ioread[] = {POLLWAIT,
    {"internal/poll.(*FD).Read", GOROOT "internal/poll/fd_unix.go", 164, 0x27a, "(@, {@, 0x1000, 0x1000})", 0},
    {"net.(*netFD).Read", GOROOT "net/fd_posix.go", 55, 0x25, "(@, {@?, 0x1000?, 0x1000?})", 0},
    {"net.(*conn).Read", GOROOT "net/net.go", 179, 0x45, "(@, {@?, 0x1000?, 0x1000?})", 0}, {0}};
static const frame leaf_tlsread[] = {POLLWAIT,
    {"internal/poll.(*FD).Read", GOROOT "internal/poll/fd_unix.go", 164, 0x27a, "(@, {@, 0x205, 0x205})", 0},
    {"net.(*netFD).Read", GOROOT "net/fd_posix.go", 55, 0x25, "(@, {@?, 0x205?, 0x205?})", 0},
    {"net.(*conn).Read", GOROOT "net/net.go", 179, 0x45, "(@, {@?, 0x205?, 0x205?})", 0},
    {"crypto/tls.(*atLeastReader).Read", GOROOT "crypto/tls/conn.go", 805, 0x3b, "(@, {@?, 0x0?, #})", 0},
    {"bytes.(*Buffer).ReadFrom", GOROOT "bytes/buffer.go", 211, 0x98, "(@, {$, @})", 0},
    {"crypto/tls.(*Conn).readFromUntil", GOROOT "crypto/tls/conn.go", 827, 0xde, "(@, {$, @}, #)", 0},
    {"crypto/tls.(*Conn).readRecordOrCCS", GOROOT "crypto/tls/conn.go", 625, 0x3cf, "(@, 0x0)", 0},
    {"crypto/tls.(*Conn).readRecord", GOROOT "crypto/tls/conn.go", 587, 0, NULL, 0},
    {"crypto/tls.(*Conn).Read", GOROOT "crypto/tls/conn.go", 1369, 0x158, "(@, {@, 0x1000, #})", 0}, {0}};
static const frame leaf_accept[] = {POLLWAIT,
    {"internal/poll.(*FD).Accept", GOROOT "internal/poll/fd_unix.go", 611, 0x2d7, "(@)", 0},
    {"net.(*netFD).accept", GOROOT "net/fd_unix.go", 172, 0x29, "(@)", 0},
    {"net.(*TCPListener).accept", GOROOT "net/tcpsock_posix.go", 152, 0x1e, "(@)", 0},
    {"net.(*TCPListener).Accept", GOROOT "net/tcpsock.go", 315, 0x30, "(@)", 0}, {0}};
static const frame leaf_syscall[] = {
    {"syscall.Syscall", GOROOT "syscall/syscall_linux.go", 69, 0x25, "(0x0, 0x9, @, 0x8000)", 0},
    {"syscall.read", GOROOT "syscall/zsyscall_linux_amd64.go", 721, 0x38, "(@?, {@?, 0x8000?, 0x8000?})", 0},
    {"syscall.Read", GOROOT "syscall/syscall_unix.go", 181, 0, NULL, 0},
    {"internal/poll.ignoringEINTRIO", GOROOT "internal/poll/fd_unix.go", 736, 0, NULL, 0},
    {"internal/poll.(*FD).Read", GOROOT "internal/poll/fd_unix.go", 160, 0x2ae, "(@, {@, 0x8000, 0x8000})", 0},
    {"os.(*File).read", GOROOT "os/file_posix.go", 29, 0, NULL, 0},
    {"os.(*File).Read", GOROOT "os/file.go", 118, 0x52, "(@, {@?, 0x8000?, 0x8000?})", 0}, {0}};
static const frame leaf_runnable[] = {
    {"encoding/json.(*encodeState).string", GOROOT "encoding/json/encode.go", 1060, 0x8a, "(@, {@, 0x24}, 0x0)", 0},
    {"encoding/json.stringEncoder", GOROOT "encoding/json/encode.go", 605, 0x2b6, "(@, {$?, @?, #}, {0x0?, 0x0?})", 0},
    {"encoding/json.structEncoder.encode", GOROOT "encoding/json/encode.go", 759, 0x1f4, "({{@, 0x7, 0x8}, #}, @, {$?, @?, 0x199?}, {0x0, 0x1})", 0},
    {"encoding/json.arrayEncoder.encode", GOROOT "encoding/json/encode.go", 900, 0xb1, "({#}, @, {$?, @?, 0x97?}, {0x0?, 0x0?})", 0},
    {"encoding/json.(*encodeState).reflectValue", GOROOT "encoding/json/encode.go", 323, 0x73, "(@?, {$?, @?, #}, {0x0?, 0x0?})", 0},
    {"encoding/json.(*encodeState).marshal", GOROOT "encoding/json/encode.go", 295, 0xf1, "(@, {$?, @?}, {0x0?, 0x0?})", 0},
    {"encoding/json.(*Encoder).Encode", GOROOT "encoding/json/stream.go", 209, 0xd1, "(@, {$, @})", 0}, {0}};
static const frame leaf_none[] = {{0}};

/* Library frames below the application frames (callee first). */
static const frame bot_http_handler[] = {
    {"net/http.HandlerFunc.ServeHTTP", GOROOT "net/http/server.go", 2166, 0x29, "(#, {$, @}, @)", 0},
    {"github.com/go-chi/chi/v5.(*Mux).routeHTTP", MOD "github.com/go-chi/chi/v5@v5.0.12/mux.go", 459, 0x2b9, "(@, {$, @}, @)", 0},
    {"net/http.HandlerFunc.ServeHTTP", GOROOT "net/http/server.go", 2166, 0x29, "(#, {$, @}, #)", 0},
    {"github.com/go-chi/chi/v5/middleware.Recoverer.func1", MOD "github.com/go-chi/chi/v5@v5.0.12/middleware/recoverer.go", 45, 0x6e, "({$, @}, @)", 0},
    {"net/http.HandlerFunc.ServeHTTP", GOROOT "net/http/server.go", 2166, 0x29, "(#, {$, @}, #)", 0},
    {"github.com/go-chi/chi/v5.(*Mux).ServeHTTP", MOD "github.com/go-chi/chi/v5@v5.0.12/mux.go", 90, 0x30d, "(@, {$, @}, @)", 0},
    {"net/http.serverHandler.ServeHTTP", GOROOT "net/http/server.go", 3137, 0x8e, "({@?}, {$?, @?}, #)", 0},
    {"net/http.(*conn).serve", GOROOT "net/http/server.go", 2039, 0x5e8, "(@, {$, @})", 0}, {0}};
static const frame bot_http_conn[] = {
    {"net/http.(*connReader).Read", GOROOT "net/http/server.go", 789, 0x14b, "(@, {@, 0x1000, 0x1000})", 0},
    {"bufio.(*Reader).fill", GOROOT "bufio/bufio.go", 113, 0x103, "(@)", 0},
    {"bufio.(*Reader).Peek", GOROOT "bufio/bufio.go", 151, 0x53, "(@, 0x4)", 0},
    {"net/http.(*conn).serve", GOROOT "net/http/server.go", 2044, 0x75c, "(@, {$, @})", 0}, {0}};
static const frame bot_persist_read[] = {
    {"bufio.(*Reader).fill", GOROOT "bufio/bufio.go", 113, 0x103, "(@)", 0},
    {"bufio.(*Reader).Peek", GOROOT "bufio/bufio.go", 151, 0x53, "(@, 0x1)", 0},
    {"net/http.(*persistConn).readLoop", GOROOT "net/http/transport.go", 2205, 0x185, "(@)", 0}, {0}};
static const frame bot_persist_write[] = {
    {"net/http.(*persistConn).writeLoop", GOROOT "net/http/transport.go", 2421, 0xf0, "(@)", 0}, {0}};
static const frame bot_http2_reader[] = {
    {"bufio.(*Reader).Read", GOROOT "bufio/bufio.go", 244, 0x197, "(@, {@, 0x9, #})", 0},
    {"io.ReadAtLeast", GOROOT "io/io.go", 335, 0x90, "({$, @}, {@, 0x9, 0x9}, 0x9)", 0},
    {"io.ReadFull", GOROOT "io/io.go", 354, 0, NULL, 0},
    {"golang.org/x/net/http2.readFrameHeader", MOD "golang.org/x/net@v0.22.0/http2/frame.go", 237, 0x65, "({@, 0x9?, 0x9?}, {$?, @?})", 0},
    {"golang.org/x/net/http2.(*Framer).ReadFrame", MOD "golang.org/x/net@v0.22.0/http2/frame.go", 498, 0x85, "(@)", 0},
    {"google.golang.org/grpc/internal/transport.(*http2Client).reader", MOD "google.golang.org/grpc@v1.62.1/internal/transport/http2_client.go", 1634, 0x1e9, "(@, {$, @})", 0}, {0}};
static const frame bot_grpc_loopy[] = {
    {"google.golang.org/grpc/internal/transport.(*controlBuffer).get", MOD "google.golang.org/grpc@v1.62.1/internal/transport/controlbuf.go", 418, 0x115, "(@, 0x1)", 0},
    {"google.golang.org/grpc/internal/transport.(*loopyWriter).run", MOD "google.golang.org/grpc@v1.62.1/internal/transport/controlbuf.go", 552, 0x91, "(@)", 0},
    {"google.golang.org/grpc/internal/transport.newHTTP2Client.func6", MOD "google.golang.org/grpc@v1.62.1/internal/transport/http2_client.go", 467, 0x85, "()", 0}, {0}};
static const frame bot_grpc_keepalive[] = {
    {"google.golang.org/grpc/internal/transport.(*http2Server).keepalive", MOD "google.golang.org/grpc@v1.62.1/internal/transport/http2_server.go", 1189, 0x225, "(@)", 0}, {0}};
static const frame bot_grpc_serializer[] = {
    {"google.golang.org/grpc/internal/grpcsync.(*CallbackSerializer).run", MOD "google.golang.org/grpc@v1.62.1/internal/grpcsync/callback_serializer.go", 83, 0x115, "(@, {$, @})", 0}, {0}};
static const frame bot_grpc_handler[] = {
    {"google.golang.org/grpc.getChainUnaryHandler.func1", MOD "google.golang.org/grpc@v1.62.1/server.go", 1203, 0xb2, "({$, @}, {$, @})", 0},
    {"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/logging.UnaryServerInterceptor.func1", MOD "github.com/grpc-ecosystem/go-grpc-middleware/v2@v2.1.0/interceptors/server.go", 22, 0x27c, "({$, @}, {$, @}, @, @)", 0},
    {"google.golang.org/grpc.getChainUnaryHandler.func1", MOD "google.golang.org/grpc@v1.62.1/server.go", 1203, 0xb2, "({$, @}, {$, @})", 0},
    {"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/recovery.UnaryServerInterceptor.func1", MOD "github.com/grpc-ecosystem/go-grpc-middleware/v2@v2.1.0/interceptors/recovery/interceptors.go", 33, 0xd5, "({$?, @?}, {$?, @?}, #, #)", 0},
    {"google.golang.org/grpc.getChainUnaryHandler.func1", MOD "google.golang.org/grpc@v1.62.1/server.go", 1203, 0xb2, "({$, @}, {$, @})", 0},
    {"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc.UnaryServerInterceptor.func1", MOD "go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc@v0.49.0/interceptor.go", 344, 0x6a7, "({$, @}, {$, @}, @, @)", 0},
    {"google.golang.org/grpc.chainUnaryInterceptors.func1", MOD "google.golang.org/grpc@v1.62.1/server.go", 1194, 0x8f, "({$, @}, {$, @}, @, #)", 0},
    {"example.com/acme/orders/gen/orderspb._Orders_GetOrder_Handler", APP "gen/orderspb/orders_grpc.pb.go", 194, 0x169, "({$?, @?}, {$, @}, @, @)", 0},
    {"google.golang.org/grpc.(*Server).processUnaryRPC", MOD "google.golang.org/grpc@v1.62.1/server.go", 1386, 0xdf8, "(@, {$, @}, {$, @}, @, @, $, 0x0)", 0},
    {"google.golang.org/grpc.(*Server).handleStream", MOD "google.golang.org/grpc@v1.62.1/server.go", 1797, 0xfec, "(@, {$, @}, @)", 0},
    {"google.golang.org/grpc.(*Server).serveStreams.func2.1", MOD "google.golang.org/grpc@v1.62.1/server.go", 1027, 0x8b, "()", 0}, {0}};
static const frame bot_sql_query[] = {
    {"github.com/jackc/pgx/v5/pgproto3.(*chunkReader).Next", MOD "github.com/jackc/pgx/v5@v5.5.5/pgproto3/chunkreader.go", 88, 0x2c8, "(@, 0x5)", 0},
    {"github.com/jackc/pgx/v5/pgproto3.(*Frontend).Receive", MOD "github.com/jackc/pgx/v5@v5.5.5/pgproto3/frontend.go", 311, 0x41, "(@)", 0},
    {"github.com/jackc/pgx/v5/pgconn.(*PgConn).peekMessage", MOD "github.com/jackc/pgx/v5@v5.5.5/pgconn/pgconn.go", 528, 0x14d, "(@)", 0},
    {"github.com/jackc/pgx/v5/pgconn.(*PgConn).receiveMessage", MOD "github.com/jackc/pgx/v5@v5.5.5/pgconn/pgconn.go", 548, 0x1c, "(@)", 0},
    {"github.com/jackc/pgx/v5/pgconn.(*ResultReader).receiveMessage", MOD "github.com/jackc/pgx/v5@v5.5.5/pgconn/pgconn.go", 1490, 0x3d, "(@)", 0},
    {"github.com/jackc/pgx/v5/pgconn.(*ResultReader).NextRow", MOD "github.com/jackc/pgx/v5@v5.5.5/pgconn/pgconn.go", 1403, 0x45, "(@)", 0},
    {"github.com/jackc/pgx/v5/stdlib.(*Rows).Next", MOD "github.com/jackc/pgx/v5@v5.5.5/stdlib/sql.go", 766, 0x55, "(@, {@, 0x6, 0x6})", 0},
    {"database/sql.(*Rows).nextLocked", GOROOT "database/sql/sql.go", 3019, 0x1f4, "(@)", 0},
    {"database/sql.(*Rows).Next.func1", GOROOT "database/sql/sql.go", 2994, 0x29, "()", 0},
    {"database/sql.withLock", GOROOT "database/sql/sql.go", 3502, 0x82, "({$, @}, @)", 0},
    {"database/sql.(*Rows).Next", GOROOT "database/sql/sql.go", 2993, 0x85, "(@)", 0}, {0}};
static const frame bot_sql_conn[] = {
    {"database/sql.(*DB).conn", GOROOT "database/sql/sql.go", 1339, 0x72e, "(@, {$, @}, 0x1)", 0},
    {"database/sql.(*DB).query", GOROOT "database/sql/sql.go", 1723, 0x57, "(@, {$, @}, {@, 0x3a}, {@, 0x1, 0x1}, 0x0?)", 0},
    {"database/sql.(*DB).QueryContext.func1", GOROOT "database/sql/sql.go", 1706, 0x4f, "(0x0?)", 0},
    {"database/sql.(*DB).retry", GOROOT "database/sql/sql.go", 1538, 0x42, "(@?, #)", 0},
    {"database/sql.(*DB).QueryContext", GOROOT "database/sql/sql.go", 1705, 0xc5, "(@, {$, @}, {@, 0x3a}, {@, 0x1, 0x1})", 0}, {0}};
static const frame bot_sql_opener[] = {
    {"database/sql.(*DB).connectionOpener", GOROOT "database/sql/sql.go", 1218, 0x87, "(@, {$, @})", 0}, {0}};
static const frame bot_redis[] = {
    {"github.com/redis/go-redis/v9/internal/pool.(*ConnPool).waitTurn", MOD "github.com/redis/go-redis/v9@v9.5.1/internal/pool/pool.go", 366, 0x196, "(@, {$, @})", 0},
    {"github.com/redis/go-redis/v9/internal/pool.(*ConnPool).Get", MOD "github.com/redis/go-redis/v9@v9.5.1/internal/pool/pool.go", 275, 0x4a, "(@, {$, @})", 0},
    {"github.com/redis/go-redis/v9.(*baseClient)._getConn", MOD "github.com/redis/go-redis/v9@v9.5.1/redis.go", 253, 0x46, "(@, {$, @})", 0},
    {"github.com/redis/go-redis/v9.(*baseClient).getConn", MOD "github.com/redis/go-redis/v9@v9.5.1/redis.go", 237, 0x85, "(@, {$, @})", 0},
    {"github.com/redis/go-redis/v9.(*baseClient).withConn", MOD "github.com/redis/go-redis/v9@v9.5.1/redis.go", 339, 0x59, "(@, {$, @}, @)", 0},
    {"github.com/redis/go-redis/v9.(*baseClient)._process", MOD "github.com/redis/go-redis/v9@v9.5.1/redis.go", 411, 0xcf, "(@, {$, @}, {$, @}, 0x0)", 0},
    {"github.com/redis/go-redis/v9.(*baseClient).process", MOD "github.com/redis/go-redis/v9@v9.5.1/redis.go", 386, 0x85, "(@, {$, @}, {$, @})", 0}, {0}};
static const frame bot_otel_batch[] = {
    {"go.opentelemetry.io/otel/sdk/trace.(*batchSpanProcessor).processQueue", MOD "go.opentelemetry.io/otel/sdk@v1.24.0/trace/batch_span_processor.go", 302, 0x1a5, "(@)", 0},
    {"go.opentelemetry.io/otel/sdk/trace.NewBatchSpanProcessor.func1", MOD "go.opentelemetry.io/otel/sdk@v1.24.0/trace/batch_span_processor.go", 126, 0x54, "()", 0}, {0}};
static const frame bot_kube_reflector[] = {
    {"k8s.io/client-go/tools/cache.(*Reflector).watch", MOD "k8s.io/client-go@v0.29.3/tools/cache/reflector.go", 447, 0x4f7, "(@, {$, @}, @, @)", 0},
    {"k8s.io/client-go/tools/cache.(*Reflector).ListAndWatch", MOD "k8s.io/client-go@v0.29.3/tools/cache/reflector.go", 369, 0x2b3, "(@, @)", 0},
    {"k8s.io/client-go/tools/cache.(*Reflector).Run.func1", MOD "k8s.io/client-go@v0.29.3/tools/cache/reflector.go", 291, 0x25, "()", 0},
    {"k8s.io/apimachinery/pkg/util/wait.BackoffUntil.func1", MOD "k8s.io/apimachinery@v0.29.3/pkg/util/wait/backoff.go", 226, 0x33, "(#)", 0},
    {"k8s.io/apimachinery/pkg/util/wait.BackoffUntil", MOD "k8s.io/apimachinery@v0.29.3/pkg/util/wait/backoff.go", 227, 0xb3, "(@?, {$, @}, 0x1, @)", 0},
    {"k8s.io/client-go/tools/cache.(*Reflector).Run", MOD "k8s.io/client-go@v0.29.3/tools/cache/reflector.go", 290, 0x1cd, "(@, @)", 0},
    {"k8s.io/apimachinery/pkg/util/wait.(*Group).StartWithChannel.func1", MOD "k8s.io/apimachinery@v0.29.3/pkg/util/wait/wait.go", 55, 0x1b, "()", 0},
    {"k8s.io/apimachinery/pkg/util/wait.(*Group).Start.func1", MOD "k8s.io/apimachinery@v0.29.3/pkg/util/wait/wait.go", 72, 0x4f, "()", 0}, {0}};
static const frame bot_signal[] = {
    {"os/signal.signal_recv", GOROOT "runtime/sigqueue.go", 152, 0x29, "()", 0},
    {"os/signal.loop", GOROOT "os/signal/signal_unix.go", 23, 0x13, "()", 0}, {0}};
static const frame bot_accept_loop[] = {
    {"net/http.(*Server).Serve", GOROOT "net/http/server.go", 3255, 0x33e, "(@, {$, @})", 0},
    {"net/http.(*Server).ListenAndServe", GOROOT "net/http/server.go", 3184, 0x71, "(@)", 0},
    {"example.com/acme/orders/internal/app.(*App).Run.func3", APP "internal/app/app.go", 142, 0x4b, "()", 0},
    {"golang.org/x/sync/errgroup.(*Group).Go.func1", MOD "golang.org/x/sync@v0.6.0/errgroup/errgroup.go", 78, 0x56, "()", 0}, {0}};
static const frame bot_none[] = {{0}};

/* Application frames: chains of 1..k of these sit between leaf and bottom. */
typedef struct {
    const char *fn, *file;
} appfn;
static const appfn app_funcs[] = {
    {"example.com/acme/orders/internal/api.(*Server).getOrder", "internal/api/orders.go"},
    {"example.com/acme/orders/internal/api.(*Server).listOrders", "internal/api/orders.go"},
    {"example.com/acme/orders/internal/api.(*Server).createOrder", "internal/api/orders.go"},
    {"example.com/acme/orders/internal/api.(*Server).streamEvents", "internal/api/events.go"},
    {"example.com/acme/orders/internal/api.(*Server).streamEvents.func1", "internal/api/events.go"},
    {"example.com/acme/orders/internal/api.decodeJSON[...]", "internal/api/codec.go"},
    {"example.com/acme/orders/internal/service.(*OrderService).Get", "internal/service/orders.go"},
    {"example.com/acme/orders/internal/service.(*OrderService).List", "internal/service/orders.go"},
    {"example.com/acme/orders/internal/service.(*OrderService).Create", "internal/service/orders.go"},
    {"example.com/acme/orders/internal/service.(*OrderService).reserveStock", "internal/service/stock.go"},
    {"example.com/acme/orders/internal/service.(*OrderService).reserveStock.func2", "internal/service/stock.go"},
    {"example.com/acme/orders/internal/service.(*OrderService).notify", "internal/service/notify.go"},
    {"example.com/acme/orders/internal/store.(*PGStore).GetOrder", "internal/store/pg_orders.go"},
    {"example.com/acme/orders/internal/store.(*PGStore).ListOrders", "internal/store/pg_orders.go"},
    {"example.com/acme/orders/internal/store.(*PGStore).InsertOrder", "internal/store/pg_orders.go"},
    {"example.com/acme/orders/internal/store.(*PGStore).withTx", "internal/store/tx.go"},
    {"example.com/acme/orders/internal/store.(*PGStore).withTx.func1", "internal/store/tx.go"},
    {"example.com/acme/orders/internal/store.scanAll[...]", "internal/store/scan.go"},
    {"example.com/acme/orders/internal/cache.(*LRU[...]).Get", "internal/cache/lru.go"},
    {"example.com/acme/orders/internal/cache.(*Loader[...]).load", "internal/cache/loader.go"},
    {"example.com/acme/orders/internal/inventory.(*Client).Reserve", "internal/inventory/client.go"},
    {"example.com/acme/orders/internal/inventory.(*Client).call", "internal/inventory/client.go"},
    {"example.com/acme/orders/internal/inventory.(*Client).call.func1", "internal/inventory/client.go"},
    {"example.com/acme/orders/internal/events.(*Publisher).Publish", "internal/events/publisher.go"},
    {"example.com/acme/orders/internal/events.(*Publisher).flush", "internal/events/publisher.go"},
    {"example.com/acme/orders/internal/events.(*Publisher).run", "internal/events/publisher.go"},
    {"example.com/acme/orders/internal/worker.(*Pool).Start.func1", "internal/worker/pool.go"},
    {"example.com/acme/orders/internal/worker.(*Pool).process", "internal/worker/pool.go"},
    {"example.com/acme/orders/internal/pubsub.(*Broker[...]).Subscribe.func1", "internal/pubsub/broker.go"},
    {"example.com/acme/orders/internal/pubsub.(*Broker[...]).deliver", "internal/pubsub/broker.go"},
    {"example.com/acme/orders/internal/metrics.(*Reporter).loop", "internal/metrics/reporter.go"},
    {"example.com/acme/orders/internal/session.(*Manager).gc", "internal/session/manager.go"},
    {"example.com/acme/kit/retry.Do[...]", "/src/kit/retry/retry.go"},
    {"example.com/acme/kit/retry.Do[...].func1", "/src/kit/retry/retry.go"},
    {"example.com/acme/kit/circuit.(*Breaker).Execute", "/src/kit/circuit/breaker.go"},
    {"example.com/acme/kit/circuit.(*Breaker).Execute.func1", "/src/kit/circuit/breaker.go"},
    {"example.com/acme/kit/ratelimit.(*Limiter).Wait", "/src/kit/ratelimit/limiter.go"},
    {"example.com/acme/orders/internal/config.(*Watcher).watch", "internal/config/watch.go"},
    {"example.com/acme/orders/internal/config.load%2eyaml.func1", "internal/config/load.yaml.go"},
    {"example.com/acme/orders/gen/orderspb.(*ordersClient).GetOrder", "gen/orderspb/orders_grpc.pb.go"},
    {"example.com/acme/orders/internal/api.(*GRPCServer).GetOrder", "internal/api/grpc.go"},
    {"example.com/acme/orders/internal/api.(*GRPCServer).GetOrder.gowrap1", "internal/api/grpc.go"},
};
#define N_APP (sizeof app_funcs / sizeof app_funcs[0])

static const char *const app_args[] = {
    "(@, {$, @}, {@, 0x24})", "(@)", "({$, @}, @, 0x1)", "(#, #, {#, #, #})",
    "(@, {$, @}, {@, 0xc, 0x10}, 0x0?, ...)", "(@, {$?, @?}, %)", "()", "(@, {@, 0x3, 0x4})",
    "({$, @}, {$, @}, @)", "(@, 0x0, {{@, 0x9}, 0x1}, 0x1)",
    "(0x1, 0x2, 0x3, 0x4, 0x5, 0x6, 0x7, 0x8, 0x9, 0xa, ...)", "(@, {...}, 0x0)",
};
#define N_APP_ARGS (sizeof app_args / sizeof app_args[0])

/* ---- scenarios: how a shape is composed --------------------------------- */
typedef struct {
    const char *reason;
    const frame *leaf;
} leafkind;

static const leafkind LK_RECV = {"chan receive", leaf_chanrecv};
static const leafkind LK_RECV2 = {"chan receive", leaf_chanrecv2};
static const leafkind LK_SEND = {"chan send", leaf_chansend};
static const leafkind LK_SELECT = {"select", leaf_select};
static const leafkind LK_SELECTNC = {"select (no cases)", leaf_selectnc};
static const leafkind LK_SLEEP = {"sleep", leaf_sleep};
static const leafkind LK_MUTEX = {"sync.Mutex.Lock", leaf_mutex};
static const leafkind LK_RLOCK = {"sync.RWMutex.RLock", leaf_rlock};
static const leafkind LK_WG_OLD = {"semacquire", leaf_wg};
static const leafkind LK_WG = {"sync.WaitGroup.Wait", leaf_wg};
static const leafkind LK_COND = {"sync.Cond.Wait", leaf_cond};
static const leafkind LK_IO = {"IO wait", leaf_ioread};
static const leafkind LK_TLS = {"IO wait", leaf_tlsread};
static const leafkind LK_ACCEPT = {"IO wait", leaf_accept};
static const leafkind LK_SYSCALL = {"syscall", leaf_syscall};
static const leafkind LK_RUNNABLE = {"runnable", leaf_runnable};
static const leafkind LK_NONE_SYSCALL = {"syscall", leaf_none};

typedef struct {
    int weight;
    const leafkind *leaves[6];
    const frame *below_leaf; /* library frames right under the leaf, before app frames */
    int app_min, app_max;
    const frame *bottom;
    const char *creator, *creator_file; /* NULL creator: main goroutine */
    int creator_line, creator_off;
    int creator_goid; /* 0: varies per goroutine */
    int long_lived;   /* parked for minutes as a matter of course */
    int locked;       /* percent of shapes locked to a thread */
} scenario;

#define SERVE_CREATOR "net/http.(*Server).Serve", GOROOT "net/http/server.go", 3285, 0x4b4
static const scenario scenarios[] = {
    {24, {&LK_RECV, &LK_SELECT, &LK_MUTEX, &LK_WG, &LK_RECV2, &LK_RUNNABLE}, bot_none, 1, 5, bot_http_handler, SERVE_CREATOR, 1, 0, 0},
    {12, {&LK_IO, &LK_TLS}, bot_none, 0, 0, bot_http_conn, SERVE_CREATOR, 1, 1, 0},
    {8, {&LK_IO, &LK_TLS}, bot_sql_query, 1, 3, bot_http_handler, SERVE_CREATOR, 1, 0, 0},
    {6, {&LK_SELECT}, bot_sql_conn, 1, 3, bot_http_handler, SERVE_CREATOR, 1, 0, 0},
    {8, {&LK_IO}, bot_persist_read, 0, 0, bot_none, "net/http.(*Transport).dialConn", GOROOT "net/http/transport.go", 1776, 0x16f1, 0, 1, 0},
    {6, {&LK_SELECT}, bot_persist_write, 0, 0, bot_none, "net/http.(*Transport).dialConn", GOROOT "net/http/transport.go", 1777, 0x173c, 0, 1, 0},
    {12, {&LK_RECV, &LK_SELECT, &LK_MUTEX, &LK_RLOCK, &LK_RUNNABLE, &LK_SEND}, bot_none, 1, 4, bot_grpc_handler, "google.golang.org/grpc.(*Server).serveStreams.func2", MOD "google.golang.org/grpc@v1.62.1/server.go", 1038, 0x5fd, 0, 0, 0},
    {4, {&LK_IO, &LK_TLS}, bot_http2_reader, 0, 0, bot_none, "google.golang.org/grpc/internal/transport.newHTTP2Client", MOD "google.golang.org/grpc@v1.62.1/internal/transport/http2_client.go", 400, 0x1d85, 0, 1, 0},
    {4, {&LK_SELECT}, bot_grpc_loopy, 0, 0, bot_none, "google.golang.org/grpc/internal/transport.newHTTP2Client", MOD "google.golang.org/grpc@v1.62.1/internal/transport/http2_client.go", 465, 0x2215, 0, 1, 0},
    {3, {&LK_SELECT}, bot_grpc_keepalive, 0, 0, bot_none, "google.golang.org/grpc/internal/transport.NewServerTransport", MOD "google.golang.org/grpc@v1.62.1/internal/transport/http2_server.go", 336, 0x1bd8, 0, 1, 0},
    {2, {&LK_SELECT}, bot_grpc_serializer, 0, 0, bot_none, "google.golang.org/grpc/internal/grpcsync.NewCallbackSerializer", MOD "google.golang.org/grpc@v1.62.1/internal/grpcsync/callback_serializer.go", 52, 0x11a, 0, 1, 0},
    {3, {&LK_SELECT, &LK_MUTEX}, bot_redis, 1, 3, bot_http_handler, SERVE_CREATOR, 1, 0, 0},
    {14, {&LK_RECV, &LK_SELECT, &LK_SEND, &LK_COND, &LK_SLEEP, &LK_WG_OLD}, bot_none, 2, 6, bot_none, "example.com/acme/orders/internal/worker.(*Pool).Start", APP "internal/worker/pool.go", 58, 0x8d, 1, 1, 0},
    {3, {&LK_SELECTNC, &LK_SLEEP, &LK_SYSCALL, &LK_RECV}, bot_none, 1, 4, bot_none, "example.com/acme/orders/internal/app.(*App).Run", APP "internal/app/app.go", 121, 0x2e5, 1, 1, 30},
    {1, {&LK_SELECT}, bot_otel_batch, 0, 0, bot_none, "go.opentelemetry.io/otel/sdk/trace.NewBatchSpanProcessor", MOD "go.opentelemetry.io/otel/sdk@v1.24.0/trace/batch_span_processor.go", 124, 0x416, 1, 1, 0},
    {2, {&LK_TLS, &LK_SELECT}, bot_kube_reflector, 0, 0, bot_none, "k8s.io/apimachinery/pkg/util/wait.(*Group).Start", MOD "k8s.io/apimachinery@v0.29.3/pkg/util/wait/wait.go", 70, 0x73, 1, 1, 0},
    {1, {&LK_SELECT}, bot_sql_opener, 0, 0, bot_none, "database/sql.OpenDB", GOROOT "database/sql/sql.go", 791, 0x18d, 1, 1, 0},
    {1, {&LK_NONE_SYSCALL}, bot_signal, 0, 0, bot_none, "os/signal.Notify.func1.1", GOROOT "os/signal/signal.go", 151, 0x1f, 1, 1, 0},
    {1, {&LK_ACCEPT}, bot_accept_loop, 0, 0, bot_none, "golang.org/x/sync/errgroup.(*Group).Go", MOD "golang.org/x/sync@v0.6.0/errgroup/errgroup.go", 75, 0x96, 1, 1, 0},
};
#define N_SCEN (sizeof scenarios / sizeof scenarios[0])

/* The planted leaks: exact sites, each one shape. */
static const frame leak1_fr[] = {
    {"example.com/acme/orders/internal/notify.(*Notifier).fanout.func1", APP "internal/notify/notifier.go", 88, 0x3e, "()", 0},
    {"golang.org/x/sync/errgroup.(*Group).Go.func1", MOD "golang.org/x/sync@v0.6.0/errgroup/errgroup.go", 78, 0x56, "()", 0}, {0}};
static const frame leak2_fr[] = {
    {"example.com/acme/orders/internal/cache.(*Loader[...]).Get.func2", APP "internal/cache/loader.go", 131, 0x2f, "()", 0},
    {"golang.org/x/sync/singleflight.(*Group).doCall.func2", MOD "golang.org/x/sync@v0.6.0/singleflight/singleflight.go", 198, 0x63, "(@, @, @)", 0},
    {"golang.org/x/sync/singleflight.(*Group).doCall", MOD "golang.org/x/sync@v0.6.0/singleflight/singleflight.go", 200, 0x96, "(@, @, {@, 0x11}, @)", 0}, {0}};
static const frame leak3_fr[] = {
    {"example.com/acme/orders/internal/ingest.(*Consumer).handle", APP "internal/ingest/consumer.go", 231, 0x1b1, "(@, {$, @}, {@, 0x1c, 0x20})", 0},
    {"example.com/acme/orders/internal/ingest.(*Consumer).worker", APP "internal/ingest/consumer.go", 204, 0x9c, "(@, {$, @}, @)", 0},
    {"example.com/acme/orders/internal/ingest.(*Consumer).Start.gowrap1", APP "internal/ingest/consumer.go", 97, 0x36, "()", 0}, {0}};
static const frame leak4_fr[] = {
    {"example.com/acme/orders/internal/api.(*Server).exportOrders.func1", APP "internal/api/export.go", 91, 0x5c, NULL, 0},
    {"example.com/acme/orders/internal/api.(*Server).exportOrders", APP "internal/api/export.go", 77, 0x1d4, "(@, {$, @}, @)", 0}, {0}};
typedef struct {
    const leafkind *leaf;
    const frame *frames, *bottom;
    const char *creator, *creator_file;
    int creator_line, creator_off, creator_goid, share;
} leaksite;
static const leaksite leak_sites[] = {
    {&LK_SEND, leak1_fr, bot_none, "golang.org/x/sync/errgroup.(*Group).Go", MOD "golang.org/x/sync@v0.6.0/errgroup/errgroup.go", 75, 0x96, 0, 25},
    {&LK_RECV, leak2_fr, bot_none, "golang.org/x/sync/singleflight.(*Group).DoChan", MOD "golang.org/x/sync@v0.6.0/singleflight/singleflight.go", 139, 0x2b9, 0, 40},
    {&LK_RECV, leak3_fr, bot_none, "example.com/acme/orders/internal/ingest.(*Consumer).Start", APP "internal/ingest/consumer.go", 97, 0x12c, 0, 25},
    {&LK_RECV, leak4_fr, bot_http_handler, SERVE_CREATOR, 1, 10},
};
#define N_LEAK (sizeof leak_sites / sizeof leak_sites[0])

/* ---- compiled shapes ------------------------------------------------------ */
enum hole { H_END, H_HEAP, H_HEAPQ, H_MMAP, H_SMALL, H_SMALLQ, H_GOID, H_FPSP };

typedef struct {
    uint32_t lit_off, lit_len; /* literal text before the hole */
    uint8_t hole;
    uint32_t aux;
} seg;

typedef struct {
    const char *reason;
    int locked, long_lived, leak;
    seg *segs;
    size_t nsegs;
    int depth;
} shape;

static char *lit;           /* all literal text of all shapes */
static size_t lit_len, lit_cap;
static seg *cur_segs;
static size_t cur_n, cur_cap;
static size_t cur_lit_start;
static int style_sigquit;

static void lit_put(const char *s, size_t n)
{
    if (lit_len + n > lit_cap) {
        lit_cap = (lit_len + n) * 2 + 4096;
        lit = xrealloc(lit, lit_cap);
    }
    memcpy(lit + lit_len, s, n);
    lit_len += n;
}
static void lit_str(const char *s) { lit_put(s, strlen(s)); }
static void lit_fmt(const char *fmt, ...)
{
    char b[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b, sizeof b, fmt, ap);
    va_end(ap);
    lit_put(b, (size_t)n);
}
static void hole(uint8_t h, uint32_t aux)
{
    if (cur_n == cur_cap) {
        cur_cap = cur_cap ? cur_cap * 2 : 64;
        cur_segs = xrealloc(cur_segs, cur_cap * sizeof *cur_segs);
    }
    cur_segs[cur_n++] = (seg){(uint32_t)cur_lit_start, (uint32_t)(lit_len - cur_lit_start), h, aux};
    cur_lit_start = lit_len;
}

static void args(const char *a)
{
    for (const char *p = a; *p; p++) {
        switch (*p) {
        case '@': hole(H_HEAP, 0); break;
        case '#': hole(H_HEAPQ, 0); break;
        case '$': lit_fmt("0x%x", 0x8a0000u + (rnd_below(0x1800000u) & ~0x1fu)); break;
        case '!': hole(H_MMAP, 0); break;
        case '%': hole(H_SMALL, 0); break;
        case '&': hole(H_SMALLQ, 0); break;
        default: lit_put(p, 1);
        }
    }
}

static uint32_t fake_pc(const char *fn, int off)
{
    uint32_t h = 2166136261u;
    for (const char *p = fn; *p; p++)
        h = (h ^ (uint8_t)*p) * 16777619u;
    return 0x401000u + (h % 0xa00000u) + (uint32_t)off;
}

static int emit_frame(const char *fn, const char *file, int line, int off, const char *a, int depth)
{
    lit_str(fn);
    if (a)
        args(a);
    else
        lit_str("(...)");
    lit_fmt("\n\t%s:%d", file, line);
    if (a) {
        lit_fmt(" +0x%x", off);
        if (style_sigquit) {
            lit_str(" ");
            hole(H_FPSP, (uint32_t)depth * 0x30u);
            lit_fmt(" pc=0x%x", fake_pc(fn, off));
        }
    }
    lit_str("\n");
    return 1;
}

static int emit_frames(const frame *f, int depth)
{
    int n = 0;
    for (; f->fn; f++) {
        if ((f->flags & RT) && !style_sigquit)
            continue;
        n += emit_frame(f->fn, f->file, f->line, f->off, f->args, depth + n);
    }
    return n;
}

static void begin_shape(void) { cur_segs = NULL, cur_n = cur_cap = 0, cur_lit_start = lit_len; }

static void end_shape(shape *s, int depth, const char *creator, const char *cfile, int cline, int coff, int cgoid)
{
    if (style_sigquit) {
        lit_str("runtime.goexit({})\n\t" GOROOT "runtime/asm_amd64.s:1695 +0x1 ");
        hole(H_FPSP, (uint32_t)depth * 0x30u + 0x10);
        lit_str(" pc=0x46ab01\n");
        depth++;
    }
    if (creator) {
        lit_fmt("created by %s in goroutine ", creator);
        if (cgoid)
            lit_fmt("%d", cgoid);
        else
            hole(H_GOID, 0);
        lit_fmt("\n\t%s:%d +0x%x\n", cfile, cline, coff);
    }
    hole(H_END, 0);
    s->segs = cur_segs, s->nsegs = cur_n, s->depth = depth;
}

static shape *shapes;
static size_t n_shapes;

static shape *new_shape(void)
{
    shapes = xrealloc(shapes, (n_shapes + 1) * sizeof *shapes);
    shape *s = &shapes[n_shapes++];
    memset(s, 0, sizeof *s);
    return s;
}

static void build_scenario_shape(const scenario *sc)
{
    shape *s = new_shape();
    int nleaves = 0;
    while (nleaves < 6 && sc->leaves[nleaves])
        nleaves++;
    const leafkind *lk = sc->leaves[rnd_below((unsigned)nleaves)];
    s->reason = lk->reason;
    s->long_lived = sc->long_lived;
    s->locked = sc->locked && (int)rnd_below(100) < sc->locked;
    begin_shape();
    int d = emit_frames(lk->leaf, 0);
    d += emit_frames(sc->below_leaf, d);
    int napp = rnd_in(sc->app_min, sc->app_max);
    for (int i = 0; i < napp; i++) {
        const appfn *af = &app_funcs[rnd_below(N_APP)];
        char file[256];
        snprintf(file, sizeof file, "%s%s", af->file[0] == '/' ? "" : APP, af->file);
        int inl = rnd_below(8) == 0;
        d += emit_frame(af->fn, file, rnd_in(20, 900), rnd_in(0x10, 0x6ff),
                        inl ? NULL : app_args[rnd_below(N_APP_ARGS)], d);
    }
    d += emit_frames(sc->bottom, d);
    end_shape(s, d, sc->creator, sc->creator_file, sc->creator_line, sc->creator_off, sc->creator_goid);
}

static void build_leak_shape(const leaksite *ls)
{
    shape *s = new_shape();
    s->reason = ls->leaf->reason;
    s->leak = 1;
    begin_shape();
    int d = emit_frames(ls->leaf->leaf, 0);
    d += emit_frames(ls->frames, d);
    d += emit_frames(ls->bottom, d);
    end_shape(s, d, ls->creator, ls->creator_file, ls->creator_line, ls->creator_off, ls->creator_goid);
}

/* The goroutine that took the dump (pprof's handler) and, for SIGQUIT, the
 * runtime's own goroutines. */
static const frame dumper_fr[] = {
    {"runtime/pprof.writeGoroutineStacks", GOROOT "runtime/pprof/pprof.go", 703, 0x6a, "({$, @})", 0},
    {"runtime/pprof.writeGoroutine", GOROOT "runtime/pprof/pprof.go", 692, 0, NULL, 0},
    {"runtime/pprof.(*Profile).WriteTo", GOROOT "runtime/pprof/pprof.go", 329, 0x146, "(@?, {$?, @?}, @?)", 0},
    {"net/http/pprof.handler.ServeHTTP", GOROOT "net/http/pprof/pprof.go", 267, 0x4a8, "({@, 0x9}, {$, @}, @)", 0},
    {"net/http/pprof.Index", GOROOT "net/http/pprof/pprof.go", 384, 0xe5, "({$?, @}, @)", 0},
    {"net/http.HandlerFunc.ServeHTTP", GOROOT "net/http/server.go", 2166, 0x29, "(#, {$, @}, #)", 0},
    {"net/http.(*ServeMux).ServeHTTP", GOROOT "net/http/server.go", 2683, 0x1ad, "(#, {$, @}, @)", 0},
    {"net/http.serverHandler.ServeHTTP", GOROOT "net/http/server.go", 3137, 0x8e, "({@?}, {$?, @?}, #)", 0},
    {"net/http.(*conn).serve", GOROOT "net/http/server.go", 2039, 0x5e8, "(@, {$, @})", 0}, {0}};
static const frame sys_fr[][4] = {
    {GOPARK, GOPARKUNLOCK, {"runtime.forcegchelper", GOROOT "runtime/proc.go", 326, 0xb3, "()", RT}, {0}},
    {GOPARK, GOPARKUNLOCK, {"runtime.bgsweep", GOROOT "runtime/mgcsweep.go", 278, 0x94, "(#)", RT}, {0}},
    {GOPARK, GOPARKUNLOCK, {"runtime.runfinq", GOROOT "runtime/mfinal.go", 193, 0x107, "()", RT}, {0}},
};
static const char *const sys_reason[] = {"force gc (idle)", "GC sweep wait", "finalizer wait"};
static const char *const sys_creator[] = {"runtime.init.6", "runtime.gcenable", "runtime.createfing"};

/* ---- output ----------------------------------------------------------------- */
#define OUTBUF (8u << 20)
static char *out;
static size_t out_len;
static int out_fd;
static uint64_t out_total;

static void flush_out(void)
{
    size_t off = 0;
    while (off < out_len) {
        ssize_t w = write(out_fd, out + off, out_len - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            die("write: %s", strerror(errno));
        }
        off += (size_t)w;
    }
    out_total += out_len;
    out_len = 0;
}

static const char hexd[] = "0123456789abcdef";

static char *put_hex_fixed(char *p, uint64_t v, int digits)
{
    for (int i = digits - 1; i >= 0; i--, v >>= 4)
        p[i] = hexd[v & 15];
    return p + digits;
}
static char *put_hex(char *p, uint64_t v)
{
    int d = 1;
    for (uint64_t t = v >> 4; t; t >>= 4)
        d++;
    return put_hex_fixed(p, v, d);
}
static char *put_dec(char *p, uint64_t v)
{
    char t[24];
    int n = 0;
    do
        t[n++] = (char)('0' + v % 10);
    while (v /= 10);
    while (n)
        *p++ = t[--n];
    return p;
}

static uint64_t heap_ptr(void) { return 0xc000000000ull + ((rnd() % (6ull << 30)) & ~7ull); }

/* Renders one goroutine; at most a few KiB, the buffer always has room. */
static void render(const shape *s, uint64_t goid, unsigned minutes, uint64_t creator)
{
    char *p = out + out_len;
    uint64_t stack_base = 0xc000000000ull + ((rnd() % (6ull << 30)) & ~0x7ffull) + 0x800;
    p = memcpy(p, "goroutine ", 10), p += 10;
    p = put_dec(p, goid);
    *p++ = ' ', *p++ = '[';
    size_t rl = strlen(s->reason);
    memcpy(p, s->reason, rl), p += rl;
    if (minutes) {
        *p++ = ',', *p++ = ' ';
        p = put_dec(p, minutes);
        memcpy(p, " minutes", 8), p += 8;
    }
    if (s->locked)
        memcpy(p, ", locked to thread", 18), p += 18;
    memcpy(p, "]:\n", 3), p += 3;
    for (const seg *g = s->segs;; g++) {
        memcpy(p, lit + g->lit_off, g->lit_len);
        p += g->lit_len;
        switch (g->hole) {
        case H_END: goto done;
        case H_HEAP: *p++ = '0', *p++ = 'x', p = put_hex_fixed(p, heap_ptr(), 10); break;
        case H_HEAPQ: *p++ = '0', *p++ = 'x', p = put_hex_fixed(p, heap_ptr(), 10), *p++ = '?'; break;
        case H_MMAP:
            *p++ = '0', *p++ = 'x';
            p = put_hex_fixed(p, 0x7f0000000000ull + ((rnd() % (1ull << 40)) & ~7ull), 12);
            break;
        case H_SMALL: *p++ = '0', *p++ = 'x', p = put_hex(p, rnd() % 0x40); break;
        case H_SMALLQ: *p++ = '0', *p++ = 'x', p = put_hex(p, rnd() % 0x40), *p++ = '?'; break;
        case H_GOID: p = put_dec(p, creator); break;
        case H_FPSP:
            memcpy(p, "fp=0x", 5), p += 5;
            p = put_hex_fixed(p, stack_base + g->aux + 0x30, 10);
            memcpy(p, " sp=0x", 6), p += 6;
            p = put_hex_fixed(p, stack_base + g->aux, 10);
            break;
        }
    }
done:
    out_len = (size_t)(p - out);
    if (out_len > OUTBUF - 65536)
        flush_out();
}

/* Long-tailed: minutes until a leak is found span an hour to a week. */
static unsigned leak_minutes(void) { return 1 + (unsigned)(exp(rnd_unit() * log(10080.0)) - 1.0); }

static pid_t gzip_pid = -1;

static int open_output(const char *path, int gz)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        die("%s: %s", path, strerror(errno));
    if (!gz)
        return fd;
    int pfd[2];
    if (pipe(pfd) != 0)
        die("pipe: %s", strerror(errno));
    gzip_pid = fork();
    if (gzip_pid < 0)
        die("fork: %s", strerror(errno));
    if (gzip_pid == 0) {
        dup2(pfd[0], 0);
        dup2(fd, 1);
        close(pfd[1]); /* or gzip would hold its own input open and never see EOF */
        execlp("gzip", "gzip", "-1", "-c", (char *)NULL);
        fprintf(stderr, "gen_gcdump: gzip: %s\n", strerror(errno));
        _exit(127);
    }
    close(pfd[0]);
    close(fd);
    return pfd[1];
}

static void usage(FILE *f)
{
    fputs("usage: gen_gcdump -n GOROUTINES -o FILE [-z] [-s SEED] [-k SHAPES] [-l LEAKPCT]\n"
          "                  [--style stack|sigquit] [-m METAFILE]\n"
          "  -n  goroutines in the dump (>= 1)\n"
          "  -o  output file ('-' for stdout)\n"
          "  -z  gzip the output (gzip -1, in a child process)\n"
          "  -s  seed (default 1): same arguments, same bytes\n"
          "  -k  distinct non-leak stack shapes (default 400)\n"
          "  -l  percent of goroutines at the four planted leak sites (default 30)\n"
          "  --style stack    runtime.Stack(all) / pprof debug=2 (default)\n"
          "  --style sigquit  SIGQUIT with GOTRACEBACK=all (runtime frames, fp/sp/pc)\n"
          "  -m  write key=value facts about the dump to METAFILE\n",
          f);
}

typedef struct gen_args {
    uint64_t n, seed;
    unsigned k;               /* non-leak stack shapes */
    double leak_pct;
    const char *path, *meta;
    int gz;
} gen_args;

/* -1 when the arguments are good, else the exit status. */
static int parse_args(int argc, char **argv, gen_args *a)
{
    static const struct option lo[] = {{"style", required_argument, NULL, 'S'},
                                       {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int o;
    while ((o = getopt_long(argc, argv, "n:o:zs:k:l:m:h", lo, NULL)) != -1) {
        char *end;
        switch (o) {
        case 'n': a->n = strtoull(optarg, &end, 10); if (*end || !a->n) die("-n: bad count '%s'", optarg); break;
        case 'o': a->path = optarg; break;
        case 'z': a->gz = 1; break;
        case 's': a->seed = strtoull(optarg, &end, 0); if (*end) die("-s: bad seed '%s'", optarg); break;
        case 'k': a->k = (unsigned)strtoul(optarg, &end, 10); if (*end || !a->k || a->k > 100000) die("-k: bad shape count '%s'", optarg); break;
        case 'l': a->leak_pct = strtod(optarg, &end); if (*end || a->leak_pct < 0 || a->leak_pct > 100) die("-l: bad percent '%s'", optarg); break;
        case 'm': a->meta = optarg; break;
        case 'S':
            if (strcmp(optarg, "sigquit") == 0) style_sigquit = 1;
            else if (strcmp(optarg, "stack") != 0) die("--style: stack or sigquit, not '%s'", optarg);
            break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!a->n || !a->path || optind != argc) {
        usage(stderr);
        return 2;
    }
    return -1;
}

/* The shapes every dump is drawn from. */
typedef struct catalogue {
    shape *dumper;            /* the goroutine writing the dump */
    shape sys[3];             /* sigquit's runtime goroutines */
    shape *leak;              /* the N_LEAK planted leak sites */
    double *cdf;              /* Zipf(1.1) over the k ranked shapes */
    int leak_share_sum;
} catalogue;

/* k shapes from the weighted scenarios, then the leak sites, the dumper
 * and the runtime's own. */
static void build_shapes(catalogue *c, unsigned k)
{
    int wsum = 0;
    for (size_t i = 0; i < N_SCEN; i++)
        wsum += scenarios[i].weight;
    for (unsigned i = 0; i < k; i++) {
        int r = (int)rnd_below((unsigned)wsum);
        size_t j = 0;
        while (r >= scenarios[j].weight)
            r -= scenarios[j++].weight;
        build_scenario_shape(&scenarios[j]);
    }
    for (size_t i = 0; i < N_LEAK; i++)
        build_leak_shape(&leak_sites[i]);
    c->dumper = new_shape();
    c->dumper->reason = "running";
    begin_shape();
    end_shape(c->dumper, emit_frames(dumper_fr, 0), SERVE_CREATOR, 1);
    for (int i = 0; i < 3; i++) {
        memset(&c->sys[i], 0, sizeof c->sys[i]);
        c->sys[i].reason = sys_reason[i];
        begin_shape();
        end_shape(&c->sys[i], emit_frames(sys_fr[i], 0), sys_creator[i], GOROOT "runtime/proc.go", 300 + i,
                  0x25 + i, 1);
    }
    c->leak = &shapes[k];
}

/* Ranks the shapes for the Zipf draw: mid-depth stacks (about 9 frames)
 * first, very shallow and very deep ones in the tail, with noise. This
 * keeps the mean near 1 KB per goroutine (~1 GB at 1M, like a busy
 * server's dump) whatever the seed. */
static void rank_shapes(catalogue *c, unsigned k)
{
    int *rank_key = xrealloc(NULL, k * sizeof *rank_key);
    for (unsigned i = 0; i < k; i++)
        rank_key[i] = abs(shapes[i].depth - 9) * 2 + (int)rnd_below(12);
    for (unsigned i = 1; i < k; i++) { /* insertion sort: k is small, keeps ties stable */
        shape sv = shapes[i];
        int kv = rank_key[i];
        unsigned j = i;
        for (; j > 0 && rank_key[j - 1] > kv; j--)
            shapes[j] = shapes[j - 1], rank_key[j] = rank_key[j - 1];
        shapes[j] = sv, rank_key[j] = kv;
    }
    free(rank_key);
    double acc = 0;
    c->cdf = xrealloc(NULL, k * sizeof *c->cdf);
    for (unsigned i = 0; i < k; i++)
        c->cdf[i] = acc += pow(i + 1.0, -1.1);
    for (unsigned i = 0; i < k; i++)
        c->cdf[i] /= acc;
    for (size_t i = 0; i < N_LEAK; i++)
        c->leak_share_sum += leak_sites[i].share;
}

/* What the dump holds, for the summary and the meta file. */
typedef struct gen_stats {
    uint64_t leaks, leak_per_site[N_LEAK];
    uint64_t shapes_used, frames_total;
    unsigned char *used;      /* by shape: drawn at least once */
} gen_stats;

/* The shape of the i-th goroutine and how many minutes it has waited. */
static const shape *draw(const catalogue *c, const gen_args *a, uint64_t i, gen_stats *st, unsigned *minutes)
{
    *minutes = 0;
    if (style_sigquit && i <= 3)
        return &c->sys[i - 1];
    if (rnd_unit() * 100 < a->leak_pct) {
        int r = (int)rnd_below((unsigned)c->leak_share_sum);
        size_t j = 0;
        while (r >= leak_sites[j].share)
            r -= leak_sites[j++].share;
        *minutes = leak_minutes();
        st->leaks++, st->leak_per_site[j]++;
        return &c->leak[j];
    }
    double u = rnd_unit();
    size_t lo_i = 0, hi_i = a->k - 1;
    while (lo_i < hi_i) {
        size_t mid = (lo_i + hi_i) / 2;
        if (c->cdf[mid] < u)
            lo_i = mid + 1;
        else
            hi_i = mid;
    }
    const shape *s = &shapes[lo_i];
    if (!st->used[lo_i])
        st->used[lo_i] = 1, st->shapes_used++;
    if (s->long_lived ? rnd_below(10) < 9 : rnd_below(20) == 0)
        *minutes = 1 + rnd_below(s->long_lived ? 2000 : 30);
    return s;
}

static void render_goroutines(const catalogue *c, const gen_args *a, gen_stats *st)
{
    uint64_t goid = 1;
    if (style_sigquit) {
        static const char hdr[] = "SIGQUIT: quit\nPC=0x46e3a1 m=0 sigcode=0\n\n";
        memcpy(out, hdr, sizeof hdr - 1), out_len = sizeof hdr - 1;
    }
    /* The dumping goroutine first, as runtime.Stack prints it. */
    uint64_t first = 1 + rnd_below(5000);
    render(c->dumper, first, 0, 1);
    st->frames_total += (uint64_t)c->dumper->depth;
    for (uint64_t i = 1; i < a->n; i++) {
        out[out_len++] = '\n';
        goid += 1 + (rnd_below(4) == 0 ? rnd_below(8) : 0);
        if (goid == first)
            goid++;
        unsigned minutes;
        const shape *s = draw(c, a, i, st, &minutes);
        /* Creators are spread over the older goroutines. */
        uint64_t creator = goid > 2 ? 1 + rnd() % (goid - 1) : 1;
        render(s, goid, minutes, creator);
        st->frames_total += (uint64_t)s->depth;
    }
    if (style_sigquit) {
        static const char regs[] = "\nrax    0xca\nrbx    0x0\nrcx    0x46e3a3\nrdx    0x0\n"
                                   "rdi    0x5c8f08\nrsi    0x80\nrbp    0x7ffd2b8e1f48\n"
                                   "rsp    0x7ffd2b8e1f00\nr8     0x0\nr9     0x0\nr10    0x0\n"
                                   "r11    0x286\nr12    0x7ffd2b8e1f68\nr13    0x1\nr14    0x5c8640\n"
                                   "r15    0x0\nrip    0x46e3a3\nrflags 0x286\ncs     0x33\n"
                                   "fs     0x0\ngs     0x0\n";
        memcpy(out + out_len, regs, sizeof regs - 1), out_len += sizeof regs - 1;
    }
}

static void close_output(const char *path)
{
    flush_out();
    if (out_fd != 1 && close(out_fd) != 0)
        die("%s: close: %s", path, strerror(errno));
    if (gzip_pid > 0) {
        int st;
        if (waitpid(gzip_pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
            die("gzip failed");
    }
}

static void write_meta(const gen_args *a, const gen_stats *st)
{
    FILE *m = fopen(a->meta, "w");
    if (!m)
        die("%s: %s", a->meta, strerror(errno));
    fprintf(m, "goroutines=%llu\ntext_bytes=%llu\nstyle=%s\nseed=%llu\nshapes=%u\nshapes_used=%llu\n"
               "leak_sites=%zu\nplanted_leaks=%llu\n",
            (unsigned long long)a->n, (unsigned long long)out_total, style_sigquit ? "sigquit" : "stack",
            (unsigned long long)a->seed, a->k, (unsigned long long)st->shapes_used, N_LEAK,
            (unsigned long long)st->leaks);
    for (size_t i = 0; i < N_LEAK; i++)
        fprintf(m, "planted_leaks_site%zu=%llu\n", i + 1, (unsigned long long)st->leak_per_site[i]);
    if (fclose(m) != 0)
        die("%s: %s", a->meta, strerror(errno));
}

int main(int argc, char **argv)
{
    gen_args a = {.seed = 1, .k = 400, .leak_pct = 30};
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0)
        return rc;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rng_state = a.seed;
    catalogue c = {0};
    build_shapes(&c, a.k);
    rank_shapes(&c, a.k);
    out = xrealloc(NULL, OUTBUF);
    out_fd = strcmp(a.path, "-") == 0 ? 1 : open_output(a.path, a.gz);
    gen_stats st = {.used = calloc(a.k, 1)};
    render_goroutines(&c, &a, &st);
    close_output(a.path);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    fprintf(stderr,
            "gen_gcdump: %s: %llu goroutines, %.1f MB text (%.0f B/goroutine, %.1f frames avg), "
            "%llu of %u shapes used + %zu leak sites, %llu planted leaks, %.2f s (%.0f MB/s)\n",
            a.path, (unsigned long long)a.n, out_total / 1e6, (double)out_total / (double)a.n,
            (double)st.frames_total / (double)a.n, (unsigned long long)st.shapes_used, a.k, N_LEAK,
            (unsigned long long)st.leaks, secs, out_total / 1e6 / secs);
    if (a.meta)
        write_meta(&a, &st);
    free(c.cdf);
    free(st.used);
    return 0;
}
