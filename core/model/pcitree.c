/* SPDX-License-Identifier: GPL-3.0-or-later */
/* pcitree.c - buses behind bridges and their hotplug rules; see
 * pcitree.h. */
#include "model/pcitree.h"

#include <stdio.h>
#include <string.h>

int
pcitree_bus_of(const struct pcitree *t, const struct pci_fn *f)
{
	size_t b;

	if (f->bus == 0)
		return PCITREE_ROOT;
	for (b = 1; b < t->nbus; b++) {
		if (f->bus == PCI_BUS_UNNUMBERED) {
			if (f->parent[0] != '\0' &&
			    strcmp(t->bus[b].id, f->parent) == 0)
				return (int)b;
		} else if (t->bus[b].number == f->bus)
			return (int)b;
	}
	return -1;
}

/* Is function i already the bridge of a bus? */
static int
has_bus(const struct pcitree *t, int parent, const struct pci_fn *f)
{
	size_t b;

	for (b = 1; b < t->nbus; b++)
		if (t->bus[b].parent == parent && t->bus[b].slot == f->slot &&
		    t->bus[b].func == f->func)
			return 1;
	return 0;
}

/* Add the bus behind bridge f, which sits on bus `parent`. */
static void
add_bus(struct pcitree *t, int parent, const struct pci_fn *f,
    const struct pci_info *pi)
{
	struct pcitree_bus *b = &t->bus[t->nbus];
	const struct pcitree_bus *p = &t->bus[parent];
	char part[8];

	memset(b, 0, sizeof *b);
	b->parent = parent;
	b->kind = f->bridge;
	b->number = f->sec_bus > 0 ? f->sec_bus : PCI_BUS_UNNUMBERED;
	b->slot = f->slot;
	b->func = f->func;
	snprintf(b->id, sizeof b->id, "%s", f->id);
	if (f->func != 0)
		snprintf(part, sizeof part, "%d.%d", f->slot, f->func);
	else
		snprintf(part, sizeof part, "%d", f->slot);
	if (strlen(p->path) + 1 + strlen(part) >= sizeof b->path)
		return;		/* deeper than an id can name: left out */
	if (p->path[0] != '\0') {
		memcpy(b->path, p->path, strlen(p->path));
		strcat(b->path, "-");
	}
	strcat(b->path, part);
	/* QOM names a bus by its bridge's id: behind an unnumbered bridge
	 * without one, what QOM has cannot be placed */
	b->known = p->known && (b->number != PCI_BUS_UNNUMBERED ||
	    (pi->qom_read && f->id[0] != '\0'));
	b->nslots = f->bridge == PCI_BR_ROOT_PORT ? 1 : 32;
	t->nbus++;
}

void
pcitree_build(const struct pci_info *pi, struct pcitree *t)
{
	size_t i;
	int added;

	/* only what is read: the buses past nbus are set as they are added
	 * (add_bus), and clearing all 64 (12 KB) was a fifth of the end of
	 * a refresh */
	memset(&t->bus[0], 0, sizeof t->bus[0]);
	t->bus[0].parent = -1;
	t->bus[0].known = 1;
	t->bus[0].nslots = 32;
	t->nbus = 1;
	t->pcie = pci_info_is_pcie(pi);
	/* A bridge can be listed before the bridge it is behind (QOM
	 * entries come in any order): pass again while buses are added. */
	do {
		added = 0;
		for (i = 0; i < pi->n && t->nbus < PCITREE_MAX_BUSES; i++) {
			const struct pci_fn *f = &pi->fn[i];
			int p;

			if (f->bridge == PCI_BR_NONE)
				continue;
			if ((p = pcitree_bus_of(t, f)) < 0 || has_bus(t, p, f))
				continue;
			add_bus(t, p, f, pi);
			if (has_bus(t, p, f))
				added = 1;
		}
	} while (added && t->nbus < PCITREE_MAX_BUSES);
}

