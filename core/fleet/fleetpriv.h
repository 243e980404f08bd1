/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fleetpriv.h - what fleet.c keeps per instance, shared with the QOM
 * phase of a refresh (fleetqom.c) and its end (fleetend.c).  Not for
 * other modules. */
#ifndef SLOTSCOPE_FLEETPRIV_H
#define SLOTSCOPE_FLEETPRIV_H

#include <stdint.h>

#include "base/strcopy.h"	/* the fields are copied with strcopy */
#include "fleet/fleet.h"
#include "model/pci.h"
#include "qemu/anon.h"
#include "qemu/mon.h"
#include "qemu/qom.h"

/* QUEUED: asked for, waiting for one of the max_parallel sessions. */
/* QOMLIST, QOMGET: the same session reads QOM (qemu/qom.h). */
enum phase { PH_IDLE, PH_QUEUED, PH_QUERY, PH_QOMLIST, PH_QOMGET };

struct ipriv {
	struct mon *m;
	enum phase phase;
	int opv, opp;			/* op indexes of the queries */
	int have_view;			/* last[] holds a read (changes are
					 * reported between two reads) */
	int64_t due;			/* its deadline (mono ms), or -1: a
					 * session without events is only
					 * stepped once it is due */
	int regfd;			/* in the fleet's epoll set as this fd */
	short regev;			/* waiting for these events */
	uint32_t regser;		/* that registration's serial; 0: not
					 * in the set (fleetpoll.c) */
	unsigned long turn;		/* the wakeup it was last stepped in */
	unsigned duepos;		/* its place in the deadlines' heap
					 * (fleetdue.h; 0: not in it) */
	int loose;			/* stepped on every wakeup: not in the
					 * set, or its deadline not in the heap
					 * (fleetpoll.c counts them) */
	struct pci_info pci;		/* this refresh's bus */
	struct qemu_version ver;
	int ver_ok;
	struct qom_scan scan;		/* PH_QOM*: the devices looked up */
	int opq, opg;			/* qom-list op; first qom-get op */
	int opa;			/* qom-list of the anonymous devices
					 * (qemu/anon.h), queued with the
					 * queries */
	int asked;			/* their qom-gets are queued */
	char *anon_text;		/* or NULL: the flow's reply to that
					 * qom-list (fleet_session_anon),
					 * used instead of asking; owned */
	int nanon, anon_op[ANON_MAX];	/* device[N] -> first qom-get op */
	/* fleetseen.c: the hash of the query-pci reply in->live is the
	 * parse of (seen, when seen_ok), and this refresh's (next) */
	uint64_t seen, next;
	int seen_ok, next_ok;
	int hit;			/* this read's bus is in->live's copy */
	/* the view (slots, capacity, buses) was made from in->live and a
	 * runtime hashing to view_rt, with no manager: it stands for a
	 * read that hits with the same runtime (fleet_seen_view) */
	int view_ok;
	uint64_t view_rt;
	uint32_t view_confirmed;	/* the unplugs it saw confirmed */
};

/* fleetseen.c: a query-pci reply read before is not read again (see
 * there).  fleet_seen_init: the fleet's key (fleet_init).  fleet_seen_ask:
 * what instance p's query-pci goes with (mon_req.seen).  fleet_seen_take:
 * the reply's bus into p->pci, read or the kept one taken (moved out of
 * in->live until fleet_finish moves it back); 0, or -1 when
 * it gave none.  fleet_seen_keep: at the end of a read, when p->pci
 * becomes in->live.  fleet_seen_forget: in->live was replaced by
 * another's (other backends). */
void fleet_seen_init(struct fleet *f);
void fleet_seen_ask(const struct fleet *f, const struct ipriv *p,
    struct mon_pci_seen *out);
int fleet_seen_take(struct fleet *f, size_t i);
void fleet_seen_keep(struct ipriv *p);
void fleet_seen_forget(struct instance *in);
/* fleetseen.c: fleet_seen_view: 1 when instance i's view stands for this
 * read (its bus the kept one, unmarked, no manager, rt hashing as the one
 * the view was made from): *confirmed is what that view's read saw; 0
 * when the view must be made; *rth is rt's hash either way.
 * fleet_seen_view_made: the view was just made from p->pci and that rt.
 * An instance's view written by anyone else is forgotten by
 * fleet_seen_forget (or fleet_seen_unview: the view alone). */
int fleet_seen_view(struct fleet *f, size_t i, const struct store_rt *rt,
    uint64_t *rth, uint32_t *confirmed);
void fleet_seen_view_made(struct fleet *f, size_t i, uint64_t rth,
    uint32_t confirmed);
void fleet_seen_unview(struct instance *in);

