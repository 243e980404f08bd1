/* SPDX-License-Identifier: GPL-3.0-or-later */
/* pci.c - the list of live PCI functions; see pci.h. */
#include "model/pci.h"

#include <stdlib.h>
#include <string.h>

void
pci_info_init(struct pci_info *pi)
{
	pi->fn = NULL;
	pi->n = pi->cap = 0;
	pi->qom_read = 0;
}

void
pci_info_free(struct pci_info *pi)
{
	free(pi->fn);
	pci_info_init(pi);
}

void
pci_info_clear(struct pci_info *pi)
{
	pi->n = 0;
	pi->qom_read = 0;
}

void
pci_info_fit(struct pci_info *pi)
{
	struct pci_fn *p;

	if (pi->n == pi->cap)
		return;
	if (pi->n == 0) {
		free(pi->fn);
		pi->fn = NULL;
		pi->cap = 0;
		return;
	}
	if ((p = realloc(pi->fn, pi->n * sizeof *p)) == NULL)
		return;		/* keeps the larger one */
	pi->fn = p;
	pi->cap = pi->n;
}

int
pci_info_has_unnumbered(const struct pci_info *pi)
{
	size_t i;

	for (i = 0; i < pi->n; i++)
		if (pi->fn[i].bridge != PCI_BR_NONE && pi->fn[i].sec_bus == 0)
			return 1;
	return 0;
}

struct pci_fn *
pci_info_room(struct pci_info *pi, struct err *e)
{
	struct pci_fn *f;

	if (pi->n >= PCI_MAX_FUNCTIONS) {
		err_set(e, "the monitor listed more than %d PCI functions",
		    PCI_MAX_FUNCTIONS);
		return NULL;
	}
	if (pi->n == pi->cap) {
		/* a fresh pc or q35 has 6: pci_info_fit then finds no room
		 * to give back, and a refresh allocates once */
		size_t cap = pi->cap ? pi->cap * 2 : 6;
		struct pci_fn *p = realloc(pi->fn, cap * sizeof *p);

		if (p == NULL) {
			err_set(e, "out of memory");
			return NULL;
		}
		pi->fn = p;
		pi->cap = cap;
	}
	f = &pi->fn[pi->n];
	memset(f, 0, sizeof *f);
	return f;
}

int
pci_info_add(struct pci_info *pi, const struct pci_fn *fn, struct err *e)
{
	struct pci_fn *f = pci_info_room(pi, e);

	if (f == NULL)
		return -1;
	*f = *fn;
	pi->n++;
	return 0;
}

uint32_t
pci_info_bus0_mask(const struct pci_info *pi)
{
	uint32_t m = 0;
	size_t i;

	for (i = 0; i < pi->n; i++)
		if (pi->fn[i].bus == 0 && pi->fn[i].slot >= 0 &&
		    pi->fn[i].slot < 32)
			m |= (uint32_t)1 << pi->fn[i].slot;
	return m;
}

size_t
pci_info_slot(const struct pci_info *pi, int slot, const struct pci_fn **out,
    size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < pi->n; i++) {
		if (pi->fn[i].bus != 0 || pi->fn[i].slot != slot)
			continue;
		if (n < max)
			out[n] = &pi->fn[i];
		n++;
	}
	return n;
}

const struct pci_fn *
pci_info_find_id(const struct pci_info *pi, const char *id)
{
	size_t i;

	if (id == NULL || *id == '\0')
		return NULL;
	for (i = 0; i < pi->n; i++)
		if (pi->fn[i].bus == 0 && strcmp(pi->fn[i].id, id) == 0)
			return &pi->fn[i];
	return NULL;
}

const struct pci_fn *
pci_info_find_any(const struct pci_info *pi, const char *id)
{
	size_t i;

	if (id == NULL || *id == '\0')
		return NULL;
	for (i = 0; i < pi->n; i++)
		if (strcmp(pi->fn[i].id, id) == 0)
			return &pi->fn[i];
	return NULL;
}

/* QEMU's ids (include/hw/pci/pci.h) for the bridges it emulates. */
static const struct {
	unsigned vendor, device;
	enum pci_bridge_kind kind;
} known[] = {
	{ 0x1b36, 0x0001, PCI_BR_PCI },		/* pci-bridge */
	{ 0x1b36, 0x000c, PCI_BR_ROOT_PORT },	/* pcie-root-port */
	{ 0x8086, 0x3420, PCI_BR_ROOT_PORT },	/* ioh3420 */
	{ 0x1b36, 0x000e, PCI_BR_PCIE_PCI },	/* pcie-pci-bridge */
	{ 0x8086, 0x244e, PCI_BR_DMI },		/* i82801b11-bridge */
};

enum pci_bridge_kind
pci_bridge_kind_of(unsigned vendor, unsigned device)
{
	size_t i;

	for (i = 0; i < sizeof known / sizeof *known; i++)
		if (known[i].vendor == vendor && known[i].device == device)
			return known[i].kind;
	return PCI_BR_OTHER;
}

const char *
pci_bridge_kind_name(enum pci_bridge_kind k)
{
	static const char *const n[PCI_BR_NKINDS] = {
		"", "pci-bridge", "pcie-root-port", "pcie-pci-bridge",
		"i82801b11-bridge", "bridge",
	};

	return (unsigned)k < PCI_BR_NKINDS ? n[k] : "";
}

int
pci_info_is_pcie(const struct pci_info *pi)
{
	size_t i;

	for (i = 0; i < pi->n; i++)
		if (pi->fn[i].bus == 0 && pi->fn[i].slot == 0 &&
		    pi->fn[i].func == 0 && pi->fn[i].vendor == 0x8086 &&
		    pi->fn[i].device == 0x29c0)
			return 1;
	return 0;
}
