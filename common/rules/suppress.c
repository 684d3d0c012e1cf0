#include "rules/suppress.h"

#include "names/canonical.h"
#include "rules/judge.h"

#include "util/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A suppressions file is a short hand-written list; anything this big is
 * the wrong file given by mistake. */
#define MAX_FILE_BYTES (16u << 20)

static const struct {
    const char *name;
    gl_supp_kind kind;
} kinds[] = {
    {"stack", GL_SUPP_STACK},
    {"top", GL_SUPP_TOP},
    {"created", GL_SUPP_CREATED},
    {"file", GL_SUPP_FILE},
    {"test", GL_SUPP_TEST},
    {"leak", GL_SUPP_LEAK},
};

const char *gl_supp_kind_name(gl_supp_kind k)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (kinds[i].kind == k)
            return kinds[i].name;
    return "?";
}

int gl_supp_glob(const char *p, const char *s)
{
    if (!p || !s)
        return 0;
    /* Greedy with one backtrack point: a later '*' supersedes an earlier
     * one, so this is linear in practice and never recurses. */
    const char *star = NULL, *resume = NULL;
    while (*s) {
        if (*p == '*') {
            star = p++;
            resume = s;
        } else if (*p == *s) {
            p++;
            s++;
        } else if (star) {
            p = star + 1;
            s = ++resume;
        } else {
            return 0;
        }
    }
    while (*p == '*')
        p++;
    return *p == '\0';
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static char *copy_range(const char *b, const char *e)
{
    char *s = malloc((size_t)(e - b) + 1);
    if (s) {
        memcpy(s, b, (size_t)(e - b));
        s[e - b] = '\0';
    }
    return s;
}

static const char *add_origin(gl_suppressions *s, const char *origin)
{
    for (size_t i = 0; i < s->norigins; i++)
        if (strcmp(s->origins[i], origin) == 0)
            return s->origins[i];
    char **o = realloc(s->origins, (s->norigins + 1) * sizeof *o);
    if (!o)
        return NULL;
    s->origins = o;
    if (!(o[s->norigins] = strdup(origin)))
        return NULL;
    return o[s->norigins++];
}

static void set_error(gl_supp_error *err, const char *origin, int line, const char *what)
{
    if (!err)
        return;
    err->line = line;
    if (line)
        snprintf(err->msg, sizeof err->msg, "goleash: %s:%d: %s", origin, line, what);
    else
        snprintf(err->msg, sizeof err->msg, "goleash: %s: %s", origin, what);
}

/* A LeakSanitizer pattern [b, e) as a whole-string glob: LSan matches a
 * substring unless `^` anchors the start or `$` the end. */
static char *lsan_pattern(const char *b, const char *e)
{
    int head = b < e && *b == '^', tail = e > b + head && e[-1] == '$';
    b += head;
    e -= tail;
    size_t n = (size_t)(e - b);
    char *p = malloc(n + 3);
    if (!p)
        return NULL;
    size_t k = 0;
    if (!head)
        p[k++] = '*';
    memcpy(p + k, b, n);
    k += n;
    if (!tail)
        p[k++] = '*';
    p[k] = '\0';
    return p;
}

/* Parses one line [b, e) (no '\n' in it). 0: a rule was added or the line
 * holds none; -1: error written to what. */
static int parse_line(gl_suppressions *s, const char *origin, int line, const char *b, const char *e,
                      char *what, size_t wlen)
{
    if (memchr(b, '\0', (size_t)(e - b))) {
        snprintf(what, wlen, "NUL byte in the line (not a text file?)");
        return -1;
    }
    while (b < e && is_blank(*b))
        b++;
    while (e > b && is_blank(e[-1]))
        e--;
    if (b == e || *b == '#')
        return 0;
    const char *colon = memchr(b, ':', (size_t)(e - b));
    if (!colon) {
        snprintf(what, wlen, "expected KIND:PATTERN (stack, top, created, file, test or leak), got '%.*s'",
                 (int)(e - b > 80 ? 80 : e - b), b);
        return -1;
    }
    const char *kb = b, *ke = colon;
    while (ke > kb && is_blank(ke[-1]))
        ke--;
    size_t klen = (size_t)(ke - kb);
    int kind = -1;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strlen(kinds[i].name) == klen && memcmp(kinds[i].name, kb, klen) == 0)
            kind = (int)kinds[i].kind;
    if (kind < 0) {
        snprintf(what, wlen, "unknown suppression kind '%.*s'", (int)(klen > 80 ? 80 : klen), kb);
        return -1;
    }
    const char *pb = colon + 1;
    while (pb < e && is_blank(*pb))
        pb++;
    if (pb == e) {
        snprintf(what, wlen, "empty pattern for '%.*s'", (int)klen, kb);
        return -1;
    }
    if (gl_grow((void **)&s->rules, &s->cap, s->n + 1, sizeof *s->rules) != 0) {
        snprintf(what, wlen, "out of memory");
        return -1;
    }
    gl_supp_rule *r = &s->rules[s->n];
    memset(r, 0, sizeof *r);
    r->kind = (gl_supp_kind)kind;
    r->origin = origin;
    r->line = line;
    r->text = copy_range(b, e);
    r->pattern = r->kind == GL_SUPP_LEAK ? lsan_pattern(pb, e) : copy_range(pb, e);
    if (!r->text || !r->pattern) {
        free(r->text);
        free(r->pattern);
        snprintf(what, wlen, "out of memory");
        return -1;
    }
    if (r->kind == GL_SUPP_STACK || r->kind == GL_SUPP_TOP || r->kind == GL_SUPP_CREATED || r->kind == GL_SUPP_LEAK)
        gl_canonicalize_name(r->pattern);
    s->n++;
    return 0;
}

