/* SPDX-License-Identifier: GPL-3.0-or-later */
/* relay.h - a relay between a monitor client and QEMU's socket, for the
 * tests that must see (or time) what goes over a real QEMU's monitor:
 * every byte is passed on both ways, unchanged, and each read is shown
 * to the test on the way, so that it can log a command, count replies,
 * act just before QEMU sees a given command (copy a file, send commands
 * of its own first).
 *
 * Two ways to run it:
 *  - in a child of tu_peer_serve (peer.h): tu_peer_serve(&peer,
 *    tu_relay_serve, &r) with r.qemu_path and r.seen set; each client of
 *    the peer's socket gets its own connection to QEMU, until either
 *    side closes;
 *  - in the test's own loop, beside the session under test:
 *    tu_relay_open, then tu_relay_pump with what poll found on r.cli and
 *    r.qemu, and tu_relay_close.
 * The struct is the caller's; tu_relay_close closes the two fds.
 */
#ifndef SLOTSCOPE_RELAY_H
#define SLOTSCOPE_RELAY_H

#include <stddef.h>

struct tu_relay {
	const char *qemu_path;	/* QEMU's socket (a unix socket's path) */
	/* Each read, NUL-terminated at buf[n], before it is passed on:
	 * from_qemu 0 when the client wrote it, 1 when QEMU did.  It may
	 * send bytes of its own first (tu_relay_send).  NULL: none. */
	void (*seen)(struct tu_relay *r, int from_qemu, const char *buf,
	    size_t n);
	void *arg;		/* the test's, for seen */
	int cli;		/* the client's connection */
	int qemu;		/* the connection to QEMU */
};

/* What tu_relay_pump did. */
enum tu_relay_rc {
	TU_RELAY_FAILED = -1,	/* a write failed (errno says why) */
	TU_RELAY_OK = 0,	/* passed on what was there */
	TU_RELAY_CLI_GONE,	/* the client closed its side */
	TU_RELAY_QEMU_GONE	/* QEMU closed its side */
};

/* A unix socket connected to path (close-on-exec), or -1 (errno). */
int tu_relay_connect(const char *path);

/* Relay cli to r->qemu_path: 0, or -1 when QEMU's socket cannot be
 * reached (r->qemu is -1 then).  cli becomes r's. */
int tu_relay_open(struct tu_relay *r, int cli);

/* Read what is there on the side(s) whose poll revents are set
 * (client first, then QEMU), show it to r->seen and pass it on. */
enum tu_relay_rc tu_relay_pump(struct tu_relay *r, short cli_revents,
    short qemu_revents);

/* Write all of buf to fd (EINTR retried): 0, or -1 (errno). */
int tu_relay_send(int fd, const char *buf, size_t n);

/* Close both sides (either may be -1). */
void tu_relay_close(struct tu_relay *r);

/* For tu_peer_serve: arg is a const struct tu_relay * whose qemu_path,
 * seen and arg are used (copied; cli and qemu are the child's own).
 * Relays until either side closes or a write fails; exits the child
 * (_exit(2)) when QEMU cannot be reached. */
void tu_relay_serve(int cli, void *arg);

#endif
