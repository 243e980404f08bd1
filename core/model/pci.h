/* SPDX-License-Identifier: GPL-3.0-or-later */
/* pci.h - what a monitor says is on the PCI buses, in one form for HMP,
 * QMP and the simulator.
 *
 * A struct pci_info is a list of PCI functions (one entry per function, so
 * PIIX3's slot 1 is three entries).  Functions behind a bridge carry the
 * bridge's secondary bus number; only bus 0 entries occupy one of the 32
 * root-bus slots.  A bridge (pci-bridge, pcie-root-port, pcie-pci-bridge,
 * the DMI bridge i82801b11) carries its kind and secondary bus number.
 *
 * Firmware numbers the bridges' buses: on a machine paused before it ran
 * (-S) every secondary bus is 0 and QEMU lists nothing behind any bridge.
 * Such devices are found through QOM (qemu/qom.h) and entered with bus
 * PCI_BUS_UNNUMBERED and `parent` = the qdev id of the bridge they sit
 * behind.  The tree (which bus hangs off which bridge) is pcitree.h's.
 *
 * pci_info owns its array: pci_info_free() frees it.  The parsers for
 * `info pci` / `query-pci` that fill it live in hmp.h and qmp.h.
 */
#ifndef SLOTSCOPE_PCI_H
#define SLOTSCOPE_PCI_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define PCI_CLASS_MAX 64
#define PCI_ID_MAX 128
#define PCI_MAX_FUNCTIONS 4096	/* a parser refuses more than this */

#define PCI_BUS_UNNUMBERED (-1)	/* behind `parent`, bus number unknown */

/* What a function is as a bridge, from its vendor:device ids. */
enum pci_bridge_kind {
	PCI_BR_NONE,		/* not a bridge */
	PCI_BR_PCI,		/* pci-bridge 1b36:0001 (SHPC: slots 1-31) */
	PCI_BR_ROOT_PORT,	/* pcie-root-port 1b36:000c, ioh3420 8086:3420:
				 * one slot, 0 */
	PCI_BR_PCIE_PCI,	/* pcie-pci-bridge 1b36:000e (slots 1-31) */
	PCI_BR_DMI,		/* i82801b11-bridge 8086:244e: no hotplug */
	PCI_BR_OTHER,		/* another bridge: its devices are placed,
				 * nothing is hot-added there */
	PCI_BR_NKINDS
};

struct pci_fn {
	int bus;			/* 0 = the root bus; or
					 * PCI_BUS_UNNUMBERED (see parent) */
	int slot;			/* 0..31 */
	int func;			/* 0..7 */
	char class_text[PCI_CLASS_MAX];	/* "Ethernet controller" */
	unsigned vendor, device;	/* 0x8086, 0x100e */
	char id[PCI_ID_MAX];		/* qdev id; "" for built-in devices
					 * and anonymous ones */
	int anon;			/* a user added it without an id
					 * (qemu/anon.h): not built in */
	enum pci_bridge_kind bridge;	/* PCI_BR_NONE unless a bridge */
	int sec_bus;			/* a bridge's secondary bus; 0 = not
					 * numbered yet (firmware has not run) */
	char parent[PCI_ID_MAX];	/* bus PCI_BUS_UNNUMBERED: the qdev id
					 * of the bridge it is behind (QOM) */
};

struct pci_info {
	struct pci_fn *fn;
	size_t n, cap;
	int qom_read;		/* 1: QOM was read for the devices behind
				 * unnumbered bridges (qemu/qom.h); 0: what
				 * is behind them is unknown */
};

struct qemu_version {
	int major, minor, micro;
	char package[96];		/* "Debian 1:7.2+dfsg-7+deb12u18+b3" */
};

void pci_info_init(struct pci_info *pi);
void pci_info_free(struct pci_info *pi);
void pci_info_clear(struct pci_info *pi);	/* n = 0, keeps the array */
/* Give back the array's unused room (a bus kept for long). */
void pci_info_fit(struct pci_info *pi);
/* 1 when a bridge's bus is not numbered (a machine paused before its
 * firmware ran): QEMU then lists nothing behind it. */
int pci_info_has_unnumbered(const struct pci_info *pi);
int pci_info_add(struct pci_info *pi, const struct pci_fn *fn, struct err *e);
/* Room for one more function, built in place: a zeroed entry at
 * pi->fn[pi->n], not counted (the caller keeps it with pi->n++; left
 * uncounted it is scratch that the next add overwrites), or NULL with e
 * set (PCI_MAX_FUNCTIONS reached, out of memory).  The pointer holds
 * until the next call that grows pi. */
struct pci_fn *pci_info_room(struct pci_info *pi, struct err *e);

/* Bit i set when bus 0 slot i has at least one function. */
uint32_t pci_info_bus0_mask(const struct pci_info *pi);

/* The functions of bus 0 slot `slot`, in order: fills up to max pointers
 * into pi and returns how many there are. */
size_t pci_info_slot(const struct pci_info *pi, int slot,
    const struct pci_fn **out, size_t max);

/* The bus 0 function whose qdev id is id, or NULL. */
const struct pci_fn *pci_info_find_id(const struct pci_info *pi,
    const char *id);
/* The function (on any bus) whose qdev id is id, or NULL. */
const struct pci_fn *pci_info_find_any(const struct pci_info *pi,
    const char *id);

/* The bridge kind of a vendor:device pair that is a PCI-to-PCI bridge
 * (class 0x0604): PCI_BR_OTHER for bridges not known here. */
enum pci_bridge_kind pci_bridge_kind_of(unsigned vendor, unsigned device);
/* "pci-bridge", "pcie-root-port", ..., "bridge"; "" for PCI_BR_NONE. */
const char *pci_bridge_kind_name(enum pci_bridge_kind k);
/* 1 when the root bus is PCI Express (q35's pcie.0: its host bridge is
 * 8086:29c0), which takes no hotplug: devices go into root ports. */
int pci_info_is_pcie(const struct pci_info *pi);

#endif
