/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simserve.c - serving one simulated monitor connection: accept (one
 * client at a time per socket), read, run what the client sent through
 * the HMP or QMP monitor, write the replies, with the fault switches
 * acting on them (slow, cut, garbage, crash) and `quit`.  The loop that
 * calls it is simloop.c; see sim.h.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/clock.h"
#include "sim/simhmp.h"
#include "sim/simmon.h"
#include "sim/simpriv.h"

static void
conn_free(struct sim_conn *c)
{
	if (c == NULL)
		return;
	close(c->fd);
	if (c->pending_fd >= 0)
		close(c->pending_fd);
	strbuf_free(&c->in);
	strbuf_free(&c->out);
	simqmp_free(&c->q);
	free(c);
}

void
sim_ep_close(struct sim_ep *ep, int unlink_file)
{
	sim_conn_close(ep);
	if (ep->lfd >= 0) {
		sim_unreg(ep, ep->lfd);
		close(ep->lfd);
		ep->lfd = -1;
		if (unlink_file && ep->path)
			unlink(ep->path);
	}
}

static void
inst_event(void *arg, const char *line, size_t len)
{
	struct sim_inst *in = arg;
	struct sim_conn *c = in->ep[1].cur;

	/* only a negotiated QMP client hears events */
	if (c != NULL && c->q.negotiated)
		strbuf_add(&c->out, line, len);
}

/* The instance dies: nobody answers any more, connections drop, and the
 * socket files stay behind refusing connections, as after a QEMU crash. */
static void
inst_crash(struct sim_inst *in)
{
	in->dead = 1;
	sim_ep_close(&in->ep[0], 0);
	sim_ep_close(&in->ep[1], 0);
}

static void
inst_quit(struct sim_inst *in)
{
	sim_ep_close(&in->ep[0], 1);
	sim_ep_close(&in->ep[1], 1);
	in->dead = 1;
}

static const char garbage[] = "\x00\xff\xfe\x1b[31m#@!garbage!@#\x7f\x01";

/* Faults that act on a reply just produced (out grew from `before`). */
static void
reply_faults(struct sim_inst *in, struct sim_conn *c, size_t before)
{
	if (c->out.n == before)
		return;
	if (in->fault.garbage) {
		struct strbuf tmp;

		strbuf_init(&tmp);
		strbuf_add(&tmp, c->out.p, before);
		strbuf_add(&tmp, garbage, sizeof garbage - 1);
		strbuf_add(&tmp, c->out.p + before, c->out.n - before);
		strbuf_free(&c->out);
		c->out = tmp;
	}
	if (in->fault.cut_reply && !c->cutting) {
		size_t len = c->out.n - before;

		/* keep the first half of this reply, then hang up */
		c->out.n = before + len / 2;
		c->cutting = 1;
	}
	if (in->fault.slow_ms > 0)
		c->hold_until = clock_mono_ms() + in->fault.slow_ms;
}

static void
ctx_init(struct simmon_ctx *x, struct sim_inst *in, struct sim_conn *c)
{
	memset(x, 0, sizeof *x);
	x->m = &in->m;
	x->now_ms = clock_mono_ms();
	x->fd = c->pending_fd;
	x->event = inst_event;
	x->event_arg = in;
}

static void
after_command(struct sim_inst *in, struct sim_conn *c, struct simmon_ctx *x)
{
	c->pending_fd = x->fd;
	in->ncmds++;
	if (x->quit)
		inst_quit(in);
	else if (in->fault.crash_after > 0 &&
	    in->ncmds >= in->fault.crash_after)
		inst_crash(in);
}

/* Run what is in c->in until it is used up, a slow fault holds the
 * connection, or the instance went away.  Returns -1 when c is gone. */
static int
process(struct sim_inst *in, struct sim_ep *ep)
{
	struct sim_conn *c = ep->cur;
	size_t i = 0;

	while (i < c->in.n && !c->cutting) {
		struct simmon_ctx x;
		size_t before = c->out.n;

		if (c->hold_until > clock_mono_ms())
			break;
		if (!c->qmp) {
			if (!simecho_byte(&c->rl, (unsigned char)c->in.p[i++],
			    &c->out))
				continue;
			ctx_init(&x, in, c);
			simhmp_execute(&x, c->rl.buf, &c->out);
			strbuf_str(&c->out, SIMMON_PROMPT);
		} else {
			int n;

			ctx_init(&x, in, c);
			/* one byte at a time so that a slow fault can stop
			 * between two commands */
			n = simqmp_input(&c->q, &x, c->in.p + i, 1,
			    &c->out);
			i++;
			if (n == 0)
				continue;
		}
		reply_faults(in, c, before);
		after_command(in, c, &x);
		if (in->dead)
			return -1;
	}
	strbuf_consume(&c->in, i);
	return 0;
}


