/* fleet.c - instances and the non-blocking refresh engine; see fleet.h.
 *
 * Each instance owns one struct mon (core/qemu) reused for every refresh
 * (mon_reset between sessions).  A refresh is one session: version, pci
 * and qom-list of the anonymous devices, then their qom-gets (qemu/anon.h);
 * when the bus has a bridge firmware has not numbered (a paused machine)
 * the same session then reads QOM for the devices QEMU does not list
 * (qemu/qom.h): qom-list, then qom-get per device.  The session is kept
 * open for them; the connection is always closed when the refresh ends.
 * A refresh only reads: the runtime file is loaded, never locked or
 * written, and unplugs it sees confirmed are reported (fleet_take_unplugs)
 * for their owner, unplug.c, to record.  At most f->max_parallel sessions
 * run at once (file descriptors, pollfd arrays); the other refreshes asked
 * for wait in PH_QUEUED and start, in instance order, as sessions end.
 */
#include "fleet/fleet.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "model/places.h"
#include "model/pcitree.h"
#include "qemu/anon.h"
#include "qemu/mon.h"
#include "qemu/qom.h"
#include "store/store.h"
#include "fleet/fleetpriv.h"

#define ALL ((size_t)-1)

static const char *const conn_names[] = {
	"new", "ok", "busy", "unreachable", "error",
};

const char *
inst_conn_name(enum inst_conn c)
{
	if ((unsigned)c < sizeof conn_names / sizeof *conn_names)
		return conn_names[c];
	return "?";
}

/* Copy, cutting to fit. */
static void
setstr(char *dst, size_t sz, const char *src)
{
	size_t n = strlen(src);

	if (n >= sz)
		n = sz - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void
fleet_init(struct fleet *f, const char *runtime_dir)
{
	memset(f, 0, sizeof *f);
	snprintf(f->runtime_dir, sizeof f->runtime_dir, "%s",
	    runtime_dir ? runtime_dir : "");
	f->monitor_timeout_ms = 500;
	f->op_timeout_ms = 2000;
	f->max_parallel = FLEET_MAX_PARALLEL;
}

static void
priv_free(struct instance *in)
{
	struct ipriv *p = in->priv;

	if (p == NULL)
		return;
	mon_free(p->m);
	pci_info_free(&p->pci);
	qom_scan_free(&p->scan);
	free(p);
	in->priv = NULL;
}

void
fleet_free(struct fleet *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		priv_free(&f->inst[i]);
		pci_info_free(&f->inst[i].live);
		free(f->inst[i].bus);
	}
	free(f->inst);
	free(f->changes);
	free(f->unplugs);
	f->inst = NULL;
	f->changes = NULL;
	f->unplugs = NULL;
	f->n = f->cap = f->nchanges = f->capchanges = 0;
	f->nunplugs = f->capunplugs = 0;
}

long
fleet_find(const struct fleet *f, const char *name, struct err *e)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->inst[i].name, name) == 0)
			return (long)i;
	return err_set(e, "no instance called '%s'", name);
}

int
fleet_add(struct fleet *f, const char *name, const char *endpoint,
    struct err *e)
{
	struct mon_opts o = { 0 };
	struct instance *in;
	struct ipriv *p;
	struct mon *m;

	if (store_check_name(name, e) < 0)
		return -1;
	if (fleet_find(f, name, NULL) >= 0)
		return err_set(e, "instance %s is given twice", name);
	if (instsrc_check_endpoint(endpoint, strlen(endpoint), e) < 0)
		return err_prefix(e, "instance %s", name);
	o.greet_ms = f->monitor_timeout_ms > 0 ? f->monitor_timeout_ms : 500;
	o.op_ms = f->op_timeout_ms > 0 ? f->op_timeout_ms : 2000;
	/* QOM may follow the queries (the anonymous devices' qom-gets, an
	 * unnumbered bridge's scan); finish() closes */
	o.keep_open = 1;
	m = mon_new(endpoint, &o, e);
	if (m == NULL)
		return err_prefix(e, "instance %s", name);
	p = calloc(1, sizeof *p);
	if (p == NULL) {
		mon_free(m);
		return err_set(e, "out of memory");
	}
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 8;
		struct instance *v = realloc(f->inst, cap * sizeof *v);

