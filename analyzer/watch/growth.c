/* The growth rule (growth.h). */
#include "watch/growth.h"

int64_t gl_growth_tolerance(int64_t high)
{
    return high > 0 ? high / 20 : 0;
}

double gl_growth_slope(const int64_t *counts, size_t n)
{
    if (n < 2)
        return 0;
    /* Centred x keeps the sums small: sum((x - mean) * y) / sum((x - mean)^2). */
    double mean_x = (double)(n - 1) / 2, num = 0, den = 0;
    for (size_t i = 0; i < n; i++) {
        double dx = (double)i - mean_x;
        num += dx * (double)counts[i];
        den += dx * dx;
    }
    return num / den;
}

/* Rules 1 and 3 over the run x[0..s-1]. */
static int steady_rise(const int64_t *x, size_t s)
{
    int64_t high = x[0];
    size_t rises = 0, need = (s - 1 + 2) / 3;
    for (size_t i = 1; i < s; i++) {
        if (x[i] < high - gl_growth_tolerance(high))
            return 0;
        rises += x[i] > x[i - 1];
        if (x[i] > high)
            high = x[i];
    }
    return rises >= (need > 2 ? need : 2);
}

/* Rules 5 and 6: the run [start, n) against the rest of the window. */
static int above_noise(const int64_t *counts, size_t n, size_t start)
{
    int64_t from = counts[start], to = counts[n - 1], fall = 0;
    for (size_t i = 0; i < start; i++)
        if (counts[i] > from || counts[i] >= to)
            return 0;
    for (size_t i = 1; i < n; i++)
        if (counts[i - 1] - counts[i] > fall)
            fall = counts[i - 1] - counts[i];
    return to - from > fall;
}

void gl_growth_judge(const int64_t *counts, size_t n, const gl_growth_opts *o, gl_growth *out)
{
    size_t s = o->samples < 2 ? 2 : o->samples;
    size_t start = n > s ? n - s : 0;
    const int64_t *x = counts + start;
    *out = (gl_growth){0};
    if (n == 0)
        return;
    out->from = x[0];
    out->to = counts[n - 1];
    out->slope = gl_growth_slope(x, n - start);
    if (n < s || out->to - out->from < o->min_growth || !steady_rise(x, s))
        return;
    out->growing = gl_growth_slope(counts, n) > 0 && above_noise(counts, n, start);
}
