/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sim.h - the built-in QEMU monitor simulator's server: many simulated
 * instances, each with an HMP and a QMP unix socket, served by ONE poll
 * loop in the calling thread.
 *
 * Like QEMU 7.2, each socket serves one client at a time: a second client
 * connects but hears nothing until the first leaves; then it gets the
 * banner/greeting and what it already sent is executed.  The machine
 * model is simdev.h, the protocols simmon.h (and the files it names).
 *
 * Ownership: sim_new() returns a struct sim that sim_free() destroys,
 * closing every socket and removing the socket files it created (also
 * those a crashed instance left behind).
 * Instances belong to the sim.  sim_stop() is async-signal-safe and may
 * be called from another thread; everything else belongs to the thread
 * that runs the loop.
 */
#ifndef SLOTSCOPE_SIM_H
#define SLOTSCOPE_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "sim/simdev.h"

/* Fault switches, for tests and training.  All zero = a faithful QEMU. */
struct sim_fault {
	int slow_ms;		/* every reply waits this long */
	int cut_reply;		/* send half of each reply, then hang up */
	int garbage;		/* send garbage bytes before each reply */
	int crash_after;	/* the instance dies after this many commands
				 * (0 = never): sockets stop answering and
				 * refuse connections, files stay */
};

/* Parse "slow=MS,cut,garbage,crash=N" (any subset, comma-separated) into
 * f, on top of what f holds.  0, or -1 with a message. */
int sim_fault_parse(const char *spec, struct sim_fault *f, struct err *e);

/* Which monitor sockets an instance listens on: both, or one, for fleets
 * beyond half the open-files limit (10,000 instances with both take
 * 20,000 descriptors).  DEFAULT: the sim's (sim_set_sockets), both unless
 * set. */
enum sim_sockets { SIM_SOCK_DEFAULT, SIM_SOCK_BOTH, SIM_SOCK_HMP,
	SIM_SOCK_QMP };

struct sim_inst_opts {
	const char *dir;	/* where NAME.monitor and NAME.qmp go */
	enum sim_sockets sockets;
	const char *name;
	enum simdev_machine_type machine;
	enum simdev_guest guest;
	int ack_ms;		/* SIMDEV_GUEST_ACK delay */
	int held;		/* another client holds both sockets */
	struct sim_fault fault;
};

struct sim;
struct sim_inst;

struct sim *sim_new(struct err *e);
void sim_free(struct sim *s);
/* Like sim_free() but leaves the socket files: for a process that forked
 * and hands the serving over to its child. */
void sim_forget(struct sim *s);

/* Create an instance and its two listening sockets (an existing socket
 * file at the path is replaced, as QEMU does). */
struct sim_inst *sim_add(struct sim *s, const struct sim_inst_opts *o,
    struct err *e);

/* The sockets of instances added from now on with SIM_SOCK_DEFAULT. */
void sim_set_sockets(struct sim *s, enum sim_sockets which);
/* "both", "qmp" or "hmp" (len bytes of buf); -1 with a message. */
int sim_sockets_parse(const char *buf, size_t len, enum sim_sockets *out,
    struct err *e);

size_t sim_count(const struct sim *s);
struct sim_inst *sim_get(struct sim *s, size_t i);
const char *sim_inst_name(const struct sim_inst *in);
/* The socket paths: DIR/NAME.monitor and DIR/NAME.qmp (NULL for one it
 * does not listen on, sim_inst_opts.sockets). */
const char *sim_inst_hmp_path(const struct sim_inst *in);
const char *sim_inst_qmp_path(const struct sim_inst *in);
/* The machine, to set up devices before serving (scenarios). */
struct simdev_machine *sim_inst_machine(struct sim_inst *in);
void sim_inst_set_fault(struct sim_inst *in, const struct sim_fault *f);
const struct sim_fault *sim_inst_fault(const struct sim_inst *in);
/* Release (held = 0) or take (1) the busy-monitor hold. */
void sim_inst_set_held(struct sim_inst *in, int held);
/* 1 once the instance died (crash_after, or `quit`). */
int sim_inst_dead(const struct sim_inst *in);

/* One round of the loop: wait up to timeout_ms (-1 = until something
 * happens) and serve what is ready.  Returns 0, or -1 on a poll error. */
int sim_poll(struct sim *s, int timeout_ms, struct err *e);

/* Serve until sim_stop().  Returns 0, or -1 on a poll error. */
int sim_run(struct sim *s, struct err *e);
void sim_stop(struct sim *s);

/* Open file descriptors the sim uses (listeners + clients + its pipe). */
size_t sim_fd_count(const struct sim *s);

/* Raise RLIMIT_NOFILE's soft limit to the hard limit; returns the new
 * soft limit, or -1. */
long sim_raise_nofile(struct err *e);

#endif
