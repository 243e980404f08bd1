/* cmd_views.c - the commands that only look: list (every instance and its
 * slot counts and capacity), show (one instance's 32 slots and its
 * bridges' buses, as text or JSON) and
 * version (an instance's QEMU and monitor protocol). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "cmd/cmd_int.h"
#include "fleet/unplug.h"
#include "model/places.h"
#include "model/pcitree.h"
#include "store/store.h"

/* The free hotplug places of in (places.h), -1 before a refresh. */
static int
capacity_of(const struct instance *in, const struct store_rt *rt)
{
	struct pcitree t;

	if (in->conn == INST_NEW && in->last_refresh == 0)
		return -1;
	pcitree_build(&in->live, &t);
	return places_count(&in->live, &t, rt);
}

/* One instance's line of `list`, gathered before the columns are sized. */
struct list_row {
	int cnt[SLOT_NSTATES];
	int live;
	int cap;		/* free hotplug places, -1 not known */
	char q[32];		/* QEMU version or "" */
	char pq[48];		/* "qmp 7.2.22" */
	int rtok;
	char rterr[256];	/* struct err's message */
};

struct list_widths {
	int name, conn, pq, free, res, live;
};

static void
wmax(int *w, size_t n)
{
	if ((int)n > *w)
		*w = (int)n;
}

