/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd_devices.c - the commands that change a guest's bus or its record:
 * hotplug (a NIC or a disk, backend first, confirmed on the bus, then
 * recorded), unplug (device_del, waiting for the guest as long as the
 * context says), adopt (record a live device slotscope did not place) and
 * forget (drop a record whose device is gone).
 * The lifecycle itself is fleet/hotplug's; here are the arguments, the
 * audit lines and the results. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd_int.h"
#include "cmd/cmd_json.h"
#include "fleet/adopt.h"
#include "fleet/hotplug.h"
#include "fleet/unplug.h"
#include "mgr/mgr.h"
#include "model/pcitree.h"
#include "model/places.h"
#include "model/devid.h"
#include "store/store.h"

/* "hotplug nic mac=..." for the audit log: the command and its words
 * after the instance (which the log has as instance=) */
static void
join(const struct cmd_args *a, char *out, size_t sz)
{
	size_t k, n;

	n = (size_t)snprintf(out, sz, "%s", a->w[0]);
	for (k = 2; k < a->n && n < sz; k++)
		n += (size_t)snprintf(out + n, sz - n, " %s", a->w[k]);
}


/* A forced hotplug on a managed bus: unless slot= or bus= was given, the
 * first place that is neither taken nor the manager's. */
static int
managed_slot(struct cmd_ctx *c, size_t i, struct hotplug_req *req,
    struct err *e)
{
	struct store_rt rt;
	struct pcitree t;
	struct place p;
	char w[160];
	int rc;

	if (req->slot >= 0 || req->bus[0] != '\0')
		return 0;
	if (fleet_load_rt(c->fleet, i, &rt, e) < 0) {
		store_rt_free(&rt);
		return -1;
	}
	rc = cmd_mgr_place(c, i, &rt, &t, &p, e);
	store_rt_free(&rt);
	if (rc < 0)
		return -1;
	if (p.bus != PCITREE_ROOT) {
		snprintf(w, sizeof w, "bus=%s", pcitree_bus_name(&t, p.bus));
		if (hotplug_req_set(req, w, e) < 0)
			return -1;
	}
	snprintf(w, sizeof w, "slot=%d", p.slot);
	return hotplug_req_set(req, w, e);
}

/* What a hotplug needs seen before it: a refresh under way waited for
 * (it holds the monitor), and a first read of an instance never read
 * when that read would settle something (a manager's records: the slot
 * it picks; a device being unplugged or an intent in the runtime file:
 * recorded from what the read reports).  Otherwise the flow reads the
 * bus itself under the lock, and the refresh after it shows the result:
 * one monitor session instead of two. */
static void
seen_for_hotplug(struct cmd_ctx *c, size_t i)
{
	const struct instance *in = &c->fleet->inst[i];
	struct store_rt rt;
	struct err e;
	size_t k;
	int settle;

	if (in->refreshing || in->last_refresh != 0 ||
	    in->mgr->kind != MGR_NONE) {
		cmd_ensure_seen(c, i);
		return;
	}
	settle = fleet_load_rt(c->fleet, i, &rt, &e) < 0 || rt.nintent > 0;
	for (k = 0; !settle && k < rt.ndev; k++)
		settle = rt.dev[k].state != STORE_DEV_PLUGGED;
	store_rt_free(&rt);
	if (settle)
		cmd_ensure_seen(c, i);
}

/* The instance whose refresh reads over a hotplug's session. */
struct handed {
	struct fleet *f;
	size_t i;
};

static void
handed_anon(void *arg, const char *text)
{
	struct handed *h = arg;

	(void)fleet_session_anon(h->f, h->i, text);	/* or it asks */
}

