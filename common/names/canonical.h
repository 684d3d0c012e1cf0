/* One spelling of a Go function name for everything that compares names
 * across compilers: suppression rules, grouping keys, SARIF fingerprints.
 * Reports still print names as the program's compiler spelled them. */
#ifndef GOLEASH_NAMES_CANONICAL_H
#define GOLEASH_NAMES_CANONICAL_H

#include <stddef.h>

/* The canonical form drops what only one compiler says:
 *  - gc's pointer receivers: `pkg.(*T).M` -> `pkg.T.M` (gccgo, and gc for a
 *    value receiver; Go forbids a method on both T and *T, so no two
 *    functions of one program meet);
 *  - gccgo's closure separator: `pkg.F..func1` -> `pkg.F.func1` (gc).
 * Whether name needs rewriting (a quick scan, no copy). */
int gl_name_is_canonical(const char *name);

/* Rewrites s in place into its canonical form (never longer). */
void gl_canonicalize_name(char *s);

/* name in canonical form: name itself when it already is, else a rewritten
 * copy in buf (cap bytes) or, when longer than that, in *heap, which the
 * caller frees. NULL for NULL name or on allocation failure. */
const char *gl_canonical_name(const char *name, char *buf, size_t cap, char **heap);

#endif
