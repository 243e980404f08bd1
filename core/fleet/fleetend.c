/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fleetend.c - the end of a refresh (fleet.c runs it): what it read
 * becomes the instance's view -- its slots reconciled with the runtime
 * file, its capacity and the buses behind its bridges -- or, when the bus
 * was not read, unknown states and the error; the slot changes between
 * two reads, and the unplugs it saw confirmed, wait to be taken
 * (fleet_take_changes, fleet_take_unplugs).  Only reads the runtime file.
 * It runs once an instance a refresh, thousands of times a refresh of
 * all: the views are packed where they are kept (fleet_mgr_view,
 * fleet_mgr_pack) without 32 wide slot_views in between, and the slot
 * changes are found pack against pack.
 */
#include "fleet/fleet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fnv.h"
#include "model/places.h"
#include "model/pcitree.h"
#include "qemu/mon.h"
#include "qemu/qom.h"
#include "store/store.h"
#include "fleet/fleetpriv.h"
#include "fleet/fleetback.h"

void
fleet_add_change(struct fleet *f, size_t i, int slot,
    const struct slot_view *o, const struct slot_view *v)
{
	struct fleet_change *c;

	if (f->nchanges == f->capchanges) {
		size_t cap = f->capchanges ? f->capchanges * 2 : 32;
		struct fleet_change *p;

		if (cap > FLEET_MAX_CHANGES)
			return;		/* nobody drains them: drop */
		p = realloc(f->changes, cap * sizeof *p);
		if (p == NULL)
			return;
		f->changes = p;
		f->capchanges = cap;
	}
	c = &f->changes[f->nchanges++];
	c->inst = i;
	c->slot = slot;
	c->from = o->state;
	c->to = v->state;
	snprintf(c->id, sizeof c->id, "%s", v->id[0] ? v->id : o->id);
}

void
fleet_add_changes(struct fleet *f, size_t i, const struct slot_view nv[32])
{
	const struct slotpack *last = &f->inst[i].last;
	int s;

	for (s = 0; s < 32; s++) {
		struct slot_view o;

		if (nv[s].state == (enum slot_state)last->b[s].state &&
		    strcmp(nv[s].id, slotpack_id(last, s)) == 0)
			continue;
		slotpack_get(last, s, &o);
		fleet_add_change(f, i, s, &o, &nv[s]);
	}
}

/* fleet_add_changes for a view already packed (nv): a slot whose
 * strings are all "" on both sides has the same id without a look. */
static void
add_changes_pack(struct fleet *f, size_t i, const struct slotpack *nv)
{
	const struct slotpack *last = &f->inst[i].last;
	int s;

	for (s = 0; s < 32; s++) {
		struct slot_view o, v;

		if (nv->b[s].state == last->b[s].state &&
		    ((nv->b[s].str | last->b[s].str) == 0 ||
		    strcmp(slotpack_id(nv, s), slotpack_id(last, s)) == 0))
			continue;
		slotpack_get(last, s, &o);
		slotpack_get(nv, s, &v);
		fleet_add_change(f, i, s, &o, &v);
	}
}

int
fleet_load_rt(const struct fleet *f, size_t i, struct store_rt *rt,
    struct err *e)
{
	return fleet_backend_of(f, i)->load_rt(f, i, rt, e);
}

/* Load the runtime for instance in (defaults on any problem, noted in
 * rt_error). */
static void
load_rt(struct fleet *f, struct instance *in, struct store_rt *rt)
{
	struct err e;

	fleet_set_msg(&in->rt_error, NULL);
	if (fleet_load_rt(f, (size_t)(in - f->inst), rt, &e) < 0) {
		store_rt_free(rt);
		store_rt_init(rt, in->name);
		fleet_set_msg(&in->rt_error, e.msg);
	}
}

/* A device behind a bridge whose unplug QEMU has confirmed: `unplugging`,
 * its bus known (numbered, or QOM read) and it nowhere live. */
static int
bridged_gone(const struct store_dev *d, const struct pci_info *live,
    const struct pcitree *t)
{
	int b;

	if (d->bus[0] == '\0' || d->state != STORE_DEV_UNPLUGGING)
		return 0;
	b = pcitree_find_path(t, d->bus);
	return b > 0 && t->bus[b].known && pci_info_find_any(live, d->id) ==
	    NULL;
}

