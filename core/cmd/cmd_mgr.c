/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd_mgr.c - respect for the manager of an instance: on a Ganeti or
 * Proxmox VM, hotplug, unplug, reserve and free refuse unless --force and
 * say the manager's own command instead (core/mgr, mgr_refusal); with
 * --force the change goes ahead, the audit line says whose bus it was,
 * and a new device keeps off the manager's slots. */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd_int.h"
#include "mgr/mgr.h"
#include "model/places.h"

int
cmd_respect(struct cmd_ctx *c, const struct cmd_entry *ce, size_t i,
    enum mgr_action act, const char *arg, const char *const *kv, size_t nkv,
    int force, char *note, size_t notesz, struct cmd_result *r)
{
	const struct instance *in = &c->fleet->inst[i];
	char msg[900];

	if (notesz > 0)
		note[0] = '\0';
	if (in->mgr.kind == MGR_NONE || in->mi == NULL)
		return 0;
	if (force) {
		snprintf(note, notesz, " --force (managed by %s)",
		    mgr_kind_name(in->mgr.kind));
		return 0;
	}
	mgr_refusal(in->mi, in->name, act, arg, kv, nkv, msg, sizeof msg);
	return cmd_fail(r, "%s: %s", ce->name, msg);
}

int
cmd_mgr_place(struct cmd_ctx *c, size_t i, struct store_rt *rt,
    struct pcitree *t, struct place *p, struct err *e)
{
	const struct instance *in = &c->fleet->inst[i];

	/* the manager's places, on every bus, are none of ours */
	fleet_mgr_tree(in, &in->live, t);
	return places_first(&in->live, t, rt, -1, p, e);
}

json_t *
cmd_mgr_json(const struct instance *in)
{
	const struct mgr_info *mi = in ? in->mi : NULL;

	return json_pack("{s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:o?, s:s?}",
	    "kind", mgr_kind_name(in ? in->mgr.kind : MGR_NONE),
	    "vmid", in && in->mgr.vmid[0] ? in->mgr.vmid : NULL,
	    "name", mi && mi->name[0] ? mi->name : NULL,
	    "format", mi && mi->format[0] ? mi->format : NULL,
	    "machine", mi && mi->machine[0] ? mi->machine : NULL,
	    "command", mi ? mi->cmdline : NULL,
	    "pci_reservations", mi && mi->npci_reservations >= 0 ?
	    json_integer(mi->npci_reservations) : NULL,
	    "error", in && in->mgr_error[0] ? in->mgr_error : NULL);
}

static void
set_str(json_t *o, const char *key, const char *v)
{
	json_object_set_new(o, key, v[0] ? json_string(v) : json_null());
}

void
cmd_mgr_slot_json(json_t *o, const struct slot_view *v)
{
	if (o == NULL)
		return;
	set_str(o, "owner", v->owner);
	set_str(o, "uuid", v->uuid);
	set_str(o, "manager_name", v->mname);
	set_str(o, "mac", v->mac);
	set_str(o, "link", v->where);
	set_str(o, "conflict", v->conflict);
}

void
cmd_mgr_show_line(struct strbuf *b, const struct instance *in)
{
	const struct mgr_info *mi = in->mi;

	if (in->mgr.kind == MGR_NONE)
		return;
	strbuf_printf(b, "\nmanaged by %s", mgr_kind_name(in->mgr.kind));
	if (in->mgr.vmid[0])
		strbuf_printf(b, " (VMID %s)", in->mgr.vmid);
	if (mi != NULL && mi->format[0])
		strbuf_printf(b, ", %s", mi->format);
	if (mi != NULL && mi->machine[0])
		strbuf_printf(b, ", machine %s", mi->machine);
	if (mi != NULL && mi->npci_reservations >= 0)
		strbuf_printf(b, ", kvm_pci_reservations %d",
		    mi->npci_reservations);
	if (in->mgr_error[0])
		strbuf_printf(b, " (%s)", in->mgr_error);
}

void
cmd_mgr_show_slot(struct strbuf *b, const struct slot_view *v)
{
	int mgr = v->owner[0] && strcmp(v->owner, "slotscope") != 0;

	if (v->owner[0])
		strbuf_printf(b, "  [%s%s%s]", v->owner,
		    mgr && v->mname[0] ? ": " : "", mgr ? v->mname : "");
	if (v->conflict[0])
		strbuf_printf(b, "  CONFLICT: %s", v->conflict);
}
