/* SPDX-License-Identifier: GPL-3.0-or-later */
/* places.c - free hotplug places and the capacity; see places.h. */
#include "model/places.h"

#include <stdlib.h>
#include <string.h>

#include "model/state.h"

int
places_is_free(const struct pci_info *live, const struct pcitree *t,
    const struct store_rt *rt, int b, int slot)
{
	const struct pci_fn *fn[1];

	if (!pcitree_hotpluggable(t, b, slot) ||
	    (t->bus[b].held & ((uint32_t)1 << slot)))
		return 0;
	if (b == PCITREE_ROOT) {
		struct slotmap m = state_taken(live, rt);

		return slotmap_is_free(&m, slot) == 1;
	}
	return pcitree_slot(t, live, b, slot, fn, 1) == 0 &&
	    store_find_place(rt, t->bus[b].path, slot) == NULL;
}

int
places_count_bus(const struct pci_info *live, const struct pcitree *t,
    const struct store_rt *rt, int b)
{
	int s, n = 0;

	if (b == PCITREE_ROOT) {
		/* places_is_free's test for all 32 slots at once: a root bus
		 * is hotpluggable everywhere or nowhere (pcitree.h), a place
		 * is one neither taken nor held */
		struct slotmap m = state_taken(live, rt);

		if (t->nbus == 0 || !pcitree_hotpluggable(t, b, 0))
			return 0;
		return __builtin_popcount(~(m.bits | t->bus[b].held));
	}
	for (s = 0; s < 32; s++)
		n += places_is_free(live, t, rt, b, s);
	return n;
}

int
places_count(const struct pci_info *live, const struct pcitree *t,
    const struct store_rt *rt)
{
	size_t b;
	int n = 0;

	for (b = 0; b < t->nbus; b++)
		n += places_count_bus(live, t, rt, (int)b);
	return n;
}

/* Hotplug order of a bus: 0 root, 1 root ports, 2 the other bridges. */
static int
rank(const struct pcitree *t, size_t b)
{
	if (b == PCITREE_ROOT)
		return 0;
	return t->bus[b].kind == PCI_BR_ROOT_PORT ? 1 : 2;
}

/* Nothing free (on bus `bus`, or anywhere when bus < 0): say so and how
 * to get more places. */
static int
none_free(const struct pcitree *t, int bus, struct err *e)
{
	size_t b;
	int ports = 0;

	if (bus > 0)
		return err_set(e, "bus %s has no free hotplug slot",
		    pcitree_bus_name(t, bus));
	if (bus == PCITREE_ROOT && t->pcie)
		return err_set(e, "pcie.0, the root bus of this q35 machine, "
		    "takes no hotplug: leave bus= out to use a free root port");
	if (bus == PCITREE_ROOT)
		return err_set(e, "all 32 PCI slots are taken");
	for (b = 1; b < t->nbus; b++)
		ports += t->bus[b].kind == PCI_BR_ROOT_PORT;
	if (t->pcie)
		return err_set(e, "no root port is free (%d root port%s, all "
		    "in use) and this machine's root bus does not support "
		    "hotplug (q35's pcie.0): start the machine with more root "
		    "ports, e.g. -device pcie-root-port,id=rp9,chassis=9,"
		    "bus=pcie.0,addr=0x9", ports, ports == 1 ? "" : "s");
	return err_set(e, "all 32 PCI slots are taken%s: free a reserved "
	    "slot, or start the machine with a bridge, e.g. -device "
	    "pci-bridge,id=br1,chassis_nr=1,addr=0x1e", t->nbus > 1 ?
	    " and no bridge has a free slot" : "");
}

/* Order of two bus paths by address ("5" < "28.1" < "30" < "30-1"):
 * each part slot, then function, from the root. */
static int
path_cmp(const char *a, const char *b)
{
	while (*a != '\0' && *b != '\0') {
		char *ea, *eb;
		long sa = strtol(a, &ea, 10), sb = strtol(b, &eb, 10);
		long fa = 0, fb = 0;

		if (*ea == '.')
			fa = strtol(ea + 1, &ea, 10);
		if (*eb == '.')
			fb = strtol(eb + 1, &eb, 10);
		if (sa != sb || fa != fb)
			return sa != sb ? (sa < sb ? -1 : 1) : (fa < fb ? -1 : 1);
		a = *ea == '-' ? ea + 1 : ea;
		b = *eb == '-' ? eb + 1 : eb;
	}
	return (*a != '\0') - (*b != '\0');
}

int
places_first(const struct pci_info *live, const struct pcitree *t,
    const struct store_rt *rt, int bus, struct place *out, struct err *e)
{
	size_t b;
	int r, s;

	for (r = 0; r < 3; r++) {
		int best = -1, bs = -1;

		for (b = 0; b < t->nbus; b++) {
			if (rank(t, b) != r || (bus >= 0 && (int)b != bus))
				continue;
			if (best >= 0 && path_cmp(t->bus[b].path,
			    t->bus[best].path) > 0)
				continue;
			for (s = 0; s < 32; s++)
				if (places_is_free(live, t, rt, (int)b, s)) {
					best = (int)b;
					bs = s;
					break;
				}
		}
		if (best >= 0) {
			out->bus = best;
			out->slot = bs;
			return 0;
		}
	}
	/* one root port asked for: say what holds it */
	if (bus > 0 && t->bus[bus].kind == PCI_BR_ROOT_PORT &&
	    places_check(live, t, rt, bus, 0, e) < 0)
		return -1;
	return none_free(t, bus, e);
}

int
places_check(const struct pci_info *live, const struct pcitree *t,
    const struct store_rt *rt, int b, int slot, struct err *e)
{
	const struct pcitree_bus *bus = &t->bus[b];
	const struct pci_fn *fn[1];
	const struct store_dev *d;
	const char *name = pcitree_bus_name(t, b);

	if (slotmap_check_slot(slot, e) < 0)
		return -1;
	if (bus->held & ((uint32_t)1 << slot))
		return err_set(e, "slot %d of %s is kept by the VM's manager "
		    "(see show); choose another place", slot, name);
	if (b == PCITREE_ROOT && !t->pcie)
		return state_check_new_slot(live, rt, slot, e);
	if (b == PCITREE_ROOT)
		return none_free(t, PCITREE_ROOT, e);
	if (!bus->known)
		return err_set(e, "what is behind %s is not known (the "
		    "machine's QOM could not be read): not adding there", name);
	if (bus->id[0] == '\0')
		return err_set(e, "the bridge at %s has no id, so no device "
		    "can be added behind it", bus->path);
	if (!pcitree_hotpluggable(t, b, slot))
		return err_set(e, "slot %d of %s (%s) takes no hotplug%s", slot,
		    name, pci_bridge_kind_name(bus->kind),
		    bus->kind == PCI_BR_ROOT_PORT ? ": a root port has one "
		    "slot, 0" : bus->kind == PCI_BR_PCI ||
		    bus->kind == PCI_BR_PCIE_PCI ? ": its hotplug slots are "
		    "1-31" : "");
	if (pcitree_slot(t, live, b, slot, fn, 1) > 0)
		return err_set(e, "slot %d of %s has a live device (%s); "
		    "choose another place", slot, name,
		    fn[0]->id[0] ? fn[0]->id : "built-in");
	if ((d = store_find_place(rt, bus->path, slot)) != NULL)
		return err_set(e, "slot %d of %s belongs to %s (%s in the "
		    "runtime file); choose another place", slot, name, d->id,
		    store_dev_state_name(d->state));
	return 0;
}
