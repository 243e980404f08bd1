/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fleetvirt.c - libvirt sources in the fleet; see fleetvirt.h. */
#include "fleet/fleetvirt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/strcopy.h"
#include "fleet/fleet.h"
#include "fleet/fleetback.h"
#include "fleet/fleetpriv.h"
#include "model/state.h"
#include "virt/domxml.h"
#include "virt/virtsrc.h"

/* An instance's last libvirt view, for fleet_load_rt. */
struct view {
	size_t inst;
	struct domxml xml;
};

/* A removal asked for and not yet reported. */
struct pending {
	size_t inst;
	char alias[128];
};

struct fleetvirt {
	struct virtsrc *s;
	struct view *views;
	size_t nviews;
	struct pending *pend;
	size_t npend;
	unsigned long asked;	/* the seq a refresh asked for will have */
	unsigned long seen;	/* the last snapshot applied */
	char endpoint[256];
};

/* The instance of domain name from source k, or -1. */
static long
find(const struct fleet *f, size_t k, const char *name)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (f->inst[i].src == (int)k + 1 &&
		    strcmp(f->inst[i].vdom, name) == 0)
			return (long)i;
	return -1;
}

/* Not read: its slots are unknown (the last read view stays in last[],
 * live), as for a monitor that cannot be read. */
static void
unreachable(struct fleet *f, size_t i, const char *msg, double now)
{
	struct instance *in = &f->inst[i];
	struct slot_view nv[32];
	struct store_rt rt;

	store_rt_init(&rt, in->name);
	state_unknown(&rt, &in->live, nv);
	fleet_seen_unview(in);
	slotpack_set(&in->slots, nv);
	store_rt_free(&rt);
	in->capacity = -1;
	in->conn = INST_UNREACHABLE;
	fleet_set_msg(&in->error, msg);
	fleet_set_refreshing(f, i, 0);
	in->last_refresh = now;
}

/* Keep instance i's XML (moved out of d). */
static void
keep(struct fleetvirt *v, size_t i, struct domxml *x)
{
	size_t k;
	struct view *nv;

	for (k = 0; k < v->nviews && v->views[k].inst != i; k++)
		;
	if (k == v->nviews) {
		nv = realloc(v->views, (k + 1) * sizeof *nv);
		if (nv == NULL)
			return;	/* load_rt then says so */
		v->views = nv;
		v->nviews++;
		nv[k].inst = i;
		domxml_init(&nv[k].xml);
	}
	domxml_free(&v->views[k].xml);
	v->views[k].xml = *x;
	domxml_init(x);
}

/* Devices whose removal is pending show unplugging; a removal libvirt
 * reported done or failed, or a device gone from the XML, is no longer
 * pending. */
static void
mark_pending(struct fleetvirt *v, size_t i, const char *dom,
    const struct domxml *x, struct store_rt *rt)
{
	size_t k = 0;

	while (k < v->npend) {
		struct pending *p = &v->pend[k];
		struct store_dev *sd;

		if (p->inst != i) {
			k++;
			continue;
		}
		if (domxml_find(x, p->alias) == NULL ||
		    virtsrc_removal(v->s, dom, p->alias, 0) !=
		    VIRTSRC_RM_PENDING) {
			*p = v->pend[--v->npend];
			continue;
		}
		if ((sd = store_find_id(rt, p->alias)) != NULL)
			sd->state = STORE_DEV_UNPLUGGING;
		k++;
	}
}

/* The owners of a libvirt instance's slots: its devices and the slots
 * libvirt's address rules keep are libvirt's. */
static void
owners(const struct fleet *f, size_t i, struct slot_view *v)
{
	int s;

	(void)f;
	(void)i;
	for (s = 0; s < 32; s++) {
		enum slot_state st = v[s].state;

		if (v[s].owner[0] == '\0' && (st == SLOT_USED ||
		    st == SLOT_UNPLUGGING || st == SLOT_MISSING ||
		    (v[s].reserved && (st == SLOT_RESERVED ||
		    st == SLOT_BUILTIN))))
			snprintf(v[s].owner, sizeof v[s].owner, "%s",
			    DOMXML_OWNER);
	}
}

