/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nameidx.h - a hash index from names to positions in a caller's array.
 *
 * Lists of instances are looked up by name when they are built (a name
 * given twice is refused) and afterwards; a linear scan per add made
 * building a list of N names cost N^2/2 comparisons.  The index keeps, per
 * name, its hash and its position; the names themselves stay in the
 * caller's array, reached through a callback, so nothing is copied.
 *
 * A struct nameidx is caller-owned and zero-initialised (NAMEIDX_INIT or
 * nameidx_init); its table is malloc'd and freed by nameidx_free.
 * Positions only grow: the index suits append-only arrays.
 */
#ifndef SLOTSCOPE_NAMEIDX_H
#define SLOTSCOPE_NAMEIDX_H

#include <stddef.h>

/* The name at position i of the caller's array. */
typedef const char *(*nameidx_name_fn)(const void *ctx, size_t i);

struct nameidx_ent {
	size_t hash;
	size_t pos1;		/* position + 1; 0 = empty */
};

struct nameidx {
	struct nameidx_ent *t;	/* NULL until the first add */
	size_t cap;		/* a power of two, or 0 */
	size_t n;
};

#define NAMEIDX_INIT { NULL, 0, 0 }

void nameidx_init(struct nameidx *x);
void nameidx_free(struct nameidx *x);
/* Position of name, or -1. */
long nameidx_find(const struct nameidx *x, const char *name,
    nameidx_name_fn fn, const void *ctx);
/* Enter name at position pos (the caller checked it is not there yet).
 * 0, or -1 when out of memory (the index is unchanged). */
int nameidx_add(struct nameidx *x, const char *name, size_t pos);

#endif
