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

/* Is the manager's id of d live, and where? -1: nowhere, -2: behind a
 * bridge. */
static int
live_slot(const struct pci_info *live, const struct mgr_dev *d)
{
	const struct pci_fn *fn = pci_info_find_id(live, d->id);

	return fn != NULL && fn->bus == 0 ? fn->slot : fn != NULL ? -2 : -1;
}

/* Live ids the manager placed: used, its owner. */
static void
claim_live(const struct mgr_info *mi, const struct pci_info *live,
    struct slot_view v[32])
{
	int s;

	for (s = 0; s < 32; s++) {
		const struct pci_fn *fn[8];
		const struct mgr_dev *d = NULL;
		size_t n = pci_info_slot(live, s, fn, 8), k;

		if (v[s].state != SLOT_FOREIGN && v[s].state != SLOT_BUILTIN)
			continue;
		/* Ganeti keeps its reserved slots for what QEMU places
		 * itself from the kvm command (-device virtio-balloon, no
		 * id): a device there without an id is Ganeti's */
		if (v[s].state == SLOT_FOREIGN && v[s].anonymous &&
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
		v[s].state = SLOT_USED;
		snprintf(v[s].id, sizeof v[s].id, "%s", fn[k - 1]->id);
		facts(&v[s], mi, d);
	}
}

/* Recorded devices that are not where the manager says. */
static void
recorded(const struct mgr_info *mi, const struct pci_info *live,
    struct slot_view v[32])
{
	size_t k;

	for (k = 0; k < mi->ndev; k++) {
		const struct mgr_dev *d = &mi->dev[k];
		const struct pci_fn *fn[1];
		int at, s = d->slot;

		if (s < 0 || s > 31)
			continue;
		at = live_slot(live, d);
		if (at == s)
			continue;	/* where it should be */
		if (pci_info_slot(live, s, fn, 1) == 0) {
			/* only states that say "nothing live here" (not one
			 * a refresh could not read, nor a closed slot) */
			if (v[s].state != SLOT_FREE &&
			    v[s].state != SLOT_RESERVED &&
			    v[s].state != SLOT_MISSING)
				continue;
			if (at == -1) {
				v[s].state = SLOT_MISSING;
				snprintf(v[s].id, sizeof v[s].id, "%s", d->id);
				facts(&v[s], mi, d);
				continue;
			}
			/* live in another slot: this one stays the
			 * manager's in its eyes */
			if (v[s].state == SLOT_FREE)
				v[s].state = SLOT_RESERVED;
			facts(&v[s], mi, d);
		}
		if (at >= 0)
			snprintf(v[s].conflict, sizeof v[s].conflict,
			    "%s records %s here, live in slot %d",
			    mgr_kind_title(mi->kind), d->id, at);
		else
			snprintf(v[s].conflict, sizeof v[s].conflict,
			    "%s records %s here", mgr_kind_title(mi->kind),
			    d->id);
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

void
mgr_apply(const struct mgr_info *mi, const struct pci_info *live,
    struct slot_view v[32])
{
	int s;

	if (mi != NULL && mi->kind != MGR_NONE) {
		claim_live(mi, live, v);
		recorded(mi, live, v);
		if (mi->kind == MGR_GANETI)
			ganeti_next(mi, live, v);
		for (s = 0; s < 32; s++) {
			if (!(mi->reserved & ((uint32_t)1 << s)))
				continue;
			v[s].reserved = 1;
			if (v[s].state == SLOT_FREE)
				v[s].state = SLOT_RESERVED;
			if (v[s].owner[0] == '\0' && (v[s].state ==
			    SLOT_RESERVED || v[s].state == SLOT_BUILTIN)) {
				snprintf(v[s].owner, sizeof v[s].owner, "%s",
				    mgr_kind_name(mi->kind));
				snprintf(v[s].mname, sizeof v[s].mname, "%s",
				    mi->reserved_for[s]);
			}
		}
	}
	for (s = 0; s < 32; s++)
		if (v[s].owner[0] == '\0' && (v[s].state == SLOT_USED ||
		    v[s].state == SLOT_UNPLUGGING ||
		    v[s].state == SLOT_MISSING))
			snprintf(v[s].owner, sizeof v[s].owner, "slotscope");
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
