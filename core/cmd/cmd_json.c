/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd_json.c - the one JSON vocabulary of slotscope's output; see
 * cmd_json.h. */
#include "cmd/cmd_json.h"
#include "cmd/cmd_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet/devcheck.h"
#include "fleet/fleetagent.h"
#include "model/pcitree.h"
#include "model/places.h"
#include "qemu/mon.h"
#include "store/store.h"

void
cmd_json_qemu(const struct qemu_version *v, char *out, size_t sz)
{
	if (v->major == 0 && v->minor == 0 && v->micro == 0)
		snprintf(out, sz, "%s", "");
	else
		snprintf(out, sz, "%d.%d.%d", v->major, v->minor, v->micro);
}

/* A string, or null when empty. */
static json_t *
str_or_null(const char *s)
{
	return s != NULL && s[0] != '\0' ? json_string(s) : json_null();
}

json_t *
cmd_json_fn(const struct pci_fn *fn)
{
	char ven[8], dev[8];

	snprintf(ven, sizeof ven, "%04x", fn->vendor & 0xffff);
	snprintf(dev, sizeof dev, "%04x", fn->device & 0xffff);
	return json_pack("{s:i, s:s, s:s, s:s, s:o}",
	    "function", fn->func, "class", fn->class_text,
	    "vendor", ven, "device", dev, "id", str_or_null(fn->id));
}

/* One slot: its view v, its functions from live (NULL: none), and its
 * state at the last read (NULL: no such state to tell). */
static json_t *slot_obj(int slot, const struct slot_view *v,
    const struct slot_view *last, json_t *fns);

static json_t *
slot_json(int slot, const struct slot_view *v, const struct pci_info *live,
    const struct slot_view *last)
{
	json_t *fns = json_array();
	const struct pci_fn *fn[8];
	size_t n = live ? pci_info_slot(live, slot, fn, 8) : 0, k;

	for (k = 0; k < n && k < 8; k++)
		json_array_append_new(fns, cmd_json_fn(fn[k]));
	return slot_obj(slot, v, last, fns);
}

/* A slot object, its functions fns taken over. */
static json_t *
slot_obj(int slot, const struct slot_view *v, const struct slot_view *last,
    json_t *fns)
{
	/* a conflict is said over the state, which base_state keeps
	 * (cmd_mgr.c) */
	json_t *o = json_pack("{s:i, s:s, s:b, s:o, s:o, s:b, s:o, s:o}",
	    "slot", slot, "state", v->conflict[0] && v->state != SLOT_UNKNOWN ?
	    "conflict" : slot_state_name(v->state),
	    "reserved", v->reserved, "id", str_or_null(v->id),
	    "type", str_or_null(v->type), "anonymous", v->anonymous,
	    "last_state", last ? json_string(slot_state_name(last->state)) :
	    json_null(),
	    "functions", fns);

	if (o != NULL && v->bridge != PCI_BR_NONE) {
		json_object_set_new(o, "bridge", json_string(
		    pci_bridge_kind_name(v->bridge)));
		json_object_set_new(o, "behind", v->behind >= 0 ?
		    json_integer(v->behind) : json_null());
		json_object_set_new(o, "places", json_integer(v->places));
	}
	/* who owns it and the manager's facts (cmd_mgr.c) */
	cmd_mgr_slot_json(o, v);
	return o;
}

/* The buses behind bridges, each with its slots (inst: whose manager's
 * records and places count, or NULL). */
static json_t *
buses_json(const struct pci_info *live, const struct store_rt *rt,
    const struct instance *inst)
{
	json_t *arr = json_array();
	struct pcitree t;
	size_t b;

	fleet_mgr_tree(inst, live, &t);
	for (b = 1; arr != NULL && b < t.nbus; b++) {
		const struct pcitree_bus *bus = &t.bus[b];
		struct slot_view v[32];
		json_t *slots = json_array();
		int k;

		fleet_mgr_bus(inst, live, &t, (int)b, rt, v);
		for (k = 0; k < bus->nslots; k++) {
			const struct pci_fn *fn[8];
			size_t n = pcitree_slot(&t, live, (int)b, k, fn, 8), f;
			json_t *fns = json_array();

			for (f = 0; f < n && f < 8; f++)
				json_array_append_new(fns, cmd_json_fn(fn[f]));
			json_array_append_new(slots, slot_obj(k, &v[k], NULL,
			    fns));
		}
		json_array_append_new(arr, json_pack("{s:s, s:o, s:s, s:b, "
		    "s:i, s:o}", "bus", bus->path, "id", str_or_null(bus->id),
		    "kind", pci_bridge_kind_name(bus->kind), "known",
		    bus->known, "places", places_count_bus(live, &t, rt,
		    (int)b), "slots", slots));
	}
	return arr;
}

