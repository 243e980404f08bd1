/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd_virt.c - hotplug and unplug on a libvirt domain (instance.back is
 * FLEET_BACK_LIBVIRT), through libvirt (fleet/fleetvirt.h): the place is
 * slotscope's choice,
 * as for a monitor (places.h: pc's lowest free root-bus slot, libvirt's
 * reservations respected, then an empty root port, then a bridge's
 * slot; or bus= / slot=), written into the device XML as <address
 * type='pci' domain='0' bus='B' slot='N' function='0'/> with libvirt's
 * bus number B (the controller's index) so that libvirt records it; unplug is
 * virDomainDetachDeviceAlias, completed by libvirt's DEVICE_REMOVED /
 * DEVICE_REMOVAL_FAILED events (the live domain only).  Failures are
 * libvirt's own words.
 * Values go into the XML only after a strict check (letters, digits and
 * ._:-/ , no quotes or markup), never raw. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd_int.h"
#include "fleet/fleetvirt.h"
#include "fleet/hotplug.h"
#include "model/places.h"
#include "model/state.h"
#include "virt/domxml.h"

struct vreq {
	enum hotplug_type type;
	int slot;			/* -1: the first free */
	char bus[64];			/* bus=: "" any */
	char mac[18], model[32], network[64], bridge[64];
	char path[1024], format[16];
};

/* A value safe between single quotes in XML: [A-Za-z0-9._:/-], 1..max. */
static int
plain(const char *key, const char *v, size_t max, int path, struct err *e)
{
	size_t i, n = strlen(v);

	if (n == 0 || n > max)
		return err_set(e, "%s wants 1 to %zu characters", key, max);
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)v[i]) && !strchr("._:-", v[i]) &&
		    !(path && v[i] == '/'))
			return err_set(e, "%s: '%c' is not allowed (letters, "
			    "digits and ._:-%s only)", key, v[i],
			    path ? "/" : "");
	return 0;
}

static int
set(struct vreq *q, const char *w, struct err *e)
{
	const char *eq = strchr(w, '=');
	char key[16];
	size_t kl;

	if (eq == NULL || (kl = (size_t)(eq - w)) == 0 || kl >= sizeof key)
		return err_set(e, "'%s' is not KEY=VALUE", w);
	memcpy(key, w, kl);
	key[kl] = '\0';
	w = eq + 1;
#define TEXT(name, field, path) \
	if (strcmp(key, name) == 0) { \
		if (plain(name, w, sizeof q->field - 1, path, e) < 0) \
			return -1; \
		snprintf(q->field, sizeof q->field, "%s", w); \
		return 0; \
	}
	if (strcmp(key, "slot") == 0)
		return slotmap_parse_slot(w, strlen(w), &q->slot, e);
	TEXT("bus", bus, 0)
	if (q->type == HOTPLUG_NIC && strcmp(key, "mac") == 0) {
		if (hotplug_check_mac(w, e) < 0)
			return -1;
		snprintf(q->mac, sizeof q->mac, "%s", w);
		return 0;
	}
	if (q->type == HOTPLUG_NIC) {
		TEXT("model", model, 0)
		TEXT("network", network, 0)
		TEXT("bridge", bridge, 0)
	} else {
		TEXT("path", path, 1)
		TEXT("format", format, 0)
	}
#undef TEXT
	return err_set(e, "unknown key '%s' for a libvirt %s (%s)", key,
	    q->type == HOTPLUG_NIC ? "nic" : "disk", q->type == HOTPLUG_NIC ?
	    "bus slot mac model network bridge" : "bus slot path format");
}

/* The device XML libvirt takes, at slot of libvirt's bus number bus. */
static int
device_xml(const struct vreq *q, const char *target, int bus, int slot,
    char *out, size_t sz, struct err *e)
{
	char addr[128];
	int n;

	snprintf(addr, sizeof addr, "<address type='pci' domain='0' "
	    "bus='%d' slot='%d' function='0'/>", bus, slot);
	if (q->type == HOTPLUG_NIC)
		n = snprintf(out, sz, "<interface type='%s'>%s%s%s%s%s%s"
		    "<model type='%s'/>%s</interface>", q->network[0] ?
		    "network" : q->bridge[0] ? "bridge" : "user",
		    q->network[0] ? "<source network='" : q->bridge[0] ?
		    "<source bridge='" : "", q->network[0] ? q->network :
		    q->bridge, q->network[0] || q->bridge[0] ? "'/>" : "",
		    q->mac[0] ? "<mac address='" : "", q->mac,
		    q->mac[0] ? "'/>" : "", q->model[0] ? q->model : "virtio",
		    addr);
	else
		n = snprintf(out, sz, "<disk type='file' device='disk'>"
		    "<driver name='qemu' type='%s'/><source file='%s'/>"
		    "<target dev='%s' bus='virtio'/>%s</disk>",
		    q->format[0] ? q->format : "raw", q->path, target, addr);
	if (n < 0 || (size_t)n >= sz)
		return err_set(e, "the device XML is too long");
	return 0;
}

