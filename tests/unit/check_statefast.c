/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_statefast.c - the end of a refresh's fast path against the slow
 * one it replaced: state_reconcile_bus (now state_reconcile_res and
 * state_res_view) against a copy of the slot-by-slot reconcile it had
 * before (32 lookups of each list, ref_reconcile_bus below), and the
 * packs fleet_mgr_pack makes without views against slotpack_set of the
 * views -- over every recorded query-pci and info pci of tests/fixtures,
 * every bus of their trees, and runtime files that hold what a refresh
 * meets: devices live where recorded, live elsewhere, missing, an unplug
 * pending or confirmed (its slot empty, or taken by another device), two
 * records of one place, a device on a bus the machine does not have, and
 * no, the default or every reservation. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet/fleet.h"
#include "mgr/mgr.h"
#include "model/pcitree.h"
#include "model/places.h"
#include "model/slotpack.h"
#include "model/state.h"
#include "slotfix.h"
#include "testutil.h"

/* ---- the reference: the reconcile as it was, one slot at a time ---- */

static int
ref_hotpluggable(const struct pcitree *t, int b, int slot)
{
	const struct pcitree_bus *bus;

	if (b < 0 || (size_t)b >= t->nbus || slot < 0 || slot > 31)
		return 0;
	bus = &t->bus[b];
	if (b == PCITREE_ROOT)
		return !t->pcie;
	if (!bus->known || bus->id[0] == '\0')
		return 0;
	switch (bus->kind) {
	case PCI_BR_ROOT_PORT:
		return slot == 0;
	case PCI_BR_PCI:
	case PCI_BR_PCIE_PCI:
		return slot >= 1;
	default:
		return 0;
	}
}

static void
copy(char *dst, size_t sz, const char *src)
{
	snprintf(dst, sz, "%s", src);
}

static const struct pci_fn *
live_id(const struct pci_info *live, const char *path, const char *id)
{
	return path[0] == '\0' ? pci_info_find_id(live, id) :
	    pci_info_find_any(live, id);
}

static int
ref_slot(const struct pci_fn *const *fn, size_t n,
    const struct pci_info *live, const struct store_rt *rt,
    const char *path, int s, struct slot_view *v)
{
	const struct store_dev *d = NULL;
	const char *liveid = NULL;
	int done = 0;
	size_t k;

	v->nfn = (int)n;
	if (n > 8)
		n = 8;
	if (n > 0) {
		d = store_find_place(rt, path, s);
		if (d != NULL && d->state == STORE_DEV_UNPLUGGING &&
		    live_id(live, path, d->id) == NULL)
			done = 1;
		d = NULL;
		for (k = 0; k < n; k++) {
			if (fn[k]->id[0] == '\0')
				continue;
			if (liveid == NULL)
				liveid = fn[k]->id;
			if ((d = store_find_id(rt, fn[k]->id)) != NULL) {
				liveid = fn[k]->id;
				break;
			}
		}
		if (liveid == NULL) {
			for (k = 0; k < n; k++)
				v->anonymous |= fn[k]->anon != 0;
			v->state = v->anonymous ? SLOT_FOREIGN : SLOT_BUILTIN;
			return done;
		}
		copy(v->id, sizeof v->id, liveid);
		if (d == NULL) {
			v->state = SLOT_FOREIGN;
			return done;
		}
		v->state = d->state == STORE_DEV_UNPLUGGING ?
		    SLOT_UNPLUGGING : SLOT_USED;
		copy(v->type, sizeof v->type, d->type);
		copy(v->uuid, sizeof v->uuid, d->uuid);
		store_backend_text(d, v->backend, sizeof v->backend);
		return done;
	}
	d = store_find_place(rt, path, s);
	if (d != NULL && d->state == STORE_DEV_PLUGGED) {
		v->state = SLOT_MISSING;
		copy(v->id, sizeof v->id, d->id);
		copy(v->type, sizeof v->type, d->type);
		copy(v->uuid, sizeof v->uuid, d->uuid);
		store_backend_text(d, v->backend, sizeof v->backend);
		return 0;
	}
	if (d != NULL && live_id(live, path, d->id) == NULL)
		done = 1;
	v->state = v->reserved ? SLOT_RESERVED : SLOT_FREE;
	return done;
}

static int
ref_behind(const struct pcitree *t, const struct pci_info *live, int b)
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
			int m = ref_behind(t, live, (int)k);

			if (m < 0)
				return -1;
			n += m;
		}
	return n;
}

