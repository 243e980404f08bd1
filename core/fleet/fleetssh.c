/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fleetssh.c - the ssh child of one host; see fleetssh.h. */
#include "fleet/fleetssh.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void
closep(int p[2])
{
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
}

/* The child: its pipes on 0, 1, 2, then exec ssh (argv built before the
 * fork: nothing here allocates). */
static void
child(int pin[2], int pout[2], int perr[2], char **argv)
{
	setsid();
	signal(SIGPIPE, SIG_DFL);
	dup2(pin[0], 0);
	dup2(pout[1], 1);
	dup2(perr[1], 2);
	closep(pin);
	closep(pout);
	closep(perr);
	/* no other fd of ours may stay open in ssh (monitor sockets) */
	close_range(3, ~0U, 0);
	execvp("ssh", argv);
	dprintf(2, "slotscope: cannot run ssh: %s\n", strerror(errno));
	_exit(255);
}

int
fleetssh_start(struct fleetssh *s, const char *user, const char *node,
    int port, const char *config, int connect_s, struct err *e)
{
	char ct[48], sa[48], ps[16];
	char *argv[24];
	int pin[2] = { -1, -1 }, pout[2] = { -1, -1 }, perr[2] = { -1, -1 };
	int n = 0;

	memset(s, 0, sizeof *s);
	s->in = s->out = s->err = -1;
	snprintf(ct, sizeof ct, "ConnectTimeout=%d", connect_s);
	snprintf(sa, sizeof sa, "ServerAliveInterval=%d", connect_s);
	argv[n++] = "ssh";
	argv[n++] = "-T";
	argv[n++] = "-o";
	argv[n++] = "BatchMode=yes";
	argv[n++] = "-o";
	argv[n++] = ct;
	argv[n++] = "-o";
	argv[n++] = sa;
	argv[n++] = "-o";
	argv[n++] = "ServerAliveCountMax=2";
	if (config != NULL && config[0] != '\0') {
		argv[n++] = "-F";
		argv[n++] = (char *)config;
	}
	if (port > 0) {
		snprintf(ps, sizeof ps, "%d", port);
		argv[n++] = "-p";
		argv[n++] = ps;
	}
	if (user != NULL && user[0] != '\0') {
		argv[n++] = "-l";
		argv[n++] = (char *)user;
	}
	argv[n++] = "--";
	argv[n++] = (char *)node;
	argv[n++] = "slotscope";
	argv[n++] = "--agent";
	argv[n] = NULL;
	/* its stdin a socket: send() with MSG_NOSIGNAL to an ssh that is
	 * gone fails instead of raising SIGPIPE in the caller */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pin) < 0 ||
	    pipe2(pout, O_CLOEXEC) < 0 ||
	    pipe2(perr, O_CLOEXEC) < 0) {
		closep(pin);
		closep(pout);
		closep(perr);
		return err_set(e, "cannot start ssh: %s", strerror(errno));
	}
	fflush(NULL);
	s->pid = fork();
	if (s->pid < 0) {
		s->pid = 0;
		closep(pin);
		closep(pout);
		closep(perr);
		return err_set(e, "cannot start ssh: %s", strerror(errno));
	}
	if (s->pid == 0)
		child(pin, pout, perr, argv);
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	shutdown(pin[1], SHUT_RD);
	s->in = pin[1];
	s->out = pout[0];
	s->err = perr[0];
	fcntl(s->in, F_SETFL, O_NONBLOCK);
	fcntl(s->out, F_SETFL, O_NONBLOCK);
	fcntl(s->err, F_SETFL, O_NONBLOCK);
	return 0;
}

void
fleetssh_drain_err(struct fleetssh *s)
{
	char buf[512], both[sizeof s->tail + sizeof buf];
	ssize_t r;

	while (s->err >= 0 && (r = read(s->err, buf, sizeof buf)) > 0) {
		size_t have = strlen(s->tail), all, keep;

		memcpy(both, s->tail, have);
		memcpy(both + have, buf, (size_t)r);
		all = have + (size_t)r;
		/* the newest bytes are kept */
		keep = all < sizeof s->tail ? all : sizeof s->tail - 1;
		memcpy(s->tail, both + all - keep, keep);
		s->tail[keep] = '\0';
	}
}

void
fleetssh_last_line(const struct fleetssh *s, char *out, size_t sz)
{
	char t[sizeof s->tail];
	char *end, *start;
	size_t k;

	snprintf(t, sizeof t, "%s", s->tail);
	end = t + strlen(t);
	while (end > t && (end[-1] == '\n' || end[-1] == '\r' ||
	    end[-1] == ' '))
		*--end = '\0';
	start = strrchr(t, '\n');
	start = start ? start + 1 : t;
	for (k = 0; start[k] != '\0'; k++)
		if ((unsigned char)start[k] < 0x20 ||
		    (unsigned char)start[k] >= 0x7f)
			start[k] = '?';
	snprintf(out, sz, "%s", start);
}

static void
nap_ms(int ms)
{
	struct timespec ts = { 0, (long)ms * 1000000L };

	nanosleep(&ts, NULL);
}

int
fleetssh_end(struct fleetssh *s, int wait_ms)
{
	int st = 0, k;
	pid_t r = 0;

	if (s->pid <= 0)
		return -1;
	if (s->in >= 0)
		close(s->in);	/* the agent's stdin ends: it leaves */
	s->in = -1;
	for (k = 0; k * 10 < wait_ms &&
	    (r = waitpid(s->pid, &st, WNOHANG)) == 0; k++)
		nap_ms(10);
	if (r == 0) {
		kill(s->pid, SIGTERM);
		for (k = 0; k < 50 && (r = waitpid(s->pid, &st, WNOHANG)) ==
		    0; k++)
			nap_ms(10);
		if (r == 0) {
			kill(s->pid, SIGKILL);
			r = waitpid(s->pid, &st, 0);
		}
		st = -1;
	} else if (r > 0)
		st = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	else
		st = -1;
	fleetssh_drain_err(s);
	if (s->out >= 0)
		close(s->out);
	if (s->err >= 0)
		close(s->err);
	s->out = s->err = -1;
	s->pid = 0;
	return st;
}
