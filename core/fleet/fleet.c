/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fleet.c - instances, the non-blocking refresh engine and its first
 * backend, the QEMU monitor (fleet_backend_monitor); see fleet.h.  The
 * fleet's entry points (refresh, pollfds, step, cancel) go to each
 * instance's backend through fleetback.h's table.
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
 * What a finished refresh publishes is fleetend.c's.
 * The open sessions are kept in f->run (sorted by instance), in an
 * epoll set and in a heap of their deadlines (fleetpoll.c): a wakeup
 * steps the sessions the set says are ready and those the heap says are
 * due, without a walk of the open sessions; queued
 * refreshes are counted, and the search for the next starts at f->qlow,
 * below which none waits.
 */
#include "fleet/fleet.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "fleet/fleetagentpriv.h"
#include "fleet/fleetback.h"
#include "model/places.h"
#include "model/pcitree.h"
#include "qemu/anon.h"
#include "mgr/mgr.h"
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

void
fleet_init(struct fleet *f, const char *runtime_dir)
{
	memset(f, 0, sizeof *f);
	snprintf(f->runtime_dir, sizeof f->runtime_dir, "%s",
	    runtime_dir ? runtime_dir : "");
	f->monitor_timeout_ms = 500;
	f->op_timeout_ms = 2000;
	f->max_parallel = FLEET_MAX_PARALLEL;
	if ((f->rtc = malloc(sizeof *f->rtc)) != NULL)
		store_cache_init(f->rtc);
	fleet_seen_init(f);
}

void
fleet_free(struct fleet *f)
{
	size_t i;

	for (i = 0; i < FLEET_BACK_N; i++)
		if (fleet_backends[i]->free != NULL)
			fleet_backends[i]->free(f);
	for (i = 0; i < f->n; i++)
		fleet_inst_free(&f->inst[i]);
	free(f->inst);
	free(f->changes);
	free(f->unplugs);
	free(f->run);
	fleet_poll_free(f);
	if (f->rtc != NULL)
		store_cache_free(f->rtc);
	free(f->rtc);
	f->rtc = NULL;
	nameidx_free(&f->names);
	f->inst = NULL;
	f->changes = NULL;
	f->unplugs = NULL;
	f->n = f->cap = f->nchanges = f->capchanges = 0;
	f->nunplugs = f->capunplugs = 0;
	f->run = NULL;
	f->nrun = f->caprun = f->nqueued = f->qlow = 0;
	f->nrefreshing = 0;
}

static const char *
name_at(const void *ctx, size_t i)
{
	return ((const struct fleet *)ctx)->inst[i].name;
}

long
fleet_find_exact(const struct fleet *f, const char *name)
{
	return nameidx_find(&f->names, name, name_at, f);
}

long
fleet_find(const struct fleet *f, const char *name, struct err *e)
{
	long i = fleet_find_exact(f, name);

	if (i >= 0)
		return i;
	if (f->nhosts > 0 && strchr(name, '/') == NULL)
		return fleetagent_find_bare(f, name, e);
	return err_set(e, "no instance called '%s'", name);
}

/* Append an instance with this priv (taken over, also on failure). */
int
fleet_append(struct fleet *f, const char *name, const char *endpoint,
    struct ipriv *p, struct err *e)
{
	struct instance *in;

	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 8;
		struct instance *v = realloc(f->inst, cap * sizeof *v);

		if (v == NULL) {
			mon_free(p->m);
			free(p);
			return err_set(e, "out of memory");
		}
		f->inst = v;
		f->cap = cap;
	}
	if (nameidx_add(&f->names, name, f->n) < 0) {
		mon_free(p->m);
		free(p);
		return err_set(e, "out of memory");
	}
	pci_info_init(&p->pci);
	qom_scan_init(&p->scan);
	in = &f->inst[f->n];
	memset(in, 0, sizeof *in);
	snprintf(in->name, sizeof in->name, "%s", name);
	snprintf(in->endpoint, sizeof in->endpoint, "%s", endpoint);
	in->conn = INST_NEW;
	in->capacity = -1;
	in->error = in->rt_error = in->mgr_error = "";
	in->mgr = &fleet_mgr_none;
	slotpack_init(&in->slots);
	slotpack_init(&in->last);
	pci_info_init(&in->live);
	in->priv = p;
	f->gen++;
	return (int)f->n++;
}

