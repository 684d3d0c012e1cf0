#include "util/util.h"

#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int gl_grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap * 2 : 16;
    while (n < need)
        n *= 2;
    void *a = realloc(*arr, n * elem);
    if (!a)
        return -1;
    *arr = a;
    *cap = n;
    return 0;
}

int gl_hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int gl_parse_hex(const char *s, size_t len, uint64_t *out)
{
    if (len < 3 || len > 18 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
        return -1;
    uint64_t v = 0;
    for (size_t i = 2; i < len; i++) {
        int h = gl_hex_digit(s[i]);
        if (h < 0)
            return -1;
        v = v << 4 | (uint64_t)h;
    }
    *out = v;
    return 0;
}

int gl_parse_int64(const char *s, int64_t *out)
{
    int neg = 0;
    if (*s == '-') {
        neg = 1;
        s++;
    }
    if (!*s)
        return -1;
    uint64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        if (v > (UINT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    if (neg) {
        if (v > (uint64_t)INT64_MAX + 1)
            return -1;
        *out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
    } else {
        if (v > (uint64_t)INT64_MAX)
            return -1;
        *out = (int64_t)v;
    }
    return 0;
}

size_t gl_format_dec(char buf[GL_DEC_MAX], int64_t v)
{
    char tmp[GL_DEC_MAX];
    size_t i = sizeof tmp;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        tmp[--i] = '-';
    memcpy(buf, tmp + i, sizeof tmp - i);
    return sizeof tmp - i;
}

void gl_yield_cpu(unsigned waiting)
{
    if (waiting < 4) {
        sched_yield();
        return;
    }
    long ns = 20000L << (waiting - 4 < 6 ? waiting - 4 : 6);
    struct timespec ts = {0, ns < 1000000 ? ns : 1000000};
    nanosleep(&ts, NULL);
}
