#include "suites.h"

#include "names/demangle.h"
#include "text_report/text_report.h"
#include "rules/rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

START_TEST(reads_a_valid_dump)
{
    gl_dump *d = NULL;
    gl_diag diag;
    ck_assert_int_eq(gl_dump_read_file(data_path("leak_small.dump"), &d, &diag), 0);
    ck_assert_str_eq(diag.msg, "");
    ck_assert_int_eq(d->version, 1);
    ck_assert_int_eq(d->truncated, 0);
    ck_assert_int_eq(d->pid, 4242);
    ck_assert_int_eq(d->ppid, 1);
    ck_assert_str_eq(d->exe, "/src/prog");
    ck_assert_str_eq(d->reason, "exit");
    ck_assert_int_eq(d->status, 0);
    ck_assert_int_eq(d->mono_ns, 10000000000LL);
    ck_assert_str_eq(d->missing, "");
    ck_assert_uint_eq(d->nmodules, 2);
    ck_assert_ptr_null(d->modules[0].build_id);
    ck_assert_str_eq(d->modules[1].build_id, "abcd");
    ck_assert_uint_eq(d->modules[0].base, 0x400000);
    ck_assert_uint_eq(d->nstacks, 4);
    ck_assert_uint_eq(d->ngoroutines, 5);
    ck_assert_uint_eq(d->nchans, 2);
    ck_assert_uint_eq(d->ncontexts, 0);

    const gl_goroutine *g = gl_dump_goroutine(d, 18);
    ck_assert_ptr_nonnull(g);
    ck_assert_int_eq(g->state, GL_G_PARKED);
    ck_assert_int_eq(g->reason, 14);
    ck_assert_int_eq(g->wait, GL_WAIT_CHAN);
    ck_assert_int_eq(g->parent, 1);
    ck_assert_str_eq(g->start_function, "main.main..func1");
    ck_assert_uint_eq(g->nchans, 1);
    ck_assert_uint_eq(g->chans[0], 0xc000012000);
    ck_assert_ptr_nonnull(g->stack);
    ck_assert_uint_eq(g->stack->id, 1);
    ck_assert_uint_eq(g->stack->n, 4);
    ck_assert_str_eq(g->stack->frames[0].function, "runtime.gopark");
    ck_assert_str_eq(g->stack->frames[2].function, "main.worker");
    ck_assert_uint_eq(g->stack->frames[2].off, 0x1a);
    ck_assert_int_eq(g->stack->frames[2].mod, 0);
    ck_assert_ptr_null(g->stack->frames[2].file);
    ck_assert_uint_eq(g->created->id, 2);
    ck_assert_int_eq(gl_dump_goroutine(d, 2)->system, 1);
    ck_assert_int_eq(gl_dump_goroutine(d, 1)->reason, -1);
    ck_assert_ptr_null(gl_dump_goroutine(d, 999));

    const gl_chan *c = gl_dump_chan(d, 0xc000012000);
    ck_assert_ptr_nonnull(c);
    ck_assert_uint_eq(c->made->id, 3);
    ck_assert_int_eq(c->cap, 0);
    ck_assert_uint_eq(c->ntouches, 1);
    ck_assert_int_eq(c->touches[0].goid, 18);
    ck_assert_str_eq(c->touches[0].op, "recv");
    ck_assert_ptr_eq(c->touches[0].stack, g->stack);
    ck_assert_int_eq(gl_dump_chan(d, 0xc000013000)->cap, 2);
    gl_dump_free(d);
}
END_TEST