int
cmd_list_exec(struct cmd_ctx *c, const struct cmd_entry *ce,
    const struct cmd_args *a, struct cmd_result *r)
{
	struct strbuf b = STRBUF_INIT;
	json_t *arr = json_array(), *j;
	struct list_row *row;
	struct list_widths w = { 0, 0, 0, 0, 0, 0 };
	size_t i, nin;

	(void)ce;
	(void)a;
	/* instances never seen are read all at once, not one after another */
	if (c->fleet != NULL) {
		int wait = 0;

		for (i = 0; i < c->fleet->n; i++) {
			struct instance *in = &c->fleet->inst[i];

			if (!in->refreshing && in->last_refresh == 0)
				fleet_refresh_start(c->fleet, i,
				    clock_wall_s());
			wait |= in->refreshing;
		}
		if (wait) {
			fleet_refresh_wait(c->fleet, (size_t)-1);
			cmd_record_reported(c);
		}
	}
	if (c->fleet == NULL || c->fleet->n == 0)
		strbuf_printf(&b, "no instances (give NAME=ENDPOINT, "
		    "--monitor-dir or a config file)\n");
	/* the text's columns are as wide as their widest value, so a line
	 * stays short enough for the TUI's event pane */
	nin = c->fleet != NULL ? c->fleet->n : 0;
	row = nin ? calloc(nin, sizeof *row) : NULL;
	if (nin && row == NULL) {
		json_decref(arr);
		return cmd_fail(r, "out of memory");
	}
	for (i = 0; i < nin; i++) {
		const struct instance *in = &c->fleet->inst[i];
		struct list_row *lr = &row[i];
		struct store_rt rt;
		struct slot_view v[32];
		struct err e;
		json_t *o, *counts;
		int k, rtok;

		rtok = fleet_load_rt(c->fleet, i, &rt, &e) == 0;
		state_reconcile(&in->live, &rt, v);
		for (k = 0; k < 32; k++)
			lr->cnt[v[k].state]++;
		lr->cap = capacity_of(in, &rt);
		lr->live = lr->cnt[SLOT_USED] + lr->cnt[SLOT_FOREIGN] +
		    lr->cnt[SLOT_BUILTIN] + lr->cnt[SLOT_UNPLUGGING];
		cmd_qemu_text(in, lr->q, sizeof lr->q);
		snprintf(lr->pq, sizeof lr->pq, "%s %s",
		    in->protocol[0] ? in->protocol : "-",
		    lr->q[0] ? lr->q : "-");
		lr->rtok = rtok;
		if (!rtok)
			snprintf(lr->rterr, sizeof lr->rterr, "%s", e.msg);
		wmax(&w.name, strlen(in->name));
		wmax(&w.conn, strlen(inst_conn_name(in->conn)));
		wmax(&w.pq, strlen(lr->pq));
		wmax(&w.free, (size_t)snprintf(NULL, 0, "%d",
		    lr->cnt[SLOT_FREE]));
		wmax(&w.res, (size_t)snprintf(NULL, 0, "%d",
		    lr->cnt[SLOT_RESERVED]));
		wmax(&w.live, (size_t)snprintf(NULL, 0, "%d", lr->live));
		counts = json_object();
		for (k = 0; k < SLOT_NSTATES; k++)
			json_object_set_new(counts,
			    slot_state_name((enum slot_state)k),
			    json_integer(lr->cnt[k]));
		o = json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s?, s:o, s:o}",
		    "name", in->name, "endpoint", in->endpoint,
		    "conn", inst_conn_name(in->conn),
		    "protocol", in->protocol[0] ? in->protocol : NULL,
		    "qemu", lr->q[0] ? lr->q : NULL,
		    "error", in->error[0] ? in->error : (rtok ? NULL : e.msg),
		    "slots", counts, "capacity", lr->cap >= 0 ?
		    json_integer(lr->cap) : json_null());
		json_array_append_new(arr, o);
		store_rt_free(&rt);
	}
	for (i = 0; i < nin; i++) {
		const struct instance *in = &c->fleet->inst[i];
		const struct list_row *lr = &row[i];

		strbuf_printf(&b, "%-*s  %-*s  %-*s  free %*d  reserved %*d  "
		    "live %*d", w.name, in->name, w.conn,
		    inst_conn_name(in->conn), w.pq, lr->pq, w.free,
		    lr->cnt[SLOT_FREE], w.res, lr->cnt[SLOT_RESERVED], w.live,
		    lr->live);
		if (lr->cnt[SLOT_UNPLUGGING])
			strbuf_printf(&b, "  unplugging %d",
			    lr->cnt[SLOT_UNPLUGGING]);
		if (lr->cnt[SLOT_MISSING])
			strbuf_printf(&b, "  missing %d",
			    lr->cnt[SLOT_MISSING]);
		if (lr->cnt[SLOT_FOREIGN])
			strbuf_printf(&b, "  foreign %d",
			    lr->cnt[SLOT_FOREIGN]);
		/* last, so the counts keep their columns */
		if (lr->cap == 0)
			strbuf_printf(&b, "  capacity 0 (FULL: nothing can be "
			    "hot-added)");
		else if (lr->cap > 0)
			strbuf_printf(&b, "  capacity %d", lr->cap);
		if (in->error[0])
			strbuf_printf(&b, "  (%s)", in->error);
		if (!lr->rtok)
			strbuf_printf(&b, "  (runtime file: %s)", lr->rterr);
		strbuf_printf(&b, "\n");
	}
	free(row);
	j = json_pack("{s:o}", "instances", arr);
	return cmd_succeed(r, &b, j);
}

/* One slot of `show --json` (fns: its functions, taken over). */
static json_t *
slot_json(const struct slot_view *v, int k, json_t *fns)
{
	json_t *o = json_pack("{s:i, s:s, s:b, s:s?, s:s?, s:o}",
	    "slot", k, "state", slot_state_name(v->state),
	    "reserved", v->reserved, "id", v->id[0] ? v->id : NULL,
	    "type", v->type[0] ? v->type : NULL, "functions", fns);

	if (o != NULL && v->bridge != PCI_BR_NONE) {
		json_object_set_new(o, "bridge", json_string(
		    pci_bridge_kind_name(v->bridge)));
		json_object_set_new(o, "behind", v->behind >= 0 ?
		    json_integer(v->behind) : json_null());
		json_object_set_new(o, "places", json_integer(v->places));
	}
	return o;
}