int
cmd_hotplug_exec(struct cmd_ctx *c, const struct cmd_entry *ce,
    const struct cmd_args *a, struct cmd_result *r)
{
	struct hotplug_req req;
	struct hotplug_target t;
	struct store_dev d;
	struct handed h;
	enum hotplug_type type;
	struct strbuf b = STRBUF_INIT;
	struct err e;
	char what[1024], note[64];
	size_t k;
	long i;

	if ((i = cmd_inst(c, ce, a->w[1], r)) < 0)
		return -1;
	if (c->fleet->inst[i].back == FLEET_BACK_LIBVIRT)
		return cmd_virt_hotplug(c, ce, a, r, (size_t)i);
	if (cmd_opt(ce, a, "--persist"))
		return cmd_fail(r, "hotplug: --persist is for libvirt domains "
		    "(a QEMU monitor keeps no persistent config)");
	if (hotplug_parse_type(a->w[2], &type, &e) < 0)
		return cmd_fail(r, "hotplug: %s", e.msg);
	hotplug_req_init(&req, type);
	for (k = 3; k < a->n; k++)
		if (hotplug_req_set(&req, a->w[k], &e) < 0)
			return cmd_fail(r, "hotplug: %s", e.msg);
	if (cmd_opt(ce, a, "--force"))	/* format=raw on a header */
		req.force = 1;
	if (hotplug_req_check(&req, &e) < 0)
		return cmd_fail(r, "hotplug: %s", e.msg);
	if (!cmd_have_rtdir(c))
		return cmd_fail(r, "hotplug: no runtime dir: give "
		    "--runtime-dir");
	if (cmd_respect(c, ce, (size_t)i, MGR_ACT_HOTPLUG, a->w[2], a->w + 3,
	    a->n - 3, cmd_opt(ce, a, "--force"), note, sizeof note, r) < 0)
		return -1;
	seen_for_hotplug(c, (size_t)i);
	if (note[0] && managed_slot(c, (size_t)i, &req, &e) < 0)
		return cmd_fail(r, "hotplug: %s", e.msg);
	cmd_target(c, (size_t)i, &t);
	/* the refresh below reads over the flow's session, and takes the
	 * anonymous devices the flow read with its last bus */
	t.handover = fleet_session(c->fleet, (size_t)i);
	h.f = c->fleet;
	h.i = (size_t)i;
	t.handed_anon = handed_anon;
	t.handed_anon_arg = &h;
	join(a, what, sizeof what);
	strncat(what, note, sizeof what - strlen(what) - 1);
	if (hotplug_add(&t, &req, &d, &e) < 0) {
		cmd_audit(c, a->w[1], what, e.msg, NULL);
		return cmd_fail(r, "hotplug: %s", e.msg);
	}
	cmd_refresh_now(c, (size_t)i);
	strbuf_printf(&b, "%s: %s plugged in slot %d", a->w[1], d.id, d.slot);
	if (d.bus[0])
		strbuf_printf(&b, " of bus %s", d.bus);
	if (d.backend.netdev[0])
		strbuf_printf(&b, " (netdev %s, mac %s%s%s)", d.backend.netdev,
		    d.mac, d.backend.bridge[0] ? ", bridge " : "",
		    d.backend.bridge);
	else if (d.backend.drive[0])
		strbuf_printf(&b, " (drive %s, %s %s%s)", d.backend.drive,
		    d.backend.format, d.backend.path, d.backend.readonly ?
		    ", read-only" : "");
	{
		char res[200];

		snprintf(res, sizeof res, "ok %s", d.id);
		cmd_audit(c, a->w[1], what, res, &b);
	}
	return cmd_succeed(r, &b, cmd_json_device(a->w[1], &d, "plugged",
	    NULL));
}

/* The id of the live device named by w (an id) or slot (w a number) on
 * instance i's bus as last seen, or NULL. */
static const char *
live_foreign(struct cmd_ctx *c, size_t i, const char *w, int slot)
{
	const struct pci_info *pi = &c->fleet->inst[i].live;
	size_t k;

	for (k = 0; k < pi->n; k++)
		if (pi->fn[k].bus == 0 && pi->fn[k].id[0] &&
		    (slot >= 0 ? pi->fn[k].slot == slot :
		    strcmp(pi->fn[k].id, w) == 0))
			return pi->fn[k].id;
	return NULL;
}

/* unplug's word (an id or a slot) names a device of instance i's runtime
 * file: 0, else -1 with r saying what it names instead.  Checked before
 * anything is sent or logged (hotplug_del checks again under the lock).
 * With note (--force on a managed VM, cmd_respect) a device the manager
 * placed is unplugged here (cmd_mgr_unplug): 1 when done. */
static int
names_recorded(struct cmd_ctx *c, const struct cmd_entry *ce,
    const struct cmd_args *a, size_t i, const char *note,
    struct cmd_result *r)
{
	struct store_rt rt;
	const char *w = a->w[2];
	struct err e;
	char what[1024];
	int slot = -1, found, rc;