int
fleet_add(struct fleet *f, const char *name, const char *endpoint,
    struct err *e)
{
	struct mon_opts o = { 0 };
	struct instance *in;
	struct ipriv *p;
	struct mon *m;
	int i;

	if (store_check_name(name, e) < 0)
		return -1;
	if (fleet_find_exact(f, name) >= 0)
		return err_set(e, "instance %s is given twice", name);
	if (instsrc_check_endpoint(endpoint, strlen(endpoint), e) < 0)
		return err_prefix(e, "instance %s", name);
	o.greet_ms = f->monitor_timeout_ms > 0 ? f->monitor_timeout_ms : 500;
	o.op_ms = f->op_timeout_ms > 0 ? f->op_timeout_ms : 2000;
	/* QOM may follow the queries (the anonymous devices' qom-gets, an
	 * unnumbered bridge's scan); fleet_finish() closes */
	o.keep_open = 1;
	m = mon_new(endpoint, &o, e);
	if (m == NULL)
		return err_prefix(e, "instance %s", name);
	p = calloc(1, sizeof *p);
	if (p == NULL) {
		mon_free(m);
		return err_set(e, "out of memory");
	}
	p->m = m;
	if ((i = fleet_append(f, name, endpoint, p, e)) < 0)
		return -1;
	in = &f->inst[i];
	{
		/* Before the first refresh: what the runtime alone says. */
		struct slot_view nv[32];
		struct store_rt rt;
		struct err e2;

		store_rt_init(&rt, name);
		if (f->runtime_dir[0] != '\0' && store_load_seeded(f->rtc,
		    f->runtime_dir, f->state_dir, name, &rt, &e2) < 0) {
			store_rt_free(&rt);
			store_rt_init(&rt, name);
			fleet_set_msg(&in->rt_error, e2.msg);
		}
		state_unknown(&rt, NULL, nv);	/* never read */
		slotpack_set(&in->slots, nv);
		store_rt_free(&rt);
	}
	return i;
}

int
fleet_add_list(struct fleet *f, const struct instsrc_list *l, struct err *e)
{
	size_t i;

	int k;

	for (i = 0; i < l->n; i++) {
		if ((k = fleet_add(f, l->v[i].name, l->v[i].endpoint, e)) < 0)
			return -1;
		if (l->v[i].mgr.kind != MGR_NONE)
			fleet_set_manager(f, (size_t)k, &l->v[i].mgr);
	}
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
	const struct fleet_backend *b = fleet_backend_of(f, i);

	if (b->view != NULL)
		return b->view(f, i, rt, out);
	if (inst_read(in)) {
		struct pcitree t;
		uint32_t done;

		/* the tree with the manager's places held, for the bridges'
		 * free places */
		fleet_mgr_tree(in, &in->live, &t);
		done = state_reconcile_bus(&in->live, &t, PCITREE_ROOT, rt,
		    out);
		if (b->owners != NULL)
			b->owners(f, i, out);
		/* the manager's records as its file said at the last
		 * refresh (fleetmgr.c) */
		mgr_apply_bus(in->mi, &in->live, &t, PCITREE_ROOT, out);
		return done;
	}
	state_unknown(rt, &in->live, out);
	return 0;
}

/* Every backend's refreshes under way, counted as they start and end
 * (fleet_set_refreshing): no walk of the instances at each wakeup, also
 * with libvirt or agent instances, whose refreshes are neither queued nor
 * a session of fleet.c's. */