		if (v == NULL) {
			mon_free(m);
			free(p);
			return err_set(e, "out of memory");
		}
		f->inst = v;
		f->cap = cap;
	}
	p->m = m;
	pci_info_init(&p->pci);
	qom_scan_init(&p->scan);
	in = &f->inst[f->n];
	memset(in, 0, sizeof *in);
	snprintf(in->name, sizeof in->name, "%s", name);
	snprintf(in->endpoint, sizeof in->endpoint, "%s", endpoint);
	in->conn = INST_NEW;
	in->capacity = -1;
	pci_info_init(&in->live);
	in->priv = p;
	{
		/* Before the first refresh: what the runtime alone says. */
		struct store_rt rt;
		struct err e2;

		store_rt_init(&rt, name);
		if (f->runtime_dir[0] != '\0' &&
		    store_load(f->runtime_dir, name, &rt, &e2) < 0) {
			store_rt_free(&rt);
			store_rt_init(&rt, name);
			setstr(in->rt_error, sizeof in->rt_error, e2.msg);
		}
		state_unknown(&rt, in->slots);	/* never read */
		store_rt_free(&rt);
	}
	return (int)f->n++;
}

int
fleet_add_list(struct fleet *f, const struct instsrc_list *l, struct err *e)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (fleet_add(f, l->v[i].name, l->v[i].endpoint, e) < 0)
			return -1;
	return 0;
}

int
inst_read(const struct instance *in)
{
	return in->conn == INST_OK;
}

uint32_t
fleet_view(const struct fleet *f, size_t i, const struct store_rt *rt,
    struct slot_view out[32])
{
	const struct instance *in = &f->inst[i];

	if (inst_read(in))
		return state_reconcile(&in->live, rt, out);
	state_unknown(rt, out);
	return 0;
}

size_t
fleet_npending(const struct fleet *f)
{
	size_t i, n = 0;

	for (i = 0; i < f->n; i++)
		n += f->inst[i].refreshing != 0;
	return n;
}

static void
add_change(struct fleet *f, size_t i, int slot, const struct slot_view *o,
    const struct slot_view *v)
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

int
fleet_load_rt(const struct fleet *f, size_t i, struct store_rt *rt,
    struct err *e)
{
	if (f->runtime_dir[0] == '\0') {
		store_rt_init(rt, f->inst[i].name);
		return 0;
	}
	return store_load(f->runtime_dir, f->inst[i].name, rt, e);
}

/* Load the runtime for instance in (defaults on any problem, noted in
 * rt_error). */
