/* Which leak group each goroutine of the dumps belongs to. A group lists
 * its goroutine ids in dump order and its pids, not which dump each id is
 * from: the graphs of the HTML report need the goroutine itself (its
 * parent, its channels). */
#ifndef GOLEASH_LEAK_MEMBERS_H
#define GOLEASH_LEAK_MEMBERS_H

#include <stddef.h>

#include "model/model.h"
#include "rules/rules.h"

typedef struct gl_members {
    gl_dump *const *dumps;
    size_t ndumps;
    size_t *first;   /* per dump: the index of its first goroutine in group */
    int *group;      /* per goroutine of every dump: its group in the report, -1 none */
} gl_members;

/* 0, or -1 when out of memory. */
int gl_members_init(gl_members *m, const gl_report *r, gl_dump *const *dumps, size_t ndumps);
void gl_members_free(gl_members *m);

/* The group of goroutine k of dump di, -1 when it is not leaked. */
int gl_members_group(const gl_members *m, size_t di, size_t k);

/* The index of the dump d among m's dumps, ndumps when it is not one. */
size_t gl_members_dump_index(const gl_members *m, const gl_dump *d);

#endif
