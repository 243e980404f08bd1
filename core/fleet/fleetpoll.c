/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fleetpoll.c - the epoll set of a fleet's open monitor sessions, so that
 * a wakeup costs what the sessions that are ready cost: the caller polls
 * one fd for all of them (fleet_pollfds gives the set's fd), and a
 * session's registration changes only when its socket or the events it
 * waits for change (after a mon_start or mon_step: fleet_poll_sync), not
 * on every wakeup as a pollfd array rebuilt for poll() would.
 *
 * A registration carries the instance index and a serial of its own: an
 * event from a socket that is no longer the session's (closed while a
 * forked child still held a copy, which keeps the kernel's registration
 * alive) names an old serial and is dropped.  Sockets leave the set by
 * being closed (mon_close, mon_reset), which is how epoll forgets them.
 * A forked child shares the parent's set (one kernel object): the first
 * fleet_refresh_start or fleet_refresh_cancel in another process lets go
 * of its copy without touching it and builds its own (fleet_poll_owner).
 *
 * The sessions' deadlines are in a min-heap (fleetdue.h), moved as each
 * is synced: the nearest is its root, and those due are found below it,
 * so neither the poll timeout nor a wakeup walks the open sessions.  A
 * session that is loose (no registration: no socket, no set, or a
 * forked child's; or no room in the heap) is stepped on every wakeup, as
 * all were before the set: while one is, f->run is walked as then.
 * See fleetpriv.h.
 */
#include "fleet/fleet.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "base/clock.h"
#include "fleet/fleetdue.h"
#include "fleet/fleetpriv.h"
#include "qemu/mon.h"
#include "qemu/monpool.h"

#define EVMAX FLEET_POLL_EVMAX	/* per epoll_wait; the rest next time */
#define EP_LATER (-2)		/* the epoll fd is made on first use */

struct fleetpoll {
	int ep;			/* the epoll fd, EP_LATER, or -1: it could
				 * not be made */
	pid_t pid;		/* the process that owns it */
	uint32_t ser;		/* the last registration's serial */
	int npre;		/* events fleet_poll_wait took, not yet handed
				 * out (-1: none taken) */
	struct epoll_event ev[EVMAX];
	struct fleetdue due;	/* the open sessions' deadlines */
	size_t nloose;		/* open sessions with p->loose set */
	size_t *cand, capcand;	/* fleet_poll_due's answer */
	struct monpool pool;	/* the sessions' buffers, handed on */
};

int
fleet_poll_room(struct fleet *f, size_t cap)
{
	struct fleetpoll *s = f->fpoll;

	if (s == NULL) {
		if ((s = calloc(1, sizeof *s)) == NULL)
			return -1;
		s->ep = EP_LATER;
		s->pid = getpid();
		s->npre = -1;
		fleetdue_init(&s->due);
		monpool_init(&s->pool);
		f->fpoll = s;
	}
	if (s->capcand < cap) {
		size_t *v = realloc(s->cand, cap * sizeof *v);

		if (v == NULL)
			return -1;
		s->cand = v;
		s->capcand = cap;
	}
	return 0;
}

/* f's set, its epoll fd made on first use; NULL when it cannot be made
 * (the sessions are then loose: stepped on every wakeup). */
static struct fleetpoll *
set_of(struct fleet *f)
{
	struct fleetpoll *s = f->fpoll;

	if (s == NULL)
		return NULL;
	if (s->ep == EP_LATER)
		s->ep = epoll_create1(EPOLL_CLOEXEC);
	return s->ep >= 0 ? s : NULL;
}

static void
set_loose(struct fleetpoll *s, struct ipriv *p, int on)
{
	if (p->loose == on)
		return;
	p->loose = on;
	if (on)
		s->nloose++;
	else
		s->nloose--;
}

void
fleet_poll_owner(struct fleet *f)
{
	struct fleetpoll *s = f->fpoll;
	size_t k;

	if (s == NULL || s->pid == getpid())
		return;
	/* a forked child: our copy of the parent's set goes, unchanged;
	 * the deadlines stay ours */
	if (s->ep >= 0)
		close(s->ep);
	s->ep = EP_LATER;
	s->pid = getpid();
	s->npre = -1;
	for (k = 0; k < f->nrun; k++) {
		struct ipriv *p = f->inst[f->run[k]].priv;

		p->regser = 0;
		set_loose(s, p, 1);
	}
}

void
fleet_poll_free(struct fleet *f)
{
	struct fleetpoll *s = f->fpoll;

	if (s == NULL)
		return;
	if (s->ep >= 0)
		close(s->ep);
	fleetdue_free(&s->due);
	monpool_free(&s->pool);	/* after the mons (fleet_free) */
	free(s->cand);
	free(s);
	f->fpoll = NULL;
}

void
fleet_poll_drop(struct fleet *f, size_t i)
{
	struct fleetpoll *s = f->fpoll;
	struct ipriv *p = f->inst[i].priv;

	if (s == NULL)
		return;
	fleetdue_set(&s->due, i, &p->duepos, -1);
	set_loose(s, p, 0);
}

void
fleet_poll_forget(struct ipriv *p)
{
	p->regser = 0;
	p->due = -1;
}

/* Session i's registration follows its socket and the events it waits
 * for (p->regser 0 when it is in no set). */
static void
reg(struct fleet *f, size_t i, struct ipriv *p)
{
	int fd = mon_fd(p->m);
	short want = mon_poll_events(p->m);
	struct fleetpoll *s;
	struct epoll_event ev;

	if (fd < 0) {
		p->regser = 0;	/* closed: epoll forgot it with the close */
		return;
	}
	if (p->regser != 0 && p->regfd == fd && p->regev == want)
		return;
	if ((s = set_of(f)) == NULL) {
		p->regser = 0;
		return;
	}
	ev.events = (uint32_t)want;	/* POLLIN, POLLOUT are EPOLLIN, ... */
	if (p->regser != 0 && p->regfd == fd) {
		ev.data.u64 = (uint64_t)p->regser << 32 | (uint32_t)i;
		if (epoll_ctl(s->ep, EPOLL_CTL_MOD, fd, &ev) == 0) {
			p->regev = want;
			return;
		}
	}
	if (++s->ser == 0)
		s->ser = 1;
	ev.data.u64 = (uint64_t)s->ser << 32 | (uint32_t)i;
	if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev) < 0 && (errno != EEXIST ||
	    epoll_ctl(s->ep, EPOLL_CTL_MOD, fd, &ev) < 0)) {
		p->regser = 0;
		return;
	}
	p->regser = s->ser;
	p->regfd = fd;
	p->regev = want;
}

