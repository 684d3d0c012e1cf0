/* Argument lists as text dumps print them, normalised for grouping:
 * goroutines that differ only in the pointers they were handed are the same
 * leak. Used by exact grouping (rules/group.c) and by the builder, which
 * interns text stacks by what grouping compares. */
#ifndef GOLEASH_NAMES_ARGS_SHAPE_H
#define GOLEASH_NAMES_ARGS_SHAPE_H

#include <stddef.h>

/* The shape of a text dump's argument list for exact grouping: values that
 * look like addresses (>= 0x10000), and values Go marks as possibly wrong
 * (`0x9?`), become "*", so goroutines that differ only in the pointers they
 * were handed, or in stale register words, group together. Writes at most cap bytes
 * (NUL included) to out; returns the length it needed. */
size_t gl_rules_args_shape(const char *args, char *out, size_t cap);

/* The same shape of s[0, len) (need not be NUL-terminated), written to out,
 * which has room for len + 1 bytes (a shape is never longer), NUL-ended.
 * Returns the shape's length. The text-dump builder interns stacks by it. */
size_t gl_args_shape(const char *s, size_t len, char *out);

#endif