/* The place: bus= / slot= checked, else the first free one (libvirt's
 * view, places.h's order); t is the tree it is in. */
static int
pick_place(struct cmd_ctx *c, size_t i, const struct vreq *q,
    struct pcitree *t, struct place *p, struct err *e)
{
	const struct pci_info *live = &c->fleet->inst[i].live;
	struct store_rt rt;
	int b = -1, rc;

	if (fleet_load_rt(c->fleet, i, &rt, e) < 0) {
		store_rt_free(&rt);
		return -1;
	}
	pcitree_build(live, t);
	if (q->bus[0] != '\0' && pcitree_parse_bus(t, q->bus, &b, e) < 0)
		rc = -1;
	else if (q->slot < 0)
		rc = places_first(live, t, &rt, b, p, e);
	else {
		p->bus = b < 0 ? PCITREE_ROOT : b;
		p->slot = q->slot;
		rc = places_check(live, t, &rt, p->bus, p->slot, e);
	}
	store_rt_free(&rt);
	return rc;
}

int
cmd_virt_hotplug(struct cmd_ctx *c, const struct cmd_entry *ce,
    const struct cmd_args *a, struct cmd_result *r, size_t i)
{
	struct vreq q;
	struct err e;
	struct strbuf b = STRBUF_INIT;
	const struct domxml_dev *v;
	char xml[2048], target[8] = "", what[1024], res[200], at[96];
	struct pcitree t;
	struct place p;
	size_t k;
	int slot, lvbus, persist = cmd_opt(ce, a, "--persist");

	memset(&q, 0, sizeof q);
	q.slot = -1;
	if (hotplug_parse_type(a->w[2], &q.type, &e) < 0)
		return cmd_fail(r, "hotplug: %s", e.msg);
	for (k = 3; k < a->n; k++)
		if (set(&q, a->w[k], &e) < 0)
			return cmd_fail(r, "hotplug: %s", e.msg);
	if (q.type == HOTPLUG_DISK && q.path[0] != '/')
		return cmd_fail(r, "hotplug: a libvirt disk needs path=FILE "
		    "(absolute)");
	if (q.network[0] && q.bridge[0])
		return cmd_fail(r, "hotplug: give network= or bridge=, not "
		    "both");
	cmd_refresh_now(c, i);
	if (pick_place(c, i, &q, &t, &p, &e) < 0)
		return cmd_fail(r, "hotplug: %s", e.msg);
	slot = p.slot;
	lvbus = p.bus == PCITREE_ROOT ? 0 : t.bus[p.bus].number;
	if (p.bus == PCITREE_ROOT)
		snprintf(at, sizeof at, "slot %d", slot);
	else
		snprintf(at, sizeof at, "bus=%s slot=%d",
		    pcitree_bus_name(&t, p.bus), slot);
	if (q.type == HOTPLUG_DISK &&
	    fleet_libvirt_free_target(c->fleet, i, target, sizeof target,
	    &e) < 0)
		return cmd_fail(r, "hotplug: %s", e.msg);
	if (device_xml(&q, target, lvbus, slot, xml, sizeof xml, &e) < 0)
		return cmd_fail(r, "hotplug: %s", e.msg);
	snprintf(what, sizeof what, "hotplug %s %s%s%sslot=%d%s", a->w[2],
	    p.bus == PCITREE_ROOT ? "" : "bus=", p.bus == PCITREE_ROOT ? "" :
	    pcitree_bus_name(&t, p.bus), p.bus == PCITREE_ROOT ? "" : " ",
	    slot, persist ? " --persist" : "");
	if (fleet_libvirt_attach(c->fleet, i, xml, persist, &e) < 0) {
		cmd_audit(c, a->w[1], what, e.msg, NULL);
		return cmd_fail(r, "hotplug: %s", e.msg);
	}
	cmd_refresh_now(c, i);
	v = fleet_libvirt_dev_at(c->fleet, i, lvbus, slot);
	strbuf_printf(&b, "%s: %s plugged %s %s through libvirt%s",
	    a->w[1], v ? v->alias : "(no alias yet)",
	    p.bus == PCITREE_ROOT ? "in" : "at", at,
	    persist ? " (live and persistent)" : " (live)");
	if (v && v->mac[0])
		strbuf_printf(&b, " (mac %s)", v->mac);
	snprintf(res, sizeof res, "ok %s", v ? v->alias : "?");
	cmd_audit(c, a->w[1], what, res, &b);
	return cmd_succeed(r, &b, json_pack("{s:s, s:s?, s:s, s:i, s:s?, "
	    "s:s?, s:s, s:s, s:s?, s:b}", "instance", a->w[1],
	    "id", v ? v->alias : NULL,
	    "type", q.type == HOTPLUG_NIC ? "nic" : "disk", "slot", slot,
	    "bus", p.bus == PCITREE_ROOT ? NULL : t.bus[p.bus].path,
	    "bus_id", p.bus == PCITREE_ROOT ? NULL :
	    pcitree_bus_name(&t, p.bus),
	    "state", "plugged", "owner", DOMXML_OWNER,
	    "mac", v && v->mac[0] ? v->mac : NULL, "persistent", persist));
}

