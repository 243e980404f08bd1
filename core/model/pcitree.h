/* SPDX-License-Identifier: GPL-3.0-or-later */
/* pcitree.h - the PCI tree of one machine: the root bus and one bus behind
 * every bridge, each function placed on its bus, and where a device can
 * be hot-added now (the hotplug places).
 *
 * Built from a struct pci_info (HMP `info pci`, QMP `query-pci`, plus the
 * devices found through QOM on a paused machine, see pci.h).  A bus is
 * named by its bridge's place as device ids write it (devid.h: "5",
 * "2.1", "2.1-0"), never by its bus number, which firmware assigns and a
 * paused machine does not have.  device_add names a bus by the bridge's
 * qdev id (QEMU names a bridge's bus after it), so a bridge without an id
 * is shown but takes no device from slotscope.
 *
 * Hotplug places (QEMU 7.2, as libvirt counts them):
 *   root bus   pc: every slot that is free and not reserved (state.h's
 *              rule); q35 (pcie.0): none, its root bus takes no hotplug
 *   pcie-root-port     slot 0 only, when nothing is behind the port
 *   pci-bridge, pcie-pci-bridge   slots 1-31 (SHPC numbers hotplug slots
 *              from 1: slot 0 of such a bridge takes no hotplug)
 *   i82801b11-bridge (DMI) and other bridges: none
 * A bus whose contents are unknown (an unnumbered bridge on a machine
 * whose QOM was not read: pci_info.qom_read == 0) offers no place: QEMU
 * may have a device there that no listing shows.
 * The order of places is the order hotplug takes them: the root bus, then
 * root ports, then the other bridges, each by its address.
 *
 * A struct pcitree is the caller's (on the stack: no allocation); it
 * points into nothing, so it may outlive the pci_info it came from.
 */
#ifndef SLOTSCOPE_PCITREE_H
#define SLOTSCOPE_PCITREE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "model/devid.h"
#include "model/pci.h"

#define PCITREE_MAX_BUSES 64	/* buses beyond are not placed */
#define PCITREE_ROOT 0		/* index of the root bus */

struct pcitree_bus {
	int parent;			/* bus the bridge sits on; -1 root */
	enum pci_bridge_kind kind;	/* PCI_BR_NONE for the root bus */
	int number;			/* bus number; PCI_BUS_UNNUMBERED */
	int slot, func;			/* the bridge's address on parent */
	char id[PCI_ID_MAX];		/* the bridge's qdev id (= bus name) */
	char path[DEVID_BUS_MAX];	/* "" root; "5", "2.1", "2.1-0" */
	int known;			/* 1: its contents are known */
	int nslots;			/* 32, or 1 for a root port */
	uint32_t held;			/* slots someone else keeps (the VM's
					 * manager, core/mgr's mgr_hold): no
					 * hotplug place (places.h); 0 as
					 * built */
};

struct pcitree {
	struct pcitree_bus bus[PCITREE_MAX_BUSES];
	size_t nbus;
	int pcie;			/* the root bus is PCIe (q35) */
};

/* Build the tree of pi.  Bridges behind unknown buses, and buses past
 * PCITREE_MAX_BUSES, are left out (their functions are not placed). */
void pcitree_build(const struct pci_info *pi, struct pcitree *t);

/* The bus index of function f (one of pi's), or -1 when it is behind a
 * bus the tree does not know. */
int pcitree_bus_of(const struct pcitree *t, const struct pci_fn *f);
/* The bus whose path is path ("" = root), or -1. */
int pcitree_find_path(const struct pcitree *t, const char *path);
/* The bus behind the bridge whose qdev id is id, or -1. */
int pcitree_find_id(const struct pcitree *t, const char *id);
/* The bus behind the bridge at root-bus slot `slot` (its lowest
 * function), or -1. */
int pcitree_bus_at(const struct pcitree *t, int parent, int slot);

/* 1 when device id is live (in pi, on any bus) at slot `slot` of the bus
 * whose place is path ("" = the root bus). */
int pcitree_at_place(const struct pci_info *pi, const char *id,
    const char *path, int slot);

/* The functions of slot `slot` of bus b, in order: up to max pointers
 * into pi, returns how many there are. */
size_t pcitree_slot(const struct pcitree *t, const struct pci_info *pi,
    int b, int slot, const struct pci_fn **out, size_t max);

/* 1 when slot `slot` of bus b may take a hot-added device at all (the
 * rules above, not whether it is free). */
int pcitree_hotpluggable(const struct pcitree *t, int b, int slot);
/* The same for all 32 slots of bus b at once: bit s set when slot s may
 * take one (0 for a bus that is not there). */
uint32_t pcitree_hot_mask(const struct pcitree *t, int b);

/* The bus text a user types for bus b: the bridge's qdev id when it has
 * one, else its path. */
const char *pcitree_bus_name(const struct pcitree *t, int b);
/* A bus as the user names it: a bridge's qdev id ("rp1"), a path ("5",
 * "2.1"), or "0" / "pci.0" / "pcie.0" for the root bus.  -1 with e set
 * saying which buses there are. */
int pcitree_parse_bus(const struct pcitree *t, const char *word, int *b,
    struct err *e);

#endif