	if (w[0] != '\0' && strspn(w, "0123456789") == strlen(w)) {
		if (cmd_parse_slot(ce, w, &slot, r) < 0)
			return -1;
	} else if (devid_check_qemu_id(w, strlen(w), &e) < 0)
		return cmd_fail(r, "unplug: %s", e.msg);
	if (fleet_load_rt(c->fleet, i, &rt, &e) < 0) {
		store_rt_free(&rt);
		return cmd_fail(r, "unplug: %s", e.msg);
	}
	found = isdigit((unsigned char)w[0]) ?
	    store_find_slot(&rt, slot) != NULL :
	    store_find_id(&rt, w) != NULL;
	store_rt_free(&rt);
	if (!found)
		cmd_ensure_seen(c, i);	/* is it foreign? */
	if (!found && note[0]) {
		join(a, what, sizeof what);
		strncat(what, note, sizeof what - strlen(what) - 1);
		if ((rc = cmd_mgr_unplug(c, ce, a, i, what, r)) != 0)
			return rc;
	}
	if (!found && live_foreign(c, i, w, slot) != NULL)
		return cmd_fail(r, "unplug: %s is live but slotscope "
		    "did not place it (foreign): adopt %s %s first",
		    live_foreign(c, i, w, slot), a->w[1], w);
	if (!found)
		return cmd_fail(r, isdigit((unsigned char)w[0]) ?
		    "unplug: slot %s holds no device slotscope "
		    "placed (see show)" : "unplug: no device %s in "
		    "the runtime file (see show)", w);
	return 0;
}

int
cmd_unplug_exec(struct cmd_ctx *c, const struct cmd_entry *ce,
    const struct cmd_args *a, struct cmd_result *r)
{
	struct hotplug_target t;
	struct store_dev d;
	struct unplug_why why;
	struct strbuf b = STRBUF_INIT;
	struct err e;
	char what[1024], res[200], note[64];
	long i;
	int rc;

	if ((i = cmd_inst(c, ce, a->w[1], r)) < 0)
		return -1;
	if (c->fleet->inst[i].back == FLEET_BACK_LIBVIRT)
		return cmd_virt_unplug(c, ce, a, r, (size_t)i);
	if (!cmd_have_rtdir(c))
		return cmd_fail(r, "unplug: no runtime dir: give "
		    "--runtime-dir");
	/* a managed VM's devices are its manager's to remove */
	if (cmd_respect(c, ce, (size_t)i, MGR_ACT_UNPLUG, a->w[2], NULL, 0,
	    cmd_opt(ce, a, "--force"), note, sizeof note, r) < 0)
		return -1;
	/* 1: the manager's own device, unplugged with --force */
	if ((rc = names_recorded(c, ce, a, (size_t)i, note, r)) != 0)
		return rc < 0 ? -1 : 0;
	cmd_ensure_seen(c, (size_t)i);
	cmd_target(c, (size_t)i, &t);
	join(a, what, sizeof what);
	strncat(what, note, sizeof what - strlen(what) - 1);
	rc = hotplug_del_why(&t, a->w[2], c->unplug_wait_ms > 0 ?
	    c->unplug_wait_ms : 0, &d, &why, &e);
	if (rc < 0) {
		cmd_audit(c, a->w[1], what, e.msg, NULL);
		return cmd_fail(r, "unplug: %s", e.msg);
	}
	cmd_refresh_now(c, (size_t)i);
	if (rc == HOTPLUG_DELETED) {
		strbuf_printf(&b, "%s: %s unplugged, slot %d is free again",
		    a->w[1], d.id, d.slot);
		snprintf(res, sizeof res, "ok %s deleted", d.id);
	} else if (rc == HOTPLUG_REFUSED) {
		snprintf(res, sizeof res, "refused by the guest %s", d.id);
		cmd_audit(c, a->w[1], what, res, NULL);
		strbuf_free(&b);
		return cmd_fail(r, "unplug: %s: %s", d.id, why.text);
	} else {
		strbuf_printf(&b, "%s: unplug of %s requested; the guest has "
		    "not confirmed it yet, so slot %d stays unplugging until "
		    "a refresh sees it gone: %s", a->w[1], d.id, d.slot,
		    why.text);
		snprintf(res, sizeof res, "ok %s pending%s", d.id,
		    why.repeat < 0 ? ", repeat refused" : why.repeat > 0 ?
		    ", repeat taken" : "");
	}
	cmd_audit(c, a->w[1], what, res, &b);
	{
		json_t *j = cmd_json_device(a->w[1], &d,
		    rc == HOTPLUG_DELETED ? "deleted" :
		    rc == HOTPLUG_REFUSED ? "plugged" : "unplugging", NULL);

		if (j != NULL) {
			json_object_set_new(j, "confirmed",
			    json_boolean(rc == HOTPLUG_DELETED));
			if (rc != HOTPLUG_DELETED)
				json_object_set_new(j, "why",
				    json_string(why.text));
			if (rc == HOTPLUG_REFUSED)
				json_object_set_new(j, "refused",
				    json_true());
		}
		return cmd_succeed(r, &b, j);
	}
}

