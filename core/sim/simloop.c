/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simloop.c - the simulator's event loop: one epoll set holds, per
 * instance socket, the one descriptor that may move now -- its listener
 * while nobody is served on it and it is neither held nor parked (see
 * simserve.c), else its client's
 * connection (reading unless a cut fault is hanging up, writing while
 * replies wait), nothing while a slow fault holds the connection or the
 * instance is dead.  So a wakeup costs what is ready, not the 2N sockets
 * of N instances.
 *
 * Registrations are brought up to date only for the instances touched
 * since the last wakeup (sim_touch: served, timers run, held or faults
 * changed from outside), the dirty list; the instances with a timer (a
 * guest's unplug ack, a held reply, a listener parked while accept
 * found no descriptor: simserve.c) are the timed list, walked for the
 * next deadline and when it passes.  An fd is taken out of the set before
 * it is closed (sim_unreg), so a number the kernel hands out again never
 * meets a stale registration.  Each event carries the instance, which of
 * its two sockets, and the fd it was for: one for an fd no longer
 * registered (its instance changed earlier in the same wakeup) is
 * dropped.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "base/clock.h"
#include "sim/simpriv.h"

#define WAKE UINT64_MAX
#define MAXEV 256

static int
push(size_t **v, size_t *n, size_t *cap, size_t x)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		size_t *p = realloc(*v, c * sizeof *p);

		if (p == NULL)
			return -1;
		*v = p;
		*cap = c;
	}
	(*v)[(*n)++] = x;
	return 0;
}

int
sim_loop_init(struct sim *s)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof ev);
	ev.events = EPOLLIN;
	ev.data.u64 = WAKE;
	return epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->wake[0], &ev);
}

void
sim_touch(struct sim_inst *in)
{
	struct sim *s = in->s;

	if (in->dirty)
		return;
	/* out of memory: the instance is walked at the next wakeup anyway
	 * (see walk_all) */
	if (push(&s->dirty, &s->ndirty, &s->capdirty, in->idx) < 0) {
		s->lost = 1;
		return;
	}
	in->dirty = 1;
}

void
sim_unreg(struct sim_ep *ep, int fd)
{
	if (ep->regfd != fd || fd < 0 || ep->in->s->freeing)
		return;
	epoll_ctl(ep->in->s->epfd, EPOLL_CTL_DEL, fd, NULL);
	ep->regfd = -1;
	ep->regev = 0;
}

/* What ep wants in the set now: an fd (or -1) and its events. */
static int
wanted(const struct sim_ep *ep, int64_t now, uint32_t *events)
{
	const struct sim_conn *c = ep->cur;

	*events = 0;
	if (ep->in->dead)
		return -1;
	if (c != NULL) {
		if (c->hold_until > now)
			return -1;
		*events = (c->cutting ? 0 : EPOLLIN) |
		    (c->out.n || c->cutting ? EPOLLOUT : 0);
		return c->fd;
	}
	if (ep->lfd >= 0 && !ep->in->held && ep->parked_until <= now) {
		*events = EPOLLIN;
		return ep->lfd;
	}
	return -1;
}

static void
sync_ep(struct sim *s, struct sim_ep *ep, int k, int64_t now)
{
	struct epoll_event ev;
	uint32_t events;
	int fd = wanted(ep, now, &events);

	if (fd == ep->regfd && events == ep->regev)
		return;
	if (ep->regfd >= 0 && fd != ep->regfd)
		sim_unreg(ep, ep->regfd);
	if (fd < 0)
		return;
	memset(&ev, 0, sizeof ev);
	ev.events = events;
	ev.data.u64 = (uint64_t)fd << 32 | (uint64_t)(ep->in->idx * 2 + k);
	if (epoll_ctl(s->epfd, ep->regfd == fd ? EPOLL_CTL_MOD :
	    EPOLL_CTL_ADD, fd, &ev) < 0)
		return;		/* tried again when it is touched again */
	ep->regfd = fd;
	ep->regev = events;
}