int gl_supp_parse(gl_suppressions *s, const char *origin, const char *text, size_t len, gl_supp_error *err)
{
    size_t first = s->n;
    const char *org = add_origin(s, origin);
    if (!org) {
        set_error(err, origin, 0, "out of memory");
        return -1;
    }
    int line = 0;
    const char *p = text, *end = text + len;
    while (p < end) {
        line++;
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        char what[256];
        if (parse_line(s, org, line, p, le, what, sizeof what) != 0) {
            set_error(err, origin, line, what);
            /* All or nothing: a half-applied file would hide which rules
             * are missing. */
            while (s->n > first) {
                s->n--;
                free(s->rules[s->n].text);
                free(s->rules[s->n].pattern);
            }
            return -1;
        }
        p = nl ? nl + 1 : end;
    }
    return 0;
}

int gl_supp_load_file(gl_suppressions *s, const char *path, gl_supp_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        set_error(err, path, 0, strerror(errno));
        return -1;
    }
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int rc = 0;
    for (;;) {
        if (len == cap) {
            if (cap >= MAX_FILE_BYTES) {
                set_error(err, path, 0, "too large for a suppressions file (over 16 MiB)");
                rc = -1;
                break;
            }
            size_t ncap = cap ? cap * 2 : 4096;
            char *nb = realloc(buf, ncap);
            if (!nb) {
                set_error(err, path, 0, "out of memory");
                rc = -1;
                break;
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            if (ferror(f)) {
                set_error(err, path, 0, strerror(errno ? errno : EIO));
                rc = -1;
            }
            break;
        }
    }
    fclose(f);
    if (rc == 0)
        rc = gl_supp_parse(s, path, buf ? buf : "", len, err);
    free(buf);
    return rc;
}

int gl_supp_load_default(gl_suppressions *s, gl_supp_error *err)
{
    return gl_supp_parse(s, GL_SUPP_DEFAULT_ORIGIN, gl_supp_default_text, strlen(gl_supp_default_text), err);
}