START_TEST(decodes_strings_and_names)
{
    gl_dump *d = parse_ok("goleash-dump 1\n"
                          "info pid=1 exe=/a%20b/c%25d%3de%2cf reason=exit libgo=%e2%9c%93\n"
                          "sym pc=0x10 mod=0 off=0x0 name=net..z2fhttp.Get\n"
                          "sym pc=0x20 mod=0 off=0x0 name=crypto_1ed25519.NewScalar\n"
                          "sym pc=0x30 mod=0 off=0x0 name=main.main..func1\n"
                          "sym pc=0x40 mod=0 off=0x0 name=?\n"
                          "stack id=1 pcs=0x10,0x20,0x30,0x40,0x50\n"
                          "end stacks=1\n");
    ck_assert_str_eq(d->exe, "/a b/c%d=e,f");
    ck_assert_str_eq(d->libgo, "\xe2\x9c\x93");
    const gl_stack *s = d->stacks[0];
    ck_assert_str_eq(s->frames[0].function, "net/http.Get");
    ck_assert_str_eq(s->frames[1].function, "crypto/ed25519.NewScalar");
    ck_assert_str_eq(s->frames[2].function, "main.main..func1");
    ck_assert_ptr_null(s->frames[3].function);
    ck_assert_ptr_null(s->frames[4].function);
    ck_assert_int_eq(s->frames[4].mod, -1);
    gl_dump_free(d);
}
END_TEST