/* Does in have a timer: a guest's ack due, a connection held? */
static int
has_timer(const struct sim_inst *in, int64_t now)
{
	int k;

	if (in->dead)
		return 0;
	if (simdev_next_due(&in->m) >= 0)
		return 1;
	for (k = 0; k < 2; k++)
		if ((in->ep[k].cur && in->ep[k].cur->hold_until > now) ||
		    in->ep[k].parked_until > now)
			return 1;
	return 0;
}

/* Bring the touched instances' registrations up to date, and enter
 * those with a timer into the timed list. */
static void
sync_dirty(struct sim *s, int64_t now)
{
	size_t k;

	if (s->lost) {
		/* an instance could not be noted: walk them all once */
		s->lost = 0;
		for (k = 0; k < s->n; k++)
			sim_touch(s->inst[k]);
	}
	for (k = 0; k < s->ndirty; k++) {
		struct sim_inst *in = s->inst[s->dirty[k]];

		in->dirty = 0;
		sync_ep(s, &in->ep[0], 0, now);
		sync_ep(s, &in->ep[1], 1, now);
		if (!in->timed && has_timer(in, now) &&
		    push(&s->timed, &s->ntimed, &s->captimed, in->idx) == 0)
			in->timed = 1;
	}
	s->ndirty = 0;
}

/* The nearest deadline of the timed instances (-1: none); those without
 * a timer any more leave the list. */
static int64_t
next_deadline(struct sim *s, int64_t now)
{
	int64_t next = -1;
	size_t k = 0;

	while (k < s->ntimed) {
		struct sim_inst *in = s->inst[s->timed[k]];
		int64_t due = simdev_next_due(&in->m);
		int j;

		if (!has_timer(in, now)) {
			in->timed = 0;
			s->timed[k] = s->timed[--s->ntimed];
			continue;
		}
		if (due >= 0 && (next < 0 || due < next))
			next = due;
		for (j = 0; j < 2; j++) {
			const struct sim_conn *c = in->ep[j].cur;
			int64_t p = in->ep[j].parked_until;

			if (c && c->hold_until > now &&
			    (next < 0 || c->hold_until < next))
				next = c->hold_until;
			if (p > now && (next < 0 || p < next))
				next = p;
		}
		k++;
	}
	return next;
}

int
sim_poll(struct sim *s, int timeout_ms, struct err *e)
{
	struct epoll_event ev[MAXEV];
	int64_t now = clock_mono_ms(), next;
	int r, i, t = timeout_ms;
	size_t k, nt;

	sync_dirty(s, now);
	next = next_deadline(s, now);
	if (next >= 0) {
		int64_t d = next - now;

		if (d < 0)
			d = 0;
		if (t < 0 || d < t)
			t = (int)d;
	}
	r = epoll_wait(s->epfd, ev, MAXEV, t);
	if (r < 0) {
		if (errno == EINTR)
			return 0;
		return err_set(e, "the simulator's epoll_wait failed: %s",
		    strerror(errno));
	}
	for (i = 0; i < r; i++) {
		uint64_t d = ev[i].data.u64;
		struct sim_ep *ep;
		short rev = 0;

		if (d == WAKE) {
			char buf[64];

			while (read(s->wake[0], buf, sizeof buf) > 0)
				;
			continue;
		}
		ep = &s->inst[(d & 0xffffffffu) / 2]->ep[d & 1];
		if (ep->regfd != (int)(d >> 32))
			continue;	/* changed since: stale */
		rev |= ev[i].events & EPOLLIN ? POLLIN : 0;
		rev |= ev[i].events & EPOLLOUT ? POLLOUT : 0;
		rev |= ev[i].events & EPOLLHUP ? POLLHUP : 0;
		rev |= ev[i].events & EPOLLERR ? POLLERR : 0;
		sim_serve(ep, rev);
	}
	/* timers: guest acks, and connections a slow fault released */
	now = clock_mono_ms();
	nt = s->ntimed;
	for (k = 0; k < nt && k < s->ntimed; k++)
		sim_serve_held(s->inst[s->timed[k]], now);
	return 0;
}

int
sim_run(struct sim *s, struct err *e)
{
	while (!s->stop)
		if (sim_poll(s, -1, e) < 0)
			return -1;
	return 0;
}