static int
load_rt(const struct fleet *f, size_t i, struct store_rt *rt, struct err *e)
{
	const struct fleetvirt *v;
	size_t k;

	store_rt_init(rt, f->inst[i].name);
	if (f->inst[i].src <= 0 || (size_t)f->inst[i].src > f->nvirt)
		return err_set(e, "%s is not a libvirt domain",
		    f->inst[i].name);
	v = f->virt[f->inst[i].src - 1];
	for (k = 0; k < v->nviews; k++)
		if (v->views[k].inst == i) {
			store_rt_free(rt);
			if (domxml_rt(&v->views[k].xml, f->inst[i].name, rt,
			    e) < 0)
				return -1;
			mark_pending((struct fleetvirt *)v, i,
			    f->inst[i].vdom, &v->views[k].xml, rt);
			return 0;
		}
	return err_set(e, "libvirt has not described %s yet",
	    f->inst[i].name);
}

/* The host a connection's rows are grouped under: the URI's host, else
 * the connection's hostname, else "local". */
static void
host_of(const struct virtsrc_snap *sn, char *out, size_t sz)
{
	const char *p = strstr(sn->uri, "://");
	size_t n;

	strcopy(out, sz, sn->host[0] ? sn->host : "local");
	if (p == NULL)
		return;
	p += 3;
	if (strchr(p, '@') != NULL && strchr(p, '@') < p + strcspn(p, "/?"))
		p = strchr(p, '@') + 1;
	n = strcspn(p, ":/?");
	if (n > 0 && n < sz) {
		memcpy(out, p, n);
		out[n] = '\0';
	}
}

/* A new instance for domain dom of source k: named dom, or dom@host when
 * that is taken (another connection's domain, a monitor instance), or
 * dom@host-K. */
static long
add_dom(struct fleet *f, size_t k, const char *dom, const char *host)
{
	char name[STORE_NAME_MAX + 1];
	struct err e;
	long i;

	snprintf(name, sizeof name, "%s", dom);
	if (fleet_find_exact(f, name) >= 0)
		snprintf(name, sizeof name, "%.31s@%.31s", dom, host);
	if (fleet_find_exact(f, name) >= 0)
		snprintf(name, sizeof name, "%.31s@%.24s-%zu", dom, host, k + 1);
	if ((i = fleet_add_backend(f, name, f->virt[k]->endpoint,
	    FLEET_BACK_LIBVIRT, (int)k + 1, &e)) < 0)
		return -1;
	strcopy(f->inst[i].vdom, sizeof f->inst[i].vdom, dom);
	strcopy(f->inst[i].host, sizeof f->inst[i].host, host);
	strcopy(f->inst[i].protocol, sizeof f->inst[i].protocol, "libvirt");
	return i;
}

static void
apply_dom(struct fleet *f, size_t k, struct virtsrc_dom *d,
    const char *host, double now)
{
	struct pci_info live;
	struct store_rt rt;
	struct err e;
	long i = find(f, k, d->name);
	struct instance *in;

	if (i < 0) {
		i = add_dom(f, k, d->name, host);
		if (i < 0)
			return;	/* a name slotscope cannot take: left out */
	}
	in = &f->inst[i];
	strcopy(in->vstate, sizeof in->vstate, d->state);
	if (d->error[0] != '\0') {
		unreachable(f, (size_t)i, d->error, now);
		in->conn = INST_ERROR;
		return;
	}
	pci_info_init(&live);
	if (domxml_pci(&d->xml, &live, &e) < 0 ||
	    domxml_rt(&d->xml, in->name, &rt, &e) < 0) {
		unreachable(f, (size_t)i, e.msg, now);
		in->conn = INST_ERROR;
		pci_info_free(&live);
		store_rt_free(&rt);
		return;
	}
	mark_pending(f->virt[k], (size_t)i, in->vdom, &d->xml, &rt);
	fleet_publish(f, (size_t)i, &live, &rt, now);
	pci_info_free(&live);
	store_rt_free(&rt);
	keep(f->virt[k], (size_t)i, &d->xml);
}