/* The QOM phase (fleetqom.c).  fleet_qom_list: queue qom-list (0 when
 * queued).  fleet_qom_gets: qom-list answered, queue the qom-gets: 0
 * queued, 1 nothing to ask (call fleet_qom_merge_empty), -1 the scan
 * stops (what is behind the bridges stays unknown).  fleet_qom_done: the
 * qom-gets answered, enter what they found into p->pci. */
int fleet_qom_list(struct ipriv *p);
int fleet_qom_gets(struct ipriv *p);
void fleet_qom_merge_empty(struct ipriv *p);
void fleet_qom_done(struct ipriv *p);

/* The end of a refresh of instance i (fleetend.c): publish the view read
 * (conn INST_OK) or unknown states and msg, queue its changes and
 * confirmed unplugs, close the session; the instance is idle again. */
void fleet_finish(struct fleet *f, size_t i, enum inst_conn conn,
    const char *msg, double now);
/* fleetinst.c: the reply to the anonymous devices' qom-list: the one a
 * flow handed over (fleet_session_anon), made a result in *tmp, else the
 * refresh's own op's; fleet_anon_drop forgets the handed one. */
const struct mon_result *fleet_anon_reply(struct ipriv *p,
    struct mon_result *tmp);
void fleet_anon_drop(struct ipriv *p);
/* fleetinst.c: free what instance in holds (not in itself). */
void fleet_inst_free(struct instance *in);

/* fleetend.c: record a slot's change for the event log. */
struct slot_view;
/* fleet.c, for fleetback.c: append an instance owning p (freed on
 * failure). */
struct err;
int fleet_append(struct fleet *f, const char *name, const char *endpoint,
    struct ipriv *p, struct err *e);
void fleet_add_change(struct fleet *f, size_t i, int slot,
    const struct slot_view *o, const struct slot_view *v);
/* The changes of instance i's slots from its last read (in->last) to
 * nv. */
void fleet_add_changes(struct fleet *f, size_t i,
    const struct slot_view nv[32]);

/* The open sessions' epoll set and deadlines (fleetpoll.c).
 * fleet_poll_room: before sessions start, room for cap of them (0, or
 * -1: none starts now).  fleet_poll_sync: session i was started or
 * stepped and is still open: its registration follows its socket and
 * the events it waits for, its deadline (p->due) is read (mono: now)
 * and kept in the deadlines' heap.  fleet_poll_forget: its socket was
 * closed (mon_close, mon_reset) or may have been; a sync or a
 * fleet_poll_drop follows.  fleet_poll_drop: session i ended
 * (fleet_run_del): out of the heap.  fleet_poll_fds: the monitor's
 * pollfds(): the set's fd (when a session is in it) and the nearest
 * deadline.  fleet_poll_ready: the sessions the set says are ready, by
 * instance index, with their revents, into rd (FLEET_POLL_EVMAX at
 * most); it looks only when pfd[0..n) has the set's fd ready, or when
 * fleet_poll_wait (fleet_refresh_wait's way: the set alone, waited on
 * directly) took events; fleet_poll_fd is the set's fd (-1: none).
 * fleet_poll_pool: the buffers the sessions hand on (qemu/monpool.h),
 * made with the room; freed by fleet_poll_free, after the mons.
 * fleet_poll_due: the sessions that may be due at mono, by instance
 * index (*n of them): those whose deadline has come, or all open ones
 * while one is loose (not in the set or the heap); check each.
 * fleet_poll_owner: in a forked child, let go of the parent's set
 * (shared with it) for a new one.  fleet_poll_free: the set goes
 * (fleet_free). */
#define FLEET_POLL_EVMAX 64
struct fleet_ready {
	size_t i;
	short rev;
};
int fleet_poll_room(struct fleet *f, size_t cap);
void fleet_poll_sync(struct fleet *f, size_t i, int64_t mono);
void fleet_poll_forget(struct ipriv *p);
void fleet_poll_drop(struct fleet *f, size_t i);
const size_t *fleet_poll_due(struct fleet *f, int64_t mono, size_t *n);
size_t fleet_poll_fds(struct fleet *f, struct pollfd *pfd, size_t max,
    int *timeout_ms, int64_t mono);
size_t fleet_poll_ready(struct fleet *f, const struct pollfd *pfd, size_t n,
    struct fleet_ready *rd);
int fleet_poll_wait(struct fleet *f, int timeout_ms);
int fleet_poll_fd(const struct fleet *f);
struct monpool *fleet_poll_pool(struct fleet *f);
void fleet_poll_owner(struct fleet *f);
void fleet_poll_free(struct fleet *f);

/* The open sessions, f->run (fleetrun.c).  fleet_run_add: enter
 * instance i (f->caprun has room; pump makes it); fleet_run_del: take it
 * out, nothing when it is not there. */
void fleet_run_add(struct fleet *f, size_t i);
void fleet_run_del(struct fleet *f, size_t i);

#endif
