/* SPDX-License-Identifier: GPL-3.0-or-later */
/* monpool.c - the buffers sessions hand on (see monpool.h): a stack of
 * each kind, the last given the first taken (still warm in the cache). */
#include "qemu/monpool.h"

#include <stdlib.h>
#include <string.h>

/* The largest buffer kept of each kind: what a refresh's session grows
 * to (a query-pci reply fits 16 KB; three or four ops), so that one
 * session's rare large reply is not held for ever. */
static const size_t keep_max[MONPOOL_NKIND] = {
	[MONPOOL_IN] = 65536,
	[MONPOOL_OUT] = 4096,
	[MONPOOL_OPS] = 16384,
};

void
monpool_init(struct monpool *pl)
{
	memset(pl, 0, sizeof *pl);
}

void
monpool_free(struct monpool *pl)
{
	size_t k, i;

	for (k = 0; k < MONPOOL_NKIND; k++) {
		for (i = 0; i < pl->n[k]; i++)
			free(pl->b[k][i].p);
		pl->n[k] = 0;
	}
}

void *
monpool_take(struct monpool *pl, enum monpool_kind k, size_t want,
    size_t *cap)
{
	struct monpool_buf *b;

	if (pl == NULL || pl->n[k] == 0)
		return NULL;
	b = &pl->b[k][pl->n[k] - 1];
	if (b->cap < want)
		return NULL;	/* the caller grows its own */
	pl->n[k]--;
	*cap = b->cap;
	return b->p;
}

void
monpool_give(struct monpool *pl, enum monpool_kind k, void *p, size_t cap)
{
	if (p == NULL)
		return;
	if (pl == NULL || pl->n[k] == MONPOOL_KEEP || cap > keep_max[k]) {
		free(p);
		return;
	}
	pl->b[k][pl->n[k]].p = p;
	pl->b[k][pl->n[k]].cap = cap;
	pl->n[k]++;
}