static void
apply(struct fleet *f, size_t k, struct virtsrc_snap *sn, double now)
{
	struct fleetvirt *v = f->virt[k];
	int done = sn->seq >= v->asked;
	char host[64];
	size_t i, j;

	v->seen = sn->seq;
	f->gen++;	/* a snapshot may change any of its rows */
	host_of(sn, host, sizeof host);
	for (i = 0; sn->ok && i < sn->n; i++)
		apply_dom(f, k, &sn->dom[i], host, now);
	for (i = 0; i < f->n; i++) {
		struct instance *in = &f->inst[i];

		if (in->src != (int)k + 1)
			continue;
		if (!sn->ok) {
			unreachable(f, i, sn->error, now);
			continue;
		}
		for (j = 0; j < sn->n && strcmp(sn->dom[j].name, in->vdom); j++)
			;
		if (j == sn->n) {
			unreachable(f, i, "the domain is not running", now);
			in->vstate[0] = '\0';
		}
		if (!done)
			fleet_set_refreshing(f, i, 1);	/* the asked-for
							 * one is next */
	}
}

int
fleet_add_libvirt(struct fleet *f, const char *uri, double interval,
    int wait_ms, struct err *e)
{
	struct virtsrc_snap sn;
	struct fleetvirt *v, **nv;
	size_t k = f->nvirt, before = f->n;

	if ((v = calloc(1, sizeof *v)) == NULL)
		return err_set(e, "out of memory");
	if ((v->s = virtsrc_open(uri, interval, e)) == NULL) {
		free(v);
		return -1;
	}
	snprintf(v->endpoint, sizeof v->endpoint, "libvirt:%s",
	    virtsrc_uri(v->s));
	virtsrc_snap_init(&sn);
	if (!virtsrc_wait(v->s, &sn, wait_ms)) {
		err_set(e, "libvirt %s did not answer within %d ms",
		    virtsrc_uri(v->s), wait_ms);
		goto fail;
	}
	if (!sn.ok) {
		err_set(e, "%s", sn.error);
		goto fail;
	}
	if ((nv = realloc(f->virt, (k + 1) * sizeof *nv)) == NULL) {
		err_set(e, "out of memory");
		goto fail;
	}
	f->virt = nv;
	f->virt[f->nvirt++] = v;
	apply(f, k, &sn, clock_wall_s());
	virtsrc_snap_free(&sn);
	return (int)(f->n - before);
fail:
	virtsrc_snap_free(&sn);
	virtsrc_close(v->s);
	free(v);
	return -1;
}

/* Instance i's refresh: its source's snapshot, asked for. */
static void
refresh(struct fleet *f, size_t i)
{
	struct fleetvirt *v;
	size_t k = (size_t)f->inst[i].src - 1;

	if (f->inst[i].src <= 0 || k >= f->nvirt)
		return;
	v = f->virt[k];
	v->asked = virtsrc_refresh(v->s);
}

static size_t
pollfds(struct fleet *f, struct pollfd *pfd, size_t max, int *timeout_ms)
{
	size_t k, n = 0;

	(void)timeout_ms;	/* the worker thread keeps libvirt's time */

	for (k = 0; k < f->nvirt && n < max; k++, n++) {
		pfd[n].fd = virtsrc_fd(f->virt[k]->s);
		pfd[n].events = POLLIN;
		pfd[n].revents = 0;
	}
	return n;
}

static void
step(struct fleet *f, const struct pollfd *pfd, size_t n, double now)
{
	struct virtsrc_snap sn;
	size_t k;

	(void)pfd;
	(void)n;
	if (f->nvirt == 0)
		return;		/* no libvirt here: no snapshot (2 KB) to clear
				 * at every wakeup of a monitor fleet */
	virtsrc_snap_init(&sn);
	/* taking is cheap and safe whatever poll said */
	for (k = 0; k < f->nvirt; k++)
		if (virtsrc_take(f->virt[k]->s, &sn))
			apply(f, k, &sn, now);
	virtsrc_snap_free(&sn);
}

