/* The dump contract end to end inside one process: what the shim's writer
 * puts out, the common reader takes back in, field for field; and the file
 * is written atomically, privately, and never through a symlink or over
 * anything but a regular file; log_path is never a link or a FIFO. */
#include "core/registry.h"
#include "core/holds.h"
#include "dump/dump.h"
#include "runtime/libgo_abi.h"
#include "format/dump_read.h"
#include "model/model.h"

#include <check.h>

#include "../run_suites.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static gl_istack *captured;

static void do_capture(void *p)
{
    (void)p;
    captured = gl_stack_capture();
}

__attribute__((noinline)) void goleash_test_park_here(void)
{
    gl_on_altstack(do_capture, NULL);
    __asm__ volatile("" ::: "memory");
}

static void setup(void)
{
    gl_options_defaults(&gl_host.opts);
    gl_stacks_init();
    gl_stacks_set_own_range(0, 0);
    gl_registry_init();
}

static gl_dump *build_and_read(void)
{
    gl_membuf b = {0};
    ck_assert_int_eq(gl_dump_build(&b, "exit", 0), 0);
    gl_dump *d = NULL;
    gl_diag diag;
    int rc = gl_dump_read_buffer("roundtrip", b.p, b.len, &d, &diag);
    if (rc != 0)
        fprintf(stderr, "%s\n---\n%.*s\n", diag.msg, (int)b.len, b.p);
    ck_assert_int_eq(rc, 0);
    ck_assert_int_eq(d->truncated, 0);
    gl_membuf_free(&b);
    return d;
}

/* What the roundtrip registry holds (see fill_registry). */
typedef struct roundtrip {
    gl_istack *st;            /* the park stack of 3, 4 and 7 */
    uintptr_t ch, ctx;        /* 3's channel, the context whose Done it is */
    gl_g *g4;
} roundtrip;

/* main (1) -> spawner (2, exited) -> leaker (3) parked on a channel;
 * 4 parked on a Mutex; 5 running. */
static void spawn_and_park(roundtrip *rt, gl_istack *made)
{
    gl_registry_spawned(0, 1, 0x1111, NULL);
    gl_registry_spawned(1, 2, 0x2222, made);
    gl_registry_spawned(2, 3, 0x3333, made);
    gl_registry_exited(2);
    gl_registry_spawned(1, 4, 0x4444, made);
    gl_registry_spawned(1, 5, 0x5555, made);

    gl_registry_chan_made(rt->ch, 3, 1, made);
    gl_registry_ctx_made(rt->ctx, 1, 1, made, 0);
    gl_registry_ctx_done(rt->ctx, rt->ch);
    gl_g *g3 = gl_registry_self(3);
    gl_registry_park_set(g3, 14, GL_WAIT_CHAN, 0, &rt->ch, 1, rt->st, gl_now_ns() - 5000000);
    gl_registry_chan_touch(rt->ch, 3, GL_OP_RECV, rt->st, gl_now_ns());
    rt->g4 = gl_registry_self(4);
    gl_registry_park_set(rt->g4, 18, GL_WAIT_MUTEX, 0xc0000b0000, NULL, 0, rt->st, gl_now_ns());
}

/* 5 runs a test; 6, started by it, is parked; 4 was readied by a waker
 * and is not parked any more, as its (stand-in) g says. */
static void run_tests_and_wake(roundtrip *rt, gl_istack *made)
{
    const char *t1 = gl_tests_add("TestOne", 7);
    const char *t2 = gl_tests_add("TestOne/with space,=%", 21);
    gl_registry_spawned_by(gl_registry_self(1), 1, 6, 0x6666, made, t2);
    gl_registry_spawned_by(gl_registry_self(6), 6, 7, 0x7777, made, NULL);
    gl_registry_park_set(gl_registry_self(7), 14, GL_WAIT_CHAN, 0, NULL, 0, rt->st, gl_now_ns());
    (void)t1;
    /* Stand-in g structs, status word at byte 48 and goid at 56 as in libgo 12. */
    static _Alignas(8) unsigned char running_g[64], g4_struct[64];
    uint32_t status = 2;
    int64_t goid = 99;
    memcpy(running_g + 48, &status, 4);
    memcpy(running_g + 56, &goid, 8);
    ck_assert(gl_gstatus_validate(running_g));
    status = 1; /* _Grunnable */
    goid = 4;
    memcpy(g4_struct + 48, &status, 4);
    memcpy(g4_struct + 56, &goid, 8);
    rt->g4->gptr = g4_struct;
}

