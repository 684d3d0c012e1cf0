/* gccgo runs goroutines on split-stack segments. A split-stack function
 * checks its frame against the segment limit, but our interposers are plain C
 * reached through the PLT: they get only the slack below the limit that
 * libgcc's __morestack leaves (a few hundred bytes). libunwind, the intern
 * tables and the registry need more, so they run on a per-thread stack of
 * our own, switched to by a small assembly trampoline whose CFI points back
 * to the goroutine stack: an unwind started on the alternate stack walks
 * straight through into the goroutine's frames. */
#include "core/core.h"

#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

/* Under valgrind the switch must be announced, or every access on the
 * alternate stack looks like one beyond the thread's stack. Outside
 * valgrind these requests cost a few no-op instructions. */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef VALGRIND_STACK_REGISTER
#define VALGRIND_STACK_REGISTER(lo, hi) 0u
#define VALGRIND_STACK_DEREGISTER(id) ((void)(id))
#endif

#define ALT_SIZE (256u << 10)

#if defined(__x86_64__)
/* void gl_altstack_call(void *top, void (*fn)(void *), void *arg) */
__asm__(
    ".text\n"
    ".p2align 4\n"
    ".globl gl_altstack_call\n"
    ".hidden gl_altstack_call\n"
    ".type gl_altstack_call,@function\n"
    "gl_altstack_call:\n"
    ".cfi_startproc\n"
    "pushq %rbp\n"
    ".cfi_def_cfa_offset 16\n"
    ".cfi_offset %rbp, -16\n"
    "movq %rsp, %rbp\n"
    ".cfi_def_cfa_register %rbp\n"
    "movq %rdi, %rsp\n"
    "movq %rdx, %rdi\n"
    "callq *%rsi\n"
    "movq %rbp, %rsp\n"
    ".cfi_def_cfa_register %rsp\n"
    "popq %rbp\n"
    ".cfi_def_cfa_offset 8\n"
    "ret\n"
    ".cfi_endproc\n"
    ".size gl_altstack_call, .-gl_altstack_call\n");
void gl_altstack_call(void *top, void (*fn)(void *), void *arg) GL_HIDDEN;
#define HAVE_SWITCH 1
#endif

/* This thread's alternate stack. */
static GL_TLS struct {
    char *base;
    unsigned vg_id;     /* valgrind's name for it */
    int depth;          /* 1 while running on it */
} alt;

/* Frees each thread's stack when the thread ends. */
static struct {
    pthread_key_t key;
    pthread_once_t once;
} alt_release_key = {.once = PTHREAD_ONCE_INIT};

static void alt_release(void *base)
{
    if (base) {
        VALGRIND_STACK_DEREGISTER(alt.vg_id);
        munmap(base, ALT_SIZE);
    }
}

static void alt_key_init(void)
{
    pthread_key_create(&alt_release_key.key, alt_release);
}

#ifdef HAVE_SWITCH
static char *alt_get(void)
{
    if (GL_LIKELY(alt.base != NULL))
        return alt.base;
    char *p = mmap(NULL, ALT_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    /* A guard page turns an overflow into a clean fault instead of silent
     * corruption of whatever mapping lies below. */
    mprotect(p, (size_t)sysconf(_SC_PAGESIZE), PROT_NONE);
    alt.base = p;
    alt.vg_id = VALGRIND_STACK_REGISTER(p, p + ALT_SIZE);
    pthread_once(&alt_release_key.once, alt_key_init);
    pthread_setspecific(alt_release_key.key, p);
    return p;
}
#endif

void gl_on_altstack(void (*fn)(void *), void *arg)
{
#ifdef HAVE_SWITCH
    if (alt.depth == 0) {
        char *base = alt_get();
        if (base) {
            alt.depth++;
            gl_altstack_call(base + ALT_SIZE, fn, arg);
            alt.depth--;
            return;
        }
    }
#endif
    fn(arg);
}
