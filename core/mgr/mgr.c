/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mgr.c - manager kinds, loading a manager's file and laying what it
 * records over the reconciled slots; see mgr.h. */
#include "mgr/mgr.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fileio.h"

static const char *const names[MGR_NKINDS] = { "none", "ganeti", "proxmox" };
static const char *const titles[MGR_NKINDS] = { "", "Ganeti", "Proxmox" };

const char *
mgr_kind_name(enum mgr_kind k)
{
	return (unsigned)k < MGR_NKINDS ? names[k] : "?";
}

const char *
mgr_kind_title(enum mgr_kind k)
{
	return (unsigned)k < MGR_NKINDS ? titles[k] : "?";
}

int
mgr_kind_parse(const char *s, enum mgr_kind *out, struct err *e)
{
	int k;

	for (k = 0; k < MGR_NKINDS; k++)
		if (strcmp(s, names[k]) == 0) {
			*out = (enum mgr_kind)k;
			return 0;
		}
	return err_set(e, "unknown manager '%.32s': expected ganeti, proxmox "
	    "or none", s);
}

void
mgr_info_init(struct mgr_info *mi, enum mgr_kind kind)
{
	memset(mi, 0, sizeof *mi);
	mi->kind = kind;
	mi->npci_reservations = -1;
}

void
mgr_info_free(struct mgr_info *mi)
{
	free(mi->cmdline);
	mi->cmdline = NULL;
}

int
mgr_load(const struct mgr_ref *ref, struct mgr_info *mi, struct err *e)
{
	struct stat st;
	char *buf;
	size_t len;
	int fd, rc;

	mgr_info_init(mi, ref->kind);
	if (ref->kind == MGR_NONE)
		return 0;
	fd = open(ref->file, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, "cannot read %s's file %s: %s",
		    mgr_kind_title(ref->kind), ref->file, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > MGR_MAX_FILE) {
		close(fd);
		return err_set(e, "%s is not a regular file of at most %d "
		    "bytes", ref->file, MGR_MAX_FILE);
	}
	buf = fileio_read_fd(fd, MGR_MAX_FILE, &len, e);
	close(fd);
	if (buf == NULL)
		return -1;
	rc = ref->kind == MGR_GANETI ? mgr_ganeti_parse(buf, len, mi, e) :
	    mgr_proxmox_parse(buf, len, ref->vmid, mi, e);
	free(buf);
	if (rc < 0)
		return err_prefix(e, "%s", ref->file);
	return 0;
}

const struct mgr_dev *
mgr_find_id(const struct mgr_info *mi, const char *id)
{
	size_t k;

	if (mi == NULL || id == NULL || id[0] == '\0')
		return NULL;
	for (k = 0; k < mi->ndev; k++)
		if (strcmp(mi->dev[k].id, id) == 0)
			return &mi->dev[k];
	return NULL;
}

static void
facts(struct slot_view *v, const struct mgr_info *mi, const struct mgr_dev *d)
{
	snprintf(v->owner, sizeof v->owner, "%s", mgr_kind_name(mi->kind));
	snprintf(v->mname, sizeof v->mname, "%s", d->name[0] ? d->name :
	    d->key);
	snprintf(v->mac, sizeof v->mac, "%s", d->mac);
	snprintf(v->where, sizeof v->where, "%s", d->where);
	if (v->type[0] == '\0')
		snprintf(v->type, sizeof v->type, "%s", d->type);
	if (v->uuid[0] == '\0')
		snprintf(v->uuid, sizeof v->uuid, "%s", d->uuid);
}

/* The qdev id of bus b's bridge ("" for the root bus), or NULL when the
 * bridge has none (nothing of the manager's can be named there). */
static const char *
bus_id(const struct pcitree *t, int b)
{
	if (b == PCITREE_ROOT)
		return "";
	return t->bus[b].id[0] != '\0' ? t->bus[b].id : NULL;
}

/* The tree bus of d's recorded place, or -1 (no place, or a bridge the
 * tree does not have); its slot there in *slot. */
static int
dev_place(const struct pcitree *t, const struct mgr_dev *d, int *slot)
{
	*slot = d->bus[0] != '\0' ? d->addr : d->slot;
	if (*slot < 0 || *slot > 31)
		return -1;
	return d->bus[0] == '\0' ? PCITREE_ROOT : pcitree_find_id(t, d->bus);
}