static size_t
nrefreshing(const struct fleet *f)
{
	return f->nrefreshing;
}

size_t
fleet_npending(const struct fleet *f)
{
	size_t n = nrefreshing(f), b;

	for (b = 0; b < FLEET_BACK_N; b++)
		if (fleet_backends[b]->npending != NULL)
			n += fleet_backends[b]->npending(f);
	return n;
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
		fleet_finish(f, i, INST_ERROR, msg, now);
		return;
	}
	if (fleet_seen_take(f, i) < 0) {
		fleet_finish(f, i, INST_ERROR, "query pci gave no bus", now);
		return;
	}
	for (k = 0; k < p->nanon; k++)
		if (p->anon_op[k] >= 0)
			anon_mark(&p->pci, mon_result(p->m, p->anon_op[k]),
			    mon_result(p->m, p->anon_op[k] + 1));
	if (pci_info_has_unnumbered(&p->pci) && fleet_qom_list(p) == 0)
		return;		/* the session goes on */
	fleet_finish(f, i, INST_OK, NULL, now);
}

/* The queries answered: queue the qom-gets of the anonymous devices
 * qom-list named (anon.h; or the flow's reply to it, fleet_session_anon).
 * 1 when some were queued. */
static int
ask_anon(struct ipriv *p)
{
	struct mon_result handed;
	int idx[ANON_MAX];
	struct err e;
	size_t n, k;

	p->asked = 1;
	n = anon_children(fleet_anon_reply(p, &handed), mon_protocol(p->m),
	    idx, ANON_MAX);
	fleet_anon_drop(p);
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

		fleet_finish(f, i, conn_of(k), e.msg, now);
		return;
	}
	if (p->phase == PH_QUERY && !p->asked && ask_anon(p)) {
		if (mon_fd(p->m) < 0)
			fleet_poll_forget(p);	/* a new socket may come */
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
			fleet_finish(f, i, INST_OK, NULL, now);
	} else if (p->phase == PH_QOMGET) {
		fleet_qom_done(p);
		fleet_finish(f, i, INST_OK, NULL, now);
	}
}

/* Open the session of a queued refresh (mono: now). */
static void
launch(struct fleet *f, size_t i, double now, int64_t mono)
{
	struct instance *in = &f->inst[i];
	struct ipriv *p = in->priv;
	struct mon_pci_seen seen;
	struct err e;

	/* a session handed over by a flow (fleet_session) is read over;
	 * otherwise a new one; its buffers are handed on from session to
	 * session (fleetpoll.c's pool) */
	mon_set_pool(p->m, fleet_poll_pool(f));
	mon_clear(p->m);
	pci_info_free(&p->pci);
	p->ver_ok = 0;
	p->opv = mon_add(p->m, &(struct mon_req){ .op = MON_OP_QUERY_VERSION },
	    &e);
	fleet_seen_ask(f, p, &seen);
	p->opp = mon_add(p->m, &(struct mon_req){ .op = MON_OP_QUERY_PCI,
	    .seen = &seen }, &e);
	/* asked unless the flow that handed the session over read it */
	p->opa = p->anon_text != NULL ? -1 : anon_queue_list(p->m, NULL);
	p->asked = 0;
	p->nanon = 0;
	p->phase = PH_QUERY;
	f->nqueued--;
	fleet_run_add(f, i);
	fleet_poll_forget(p);
	if (p->opv < 0 || p->opp < 0) {
		fleet_finish(f, i, INST_ERROR, e.msg, now);
		return;
	}
	advance(f, i, mon_start_at(p->m, mono), now);
	if (p->phase != PH_IDLE && p->phase != PH_QUEUED)
		fleet_poll_sync(f, i, mono);
}

struct mon *
fleet_session(struct fleet *f, size_t i)
{
	struct ipriv *p;

	if (i >= f->n || f->inst[i].back != FLEET_BACK_MONITOR ||
	    f->inst[i].refreshing)
		return NULL;
	p = f->inst[i].priv;
	return p->m;
}

