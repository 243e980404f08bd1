/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fleetrun.c - the list of a fleet's open monitor sessions (f->run),
 * kept sorted by instance index so that fleet_step advances them in the
 * order a walk of all instances would, while costing only as many steps
 * as there are sessions (at most max_parallel). */
#include "fleet/fleet.h"

#include <string.h>

#include "fleet/fleetpriv.h"

/* Position of instance i in f->run, or f->nrun when it is not there. */
static size_t
pos(const struct fleet *f, size_t i)
{
	size_t lo = 0, hi = f->nrun;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->run[mid] < i)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < f->nrun && f->run[lo] == i ? lo : f->nrun;
}

/* Enter instance i into f->run (room was made by pump). */
void
fleet_run_add(struct fleet *f, size_t i)
{
	size_t k = f->nrun;

	while (k > 0 && f->run[k - 1] > i)
		k--;
	memmove(&f->run[k + 1], &f->run[k], (f->nrun - k) * sizeof *f->run);
	f->run[k] = i;
	f->nrun++;
}

/* Take instance i out of f->run (its session ended), and its deadline
 * out of the heap (fleetpoll.c). */
void
fleet_run_del(struct fleet *f, size_t i)
{
	size_t k = pos(f, i);

	if (k == f->nrun)
		return;
	fleet_poll_drop(f, i);
	memmove(&f->run[k], &f->run[k + 1], (f->nrun - k - 1) * sizeof *f->run);
	f->nrun--;
}