void
fleet_poll_sync(struct fleet *f, size_t i, int64_t mono)
{
	struct ipriv *p = f->inst[i].priv;
	struct fleetpoll *s = f->fpoll;
	int64_t d = mon_due_ms(p->m);

	/* the mon's own deadline (no clock read); at once: now */
	p->due = d == 0 ? mono : d;
	reg(f, i, p);
	if (s == NULL)
		return;		/* never: sessions start after a room */
	fleetdue_set(&s->due, i, &p->duepos, p->due);	/* out when it fails */
	set_loose(s, p, p->regser == 0 || (p->due >= 0 && p->duepos == 0));
}

/* The earliest deadline, the heap's first once entries a forget left
 * behind are set right (-1: none). */
static int64_t
first_due(struct fleet *f, struct fleetpoll *s)
{
	int64_t d;
	size_t i;

	while ((d = fleetdue_first(&s->due, &i)) >= 0) {
		struct ipriv *p = f->inst[i].priv;

		if (p->due == d)
			break;
		fleetdue_set(&s->due, i, &p->duepos, p->due);
	}
	return d;
}

/* With loose sessions: the walk of all open ones, as before the heap. */
static size_t
walk_fds(struct fleet *f, int *timeout_ms, int64_t mono)
{
	size_t k, nreg = 0;

	for (k = 0; k < f->nrun; k++) {
		struct ipriv *p = f->inst[f->run[k]].priv;
		int64_t t;

		nreg += p->regser != 0;
		if (p->due < 0)
			continue;
		t = p->due > mono ? p->due - mono : 0;
		if (t > 0x7fffffff)
			t = 0x7fffffff;
		if (*timeout_ms < 0 || t < *timeout_ms)
			*timeout_ms = (int)t;
	}
	return nreg;
}

