/* SPDX-License-Identifier: GPL-3.0-or-later */
/* peer.c - see peer.h. */
#include "peer.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

void
tu_peer_listen(struct tu_peer *p, const char *path)
{
	struct sockaddr_un sa;

	memset(p, 0, sizeof *p);
	p->lfd = p->fd = -1;
	if (path == NULL) {
		p->dir = tu_tmpdir();
		ck_assert_ptr_nonnull(p->dir);
		snprintf(p->path, sizeof p->path, "%s/m.sock", p->dir);
	} else
		snprintf(p->path, sizeof p->path, "%s", path);
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	ck_assert_uint_lt(strlen(p->path), sizeof sa.sun_path);
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", p->path);
	unlink(p->path);
	p->lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_ge(p->lfd, 0);
	ck_assert_int_eq(bind(p->lfd, (struct sockaddr *)&sa, sizeof sa), 0);
	ck_assert_int_eq(listen(p->lfd, 8), 0);
}

void
tu_peer_accept(struct tu_peer *p)
{
	p->fd = accept(p->lfd, NULL, NULL);
	ck_assert_int_ge(p->fd, 0);
	p->len = 0;
}

void
tu_peer_say(struct tu_peer *p, const char *s)
{
	size_t n = strlen(s);

	ck_assert_int_ge(p->fd, 0);
	ck_assert_int_eq(write(p->fd, s, n), (ssize_t)n);
}

const char *
tu_peer_line(struct tu_peer *p, void (*pump)(void *), void *arg)
{
	static char line[sizeof p->buf + 1];
	long end = tu_ms_now() + tu_ms(2000);

	while (tu_ms_now() < end) {
		char *nl = memchr(p->buf, '\n', p->len);
		ssize_t r;

		if (nl != NULL) {
			size_t n = (size_t)(nl - p->buf) + 1;

			memcpy(line, p->buf, n);
			line[n] = '\0';
			memmove(p->buf, p->buf + n, p->len - n);
			p->len -= n;
			return line;
		}
		if (pump != NULL)
			pump(arg);
		else
			usleep(5000);
		r = recv(p->fd, p->buf + p->len, sizeof p->buf - p->len,
		    MSG_DONTWAIT);
		if (r > 0)
			p->len += (size_t)r;
	}
	ck_abort_msg("the monitor client sent nothing");
	return NULL;
}

void
tu_peer_serve(struct tu_peer *p, void (*serve)(int fd, void *arg), void *arg)
{
	pid_t parent = getpid();

	p->pid = fork();
	ck_assert_int_ge(p->pid, 0);
	if (p->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		signal(SIGPIPE, SIG_IGN);
		for (;;) {
			int c = accept(p->lfd, NULL, NULL);
			pid_t server = getpid();

			if (c < 0)
				_exit(1);
			if (fork() == 0) {
				prctl(PR_SET_PDEATHSIG, SIGKILL);
				if (getppid() != server)
					_exit(1);
				close(p->lfd);
				serve(c, arg);
				_exit(0);
			}
			close(c);
			while (waitpid(-1, NULL, WNOHANG) > 0)
				;
		}
	}
	close(p->lfd);
	p->lfd = -1;
}

void
tu_peer_free(struct tu_peer *p)
{
	if (p->pid > 0) {
		kill(p->pid, SIGKILL);
		waitpid(p->pid, NULL, 0);
		p->pid = 0;
	}
	if (p->fd >= 0)
		close(p->fd);
	if (p->lfd >= 0)
		close(p->lfd);
	p->fd = p->lfd = -1;
	if (p->dir != NULL) {
		tu_rmrf(p->dir);
		free(p->dir);
		p->dir = NULL;
	}
}

void
tu_peer_put(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w <= 0)
			_exit(0);	/* the client left: fine */
		s += w;
		n -= (size_t)w;
	}
}

void
tu_peer_puts(int fd, const char *s)
{
	tu_peer_put(fd, s, strlen(s));
}

void
tu_peer_qmp_reply(int fd, const char *line, const char *reply)
{
	const char *id = NULL, *p = line;
	char buf[8192];
	size_t n = strlen(reply);

	/* the command's own id comes last (arguments may have ids too) */
	while ((p = strstr(p, "\"id\":\"")) != NULL)
		id = p++;

	if (id == NULL)
		snprintf(buf, sizeof buf, "%s\r\n", reply);
	else {
		id += 6;
		snprintf(buf, sizeof buf, "%.*s, \"id\": \"%.*s\"}\r\n",
		    (int)(n - 1), reply, (int)strcspn(id, "\""), id);
	}
	tu_peer_puts(fd, buf);
}

int
tu_peer_getline(int fd, char *buf, size_t sz)
{
	size_t n = 0;
	char c;

	while (n + 1 < sz) {
		if (read(fd, &c, 1) != 1)
			return 0;
		buf[n++] = c;
		if (c == '\n')
			break;
	}
	buf[n] = '\0';
	return 1;
}
