/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sockdiag.c - the other end of a unix monitor socket, from sock_diag
 * netlink and /proc; see sockdiag.h. */
#include "qemu/sockdiag.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>

#define ST_ESTABLISHED 1	/* the kernel's TCP_ESTABLISHED, for unix too */
#define ST_LISTEN 10		/* TCP_LISTEN */
#define MAXQ 64			/* queued and accepted inodes looked at */

/* What the dump found for one path. */
struct seen {
	uint32_t listen_ino;
	uint32_t queue[MAXQ];		/* client inodes waiting */
	int nqueue;
	uint32_t served[MAXQ];		/* client inodes of accepted
					 * connections */
	int nserved;
};

/* Does this socket's bound file or name match the path? */
/* NLMSG_OK without its comparison of the u32 length with an int, which
 * clang's -Wsign-compare refuses under -Werror. */
static int
msg_ok(const struct nlmsghdr *h, int left)
{
	return left >= (int)sizeof *h && h->nlmsg_len >= sizeof *h &&
	    h->nlmsg_len <= (unsigned)left;
}

static int
matches(const struct rtattr *name, const struct rtattr *vfs,
    const char *path, ino_t fino)
{
	if (vfs != NULL && RTA_PAYLOAD(vfs) >= sizeof(struct unix_diag_vfs)) {
		const struct unix_diag_vfs *v = RTA_DATA(vfs);

		if (fino != 0 && v->udiag_vfs_ino == (uint32_t)fino)
			return 1;
	}
	if (name != NULL) {
		size_t n = RTA_PAYLOAD(name);
		const char *s = RTA_DATA(name);

		while (n > 0 && s[n - 1] == '\0')
			n--;
		return n == strlen(path) && memcmp(s, path, n) == 0;
	}
	return 0;
}

/* One socket of the dump. */
static void
one(const struct nlmsghdr *h, const char *path, ino_t fino, struct seen *sn)
{
	const struct unix_diag_msg *m = NLMSG_DATA(h);
	const struct rtattr *a = (const struct rtattr *)(m + 1);
	const struct rtattr *name = NULL, *vfs = NULL, *icons = NULL;
	uint32_t peer = 0;
	int len;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof *m))
		return;
	len = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof *m));
	for (; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == UNIX_DIAG_NAME)
			name = a;
		else if (a->rta_type == UNIX_DIAG_VFS)
			vfs = a;
		else if (a->rta_type == UNIX_DIAG_ICONS)
			icons = a;
		else if (a->rta_type == UNIX_DIAG_PEER &&
		    RTA_PAYLOAD(a) >= sizeof peer)
			memcpy(&peer, RTA_DATA(a), sizeof peer);
	}
	if (m->udiag_ino == 0 || !matches(name, vfs, path, fino))
		return;
	if (m->udiag_state == ST_LISTEN) {
		size_t k, n = icons ? RTA_PAYLOAD(icons) / sizeof(uint32_t) : 0;

		sn->listen_ino = m->udiag_ino;
		for (k = 0; k < n && sn->nqueue < MAXQ; k++)
			memcpy(&sn->queue[sn->nqueue++],
			    (const char *)RTA_DATA(icons) + k * sizeof(uint32_t),
			    sizeof(uint32_t));
	} else if (m->udiag_state == ST_ESTABLISHED && peer != 0 &&
	    sn->nserved < MAXQ)
		sn->served[sn->nserved++] = peer;
}

/* Dump every unix socket and keep what concerns path. */
static int
dump(const char *path, ino_t fino, struct seen *sn, struct err *e)
{
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req r;
	} req;
	char buf[32768];
	int fd, done = 0;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return err_set(e, "sock_diag: %s", strerror(errno));
	memset(&req, 0, sizeof req);
	req.nlh.nlmsg_len = sizeof req;
	req.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.r.sdiag_family = AF_UNIX;
	req.r.udiag_states = (1u << ST_LISTEN) | (1u << ST_ESTABLISHED);
	req.r.udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_VFS | UDIAG_SHOW_PEER |
	    UDIAG_SHOW_ICONS;
	if (send(fd, &req, sizeof req, 0) < 0) {
		close(fd);
		return err_set(e, "sock_diag: %s", strerror(errno));
	}
	while (!done) {
		ssize_t n = recv(fd, buf, sizeof buf, 0);
		const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
		int left;

		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			close(fd);
			return err_set(e, "sock_diag: %s", n < 0 ?
			    strerror(errno) : "no answer");
		}
		left = (int)n;
		for (; msg_ok(h, left); h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_type == NLMSG_DONE) {
				done = 1;
				break;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				close(fd);
				return err_set(e, "sock_diag refused the dump");
			}
			one(h, path, fino, sn);
		}
	}
	close(fd);
	return 0;
}