void gl_supp_free(gl_suppressions *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->rules[i].text);
        free(s->rules[i].pattern);
    }
    free(s->rules);
    for (size_t i = 0; i < s->norigins; i++)
        free(s->origins[i]);
    free(s->origins);
    memset(s, 0, sizeof *s);
}

/* A function name matched in the canonical spelling the patterns were
 * rewritten into (names/canonical.h). */
static int func_matches(const char *pattern, const char *name)
{
    char buf[512], *heap;
    const char *c = gl_canonical_name(name, buf, sizeof buf, &heap);
    int m = c && gl_supp_glob(pattern, c);
    free(heap);
    return m;
}

static int stack_matches(const char *pattern, const gl_stack *st, int by_file)
{
    for (size_t i = 0; st && i < st->n; i++)
        if (by_file ? gl_supp_glob(pattern, st->frames[i].file) : func_matches(pattern, st->frames[i].function))
            return 1;
    return 0;
}

static int rule_matches(const gl_supp_rule *r, const gl_leak_group *g)
{
    switch (r->kind) {
    case GL_SUPP_STACK:
        return stack_matches(r->pattern, g->stack, 0);
    case GL_SUPP_TOP:
        return g->blocked_at && func_matches(r->pattern, g->blocked_at->function);
    case GL_SUPP_CREATED:
        return stack_matches(r->pattern, g->created, 0);
    case GL_SUPP_FILE:
        return stack_matches(r->pattern, g->stack, 1);
    case GL_SUPP_TEST:
        return gl_supp_glob(r->pattern, g->test);
    case GL_SUPP_LEAK:
        return stack_matches(r->pattern, g->stack, 0) || stack_matches(r->pattern, g->stack, 1)
               || stack_matches(r->pattern, g->created, 0) || stack_matches(r->pattern, g->created, 1);
    }
    return 0;
}

const gl_supp_rule *gl_supp_match(const gl_suppressions *s, const gl_leak_group *g)
{
    for (size_t i = 0; s && i < s->n; i++)
        if (rule_matches(&s->rules[i], g))
            return &s->rules[i];
    return NULL;
}

/* A suppressed group leaves its test's tally too: `--- LEAK:` lines, the
 * JSON tests[] and tests_leaking name only what the verdict kept. */
static void untally_test(gl_report *r, const gl_leak_group *g)
{
    for (size_t i = 0; g->test && i < r->ntests; i++) {
        gl_test_result *t = &r->tests[i];
        if (t->name != g->test && (!t->name || strcmp(t->name, g->test) != 0))
            continue;
        t->leaked -= t->leaked < g->count ? t->leaked : g->count;
        t->groups -= t->groups > 0;
        return;
    }
}

void gl_supp_apply(gl_suppressions *s, gl_report *r)
{
    r->suppressions = s;
    if (!s || !s->n)
        return;
    size_t kept = 0;
    for (size_t i = 0; i < r->ngroups; i++) {
        gl_leak_group *g = &r->groups[i];
        gl_supp_rule *rule = (gl_supp_rule *)gl_supp_match(s, g);
        if (!rule) {
            r->groups[kept++] = *g;
            continue;
        }
        rule->hit_groups++;
        rule->hit_goroutines += g->count;
        r->suppressed_groups++;
        r->suppressed += g->count;
        r->leaked -= g->count;
        untally_test(r, g);
        gl_group_release(g);
    }
    r->ngroups = kept;
}

size_t gl_supp_used(const gl_suppressions *s, size_t *from_user)
{
    size_t used = 0, user = 0;
    for (size_t i = 0; s && i < s->n; i++) {
        if (!s->rules[i].hit_groups)
            continue;
        used++;
        if (strcmp(s->rules[i].origin, GL_SUPP_DEFAULT_ORIGIN) != 0)
            user++;
    }
    if (from_user)
        *from_user = user;
    return used;
}
