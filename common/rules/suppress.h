/* Suppressions: rules, LeakSanitizer-style, that take known leak groups out
 * of the verdict (docs/suppressions.md). Parsed from files the user names and
 * from the built-in default list; applied to a gl_report after the leak
 * rules, by the shim's exit report and by `goleash report/run` alike. */
#ifndef GOLEASH_SUPPRESS_H
#define GOLEASH_SUPPRESS_H

#include <stddef.h>

#include "rules/rules.h"

/* Where a rule looks. */
typedef enum gl_supp_kind {
    GL_SUPP_STACK,   /* stack:FUNC    a function anywhere in the park stack */
    GL_SUPP_TOP,     /* top:FUNC      the top user frame (blocked_at) */
    GL_SUPP_CREATED, /* created:FUNC  a function anywhere in the creation stack */
    GL_SUPP_FILE,    /* file:PATH     a source file anywhere in the park stack */
    GL_SUPP_TEST,    /* test:NAME     the test the group belongs to */
    GL_SUPP_LEAK     /* leak:PATTERN  LeakSanitizer's kind: a substring of a function
                      * or file anywhere in the park or creation stack (^ $ anchor) */
} gl_supp_kind;

/* The origin of the rules compiled into the binaries. */
#define GL_SUPP_DEFAULT_ORIGIN "<default>"

typedef struct gl_supp_rule {
    gl_supp_kind kind;
    char *text;       /* the rule as written ("top:main.worker"), for reports */
    char *pattern;    /* what is matched: gc's `(*T).M` already rewritten to `T.M` */
    const char *origin; /* the file it came from; owned by the set */
    int line;
    size_t hit_groups, hit_goroutines;
} gl_supp_rule;

typedef struct gl_suppressions {
    size_t n, cap;
    gl_supp_rule *rules;  /* in load order: the first matching rule gets the hit */
    size_t norigins;
    char **origins;
} gl_suppressions;

/* A parse error: `goleash: FILE:LINE: what is wrong`, ready to print. */
typedef struct gl_supp_error {
    char msg[512];
    int line;         /* 0 when the file itself could not be read */
} gl_supp_error;

/* Adds the rules of text (len bytes, need not be NUL-terminated) to s,
 * naming them `origin:LINE`. On error returns -1 and adds nothing at all. */
int gl_supp_parse(gl_suppressions *s, const char *origin, const char *text, size_t len, gl_supp_error *err);

/* Reads path and adds its rules (-1 and err when unreadable or invalid). */
int gl_supp_load_file(gl_suppressions *s, const char *path, gl_supp_error *err);

/* Adds the built-in list (suppressions/default.supp, compiled in). */
int gl_supp_load_default(gl_suppressions *s, gl_supp_error *err);

/* The text of the built-in list. */
extern const char gl_supp_default_text[];

void gl_supp_free(gl_suppressions *s);

/* `*` matches any run of characters (also none, also '/' and '.'); every
 * other character matches itself, case-sensitively; the whole of str must
 * match. NULL str never matches. */
int gl_supp_glob(const char *pattern, const char *str);

/* The first rule of s that matches g, NULL when none. */
const gl_supp_rule *gl_supp_match(const gl_suppressions *s, const gl_leak_group *g);

/* Takes the groups some rule matches out of r (they no longer count as
 * leaks), counts them on the rules and in r->suppressed*, and points
 * r->suppressions at s (which must outlive r). NULL or empty s: only sets
 * the pointer. */
void gl_supp_apply(gl_suppressions *s, gl_report *r);

/* How many rules of s have hits; of those, how many come from a file the
 * user gave (not GL_SUPP_DEFAULT_ORIGIN). */
size_t gl_supp_used(const gl_suppressions *s, size_t *from_user);

const char *gl_supp_kind_name(gl_supp_kind k);

#endif
