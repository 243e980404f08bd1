/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sockdiag.h - who is at the other end of a unix monitor socket, as far
 * as Linux lets an unprivileged or root process see it: why a monitor
 * that does not greet is silent.
 *
 * Linux tells it through the sock_diag netlink interface (what `ss -xp`
 * reads): every unix socket with its inode, state, bound path, peer inode,
 * and for a listening socket the client inodes in its accept queue.  An
 * accepted connection carries the listener's path, so the clients QEMU
 * serves are the peers of the connected sockets bound to the monitor's
 * path; a client still in the queue has not been accepted.  Which process
 * holds an inode is found in /proc/PID/fd (links "socket:[INODE]"), its
 * command name in /proc/PID/comm and its run state in /proc/PID/stat
 * ('T' stopped, 't' traced).
 *
 * Nothing here blocks for long (a netlink dump and a walk of /proc); no
 * state is kept; the caller's struct sockdiag holds everything.
 */
#ifndef SLOTSCOPE_SOCKDIAG_H
#define SLOTSCOPE_SOCKDIAG_H

#include "base/err.h"

struct sockdiag_proc {
	int pid;		/* 0 = not found */
	char comm[32];		/* "qemu-system-x86", "socat" */
	char state;		/* from /proc/PID/stat: 'R', 'S', 'T', ... */
};

struct sockdiag {
	int listening;		/* a socket listens on the path */
	int queued;		/* our connection waits in its accept queue */
	int accepted;		/* our connection was accepted */
	int nqueue;		/* connections in the accept queue */
	struct sockdiag_proc owner;	/* holds the listening socket (QEMU) */
	struct sockdiag_proc holder;	/* the client QEMU serves now, not
					 * us (pid 0 when none or unseen) */
	int nclients;		/* accepted connections that are not ours */
};

/* Look at the unix socket listening on path; our_fd is our connected
 * socket to it (or -1).  -1 with e set when Linux does not tell (no
 * sock_diag). */
int sockdiag_unix(const char *path, int our_fd, struct sockdiag *d,
    struct err *e);

/* The sentence for a monitor at path that sent nothing within ms, from
 * what sockdiag_unix saw (d NULL: it could not look).  Sets *stopped when
 * QEMU's process is stopped, *held when another client holds the socket.
 */
void sockdiag_explain(const char *path, const struct sockdiag *d, int ms,
    char *buf, size_t sz, int *stopped, int *held);

#endif