/* Live ids the manager placed: used, its owner. */
static void
claim_live(const struct mgr_info *mi, const struct pci_info *live,
    const struct pcitree *t, int b, struct slot_view v[32])
{
	int s;

	for (s = 0; s < t->bus[b].nslots && s < 32; s++) {
		const struct pci_fn *fn[8];
		const struct mgr_dev *d = NULL;
		size_t n = pcitree_slot(t, live, b, s, fn, 8), k;
		enum slot_state st = v[s].state;

		if (st != SLOT_FOREIGN && st != SLOT_BUILTIN &&
		    st != SLOT_BRIDGE && st != SLOT_PORT)
			continue;
		/* Ganeti keeps its reserved slots for what QEMU places
		 * itself from the kvm command (-device virtio-balloon, no
		 * id): a device there without an id is Ganeti's */
		if (st == SLOT_FOREIGN && v[s].anonymous && b == PCITREE_ROOT &&
		    mi->kind == MGR_GANETI &&
		    (mi->reserved & ((uint32_t)1 << s))) {
			v[s].state = SLOT_USED;
			snprintf(v[s].owner, sizeof v[s].owner, "ganeti");
			snprintf(v[s].mname, sizeof v[s].mname, "placed by "
			    "QEMU from the kvm command");
			continue;
		}
		for (k = 0; k < n && k < 8 && d == NULL; k++)
			d = mgr_find_id(mi, fn[k]->id);
		if (d == NULL)
			continue;
		/* a bridge or root port stays one: only its owner is told */
		if (st == SLOT_FOREIGN || st == SLOT_BUILTIN) {
			v[s].state = SLOT_USED;
			snprintf(v[s].id, sizeof v[s].id, "%s", fn[k - 1]->id);
		}
		facts(&v[s], mi, d);
	}
}

/* A recorded device that is not where the manager says (slot s of bus
 * b); at: its live slot on bus lb, or -1 when its id is nowhere live. */
static void
misplaced(const struct mgr_info *mi, const struct pci_info *live,
    const struct pcitree *t, int b, int s, const struct mgr_dev *d, int at,
    int lb, struct slot_view *v)
{
	const struct pci_fn *fn[1];
	const char *title = mgr_kind_title(mi->kind);

	if (pcitree_slot(t, live, b, s, fn, 1) == 0) {
		/* only states that say "nothing live here" (not one a
		 * refresh could not read) */
		if (v->state != SLOT_FREE && v->state != SLOT_RESERVED &&
		    v->state != SLOT_MISSING && v->state != SLOT_CLOSED)
			return;
		if (at == -1) {
			v->state = SLOT_MISSING;
			snprintf(v->id, sizeof v->id, "%s", d->id);
			facts(v, mi, d);
			return;
		}
		/* live in another place: this one stays the manager's in
		 * its eyes */
		if (v->state == SLOT_FREE)
			v->state = SLOT_RESERVED;
		facts(v, mi, d);
	}
	if (at >= 0 && lb == b)
		snprintf(v->conflict, sizeof v->conflict, "%s records %s here, "
		    "live in slot %d", title, d->id, at);
	else if (at >= 0 && lb >= 0)
		snprintf(v->conflict, sizeof v->conflict, "%s records %s here, "
		    "live in slot %d of bus %s", title, d->id, at,
		    lb == PCITREE_ROOT ? "0" : pcitree_bus_name(t, lb));
	else if (at >= 0)
		snprintf(v->conflict, sizeof v->conflict, "%s records %s here, "
		    "live elsewhere", title, d->id);
	else
		snprintf(v->conflict, sizeof v->conflict, "%s records %s here",
		    title, d->id);
}

/* Recorded devices of bus b that are not where the manager says. */
static void
recorded(const struct mgr_info *mi, const struct pci_info *live,
    const struct pcitree *t, int b, struct slot_view v[32])
{
	size_t k;

	for (k = 0; k < mi->ndev; k++) {
		const struct mgr_dev *d = &mi->dev[k];
		const struct pci_fn *fn = pci_info_find_any(live, d->id);
		int s, at = -1, lb = -1;

		if (dev_place(t, d, &s) != b || s >= t->bus[b].nslots)
			continue;
		if (fn != NULL) {
			at = fn->slot;
			lb = pcitree_bus_of(t, fn);
		}
		if (at == s && lb == b)
			continue;	/* where it should be */
		misplaced(mi, live, t, b, s, d, at, lb, &v[s]);
	}
}

/* Ganeti gives a new device the lowest slot its runtime file leaves
 * (reservations and recorded devices), without asking the bus: a live
 * device there is the next hotplug's collision (Ganeti #1620). */
