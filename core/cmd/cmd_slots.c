/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd_slots.c - the commands on one slot's reservation: reserve and free
 * (under the store's lock, audited) and next (the place a new device
 * would get, places.h).  Each needs the live bus: when it could not be
 * read they refuse; reserve and free go on with --offline, without the
 * bus, and say so. */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd_int.h"
#include "cmd/cmd_json.h"
#include "mgr/mgr.h"
#include "model/pcitree.h"
#include "model/places.h"
#include "model/slotmap.h"
#include "store/store.h"

#define LOCK_MS 5000

int
cmd_resfree_exec(struct cmd_ctx *c, const struct cmd_entry *ce,
    const struct cmd_args *a, struct cmd_result *r)
{
	int is_free = strcmp(ce->name, "free") == 0;
	const char *name = a->w[1], *slotw = a->w[2];
	int force = cmd_opt(ce, a, "--force");
	int offline = cmd_opt(ce, a, "--offline"), slot;
	long i;
	struct store_txn t;
	struct err e;
	struct strbuf b = STRBUF_INIT;
	struct pci_info none;
	const struct pci_info *live;
	char what[128], note[64], map[SLOTMAP_NSLOTS + 1];
	json_t *j;

	if ((i = cmd_qemu_inst(c, ce, name, r)) < 0)
		return -1;
	if (cmd_parse_slot(ce, slotw, &slot, r) < 0)
		return -1;
	if (cmd_respect(c, ce, (size_t)i, is_free ? MGR_ACT_FREE :
	    MGR_ACT_RESERVE, slotw, NULL, 0, force, note, sizeof note, r) < 0)
		return -1;
	if (!cmd_have_rtdir(c))
		return cmd_fail(r, "%s: no runtime dir: give --runtime-dir",
		    ce->name);
	/* the live bus is checked unless the operator says --offline (a
	 * stopped instance); a bus that cannot be read is no empty bus */
	pci_info_init(&none);
	live = &none;
	if (!offline) {
		cmd_ensure_seen(c, (size_t)i);
		if (cmd_need_bus(c, ce, (size_t)i, "nothing was changed; add "
		    "--offline to change the runtime file without checking "
		    "the bus", r) < 0)
			return -1;
		live = &c->fleet->inst[i].live;
	}
	if (store_open_seeded(c->fleet->runtime_dir, c->fleet->state_dir, name,
	    &t, LOCK_MS, NULL, &e) < 0)
		return cmd_fail(r, "%s: %s", ce->name, e.msg);
	snprintf(what, sizeof what, "%s %d%s%s", ce->name, slot,
	    note[0] ? note : force ? " --force" : "",
	    offline ? " --offline" : "");
	if ((is_free ? state_check_free(live, &t.rt, slot, force, &e) :
	    state_check_reserve(live, &t.rt, slot, &e)) < 0 ||
	    (is_free ? slotmap_free(&t.rt.reserved, slot, &e) :
	    slotmap_reserve(&t.rt.reserved, slot, &e)) < 0) {
		store_abort(&t);
		return cmd_fail(r, "%s: %s", ce->name, e.msg);
	}
	slotmap_to_string(&t.rt.reserved, map);
	if (store_commit(&t, &e) < 0) {
		cmd_audit(c, name, what, e.msg, NULL);
		return cmd_fail(r, "%s: %s", ce->name, e.msg);
	}
	strbuf_printf(&b, "%s: slot %d %s%s", name, slot,
	    is_free ? "freed" : "reserved", offline ? " (offline: the bus "
	    "was not checked)" : "");
	cmd_audit(c, name, what, offline ? "ok, bus not checked" : "ok", &b);
	j = json_pack("{s:i, s:s, s:i, s:b, s:s, s:b}",
	    "schema", CMD_JSON_SCHEMA, "instance", name, "slot", slot,
	    "reserved", !is_free, "reservations", map,
	    "bus_checked", !offline);
	return cmd_succeed(r, &b, j);
}

int
cmd_next_exec(struct cmd_ctx *c, const struct cmd_entry *ce,
    const struct cmd_args *a, struct cmd_result *r)
{
	struct store_rt rt;
	struct strbuf b = STRBUF_INIT;
	struct pcitree t;
	struct place p;
	struct err e;
	long i;
	int slot;

	if ((i = cmd_inst(c, ce, a->w[1], r)) < 0)
		return -1;
	cmd_ensure_seen(c, (size_t)i);
	if (cmd_need_bus(c, ce, (size_t)i, NULL, r) < 0)
		return -1;
	if (fleet_load_rt(c->fleet, (size_t)i, &rt, &e) < 0) {
		store_rt_free(&rt);
		return cmd_fail(r, "next: %s", e.msg);
	}
	/* on a managed bus also off the manager's slots (its reservations
	 * and the addresses it records) */
	slot = cmd_mgr_place(c, (size_t)i, &rt, &t, &p, &e) < 0 ? -1 : p.slot;
	store_rt_free(&rt);
	if (slot < 0)
		return cmd_fail(r, "next: %s", e.msg);
	if (p.bus == PCITREE_ROOT) {
		strbuf_printf(&b, "%d", slot);
		return cmd_succeed(r, &b, json_pack("{s:i, s:s, s:i}",
		    "schema", CMD_JSON_SCHEMA, "instance", a->w[1], "slot",
		    slot));
	}
	/* behind a bridge: the words hotplug takes */
	strbuf_printf(&b, "bus=%s slot=%d", pcitree_bus_name(&t, p.bus), slot);
	return cmd_succeed(r, &b, json_pack("{s:i, s:s, s:i, s:s, s:s}",
	    "schema", CMD_JSON_SCHEMA, "instance", a->w[1], "slot", slot,
	    "bus", t.bus[p.bus].path, "bus_id", pcitree_bus_name(&t,
	    p.bus)));
}