START_TEST(demangles_gccgo_names)
{
    static const char *const cases[][2] = {
        {"net..z2fhttp.Get", "net/http.Get"},
        {"sync_1atomic.AddInt32", "sync/atomic.AddInt32"},
        {"main.test__a__b", "main.test_a_b"},
        {"main.h_u00e9llo", "main.h\xc3\xa9llo"},
        {"type..func_8_2main_0T_9_8_9", "type..func(*main.T)()"},
        {"main.main..func1", "main.main..func1"},
        {"main..thunk0", "main..thunk0"},
        {"__go_go", "__go_go"},
        {"runtime_mstart", "runtime_mstart"},
        {"a.b..z", "a.b..z"},
        {"a.b..z00", "a.b..z00"},
        {"a.b_", "a.b_"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *s = gl_demangle(cases[i][0]);
        ck_assert_str_eq(s, cases[i][1]);
        free(s);
    }
}
END_TEST

static const struct {
    const char *text;
    int line;
    const char *what;
} bad_dumps[] = {
    {"", 1, "empty file"},
    {"hello world\n", 1, "not a goleash dump"},
    {"\x7f" "ELF\x02\x01\x01\0\0\0", 1, "not a goleash dump"},
    {"goleash-dump 2\ninfo pid=1\n", 1, "unsupported dump version 2"},
    {"goleash-dump 1\nmodule id=0\n", 2, "expected info record, got 'module'"},
    {TEST_HEADER "sym pc=0xZZ mod=0\n", 3, "bad hex in key pc"},
    {TEST_HEADER "sym pc=4096 mod=0\n", 3, "bad hex in key pc"},
    {TEST_HEADER "sym pc=0x12345678901234567 mod=0\n", 3, "bad hex in key pc"},
    {TEST_HEADER "\n# comment\nstack id=1 pcs=0x1,zz\n", 5, "bad hex in key pcs"},
    {TEST_HEADER "goroutine id=7 state=parked reason=14 stack=9\n", 3, "stack 9 not defined"},
    {TEST_HEADER "chan addr=0x1 made=3\n", 3, "stack 3 not defined"},
    {TEST_HEADER "goroutine id=abc state=running\n", 3, "bad integer in key id"},
    {TEST_HEADER "goroutine id=99999999999999999999 state=running\n", 3, "bad integer in key id"},
    {TEST_HEADER "goroutine id=1 state=running reason=99999999999\n", 3, "bad integer in key reason"},
    {TEST_HEADER "goroutine id=1 state=sleeping\n", 3, "bad value in key state"},
    {TEST_HEADER "goroutine state=running\n", 3, "missing key id in goroutine"},
    {TEST_HEADER "goroutine id=1 state=running system=2\n", 3, "bad boolean in key system"},
    {TEST_HEADER "goroutine id=1 state=running junk\n", 3, "malformed field 'junk'"},
    {TEST_HEADER "FOO x=1\n", 3, "unknown record 'FOO'"},
    {TEST_HEADER "info pid=2\n", 3, "duplicate info record"},
    {TEST_HEADER "touch chan=0x99 goid=1 op=send\n", 3, "chan 0x99 not defined"},
    {TEST_HEADER "holder lock=0x99 goid=1 mode=write\n", 3, "lock 0x99 not defined"},
    {TEST_HEADER "lock addr=0x99 kind=waitgroup\n", 3, "bad lock kind 'waitgroup'"},
    {TEST_HEADER "lock kind=mutex\n", 3, "missing key addr in lock"},
    {TEST_HEADER "lock addr=0x99 kind=mutex\nholder lock=0x99 mode=write\n", 4, "missing key goid in holder"},
    {TEST_HEADER "lock addr=0x99 kind=mutex\nholder lock=0x99 goid=1 mode=both\n", 4, "bad holder mode 'both'"},
    {TEST_HEADER "lock addr=0x99 kind=mutex\nholder lock=0x99 goid=1 site=4\n", 4, "stack 4 not defined"},
    {TEST_HEADER "lock addr=0x99 kind=mutex\nend locks=2\n", 4, "count mismatch in end: locks=2 but the dump has 1"},
    {"goleash-dump 1\ninfo exe=/a%zzb\n", 2, "bad percent escape in key exe"},
    {"goleash-dump 1\ninfo exe=/a%00b\n", 2, "bad percent escape in key exe"},
    {TEST_HEADER "stack id=0 pcs=\n", 3, "bad stack id 0"},
    {TEST_HEADER "goroutine id=1 state=running\nend goroutines=2 chans=0 contexts=0 stacks=0\n", 4,
     "count mismatch in end: goroutines=2 but the dump has 1"},
    {TEST_HEADER "end goroutines=0\ngoroutine id=1 state=running\n", 4, "record after end"},
    {TEST_HEADER "goroutine id=1 state=running\0 x=1\n", 3, "NUL byte in line"},
};

START_TEST(reports_each_error_with_its_line)
{
    const char *text = bad_dumps[_i].text;
    /* Embedded NULs: the length is the literal's, not strlen's, for those. */
    size_t len = strlen(text);
    if (strstr(bad_dumps[_i].what, "NUL"))
        len += 1 + strlen(text + len + 1);
    if (text[0] == '\x7f')
        len = 10;
    gl_dump *d = (gl_dump *)1;
    gl_diag diag;
    ck_assert_int_eq(gl_dump_read_buffer("bad.dump", text, len, &d, &diag), -1);
    ck_assert_ptr_null(d);
    ck_assert_int_eq(diag.is_warning, 0);
    ck_assert_int_eq(diag.line, bad_dumps[_i].line);
    char want[512];
    snprintf(want, sizeof want, "goleash: bad.dump:%d: %s", bad_dumps[_i].line, bad_dumps[_i].what);
    ck_assert_str_eq(diag.msg, want);
}
END_TEST

START_TEST(rejects_too_long_lines)
{
    size_t n = 70 * 1024;
    char *text = malloc(strlen(TEST_HEADER) + n + 32);
    strcpy(text, TEST_HEADER "stack id=1 pcs=");
    size_t len = strlen(text);
    memset(text + len, '0', n);
    len += n;
    text[len++] = '\n';
    gl_dump *d;
    gl_diag diag;
    ck_assert_int_eq(gl_dump_read_buffer("long.dump", text, len, &d, &diag), -1);
    ck_assert_str_eq(diag.msg, "goleash: long.dump:3: line too long");
    free(text);
}
END_TEST

START_TEST(missing_file_is_an_error)
{
    gl_dump *d;
    gl_diag diag;
    ck_assert_int_eq(gl_dump_read_file("/nonexistent/goleash.dump", &d, &diag), -1);
    ck_assert_ptr_null(d);
    ck_assert_str_eq(diag.msg, "goleash: /nonexistent/goleash.dump: No such file or directory");
}
END_TEST

START_TEST(truncated_dump_is_a_warning)
{
    /* Cut in the middle of a record: the partial last line is dropped. */
    const char *text = TEST_HEADER
        "stack id=1 pcs=0x10\n"
        "goroutine id=5 state=parked reason=14 wait=chan since_ns=1 stack=1\n"
        "goroutine id=6 state=parked reas";
    gl_dump *d;
    gl_diag diag;
    ck_assert_int_eq(gl_dump_read_buffer("cut.dump", text, strlen(text), &d, &diag), 0);
    ck_assert_int_eq(d->truncated, 1);
    ck_assert_uint_eq(d->ngoroutines, 1);
    ck_assert_int_eq(diag.is_warning, 1);
    ck_assert_str_eq(diag.msg, "goleash: cut.dump: truncated dump (no end record): reporting what it holds");
    gl_dump_free(d);

}
END_TEST

/* Cut before the first goroutine: nothing to judge, and an empty report
 * would read as "no leaks". An error, not a warning. */
START_TEST(truncated_before_any_goroutine_is_an_error)
{
    static const char *const cuts[] = {
        "goleash-dump 1\n",
        TEST_HEADER,
        TEST_HEADER "stack id=1 pcs=0x10\n",
        TEST_HEADER "stack id=1 pcs=0x10\ngoroutine id=5 state=par",
    };
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        gl_dump *d = (gl_dump *)1;
        gl_diag diag;
        ck_assert_int_eq(gl_dump_read_buffer("cut.dump", cuts[i], strlen(cuts[i]), &d, &diag), -1);
        ck_assert_ptr_null(d);
        ck_assert_int_eq(diag.is_warning, 0);
        ck_assert_str_eq(diag.msg,
                         "goleash: cut.dump: truncated dump (no end record) cut before its first goroutine: nothing to judge");
    }
}
END_TEST

