/* SPDX-License-Identifier: GPL-3.0-or-later */
/* endpoint.c - monitor addresses; see endpoint.h. */
#include "qemu/endpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static int
has_ctl(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 1;
	return 0;
}

int
endpoint_parse(const char *buf, size_t len, struct endpoint *ep,
    struct err *e)
{
	const char *p, *colon, *host;
	size_t hlen, plen, i;
	unsigned long port = 0;

	memset(ep, 0, sizeof *ep);
	if (len == 0)
		return err_set(e, "empty monitor endpoint: give unix:PATH, "
		    "tcp:HOST:PORT or a socket path");
	if (memchr(buf, '\0', len) != NULL || has_ctl(buf, len))
		return err_set(e, "monitor endpoint contains control "
		    "characters");
	if (len > 4 && memcmp(buf, "tcp:", 4) == 0) {
		p = buf + 4;
		plen = len - 4;
		colon = NULL;
		for (i = plen; i > 0; i--)
			if (p[i - 1] == ':') {
				colon = p + i - 1;
				break;
			}
		if (colon == NULL)
			return err_set(e, "monitor endpoint '%.*s' has no port: "
			    "write tcp:HOST:PORT", (int)(len > 200 ? 200 : len),
			    buf);
		host = p;
		hlen = (size_t)(colon - p);
		if (hlen >= 2 && host[0] == '[' && host[hlen - 1] == ']') {
			host++;
			hlen -= 2;
		}
		if (hlen == 0 || hlen >= sizeof ep->host)
			return err_set(e, "monitor endpoint needs a host name "
			    "of 1 to %zu characters: write tcp:HOST:PORT",
			    sizeof ep->host - 1);
		plen = (size_t)(p + plen - colon - 1);
		if (plen == 0 || plen > 5)
			return err_set(e, "monitor endpoint port must be a "
			    "number from 1 to 65535");
		for (i = 0; i < plen; i++) {
			if (colon[1 + i] < '0' || colon[1 + i] > '9')
				return err_set(e, "monitor endpoint port must "
				    "be a number from 1 to 65535");
			port = port * 10 + (unsigned long)(colon[1 + i] - '0');
		}
		if (port < 1 || port > 65535)
			return err_set(e, "monitor endpoint port must be a "
			    "number from 1 to 65535");
		ep->kind = ENDPOINT_TCP;
		memcpy(ep->host, host, hlen);
		snprintf(ep->port, sizeof ep->port, "%lu", port);
		return 0;
	}
	p = buf;
	plen = len;
	if (len >= 5 && memcmp(buf, "unix:", 5) == 0) {
		p += 5;
		plen -= 5;
	}
	if (plen == 0)
		return err_set(e, "monitor endpoint has an empty socket path");
	if (plen >= sizeof ep->path)
		return err_set(e, "monitor socket path is %zu bytes long; a "
		    "unix socket path has at most %zu", plen,
		    sizeof ep->path - 1);
	ep->kind = ENDPOINT_UNIX;
	memcpy(ep->path, p, plen);
	return 0;
}

void
endpoint_format(const struct endpoint *ep, char *out, size_t outsz)
{
	if (ep->kind == ENDPOINT_TCP)
		snprintf(out, outsz, strchr(ep->host, ':') ? "tcp:[%s]:%s" :
		    "tcp:%s:%s", ep->host, ep->port);
	else
		snprintf(out, outsz, "unix:%s", ep->path);
}

static int
new_socket(int family, struct err *e)
{
	int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		err_set(e, "cannot create a socket: %s", strerror(errno));
	return fd;
}

/* The file type of st, for a message. */
static const char *
kind_of(const struct stat *st)
{
	if (S_ISREG(st->st_mode))
		return "a regular file";
	if (S_ISDIR(st->st_mode))
		return "a directory";
	if (S_ISFIFO(st->st_mode))
		return "a FIFO";
	if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
		return "a device file";
	return "no socket";
}

/* Why connect() to a unix socket path failed with err, naming the cause:
 * nothing there, a path that is no socket, a socket nobody listens on. */
static void
unix_why(const char *path, int err, struct err *e)
{
	struct stat st;

	if (err == ENOENT)
		err_set(e, "cannot connect to monitor socket %s: %s (QEMU not "
		    "running, or another path?)", path, strerror(err));
	else if ((err == ECONNREFUSED || err == ENOTSOCK) &&
	    stat(path, &st) == 0 && !S_ISSOCK(st.st_mode))
		err_set(e, "cannot connect to monitor socket %s: it is not a "
		    "socket but %s", path, kind_of(&st));
	else if (err == ECONNREFUSED)
		err_set(e, "cannot connect to monitor socket %s: nothing "
		    "listens on it (QEMU has exited and left its socket "
		    "behind?)", path);
	else
		err_set(e, "cannot connect to monitor socket %s: %s", path,
		    strerror(err));
}

int
endpoint_connect(const struct endpoint *ep, int *in_progress, struct err *e)
{
	int fd, rc, saved;

	*in_progress = 0;
	if (ep->kind == ENDPOINT_UNIX) {
		struct sockaddr_un sa;

		memset(&sa, 0, sizeof sa);
		sa.sun_family = AF_UNIX;
		memcpy(sa.sun_path, ep->path, strlen(ep->path));
		if ((fd = new_socket(AF_UNIX, e)) < 0)
			return -1;
		if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0)
			return fd;
		saved = errno;
		close(fd);
		unix_why(ep->path, saved, e);
		errno = saved;
		return -1;
	} else {
		struct addrinfo hints, *res = NULL, *ai;

		memset(&hints, 0, sizeof hints);
		hints.ai_family = AF_UNSPEC;
		hints.ai_socktype = SOCK_STREAM;
		rc = getaddrinfo(ep->host, ep->port, &hints, &res);
		if (rc != 0)
			return err_set(e, "cannot resolve monitor host %s: %s",
			    ep->host, gai_strerror(rc));
		saved = 0;
		fd = -1;
		for (ai = res; ai != NULL; ai = ai->ai_next) {
			if ((fd = new_socket(ai->ai_family, e)) < 0)
				continue;
			if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
				break;
			if (errno == EINPROGRESS) {
				*in_progress = 1;
				break;
			}
			saved = errno;
			close(fd);
			fd = -1;
		}
		freeaddrinfo(res);
		if (fd < 0) {
			saved = saved ? saved : EHOSTUNREACH;
			err_set(e, "cannot connect to monitor at %s:%s: %s",
			    ep->host, ep->port, strerror(saved));
			errno = saved;
			return -1;
		}
		return fd;
	}
}

int
endpoint_connect_result(int fd, const struct endpoint *ep, struct err *e)
{
	int soerr = 0;
	socklen_t sl = sizeof soerr;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
		soerr = errno;
	if (soerr == 0)
		return 0;
	if (ep->kind == ENDPOINT_TCP)
		return err_set(e, "cannot connect to monitor at %s:%s: %s",
		    ep->host, ep->port, strerror(soerr));
	unix_why(ep->path, soerr, e);
	return -1;
}
