/* A stand-in for a libgo of another version: it has the spawn and park entry
 * points (or, built with -DNO_GOPARK, not even runtime.gopark) and none of the
 * channel, sync, context or timer ones. The shim must say so in one line and
 * otherwise leave the program alone. */
/* Shaped like libgo's g as far as the shim reads it: the goroutine id at
 * byte 56, and the first goroutine is goroutine 1. */
static long long fake_g[16] = {[7] = 1};

void *fake_go_go(unsigned long fn, void *arg) __asm__("__go_go");
void *fake_go_go(unsigned long fn, void *arg) { (void)fn; (void)arg; return fake_g; }
void *fake_getg(void) __asm__("runtime.getg");
void *fake_getg(void) { return 0; }
void fake_goexit1(void) __asm__("runtime.goexit1");
void fake_goexit1(void) {}
#ifndef NO_GOPARK
void fake_gopark(void *a, void *b, unsigned char r, unsigned char t, long s) __asm__("runtime.gopark");
void fake_gopark(void *a, void *b, unsigned char r, unsigned char t, long s) { (void)a; (void)b; (void)r; (void)t; (void)s; }
#endif
