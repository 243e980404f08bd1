/* SPDX-License-Identifier: GPL-3.0-or-later */
/* relay.c - see relay.h. */
#include "relay.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int
tu_relay_connect(const char *path)
{
	struct sockaddr_un sa;
	int fd;

	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sa.sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		fd = -1;
	}
	return fd;
}

int
tu_relay_open(struct tu_relay *r, int cli)
{
	r->cli = cli;
	r->qemu = tu_relay_connect(r->qemu_path);
	return r->qemu < 0 ? -1 : 0;
}

int
tu_relay_send(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EPIPE;
			return -1;
		}
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

/* One read from `from`, shown and passed on to `to`. */
static enum tu_relay_rc
pass(struct tu_relay *r, int from_qemu)
{
	char buf[1 << 16];
	int from = from_qemu ? r->qemu : r->cli;
	int to = from_qemu ? r->cli : r->qemu;
	ssize_t n = read(from, buf, sizeof buf - 1);

	if (n <= 0)
		return from_qemu ? TU_RELAY_QEMU_GONE : TU_RELAY_CLI_GONE;
	buf[n] = '\0';
	if (r->seen != NULL)
		r->seen(r, from_qemu, buf, (size_t)n);
	return tu_relay_send(to, buf, (size_t)n) < 0 ? TU_RELAY_FAILED :
	    TU_RELAY_OK;
}

enum tu_relay_rc
tu_relay_pump(struct tu_relay *r, short cli_revents, short qemu_revents)
{
	enum tu_relay_rc rc = TU_RELAY_OK;

	if (cli_revents)
		rc = pass(r, 0);
	if (rc == TU_RELAY_OK && qemu_revents)
		rc = pass(r, 1);
	return rc;
}

void
tu_relay_close(struct tu_relay *r)
{
	if (r->cli >= 0)
		close(r->cli);
	if (r->qemu >= 0)
		close(r->qemu);
	r->cli = r->qemu = -1;
}

void
tu_relay_serve(int cli, void *arg)
{
	struct tu_relay r = *(const struct tu_relay *)arg;
	struct pollfd pf[2];

	if (tu_relay_open(&r, cli) < 0)
		_exit(2);
	pf[0].fd = r.cli;
	pf[1].fd = r.qemu;
	for (;;) {
		pf[0].events = pf[1].events = POLLIN;
		if (poll(pf, 2, -1) < 0)
			_exit(2);
		if (tu_relay_pump(&r, pf[0].revents, pf[1].revents) !=
		    TU_RELAY_OK)
			break;
	}
	tu_relay_close(&r);
}