/* Start queued refreshes while fewer than max_parallel sessions run (the
 * monitor's start()). */
static void
pump(struct fleet *f, double now)
{
	size_t i, cap;
	int64_t mono;

	cap = f->max_parallel > 0 ? (size_t)f->max_parallel :
	    FLEET_MAX_PARALLEL;
	if (f->nqueued == 0 || f->nrun >= cap)
		return;
	if (f->caprun < cap) {
		size_t *v = realloc(f->run, cap * sizeof *v);

		if (v == NULL)
			return;		/* they stay queued; the next try */
		f->run = v;
		f->caprun = cap;
	}
	if (fleet_poll_room(f, cap) < 0)
		return;			/* the same */
	mono = clock_mono_ms();
	for (i = f->qlow; i < f->n && f->nqueued > 0 && f->nrun < cap; i++) {
		struct ipriv *p = f->inst[i].priv;

		if (p->phase == PH_QUEUED)
			launch(f, i, now, mono);
	}
	f->qlow = f->nqueued > 0 ? i : f->n;
}

/* The monitor's refresh(): queued for a session. */
static void
mon_queue(struct fleet *f, size_t i)
{
	struct ipriv *p = f->inst[i].priv;

	p->phase = PH_QUEUED;
	f->nqueued++;
	if (i < f->qlow)
		f->qlow = i;
}

static void
queue_one(struct fleet *f, size_t i)
{
	struct instance *in = &f->inst[i];

	if (in->refreshing)
		return;
	fleet_set_refreshing(f, i, 1);
	if (in->conn == INST_NEW)
		f->gen++;	/* "new" becomes "connecting" */
	fleet_backend_of(f, i)->refresh(f, i);
}

void
fleet_refresh_start(struct fleet *f, size_t i, double now)
{
	size_t k;

	fleet_poll_owner(f);
	if (i != ALL) {
		if (i < f->n)
			queue_one(f, i);
	} else {
		for (k = 0; k < f->n; k++)
			queue_one(f, k);
	}
	for (k = 0; k < FLEET_BACK_N; k++)
		if (fleet_backends[k]->start != NULL)
			fleet_backends[k]->start(f, now);
}

/* The monitor's pollfds(): the epoll set of its open sessions. */
static size_t
mon_pollfds(struct fleet *f, struct pollfd *pfd, size_t max,
    int *timeout_ms)
{
	return fleet_poll_fds(f, pfd, max, timeout_ms, clock_mono_ms());
}

size_t
fleet_pollfds(struct fleet *f, struct pollfd *pfd, size_t max,
    int *timeout_ms)
{
	size_t b, n = 0;

	for (b = 0; b < FLEET_BACK_N; b++)
		if (fleet_backends[b]->pollfds != NULL)
			n += fleet_backends[b]->pollfds(f, pfd + n, max - n,
			    timeout_ms);
	return n;
}

/* Step instance i's session with these revents; its registration and
 * deadline follow while it stays open. */
static void
step_one(struct fleet *f, size_t i, short rev, double now, int64_t mono)
{
	struct ipriv *p = f->inst[i].priv;

	p->turn = f->turn;
	/* the wakeup's clock for the deadlines it sets and checks */
	advance(f, i, mon_step_at(p->m, rev, mono), now);
	if (p->phase != PH_IDLE && p->phase != PH_QUEUED)
		fleet_poll_sync(f, i, mono);
}

/* The monitor's step(): the sessions epoll says are ready, then those
 * due (a deadline, a command queued while idle) or outside the set (no
 * socket), in instance order (fleet_poll_due names them: the deadlines'
 * heap, or all open sessions while one is outside the set), then queued
 * ones opened.  The others, most of them on most wakeups, cost nothing. */
