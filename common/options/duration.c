#include "options/duration.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int unit_ns(const char **p, int64_t *mult)
{
    const char *s = *p;
    struct { const char *u; int64_t m; } units[] = {
        {"ns", 1}, {"us", 1000}, {"\xc2\xb5s", 1000}, {"ms", 1000000},
        {"s", 1000000000LL}, {"m", 60000000000LL}, {"h", 3600000000000LL},
    };
    /* Longest match first matters for "ms" vs "m": the table lists "ms" before "m". */
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        size_t n = 0;
        while (units[i].u[n] && s[n] == units[i].u[n])
            n++;
        if (units[i].u[n] == '\0') {
            *p = s + n;
            *mult = units[i].m;
            return 0;
        }
    }
    return -1;
}

int gl_parse_duration(const char *s, int64_t *ns)
{
    if (!s || !*s)
        return -1;
    if (s[0] == '0' && s[1] == '\0') {
        *ns = 0;
        return 0;
    }
    int64_t total = 0;
    while (*s) {
        if ((*s < '0' || *s > '9') && *s != '.')
            return -1;
        int64_t whole = 0, frac = 0, frac_div = 1;
        int digits = 0;
        while (*s >= '0' && *s <= '9') {
            if (whole > (INT64_MAX - 9) / 10)
                return -1;
            whole = whole * 10 + (*s++ - '0');
            digits++;
        }
        if (*s == '.') {
            s++;
            while (*s >= '0' && *s <= '9') {
                if (frac_div < 1000000000LL) {
                    frac = frac * 10 + (*s - '0');
                    frac_div *= 10;
                }
                s++;
                digits++;
            }
        }
        if (!digits)
            return -1;
        int64_t mult;
        if (unit_ns(&s, &mult) != 0)
            return -1;
        if (whole > INT64_MAX / mult)
            return -1;
        int64_t v = whole * mult + (int64_t)((double)frac / (double)frac_div * (double)mult);
        if (v < 0 || total > INT64_MAX - v)
            return -1;
        total += v;
    }
    *ns = total;
    return 0;
}

char *gl_format_duration(int64_t ns, char *buf, size_t len)
{
    if (ns < 0)
        ns = 0;
    /* Pick the unit from the value as it will be printed (three significant
     * digits), so that 999.95ms shows as 1s and never as "1e+03ms". */
    static const struct { int64_t scale; const char *unit; } units[] = {
        {1, "ns"}, {1000, "us"}, {1000000, "ms"}, {1000000000LL, "s"},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        double v = (double)ns / (double)units[i].scale;
        char tmp[32];
        snprintf(tmp, sizeof tmp, "%.3g", v);
        if (strtod(tmp, NULL) < 1000.0 && !strchr(tmp, 'e')) {
            if (i == 3 && ns >= 60000000000LL)
                break;
            snprintf(buf, len, "%s%s", tmp, units[i].unit);
            return buf;
        }
    }
    if (ns < 3600000000000LL)
        snprintf(buf, len, "%lldm%llds", (long long)(ns / 60000000000LL),
                 (long long)((ns % 60000000000LL) / 1000000000LL));
    else
        snprintf(buf, len, "%lldh%lldm", (long long)(ns / 3600000000000LL),
                 (long long)((ns % 3600000000000LL) / 60000000000LL));
    return buf;
}