int
cmd_virt_unplug(struct cmd_ctx *c, const struct cmd_entry *ce,
    const struct cmd_args *a, struct cmd_result *r, size_t i)
{
	const char *w = a->w[2];
	struct strbuf b = STRBUF_INIT;
	struct store_rt rt;
	const struct store_dev *sd;
	char alias[128], what[300], res[200], type[16] = "";
	char bus[DEVID_BUS_MAX] = "", at[64];
	struct err e;
	int slot = -1, rc;

	if (cmd_opt(ce, a, "--retry"))
		return cmd_fail(r, "unplug: --retry is for QEMU monitors; "
		    "libvirt keeps its own removal request for %s", a->w[1]);
	cmd_refresh_now(c, i);
	if (w[0] != '\0' && strspn(w, "0123456789") == strlen(w) &&
	    cmd_parse_slot(ce, w, &slot, r) < 0)
		return -1;
	if (fleet_load_rt(c->fleet, i, &rt, &e) < 0) {
		store_rt_free(&rt);
		return cmd_fail(r, "unplug: %s", e.msg);
	}
	sd = slot >= 0 ? store_find_slot(&rt, slot) : store_find_id(&rt, w);
	if (sd != NULL) {	/* copied: refreshes replace libvirt's view */
		snprintf(alias, sizeof alias, "%s", sd->id);
		snprintf(type, sizeof type, "%s", sd->type);
		snprintf(bus, sizeof bus, "%s", sd->bus);
		slot = sd->slot;
	}
	store_rt_free(&rt);
	if (sd == NULL)
		return cmd_fail(r, slot >= 0 ? "unplug: slot %s of %s holds no "
		    "device of libvirt's that can be unplugged (see show)" :
		    "unplug: %s has no device %s (see show)", slot >= 0 ? w :
		    a->w[1], slot >= 0 ? a->w[1] : w);
	snprintf(what, sizeof what, "unplug %s", alias);
	rc = fleet_libvirt_detach(c->fleet, i, alias, 0,
	    c->unplug_wait_ms > 0 ? c->unplug_wait_ms : 0, &e);
	if (rc < 0) {
		cmd_audit(c, a->w[1], what, e.msg, NULL);
		return cmd_fail(r, "unplug: %s", e.msg);
	}
	cmd_refresh_now(c, i);
	if (bus[0] != '\0')
		snprintf(at, sizeof at, "slot %d behind %s", slot, bus);
	else
		snprintf(at, sizeof at, "slot %d", slot);
	if (rc == 1) {
		strbuf_printf(&b, "%s: %s unplugged through libvirt, %s is "
		    "free again", a->w[1], alias, at);
		snprintf(res, sizeof res, "ok %s deleted", alias);
	} else {
		strbuf_printf(&b, "%s: libvirt asked the guest to release %s; "
		    "it has not yet (a paused domain cannot), so %s stays "
		    "unplugging until libvirt reports it removed", a->w[1],
		    alias, at);
		snprintf(res, sizeof res, "ok %s pending", alias);
	}
	cmd_audit(c, a->w[1], what, res, &b);
	return cmd_succeed(r, &b, json_pack("{s:s, s:s, s:s?, s:i, s:s?, "
	    "s:s, s:s, s:b}", "instance", a->w[1], "id", alias,
	    "type", type[0] ? type : NULL, "slot", slot,
	    "bus", bus[0] ? bus : NULL,
	    "state", rc == 1 ? "deleted" : "unplugging", "owner", DOMXML_OWNER,
	    "confirmed", rc == 1));
}
