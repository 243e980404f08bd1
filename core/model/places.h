/* SPDX-License-Identifier: GPL-3.0-or-later */
/* places.h - where a new device can be hot-added now: the free hotplug
 * places of one machine's PCI tree (pcitree.h's rules) against its
 * runtime file, their number (the capacity), the one a hotplug takes, and
 * the check of a place the operator names.
 *
 * A place is free when the tree allows hotplug there, nothing live is
 * there (also a device found only through QOM), and no runtime device
 * holds it (plugged, missing or unplugging: a place is reused only after
 * its unplug is confirmed and persisted).  On the root bus the
 * reservations count too (state_taken), and on every bus the slots the
 * tree says someone else keeps (pcitree_bus.held: the VM's manager's).
 *
 * Pure: no I/O, nothing allocated.
 */
#ifndef SLOTSCOPE_PLACES_H
#define SLOTSCOPE_PLACES_H

#include "base/err.h"
#include "model/pci.h"
#include "model/pcitree.h"
#include "store/store.h"

struct place {
	int bus;			/* pcitree bus index */
	int slot;			/* 0..31 */
};

/* 1 when slot `slot` of bus b is a free hotplug place. */
int places_is_free(const struct pci_info *live, const struct pcitree *t,
    const struct store_rt *rt, int b, int slot);

/* The number of free hotplug places (the capacity). */
int places_count(const struct pci_info *live, const struct pcitree *t,
    const struct store_rt *rt);
/* The number of free places on bus b alone. */
int places_count_bus(const struct pci_info *live, const struct pcitree *t,
    const struct store_rt *rt, int b);

/* The place a new device takes: the root bus's lowest free slot, then
 * the lowest free root port, then the other bridges' lowest free slots
 * (each kind in address order).  bus >= 0: only that bus.  -1 with e
 * saying that nothing is free and how to get more places. */
int places_first(const struct pci_info *live, const struct pcitree *t,
    const struct store_rt *rt, int bus, struct place *out, struct err *e);

/* May a new device go to slot `slot` of bus b (bus= / slot=)?  Refuses,
 * saying why: no hotplug there, reserved, kept by the VM's manager
 * (held), live (with the id), or held by a runtime device. */
int places_check(const struct pci_info *live, const struct pcitree *t,
    const struct store_rt *rt, int b, int slot, struct err *e);

#endif