static void
do_read(struct sim_inst *in, struct sim_ep *ep)
{
	struct sim_conn *c = ep->cur;
	char buf[4096];
	char cbuf[CMSG_SPACE(sizeof(int) * 4)];
	struct iovec iov = { buf, sizeof buf };
	struct msghdr mh;
	struct cmsghdr *cm;
	ssize_t r;

	memset(&mh, 0, sizeof mh);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof cbuf;
	r = recvmsg(c->fd, &mh, MSG_CMSG_CLOEXEC);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0) {
		sim_conn_close(ep);
		return;
	}
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		size_t nfd, k;
		int fds[4];

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		nfd = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		if (nfd > 4)
			nfd = 4;
		memcpy(fds, CMSG_DATA(cm), nfd * sizeof(int));
		for (k = 0; k < nfd; k++) {
			/* QEMU keeps the last fd received */
			if (c->pending_fd >= 0)
				close(c->pending_fd);
			c->pending_fd = fds[k];
		}
	}
	strbuf_add(&c->in, buf, (size_t)r);
	if (process(in, ep) < 0)
		return;
	/* a buffer that ran out of memory drops everything added later
	 * (base/strbuf.h): hang up rather than go silent */
	if (c->in.oom || c->out.oom || c->q.acc.oom)
		sim_conn_close(ep);
}

static void
do_write(struct sim_ep *ep)
{
	struct sim_conn *c = ep->cur;
	ssize_t r;

	if (c->hold_until > clock_mono_ms())
		return;		/* a slow fault holds the reply back */
	if (c->out.n > 0) {
		r = send(c->fd, c->out.p, c->out.n, MSG_NOSIGNAL);
		if (r < 0) {
			if (errno != EAGAIN && errno != EINTR)
				sim_conn_close(ep);
			return;
		}
		strbuf_consume(&c->out, (size_t)r);
	}
	if (c->out.n == 0 && c->cutting)
		sim_conn_close(ep);
}

/* accept failed with errno: out of descriptors or memory, the client
 * waits in the backlog and the listener is still readable, so it is
 * parked (simloop.c leaves it out of the set) for PARK_MIN_MS, doubled at
 * each failure in a row up to PARK_MAX_MS; the next accept that works
 * ends it.  Other errors (the client went away first) need nothing. */
#define PARK_MIN_MS 10
#define PARK_MAX_MS 1000
static void
park(struct sim_ep *ep, int err)
{
	if (err != EMFILE && err != ENFILE && err != ENOBUFS && err != ENOMEM)
		return;
	ep->park_ms = ep->park_ms == 0 ? PARK_MIN_MS : ep->park_ms * 2;
	if (ep->park_ms > PARK_MAX_MS)
		ep->park_ms = PARK_MAX_MS;
	ep->parked_until = clock_mono_ms() + ep->park_ms;
	sim_touch(ep->in);	/* out of the set, and its timer */
}

static void
do_accept(struct sim_ep *ep)
{
	for (;;) {
		struct sim_conn *c;
		struct pollfd p;
		int fd = accept4(ep->lfd, NULL, NULL, SOCK_NONBLOCK |
		    SOCK_CLOEXEC);

		if (fd < 0) {
			park(ep, errno);
			return;
		}
		ep->park_ms = 0;
		ep->parked_until = 0;
		/* A client that closed while waiting is dropped unheard (as
		 * QEMU does).  One that only shut down its sending side
		 * (`echo cmd | socat ...`) is still served: POLLHUP means
		 * both directions are gone, POLLRDHUP alone does not. */
		p.fd = fd;
		p.events = 0;
		p.revents = 0;
		if (poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR))) {
			close(fd);
			continue;
		}
		c = calloc(1, sizeof *c);
		if (c == NULL) {
			close(fd);
			return;
		}
		c->fd = fd;
		c->qmp = ep->qmp;
		c->pending_fd = -1;
		strbuf_init(&c->in);
		strbuf_init(&c->out);
		simecho_init(&c->rl);
		simqmp_init(&c->q);
		if (ep->qmp)
			simqmp_greeting(&c->out);
		else
			simhmp_banner(&c->out);
		ep->cur = c;
		return;
	}
}


void
sim_conn_close(struct sim_ep *ep)
{
	if (ep->cur == NULL)
		return;
	sim_unreg(ep, ep->cur->fd);
	conn_free(ep->cur);
	ep->cur = NULL;
	sim_touch(ep->in);
}

void
sim_serve(struct sim_ep *ep, short rev)
{
	struct sim_inst *in = ep->in;

	if (in->dead)
		return;
	sim_touch(in);
	if (ep->cur == NULL) {
		if (ep->lfd >= 0)
			do_accept(ep);
		return;
	}
	if (rev & POLLOUT)
		do_write(ep);
	if (ep->cur && (rev & (POLLIN | POLLHUP | POLLERR)))
		do_read(in, ep);
	if (ep->cur && ep->cur->out.n)
		do_write(ep);
}

void
sim_serve_held(struct sim_inst *in, int64_t now)
{
	int k;

	if (in->dead)
		return;
	sim_touch(in);
	if (simdev_next_due(&in->m) >= 0 && simdev_next_due(&in->m) <= now) {
		struct simmon_ctx x;

		memset(&x, 0, sizeof x);
		x.m = &in->m;
		x.now_ms = now;
		x.fd = -1;
		x.event = inst_event;
		x.event_arg = in;
		simmon_complete_unplugs(&x, 0);
	}
	for (k = 0; k < 2; k++) {
		struct sim_ep *ep = &in->ep[k];

		if (ep->cur && ep->cur->hold_until <= now && ep->cur->in.n &&
		    !in->dead)
			process(in, ep);
		if (ep->cur && ep->cur->out.n && ep->cur->hold_until <= now)
			do_write(ep);
	}
}