static void check_tests(const gl_dump *d)
{
    ck_assert_int_eq(d->version, 1);
    ck_assert_uint_eq(d->ntests, 2);
    ck_assert_str_eq(d->tests[0], "TestOne");
    ck_assert_str_eq(d->tests[1], "TestOne/with space,=%");
    ck_assert_uint_eq(d->tests_dropped, 0);
    ck_assert_str_eq(gl_dump_goroutine(d, 6)->test, "TestOne/with space,=%");
    ck_assert_ptr_null(gl_dump_goroutine(d, 7)->test);
    ck_assert_int_eq(gl_dump_goroutine(d, 7)->parent, 6);
    ck_assert_ptr_null(gl_dump_goroutine(d, 3)->test);
}

/* The leaker, 3, field for field. */
static void check_leaker(const gl_dump *d, const roundtrip *rt)
{
    const gl_istack *st = rt->st;
    gl_goroutine *g = gl_dump_goroutine(d, 3);
    ck_assert_ptr_nonnull(g);
    ck_assert_int_eq(g->state, GL_G_PARKED);
    ck_assert_int_eq(g->reason, 14);
    ck_assert_int_eq(g->wait, GL_WAIT_CHAN);
    ck_assert_int_eq(g->parent, 2);
    ck_assert_uint_eq(g->nchans, 1);
    ck_assert_uint_eq(g->chans[0], rt->ch);
    ck_assert_int_ge(d->mono_ns - g->since_ns, 5000000);
    ck_assert_ptr_nonnull(g->stack);
    ck_assert_uint_eq(g->stack->n, st->n);
    for (size_t i = 0; i < st->n; i++)
        ck_assert_uint_eq(g->stack->frames[i].pc, st->pcs[i]);
    /* Names the writer resolved travel with the dump. */
    int named = 0;
    for (size_t i = 0; i < g->stack->n; i++)
        named |= g->stack->frames[i].function && strstr(g->stack->frames[i].function, "goleash_test_park_here");
    ck_assert(named);
    ck_assert_ptr_nonnull(g->created);
    ck_assert_uint_eq(g->created->n, 2);
    ck_assert_uint_eq(g->start_pc, 0x3333);
}

static void check_states(const gl_dump *d, roundtrip *rt)
{
    gl_goroutine *g2 = gl_dump_goroutine(d, 2);
    ck_assert_ptr_nonnull(g2);
    ck_assert_int_eq(g2->state, GL_G_EXITED);
    ck_assert_int_eq(g2->parent, 1);

    gl_goroutine *g4r = gl_dump_goroutine(d, 4);
    ck_assert_int_eq(g4r->state, GL_G_RUNNING); /* readied: the runtime's word wins */
    ck_assert_int_eq(gl_dump_goroutine(d, 7)->state, GL_G_PARKED); /* no g known: the registry's */
    rt->g4->gptr = NULL;
    ck_assert_int_eq(gl_dump_goroutine(d, 5)->state, GL_G_RUNNING);
}

static void check_channel_and_context(const gl_dump *d, const roundtrip *rt)
{
    gl_chan *c = gl_dump_chan(d, rt->ch);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(c->cap, 3);
    ck_assert_int_eq(c->closed, 0);
    ck_assert_int_eq(c->maker, 1);
    ck_assert_uint_eq(c->ctx, rt->ctx);
    ck_assert_uint_eq(c->ntouches, 2); /* make, recv */
    ck_assert_str_eq(c->touches[1].op, "recv");
    ck_assert_int_eq(c->touches[1].goid, 3);

    gl_context *x = gl_dump_context(d, rt->ctx);
    ck_assert_ptr_nonnull(x);
    ck_assert_str_eq(x->kind, "cancel");
    ck_assert_int_eq(x->cancelled, 0);
    ck_assert_uint_eq(x->done, rt->ch);
}