static void
monitor_step(struct fleet *f, const struct pollfd *pfd, size_t n, double now)
{
	struct fleet_ready rd[FLEET_POLL_EVMAX];
	int64_t mono = clock_mono_ms();
	const size_t *due;
	size_t k, nr, nd;

	f->turn++;
	nr = fleet_poll_ready(f, pfd, n, rd);
	for (k = 0; k < nr; k++)
		step_one(f, rd[k].i, rd[k].rev, now, mono);
	due = fleet_poll_due(f, mono, &nd);
	for (k = 0; k < nd; k++) {
		struct ipriv *p = f->inst[due[k]].priv;

		if (p->phase != PH_IDLE && p->phase != PH_QUEUED &&
		    p->turn != f->turn && (p->regser == 0 ||
		    (p->due >= 0 && p->due <= mono)))
			step_one(f, due[k], 0, now, mono);
	}
	pump(f, now);
}

void
fleet_step(struct fleet *f, const struct pollfd *pfd, size_t n, double now)
{
	size_t b;

	for (b = 0; b < FLEET_BACK_N; b++)
		if (fleet_backends[b]->step != NULL)
			fleet_backends[b]->step(f, pfd, n, now);
}

static int
pending_in(const struct fleet *f, size_t i)
{
	if (i != ALL)
		return i < f->n && f->inst[i].refreshing;
	return nrefreshing(f) > 0;
}

void
fleet_refresh_wait(struct fleet *f, size_t i)
{
	struct pollfd *pfd = NULL;
	size_t cap = 0;

	while (pending_in(f, i)) {
		size_t n, want = fleet_npending(f);
		int timeout = -1, rc;

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
		if (n == 1 && pfd[0].fd == fleet_poll_fd(f)) {
			/* the sessions' set alone: wait on it, not on a
			 * poll() of it */
			rc = fleet_poll_wait(f, timeout);
			pfd[0].revents = POLLIN;
		} else
			rc = poll(pfd, n, timeout) < 0 && errno != EINTR ?
			    -1 : 0;
		if (rc < 0)
			break;
		fleet_step(f, pfd, n, clock_wall_s());
	}
	free(pfd);
}

/* The monitor's cancel(): the session closed, or the queue left. */
static void
mon_cancel(struct fleet *f, size_t k)
{
	struct ipriv *p = f->inst[k].priv;

	if (p->phase == PH_QUEUED)
		f->nqueued--;
	else
		fleet_run_del(f, k);
	mon_reset(p->m);
	fleet_poll_forget(p);
	pci_info_free(&p->pci);
	qom_scan_free(&p->scan);
	fleet_anon_drop(p);
	p->phase = PH_IDLE;
}

void
fleet_refresh_cancel(struct fleet *f, size_t i)
{
	size_t k;

	fleet_poll_owner(f);
	for (k = i != ALL ? i : 0; k < f->n && (i == ALL || k == i); k++) {
		const struct fleet_backend *b = fleet_backend_of(f, k);

		if (!f->inst[k].refreshing)
			continue;
		fleet_set_refreshing(f, k, 0);
		f->gen++;
		if (b->cancel != NULL)
			b->cancel(f, k);
	}
}

/* The monitor's runtime view: its runtime file, or the defaults when the
 * fleet has none. */
static int
mon_load_rt(const struct fleet *f, size_t i, struct store_rt *rt,
    struct err *e)
{
	if (f->runtime_dir[0] == '\0') {
		store_rt_init(rt, f->inst[i].name);
		return 0;
	}
	return store_load_seeded(f->rtc, f->runtime_dir, f->state_dir,
	    f->inst[i].name, rt, e);
}

const struct fleet_backend fleet_backend_monitor = {
	.name = "monitor",
	.refresh = mon_queue,
	.start = pump,
	.pollfds = mon_pollfds,
	.step = monitor_step,
	.cancel = mon_cancel,
	.load_rt = mon_load_rt,
};