int
cmd_adopt_exec(struct cmd_ctx *c, const struct cmd_entry *ce,
    const struct cmd_args *a, struct cmd_result *r)
{
	struct hotplug_target t;
	struct store_dev d;
	struct strbuf b = STRBUF_INIT;
	struct err e;
	char what[1024], res[300];
	long i;

	if ((i = cmd_qemu_inst(c, ce, a->w[1], r)) < 0)
		return -1;
	if (a->n > 3 && strcmp(a->w[3], "nic") != 0 &&
	    strcmp(a->w[3], "disk") != 0)
		return cmd_fail(r, "adopt: '%.40s' is not a device type: "
		    "expected nic or disk", a->w[3]);
	if (!cmd_have_rtdir(c))
		return cmd_fail(r, "adopt: no runtime dir: give --runtime-dir");
	cmd_ensure_seen(c, (size_t)i);
	cmd_target(c, (size_t)i, &t);
	join(a, what, sizeof what);
	if (adopt_device(&t, a->w[2], a->n > 3 ? a->w[3] : NULL, &d,
	    &e) < 0)
		return cmd_fail(r, "adopt: %s", e.msg);
	cmd_refresh_now(c, (size_t)i);
	strbuf_printf(&b, "%s: %s in slot %d adopted as a %s", a->w[1], d.id,
	    d.slot, d.type);
	if (d.backend.netdev[0] || d.backend.drive[0])
		strbuf_printf(&b, " (%s %s)", d.backend.netdev[0] ? "netdev" :
		    "drive", d.backend.netdev[0] ? d.backend.netdev :
		    d.backend.drive);
	else
		strbuf_str(&b, " (no backend)");
	strbuf_str(&b, "; it can be unplugged now");
	snprintf(res, sizeof res, "ok %s slot %d", d.id, d.slot);
	cmd_audit(c, a->w[1], what, res, &b);
	return cmd_succeed(r, &b, cmd_json_device(a->w[1], &d, "plugged",
	    NULL));
}

int
cmd_forget_exec(struct cmd_ctx *c, const struct cmd_entry *ce,
    const struct cmd_args *a, struct cmd_result *r)
{
	struct hotplug_target t;
	struct store_dev d;
	struct strbuf b = STRBUF_INIT;
	struct err e;
	char what[1024], res[400], note[256] = "";
	long i;

	if ((i = cmd_qemu_inst(c, ce, a->w[1], r)) < 0)
		return -1;
	if (!cmd_have_rtdir(c))
		return cmd_fail(r, "forget: no runtime dir: give "
		    "--runtime-dir");
	cmd_ensure_seen(c, (size_t)i);
	cmd_target(c, (size_t)i, &t);
	join(a, what, sizeof what);
	if (adopt_forget_device(&t, a->w[2], &d, note, sizeof note, &e) < 0)
		return cmd_fail(r, "forget: %s", e.msg);
	cmd_refresh_now(c, (size_t)i);
	strbuf_printf(&b, "%s: %s forgotten, slot %d is no longer held (%s)",
	    a->w[1], d.id, d.slot, note);
	snprintf(res, sizeof res, "ok %s; %s", d.id, note);
	cmd_audit(c, a->w[1], what, res, &b);
	return cmd_succeed(r, &b, cmd_json_device(a->w[1], &d, "forgotten",
	    NULL));
}