static void
load_rt(struct fleet *f, struct instance *in, struct store_rt *rt)
{
	struct err e;

	in->rt_error[0] = '\0';
	if (fleet_load_rt(f, (size_t)(in - f->inst), rt, &e) < 0) {
		store_rt_free(rt);
		store_rt_init(rt, in->name);
		snprintf(in->rt_error, sizeof in->rt_error, "%s", e.msg);
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
	size_t s;

	pcitree_build(live, &t);
	for (s = 0; s < 32 + rt->ndev; s++) {
		const struct store_dev *d = s < 32 ?
		    store_find_slot(rt, (int)s) : &rt->dev[s - 32];
		struct fleet_unplug *u;
		size_t k;

		if (s < 32 ? !(mask & (1u << s)) || d == NULL :
		    !bridged_gone(d, live, &t))
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
		setstr(u->id, sizeof u->id, d->id);
	}
}

/* The buses behind the bridges, for the grid's child rows; on no memory
 * the instance shows none. */
static void
set_buses(struct instance *in, const struct pci_info *live,
    const struct pcitree *t, const struct store_rt *rt)
{
	size_t b, n = t->nbus > 1 ? t->nbus - 1 : 0;
	struct inst_bus *v = n ? calloc(n, sizeof *v) : NULL;

	free(in->bus);
	in->bus = v;
	in->nbus = v ? n : 0;
	for (b = 1; v != NULL && b < t->nbus; b++) {
		struct inst_bus *x = &v[b - 1];

		setstr(x->path, sizeof x->path, t->bus[b].path);
		setstr(x->name, sizeof x->name, pcitree_bus_name(t, (int)b));
		x->kind = t->bus[b].kind;
		x->nslots = t->bus[b].nslots;
		x->known = t->bus[b].known;
		x->places = places_count_bus(live, t, rt, (int)b);
		state_reconcile_bus(live, t, (int)b, rt, x->slots);
	}
}

/* The end of a refresh: publish the new view (or, when the bus was not
 * read, unknown states and the error), and events. */
static void
finish(struct fleet *f, size_t i, enum inst_conn conn, const char *msg,
    double now)
{
	struct instance *in = &f->inst[i];
	struct ipriv *p = in->priv;
	struct store_rt rt;

	mon_close(p->m);
	in->refreshing = 0;
	in->last_refresh = now;
	in->conn = conn;
	setstr(in->error, sizeof in->error, msg ? msg : "");
	load_rt(f, in, &rt);
	if (conn == INST_OK) {
		struct slot_view nv[32];
		uint32_t confirmed;
		int s;

		in->journal = rt.nintent > 0;
		confirmed = state_reconcile(&p->pci, &rt, nv);
		{
			struct pcitree t;

			pcitree_build(&p->pci, &t);
			in->capacity = places_count(&p->pci, &t, &rt);
			set_buses(in, &p->pci, &t, &rt);
		}
		report_unplugs(f, i, &rt, confirmed, &p->pci);
		/* changes between two reads; an unread spell in between
		 * is no change */
		if (p->have_view)
			for (s = 0; s < 32; s++)
				if (nv[s].state != in->last[s].state ||
				    strcmp(nv[s].id, in->last[s].id) != 0)
					add_change(f, i, s, &in->last[s],
					    &nv[s]);
		memcpy(in->slots, nv, sizeof nv);
		memcpy(in->last, nv, sizeof nv);
		in->last_read = now;
		p->have_view = 1;
		pci_info_free(&in->live);
		in->live = p->pci;
		pci_info_init(&p->pci);
		snprintf(in->protocol, sizeof in->protocol, "%s",
		    mon_proto_name(mon_protocol(p->m)));
		if (p->ver_ok)
			in->version = p->ver;
	} else {
		size_t k;
		int s;

		state_unknown(&rt, in->slots);
		in->capacity = -1;	/* unknown, as before a read */
		/* behind the bridges nothing is known either */
		for (k = 0; k < in->nbus; k++) {
			in->bus[k].known = 0;
			for (s = 0; s < 32; s++)
				in->bus[k].slots[s].state = SLOT_UNKNOWN;
		}
	}
	store_rt_free(&rt);
	pci_info_free(&p->pci);
	qom_scan_free(&p->scan);
	p->phase = PH_IDLE;
}

static enum inst_conn
conn_of(enum monerr_kind k)
{
	switch (k) {
	case MONERR_BUSY:
		return INST_BUSY;
	case MONERR_UNREACHABLE:
		return INST_UNREACHABLE;
	default:
		return INST_ERROR;
	}
}

/* The queries ended (status IDLE or DONE). */
static void
queries_done(struct fleet *f, size_t i, double now)
{
	struct instance *in = &f->inst[i];
	struct ipriv *p = in->priv;
	const struct mon_result *rv = mon_result(p->m, p->opv);
	const struct mon_result *rp = mon_result(p->m, p->opp);
	char msg[300];
	int k;

	p->ver_ok = rv != NULL && rv->ok;
	if (p->ver_ok)
		p->ver = rv->version;
	if (rp == NULL || !rp->ok) {
		snprintf(msg, sizeof msg, "query pci failed: %s",
		    rp ? rp->msg : "no result");
		finish(f, i, INST_ERROR, msg, now);
		return;
	}
	pci_info_free(&p->pci);
	if (mon_take_pci(p->m, p->opp, &p->pci) < 0) {
		finish(f, i, INST_ERROR, "query pci gave no bus", now);
		return;
	}
	for (k = 0; k < p->nanon; k++)
		if (p->anon_op[k] >= 0)
			anon_mark(&p->pci, mon_result(p->m, p->anon_op[k]),
			    mon_result(p->m, p->anon_op[k] + 1));
	if (pci_info_has_unnumbered(&p->pci) && fleet_qom_list(p) == 0)
		return;		/* the session goes on */
	finish(f, i, INST_OK, NULL, now);
}

/* The queries answered: queue the qom-gets of the anonymous devices
 * qom-list named (anon.h).  1 when some were queued. */
static int
ask_anon(struct ipriv *p)
{
	int idx[ANON_MAX];
	struct err e;
	size_t n, k;

	p->asked = 1;
	n = anon_children(mon_result(p->m, p->opa), mon_protocol(p->m), idx,
	    ANON_MAX);
	p->nanon = 0;
	for (k = 0; k < n; k++)
		p->anon_op[p->nanon++] = anon_queue_get(p->m, idx[k], &e);
	return p->nanon > 0;
}

/* React to a status after mon_start / mon_step. */
static void
advance(struct fleet *f, size_t i, enum mon_status st, double now)
{
	struct ipriv *p = f->inst[i].priv;
	struct err e;

	if (st == MON_RUNNING)
		return;
	if (st == MON_FAILED) {
		enum monerr_kind k = mon_error(p->m, &e);

		finish(f, i, conn_of(k), e.msg, now);
		return;
	}
	if (p->phase == PH_QUERY && !p->asked && ask_anon(p)) {
		advance(f, i, mon_start(p->m), now);
		return;
	}
	if (p->phase == PH_QUERY)
		queries_done(f, i, now);
	else if (p->phase == PH_QOMLIST) {
		int rc = fleet_qom_gets(p);

		if (rc == 1)
			fleet_qom_merge_empty(p);
		if (rc != 0)
			finish(f, i, INST_OK, NULL, now);
	} else if (p->phase == PH_QOMGET) {
		fleet_qom_done(p);
		finish(f, i, INST_OK, NULL, now);
	}
}

static int
active(const struct ipriv *p)
{
	return p->phase >= PH_QUERY;
}

/* Open the session of a queued refresh. */
static void
launch(struct fleet *f, size_t i, double now)
{
	struct instance *in = &f->inst[i];
	struct ipriv *p = in->priv;
	struct err e;

	mon_reset(p->m);
	pci_info_free(&p->pci);
	p->ver_ok = 0;
	p->opv = mon_add(p->m, &(struct mon_req){ .op = MON_OP_QUERY_VERSION },
	    &e);
	p->opp = mon_add(p->m, &(struct mon_req){ .op = MON_OP_QUERY_PCI }, &e);
	p->opa = anon_queue_list(p->m, NULL);
	p->asked = 0;
	p->nanon = 0;
	p->phase = PH_QUERY;
	if (p->opv < 0 || p->opp < 0) {
		finish(f, i, INST_ERROR, e.msg, now);
		return;
	}
	advance(f, i, mon_start(p->m), now);
}

/* Start queued refreshes while fewer than max_parallel sessions run. */
static void
pump(struct fleet *f, double now)
{
	size_t i, run = 0, cap;

	cap = f->max_parallel > 0 ? (size_t)f->max_parallel :
	    FLEET_MAX_PARALLEL;
	for (i = 0; i < f->n; i++)
		run += active(f->inst[i].priv);
	for (i = 0; i < f->n && run < cap; i++) {
		struct ipriv *p = f->inst[i].priv;

		if (p->phase != PH_QUEUED)
			continue;
		launch(f, i, now);
		run += active(p);
	}
}

static void
queue_one(struct fleet *f, size_t i)
{
	struct instance *in = &f->inst[i];
	struct ipriv *p = in->priv;

	if (in->refreshing)
		return;
	in->refreshing = 1;
	p->phase = PH_QUEUED;
}

void
fleet_refresh_start(struct fleet *f, size_t i, double now)
{
	size_t k;

	if (i != ALL) {
		if (i < f->n)
			queue_one(f, i);
	} else {
		for (k = 0; k < f->n; k++)
			queue_one(f, k);
	}
	pump(f, now);
}

size_t
fleet_pollfds(struct fleet *f, struct pollfd *pfd, size_t max,
    int *timeout_ms)
{
	size_t i, n = 0;

	for (i = 0; i < f->n; i++) {
		struct ipriv *p = f->inst[i].priv;
		int t;

		p->pidx = ALL;
		if (!f->inst[i].refreshing || !active(p))
			continue;
		t = mon_timeout_ms(p->m);
		if (t >= 0 && (*timeout_ms < 0 || t < *timeout_ms))
			*timeout_ms = t;
		if (mon_fd(p->m) < 0 || n >= max)
			continue;
		pfd[n].fd = mon_fd(p->m);
		pfd[n].events = mon_poll_events(p->m);
		pfd[n].revents = 0;
		p->pidx = n++;
	}
	return n;
}

void
fleet_step(struct fleet *f, const struct pollfd *pfd, size_t n, double now)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		struct ipriv *p = f->inst[i].priv;
		short rev = 0;

		if (!f->inst[i].refreshing || !active(p))
			continue;
		if (p->pidx < n && pfd[p->pidx].fd == mon_fd(p->m))
			rev = pfd[p->pidx].revents;
		p->pidx = ALL;
		advance(f, i, mon_step(p->m, rev), now);
	}
	pump(f, now);
}