START_TEST(end_without_newline_is_complete)
{
    const char *text = TEST_HEADER "goroutine id=1 state=running\nend goroutines=1 chans=0 contexts=0 stacks=0";
    gl_dump *d = parse_ok(text);
    ck_assert_int_eq(d->truncated, 0);
    gl_dump_free(d);
}
END_TEST

/* A gc backend's dump: file:line on sym records, inlined calls expanded
 * innermost first, wrappers left out, creation chains (callers=1) not
 * expanded, gc's own reason string and start name kept, unreadable
 * goroutines counted. */
START_TEST(reads_the_gc_writers_records)
{
    gl_dump *d = parse_ok("goleash-dump 1\n"
                          "info pid=7 ppid=1 exe=/x reason=exit status=0 mono_ns=1 wall_ns=1 runtime=gc "
                          "goversion=go1.26.8 layout=DWARF unreadable=2\n"
                          "sym pc=0x1000 mod=0 off=0x10 name=main.outer file=/s/a.go line=40\n"
                          "inline pc=0x1000 depth=0 name=main.inner file=/s/b.go line=12\n"
                          "inline pc=0x1000 depth=1 name=main.wrap file=/s/a.go line=30 wrapper=1\n"
                          "sym pc=0x2000 mod=0 off=0x4 name=main.main.gowrap1 file=/s/a.go line=50 wrapper=1\n"
                          "stack id=1 pcs=0x1000,0x2000 truncated=0\n"
                          "stack id=2 pcs=0x1000 truncated=0 callers=1\n"
                          "goroutine id=5 parent=1 start=0x2000 start_name=main.worker created=2 system=0 "
                          "state=parked reason=20 reason_text=sync.WaitGroup.Wait wait=waitgroup stack=1 chans=\n"
                          "end goroutines=1 chans=0 contexts=0 stacks=2\n");
    ck_assert_uint_eq(d->unreadable, 2);
    const gl_goroutine *g = gl_dump_goroutine(d, 5);
    ck_assert_ptr_nonnull(g);
    ck_assert_str_eq(g->start_function, "main.worker");
    ck_assert_str_eq(g->reason_text, "sync.WaitGroup.Wait");
    const gl_stack *st = g->stack;
    ck_assert_uint_eq(st->n, 2);
    ck_assert_str_eq(st->frames[0].function, "main.inner");
    ck_assert_str_eq(st->frames[0].file, "/s/b.go");
    ck_assert_int_eq(st->frames[0].line, 12);
    ck_assert_str_eq(st->frames[1].function, "main.outer");
    ck_assert_str_eq(st->frames[1].file, "/s/a.go");
    ck_assert_int_eq(st->frames[1].line, 40);
    ck_assert_uint_eq(g->created->n, 1);
    ck_assert_str_eq(g->created->frames[0].function, "main.inner");
    gl_dump_free(d);
}
END_TEST