static int
ref_places_behind(const struct pcitree *t, const struct pci_info *live,
    const struct store_rt *rt, int b)
{
	size_t k;
	int n = 0, s;

	/* places_count_bus as it was: places_is_free slot by slot */
	for (s = 0; s < 32; s++)
		n += places_is_free(live, t, rt, b, s);
	for (k = 1; k < t->nbus; k++)
		if (t->bus[k].parent == b)
			n += ref_places_behind(t, live, rt, (int)k);
	return n;
}

static void
ref_bridge(const struct pcitree *t, const struct pci_info *live,
    const struct store_rt *rt, int k, struct slot_view *v)
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
		m = ref_behind(t, live, (int)j);
		v->behind = v->behind < 0 || m < 0 ? -1 : v->behind + m;
		v->places += ref_places_behind(t, live, rt, (int)j);
		ports &= o->kind == PCI_BR_ROOT_PORT;
	}
	if (bus->id[0] != '\0')
		copy(v->id, sizeof v->id, bus->id);
	v->state = ports && v->behind == 0 && v->places > 0 ? SLOT_PORT :
	    SLOT_BRIDGE;
}

static uint32_t
ref_reconcile_bus(const struct pci_info *live, const struct pcitree *t,
    int b, const struct store_rt *rt, struct slot_view out[32])
{
	const char *path = t->bus[b].path;
	uint32_t done = 0;
	int s;

	for (s = 0; s < 32; s++) {
		struct slot_view *v = &out[s];
		const struct pci_fn *fn[8];
		size_t n;
		int k;

		memset(v, 0, sizeof *v);
		if (b == PCITREE_ROOT && !t->pcie)
			v->reserved = slotmap_is_free(&rt->reserved, s) == 0;
		if (s >= t->bus[b].nslots) {
			v->state = SLOT_CLOSED;
			continue;
		}
		n = pcitree_slot(t, live, b, s, fn, 8);
		if ((k = pcitree_bus_at(t, b, s)) > 0) {
			v->nfn = (int)n;
			ref_bridge(t, live, rt, k, v);
			continue;
		}
		if (ref_slot(fn, n, live, rt, path, s, v))
			done |= (uint32_t)1 << s;
		if (v->state == SLOT_FREE && !ref_hotpluggable(t, b, s))
			v->state = SLOT_CLOSED;
	}
	return done;
}

/* ---- the fixtures and the runtime files ---- */

static const char *const fx[] = {
	"qmp/query-pci-default.json",
	"qmp/query-pci-after-add.json",
	"qmp/query-pci-after-del.json",
	"qmp/query-pci-bridge.json",
	"qmp/query-pci-e1000.json",
	"qmp/query-pci-nodefaults.json",
	"qmp/query-pci-pc-bridge-paused.json",
	"qmp/query-pci-pc-bridge5.json",
	"qmp/query-pci-q35-ports-paused.json",
	"qmp/query-pci-q35-ports.json",
	"qmp/query-pci-q35.json",
	"qmp/query-pci-running-bios.json",
	"hmp/info-pci-q35-ports.raw",
	"hmp/info-pci-q35-ports-paused.raw",
	"hmp/info-pci-pc-bridge5.raw",
};
#define NFX (sizeof fx / sizeof *fx)

/* A runtime device put straight into rt (no checks: the reconcile must
 * take whatever a file held). */
static void
put(struct store_rt *rt, const char *id, const char *bus, int slot,
    enum store_dev_state st)
{
	struct store_dev *d;

	rt->dev = realloc(rt->dev, (rt->ndev + 1) * sizeof *rt->dev);
	ck_assert_ptr_nonnull(rt->dev);
	d = &rt->dev[rt->ndev++];
	memset(d, 0, sizeof *d);
	snprintf(d->id, sizeof d->id, "%s", id);
	snprintf(d->type, sizeof d->type, "%s", strncmp(id, "disk", 4) ?
	    "nic" : "disk");
	snprintf(d->uuid, sizeof d->uuid, "6f1a2b3c-0000-4000-8000-%012d",
	    slot);
	snprintf(d->bus, sizeof d->bus, "%s", bus);
	d->slot = slot;
	d->state = st;
	if (d->type[0] == 'n') {
		d->backend.kind = STORE_BK_USER;
		snprintf(d->mac, sizeof d->mac, "52:54:00:12:34:%02x", slot);
		snprintf(d->backend.netdev, sizeof d->backend.netdev,
		    "hostnet-%d", slot);
	} else {
		d->backend.kind = STORE_BK_FILE;
		snprintf(d->backend.path, sizeof d->backend.path,
		    "/srv/img/d%d.qcow2", slot);
		snprintf(d->backend.format, sizeof d->backend.format,
		    "qcow2");
	}
}