static void
free_all(struct fleet *f)
{
	size_t k;

	for (k = 0; k < f->nvirt; k++) {
		struct fleetvirt *v = f->virt[k];
		size_t j;

		virtsrc_close(v->s);
		for (j = 0; j < v->nviews; j++)
			domxml_free(&v->views[j].xml);
		free(v->views);
		free(v->pend);
		free(v);
	}
	free(f->virt);
	f->virt = NULL;
	f->nvirt = 0;
}

/* One pollfd per connection, refreshing or not (events come any time). */
static size_t
npending(const struct fleet *f)
{
	return f->nvirt;
}

const struct fleet_backend fleet_backend_libvirt = {
	.name = "libvirt",
	.refresh = refresh,
	.pollfds = pollfds,
	.step = step,
	.npending = npending,
	/* cancel: nothing; its source's snapshot is harmless */
	.load_rt = load_rt,
	.owners = owners,
	.free = free_all,
};

static struct fleetvirt *
src_of(const struct fleet *f, size_t i, struct err *e)
{
	if (i >= f->n || f->inst[i].src <= 0 ||
	    (size_t)f->inst[i].src > f->nvirt) {
		err_set(e, "%s is not a libvirt domain",
		    i < f->n ? f->inst[i].name : "?");
		return NULL;
	}
	return f->virt[f->inst[i].src - 1];
}

static const struct domxml *
xml_of(const struct fleet *f, size_t i)
{
	const struct fleetvirt *v = src_of(f, i, NULL);
	size_t k;

	for (k = 0; v != NULL && k < v->nviews; k++)
		if (v->views[k].inst == i)
			return &v->views[k].xml;
	return NULL;
}

int
fleet_libvirt_attach(struct fleet *f, size_t i, const char *xml,
    int persist, struct err *e)
{
	struct fleetvirt *v = src_of(f, i, e);

	if (v == NULL)
		return -1;
	return virtsrc_attach(v->s, f->inst[i].vdom, xml, persist, e);
}

int
fleet_libvirt_detach(struct fleet *f, size_t i, const char *alias,
    int persist, int wait_ms, struct err *e)
{
	struct fleetvirt *v = src_of(f, i, e);
	struct pending *np;

	if (v == NULL)
		return -1;
	if (virtsrc_detach(v->s, f->inst[i].vdom, alias, persist, e) < 0)
		return -1;
	switch (virtsrc_removal(v->s, f->inst[i].vdom, alias, wait_ms)) {
	case VIRTSRC_RM_REMOVED:
		return 1;
	case VIRTSRC_RM_FAILED:
		return err_set(e, "libvirt reports that the removal of %s from "
		    "%s failed (the guest refused it); it stays plugged",
		    alias, f->inst[i].name);
	default:
		break;
	}
	np = realloc(v->pend, (v->npend + 1) * sizeof *np);
	if (np != NULL) {
		v->pend = np;
		np[v->npend].inst = i;
		strcopy(np[v->npend].alias, sizeof np[v->npend].alias, alias);
		v->npend++;
	}
	return 0;
}

const struct domxml_dev *
fleet_libvirt_dev_at(const struct fleet *f, size_t i, int bus, int slot)
{
	const struct domxml *x = xml_of(f, i);
	size_t k;

	for (k = 0; x != NULL && k < x->ndev; k++)
		if (x->dev[k].pci && x->dev[k].bus == bus &&
		    x->dev[k].slot == slot && x->dev[k].func == 0)
			return &x->dev[k];
	return NULL;
}

int
fleet_libvirt_free_target(const struct fleet *f, size_t i, char *out,
    size_t sz, struct err *e)
{
	const struct domxml *x = xml_of(f, i);
	char name[8];
	size_t k;
	int c;

	if (x == NULL)
		return err_set(e, "libvirt has not described %s yet",
		    f->inst[i].name);
	for (c = 'a'; c <= 'z'; c++) {
		snprintf(name, sizeof name, "vd%c", c);
		for (k = 0; k < x->ndev && strcmp(x->dev[k].target, name); k++)
			;
		if (k == x->ndev) {
			snprintf(out, sz, "%s", name);
			return 0;
		}
	}
	return err_set(e, "%s has no free virtio disk name (vda..vdz)",
	    f->inst[i].name);
}
