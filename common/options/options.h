/* GOLEASH_OPTIONS: LeakSanitizer-style key=value pairs (kv_options.h) read
 * into a gl_options by the table of options.inc. The shim parses them at
 * load time; `goleash run` sets some for the program it runs and reads
 * the ones that concern its own report. */
#ifndef GOLEASH_OPTIONS_H
#define GOLEASH_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

/* How each type of options.inc is kept. Paths have room for any path the
 * kernel takes (PATH_MAX); a longer value is refused, never cut. */
#define GL_OPTION_PATH_CAP 4096
#define GL_OPTION_FIELD_PATTERN(name) char name[GL_OPTION_PATH_CAP];
#define GL_OPTION_FIELD_FILE(name) char name[GL_OPTION_PATH_CAP]; /* absolute; "" none */
#define GL_OPTION_FIELD_BOOL(name) int name;
#define GL_OPTION_FIELD_LEVEL(name) int name;
#define GL_OPTION_FIELD_EXIT_STATUS(name) int name;
#define GL_OPTION_FIELD_DURATION(name) int64_t name##_ns;

typedef struct gl_options {
#define GL_OPTION(type, name, def, arg, help) GL_OPTION_FIELD_##type(name)
#include "options/options.inc"
#undef GL_OPTION
} gl_options;

enum gl_option_id {
#define GL_OPTION(type, name, def, arg, help) GL_OPTION_ID_##name,
#include "options/options.inc"
#undef GL_OPTION
    GL_OPTION_COUNT
};

/* An option's name as GOLEASH_OPTIONS spells it, "dump_path" for
 * GL_OPTION_KEY(dump_path); a name not in the table does not compile. */
#define GL_OPTION_KEY(name) ((void)GL_OPTION_ID_##name, #name)

/* The defaults of the table. */
void gl_options_defaults(gl_options *o);

/* Parses "k=v:k=v" (any length) into o; later keys win. Unknown keys,
 * keys without a value, unterminated quotes, bad and too long values are
 * reported through warn(msg), one line each naming the option
 * ("goleash: bad value for option 'report' in GOLEASH_OPTIONS ignored"),
 * and skipped. Allocation-free: the shim parses before the host's malloc
 * may be used. */
void gl_options_parse(gl_options *o, const char *s, void (*warn)(const char *msg));

/* The same parse as a check, for `goleash run` before it starts anything:
 * each problem through error(msg), worded as above without " ignored";
 * 0 when there is none, else -1. */
int gl_options_check(const char *s, void (*error)(const char *msg));

/* PATTERN with %p replaced by pid and %% by %, into out: 0, or -1 with
 * errno ENAMETOOLONG (out then holds what fitted). Allocation-free. */
int gl_expand_pid_pattern(const char *pattern, long pid, char *out, size_t len);

/* Writes the help=1 text to fd (write(2), no stdio). */
void gl_options_help(int fd);

/* A BOOL option's value: 0 and *out, or -1 when v is none of 1|0,
 * true|false, yes|no. */
int gl_option_parse_bool(const char *v, int *out);

#endif
