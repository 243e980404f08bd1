/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd_backend.c - how commands show a device's backend, the way `virsh
 * domiflist` / `domblklist` do first: a NIC's MAC, netdev, tap, bridge,
 * vhost and queues; a disk's drive (block node), path, format, protocol
 * driver, read-only and cache; and whether QEMU has it so (fleet/
 * devcheck).  One JSON object and one text line per device, shared by
 * hotplug, unplug, show and `list --devices`. */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd_int.h"
#include "fleet/devcheck.h"
#include "fleet/hotplug.h"

void
cmd_target(const struct cmd_ctx *c, size_t i, struct hotplug_target *t)
{
	memset(t, 0, sizeof *t);
	t->inst = c->fleet->inst[i].name;
	t->endpoint = c->fleet->inst[i].endpoint;
	t->runtime_dir = c->fleet->runtime_dir;
	t->audit_log = c->audit_log;
	t->audit_syslog = c->fleet->audit_syslog;
	t->on_connect = c->on_connect;
	t->on_connect_arg = c->on_connect_arg;
	if (c->fleet->monitor_timeout_ms > HOTPLUG_GREET_MS)
		t->greet_ms = c->fleet->monitor_timeout_ms;
}

static void
opt_str(json_t *o, const char *k, const char *v)
{
	if (v != NULL && v[0] != '\0')
		json_object_set_new(o, k, json_string(v));
}

json_t *
cmd_dev_json(const char *inst, const struct store_dev *d, const char *state,
    const struct devcheck *chk)
{
	const struct store_backend *b = &d->backend;
	json_t *o = json_object(), *bk = json_object();

	if (o == NULL || bk == NULL) {
		json_decref(o);
		json_decref(bk);
		return NULL;
	}
	opt_str(o, "instance", inst);
	opt_str(o, "id", d->id);
	opt_str(o, "type", d->type);
	opt_str(o, "uuid", d->uuid);
	opt_str(o, "bus", d->bus);
	json_object_set_new(o, "slot", json_integer(d->slot));
	opt_str(o, "state", state ? state : store_dev_state_name(d->state));
	opt_str(o, "driver", d->driver);
	opt_str(o, "mac", d->mac);
	opt_str(bk, "kind", store_backend_kind_name(b->kind));
	opt_str(bk, "netdev", b->netdev);
	opt_str(bk, "tap", b->tap);
	opt_str(bk, "path", b->path);
	opt_str(bk, "format", b->format);
	opt_str(bk, "drive", b->drive);
	store_backend_extra_json(b, bk);
	json_object_set_new(o, "backend", bk);
	/* the flat names virsh users look for first */
	opt_str(o, "path", b->path);
	opt_str(o, "format", b->format);
	if (chk != NULL)
		json_object_set_new(o, "qemu", json_pack("{s:b, s:o*, s:s*}",
		    "checked", chk->checked, "match", chk->checked ?
		    json_boolean(chk->match) : NULL, "mismatch",
		    chk->why[0] ? chk->why : NULL));
	return o;
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
		strbuf_printf(s, "  drive %s  %s (%s%s%s%s%s%s%s)",
		    b->drive[0] ? b->drive : "-", b->path[0] ? b->path : "-",
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
