/* SPDX-License-Identifier: GPL-3.0-or-later */
/* state.c - slot states and the slot rules; see state.h. */
#include "model/state.h"

#include <stdio.h>
#include <string.h>

#include "model/pcitree.h"
#include "model/places.h"
#include "base/strcopy.h"

static const char *const names[SLOT_NSTATES] = {
	"free", "reserved", "builtin", "used", "foreign", "missing",
	"unplugging", "bridge", "port", "closed", "unknown",
};

const char *
slot_state_name(enum slot_state s)
{
	if ((unsigned)s < SLOT_NSTATES)
		return names[s];
	return "?";
}

int
slot_state_parse(const char *buf, size_t len, enum slot_state *out,
    struct err *e)
{
	int i;

	for (i = 0; i < SLOT_NSTATES; i++)
		if (strlen(names[i]) == len && memcmp(names[i], buf, len) == 0) {
			*out = (enum slot_state)i;
			return 0;
		}
	return err_set(e, "unknown slot state '%.*s': expected free, reserved, "
	    "builtin, used, foreign, missing, unplugging, bridge, port, "
	    "closed or unknown",
	    (int)(len > 32 ? 32 : len), buf);
}

static void
copy(char *dst, size_t sz, const char *src)
{
	strcopy(dst, sz, src);
}

/* The live device of id on the bus a runtime device of bus `path` is
 * on: bus 0 for root-bus devices (as before bridges were known), any bus
 * for the others. */
static const struct pci_fn *
live_id(const struct pci_info *live, const char *path, const char *id)
{
	return path[0] == '\0' ? pci_info_find_id(live, id) :
	    pci_info_find_any(live, id);
}

/* One slot: its live functions fn[0..n-1] (n may exceed 8: only the
 * first 8 are there), d the runtime's device of this place
 * (store_find_place's, or NULL) on bus `path`.  Returns 1 when the
 * slot's pending unplug is confirmed (see state.h). */
static int
res_slot(const struct pci_fn *const *fn, size_t n,
    const struct pci_info *live, const struct store_rt *rt,
    const char *path, const struct store_dev *d, struct slot_res *v)
{
	const char *liveid = NULL;
	int done = 0;
	size_t k;

	v->nfn = (int)n;
	if (n > 8)
		n = 8;
	if (n > 0) {
		/* Another device took the slot of one whose unplug was
		 * pending: that unplug is confirmed too. */
		if (d != NULL && d->state == STORE_DEV_UNPLUGGING &&
		    live_id(live, path, d->id) == NULL)
			done = 1;
		d = NULL;
		/* Prefer an id the runtime knows, then any id. */
		for (k = 0; k < n; k++) {
			if (fn[k]->id[0] == '\0')
				continue;
			if (liveid == NULL)
				liveid = fn[k]->id;
			if (rt->ndev > 0 &&
			    (d = store_find_id(rt, fn[k]->id)) != NULL) {
				liveid = fn[k]->id;
				break;
			}
		}
		if (liveid == NULL) {
			/* no id: the machine's own, or one a user added
			 * without an id */
			for (k = 0; k < n; k++)
				v->anonymous |= fn[k]->anon != 0;
			v->state = v->anonymous ? SLOT_FOREIGN : SLOT_BUILTIN;
			return done;
		}
		v->id = liveid;
		if (d == NULL) {
			v->state = SLOT_FOREIGN;
			return done;
		}
		v->state = d->state == STORE_DEV_UNPLUGGING ?
		    SLOT_UNPLUGGING : SLOT_USED;
		v->dev = d;
		return done;
	}
	if (d != NULL && d->state == STORE_DEV_PLUGGED) {
		v->state = SLOT_MISSING;
		v->id = d->id;
		v->dev = d;
		return 0;
	}
	if (d != NULL && live_id(live, path, d->id) == NULL)
		done = 1;
	v->state = v->reserved ? SLOT_RESERVED : SLOT_FREE;
	return done;
}

