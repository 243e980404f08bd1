/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sim.c - the simulator's server loop; see sim.h.
 *
 * One-client rule: a listening socket is only accepted from while nobody
 * is being served on it, so later clients wait in the kernel's backlog
 * (QEMU's chardev listens with a backlog of 1 and stops accepting while a
 * client is connected).  A waiting client that hung up before its turn is
 * dropped without running what it sent, as QEMU does.
 *
 * The listening sockets are simsock.c's, the fault list's text form
 * simfault.c's; the monitors are simecho/simhmp (HMP) and simqmp (QMP).
 */
#include "sim/sim.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/strbuf.h"
#include "sim/simecho.h"
#include "sim/simhmp.h"
#include "sim/simmon.h"
#include "sim/simqmp.h"
#include "sim/simsock.h"

struct sim_conn {
	int fd;
	int qmp;
	struct strbuf in, out;
	struct simecho rl;
	struct simqmp q;
	int64_t hold_until;	/* slow fault: nothing moves before this */
	size_t cut_at;		/* cut fault: hang up once out.n drops here */
	int cutting;
	int pending_fd;		/* SCM_RIGHTS fd not yet taken by getfd */
};

struct sim_ep {
	struct sim_inst *in;
	int lfd;
	char *path;
	int qmp;
	struct sim_conn *cur;
};

struct sim_inst {
	struct sim *s;
	char *name;
	struct simdev_machine m;
	struct sim_ep ep[2];
	struct sim_fault fault;
	int held, dead, ncmds;
};

struct sim {
	struct sim_inst **inst;
	size_t n, cap;
	int wake[2];
	int keep_files;		/* sim_forget(): leave the socket files */
	volatile sig_atomic_t stop;
	struct pollfd *pfd;
	void **who;		/* per pollfd: the sim_ep it belongs to */
	size_t pcap;
};

struct sim *
sim_new(struct err *e)
{
	struct sim *s = calloc(1, sizeof *s);

	if (s == NULL) {
		err_set(e, "out of memory");
		return NULL;
	}
	if (pipe2(s->wake, O_CLOEXEC | O_NONBLOCK) < 0) {
		err_set(e, "cannot create the simulator's wake-up pipe: %s",
		    strerror(errno));
		free(s);
		return NULL;
	}
	return s;
}

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

static void
ep_close(struct sim_ep *ep, int unlink_file)
{
	conn_free(ep->cur);
	ep->cur = NULL;
	if (ep->lfd >= 0) {
		close(ep->lfd);
		ep->lfd = -1;
		if (unlink_file && ep->path)
			unlink(ep->path);
	}
}

static void
inst_free(struct sim_inst *in, int keep_files)
{
	int i;

	for (i = 0; i < 2; i++) {
		ep_close(&in->ep[i], !keep_files);
		/* a crashed instance left its files: remove them too */
		if (!keep_files && in->dead && in->ep[i].path)
			unlink(in->ep[i].path);
		free(in->ep[i].path);
	}
	simdev_machine_free(&in->m);
	free(in->name);
	free(in);
}

void
sim_free(struct sim *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++)
		inst_free(s->inst[i], s->keep_files);
	free(s->inst);
	free(s->pfd);
	free(s->who);
	close(s->wake[0]);
	close(s->wake[1]);
	free(s);
}

void
sim_forget(struct sim *s)
{
	if (s == NULL)
		return;
	s->keep_files = 1;
	sim_free(s);
}

struct sim_inst *
sim_add(struct sim *s, const struct sim_inst_opts *o, struct err *e)
{
	struct sim_inst *in;
	int i;

	if (o->name == NULL || *o->name == '\0' || strchr(o->name, '/')) {
		err_set(e, "an instance needs a name without '/'");
		return NULL;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct sim_inst **p = realloc(s->inst, cap * sizeof *p);

		if (p == NULL) {
			err_set(e, "out of memory");
			return NULL;
		}
		s->inst = p;
		s->cap = cap;
	}
	in = calloc(1, sizeof *in);
	if (in == NULL || (in->name = strdup(o->name)) == NULL ||
	    simdev_machine_init(&in->m, o->machine) < 0) {
		if (in)
			free(in->name);
		free(in);
		err_set(e, "out of memory");
		return NULL;
	}
	in->s = s;
	in->m.guest = o->guest;
	if (o->ack_ms > 0)
		in->m.ack_ms = o->ack_ms;
	in->held = o->held;
	in->fault = o->fault;
	for (i = 0; i < 2; i++) {
		in->ep[i].in = in;
		in->ep[i].lfd = -1;
		in->ep[i].qmp = i;
		if (asprintf(&in->ep[i].path, "%s/%s.%s", o->dir ? o->dir :
		    ".", o->name, i ? "qmp" : "monitor") < 0)
			in->ep[i].path = NULL;
	}
	if (in->ep[0].path == NULL || in->ep[1].path == NULL) {
		err_set(e, "out of memory");
		inst_free(in, 0);
		return NULL;
	}
	for (i = 0; i < 2; i++) {
		in->ep[i].lfd = simsock_listen(in->ep[i].path, e);
		if (in->ep[i].lfd < 0) {
			inst_free(in, 0);
			return NULL;
		}
	}
	s->inst[s->n++] = in;
	return in;
}

size_t
sim_count(const struct sim *s)
{
	return s->n;
}

struct sim_inst *
sim_get(struct sim *s, size_t i)
{
	return i < s->n ? s->inst[i] : NULL;
}

const char *
sim_inst_name(const struct sim_inst *in)
{
	return in->name;
}

const char *
sim_inst_hmp_path(const struct sim_inst *in)
{
	return in->ep[0].path;
}

const char *
sim_inst_qmp_path(const struct sim_inst *in)
{
	return in->ep[1].path;
}

