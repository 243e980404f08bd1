/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simsock.c - the simulator's sockets; see simsock.h. */
#include "sim/simsock.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sim/sim.h"

int
simsock_listen(const char *path, struct err *e)
{
	struct sockaddr_un a;
	char tmp[sizeof a.sun_path + 32];
	int fd;

	if (strlen(path) >= sizeof a.sun_path)
		return err_set(e, "socket path %s is too long for a unix "
		    "socket; use a shorter directory", path);
	memset(&a, 0, sizeof a);
	a.sun_family = AF_UNIX;
	strcpy(a.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_set(e, "cannot create a socket for %s: %s (raise "
		    "the open-files limit?)", path, strerror(errno));
	/* Bind and listen under a temporary name, then rename: the socket
	 * file appears only once it accepts connections, so a script that
	 * waits for the file never meets "connection refused". */
	if (snprintf(tmp, sizeof tmp, "%s.%d.tmp", path, (int)getpid()) <
	    (int)sizeof a.sun_path)
		strcpy(a.sun_path, tmp);
	else
		tmp[0] = '\0';
	unlink(a.sun_path);
	if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 ||
	    listen(fd, 1) < 0 || (tmp[0] && rename(tmp, path) < 0)) {
		err_set(e, "cannot listen on %s: %s", path, strerror(errno));
		if (tmp[0])
			unlink(tmp);
		close(fd);
		return -1;
	}
	return fd;
}
long
sim_raise_nofile(struct err *e)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return err_set(e, "cannot read the open-files limit: %s",
		    strerror(errno));
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			return err_set(e, "cannot raise the open-files limit: "
			    "%s", strerror(errno));
	}
	return (long)rl.rlim_cur;
}
