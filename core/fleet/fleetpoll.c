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
 * See fleetpriv.h.
 */
#include "fleet/fleet.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "base/clock.h"
#include "fleet/fleetpriv.h"
#include "qemu/mon.h"

#define EVMAX FLEET_POLL_EVMAX	/* per epoll_wait; the rest next time */

struct fleetpoll {
	int ep;			/* the epoll fd */
	pid_t pid;		/* the process that made it */
	uint32_t ser;		/* the last registration's serial */
	int npre;		/* events fleet_poll_wait took, not yet handed
				 * out (-1: none taken) */
	struct epoll_event ev[EVMAX];
};

/* f's set, made on first use; NULL when it cannot be made (the sessions
 * are then stepped on every wakeup, as ones without an fd). */
static struct fleetpoll *
set_of(struct fleet *f)
{
	struct fleetpoll *s = f->fpoll;

	if (s != NULL)
		return s->ep >= 0 ? s : NULL;
	if ((s = calloc(1, sizeof *s)) == NULL)
		return NULL;
	s->ep = epoll_create1(EPOLL_CLOEXEC);
	s->pid = getpid();
	s->npre = -1;
	f->fpoll = s;
	return s->ep >= 0 ? s : NULL;
}

void
fleet_poll_owner(struct fleet *f)
{
	struct fleetpoll *s = f->fpoll;
	size_t k;

	if (s == NULL || s->pid == getpid())
		return;
	/* a forked child: our copy of the parent's set goes, unchanged */
	if (s->ep >= 0)
		close(s->ep);
	free(s);
	f->fpoll = NULL;
	for (k = 0; k < f->nrun; k++) {
		struct ipriv *p = f->inst[f->run[k]].priv;

		p->regser = 0;
	}
}

void
fleet_poll_free(struct fleet *f)
{
	if (f->fpoll != NULL && f->fpoll->ep >= 0)
		close(f->fpoll->ep);
	free(f->fpoll);
	f->fpoll = NULL;
}

void
fleet_poll_forget(struct ipriv *p)
{
	p->regser = 0;
	p->due = -1;
}

void
fleet_poll_sync(struct fleet *f, size_t i, int64_t mono)
{
	struct ipriv *p = f->inst[i].priv;
	int fd = mon_fd(p->m), t = mon_timeout_ms(p->m);
	short want = mon_poll_events(p->m);
	struct fleetpoll *s;
	struct epoll_event ev;

	p->due = t >= 0 ? mono + t : -1;
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

size_t
fleet_poll_fds(struct fleet *f, struct pollfd *pfd, size_t max,
    int *timeout_ms, int64_t mono)
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
	if (nreg == 0 || max == 0 || f->fpoll == NULL)
		return 0;
	pfd[0].fd = f->fpoll->ep;
	pfd[0].events = POLLIN;
	pfd[0].revents = 0;
	return 1;
}

int
fleet_poll_fd(const struct fleet *f)
{
	return f->fpoll != NULL ? f->fpoll->ep : -1;
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