int
pcitree_find_path(const struct pcitree *t, const char *path)
{
	size_t b;

	for (b = 0; b < t->nbus; b++)
		if (strcmp(t->bus[b].path, path) == 0)
			return (int)b;
	return -1;
}

int
pcitree_find_id(const struct pcitree *t, const char *id)
{
	size_t b;

	if (id[0] == '\0')
		return -1;
	for (b = 1; b < t->nbus; b++)
		if (strcmp(t->bus[b].id, id) == 0)
			return (int)b;
	return -1;
}

int
pcitree_bus_at(const struct pcitree *t, int parent, int slot)
{
	size_t b;
	int best = -1;

	for (b = 1; b < t->nbus; b++)
		if (t->bus[b].parent == parent && t->bus[b].slot == slot &&
		    (best < 0 || t->bus[b].func < t->bus[best].func))
			best = (int)b;
	return best;
}

int
pcitree_at_place(const struct pci_info *pi, const char *id, const char *path,
    int slot)
{
	const struct pci_fn *f = pci_info_find_any(pi, id);
	struct pcitree t;
	int b;

	if (f == NULL || f->slot != slot)
		return 0;
	pcitree_build(pi, &t);
	b = pcitree_bus_of(&t, f);
	return b >= 0 && strcmp(t.bus[b].path, path) == 0;
}

size_t
pcitree_slot(const struct pcitree *t, const struct pci_info *pi, int b,
    int slot, const struct pci_fn **out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < pi->n; i++) {
		const struct pci_fn *f = &pi->fn[i];

		if (f->slot != slot || pcitree_bus_of(t, f) != b)
			continue;
		if (n < max)
			out[n] = f;
		n++;
	}
	return n;
}

uint32_t
pcitree_hot_mask(const struct pcitree *t, int b)
{
	const struct pcitree_bus *bus;

	if (b < 0 || (size_t)b >= t->nbus)
		return 0;
	bus = &t->bus[b];
	if (b == PCITREE_ROOT)
		return t->pcie ? 0 : 0xffffffffu;
	if (!bus->known || bus->id[0] == '\0')
		return 0;
	switch (bus->kind) {
	case PCI_BR_ROOT_PORT:
		return 1u;		/* slot 0 only */
	case PCI_BR_PCI:
	case PCI_BR_PCIE_PCI:
		return 0xfffffffeu;	/* 1-31 */
	default:
		return 0;
	}
}

int
pcitree_hotpluggable(const struct pcitree *t, int b, int slot)
{
	if (slot < 0 || slot > 31)
		return 0;
	return (pcitree_hot_mask(t, b) >> slot) & 1;
}

const char *
pcitree_bus_name(const struct pcitree *t, int b)
{
	if (b <= 0 || (size_t)b >= t->nbus)
		return t->pcie ? "pcie.0" : "pci.0";
	return t->bus[b].id[0] ? t->bus[b].id : t->bus[b].path;
}

int
pcitree_parse_bus(const struct pcitree *t, const char *word, int *b,
    struct err *e)
{
	char list[160] = "";
	size_t i, n = 0;
	int k;

	if (strcmp(word, "0") == 0 || strcmp(word, "pci.0") == 0 ||
	    strcmp(word, "pcie.0") == 0) {
		*b = PCITREE_ROOT;
		return 0;
	}
	if ((k = pcitree_find_id(t, word)) >= 0 ||
	    (k = pcitree_find_path(t, word)) > 0) {
		*b = k;
		return 0;
	}
	for (i = 1; i < t->nbus && n + 24 < sizeof list; i++)
		n += (size_t)snprintf(list + n, sizeof list - n, "%s%s",
		    i > 1 ? ", " : "", pcitree_bus_name(t, (int)i));
	return err_set(e, "no bus '%.40s' on this machine: expected %s%s%s",
	    word, t->pcie ? "pcie.0" : "pci.0", n ? ", " : "",
	    n ? list : " (it has no bridges)");
}