/* Runtime variant k (0..4) for bus b of t, the tree of fixture rel;
 * what[160] gets the case's name for messages. */
static void
runtime(int k, const char *rel, const struct pci_info *pi,
    const struct pcitree *t, int b, struct store_rt *rt, char *what)
{
	const char *path = t->bus[b].path;
	int nid = 0, empty = 0, s;
	size_t i;
	char id[64];
	struct err e;

	snprintf(what, 160, "%s bus %d rt %d", rel, b, k);
	store_rt_init(rt, "fx");
	if (k == 0)
		return;		/* fresh: the default reservation */
	ck_assert_int_eq(slotmap_init_first(&rt->reserved, k == 4 ? 32 :
	    k == 3 ? 12 : 0, &e), 0);
	/* live ids on b: the first recorded plugged, the second
	 * unplugging (pending), the third recorded one slot away */
	for (i = 0; i < pi->n; i++) {
		const struct pci_fn *f = &pi->fn[i];

		if (f->id[0] == '\0' || pcitree_bus_of(t, f) != b)
			continue;
		if (nid == 0)
			put(rt, f->id, path, f->slot, STORE_DEV_PLUGGED);
		else if (nid == 1)
			put(rt, f->id, path, f->slot, STORE_DEV_UNPLUGGING);
		else if (nid == 2)
			put(rt, f->id, path, (f->slot + 1) % 32,
			    STORE_DEV_PLUGGED);
		nid++;
	}
	/* empty places: missing, an unplug confirmed, two records of one
	 * place; an id-less (built-in) slot with a pending unplug of a
	 * device gone */
	for (s = 0; s < t->bus[b].nslots; s++) {
		const struct pci_fn *fn[1];

		if (pcitree_slot(t, pi, b, s, fn, 1) > 0) {
			if (fn[0]->id[0] == '\0' && k == 2) {
				snprintf(id, sizeof id, "disk-dddddddd-pci-%d",
				    s);
				put(rt, id, path, s, STORE_DEV_UNPLUGGING);
			}
			continue;
		}
		snprintf(id, sizeof id, "nic-%08x-pci-%d", 0xa0 + empty, s);
		if (empty == 0)
			put(rt, id, path, s, STORE_DEV_PLUGGED);
		else if (empty == 1)
			put(rt, id, path, s, STORE_DEV_UNPLUGGING);
		else if (empty == 2) {
			put(rt, id, path, s, k == 1 ? STORE_DEV_UNPLUGGING :
			    STORE_DEV_PLUGGED);
			snprintf(id, sizeof id, "disk-bbbbbbbb-pci-%d", s);
			put(rt, id, path, s, STORE_DEV_PLUGGED);
		}
		empty++;
	}
	/* a bus the machine does not have, and the root bus's slot 9 */
	put(rt, "nic-99999999-pci-29-9", "29", 9, STORE_DEV_PLUGGED);
	if (b != PCITREE_ROOT)
		put(rt, "nic-88888888-pci-9", "", 9, STORE_DEV_PLUGGED);
}

#define NRT 5

/* The reconcile gives what it gave, view for view, mask for mask; the
 * hotplug mask is the old per-slot rule. */
START_TEST(reconcile_as_before)
{
	size_t k, b;
	int r, s, checked = 0;

	for (k = 0; k < NFX; k++) {
		struct pci_info pi;
		struct pcitree t;

		tu_fixture_bus(fx[k], &pi);
		pcitree_build(&pi, &t);
		for (b = 0; b < t.nbus; b++) {
			uint32_t hot = pcitree_hot_mask(&t, (int)b);

			for (s = 0; s < 32; s++)
				ck_assert_int_eq((hot >> s) & 1,
				    ref_hotpluggable(&t, (int)b, s));
			for (r = 0; r < NRT; r++) {
				struct slot_view want[32], got[32];
				struct store_rt rt;
				char what[160];
				uint32_t dw, dg;

				runtime(r, fx[k], &pi, &t, (int)b, &rt, what);
				memset(got, 0x5a, sizeof got);
				dw = ref_reconcile_bus(&pi, &t, (int)b, &rt,
				    want);
				dg = state_reconcile_bus(&pi, &t, (int)b, &rt,
				    got);
				ck_assert_msg(dg == dw, "%s: confirmed %#x, was "
				    "%#x", what, dg, dw);
				for (s = 0; s < 32; s++)
					tu_same_views(&got[s], &want[s], what, s);
				checked++;
				store_rt_free(&rt);
			}
		}
		pci_info_free(&pi);
	}
	/* every fixture, every bus of the bridged ones */
	ck_assert_int_gt(checked, (int)NFX * NRT * 2);
}
END_TEST