START_TEST(registry_survives_write_and_read)
{
    goleash_test_park_here();
    roundtrip rt = {.st = captured, .ch = 0xc000010000, .ctx = 0xc0000a0000};
    ck_assert_ptr_nonnull(rt.st);
    uintptr_t made_pcs[2] = {(uintptr_t)&goleash_test_park_here + 4, (uintptr_t)&setup + 4};
    gl_istack *made = gl_stack_intern(made_pcs, 2, false);
    spawn_and_park(&rt, made);
    run_tests_and_wake(&rt, made);

    gl_dump *d = build_and_read();
    check_tests(d);
    gl_registry_exited(7);
    gl_registry_exited(6);
    ck_assert_int_eq(d->pid, getpid());
    ck_assert_str_eq(d->reason, "exit");
    ck_assert_uint_eq(d->ngoroutines, 7); /* 1, 3, 4, 5, 6, 7 live and 2 as an exited ancestor */
    check_leaker(d, &rt);
    check_states(d, &rt);
    check_channel_and_context(d, &rt);
    gl_dump_free(d);

    /* A later cancel shows in the next dump. */
    gl_registry_ctx_cancelled(rt.ctx);
    d = build_and_read();
    gl_goroutine *g4r = gl_dump_goroutine(d, 4);
    ck_assert_int_eq(g4r->state, GL_G_PARKED);
    ck_assert_int_eq(g4r->wait, GL_WAIT_MUTEX);
    ck_assert_uint_eq(g4r->obj, 0xc0000b0000);
    ck_assert_int_eq(gl_dump_context(d, rt.ctx)->cancelled, 1);
    gl_dump_free(d);
}
END_TEST

/* Lock holders: the table the Lock/Unlock interposers fill, through the
 * dump's lock and holder records. 30 waits on a Mutex held by 31 (live);
 * 32 on an RWMutex read-locked by 33 (exited: not in the registry) and by
 * 34, whose RUnlock removed it; 35 on a Once whose function 31 runs; a
 * Mutex locked by 31 and unlocked by another goroutine has no holder. */