/* The buses behind bridges, each with its slots (functions by id). */
static json_t *
buses_json(const struct instance *in, const struct store_rt *rt)
{
	json_t *arr = json_array();
	struct pcitree t;
	size_t b;

	pcitree_build(&in->live, &t);
	for (b = 1; arr != NULL && b < t.nbus; b++) {
		const struct pcitree_bus *bus = &t.bus[b];
		struct slot_view v[32];
		json_t *slots = json_array();
		int k;

		state_reconcile_bus(&in->live, &t, (int)b, rt, v);
		for (k = 0; k < bus->nslots; k++) {
			const struct pci_fn *fn[8];
			size_t n = pcitree_slot(&t, &in->live, (int)b, k, fn,
			    8), f;
			json_t *fns = json_array();

			for (f = 0; f < n && f < 8; f++)
				json_array_append_new(fns, json_pack(
				    "{s:i, s:s, s:s?}", "function", fn[f]->func,
				    "class", fn[f]->class_text, "id",
				    fn[f]->id[0] ? fn[f]->id : NULL));
			json_array_append_new(slots, slot_json(&v[k], k, fns));
		}
		json_array_append_new(arr, json_pack("{s:s, s:s?, s:s, s:b, "
		    "s:i, s:o}", "bus", bus->path, "id", bus->id[0] ? bus->id :
		    NULL, "kind", pci_bridge_kind_name(bus->kind), "known",
		    bus->known, "places", places_count_bus(&in->live, &t, rt,
		    (int)b), "slots", slots));
	}
	return arr;
}

/* The JSON value of `show`. */
static json_t *
show_json(const struct instance *in, const struct slot_view *v,
    const struct store_rt *rt)
{
	json_t *slots = json_array();
	char q[32];
	int k;

	cmd_qemu_text(in, q, sizeof q);
	for (k = 0; k < 32; k++) {
		const struct pci_fn *fn[8];
		size_t n = pci_info_slot(&in->live, k, fn, 8), f;
		json_t *fns = json_array();

		for (f = 0; f < n && f < 8; f++)
			json_array_append_new(fns, json_pack(
			    "{s:i, s:s, s:i, s:i, s:s?}",
			    "function", fn[f]->func,
			    "class", fn[f]->class_text,
			    "vendor", (int)fn[f]->vendor,
			    "device", (int)fn[f]->device,
			    "id", fn[f]->id[0] ? fn[f]->id : NULL));
		json_array_append_new(slots, slot_json(&v[k], k, fns));
	}
	return json_pack("{s:s, s:s?, s:s?, s:s, s:s?, s:o, s:o, s:o}",
	    "instance", in->name,
	    "protocol", in->protocol[0] ? in->protocol : NULL,
	    "qemu", q[0] ? q : NULL,
	    "conn", inst_conn_name(in->conn),
	    "error", in->error[0] ? in->error : NULL,
	    "slots", slots, "buses", buses_json(in, rt),
	    "capacity", capacity_of(in, rt) >= 0 ?
	    json_integer(capacity_of(in, rt)) : json_null());
}

/* After a bridge's id: its kind and what is behind it. */
static void
show_bridge(struct strbuf *b, const struct slot_view *v)
{
	strbuf_printf(b, " %s", pci_bridge_kind_name(v->bridge));
	if (v->behind < 0)
		strbuf_printf(b, ", behind it not known");
	else
		strbuf_printf(b, ", %d device%s behind", v->behind,
		    v->behind == 1 ? "" : "s");
	strbuf_printf(b, ", %d free place%s", v->places,
	    v->places == 1 ? "" : "s");
}

/* The buses behind bridges: one block each, with its used slots. */
static void
show_buses(struct strbuf *b, const struct instance *in,
    const struct store_rt *rt)
{
	struct pcitree t;
	size_t k;
	int slot, n;

	pcitree_build(&in->live, &t);
	for (k = 1; k < t.nbus; k++) {
		struct slot_view v[32];

		state_reconcile_bus(&in->live, &t, (int)k, rt, v);
		n = places_count_bus(&in->live, &t, rt, (int)k);
		strbuf_printf(b, "bus %s (%s %s): %d free place%s\n",
		    t.bus[k].path, pci_bridge_kind_name(t.bus[k].kind),
		    t.bus[k].id[0] ? t.bus[k].id : "without id", n,
		    n == 1 ? "" : "s");
		for (slot = 0; slot < t.bus[k].nslots; slot++) {
			if (v[slot].state == SLOT_FREE ||
			    v[slot].state == SLOT_CLOSED)
				continue;
			strbuf_printf(b, "%4d %-11s %-4s %s", slot,
			    slot_state_name(v[slot].state), "-", v[slot].id);
			if (v[slot].nfn > 1)
				strbuf_printf(b, " (%d functions)",
				    v[slot].nfn);
			strbuf_printf(b, "\n");
		}
	}
}

