/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd_views.c - the commands that only look: list (every instance and its
 * slot counts and capacity), show (one instance's 32 slots and its
 * bridges' buses, as text or JSON) and
 * version (an instance's QEMU and monitor protocol). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "cmd/cmd_int.h"
#include "mgr/mgr.h"
#include "cmd/cmd_json.h"
#include "fleet/devcheck.h"
#include "fleet/fleetagent.h"
#include "fleet/hotplug.h"
#include "fleet/unplug.h"
#include "model/places.h"
#include "model/pcitree.h"
#include "store/store.h"
#include "virt/domxml.h"

/* The free hotplug places of in (places.h), -1 while its bus is not
 * read. */
static int
capacity_of(const struct instance *in, const struct store_rt *rt)
{
	/* another host's: its node counted them against its runtime file */
	if (in->back == FLEET_BACK_AGENT)
		return inst_read(in) ? in->capacity : -1;
	return inst_read(in) ? cmd_json_capacity(&in->live, rt, in) : -1;
}

/* One instance's line of `list`, gathered before the columns are sized. */
struct list_row {
	int cnt[SLOT_NSTATES];
	int live;
	int cap;		/* free hotplug places, -1 not known */
	int read;		/* the bus was read: the counts are known */
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

/* A count as list prints it: "?" when the bus was not read. */
static void
count_text(const struct list_row *lr, int n, char *buf, size_t sz)
{
	if (lr->read)
		snprintf(buf, sz, "%d", n);
	else
		snprintf(buf, sz, "?");
}

static size_t
count_w(const struct list_row *lr, int n)
{
	char t[16];

	count_text(lr, n, t, sizeof t);
	return strlen(t);
}

/* Instance i's row of `list` into lr (widening w) and its JSON object. */
static json_t *
list_fill(struct cmd_ctx *c, size_t i, struct list_row *lr,
    struct list_widths *w)
{
	const struct instance *in = &c->fleet->inst[i];
	struct store_rt rt;
	struct slot_view v[32];
	struct err e;
	json_t *o, *counts;
	int k, rtok;

	rtok = fleet_load_rt(c->fleet, i, &rt, &e) == 0;
	fleet_view(c->fleet, i, &rt, v);
	lr->read = inst_read(in);
	for (k = 0; k < 32; k++)
		lr->cnt[v[k].state]++;
	lr->cap = capacity_of(in, &rt);
	lr->live = lr->cnt[SLOT_USED] + lr->cnt[SLOT_FOREIGN] +
	    lr->cnt[SLOT_BUILTIN] + lr->cnt[SLOT_UNPLUGGING];
	cmd_qemu_text(in, lr->q, sizeof lr->q);
	/* a libvirt domain has no QEMU version here: its host */
	snprintf(lr->pq, sizeof lr->pq, "%s %.32s",
	    in->protocol[0] ? in->protocol : "-",
	    lr->q[0] ? lr->q : in->host[0] ? in->host : "-");
	lr->rtok = rtok;
	if (!rtok)
		snprintf(lr->rterr, sizeof lr->rterr, "%s", e.msg);
	wmax(&w->name, strlen(in->name));
	wmax(&w->conn, strlen(inst_conn_name(in->conn)));
	wmax(&w->pq, strlen(lr->pq));
	wmax(&w->free, count_w(lr, lr->cnt[SLOT_FREE]));
	wmax(&w->res, count_w(lr, lr->cnt[SLOT_RESERVED]));
	wmax(&w->live, count_w(lr, lr->live));
	/* unread: every count unknown (null), all 32 slots unknown */
	counts = json_object();
	for (k = 0; k < SLOT_NSTATES; k++)
		json_object_set_new(counts,
		    slot_state_name((enum slot_state)k),
		    lr->read || k == SLOT_UNKNOWN ?
		    json_integer(lr->cnt[k]) : json_null());
	o = json_pack("{s:s, s:s, s:s?, s:s, s:s?, s:s?, s:b, s:s?, s:s?, "
	    "s:o, s:o, s:o}",
	    "instance", in->name, "endpoint", in->endpoint,
	    "host", in->host[0] ? in->host : NULL,
	    "conn", inst_conn_name(in->conn),
	    "protocol", in->protocol[0] ? in->protocol : NULL,
	    "qemu", lr->q[0] ? lr->q : NULL,
	    "read", lr->read,
	    "error", in->error[0] ? in->error : NULL,
	    "rt_error", rtok ? NULL : e.msg,
	    "last_read", in->last_read > 0 ?
	    json_integer((json_int_t)in->last_read) : json_null(),
	    "counts", counts, "capacity", lr->cap >= 0 ?
	    json_integer(lr->cap) : json_null());
	if (o != NULL) {
		json_object_set_new(o, "manager", json_string(
		    mgr_kind_name(in->mgr->kind)));
		json_object_set_new(o, "vmid", in->mgr->vmid[0] ?
		    json_string(in->mgr->vmid) : json_null());
	}
	store_rt_free(&rt);
	return o;
}

/* Who placed or keeps instance i's recorded devices, in the slots'
 * vocabulary (slot_view.owner): libvirt for a libvirt domain's (its live
 * XML is their record), else slotscope (its runtime file; a manager's
 * own devices are not in it). */
static const char *
dev_owner(const struct cmd_ctx *c, size_t i)
{
	return c->fleet->inst[i].back == FLEET_BACK_LIBVIRT ? DOMXML_OWNER :
	    "slotscope";
}

/* Device k of rt: its text line's end and its JSON object's owner. */
static json_t *
owned(struct strbuf *b, const struct cmd_ctx *c, size_t i, json_t *o)
{
	strbuf_printf(b, "  [%s]", dev_owner(c, i));
	if (o != NULL)
		json_object_set_new(o, "owner", json_string(dev_owner(c, i)));
	return o;
}

/* Device d of instance i's row of list --devices: its line's end in b
 * and its JSON object, its state what the last read of the bus says of
 * it (cmd_dev_bus_state; root: fleet_view's).  Not checked: the recorded
 * state, with a "?" in the text and "bus_checked" false.  A libvirt
 * domain's devices are its live XML: neither. */
static json_t *
dev_row(struct strbuf *b, const struct cmd_ctx *c, size_t i,
    const struct store_rt *rt, const struct slot_view root[32],
    const struct store_dev *d)
{
	const char *st = NULL;
	int virt = c->fleet->inst[i].back == FLEET_BACK_LIBVIRT;
	int plugged = d->state == STORE_DEV_PLUGGED;
	json_t *o;

	if (!virt)
		st = cmd_dev_bus_state(c, i, rt, root, d);
	cmd_dev_text(b, d, NULL);	/* names a state other than plugged */
	if (!virt && st == NULL)
		strbuf_printf(b, "  [%snot checked: its bus was not read]",
		    plugged ? "plugged?: " : "");
	else if (!virt && strcmp(st, store_dev_state_name(d->state)) != 0)
		strbuf_printf(b, "  [%s: recorded, not on the bus read]", st);
	else if (!virt && plugged)
		strbuf_printf(b, "  [%s]", st);
	o = owned(b, c, i, cmd_json_device(c->fleet->inst[i].name, d, st,
	    NULL));
	if (o != NULL && !virt)
		json_object_set_new(o, "bus_checked", json_boolean(st != NULL));
	return o;
}

/* list's first step, with or without --devices: the instances never
 * read yet (a fresh batch run, a new instance) are read, all at once,
 * not one after another; the others are shown as their last read. */
static void
read_unseen(struct cmd_ctx *c)
{
	size_t i;
	int wait = 0;

	if (c->fleet == NULL)
		return;
	for (i = 0; i < c->fleet->n; i++) {
		struct instance *in = &c->fleet->inst[i];

		if (!in->refreshing && in->last_refresh == 0)
			fleet_refresh_start(c->fleet, i, clock_wall_s());
		wait |= in->refreshing;
	}
	if (wait) {
		fleet_refresh_wait(c->fleet, (size_t)-1);
		cmd_record_reported(c);
	}
}

/* Instance i's rows of list --devices: its lines into b (NULL: none)
 * and its devices' objects into arr (NULL: none); how many. */
static size_t
devices_of(struct cmd_ctx *c, size_t i, struct strbuf *b, json_t *arr)
{
	struct strbuf none = STRBUF_INIT;
	struct store_rt rt;
	struct slot_view v[32];
	struct err e;
	size_t k, n = 0;

	if (b == NULL)
		b = &none;
	if (fleet_load_rt(c->fleet, i, &rt, &e) < 0)
		strbuf_printf(b, "%s  (runtime file: %s)\n",
		    c->fleet->inst[i].name, e.msg);
	else {
		if (rt.ndev > 0)
			fleet_view(c->fleet, i, &rt, v);
		for (k = 0; k < rt.ndev; k++) {
			json_t *o;

			strbuf_printf(b, "%s  ", c->fleet->inst[i].name);
			o = dev_row(b, c, i, &rt, v, &rt.dev[k]);
			if (arr != NULL)
				json_array_append_new(arr, o);
			else
				json_decref(o);
			strbuf_printf(b, "\n");
		}
		n = rt.ndev;
	}
	store_rt_free(&rt);
	strbuf_free(&none);
	return n;
}

/* Instance i's devices as list --devices' JSON has them, made when the
 * caller takes them (rows_later). */
static json_t *
devices_row(struct cmd_ctx *c, size_t i)
{
	json_t *arr = json_array();

	if (arr != NULL)
		devices_of(c, i, NULL, arr);
	return arr;
}

/* list --devices: one row per recorded device of every instance, like
 * virsh domiflist + domblklist (from the runtime files; a libvirt
 * domain's from its live XML), each against the bus its instance's last
 * refresh read (the slot views the grid shows; an instance never read
 * is read first, as list does).  With rows_later the JSON's devices are
 * made an instance at a time when the caller takes them. */
static int
list_devices(struct cmd_ctx *c, struct cmd_result *r)
{
	struct strbuf b = STRBUF_INIT;
	json_t *arr = json_array();
	size_t i, nin = c->fleet != NULL ? c->fleet->n : 0, rows = 0;
	size_t *at = c->rows_later && nin ? calloc(nin, sizeof *at) : NULL;
	int rc;

	if (c->rows_later && nin && at == NULL) {
		json_decref(arr);
		return cmd_fail(r, "out of memory");
	}
	read_unseen(c);
	for (i = 0; i < nin; i++)
		rows += devices_of(c, i, &b, at != NULL ? NULL : arr);
	if (rows == 0)
		strbuf_printf(&b, "no devices recorded\n");
	rc = cmd_succeed(r, &b, json_pack("{s:o}", "devices", arr));
	if (rc == 0 && at != NULL) {
		for (i = 0; i < nin; i++)
			at[i] = i;
		r->row = devices_row;
		r->at = at;
		r->nrows = nin;
		r->rows_key = "devices";
		r->rows_flat = 1;
	} else
		free(at);
	return rc;
}

/* The ssh hosts for list: a line for each that never answered (it has
 * no rows, its instances are unknown: still connecting, or unreachable),
 * and every host for --json's
 * "hosts" (NULL when there are none, or out of memory). */
static json_t *
list_hosts(const struct fleet *f, struct strbuf *b)
{
	json_t *arr;
	size_t h;

	if (f == NULL || fleet_nhosts(f) == 0 || (arr = json_array()) == NULL)
		return NULL;
	for (h = 0; h < fleet_nhosts(f); h++) {
		enum fleet_host_state st = fleet_host_state(f, h);

		json_array_append_new(arr, cmd_json_host(f, h));
		if (fleet_host_ninst(f, h) > 0 || st == FLEET_HOST_OK)
			continue;
		if (st == FLEET_HOST_CONNECTING)
			strbuf_printf(b, "%s/*  connecting  instances unknown\n",
			    fleet_host_name(f, h));
		else
			strbuf_printf(b, "%s/*  unreachable  instances unknown  "
			    "(%s)\n", fleet_host_name(f, h),
			    fleet_host_error(f, h));
	}
	return arr;
}

/* Instance in's line of list's text, its columns w wide. */
static void
list_line(struct strbuf *b, const struct instance *in,
    const struct list_row *lr, const struct list_widths *w)
{
	char fr[16], rs[16], lv[16];

	count_text(lr, lr->cnt[SLOT_FREE], fr, sizeof fr);
	count_text(lr, lr->cnt[SLOT_RESERVED], rs, sizeof rs);
	count_text(lr, lr->live, lv, sizeof lv);
	strbuf_printf(b, "%-*s  %-*s  %-*s  free %*s  reserved %*s  "
	    "live %*s", w->name, in->name, w->conn,
	    inst_conn_name(in->conn), w->pq, lr->pq, w->free, fr,
	    w->res, rs, w->live, lv);
	if (lr->cnt[SLOT_UNPLUGGING])
		strbuf_printf(b, "  unplugging %d", lr->cnt[SLOT_UNPLUGGING]);
	if (lr->cnt[SLOT_MISSING])
		strbuf_printf(b, "  missing %d", lr->cnt[SLOT_MISSING]);
	if (lr->cnt[SLOT_FOREIGN])
		strbuf_printf(b, "  foreign %d", lr->cnt[SLOT_FOREIGN]);
	/* last, so the counts keep their columns */
	if (lr->cap == 0)
		strbuf_printf(b, "  capacity 0 (FULL: nothing can be "
		    "hot-added)");
	else if (lr->cap > 0)
		strbuf_printf(b, "  capacity %d", lr->cap);
	if (in->mgr->kind != MGR_NONE)
		strbuf_printf(b, "  %s%s%s", mgr_kind_name(in->mgr->kind),
		    in->mgr->vmid[0] ? " " : "", in->mgr->vmid);
	if (in->error[0])
		strbuf_printf(b, "  (%s)", in->error);
	if (!lr->rtok)
		strbuf_printf(b, "  (runtime file: %s)", lr->rterr);
	strbuf_printf(b, "\n");
}

/* The rows of list, in order, into arr and their lines into b (the
 * columns as wide as their widest value, so a line stays short enough
 * for the TUI's event pane).  0, or -1 when out of memory. */
static int
list_all(struct cmd_ctx *c, const size_t *order, size_t nin, json_t *arr,
    struct strbuf *b)
{
	struct list_widths w = { 0, 0, 0, 0, 0, 0 };
	struct list_row *row = nin ? calloc(nin, sizeof *row) : NULL;
	size_t o;

	if (nin && row == NULL)
		return -1;
	for (o = 0; o < nin; o++)
		json_array_append_new(arr, list_fill(c, order[o],
		    &row[order[o]], &w));
	for (o = 0; o < nin; o++)
		list_line(b, &c->fleet->inst[order[o]], &row[order[o]], &w);
	free(row);
	return 0;
}

/* Instance i's row of list, made when the caller takes it (rows_later). */
static json_t *
list_row_of(struct cmd_ctx *c, size_t i)
{
	struct list_widths w = { 0, 0, 0, 0, 0, 0 };
	struct list_row lr;

	memset(&lr, 0, sizeof lr);
	return list_fill(c, i, &lr, &w);
}

int
cmd_list_exec(struct cmd_ctx *c, const struct cmd_entry *ce,
    const struct cmd_args *a, struct cmd_result *r)
{
	struct strbuf b = STRBUF_INIT;
	json_t *arr, *j, *hosts;
	size_t nin, *order;
	int rc;

	if (cmd_opt(ce, a, "--devices"))
		return list_devices(c, r);
	arr = json_array();
	read_unseen(c);
	if (c->fleet == NULL || c->fleet->n == 0)
		strbuf_printf(&b, "no instances (give NAME=ENDPOINT, "
		    "--monitor-dir or a config file)\n");
	nin = c->fleet != NULL ? c->fleet->n : 0;
	/* rows grouped by host: monitors, then each libvirt connection's */
	order = nin ? calloc(nin, sizeof *order) : NULL;
	if (nin && order == NULL) {
		json_decref(arr);
		return cmd_fail(r, "out of memory");
	}
	if (nin)
		fleet_display_order(c->fleet, order);
	if (!c->rows_later && list_all(c, order, nin, arr, &b) < 0) {
		free(order);
		json_decref(arr);
		return cmd_fail(r, "out of memory");
	}
	hosts = list_hosts(c->fleet, &b);
	j = json_pack("{s:i, s:o}", "schema", CMD_JSON_SCHEMA, "instances",
	    arr);
	if (j != NULL && hosts != NULL)
		json_object_set_new(j, "hosts", hosts);
	else
		json_decref(hosts);
	rc = cmd_succeed(r, &b, j);
	if (rc == 0 && c->rows_later && nin > 0) {
		/* the order is the result's now */
		r->row = list_row_of;
		r->at = order;
		r->nrows = nin;
		r->rows_key = "instances";
	} else
		free(order);
	return rc;
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

	fleet_mgr_tree(in, &in->live, &t);
	for (k = 1; k < t.nbus; k++) {
		struct slot_view v[32];

		fleet_mgr_bus(in, &in->live, &t, (int)k, rt, v);
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

/* show's text (a read bus): a header, one line per root-bus slot, then
 * the bridges' buses. */
static void
show_text(struct strbuf *b, const struct instance *in,
    const struct slot_view *v, const struct store_rt *rt)
{
	char q[32];
	int slot;

	cmd_qemu_text(in, q, sizeof q);
	strbuf_printf(b, "%s  %s  %s  QEMU %s", in->name,
	    inst_conn_name(in->conn), in->protocol[0] ? in->protocol : "-",
	    q[0] ? q : "?");
	cmd_mgr_show_line(b, in);
	strbuf_printf(b, "\nslot state       res  id\n");
	for (slot = 0; slot < 32; slot++) {
		strbuf_printf(b, "%4d %-11s %-4s %s", slot,
		    slot_state_name(v[slot].state),
		    v[slot].reserved ? "R" : "-", v[slot].anonymous ?
		    "(anonymous: added without an id)" : v[slot].id);
		if (v[slot].nfn > 1)
			strbuf_printf(b, "%s(%d functions)",
			    v[slot].id[0] ? " " : "", v[slot].nfn);
		if (v[slot].bridge != PCI_BR_NONE)
			show_bridge(b, &v[slot]);
		cmd_mgr_show_slot(b, &v[slot]);
		strbuf_printf(b, "\n");
	}
	show_buses(b, in, rt);
}

/* The recorded devices of rt with their backends, each checked against
 * QEMU when its monitor answers: a JSON array, and text lines in b. */
static json_t *
show_devices(struct cmd_ctx *c, size_t i, const struct store_rt *rt,
    struct strbuf *b)
{
	struct devcheck_live *l = calloc(1, sizeof *l);	/* large */
	struct hotplug_target t;
	json_t *arr = json_array();
	size_t k;

	if (l == NULL || arr == NULL) {
		free(l);
		return arr;
	}
	/* no monitor to ask: libvirt holds it */
	if (c->fleet->inst[i].back == FLEET_BACK_LIBVIRT)
		snprintf(l->why, sizeof l->why, "they are libvirt's live XML");
	else if (rt->ndev > 0 && c->fleet->inst[i].conn == INST_OK) {
		cmd_target(c, i, &t);
		devcheck_read(&t, l);
	} else
		snprintf(l->why, sizeof l->why, "the monitor did not answer");
	if (rt->ndev > 0 && c->fleet->inst[i].back == FLEET_BACK_LIBVIRT)
		strbuf_printf(b, "devices (libvirt's live XML):\n");
	else if (rt->ndev > 0 && l->ok)
		strbuf_printf(b, "devices:\n");
	else if (rt->ndev > 0)
		strbuf_printf(b, "devices (not checked against QEMU: %s):\n",
		    l->why);
	for (k = 0; k < rt->ndev; k++) {
		struct devcheck chk;

		devcheck_one(&rt->dev[k], l, &chk);
		strbuf_printf(b, "  ");
		cmd_dev_text(b, &rt->dev[k], &chk);
		json_array_append_new(arr, owned(b, c, i, cmd_json_device(NULL,
		    &rt->dev[k], NULL, &chk)));
		strbuf_printf(b, "\n");
	}
	free(l);
	return arr;
}

int
cmd_show_exec(struct cmd_ctx *c, const struct cmd_entry *ce,
    const struct cmd_args *a, struct cmd_result *r)
{
	const char *name = a->w[1];
	int as_json = cmd_opt(ce, a, "--json");
	long i;
	struct store_rt rt;
	struct slot_view v[32];
	struct strbuf b = STRBUF_INIT, db = STRBUF_INIT;
	struct err e;
	const struct instance *in;
	json_t *j, *devs;
	char why[300], age[96];

	if ((i = cmd_inst(c, ce, name, r)) < 0)
		return -1;
	cmd_ensure_seen(c, (size_t)i);
	in = &c->fleet->inst[i];
	if (fleet_load_rt(c->fleet, (size_t)i, &rt, &e) < 0) {
		store_rt_free(&rt);
		return cmd_fail(r, "show: %s", e.msg);
	}
	fleet_view(c->fleet, (size_t)i, &rt, v);
	devs = show_devices(c, (size_t)i, &rt, &db);
	j = cmd_json_instance(c->fleet, (size_t)i, v, &rt);
	if (j == NULL) {
		json_decref(devs);
		strbuf_free(&db);
		store_rt_free(&rt);
		return cmd_fail(r, "out of memory");
	}
	json_object_set_new(j, "devices", devs);
	if (!inst_read(in)) {
		/* the JSON still tells all (read false, unknown states) */
		store_rt_free(&rt);
		strbuf_free(&db);
		cmd_unread_reason(in, why, sizeof why);
		cmd_last_read_text(in->last_read, clock_wall_s(), age,
		    sizeof age);
		return cmd_fail_json(r, j, "show: %s: the bus could not be "
		    "read (%s): %s; every slot is unknown; %s", in->name,
		    inst_conn_name(in->conn), why, age);
	}
	if (as_json) {
		char *t = json_dumps(j, JSON_COMPACT);

		store_rt_free(&rt);
		strbuf_free(&db);
		if (t == NULL) {
			json_decref(j);
			return cmd_fail(r, "out of memory");
		}
		strbuf_printf(&b, "%s", t);
		free(t);
		return cmd_succeed(r, &b, j);
	}
	show_text(&b, in, v, &rt);
	store_rt_free(&rt);
	if (db.n > 0)
		strbuf_add(&b, db.p, db.n);
	strbuf_free(&db);
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
