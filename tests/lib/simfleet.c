/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simfleet.c - a simulated fleet served by a forked child, for tests and
 * benchmarks (simfleet.h).  The child says how it went over a pipe: "r"
 * once every instance listens, or "e" and its error before it exits. */
#include "simfleet.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/nofile.h"

/* The child's side: never returns. */
static void __attribute__((noreturn))
serve(const char *const *dirs, const int *counts, int ndirs,
    enum sim_sockets sockets, int fd)
{
	long need = 256;
	struct sim *s = NULL;
	struct err e;
	int d, i;

	signal(SIGTERM, SIG_DFL);	/* not the caller's handlers */
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	for (d = 0; d < ndirs; d++)
		need += (long)counts[d] * (sockets == SIM_SOCK_QMP ||
		    sockets == SIM_SOCK_HMP ? 1 : 2);
	if (nofile_need(need, &e) < 0 || sim_raise_nofile(&e) < 0 ||
	    (s = sim_new(&e)) == NULL)
		goto fail;
	for (d = 0; d < ndirs; d++)
		for (i = 0; i < counts[d]; i++) {
			struct sim_inst_opts o;
			char name[32];

			memset(&o, 0, sizeof o);
			snprintf(name, sizeof name, "vm%d", i + 1);
			o.dir = dirs[d];
			o.name = name;
			o.machine = SIMDEV_PC;
			o.sockets = sockets;
			if (sim_add(s, &o, &e) == NULL)
				goto fail;
		}
	if (write(fd, "r", 1) != 1)
		_exit(1);
	close(fd);
	sim_run(s, &e);
	_exit(0);
fail:
	if (write(fd, "e", 1) == 1 && write(fd, e.msg, strlen(e.msg)) < 0)
		_exit(1);
	_exit(1);
}

int
tu_simfleet_start_dirs(const char *const *dirs, const int *counts,
    int ndirs, enum sim_sockets sockets, pid_t *pid, struct err *e)
{
	char buf[sizeof e->msg + 1];
	size_t len = 0;
	pid_t parent = getpid(), p;
	ssize_t r;
	int ready[2];

	*pid = -1;
	if (pipe2(ready, O_CLOEXEC) < 0)
		return err_set(e, "the simulator: no pipe: %s",
		    strerror(errno));
	if ((p = fork()) < 0) {
		close(ready[0]);
		close(ready[1]);
		return err_set(e, "the simulator: cannot fork: %s",
		    strerror(errno));
	}
	if (p == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		close(ready[0]);
		serve(dirs, counts, ndirs, sockets, ready[1]);
	}
	close(ready[1]);
	/* "r" ends it; an error is read to the child's exit (EOF) */
	while (len < sizeof buf - 1 && (len == 0 || buf[0] != 'r')) {
		r = read(ready[0], buf + len, sizeof buf - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(ready[0]);
	if (len > 0 && buf[0] == 'r') {
		*pid = p;
		return 0;
	}
	kill(p, SIGKILL);
	waitpid(p, NULL, 0);
	buf[len] = '\0';
	return err_set(e, "the simulator did not start: %s", len > 1 ?
	    buf + 1 : "it exited without saying why");
}

int
tu_simfleet_start(const char *dir, int n, enum sim_sockets sockets,
    pid_t *pid, struct err *e)
{
	return tu_simfleet_start_dirs(&dir, &n, 1, sockets, pid, e);
}

void
tu_simfleet_stop(pid_t *pid)
{
	if (*pid <= 0)
		return;
	kill(*pid, SIGTERM);
	waitpid(*pid, NULL, 0);
	*pid = -1;
}
