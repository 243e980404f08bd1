/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd_mgr.c - respect for the manager of an instance: on a Ganeti or
 * Proxmox VM, hotplug, unplug, reserve and free refuse unless --force and
 * say the manager's own command instead (core/mgr, mgr_refusal); with
 * --force the change goes ahead, the audit line says whose bus it was,
 * a new device keeps off the manager's slots, and the manager's own
 * device is unplugged without being recorded (fleet/mgrunplug.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd_int.h"
#include "cmd/cmd_json.h"
#include "fleet/mgrunplug.h"
#include "mgr/mgr.h"
#include "model/devid.h"
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
	if (in->mgr->kind == MGR_NONE)
		return 0;
	if (force) {
		snprintf(note, notesz, " --force (managed by %s)",
		    mgr_kind_name(in->mgr->kind));
		return 0;
	}
	/* a managed VM whose record could not even be held (out of memory)
	 * refuses too: never fail open */
	if (in->mi == NULL)
		return cmd_fail(r, "%s: %s is managed by %s, whose record could "
		    "not be read (%s); give --force to change it anyway",
		    ce->name, in->name, mgr_kind_name(in->mgr->kind),
		    in->mgr_error[0] ? in->mgr_error : "no memory");
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

/* The live id of the manager's device that w names (an id, or a root-bus
 * slot number), its type in *d and its bus path in bus; NULL. */
static const char *
managed_live(const struct instance *in, const char *w,
    const struct mgr_dev **d, char *bus, size_t sz)
{
	const struct pci_fn *fn = NULL;
	struct pcitree t;
	size_t k;
	int b;

	*d = NULL;
	if (w[0] != '\0' && strspn(w, "0123456789") == strlen(w)) {
		for (k = 0; k < in->live.n && *d == NULL; k++)
			if (in->live.fn[k].bus == 0 && in->live.fn[k].id[0] &&
			    in->live.fn[k].slot == atoi(w) &&
			    (*d = mgr_find_id(in->mi, in->live.fn[k].id)) != NULL)
				fn = &in->live.fn[k];
	} else if ((*d = mgr_find_id(in->mi, w)) != NULL)
		fn = pci_info_find_any(&in->live, w);
	if (fn == NULL || *d == NULL)
		return NULL;
	pcitree_build(&in->live, &t);
	b = pcitree_bus_of(&t, fn);
	snprintf(bus, sz, "%s", b > 0 ? t.bus[b].path : "");
	return fn->id;
}

int
cmd_mgr_unplug(struct cmd_ctx *c, const struct cmd_entry *ce,
    const struct cmd_args *a, size_t i, const char *what,
    struct cmd_result *r)
{
	const struct instance *in = &c->fleet->inst[i];
	const char *title = mgr_kind_title(in->mgr->kind), *id;
	const struct mgr_dev *md;
	struct hotplug_target t;
	struct mgr_unplug u;
	struct strbuf b = STRBUF_INIT;
	struct err e;
	char bus[DEVID_BUS_MAX], res[640];
	json_t *j;
	int rc;

	if (in->mi == NULL || (id = managed_live(in, a->w[2], &md, bus,
	    sizeof bus)) == NULL)
		return 0;
	cmd_target(c, i, &t);
	rc = unplug_managed(&t, id, md->type, bus, c->unplug_wait_ms > 0 ?
	    c->unplug_wait_ms : 0, &u, &e);
	if (rc < 0) {
		cmd_audit(c, a->w[1], what, e.msg, NULL);
		return cmd_fail(r, "%s: %s", ce->name, e.msg);
	}
	cmd_refresh_now(c, i);
	if (rc == HOTPLUG_REFUSED) {
		snprintf(res, sizeof res, "refused by the guest %s", u.d.id);
		cmd_audit(c, a->w[1], what, res, NULL);
		return cmd_fail(r, "%s: %s: %s", ce->name, u.d.id, u.why.text);
	}
	if (rc == HOTPLUG_DELETED)
		strbuf_printf(&b, "%s: %s (%s's) unplugged; %s still records "
		    "it, so it shows missing until %s drops it (slotscope "
		    "records nothing of %s's)%s%s", a->w[1], u.d.id, title,
		    title, title, title, u.note[0] ? "; " : "", u.note);
	else
		strbuf_printf(&b, "%s: unplug of %s (%s's) requested; the "
		    "guest has not confirmed it yet: %s; its backend stays in "
		    "QEMU (slotscope records nothing of %s's)", a->w[1],
		    u.d.id, title, u.why.text, title);
	snprintf(res, sizeof res, "ok %s %s, managed by %s, not recorded%s%s",
	    u.d.id, rc == HOTPLUG_DELETED ? "deleted" : "pending",
	    mgr_kind_name(in->mgr->kind), u.note[0] ? "; " : "", u.note);
	cmd_audit(c, a->w[1], what, res, &b);
	j = cmd_json_device(a->w[1], &u.d, rc == HOTPLUG_DELETED ? "deleted" :
	    "unplugging", NULL);
	if (j != NULL) {
		json_object_set_new(j, "confirmed",
		    json_boolean(rc == HOTPLUG_DELETED));
		json_object_set_new(j, "owner",
		    json_string(mgr_kind_name(in->mgr->kind)));
		if (rc != HOTPLUG_DELETED)
			json_object_set_new(j, "why", json_string(u.why.text));
	}
	return cmd_succeed(r, &b, j) < 0 ? -1 : 1;
}

json_t *
cmd_mgr_json(const struct instance *in)
{
	const struct mgr_info *mi = in ? in->mi : NULL;

	return json_pack("{s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:o?, s:s?}",
	    "kind", mgr_kind_name(in ? in->mgr->kind : MGR_NONE),
	    "vmid", in && in->mgr->vmid[0] ? in->mgr->vmid : NULL,
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
	json_object_set_new(o, "base_state",
	    json_string(slot_state_name(v->state)));
}

void
cmd_mgr_show_line(struct strbuf *b, const struct instance *in)
{
	const struct mgr_info *mi = in->mi;

	if (in->mgr->kind == MGR_NONE)
		return;
	strbuf_printf(b, "\nmanaged by %s", mgr_kind_name(in->mgr->kind));
	if (in->mgr->vmid[0])
		strbuf_printf(b, " (VMID %s)", in->mgr->vmid);
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