START_TEST(inline_records_must_follow_their_sym_in_order)
{
    gl_diag diag;
    gl_dump *d = NULL;
    const char *orphan = TEST_HEADER "inline pc=0x1000 depth=0 name=f file=/a.go line=1\n";
    ck_assert_int_eq(gl_dump_read_buffer("t", orphan, strlen(orphan), &d, &diag), -1);
    ck_assert_str_eq(diag.msg, "goleash: t:3: sym 0x1000 not defined");
    const char *gap = TEST_HEADER "sym pc=0x1000 mod=0 name=f\ninline pc=0x1000 depth=1 name=g file=/a.go line=1\n";
    ck_assert_int_eq(gl_dump_read_buffer("t", gap, strlen(gap), &d, &diag), -1);
    ck_assert_str_eq(diag.msg, "goleash: t:4: inline depth 1 out of order");
}
END_TEST

START_TEST(skips_unknown_lower_case_records_and_keys)
{
    gl_dump *d = parse_ok(TEST_HEADER
                          "futurething a=1 b=2\n"
                          "goroutine id=1 state=running newkey=whatever\n"
                          "end goroutines=1 chans=0 contexts=0 stacks=0 newcount=5\n");
    ck_assert_uint_eq(d->ngoroutines, 1);
    ck_assert_int_eq(d->truncated, 0);
    gl_dump_free(d);
}
END_TEST

/* Keys are matched whole: one that begins another (start, start_name;
 * reason, reason_text) never answers for it, the last of a repeated key
 * wins, and a value may hold '=' (the key ends at the first). */
START_TEST(matches_keys_whole)
{
    gl_dump *d = parse_ok(TEST_HEADER
                          "goroutine id=1 state=parked start_name=main.a=b reason_text=x reason=14 reason=15\n"
                          "goroutine id=2 state=parked start=0x10 reason=14 reason_text=chan%20receive\n"
                          "end goroutines=2 chans=0 contexts=0 stacks=0\n");
    const gl_goroutine *a = gl_dump_goroutine(d, 1), *b = gl_dump_goroutine(d, 2);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(a->start_pc, 0);
    ck_assert_str_eq(a->start_function, "main.a=b");
    ck_assert_int_eq(a->reason, 15);
    ck_assert_str_eq(a->reason_text, "x");
    ck_assert_uint_eq(b->start_pc, 0x10);
    ck_assert_ptr_null(b->start_function);
    ck_assert_int_eq(b->reason, 14);
    ck_assert_str_eq(b->reason_text, "chan receive");
    gl_dump_free(d);

    gl_diag diag;
    const char *empty_key = TEST_HEADER "goroutine id=1 =x state=parked\n";
    ck_assert_int_eq(gl_dump_read_buffer("t", empty_key, strlen(empty_key), &d, &diag), -1);
    ck_assert_str_eq(diag.msg, "goleash: t:3: malformed field '=x'");
}
END_TEST

