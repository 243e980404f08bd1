/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd_backend.c - how commands show a device's backend as text, the way
 * `virsh domiflist` / `domblklist` do first: a NIC's MAC, netdev, tap,
 * bridge, vhost and queues; a disk's drive (block node), path, format,
 * protocol driver, read-only and cache; and whether QEMU has it so
 * (fleet/devcheck).  One line per device, shared by hotplug, unplug, show
 * and `list --devices` (its JSON object is cmd_json_device); the hotplug
 * target those commands hand the fleet; and whether a recorded device was
 * on the bus the instance's last refresh read (list --devices, which asks
 * no monitor: it goes by the slot views the grid and `show` show). */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd_int.h"
#include "fleet/devcheck.h"
#include "fleet/hotplug.h"
#include "model/pcitree.h"

void
cmd_target(const struct cmd_ctx *c, size_t i, struct hotplug_target *t)
{
	memset(t, 0, sizeof *t);
	t->inst = c->fleet->inst[i].name;
	t->endpoint = c->fleet->inst[i].endpoint;
	t->runtime_dir = c->fleet->runtime_dir;
	t->state_dir = c->fleet->state_dir;
	t->audit_log = c->audit_log;
	t->audit_syslog = c->fleet->audit_syslog;
	t->on_connect = c->on_connect;
	t->on_connect_arg = c->on_connect_arg;
	t->cache = c->fleet->rtc;
	if (c->fleet->monitor_timeout_ms > HOTPLUG_GREET_MS)
		t->greet_ms = c->fleet->monitor_timeout_ms;
}

void
cmd_dev_text(struct strbuf *s, const struct store_dev *d,
    const struct devcheck *chk)
{
	const struct store_backend *b = &d->backend;

	strbuf_printf(s, "%s  slot %d  %s", d->id, d->slot, d->driver);
	if (strcmp(d->type, "nic") == 0) {
		strbuf_printf(s, "  mac %s  netdev %s", d->mac[0] ? d->mac :
		    "-", b->netdev[0] ? b->netdev : "-");
		if (b->tap[0])
			strbuf_printf(s, "  tap %s", b->tap);
		else
			strbuf_printf(s, "  %s", store_backend_kind_name(b->kind));
		if (b->bridge[0])
			strbuf_printf(s, "  bridge %s", b->bridge);
		if (b->vhost)
			strbuf_printf(s, "  vhost");
		if (b->queues > 1)
			strbuf_printf(s, "  queues %d", b->queues);
	} else {
		/* every disk has a drive and an image: one not recorded is
		 * not known (a libvirt disk's the XML does not name) */
		strbuf_printf(s, "  drive %s  %s (%s%s%s%s%s%s%s)",
		    b->drive[0] ? b->drive : "?", b->path[0] ? b->path : "?",
		    b->format[0] ? b->format : "?",
		    b->protocol[0] ? ", " : "", b->protocol,
		    b->readonly ? ", read-only" : "",
		    b->cache[0] ? ", cache " : "", b->cache,
		    b->serial[0] ? ", serial" : "");
		if (b->serial[0])
			strbuf_printf(s, " %s", b->serial);
	}
	if (d->state != STORE_DEV_PLUGGED)
		strbuf_printf(s, "  [%s]", store_dev_state_name(d->state));
	else if (chk != NULL && chk->checked)
		strbuf_printf(s, "  %s%s", chk->match ? "[as in QEMU]" :
		    "[DIFFERS: ", chk->match ? "" : chk->why);
	if (chk != NULL && chk->checked && !chk->match)
		strbuf_printf(s, "]");
}

const char *
cmd_dev_bus_state(const struct cmd_ctx *c, size_t i,
    const struct store_rt *rt, const struct slot_view root[32],
    const struct store_dev *d)
{
	const struct instance *in = &c->fleet->inst[i];
	const struct slot_view *v = NULL;
	struct slot_view bv[32];
	struct pcitree t;
	int b;

	if (!inst_read(in))
		return NULL;
	if (d->bus[0] == '\0') {
		if (d->slot >= 0 && d->slot < 32)
			v = &root[d->slot];
	} else {
		/* behind a bridge: that bus's views, as show's buses */
		fleet_mgr_tree(in, &in->live, &t);
		b = pcitree_find_path(&t, d->bus);
		if (b <= PCITREE_ROOT || !t.bus[b].known)
			return NULL;	/* QEMU may have it where no listing
					 * shows */
		fleet_mgr_bus(in, &in->live, &t, b, rt, bv);
		if (d->slot >= 0 && d->slot < t.bus[b].nslots)
			v = &bv[d->slot];
	}
	/* its place names it: the grid's verdict */
	if (v != NULL && strcmp(v->id, d->id) == 0)
		return v->state == SLOT_MISSING ? slot_state_name(SLOT_MISSING) :
		    store_dev_state_name(d->state);
	/* its place holds another device or none (an unplug confirmed) */
	return pci_info_find_any(&in->live, d->id) != NULL ?
	    store_dev_state_name(d->state) : slot_state_name(SLOT_MISSING);
}