struct simdev_machine *
sim_inst_machine(struct sim_inst *in)
{
	return &in->m;
}

void
sim_inst_set_fault(struct sim_inst *in, const struct sim_fault *f)
{
	in->fault = *f;
}

const struct sim_fault *
sim_inst_fault(const struct sim_inst *in)
{
	return &in->fault;
}

void
sim_inst_set_held(struct sim_inst *in, int held)
{
	in->held = held;
}

int
sim_inst_dead(const struct sim_inst *in)
{
	return in->dead;
}

void
sim_stop(struct sim *s)
{
	char c = 1;
	ssize_t r;

	s->stop = 1;
	r = write(s->wake[1], &c, 1);
	(void)r;
}

size_t
sim_fd_count(const struct sim *s)
{
	size_t i, n = 2;
	int k;

	for (i = 0; i < s->n; i++)
		for (k = 0; k < 2; k++)
			n += (s->inst[i]->ep[k].lfd >= 0) +
			    (s->inst[i]->ep[k].cur != NULL);
	return n;
}

/* ---- serving ------------------------------------------------------- */

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
	ep_close(&in->ep[0], 0);
	ep_close(&in->ep[1], 0);
}

static void
inst_quit(struct sim_inst *in)
{
	ep_close(&in->ep[0], 1);
	ep_close(&in->ep[1], 1);
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
conn_close(struct sim_ep *ep)
{
	conn_free(ep->cur);
	ep->cur = NULL;
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
		conn_close(ep);
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
		conn_close(ep);
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
				conn_close(ep);
			return;
		}
		strbuf_consume(&c->out, (size_t)r);
	}
	if (c->out.n == 0 && c->cutting)
		conn_close(ep);
}

static void
do_accept(struct sim_ep *ep)
{
	for (;;) {
		struct sim_conn *c;
		struct pollfd p;
		int fd = accept4(ep->lfd, NULL, NULL, SOCK_NONBLOCK |
		    SOCK_CLOEXEC);

		if (fd < 0)
			return;
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

static int
grow_pfd(struct sim *s, size_t need)
{
	if (need > s->pcap) {
		size_t cap = need + need / 2 + 8;
		struct pollfd *p = realloc(s->pfd, cap * sizeof *p);
		void **w;

		if (p == NULL)
			return -1;
		s->pfd = p;
		w = realloc(s->who, cap * sizeof *w);
		if (w == NULL)
			return -1;
		s->who = w;
		s->pcap = cap;
	}
	return 0;
}

int
sim_poll(struct sim *s, int timeout_ms, struct err *e)
{
	size_t i, n = 0;
	int64_t now = clock_mono_ms(), next = -1;
	int k, r, t;

	if (grow_pfd(s, 1 + s->n * 2) < 0)
		return err_set(e, "out of memory");
	s->pfd[n].fd = s->wake[0];
	s->pfd[n].events = POLLIN;
	s->who[n++] = NULL;
	for (i = 0; i < s->n; i++) {
		struct sim_inst *in = s->inst[i];
		int64_t due = simdev_next_due(&in->m);

		if (due >= 0 && (next < 0 || due < next))
			next = due;
		for (k = 0; k < 2; k++) {
			struct sim_ep *ep = &in->ep[k];
			struct sim_conn *c = ep->cur;

			if (c != NULL) {
				if (c->hold_until > now) {
					if (next < 0 || c->hold_until < next)
						next = c->hold_until;
					continue;
				}
				s->pfd[n].fd = c->fd;
				s->pfd[n].events = (c->cutting ? 0 : POLLIN) |
				    (c->out.n || c->cutting ? POLLOUT : 0);
			} else if (ep->lfd >= 0 && !in->held) {
				s->pfd[n].fd = ep->lfd;
				s->pfd[n].events = POLLIN;
			} else
				continue;
			s->who[n++] = ep;
		}
	}
	t = timeout_ms;
	if (next >= 0) {
		int64_t d = next - now;

		if (d < 0)
			d = 0;
		if (t < 0 || d < t)
			t = (int)d;
	}
	r = poll(s->pfd, n, t);
	if (r < 0) {
		if (errno == EINTR)
			return 0;
		return err_set(e, "the simulator's poll failed: %s",
		    strerror(errno));
	}
	if (s->pfd[0].revents) {
		char buf[64];

		while (read(s->wake[0], buf, sizeof buf) > 0)
			;
	}
	for (i = 1; i < n; i++) {
		struct sim_ep *ep = s->who[i];
		struct sim_inst *in;
		short rev = s->pfd[i].revents;

		if (rev == 0)
			continue;
		in = ep->in;
		if (in->dead)
			continue;
		if (ep->cur == NULL) {
			if (ep->lfd >= 0 && s->pfd[i].fd == ep->lfd)
				do_accept(ep);
			continue;
		}
		if (s->pfd[i].fd != ep->cur->fd)
			continue;
		if (rev & POLLOUT)
			do_write(ep);
		if (ep->cur && (rev & (POLLIN | POLLHUP | POLLERR)))
			do_read(in, ep);
		if (ep->cur && ep->cur->out.n)
			do_write(ep);
	}
	/* timers: guest acks, and connections a slow fault released */
	now = clock_mono_ms();
	for (i = 0; i < s->n; i++) {
		struct sim_inst *in = s->inst[i];

		if (in->dead)
			continue;
		if (simdev_next_due(&in->m) >= 0 &&
		    simdev_next_due(&in->m) <= now) {
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

			if (ep->cur && ep->cur->hold_until <= now &&
			    ep->cur->in.n && !in->dead)
				process(in, ep);
			if (ep->cur && ep->cur->out.n &&
			    ep->cur->hold_until <= now)
				do_write(ep);
		}
	}
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