int
cmd_json_capacity(const struct pci_info *live, const struct store_rt *rt,
    const struct instance *inst)
{
	struct pcitree t;

	fleet_mgr_tree(inst, live, &t);
	return places_count(live, &t, rt);
}

/* The object both an instance and a probe are. */
struct view {
	const char *instance, *endpoint, *protocol, *conn, *error;
	const struct qemu_version *version;
	int read;
	double last_read;
	const struct pci_info *live;		/* read: the bus */
	const struct slot_view *slots;		/* 32 */
	const struct slotpack *last;		/* or NULL */
	const struct store_rt *rt;		/* read: for buses, capacity */
	const struct instance *inst;		/* for its manager; NULL */
};

static json_t *
view_json(const struct view *w)
{
	json_t *slots = json_array();
	char q[32];
	int s;

	cmd_json_qemu(w->version, q, sizeof q);
	for (s = 0; s < 32; s++) {
		struct slot_view lv;

		if (!w->read && w->last)
			slotpack_get(w->last, s, &lv);
		json_array_append_new(slots, slot_json(s, &w->slots[s],
		    w->read ? w->live : NULL,
		    !w->read && w->last ? &lv : NULL));
	}
	return json_pack("{s:i, s:o, s:s, s:o, s:o, s:s, s:b, s:o, s:o, s:o, "
	    "s:o, s:o, s:o, s:o}",
	    "schema", CMD_JSON_SCHEMA,
	    "instance", str_or_null(w->instance),
	    "endpoint", w->endpoint,
	    "protocol", str_or_null(w->protocol),
	    "qemu", str_or_null(q),
	    "conn", w->conn,
	    "read", w->read,
	    "error", str_or_null(w->error),
	    "last_read", w->last_read > 0 ?
	    json_integer((json_int_t)w->last_read) : json_null(),
	    "slots", slots,
	    "buses", w->read ? buses_json(w->live, w->rt, w->inst) :
	    json_array(),
	    "capacity", w->read ? json_integer(cmd_json_capacity(w->live,
	    w->rt, w->inst)) : json_null(),
	    /* show fills it (cmd_json_device: each recorded device with
	     * its backend and whether QEMU has it so); a probe has none */
	    "devices", json_array(),

	    "manager", cmd_mgr_json(w->inst));
}

json_t *
cmd_json_instance(const struct fleet *f, size_t i,
    const struct slot_view v[32], const struct store_rt *rt)
{
	const struct instance *in = &f->inst[i];
	struct view w;

	memset(&w, 0, sizeof w);
	w.instance = in->name;
	w.endpoint = in->endpoint;
	w.protocol = in->protocol;
	w.conn = inst_conn_name(in->conn);
	w.error = inst_read(in) ? "" : in->error[0] ? in->error :
	    "the bus was not read yet";
	w.version = &in->version;
	w.read = inst_read(in);
	w.last_read = in->last_read;
	w.live = &in->live;
	w.slots = v;
	w.last = in->last_read > 0 ? &in->last : NULL;
	w.rt = rt;
	w.inst = in;
	return view_json(&w);
}

json_t *
cmd_json_probe(const struct probe *p)
{
	struct slot_view v[32];
	struct store_rt rt;
	struct view w;
	json_t *j;

	store_rt_init(&rt, "probe");
	rt.reserved.bits = 0;	/* a probe knows no reservations */
	state_reconcile(&p->pci, &rt, v);
	memset(&w, 0, sizeof w);
	w.endpoint = p->endpoint;
	w.protocol = mon_proto_name(p->proto);
	w.conn = "ok";
	w.error = "";
	w.version = &p->version;
	w.read = 1;
	w.live = &p->pci;
	w.slots = v;
	w.rt = &rt;
	j = view_json(&w);
	store_rt_free(&rt);
	return j;
}