/* Report the unplugs this refresh saw confirmed: the root-bus slots of
 * mask, whose runtime device is `unplugging` and gone from the bus, and
 * the devices behind bridges that bridged_gone() finds.  One report per
 * instance and device until they are taken. */
static void
report_unplugs(struct fleet *f, size_t i, const struct store_rt *rt,
    uint32_t mask, const struct pci_info *live)
{
	struct pcitree t;
	int built = 0;
	size_t s;

	for (s = 0; s < 32 + rt->ndev; s++) {
		const struct store_dev *d;
		struct fleet_unplug *u;
		size_t k;

		if (s < 32 && !(mask & (1u << s)))
			continue;	/* (most refreshes confirm none) */
		d = s < 32 ? store_find_slot(rt, (int)s) : &rt->dev[s - 32];
		if (d == NULL)
			continue;
		if (s >= 32 && (d->bus[0] == '\0' ||
		    d->state != STORE_DEV_UNPLUGGING))
			continue;	/* (bridged_gone's first test) */
		if (s >= 32 && !built) {
			pcitree_build(live, &t);	/* only then */
			built = 1;
		}
		if (s >= 32 && !bridged_gone(d, live, &t))
			continue;
		for (k = 0; k < f->nunplugs; k++)
			if (f->unplugs[k].inst == i &&
			    strcmp(f->unplugs[k].id, d->id) == 0)
				break;
		if (k < f->nunplugs)
			continue;	/* still waiting for its owner */
		if (f->nunplugs == f->capunplugs) {
			size_t cap = f->capunplugs ? f->capunplugs * 2 : 8;

			u = realloc(f->unplugs, cap * sizeof *u);
			if (u == NULL)
				return;	/* the next refresh reports again */
			f->unplugs = u;
			f->capunplugs = cap;
		}
		u = &f->unplugs[f->nunplugs++];
		u->inst = i;
		u->slot = d->slot;
		strcopy(u->id, sizeof u->id, d->id);
	}
}

/* The buses behind the bridges, for the grid's child rows (t with the
 * manager's places held); on no memory the instance shows none. */
static void
set_buses(struct instance *in, const struct pci_info *live,
    const struct pcitree *t, const struct store_rt *rt)
{
	size_t b, n = t->nbus > 1 ? t->nbus - 1 : 0;
	struct inst_bus *v = n ? calloc(n, sizeof *v) : NULL;

	for (b = 0; b < in->nbus; b++)
		slotpack_free(&in->bus[b].slots);
	free(in->bus);
	in->bus = v;
	in->nbus = v ? n : 0;
	for (b = 1; v != NULL && b < t->nbus; b++) {
		struct inst_bus *x = &v[b - 1];

		strcopy(x->path, sizeof x->path, t->bus[b].path);
		strcopy(x->name, sizeof x->name, pcitree_bus_name(t, (int)b));
		x->kind = t->bus[b].kind;
		x->nslots = t->bus[b].nslots;
		x->known = t->bus[b].known;
		x->places = places_count_bus(live, t, rt, (int)b);
		slotpack_init(&x->slots);
		fleet_mgr_pack(in, live, t, (int)b, rt, &x->slots);
	}
}

/* s with its NUL, a word at a time (strings cannot hold a NUL, so
 * different ones never pad alike) */
static uint64_t
fnv_str(uint64_t h, const char *s)
{
	if (s[0] == '\0')
		return fnv_word(h, 0);	/* fnv_words of "": most messages */
	return fnv_words(h, s, strlen(s) + 1);
}

