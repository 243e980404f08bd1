/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simpriv.h - the simulator server's own structures, shared by its
 * instances (sim.c), the serving of one connection (simserve.c) and the
 * event loop (simloop.c).  Not for other modules. */
#ifndef SLOTSCOPE_SIMPRIV_H
#define SLOTSCOPE_SIMPRIV_H

#include <signal.h>
#include <stdint.h>

#include "base/strbuf.h"
#include "sim/sim.h"
#include "sim/simecho.h"
#include "sim/simqmp.h"

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
	int regfd;		/* the fd in the epoll set for it, or -1 */
	uint32_t regev;		/* with these events */
	/* accept failed for want of a descriptor (EMFILE, ENFILE, or the
	 * kernel's memory): the listener leaves the set until then (mono
	 * ms), the wait doubling while it fails, so that the connection
	 * still queued does not wake the loop again at once */
	int64_t parked_until;
	int park_ms;
};

struct sim_inst {
	struct sim *s;
	size_t idx;		/* in s->inst */
	char *name;
	struct simdev_machine m;
	struct sim_ep ep[2];
	struct sim_fault fault;
	int held, dead, ncmds;
	int dirty;		/* in s->dirty: its registrations to check */
	int timed;		/* in s->timed: it has a timer */
};

struct sim {
	struct sim_inst **inst;
	size_t n, cap;
	int wake[2];
	int epfd;
	int keep_files;		/* sim_forget(): leave the socket files */
	enum sim_sockets sockets;	/* for SIM_SOCK_DEFAULT */
	int freeing;		/* sim_free: the set is not ours to edit
				 * (a forked child may share it) */
	int lost;		/* a touch could not be noted (memory) */
	volatile sig_atomic_t stop;
	/* the loop's work lists (simloop.c), so that a wakeup costs what is
	 * ready, not what the sim serves: instances whose sockets may need
	 * another registration, and those with a timer (a guest's unplug
	 * ack, a slow fault's held reply) */
	size_t *dirty, ndirty, capdirty;
	size_t *timed, ntimed, captimed;
};

/* simloop.c: note that instance in changed (its sockets, hold or
 * timers); the loop brings its epoll registrations up to date.  Before
 * closing a socket of ep: sim_unreg(ep, fd). */
int sim_loop_init(struct sim *s);	/* the wake pipe in the set */
void sim_touch(struct sim_inst *in);
void sim_unreg(struct sim_ep *ep, int fd);

/* simserve.c: serve ep's ready socket (revents as poll's), run what its
 * client sent after a hold, and the timers of in. */
void sim_serve(struct sim_ep *ep, short rev);
void sim_serve_held(struct sim_inst *in, int64_t now);
/* Close ep's connection, and all of ep (its listener too; the file
 * removed when unlink_file). */
void sim_conn_close(struct sim_ep *ep);
void sim_ep_close(struct sim_ep *ep, int unlink_file);

#endif