/* Packed without views (no manager) is packed from the views with
 * mgr_apply_bus's owners, field for field and hash for hash; with a
 * runtime that holds devices some slots have strings. */
START_TEST(pack_as_views)
{
	size_t k, b;
	int r, strings = 0;

	for (k = 0; k < NFX; k++) {
		struct pci_info pi;
		struct pcitree t;

		tu_fixture_bus(fx[k], &pi);
		fleet_mgr_tree(NULL, &pi, &t);
		for (b = 0; b < t.nbus; b++)
			for (r = 0; r < NRT; r++) {
				struct slot_view v[32];
				struct slotpack want, got;
				struct store_rt rt;
				char what[160];
				uint32_t dw, dg;

				runtime(r, fx[k], &pi, &t, (int)b, &rt, what);
				slotpack_init(&want);
				slotpack_init(&got);
				dw = state_reconcile_bus(&pi, &t, (int)b, &rt,
				    v);
				mgr_apply_bus(NULL, &pi, &t, (int)b, v);
				ck_assert_int_eq(slotpack_set(&want, v), 0);
				/* over a pack that held something else */
				ck_assert_int_eq(slotpack_set(&got, v), 0);
				dg = fleet_mgr_pack(NULL, &pi, &t, (int)b,
				    &rt, &got);
				ck_assert_uint_eq(dg, dw);
				tu_same_packs(&got, &want, what);
				strings += want.str != NULL;
				slotpack_free(&want);
				slotpack_free(&got);
				store_rt_free(&rt);
			}
		pci_info_free(&pi);
	}
	ck_assert_int_gt(strings, (int)NFX);
}
END_TEST

/* slotpack_set_res of slots built by hand: every field reaches the
 * pack as state_res_view would put it in a view, cut where a view's
 * field ends. */
START_TEST(res_fields)
{
	struct slot_res r[32];
	struct slot_view v[32];
	struct slotpack want, got;
	struct store_rt rt;
	char longid[300];
	int s;

	store_rt_init(&rt, "x");
	put(&rt, "nic-12345678-pci-7", "", 7, STORE_DEV_UNPLUGGING);
	put(&rt, "disk-12345678-pci-8", "", 8, STORE_DEV_PLUGGED);
	memset(longid, 'i', sizeof longid - 1);
	longid[sizeof longid - 1] = '\0';
	memset(r, 0, sizeof r);
	for (s = 0; s < 32; s++) {
		r[s].state = (enum slot_state)(s % SLOT_NSTATES);
		r[s].reserved = s % 3 == 0;
		r[s].nfn = s % 9;
		r[s].anonymous = s % 5 == 0;
		r[s].behind = s % 4 - 1;
		r[s].places = s % 7;
		r[s].bridge = (enum pci_bridge_kind)(s % 3);
	}
	r[2].id = "only-an-id";
	r[7].id = rt.dev[0].id;
	r[7].dev = &rt.dev[0];
	r[7].owner = "slotscope";
	r[8].dev = &rt.dev[1];		/* a device, no id */
	r[9].owner = "ganeti-and-more-than-fits";
	r[10].id = longid;
	r[11].id = "";			/* as NULL */
	for (s = 0; s < 32; s++)
		state_res_view(&r[s], &v[s]);
	ck_assert_uint_eq(strlen(v[10].id), sizeof v[10].id - 1);
	ck_assert_str_eq(v[9].owner, "ganeti-and-");
	ck_assert_str_eq(v[7].type, "nic");
	ck_assert_str_ne(v[8].backend, "");
	slotpack_init(&want);
	slotpack_init(&got);
	ck_assert_int_eq(slotpack_set(&want, v), 0);
	ck_assert_int_eq(slotpack_set_res(&got, r), 0);
	tu_same_packs(&got, &want, "by hand");
	ck_assert_int_eq(got.b[11].str, 0);	/* "" takes no room */
	ck_assert_int_ne(got.b[8].str, 0);
	slotpack_free(&want);
	slotpack_free(&got);
	store_rt_free(&rt);
}
END_TEST

Suite *
statefast_suite(void)
{
	Suite *s = suite_create("statefast");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, reconcile_as_before);
	tcase_add_test(tc, pack_as_views);
	tcase_add_test(tc, res_fields);
	suite_add_tcase(s, tc);
	return s;
}
