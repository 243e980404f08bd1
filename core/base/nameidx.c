/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nameidx.c - the name index; see nameidx.h.
 *
 * Open addressing with linear probing, kept at most half full; entries
 * hold the full hash so growing needs no names, and a probe compares a
 * name only when the hashes are equal.
 */
#include "base/nameidx.h"

#include <stdlib.h>
#include <string.h>

#include "base/fnv.h"

/* FNV-1a over the name's bytes (its NUL left out). */
static size_t
hash(const char *s)
{
	return (size_t)fnv_bytes(FNV_OFFSET, s, strlen(s));
}

void
nameidx_init(struct nameidx *x)
{
	x->t = NULL;
	x->cap = x->n = 0;
}

void
nameidx_free(struct nameidx *x)
{
	free(x->t);
	nameidx_init(x);
}

long
nameidx_find(const struct nameidx *x, const char *name, nameidx_name_fn fn,
    const void *ctx)
{
	size_t h, k;

	if (x->cap == 0)
		return -1;
	h = hash(name);
	for (k = h & (x->cap - 1); x->t[k].pos1 != 0;
	    k = (k + 1) & (x->cap - 1))
		if (x->t[k].hash == h &&
		    strcmp(fn(ctx, x->t[k].pos1 - 1), name) == 0)
			return (long)(x->t[k].pos1 - 1);
	return -1;
}

static void
put(struct nameidx_ent *t, size_t cap, size_t h, size_t pos1)
{
	size_t k;

	for (k = h & (cap - 1); t[k].pos1 != 0; k = (k + 1) & (cap - 1))
		;
	t[k].hash = h;
	t[k].pos1 = pos1;
}

int
nameidx_add(struct nameidx *x, const char *name, size_t pos)
{
	if ((x->n + 1) * 2 > x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 16, i;
		struct nameidx_ent *t = calloc(cap, sizeof *t);

		if (t == NULL)
			return -1;
		for (i = 0; i < x->cap; i++)
			if (x->t[i].pos1 != 0)
				put(t, cap, x->t[i].hash, x->t[i].pos1);
		free(x->t);
		x->t = t;
		x->cap = cap;
	}
	put(x->t, x->cap, hash(name), pos + 1);
	x->n++;
	return 0;
}