START_TEST(lock_holders_survive_write_and_read)
{
    static _Alignas(8) int32_t mu[2] = {1, 0}, rw[6] = {0, 0, 0, 0, 3 - (1 << 30), 2}, once[3] = {0, 1, 0};
    static _Alignas(8) int32_t other[2] = {0, 0};
    uintptr_t site = (uintptr_t)&goleash_test_park_here + 4, site2 = (uintptr_t)&setup + 4;
    for (int64_t id = 30; id <= 32; id++)
        gl_registry_spawned(1, id, 0x3030, NULL);
    gl_registry_spawned(1, 35, 0x3030, NULL);
    gl_istack *st = gl_stack_intern(&site, 1, false);
    gl_registry_park_set(gl_registry_self(30), 18, GL_WAIT_MUTEX, (uintptr_t)mu, NULL, 0, st, gl_now_ns());
    gl_registry_park_set(gl_registry_self(32), 18, GL_WAIT_RWMUTEX, (uintptr_t)rw, NULL, 0, st, gl_now_ns());
    gl_registry_park_set(gl_registry_self(35), 18, GL_WAIT_ONCE, (uintptr_t)once, NULL, 0, st, gl_now_ns());
    gl_holds_lock((uintptr_t)mu, GL_HOLD_WRITE, 31, NULL, site);
    gl_holds_lock((uintptr_t)rw, GL_HOLD_READ, 33, NULL, site2);
    gl_holds_lock((uintptr_t)rw, GL_HOLD_READ, 34, NULL, site2);
    gl_holds_unlock((uintptr_t)rw, GL_HOLD_READ, 34);
    gl_holds_lock((uintptr_t)once + GL_LIBGO_ONCE_M_OFFSET, GL_HOLD_WRITE, 31, NULL, site2);
    gl_holds_lock((uintptr_t)other, GL_HOLD_WRITE, 31, NULL, site);
    gl_holds_unlock((uintptr_t)other, GL_HOLD_WRITE, 0); /* another goroutine's Unlock */
    gl_hold h[4];
    ck_assert_uint_eq(gl_holds_of((uintptr_t)other, h, 4), 0);

    gl_dump *d = build_and_read();
    /* and 4's from the test before (the suite runs in one process): its
     * made-up address cannot be read, which the dump says, not a crash */
    ck_assert_uint_eq(d->nlocks, 4);
    const gl_lock *fake = gl_dump_lock(d, 0xc0000b0000);
    ck_assert_ptr_nonnull(fake);
    ck_assert_int_eq(fake->locked, -1);
    ck_assert_uint_eq(fake->nholders, 0);
    const gl_lock *l = gl_dump_lock(d, (uintptr_t)mu);
    ck_assert_ptr_nonnull(l);
    ck_assert_int_eq(l->kind, GL_WAIT_MUTEX);
    ck_assert_int_eq(l->locked, 1);
    ck_assert_uint_eq(l->nholders, 1);
    ck_assert_int_eq(l->holders[0].goid, 31);
    ck_assert_int_eq(l->holders[0].read, 0);
    ck_assert_int_eq(l->holders[0].exited, 0);
    ck_assert_uint_eq(l->holders[0].site->n, 1);
    ck_assert_uint_eq(l->holders[0].site->frames[0].pc, site);
    ck_assert_ptr_nonnull(strstr(l->holders[0].site->frames[0].function, "goleash_test_park_here"));

    l = gl_dump_lock(d, (uintptr_t)rw);
    ck_assert_int_eq(l->kind, GL_WAIT_RWMUTEX);
    ck_assert_int_eq(l->readers, 2); /* a writer pending: its readerWait */
    ck_assert_uint_eq(l->nholders, 1);
    ck_assert_int_eq(l->holders[0].goid, 33);
    ck_assert_int_eq(l->holders[0].read, 1);
    ck_assert_int_eq(l->holders[0].exited, 1);

    l = gl_dump_lock(d, (uintptr_t)once);
    ck_assert_int_eq(l->kind, GL_WAIT_ONCE);
    ck_assert_int_eq(l->locked, 1);
    ck_assert_uint_eq(l->nholders, 1);
    ck_assert_int_eq(l->holders[0].goid, 31);
    ck_assert_uint_eq(l->holders[0].site->frames[0].pc, site2);
    ck_assert_int_eq(gl_dump_goroutine(d, 35)->wait, GL_WAIT_ONCE);
    gl_dump_free(d);

    /* Unlocked: the holder goes, whoever unlocks. */
    gl_holds_unlock((uintptr_t)mu, GL_HOLD_WRITE, 0);
    d = build_and_read();
    ck_assert_uint_eq(gl_dump_lock(d, (uintptr_t)mu)->nholders, 0);
    gl_dump_free(d);
}
END_TEST

/* What fd 2 receives while fn(arg) runs. */
static const char *stderr_of(void (*fn)(void *), void *arg)
{
    static char out[8192];
    char path[] = "/tmp/goleash-test-stderr.XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    unlink(path);
    int saved = dup(2);
    dup2(fd, 2);
    fn(arg);
    dup2(saved, 2);
    close(saved);
    lseek(fd, 0, SEEK_SET);
    ssize_t n = read(fd, out, sizeof out - 1);
    out[n > 0 ? n : 0] = '\0';
    close(fd);
    return out;
}

static void save_dump(void *arg)
{
    static atomic_int warned;
    atomic_store(&warned, 0);
    gl_dump_save(arg, &warned);
}

