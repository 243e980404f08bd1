/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fleetdue.c - a min-heap of session deadlines with positions the
 * caller holds, so that a deadline moves or leaves in O(log n) without a
 * search; see fleetdue.h. */
#include "fleet/fleetdue.h"

#include <stdlib.h>

void
fleetdue_init(struct fleetdue *d)
{
	d->h = NULL;
	d->n = d->cap = 0;
}

void
fleetdue_free(struct fleetdue *d)
{
	/* the owners' slots are left alone: they may be gone already (a
	 * slot left set is known stale by fleetdue_set) */
	free(d->h);
	fleetdue_init(d);
}

/* Entry e goes to index k (its owner's slot follows). */
static void
place(struct fleetdue *d, size_t k, const struct fleetdue_ent *e)
{
	d->h[k] = *e;
	*e->pos = (unsigned)k + 1;
}

/* The entry at k moves towards the root while it is earlier than its
 * parent. */
static void
up(struct fleetdue *d, size_t k)
{
	struct fleetdue_ent e = d->h[k];

	while (k > 0 && d->h[(k - 1) / 2].due > e.due) {
		place(d, k, &d->h[(k - 1) / 2]);
		k = (k - 1) / 2;
	}
	place(d, k, &e);
}

/* The entry at k moves towards the leaves while a child is earlier. */
static void
down(struct fleetdue *d, size_t k)
{
	struct fleetdue_ent e = d->h[k];

	for (;;) {
		size_t c = 2 * k + 1;

		if (c >= d->n)
			break;
		if (c + 1 < d->n && d->h[c + 1].due < d->h[c].due)
			c++;
		if (d->h[c].due >= e.due)
			break;
		place(d, k, &d->h[c]);
		k = c;
	}
	place(d, k, &e);
}

/* The entry at k has a new deadline: up or down to where it belongs. */
static void
fix(struct fleetdue *d, size_t k)
{
	if (k > 0 && d->h[(k - 1) / 2].due > d->h[k].due)
		up(d, k);
	else
		down(d, k);
}

static void
take_out(struct fleetdue *d, size_t k)
{
	*d->h[k].pos = 0;
	if (--d->n == k)
		return;
	place(d, k, &d->h[d->n]);
	fix(d, k);
}

int
fleetdue_set(struct fleetdue *d, size_t id, unsigned *pos, int64_t due)
{
	struct fleetdue_ent e;

	if (*pos != 0 && (*pos > d->n || d->h[*pos - 1].pos != pos))
		*pos = 0;	/* not this heap's: a stale slot */
	if (due < 0) {
		if (*pos != 0)
			take_out(d, *pos - 1);
		return 0;
	}
	if (*pos != 0) {
		d->h[*pos - 1].due = due;
		d->h[*pos - 1].id = id;
		fix(d, *pos - 1);
		return 0;
	}
	if (d->n == d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 64;
		struct fleetdue_ent *h;

		if (cap > (unsigned)-1 - 1 ||
		    (h = realloc(d->h, cap * sizeof *h)) == NULL)
			return -1;
		d->h = h;
		d->cap = cap;
	}
	e.due = due;
	e.id = id;
	e.pos = pos;
	place(d, d->n++, &e);
	up(d, d->n - 1);
	return 0;
}

int64_t
fleetdue_first(const struct fleetdue *d, size_t *id)
{
	if (d->n == 0)
		return -1;
	if (id != NULL)
		*id = d->h[0].id;
	return d->h[0].due;
}

static int
by_id(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

size_t
fleetdue_upto(const struct fleetdue *d, int64_t now, size_t *out,
    size_t max)
{
	size_t k = 0, q, j;

	/* breadth first from the root, through entries that are due only:
	 * below one that is not, none is (out holds the indexes first) */
	if (max == 0 || d->n == 0 || d->h[0].due > now)
		return 0;
	out[k++] = 0;
	for (q = 0; q < k; q++) {
		size_t c = 2 * out[q] + 1;

		for (j = c; j < c + 2 && j < d->n && k < max; j++)
			if (d->h[j].due <= now)
				out[k++] = j;
	}
	for (q = 0; q < k; q++)
		out[q] = d->h[out[q]].id;
	if (k > 16) {
		qsort(out, k, sizeof *out, by_id);
		return k;
	}
	for (q = 1; q < k; q++) {
		size_t v = out[q];

		for (j = q; j > 0 && out[j - 1] > v; j--)
			out[j] = out[j - 1];
		out[j] = v;
	}
	return k;
}