/* Devices behind bus b and the buses behind it; -1 when some of them is
 * not known. */
static int
behind(const struct pcitree *t, const struct pci_info *live, int b)
{
	size_t i, k;
	int n = 0;

	if (!t->bus[b].known)
		return -1;
	for (i = 0; i < live->n; i++)
		n += pcitree_bus_of(t, &live->fn[i]) == b &&
		    live->fn[i].func == 0;
	for (k = 1; k < t->nbus; k++)
		if (t->bus[k].parent == b) {
			int m = behind(t, live, (int)k);

			if (m < 0)
				return -1;
			n += m;
		}
	return n;
}

static int
places_behind(const struct pcitree *t, const struct pci_info *live,
    const struct store_rt *rt, int b)
{
	size_t k;
	int n = places_count_bus(live, t, rt, b);

	for (k = 1; k < t->nbus; k++)
		if (t->bus[k].parent == b)
			n += places_behind(t, live, rt, (int)k);
	return n;
}

/* A bridge's own cell: port when it is an empty root port, else bridge;
 * what is behind it in behind/places.  A multi-function slot of bridges
 * (q35's root ports on functions 0-7 of one slot) is one cell: its kind
 * and id are function 0's (bus k, the lowest function), behind and places
 * count every function's, and it is a port only when all of them are
 * empty root ports. */
static void
res_bridge(const struct pcitree *t, const struct pci_info *live,
    const struct store_rt *rt, int k, struct slot_res *v)
{
	const struct pcitree_bus *bus = &t->bus[k];
	int ports = 1;
	size_t j;

	v->bridge = bus->kind;
	v->behind = 0;
	v->places = 0;
	for (j = 1; j < t->nbus; j++) {
		const struct pcitree_bus *o = &t->bus[j];
		int m;

		if (o->parent != bus->parent || o->slot != bus->slot)
			continue;
		m = behind(t, live, (int)j);
		v->behind = v->behind < 0 || m < 0 ? -1 : v->behind + m;
		v->places += places_behind(t, live, rt, (int)j);
		ports &= o->kind == PCI_BR_ROOT_PORT;
	}
	if (bus->id[0] != '\0')
		v->id = bus->id;
	v->state = ports && v->behind == 0 && v->places > 0 ? SLOT_PORT :
	    SLOT_BRIDGE;
}

/* What bus b holds, slot by slot, from one walk of each list (rather
 * than one walk of each for every slot): its live functions in order
 * (pcitree_slot's), the bridge whose bus is behind each slot
 * (pcitree_bus_at's) and the runtime's device of each place
 * (store_find_place's). */
struct busmap {
	const struct pci_fn *fn[32][8];
	size_t nfn[32];
	int bridge[32];			/* 0: none */
	const struct store_dev *dev[32];
};

static void
map_bus(const struct pci_info *live, const struct pcitree *t, int b,
    const struct store_rt *rt, struct busmap *m)
{
	size_t i;

	memset(m->nfn, 0, sizeof m->nfn);
	memset(m->bridge, 0, sizeof m->bridge);
	memset(m->dev, 0, sizeof m->dev);
	for (i = 0; i < live->n; i++) {
		const struct pci_fn *f = &live->fn[i];
		int s = f->slot;

		if (s < 0 || s > 31 || pcitree_bus_of(t, f) != b)
			continue;
		if (m->nfn[s] < 8)
			m->fn[s][m->nfn[s]] = f;
		m->nfn[s]++;
	}
	for (i = 1; i < t->nbus; i++) {
		const struct pcitree_bus *k = &t->bus[i];
		int *at;

		if (k->parent != b || k->slot < 0 || k->slot > 31)
			continue;
		at = &m->bridge[k->slot];
		if (*at == 0 || k->func < t->bus[*at].func)
			*at = (int)i;
	}
	for (i = rt->ndev; i-- > 0; ) {	/* the first of a place wins */
		const struct store_dev *d = &rt->dev[i];

		if (d->slot >= 0 && d->slot <= 31 &&
		    strcmp(d->bus, t->bus[b].path) == 0)
			m->dev[d->slot] = d;
	}
}

