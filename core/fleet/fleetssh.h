/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fleetssh.h - one `ssh NODE slotscope --agent` child for fleetagent.c:
 * started with fork and exec (no shell), its stdin on a non-blocking
 * socket (written with MSG_NOSIGNAL: an ssh that died is an error, not a
 * SIGPIPE), its stdout and stderr on non-blocking pipes, in its own session (a Ctrl-C at the screen is not
 * its); ended with SIGTERM and reaped, so that its exit status can say
 * why it ended (127: the command was not found on the node; 255: ssh
 * itself failed, its last stderr line says how).
 *
 * Memory: nothing is allocated; fleetssh_end closes the fds.
 */
#ifndef SLOTSCOPE_FLEETSSH_H
#define SLOTSCOPE_FLEETSSH_H

#include <sys/types.h>

#include "base/err.h"

struct fleetssh {
	pid_t pid;		/* 0: none */
	int in, out, err;	/* its stdin (we send), stdout, stderr */
	char tail[512];		/* the end of what it said on stderr */
};

/* Start ssh for user@node:port (user "" and port 0: ssh's defaults),
 * config for -F ("" none), connect_s for ConnectTimeout and
 * ServerAliveInterval.  The remote command is `slotscope --agent`. */
int fleetssh_start(struct fleetssh *s, const char *user, const char *node,
    int port, const char *config, int connect_s, struct err *e);
/* Read what is on its stderr now into tail (never blocks). */
void fleetssh_drain_err(struct fleetssh *s);
/* The last non-empty line of its stderr, "" when none. */
void fleetssh_last_line(const struct fleetssh *s, char *out, size_t sz);
/* End it: wait up to wait_ms for it to exit by itself (its stdout ended),
 * then SIGTERM, then SIGKILL.  Returns its exit status, or -1 when it
 * was killed or none ran. */
int fleetssh_end(struct fleetssh *s, int wait_ms);

#endif
