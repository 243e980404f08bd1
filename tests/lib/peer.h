/* SPDX-License-Identifier: GPL-3.0-or-later */
/* peer.h - a scripted monitor peer on a unix socket: the test plays QEMU
 * (or something that is not QEMU) with bytes it chooses, to see how the
 * client under test takes them.
 *
 * Two ways to play it:
 *  - in the test's own process, step by step: tu_peer_listen, then
 *    tu_peer_accept once the client connected, tu_peer_say to answer and
 *    tu_peer_line to read what the client sent (pumping the client
 *    meanwhile, since both run in one thread);
 *  - in a child process: tu_peer_serve forks a server that serves every
 *    client in its own child with a function of the test's until
 *    tu_peer_free; all of them die with the test process
 *    (PR_SET_PDEATHSIG), also when the test fails or times out.
 * Setup failures end the test (ck_assert).  The struct is the caller's;
 * tu_peer_free releases what it holds.
 */
#ifndef SLOTSCOPE_PEER_H
#define SLOTSCOPE_PEER_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

struct tu_peer {
	char *dir;		/* temp dir made by tu_peer_listen, or NULL */
	char path[PATH_MAX];	/* the socket */
	int lfd;		/* listening socket, -1 once served/closed */
	int fd;			/* the accepted client, -1 when none */
	char buf[65536];	/* what the client sent, not yet read */
	size_t len;
	pid_t pid;		/* tu_peer_serve's server, 0 when none */
};

/* Listen on path; with path NULL on m.sock in a fresh temp dir (p->dir,
 * removed by tu_peer_free).  An old file at path is removed first. */
void tu_peer_listen(struct tu_peer *p, const char *path);
/* Wait for the client (blocking) and keep it in p->fd. */
void tu_peer_accept(struct tu_peer *p);
/* Send s (all of it) to the accepted client. */
void tu_peer_say(struct tu_peer *p, const char *s);
/* The next line (up to '\n') the client sent, in a static buffer;
 * pump(arg) runs between reads so the client can make progress.  Ends the
 * test when nothing comes within 2 s. */
const char *tu_peer_line(struct tu_peer *p, void (*pump)(void *), void *arg);

/* Serve in a child: each client is handed to serve(fd, arg) in a child of
 * its own, which exits when serve returns.  Closes p->lfd here. */
void tu_peer_serve(struct tu_peer *p, void (*serve)(int fd, void *arg),
    void *arg);

/* Stop the server (if any), close the sockets, remove the temp dir. */
void tu_peer_free(struct tu_peer *p);

/* For serve functions: write all of s (a client that left ends the child
 * quietly, _exit(0)); read one line up to '\n' into buf (NUL-terminated),
 * 0 at end of file. */
void tu_peer_put(int fd, const char *s, size_t n);
void tu_peer_puts(int fd, const char *s);
int tu_peer_getline(int fd, char *buf, size_t sz);
/* Send reply (one JSON object's text) as QEMU answers the QMP command
 * line `line`: with the command's "id" (the last "id" of the line, as
 * slotscope writes it) echoed, and "\r\n". */
void tu_peer_qmp_reply(int fd, const char *line, const char *reply);

#endif