START_TEST(duplicate_ids_keep_the_first_with_a_warning)
{
    gl_dump *d;
    gl_diag diag;
    const char *text = TEST_HEADER
        "stack id=1 pcs=0x10\n"
        "stack id=1 pcs=0x20,0x30\n"
        "goroutine id=1 state=running\n"
        "goroutine id=1 state=parked reason=14 stack=1\n"
        "chan addr=0xc0 cap=1\n"
        "chan addr=0xc0 cap=2\n"
        "context addr=0xd0 kind=cancel\n"
        "context addr=0xd0 kind=timeout\n"
        "end goroutines=2 chans=2 contexts=2 stacks=2\n";
    ck_assert_int_eq(gl_dump_read_buffer("dup.dump", text, strlen(text), &d, &diag), 0);
    ck_assert_int_eq(diag.is_warning, 1);
    ck_assert_uint_eq(diag.nwarnings, 4);
    ck_assert_int_eq(diag.line, 4);
    ck_assert_str_eq(diag.msg, "goleash: dup.dump:4: duplicate stack 1 ignored");
    ck_assert_uint_eq(d->nstacks, 1);
    ck_assert_uint_eq(d->stacks[0]->n, 1);
    ck_assert_uint_eq(d->ngoroutines, 1);
    ck_assert_int_eq(d->goroutines[0].state, GL_G_RUNNING);
    ck_assert_int_eq(gl_dump_chan(d, 0xc0)->cap, 1);
    ck_assert_str_eq(gl_dump_context(d, 0xd0)->kind, "cancel");
    gl_dump_free(d);
}
END_TEST

START_TEST(reads_locks_and_their_holders)
{
    gl_dump *d = parse_ok(TEST_HEADER
                          "sym pc=0x4011a0 mod=-1 off=0x10 name=main.reader\n"
                          "sym pc=0x4012a0 mod=-1 off=0x20 name=main.grab\n"
                          "stack id=1 pcs=0x4011a0\n"
                          "stack id=2 pcs=0x4012a0\n"
                          "goroutine id=9 state=parked reason=18 wait=rwmutex obj=0xc0\n"
                          "goroutine id=10 state=parked reason=18 wait=mutex obj=0xd0\n"
                          "goroutine id=11 state=parked reason=18 wait=once obj=0xe0\n"
                          "lock addr=0xc0 kind=rwmutex locked=0 readers=2\n"
                          "holder lock=0xc0 goid=5 mode=read site=1 exited=1\n"
                          "holder lock=0xc0 goid=6 mode=read site=1 exited=0\n"
                          "lock addr=0xd0 kind=mutex locked=1\n"
                          "holder lock=0xd0 goid=7 mode=write site=2 exited=0\n"
                          "lock addr=0xe0 kind=once\n"
                          "end goroutines=3 stacks=2 locks=3\n");
    ck_assert_uint_eq(d->nlocks, 3);
    const gl_lock *rw = gl_dump_lock(d, 0xc0);
    ck_assert_ptr_nonnull(rw);
    ck_assert_int_eq(rw->kind, GL_WAIT_RWMUTEX);
    ck_assert_int_eq(rw->locked, 0);
    ck_assert_int_eq(rw->readers, 2);
    ck_assert_uint_eq(rw->nholders, 2);
    ck_assert_int_eq(rw->holders[0].goid, 5);
    ck_assert_int_eq(rw->holders[0].read, 1);
    ck_assert_int_eq(rw->holders[0].exited, 1);
    ck_assert_str_eq(rw->holders[0].site->frames[0].function, "main.reader");
    ck_assert_int_eq(rw->holders[1].goid, 6);
    ck_assert_int_eq(rw->holders[1].exited, 0);
    const gl_lock *mu = gl_dump_lock(d, 0xd0);
    ck_assert_int_eq(mu->kind, GL_WAIT_MUTEX);
    ck_assert_int_eq(mu->locked, 1);
    ck_assert_int_eq(mu->readers, -1);
    ck_assert_int_eq(mu->holders[0].read, 0);
    ck_assert_str_eq(mu->holders[0].site->frames[0].function, "main.grab");
    const gl_lock *once = gl_dump_lock(d, 0xe0);
    ck_assert_int_eq(once->kind, GL_WAIT_ONCE);
    ck_assert_int_eq(once->locked, -1);
    ck_assert_uint_eq(once->nholders, 0);
    ck_assert_int_eq(gl_dump_goroutine(d, 11)->wait, GL_WAIT_ONCE);
    ck_assert_ptr_null(gl_dump_lock(d, 0xf0));
    /* The rules find each waiter's lock; a holder's state is the dump's. */
    ck_assert_ptr_eq(gl_waited_lock(gl_dump_goroutine(d, 10)), mu);
    ck_assert_ptr_eq(gl_waited_lock(gl_dump_goroutine(d, 9)), rw);
    gl_holder_state st;
    gl_holder_state_of(d, &rw->holders[0], &st);
    ck_assert_int_eq(st.exited, 1);
    gl_holder_state_of(d, &mu->holders[0], &st);
    ck_assert_int_eq(st.exited, 0);
    ck_assert_ptr_null(st.g); /* goroutine 7 is not in this dump */
    gl_dump_free(d);
}
END_TEST

