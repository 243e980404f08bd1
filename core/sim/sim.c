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
 * simfault.c's; serving a connection is simserve.c's, the epoll loop
 * simloop.c's; the monitors are simecho/simhmp (HMP) and simqmp (QMP).
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
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sim/simpriv.h"
#include "sim/simsock.h"

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
	if ((s->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0 ||
	    sim_loop_init(s) < 0) {
		err_set(e, "cannot create the simulator's epoll set: %s",
		    strerror(errno));
		if (s->epfd >= 0)
			close(s->epfd);
		close(s->wake[0]);
		close(s->wake[1]);
		free(s);
		return NULL;
	}
	return s;
}

static void
inst_free(struct sim_inst *in, int keep_files)
{
	int i;

	for (i = 0; i < 2; i++) {
		sim_ep_close(&in->ep[i], !keep_files);
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
	s->freeing = 1;
	for (i = 0; i < s->n; i++)
		inst_free(s->inst[i], s->keep_files);
	free(s->inst);
	free(s->dirty);
	free(s->timed);
	close(s->epfd);
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
	enum sim_sockets which = o->sockets != SIM_SOCK_DEFAULT ? o->sockets :
	    s->sockets;
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
		in->ep[i].regfd = -1;
		in->ep[i].qmp = i;
		if (which == (i ? SIM_SOCK_HMP : SIM_SOCK_QMP))
			continue;	/* not this one */
		if (asprintf(&in->ep[i].path, "%s/%s.%s", o->dir ? o->dir :
		    ".", o->name, i ? "qmp" : "monitor") < 0) {
			in->ep[i].path = NULL;
			err_set(e, "out of memory");
			inst_free(in, 0);
			return NULL;
		}
	}
	for (i = 0; i < 2; i++) {
		if (in->ep[i].path == NULL)
			continue;
		in->ep[i].lfd = simsock_listen(in->ep[i].path, e);
		if (in->ep[i].lfd < 0) {
			inst_free(in, 0);
			return NULL;
		}
	}
	in->idx = s->n;
	s->inst[s->n++] = in;
	sim_touch(in);
	return in;
}

void
sim_set_sockets(struct sim *s, enum sim_sockets which)
{
	s->sockets = which;
}

int
sim_sockets_parse(const char *buf, size_t len, enum sim_sockets *out,
    struct err *e)
{
	static const char *const names[] = { "both", "hmp", "qmp" };
	size_t k;

	for (k = 0; k < 3; k++)
		if (strlen(names[k]) == len && memcmp(buf, names[k], len) == 0) {
			*out = (enum sim_sockets)(SIM_SOCK_BOTH + k);
			return 0;
		}
	return err_set(e, "the sockets are both, qmp or hmp, not \"%.*s\"",
	    (int)(len > 40 ? 40 : len), buf);
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
	sim_touch(in);
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
	sim_touch(in);
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
	size_t i, n = 3;	/* the pipe, the epoll set */
	int k;

	for (i = 0; i < s->n; i++)
		for (k = 0; k < 2; k++)
			n += (s->inst[i]->ep[k].lfd >= 0) +
			    (s->inst[i]->ep[k].cur != NULL);
	return n;
}