uint64_t
fleet_view_hash(const struct instance *in)
{
	uint64_t h = FNV_OFFSET;
	int v[6];
	size_t k;

	v[0] = (int)in->conn;
	v[1] = in->capacity;
	v[2] = in->version.major;
	v[3] = in->version.minor;
	v[4] = in->version.micro;
	v[5] = (in->last_read > 0) | (in->journal << 1);
	h = fnv_words(h, v, sizeof v);
	h = fnv_str(h, in->version.package);
	h = fnv_str(h, in->protocol);
	h = fnv_str(h, in->error);
	h = fnv_str(h, in->rt_error);
	h = fnv_str(h, in->mgr_error);
	h = fnv_str(h, in->vstate);
	h = slotpack_hash(&in->slots, h);
	h = fnv_word(h, in->nbus);
	for (k = 0; k < in->nbus; k++) {
		const struct inst_bus *b = &in->bus[k];
		int w[4] = { (int)b->kind, b->nslots, b->places, b->known };

		h = fnv_str(h, b->path);
		h = fnv_str(h, b->name);
		h = fnv_words(h, w, sizeof w);
		h = slotpack_hash(&b->slots, h);
	}
	return h;
}

void
fleet_finish(struct fleet *f, size_t i, enum inst_conn conn, const char *msg,
    double now)
{
	struct instance *in = &f->inst[i];
	struct ipriv *p = in->priv;
	uint64_t before = fleet_view_hash(in);
	struct store_rt rt;

	mon_close(p->m);
	fleet_poll_forget(p);
	fleet_run_del(f, i);
	fleet_set_refreshing(f, i, 0);
	in->last_refresh = now;
	in->conn = conn;
	fleet_set_msg(&in->error, msg);
	load_rt(f, in, &rt);
	if (conn == INST_OK) {
		uint32_t confirmed;

		fleet_set_journal(f, i, rt.nintent > 0);
		{
			struct pcitree t;
			uint64_t rth;

			/* the same bus and runtime: the same view
			 * (fleetseen.c); else packed where it is kept: no
			 * 32 wide views */
			if (!fleet_seen_view(f, i, &rt, &rth, &confirmed)) {
				confirmed = fleet_mgr_view(f, i, &p->pci, &rt,
				    &t, &in->slots);
				in->capacity = places_count(&p->pci, &t, &rt);
				set_buses(in, &p->pci, &t, &rt);
				fleet_seen_view_made(f, i, rth, confirmed);
			}
		}
		report_unplugs(f, i, &rt, confirmed, &p->pci);
		/* changes between two reads; an unread spell in between
		 * is no change */
		if (p->have_view)
			add_changes_pack(f, i, &in->slots);
		slotpack_copy(&in->last, &in->slots);
		in->last_read = now;
		p->have_view = 1;
		fleet_seen_keep(p);
		pci_info_free(&in->live);
		in->live = p->pci;
		pci_info_init(&p->pci);
		pci_info_fit(&in->live);	/* kept until the next read */
		strcopy(in->protocol, sizeof in->protocol,
		    mon_proto_name(mon_protocol(p->m)));
		if (p->ver_ok)
			in->version = p->ver;
	} else {
		struct slot_view nv[32];
		size_t k;
		int s;

		fleet_seen_unview(in);	/* the view is written here */
		state_unknown(&rt, &in->live, nv);	/* live: the last read's */
		slotpack_set(&in->slots, nv);
		in->capacity = -1;	/* unknown, as before a read */
		/* behind the bridges nothing is known either */
		for (k = 0; k < in->nbus; k++) {
			in->bus[k].known = 0;
			for (s = 0; s < 32; s++)
				in->bus[k].slots.b[s].state = SLOT_UNKNOWN;
		}
	}
	store_rt_free(&rt);
	pci_info_free(&p->pci);
	qom_scan_free(&p->scan);
	fleet_anon_drop(p);	/* a flow's reply not used: not kept */
	/* nothing of the session is kept while idle (its ops and their
	 * results are a few KB; a fleet holds thousands of idle mons) */
	mon_reset(p->m);
	p->phase = PH_IDLE;
	if (fleet_view_hash(in) != before)
		f->gen++;
}

size_t
fleet_take_changes(struct fleet *f, struct fleet_change **out)
{
	size_t n = f->nchanges;

	*out = f->changes;
	f->changes = NULL;
	f->nchanges = f->capchanges = 0;
	return n;
}

size_t
fleet_take_unplugs(struct fleet *f, struct fleet_unplug **out)
{
	size_t n = f->nunplugs;

	*out = f->unplugs;
	f->unplugs = NULL;
	f->nunplugs = f->capunplugs = 0;
	return n;
}
