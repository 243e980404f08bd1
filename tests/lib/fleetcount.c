/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fleetcount.c - see fleetcount.h. */
#include "fleetcount.h"

#include <check.h>

static size_t
walked(const struct fleet *f)
{
	size_t i, n = 0;

	for (i = 0; i < f->n; i++)
		n += f->inst[i].refreshing != 0;
	return n;
}

void
tu_fleet_count_ok(const struct fleet *f)
{
	ck_assert_uint_eq(f->nrefreshing, walked(f));
}
