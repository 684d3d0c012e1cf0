/* Adds file:line (and missing function names) to a dump's frames from the
 * DWARF of the modules it lists, when those files exist here and their
 * build-ids match. Never fails: what cannot be resolved keeps the dump's
 * names, with one warning per module. */
#ifndef GOLEASH_SYMBOLIZE_H
#define GOLEASH_SYMBOLIZE_H

#include "model/model.h"
#include "warnings.h"

void gl_symbolize(gl_dump *d, gl_warnings *w);

#endif