int
cmd_show_exec(struct cmd_ctx *c, const struct cmd_entry *ce,
    const struct cmd_args *a, struct cmd_result *r)
{
	const char *name = a->w[1];
	int as_json = a->opt;
	long i;
	struct store_rt rt;
	struct slot_view v[32];
	struct strbuf b = STRBUF_INIT;
	struct err e;
	const struct instance *in;
	json_t *j;
	char q[32];
	int slot;

	if ((i = cmd_inst(c, ce, name, r)) < 0)
		return -1;
	cmd_ensure_seen(c, (size_t)i);
	in = &c->fleet->inst[i];
	if (fleet_load_rt(c->fleet, (size_t)i, &rt, &e) < 0) {
		store_rt_free(&rt);
		return cmd_fail(r, "show: %s", e.msg);
	}
	state_reconcile(&in->live, &rt, v);
	j = show_json(in, v, &rt);
	if (j == NULL) {
		store_rt_free(&rt);
		return cmd_fail(r, "out of memory");
	}
	if (as_json) {
		char *t = json_dumps(j, JSON_COMPACT);

		if (t == NULL) {
			json_decref(j);
			return cmd_fail(r, "out of memory");
		}
		strbuf_printf(&b, "%s", t);
		free(t);
		store_rt_free(&rt);
		return cmd_succeed(r, &b, j);
	}
	cmd_qemu_text(in, q, sizeof q);
	strbuf_printf(&b, "%s  %s  %s  QEMU %s", in->name,
	    inst_conn_name(in->conn), in->protocol[0] ? in->protocol : "-",
	    q[0] ? q : "?");
	if (in->error[0])
		strbuf_printf(&b, "  (%s)", in->error);
	strbuf_printf(&b, "\nslot state       res  id\n");
	for (slot = 0; slot < 32; slot++) {
		strbuf_printf(&b, "%4d %-11s %-4s %s", slot,
		    slot_state_name(v[slot].state),
		    v[slot].reserved ? "R" : "-", v[slot].id);
		if (v[slot].nfn > 1)
			strbuf_printf(&b, "%s(%d functions)",
			    v[slot].id[0] ? " " : "", v[slot].nfn);
		if (v[slot].bridge != PCI_BR_NONE)
			show_bridge(&b, &v[slot]);
		strbuf_printf(&b, "\n");
	}
	show_buses(&b, in, &rt);
	store_rt_free(&rt);
	return cmd_succeed(r, &b, j);
}

int
cmd_version_exec(struct cmd_ctx *c, const struct cmd_entry *ce,
    const struct cmd_args *a, struct cmd_result *r)
{
	const struct instance *in;
	struct strbuf b = STRBUF_INIT;
	char q[32];
	long i;

	if ((i = cmd_inst(c, ce, a->w[1], r)) < 0)
		return -1;
	cmd_refresh_now(c, (size_t)i);
	in = &c->fleet->inst[i];
	if (in->conn != INST_OK)
		return cmd_fail(r, "version: %s: %s%s%s", in->name,
		    inst_conn_name(in->conn), in->error[0] ? ": " : "",
		    in->error);
	cmd_qemu_text(in, q, sizeof q);
	strbuf_printf(&b, "%s: QEMU %s%s%s over %s", in->name, q,
	    in->version.package[0] ? " " : "", in->version.package,
	    in->protocol);
	return cmd_succeed(r, &b, json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, "
	    "s:i}", "instance", in->name, "protocol", in->protocol, "qemu", q,
	    "package", in->version.package, "major", in->version.major,
	    "minor", in->version.minor, "micro", in->version.micro));
}