uint32_t
state_reconcile_res(const struct pci_info *live, const struct pcitree *t,
    int b, const struct store_rt *rt, struct slot_res out[32])
{
	const char *path = t->bus[b].path;
	uint32_t done = 0, hot = pcitree_hot_mask(t, b), map = 0;
	struct busmap m;
	int s;

	/* the map is of the root bus's hotplug slots: a PCIe root complex
	 * (q35's pcie.0) has none, its root ports are the places, so the
	 * map (its default 0-3 is i440fx's built-in devices) reserves
	 * nothing there and is not shown */
	if (b == PCITREE_ROOT && !t->pcie)
		map = rt->reserved.bits;
	map_bus(live, t, b, rt, &m);
	for (s = 0; s < 32; s++) {
		struct slot_res *v = &out[s];
		size_t n = m.nfn[s];

		memset(v, 0, sizeof *v);
		v->reserved = (map >> s) & 1;
		if (s >= t->bus[b].nslots) {
			v->state = SLOT_CLOSED;
			continue;
		}
		if (m.bridge[s] > 0) {
			v->nfn = (int)n;
			res_bridge(t, live, rt, m.bridge[s], v);
			continue;
		}
		if (res_slot(m.fn[s], n, live, rt, path, m.dev[s], v))
			done |= (uint32_t)1 << s;
		if (v->state == SLOT_FREE && !((hot >> s) & 1))
			v->state = SLOT_CLOSED;
	}
	return done;
}

void
state_res_view(const struct slot_res *r, struct slot_view *v)
{
	memset(v, 0, sizeof *v);
	v->state = r->state;
	v->reserved = r->reserved;
	v->nfn = r->nfn;
	v->bridge = r->bridge;
	v->behind = r->behind;
	v->places = r->places;
	v->anonymous = r->anonymous;
	if (r->id != NULL)
		copy(v->id, sizeof v->id, r->id);
	if (r->owner != NULL)
		copy(v->owner, sizeof v->owner, r->owner);
	if (r->dev == NULL)
		return;
	copy(v->type, sizeof v->type, r->dev->type);
	copy(v->uuid, sizeof v->uuid, r->dev->uuid);
	store_backend_text(r->dev, v->backend, sizeof v->backend);
}

uint32_t
state_reconcile_bus(const struct pci_info *live, const struct pcitree *t,
    int b, const struct store_rt *rt, struct slot_view out[32])
{
	struct slot_res r[32];
	uint32_t done = state_reconcile_res(live, t, b, rt, r);
	int s;

	for (s = 0; s < 32; s++)
		state_res_view(&r[s], &out[s]);
	return done;
}

uint32_t
state_reconcile(const struct pci_info *live, const struct store_rt *rt,
    struct slot_view out[32])
{
	struct pcitree t;

	pcitree_build(live, &t);
	return state_reconcile_bus(live, &t, PCITREE_ROOT, rt, out);
}

void
state_unknown(const struct store_rt *rt, const struct pci_info *last,
    struct slot_view out[32])
{
	int pcie = last != NULL && pci_info_is_pcie(last), s;

	for (s = 0; s < 32; s++) {
		struct slot_view *v = &out[s];
		const struct store_dev *d = store_find_slot(rt, s);

		memset(v, 0, sizeof *v);
		v->state = SLOT_UNKNOWN;
		v->reserved = !pcie && slotmap_is_free(&rt->reserved, s) == 0;
		if (d == NULL)
			continue;
		copy(v->id, sizeof v->id, d->id);
		copy(v->type, sizeof v->type, d->type);
		copy(v->uuid, sizeof v->uuid, d->uuid);
	}
}