static void
ganeti_next(const struct mgr_info *mi, const struct pci_info *live,
    struct slot_view v[32])
{
	uint32_t taken = mgr_taken(mi);
	const struct pci_fn *fn[1];
	int s;

	for (s = 0; s < 32 && (taken & ((uint32_t)1 << s)); s++)
		;
	if (s == 32 || pci_info_slot(live, s, fn, 1) == 0 ||
	    v[s].conflict[0] != '\0')
		return;
	snprintf(v[s].conflict, sizeof v[s].conflict, "Ganeti's next "
	    "hotplug takes slot %d: its runtime file does not have this "
	    "device", s);
}

/* The places the manager keeps on bus b: reserved, and its owner where
 * nobody else is. */
static void
kept(const struct mgr_info *mi, const struct pcitree *t, int b,
    struct slot_view v[32])
{
	const char *id = bus_id(t, b);
	char what[64];
	int s;

	for (s = 0; id != NULL && s < t->bus[b].nslots && s < 32; s++) {
		struct slot_view *x = &v[s];

		if (!mgr_kept(mi, id, s, what, sizeof what))
			continue;
		x->reserved = 1;
		if (x->state == SLOT_FREE)
			x->state = SLOT_RESERVED;
		if (x->owner[0] == '\0' && (x->state == SLOT_RESERVED ||
		    x->state == SLOT_BUILTIN || x->state == SLOT_CLOSED)) {
			snprintf(x->owner, sizeof x->owner, "%s",
			    mgr_kind_name(mi->kind));
			snprintf(x->mname, sizeof x->mname, "%s", what);
		}
	}
}

void
mgr_apply_bus(const struct mgr_info *mi, const struct pci_info *live,
    const struct pcitree *t, int b, struct slot_view v[32])
{
	int s;

	if (b < 0 || (size_t)b >= t->nbus)
		return;
	if (mi != NULL && mi->kind != MGR_NONE) {
		claim_live(mi, live, t, b, v);
		recorded(mi, live, t, b, v);
		if (mi->kind == MGR_GANETI && b == PCITREE_ROOT)
			ganeti_next(mi, live, v);
		kept(mi, t, b, v);
	}
	for (s = 0; s < 32; s++) {
		const char *o = mgr_default_owner(v[s].state);

		if (v[s].owner[0] == '\0' && o != NULL)
			snprintf(v[s].owner, sizeof v[s].owner, "%s", o);
	}
}

const char *
mgr_default_owner(enum slot_state st)
{
	return st == SLOT_USED || st == SLOT_UNPLUGGING ||
	    st == SLOT_MISSING ? "slotscope" : NULL;
}

void
mgr_apply(const struct mgr_info *mi, const struct pci_info *live,
    struct slot_view v[32])
{
	struct pcitree t;

	pcitree_build(live, &t);
	mgr_apply_bus(mi, live, &t, PCITREE_ROOT, v);
}

int
mgr_kept(const struct mgr_info *mi, const char *bus, int slot, char *out,
    size_t sz)
{
	if (mi == NULL || mi->kind == MGR_NONE || slot < 0 || slot > 31)
		return 0;
	if (bus[0] == '\0') {
		if (!(mi->reserved & ((uint32_t)1 << slot)))
			return 0;
		snprintf(out, sz, "%s", mi->reserved_for[slot]);
		return 1;
	}
	return mi->kind == MGR_PROXMOX &&
	    mgr_proxmox_key_at(mi->q35, bus, slot, out, sz);
}

void
mgr_hold(const struct mgr_info *mi, struct pcitree *t)
{
	char what[64];
	size_t b, k;
	int s;

	if (mi == NULL || mi->kind == MGR_NONE)
		return;
	for (b = 0; b < t->nbus; b++) {
		const char *id = bus_id(t, (int)b);

		for (s = 0; id != NULL && s < 32; s++)
			if (mgr_kept(mi, id, s, what, sizeof what))
				t->bus[b].held |= (uint32_t)1 << s;
	}
	for (k = 0; k < mi->ndev; k++) {
		int at = dev_place(t, &mi->dev[k], &s);

		if (at >= 0)
			t->bus[at].held |= (uint32_t)1 << s;
	}
}

uint32_t
mgr_taken(const struct mgr_info *mi)
{
	uint32_t m;
	size_t k;

	if (mi == NULL || mi->kind == MGR_NONE)
		return 0;
	m = mi->reserved;
	for (k = 0; k < mi->ndev; k++)
		if (mi->dev[k].slot >= 0 && mi->dev[k].slot < 32)
			m |= (uint32_t)1 << mi->dev[k].slot;
	return m;
}
