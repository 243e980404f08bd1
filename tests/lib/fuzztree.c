/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzztree.c - see fuzztree.h. */
#include "fuzztree.h"

#include <stdlib.h>
#include <string.h>

#include "model/devid.h"
#include "model/places.h"
#include "model/pcitree.h"
#include "model/state.h"
#include "store/store.h"

/* The tree of any listing: every bus named as ids name it, every place
 * the rule gives free by the same rule. */
void
tu_fuzz_tree_checks(struct pci_info *pi)
{
	struct pcitree t;
	struct store_rt rt;
	struct slot_view v[32];
	struct place p;
	struct err e;
	size_t b;

	pcitree_build(pi, &t);
	for (b = 1; b < t.nbus; b++)
		if (devid_check_bus(t.bus[b].path, strlen(t.bus[b].path),
		    NULL) < 0)
			abort();
	store_rt_init(&rt, "f");
	(void)places_count(pi, &t, &rt);
	if (places_first(pi, &t, &rt, -1, &p, &e) == 0 &&
	    !places_is_free(pi, &t, &rt, p.bus, p.slot))
		abort();
	state_reconcile(pi, &rt, v);
	for (b = 1; b < t.nbus; b++)
		state_reconcile_bus(pi, &t, (int)b, &rt, v);
	store_rt_free(&rt);
}