struct slotmap
state_taken(const struct pci_info *live, const struct store_rt *rt)
{
	struct slotmap m = rt->reserved;
	size_t i;

	m.bits |= pci_info_bus0_mask(live);
	for (i = 0; i < rt->ndev; i++)
		if (rt->dev[i].bus[0] == '\0' &&
		    slotmap_valid_slot(rt->dev[i].slot))
			m.bits |= (uint32_t)1 << rt->dev[i].slot;
	return m;
}

int
state_first_free(const struct pci_info *live, const struct store_rt *rt,
    struct err *e)
{
	struct slotmap m = state_taken(live, rt);

	return slotmap_first_free(&m, 0, e);
}

/* Why a slot has something on it, or 0 when nothing live and no runtime
 * device is there. */
static int
occupied(const struct pci_info *live, const struct store_rt *rt, int slot,
    const char *what, struct err *e)
{
	const struct pci_fn *fn[8];
	const struct store_dev *d;
	size_t n, k;

	n = pci_info_slot(live, slot, fn, 8);
	if (n > 8)
		n = 8;
	for (k = 0; k < n; k++)
		if (fn[k]->id[0] != '\0')
			return err_set(e, "slot %d has a live device (%s); %s",
			    slot, fn[k]->id, what);
	for (k = 0; k < n; k++)
		if (fn[k]->anon)
			return err_set(e, "slot %d has a device added without "
			    "an id; %s", slot, what);
	if (n > 0)
		return err_set(e, "slot %d has a built-in device; %s", slot,
		    what);
	/* the bus we know may be older than the file (a hotplug that
	 * landed since the last refresh): say what the file says, not
	 * "missing" */
	if ((d = store_find_slot(rt, slot)) != NULL)
		return err_set(e, "slot %d belongs to %s (recorded %s in the "
		    "runtime file); %s", slot, d->id,
		    store_dev_state_name(d->state), what);
	for (k = 0; k < rt->nintent; k++)
		if (rt->intent[k].dev.slot == slot)
			return err_set(e, "slot %d is taken by an unfinished "
			    "%s of %s; %s", slot, store_intent_op_name(
			    rt->intent[k].op), rt->intent[k].dev.id, what);
	return 0;
}

int
state_check_new_slot(const struct pci_info *live, const struct store_rt *rt,
    int slot, struct err *e)
{
	if (slotmap_check_slot(slot, e) < 0)
		return -1;
	if (slotmap_is_free(&rt->reserved, slot) == 0)
		return err_set(e, "slot %d is reserved; free it first or choose "
		    "another slot", slot);
	return occupied(live, rt, slot, "choose another slot", e);
}

int
state_check_reserve(const struct pci_info *live, const struct store_rt *rt,
    int slot, struct err *e)
{
	if (slotmap_check_slot(slot, e) < 0)
		return -1;
	if (pci_info_is_pcie(live))
		return err_set(e, "slot %d is on a PCIe root bus (q35's pcie.0), "
		    "which takes no hot-added device: there is nothing to "
		    "reserve; its root ports are the places", slot);
	if (slotmap_is_free(&rt->reserved, slot) == 0)
		return err_set(e, "slot %d is already reserved", slot);
	return occupied(live, rt, slot, "reserve refuses a slot in use", e);
}

int
state_check_free(const struct pci_info *live, const struct store_rt *rt,
    int slot, int force, struct err *e)
{
	const struct pci_fn *fn[1];

	if (slotmap_check_slot(slot, e) < 0)
		return -1;
	if (slotmap_is_free(&rt->reserved, slot) == 1)
		return err_set(e, "slot %d is not reserved", slot);
	if (!force && pci_info_slot(live, slot, fn, 1) > 0)
		return err_set(e, "slot %d has a live device (%s); add --force "
		    "to free it anyway", slot,
		    fn[0]->id[0] ? fn[0]->id : "built-in");
	return 0;
}
