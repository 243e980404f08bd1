/* SPDX-License-Identifier: GPL-3.0-or-later */
/* strcopy.h - a C string into a fixed buffer (char name[64] and the like),
 * cut to fit: what the parsers copy into their structs' fields was checked
 * or bounded before, and a copy never runs past the field.  Nothing is
 * allocated.
 */
#ifndef SLOTSCOPE_STRCOPY_H
#define SLOTSCOPE_STRCOPY_H

#include <stddef.h>

/* Copy src (NULL: "") into dst of sz bytes, at most sz - 1 bytes of it,
 * always NUL-terminated (nothing when sz is 0).  src may overlap dst
 * (another field of the same struct, or dst itself). */
void strcopy(char *dst, size_t sz, const char *src);

#endif
