/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fleetmgr.c - an instance's manager in the fleet: its file is read
 * again at every view (a refresh, show, list), so what Ganeti or Proxmox
 * changed is seen at once; a file that cannot be read leaves the manager
 * known (its changes are still refused) with no devices, and the reason in
 * mgr_error.  See fleet.h. */
#include "fleet/fleet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgr/mgr.h"
#include "model/pcitree.h"
#include "fleet/fleetpriv.h"

const struct mgr_ref fleet_mgr_none = { .kind = MGR_NONE };

void
fleet_mgr_free(struct instance *in)
{
	if (in->mi != NULL)
		mgr_info_free(in->mi);
	free(in->mi);
	in->mi = NULL;
}

/* Read the manager's file into in->mi. */
static void
reload(struct instance *in)
{
	struct err e;

	if (in->mgr->kind == MGR_NONE) {
		fleet_mgr_free(in);
		return;
	}
	if (in->mi == NULL && (in->mi = calloc(1, sizeof *in->mi)) == NULL) {
		fleet_set_msg(&in->mgr_error, "out of memory");
		return;
	}
	mgr_info_free(in->mi);
	fleet_set_msg(&in->mgr_error, NULL);
	if (mgr_load(in->mgr, in->mi, &e) < 0) {
		mgr_info_free(in->mi);
		mgr_info_init(in->mi, in->mgr->kind);
		snprintf(in->mi->vmid, sizeof in->mi->vmid, "%s",
		    in->mgr->vmid);
		fleet_set_msg(&in->mgr_error, e.msg);
	}
}

void
fleet_set_manager(struct fleet *f, size_t i, const struct mgr_ref *ref)
{
	struct slot_view v[32];
	struct instance *in;

	if (i >= f->n)
		return;
	in = &f->inst[i];
	if (in->mgr == &fleet_mgr_none) {
		struct mgr_ref *r = malloc(sizeof *r);

		if (r == NULL)
			return;		/* stays unmanaged */
		in->mgr = r;
	}
	*(struct mgr_ref *)in->mgr = *ref;
	fleet_seen_unview(in);	/* its view is rewritten here */
	reload(in);
	slotpack_all(&in->slots, v);
	mgr_apply(in->mi, &in->live, v);
	slotpack_set(&in->slots, v);
	f->gen++;
}

void
fleet_mgr_tree(const struct instance *in, const struct pci_info *live,
    struct pcitree *t)
{
	pcitree_build(live, t);
	mgr_hold(in != NULL ? in->mi : NULL, t);
}

void
fleet_mgr_bus(const struct instance *in, const struct pci_info *live,
    const struct pcitree *t, int b, const struct store_rt *rt,
    struct slot_view out[32])
{
	state_reconcile_bus(live, t, b, rt, out);
	mgr_apply_bus(in != NULL ? in->mi : NULL, live, t, b, out);
}

/* fleet_mgr_root on t, which it fills. */
static uint32_t
root_on(const struct instance *in, const struct pci_info *live,
    const struct store_rt *rt, struct pcitree *t, struct slot_view out[32])
{
	uint32_t done;

	fleet_mgr_tree(in, live, t);
	done = state_reconcile_bus(live, t, PCITREE_ROOT, rt, out);
	mgr_apply_bus(in != NULL ? in->mi : NULL, live, t, PCITREE_ROOT,
	    out);
	return done;
}

uint32_t
fleet_mgr_pack(const struct instance *in, const struct pci_info *live,
    const struct pcitree *t, int b, const struct store_rt *rt,
    struct slotpack *out)
{
	const struct mgr_info *mi = in != NULL ? in->mi : NULL;
	struct slot_res r[32];
	uint32_t done;
	int s;

	if (mi != NULL && mi->kind != MGR_NONE) {
		/* a manager's overlay works on views */
		struct slot_view v[32];

		done = state_reconcile_bus(live, t, b, rt, v);
		mgr_apply_bus(mi, live, t, b, v);
		slotpack_set(out, v);
		return done;
	}
	/* no manager: of its overlay only the owner of slotscope's own
	 * devices (mgr_apply_bus's last rule), and no wide view at all */
	done = state_reconcile_res(live, t, b, rt, r);
	for (s = 0; s < 32; s++)
		if (r[s].dev != NULL)	/* (the states that have an owner) */
			r[s].owner = mgr_default_owner(r[s].state);
	slotpack_set_res(out, r);
	return done;
}

uint32_t
fleet_mgr_root(const struct instance *in, const struct pci_info *live,
    const struct store_rt *rt, struct slot_view out[32])
{
	struct pcitree t;

	return root_on(in, live, rt, &t, out);
}

uint32_t
fleet_mgr_view(struct fleet *f, size_t i, const struct pci_info *live,
    const struct store_rt *rt, struct pcitree *t, struct slotpack *out)
{
	if (i >= f->n) {
		/* no instance: the bus alone, not even slotscope's owner */
		struct slot_res r[32];
		uint32_t done;

		fleet_mgr_tree(NULL, live, t);
		done = state_reconcile_res(live, t, PCITREE_ROOT, rt, r);
		slotpack_set_res(out, r);
		return done;
	}
	reload(&f->inst[i]);
	fleet_mgr_tree(&f->inst[i], live, t);
	return fleet_mgr_pack(&f->inst[i], live, t, PCITREE_ROOT, rt, out);
}
