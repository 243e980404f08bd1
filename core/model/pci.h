/* pci.h - what a monitor says is on the PCI buses, in one form for HMP,
 * QMP and the simulator.
 *
 * A struct pci_info is a list of PCI functions (one entry per function, so
 * PIIX3's slot 1 is three entries).  Functions behind a bridge carry the
 * bridge's secondary bus number; only bus 0 entries occupy one of the 32
 * slots slotscope manages.  pci_info owns its array: pci_info_free() frees
 * it.  The parsers for `info pci` / `query-pci` that fill it live in hmp.h
 * and qmp.h.
 */
#ifndef SLOTSCOPE_PCI_H
#define SLOTSCOPE_PCI_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define PCI_CLASS_MAX 64
#define PCI_ID_MAX 128
#define PCI_MAX_FUNCTIONS 4096	/* a parser refuses more than this */

struct pci_fn {
	int bus;			/* 0 = the root bus */
	int slot;			/* 0..31 */
	int func;			/* 0..7 */
	char class_text[PCI_CLASS_MAX];	/* "Ethernet controller" */
	unsigned vendor, device;	/* 0x8086, 0x100e */
	char id[PCI_ID_MAX];		/* qdev id; "" for built-in devices */
};

struct pci_info {
	struct pci_fn *fn;
	size_t n, cap;
};

struct qemu_version {
	int major, minor, micro;
	char package[96];		/* "Debian 1:7.2+dfsg-7+deb12u18+b3" */
};

void pci_info_init(struct pci_info *pi);
void pci_info_free(struct pci_info *pi);
void pci_info_clear(struct pci_info *pi);	/* n = 0, keeps the array */
int pci_info_add(struct pci_info *pi, const struct pci_fn *fn, struct err *e);

/* Bit i set when bus 0 slot i has at least one function. */
uint32_t pci_info_bus0_mask(const struct pci_info *pi);

/* The functions of bus 0 slot `slot`, in order: fills up to max pointers
 * into pi and returns how many there are. */
size_t pci_info_slot(const struct pci_info *pi, int slot,
    const struct pci_fn **out, size_t max);

/* The bus 0 function whose qdev id is id, or NULL. */
const struct pci_fn *pci_info_find_id(const struct pci_info *pi,
    const char *id);

#endif