size_t
fleet_poll_fds(struct fleet *f, struct pollfd *pfd, size_t max,
    int *timeout_ms, int64_t mono)
{
	struct fleetpoll *s = f->fpoll;
	size_t nreg;
	int64_t d;

	if (s == NULL)
		return 0;	/* no session was ever opened */
	if (s->nloose > 0)
		nreg = walk_fds(f, timeout_ms, mono);
	else {
		/* none loose: every open session is in the set */
		nreg = f->nrun;
		if ((d = first_due(f, s)) >= 0) {
			int64_t t = d > mono ? d - mono : 0;

			if (t > 0x7fffffff)
				t = 0x7fffffff;
			if (*timeout_ms < 0 || t < *timeout_ms)
				*timeout_ms = (int)t;
		}
	}
	if (nreg == 0 || max == 0 || s->ep < 0)
		return 0;
	pfd[0].fd = s->ep;
	pfd[0].events = POLLIN;
	pfd[0].revents = 0;
	return 1;
}

struct monpool *
fleet_poll_pool(struct fleet *f)
{
	return f->fpoll != NULL ? &f->fpoll->pool : NULL;
}

int
fleet_poll_fd(const struct fleet *f)
{
	return f->fpoll != NULL && f->fpoll->ep >= 0 ? f->fpoll->ep : -1;
}

int
fleet_poll_wait(struct fleet *f, int timeout_ms)
{
	struct fleetpoll *s = f->fpoll;
	int n;

	if (s == NULL || s->ep < 0)
		return -1;
	n = epoll_wait(s->ep, s->ev, EVMAX, timeout_ms);
	s->npre = n > 0 ? n : 0;
	return n < 0 && errno != EINTR ? -1 : 0;
}

/* Insertion of (i, rev) into rd[0..n) by instance index: the sessions
 * are stepped in instance order, as a walk of them would. */
static size_t
put(struct fleet_ready *rd, size_t n, size_t i, short rev)
{
	size_t k = n;

	while (k > 0 && rd[k - 1].i > i) {
		rd[k] = rd[k - 1];
		k--;
	}
	rd[k].i = i;
	rd[k].rev = rev;
	return n + 1;
}

size_t
fleet_poll_ready(struct fleet *f, const struct pollfd *pfd, size_t n,
    struct fleet_ready *rd)
{
	struct fleetpoll *s = f->fpoll;
	size_t k, nr = 0;
	int got, e;

	if (s == NULL || s->ep < 0)
		return 0;
	if (s->npre >= 0) {
		got = s->npre;		/* fleet_poll_wait took them */
	} else {
		for (k = 0; k < n && pfd[k].fd != s->ep; k++)
			;
		if (k == n || pfd[k].revents == 0)
			return 0;
		got = epoll_wait(s->ep, s->ev, EVMAX, 0);
	}
	s->npre = -1;
	for (e = 0; e < got; e++) {
		size_t i = (uint32_t)s->ev[e].data.u64;
		uint32_t ser = (uint32_t)(s->ev[e].data.u64 >> 32);
		struct ipriv *p;

		if (i >= f->n || f->inst[i].back != FLEET_BACK_MONITOR)
			continue;
		p = f->inst[i].priv;
		if (p->regser != ser || p->phase == PH_IDLE ||
		    p->phase == PH_QUEUED)
			continue;	/* a socket it no longer has */
		nr = put(rd, nr, i, (short)(s->ev[e].events & 0xffff));
	}
	return nr;
}

const size_t *
fleet_poll_due(struct fleet *f, int64_t mono, size_t *n)
{
	struct fleetpoll *s = f->fpoll;
	size_t k;

	*n = 0;
	if (s == NULL)
		return NULL;	/* no session was ever opened */
	if (s->nloose == 0) {
		*n = fleetdue_upto(&s->due, mono, s->cand, s->capcand);
		return s->cand;
	}
	/* one is stepped on every wakeup: all are looked at, as before
	 * the heap */
	for (k = 0; k < f->nrun && k < s->capcand; k++)
		s->cand[k] = f->run[k];
	*n = k;
	return s->cand;
}