/* /proc/PID/comm and the state letter of /proc/PID/stat. */
static void
proc_info(int pid, struct sockdiag_proc *p)
{
	char fn[64], buf[512];
	const char *r;
	ssize_t n;
	int fd;

	p->pid = pid;
	snprintf(fn, sizeof fn, "/proc/%d/comm", pid);
	if ((fd = open(fn, O_RDONLY | O_CLOEXEC)) >= 0) {
		n = read(fd, p->comm, sizeof p->comm - 1);
		close(fd);
		p->comm[n > 0 ? n : 0] = '\0';
		p->comm[strcspn(p->comm, "\n")] = '\0';
	}
	snprintf(fn, sizeof fn, "/proc/%d/stat", pid);
	if ((fd = open(fn, O_RDONLY | O_CLOEXEC)) >= 0) {
		n = read(fd, buf, sizeof buf - 1);
		close(fd);
		buf[n > 0 ? n : 0] = '\0';
		/* "PID (COMM) S ...": the command may hold ')' */
		if ((r = strrchr(buf, ')')) != NULL && r[1] == ' ')
			p->state = r[2];
	}
}

/* "socket:[12345]" -> 12345, else 0. */
static uint32_t
sock_ino(const char *link)
{
	unsigned long v;
	char end;

	if (sscanf(link, "socket:[%lu%c", &v, &end) != 2 || end != ']')
		return 0;
	return (uint32_t)v;
}

/* The processes holding the listener and the first other client. */
static void
owners(const struct seen *sn, uint32_t ours, struct sockdiag *d)
{
	DIR *pd = opendir("/proc");
	struct dirent *de;

	if (pd == NULL)
		return;
	while ((de = readdir(pd)) != NULL &&
	    (d->owner.pid == 0 || (d->holder.pid == 0 && d->nclients > 0))) {
		char dir[300], fn[600], link[64];
		int pid = atoi(de->d_name), k;
		DIR *fdd;
		struct dirent *fe;

		if (pid <= 0)
			continue;
		snprintf(dir, sizeof dir, "/proc/%d/fd", pid);
		if ((fdd = opendir(dir)) == NULL)
			continue;
		while ((fe = readdir(fdd)) != NULL) {
			ssize_t n;
			uint32_t ino;

			snprintf(fn, sizeof fn, "%s/%s", dir, fe->d_name);
			n = readlink(fn, link, sizeof link - 1);
			if (n <= 0)
				continue;
			link[n] = '\0';
			if ((ino = sock_ino(link)) == 0 || ino == ours)
				continue;
			if (ino == sn->listen_ino && d->owner.pid == 0)
				proc_info(pid, &d->owner);
			for (k = 0; k < sn->nserved; k++)
				if (ino == sn->served[k] && d->holder.pid == 0)
					proc_info(pid, &d->holder);
		}
		closedir(fdd);
	}
	closedir(pd);
}

int
sockdiag_unix(const char *path, int our_fd, struct sockdiag *d,
    struct err *e)
{
	struct seen sn;
	struct stat st;
	uint32_t ours = 0;
	int k;

	memset(d, 0, sizeof *d);
	memset(&sn, 0, sizeof sn);
	if (our_fd >= 0 && fstat(our_fd, &st) == 0)
		ours = (uint32_t)st.st_ino;
	if (stat(path, &st) < 0)
		st.st_ino = 0;
	if (dump(path, st.st_ino, &sn, e) < 0)
		return -1;
	d->listening = sn.listen_ino != 0;
	d->nqueue = sn.nqueue;
	for (k = 0; k < sn.nqueue; k++)
		if (ours != 0 && sn.queue[k] == ours)
			d->queued = 1;
	for (k = 0; k < sn.nserved; k++) {
		if (ours != 0 && sn.served[k] == ours) {
			d->accepted = 1;
			/* not another client: drop it from the list */
			sn.served[k--] = sn.served[--sn.nserved];
		}
	}
	d->nclients = sn.nserved;
	if (d->listening)
		owners(&sn, ours, d);
	return 0;
}

static int
ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);

	return n >= m && strcmp(s + n - m, tail) == 0;
}

void
sockdiag_explain(const char *path, const struct sockdiag *d, int ms,
    char *buf, size_t sz, int *stopped, int *held)
{
	*stopped = *held = 0;
	if (d != NULL && d->owner.pid != 0 &&
	    (d->owner.state == 'T' || d->owner.state == 't')) {
		*stopped = 1;
		snprintf(buf, sz, "QEMU's process (pid %d, %s) is stopped "
		    "(state %c, e.g. SIGSTOP): it cannot answer its monitor "
		    "%s; SIGCONT resumes it", d->owner.pid, d->owner.comm,
		    d->owner.state, path);
		return;
	}
	if (d != NULL && d->accepted && d->nclients == 0) {
		if (ends_with(path, ".serial"))
			snprintf(buf, sz, "%s is a serial console (Ganeti's "
			    "NAME.serial), not a QEMU monitor: it accepted the "
			    "connection and sent nothing in %d ms; the "
			    "monitors are NAME.monitor and NAME.qmp", path,
			    ms);
		else
			snprintf(buf, sz, "%s is no QEMU monitor: it accepted "
			    "the connection and sent nothing in %d ms (a "
			    "serial console or another character device?)",
			    path, ms);
		return;
	}
	*held = 1;
	if (d != NULL && d->holder.pid != 0)
		snprintf(buf, sz, "monitor busy: another client is connected: "
		    "pid %d (%s) holds %s", d->holder.pid, d->holder.comm,
		    path);
	else
		snprintf(buf, sz, "monitor busy: another client is connected");
}