START_TEST(keeps_at_most_eight_holders)
{
    char text[4096];
    int n = snprintf(text, sizeof text, "%slock addr=0xc0 kind=rwmutex readers=10\n", TEST_HEADER);
    for (int i = 1; i <= 10; i++)
        n += snprintf(text + n, sizeof text - (size_t)n, "holder lock=0xc0 goid=%d mode=read\n", i);
    snprintf(text + n, sizeof text - (size_t)n, "end locks=1\n");
    gl_dump *d;
    gl_diag diag;
    ck_assert_int_eq(gl_dump_read_buffer("h.dump", text, strlen(text), &d, &diag), 0);
    ck_assert_int_eq(diag.is_warning, 1);
    ck_assert_str_eq(diag.msg, "goleash: h.dump:12: more than 8 holders of lock 0xc0: the rest ignored");
    const gl_lock *l = gl_dump_lock(d, 0xc0);
    ck_assert_uint_eq(l->nholders, GL_MAX_HOLDERS);
    ck_assert_int_eq(l->holders[7].goid, 8);
    gl_dump_free(d);
}
END_TEST

START_TEST(keeps_the_newest_touches)
{
    char text[4096];
    int n = snprintf(text, sizeof text, "%schan addr=0xc0\n", TEST_HEADER);
    for (int i = 1; i <= 10; i++)
        n += snprintf(text + n, sizeof text - (size_t)n, "touch chan=0xc0 goid=%d op=send ns=%d stack=0\n", i, i);
    snprintf(text + n, sizeof text - (size_t)n, "end goroutines=0 chans=1 contexts=0 stacks=0\n");
    gl_dump *d = parse_ok(text);
    const gl_chan *c = gl_dump_chan(d, 0xc0);
    ck_assert_uint_eq(c->ntouches, GL_MAX_TOUCHES);
    ck_assert_int_eq(c->touches[0].goid, 3);
    ck_assert_int_eq(c->touches[GL_MAX_TOUCHES - 1].goid, 10);
    gl_dump_free(d);
}
END_TEST

/* xorshift: deterministic, so a crash found here can be replayed. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    char *buf = malloc(1 << 16);
    *len = fread(buf, 1, 1 << 16, f);
    fclose(f);
    return buf;
}

/* Whatever the reader accepts must also go through the rules and the report. */
static void exercise(const char *buf, size_t len, FILE *sink)
{
    gl_dump *d = NULL;
    gl_diag diag;
    if (gl_dump_read_buffer("fuzz.dump", buf, len, &d, &diag) == 0) {
        gl_rules_opts o = {.min_park_ns = (int64_t)(rnd() % 3) - 1};
        gl_report *r = gl_rules_run(&d, 1, &o);
        ck_assert_ptr_nonnull(r);
        gl_text_opts t = {.pid = 1, .print_when_clean = 1, .max_frames = rnd() % 4};
        gl_report_text(sink, r, &t);
        gl_report_free(r);
        gl_dump_free(d);
    } else {
        ck_assert_ptr_null(d);
        ck_assert_int_eq(strncmp(diag.msg, "goleash: fuzz.dump:", 19), 0);
    }
}

