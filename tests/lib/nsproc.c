/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nsproc.c - processes of a private PID namespace, from /proc (see
 * nsproc.h). */
#include "nsproc.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

pid_t
tu_spawn(const char *log, int flags, char *const argv[])
{
	pid_t parent = getpid(), pid = fork();
	int fd, null;

	if (pid != 0)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	fd = open(log, O_WRONLY | O_CREAT |
	    (flags & TU_SPAWN_APPEND ? O_APPEND : O_TRUNC), 0600);
	if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		_exit(1);
	if (fd > 2)
		close(fd);
	if (flags & TU_SPAWN_NOSTDIN) {
		if ((null = open("/dev/null", O_RDONLY)) < 0 ||
		    dup2(null, 0) < 0)
			_exit(1);
		if (null > 2)
			close(null);
	}
	if ((flags & TU_SPAWN_ROOT) && chdir("/") != 0)
		_exit(1);
	execvp(argv[0], argv);
	_exit(127);
}

size_t
tu_orphan(void (*fn)(int fd), char *buf, size_t size)
{
	int p[2];
	ssize_t n = 0, r;
	pid_t c;

	buf[0] = '\0';
	if (pipe(p) != 0)
		return 0;
	if ((c = fork()) == 0) {
		close(p[0]);
		fn(p[1]);
		_exit(1);	/* no teardown */
	}
	close(p[1]);
	while (c > 0 && (size_t)n < size - 1 &&
	    (r = read(p[0], buf + n, size - 1 - (size_t)n)) > 0)
		n += r;
	close(p[0]);
	if (c > 0)
		waitpid(c, NULL, 0);
	buf[n] = '\0';
	return (size_t)n;
}

void
tu_ns_kill(pid_t pid, pid_t init)
{
	int i;

	if (pid <= 0)
		return;
	if (init == 0)
		init = tu_first_child(pid);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	if (init > 0)
		kill(init, SIGKILL);
	for (i = 0; i < 1000 && tu_pid_alive(init); i++)
		usleep(10000);
}

int
tu_pid_alive(pid_t pid)
{
	char path[64], buf[256], *p;
	FILE *f;
	size_t n;

	if (pid <= 0 || kill(pid, 0) != 0)
		return 0;
	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return !(p != NULL && p[1] == ' ' && p[2] == 'Z');
}

pid_t
tu_first_child(pid_t pid)
{
	char path[96];
	long c = 0;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/task/%ld/children", (long)pid,
	    (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	if (fscanf(f, "%ld", &c) != 1)
		c = 0;
	fclose(f);
	return (pid_t)c;
}

/* The link text of /proc/PID/ns/pid ("pid:[4026532...]"), or "". */
static void
pidns(const char *pid, char *buf, size_t size)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof path, "/proc/%s/ns/pid", pid);
	n = readlink(path, buf, size - 1);
	buf[n > 0 ? n : 0] = '\0';
}

int
tu_ns_signal(pid_t init, int sig)
{
	char me[32], want[64], ns[64];
	struct dirent *e;
	DIR *d;
	int n = 0;

	if (init <= 1)
		return 0;
	snprintf(me, sizeof me, "%ld", (long)init);
	pidns(me, want, sizeof want);
	/* unshare's child is a member of the private namespace itself */
	if (*want == '\0' || (d = opendir("/proc")) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		pidns(e->d_name, ns, sizeof ns);
		if (strcmp(ns, want) == 0 && kill(atol(e->d_name), sig) == 0)
			n++;
	}
	closedir(d);
	return n;
}

/* Some live process (in namespace ns, or any when ns is NULL) whose
 * command line contains s? */
static int
scan(const char *ns, const char *s)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	char path[300], buf[8192], its[64];
	int found = 0;

	if (d == NULL)
		return 0;
	while (!found && (e = readdir(d)) != NULL) {
		ssize_t n, i;
		int fd;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		if (ns != NULL) {
			pidns(e->d_name, its, sizeof its);
			if (strcmp(its, ns) != 0)
				continue;
		}
		snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
		if ((fd = open(path, O_RDONLY)) < 0)
			continue;
		n = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (n <= 0)
			continue;
		for (i = 0; i < n; i++)
			if (buf[i] == '\0')
				buf[i] = ' ';
		buf[n] = '\0';
		found = strstr(buf, s) != NULL &&
		    tu_pid_alive((pid_t)atol(e->d_name));
	}
	closedir(d);
	return found;
}

int
tu_proc_with(const char *s)
{
	return scan(NULL, s);
}

void
tu_pidns_of(pid_t pid, char *buf, size_t size)
{
	char me[32];

	snprintf(me, sizeof me, "%ld", (long)pid);
	if (pid <= 0)
		*buf = '\0';
	else
		pidns(me, buf, size);
}

int
tu_ns_proc_with(const char *ns, const char *s)
{
	return *ns != '\0' && scan(ns, s);
}

void
tu_marker(char *buf, size_t size)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(buf, size, "ck%ldx%lld%09ld", (long)getpid(),
	    (long long)ts.tv_sec, ts.tv_nsec);
}