static int
pending_in(const struct fleet *f, size_t i)
{
	if (i != ALL)
		return i < f->n && f->inst[i].refreshing;
	return fleet_npending(f) > 0;
}

void
fleet_refresh_wait(struct fleet *f, size_t i)
{
	struct pollfd *pfd = NULL;
	size_t cap = 0;

	while (pending_in(f, i)) {
		size_t n, want = fleet_npending(f);
		int timeout = -1;

		if (want > cap) {
			struct pollfd *q = realloc(pfd, want * sizeof *q);

			if (q == NULL)
				break;
			pfd = q;
			cap = want;
		}
		n = fleet_pollfds(f, pfd, cap, &timeout);
		if (timeout < 0 || timeout > 1000)
			timeout = 1000;	/* a safety net; deadlines rule */
		if (poll(pfd, n, timeout) < 0 && errno != EINTR)
			break;
		fleet_step(f, pfd, n, clock_wall_s());
	}
	free(pfd);
}

void
fleet_refresh_cancel(struct fleet *f, size_t i)
{
	size_t k;

	for (k = 0; k < f->n; k++) {
		struct ipriv *p = f->inst[k].priv;

		if ((i != ALL && k != i) || !f->inst[k].refreshing)
			continue;
		mon_reset(p->m);
		pci_info_free(&p->pci);
		qom_scan_free(&p->scan);
		p->phase = PH_IDLE;
		f->inst[k].refreshing = 0;
	}
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