START_TEST(survives_random_mutations)
{
    static const char junk[] = " =,%\n\0#0x-9zZgoroutine stack=1 chans=0xc000012000 parent=18 end ";
    size_t len;
    char *orig = slurp(data_path("leak_small.dump"), &len);
    char *buf = malloc(len * 2 + 64);
    FILE *sink = fopen("/dev/null", "w");
    int accepted = 0;
    for (int iter = 0; iter < 20000; iter++) {
        size_t n = len;
        memcpy(buf, orig, len);
        int edits = 1 + (int)(rnd() % 8);
        for (int e = 0; e < edits; e++) {
            size_t at = n ? rnd() % n : 0;
            switch (rnd() % 5) {
            case 0: /* replace a byte */
                if (n)
                    buf[at] = (char)(rnd() % 4 ? junk[rnd() % (sizeof junk - 1)] : (char)rnd());
                break;
            case 1: /* insert a byte */
                if (n < len * 2 + 32) {
                    memmove(buf + at + 1, buf + at, n - at);
                    buf[at] = junk[rnd() % (sizeof junk - 1)];
                    n++;
                }
                break;
            case 2: /* delete a byte */
                if (n) {
                    memmove(buf + at, buf + at + 1, n - at - 1);
                    n--;
                }
                break;
            case 3: /* cut the file */
                n = at;
                break;
            default: /* duplicate a line: duplicated ids */
                if (n && n < len) {
                    char *nl = memchr(buf + at, '\n', n - at);
                    char *start = at ? memrchr(buf, '\n', at) : NULL;
                    size_t s = start ? (size_t)(start - buf) + 1 : 0;
                    size_t l = nl ? (size_t)(nl - buf) + 1 - s : 0;
                    if (l && n + l <= len * 2 + 32) {
                        memmove(buf + s + l, buf + s, n - s);
                        n += l;
                    }
                }
            }
        }
        gl_dump *probe = NULL;
        if (gl_dump_read_buffer("fuzz.dump", buf, n, &probe, NULL) == 0)
            accepted++;
        gl_dump_free(probe);
        exercise(buf, n, sink);
    }
    /* Pure noise as well. */
    for (int iter = 0; iter < 2000; iter++) {
        size_t n = rnd() % 512;
        for (size_t i = 0; i < n; i++)
            buf[i] = (char)rnd();
        if (iter % 2 && n > 16)
            memcpy(buf, "goleash-dump 1\n", 15);
        exercise(buf, n, sink);
    }
    /* The mutations must leave some dumps valid, or the rules were never fuzzed. */
    ck_assert_int_gt(accepted, 100);
    fclose(sink);
    free(buf);
    free(orig);
}
END_TEST

Suite *dump_read_suite(void)
{
    Suite *s = suite_create("dump_read");
    TCase *tc = tcase_create("dump_read");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, reads_a_valid_dump);
    tcase_add_test(tc, decodes_strings_and_names);
    tcase_add_test(tc, demangles_gccgo_names);
    tcase_add_loop_test(tc, reports_each_error_with_its_line, 0, (int)(sizeof bad_dumps / sizeof bad_dumps[0]));
    tcase_add_test(tc, rejects_too_long_lines);
    tcase_add_test(tc, missing_file_is_an_error);
    tcase_add_test(tc, truncated_dump_is_a_warning);
    tcase_add_test(tc, truncated_before_any_goroutine_is_an_error);
    tcase_add_test(tc, end_without_newline_is_complete);
    tcase_add_test(tc, reads_the_gc_writers_records);
    tcase_add_test(tc, inline_records_must_follow_their_sym_in_order);
    tcase_add_test(tc, skips_unknown_lower_case_records_and_keys);
    tcase_add_test(tc, matches_keys_whole);
    tcase_add_test(tc, duplicate_ids_keep_the_first_with_a_warning);
    tcase_add_test(tc, keeps_the_newest_touches);
    tcase_add_test(tc, reads_locks_and_their_holders);
    tcase_add_test(tc, keeps_at_most_eight_holders);
    tcase_add_test(tc, survives_random_mutations);
    suite_add_tcase(s, tc);
    return s;
}