static char *slurp_small(const char *path, char *buf, size_t cap)
{
    int fd = open(path, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    ssize_t n = read(fd, buf, cap - 1);
    buf[n > 0 ? n : 0] = '\0';
    close(fd);
    return buf;
}

START_TEST(file_is_atomic_private_and_symlink_safe)
{
    char dir[] = "/tmp/goleash-test-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char target[256], link[256], pattern[256], final[600], buf[64];
    snprintf(target, sizeof target, "%s/target", dir);
    snprintf(link, sizeof link, "%s/d.dump", dir);
    int fd = open(target, O_CREAT | O_WRONLY, 0644);
    ck_assert(write(fd, "precious\n", 9) == 9);
    close(fd);
    ck_assert_int_eq(symlink(target, link), 0);

    gl_membuf b = {0};
    ck_assert_int_eq(gl_dump_build(&b, "exit", 0), 0);

    /* A symbolic link at the name: neither followed nor replaced. */
    snprintf(pattern, sizeof pattern, "%s/d.dump", dir);
    errno = 0;
    ck_assert_int_eq(gl_dump_write_file(&b, pattern, final, sizeof final), -1);
    ck_assert_int_eq(errno, GL_WRITE_REFUSED_LINK);
    ck_assert_str_eq(final, link);
    struct stat st;
    ck_assert_int_eq(lstat(link, &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    ck_assert_str_eq(slurp_small(target, buf, sizeof buf), "precious\n");

    /* One line says so, naming the file and why. */
    snprintf(gl_host.opts.dump_path, sizeof gl_host.opts.dump_path, "%s", link);
    char want[700];
    snprintf(want, sizeof want,
             "goleash: cannot write dump %s: a symbolic link is there (goleash neither follows nor replaces it)\n",
             link);
    ck_assert_str_eq(stderr_of(save_dump, &b), want);

    /* A FIFO (or a device: /dev/null as root) is not replaced either. */
    char fifo[256];
    snprintf(fifo, sizeof fifo, "%s/f.dump", dir);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    errno = 0;
    ck_assert_int_eq(gl_dump_write_file(&b, fifo, final, sizeof final), -1);
    ck_assert_int_eq(errno, GL_WRITE_REFUSED_SPECIAL);
    ck_assert_int_eq(lstat(fifo, &st), 0);
    ck_assert(S_ISFIFO(st.st_mode));
    snprintf(gl_host.opts.dump_path, sizeof gl_host.opts.dump_path, "%s", fifo);
    snprintf(want, sizeof want,
             "goleash: cannot write dump %s: something other than a regular file is there (goleash does not "
             "replace it)\n", fifo);
    ck_assert_str_eq(stderr_of(save_dump, &b), want);
    gl_host.opts.dump_path[0] = '\0';

    /* A regular file is replaced, private. */
    ck_assert_int_eq(gl_dump_write_file(&b, target, final, sizeof final), 0);
    ck_assert_int_eq(lstat(target, &st), 0);
    ck_assert(S_ISREG(st.st_mode));
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    gl_dump *d = NULL;
    gl_diag diag;
    ck_assert_int_eq(gl_dump_read_file(target, &d, &diag), 0);
    gl_dump_free(d);

    /* %p, and no temporary left behind. */
    snprintf(pattern, sizeof pattern, "%s/p.%%p.dump", dir);
    ck_assert_int_eq(gl_dump_write_file(&b, pattern, final, sizeof final), 0);
    snprintf(want, sizeof want, "%s/p.%d.dump", dir, (int)getpid());
    ck_assert_str_eq(final, want);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "test $(ls -A %s | grep -c tmp) -eq 0", dir);
    ck_assert_int_eq(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
    gl_membuf_free(&b);
}
END_TEST

/* A path longer than the buffer is an error, never a shorter path. */
START_TEST(long_dump_path_is_not_cut)
{
    gl_membuf b = {0};
    ck_assert_int_eq(gl_dump_build(&b, "exit", 0), 0);
    char pattern[5000], final[4096];
    memset(pattern, 'a', sizeof pattern - 1);
    pattern[0] = '/';
    pattern[sizeof pattern - 1] = '\0';
    errno = 0;
    ck_assert_int_eq(gl_dump_write_file(&b, pattern, final, sizeof final), -1);
    ck_assert_int_eq(errno, ENAMETOOLONG);
    gl_membuf_free(&b);
}
END_TEST

/* log_path is appended to, never followed through a link, never a FIFO
 * (whose open would block the program): one warning on stderr, then the
 * log goes to stderr. */
static void log_hello(void *arg)
{
    (void)arg;
    gl_log_reset_after_fork();
    gl_log("hello");
    gl_log("again");
}

START_TEST(log_path_refuses_links_and_fifos)
{
    char dir[] = "/tmp/goleash-test-log-XXXXXX", target[256], link[256], fifo[256], file[256], want[700], buf[64];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(target, sizeof target, "%s/target", dir);
    snprintf(link, sizeof link, "%s/log.link", dir);
    snprintf(fifo, sizeof fifo, "%s/log.fifo", dir);
    snprintf(file, sizeof file, "%s/log.%%p", dir);
    close(open(target, O_CREAT | O_WRONLY, 0644));
    ck_assert_int_eq(symlink(target, link), 0);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);

    snprintf(gl_host.opts.log_path, sizeof gl_host.opts.log_path, "%s", link);
    snprintf(want, sizeof want, "goleash: log_path %s: a symbolic link (not followed); logging to stderr\nhello\nagain\n",
             link);
    ck_assert_str_eq(stderr_of(log_hello, NULL), want);
    ck_assert_str_eq(slurp_small(target, buf, sizeof buf), "");

    snprintf(gl_host.opts.log_path, sizeof gl_host.opts.log_path, "%s", fifo);
    snprintf(want, sizeof want, "goleash: log_path %s: not a regular file or character device; logging to stderr\n"
             "hello\nagain\n", fifo);
    /* Once per process: log_hello starts each case as a fresh child would. */
    ck_assert_str_eq(stderr_of(log_hello, NULL), want);

    /* A regular file: created 0600, appended to, stderr untouched. */
    snprintf(gl_host.opts.log_path, sizeof gl_host.opts.log_path, "%s", file);
    ck_assert_str_eq(stderr_of(log_hello, NULL), "");
    char path[300];
    snprintf(path, sizeof path, "%s/log.%d", dir, (int)getpid());
    ck_assert_str_eq(slurp_small(path, buf, sizeof buf), "hello\nagain\n");
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);

    gl_log_reset_after_fork();
    gl_host.opts.log_path[0] = '\0';
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(cut_dump_reads_as_truncated)
{
    gl_membuf b = {0};
    ck_assert_int_eq(gl_dump_build(&b, "interval", -1), 0);
    /* Drop the `end` record. */
    size_t len = b.len - 1;
    while (len > 0 && b.p[len - 1] != '\n')
        len--;
    gl_dump *d = NULL;
    gl_diag diag;
    ck_assert_int_eq(gl_dump_read_buffer("cut", b.p, len, &d, &diag), 0);
    ck_assert_int_eq(d->truncated, 1);
    ck_assert_int_eq(diag.is_warning, 1);
    gl_dump_free(d);
    gl_membuf_free(&b);
}
END_TEST

int main(void)
{
    Suite *s;
    TCase *tc = gl_single_case(&s, "dump_roundtrip", 60, GL_TESTS(
        registry_survives_write_and_read,
        lock_holders_survive_write_and_read,
        file_is_atomic_private_and_symlink_safe,
        long_dump_path_is_not_cut,
        log_path_refuses_links_and_fifos,
        cut_dump_reads_as_truncated));
    tcase_add_unchecked_fixture(tc, setup, NULL);
    return gl_run_suites(GL_SUITES(s), CK_VERBOSE, 1);
}
