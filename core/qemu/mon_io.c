/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mon_io.c - the bytes of a monitor session: the commands put in the
 * output (one, or a pipelined run) written as far as the socket takes
 * them (a file descriptor riding along with the first byte, SCM_RIGHTS),
 * and reads into a buffer that grows only as
 * far as a reply needs; see mon_int.h.  Nothing here blocks. */
#include "qemu/mon_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/clock.h"
#include "qemu/monpool.h"

#define IN_MAX (32u << 20)	/* more unanswered bytes than this: garbage */
#define READS_PER_STEP 16	/* be fair to the other monitors of a loop */

/* Send p[0..n) with the fd to pass: sendmsg() with SCM_RIGHTS. */
static ssize_t
send_fd(struct mon *m, const char *p, size_t n)
{
	struct msghdr mh;
	struct iovec iov = { (void *)p, n };
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct cmsghdr *c;
	ssize_t w;

	memset(&mh, 0, sizeof mh);
	memset(cbuf, 0, sizeof cbuf);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof cbuf;
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &m->out_fd, sizeof(int));
	w = sendmsg(m->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (w > 0) {
		close(m->out_fd);
		m->out_fd = -1;
	}
	return w;
}

int
mon_io_flush(struct mon *m)
{
	while (m->outoff < m->outlen) {
		const char *p = m->out + m->outoff;
		size_t n = m->outlen - m->outoff;
		ssize_t w;

		if (m->out_fd >= 0)
			w = send_fd(m, p, n);
		else
			w = send(m->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (errno == EINTR)
				continue;
			mon_fail(m, MONERR_UNREACHABLE, "cannot write to the "
			    "monitor at %s: %s", m->epstr, strerror(errno));
			return -1;
		}
		m->outoff += (size_t)w;
	}
	m->outlen = m->outoff = 0;
	return 0;
}

/* Room for n more bytes of output: 0, or -1 when the session failed. */
static int
grow_out(struct mon *m, size_t n)
{
	size_t cap;
	char *p;

	if (m->outoff == m->outlen)
		m->outlen = m->outoff = 0;	/* all written: start over */
	if (m->outcap - m->outlen >= n)
		return 0;
	cap = m->outcap ? m->outcap : 256;
	while (cap - m->outlen < n)
		cap *= 2;
	if (m->out == NULL &&
	    (p = monpool_take(m->pool, MONPOOL_OUT, cap, &cap)) != NULL) {
		m->out = p;	/* a buffer an earlier session left */
		m->outcap = cap;
		return 0;
	}
	if ((p = realloc(m->out, cap)) == NULL) {
		mon_fail(m, MONERR_PROTOCOL, "out of memory");
		return -1;
	}
	m->out = p;
	m->outcap = cap;
	return 0;
}

int
mon_io_put(struct mon *m, const char *buf, size_t n, int fd)
{
	if (grow_out(m, n) < 0)
		return -1;
	memcpy(m->out + m->outlen, buf, n);
	m->outlen += n;
	if (fd >= 0 && m->out_fd < 0) {
		m->out_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
		if (m->out_fd < 0) {
			mon_fail(m, MONERR_PROTOCOL, "cannot duplicate the fd "
			    "to pass: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}

int
mon_io_commit(struct mon *m)
{
	m->wait = MON_W_REPLY;
	m->deadline = mon_now(m) + m->o.op_ms;
	return mon_io_flush(m);
}

/* Room for 4096 more bytes: 0, or -1 when the session failed. */
static int
grow_in(struct mon *m)
{
	/* small at first: a fleet keeps a mon per instance (the buffer is
	 * freed between sessions) */
	size_t cap = m->incap ? m->incap * 2 : 16384;
	char *p;

	if (m->incap - m->inlen >= 4096)
		return 0;
	if (m->in == NULL &&
	    (p = monpool_take(m->pool, MONPOOL_IN, cap, &cap)) != NULL) {
		m->in = p;	/* a buffer an earlier session left */
		m->incap = cap;
		return 0;
	}
	if (cap > IN_MAX + 65536) {
		mon_fail(m, MONERR_PROTOCOL, "the monitor sent more than %u "
		    "bytes without finishing a reply", IN_MAX);
		return -1;
	}
	if ((p = realloc(m->in, cap)) == NULL) {
		mon_fail(m, MONERR_PROTOCOL, "out of memory");
		return -1;
	}
	m->in = p;
	m->incap = cap;
	return 0;
}

int
mon_io_read(struct mon *m, int *err)
{
	int i;

	*err = 0;
	for (i = 0; i < READS_PER_STEP; i++) {
		ssize_t r;

		if (grow_in(m) < 0)
			return -1;
		r = recv(m->fd, m->in + m->inlen, m->incap - m->inlen,
		    MSG_DONTWAIT);
		if (r > 0) {
			size_t room = m->incap - m->inlen;

			m->inlen += (size_t)r;
			/* a short read took all there was: skip the recv()
			 * that would only say EAGAIN (poll says when more
			 * comes, or the hang-up) */
			if ((size_t)r < room)
				return 0;
			continue;
		}
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (r < 0 && errno == EINTR)
			continue;
		*err = r < 0 ? errno : 0;
		return 1;
	}
	return 0;
}