char *
cmd_json_line(json_t *j)
{
	char *s, *out = NULL;

	if (j == NULL)
		return NULL;
	s = json_dumps(j, JSON_PRESERVE_ORDER);
	json_decref(j);
	if (s != NULL && asprintf(&out, "%s\n", s) < 0)
		out = NULL;
	free(s);
	return out;
}

/* The rows of cmd_json_dump_rows, separated by commas as jansson's
 * compact form has them. */
static int
dump_rows(FILE *out, const struct cmd_json_rows *rows)
{
	size_t k, i, nout = 0;
	int rc = 0;

	putc('[', out);
	for (k = 0; k < rows->n && rc == 0; k++) {
		json_t *r = rows->row(rows->arg, k), *e;

		if (r == NULL)
			return -1;
		if (!rows->flat) {
			if (nout++ > 0)
				putc(',', out);
			rc = json_dumpf(r, out, JSON_COMPACT);
		} else
			json_array_foreach(r, i, e) {
				if (nout++ > 0)
					putc(',', out);
				if (rc == 0)
					rc = json_dumpf(e, out, JSON_COMPACT);
			}
		json_decref(r);
	}
	putc(']', out);
	return rc;
}

int
cmd_json_dump_rows(FILE *out, const json_t *value,
    const struct cmd_json_rows *rows)
{
	const char *key;
	json_t *v;
	int rc = 0, first = 1;

	if (!json_is_object(value))
		return -1;
	putc('{', out);
	/* in the object's own order, as json_dumps walks it */
	json_object_foreach((json_t *)value, key, v) {
		json_t *name = json_string(key);

		if (!first)
			putc(',', out);
		first = 0;
		if (name == NULL || json_dumpf(name, out, JSON_COMPACT |
		    JSON_ENCODE_ANY) < 0)
			rc = -1;
		json_decref(name);
		putc(':', out);
		if (rc == 0 && strcmp(key, rows->key) == 0 &&
		    json_is_array(v) && json_array_size(v) == 0)
			rc = dump_rows(out, rows);
		else if (rc == 0)
			rc = json_dumpf(v, out, JSON_COMPACT | JSON_ENCODE_ANY);
		if (rc != 0)
			return -1;
	}
	putc('}', out);
	return ferror(out) ? -1 : 0;
}

char *
cmd_json_probe_text(const struct probe *p)
{
	return cmd_json_line(cmd_json_probe(p));
}

/* k: v, left out when v is empty. */
static void
opt_str(json_t *o, const char *k, const char *v)
{
	if (v != NULL && v[0] != '\0')
		json_object_set_new(o, k, json_string(v));
}

json_t *
cmd_json_device(const char *inst, const struct store_dev *d, const char *state,
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

json_t *
cmd_json_error(const char *command, const char *error, const char *kind)
{
	char safe[1024];
	json_t *j;
	size_t k;

	j = json_pack("{s:i, s:o, s:s, s:o}", "schema", CMD_JSON_SCHEMA,
	    "command", str_or_null(command), "error", error ? error : "failed",
	    "kind", str_or_null(kind));
	if (j != NULL || error == NULL)
		return j;
	/* the message echoes bytes that are not UTF-8: a JSON string must
	 * be, so those bytes become '?' there (the text keeps them) */
	snprintf(safe, sizeof safe, "%s", error);
	for (k = 0; safe[k] != '\0'; k++)
		if ((unsigned char)safe[k] >= 0x80)
			safe[k] = '?';
	return json_pack("{s:i, s:o, s:s, s:o}", "schema", CMD_JSON_SCHEMA,
	    "command", str_or_null(command), "error", safe,
	    "kind", str_or_null(kind));
}

json_t *
cmd_json_host(const struct fleet *f, size_t h)
{
	enum fleet_host_state st = fleet_host_state(f, h);
	json_int_t n = (json_int_t)fleet_host_ninst(f, h);

	/* instances: null while they are not known (none read yet) */
	return json_pack("{s:s, s:s, s:s, s:o, s:o}", "host",
	    fleet_host_name(f, h), "url", fleet_host_url(f, h), "conn",
	    fleet_host_state_name(st), "error",
	    str_or_null(fleet_host_error(f, h)), "instances", n == 0 &&
	    st != FLEET_HOST_OK ? json_null() : json_integer(n));
}
